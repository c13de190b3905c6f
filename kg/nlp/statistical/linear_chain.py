"""A trained CRFsuite model as numpy arrays, and its decoding: best tags and marginals.

CRFsuite scores a tag sequence by the weights of its (attribute, label) state features summed
per token and its (label, label) transitions. Here the state weights are a dense
``(attributes + 1, labels)`` matrix, so the scores of a token are a sum of rows: a caller can
sum the rows a token's features select once and keep them (see
:class:`kg.nlp.statistical.known_features.KnownScores`), and decode a batch of sentences at
once (:func:`best_paths`, :func:`marginals`). CRFsuite itself turns every feature string of
every token into an attribute id and decodes one sentence at a time: that was half of a build's
extraction.

:func:`best_paths` follows CRFsuite's Viterbi (ties go to the lower label index, as its strict
``<`` does); :func:`marginals` its scaled forward-backward. Training stays with python-crfsuite.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

#: where a CRFsuite model's header holds the offsets of its features, labels and attributes
#: (after the magic, size, type, version and the numbers of features, labels and attributes)
_FEATURES_OFFSET_AT, _LABELS_OFFSET_AT, _ATTRIBUTES_OFFSET_AT = 28, 32, 36
#: what a CQDB chunk written on a little-endian machine holds as its byte-order check
_CQDB_BYTE_ORDER = 0x62445371
#: a feature record: type (0 state, 1 transition), source, destination, weight
_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])
_STATE, _TRANSITION = 0, 1


@dataclass(frozen=True)
class LinearChainModel:
    """The weights of a CRFsuite model file.

    >>> models = Path(__file__).resolve().parents[1] / "models"  # kg/nlp/models
    >>> model = LinearChainModel.read(models / "en" / "model.crfsuite")
    >>> model.labels[:3], model.state.shape[1] == len(model.labels)
    (('B-ORG', 'O', 'B-MISC'), True)
    >>> row = model.attributes["w=gaza"]
    >>> model.labels[int(model.state[row].argmax())]
    'B-LOC'
    """

    labels: tuple[str, ...]
    attributes: dict[str, int]
    """Row of each attribute in :attr:`state` (from 1: row 0 is all zeros, for "no feature")."""
    state: np.ndarray
    """``(attributes + 1, labels)`` float64: the weight of each attribute for each label."""
    transition: np.ndarray
    """``(labels, labels)`` float64: the weight of label ``i`` followed by label ``j``."""

    @classmethod
    def read(cls, model_file: str | Path) -> LinearChainModel:
        """Read a model file written by CRFsuite (1st-order, ``FOMC``)."""
        data = Path(model_file).read_bytes()
        if data[:4] != b"lCRF" or data[8:12] != b"FOMC":
            raise ValueError(f"{model_file}: not a first-order CRFsuite model")
        labels = _cqdb_strings(data, _offset(data, _LABELS_OFFSET_AT), model_file)
        attributes = _cqdb_strings(data, _offset(data, _ATTRIBUTES_OFFSET_AT), model_file)
        chunk = _offset(data, _FEATURES_OFFSET_AT)
        magic, _size, count = struct.unpack_from("<4sII", data, chunk)
        if magic != b"FEAT":
            raise ValueError(f"{model_file}: no feature table where CRFsuite puts it")
        feats = np.frombuffer(data, _FEATURE, count, chunk + 12)
        state = np.zeros((len(attributes) + 1, len(labels)))
        trans = np.zeros((len(labels), len(labels)))
        kind = feats["type"]
        s, t = feats[kind == _STATE], feats[kind == _TRANSITION]
        # each (attribute, label) has at most one feature: assignment, not accumulation
        state[s["src"].astype(np.intp) + 1, s["dst"]] = s["weight"]
        trans[t["src"], t["dst"]] = t["weight"]
        return cls(tuple(labels), {a: i + 1 for i, a in enumerate(attributes)}, state, trans)


def _offset(data: bytes, at: int) -> int:
    return struct.unpack_from("<I", data, at)[0]


def _cqdb_strings(data: bytes, table: int, name: str | Path) -> list[str]:
    """The strings of a CQDB chunk by id: its backward array gives each string's record (id,
    size, the string and a NUL), all numbers 32-bit little-endian."""
    magic, _size, _flag, byte_order, count, backward = struct.unpack_from("<4sIIIII", data, table)
    if magic != b"CQDB" or byte_order != _CQDB_BYTE_ORDER:
        raise ValueError(f"{name}: no string table where CRFsuite puts it")
    out: list[str] = []
    for index, record in enumerate(struct.unpack_from(f"<{count}I", data, table + backward)):
        start = table + record
        ident, size = struct.unpack_from("<II", data, start)
        if ident != index:
            raise ValueError(f"{name}: string {index} is stored as {ident}")
        out.append(data[start + 8:start + 7 + size].decode("utf-8"))  # size counts the NUL
    return out


def _by_length(scores: list[np.ndarray]) -> tuple[list[int], np.ndarray, list[int]]:
    """The sentences longest first, their scores stacked ``(sentences, longest, labels)``
    (zeros beyond a sentence's end), and their lengths in that order."""
    order = sorted(range(len(scores)), key=lambda i: -len(scores[i]))
    lengths = [len(scores[i]) for i in order]
    stacked = np.zeros((len(order), lengths[0] if order else 0, scores[0].shape[1] if order else 0))
    for row, i in enumerate(order):
        stacked[row, :lengths[row]] = scores[i]
    return order, stacked, lengths


def _active(lengths: list[int], longest: int) -> list[int]:
    """Per position, how many of the sentences (longest first) reach it."""
    out, k = [], len(lengths)
    for t in range(longest):
        while k and lengths[k - 1] <= t:
            k -= 1
        out.append(k)
    return out


def best_paths(scores: list[np.ndarray], transition: np.ndarray) -> list[np.ndarray]:
    """The highest-scoring label sequence of each sentence, from its ``(tokens, labels)`` state
    scores: CRFsuite's Viterbi run on all sentences at once, position by position.

    Label 1 following label 1 weighs 2.0, more than the first token's preference for label 0:

    >>> trans = np.array([[0.0, -1.0], [0.5, 2.0]])
    >>> [p.tolist() for p in best_paths([np.array([[1.0, 0.0], [0.0, 0.2]]),
    ...                                  np.array([[0.0, 0.1]])], trans)]
    [[1, 1], [1]]
    """
    if not scores:
        return []
    order, stacked, lengths = _by_length(scores)
    n, longest, n_labels = stacked.shape
    back = np.zeros((n, longest, n_labels), dtype=np.intp)
    best = stacked[:, 0].copy()
    active = _active(lengths, longest)
    for t, k in enumerate(active):
        if t == 0:
            continue
        # step[s, i, j]: sentence s at label i, then label j (argmax: first of equals, as CRFsuite)
        step = best[:k, :, None] + transition
        back[:k, t] = step.argmax(axis=1)
        best[:k] = step.max(axis=1) + stacked[:k, t]
    # back from each sentence's best last label, all sentences that reach a position at once
    labels = np.zeros((n, longest), dtype=np.intp)
    rows = np.arange(n)
    labels[rows, np.array(lengths) - 1] = best.argmax(axis=1)
    for t in range(longest - 1, 0, -1):
        k = active[t]
        labels[:k, t - 1] = back[rows[:k], t, labels[:k, t]]
    paths: list[np.ndarray] = [np.empty(0, dtype=np.intp)] * n
    for row, i in enumerate(order):
        paths[i] = labels[row, :lengths[row]]
    return paths


def marginals(scores: list[np.ndarray], transition: np.ndarray) -> list[np.ndarray]:
    """Each sentence's ``(tokens, labels)`` probabilities of every label at every token, by
    CRFsuite's scaled forward-backward over the exponentiated scores, all sentences at once.

    >>> p = marginals([np.array([[1.0, 0.0], [0.0, 0.2]])], np.zeros((2, 2)))[0]
    >>> p.round(4).tolist()
    [[0.7311, 0.2689], [0.4502, 0.5498]]
    """
    if not scores:
        return []
    order, stacked, lengths = _by_length(scores)
    n, longest, n_labels = stacked.shape
    exp_state, exp_trans = np.exp(stacked), np.exp(transition)
    alpha = np.zeros_like(stacked)
    scale = np.ones((n, longest))
    active = _active(lengths, longest)
    for t, k in enumerate(active):
        cur = exp_state[:k, 0] if t == 0 else (alpha[:k, t - 1] @ exp_trans) * exp_state[:k, t]
        total = cur.sum(axis=1)
        np.divide(1.0, total, out=scale[:k, t], where=total != 0.0)  # else 1, as CRFsuite
        np.multiply(cur, scale[:k, t, None], out=alpha[:k, t])
    beta = np.zeros_like(stacked)
    ends = np.array(lengths) - 1
    rows = np.arange(n)
    beta[rows, ends] = scale[rows, ends, None]
    for t in range(longest - 2, -1, -1):
        k = active[t + 1]  # sentences that go on after t
        beta[:k, t] = ((beta[:k, t + 1] * exp_state[:k, t + 1]) @ exp_trans.T) * scale[:k, t, None]
    probs = alpha * beta / scale[:, :, None]
    out: list[np.ndarray] = [np.empty((0, n_labels))] * n
    for row, i in enumerate(order):
        out[i] = probs[row, :lengths[row]]
    return out
