"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds: one Article per item that carries text.

Feeds often carry only a teaser; the item's description (or Atom content/summary) becomes the
body, with HTML markup removed. An item with no text at all is rejected with its number, so
the user knows to fetch the pages themselves.
"""

from __future__ import annotations

from collections.abc import Iterator

import lxml.html
from lxml import etree

from kg.article import Article, Rejection
from kg.language import normalise_language
from kg.sources.clean import clean_article_text
from kg.sources.dates import parse_date
from kg.sources.fields import line
from kg.sources.records import build_article
from kg.sources.registry import Source, register_reader
from kg.sources.textio import InputError

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
RSS1 = "{http://purl.org/rss/1.0/}"


def _sniff(head: str) -> bool:
    start = head.lstrip()[:3000]
    return "<rss" in start or ("<feed" in start and "Atom" in start) or "purl.org/rss/1.0" in start


@register_reader("feed", suffixes=(".rss", ".atom", ".xml"), sniff=_sniff, priority=15)
def read_feed(source: Source) -> Iterator[Article | Rejection]:
    """Yield an Article or Rejection per feed item (numbered from 1)."""
    try:
        root = etree.fromstring(source.read_bytes(), parser=etree.XMLParser(
            resolve_entities=False, no_network=True, recover=False))
    except InputError as err:
        yield Rejection(source.name, str(err))
        return
    except etree.XMLSyntaxError as err:
        yield Rejection(source.name, f"truncated or invalid XML ({err.msg})")
        return
    language = normalise_language(root.findtext("channel/language") or root.get(
        "{http://www.w3.org/XML/1998/namespace}lang"))
    site = line(root.findtext("channel/title") or root.findtext(f"{ATOM}title") or "") or None
    items = root.findall("channel/item") or root.findall(f"{ATOM}entry") or root.findall(
        f"{RSS1}item")
    if not items:
        yield Rejection(source.name, "feed has no items")
        return
    for number, item in enumerate(items, start=1):
        try:
            values = _item_values(item)
            values.setdefault("language", language)
            values.setdefault("outlet", site)
            yield build_article(values, source_file=source.name, record_no=number)
        except InputError as err:
            yield Rejection(source.name, str(err), record=str(number))


def _item_values(item: etree._Element) -> dict:
    """Fields of one RSS or Atom item."""
    def text(*paths: str) -> str:
        for path in paths:
            found = item.findtext(path)
            if found and found.strip():
                return found.strip()
        return ""

    link = text("link", f"{RSS1}link", "guid")
    for atom_link in item.findall(f"{ATOM}link"):
        if atom_link.get("rel", "alternate") == "alternate" and atom_link.get("href"):
            link = atom_link.get("href")
            break
    html_body = text(f"{CONTENT}encoded", f"{ATOM}content", "description", f"{RSS1}description",
                     f"{ATOM}summary")
    body = clean_article_text(_strip_markup(html_body))
    if not body:
        raise InputError("feed item has no text")
    author = text("author", f"{DC}creator", f"{ATOM}author/{ATOM}name")
    tags = [c.text.strip() for c in item.findall("category") if c.text and c.text.strip()]
    tags += [c.get("term") for c in item.findall(f"{ATOM}category") if c.get("term")]
    return {
        "url": link or None, "title": line(text("title", f"{ATOM}title", f"{RSS1}title")),
        "body": body, "author": author or None, "tags": tags,
        "published": parse_date(text("pubDate", f"{DC}date", f"{ATOM}published",
                                     f"{ATOM}updated")),
        "summary": clean_article_text(_strip_markup(text(f"{ATOM}summary"))),
    }


def _strip_markup(fragment: str) -> str:
    if "<" not in fragment:
        return fragment
    try:
        return lxml.html.fromstring(f"<div>{fragment}</div>").text_content()
    except (etree.ParserError, ValueError):
        return fragment
