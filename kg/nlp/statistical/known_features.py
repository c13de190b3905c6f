"""The run-time features of a trained CRF: the extractor's features, only those the model knows.

CRFsuite skips every attribute its model has no weight for, so tagging with only the known ones
gives the same tags and the same marginals, bit for bit (the known ones keep their order, so the
scores are summed in the same order). :class:`KnownFeatures` computes exactly
``[[f for f in token if f in model] for token in extractor(tokens)]`` for the extractors of
:mod:`kg.nlp.statistical.features`, but fast:

* everything a token contributes on its own (its word, shape, affixes, Arabic clitic readings,
  word clusters, and what it gives as a neighbour at -2..+2) depends only on the token's text,
  so it is computed once per distinct token and kept in a bounded cache, already filtered;
* only the features that pair two tokens and the gazetteer's phrase matches are made per
  sentence.

Training keeps using the extractors themselves (every feature, known or not yet).
:func:`model_attributes` reads the attributes of a model file.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import pycrfsuite

from kg.nlp.statistical import arnorm
from kg.nlp.statistical.features import (
    ArabicFeatures,
    FeatureExtractor,
    _orth,
    shape,
    short_shape,
)

TOKEN_CACHE = 8_000
"""Distinct tokens whose features are kept, per model (some 4 MB; each extraction worker holds
one per language): on the whole real corpus the 8,000 most recent cover 86 % (ar, es) to 92 %
(en) of the tokens, 20,000 would cover 92-97 % for 2.5 times the memory."""
_NEAR = (-2, -1, 1, 2)
_NO_PAIR: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
PAIR_PREFIXES = {"words": ("-1w|w=", "w|+1w="), "shapes": ("-1ss|ss=", "ss|+1ss="),
                 "clusters": ("-1c|c=", "")}
"""The features of two adjacent tokens: (the second token's, the first token's) prefixes."""


def model_attributes(tagger: pycrfsuite.Tagger) -> frozenset[str]:
    """Every attribute the open model ``tagger`` has a weight for (its ``ATTRIBUTES`` table)."""
    fd, path = tempfile.mkstemp(suffix=".txt")
    os.close(fd)
    try:
        tagger.dump(path)
        out: list[str] = []
        with open(path, encoding="utf-8", newline="\n") as fh:
            lines = iter(fh)
            for line in lines:
                if line.startswith("ATTRIBUTES = {"):
                    break
            for line in lines:
                if line.startswith("}"):
                    break
                out.append(line.rstrip("\n").split(": ", 1)[1])  # "  12: w=gaza"
        return frozenset(out)
    finally:
        os.unlink(path)


@dataclass(frozen=True, slots=True)
class TokenParts:
    """What one token contributes to the features of a sentence, known features only."""

    low: str
    """The token's lower-cased (Arabic: normalised) form, for the word-pair features."""
    shape: str
    """Its short shape, for the shape-pair features."""
    own: tuple[str, ...]
    """Its own generic features (word, shape, affixes, length, orthography)."""
    near: tuple[tuple[str, ...], ...]
    """What it gives the token at distance -2, -1, +1, +2 from it (as that token's neighbour)."""
    arabic: tuple[str, ...]
    """Its clitic readings and script flags (Arabic models)."""
    stem_near: tuple[tuple[str, ...], tuple[str, ...]]
    """Its stem as the -1 and as the +1 neighbour (Arabic models)."""
    cluster: tuple[str, ...]
    """Its own word-cluster features (coarse, fine)."""
    cluster_near: tuple[tuple[str, ...], tuple[str, ...]]
    """Its coarse cluster as the -1 and as the +1 neighbour."""
    coarse: str | None
    """Its coarse cluster, for the cluster-pair feature."""


