"""The CRF's state scores of a sentence from the extractor's features, without the strings.

A token's score for a label is the sum of the weights the model
(:class:`~kg.nlp.statistical.linear_chain.LinearChainModel`) has for the token's features and
that label; features the model has no weight for add nothing. Most of a token's features (its
word, shape, affixes, Arabic clitic readings, word clusters, and what it gives as a neighbour
at -2..+2) depend only on the token's text, so :class:`KnownScores` sums their weights once per
distinct token, in five rows (what the token gives itself and the tokens two and one before
and after it), kept in a bounded cache; a sentence's scores are then shifted sums of rows, plus
the features that pair two adjacent tokens (words, shapes, clusters: tables of the pairs the
model knows) and the gazetteer's phrase matches, and BOS/EOS at its ends. These are the sums
CRFsuite makes from the extractor's feature strings, summed in another order: the same to
within rounding (tests compare the tags and marginals with CRFsuite's).

Training keeps using the extractors themselves (every feature, known or not yet).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat

import numpy as np

from kg.nlp.statistical import arnorm
from kg.nlp.statistical.features import (
    ArabicFeatures,
    FeatureExtractor,
    WordClusters,
    _collapse_runs,
    _orth,
    shape,
)
from kg.nlp.statistical.linear_chain import LinearChainModel

TOKEN_CACHE = 32_000
"""Distinct tokens whose rows are kept, per model: five rows of label scores (360-440 bytes) and
the token's keys, some 15-20 MB per model. When a call would go beyond, the cache is emptied
first (every token of the call then has its rows for the whole call); the old token cache
(16,000 tokens, least recently used first out) missed 3.9 % of the English tokens of the whole
corpus, 8.8 % of the Spanish and 12.9 % of the Arabic, a miss costing about 16 µs then, ~35 µs
now (the weights are summed too)."""
PAIR_PREFIXES = {"words": ("-1w|w=", "w|+1w="), "shapes": ("-1ss|ss=", "ss|+1ss="),
                 "clusters": ("-1c|c=", "")}
"""The features of two adjacent tokens: (the second token's, the first token's) prefixes."""
SELF, AS_M2, AS_M1, AS_P1, AS_P2 = range(5)
"""A token's rows: what its features give itself (``SELF``), the tokens two and one after it
(as their -2 and -1 neighbour: ``AS_M2``, ``AS_M1``) and the tokens one and two before it (as
their +1 and +2 neighbour: ``AS_P1``, ``AS_P2``)."""
EDGE = 2
"""Empty positions between two sentences scored together: a neighbour feature reaches two
tokens away at most, and an empty position (slot 0, all zeros) contributes nothing."""


@dataclass(frozen=True, slots=True)
class TokenParts:
    """What one token contributes to the features of a sentence: the keys of its pair features
    and its features by the row they go to."""

    low: str
    """The token's lower-cased (Arabic: normalised) form, for the word-pair features."""
    shape: str
    """Its short shape, for the shape-pair features."""
    coarse: str | None
    """Its coarse cluster, for the cluster-pair feature."""
    rows: tuple[list[str], ...]
    """Its features for each of the rows :data:`SELF` ... :data:`AS_P2`."""


def token_parts(w: str, arabic: bool, clusters: WordClusters | Mapping[str, tuple[str, str]]) -> TokenParts:
    """The features one token contributes, as the extractors of
    :mod:`kg.nlp.statistical.features` make them (Arabic ones when ``arabic``).

    >>> parts = token_parts("Gaza", False, {})
    >>> parts.low, parts.shape, parts.rows[SELF][:3], parts.rows[AS_M1]
    ('gaza', 'Xx', ['b', 'w=gaza', 'sh=Xxxx'], ['-1w=gaza', '-1ss=Xx', '-1title', '-1s3=aza'])
    """
    low = (arnorm.normalize(w) or w) if arabic else w.lower()
    full_shape = shape(w)
    sshape = sys.intern(_collapse_runs(full_shape))  # a few hundred, shared by all tokens
    orth = _orth(w)
    own = ["b", f"w={low}", f"sh={full_shape[:12]}", f"ss={sshape}",
           f"p2={low[:2]}", f"p3={low[:3]}", f"p4={low[:4]}",
           f"s1={low[-1:]}", f"s2={low[-2:]}", f"s3={low[-3:]}", f"s4={low[-4:]}",
           f"len={min(len(w), 10)}", *orth]
    if w != low and not w[:1].isupper():
        own.append("mixed")
    s3 = low[-3:]
    as_m1 = [f"-1w={low}", f"-1ss={sshape}", *[f"-1{o}" for o in orth], f"-1s3={s3}"]
    as_p1 = [f"1w={low}", f"1ss={sshape}", *[f"1{o}" for o in orth], f"1s3={s3}"]
    if arabic:
        readings, stem = _arabic_parts(w, low)
        own += readings
        as_m1.append(f"-1st={stem}")
        as_p1.append(f"1st={stem}")
    cl = clusters.get(low)
    if cl:
        own += [f"0c={cl[0]}", f"cf={cl[1]}"]
        as_m1.append(f"-1c={cl[0]}")
        as_p1.append(f"1c={cl[0]}")
    return TokenParts(low=low, shape=sshape, coarse=cl[0] if cl else None,
                      rows=(own, [f"-2w={low}", f"-2ss={sshape}"], as_m1, as_p1,
                            [f"2w={low}", f"2ss={sshape}"]))


