"""Knowledge base and KB matcher, on real sentences.

Quoted sentences: Al Mayadeen Arabic (../shared/data/ar/almayadeen_ar_2023_10.json), BBC News
(en/bbc_2023-10_to_2023-11.jsonl) and the Chilean press corpus (es/prensa_chile_2023-2024.jsonl).
"""

from __future__ import annotations

import doctest
import json
import time

import pytest

import kg.kb.base as kb_base
import kg.nlp.kb_matcher as kb_matcher
from kg.kb import KBEntity, KnowledgeBase
from kg.nlp.kb_matcher import KBMatcher

AR_FRONTS = 'جبهة خامسة تُقلق "إسرائيل"، في هذه الأيام، بالإضافة إلى قطاع غزّة، ولبنان، وسوريا، والضفة الغربية'
AR_TRUMP = "وجونسون هو حليف للرئيس السابق دونالد ترامب، ومن بين المؤيدين الأكثر صراحةً لادعاءات ترامب"
EN_TRUMP = ("President Trump rejected the international convention that Jerusalem's status was "
            "unresolved, as both Israel and the Palestinians claim it as a capital")
ES_CHILE = ("En tanto, San Carlos de Apoquindo quedaría descartado, debido a la cercanía con el "
            "ATP 250 de Santiago, pues el Chile Open se jugará a fines de febrero en la precordillera")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


def _found(lang: str, text: str) -> list[tuple[str, str, str | None]]:
    ms = KBMatcher(lang)(text)
    for m in ms:
        assert text[m.start:m.end] == m.surface
        assert m.source == "kb" and m.type in ("PER", "ORG", "LOC", "EVENT")
    return [(m.surface, m.type, m.entity) for m in ms]


def test_doctests() -> None:
    assert doctest.testmod(kb_base).failed == 0
    assert doctest.testmod(kb_matcher).failed == 0


def test_sizes_and_load_time(kb: KnowledgeBase) -> None:
    t = time.perf_counter()
    KnowledgeBase.load()  # cached in-process
    assert time.perf_counter() - t < 0.1
    stats = kb.stats()
    assert stats["country"] >= 240 and stats["city"] >= 30000 and stats["curated"] >= 150


def test_entity_record(kb: KnowledgeBase) -> None:
    lb = kb.get("country:LB")
    assert isinstance(lb, KBEntity) and lb.type == "LOC"
    assert lb.labels == {"en": "Lebanon", "ar": "لبنان", "es": "Líbano"}
    assert lb.geonames == "272103" and lb.lat is None  # no made-up country geometry
    beirut = kb.get("geo:276781")
    assert beirut.country == "LB" and beirut.population > 1_000_000
    assert beirut.wkt.startswith("POINT(35.5")
    assert kb.get("kb:al_aqsa_flood").type == "EVENT"
    assert kb.get("nope") is None


@pytest.mark.parametrize(("label", "lang"), [
    ("Donald Trump", "en"), ("Trump", "en"), ("President Donald Trump", "en"),
    ("ترامب", "ar"), ("دونالد ترامب", "ar"), ("الرئيس الأميركي دونالد ترامب", "ar"),
    ("Donald Trump", "es"), ("el presidente Trump", "es"),
])
def test_trump_same_id_in_three_languages(kb: KnowledgeBase, label: str, lang: str) -> None:
    hits = kb.lookup(label, lang)
    assert hits and hits[0].id == "kb:donald_trump" and hits[0].wikidata == "Q22686"


@pytest.mark.parametrize(("label", "lang"), [
    ("US", "en"), ("the United States", "en"), ("USA", "en"), ("أمريكا", "ar"),
    ("أميركا", "ar"), ("الولايات المتحدة", "ar"), ("EEUU", "es"), ("Estados Unidos", "es"),
])
def test_country_aliases_us(kb: KnowledgeBase, label: str, lang: str) -> None:
    assert kb.lookup(label, lang)[0].id == "country:US"


