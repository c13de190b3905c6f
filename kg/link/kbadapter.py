"""A thin, tolerant view of the knowledge base (:mod:`kg.kb`) for linking.

The knowledge base is built by another stage; linking only needs three things from it: the id
for a label, the entity type of an id, and per-language labels and identifiers of an id. This
adapter asks for them through whatever the KB offers (``lookup(label, lang)`` returning an id, an
entry object or a list of either; ``get(id)`` / ``entries[id]``), and answers ``None`` when the KB
is absent, so linking still works on a bare checkout.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

#: Entity type from the prefix of a KB id when the entry does not say.
PREFIX_TYPE = {"country": "LOC", "city": "LOC", "geo": "LOC", "place": "LOC", "region": "LOC",
               "org": "ORG", "person": "PER", "per": "PER", "event": "EVENT"}
#: Entity type from the words KB entries may use.
TYPE_WORDS = {"per": "PER", "person": "PER", "loc": "LOC", "place": "LOC", "gpe": "LOC",
              "country": "LOC", "city": "LOC", "org": "ORG", "organization": "ORG",
              "organisation": "ORG", "event": "EVENT", "misc": None}


@dataclass
class KBInfo:
    """What linking keeps about one KB entry."""

    id: str
    type: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    wikidata: str | None = None
    geonames: str | None = None
    lon: float | None = None
    lat: float | None = None


def _type_of(value: Any, kb_id: str) -> str | None:
    if isinstance(value, str):
        t = TYPE_WORDS.get(value.casefold(), value if value in ("PER", "LOC", "ORG", "EVENT") else None)
        if t:
            return t
    return PREFIX_TYPE.get(kb_id.split(":", 1)[0].casefold()) if ":" in kb_id else None


def _entry_id(entry: Any) -> str | None:
    if entry is None:
        return None
    if isinstance(entry, str):
        return entry
    for attr in ("id", "key", "kb_id"):
        value = getattr(entry, attr, None) or (entry.get(attr) if isinstance(entry, dict) else None)
        if isinstance(value, str):
            return value
    return None


def _attr(entry: Any, *names: str) -> Any:
    for name in names:
        value = entry.get(name) if isinstance(entry, dict) else getattr(entry, name, None)
        if value is not None:
            return value
    return None


class KBView:
    """Cached label -> id lookups and id -> :class:`KBInfo` over any knowledge-base object."""

    def __init__(self, kb: Any | None) -> None:
        self.kb = kb
        self._ids: dict[tuple[str, str], str | None] = {}
        self._entries: dict[str, Any] = {}
        self._info: dict[str, KBInfo] = {}

    @classmethod
    def default(cls) -> KBView:
        """The project's knowledge base when :mod:`kg.kb` provides one, else an empty view."""
        try:
            import kg.kb as kbmod

            for name in ("default_kb", "load_default", "get_kb"):
                factory = getattr(kbmod, name, None)
                if callable(factory):
                    return cls(factory())
            kb_class = getattr(kbmod, "KnowledgeBase", None)
            if kb_class is not None:
                for name in ("default", "load", "builtin"):
                    factory = getattr(kb_class, name, None)
                    if callable(factory):
                        return cls(factory())
                return cls(kb_class())
        except Exception as exc:  # noqa: BLE001 - linking must work without a KB
            log.info("knowledge base unavailable for linking: %s", exc)
        return cls(None)

    def lookup(self, label: str, lang: str | None) -> str | None:
        """The KB id for a label in a language, or ``None``."""
        if self.kb is None or not label:
            return None
        cache_key = (label, lang or "")
        if cache_key in self._ids:
            return self._ids[cache_key]
        kb_id = None
        try:
            found = self.kb.lookup(label, lang)
            if isinstance(found, list | tuple):
                found = found[0] if len(found) == 1 else None
            kb_id = _entry_id(found)
            if kb_id and found is not None and not isinstance(found, str):
                self._entries.setdefault(kb_id, found)
        except Exception:  # noqa: BLE001 - a KB hiccup must not stop linking
            kb_id = None
        self._ids[cache_key] = kb_id
        return kb_id

    def _entry(self, kb_id: str) -> Any:
        if kb_id in self._entries:
            return self._entries[kb_id]
        entry = None
        if self.kb is not None:
            for name in ("get", "entry", "by_id"):
                getter = getattr(self.kb, name, None)
                if callable(getter):
                    try:
                        entry = getter(kb_id)
                    except Exception:  # noqa: BLE001
                        entry = None
                    if entry is not None:
                        break
            if entry is None:
                table = getattr(self.kb, "entries", None)
                if isinstance(table, dict):
                    entry = table.get(kb_id)
        self._entries[kb_id] = entry
        return entry

    def info(self, kb_id: str) -> KBInfo:
        """Type, labels and external ids of a KB entry (best effort)."""
        if kb_id in self._info:
            return self._info[kb_id]
        entry = self._entry(kb_id)
        info = KBInfo(id=kb_id, type=_type_of(_attr(entry, "type", "etype", "kind") if entry else None,
                                              kb_id))
        if entry is not None:
            labels = _attr(entry, "pref_labels", "labels", "label")
            if isinstance(labels, dict):
                for lang, value in labels.items():
                    if isinstance(value, str):
                        info.labels[lang] = value
                    elif isinstance(value, list | tuple) and value:
                        info.labels[lang] = str(value[0])
            info.wikidata = _attr(entry, "wikidata", "qid")
            gn = _attr(entry, "geonames", "geonames_id", "geonameid")
            info.geonames = str(gn) if gn is not None else None
            lon, lat = _attr(entry, "lon", "longitude"), _attr(entry, "lat", "latitude")
            if lon is not None and lat is not None:
                info.lon, info.lat = float(lon), float(lat)
        self._info[kb_id] = info
        return info
