"""Token features for the CRF taggers, one feature extractor per language (a registry).

Features are ``"name=value"`` strings (python-crfsuite weighs each 1.0). Every extractor takes a
sentence as a list of token strings and returns one feature list per token; extractors share the
generic orthographic/lexical window and add language specifics (Arabic normalised and
clitic-stripped forms; gazetteer matches; optional spaCy tags for English).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from itertools import compress
from operator import itemgetter, or_
from pathlib import Path

import numpy as np

from kg.nlp.statistical import arnorm

# Features always use the private normaliser in :mod:`kg.nlp.statistical.arnorm`: a trained
# model needs features computed identically at training and at run time, so it must not follow
# a shared normaliser (``kg.text.arabic``) that may change independently of the shipped weights.
_ar_normalize: Callable[[str], str] = arnorm.normalize

FIRSTS_CACHE = 10_000
"""Distinct tokens whose gazetteer readings are kept (see :meth:`Gazetteer.tag`): every Arabic
token, and the English or Spanish ones some phrase begins with (some 2,000 in 500 articles)."""
_DIGITS = re.compile(r"\d")
_UPPER = re.compile(r"[^\W\d_]")


class _ShapeOfChar(dict):
    """``str.translate`` table of :func:`shape`, filled as characters are met: the loop over a
    word's characters then runs in C (0.43 -> 0.20 µs a word)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch.isupper():
            out = "X"
        elif ch.islower():
            out = "x"
        elif ch.isdigit():
            out = "d"
        elif ch.isalpha():
            out = "a"  # caseless scripts (Arabic)
        else:
            out = ch
        self[code] = out
        return out


_SHAPE_OF_CHAR = _ShapeOfChar()
SHAPE_CACHE = 4_096
"""Distinct full shapes whose collapsed form is kept (a few hundred bytes each at most)."""


def shape(word: str) -> str:
    """Word shape: ``"McDonald"`` -> ``"XxxXxxxxx"`` collapsed to ``"XxXx"`` by :func:`short_shape`.

    >>> shape("McDonald's 2023"), shape("غزة")
    ("XxXxxxxx'x dddd", 'aaa')
    """
    return word.translate(_SHAPE_OF_CHAR)


@lru_cache(maxsize=SHAPE_CACHE)
def _collapse_runs(full_shape: str) -> str:
    """A shape with runs of one character collapsed, at most 8 characters long. Few shapes
    recur (the lengths of words): kept, rather than walked again (0.67 -> 0.25 µs a word)."""
    out: list[str] = []
    for ch in full_shape:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)[:8]


def short_shape(word: str) -> str:
    """Shape with runs collapsed: ``"Xxxxx"`` -> ``"Xx"``, ``"1996-08-30"`` -> ``"d-d-d"``."""
    return _collapse_runs(shape(word))


