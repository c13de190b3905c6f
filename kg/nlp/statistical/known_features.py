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

import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from operator import attrgetter, itemgetter
from pathlib import Path

from kg.nlp.statistical import arnorm
from kg.nlp.statistical.features import (
    ArabicFeatures,
    FeatureExtractor,
    _collapse_runs,
    _orth,
    shape,
)

TOKEN_CACHE = 16_000
"""Distinct tokens whose features are kept, per model: about 0.63-0.75 kB each with the token's
string (measured), some 11 MB per model, and each extraction worker holds one per language.
Replaying the whole corpus's tokens (3,043 articles), a miss (about 16 µs) is 7.0 % of the
English tokens with 8,000 kept, 3.9 % with 16,000, 3.0 % with 24,000; Spanish 12.2, 8.8, 8.1 %;
Arabic 18.8, 12.9, 10.4 %: 16,000 spare some 81,000 misses (1.3 CPU-s) of a cold build for
about 17 MB more per worker than 8,000 did; 24,000 would spare 26,000 more for 17 MB more."""
_NO_PAIR: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
PAIR_PREFIXES = {"words": ("-1w|w=", "w|+1w="), "shapes": ("-1ss|ss=", "ss|+1ss="),
                 "clusters": ("-1c|c=", "")}
"""The features of two adjacent tokens: (the second token's, the first token's) prefixes."""


def model_attributes(model_file: str | Path) -> frozenset[str]:
    """Every attribute a CRFsuite model file has a weight for (its ``ATTRIBUTES`` table), read
    from the file: the table is a CQDB chunk whose backward array gives each attribute's record
    (id, size, the string and a NUL), all numbers 32-bit little-endian.

    ``Tagger.dump`` gave the same table as text, but python-crfsuite closes the file's
    descriptor twice (CRFsuite closes it, then the wrapper): in a process with other threads
    (a Dask worker) the second close could hit a file another thread had just opened under
    that number.

    >>> models = Path(__file__).resolve().parents[1] / "models"  # kg/nlp/models
    >>> attributes = model_attributes(models / "en" / "model.crfsuite")
    >>> len(attributes) > 10_000, "w=gaza" in attributes
    (True, True)
    """
    data = Path(model_file).read_bytes()
    if data[:4] != b"lCRF":
        raise ValueError(f"{model_file}: not a CRFsuite model")
    table = struct.unpack_from("<I", data, _ATTRIBUTES_OFFSET_AT)[0]
    magic, _size, _flag, byte_order, count, backward = struct.unpack_from("<4sIIIII", data, table)
    if magic != b"CQDB" or byte_order != _CQDB_BYTE_ORDER:
        raise ValueError(f"{model_file}: no attribute table where CRFsuite puts it")
    out: list[str] = []
    for index, record in enumerate(struct.unpack_from(f"<{count}I", data, table + backward)):
        start = table + record
        ident, size = struct.unpack_from("<II", data, start)
        if ident != index:
            raise ValueError(f"{model_file}: attribute {index} is stored as {ident}")
        out.append(data[start + 8:start + 7 + size].decode("utf-8"))  # size counts the NUL
    return frozenset(out)


#: where a CRFsuite model's header holds the offset of its attribute table (after the magic,
#: size, type, version, and the numbers of features, labels and attributes, and the offsets
#: of the features and labels: 4 bytes each)
_ATTRIBUTES_OFFSET_AT = 36
#: what a CQDB chunk written on a little-endian machine holds as its byte-order check
_CQDB_BYTE_ORDER = 0x62445371


