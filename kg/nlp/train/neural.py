"""Train a BiLSTM-CRF (:mod:`kg.nlp.statistical.neural`) with PyTorch and export it for numpy.

PyTorch is needed only here (``pip install torch``); the exported ``weights.npz`` runs without
it. The parameter names of :class:`Tagger` are the names the numpy forward pass reads.

Procedure: the epoch count is chosen on a held-out slice of the training file (never the
measuring file): train on the first 90 %, score each epoch on the last 10 %, keep the best
epoch's weights. Deterministic for a given seed on one machine.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from kg.nlp.conll import Sentence
from kg.nlp.statistical.features import Gazetteer
from kg.nlp.statistical.neural import (
    CASINGS,
    CHAR_LEN,
    PAD,
    UNK,
    InputEncoder,
    PieceVectors,
    piece_vectors,
    word_key,
)

DEFAULTS = {"word_dim": 100, "char_dim": 30, "char_filters": 50, "use_dim": 128,
            "case_dim": 8, "hidden": 200, "dropout": 0.5, "lr": 0.002, "batch": 16,
            "epochs": 12, "min_word_count": 2, "seed": 13, "word_dropout": 0.3,
            "lr_decay": 0.9, "ema": 0.998}


def _torch():
    try:
        import torch
    except ImportError as exc:  # a training-only dependency
        raise SystemExit("training a bilstm-crf model needs PyTorch: pip install torch") from exc
    return torch


def build_vocab(sents: list[Sentence], gazetteer: Gazetteer | None,
                min_count: int) -> dict:
    """Word, character, gazetteer-feature and tag vocabularies of the training sentences."""
    words = Counter(word_key(t) for s in sents for t in s.tokens)
    chars = Counter(ch for s in sents for t in s.tokens for ch in t[:CHAR_LEN])
    gaz: set[str] = set()
    if gazetteer is not None:
        for s in sents:
            for feats in gazetteer.tag(s.tokens):
                gaz.update(feats)
    tags = sorted({t for s in sents for t in s.tags}, key=lambda t: (t != "O", t[2:], t))

    def index(counts: Counter, minimum: int) -> dict[str, int]:
        kept = sorted(w for w, c in counts.items() if c >= minimum)
        return {w: i + 2 for i, w in enumerate(kept)}   # 0 pad, 1 unknown

    return {"words": index(words, min_count), "chars": index(chars, 1),
            "gaz_features": sorted(gaz), "tags": tags}


def make_model(vocab: dict, hp: dict):
    """The PyTorch model whose parameter names :class:`BiLstmCrfFinder` reads."""
    torch = _torch()
    nn = torch.nn

    class Tagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            n_tags = len(vocab["tags"])
            self.word_emb = nn.Embedding(len(vocab["words"]) + 2, hp["word_dim"], padding_idx=PAD)
            self.char_emb = nn.Embedding(len(vocab["chars"]) + 2, hp["char_dim"], padding_idx=PAD)
            self.char_cnn = nn.Conv1d(hp["char_dim"], hp["char_filters"], 3, padding=1)
            self.use_proj = nn.Linear(PieceVectors.DIM, hp["use_dim"])
            self.case_emb = nn.Embedding(len(CASINGS), hp["case_dim"])
            n_in = (hp["word_dim"] + hp["char_filters"] + hp["use_dim"] + hp["case_dim"]
                    + len(vocab["gaz_features"]))
            self.drop = nn.Dropout(hp["dropout"])
            self.lstm = nn.LSTM(n_in, hp["hidden"], batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * hp["hidden"], n_tags)
            self.crf_trans = nn.Parameter(torch.zeros(n_tags, n_tags))
            self.crf_start = nn.Parameter(torch.zeros(n_tags))
            self.crf_end = nn.Parameter(torch.zeros(n_tags))

        def emissions(self, b: dict):
            bsz, n, L = b["chars"].shape
            ch = self.char_emb(b["chars"].view(bsz * n, L)).transpose(1, 2)
            ch = self.char_cnn(ch).max(dim=2).values.view(bsz, n, -1)
            x = torch.cat([self.word_emb(b["words"]), ch, self.use_proj(b["use"]),
                           self.case_emb(b["casing"]), b["gaz"]], dim=2)
            lengths = b["mask"].sum(1).cpu()
            packed = nn.utils.rnn.pack_padded_sequence(self.drop(x), lengths, batch_first=True,
                                                       enforce_sorted=False)
            h, _ = self.lstm(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=n)
            return self.out(self.drop(h))

        def nll(self, em, tags, mask):
            """Mean negative log-likelihood of the gold tags under the CRF."""
            maskf = mask.float()
            bsz, n, _ = em.shape
            ar = torch.arange(bsz)
            gold = self.crf_start[tags[:, 0]] + em[ar, 0, tags[:, 0]]
            for t in range(1, n):
                step = self.crf_trans[tags[:, t - 1], tags[:, t]] + em[ar, t, tags[:, t]]
                gold = gold + step * maskf[:, t]
            last = tags[ar, mask.sum(1) - 1]
            gold = gold + self.crf_end[last]
            alpha = self.crf_start + em[:, 0]
            for t in range(1, n):
                nxt = torch.logsumexp(alpha.unsqueeze(2) + self.crf_trans, dim=1) + em[:, t]
                alpha = torch.where(mask[:, t:t + 1], nxt, alpha)
            z = torch.logsumexp(alpha + self.crf_end, dim=1)
            return (z - gold).mean()

    return Tagger()


def _batch(items: list[dict], torch, train: bool, word_dropout: float, rng: random.Random):
    n = max(len(it["words"]) for it in items)
    bsz = len(items)
    out = {"words": np.zeros((bsz, n), np.int64), "chars": np.zeros((bsz, n, CHAR_LEN), np.int64),
           "casing": np.zeros((bsz, n), np.int64), "tags": np.zeros((bsz, n), np.int64),
           "use": np.zeros((bsz, n, PieceVectors.DIM), np.float32),
           "gaz": np.zeros((bsz, n, items[0]["gaz"].shape[1]), np.float32),
           "mask": np.zeros((bsz, n), bool)}
    for i, it in enumerate(items):
        k = len(it["words"])
        words = it["words"].copy()
        if train and word_dropout:
            # rare words stand in for unknown ones so <unk> learns something
            drop = np.array([it["rare"][j] and rng.random() < word_dropout for j in range(k)])
            words[drop] = UNK
        out["words"][i, :k] = words
        out["chars"][i, :k] = it["chars"]
        out["casing"][i, :k] = it["casing"]
        out["tags"][i, :k] = it["tags"]
        out["use"][i, :k] = it["use"]
        out["gaz"][i, :k] = it["gaz"]
        out["mask"][i, :k] = True
    return {k: torch.from_numpy(v) for k, v in out.items()}


def encode_sentences(sents: list[Sentence], encoder: InputEncoder, vocab: dict,
                     pieces: PieceVectors, word_counts: Counter) -> list[dict]:
    """Each sentence's input arrays (subword vectors looked up once per distinct token)."""
    cache: dict[str, np.ndarray] = {}
    tag_index = {t: i for i, t in enumerate(vocab["tags"])}
    items = []
    for s in sents:
        for t in s.tokens:
            if t not in cache:
                cache[t] = pieces.vector(t)
        items.append({"words": encoder.word_ids(s.tokens), "chars": encoder.char_ids(s.tokens),
                      "casing": encoder.casing_ids(s.tokens), "gaz": encoder.gaz_matrix(s.tokens),
                      "use": np.stack([cache[t] for t in s.tokens]),
                      "rare": [word_counts[word_key(t)] <= 2 for t in s.tokens],
                      "tags": np.asarray([tag_index[t] for t in s.tags], np.int64)})
    return items


