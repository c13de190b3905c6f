"""Which name in one report is which name in another report of the same story.

Two reports of one happening in different languages name the same people, places and
organisations, each in its own language: "Nadal" / "نادال", "Partido Conservador" /
"Conservative Party", "Universidad de Stanford" / "جامعة ستانفورد". Inside a pair of articles
linked by :mod:`kg.link.stories`, that is strong evidence, and a weaker name similarity than
corpus-wide matching needs is enough. This module scores two name keys (as
:func:`kg.text.keys.name_key` makes them) in any two of en/es/ar:

* generic words (university, party, court, river, ...) are mapped to language-neutral concepts
  through a small trilingual glossary (:data:`GLOSSARY`), so translated names compare;
* the remaining name words are compared by spelling (Latin/Latin, accents folded) or through
  the Latin renderings of the Arabic word (:func:`kg.link.lexicon.romanise`);
* the shorter name must be covered word for word by the longer one ("Vidal" in "Aleix Vidal").

:func:`align` then pairs the entities of two reports one to one, best score first.

>>> name_similarity("partido conservador", "conservative party")
0.9
>>> name_similarity("nadal", "نادال") >= 0.8
True
>>> name_similarity("stanford university", "جامعه ستانفورد") >= 0.8
True
>>> name_similarity("supreme court", "corte suprema") >= 0.8
True
>>> name_similarity("supreme court", "partido conservador")
0.0
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from kg.link.lexicon import arabic_token_forms, romanise
from kg.text.arabic import strip_article
from kg.text.keys import fold_latin, is_arabic, latin_token_core, normalize_arabic

#: Generic name words in en / es / ar (Arabic normalised, without the article) -> a concept.
GLOSSARY: dict[str, tuple[str, ...]] = {
    "university": ("university universidad جامعه".split()),
    "school": ("school college escuela colegio facultad مدرسه كليه".split()),
    "party": ("party partido حزب".split()),
    "court": ("court tribunal corte محكمه".split()),
    "supreme": ("supreme suprema supremo عليا العليا".split()),
    "council": ("council consejo مجلس".split()),
    "congress": ("congress congreso كونغرس".split()),
    "parliament": ("parliament parlamento برلمان".split()),
    "senate": ("senate senado مجلس_الشيوخ".split()),
    "ministry": ("ministry department ministerio departamento وزاره".split()),
    "army": ("army ejercito جيش".split()),
    "forces": ("forces fuerzas قوات".split()),
    "police": ("police policia شرطه".split()),
    "bank": ("bank banco بنك مصرف".split()),
    "church": ("church iglesia كنيسه".split()),
    "river": ("river rio نهر".split()),
    "lake": ("lake lago بحيره".split()),
    "island": ("island islands isla islas جزيره جزر".split()),
    "mountain": ("mount mountain mountains monte montana montanas جبل جبال".split()),
    "sea": ("sea mar بحر".split()),
    "ocean": ("ocean oceano محيط".split()),
    "gulf": ("gulf bay golfo bahia خليج".split()),
    "street": ("street avenue calle avenida شارع".split()),
    "square": ("square plaza ساحه ميدان".split()),
    "bridge": ("bridge puente جسر".split()),
    "airport": ("airport aeropuerto مطار".split()),
    "port": ("port harbour harbor puerto ميناء".split()),
    "hospital": ("hospital مستشفي".split()),
    "museum": ("museum museo متحف".split()),
    "national": ("national nacional وطني الوطني الوطنيه وطنيه".split()),
    "international": ("international internacional دولي الدولي الدوليه دوليه".split()),
    "united": ("united unidos unidas unido متحده المتحده".split()),
    "states": ("states estados ولايات".split()),
    "kingdom": ("kingdom reino مملكه".split()),
    "republic": ("republic republica جمهوريه".split()),
    "democratic": ("democratic democratico democratica ديمقراطي الديمقراطي الديمقراطيه".split()),
    "conservative": ("conservative conservador المحافظين محافظين المحافظ".split()),
    "labour": ("labour labor laborista العمال".split()),
    "liberal": ("liberal الليبرالي الليبراليه".split()),
    "socialist": ("socialist socialista الاشتراكي الاشتراكيه".split()),
    "north": ("north northern norte شمال الشماليه الشمالي".split()),
    "south": ("south southern sur جنوب الجنوبيه الجنوبي".split()),
    "east": ("east eastern este oriental شرق الشرقيه الشرقي".split()),
    "west": ("west western oeste occidental غرب الغربيه الغربي".split()),
    "new": ("new nuevo nueva جديد الجديده الجديد نيو".split()),
    "saint": ("saint st san santa سان سانت".split()),
    "cape": ("cape cabo راس الراس".split()),
    "hurricane": ("hurricane huracan اعصار".split()),
    "storm": ("storm tormenta عاصفه".split()),
    "city": ("city ciudad مدينه".split()),
    "province": ("province provincia مقاطعه محافظه".split()),
    "federation": ("federation federacion اتحاد".split()),
    "association": ("association asociacion جمعيه رابطه".split()),
    "organization": ("organization organisation organizacion منظمه".split()),
    "union": ("union".split()),
    "world": ("world mundial mundo العالمي العالميه عالمي".split()),
    "cup": ("cup copa كاس".split()),
    "games": ("games juegos العاب".split()),
    "olympic": ("olympic olympics olimpicos olimpicas الاولمبيه الاولمبي".split()),
    "grand": ("grand gran الكبير الكبري الكبرى".split()),
    "prize": ("prix prize premio جايزه".split()),
    "pope": ("pope papa البابا بابا".split()),
    "junior": ("jr junior جونيور".split()),
    "president": ("president presidente رييس".split()),
}
#: Words that carry nothing for identity (articles, prepositions, conjunctions).
STOPWORDS = frozenset("of the and de del la el los las y e da do dos di von van".split())

_CONCEPT: dict[str, str] = {}
for _concept, _words in GLOSSARY.items():
    for _w in _words:
        _w = _w.replace("_", " ")
        _CONCEPT[normalize_arabic(_w) if is_arabic(_w) else fold_latin(_w)] = _concept


def concept_of(token: str) -> str | None:
    """The glossary concept of one normalised token (Arabic with or without its article).

    >>> concept_of("universidad"), concept_of("الجامعه"), concept_of("stanford")
    ('university', 'university', None)
    """
    return _CONCEPT.get(token) or (_CONCEPT.get(strip_article(token)) if is_arabic(token) else None)


@lru_cache(maxsize=200_000)  # each name key is split for every name it is compared with
def split_name(key: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """(concepts, remaining name words) of a name key; Latin words lose an ``al-`` prefix.

    >>> split_name("universidad de stanford")
    (frozenset({'university'}), ('stanford',))
    >>> split_name("al-sinwar")
    (frozenset(), ('sinwar',))
    """
    concepts: set[str] = set()
    words: list[str] = []
    for tok in key.replace("-", " - ").split():
        if tok == "-" or tok in STOPWORDS or tok in ("al", "el", "ال"):
            continue
        concept = concept_of(tok)
        if concept:
            concepts.add(concept)
        else:
            words.append(tok if is_arabic(tok) else latin_token_core(tok))
    return frozenset(concepts), tuple(words)


# Consonant classes shared by both scripts for foreign names: g/j/k/q and their Arabic
# renderings meet, as do s/z; vowels and weak letters are dropped.
_AR_SOUND = str.maketrans({
    "ب": "B", "پ": "B", "ت": "T", "ط": "T", "د": "D", "ض": "D", "ث": "S", "س": "S", "ص": "S",
    "ز": "S", "ذ": "S", "ظ": "S", "ش": "X", "ج": "K", "ق": "K", "ك": "K", "غ": "K", "خ": "K",
    "گ": "K", "ف": "F", "ڤ": "F", "ل": "L", "م": "M", "ن": "N", "ر": "R",
    "ح": None, "ه": None, "ع": None, "ء": None, "ا": None, "و": None, "ي": None, "ى": None,
})
_LATIN_SOUND = (("sch", "X"), ("tch", "X"), ("sh", "X"), ("ch", "X"), ("ph", "F"), ("ck", "K"),
                ("th", "T"), ("kh", "K"), ("gh", "K"), ("dh", "D"), ("x", "KS"))
_LATIN_LETTER = str.maketrans({"b": "B", "p": "B", "t": "T", "d": "D", "s": "S", "z": "S",
                               "c": "K", "k": "K", "q": "K", "g": "K", "j": "K", "f": "F",
                               "v": "F", "l": "L", "m": "M", "n": "N", "r": "R"})


def sound_key(word: str) -> str:
    """Consonant classes of one word in either script, doubled letters collapsed.

    >>> sound_key("jobs"), sound_key("جوبز"), sound_key("alonso"), sound_key("ألونسو")
    ('KBS', 'KBS', 'LNS', 'LNS')
    """
    if is_arabic(word):
        out = normalize_arabic(word).replace("تش", "X").translate(_AR_SOUND)
    else:
        out = fold_latin(word)
        for pattern, code in _LATIN_SOUND:
            out = out.replace(pattern, code)
        out = "".join(c for c in out.translate(_LATIN_LETTER) if c.isupper())
    return "".join(c for i, c in enumerate(out) if i == 0 or c != out[i - 1])


@lru_cache(maxsize=500_000)
def word_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two name words, in the same or in different scripts.

    >>> word_similarity("vidal", "vidal"), word_similarity("piccolo", "bicolo") > 0.7
    (1.0, True)
    >>> word_similarity("راونيتش", "raonic") >= 0.75, word_similarity("رضا", "raad") < 0.75
    (True, True)
    """
    from rapidfuzz import fuzz

    if a == b:
        return 1.0
    ar_a, ar_b = is_arabic(a), is_arabic(b)
    if ar_a and ar_b:
        return fuzz.ratio(a, b) / 100
    if not ar_a and not ar_b:
        return fuzz.ratio(a, b) / 100
    arabic, latin = (a, b) if ar_a else (b, a)
    forms = {arabic, strip_article(arabic)}  # "الونسو" is Alonso, "الحريري" al-Hariri
    return max(_cross_script(form, latin.replace("'", "")) for form in forms)