def _arabic_parts(w: str, norm: str) -> tuple[list[str], str]:
    """The clitic-reading and script features of an Arabic model's token, and its stem."""
    cands = arnorm.clitic_candidates(norm)
    feats = []
    for pre, stem in cands[1:]:
        feats += [f"st={stem}", f"pre={pre}", f"st_s2={stem[-2:]}", f"st_p2={stem[:2]}"]
    if w != norm:
        feats.append("diac")
    if arnorm.is_arabic(w):
        feats.append("arab")
    elif any(ch.isalpha() for ch in w):
        feats.append("latin")
    return feats, cands[1][1] if len(cands) > 1 else norm


class KnownScores:
    """The state scores ``(tokens, labels)`` of sentences under ``model`` for the features of
    ``extractor`` (see the module doc).

    >>> from pathlib import Path
    >>> from kg.nlp.statistical.features import FeatureExtractor
    >>> models = Path(__file__).resolve().parents[1] / "models"  # kg/nlp/models
    >>> model = LinearChainModel.read(models / "en" / "model.crfsuite")
    >>> scores = KnownScores(FeatureExtractor(), model)
    >>> [s.shape for s in scores([["in", "Gaza"], ["Hamas"]])]
    [(2, 9), (1, 9)]
    >>> row = lambda f: model.state[model.attributes[f]]
    >>> bool(np.allclose(scores([["Gaza"]])[0][0], sum(row(f) for f in FeatureExtractor()(["Gaza"])[0]
    ...                                                  if f in model.attributes)))
    True
    """

    def __init__(self, extractor: FeatureExtractor, model: LinearChainModel,
                 cache_size: int = TOKEN_CACHE) -> None:
        self.extractor = extractor
        self.model = model
        self._index = model.attributes
        self._arabic = isinstance(extractor, ArabicFeatures)
        self._clusters = extractor.clusters
        self._cache_size = cache_size
        n_labels = model.state.shape[1]
        self._ends = (self._row("BOS"), self._row("EOS"))
        self._pairs = {kind: _pair_rows(model, *prefixes) for kind, prefixes in PAIR_PREFIXES.items()}
        self._gazetteer_rows = lru_cache(maxsize=1024)(self._gazetteer_parts)
        # slot 0 is every sentence's edge: no token, no keys, zero rows
        self._slots: dict[str, int] = {}
        self._rows = np.zeros((1024, 5, n_labels))
        self._lows: list[str | None] = [None]
        self._shapes: list[str | None] = [None]
        self._coarse: list[str | None] = [None]

    @staticmethod
    def supports(extractor: FeatureExtractor) -> bool:
        """True for the extractors whose features :class:`KnownScores` reproduces."""
        return type(extractor) in (FeatureExtractor, ArabicFeatures)

    def _row(self, feature: str) -> np.ndarray:
        return self.model.state[self._index.get(feature, 0)]

    def _rows_of(self, features: list[str]) -> np.ndarray:
        """The rows of ``features`` in the model's weights (row 0, all zeros, for an unknown one)."""
        return np.fromiter(map(self._index.get, features, repeat(0)), np.intp, len(features))

    def _forget_tokens(self) -> None:
        self._slots.clear()
        del self._lows[1:], self._shapes[1:], self._coarse[1:]

    def _add_tokens(self, words: set[str]) -> None:
        """Give each of ``words`` a slot and its rows: every row's known features' weights
        (an unknown feature is row 0, all zeros; no row of a token is without features)."""
        first = len(self._lows)
        if first + len(words) > len(self._rows):
            grown = np.zeros((max(2 * len(self._rows), first + len(words)), *self._rows.shape[1:]))
            grown[:first] = self._rows[:first]
            self._rows = grown
        feats: list[str] = []
        sizes: list[int] = []
        for slot, w in enumerate(words, first):
            parts = token_parts(w, self._arabic, self._clusters)
            self._slots[w] = slot
            self._lows.append(parts.low)
            self._shapes.append(parts.shape)
            self._coarse.append(parts.coarse)
            for row in parts.rows:
                feats += row
                sizes.append(len(row))
        ids = self._rows_of(feats)
        starts = np.zeros(len(sizes), dtype=np.intp)
        np.cumsum(sizes[:-1], out=starts[1:])
        sums = np.add.reduceat(self.model.state[ids], starts, axis=0)
        self._rows[first:len(self._lows)] = sums.reshape(-1, 5, sums.shape[1])

    def __call__(self, sentences: list[list[str]]) -> list[np.ndarray]:
        """Each sentence's state scores, one row per token (sentences must not be empty)."""
        new = set(chain.from_iterable(sentences)).difference(self._slots)
        if len(self._slots) + len(new) > self._cache_size:
            self._forget_tokens()
            new = set(chain.from_iterable(sentences))
        if new:
            self._add_tokens(new)
        slots, starts = [0] * EDGE, []
        get = self._slots.__getitem__
        for words in sentences:
            starts.append(len(slots))
            slots.extend(map(get, words))
            slots.extend((0,) * EDGE)
        rows = self._rows[slots]
        scores = rows[:, SELF].copy()
        scores[2:] += rows[:-2, AS_M2]
        scores[1:] += rows[:-1, AS_M1]
        scores[:-1] += rows[1:, AS_P1]
        scores[:-2] += rows[2:, AS_P2]
        lows = list(map(self._lows.__getitem__, slots))
        self._add_pairs(scores, "words", lows)
        self._add_pairs(scores, "shapes", list(map(self._shapes.__getitem__, slots)))
        if self._clusters:
            self._add_pairs(scores, "clusters", list(map(self._coarse.__getitem__, slots)))
        ends = [start + len(words) - 1 for start, words in zip(starts, sentences, strict=True)]
        scores[starts] += self._ends[0]
        scores[ends] += self._ends[1]
        if self.extractor.gazetteer:
            for start, words in zip(starts, sentences, strict=True):
                self._add_gazetteer(scores, start, words, lows[start:start + len(words)])
        return [scores[start:end + 1] for start, end in zip(starts, ends, strict=True)]

    def _add_pairs(self, scores: np.ndarray, kind: str, keys: list[str | None]) -> None:
        """The known features of every two adjacent tokens (none at an edge: its key is None)."""
        table, second, first = self._pairs[kind]
        pairs = zip(keys, keys[1:], strict=False)
        at = np.fromiter(map(table.get, pairs, repeat(0)), np.intp, len(keys) - 1)
        scores[1:] += second[at]
        if first is not None:
            scores[:-1] += first[at]

    def _gazetteer_parts(self, feats: tuple[str, ...]) -> tuple[np.ndarray, ...]:
        """What a token's gazetteer features give it, the next token (as -1) and the previous
        one (as +1)."""
        return tuple(self.model.state[self._rows_of([prefix + x for x in feats])].sum(axis=0)
                     for prefix in ("", "-1", "+1"))

    def _add_gazetteer(self, scores: np.ndarray, start: int, words: list[str],
                       lows: list[str]) -> None:
        """The gazetteer's matches in one sentence (most tokens match no phrase)."""
        for i, feats in self.extractor.gazetteer.matches(words, lows).items():
            own, as_before, as_after = self._gazetteer_rows(tuple(feats))
            scores[start + i] += own
            if i + 1 < len(words):
                scores[start + i + 1] += as_before
            if i > 0:
                scores[start + i - 1] += as_after


