"""The training path end to end on a tiny real fixture (seconds, no shared data needed)."""

from __future__ import annotations

from pathlib import Path

from kg.nlp.conll import read_conll
from kg.nlp.evaluate import evaluate_conll
from kg.nlp.statistical.crf import CRFFinder
from kg.nlp.train.__main__ import Recipe, train

NER = Path(__file__).resolve().parent / "fixtures" / "ner"


def test_train_and_reload(tmp_path: Path) -> None:
    path = NER / "es_conll2002_testa_head.conll"
    recipe = Recipe("es", "generic", lambda data: read_conll(path), None,
                    params={"c1": 0.0, "c2": 0.001, "max_iterations": 50})
    meta = train(recipe, tmp_path, tmp_path / "model", tmp_path / "work", lambda msg: None)
    assert meta["train_sentences"] == 4
    finder = CRFFinder(tmp_path / "model")
    rep = evaluate_conll(path, "es", finder=finder)  # memorised training data
    assert rep.micro.f1 > 0.9


def test_train_holdout(tmp_path: Path) -> None:
    path = NER / "es_conll2002_testa_head.conll"
    recipe = Recipe("es", "generic", lambda data: read_conll(path), None,
                    params={"c1": 0.0, "c2": 0.001, "max_iterations": 20})
    meta = train(recipe, tmp_path, tmp_path / "model", tmp_path / "work", lambda msg: None,
                 holdout=0.25)
    assert meta["train_sentences"] == 3
    held = read_conll(tmp_path / "work" / "es_train_holdout.conll")
    assert [s.tokens for s in held] == [s.tokens for s in read_conll(path)[3:]]