def _cross_script(arabic: str, latin: str) -> float:
    from rapidfuzz import fuzz

    sa, sl = sound_key(arabic), sound_key(latin)
    renders = set(arabic_token_forms(arabic))
    if sa and sl and fuzz.ratio(sa, sl) >= 50:  # the neural romaniser is slow: only when it may help
        renders |= set(romanise(arabic))
    spelled = max((fuzz.ratio(r.replace(" ", ""), latin) for r in renders), default=0.0) / 100
    if len(sa) < 2 or sa[0] != sl[:1] or abs(len(sa) - len(sl)) > 1:
        return spelled
    sounded = fuzz.ratio(sa, sl) / 100 * 0.95
    # two consonants say little ("رضا"/"raad" are both R-D): the spelling must agree somewhat
    if len(sa) >= 3 or (sa == sl and spelled >= 0.6):
        return max(spelled, sounded)
    return spelled


def _cover(short: Sequence[str], long: Sequence[str], floor: float) -> float | None:
    """Mean similarity when every word of ``short`` matches a distinct word of ``long``."""
    used: set[int] = set()
    total = 0.0
    for w in short:
        best, best_j = 0.0, -1
        for j, v in enumerate(long):
            if j not in used:
                s = word_similarity(w, v)
                if s > best:
                    best, best_j = s, j
        if best < floor:
            return None
        used.add(best_j)
        total += best
    return total / len(short)


