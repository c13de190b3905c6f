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
import marshal
import os
import pickle
from collections.abc import Callable
from dataclasses import fields, is_dataclass
from datetime import datetime
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import BinaryIO, Generic, TypeVar

from kg.collector import collector_paused
from kg.kb.cache import load_pickle

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
    return hashlib.sha1(_bytes((version, canonical(records)))).hexdigest()


_PLAIN = frozenset({str, int, float, bool, type(None)})
_FIELDS: dict[type, Callable[[object], tuple] | None] = {}


def _bytes(value: object) -> bytes:
    """Plain values, tuples and lists as bytes, by value only: marshal format 2 has no
    references to objects met before (3 has), so equal values give equal bytes however their
    objects are shared; C speed, where ``repr`` scanned every character of every text."""
    return marshal.dumps(value, 2)


def canonical(value: object) -> object:
    """``value`` as plain values in tuples and lists, equal for equal records in any process:
    a dataclass is its type's name and its field values, a dict its sorted items, a set its
    sorted members, and every container is tagged, so different records stay different.

    A list of dataclasses of one type with plain fields (an article's mentions) is taken in one
    piece: a record digest of the whole corpus was 3.5 M recursive calls.

    >>> from kg.nlp.mention import Mention
    >>> canonical([Mention(0, 4, "Gaza", "LOC")])
    ('[]', 'Mention', [(0, 4, 'Gaza', 'LOC', None, 1.0, 'model')])
    >>> canonical({"b": {2, 1}, "a": None})
    ('{', [('a', None), ('b', ('<', [1, 2]))])
    >>> from zoneinfo import ZoneInfo
    >>> read = datetime(2023, 10, 30, 9, tzinfo=ZoneInfo("Asia/Beirut"))
    >>> canonical(read) == canonical(datetime.fromisoformat(read.isoformat())) == ("t", read.isoformat())
    True
    """
    kind = type(value)
    if kind in _PLAIN:  # most of a record's values: first, and without isinstance
        return value
    # containers of plain values (most of them) as they are: what the general case gives them
    if kind is list or kind is tuple:
        if _PLAIN.issuperset(map(type, value)):
            return "[", list(value)
        return _records(value) or ("[", list(_each(value)))
    values = _field_values(kind)
    if values is not None:
        items = values(value)
        return kind.__name__, items if _PLAIN.issuperset(map(type, items)) else _each(items)
    if isinstance(value, dict):
        if _PLAIN.issuperset(map(type, value)) and _PLAIN.issuperset(map(type, value.values())):
            return "{", sorted(value.items(), key=_bytes)
        return "{", sorted(((canonical(k), canonical(v)) for k, v in value.items()), key=_bytes)
    if isinstance(value, set | frozenset):
        plain = _PLAIN.issuperset(map(type, value))
        return "<", sorted(value if plain else _each(value), key=_bytes)
    if kind is datetime:  # as stored: a zone read as Asia/Beirut is loaded again as +02:00
        return "t", value.isoformat()
    return "?", repr(value)


def _each(values: object) -> tuple:
    """``canonical`` of each value, as a tuple: plain values as they are, without a call
    (most fields of a record are plain; the calls were half the time of a digest)."""
    return tuple([v if type(v) in _PLAIN else canonical(v) for v in values])


def _records(items: list | tuple) -> tuple | None:
    """A list of dataclasses of one type whose fields are all plain values, as rows (else None)."""
    kinds = set(map(type, items))
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    values = _field_values(kind)
    if values is None:
        return None
    rows = list(map(values, items))
    return ("[]", kind.__name__, rows) if _PLAIN.issuperset(map(type, chain.from_iterable(rows))) else None


def _field_values(kind: type) -> Callable[[object], tuple] | None:
    """A function giving the field values of a dataclass instance as a tuple (None: not one)."""
    if kind in _FIELDS:
        return _FIELDS[kind]
    getter = None
    if is_dataclass(kind):
        names = [f.name for f in fields(kind)]
        getter = attrgetter(*names) if len(names) > 1 else (
            lambda value: tuple(getattr(value, name) for name in names))
    _FIELDS[kind] = getter
    return getter