@pytest.mark.parametrize(("label", "lang", "eid"), [
    ("Palestine", "en", "country:PS"), ("فلسطين", "ar", "country:PS"),
    ("UK", "en", "country:GB"), ("Britain", "en", "country:GB"), ("بريطانيا", "ar", "country:GB"),
    ("حزب الله", "ar", "kb:hezbollah"), ("Hezbolá", "es", "kb:hezbollah"),
    ("طوفان الأقصى", "ar", "kb:al_aqsa_flood"), ("Houthis", "en", "kb:ansar_allah"),
    ("Gaza", "en", "kb:gaza_strip"), ("Cisjordania", "es", "kb:west_bank"),
    ("Santiago", "es", "geo:3871336"), ("صنعاء", "ar", "geo:71137"),
])
def test_lookup(kb: KnowledgeBase, label: str, lang: str, eid: str) -> None:
    assert kb.lookup(label, lang)[0].id == eid


@pytest.mark.parametrize("word", ["بن", "الأبيض", "الابيض", "صور", "الميدان"])
def test_common_arabic_words_are_not_places(word: str) -> None:
    assert _found("ar", f"قال إنه في {word} أمس") == []
    assert _found("ar", word) == []


def test_arabic_clitic_lebanon_offsets() -> None:
    found = _found("ar", AR_FRONTS)
    assert ("لبنان", "LOC", "country:LB") in found
    m = next(m for m in KBMatcher("ar")(AR_FRONTS) if m.entity == "country:LB")
    assert AR_FRONTS[m.start - 1] == "و" and AR_FRONTS[m.start:m.end] == "لبنان"
    ents = {e for *_, e in found}
    assert {"country:IL", "kb:gaza_strip", "country:SY", "kb:west_bank"} <= ents


def test_arabic_diacritised_span_keeps_marks() -> None:
    text = "وصل إلى قطاع غزّة"
    (m,) = KBMatcher("ar")(text)
    assert m.surface == "قطاع غزّة" and m.entity == "kb:gaza_strip"


def test_trump_in_three_languages_same_entity() -> None:
    ar = {e for *_, e in _found("ar", AR_TRUMP)}
    en = {e for *_, e in _found("en", EN_TRUMP)}
    es = {e for *_, e in _found("es", "El expresidente Donald Trump habló en Florida.")}
    assert "kb:donald_trump" in ar & en & es


def test_english_sentence() -> None:
    found = _found("en", EN_TRUMP)
    assert ("Trump", "PER", "kb:donald_trump") in found
    assert ("Jerusalem", "LOC", "geo:281184") in found
    assert ("Israel", "LOC", "country:IL") in found


def test_spanish_chile_sentences() -> None:
    found = _found("es", "Cabe precisar que en la nota en cuestión el medio detalló que Pascal "
                         "nació en Santiago, Chile.")
    assert ("Santiago", "LOC", "geo:3871336") in found  # Santiago de Chile, not de Cuba
    assert ("Chile", "LOC", "country:CL") in found
    ents = {e for *_, e in _found("es", ES_CHILE)}
    assert "geo:3871336" in ents


def test_case_guards_english() -> None:
    assert _found("en", "they sent us china and turkey in may") == []
    assert _found("en", "The US and the UK") == [("US", "LOC", "country:US"),
                                                  ("UK", "LOC", "country:GB")]


def test_person_name_blocks_place() -> None:
    ents = {e for *_, e in _found("en", "Defense Secretary Lloyd Austin met Michael Jordan.")}
    assert "country:JO" not in ents
    assert "kb:lloyd_austin" in ents


def test_context_picks_amman_over_oman() -> None:
    found = _found("ar", "وصل الوزير إلى عمان عاصمة الأردن")
    assert ("عمان", "LOC", "geo:250441") in found
    assert ("عمان", "LOC", "country:OM") in _found("ar", "زار سلطنة عمان")


def test_real_corpus_offsets(shared_data) -> None:
    """Every mention in real articles of all three languages indexes its text exactly."""
    docs = json.loads((shared_data / "ar" / "almayadeen_ar_2024_04.json").read_text())[:40]
    matcher = KBMatcher("ar")
    total = 0
    for a in docs:
        text = a.get("full_text") or ""
        for m in matcher(text):
            assert text[m.start:m.end] == m.surface
            total += 1
    assert total > 100
    with open(shared_data / "es" / "prensa_chile_2023-2024.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(next(fh)) for _ in range(20)]
    es = KBMatcher("es")
    for r in rows:
        for m in es(r["text"]):
            assert r["text"][m.start:m.end] == m.surface
