"""CoNLL reading and the evaluator's exact counting (no model needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.nlp.conll import iob_to_spans, map_tags, read_conll, spans_to_iob2
from kg.nlp.evaluate import evaluate_conll
from kg.nlp.mention import Mention
from kg.nlp.train.corpora import NEWSFANE, read_wojood

NER = Path(__file__).resolve().parent / "fixtures" / "ner"


def test_iob1_iob2_bioes_spans() -> None:
    assert iob_to_spans(["B-PER", "I-PER", "O", "B-LOC"]) == [(0, 2, "PER"), (3, 4, "LOC")]
    # IOB1: I- opens a span; a type change opens a new one
    assert iob_to_spans(["I-ORG", "I-ORG", "I-LOC", "O", "I-PER"]) == [
        (0, 2, "ORG"), (2, 3, "LOC"), (4, 5, "PER")]
    # IOB1 adjacent same-type entities are separated by B-
    assert iob_to_spans(["I-PER", "B-PER"]) == [(0, 1, "PER"), (1, 2, "PER")]
    assert iob_to_spans(["S-LOC", "B-ORG", "E-ORG", "O"]) == [(0, 1, "LOC"), (1, 3, "ORG")]
    assert iob_to_spans(["I--ORG", "OO"]) == [(0, 1, "ORG"), (1, 2, "OO")]
    assert spans_to_iob2([(0, 2, "PER"), (3, 4, "LOC")], 5) == [
        "B-PER", "I-PER", "O", "B-LOC", "O"]
    assert map_tags(["I-Politician", "I-Politician", "O", "B-Nation"], NEWSFANE.get) == [
        "B-PER", "I-PER", "O", "B-LOC"]


def test_read_variants(tmp_path: Path) -> None:
    # BOM, CRLF, tab-only sentence break, 2 columns, IOB1
    raw = "\ufeffJohn\tI-PER\r\nSmith\tI-PER\r\n\t\r\nParis\tI-LOC\r\n"
    p = tmp_path / "x.conll"
    p.write_bytes(raw.encode("utf-8"))
    sents = read_conll(p)
    assert [s.tokens for s in sents] == [["John", "Smith"], ["Paris"]]
    assert [s.spans() for s in sents] == [[(0, 2, "PER")], [(0, 1, "LOC")]]


def test_read_real_fixtures() -> None:
    en = read_conll(NER / "en_conll2003_valid_head.conll")  # 4 columns, -DOCSTART-
    assert len(en) == 3
    assert en[2].spans() == [(0, 2, "MISC"), (3, 5, "PER"), (12, 13, "ORG"), (14, 15, "ORG")]
    ar = read_conll(NER / "ar_newsfane_head.conll")  # BOM, CRLF, tab-only breaks
    assert len(ar) == 3
    assert ar[0].spans()[1] == (2, 5, "Media")
    es = read_conll(NER / "es_conll2002_testa_head.conll")
    assert [len(s.spans()) for s in es] == [3, 0, 5, 5]


def test_wojood_outer_mapped_layer(tmp_path: Path) -> None:
    # from ner/ar/wojood_val.txt: OCC outer layer (not ours) holds ORG and GPE inner spans
    p = tmp_path / "w.txt"
    p.write_text("سكرتير B-OCC\nاللجنة I-OCC B-ORG\nالقومية I-OCC I-ORG\nفي I-OCC\n"
                 "نابلس I-OCC B-GPE\nلزهدي B-PERS\n$#$ O\n", encoding="utf-8")
    (s,) = read_wojood(p)
    assert s.tokens[-1] == "لزهدي"
    assert s.spans() == [(1, 3, "ORG"), (4, 5, "LOC"), (5, 6, "PER")]


def _gold_finder(path: Path, drop: int = 0, wrong_type: int = 0, extra: bool = False):
    """A finder answering from the gold itself, with controlled mistakes, to check counting."""
    answers: dict[str, list[Mention]] = {}
    k = 0
    for s in read_conll(path):
        text = " ".join(s.tokens)
        starts = [sum(len(t) + 1 for t in s.tokens[:i]) for i in range(len(s.tokens))]
        ms = []
        for a, b, t in s.spans():
            if t not in ("PER", "ORG", "LOC"):
                continue
            k += 1
            if k <= drop:
                continue
            if k <= drop + wrong_type:
                t = "PER" if t != "PER" else "LOC"
            start, end = starts[a], starts[b - 1] + len(s.tokens[b - 1])
            ms.append(Mention(start, end, text[start:end], t))
        if extra and s.tokens:
            ms.append(Mention(0, len(s.tokens[0]), s.tokens[0], "MISC"))  # never scored
        answers[text] = ms
    return lambda text: answers[text]


def test_evaluate_exact_counts() -> None:
    path = NER / "es_conll2002_testa_head.conll"
    rep = evaluate_conll(path, "es", finder=_gold_finder(path))
    assert rep.micro.tp == 13 and rep.micro.fp == 0 and rep.micro.fn == 0
    assert rep.micro.f1 == pytest.approx(1.0)
    # gold es head: LOC 4, ORG 7, PER 2 -- first 2 dropped (LOC, LOC), next retyped (ORG->PER)
    rep = evaluate_conll(path, "es", finder=_gold_finder(path, drop=2, wrong_type=1, extra=True))
    assert (rep.per_type["LOC"].tp, rep.per_type["LOC"].fn) == (2, 2)
    assert (rep.per_type["ORG"].tp, rep.per_type["ORG"].fn) == (6, 1)
    assert (rep.per_type["PER"].tp, rep.per_type["PER"].fp) == (2, 1)
    assert rep.micro.tp == 10 and rep.micro.fp == 1 and rep.micro.fn == 3
    assert rep.sentences == 4
    table = rep.format_table()
    assert "micro PER/ORG/LOC" in table and "MISC=0" not in table


def test_evaluate_maps_char_spans_to_tokens() -> None:
    path = NER / "en_conll2003_valid_head.conll"

    def finder(text: str) -> list[Mention]:
        # a span ending inside a token is snapped to the token it touches
        i = text.find("LEICESTERSHIRE")
        return [Mention(i, i + 10, text[i:i + 10], "ORG")] if i >= 0 else []

    rep = evaluate_conll(path, "en", finder=finder)
    assert rep.per_type["ORG"].tp == 1
    assert rep.ignored_gold["MISC"] == 1


def test_evaluate_gold_tokens_or_raw_text() -> None:
    """Finders that accept pre-tokenised input get the gold tokens (CoNLL convention) unless
    ``gold_tokens=False``, which measures the raw-text path (the finder tokenises itself)."""
    path = NER / "es_conll2002_testa_head.conll"
    seen: dict[str, int] = {"tokens": 0, "text": 0}

    class Finder:
        def find_in_tokens(self, text: str, tokens: list) -> list[Mention]:
            seen["tokens"] += 1
            assert [text[t.start:t.end] for t in tokens] == [t.text for t in tokens]
            assert " ".join(t.text for t in tokens) == text
            return []

        def __call__(self, text: str) -> list[Mention]:
            seen["text"] += 1
            return []

    rep = evaluate_conll(path, "es", finder=Finder())
    assert seen == {"tokens": 4, "text": 0} and rep.gold_tokens
    assert "gold tokens" in rep.format_table()
    rep = evaluate_conll(path, "es", finder=Finder(), gold_tokens=False)
    assert seen == {"tokens": 4, "text": 4} and not rep.gold_tokens
    assert rep.as_dict()["gold_tokens"] is False
