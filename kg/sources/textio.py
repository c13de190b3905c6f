"""Reading bytes safely: size limits, binary sniffing and encoding detection.

Arabic text saved by older Windows tools is often windows-1256, not UTF-8. Decoding it as
UTF-8 with replacement characters would silently destroy every word, so text is tried as
UTF-8 (with or without BOM) first and, failing that, as windows-1256 when the result reads as
Arabic, else windows-1252. A file that is none of these is binary and is rejected.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import BinaryIO

#: Largest single record or text accepted (JSONL line, JSON record text, page, feed item).
MAX_RECORD_BYTES = 5 * 1024 * 1024
#: Largest whole file read into memory (JSON arrays, HTML, feeds); JSONL is streamed instead.
MAX_FILE_BYTES = 200 * 1024 * 1024


class InputError(Exception):
    """A reader's way of saying "reject this input (or record) with this reason"."""


_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_ARABIC = re.compile(r"[\u0600-\u06ff]")
_LATIN = re.compile(r"[A-Za-z]")


def looks_binary(head: bytes) -> bool:
    """True when a file's first bytes contain NULs or many control characters."""
    if not head:
        return False
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    return len(_CONTROL.findall(head)) > max(4, len(head) // 100)


def decode(data: bytes) -> tuple[str, str]:
    """Decode text bytes; returns ``(text, encoding)`` or raises :class:`InputError`."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as err:
            raise InputError(f"undecodable text (a UTF-16 byte-order mark, but {err.reason})") from err
    if looks_binary(data[:8192]):
        raise InputError("binary file, not text")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    arabic = data.decode("cp1256", errors="replace")
    if len(_ARABIC.findall(arabic)) > len(_LATIN.findall(arabic)) * 0.5:
        return arabic, "cp1256"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as err:
        raise InputError(f"undecodable text ({err.reason})") from err


def open_binary(path: Path) -> BinaryIO:
    """Open a file for reading; an OS error becomes an :class:`InputError` saying why."""
    try:
        return path.open("rb")
    except IsADirectoryError as err:
        raise InputError("unreadable: is a directory") from err
    except PermissionError as err:
        raise InputError(f"unreadable: permission denied ({err.strerror})") from err
    except OSError as err:
        raise InputError(f"unreadable: {err.strerror or err}") from err


def read_bytes(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """Read a whole file, refusing empty files and files over ``limit`` with a clear reason."""
    try:
        size = path.stat().st_size
    except OSError as err:
        raise InputError(f"unreadable: {err.strerror or err}") from err
    if size > limit:
        raise InputError(f"file too large ({size / 1e6:.1f} MB > {limit / 1e6:.0f} MB)")
    with open_binary(path) as handle:
        data = handle.read(limit + 1)
    if not data.strip():
        raise InputError("empty file")
    return data


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """A file's text, decoded as :func:`decode` explains."""
    return decode(read_bytes(path, limit))[0]
