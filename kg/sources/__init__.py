"""Readers: every input form to :class:`~kg.article.Article` records (or Rejections).

``read_inputs`` expands files, folders, globs and URLs, picks a reader for each input from the
registry (:mod:`kg.sources.registry`) by content and suffix, and yields Articles and
Rejections; nothing raises out of it. Record layouts of JSON/JSONL exports are declared in
:mod:`kg.sources.layouts`; duplicates are resolved by :mod:`kg.sources.dedupe`.
"""

from __future__ import annotations

import fnmatch
import glob
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kg.article import Article, Rejection
from kg.language import detect_language, ensure_language

# Importing the reader modules registers them.
from kg.sources import feeds, html, jsonl, pagetext, scraped_json  # noqa: F401
from kg.sources.dedupe import Deduplicator, choose, deduplicate, normalise_url
from kg.sources.pagetext import looks_like_token_list
from kg.sources.registry import (
    Source,
    article_suffixes,
    choose_reader,
    head_text,
    register_reader,
    registered_readers,
    suffix_of,
)
from kg.sources.textio import MAX_FILE_BYTES, InputError
from kg.sources.web import is_url, read_url

__all__ = [
    "Deduplicator", "Skipped", "Source", "choose", "count_inputs", "deduplicate", "detect_language",
    "ensure_language", "expand_inputs", "inputs_to_read", "normalise_url", "read_input",
    "read_inputs", "register_reader", "registered_readers",
]

log = logging.getLogger(__name__)

#: Files met inside folders that are known not to be articles (documentation, gold data).
SKIPPED_NAMES = (
    "README*", "readme*", "*_Readme*", "LICENSE*", "*_LICENSE*", "*_License*", "COPYING*",
    "*.expected.txt", "*.expected_metadata.json", "evaldata_subset.json", ".*",
)


@dataclass(frozen=True)
class Skipped(Rejection):
    """A file a folder walk did not read because it is not an article by its name, type or
    content (hidden, documentation, unknown type, a token list), with the reason. A file named
    on the command line is never skipped: it is read, or rejected with its reason."""


@dataclass(frozen=True)
class Input:
    """One expanded input: a file path or a URL; ``explicit`` when the user named it."""

    location: str
    explicit: bool
    is_url: bool = False


def expand_inputs(inputs: Iterable[str]) -> Iterator[Input | Rejection]:
    """Files, folders (recursively, sorted), globs and URLs to single inputs."""
    for given in inputs:
        if is_url(given):
            yield Input(given, explicit=True, is_url=True)
        elif os.path.isdir(given):
            yield from _walk(given)
        elif os.path.lexists(given):
            yield Input(given, explicit=True)
        elif glob.has_magic(given):
            matches = sorted(glob.glob(given, recursive=True))
            if not matches:
                yield Rejection(given, "no file matches this pattern")
            for match in matches:
                yield from _walk(match) if os.path.isdir(match) else [Input(match, True)]
        else:
            yield Rejection(given, "no such file or directory")


def _walk(folder: str) -> Iterator[Input | Skipped]:
    """The files under ``folder`` (sorted), and every file or folder left out with the reason."""
    suffixes = article_suffixes()
    for root, dirs, files in os.walk(folder, onerror=lambda err: None):
        kept = []
        for name in sorted(dirs):
            path = os.path.join(root, name)
            if name.startswith("."):
                yield Skipped(path, "hidden folder, not walked")
            elif os.path.islink(path):
                yield Skipped(path, "symbolic link to a folder, not followed")
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            path = os.path.join(root, name)
            suffix = suffix_of(name)
            if name.startswith("."):
                yield Skipped(path, "hidden file")
            elif any(fnmatch.fnmatchcase(name, pattern) for pattern in SKIPPED_NAMES):
                yield Skipped(path, "documentation, licence or gold file, not an article")
            elif suffix not in suffixes:
                yield Skipped(path, f"unknown file type ({suffix or 'no suffix'}); "
                                    "name the file to have it read anyway")
            elif (size := _size(path)) > MAX_FILE_BYTES:
                yield Skipped(path, f"too large ({size / 2**20:.1f} MiB, the limit is "
                                    f"{MAX_FILE_BYTES / 2**20:.0f} MiB); name the file to have "
                                    "it read anyway")
            else:
                yield Input(path, explicit=False)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0  # the reader reports what is wrong with it


def count_inputs(inputs: Iterable[str]) -> int:
    """How many files and URLs :func:`read_inputs` will open (for a progress bar)."""
    return sum(1 for item in expand_inputs(inputs) if isinstance(item, Input))


def read_inputs(inputs: Iterable[str] | str, as_of: datetime | None = None,
                skip: Callable[[str], bool] | None = None) -> Iterator[Article | Rejection]:
    """Every Article and Rejection from ``inputs``; never raises for bad input.

    ``as_of`` resolves relative dates ("Today 10:25") on saved pages; by default each file's
    modification time is used. Language is set when the source states it; call
    :func:`~kg.language.ensure_language` (or :func:`detect_language`) for the rest.
    Local files for which ``skip(path)`` is true are not opened (an incremental build's
    unchanged files); URLs are always read.
    """
    if isinstance(inputs, str):
        inputs = [inputs]
    for item in inputs_to_read(inputs, skip):
        if isinstance(item, Rejection):
            yield item
        else:
            yield from read_input(item, as_of)


def inputs_to_read(inputs: Iterable[str], skip: Callable[[str], bool] | None = None
                   ) -> Iterator[Input | Rejection]:
    """What :func:`expand_inputs` gives, but the local files for which ``skip(path)`` is true
    (URLs are always read)."""
    for item in expand_inputs(inputs):
        if isinstance(item, Rejection) or skip is None or item.is_url or not skip(item.location):
            yield item


def read_input(item: Input, as_of: datetime | None = None) -> Iterator[Article | Rejection]:
    """Every Article and Rejection of one input of :func:`expand_inputs` (a file or a URL);
    never raises."""
    if item.is_url:
        return _guarded(item.location, read_url(item.location))
    source = Source(name=item.location, path=Path(item.location), as_of=as_of)
    return _guarded(item.location, _read_file(source, item.explicit))


def _read_file(source: Source, explicit: bool) -> Iterator[Article | Rejection]:
    try:
        reader = choose_reader(source)
    except InputError as err:
        yield Rejection(source.name, str(err))
        return
    if reader is None:
        if explicit:
            yield Rejection(source.name, "no reader for this kind of file")
        else:
            yield Skipped(source.name, "no reader recognises its content")
        return
    if not explicit and reader.name == "text" and looks_like_token_list(head_text(source.head())):
        yield Skipped(source.name, "a token list (NER or lexicon data), not an article")
        return
    yield from reader.read(source)


def _guarded(name: str, items: Iterator[Article | Rejection]) -> Iterator[Article | Rejection]:
    """Turn a reader's unexpected exception into a Rejection, so one bad file stops nothing."""
    try:
        yield from items
    except Exception as err:  # noqa: BLE001 - the reason is reported, not swallowed
        log.debug("reader failed on %s", name, exc_info=True)
        yield Rejection(name, f"reader failed: {type(err).__name__}: {err}")