class Gazetteer:
    """Phrase lists by type, matched on normalised token sequences (longest match first).

    ``entries`` maps a phrase (its normalised tokens joined by single spaces) to its types. For
    Arabic the first token of a phrase is also tried with its proclitics stripped (``وبيروت``
    matches ``بيروت``).

    >>> gaz = Gazetteer(_phrases(["LOC\\tnew york", "LOC\\tgaza", "ORG\\tnew york times"]))
    >>> gaz.tag(["New", "York", "and", "Gaza"])
    [['gB=LOC'], ['gI=LOC'], [], ['g1=LOC']]
    >>> gaz.max_len, gaz.longest("new"), gaz.longest("york"), sorted(gaz.first_words())
    (3, 3, 0, ['gaza', 'new'])
    """

    def __init__(self, entries: dict[str, frozenset[str]], arabic: bool = False,
                 longest_multi: dict[str, int] | None = None) -> None:
        self.entries = entries
        self.arabic = arabic
        # most tokens begin no phrase: knowing that skips their look-ups of every length (only
        # the first words of longer phrases are listed, to keep the memory small)
        self.longest_multi = _longest_multi(entries) if longest_multi is None else longest_multi
        self.max_len = max(self.longest_multi.values(), default=1 if entries else 0)
        # Arabic readings cost a clitic analysis, and a word's phrase types a look-up per type:
        # kept (for a phrase start of the es model, 500 articles: 0.64 -> 0.45 ms an article)
        self._firsts = lru_cache(maxsize=FIRSTS_CACHE)(self._first_readings)

    @classmethod
    def load(cls, path: Path, arabic: bool = False) -> Gazetteer:
        """Read ``TYPE<TAB>phrase`` lines (phrases already normalised by :meth:`norm_phrase`).
        Its tables are kept in the cache folder (:mod:`kg.kb.cache`): reading the es model's
        157,000 lines took 0.5 s, loading their pickle 0.04 s."""
        from kg.kb.cache import cached

        # one per model folder name: another install's (another path) replaces it, as the KB's do
        entries, longest = cached(f"gazetteer-{path.parent.name}", [path.resolve(), Path(__file__)],
                                  lambda: _read_phrases(path))
        return cls(entries, arabic, longest)

    @classmethod
    def of_model(cls, model_dir: Path, arabic: bool = False) -> Gazetteer | None:
        """The ``gazetteer.tsv`` of a model directory, or None when the model has none."""
        path = model_dir / "gazetteer.tsv"
        return cls.load(path, arabic) if path.exists() else None

    def first_words(self) -> set[str]:
        """The words some phrase begins with."""
        return {*self.longest_multi, *(phrase for phrase in self.entries if " " not in phrase)}

    def norm(self, token: str) -> str:
        """The normalised form a token is looked up by."""
        return _ar_normalize(token) if self.arabic else token.lower()

    def norm_phrase(self, phrase: str) -> str:
        """Normalise a whole phrase (space-separated tokens)."""
        return " ".join(self.norm(t) for t in phrase.split())

    def _first_readings(self, norm: str) -> tuple[tuple[str, ...], int, list[str]]:
        """The readings of a token a phrase may begin with (Arabic: also without its proclitics),
        the longest phrase (in tokens) that begins with one of them, and the features of the
        token as a one-token phrase."""
        firsts = (norm,)
        if self.arabic:
            firsts += tuple(stem for _, stem in arnorm.clitic_candidates(norm)[1:])
        return firsts, max(self.longest(f) for f in firsts), [
            f"g1={t}" for t in self._types(firsts)]

    def longest(self, first: str) -> int:
        """The longest phrase (in tokens) that begins with ``first``, 0 if none does."""
        return self.longest_multi.get(first) or int(first in self.entries)

    def _types(self, phrases: Iterable[str]) -> set[str]:
        """The types of ``phrases`` (empty if none is a phrase)."""
        types: set[str] = set()
        for phrase in phrases:
            types |= self.entries.get(phrase, _NO_TYPES)
        return types

    def tag(self, tokens: list[str], norms: list[str] | None = None) -> list[list[str]]:
        """Per token, features ``gB=TYPE`` / ``gI=TYPE`` for every gazetteer match covering it."""
        out: list[list[str]] = [[] for _ in tokens]
        for i, feats in self.matches(tokens, norms).items():
            out[i] = feats
        return out

    def matches(self, tokens: list[str], norms: list[str] | None = None) -> dict[int, list[str]]:
        """:meth:`tag`'s features of the tokens that have some, by token index (most have none)."""
        out: dict[int, list[str]] = {}
        if not self.entries:
            return out
        norms = norms if norms is not None else [self.norm(t) for t in tokens]
        n = len(norms)
        for i in self._phrase_starts(norms):
            firsts, longest, single = self._firsts(norms[i])
            for L in range(min(longest, n - i), 1, -1):
                rest = " " + " ".join(norms[i + 1:i + L])
                types = self._types([f + rest for f in firsts])
                if types:
                    for t in types:
                        out.setdefault(i, []).append(f"gB={t}")
                        for k in range(i + 1, i + L):
                            out.setdefault(k, []).append(f"gI={t}")
                    break
            else:
                if single:
                    out.setdefault(i, []).extend(single)
        return out

    def _phrase_starts(self, norms: list[str]) -> Iterable[int]:
        """The indices of the tokens some phrase may begin with (few of them), found by maps
        that loop in C rather than by a test of each token in Python."""
        indices = range(len(norms))
        if self.arabic:  # a token's readings decide (kept, see _first_readings)
            return compress(indices, map(_LONGEST, map(self._firsts, norms)))
        # the first word of a longer phrase, or a one-word phrase: longest(norm) > 0
        return compress(indices, map(or_, map(self.longest_multi.__contains__, norms),
                                     map(self.entries.__contains__, norms)))


_LONGEST = itemgetter(1)  # of _first_readings
_NO_TYPES: frozenset[str] = frozenset()


def _read_phrases(path: Path) -> tuple[dict[str, frozenset[str]], dict[str, int]]:
    """:func:`_phrases` of a ``gazetteer.tsv``, and :func:`_longest_multi` of them."""
    with open(path, encoding="utf-8") as fh:
        entries = _phrases(line.rstrip("\n") for line in fh)
    return entries, _longest_multi(entries)


