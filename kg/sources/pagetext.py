"""Saved page text: an Al Mayadeen article page as a browser renders it to text, and plain text.

All three Al Mayadeen editions share one design, so one parser reads them: site name and
menus, a BREAKING ticker, the headline, a bullet byline (author, source, date), "N Min Read",
the summary, "Listen" and the image caption, the body (with "Related News" and "Read more"
inserts), the tag bullets, then "Most Read", "Read Next" and the footer. The English labels
come from the real page in the corpus; the Arabic and Spanish ones are the site's labels as
far as known and are marked unverified in :data:`LABELS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from kg.article import Article, Rejection
from kg.language import normalise_language
from kg.sources.clean import BOILERPLATE_LINES, clean_article_text, is_prose
from kg.sources.dates import BEIRUT, DateReading, listed_dates, resolve_byline_date
from kg.sources.editions import ALMAYADEEN_LANGUAGE
from kg.sources.records import build_article
from kg.sources.registry import Source, register_reader
from kg.sources.textio import InputError, decode

#: Site names at the top of the page, to the edition they identify.
MASTHEADS = {
    "Al Mayadeen English": "almayadeen-en",
    "Al Mayadeen Español": "almayadeen-es",
    "Al Mayadeen Espanol": "almayadeen-es",
    "الميادين": "almayadeen-ar",
}

#: Page labels as patterns, alternatives per edition (en verified on the corpus page; the
#: ar/es wordings are the site's as far as known, unverified on a saved page).
LABELS = {
    "by": re.compile(r"^(By|Por|بقلم)\s+\S"),
    "source": re.compile(r"^(Source|Fuente|المصدر)\s*:"),
    "min_read": re.compile(r"^\d+\s+(Min Read|min de lectura|دقائق قراءة|دقيقة قراءة)$", re.I),
    "listen": re.compile(r"^(Listen|Escuchar|استمع)$"),
    "related": re.compile(r"^(Related News|Noticias relacionadas|أخبار ذات صلة)$"),
    "end": re.compile(r"^(Most Read|Read Next|Coverage|Lo más leído|Leer a continuación"
                      r"|الأكثر قراءة|اقرأ التالي)$"),
}
_BULLET = re.compile(r"^\s*•\s*(.*)$")


def _sniff(head: str) -> bool:
    top = head[:400]
    if not any(mark in top for mark in MASTHEADS):
        return False
    return any(_label_line(ln, "by") for ln in _bullets(head.splitlines()))


@register_reader("almayadeen-page", suffixes=(".txt",), sniff=_sniff, priority=30)
def read_almayadeen_page(source: Source) -> Iterator[Article | Rejection]:
    """One Article from a saved Al Mayadeen page, or a Rejection saying what was missing."""
    try:
        page = decode(source.read_bytes())[0]
        lines = page.replace("\r\n", "\n").split("\n")
        fields = parse_page(lines)
        reading = page_date(fields.date, lines, source)
        edition = _edition(page)
        values = {
            "title": fields.title, "summary": fields.summary, "body": fields.body,
            "author": fields.author, "tags": fields.tags,
            "related": fields.related, "edition": edition, "outlet": "Al Mayadeen",
            "language": ALMAYADEEN_LANGUAGE.get(edition or ""),
            # a guessed date must not make the id depend on when the file was copied
            "published": None if reading.uncertain else reading.value,
        }
        article = build_article(values, source_file=source.name, record_no=None)
        article.published, article.date_uncertain = reading.value, reading.uncertain
        yield article
    except InputError as err:
        yield Rejection(source.name, str(err))


def page_date(byline: str | None, lines: list[str], source: Source) -> DateReading:
    """The page's publication date from its byline, best evidence first (see
    :func:`~kg.sources.dates.resolve_byline_date`): ``--as-of``, then the dated lists on the
    page, then (marked uncertain) the file's modification time."""
    if not byline:
        return DateReading(None, "none")
    return resolve_byline_date(byline, BEIRUT, as_of=source.as_of, saved=source.saved_at(),
                               listed=listed_dates(lines))


@dataclass
class PageFields:
    """What :func:`parse_page` finds on a page."""

    title: str
    author: str | None
    source: str | None
    date: str | None
    summary: str
    body: str
    tags: list[str]
    related: list[str]


