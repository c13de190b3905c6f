"""The fast paths of NER give exactly what the straightforward code gives (issue 10: extraction
speed with byte-identical mentions).

Each test compares a fast path with a plain reference: the numpy decoding of the model's known
scores with CRFsuite tagging the extractor's features, the gazetteer's skips with trying every length, the fusion's overlap
index with all pairs, the caches with fresh computation.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from kg.nlp import pipeline
from kg.nlp.conll import iob_to_spans, read_conll
from kg.nlp.mention import Mention
from kg.nlp.statistical.features import Gazetteer
from kg.nlp.statistical.known_features import KnownScores
from kg.nlp.statistical.linear_chain import LinearChainModel
from kg.nlp.statistical.tagger import EMIT_TYPES
from kg.nlp.statistical.tokenize import Token, _split_chunk, sentences, tokenize

NER = Path(__file__).resolve().parent / "fixtures" / "ner"
FIXTURES = {"en": "en_conll2003_valid_head.conll", "es": "es_conll2002_testa_head.conll",
            "ar": "ar_newsfane_head.conll"}
ODD = ["", "x", "X", "U.S.", "McDonald's", "1996-08-30", "«Hamas»", "وَلُبْنَانُ", "للعراق",
       "والقدس", "a|b", "|", "ـــ", "Ñuñoa", "EE.", "UU.", "42", "-3", "\u200fغزة"]
TEXTS = {
    "en": 'Michael Goldberg, a reservist in Jerusalem, said: "the US army" left Gaza.\n'
          "Follow us. Follow us.",
    "es": "La vocera de Gobierno, Camila Vallejo, y el Presidente Gabriel Boric viajaron a "
          "EE. UU. y a Reino Unido. LEER ARTICULO COMPLETO. LEER ARTICULO COMPLETO",
    "ar": 'جبهة خامسة تُقلق "إسرائيل"، في قطاع غزّة، ولبنان، وسوريا، والضفة الغربية.\n'
          "اليوم 06:42\nاليوم 06:42\nقال الأمين العام لحزب الله السيد حسن نصر الله",
}


def _sentences(lang: str) -> list[list[str]]:
    gold = [sent.tokens for sent in read_conll(NER / FIXTURES[lang])]
    text = TEXTS[lang]
    ours = [[t.text for t in s] for s in sentences(text, tokenize(text))]
    return [*gold, *ours, ODD, ODD[::-1], ODD[:1], ODD[1:2]]


@pytest.mark.parametrize("lang", ["en", "es", "ar"])
def test_decoding_is_crfsuites(lang: str) -> None:
    """The numpy decoding of the model's known scores gives CRFsuite's tags, with every feature
    of the extractor, and its marginals to within rounding, sentence by sentence and batched."""
    model = pipeline.model_finder(lang)
    assert isinstance(model.scores, KnownScores)
    batch = _sentences(lang)
    spans = model.spans_of_sentences(batch)
    named = 0
    for words, found in zip(batch, spans, strict=True):
        tags = model.tagger.tag(model.extract(words))
        assert model.tag(words) == tags, words
        probs = [model.tagger.marginal(t, i) for i, t in enumerate(tags)]
        assert [model.confidence(tags, i) for i in range(len(tags))] == pytest.approx(probs, abs=1e-9)
        expected = [(s, e, typ) for s, e, typ in iob_to_spans(tags) if typ in EMIT_TYPES]
        assert [(s, e, typ) for s, e, typ, _ in found] == expected
        assert [c for *_, c in found] == pytest.approx([probs[s] for s, _, _ in expected], abs=1e-9)
        named += bool(expected)
    assert named >= 5  # the comparison covers sentences that name something


#: the tables of a model as CRFsuite dumps them (run in a process of its own: the dump closes its
#: file's descriptor twice, which could close a file of another thread here)
DUMP_TABLES = """
import json, os, re, sys, tempfile, pycrfsuite
tagger = pycrfsuite.Tagger()
tagger.open(sys.argv[1])
fd, path = tempfile.mkstemp()
os.close(fd)
tagger.dump(path)
tables, name = {}, None
for line in open(path, encoding="utf-8", newline="\\n"):
    line = line.rstrip("\\n")
    if line.endswith(" = {"):
        name = line[:-4]
        tables[name] = []
    elif line.startswith("}"):
        name = None
    elif name:
        tables[name].append(line.strip())
