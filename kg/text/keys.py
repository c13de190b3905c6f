"""Name keys for matching: case/accent folding, Arabic normalisation, honorifics, consonant skeletons.

Everything here is pure and deterministic. Letters are folded by :mod:`kg.text.arabic` (the one
normaliser); on top, these keys are type-aware: titles and nationality adjectives are dropped only
before person names, and the consonant skeleton blocks cross-script candidates.

>>> name_key("President Donald Trump", "en")
'donald trump'
>>> name_key("Donald Trump", "es")
'donald trump'
>>> name_key("الرئيس الأميركي دونالد ترامب", "ar")
'دونالد ترامب'
>>> skeleton("Donald Trump", "en") == skeleton("دونالد ترامب", "ar")
True
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.text.arabic import fold_latin, is_arabic, normalize_arabic

__all__ = ["PERSON_TITLES", "fold_latin", "is_arabic", "key_slug", "latin_token_core", "name_key",
           "normalize_arabic", "skeleton"]
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")

#: Titles and honorifics dropped from the front of a name (after folding), per language.
PERSON_TITLES: dict[str, frozenset[str]] = {  # not royal titles or "Sheikh": "King Hussein",
    # "Sheikh Hamad" name a given name, not a surname
    "en": frozenset("""mr mrs ms miss dr prof sir president vice prime minister pm
        sayyed sayyid sayed general gen lieutenant lt colonel col
        major maj commander chief secretary senator sen rep representative congressman
        congresswoman governor gov mayor
        ambassador rabbi imam ayatollah judge justice former late foreign defence defense
        interior state israeli us american iranian lebanese palestinian hamas hezbollah egyptian
        syrian iraqi saudi british french russian chinese ukrainian turkish qatari jordanian
        yemeni the spokesman spokesperson leader""".split()),
    "es": frozenset("""sr sra srta don doña dr dra presidente presidenta ministro ministra primer
        primera canciller general jefe jefa senador senadora
        diputado diputada alcalde alcaldesa gobernador gobernadora embajador embajadora
        el la los las exministro expresidente expresidenta líder vocero portavoz""".split()),
    "ar": frozenset("""السيد السيده الرئيس رئيس الامين العام الجنرال اللواء
        العميد العقيد الدكتور د الوزير وزير الناطق المتحدث باسم رئيسه الحاج الاستاذ الامام
        المرشد الاعلى القائد قائد السفير النائب الاميركي الامريكي الاسرائيلي الايراني اللبناني
        الفلسطيني المصري السوري العراقي السعودي البريطاني الفرنسي الروسي الصيني الاوكراني
        التركي القطري الاردني اليمني حكومه الاحتلال سماحه فخامه دوله معالي السابق الاسبق
        الحالي المرشح""".split()),
}

#: Leading words dropped from names of any type (articles, "movement").
LEADING_WORDS: frozenset[str] = frozenset("the el la los las حركه".split())

#: Latin article prefixes dropped from each token ("al-Sinwar" -> "sinwar").
_LATIN_ARTICLES = frozenset("al el ad ar as at az an ash ath".split())
_LATIN_ARTICLE = re.compile(r"^(?:al|el|ad|ar|as|at|az|an|ash|ath)[-‐](?=\w)")


_AR_HONORIFICS = frozenset(normalize_arabic(w) for w in PERSON_TITLES["ar"])


def _tokens(text: str) -> list[str]:
    return _SPACE.sub(" ", _NON_WORD.sub(" ", text)).split()


@lru_cache(maxsize=400_000)
def name_key(label: str, lang: str | None = None, etype: str | None = "PER") -> str:
    """A language-aware matching key: folded, punctuation-free, leading honorifics removed.

    Arabic labels keep their script (the definite article stays: it is part of many names);
    Latin labels are accent-folded, so Spanish and English spellings meet. Titles such as
    "President" or "السيد" are removed only from person names (``etype="PER"``, the default).

    >>> name_key("Secretary-General Hassan Nasrallah", "en")
    'hassan nasrallah'
    >>> name_key("السيد حسن نصر الله", "ar")
    'حسن نصر الله'
    >>> name_key("the United Nations", "en", "ORG")
    'united nations'
    >>> name_key("Palestinian Authority", "en", "ORG")
    'palestinian authority'
    """
    arabic = is_arabic(label)
    if arabic:
        text = normalize_arabic(label)
        honor = _AR_HONORIFICS
    else:
        text = fold_latin(label).replace("’", "'").replace("'s", "")
        text = re.sub(r"(?<=\w)[-‐](?=\w)", "-", text)
        honor = PERSON_TITLES["en"] | PERSON_TITLES["es"]
    toks = _tokens(text.replace("-", " - ")) if not arabic else _tokens(text)
    toks = [t for t in toks if t != "-"]
    if etype != "PER":
        honor = LEADING_WORDS
    while len(toks) > 1 and (toks[0] in honor or toks[0] in LEADING_WORDS):
        toks = toks[1:]
    return " ".join(toks)


def latin_token_core(token: str) -> str:
    """A Latin token without an Arabic-style article prefix ("al-sinwar" -> "sinwar")."""
    return _LATIN_ARTICLE.sub("", token)


# Consonant classes shared by both scripts; letters mapped to "" carry vowels or are unstable.
_AR_SKELETON = {
    "ب": "B", "ت": "T", "ث": "S", "ج": "K", "ح": "", "خ": "K", "د": "D", "ذ": "Z", "ر": "R",
    "ز": "Z", "س": "S", "ش": "S", "ص": "S", "ض": "D", "ط": "T", "ظ": "Z", "ع": "", "غ": "K",
    "ف": "F", "ق": "K", "ك": "K", "ل": "L", "م": "M", "ن": "N", "ه": "", "و": "", "ي": "",
    "ا": "", "ء": "", "ة": "", "ى": "", "پ": "B", "چ": "K", "ڤ": "F", "گ": "K",
}
_LATIN_SKELETON = {
    "b": "B", "p": "B", "t": "T", "d": "D", "k": "K", "q": "K", "c": "K", "g": "K", "j": "K",
    "x": "KS", "s": "S", "z": "Z", "f": "F", "v": "F", "l": "L", "m": "M", "n": "N", "r": "R",
}


@lru_cache(maxsize=400_000)
def skeleton(label: str, lang: str | None = None, etype: str | None = "PER") -> str:
    """Consonant skeleton across scripts, used to block candidate transliteration pairs.

    Vowels, weak letters (h, w, y; ح ع ه و ي ا) and doubled letters are dropped; the
    definite article is dropped from each token. Spaces are removed, so "Hezbollah" and
    "حزب الله" meet.

    >>> skeleton("Yahya al-Sinwar", "en"), skeleton("يحيى السنوار", "ar")
    ('SNR', 'SNR')
    >>> skeleton("Hezbollah"), skeleton("حزب الله")
    ('ZBL', 'ZBL')
    """
    key = name_key(label, lang, etype)
    out: list[str] = []
    if is_arabic(key):
        for tok in key.split():
            if tok.startswith("ال") and len(tok) > 3:
                tok = tok[2:]
            out.extend(_AR_SKELETON.get(c, "") for c in tok)
    else:
        toks = key.split()
        for i, tok in enumerate(toks):
            if tok in _LATIN_ARTICLES and i < len(toks) - 1:
                continue
            tok = latin_token_core(tok)
            tok = tok.replace("ch", "c").replace("sh", "s").replace("th", "t").replace("kh", "k")
            tok = tok.replace("gh", "g").replace("ph", "f").replace("ck", "k")
            out.extend(_LATIN_SKELETON.get(c, "") for c in tok)
    joined = "".join(out)
    return re.sub(r"(.)\1+", r"\1", joined)


def key_slug(key: str) -> str:
    """The part of an entity key after the type: spaces become underscores.

    >>> key_slug("donald trump")
    'donald_trump'
    """
    return key.replace(" ", "_")
