"""Scraped JSON: an array of article records (or one record, or ``{"articles": [...]}``).

All Al Mayadeen scrapes (three field layouts) and any JSON export with a known layout go
through the one field mapping in :mod:`kg.sources.layouts`; each record becomes an Article or
a Rejection naming its record number (counting from 1).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from kg.article import Article, Rejection
from kg.sources.records import record_to_article
from kg.sources.registry import Source, register_reader
from kg.sources.textio import InputError, decode

_CONTAINER_KEYS = ("articles", "items", "records", "data", "results")


def _sniff(head: str) -> bool:
    return head.lstrip().startswith(("[", "{"))


@register_reader("json", suffixes=(".json",), sniff=_sniff, priority=10)
def read_json(source: Source) -> Iterator[Article | Rejection]:
    """Yield one Article or Rejection per record of a JSON document."""
    try:
        text, _ = decode(source.read_bytes())
        document = json.loads(text)
    except InputError as err:
        yield Rejection(source.name, str(err))
        return
    except json.JSONDecodeError as err:
        yield Rejection(source.name, f"truncated or invalid JSON ({err.msg} at line {err.lineno})")
        return
    records = _records(document)
    if records is None:
        yield Rejection(source.name, "JSON holds no article records")
        return
    for number, record in enumerate(records, start=1):
        yield from read_record(record, source, number)


def read_record(record: Any, source: Source, number: int) -> Iterator[Article | Rejection]:
    """One record to an Article, or a Rejection with the record number and reason."""
    try:
        yield record_to_article(record, source_file=source.name, record_no=number)
    except InputError as err:
        yield Rejection(source.name, str(err), record=str(number))


def _records(document: Any) -> list[Any] | None:
    if isinstance(document, list):
        return document
    if isinstance(document, dict):
        for key in _CONTAINER_KEYS:
            if isinstance(document.get(key), list):
                return document[key]
        return [document]
    return None