def _phrases(lines: Iterable[str]) -> dict[str, frozenset[str]]:
    """Phrase -> types of ``TYPE<TAB>phrase`` lines; equal type sets are one object (a pickle
    of them then loads fast).

    >>> found = _phrases(["LOC\\tgaza", "ORG\\tgaza", "LOC\\tbeirut", "ORG\\tbeirut", "LOC\\t"])
    >>> sorted(found), sorted(found["gaza"]), found["gaza"] is found["beirut"]
    (['beirut', 'gaza'], ['LOC', 'ORG'], True)
    """
    entries: dict[str, frozenset[str]] = {}
    shared: dict[frozenset[str], frozenset[str]] = {}
    for line in lines:
        typ, _, phrase = line.partition("\t")
        if phrase:
            types = entries.get(phrase, _NO_TYPES) | {typ}
            entries[phrase] = shared.setdefault(types, types)
    return entries


def _longest_multi(entries: Iterable[str]) -> dict[str, int]:
    """First word -> the most words of a phrase of ``entries`` beginning with it, for phrases of
    more than one word.

    >>> _longest_multi(["new york", "new york city", "york", "san juan"])
    {'new': 3, 'san': 2}
    """
    longest: dict[str, int] = {}
    for phrase in entries:
        if " " in phrase:
            first = phrase.partition(" ")[0]
            longest[first] = max(longest.get(first, 0), phrase.count(" ") + 1)
    return longest


def _orth(w: str) -> list[str]:
    """Orthographic flags of one token."""
    f = []
    if w[:1].isupper():
        f.append("title")
    if w.isupper() and _UPPER.search(w):
        f.append("upper")
    if _DIGITS.search(w):
        f.append("digit")
        if w.isdigit():
            f.append(f"alldig{min(len(w), 5)}")
    if "-" in w:
        f.append("hyphen")
    if not any(ch.isalnum() for ch in w):
        f.append("punct")
    return f


def _generic(tokens: list[str], lows: list[str]) -> list[list[str]]:
    """Language-independent features with a ±2 window."""
    n = len(tokens)
    shapes = [short_shape(t) for t in tokens]
    orths = [_orth(t) for t in tokens]
    feats: list[list[str]] = []
    for i, w in enumerate(tokens):
        lw = lows[i]
        f = ["b", f"w={lw}", f"sh={shape(w)[:12]}", f"ss={shapes[i]}",
             f"p2={lw[:2]}", f"p3={lw[:3]}", f"p4={lw[:4]}",
             f"s1={lw[-1:]}", f"s2={lw[-2:]}", f"s3={lw[-3:]}", f"s4={lw[-4:]}",
             f"len={min(len(w), 10)}"]
        f.extend(orths[i])
        if w != lw and not w[:1].isupper():
            f.append("mixed")
        if i == 0:
            f.append("BOS")
        if i == n - 1:
            f.append("EOS")
        for d in (-2, -1, 1, 2):
            j = i + d
            if 0 <= j < n:
                f.append(f"{d}w={lows[j]}")
                f.append(f"{d}ss={shapes[j]}")
                if d in (-1, 1):
                    f.extend(f"{d}{o}" for o in orths[j])
                    f.append(f"{d}s3={lows[j][-3:]}")
        if i > 0:
            f.append(f"-1w|w={lows[i - 1]}|{lw}")
            f.append(f"-1ss|ss={shapes[i - 1]}|{shapes[i]}")
        if i < n - 1:
            f.append(f"w|+1w={lw}|{lows[i + 1]}")
            f.append(f"ss|+1ss={shapes[i]}|{shapes[i + 1]}")
        feats.append(f)
    return feats


def _add_gazetteer(feats: list[list[str]], gaz: Gazetteer | None, tokens: list[str],
                   norms: list[str] | None = None) -> None:
    if gaz is None:
        return
    g = gaz.tag(tokens, norms)
    n = len(tokens)
    for i in range(n):
        feats[i].extend(g[i])
        if i > 0:
            feats[i].extend("-1" + x for x in g[i - 1])
        if i < n - 1:
            feats[i].extend("+1" + x for x in g[i + 1])