@dataclass(frozen=True, slots=True)
class TokenParts:
    """What one token contributes to the features of a sentence, known features only. The
    neighbour features are fields of their own (not a tuple of tuples): a sentence's features are
    then gathered by ``attrgetter`` maps in C, and a cached token holds four tuples fewer."""

    low: str
    """The token's lower-cased (Arabic: normalised) form, for the word-pair features."""
    shape: str
    """Its short shape, for the shape-pair features."""
    own: tuple[str, ...]
    """Its own generic features (word, shape, affixes, length, orthography)."""
    as_m2: tuple[str, ...]
    """What it gives the token two after it (as that token's -2 neighbour)."""
    as_m1: tuple[str, ...]
    """What it gives the next token (as its -1 neighbour)."""
    as_p1: tuple[str, ...]
    """What it gives the token before it (as its +1 neighbour)."""
    as_p2: tuple[str, ...]
    """What it gives the token two before it (as its +2 neighbour)."""
    arabic: tuple[str, ...]
    """Its clitic readings and script flags (Arabic models)."""
    stem_m1: tuple[str, ...]
    """Its stem as the -1 neighbour (Arabic models)."""
    stem_p1: tuple[str, ...]
    """Its stem as the +1 neighbour (Arabic models)."""
    cluster: tuple[str, ...]
    """Its own word-cluster features (coarse, fine)."""
    cluster_m1: tuple[str, ...]
    """Its coarse cluster as the -1 neighbour."""
    cluster_p1: tuple[str, ...]
    """Its coarse cluster as the +1 neighbour."""
    coarse: str | None
    """Its coarse cluster, for the cluster-pair feature."""