def _pair_rows(model: LinearChainModel, second: str, first: str,
               ) -> tuple[dict[tuple[str, str], int], np.ndarray, np.ndarray | None]:
    """The pairs of adjacent keys the model has a feature for (:func:`pair_table`), numbered
    from 1, and by number what the pair gives the second token and the first (row 0: nothing)."""
    table = pair_table(model.attributes, second, first)
    number = {ab: i for i, ab in enumerate(table, 1)}
    rows = []
    for side in (0, 1):
        # a pair has one feature a side at most: its weights are the row
        given = [(i, model.attributes[feats[0]]) for ab, i in number.items()
                 if (feats := table[ab][side])]
        out = np.zeros((len(number) + 1, model.state.shape[1]))
        if given:
            at, attribute = zip(*given, strict=True)
            out[list(at)] = model.state[list(attribute)]
        rows.append(out)
    return number, rows[0], rows[1] if first else None


def pair_table(known: Iterable[str], second: str, first: str,
               ) -> dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]]:
    """The known features of two adjacent tokens' keys ``(a, b)``: the second token's
    ``f"{second}{a}|{b}"`` and the first token's ``f"{first}{a}|{b}"`` (each a 1-tuple, or empty
    when the model does not know it). A key holding "|" could be split elsewhere: every split is
    entered, and only the one that is the pair's matches it.

    >>> pair_table(frozenset({"-1w|w=a|b|c", "w|+1w=a|b|c", "b"}), "-1w|w=", "w|+1w=")[("a", "b|c")]
    (('-1w|w=a|b|c',), ('w|+1w=a|b|c',))
    """
    table: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for side, prefix in enumerate((second, first)):
        if not prefix:
            continue
        for attr in known:
            if not attr.startswith(prefix):
                continue
            rest = attr[len(prefix):]
            for cut in (i for i, ch in enumerate(rest) if ch == "|"):
                table.setdefault((rest[:cut], rest[cut + 1:]), [(), ()])[side] = (attr,)
    return {ab: (pair[0], pair[1]) for ab, pair in table.items()}
