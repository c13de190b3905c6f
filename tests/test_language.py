"""Language identification: en/ar/es or "other", repeatable, on real corpus texts."""

from __future__ import annotations

import json

from kg.article import Article
from kg.language import detect_language, ensure_language, normalise_language


def test_three_languages_and_other(shared_data):
    bbc = json.loads((shared_data / "en/bbc_2023-10_to_2023-11.jsonl").open().readline())
    chile = json.loads((shared_data / "es/prensa_chile_2023-2024.jsonl").open().readline())
    mayadeen = json.loads((shared_data / "ar/almayadeen_ar_2024_04.json").read_text())[0]
    assert detect_language(bbc["text"]) == "en"
    assert detect_language(chile["text"]) == "es"
    assert detect_language(mayadeen["full_text"]) == "ar"
    assert detect_language(mayadeen["title"]) == "ar"


def test_other_languages_and_empty_text():
    assert detect_language("Die Bundesregierung hat am Montag neue Maßnahmen beschlossen, "
                           "um die Wirtschaft zu stärken und Arbeitsplätze zu sichern.") == "other"
    assert detect_language("دولت ایران روز دوشنبه گفت که پاسخ خواهد داد و این کار را "
                           "برای امنیت کشور انجام می‌دهد. پیگیری گزارش‌ها ادامه دارد.") == "other"
    assert detect_language("") == "other"
    assert detect_language("12345 !!!") == "other"


def test_repeatable():
    text = "Iran launches drones at Israel"
    assert len({detect_language(text) for _ in range(5)}) == 1


def test_normalise_and_ensure():
    assert normalise_language("en-GB") == "en" and normalise_language("es_CL") == "es"
    assert normalise_language("de") == "other" and normalise_language(None) is None
    article = Article(id="x", title="Dólar cierra con leve alza",
                      body="El dólar cerró sus operaciones semanales con una leve tendencia "
                           "alcista, aunque la divisa todavía no supera la barrera de los 800.")
    assert ensure_language(article).language == "es"
    stated = Article(id="y", title="t", body="English words here", language="ar")
    assert ensure_language(stated).language == "ar"  # stated languages are kept
