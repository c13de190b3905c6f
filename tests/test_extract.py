"""``kg extract``: the JSONL contract, on sentences from the real corpus.

Sentences: en from en/bbc_2023-10_to_2023-11.jsonl style reporting of the named people,
ar from ar/almayadeen_ar_2024_04.json (post 1850881's lead), es from es/prensa_chile_2023-2024.jsonl.
"""

from __future__ import annotations

import json
import subprocess
import sys

from kg.extract import MAX_TEXT, extract_jsonl, extract_record

AR = "المتحدث باسم القوات المسلحة اليمنية العميد يحيى سريع يعلن استهداف مدمرتين أميركيتين في البحر الأحمر ولبنان"
EN = "Israeli Prime Minister Benjamin Netanyahu spoke with US President Joe Biden about Gaza."
ES = "El presidente Gabriel Boric se reunió en Santiago con el alcalde de Valparaíso."


def _check_offsets(record: dict, text: str) -> None:
    for m in record["mentions"]:
        assert set(m) == {"start", "end", "text", "type", "entity"}
        assert text[m["start"]:m["end"]] == m["text"]
        assert m["type"] in {"PER", "ORG", "LOC", "EVENT"}


def test_three_languages_link_to_the_same_kind_of_ids():
    en = extract_record({"id": "en", "text": EN, "lang": "en"})
    ar = extract_record({"id": "ar", "text": AR})
    es = extract_record({"id": "es", "text": ES})
    for rec, text in ((en, EN), (ar, AR), (es, ES)):
        _check_offsets(rec, text)
    assert ar["lang"] == "ar" and es["lang"] == "es"
    en_entities = {m["text"]: m["entity"] for m in en["mentions"]}
    assert en_entities["Benjamin Netanyahu"] == "kb:benjamin_netanyahu"
    assert en_entities["Joe Biden"] == "kb:joe_biden"
    ar_entities = {m["text"]: m["entity"] for m in ar["mentions"]}
    assert ar_entities.get("لبنان") == "country:LB"  # from "ولبنان", offsets after the clitic
    assert any(m["type"] == "PER" and m["entity"] == "kb:yahya_saree" and m["text"].endswith("يحيى سريع")
               for m in ar["mentions"])
    assert {m["text"] for m in es["mentions"]} >= {"Gabriel Boric", "Santiago"}


def test_edge_cases_have_clear_outcomes():
    assert extract_record({"id": "e", "text": ""}) == {"id": "e", "lang": None, "mentions": []}
    fr = extract_record({"id": "f", "text": "Le gouvernement français a annoncé hier de nouvelles "
                                             "mesures pour les agriculteurs du pays."})
    assert fr["mentions"] == [] and "not supported" in fr["error"]
    huge = extract_record({"id": "h", "text": "a " * (MAX_TEXT // 2 + 1), "lang": "en"})
    assert huge["mentions"] == [] and "over" in huge["error"]
    assert "error" in extract_record({"id": "n", "text": None})


def test_jsonl_keeps_one_output_line_per_input_line():
    lines = [json.dumps({"id": "1", "text": EN}), "{broken", "", json.dumps([1, 2])]
    out = [json.loads(x) for x in extract_jsonl(lines, default_lang="en")]
    assert [o.get("id") for o in out] == ["1", None, None]
    assert out[1]["error"].startswith("line 2: invalid JSON")
    assert out[2]["error"] == "line 4: not a JSON object"


def test_cli_reads_stdin():
    proc = subprocess.run([sys.executable, "-m", "kg.cli", "extract", "-", "--lang", "es"],
                          input=json.dumps({"id": "s", "text": ES}) + "\n", capture_output=True,
                          text=True, timeout=300, env={"MKG_OFFLINE": "1", "PATH": ""})
    assert proc.returncode == 0, proc.stderr
    record = json.loads(proc.stdout)
    assert record["id"] == "s" and record["lang"] == "es" and record["mentions"]
