"""The BiLSTM-CRF finder: numpy decoding, the subword vectors, the shipped Spanish model, and
(when PyTorch is installed) training and export on a tiny real fixture."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from kg.nlp.conll import read_conll
from kg.nlp.evaluate import evaluate_conll
from kg.nlp.statistical.neural import BiLstmCrfFinder, PieceVectors, marginals, viterbi
from kg.nlp.statistical.tagger import load_finder

NER = Path(__file__).resolve().parent / "fixtures" / "ner"
TINY = NER / "bilstm_es_tiny"
TINY_PARAMS = json.loads((TINY / "meta.json").read_text(encoding="utf-8"))["params"]


def _brute_force(em: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray):
    n, k = em.shape
    scores = {}
    for seq in itertools.product(range(k), repeat=n):
        s = start[seq[0]] + end[seq[-1]] + sum(em[t, seq[t]] for t in range(n))
        s += sum(trans[seq[t - 1], seq[t]] for t in range(1, n))
        scores[seq] = s
    return scores


def test_viterbi_and_marginals_match_enumeration() -> None:
    rng = np.random.default_rng(0)
    em, trans = rng.normal(size=(4, 3)), rng.normal(size=(3, 3))
    start, end = rng.normal(size=3), rng.normal(size=3)
    scores = _brute_force(em, trans, start, end)
    assert tuple(viterbi(em, trans, start, end)) == max(scores, key=scores.get)
    z = np.logaddexp.reduce(list(scores.values()))
    expected = np.zeros((4, 3))
    for seq, s in scores.items():
        for t, tag in enumerate(seq):
            expected[t, tag] += np.exp(s - z)
    assert np.allclose(marginals(em, trans, start, end), expected)


def test_piece_vectors_place_names_together() -> None:
    pv = PieceVectors()

    def cos(a: str, b: str) -> float:
        x, y = pv.vector(a), pv.vector(b)
        return float(x @ y / np.linalg.norm(x) / np.linalg.norm(y))

    assert pv.vector("Madrid").shape == (PieceVectors.DIM,)
    assert cos("Madrid", "Barcelona") > cos("Madrid", "comer")
    assert not pv.vector("").any()


def test_decodes_tiny_model_with_numpy() -> None:
    """A tiny model trained on the 4 fixture sentences (``make_bilstm_tiny.py``) tags them back,
    with exact offsets and probabilities, through the kind registry."""
    finder = load_finder(TINY)
    assert isinstance(finder, BiLstmCrfFinder)
    rep = evaluate_conll(NER / "es_conll2002_testa_head.conll", "es", finder=finder)
    assert rep.micro.gold == 13 and rep.micro.f1 > 0.9, rep.format_table()
    text = "Telefónica de Sao Paulo ( Telesp ) y la Agencia Nacional de Telecomunicaciones ."
    ms = finder(text)
    assert ("Sao Paulo", "LOC") in {(m.surface, m.type) for m in ms}
    for m in ms:
        assert text[m.start:m.end] == m.surface and 0 < m.confidence <= 1


def test_decodes_without_torch() -> None:
    """Run time needs numpy alone: PyTorch is a training-only dependency."""
    code = ("import sys; sys.modules['torch'] = None\n"
            "from kg.nlp.statistical.tagger import load_finder\n"
            f"ms = load_finder({str(TINY)!r})('Telefónica de Sao Paulo ( Telesp ) .')\n"
            "assert any(m.surface == 'Sao Paulo' for m in ms), ms\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_unknown_kind_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "meta.json").write_text(json.dumps({"kind": "hmm"}))
    with pytest.raises(ValueError, match="unknown model kind 'hmm'"):
        load_finder(tmp_path)


def test_train_export_reload(tmp_path: Path) -> None:
    """Training writes weights the numpy finder reproduces (``check_export`` runs inside
    training and raises on a mismatch) and that memorise a tiny training set."""
    pytest.importorskip("torch")
    from kg.nlp.train.__main__ import Recipe, train

    sents = read_conll(NER / "es_conll2002_testa_head.conll")
    params = {**TINY_PARAMS, "epochs": 4}
    recipe = Recipe("es", "neural", lambda data: sents * 40, None, kind="bilstm-crf",
                    params=params)
    meta = train(recipe, tmp_path, tmp_path / "model", tmp_path / "work", lambda msg: None)
    assert meta["kind"] == "bilstm-crf" and len(meta["dev_f1_by_epoch"]) == 4
    finder = load_finder(tmp_path / "model")
    rep = evaluate_conll(NER / "es_conll2002_testa_head.conll", "es", finder=finder)
    assert rep.micro.f1 > 0.8, rep.format_table()
