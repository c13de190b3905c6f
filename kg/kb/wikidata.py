"""Stream a Wikidata JSON dump into the on-disk knowledge-base index (:mod:`kg.kb.index`).

The dump (``latest-all.json.gz`` / ``.bz2`` / plain ``.json``) is one JSON array with one entity
per line (first line ``[``, then ``{...},`` lines, last line ``]``); JSONL (one entity object per
line) is read too. The compression is found from the file's first bytes, not its name. Memory
stays bounded: one line is parsed at a time and rows go to SQLite in batches.

**Which entities are kept.** People, organisations, places and named events, chosen by the
*direct* values of P31 (instance of) through :data:`CLASSES`. There is no P279 (subclass of)
closure at import time (it would need a first pass over the whole dump), so an entity whose
only P31 is a class missing from the table is dropped: the table is deliberately broad, and
extensible with :func:`read_classes` (``kg kb import --classes FILE``). When an entity's P31
values map to several types, the first of :data:`TYPE_ORDER` wins (PER, LOC, ORG, EVENT).
A popularity floor (``min_sitelinks``, number of Wikipedia/Wikimedia sitelinks) drops the long
tail. Most of a dump is neither (scholarly articles, taxa, ...): :func:`could_keep` skips a line
none of whose item ids is a kept class before it is parsed at all, so such lines are counted as
dropped by class even if they are broken inside; a line that is not one ``{...}`` object is
always parsed and counted as corrupt.

**What is kept of an entity**: QID, type, sitelinks count, labels and aliases in en/ar/es (a
regional variant such as ``en-gb``/``en-us``/``es-419`` stands in only when the plain language
is missing; Arabic takes no variants, ``arz`` etc. are other languages), coordinates (P625),
and country (P17; for people P27 citizenship) as a QID. Statements of deprecated rank are
ignored and preferred-rank ones come first.

>>> line = ('{"type":"item","id":"Q42","labels":{"en":{"language":"en","value":"Douglas Adams"},'
...         '"ar":{"language":"ar","value":"دوغلاس آدمز"}},"aliases":{},"claims":{"P31":[{'
...         '"mainsnak":{"snaktype":"value","property":"P31","datavalue":{"value":{'
...         '"entity-type":"item","numeric-id":5,"id":"Q5"},"type":"wikibase-entityid"}},'
...         '"rank":"normal"}]},"sitelinks":{"enwiki":{},"arwiki":{}}},')
>>> rec = parse_entity(parse_line(line))
>>> rec.qid, rec.type, rec.sitelinks, rec.labels["ar"]
(42, 'PER', 2, 'دوغلاس آدمز')
"""

from __future__ import annotations

import bz2
import gzip
import io
import json
import os
import re
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from kg.text.arabic import normalize_key

try:  # optional: 2-3x faster parsing when installed
    import orjson as _orjson

    _loads: Any = _orjson.loads
    _JSONError: tuple[type[Exception], ...] = (_orjson.JSONDecodeError, ValueError)
except ImportError:  # pragma: no cover - orjson is not a dependency
    _loads = json.loads
    _JSONError = (ValueError,)

LANGS = ("en", "ar", "es")
TYPES = ("PER", "ORG", "LOC", "EVENT")
#: When P31 values map to several types, the first of these wins.
TYPE_ORDER = ("PER", "LOC", "ORG", "EVENT")
#: Bump when the table layout changes; readers refuse other versions.
SCHEMA_VERSION = "1"
INDEX_FILE = "wikidata.sqlite"
DEFAULT_MIN_SITELINKS = 2
BATCH = 2000  # lines per chunk (and per executemany)

