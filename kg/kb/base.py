"""The knowledge base: countries, regions, cities and curated entities, looked up by label.

>>> kb = KnowledgeBase.load()
>>> kb.lookup("ترامب", "ar")[0].id == kb.lookup("Donald Trump", "en")[0].id == "kb:donald_trump"
True
>>> kb.get("country:LB").labels["es"]
'Líbano'
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg.text.arabic import normalize_key

DATA = Path(__file__).resolve().parent / "data"
LANGS = ("en", "ar", "es")

#: Base priors by kind; cities add log10(population)/10; curated names add CURATED_BOOST.
#: A politician (``person``, from EveryPolitician) never outranks a curated entity or a place.
KIND_PRIOR = {"curated": 3.0, "country": 2.5, "region": 2.0, "ocean": 2.0, "sea": 1.8,
              "state": 1.6, "person": 1.2, "city": 1.0}
CURATED_BOOST = 1.0


@dataclass(eq=False)
class KBEntity:
    """One knowledge-base entity.

    ``labels`` holds at most one preferred label per language, ``aliases`` the other names.
    ``prior`` ranks entities sharing a name (curated > country > region > US state > city, cities
    by population). ``country`` is an ISO code used for context (the country a place is in, or
    the country a person/organisation belongs to).
    """

    id: str
    type: str
    labels: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    wikidata: str | None = None
    geonames: str | None = None
    lat: float | None = None
    lon: float | None = None
    population: int | None = None
    country: str | None = None
    kind: str = "curated"
    prior: float = 0.0
    blocked: frozenset[str] = frozenset()  # languages whose preferred label is not a usable name

    def names(self, lang: str | None = None) -> Iterator[tuple[str, str]]:
        """``(lang, name)`` for every usable name (labels, then aliases), optionally of one language.

        A preferred label flagged as a common word (``blocked``) is not yielded.
        """
        for lg in (lang,) if lang else LANGS:
            label = self.labels.get(lg)
            if label and lg not in self.blocked:
                yield lg, label
            for a in self.aliases.get(lg, ()):
                yield lg, a

    def label(self, lang: str = "en") -> str:
        """Preferred label in ``lang``, falling back to English, Spanish, Arabic, then the id."""
        for lg in (lang, "en", "es", "ar"):
            if self.labels.get(lg):
                return self.labels[lg]
        return self.id

    @property
    def wkt(self) -> str | None:
        """``POINT(lon lat)`` when the entity has coordinates."""
        if self.lat is None or self.lon is None:
            return None
        return f"POINT({self.lon} {self.lat})"

    def __repr__(self) -> str:
        return f"KBEntity({self.id!r}, {self.type}, {self.label('en')!r})"


def _split(cell: str) -> list[str]:
    return [] if cell in ("", "-") else [x.strip() for x in cell.split(";") if x.strip()]


class KnowledgeBase:
    """Entities by id and by normalised label (:func:`kg.text.arabic.normalize_key`).

    Use :meth:`load` (cached) rather than the constructor.
    """

    def __init__(self, entities: list[KBEntity]) -> None:
        self.entities: dict[str, KBEntity] = {e.id: e for e in entities}
        index: dict[str, list[KBEntity]] = {}
        for e in entities:
            seen: set[str] = set()
            for lg, name in e.names():
                key = normalize_key(name, lg)
                if key and key not in seen:
                    seen.add(key)
                    index.setdefault(key, []).append(e)
        for ents in index.values():
            ents.sort(key=lambda x: (-x.prior, x.id))
        self._index = index
        self.data_dir: Path | None = None

    @classmethod
    def load(cls, data_dir: str | Path | None = None) -> KnowledgeBase:
        """The knowledge base from ``kg/kb/data`` (``places.tsv`` + ``curated.tsv``), cached."""
        return _load(str(Path(data_dir).resolve()) if data_dir else str(DATA))

    def __len__(self) -> int:
        return len(self.entities)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self.entities

    def __iter__(self) -> Iterator[KBEntity]:
        return iter(self.entities.values())

    def get(self, entity_id: str) -> KBEntity | None:
        """The entity with this id, or ``None``."""
        return self.entities.get(entity_id)

    def lookup(self, label: str, lang: str = "en") -> list[KBEntity]:
        """Entities whose normalised names equal ``label``'s, best first.

        >>> [e.id for e in KnowledgeBase.load().lookup("الرئيس الروسي فلاديمير بوتين", "ar")]
        ['kb:vladimir_putin']
        >>> KnowledgeBase.load().lookup("EEUU", "es")[0].id
        'country:US'
        """
        key = normalize_key(label, lang)
        return list(self._index.get(key, ()))

    def keys(self) -> Iterator[str]:
        """Every normalised label in the index."""
        return iter(self._index)

    def stats(self) -> dict[str, int]:
        """Entity counts by kind and type."""
        out: dict[str, int] = {}
        for e in self.entities.values():
            out[e.kind] = out.get(e.kind, 0) + 1
            out[e.type] = out.get(e.type, 0) + 1
        return out


def _read_places(path: Path) -> list[KBEntity]:
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
        header = next(rows)
        for row in rows:
            r = dict(zip(header, row, strict=False))
            aliases: dict[str, list[str]] = {}
            for item in r["aliases"].split("|") if r["aliases"] else ():
                lg, _, name = item.partition(":")
                aliases.setdefault(lg, []).append(name)
            pop = int(r["population"]) if r["population"] else None
            kind = r["kind"]
            prior = KIND_PRIOR[kind]
            if kind == "city" and pop:
                prior += min(math.log10(pop), 7.5) / 10
            out.append(KBEntity(
                id=r["id"], type=r["type"],
                labels={lg: r[lg] for lg in LANGS if r[lg]}, aliases=aliases,
                wikidata=r["wikidata"] or None, geonames=r["geonames"] or None,
                lat=float(r["lat"]) if r["lat"] else None,
                lon=float(r["lon"]) if r["lon"] else None,
                population=pop, country=r["country"] or None, kind=kind, prior=prior,
                blocked=frozenset(x for x in r["blocked"].split(",") if x),
            ))
    return out


def _merge_curated(entities: dict[str, KBEntity], path: Path) -> None:
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) != 7:
                raise ValueError(f"{path}:{n}: expected 7 tab-separated columns, got {len(cols)}")
            eid, etype, qid, country, *names = cols
            by_lang = dict(zip(LANGS, (_split(c) for c in names), strict=True))
            e = entities.get(eid)
            if e is None:
                e = KBEntity(id=eid, type=etype, kind="curated", prior=KIND_PRIOR["curated"])
                entities[eid] = e
            else:
                e.prior += CURATED_BOOST  # the curated list vouches for this place
            if qid not in ("", "-"):
                e.wikidata = qid
            if country not in ("", "-") and not e.country:
                e.country = country
            for lg, lst in by_lang.items():
                if not lst:
                    continue
                old = e.labels.get(lg)
                e.labels[lg] = lst[0]
                rest = [*lst[1:], *([old] if old and old not in lst else []),
                        *e.aliases.get(lg, [])]
                seen: set[str] = set()
                e.aliases[lg] = [a for a in rest if not (a in seen or seen.add(a)) and a != lst[0]]
                e.blocked = e.blocked - {lg}


def source_files(data_dir: Path) -> list[Path]:
    """Files whose state determines the loaded knowledge base (for caches)."""
    here = Path(__file__).resolve().parent
    return [data_dir / "places.tsv", data_dir / "people.tsv", data_dir / "curated.tsv",
            here / "base.py", here.parent / "text" / "arabic.py"]


@lru_cache(maxsize=4)
def _load(data_dir: str) -> KnowledgeBase:
    from kg.kb.cache import cached

    d = Path(data_dir)
    return cached("kb", source_files(d), lambda: _build(d))


def _build(d: Path) -> KnowledgeBase:
    places = {e.id: e for e in _read_places(d / "places.tsv")}
    if (d / "people.tsv").exists():  # politicians (EveryPolitician), same format
        places.update((e.id, e) for e in _read_places(d / "people.tsv"))
    blocked_labels = {(e.id, lg): e.labels[lg] for e in places.values() for lg in e.blocked}
    _merge_curated(places, d / "curated.tsv")
    # A blocked GeoNames label replaced by a curated one must not come back as an alias.
    for (eid, lg), old in blocked_labels.items():
        e = places[eid]
        if old in e.aliases.get(lg, ()):
            e.aliases[lg].remove(old)
    kb = KnowledgeBase(list(places.values()))
    kb.data_dir = d
    return kb