os.unlink(path)
print(json.dumps(tables))
"""


@pytest.mark.parametrize("lang", ["en", "es", "ar"])
def test_model_tables_are_those_crfsuite_dumps(lang: str) -> None:
    """The labels, attributes and weights read from the model file are those of CRFsuite's own
    dump of it."""
    path = pipeline.MODELS / lang / "model.crfsuite"
    tables = json.loads(subprocess.run([sys.executable, "-c", DUMP_TABLES, str(path)], check=True,
                                       capture_output=True, text=True).stdout)
    model = LinearChainModel.read(path)
    assert list(model.labels) == [line.split(": ", 1)[1] for line in tables["LABELS"]]
    assert list(model.attributes) == [line.split(": ", 1)[1] for line in tables["ATTRIBUTES"]]
    assert len(model.attributes) > 10_000
    state = np.zeros_like(model.state)
    for line in tables["STATE_FEATURES"]:  # "(0) attribute --> label: weight"
        attribute, rest = line.split(") ", 1)[1].rsplit(" --> ", 1)
        label, weight = rest.rsplit(": ", 1)
        state[model.attributes[attribute], model.labels.index(label)] = float(weight)
    assert np.allclose(state, model.state, rtol=1e-6, atol=1e-6)
    trans = np.zeros_like(model.transition)
    for line in tables["TRANSITIONS"]:  # "(1) B-ORG --> I-ORG: weight"
        a, rest = line.split(") ", 1)[1].split(" --> ")
        b, weight = rest.rsplit(": ", 1)
        trans[model.labels.index(a), model.labels.index(b)] = float(weight)
    assert np.allclose(trans, model.transition, rtol=1e-6, atol=1e-6)


def test_known_scores_pairs_with_bars() -> None:
    """Word pairs whose words hold "|" are scored whichever way their feature could be split,
    as the sum of the weights of the extractor's features."""
    from kg.nlp.statistical.features import FeatureExtractor

    known = ["-1w|w=a|b|c", "w|+1w=a|b|c", "-1w|w=a|b", "ss|+1ss=x|x", "w=a", "-1w=a", "BOS"]
    state = np.vstack([np.zeros(2), np.random.default_rng(7).normal(size=(len(known), 2))])
    model = LinearChainModel(("O", "B-PER"), {f: i for i, f in enumerate(known, 1)}, state,
                             np.zeros((2, 2)))
    scores = KnownScores(FeatureExtractor(), model)
    batch = [["a", "b|c"], ["a|b", "c"], ["a", "b"], ["a|b", "c", "a", "b"], ["a"]]
    for words, got in zip(batch, scores(batch), strict=True):
        expected = [sum((state[model.attributes[f]] for f in token if f in model.attributes),
                        np.zeros(2)) for token in FeatureExtractor()(words)]
        assert np.allclose(got, expected), words


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_known_scores_with_a_small_cache_are_the_same(lang: str) -> None:
    """Emptying the token cache (when a call would overfill it) changes no score."""
    model = pipeline.model_finder(lang)
    small = KnownScores(model.extract, model.model, cache_size=8)
    batch = _sentences(lang)
    expected = model.scores(batch)
    largest = 0
    for i in range(0, len(batch), 3):  # calls of a few sentences: the cache fills and empties
        for got, want in zip(small(batch[i:i + 3]), expected[i:i + 3], strict=True):
            assert np.array_equal(got, want)
        largest = max(largest, len({w for words in batch[i:i + 3] for w in words}))
        assert len(small._slots) <= max(8, largest)


def _gazetteer_reference(gaz: Gazetteer, norms: list[str]) -> list[list[str]]:
    """:meth:`Gazetteer.tag` as first written: every phrase length tried, longest first."""
    from kg.nlp.statistical import arnorm

    n = len(norms)
    out: list[list[str]] = [[] for _ in range(n)]
    for i in range(n):
        firsts = [norms[i]]
        if gaz.arabic:
            firsts += [stem for _, stem in arnorm.clitic_candidates(norms[i])[1:]]
        for L in range(min(gaz.max_len, n - i), 0, -1):
            rest = tuple(norms[i + 1:i + L])
            types: set[str] = set()
            for f in firsts:
                types |= gaz.entries.get(" ".join((f, *rest)), set())
            if types:
                for t in types:
                    out[i].append(f"gB={t}" if L > 1 else f"g1={t}")
                    for k in range(i + 1, i + L):
                        out[k].append(f"gI={t}")
                break
    return out