def export(model, out: Path) -> None:
    """Write the weights under the names the numpy forward pass reads."""
    arrays = {}
    for name, p in model.state_dict().items():
        key = name.replace("crf_", "crf.")
        arrays[key] = p.detach().cpu().numpy().astype(np.float32)
    np.savez_compressed(out / "weights.npz", **arrays)


def check_export(model, out: Path, sents: list[Sentence], encoder: InputEncoder, vocab: dict,
                 counts: Counter) -> float:
    """Raise unless the numpy forward pass on the exported weights gives the PyTorch model's
    emission scores (largest absolute difference returned)."""
    torch = _torch()
    from kg.nlp.statistical.neural import BiLstmCrfFinder

    finder = BiLstmCrfFinder(out)
    items = encode_sentences(sents, encoder, vocab, finder.pieces, counts)
    model.eval()
    worst = 0.0
    with torch.no_grad():
        for s, it in zip(sents, items, strict=True):
            b = _batch([it], torch, False, 0.0, random.Random(0))
            ours = finder.emissions(s.tokens)
            theirs = model.emissions(b)[0].numpy()
            worst = max(worst, float(np.abs(ours - theirs).max()))
    if worst > 1e-3:
        raise RuntimeError(f"exported model differs from the trained one by {worst:.2g}")
    return worst


