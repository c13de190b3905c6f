"""JSONL: one article object a line, streamed so a file of any size reads in constant memory.

Covers the canonical JSONL of DESIGN.md (read as-is) and every news export with a layout in
:mod:`kg.sources.layouts`. A line over the record size limit is skipped without being held in
memory and rejected with its line number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from kg.article import Article, Rejection
from kg.sources.registry import Source, register_reader
from kg.sources.scraped_json import read_record
from kg.sources.textio import MAX_RECORD_BYTES, InputError, decode

_CHUNK = 1024 * 1024


def _sniff(head: str) -> bool:
    lines = [ln for ln in head.splitlines() if ln.strip()][:2]
    if len(lines) < 2 or not lines[1].lstrip().startswith("{"):
        return False
    try:
        return isinstance(json.loads(lines[0]), dict)
    except json.JSONDecodeError:
        return False


@register_reader("jsonl", suffixes=(".jsonl", ".ndjson"), sniff=_sniff, priority=20)
def read_jsonl(source: Source) -> Iterator[Article | Rejection]:
    """Yield one Article or Rejection per non-blank line."""
    try:
        handle = source.open()
    except InputError as err:
        yield Rejection(source.name, str(err))
        return
    seen_any = False
    with handle:
        for number, raw in _lines(handle):
            if raw is None:
                yield Rejection(source.name, f"record too large (> {MAX_RECORD_BYTES // 2**20} MB)",
                                record=str(number))
                seen_any = True
                continue
            if not raw.strip():
                continue
            seen_any = True
            try:
                record = json.loads(decode(raw)[0])
            except (InputError, json.JSONDecodeError) as err:
                reason = err.msg if isinstance(err, json.JSONDecodeError) else str(err)
                yield Rejection(source.name, f"invalid JSON line ({reason})", record=str(number))
                continue
            yield from read_record(record, source, number)
    if not seen_any:
        yield Rejection(source.name, "empty file")


def _lines(handle) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; ``None`` for a line longer than the record limit."""
    number = 0
    while True:
        line = handle.readline(MAX_RECORD_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_RECORD_BYTES and not line.endswith(b"\n"):
            while True:  # skip the rest of the over-long line in chunks
                rest = handle.readline(_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None
            continue
        yield number, line