_FIELDS = {name: attrgetter(name) for name in TokenParts.__slots__}
_FIRST, _SECOND = itemgetter(1), itemgetter(0)  # of a pair-table entry: (second's, first's)
_NOTHING = repeat(())  # a column of no features (a model without Arabic, clusters, gazetteer)


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
        # a token's gazetteer features, as its own and as its neighbours' (few distinct lists)
        self._gazetteer_known = lru_cache(maxsize=1024)(self._gazetteer_parts)

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
        full_shape = shape(w)
        sshape = sys.intern(_collapse_runs(full_shape))  # a few hundred, shared by all tokens
        orth = _orth(w)
        own = ["b", f"w={low}", f"sh={full_shape[:12]}", f"ss={sshape}",
               f"p2={low[:2]}", f"p3={low[:3]}", f"p4={low[:4]}",
               f"s1={low[-1:]}", f"s2={low[-2:]}", f"s3={low[-3:]}", f"s4={low[-4:]}",
               f"len={min(len(w), 10)}", *orth]
        if w != low and not w[:1].isupper():
            own.append("mixed")
        keep = self._keep
        s3 = low[-3:]
        arabic, stem = self._arabic_parts(w, low) if self._arabic else ((), low)
        cl = self._clusters.get(low)
        return TokenParts(
            low=low, shape=sshape, own=keep(own),
            as_m2=keep([f"-2w={low}", f"-2ss={sshape}"]),
            as_m1=keep([f"-1w={low}", f"-1ss={sshape}", *[f"-1{o}" for o in orth], f"-1s3={s3}"]),
            as_p1=keep([f"1w={low}", f"1ss={sshape}", *[f"1{o}" for o in orth], f"1s3={s3}"]),
            as_p2=keep([f"2w={low}", f"2ss={sshape}"]),
            arabic=keep(arabic),
            stem_m1=keep([f"-1st={stem}"]) if self._arabic else (),
            stem_p1=keep([f"1st={stem}"]) if self._arabic else (),
            cluster=keep([f"0c={cl[0]}", f"cf={cl[1]}"]) if cl else (),
            cluster_m1=keep([f"-1c={cl[0]}"]) if cl else (),
            cluster_p1=keep([f"1c={cl[0]}"]) if cl else (),
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
        """The known features of a sentence: every token's in one comprehension over columns
        (zipped ``map``s run in C), in the extractor's order: generic, Arabic, gazetteer,
        clusters."""
        parts = list(map(self.parts, tokens))
        pp = [_EDGE, _EDGE, *parts, _EDGE, _EDGE]  # parts[i + d] is pp[i + 2 + d]
        field = _FIELDS
        words = self._adjacent("words", list(map(field["low"], parts)))
        shapes = self._adjacent("shapes", list(map(field["shape"], parts)))
        generic = (map(field["own"], parts), map(field["as_m2"], pp), map(field["as_m1"], pp[1:]),
                   map(field["as_p1"], pp[3:]), map(field["as_p2"], pp[4:]),
                   map(_SECOND, words), map(_SECOND, shapes), map(_FIRST, words[1:]),
                   map(_FIRST, shapes[1:]))
        arabic = ((map(field["arabic"], parts), map(field["stem_m1"], pp[1:]),
                   map(field["stem_p1"], pp[3:])) if self._arabic else (_NOTHING,) * 3)
        gazetteer = self._gazetteer_columns(tokens, parts)
        if self._clusters:
            pairs = self._adjacent("clusters", list(map(field["coarse"], parts)))
            clusters = (map(field["cluster_m1"], pp[1:]), map(field["cluster"], parts),
                        map(_SECOND, pairs), map(field["cluster_p1"], pp[3:]))
        else:
            clusters = (_NOTHING,) * 4
        out = [[*own, *m2, *m1, *p1, *p2, *w0, *s0, *w1, *s1, *ar, *st0, *st1, *g, *gm1, *gp1,
                *c0, *c, *cc, *c1]
               for own, m2, m1, p1, p2, w0, s0, w1, s1, ar, st0, st1, g, gm1, gp1, c0, c, cc, c1
               in zip(*generic, *arabic, *gazetteer, *clusters, strict=False)]  # as long as parts
        self._mark_ends(out, parts)
        return out

    def _mark_ends(self, out: list[list[str]], parts: list[TokenParts]) -> None:
        """The sentence's ends are flagged right after the token's own features."""
        first, last = len(parts[0].own), len(parts[-1].own)
        if "BOS" in self.known:
            out[0].insert(first, "BOS")
            last += len(parts) == 1
        if "EOS" in self.known:
            out[-1].insert(last, "EOS")

    def _adjacent(self, kind: str, keys: list) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """Per token boundary (one more than there are tokens: none before the first and after
        the last), the known pair features of the two tokens around it."""
        table = self._pairs[kind]
        return [_NO_PAIR, *map(table.get, zip(keys, keys[1:], strict=False), repeat(_NO_PAIR)), _NO_PAIR]

    def _gazetteer_parts(self, feats: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
        """The known ones of a token's gazetteer features: its own, as the next token's -1
        neighbour and as the previous token's +1 neighbour."""
        known = self.known
        return (tuple(x for x in feats if x in known),
                tuple(y for x in feats if (y := "-1" + x) in known),
                tuple(y for x in feats if (y := "+1" + x) in known))

    def _gazetteer_columns(self, tokens: list[str], parts: list[TokenParts],
                           ) -> tuple[list[tuple[str, ...]] | repeat, ...]:
        """Per token, its known gazetteer features, those of the token before it (as -1) and
        those of the token after it (as +1); most tokens match no phrase."""
        gaz = self.extractor.gazetteer
        matches = gaz.matches(tokens, list(map(_FIELDS["low"], parts))) if gaz else None
        if not matches:
            return (_NOTHING,) * 3
        n = len(tokens)
        own: list[tuple[str, ...]] = [()] * n
        before: list[tuple[str, ...]] = [()] * n
        after: list[tuple[str, ...]] = [()] * n
        for i, feats in matches.items():
            own[i], as_before, as_after = self._gazetteer_known(tuple(feats))
            if i + 1 < n:
                before[i + 1] = as_before
            if i > 0:
                after[i - 1] = as_after
        return own, before, after


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


_EDGE = TokenParts(low="", shape="", own=(), as_m2=(), as_m1=(), as_p1=(), as_p2=(), arabic=(),
                   stem_m1=(), stem_p1=(), cluster=(), cluster_m1=(), cluster_p1=(), coarse=None)
"""Stands for the missing neighbours beyond a sentence's ends: it contributes nothing."""
