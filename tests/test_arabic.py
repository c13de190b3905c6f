"""Arabic text handling: normalisation, offset maps, clitics, tokens, label keys.

Sentences are short quotations from the Al Mayadeen Arabic scrape (../shared/data/ar,
almayadeen_ar_2023_10.json) and BBC News (en/bbc_2023-10_to_2023-11.jsonl).
"""

from __future__ import annotations

import doctest

import pytest

import kg.text.arabic as arabic
from kg.text.arabic import (
    fold_latin,
    normalize_arabic,
    normalize_key,
    normalize_with_offsets,
    strip_clitics,
    tokenize,
)

AR_SENTENCE = 'جبهة خامسة تُقلق "إسرائيل"، في هذه الأيام، بالإضافة إلى قطاع غزّة، ولبنان، وسوريا، والضفة الغربية'


def test_doctests() -> None:
    import kg.text.keys

    assert doctest.testmod(arabic).failed == 0
    assert doctest.testmod(kg.text.keys).failed == 0


@pytest.mark.parametrize(("raw", "norm"), [
    ("إسرائيل", "اسراييل"), ("إسرائيلُ", "اسراييل"), ("مؤتمر", "موتمر"), ("أميركا", "اميركا"), ("آية", "ايه"), ("ٱلله", "الله"),
    ("مصطفى", "مصطفي"), ("غزّة", "غزه"), ("فلسطيـــن", "فلسطين"), ("تُقلق", "تقلق"),
])
def test_normalize_arabic(raw: str, norm: str) -> None:
    assert normalize_arabic(raw) == norm


def test_one_normaliser_for_kb_ner_and_linking() -> None:
    """The KB key, the matcher's token key and linking's name key fold a word the same way."""
    from kg.text.arabic import normalize_key, normalize_token
    from kg.text.keys import name_key

    word = "إسرائيلُ"
    assert normalize_token(word) == normalize_key(word, "ar") == name_key(word, "ar", "LOC") == "اسراييل"


def test_offset_map_round_trips_on_real_sentence() -> None:
    norm, index = normalize_with_offsets(AR_SENTENCE)
    assert norm == normalize_arabic(AR_SENTENCE)
    assert len(index) == len(norm) + 1 and index[-1] == len(AR_SENTENCE)
    for i, ch in enumerate(norm):  # every kept character maps to its source
        assert normalize_arabic(AR_SENTENCE[index[i]]) == ch
    s = norm.index("غزه")
    assert AR_SENTENCE[index[s]:index[s + 3]] == "غزّة"
    assert index == sorted(index)


def test_strip_clitics_lebanon() -> None:
    tok = "ولبنان"
    cands = strip_clitics(tok)
    assert (1, "لبنان") in cands
    for prefix, stem in cands:
        assert tok[prefix:] == stem


@pytest.mark.parametrize(("token", "expected"), [
    ("والضفة", (1, "الضفة")), ("بالعراق", (1, "العراق")), ("للبنان", (1, "لبنان")),
    ("وسوريا", (1, "سوريا")), ("فلفلسطين", (2, "فلسطين")), ("وَلُبْنانَ", (2, "لُبْنانَ")),
])
def test_strip_clitics_combinations(token: str, expected: tuple[int, str]) -> None:
    assert expected in strip_clitics(token)


def test_tokenize_spans_index_text() -> None:
    spans = list(tokenize(AR_SENTENCE))
    words = [AR_SENTENCE[s:e] for s, e in spans]
    assert "ولبنان" in words and "غزّة" in words and "تُقلق" in words
    assert all(AR_SENTENCE[s:e].strip() == AR_SENTENCE[s:e] for s, e in spans)


def test_fold_latin() -> None:
    assert fold_latin("Líbano") == "libano"
    assert fold_latin("ÑUÑOA") == "nunoa"


@pytest.mark.parametrize(("label", "lang", "key"), [
    ("President Trump", "en", "trump"),
    ("el presidente Donald Trump", "es", "donald trump"),
    ("الرئيس الأميركي السابق دونالد ترامب", "ar", "دونالد ترامب"),
    ("الرئيس السابق دونالد ترامب", "ar", "دونالد ترامب"),
    ("السيد حسن نصر الله", "ar", "حسن نصر الله"),
    ("Sheikh Naim Qassem", "en", "naim qassem"),
    ("Dr. Tedros", "en", "tedros"),
    ("al-Aqsa Mosque", "en", "aqsa mosque"),
    ("Al Aqsa mosque", "en", "aqsa mosque"),
    ("المسجد الأقصى", "ar", "مسجد الاقصي"),
])
def test_normalize_key(label: str, lang: str, key: str) -> None:
    assert normalize_key(label, lang) == key