class Memo(Generic[T]):
    """Results by digest, loaded from ``path`` (pickles) when it was written by the same
    ``version`` of the code, and saved back holding the entries this run used (and some it did
    not, see below). ``keep``:
    the entries stay in this process for the next memo of the same file (:data:`_KEPT`).

    The file is a pickle of ``(version, entries)`` followed by pickles of entries added since:
    a run that used at least three in four of the entries it loaded appends the ones it computed
    (a `kg watch` round adding 50 articles to the whole corpus wrote 0.1-0.15 s of pickles it
    had, to add a few; the entries it left unused stay), and one that used fewer writes the file
    anew, with only those it used (so at most a quarter of a file is entries its last reader did
    not use). A torn last addition (a run stopped while appending) is ignored when read, and the
    next save writes the file anew.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "squares.pickle"
    >>> memo = Memo(path, "v1")
    >>> memo.get("4", lambda: 16), memo.computed
    (16, 1)
    >>> memo.save(); again = Memo(path, "v1")
    >>> again.get("4", lambda: -1), again.computed, Memo(path, "v2").get("4", lambda: -1)
    (16, 0, -1)
    """

    def __init__(self, path: Path | None, version: str, keep: bool = False) -> None:
        self.path, self.version, self.keep = path, version, keep
        #: the state of the file its entries were read from, when more may be appended to it
        self._appendable: tuple[int, int, int] | None = None
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
        """Write what this run used (atomically, or as an addition to the file: see the class);
        an unwritable folder only costs the next run."""
        if self.path is None or (not self.computed and len(self._used) == len(self._old)):
            return
        unused = len(self._old) - (len(self._used) - self.computed)
        try:
            if self._appendable is not None and unused * 4 <= len(self._old) \
                    and file_state(self.path) == self._appendable:
                added = {k: v for k, v in self._used.items() if k not in self._old}
                if added:
                    pickled = pickle.dumps(added, protocol=pickle.HIGHEST_PROTOCOL)
                    with open(self.path, "ab") as fh:
                        fh.write(len(pickled).to_bytes(_SIZE_BYTES, "little") + pickled)
                held = {**self._old, **added}
            else:
                tmp = self.path.with_name(self.path.name + ".tmp")
                with open(tmp, "wb") as fh:
                    pickle.dump((self.version, self._used), fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self.path)
                held = self._used
            if self.keep:
                _KEPT[self.path] = (file_state(self.path), self.version, held)
        except OSError as exc:
            log.warning("cannot write %s: %s", self.path, exc)

    def _load(self) -> dict[str, T]:
        if self.path is None:
            return {}
        kept = _KEPT.pop(self.path, None) if self.keep else None
        if kept is not None and kept[0] == file_state(self.path):  # as this process left it
            _KEPT[self.path] = kept
            self._appendable = kept[0] if kept[1] == self.version else None
            return kept[2] if kept[1] == self.version else {}
        try:
            with open(self.path, "rb") as fh:
                state = os.fstat(fh.fileno())
                version, entries = load_pickle(fh)
                whole = _read_additions(fh, entries) if version == self.version else False
        except FileNotFoundError:
            return {}
        except Exception as exc:  # noqa: BLE001 - a memory that cannot be read is recomputed
            log.warning("ignoring %s (%s)", self.path, exc)
            return {}
        if version != self.version:
            return {}
        read = state.st_ino, state.st_size, state.st_mtime_ns
        if self.keep and whole:
            _KEPT[self.path] = (read, version, entries)
        self._appendable = read if whole else None
        return entries


#: an addition to a memo file is its length in these many bytes, then its pickle
_SIZE_BYTES = 8


def _read_additions(fh: BinaryIO, entries: dict) -> bool:
    """Add to ``entries`` the additions that follow the first pickle of a memo file; False when
    the last one is torn (it is left out; nothing is appended after it)."""
    while header := fh.read(_SIZE_BYTES):
        added = fh.read(int.from_bytes(header, "little"))
        if len(header) < _SIZE_BYTES or len(added) < int.from_bytes(header, "little"):
            log.warning("ignoring the torn end of %s", getattr(fh, "name", "a memo"))
            return False
        with collector_paused():  # as load_pickle
            entries.update(pickle.loads(added))
    return True


#: what memos made with ``keep`` (by a process that builds again: ``kg watch``) last read or
#: wrote, by path, with the file's state then: the next build of the process takes the entries
#: from here rather than from the file while the file is as it left it (adding 50 articles to
#: the whole corpus read 0.5 s of pickles it had just written). The entries are not changed
#: once loaded (a memo only adds to those it saves).
_KEPT: dict[Path, tuple[tuple[int, int, int] | None, str, dict]] = {}


def file_state(path: Path) -> tuple[int, int, int] | None:
    """The file's inode, size and modification time (None: no file): a file replaced or
    written to since has another."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def forget_kept_memos() -> None:
    """Drop what memos made with ``keep`` hold for the next build of the process."""
    _KEPT.clear()
