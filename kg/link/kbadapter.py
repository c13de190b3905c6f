"""A thin, tolerant view of the knowledge base (:mod:`kg.kb`) for linking.

The knowledge base is built by another stage; linking only needs three things from it: the id
for a label, the entity type of an id, and per-language labels and identifiers of an id. This
adapter asks for them through whatever the KB offers (``lookup(label, lang)`` returning an id, an
entry object or a list of either; ``get(id)`` / ``entries[id]``), and answers ``None`` when the KB
is absent, so linking still works on a bare checkout.

When the shipped KB has no entry for a label, the on-disk Wikidata index written by
``kg kb import`` (:class:`kg.kb.index.WikidataIndex`, at ``$MKG_KB_DIR`` or
``~/.local/share/mkg/kb``; ``MKG_KB_DIR=off`` turns it off) is asked next. Its answer is
``wd:Q<n>``, or the shipped entity's own id when the shipped KB carries the same QID, so one
real-world entity stays one node. Index answers are conservative: with several candidates the
top one must have at least :data:`DOMINANCE` times the runner-up's sitelinks, and a mention
type, when given, must match.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.collector import collector_paused
from kg.kb.cache import load_pickle
from kg.memo import file_state

log = logging.getLogger(__name__)

#: Entity type from the prefix of a KB id when the entry does not say.
PREFIX_TYPE = {"country": "LOC", "city": "LOC", "geo": "LOC", "place": "LOC", "region": "LOC",
               "org": "ORG", "person": "PER", "per": "PER", "event": "EVENT"}
#: Entity type from the words KB entries may use.
TYPE_WORDS = {"per": "PER", "person": "PER", "loc": "LOC", "place": "LOC", "gpe": "LOC",
              "country": "LOC", "city": "LOC", "org": "ORG", "organization": "ORG",
              "organisation": "ORG", "event": "EVENT", "misc": None}
#: An index answer among several candidates needs this many times the runner-up's sitelinks.
DOMINANCE = 3.0
#: The index is not asked for labels shorter than this (two-letter acronyms such as "PT", "HK").
MIN_INDEX_LABEL = 3


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

    def __init__(self, kb: Any | None, index: Any | None = None) -> None:
        self.kb = kb
        self.index = index  # a kg.kb.index.WikidataIndex (lookup/get), or None
        self._ids: dict[tuple[str, str, str], str | None] = {}
        self._entries: dict[str, Any] = {}
        self._info: dict[str, KBInfo] = {}
        self._by_qid: dict[str, str] | None = None
        #: what users derive from this view's answers (e.g. each spelling's node in resolution),
        #: kept with it so that several passes over one corpus derive it once
        self.derived: dict[str, dict] = {}
        #: the derivations file this view holds all of, and its state then (remembered_derivations)
        self.derived_from: tuple[Path, str, tuple | None] | None = None

    @classmethod
    def default(cls) -> KBView:
        """The project's knowledge base when :mod:`kg.kb` provides one, else an empty view."""
        with collector_paused():  # loading makes millions of objects, kept: nothing to collect
            return cls._load_default()

    @classmethod
    def _load_default(cls) -> KBView:
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
                        return cls(factory(), default_index())
                return cls(kb_class(), default_index())
        except Exception as exc:  # noqa: BLE001 - linking must work without a KB
            log.info("knowledge base unavailable for linking: %s", exc)
        return cls(None, default_index())

    def lookup(self, label: str, lang: str | None, etype: str | None = None) -> str | None:
        """The KB id for a label in a language, or ``None``.

        ``etype`` (PER, ORG, LOC, EVENT), when known, filters the Wikidata index's candidates.
        """
        if (self.kb is None and self.index is None) or not label:
            return None
        cache_key = (label, lang or "", etype or "")
        if cache_key in self._ids:
            return self._ids[cache_key]
        kb_id = None
        answered = False  # the shipped KB knows the label (even if ambiguously)
        if self.kb is not None:
            try:
                found = self.kb.lookup(label, lang)
                if isinstance(found, list | tuple):
                    answered = bool(found)
                    found = found[0] if len(found) == 1 else None
                else:
                    answered = found is not None
                kb_id = _entry_id(found)
                if kb_id and found is not None and not isinstance(found, str):
                    self._entries.setdefault(kb_id, found)
            except Exception:  # noqa: BLE001 - a KB hiccup must not stop linking
                kb_id = None
        if kb_id is None and not answered and self.index is not None \
                and len(label.strip()) >= MIN_INDEX_LABEL:
            kb_id = self._index_lookup(label, lang or "en", etype)
        self._ids[cache_key] = kb_id
        return kb_id

    def _index_lookup(self, label: str, lang: str, etype: str | None) -> str | None:
        try:
            found = list(self.index.lookup(label, lang))
        except Exception as exc:  # noqa: BLE001 - an index hiccup must not stop linking
            log.info("Wikidata index lookup failed: %s", exc)
            return None
        if etype:
            found = [e for e in found if getattr(e, "type", None) in (etype, None)]
        if not found:
            return None
        top = found[0]
        if len(found) > 1:
            top_links = getattr(top, "sitelinks", 0) or 0
            second = getattr(found[1], "sitelinks", 0) or 0
            if top_links < DOMINANCE * max(second, 1):
                return None
        qid = getattr(top, "wikidata", None)
        shipped = (self._shipped_id(qid) if qid else None) or self._shipped_by_labels(top)
        if shipped:
            return shipped
        kb_id = _entry_id(top)
        if kb_id:
            self._entries.setdefault(kb_id, top)
        return kb_id

    def adopt(self, found: Any) -> str:
        """The id under which an entity found outside the KB (a Wikidata reconciliation with
        ``qid``, ``type``, ``labels``, ``lat``/``lon``) joins the graph: the shipped entity's id
        when the shipped KB knows it, else ``wd:Q<n>``; :meth:`info` answers for it afterwards."""
        shipped = self._shipped_id(found.qid) or self._shipped_by_labels(found)
        if shipped:
            return shipped
        kb_id = f"wd:{found.qid}"
        if self._entry(kb_id) is None:
            self._entries[kb_id] = found
            self._info.pop(kb_id, None)
        return kb_id

    def _shipped_id(self, qid: str) -> str | None:
        """The shipped KB's id of the entity carrying this Wikidata QID, if any."""
        if self._by_qid is None:
            self._by_qid = {}
            try:
                for entity in self.kb if self.kb is not None else ():
                    q = _attr(entity, "wikidata", "qid")
                    eid = _entry_id(entity)
                    if isinstance(q, str) and eid:
                        self._by_qid.setdefault(q, eid)
            except TypeError:  # a KB object that cannot be iterated
                pass
        return self._by_qid.get(qid)

    def _shipped_by_labels(self, entry: Any) -> str | None:
        """The shipped entity an index entry names, when the shipped KB has no QID for it.

        Many shipped places carry no QID (a ``country:PT`` row without one would let the
        index's Portugal, Q45, become a second node). The entry's preferred labels are looked up in the
        shipped KB: when at least two languages each find exactly one entity, all the same,
        of the same type and with no other QID, that entity is the answer.
        """
        if self.kb is None:
            return None
        labels = _attr(entry, "labels")
        votes: set[str] = set()
        n = 0
        for lang, label in (labels.items() if isinstance(labels, dict) else ()):
            try:
                found = self.kb.lookup(label, lang)
            except Exception:  # noqa: BLE001
                return None
            found = list(found) if isinstance(found, list | tuple) else [found] if found else []
            if len(found) != 1:
                continue
            eid = _entry_id(found[0])
            if eid:
                votes.add(eid)
                n += 1
        if len(votes) != 1 or n < 2:
            return None
        eid = votes.pop()
        shipped = self._entry(eid)
        if shipped is None:
            return None
        own_qid = _attr(shipped, "wikidata", "qid")
        if own_qid and own_qid != _attr(entry, "wikidata", "qid"):
            return None
        if _type_of(_attr(shipped, "type"), eid) != _attr(entry, "type"):
            return None
        return eid

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
        if entry is None and self.index is not None and kb_id.startswith("wd:"):
            try:
                entry = self.index.get(kb_id)
            except Exception:  # noqa: BLE001
                entry = None
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


