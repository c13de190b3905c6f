"""Digests of records, and memories of per-record results kept between builds.

A build recomputes its corpus-level stages from every document, so that building in batches gives
the graph one build gives. What makes that affordable is that the costly parts are per record
(an article's event candidates, a name's romanisation) and pure: :class:`Memo` keeps their
results in the store folder under a digest of their inputs (:func:`record_digest`), so the next
build recomputes only what changed, with the same result as computing it all again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def record_digest(version: str, *records: object) -> str:
    """A digest of records (dataclasses, dicts, sets, lists, plain values), the same in every
    process: sets and dicts are taken in sorted order.

    >>> a = {"key": "LOC:gaza", "labels": {("Gaza", "en"), ("غزة", "ar")}}
    >>> b = {"labels": {("غزة", "ar"), ("Gaza", "en")}, "key": "LOC:gaza"}
    >>> record_digest("v1", a) == record_digest("v1", b) != record_digest("v2", a)
    True
    """
    return hashlib.sha1(repr((version, _canonical(records))).encode("utf-8")).hexdigest()


_PLAIN = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}


def _canonical(value: object) -> object:
    kind = type(value)
    if kind in _PLAIN:  # most of a record's values: first, and without isinstance
        return value
    names = _FIELDS.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        return (kind.__name__, *(_canonical(getattr(value, name)) for name in names))
    if isinstance(value, dict):
        return tuple(sorted(((repr(k), _canonical(v)) for k, v in value.items()), key=repr))
    if isinstance(value, set | frozenset):
        return tuple(sorted((_canonical(v) for v in value), key=repr))
    if isinstance(value, list | tuple):
        return tuple(_canonical(v) for v in value)
    return value


class Memo(Generic[T]):
    """Results by digest, loaded from ``path`` (a pickle) when it was written by the same
    ``version`` of the code, and saved back holding only the entries this run used.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "squares.pickle"
    >>> memo = Memo(path, "v1")
    >>> memo.get("4", lambda: 16), memo.computed
    (16, 1)
    >>> memo.save(); again = Memo(path, "v1")
    >>> again.get("4", lambda: -1), again.computed, Memo(path, "v2").get("4", lambda: -1)
    (16, 0, -1)
    """

    def __init__(self, path: Path | None, version: str) -> None:
        self.path, self.version = path, version
        self._old: dict[str, T] = self._load()
        self._used: dict[str, T] = {}
        self.computed = 0

    def get(self, key: str, compute: Callable[[], T]) -> T:
        """The result remembered under ``key``, else ``compute()`` (remembered)."""
        if key in self._used:
            return self._used[key]
        if key in self._old:
            value = self._old[key]
        else:
            value = compute()
            self.computed += 1
        self._used[key] = value
        return value

    def save(self) -> None:
        """Write what this run used (atomically); an unwritable folder only costs the next run."""
        if self.path is None or (not self.computed and len(self._used) == len(self._old)):
            return
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            with open(tmp, "wb") as fh:
                pickle.dump((self.version, self._used), fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError as exc:
            log.warning("cannot write %s: %s", self.path, exc)

    def _load(self) -> dict[str, T]:
        if self.path is None:
            return {}
        try:
            with open(self.path, "rb") as fh:
                version, entries = pickle.load(fh)
        except FileNotFoundError:
            return {}
        except Exception as exc:  # noqa: BLE001 - a memory that cannot be read is recomputed
            log.warning("ignoring %s (%s)", self.path, exc)
            return {}
        return entries if version == self.version else {}
