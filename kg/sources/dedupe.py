"""Finding the same article met twice, and keeping one version by a rule, not by arrival order.

Two records are the same article when they share a normalised URL, a site post id, an article
id, or the same normalised text (:meth:`Article.fingerprint`). Duplicates form groups (a record
may link two groups, e.g. same URL as one and same text as another); each group keeps the
version :func:`choose` prefers. ``choose`` compares a total preference key, so the kept version
is the same whatever order the files were given in.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import PurePath
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from kg.article import Article, Rejection

_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid|at_\w+)$", re.I)
_OLDEST = datetime.min.replace(tzinfo=UTC)


def normalise_url(url: str) -> str:
    """A URL key: https, lower-case host without "www.", decoded path without trailing "/",
    no fragment, no tracking parameters, remaining parameters sorted."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = quote(unquote(parts.path), safe="/%:@!$&'()*+,;=-._~").rstrip("/")
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not _TRACKING.match(k)))
    return urlunsplit(("https", host, path, query, ""))


def preference_key(article: Article) -> tuple:
    """Why one version of an article wins over another, most important first.

    1. the later ``modified`` (the site's last update is the more correct text);
    2. the longer body (after reader clean-up, a longer text has kept more of the article);
    3. more metadata (tags, author, summary);
    4. then fixed tie-breakers (id, source file, record) so that identical candidates still
       resolve the same way whatever the input order.
    """
    return (
        article.modified or _OLDEST,
        len(article.body.strip()),
        len(article.tags) + bool(article.author) + bool(article.summary),
        article.id,
        # reversed so the *smaller* file name / record number wins on a complete tie; the
        # file's name, not its path, so "data/x.json" and "/abs/data/x.json" agree
        _descending(PurePath(article.source_file).name),
        -int(article.source_record) if (article.source_record or "").isdigit() else 0,
    )


def _descending(text: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in text)


def choose(a: Article, b: Article) -> Article:
    """The preferred of two versions of the same article (see :func:`preference_key`)."""
    return a if preference_key(a) >= preference_key(b) else b


DuplicateKey = tuple[str, str]  # (reason, value): ("same URL", "https://bbc.com/news/1")


def duplicate_keys(article: Article) -> list[DuplicateKey]:
    """The keys under which two articles count as the same, with the reason for each.

    The document store keeps them with each article (:mod:`kg.docstore`), under
    :func:`duplicate_keys_version`: change what they are made of, and they are made again.
    """
    keys = [("same id", article.id)]
    if article.url:
        keys.append(("same URL", normalise_url(article.url)))
    if article.post_id:
        keys.append(("same post id", f"{article.edition or article.outlet}:{article.post_id}"))
    if article.body.strip():
        keys.append(("same text", article.fingerprint()))
    return keys


@functools.cache
def duplicate_keys_version() -> str:
    """A hash of the code duplicate keys are made by (this module and :mod:`kg.article`)."""
    from kg import article

    digest = hashlib.sha1()
    for path in sorted({__file__, article.__file__}):
        with open(path, "rb") as fh:
            digest.update(fh.read())
    return digest.hexdigest()[:12]


class Deduplicator:
    """Groups duplicates as articles arrive and keeps each group's preferred version.

    ``add`` answers at once (``None`` for an article already seen, with :meth:`reason`);
    :meth:`articles` gives the kept versions once everything is added: use that for an
    order-independent build, since a later duplicate may be the preferred version.
    """

    def __init__(self, prefer: Callable[[Article, Article], Article] = choose) -> None:
        self.prefer = prefer
        self._group_of_key: dict[tuple[str, str], int] = {}
        self._members: dict[int, list[Article]] = {}
        self._reasons: dict[int, str] = {}
        self._keys: dict[int, list[DuplicateKey]] = {}
        self._next = 0

    def add(self, article: Article, keys: list[DuplicateKey] | None = None) -> Article | None:
        """``article`` when it is new; ``None`` when it duplicates one added before.

        ``keys``: its :func:`duplicate_keys`, when the caller kept them (computed otherwise).
        """
        if keys is not None:
            self._keys[id(article)] = keys
        keys = self.keys_of(article)
        hits = [(why, self._group_of_key[(why, value)]) for why, value in keys
                if (why, value) in self._group_of_key]
        if not hits:
            group = self._next
            self._next += 1
            self._members[group] = [article]
            self._index(group, keys)
            return article
        groups = sorted({g for _, g in hits})
        target = groups[0]
        for other in groups[1:]:  # this article links two groups: merge them
            for member in self._members.pop(other):
                self._members[target].append(member)
                self._index(target, self.keys_of(member))
        self._members[target].append(article)
        self._index(target, keys)
        kept = self.kept(target)
        self._reasons[id(article)] = f"duplicate ({hits[0][0]}) of {kept.id}"
        return None

    def reason(self, article: Article) -> str | None:
        """Why ``article`` was found to be a duplicate (``None`` if it was not)."""
        return self._reasons.get(id(article))

    def kept(self, group: int) -> Article:
        """The preferred version in a group."""
        members = self._members[group]
        best = members[0]
        for member in members[1:]:
            best = self.prefer(best, member)
        return best

    def keys_of(self, article: Article) -> list[DuplicateKey]:
        """The :func:`duplicate_keys` of an article added."""
        key = id(article)
        if key not in self._keys:
            self._keys[key] = duplicate_keys(article)
        return self._keys[key]

    def articles(self) -> list[Article]:
        """The kept version of every group, sorted by id: independent of the input order."""
        return sorted((self.kept(g) for g in self._members), key=lambda a: a.id)

    def duplicates(self) -> list[Rejection]:
        """A Rejection for every version not kept, naming the kept one and the shared key."""
        dropped = []
        for group, members in self._members.items():
            kept = self.kept(group)
            for member in members:
                if member is not kept:
                    why = _shared_reason(self.keys_of(member), self.keys_of(kept))
                    dropped.append(Rejection(member.source_file,
                                             f"duplicate ({why}) of {kept.id}",
                                             member.source_record))
        return sorted(dropped, key=lambda r: (r.source_file, r.record or "", r.reason))

    def _index(self, group: int, keys: Iterable[tuple[str, str]]) -> None:
        for key in keys:
            self._group_of_key[key] = group


def _shared_reason(keys: list[tuple[str, str]], kept_keys: list[tuple[str, str]]) -> str:
    other = set(kept_keys)
    for key in keys:
        if key in other:
            return key[0]
    return "linked through another duplicate"


def deduplicate(articles: Iterable[Article]) -> tuple[list[Article], list[Rejection]]:
    """Kept articles (sorted by id) and a Rejection per dropped duplicate."""
    dedupe = Deduplicator()
    for article in articles:
        dedupe.add(article)
    return dedupe.articles(), dedupe.duplicates()