def default_index() -> Any | None:
    """The Wikidata index at ``$MKG_KB_DIR`` (or the default folder), or ``None``."""
    try:
        from kg.kb.index import WikidataIndex

        return WikidataIndex.open()
    except Exception as exc:  # noqa: BLE001 - linking must work without an index
        log.info("Wikidata index unavailable for linking: %s", exc)
        return None


#: the tables of :attr:`KBView.derived` kept between processes in the store folder: each
#: spelling's node and each tag's reading (KB lookups and name keys of ~21k spellings, ~1 s of
#: a whole corpus's linking in a process that had not linked it before)
KEPT_DERIVATIONS = ("mention-nodes", "tag-readings")


@contextmanager
def remembered_derivations(view: KBView, path: Path | None, version: str) -> Iterator[None]:
    """Inside, ``view`` knows the derived tables (:data:`KEPT_DERIVATIONS`) an earlier build
    saved at ``path`` with the same ``version`` (of the code and data they come from, the
    knowledge base and the Wikidata index included); after, they are saved there if they grew.

    >>> import tempfile
    >>> file = Path(tempfile.mkdtemp()) / "derived.pickle"
    >>> first = KBView(None)
    >>> with remembered_derivations(first, file, "v1"):
    ...     first.derived["mention-nodes"][("Gaza", None, "LOC", "en")] = "node"
    >>> again, other = KBView(None), KBView(None)
    >>> with remembered_derivations(again, file, "v1"), remembered_derivations(other, file, "v2"):
    ...     again.derived["mention-nodes"], other.derived["mention-nodes"]
    ({('Gaza', None, 'LOC', 'en'): 'node'}, {})
    """
    if path is not None and view.derived_from == (path, version, file_state(path)):
        # the file is as this view left it (a process that builds again): the view holds it all
        sizes = {name: len(view.derived.get(name, ())) for name in KEPT_DERIVATIONS}
    else:
        saved = _load_derivations(path, version) if path is not None else {}
        for name in KEPT_DERIVATIONS:  # what the view knows already (a process that builds again) wins
            view.derived[name] = {**saved.get(name, {}), **view.derived.get(name, {})}
        sizes = {name: len(saved.get(name, ())) for name in KEPT_DERIVATIONS}
    yield
    # the tables only grow from what was saved: another size is something new
    if path is not None and any(len(view.derived.get(name, ())) != sizes[name]
                                for name in KEPT_DERIVATIONS):
        _save_derivations(path, version, {name: view.derived.get(name, {}) for name in KEPT_DERIVATIONS})
    view.derived_from = (path, version, file_state(path)) if path is not None else None


def _load_derivations(path: Path, version: str) -> dict[str, dict]:
    try:
        with open(path, "rb") as fh:
            saved_version, tables = load_pickle(fh)
    except FileNotFoundError:
        return {}
    except Exception as exc:  # noqa: BLE001 - a memory that cannot be read is derived again
        log.warning("ignoring %s (%s)", path, exc)
        return {}
    return tables if saved_version == version else {}


def _save_derivations(path: Path, version: str, tables: dict[str, dict]) -> None:
    """Written atomically; an unwritable folder only costs the next build its time."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "wb") as fh:
            pickle.dump((version, tables), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot write %s: %s", path, exc)
