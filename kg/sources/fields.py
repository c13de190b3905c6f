"""Declarative field mappings: one table per record layout instead of one reader per file.

A :class:`Layout` lists, for each :class:`~kg.article.Article` attribute, the record keys that
may hold it (first non-empty wins) and a converter. Readers of JSON arrays and JSONL hand every
record to :func:`match_layout`, which picks the layout whose ``signature`` keys are present, so
a new scrape with renamed fields is one more line in a table, not a new reader.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import partial
from typing import Any

from kg.sources.dates import UTC, parse_date

Converter = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    """One target attribute, the record keys that may hold it, and how to convert the value."""

    target: str
    keys: tuple[str, ...]
    convert: Converter | None = None


@dataclass(frozen=True)
class Layout:
    """A record layout: how to recognise it and how to read each field of it.

    ``signature``: keys that must all be present for the layout to apply (more keys = more
    specific, tried first). ``defaults``: values used when the record has none (outlet,
    edition, language). ``timezone``: the zone naive timestamps are read in. ``clean_body``:
    text clean-up for this source's known artefacts. ``empty_reason``: explains a record
    without text (e.g. a video item) in the rejection. ``min_chars``: shorter cleaned text is a
    caption or placeholder, not an article (the canonical layout, read as-is, accepts any).
    """

    name: str
    signature: frozenset[str]
    fields: tuple[Field, ...]
    defaults: Mapping[str, Any] = field(default_factory=dict)
    timezone: tzinfo = UTC
    clean_body: Callable[[str, dict[str, Any]], str] | None = None
    empty_reason: Callable[[dict[str, Any]], str] | None = None
    keep_id: bool = False
    min_chars: int = 80


def match_layout(record: Mapping[str, Any], layouts: Iterable[Layout]) -> Layout | None:
    """The most specific layout whose signature keys are all in ``record``."""
    keys = set(record)
    fitting = [layout for layout in layouts if layout.signature <= keys]
    return max(fitting, key=lambda layout: len(layout.signature), default=None)


def apply_layout(layout: Layout, record: Mapping[str, Any]) -> dict[str, Any]:
    """Read every field of ``record`` through ``layout``; absent fields are left out."""
    values: dict[str, Any] = {}
    for spec in layout.fields:
        raw = _first_present(record, spec.keys)
        if raw is None:
            continue
        value = spec.convert(raw) if spec.convert else raw
        if value not in (None, "", [], {}):
            values[spec.target] = value
    for key, value in layout.defaults.items():
        values.setdefault(key, value)
    return values


_MISSING_MARKERS = {"", "none", "null", "nan", "no date found", "n/a"}


def _first_present(record: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        value = record.get(key)
        if value is None:
            continue
        if isinstance(value, str) and value.strip().casefold() in _MISSING_MARKERS:
            continue
        return value
    return None


# ---- converters -------------------------------------------------------------------------

def text(value: Any) -> str:
    """Plain text with Windows line ends and non-breaking spaces folded."""
    return str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ").strip()


def line(value: Any) -> str:
    """A one-line value (title, author): inner white space collapsed."""
    return re.sub(r"\s+", " ", str(value).replace("\xa0", " ")).strip()


def as_id(value: Any) -> str:
    """An identifier as a string whether the scrape stored it as a number or a string."""
    return str(value).strip()


def date_in(tz: tzinfo) -> Converter:
    """A converter reading timestamps with naive ones taken as local time in ``tz``."""
    return partial(parse_date, default_tz=tz)


def tag_list(value: Any) -> list[str]:
    """Editorial tags from a comma- (or semicolon-) separated string or a list, de-duplicated."""
    if isinstance(value, str):
        separator = "," if "," in value or "،" not in value else "،"
        items: Iterable[Any] = re.split(rf"[{separator};]", value)
    elif isinstance(value, Mapping):
        items = [v for key, vals in value.items() if key != "load_date" for v in _listify(vals)]
    else:
        items = _listify(value)
        if len(items) == 1 and isinstance(items[0], str) and "," in items[0]:
            items = items[0].split(",")  # one meta tag holding "a,b,c"
    seen: dict[str, None] = {}
    for item in items:
        cleaned = line(item)
        if cleaned and cleaned.casefold() not in {s.casefold() for s in seen}:
            seen[cleaned] = None
    return list(seen)


def _listify(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, str) and value.startswith(("[", "{")):
        try:
            return _listify(ast.literal_eval(value))
        except (ValueError, SyntaxError):
            return [value]
    if isinstance(value, Mapping):
        return [v for vals in value.values() for v in _listify(vals)]
    return [value]


def author_name(value: Any) -> str | None:
    """An author string from a name, a list of names, or schema.org Person objects."""
    people = [value] if isinstance(value, Mapping) else _listify(value)
    names = [_person(v) for v in people]
    names = [n for n in names if n]
    return ", ".join(dict.fromkeys(names)) or None


def _person(value: Any) -> str:
    if isinstance(value, Mapping):
        value = value.get("name") or ""
    return line(value)


def classes_map(value: Any) -> dict[str, str]:
    """Al Mayadeen ``classes`` (``[{key, mapping, value}]``) as ``{mapping: value}``."""
    found: dict[str, str] = {}
    for item in _listify(value):
        if isinstance(item, Mapping) and item.get("mapping") and item.get("value"):
            found.setdefault(str(item["mapping"]), line(item["value"]))
    return found


def topic_section(value: Any) -> str | None:
    """BBC listing topics ("articles_israel_gaza_war,...") to a readable first section."""
    first = str(value).split(",")[0]
    first = re.sub(r"^(all_)?articles_", "", first).replace("_", " ").replace("-", " ").strip()
    return first or None


def nexis_section(value: Any) -> str | None:
    """News-database sections ("WORLD; middleeast", "FEATURES; Pg. 13") to the section name."""
    head = line(value).split(";")[0].strip()
    return head.title() if head.isupper() else head or None
