"""The reader registry: each input form registers itself; the dispatcher never names one.

A reader declares the file suffixes it claims and a ``sniff`` test on the first few kilobytes
of text. Content wins over names: a feed saved as ``.xml``, a page saved without a suffix or
an Al Mayadeen page saved as ``.txt`` all find their reader. Adding a form is one decorated
function in a new module (imported by :mod:`kg.sources`), no dispatcher edit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from kg.article import Article, Rejection
from kg.sources.textio import MAX_FILE_BYTES, InputError, looks_binary, open_binary, read_bytes

HEAD_BYTES = 64 * 1024


@dataclass
class Source:
    """One input to read: a file on disk, or bytes already fetched from a URL.

    ``name`` is what rejections and ``Article.source_file`` show: the path or URL as given.
    """

    name: str
    path: Path | None = None
    data: bytes | None = None
    url: str | None = None
    as_of: datetime | None = None
    content_type: str | None = None
    _head: bytes | None = field(default=None, repr=False)

    def head(self) -> bytes:
        """The first :data:`HEAD_BYTES` bytes (for sniffing); raises :class:`InputError`."""
        if self._head is None:
            if self.data is not None:
                self._head = self.data[:HEAD_BYTES]
            else:
                with self._open_path() as handle:
                    self._head = handle.read(HEAD_BYTES)
        return self._head

    def read_bytes(self, limit: int = MAX_FILE_BYTES) -> bytes:
        """All the bytes, refusing empty and over-large inputs with a reason."""
        if self.data is not None:
            if not self.data.strip():
                raise InputError("empty file")
            if len(self.data) > limit:
                raise InputError(f"input too large ({len(self.data) / 1e6:.1f} MB)")
            return self.data
        assert self.path is not None
        return read_bytes(self.path, limit)

    def open(self) -> BinaryIO:
        """A binary stream over the content, for readers that stream (JSONL)."""
        if self.data is not None:
            return BytesIO(self.data)
        return self._open_path()

    def saved_at(self) -> datetime:
        """When the content was saved: ``as_of`` if given, else the file's modification time."""
        if self.as_of is not None:
            return self.as_of
        if self.path is not None:
            try:
                return datetime.fromtimestamp(self.path.stat().st_mtime, tz=UTC)
            except OSError:
                pass
        return datetime.now(tz=UTC)

    def _open_path(self) -> BinaryIO:
        assert self.path is not None
        return open_binary(self.path)


ReadFn = Callable[[Source], Iterator[Article | Rejection]]
SniffFn = Callable[[str], bool]


@dataclass(frozen=True)
class Reader:
    """A registered input form: its name, suffixes, content test and read function."""

    name: str
    read: ReadFn
    suffixes: tuple[str, ...] = ()
    sniff: SniffFn | None = None
    priority: int = 0


_READERS: dict[str, Reader] = {}


def register_reader(name: str, *, suffixes: tuple[str, ...] = (), sniff: SniffFn | None = None,
                    priority: int = 0) -> Callable[[ReadFn], ReadFn]:
    """Decorator: register ``read`` as the reader called ``name``."""
    def decorate(read: ReadFn) -> ReadFn:
        _READERS[name] = Reader(name, read, tuple(s.lower() for s in suffixes), sniff, priority)
        return read
    return decorate


def registered_readers() -> list[Reader]:
    """All readers, highest priority first."""
    return sorted(_READERS.values(), key=lambda r: -r.priority)


def article_suffixes() -> set[str]:
    """Every suffix some reader claims: files found in folders with these are inputs."""
    return {s for reader in _READERS.values() for s in reader.suffixes}


def suffix_of(name: str) -> str:
    """The last suffix, lower-cased, with the dot ('' when there is none)."""
    return Path(name.split("?")[0]).suffix.lower()


def choose_reader(source: Source) -> Reader | None:
    """The reader for ``source``: content sniffing first, then the suffix; raises InputError.

    Among readers whose sniff accepts the head, one that also claims the suffix wins, then
    priority. A reader without a sniff test is chosen by suffix alone.
    """
    head = source.head()
    if not head.strip():
        raise InputError("empty file")
    if looks_binary(head):
        raise InputError("binary file, not text")
    text = head_text(head)
    suffix = suffix_of(source.name)
    sniffed = [r for r in registered_readers() if r.sniff is not None and r.sniff(text)]
    if sniffed:
        return max(sniffed, key=lambda r: (suffix in r.suffixes, r.priority))
    by_suffix = [r for r in registered_readers() if r.sniff is None and suffix in r.suffixes]
    return by_suffix[0] if by_suffix else None


def head_text(head: bytes) -> str:
    """The head decoded leniently for sniffing (a multibyte character may be cut at the end)."""
    for trim in range(4):
        try:
            return head[: len(head) - trim].decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
    return head.decode("cp1256", errors="replace")
