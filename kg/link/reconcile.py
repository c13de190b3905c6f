"""Online reconciliation of names no offline knowledge base knows, against Wikidata's API, cached.

:class:`Reconciler` asks Wikidata (``wbsearchentities``, then ``wbgetentities`` for the
candidates) about a name in its language, and accepts a candidate only when

* one of its ``P31`` classes maps to the mention's type (:data:`CLASS_TYPES`),
* the name equals one of its labels or aliases in that language after
  :func:`kg.text.arabic.normalize_key`,
* and it is the only such candidate, or clearly ahead of the others: first by context (other entity
  labels of the same article appearing in its description or labels), then by sitelinks.

Anything still ambiguous answers ``None``: a wrong merge costs more than a missed one.

Every answer, negative ones included, is kept in ``<store>/reconciled.json`` keyed by
(language, normalised label, type), so a rebuild gives the same graph offline. Requests are
bounded in time (``timeout``), spaced (``min_interval``) and counted (``max_requests`` per run).
``offline=True`` or ``MKG_OFFLINE=1`` sends nothing; the first network failure switches the
reconciler offline for the rest of the run with one warning, and nothing raises into the build.

>>> r = Reconciler(None, offline=True)
>>> r.lookup("Olof Palme", "en", "PER") is None, r.requests
(True, 0)
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.link.translate import Offline, _with_deadline
from kg.text.arabic import normalize_key

#: Both resolution passes of a build ask about the same 17k names, each normalised twice.
_name_key = lru_cache(maxsize=200_000)(normalize_key)

log = logging.getLogger(__name__)

ENDPOINT = "https://www.wikidata.org/w/api.php"
FILE_NAME = "reconciled.json"
LANGS = ("en", "ar", "es")
TYPES = ("PER", "ORG", "LOC", "EVENT")
USER_AGENT = "mkg-news-kg/0.1 (multilingual news knowledge graph; https://w3id.org/mkg) python-urllib"
SEARCH_LIMIT = 7
#: A candidate wins on sitelinks only with at least this many times the runner-up's (and 10 more).
SITELINK_RATIO = 3

#: Wikidata classes (``P31`` values) and the mention type they stand for: the dump importer's
#: table (:data:`kg.kb.wikidata.CLASSES`); a minimal copy stands in when that module is absent.
#: Classes not listed (languages, concepts, works, ...) match no type.
CLASS_TYPES: Mapping[str, str]
try:
    from kg.kb.wikidata import CLASSES as CLASS_TYPES
except ImportError:  # pragma: no cover - the importer ships with the package
    CLASS_TYPES = {
        "Q5": "PER",
        "Q43229": "ORG", "Q4830453": "ORG", "Q7278": "ORG", "Q484652": "ORG", "Q215380": "ORG",
        "Q5741069": "ORG",
        "Q6256": "LOC", "Q3624078": "LOC", "Q3336843": "LOC", "Q515": "LOC", "Q1549591": "LOC",
        "Q486972": "LOC", "Q779415": "LOC", "Q10864048": "LOC", "Q35657": "LOC", "Q8502": "LOC",
        "Q1190554": "EVENT", "Q1656682": "EVENT", "Q198": "EVENT", "Q178561": "EVENT",
        "Q40231": "EVENT", "Q175331": "EVENT", "Q3839081": "EVENT",
    }


@dataclass(frozen=True)
class Reconciled:
    """What Wikidata says about a reconciled name.

    >>> Reconciled("Q8646", "LOC", {"en": "Hong Kong"}, lat=22.28, lon=114.16).iri
    'http://www.wikidata.org/entity/Q8646'
    """

    qid: str
    type: str
    labels: dict[str, str] = field(default_factory=dict)
    description: str = ""
    sitelinks: int = 0
    lat: float | None = None
    lon: float | None = None

    @property
    def iri(self) -> str:
        """The Wikidata entity IRI (for ``owl:sameAs``)."""
        return f"http://www.wikidata.org/entity/{self.qid}"

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Reconciled:
        return cls(qid=data["qid"], type=data["type"], labels=dict(data.get("labels", {})),
                   description=data.get("description", ""), sitelinks=int(data.get("sitelinks", 0)),
                   lat=data.get("lat"), lon=data.get("lon"))


# ---- pure parts: reading an entity, deciding -----------------------------------------------------
def entity_types(entity: Mapping[str, Any]) -> set[str]:
    """The mention types an entity's ``P31`` classes map to (deprecated statements ignored).

    >>> entity_types({"claims": {"P31": [{"mainsnak": {"datavalue": {"value": {"id": "Q5"}}}}]}})
    {'PER'}
    >>> entity_types({"claims": {"P31": [{"mainsnak": {"datavalue": {"value": {"numeric-id": 515}}}}]}})
    {'LOC'}
    """
    found: set[str] = set()
    for statement in (entity.get("claims") or {}).get("P31", []):
        if statement.get("rank") == "deprecated":
            continue
        value = ((statement.get("mainsnak") or {}).get("datavalue") or {}).get("value") or {}
        qid = value.get("id") or (f"Q{value['numeric-id']}" if "numeric-id" in value else None)
        if qid in CLASS_TYPES:
            found.add(CLASS_TYPES[qid])
    return found


def _names(entity: Mapping[str, Any], lang: str) -> list[str]:
    labels = entity.get("labels") or {}
    aliases = entity.get("aliases") or {}
    out = [labels[code]["value"] for code in (lang, "mul") if code in labels]
    for code in (lang, "mul"):
        out += [a["value"] for a in aliases.get(code, []) if isinstance(a, Mapping)]
    return out


def _coordinates(entity: Mapping[str, Any]) -> tuple[float | None, float | None]:
    for statement in (entity.get("claims") or {}).get("P625", []):
        if statement.get("rank") == "deprecated":
            continue
        value = ((statement.get("mainsnak") or {}).get("datavalue") or {}).get("value") or {}
        if "latitude" in value and "longitude" in value:
            return float(value["latitude"]), float(value["longitude"])
    return None, None


def summarize(entity: Mapping[str, Any], etype: str, lang: str = "en") -> Reconciled:
    """A :class:`Reconciled` from a ``wbgetentities`` entity record."""
    labels = {code: entity["labels"][code]["value"] for code in LANGS if code in (entity.get("labels") or {})}
    descriptions = entity.get("descriptions") or {}
    description = next((descriptions[c]["value"] for c in (lang, "en", *LANGS) if c in descriptions), "")
    lat, lon = _coordinates(entity)
    return Reconciled(qid=entity["id"], type=etype, labels=labels, description=description,
                      sitelinks=len(entity.get("sitelinks") or {}), lat=lat, lon=lon)


def context_score(candidate: Reconciled, context: Sequence[str], lang: str) -> int:
    """How many context labels (other entities of the article) the candidate's text mentions.

    >>> c = Reconciled("Q2530", "PER", {"en": "Gerhard Schröder"}, "Chancellor of Germany")
    >>> context_score(c, ["Germany", "Angela Merkel"], "en")
    1
    """
    text = " ".join([normalize_key(candidate.description, lang),
                     *(normalize_key(v, code) for code, v in candidate.labels.items())])
    padded = f" {text} "
    keys = {normalize_key(c, lang) for c in context}
    return sum(1 for k in keys if k and f" {k} " in padded)


def decide(entities: Iterable[Mapping[str, Any]], label: str, lang: str, etype: str,
           context: Sequence[str] = ()) -> Reconciled | None:
    """The one candidate that fits ``label`` (type, then label key, then context, then sitelinks).

    Returns ``None`` when no candidate fits or comparable candidates remain.
    """
    key = normalize_key(label, lang)
    fits: list[Reconciled] = []
    for entity in entities:
        if not isinstance(entity, Mapping) or "missing" in entity or "id" not in entity:
            continue
        if etype not in entity_types(entity):
            continue
        if key not in {normalize_key(n, lang) for n in _names(entity, lang)}:
            continue
        fits.append(summarize(entity, etype, lang))
    if len(fits) <= 1:
        return fits[0] if fits else None
    if context:
        scored = sorted(((context_score(c, context, lang), c) for c in fits), key=lambda s: -s[0])
        if scored[0][0] > scored[1][0]:
            return scored[0][1]
        fits = [c for s, c in scored if s == scored[0][0]]
    by_links = sorted(fits, key=lambda c: -c.sitelinks)
    top, second = by_links[0].sitelinks, by_links[1].sitelinks
    if top >= SITELINK_RATIO * second and top >= second + 10:
        return by_links[0]
    return None


def _cache_key(lang: str, key: str, etype: str) -> str:
    return f"{lang}|{etype}|{key}"


def offline_by_env() -> bool:
    """``MKG_OFFLINE`` set to 1/true/yes."""
    return os.environ.get("MKG_OFFLINE", "").strip().lower() in ("1", "true", "yes")


def write_json_atomic(path: Path, payload: Any) -> None:
    """Write JSON to ``path`` through a temporary file in the same folder and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, ensure_ascii=False, indent=0, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---- the client ------------------------------------------------------------------------------------