def parse_page(lines: list[str]) -> PageFields:
    """Split a saved page's lines into headline, byline, summary, body, tags and related."""
    start, end = _byline_block(lines)
    title = next((ln.strip() for ln in reversed(lines[:start]) if ln.strip()), "")
    byline = [m.group(1).strip() for ln in lines[start:end] if (m := _BULLET.match(ln))]
    author = next((b.split(None, 1)[1] for b in byline if _label_line(b, "by")), None)
    origin = next((b.split(":", 1)[1].strip() for b in byline if _label_line(b, "source")), None)
    date = next((b for b in byline
                 if not _label_line(b, "by") and not _label_line(b, "source")), None)
    rest = _skip_min_read(lines, end)
    summary, rest = _next_paragraph(lines, rest)
    body_lines, tags, related = _body(lines, rest)
    body = clean_article_text("\n\n".join(body_lines))
    if not title or not body:
        raise InputError("no article text found (page layout not recognised)")
    return PageFields(title, author, origin, date, summary, body, tags, related)


def _byline_block(lines: list[str]) -> tuple[int, int]:
    for i, ln in enumerate(lines):
        if _BULLET.match(ln) and _label_line(_BULLET.match(ln).group(1), "by"):
            start = i
            while start > 0 and _BULLET.match(lines[start - 1]):
                start -= 1
            end = i
            while end < len(lines) and _BULLET.match(lines[end]):
                end += 1
            return start, end
    raise InputError("no byline found (not an Al Mayadeen article page)")


def _skip_min_read(lines: list[str], i: int) -> int:
    while i < len(lines) and (not lines[i].strip() or _label_line(lines[i], "min_read")):
        i += 1
    return i


def _next_paragraph(lines: list[str], i: int) -> tuple[str, int]:
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and not _label_line(lines[i], "listen"):
        return lines[i].strip(), i + 1
    return "", i


def _body(lines: list[str], i: int) -> tuple[list[str], list[str], list[str]]:
    """Body paragraphs, the tag bullets that close the article, and related headlines."""
    body: list[str] = []
    related: list[str] = []
    in_related = False
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        i += 1
        if not stripped or _label_line(stripped, "listen") or raw[:1].isspace():
            if _BULLET.match(raw) and body:  # bullets after the body: the tag list
                return body, _tags(lines, i - 1), related
            continue  # blank, "Listen", image caption (bullets and indented lines)
        if _label_line(stripped, "end"):
            break
        if _label_line(stripped, "related"):
            in_related = True
            continue
        if in_related and not is_prose(stripped, min_words=6):
            related.append(stripped)
            continue
        in_related = False
        if any(p.search(stripped) for p in BOILERPLATE_LINES):
            related.append(stripped.split(":", 1)[-1].strip())
            continue
        body.append(stripped)
    return body, [], related


def _tags(lines: list[str], i: int) -> list[str]:
    tags = []
    while i < len(lines) and (m := _BULLET.match(lines[i])):
        tags.append(m.group(1).strip())
        i += 1
    return tags


def _bullets(lines: list[str]) -> list[str]:
    return [m.group(1).strip() for ln in lines if (m := _BULLET.match(ln))]


def _label_line(text: str, label: str) -> bool:
    return bool(LABELS[label].search(text.strip()))


def _edition(page: str) -> str | None:
    top = page[:400]
    return next((edition for mark, edition in MASTHEADS.items() if mark in top), None)


# ---- plain text ---------------------------------------------------------------------------

@register_reader("text", suffixes=(".txt", ".text"), sniff=None, priority=0)
def read_plain_text(source: Source) -> Iterator[Article | Rejection]:
    """A plain text article: first line the title, the rest the body (any known encoding)."""
    try:
        text, encoding = decode(source.read_bytes())
    except InputError as err:
        yield Rejection(source.name, str(err))
        return
    if looks_like_token_list(text):
        yield Rejection(source.name, "not an article: a token or word list (CoNLL/gazetteer?)")
        return
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").split("\n")]
    lines = [ln for ln in lines if ln]
    title, body = (lines[0], clean_article_text("\n\n".join(lines[1:]))) if lines else ("", "")
    if not body or not any(is_prose(ln, min_words=5) for ln in body.split("\n")):
        yield Rejection(source.name, "no article text found")
        return
    values = {"title": title, "body": body, "language": normalise_language(None)}
    yield build_article(values, source_file=source.name, record_no=None)


def looks_like_token_list(text: str) -> bool:
    """True for CoNLL/IOB files, gazetteers and lexicons: nearly all lines of 1-4 tokens."""
    lines = [ln for ln in text[:20000].splitlines() if ln.strip()][:400]
    if len(lines) < 20:
        return False
    short = sum(1 for ln in lines if len(ln.split()) <= 4)
    return short / len(lines) > 0.9
