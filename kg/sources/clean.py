"""Text clean-up shared by the readers: boilerplate lines, social embeds, page navigation.

Entity offsets are computed on the cleaned text, so anything left here (menus, "Read more"
links, embedded tweets in another language) would become false mentions and false language
signals downstream. Rules are tables of patterns, not per-site code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: Lines that are calls to action or cross-links, never article text (en/ar/es).
BOILERPLATE_LINES = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"^\s*read (more|also|next)\s*:",
    r"^\s*(see|watch) (also|more)\s*:",
    r"^\s*(related|more) (news|stories|coverage)\s*:?\s*$",
    r"^\s*(اقرأ|إقرأ) (أيضاً|أيضا|المزيد)\s*:?",
    r"^\s*(lee|leer|lea) (también|más)\s*:",
    r"^\s*submit your letter",
    r"^\s*our standards\s*:",
    r"the thomson reuters trust principles",
    r"^\s*(sign up|subscribe)\b.*\b(newsletter|email|updates)",
    r"^\s*get .* newsletters?\b",
    r"^\s*you can share this story",
    r"^\s*follow (us|rt|cnn)\b",
    # an outlet's own channels and calls for readers' stories (BBC regions, opinion sections)
    r"^\s*(why not |listen to .{1,80}\band )?follow .{1,60}\bon (facebook|x|twitter|instagram|tiktok)\b",
    r"^\s*please include a contact number",
    r"^\s*if you are reading this page and can'?t see the form",
    r"^\s*(are you( personally)?|have you been) affected by the issues raised",
    r"\bshare your experiences by emailing\b",
    r"^\s*available now on bbc iplayer\s*$",
    r"this website uses cookies",
    r"^\s*(©|copyright\b|all rights reserved)",
    r"^\s*advertisement\s*$",
))

#: Social-media posts embedded in article text (the post's own text, in any language).
EMBED_LINES = tuple(re.compile(p) for p in (
    r"pic\.twitter\.com/\w+",
    r"^\s*[—–-]\s*.{1,80}\(@\w+\)\s+\w+ \d{1,2}, \d{4}\s*$",
    r"https?://t\.co/\w+",
))
#: Junk inside lines, each with a literal every match of it contains: the pattern only runs on
#: the texts that hold it (most hold none, and a search of a pattern that starts with ``\s*``
#: or ``\b\w*`` steps through the whole text: a tenth of reading the corpus's records)
_INLINE_JUNK = tuple((literal, re.compile(p)) for literal, p in (
    ("pic.twitter.com/", r"\s*pic\.twitter\.com/\w+"),
    ("://t.co/", r"\s*https?://t\.co/\w+"),
    ("Detalle(", r"\b\w*(Relacionadas?Detalle|VideoDetalle)\([^)]*\);?"),     # emol.com widget calls
    ("Una publicación compartida de ", r"Una publicación compartida de [^()]{1,80}\(@[\w.]+\)\s*"),  # Instagram embed caption
    ("Ver esta publicación en Instagram", r"Ver esta publicación en Instagram\s*"),
    ("Revisa también", r"Revisa también:?\s*"),  # emol.com's link to a related story, inline
    # emol.com's marker of where a picture sat in the text, between two sentences
    ("Right", r"Top-Right\s*|(?<=[.!?\"”] )Right (?=[\"“A-ZÁÉÍÓÚ¿¡])"),
    ("Send your story ideas to",  # a BBC report stored as one line keeps its footer inside it
     r"\s*(?:Follow BBC [^.\n]{1,120}\.\s*)?Send your story ideas to \S+@[\w.]+\w(?:, external)?\.?"),
))


#: Lines longer than this are paragraphs (or whole one-line articles): never dropped whole.
MAX_DROPPED_LINE = 300


#: Embedded posts (a tweet is at most 280 characters plus its byline) are shorter than this.
MAX_EMBED_LINE = 600


def drop_lines(text: str, patterns: Iterable[re.Pattern[str]],
               max_len: int = MAX_DROPPED_LINE) -> str:
    """Remove every short line matching one of ``patterns``.

    Some sources store an article as a single line; a pattern found inside a long line is
    handled by the inline rules instead, so a whole article is never dropped for one link.
    """
    patterns = tuple(patterns)
    kept = [ln for ln in text.split("\n")
            if len(ln) > max_len or not any(p.search(ln) for p in patterns)]
    return "\n".join(kept)


def tidy(text: str) -> str:
    """Trim lines and collapse runs of blank lines to one paragraph break."""
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\xa0", " ").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean_article_text(text: str) -> str:
    r"""The clean-up every reader applies: boilerplate and embeds out, inline junk out, tidy.

    >>> clean_article_text("Gaza, 5 May.RelacionadaDetalle(1234); Talks resume.\n"
    ...                    "Read more: other news\n\n\n\nEnd.")
    'Gaza, 5 May. Talks resume.\n\nEnd.'
    """
    text = drop_lines(drop_lines(text, BOILERPLATE_LINES), EMBED_LINES, MAX_EMBED_LINE)
    for literal, pattern in _INLINE_JUNK:
        if literal in text:
            text = pattern.sub("", text)
    return tidy(text)


#: Where a news-database export's trailer begins: the editor's notes, picture captions and the
#: classification block (subject codes such as "NATIONAL SECURITY (89%)"), which are not prose.
_DATABASE_TRAILER = re.compile(r"\n(?:Notes|Graphic|Classification)\s*\n(?:.*\n)*?\s*Language:\s",
                               re.MULTILINE)


def strip_database_trailer(text: str) -> str:
    r"""Cut a news-database export's trailer (notes, captions, classification) off the body.

    >>> strip_database_trailer("Body.\n\nNotes\n\nANALYSIS\nClassification\n\nLanguage: ENGLISH\n")
    'Body.'
    """
    match = _DATABASE_TRAILER.search(text)
    return text[:match.start()].rstrip() if match else text


def strip_repeated_summary(body: str, values: dict[str, Any]) -> str:
    """Drop the summary where a scrape pasted it as the first and/or last line of the body.

    The Al Mayadeen Arabic scrape repeats ``description`` at both ends of ``full_text``; left
    in, the summary would be counted three times in :attr:`Article.text`.
    """
    summary = _fold(values.get("summary", ""))
    if not summary:
        return clean_article_text(body)
    lines = [ln for ln in body.split("\n")]
    while lines and (not lines[0].strip() or _fold(lines[0]) == summary):
        lines.pop(0)
    while lines and (not lines[-1].strip() or _fold(lines[-1]) == summary):
        lines.pop()
    return clean_article_text("\n".join(lines))


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


# ---- whole-page text (browser "save as text", scraped page_text_raw) ---------------------

_SENTENCE_END = re.compile(r"[.!?؟…:\"'”’»)\]]\s*$")
_GLUED = re.compile(r"[a-z][A-Z][a-z]")


def is_prose(line: str, min_words: int = 8) -> bool:
    """A line that reads as article prose: enough words, ends like a sentence, not a glued menu."""
    words = line.split()
    if len(words) < min_words or not _SENTENCE_END.search(line):
        return False
    return len(_GLUED.findall(line)) <= max(2, len(words) // 15)


def strip_navigation(page: str, title: str = "") -> str:
    """Keep the article out of a whole page's text: prose lines plus subheads between them.

    Menus, tickers, teasers and footers are short, unpunctuated or glued-together lines; the
    article is the run of prose lines. A short line is kept only between two prose lines (a
    subhead). Repeated lines (sidebars shown twice) are dropped after the first time.
    """
    page = drop_lines(page.replace("\r\n", "\n"), BOILERPLATE_LINES + EMBED_LINES)
    lines = [ln.strip() for ln in page.split("\n")]
    lines = [ln for ln in lines if ln and ln != title.strip()]
    seen: set[str] = set()
    unique = []
    for ln in lines:
        if ln not in seen:
            seen.add(ln)
            unique.append(ln)
    prose = [is_prose(ln) for ln in unique]
    kept = []
    for i, ln in enumerate(unique):
        between = 0 < i < len(unique) - 1 and prose[i - 1] and prose[i + 1]
        if prose[i] or (between and len(ln.split()) <= 12 and not _GLUED.search(ln)):
            kept.append(ln)
    return "\n\n".join(kept)