class FeatureExtractor:
    """Base extractor: generic features plus an optional gazetteer; subclasses add more."""

    lang = "xx"

    def __init__(self, gazetteer: Gazetteer | None = None, extra: Iterable[str] = (),
                 clusters: WordClusters | Mapping[str, tuple[str, str]] | None = None) -> None:
        self.gazetteer = gazetteer
        self.extra = tuple(extra)
        self.clusters = clusters or {}

    def add_clusters(self, feats: list[list[str]], keys: list[str]) -> None:
        """Word-cluster features (coarse and fine) for each token and its neighbours."""
        if not self.clusters:
            return
        n = len(keys)
        cl = [self.clusters.get(k) for k in keys]
        for i in range(n):
            for d in (-1, 0, 1):
                j = i + d
                if 0 <= j < n and cl[j] is not None:
                    c, f = cl[j]
                    feats[i].append(f"{d}c={c}")
                    if d == 0:
                        feats[i].append(f"cf={f}")
                        if i > 0 and cl[i - 1] is not None:
                            feats[i].append(f"-1c|c={cl[i - 1][0]}|{c}")

    def trim(self, token: str) -> int:
        """How many leading characters of a mention's first token are not part of the name."""
        return 0

    def __call__(self, tokens: list[str]) -> list[list[str]]:
        lows = [t.lower() for t in tokens]
        feats = _generic(tokens, lows)
        _add_gazetteer(feats, self.gazetteer, tokens)
        self.add_clusters(feats, lows)
        return feats


class ArabicFeatures(FeatureExtractor):
    """Arabic: features on normalised forms and on every clitic-stripped reading."""

    lang = "ar"

    def __init__(self, gazetteer: Gazetteer | None = None, extra: Iterable[str] = (),
                 clusters: WordClusters | Mapping[str, tuple[str, str]] | None = None) -> None:
        super().__init__(gazetteer, extra, clusters)
        self._firsts: set[str] = gazetteer.first_words() if gazetteer else set()

    def trim(self, token: str) -> int:
        """Length of a conjunction/preposition proclitic (و ب ل, or two of them) glued to a
        name: ``"ولبنان"`` -> 1 (the name is ``لبنان``). Only when the full form is not itself a
        known name and the stripped form is (gazetteer), so ``وليد`` or ``وزارة`` stay whole; the
        article ال stays part of the name (``والضفة`` -> ``الضفة``: و or ف before ال is always
        stripped). ك and ف before a name without its article are not stripped: the gazetteer's
        tens of thousands of short town names make a stem of most words that begin so, and in
        the news these are the word's own letters ("كتائب", brigades; "كراكاس", Caracas;
        "فيدان", Fidan)."""
        norm = _ar_normalize(token)
        if not self._firsts or norm in self._firsts:
            return 0
        for pre, stem in arnorm.clitic_candidates(norm)[1:]:
            article = pre in ("و", "ف") and stem.startswith("ال") and len(stem) >= 4
            bare = not stem.startswith("ال")
            if "ال" in pre or len(pre) > 2 or not (article or (
                    stem in self._firsts and not (bare and set(pre) & {"ك", "ف"}))):
                continue
            # map the normalised prefix length back onto the original characters
            kept = 0
            for i, ch in enumerate(token):
                if kept == len(pre) and _ar_normalize(ch):
                    return i
                if _ar_normalize(ch):
                    kept += 1
            return 0
        return 0

    def __call__(self, tokens: list[str]) -> list[list[str]]:
        norms = [_ar_normalize(t) or t for t in tokens]
        feats = _generic(tokens, norms)
        n = len(tokens)
        stems: list[str] = []
        for i, nw in enumerate(norms):
            cands = arnorm.clitic_candidates(nw)
            f = feats[i]
            for pre, stem in cands[1:]:
                f.append(f"st={stem}")
                f.append(f"pre={pre}")
                f.append(f"st_s2={stem[-2:]}")
                f.append(f"st_p2={stem[:2]}")
            stem = cands[1][1] if len(cands) > 1 else nw
            stems.append(stem)
            if tokens[i] != nw:
                f.append("diac")
            if arnorm.is_arabic(tokens[i]):
                f.append("arab")
            elif any(ch.isalpha() for ch in tokens[i]):
                f.append("latin")
        for i in range(n):
            for d in (-1, 1):
                j = i + d
                if 0 <= j < n:
                    feats[i].append(f"{d}st={stems[j]}")
        _add_gazetteer(feats, self.gazetteer, tokens, norms)
        self.add_clusters(feats, norms)
        return feats