class Reconciler:
    """Cached, rate-limited, time-bounded Wikidata reconciliation.

    ``cache_dir``: the store folder (answers in ``<cache_dir>/reconciled.json``; ``None`` keeps
    them in memory). ``offline`` (or ``MKG_OFFLINE=1``): never send a request, answer from the
    cache only. ``timeout``: seconds per request (connect and read; a hard deadline half a second
    later covers slow name lookups). ``min_interval``: seconds between requests.
    ``max_requests``: requests this object may send in all (one build).
    """

    def __init__(self, cache_dir: Path | str | None, *, offline: bool = False, endpoint: str = ENDPOINT,
                 timeout: float = 5.0, min_interval: float = 0.2, max_requests: int = 500,
                 user_agent: str = USER_AGENT) -> None:
        self.path = Path(cache_dir) / FILE_NAME if cache_dir is not None else None
        self.offline = bool(offline) or offline_by_env()
        self.endpoint = endpoint
        self.timeout = float(timeout)
        self.min_interval = float(min_interval)
        self.max_requests = int(max_requests)
        self.user_agent = user_agent
        self.requests = 0  # requests sent (tests and reports)
        self.entries: dict[str, dict[str, Any] | None] = {}
        self._lock = threading.RLock()
        self._last = 0.0
        self._warned_budget = False
        self._dirty = False
        if self.path is not None and self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.entries = dict(data.get("entries", {}))
            except (OSError, ValueError, AttributeError):
                log.warning("Wikidata reconciliation cache %s unreadable; starting empty", self.path)

    # -- cache
    def cached(self, label: str, lang: str, etype: str) -> tuple[bool, Reconciled | None]:
        """``(known, answer)`` from the cache only."""
        ck = _cache_key(lang, _name_key(label, lang), etype)
        if ck not in self.entries:
            return False, None
        entry = self.entries[ck]
        return True, Reconciled.from_json(entry) if entry else None

    def save(self) -> None:
        """Write the cache file (atomically) if anything new was learnt."""
        with self._lock:
            if self.path is None or not self._dirty:
                return
            try:
                write_json_atomic(self.path, {"version": 1, "endpoint": self.endpoint,
                                              "entries": dict(sorted(self.entries.items()))})
                self._dirty = False
            except OSError as exc:
                log.warning("cannot write %s: %s", self.path, exc)

    # -- lookups
    def lookup(self, label: str, lang: str, etype: str, context: Sequence[str] = ()) -> Reconciled | None:
        """The Wikidata entity ``label`` (in ``lang``, of type ``etype``) names, or ``None``.

        Answers come from the cache when known; otherwise (online, within budget) from Wikidata,
        and are cached. Never raises for network trouble.
        """
        key = _name_key(label or "", lang)
        if not key or etype not in TYPES:
            return None
        ck = _cache_key(lang, key, etype)
        with self._lock:
            if ck in self.entries:
                entry = self.entries[ck]
                return Reconciled.from_json(entry) if entry else None
            if not self._may_ask(2):
                return None
            hits = self._call({"action": "wbsearchentities", "search": label.strip(), "language": lang,
                               "uselang": lang, "type": "item", "limit": str(SEARCH_LIMIT),
                               "format": "json"})
            if hits is None:
                return None
            ids = [h["id"] for h in hits.get("search", []) if isinstance(h, Mapping) and "id" in h]
            ids = list(dict.fromkeys(ids))[:SEARCH_LIMIT]
            answer: Reconciled | None = None
            if ids:
                if not self._may_ask(1):
                    return None
                data = self._call({"action": "wbgetentities", "ids": "|".join(ids),
                                   "props": "labels|aliases|descriptions|claims|sitelinks",
                                   "languages": "|".join((*LANGS, "mul")), "format": "json"})
                if data is None:
                    return None
                found = data.get("entities") or {}
                answer = decide((found[i] for i in ids if i in found), label, lang, etype, context)
            self.entries[ck] = answer.to_json() if answer else None
            self._dirty = True
            self.save()
            return answer

    def _may_ask(self, needed: int) -> bool:
        if self.offline:
            return False
        if self.requests + needed > self.max_requests:
            if not self._warned_budget:
                self._warned_budget = True
                log.warning("Wikidata request budget (%d) used up: further names stay unreconciled "
                            "this run", self.max_requests)
            return False
        return True

    def _call(self, params: Mapping[str, str]) -> dict[str, Any] | None:
        """One GET, rate-limited and time-bounded; ``None`` (and offline from now on) on failure."""
        wait = self._last + self.min_interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        url = f"{self.endpoint}?{urllib.parse.urlencode(params)}"
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent,
                                                       "Accept": "application/json"})

        def fetch() -> Any:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read().decode("utf-8"))

        self.requests += 1
        try:
            data = _with_deadline(fetch, self.timeout + 0.5)
        except Offline as exc:
            self._go_offline(exc)
            return None
        finally:
            self._last = time.monotonic()
        if not isinstance(data, dict) or "error" in data:
            error = data.get("error", {}) if isinstance(data, dict) else {}
            log.warning("Wikidata answered an error (%s): name left unreconciled",
                        error.get("code", "unexpected answer") if isinstance(error, dict) else error)
            return None
        return data

    def _go_offline(self, exc: BaseException) -> None:
        self.offline = True
        text = str(exc)
        if "Name or service" in text or "resolve" in text.lower() or "getaddrinfo" in text:
            reason = "name lookup failed"
        elif "refused" in text.lower():
            reason = "connection refused"
        elif "timed out" in text.lower() or "no answer within" in text:
            reason = f"no answer within {self.timeout:g} s"
        else:
            reason = text[:80]
        log.warning("Wikidata is unreachable (%s): names stay unreconciled; use --offline to skip",
                    reason)