class KnownFeatures:
    """Features of ``extractor`` restricted to ``known`` (see the module doc).

    >>> from kg.nlp.statistical.features import FeatureExtractor
    >>> ex = FeatureExtractor()
    >>> fast = KnownFeatures(ex, frozenset({"b", "w=gaza", "title", "-1w=in", "w|+1w=in|gaza"}))
    >>> fast(["in", "Gaza"])
    [['b', 'w|+1w=in|gaza'], ['b', 'w=gaza', 'title', '-1w=in']]
    >>> fast(["in", "Gaza"]) == [[f for f in t if f in fast.known] for t in ex(["in", "Gaza"])]
    True
    """

    def __init__(self, extractor: FeatureExtractor, known: frozenset[str],
                 cache_size: int = TOKEN_CACHE) -> None:
        self.extractor = extractor
        # the model's own strings, so cached parts share them instead of holding copies (one
        # table for both: membership and the shared string)
        self.known: dict[str, str] = {a: a for a in known}
        self._canonical = self.known
        self._arabic = isinstance(extractor, ArabicFeatures)
        self._clusters = extractor.clusters
        self._pairs = {kind: pair_table(known, *prefixes)
                       for kind, prefixes in PAIR_PREFIXES.items()}
        self.parts: Callable[[str], TokenParts] = lru_cache(maxsize=cache_size)(self._parts)

    @staticmethod
    def supports(extractor: FeatureExtractor) -> bool:
        """True for the extractors whose features :class:`KnownFeatures` reproduces."""
        return type(extractor) in (FeatureExtractor, ArabicFeatures)

    def _keep(self, feats: list[str]) -> tuple[str, ...]:
        # map and filter loop in C (a third of the time of a generator); no feature is empty,
        # so filter(None) drops exactly the None of the unknown ones
        return tuple(filter(None, map(self._canonical.get, feats)))

    def _parts(self, w: str) -> TokenParts:
        low = (arnorm.normalize(w) or w) if self._arabic else w.lower()
        low = w if low == w else low  # the cache holds w already: no second copy
        sshape = sys.intern(short_shape(w))  # a few hundred shapes, shared by all tokens
        orth = _orth(w)
        own = ["b", f"w={low}", f"sh={shape(w)[:12]}", f"ss={sshape}",
               f"p2={low[:2]}", f"p3={low[:3]}", f"p4={low[:4]}",
               f"s1={low[-1:]}", f"s2={low[-2:]}", f"s3={low[-3:]}", f"s4={low[-4:]}",
               f"len={min(len(w), 10)}", *orth]
        if w != low and not w[:1].isupper():
            own.append("mixed")
        near = []
        for d in _NEAR:
            feats = [f"{d}w={low}", f"{d}ss={sshape}"]
            if d in (-1, 1):
                feats.extend(f"{d}{o}" for o in orth)
                feats.append(f"{d}s3={low[-3:]}")
            near.append(self._keep(feats))
        arabic, stem = self._arabic_parts(w, low) if self._arabic else ((), low)
        cl = self._clusters.get(low)
        return TokenParts(
            low=low, shape=sshape, own=self._keep(own), near=tuple(near),
            arabic=self._keep(arabic),
            stem_near=(self._keep([f"-1st={stem}"]), self._keep([f"1st={stem}"])) if self._arabic
            else ((), ()),
            cluster=self._keep([f"0c={cl[0]}", f"cf={cl[1]}"]) if cl else (),
            cluster_near=(self._keep([f"-1c={cl[0]}"]), self._keep([f"1c={cl[0]}"])) if cl
            else ((), ()),
            coarse=cl[0] if cl else None)

    @staticmethod
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

    def __call__(self, tokens: list[str]) -> list[list[str]]:
        parts = [self.parts(t) for t in tokens]
        feats = self._generic(parts)
        if self._arabic:
            self._add_arabic(feats, parts)
        self._add_gazetteer(feats, tokens, parts)
        if self._clusters:
            self._add_clusters(feats, parts)
        return feats

    def _adjacent(self, kind: str, keys: list) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """Per token boundary (one more than there are tokens: none before the first and after
        the last), the known pair features of the two tokens around it."""
        table = self._pairs[kind]
        return [_NO_PAIR, *(table.get(ab, _NO_PAIR) for ab in zip(keys, keys[1:], strict=False)),
                _NO_PAIR]

    def _generic(self, parts: list[TokenParts]) -> list[list[str]]:
        pp = [_EDGE, _EDGE, *parts, _EDGE, _EDGE]  # parts[i + d] is pp[i + 2 + d]
        words = self._adjacent("words", [p.low for p in parts])
        shapes = self._adjacent("shapes", [p.shape for p in parts])
        out = [[*p.own, *pp[i].near[0], *pp[i + 1].near[1], *pp[i + 3].near[2],
                *pp[i + 4].near[3], *words[i][0], *shapes[i][0], *words[i + 1][1],
                *shapes[i + 1][1]]
               for i, p in enumerate(parts)]
        # the sentence's ends are flagged right after the token's own features
        first, last = len(parts[0].own), len(parts[-1].own)
        if "BOS" in self.known:
            out[0].insert(first, "BOS")
            last += len(parts) == 1
        if "EOS" in self.known:
            out[-1].insert(last, "EOS")
        return out

    @staticmethod
    def _add_arabic(feats: list[list[str]], parts: list[TokenParts]) -> None:
        pp = [_EDGE, *parts, _EDGE]  # parts[i + d] is pp[i + 1 + d]
        for i, f in enumerate(feats):
            f.extend(parts[i].arabic)
            f.extend(pp[i].stem_near[0])
            f.extend(pp[i + 2].stem_near[1])

    def _add_gazetteer(self, feats: list[list[str]], tokens: list[str],
                       parts: list[TokenParts]) -> None:
        gaz = self.extractor.gazetteer
        if gaz is None:
            return
        known = self.known
        g = gaz.tag(tokens, [p.low for p in parts])  # what the extractor looks names up by
        g.append([])  # g[i + 1] of the last token: no neighbour, no features
        for i, f in enumerate(feats):
            if g[i]:
                f.extend(x for x in g[i] if x in known)
            if i > 0 and g[i - 1]:
                f.extend(y for x in g[i - 1] if (y := "-1" + x) in known)
            if g[i + 1]:
                f.extend(y for x in g[i + 1] if (y := "+1" + x) in known)

    def _add_clusters(self, feats: list[list[str]], parts: list[TokenParts]) -> None:
        pp = [_EDGE, *parts, _EDGE]  # parts[i + d] is pp[i + 1 + d]
        pairs = self._adjacent("clusters", [p.coarse for p in parts])
        for i, f in enumerate(feats):
            f.extend(pp[i].cluster_near[0])
            f.extend(parts[i].cluster)
            f.extend(pairs[i][0])
            f.extend(pp[i + 2].cluster_near[1])


def pair_table(known: frozenset[str], second: str, first: str,
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


_EDGE = TokenParts(low="", shape="", own=(), near=((), (), (), ()), arabic=(), stem_near=((), ()),
                   cluster=(), cluster_near=((), ()), coarse=None)
"""Stands for the missing neighbours beyond a sentence's ends: it contributes nothing."""
