"""HTML article pages: trafilatura for the text, the page's own metadata for the rest.

Publishers state title, date, authors, section, tags, URL and language for search engines in
JSON-LD (schema.org NewsArticle) and OpenGraph ``<meta>`` tags; those are more reliable than
guessing from the layout, so they come first and trafilatura's guesses fill the gaps. The
publication date comes from JSON-LD, then ``<meta>`` tags, then htmldate's reading of the page
(``<time datetime>``, dated URLs...), then a date in the URL's path (``/2013/middle_east/8/3/``).
The text is trafilatura's main-content extraction, cleaned of call-to-action lines; when a page renders
its body with JavaScript (trafilatura then finds only a caption) the JSON-LD ``articleBody``
is used instead.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml import etree

from kg.article import Article, Rejection
from kg.language import normalise_language
from kg.sources.clean import clean_article_text, is_prose
from kg.sources.dates import parse_date, url_date
from kg.sources.fields import author_name, line, tag_list
from kg.sources.records import build_article
from kg.sources.registry import Source, register_reader
from kg.sources.textio import InputError, decode

ARTICLE_TYPES = {
    "NewsArticle", "Article", "OpinionNewsArticle", "ReportageNewsArticle",
    "AnalysisNewsArticle", "BackgroundNewsArticle", "BlogPosting", "LiveBlogPosting",
    "ReviewNewsArticle", "Report", "WebPage",
}
#: Minimum extracted text for a page to count as an article.
MIN_TEXT_CHARS = 200

_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?\s*([\w-]+)""", re.IGNORECASE)


def _sniff(head: str) -> bool:
    start = head.lstrip()[:2000].lower()
    return start.startswith(("<!doctype html", "<html")) or "<html" in start[:600]


@register_reader("html", suffixes=(".html", ".htm", ".xhtml"), sniff=_sniff, priority=10)
def read_html(source: Source) -> Iterator[Article | Rejection]:
    """One Article per page, or a Rejection ("no article text found", undecodable...)."""
    try:
        page = decode_html(source.read_bytes(), source.content_type)
        yield html_to_article(page, source)
    except InputError as err:
        yield Rejection(source.name, str(err))


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """Decode with the declared charset (HTTP header, then ``<meta>``), else by detection."""
    declared = None
    if content_type and "charset=" in content_type:
        declared = content_type.split("charset=")[-1].split(";")[0].strip()
    if declared is None and (match := _CHARSET.search(data[:4096])):
        declared = match.group(1).decode("ascii", "ignore")
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode(data)[0]


def html_to_article(page: str, source: Source) -> Article:
    """Extract text and metadata from a decoded page; raises :class:`InputError`."""
    try:
        tree = lxml.html.fromstring(page)
    except (etree.ParserError, ValueError) as err:
        raise InputError(f"unparsable HTML ({err})") from err
    meta = page_metadata(tree)
    body = _without_headline(extract_text(page, meta, source.url), meta.get("title", ""))
    prose = len(body) > 5 * MIN_TEXT_CHARS or any(is_prose(ln, 6) for ln in body.split("\n"))
    if len(body) < MIN_TEXT_CHARS or not prose:
        raise InputError("no article text found")
    url = meta.get("url") or source.url
    values = {
        "url": url, "title": meta.get("title", ""), "body": body,
        "summary": meta.get("description", ""), "author": meta.get("author"),
        "published": meta.get("published") or url_date(url), "modified": meta.get("modified"),
        "section": meta.get("section"), "tags": meta.get("tags", []),
        "language": meta.get("language"), "outlet": meta.get("site"),
    }
    return build_article(values, source_file=source.name, record_no=None)


def _without_headline(body: str, title: str) -> str:
    """trafilatura keeps the ``<h1>``; the title is stored apart, so drop it from the body."""
    first, _, rest = body.partition("\n")
    if title and _fold(first) == _fold(title):
        return rest.lstrip()
    return body


def extract_text(page: str, meta: dict[str, Any], url: str | None) -> str:
    """Main text by trafilatura, or the JSON-LD body when trafilatura found far less."""
    import trafilatura  # here: it and htmldate are a fifth of a second of every build's start

    extracted = trafilatura.extract(page, url=url, include_comments=False,
                                    include_tables=False, include_images=False) or ""
    text = clean_article_text(extracted)
    ld_body = clean_article_text(meta.get("ld_body", ""))
    if len(ld_body) > max(2 * len(text), MIN_TEXT_CHARS):
        return ld_body
    return text


# ---- metadata ---------------------------------------------------------------------------