def _train_epoch(model, opt, ema: dict, items: list[dict], hp: dict, rng: random.Random,
                 log: Callable[[str], None]) -> float:
    """One pass over ``items`` in length-bucketed, shuffled batches; updates the weight average
    ``ema`` after each step and returns the mean loss."""
    torch = _torch()
    model.train()
    order = sorted(range(len(items)), key=lambda i: (len(items[i]["words"]), rng.random()))
    batches = [order[i:i + hp["batch"]] for i in range(0, len(order), hp["batch"])]
    rng.shuffle(batches)
    total = 0.0
    for n_batch, idx in enumerate(batches, 1):
        if n_batch % 100 == 0:
            log(f"batch {n_batch}/{len(batches)}")
        b = _batch([items[i] for i in idx], torch, True, hp["word_dropout"], rng)
        loss = model.nll(model.emissions(b), b["tags"], b["mask"])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        with torch.no_grad():
            for k, v in model.state_dict().items():
                ema[k].mul_(hp["ema"]).add_(v, alpha=1 - hp["ema"])
        total += float(loss.detach())
    return total / len(batches)


def train_bilstm(sents: list[Sentence], dev: Path, out: Path,
                 gazetteer: Gazetteer | None, hp: dict, log: Callable[[str], None],
                 score: Callable[[Path, Path], float]) -> dict:
    """Train on ``sents``; after each epoch export to ``out`` and ``score(dev, out)`` it; keep
    the best epoch. Returns the training figures for ``meta.json``."""
    torch = _torch()
    hp = {**DEFAULTS, **hp}
    torch.manual_seed(hp["seed"])
    rng = random.Random(hp["seed"])
    t0 = time.time()
    vocab = build_vocab(sents, gazetteer, hp["min_word_count"])
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    encoder = InputEncoder(vocab["words"], vocab["chars"], vocab["gaz_features"], gazetteer)
    counts = Counter(word_key(t) for s in sents for t in s.tokens)
    items = encode_sentences(sents, encoder, vocab, piece_vectors(), counts)
    log(f"encoded {len(items)} sentences, {len(vocab['words'])} words, "
        f"{len(vocab['gaz_features'])} gazetteer features in {time.time() - t0:.0f}s")
    model = make_model(vocab, hp)
    opt = torch.optim.Adam(model.parameters(), lr=hp["lr"])
    sched = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=hp["lr_decay"])
    # an exponential moving average of the weights is what gets scored and shipped: it is
    # steadier from epoch to epoch than the raw weights
    ema = {k: v.detach().clone() for k, v in model.state_dict().items()}
    best, best_epoch, history = -1.0, 0, []
    best_state = None
    for epoch in range(1, hp["epochs"] + 1):
        def progress(msg: str, epoch: int = epoch) -> None:
            log(f"epoch {epoch}: {msg} ({time.time() - t0:.0f}s)")

        loss = _train_epoch(model, opt, ema, items, hp, rng, progress)
        sched.step()
        raw = {k: v.clone() for k, v in model.state_dict().items()}
        model.load_state_dict(ema)
        model.eval()
        export(model, out)
        f1 = score(dev, out)
        history.append(round(f1, 4))
        progress(f"loss {loss:.3f}, dev F1 {f1:.4f}")
        if f1 > best:
            best, best_epoch = f1, epoch
            best_state = {k: v.clone() for k, v in ema.items()}
        model.load_state_dict(raw)
    model.load_state_dict(best_state)
    export(model, out)
    check_export(model, out, sents[:16], encoder, vocab, counts)
    return {"hyperparameters": hp, "best_epoch": best_epoch, "dev_f1_by_epoch": history}