@pytest.mark.parametrize("lang", ["en", "es", "ar"])
def test_gazetteer_skips_change_nothing(lang: str) -> None:
    gaz = pipeline.model_finder(lang).extract.gazetteer
    phrases = [k.split(" ") for k in list(gaz.entries)[:: max(1, len(gaz.entries) // 50)]]
    multi = [k.split(" ") for k in gaz.entries if k.count(" ") > 1][:20]
    for words in [*_sentences(lang), *phrases, *multi, [w for p in multi for w in p]]:
        norms = [gaz.norm(w) for w in words]
        assert gaz.tag(words, norms) == _gazetteer_reference(gaz, norms)


def _fuse_reference(model: list[Mention], kb: list[Mention], model_first: bool) -> list[Mention]:
    """:func:`kg.nlp.pipeline.fuse` as first written: every overlap found by trying all pairs."""
    overlaps = pipeline._overlaps
    if not kb:
        return sorted(model, key=lambda m: (m.start, m.end))
    joined = list(model)
    for k in kb:
        if k.confidence < pipeline.KB_ONLY_MIN_CONFIDENCE:
            continue
        inside = [m for m in joined if overlaps(m, k)]
        if len(inside) >= 2 and all(k.start <= m.start and m.end <= k.end for m in inside):
            joined = [m for m in joined if m not in inside] + [k]
    model = joined
    exact = {(m.start, m.end, m.type): m for m in kb}
    if model_first:
        typed = {(m.start, m.end): m for m in kb if m.confidence >= 0.95}
        out = []
        for m in model:
            k = exact.get((m.start, m.end, m.type)) or typed.get((m.start, m.end))
            out.append(replace(k, confidence=max(k.confidence, m.confidence)) if k else m)
        out.extend(k for k in kb if k.confidence >= 0.95 and not any(overlaps(k, m) for m in model))
        return sorted(out, key=lambda m: (m.start, m.end))

    def rank(m: Mention) -> tuple:
        if m.source == "kb":
            pri = 0
        else:
            rivals = [k for k in kb if k.start == m.start and k.end == m.end]
            pri = 1 if (not rivals or any(k.type == m.type for k in rivals)
                        or m.confidence < 0.9) else -1
        return (m.start - m.end, pri, m.start)

    kb = [k for k in kb if k.confidence >= 0.95 or any(overlaps(k, m) for m in model)]
    chosen: list[Mention] = []
    for m in sorted([*model, *kb], key=rank):
        if any(overlaps(m, c) for c in chosen):
            continue
        if m.source != "kb":
            k = exact.get((m.start, m.end, m.type))
            if k is not None:
                m = replace(k, confidence=max(k.confidence, m.confidence))
        chosen.append(m)
    return sorted(chosen, key=lambda m: (m.start, m.end))


def _random_mentions(rng: random.Random, source: str, n: int) -> list[Mention]:
    out = []
    for _ in range(n):
        start = rng.randrange(60)
        end = start + rng.choice([0, 1, 2, 3, 5, 8, 13])  # zero-length spans too
        out.append(Mention(start, end, "x" * (end - start), rng.choice(["PER", "LOC", "ORG"]),
                           f"e{start}" if source == "kb" else None,
                           rng.choice([0.4, 0.85, 0.95, 0.97]), source))
    return out


def test_fusion_index_matches_all_pairs() -> None:
    rng = random.Random(10)
    for _ in range(3000):
        model = _random_mentions(rng, "model", rng.randrange(8))
        kb = _random_mentions(rng, "kb", rng.randrange(8))
        for first in (False, True):
            assert pipeline.fuse(model, kb, first) == _fuse_reference(model, kb, first)


def _tokenize_reference(text: str) -> list[Token]:
    """The tokenizer without its cache of chunks."""
    import re

    from kg.nlp.statistical.tokenize import _ALWAYS

    out: list[Token] = []
    for m in re.finditer(r"\S+", text):
        chunk, base, pos = m.group(), m.start(), 0
        for sep in _ALWAYS.finditer(chunk):
            if sep.start() > pos:
                _split_chunk(chunk[pos:sep.start()], base + pos, out)
            out.append(Token(sep.group(), base + sep.start(), base + sep.end()))
            pos = sep.end()
        if pos < len(chunk):
            _split_chunk(chunk[pos:], base + pos, out)
    return out


def test_cached_tokenizer() -> None:
    text = " ".join([*TEXTS.values(), *ODD, "(EE.UU.)", 'منظمة"هيومن', "isn't", "...", "--"])
    assert tokenize(text) == _tokenize_reference(text)
    assert tokenize(text) == tokenize(text)


@pytest.mark.parametrize("lang", ["en", "es", "ar"])
def test_sentence_cache(lang: str) -> None:
    """A repeated sentence gets the mentions a fresh tagging gives, at its own offsets."""
    model = pipeline.model_finder(lang)
    text = TEXTS[lang] + "\n" + TEXTS[lang]
    fresh = [m for sent in sentences(text, tokenize(text))
             for m in model._sentence_mentions(text, sent)]
    assert model(text) == fresh and model(text) == fresh
    half = len(fresh) // 2
    assert [(m.surface, m.type) for m in fresh[:half]] == [(m.surface, m.type) for m in fresh[half:]]


def test_kb_matcher_gaps() -> None:
    """Names only run over gaps a name may hold: a space, a hyphen, a scare quote."""
    kb = pipeline.kb_finder("en")
    found = [m.surface for m in kb("Donald Trump met Donald  Trump, Donald\nTrump and Donald. Trump")]
    assert found.count("Donald Trump") == 1 and "Donald  Trump" in found
