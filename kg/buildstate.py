"""What the last build of a store read and computed, so the next one can skip what is unchanged.

``<store>/build_state.json`` records, for every local file a build read, its size, modification
time and the ``as_of`` it was read with, the ids of the articles it gave and its rejections; and
a *corpus key*: a hash of every document (article fingerprint and extractor version) and of the
code and options of the corpus-level stages. A build then

- reads only the files that are new or changed (the articles of the others are already among the
  store's documents, and their rejections are reported again from here), and
- skips the corpus-level stages and the writer when the corpus key is what it was: a rebuild
  with nothing new does no corpus-wide work.

The file is written after the store is committed, so a build killed before that leaves the old
state, and the next build redoes the work rather than trusting a graph that was never written.

>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> page = folder / "page.txt"
>>> _ = page.write_text("Hello", encoding="utf-8")
>>> state = BuildState()
>>> state.unchanged(str(page), None)
False
>>> state.record(str(page), None, ["a1"], [])
>>> state.save(folder); BuildState.load(folder).unchanged(str(page), None)
True
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kg.article import Rejection

log = logging.getLogger(__name__)

STATE_FILE = "build_state.json"
VERSION = 1


@dataclass
class FileRecord:
    """One input file as the last build read it."""

    size: int
    mtime_ns: int
    as_of: str | None
    article_ids: list[str]
    rejections: list[tuple[str | None, str]]  # (record, reason)


@dataclass
class BuildState:
    """The inputs a store was built from and the key of the corpus it holds."""

    files: dict[str, FileRecord] = field(default_factory=dict)
    corpus_key: str = ""
    counts: dict[str, int] = field(default_factory=dict)  # the last build's store figures

    @classmethod
    def load(cls, store_dir: Path) -> BuildState:
        """The state of the last build of ``store_dir``; empty when there is none (or it is
        unreadable, which only costs the next build its shortcuts)."""
        try:
            data = json.loads((store_dir / STATE_FILE).read_text(encoding="utf-8"))
            if data.get("version") != VERSION:
                return cls()
            files = {path: FileRecord(*rec[:4], [tuple(r) for r in rec[4]])
                     for path, rec in data["files"].items()}
            return cls(files, data.get("corpus_key", ""), data.get("counts", {}))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring %s (%s): every input is read again", store_dir / STATE_FILE, exc)
            return cls()

    def save(self, store_dir: Path) -> None:
        """Write the state atomically."""
        payload = {"version": VERSION, "corpus_key": self.corpus_key, "counts": self.counts,
                   "files": {path: [r.size, r.mtime_ns, r.as_of, r.article_ids,
                                    [list(x) for x in r.rejections]]
                             for path, r in sorted(self.files.items())}}
        tmp = store_dir / (STATE_FILE + ".tmp")
        tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, store_dir / STATE_FILE)

    def unchanged(self, path: str, as_of: datetime | None) -> bool:
        """Whether ``path`` was read by the last build, with the same ``as_of``, and has not
        changed since (same size and modification time)."""
        record = self.files.get(_key(path))
        stat = _stat(path)
        return (record is not None and stat is not None and (record.size, record.mtime_ns) == stat
                and record.as_of == _as_of(as_of))

    def record(self, path: str, as_of: datetime | None, article_ids: Iterable[str],
               rejections: Iterable[Rejection]) -> None:
        """Remember what reading ``path`` gave (files that vanished while read are not kept)."""
        stat = _stat(path)
        if stat is None:
            self.files.pop(_key(path), None)
            return
        self.files[_key(path)] = FileRecord(*stat, _as_of(as_of), sorted(set(article_ids)),
                                            [(r.record, r.reason) for r in rejections])

    def rejections(self, path: str) -> list[Rejection]:
        """The rejections reading ``path`` gave last time."""
        record = self.files.get(_key(path))
        return [Rejection(path, reason, rec) for rec, reason in record.rejections] if record else []


def corpus_key(documents: Iterable[tuple[str, str, str]], stage_version: str) -> str:
    """A hash of ``(article id, digest of the whole article, extractor version)`` triples and of
    the version of the corpus-level stages: equal keys mean the same graph.

    >>> corpus_key([("a", "f1", "x")], "v1") == corpus_key([("a", "f1", "x")], "v1")
    True
    >>> corpus_key([("a", "f1", "x")], "v1") == corpus_key([("a", "f2", "x")], "v1")
    False
    """
    digest = hashlib.sha1(stage_version.encode())
    for row in sorted(documents):
        digest.update("\x1f".join(row).encode() + b"\x1e")
    return digest.hexdigest()


def _key(path: str) -> str:
    return os.path.abspath(path)


def _stat(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _as_of(as_of: datetime | None) -> str | None:
    return as_of.isoformat() if as_of else None