@lru_cache(maxsize=500_000)  # a projected name is compared with the same windows again and again
def name_similarity(a: str, b: str, *, floor: float = 0.75) -> float:
    """How likely two name keys (any of en/es/ar) name the same thing in one story, in [0, 1].

    Concepts (generic words) must agree when both names have some; name words of the shorter
    name must each match a word of the longer (similarity >= ``floor``). A name that is only
    part of the other ("Vidal" / "Aleix Vidal") scores lower than a full match.

    >>> name_similarity("aleix vidal", "vidal")
    0.85
    >>> name_similarity("lockwood gardens", "لوكوود غاردينز") >= 0.8
    True
    >>> name_similarity("john stark", "james reed")
    0.0
    """
    if a == b:
        return 1.0
    ca, wa = split_name(a)
    cb, wb = split_name(b)
    if ca and cb and ca != cb:
        return 0.0
    if not wa or not wb:
        return 0.9 if (ca and ca == cb and not wa and not wb) else 0.0
    short, long = (wa, wb) if len(wa) <= len(wb) else (wb, wa)
    score = _cover(short, long, floor)
    if score is None:
        return 0.0
    if len(short) == len(long) and ca == cb:
        return round(score, 3)
    return round(score * 0.85, 3)


def align(left: Iterable[tuple[str, str]], right: Iterable[tuple[str, str]],
          similarity: Callable[[str, str], float] = name_similarity, *,
          threshold: float = 0.8, cross_type: float = 0.95) -> list[tuple[str, str, float]]:
    """Pair items of two reports one to one: ``(id, key)`` on each side -> ``(left_id, right_id, score)``.

    Ids carry their type as a prefix (``"PER:..."``); pairs of different types need
    ``cross_type``, others ``threshold``. Greedy, best score first; ties broken by ids, so the
    result does not depend on input order.

    >>> align([("PER:a", "rafael nadal"), ("LOC:b", "melbourne")],
    ...       [("PER:x", "نادال"), ("LOC:y", "ملبورن")])
    [('LOC:b', 'LOC:y', 0.95), ('PER:a', 'PER:x', 0.85)]
    """
    left, right = sorted(set(left)), sorted(set(right))
    scored = []
    for lid, lkey in left:
        for rid, rkey in right:
            need = threshold if lid.split(":", 1)[0] == rid.split(":", 1)[0] else cross_type
            s = similarity(lkey, rkey)
            if s >= need:
                scored.append((-s, lid, rid))
    scored.sort()
    used_l: set[str] = set()
    used_r: set[str] = set()
    out = []
    for neg, lid, rid in scored:
        if lid in used_l or rid in used_r:
            continue
        used_l.add(lid)
        used_r.add(rid)
        out.append((lid, rid, -neg))
    return out