#: Direct P31 (instance of) class -> type. Broad on purpose: without a P279 closure only these
#: exact classes count. Extend with :func:`read_classes`.
CLASSES: dict[str, str] = {
    # people
    "Q5": "PER",                # human
    # places: countries and states
    "Q6256": "LOC",             # country
    "Q3624078": "LOC",          # sovereign state
    "Q3336843": "LOC",          # country of the United Kingdom
    "Q7275": "LOC",             # state
    "Q15634554": "LOC",         # state with limited recognition
    "Q1763527": "LOC",          # constituent state
    "Q112099": "LOC",           # island nation
    "Q46395": "LOC",            # British overseas territory
    "Q779415": "LOC",           # special administrative region of China
    "Q161243": "LOC",           # dependent territory
    "Q20181813": "LOC",         # colonial power
    # places: administrative divisions
    "Q35657": "LOC",            # state of the United States
    "Q10864048": "LOC",         # first-level administrative country subdivision
    "Q13220204": "LOC",         # second-level administrative country subdivision
    "Q56061": "LOC",            # administrative territorial entity
    "Q34876": "LOC",            # province
    "Q1615742": "LOC",          # province of China
    "Q28575": "LOC",            # county
    "Q47168": "LOC",            # county of the United States
    "Q1221156": "LOC",          # state of Germany
    "Q10742": "LOC",            # autonomous community of Spain
    "Q15284": "LOC",            # municipality
    "Q2074737": "LOC",          # municipality of Spain
    "Q3184121": "LOC",          # municipality of Brazil
    # places: settlements
    "Q515": "LOC",              # city
    "Q1637706": "LOC",          # city with millions of inhabitants
    "Q1549591": "LOC",          # big city
    "Q200250": "LOC",           # metropolis
    "Q5119": "LOC",             # capital city
    "Q486972": "LOC",           # human settlement
    "Q3957": "LOC",             # town
    "Q532": "LOC",              # village
    "Q1093829": "LOC",          # city of the United States
    "Q22865": "LOC",            # independent city (Germany; seen on Q1040 Karlsruhe)
    "Q262166": "LOC",           # municipality of Germany
    "Q42744322": "LOC",         # urban municipality of Germany
    "Q253030": "LOC",           # urban district of Baden-Württemberg (seen on Q1040 Karlsruhe)
    "Q2327515": "LOC",          # city in Germany (seen on Q1040 Karlsruhe)
    "Q1115575": "LOC",          # civil parish
    "Q123705": "LOC",           # neighbourhood
    "Q188509": "LOC",           # suburb
    "Q1187811": "LOC",          # college town
    "Q484170": "LOC",           # commune of France
    "Q747074": "LOC",           # comune of Italy
    "Q1620908": "LOC",          # historical region
    "Q149621": "LOC",           # district
    "Q17343829": "LOC",         # unincorporated community in the United States
    # places: physical geography
    "Q8502": "LOC",             # mountain
    "Q46831": "LOC",            # mountain range
    "Q23397": "LOC",            # lake
    "Q4022": "LOC",             # river
    "Q165": "LOC",              # sea
    "Q9430": "LOC",             # ocean
    "Q23442": "LOC",            # island
    "Q33837": "LOC",            # archipelago
    "Q34763": "LOC",            # peninsula
    "Q8514": "LOC",             # desert
    "Q37901": "LOC",            # strait
    "Q39594": "LOC",            # bay
    "Q1322134": "LOC",          # gulf
    "Q82794": "LOC",            # geographic region
    "Q5107": "LOC",             # continent
    "Q107425": "LOC",           # landscape
    "Q570116": "LOC",           # tourist attraction
    "Q12280": "LOC",            # bridge
    "Q1248784": "LOC",          # airport
    "Q44782": "LOC",            # port
    "Q16917": "LOC",            # hospital
    "Q32815": "LOC",            # mosque
    "Q16970": "LOC",            # church building
    "Q174782": "LOC",           # square
    "Q79007": "LOC",            # street
    "Q839954": "LOC",           # archaeological site
    "Q9259": "LOC",             # UNESCO World Heritage Site
    "Q473972": "LOC",           # protected area
    "Q46169": "LOC",            # national park
    # organisations
    "Q43229": "ORG",            # organization
    "Q7278": "ORG",             # political party
    "Q7210356": "ORG",          # political organization
    "Q4830453": "ORG",          # business
    "Q783794": "ORG",           # company
    "Q891723": "ORG",           # public company
    "Q6881511": "ORG",          # enterprise
    "Q3918": "ORG",             # university
    "Q38723": "ORG",            # higher education institution
    "Q484652": "ORG",           # international organization
    "Q245065": "ORG",           # intergovernmental organization
    "Q163740": "ORG",           # nonprofit organization
    "Q79913": "ORG",            # non-governmental organization
    "Q17149090": "ORG",         # armed organization
    "Q15911314": "ORG",         # association
    "Q48204": "ORG",            # voluntary association
    "Q215380": "ORG",           # musical group
    "Q5741069": "ORG",          # rock band
    "Q476028": "ORG",           # association football club
    "Q847017": "ORG",           # sports club
    "Q12973014": "ORG",         # sports team
    "Q327333": "ORG",           # government agency
    "Q2659904": "ORG",          # government organization
    "Q192350": "ORG",           # ministry
    "Q35749": "ORG",            # parliament
    "Q8473": "ORG",             # military
    "Q176799": "ORG",           # military unit
    "Q11032": "ORG",            # newspaper
    "Q1002697": "ORG",          # periodical
    "Q192283": "ORG",           # news agency
    "Q1616075": "ORG",          # television station
    "Q1110794": "ORG",          # daily newspaper
    "Q15265344": "ORG",         # broadcaster
    "Q14350": "ORG",            # radio station
    "Q2085381": "ORG",          # publisher
    "Q7188": "ORG",             # government
    "Q41487": "ORG",            # court
    "Q1331793": "ORG",          # media company
    "Q22687": "ORG",            # bank
    "Q66344": "ORG",            # central bank
    "Q178790": "ORG",           # trade union
    "Q31855": "ORG",            # research institute
    "Q1664720": "ORG",          # institute
    "Q1530022": "ORG",          # religious organization
    "Q3152824": "ORG",          # cultural institution
    "Q33506": "ORG",            # museum
    "Q46970": "ORG",            # airline
    "Q4671277": "ORG",          # academic institution
    "Q902104": "ORG",           # private university
    "Q875538": "ORG",           # public university
    "Q49773": "ORG",            # social movement
    "Q1058914": "ORG",          # software company
    "Q210167": "ORG",           # video game developer
    # named events
    "Q1656682": "EVENT",        # event
    "Q198": "EVENT",            # war
    "Q103495": "EVENT",         # world war
    "Q8465": "EVENT",           # civil war
    "Q178561": "EVENT",         # battle
    "Q188055": "EVENT",         # siege
    "Q40231": "EVENT",          # election (public election)
    "Q858439": "EVENT",         # presidential election
    "Q43109": "EVENT",          # referendum
    "Q645883": "EVENT",         # military operation
    "Q18669875": "EVENT",       # terrorist attack
    "Q3839081": "EVENT",        # disaster
    "Q8065": "EVENT",           # natural disaster
    "Q7944": "EVENT",           # earthquake
    "Q8092": "EVENT",           # tropical cyclone
    "Q8068": "EVENT",           # flood
    "Q3199915": "EVENT",        # massacre
    "Q41397": "EVENT",          # genocide
    "Q750215": "EVENT",         # mass murder
    "Q124734": "EVENT",         # rebellion
    "Q10931": "EVENT",          # revolution
    "Q45382": "EVENT",          # coup d'état
    "Q273120": "EVENT",         # protest
    "Q175331": "EVENT",         # demonstration
    "Q49776": "EVENT",          # strike (labour)
    "Q180684": "EVENT",         # conflict
    "Q350604": "EVENT",         # armed conflict
    "Q1261499": "EVENT",        # naval battle
    "Q2001676": "EVENT",        # offensive
    "Q831663": "EVENT",         # military campaign
    "Q217327": "EVENT",         # suicide attack
    "Q3241045": "EVENT",        # disease outbreak
    "Q12184": "EVENT",          # pandemic
    "Q44512": "EVENT",          # epidemic
    "Q1190554": "EVENT",        # occurrence
    "Q27020041": "EVENT",       # sports season
    "Q500834": "EVENT",         # tournament
    "Q1139665": "EVENT",        # political murder / assassination
    "Q3882219": "EVENT",        # assassination
    "Q15275719": "EVENT",       # recurring event
    "Q2334719": "EVENT",        # legal case / trial
}