def page_metadata(tree: Any) -> dict[str, Any]:
    """Title, dates, authors, section, tags, url, language, site from JSON-LD, meta, <title>."""
    ld = _json_ld_article(tree)
    metas = _meta_tags(tree)
    found: dict[str, Any] = {}
    found["title"] = choose_title(tree.findtext(".//title") or "",
                                  _first(metas, "og:title", "twitter:title") or ld.get("headline"))
    found["author"] = _authors(ld, metas)
    found["published"] = _date(ld.get("datePublished"), _first(
        metas, "article:published_time", "og:article:published_time", "datepublished",
        "publish-date", "pubdate", "date", "dc.date"), ld.get("dateCreated"),
        _html_date(tree))
    found["modified"] = _date(ld.get("dateModified"), _first(
        metas, "article:modified_time", "og:article:modified_time", "datemodified"))
    section = ld.get("articleSection")
    section = section[0] if isinstance(section, list) and section else section
    found["section"] = line(section) if section else _first(
        metas, "article:section", "og:article:section", "meta-section")
    tags = metas.get("article:tag") or metas.get("og:article:tag") or []
    found["tags"] = tag_list([t for t in tags if t]) or tag_list(
        ld.get("keywords") or _first(metas, "news_keywords", "keywords") or [])
    found["url"] = _first(metas, "og:url", "twitter:url") or _canonical(tree) or _ld_url(ld)
    found["language"] = normalise_language(
        ld.get("inLanguage") or tree.get("lang") or _first(metas, "language", "og:locale",
                                                            "content-language"))
    found["site"] = _first(metas, "og:site_name") or _publisher(ld)
    found["description"] = _first(metas, "og:description", "description") or ""
    found["ld_body"] = ld.get("articleBody") or ""
    return {k: v for k, v in found.items() if v not in (None, "", [])}


_TITLE_SEPARATOR = re.compile(r"(\s+(?:\||»|-|–|—|::)\s+)")


def choose_title(page_title: str, meta_title: str | None) -> str:
    """The headline: ``<title>`` without its site and section suffixes.

    "Alito and Prelogar: ... | CNN Politics" -> "Alito and Prelogar: ..."; suffix segments of
    at most five words are dropped while the headline itself has four words or more. The
    OpenGraph title (cleaned the same way) wins when it continues a ``<title>`` that was cut
    short, or when it is the ``<title>`` without a longer suffix.
    """
    cleaned, meta = _strip_suffixes(page_title), _strip_suffixes(meta_title or "")
    if not cleaned or not meta:
        return cleaned or meta
    if _fold(meta).startswith(_fold(cleaned)) or _fold(cleaned).startswith(_fold(meta)):
        return meta
    return cleaned


def _strip_suffixes(title: str) -> str:
    parts = _TITLE_SEPARATOR.split(line(title))
    while len(parts) >= 3 and len(parts[-1].split()) <= 5 and len(parts[0].split()) >= 4:
        parts = parts[:-2]
    return "".join(parts).strip()


def _fold(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def _authors(ld: dict[str, Any], metas: dict[str, list[str]]) -> str | None:
    """JSON-LD authors in order, then a ``<meta name=author>`` name they did not list."""
    names = (author_name(ld.get("author")) or "").split(", ") if ld.get("author") else []
    extra = _meta_author(metas)
    if extra and extra not in names:
        names.append(extra)
    return ", ".join(n for n in names if n) or None


def _html_date(tree: Any):
    """htmldate's reading of the page (no guessing from weak signals), as a last resort."""
    import htmldate

    try:
        found = htmldate.find_date(tree, extensive_search=False, original_date=True)
    except Exception:  # noqa: BLE001 - a failed guess is just no date
        return None
    return found


def _json_ld_article(tree: Any) -> dict[str, Any]:
    """The page's JSON-LD article object (searching lists and ``@graph``); {} when none.

    An article type (NewsArticle, OpinionNewsArticle...) beats a WebPage that has a headline.
    """
    items = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            items.extend(_ld_items(json.loads(script.text or "")))
        except (json.JSONDecodeError, TypeError):
            continue
    articles = [i for i in items if _types(i) & (ARTICLE_TYPES - {"WebPage"})]
    pages = [i for i in items if "WebPage" in _types(i) and ("headline" in i or "articleBody" in i)]
    return (articles or pages or [{}])[0]


def _types(item: dict[str, Any]) -> set[str]:
    found = item.get("@type")
    return {t for t in found if isinstance(t, str)} if isinstance(found, list) else {found}


def _ld_items(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _ld_items(item)
    elif isinstance(data, dict):
        yield data
        if isinstance(data.get("@graph"), list):
            yield from _ld_items(data["@graph"])


def _meta_tags(tree: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in tree.xpath("//meta[@content]"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        if key:
            found.setdefault(key.strip().lower(), []).append(line(meta.get("content")))
    return found


def _first(metas: dict[str, list[str]], *keys: str) -> str | None:
    for key in keys:
        for value in metas.get(key, []):
            if value:
                return value
    return None


def _meta_author(metas: dict[str, list[str]]) -> str | None:
    for key in ("author", "article:author", "og:article:author", "sailthru.author", "byl"):
        for value in metas.get(key, []):
            if value and not value.startswith("http") and "(www." not in value:
                return re.sub(r"^by\s+", "", value, flags=re.IGNORECASE)
    return None


def _date(*candidates: Any):
    for candidate in candidates:
        found = parse_date(candidate) if candidate else None
        if found is not None:
            return found
    return None


def _canonical(tree: Any) -> str | None:
    links = tree.xpath('//link[@rel="canonical"]/@href')
    return links[0].strip() if links else None


def _ld_url(ld: dict[str, Any]) -> str | None:
    url = ld.get("url")
    if isinstance(url, str):
        return url
    page = ld.get("mainEntityOfPage")
    return page.get("@id") if isinstance(page, dict) else None


def _publisher(ld: dict[str, Any]) -> str | None:
    publisher = ld.get("publisher")
    if isinstance(publisher, dict):
        return publisher.get("name")
    return None
