"""The :class:`Article` record every reader produces, and :class:`Rejection` for what it cannot read."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

LANGUAGES = ("en", "ar", "es")


@dataclass
class Article:
    """One news article, whatever form it came in.

    ``id`` is stable across runs: readers derive it from the URL (or the site's post id, or the
    source file and record number when neither exists) with :func:`make_article_id`.
    ``language`` is ``None`` until stated by the source or detected by :mod:`kg.language`.
    """

    id: str
    title: str
    body: str
    url: str | None = None
    edition: str | None = None
    language: str | None = None
    summary: str = ""
    author: str | None = None
    published: datetime | None = None
    modified: datetime | None = None  # last update, when the source states it (dedupe prefers later)
    #: True when ``published`` is only a guess (a relative "Today 10:25" resolved against the
    #: file time with nothing on the page to support it): kept, but left off time axes.
    date_uncertain: bool = False
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    source_file: str = ""
    source_record: str | None = None
    outlet: str | None = None
    post_id: str | None = None

    @property
    def text(self) -> str:
        """The text entities are found in: title, summary (unless the body repeats it), body.

        Mention offsets in the graph (``nif:beginIndex``) are indices into this string.
        """
        parts = [self.title.strip()]
        summary = self.summary.strip()
        body = self.body.strip()
        if summary and not body.startswith(summary[:80]):
            parts.append(summary)
        parts.append(body)
        return "\n\n".join(p for p in parts if p)

    def fingerprint(self) -> str:
        """A hash of the normalised body text, used to find the same article met twice."""
        return text_fingerprint(self.body or self.summary or self.title)


@dataclass(frozen=True)
class Rejection:
    """Something a reader could not turn into an article, with the reason, so nothing is lost silently."""

    source_file: str
    reason: str
    record: str | None = None

    def __str__(self) -> str:
        where = f"{self.source_file}:{self.record}" if self.record else self.source_file
        return f"{where}: {self.reason}"


_NON_WORD = re.compile(r"\W+")  # punctuation and white space: both fold to one space


@lru_cache(maxsize=1 << 16)
def text_fingerprint(text: str) -> str:
    """Hash of text with case, punctuation, diacritics and white space folded away.

    Cached: a build asks it of an incoming article several times (the text object's own hash
    is computed once, so a hit costs a dictionary look-up). Stored articles keep theirs in the
    document store (:mod:`kg.docstore`).

    >>> text_fingerprint("Café, in  GAZA!") == text_fingerprint("cafe in gaza")
    True
    """
    folded = unicodedata.normalize("NFKD", text.casefold())
    # the combining marks of this text, deleted in one pass (not a test per character)
    marks = {ord(c): None for c in set(folded) if unicodedata.combining(c)}
    folded = _NON_WORD.sub(" ", folded.translate(marks) if marks else folded).strip()
    return hashlib.sha1(folded.encode("utf-8")).hexdigest()


def make_article_id(*, url: str | None = None, post_id: str | None = None,
                    site: str | None = None, source: str | None = None) -> str:
    """A stable article id: from the site's post id, else the URL, else the source location.

    >>> make_article_id(post_id="1850881", site="www.almayadeen.net")
    'www.almayadeen.net-1850881'
    """
    if post_id and site:
        return f"{site}-{post_id}"
    key = url or source
    if not key:
        raise ValueError("an article id needs a url, a post id with its site, or a source")
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