def reconcile_names(names: Iterable[tuple[str, str, str, Sequence[str]]],
                    reconciler: Reconciler | None) -> dict[tuple[str, str, str], Reconciled]:
    """Reconcile ``(label, lang, etype, context)`` names; ``{(label, lang, etype): Reconciled}``.

    Names with the same key (language, normalised label, type) are asked about once, with their
    contexts pooled, in a fixed order, so the answers do not depend on the order of ``names``.
    Only names Wikidata placed appear in the result.

    >>> reconcile_names([("Olof Palme", "en", "PER", ())], None)
    {}
    """
    if reconciler is None:
        return {}
    groups: dict[tuple[str, str, str], tuple[list[str], set[str]]] = {}
    for label, lang, etype, context in names:
        key = _name_key(label or "", lang)
        if not key or etype not in TYPES:
            continue
        labels, pooled = groups.setdefault((lang, key, etype), ([], set()))
        labels.append(label)
        pooled.update(c for c in context if c and normalize_key(c, lang) != key)
    out: dict[tuple[str, str, str], Reconciled] = {}
    try:
        for (lang, _key, etype), (labels, pooled) in sorted(groups.items()):
            first = min(labels)
            answer = reconciler.lookup(first, lang, etype, sorted(pooled))
            if answer is not None:
                for label in labels:
                    out[(label, lang, etype)] = answer
    finally:
        reconciler.save()
    return out