_VARIANT = re.compile(r"^(en|es)-[a-z0-9]+$")


class DumpError(Exception):
    """The dump cannot be read (missing file, broken compression, nothing but corrupt lines)."""


@dataclass
class Record:
    """What the index keeps of one entity."""

    qid: int
    type: str
    sitelinks: int
    labels: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, list[str]] = field(default_factory=dict)
    lat: float | None = None
    lon: float | None = None
    country: str | None = None

    def keys(self) -> list[str]:
        """Distinct normalised name keys (:func:`kg.text.arabic.normalize_key`) of the record."""
        out: list[str] = []
        seen: set[str] = set()
        for lang in LANGS:
            names = ([self.labels[lang]] if lang in self.labels else []) + self.aliases.get(lang, [])
            for name in names:
                key = normalize_key(name, lang)
                if key and key not in seen:
                    seen.add(key)
                    out.append(key)
        return out


@dataclass
class ImportReport:
    """Counts and timings of one import."""

    source: str
    index: Path
    read: int = 0
    kept: Counter = field(default_factory=Counter)
    skipped_class: int = 0
    skipped_sitelinks: int = 0
    other: int = 0  # properties, lexemes, objects without an id
    corrupt: int = 0
    corrupt_lines: list[int] = field(default_factory=list)
    names: int = 0
    seconds: float = 0.0
    bytes_read: int = 0
    index_bytes: int = 0

    @property
    def kept_total(self) -> int:
        return sum(self.kept.values())

    def summary(self) -> str:
        """The lines ``kg kb import`` prints."""
        rate = self.read / self.seconds if self.seconds else 0.0
        kept = ", ".join(f"{t} {self.kept.get(t, 0)}" for t in TYPES)
        lines = [
            f"read {self.read} entities in {self.seconds:.1f}s ({rate:,.0f} entities/s, "
            f"{self.bytes_read / 1e6:,.1f} MB of {self.source})",
            f"kept {self.kept_total} ({kept}); dropped {self.skipped_class} by class, "
            f"{self.skipped_sitelinks} below the sitelinks floor, {self.other} not items",
            f"index: {self.index} ({self.index_bytes / 1e6:,.1f} MB, {self.names} names)",
        ]
        if self.corrupt:
            first = ", ".join(str(n) for n in self.corrupt_lines[:5])
            lines.append(f"corrupt lines skipped: {self.corrupt} (line {first}"
                         f"{', ...' if self.corrupt > 5 else ''})")
        return "\n".join(lines)