class SpacyFeatures(FeatureExtractor):
    """English (or any language with a spaCy model): adds the spaCy model's tags and entities.

    ``extra`` names the spaCy package; its NER output (OntoNotes types) and fine POS tags become
    features, computed on the same tokens (no re-tokenisation).
    """

    def __init__(self, gazetteer: Gazetteer | None = None, extra: Iterable[str] = (),
                 clusters: WordClusters | Mapping[str, tuple[str, str]] | None = None) -> None:
        super().__init__(gazetteer, extra, clusters)
        self._nlp = None

    @property
    def nlp(self):  # noqa: ANN201 - spacy Language, imported lazily
        if self._nlp is None:
            import spacy

            last: Exception | None = None
            for name in self.extra:
                try:
                    self._nlp = spacy.load(name, exclude=["parser", "lemmatizer",
                                                          "attribute_ruler", "senter"])
                    break
                except (OSError, ImportError) as exc:
                    last = exc
            if self._nlp is None:
                raise RuntimeError(f"no spaCy model among {self.extra} is installed: {last}")
        return self._nlp

    def __call__(self, tokens: list[str]) -> list[list[str]]:
        feats = super().__call__(tokens)
        from spacy.tokens import Doc

        doc = Doc(self.nlp.vocab, words=tokens)
        for _, proc in self.nlp.pipeline:
            doc = proc(doc)
        ents = [(f"{t.ent_iob_}-{t.ent_type_}" if t.ent_type_ else "O") for t in doc]
        tags = [t.tag_ or t.pos_ for t in doc]
        n = len(tokens)
        for i in range(n):
            f = feats[i]
            f.append(f"sp={ents[i]}")
            f.append(f"tag={tags[i]}")
            if i > 0:
                f.append(f"-1sp={ents[i - 1]}")
                f.append(f"-1tag={tags[i - 1]}")
            if i < n - 1:
                f.append(f"+1sp={ents[i + 1]}")
                f.append(f"+1tag={tags[i + 1]}")
        return feats


class WordClusters:
    """``word -> (coarse, fine)`` cluster codes of ``word<TAB>coarse<TAB>fine`` lines sorted by
    word, as :func:`kg.nlp.train.clusters.write` writes them, found in the lines' bytes: a
    dict of the es model's 400,000 words took 0.6 s and some 60 MB to make at every start, and
    a build asks only for the words it meets (each once while
    :class:`~kg.nlp.statistical.known_features.KnownScores` keeps it).

    >>> table = WordClusters(b"beirut\\t3\\t31\\ngaza\\t3\\t30\\nsanaa\\t4\\t40", every=2)
    >>> table.get("gaza"), table["sanaa"], table.get("gaz"), table.get("zz"), len(table)
    (('3', '30'), ('4', '40'), None, None, 3)
    >>> len(WordClusters(b"")), WordClusters(b"").get("gaza")
    (0, None)
    """

    def __init__(self, lines: bytes, every: int = 64) -> None:
        # every line, the first too, begins after a newline, and the last ends with one
        self._data = b"\n" + lines + (b"" if lines.endswith(b"\n") or not lines else b"\n")
        ends = np.flatnonzero(np.frombuffer(self._data, np.uint8) == 10)
        starts = (ends[:-1] + 1).tolist() if len(ends) > 1 else []
        self._lines = len(starts)
        # every ``every``-th line's word, and where that block of lines begins and ends
        self._bounds = [*starts[::every], len(self._data)]
        self._firsts = [self._data[s:self._data.index(b"\t", s)] for s in self._bounds[:-1]]

    @classmethod
    def read(cls, path: Path) -> WordClusters:
        """The table of a ``clusters.tsv``."""
        return cls(path.read_bytes())

    def get(self, word: str) -> tuple[str, str] | None:
        """The codes of ``word``, or None when it has none."""
        key = word.encode("utf-8", "surrogatepass")
        block = bisect_right(self._firsts, key) - 1
        if block < 0 or b"\t" in key or b"\n" in key:
            return None
        at = self._data.find(b"\n" + key + b"\t", self._bounds[block] - 1, self._bounds[block + 1])
        if at < 0:
            return None
        start = at + len(key) + 2
        coarse, _, fine = self._data[start:self._data.index(b"\n", start)].decode().partition("\t")
        return coarse, fine

    def __getitem__(self, word: str) -> tuple[str, str]:
        found = self.get(word)
        if found is None:
            raise KeyError(word)
        return found

    def __len__(self) -> int:
        return self._lines


def load_clusters(path: Path) -> WordClusters:
    """The word clusters of a model (see :mod:`kg.nlp.train.clusters`)."""
    return WordClusters.read(path)


EXTRACTORS: dict[str, type[FeatureExtractor]] = {
    "generic": FeatureExtractor,
    "arabic": ArabicFeatures,
    "spacy": SpacyFeatures,
}
"""Feature extractor kinds by name, as recorded in a model's ``meta.json``."""
