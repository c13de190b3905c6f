"""``kg watch``: poll feeds, URLs and folders every few minutes and ingest what is new.

Each round is one :func:`kg.build.build` of the inputs into the store, so what is already there
counts as unchanged and only new or changed articles are added (the build is incremental).
Before the build every URL input is fetched once with the fail-fast fetcher of
:mod:`kg.sources.web` (a hard deadline per URL): a feed that is down (connection refused),
slow (no answer in time) or answers an HTTP error is reported with its reason and left out of
this round; a feed that answers with something unreadable (bad XML, no items) is reported
from the build's rejections. The round goes on with the other inputs, and the next round
tries every input again. A round that fails as a whole (the store is busy with another
build, say) is reported too, and the watch goes on.

Feeds often carry only a teaser of each article. With ``pages`` (the default), the page an
item links to is fetched once, the first time the item is seen, and the page's full text
replaces the teaser (duplicates by URL keep the longer text, see :mod:`kg.sources.dedupe`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kg.article import Article, Rejection
from kg.build import BuildReport, build
from kg.sources.dedupe import normalise_url
from kg.sources.registry import Source
from kg.sources.textio import InputError
from kg.sources.web import FETCH_SECONDS, fetch, is_url

log = logging.getLogger(__name__)


@dataclass
class WatchRound:
    """What one round did: the build's report (``None`` when no build ran) and every input
    that could not be read, with its reason."""

    number: int
    started: datetime
    report: BuildReport | None = None
    failures: list[Rejection] = field(default_factory=list)
    pages: int = 0  # linked pages fetched this round
    error: str | None = None  # the round as a whole failed

    def summary(self) -> str:
        """One line: counts of new, updated and unchanged articles, and of failed inputs.

        >>> WatchRound(3, datetime(2026, 11, 30, 14, 5, tzinfo=UTC), error="store busy").summary()
        'round 3 at 2026-11-30 14:05:00Z: failed (store busy); 0 inputs failed'
        """
        head = f"round {self.number} at {self.started:%Y-%m-%d %H:%M:%S}Z: "
        failed = f"{len(self.failures)} input{'' if len(self.failures) == 1 else 's'} failed"
        if self.error:
            return f"{head}failed ({self.error}); {failed}"
        if self.report is None:
            return f"{head}nothing read; {failed}"
        r = self.report
        return (f"{head}{r.new} new, {r.updated} updated, {r.unchanged} unchanged "
                f"({self.pages} linked pages fetched); store {r.articles} articles, "
                f"{r.events} events; {failed}; {r.seconds:.1f}s")


def watch(inputs: list[str], store: str | Path = "kg-store", every: float = 15.0,
          rounds: int | None = None, pages: bool = True, timeout: float = FETCH_SECONDS,
          stop: threading.Event | None = None,
          on_round: Callable[[WatchRound], None] | None = None,
          **build_options: Any) -> list[WatchRound]:
    """Ingest ``inputs`` into ``store`` every ``every`` minutes, ``rounds`` times (``None``:
    until ``stop`` is set); returns the rounds. ``on_round`` gets each finished round (by
    default its summary is logged); ``build_options`` go to :func:`kg.build.build`.
    """
    stop = stop or threading.Event()
    known = _known_urls(store) if pages else set()
    done: list[WatchRound] = []
    while rounds is None or len(done) < rounds:
        started = time.monotonic()
        result = run_round(inputs, store, len(done) + 1, known, pages, timeout, build_options)
        done.append(result)
        (on_round or _log_round)(result)
        if rounds is not None and len(done) >= rounds:
            break
        if stop.wait(max(0.0, every * 60 - (time.monotonic() - started))):
            break
    return done


def run_round(inputs: list[str], store: str | Path, number: int, known: set[str],
              pages: bool = True, timeout: float = FETCH_SECONDS,
              build_options: dict[str, Any] | None = None) -> WatchRound:
    """One round: fetch every URL input (and, with ``pages``, the new pages its items link
    to; ``known`` holds the normalised URLs already ingested and is updated), then build."""
    result = WatchRound(number, datetime.now(UTC))
    readable, links, result.failures = _fetch_inputs(inputs, known, pages, timeout)
    if not readable:
        return result
    result.pages = len(links)
    try:
        # models, knowledge-base view and documents stay loaded between rounds (~5 s a round)
        options = {"keep_warm": True, **(build_options or {})}
        result.report = build(readable + links, store, progress=False, **options)
    except Exception as err:  # noqa: BLE001 - reported; the watch goes on with the next round
        log.debug("round %d failed", number, exc_info=True)
        result.error = f"{type(err).__name__}: {err}"
        return result
    failed = _input_failures(result.report.rejections, set(readable), set(links))
    result.failures += failed
    known.update(normalise_url(u) for u in set(links) - {r.source_file for r in failed})
    return result


def _fetch_inputs(inputs: list[str], known: set[str], pages: bool,
                  timeout: float) -> tuple[list[str], list[str], list[Rejection]]:
    """The inputs worth building this round, the new item pages to fetch, and the URL inputs
    that could not be fetched, with the reason."""
    readable: list[str] = []
    links: list[str] = []
    failures: list[Rejection] = []
    for given in inputs:
        if not is_url(given):
            readable.append(given)
            continue
        try:
            fetched = fetch(given, timeout)
        except InputError as err:
            failures.append(Rejection(given, str(err)))
            continue
        readable.append(given)
        if pages:
            links += [u for u in _item_links(given, fetched.data, fetched.url)
                      if normalise_url(u) not in known and u not in links]
    return readable, links, failures


def _item_links(url: str, data: bytes, final_url: str) -> list[str]:
    """The links of a feed's items (none when ``data`` is no feed)."""
    from kg.sources.feeds import read_feed

    source = Source(name=url, data=data, url=final_url)
    try:
        return [a.url for a in read_feed(source) if isinstance(a, Article) and is_url(a.url or "")]
    except Exception:  # noqa: BLE001 - the build reports what is wrong with the feed
        return []


def _input_failures(rejections: Iterable[Rejection], inputs: set[str],
                    links: set[str]) -> list[Rejection]:
    """Rejections of whole inputs (a feed, a folder, a linked page), not of single records."""
    return [r for r in rejections
            if (r.source_file in inputs and r.record is None) or r.source_file in links]


def _known_urls(store: str | Path) -> set[str]:
    """Normalised URLs of the articles already in a store folder (empty for a new store)."""
    from kg.docstore import load_documents

    path = Path(store)
    if not path.is_dir():
        return set()
    return {normalise_url(d.article.url) for d in load_documents(path).values() if d.article.url}


def _log_round(result: WatchRound) -> None:
    log.info("%s", result.summary())
    for failure in result.failures:
        log.warning("failed %s: %s", failure.source_file, failure.reason)