# ---- class table --------------------------------------------------------------------------------
def read_classes(path: str | Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The class table extended by a file of ``QID<TAB or space>TYPE`` lines.

    ``TYPE`` is PER, ORG, LOC or EVENT, or ``-`` to remove a class; ``#`` starts a comment.

    >>> import tempfile, os
    >>> fd, p = tempfile.mkstemp(); _ = os.write(fd, b"Q11424 EVENT  # film, for the sake of it\\nQ5 -\\n")
    >>> os.close(fd); t = read_classes(p); os.remove(p)
    >>> t["Q11424"], "Q5" in t, t["Q515"]
    ('EVENT', False, 'LOC')
    """
    table = dict(CLASSES if base is None else base)
    with open(path, encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2 or not re.fullmatch(r"Q\d+", parts[0]) \
                    or parts[1] not in (*TYPES, "-"):
                raise ValueError(f"{path}:{n}: expected 'QID TYPE' (TYPE one of "
                                 f"{', '.join(TYPES)} or -), got {line!r}")
            if parts[1] == "-":
                table.pop(parts[0], None)
            else:
                table[parts[0]] = parts[1]
    return table


# ---- parsing ------------------------------------------------------------------------------------
def parse_line(line: bytes | str) -> dict[str, Any] | None:
    """The entity object of one dump line; ``None`` for the array brackets and blank lines.

    Raises ``ValueError`` on a line that is not a JSON object.

    >>> parse_line("[") is None, parse_line(' {"id": "Q1"},\\n')
    (True, {'id': 'Q1'})
    """
    text = line.strip()
    if isinstance(text, str):
        text = text.encode("utf-8")
    if text.endswith(b","):
        text = text[:-1].rstrip()
    if not text or text in (b"[", b"]"):
        return None
    try:
        obj = _loads(text)
    except _JSONError as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    return obj


def _statements(claims: Any, prop: str) -> list[dict[str, Any]]:
    """Non-deprecated statements of ``prop``, preferred rank first."""
    if not isinstance(claims, dict):
        return []
    out = [s for s in claims.get(prop) or () if isinstance(s, dict) and s.get("rank") != "deprecated"]
    out.sort(key=lambda s: s.get("rank") != "preferred")
    return out


def _value(statement: dict[str, Any]) -> Any:
    snak = statement.get("mainsnak") or {}
    if snak.get("snaktype", "value") != "value":
        return None
    return (snak.get("datavalue") or {}).get("value")


def _item_ids(claims: Any, prop: str) -> list[str]:
    out = []
    for s in _statements(claims, prop):
        v = _value(s)
        if isinstance(v, dict):
            if isinstance(v.get("id"), str):
                out.append(v["id"])
            elif isinstance(v.get("numeric-id"), int):
                out.append(f"Q{v['numeric-id']}")
    return out


def _terms(terms: Any, lang: str) -> Any:
    """The term for ``lang``, or for its first regional variant (en/es only) when it is missing."""
    if not isinstance(terms, dict):
        return None
    if terms.get(lang):
        return terms[lang]
    if lang == "ar":
        return None
    for code in (f"{lang}-gb", f"{lang}-us", f"{lang}-419", f"{lang}-es", f"{lang}-ca"):
        if terms.get(code):
            return terms[code]
    for code in sorted(terms):
        if _VARIANT.match(code) and code.startswith(lang + "-") and terms[code]:
            return terms[code]
    return None


def entity_type(p31: list[str], classes: Mapping[str, str] = CLASSES) -> str | None:
    """The type of an entity from its direct P31 classes, or ``None``.

    >>> entity_type(["Q779415", "Q515"]), entity_type(["Q5741069"]), entity_type(["Q36906466"])
    ('LOC', 'ORG', None)
    """
    found = {classes[c] for c in p31 if c in classes}
    for t in TYPE_ORDER:
        if t in found:
            return t
    return None


def parse_entity(obj: dict[str, Any] | None, classes: Mapping[str, str] = CLASSES,
                 min_sitelinks: int = 0) -> Record | None:
    """The :class:`Record` of a kept entity, or ``None`` (not an item, no kept class, too rare)."""
    rec, _ = _classify(obj, classes, min_sitelinks)
    return rec


def _classify(obj: dict[str, Any] | None, classes: Mapping[str, str],
              min_sitelinks: int) -> tuple[Record | None, str]:
    if not obj:
        return None, "other"
    qid = obj.get("id")
    if not isinstance(qid, str) or not qid.startswith("Q") or not qid[1:].isdigit() \
            or obj.get("type", "item") != "item":
        return None, "other"
    claims = obj.get("claims")
    etype = entity_type(_item_ids(claims, "P31"), classes)
    if etype is None:
        return None, "class"
    sitelinks = obj.get("sitelinks")
    n_links = len(sitelinks) if isinstance(sitelinks, dict | list) else 0
    if n_links < min_sitelinks:
        return None, "sitelinks"
    rec = Record(qid=int(qid[1:]), type=etype, sitelinks=n_links)
    labels, aliases = obj.get("labels"), obj.get("aliases")
    for lang in LANGS:
        term = _terms(labels, lang)
        if isinstance(term, dict) and isinstance(term.get("value"), str) and term["value"].strip():
            rec.labels[lang] = term["value"].strip()
        names = []
        for a in _terms(aliases, lang) or ():
            v = a.get("value") if isinstance(a, dict) else None
            if isinstance(v, str) and v.strip() and v.strip() != rec.labels.get(lang) \
                    and v.strip() not in names:
                names.append(v.strip())
        if names:
            rec.aliases[lang] = names
    for s in _statements(claims, "P625"):
        v = _value(s)
        if isinstance(v, dict) and isinstance(v.get("latitude"), int | float) \
                and isinstance(v.get("longitude"), int | float) \
                and v.get("globe", "http://www.wikidata.org/entity/Q2").endswith("/Q2"):
            rec.lat, rec.lon = float(v["latitude"]), float(v["longitude"])
            break
    props = ("P27", "P17") if etype == "PER" else ("P17",)
    for prop in props:
        ids = _item_ids(claims, prop)
        if ids:
            rec.country = ids[0]
            break
    return rec, "kept"


# ---- reading the dump ---------------------------------------------------------------------------
def open_dump(path: str | Path) -> tuple[BinaryIO, BinaryIO]:
    """``(raw, lines)``: the file as opened (its ``tell()`` is compressed bytes read) and a
    buffered, decompressed byte stream to iterate by line. Compression is found by magic bytes."""
    p = Path(path)
    if not p.is_file():
        raise DumpError(f"{path}: no such file")
    raw = open(p, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    head = raw.peek(3)[:3] if hasattr(raw, "peek") else b""
    stream: BinaryIO
    if head[:2] == b"\x1f\x8b":
        stream = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
    elif head == b"BZh":
        stream = bz2.BZ2File(raw, mode="rb")  # type: ignore[assignment]
    else:
        return raw, raw
    return raw, io.BufferedReader(stream, buffer_size=1 << 20)  # type: ignore[arg-type]


def iter_lines(path: str | Path, progress: bool = False,
               report: ImportReport | None = None) -> Iterator[tuple[int, bytes]]:
    """``(line number, raw line)`` of the decompressed dump, with a progress bar over the bytes
    read of the (compressed) file. Raises :class:`DumpError` when the compression is broken."""
    import zlib

    from tqdm import tqdm

    raw, lines = open_dump(path)
    size = os.path.getsize(path)
    bar = tqdm(total=size, unit="B", unit_scale=True, desc="kb import", disable=not progress,
               mininterval=0.5)
    done = n = 0
    try:
        it = enumerate(lines, 1)
        while True:
            try:
                n, line = next(it)
            except StopIteration:
                break
            except (OSError, EOFError, zlib.error) as exc:
                raise DumpError(f"{path}: broken compressed stream after line {n}: {exc}") from None
            yield n, line
            if n % 256 == 0:
                pos = raw.tell()
                bar.update(pos - done)
                done = pos
        bar.update(size - done)
        if report is not None:
            report.bytes_read = size
    finally:
        bar.close()
        if lines is not raw:
            lines.close()
        raw.close()


def iter_dump(path: str | Path, report: ImportReport | None = None,
              progress: bool = False) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """``(line number, entity object)`` for every entity line; ``None`` for a corrupt line
    (counted in ``report``). Raises :class:`DumpError` when the compression is broken."""
    for n, line in iter_lines(path, progress, report):
        try:
            obj = parse_line(line)
        except ValueError:
            if report is not None:
                report.corrupt += 1
                if len(report.corrupt_lines) < 20:
                    report.corrupt_lines.append(n)
            yield n, None
            continue
        if obj is not None:
            yield n, obj


@dataclass
class _Chunk:
    """Rows and counts of one batch of lines (what a worker sends back)."""

    entities: list[tuple] = field(default_factory=list)
    names: list[tuple[str, int]] = field(default_factory=list)
    read: int = 0
    kept: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    corrupt: list[int] = field(default_factory=list)


_WORKER_TABLE: tuple[Mapping[str, str], int] = (CLASSES, DEFAULT_MIN_SITELINKS)


def _init_worker(classes: Mapping[str, str], min_sitelinks: int) -> None:
    global _WORKER_TABLE
    _WORKER_TABLE = (classes, min_sitelinks)


#: Every item id in a line: ``"id":"Q5"`` (values, and statement ids) or ``"numeric-id":5``.
_IDS = re.compile(rb'"(?:id":"Q|numeric-id":)(\d+)')


def could_keep(line: bytes, keep: frozenset[bytes]) -> bool:
    """Whether a dump line may hold an entity of a kept class (``keep``: class numbers as bytes).

    A cheap test before JSON parsing, so the bulk of a dump (scholarly articles, taxa, ...) is
    never parsed: a line none of whose item ids is a kept class cannot have one as P31. Only a
    line that looks like one whole object (``{...}``) is judged; anything else goes on to the
    parser, which counts it as corrupt if it is.

    >>> keep = frozenset([b"5"])
    >>> could_keep(b'{"id":"Q1","claims":{"P31":[{"mainsnak":{"datavalue":{"value":{"id":"Q5"}}}}]}},', keep)
    True
    >>> could_keep(b'{"id":"Q1","claims":{"P31":[{"mainsnak":{"datavalue":{"value":{"id":"Q523"}}}}]}},', keep)
    False
    >>> could_keep(b'{"id":"Q1","labels":{"en":', keep)
    True
    """
    text = line.strip()
    if text.endswith(b","):
        text = text[:-1]
    if not (text.startswith(b"{") and text.endswith(b"}")):
        return True
    return any(m in keep for m in _IDS.findall(text))


def _process(lines: list[tuple[int, bytes]], classes: Mapping[str, str] | None = None,
             min_sitelinks: int | None = None) -> _Chunk:
    if classes is None or min_sitelinks is None:
        classes, min_sitelinks = _WORKER_TABLE
    keep = frozenset(q[1:].encode() for q in classes)
    out = _Chunk()
    for n, line in lines:
        if not could_keep(line, keep):
            out.read += 1
            out.skipped["class"] += 1
            continue
        try:
            obj = parse_line(line)
        except ValueError:
            out.corrupt.append(n)
            continue
        if obj is None:
            continue
        rec, why = _classify(obj, classes, min_sitelinks)
        if why != "other":
            out.read += 1
        if rec is None:
            out.skipped[why] += 1
            continue
        out.kept[rec.type] += 1
        out.entities.append((rec.qid, rec.type, rec.sitelinks, rec.labels.get("en"),
                             rec.labels.get("ar"), rec.labels.get("es"),
                             json.dumps(rec.aliases, ensure_ascii=False) if rec.aliases else None,
                             rec.lat, rec.lon, rec.country))
        out.names.extend((k, rec.qid) for k in rec.keys())
    return out


def _chunks(lines: Iterator[tuple[int, bytes]], size: int,
            max_bytes: int = 32 << 20) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    nbytes = 0
    for item in lines:
        chunk.append(item)
        nbytes += len(item[1])
        if len(chunk) >= size or nbytes >= max_bytes:
            yield chunk
            chunk, nbytes = [], 0
    if chunk:
        yield chunk


def _processed(lines: Iterator[tuple[int, bytes]], classes: Mapping[str, str],
               min_sitelinks: int, jobs: int, batch: int) -> Iterator[_Chunk]:
    """Chunks processed in order, in this process or ``jobs`` worker processes with at most
    ``2 * jobs`` chunks in flight (so memory stays bounded however fast the reader is)."""
    if jobs <= 1:
        for chunk in _chunks(lines, batch):
            yield _process(chunk, classes, min_sitelinks)
        return
    import multiprocessing as mp
    from collections import deque

    ctx = mp.get_context("spawn")  # no inherited SQLite handle, progress-bar thread or locks
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(dict(classes), min_sitelinks)) as pool:
        pending: deque = deque()
        for chunk in _chunks(lines, batch):
            pending.append(pool.apply_async(_process, (chunk,)))
            if len(pending) >= 2 * jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


# ---- writing the index --------------------------------------------------------------------------
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entities (
    qid INTEGER PRIMARY KEY, type TEXT NOT NULL, sitelinks INTEGER NOT NULL,
    en TEXT, ar TEXT, es TEXT, aliases TEXT, lat REAL, lon REAL, country TEXT);
CREATE TABLE names (key TEXT NOT NULL, qid INTEGER NOT NULL);
"""


def default_dir() -> Path | None:
    """The index folder: ``$MKG_KB_DIR``, else ``$XDG_DATA_HOME/mkg/kb`` (``~/.local/share/mkg/kb``).

    ``MKG_KB_DIR=off`` (or ``none``, ``0``, empty) turns the index off: ``None``.
    """
    env = os.environ.get("MKG_KB_DIR")
    if env is not None:
        if env.strip().lower() in ("", "off", "none", "0", "no", "false"):
            return None
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mkg" / "kb"


def import_dump(dump: str | Path, out_dir: str | Path | None = None, *,
                min_sitelinks: int = DEFAULT_MIN_SITELINKS,
                classes: Mapping[str, str] | None = None, progress: bool = False,
                jobs: int = 1, batch: int = BATCH) -> ImportReport:
    """Stream ``dump`` into ``out_dir/wikidata.sqlite`` (default :func:`default_dir`).

    The index is written to a temporary file beside the target and renamed over it at the end,
    so readers see the old index or the new one, never half of one; on failure the old index
    stays. Corrupt lines are skipped and counted; :class:`DumpError` when the file is missing,
    its compression is broken, or no line at all could be read. ``jobs`` > 1 parses in that many
    worker processes (the reader and the SQLite writer stay in this one).
    """
    table = CLASSES if classes is None else classes
    directory = Path(out_dir) if out_dir is not None else default_dir()
    if directory is None:
        raise DumpError("no index folder: MKG_KB_DIR is off; give -o DIR")
    if not Path(dump).is_file():
        raise DumpError(f"{dump}: no such file")
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / INDEX_FILE
    report = ImportReport(source=str(dump), index=target)
    fd, tmp_name = tempfile.mkstemp(prefix=".wikidata.", suffix=".sqlite.tmp", dir=directory)
    os.close(fd)
    tmp = Path(tmp_name)
    start = time.perf_counter()
    con = sqlite3.connect(tmp, isolation_level=None)
    try:
        con.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                          "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;" + _SCHEMA)
        con.execute("BEGIN")
        lines = iter_lines(dump, progress, report)
        for chunk in _processed(lines, table, min_sitelinks, jobs, batch):
            con.executemany("INSERT OR REPLACE INTO entities VALUES (?,?,?,?,?,?,?,?,?,?)",
                            chunk.entities)
            con.executemany("INSERT INTO names VALUES (?,?)", chunk.names)
            report.names += len(chunk.names)
            report.read += chunk.read
            report.kept.update(chunk.kept)
            report.skipped_class += chunk.skipped["class"]
            report.skipped_sitelinks += chunk.skipped["sitelinks"]
            report.other += chunk.skipped["other"]
            report.corrupt += len(chunk.corrupt)
            report.corrupt_lines.extend(chunk.corrupt[:20 - len(report.corrupt_lines)])
        if report.read == 0 and report.corrupt:
            raise DumpError(f"{dump}: no entity could be read ({report.corrupt} corrupt lines, "
                            f"first at line {report.corrupt_lines[0]})")
        con.execute("CREATE INDEX names_key ON names (key, qid)")
        report.seconds = time.perf_counter() - start
        meta = {"schema": SCHEMA_VERSION, "source": os.path.basename(str(dump)),
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "min_sitelinks": str(min_sitelinks), "entities": str(report.kept_total),
                **{f"kept_{t}": str(report.kept.get(t, 0)) for t in TYPES}}
        con.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
        con.execute("COMMIT")
        con.execute("ANALYZE")
        con.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp made it private; an index is for every reader
        os.replace(tmp, target)
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    report.seconds = time.perf_counter() - start
    report.index_bytes = target.stat().st_size
    return report
