"""Measure a mention finder against CoNLL/IOB gold: precision, recall, F1 per type.

:func:`evaluate_conll` reads a CoNLL file (see :mod:`kg.nlp.conll` for the variants accepted),
joins each sentence's tokens with single spaces, runs the *shipped* pipeline
(:func:`kg.nlp.pipeline.find_mentions`) or any given finder over that text, maps each predicted
character span to the gold tokens it covers, and counts exact (token span, type) matches.

Scored types are PER, ORG and LOC (micro-averaged together). EVENT is reported on its own line
when present in gold or predictions, and not in the micro average. MISC and any other gold
types are not scored (our finders never predict them); their gold counts are listed for
information. Gold type names are normalised: PERS/PERSON -> PER, ORGANIZATION -> ORG,
LOCATION/GPE/FAC -> LOC, and the NewsFANE fine types map as in training (Politician -> PER, ...).
"""

from __future__ import annotations

import bisect
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.nlp.conll import NEWSFANE, read_conll
from kg.nlp.mention import Mention

SCORED = ("PER", "ORG", "LOC")
GOLD_TYPES = {"PER": "PER", "PERS": "PER", "PERSON": "PER", "ORG": "ORG",
              "ORGANIZATION": "ORG", "ORGANISATION": "ORG", "LOC": "LOC", "LOCATION": "LOC",
              "GPE": "LOC", "FAC": "LOC", "EVENT": "EVENT", "MISC": "MISC",
              **{k.upper(): v for k, v in NEWSFANE.items()}}


@dataclass
class TypeScore:
    """Counts for one entity type."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def gold(self) -> int:
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class NERReport:
    """The result of :func:`evaluate_conll`."""

    path: str
    lang: str
    per_type: dict[str, TypeScore] = field(default_factory=dict)
    ignored_gold: Counter = field(default_factory=Counter)
    sentences: int = 0
    tokens: int = 0
    seconds: float = 0.0
    gold_tokens: bool = True
    """Whether the model tagged the gold tokens (True) or re-tokenised the raw text."""

    @property
    def micro(self) -> TypeScore:
        """PER/ORG/LOC pooled."""
        tot = TypeScore()
        for t in SCORED:
            s = self.per_type.get(t, TypeScore())
            tot.tp += s.tp
            tot.fp += s.fp
            tot.fn += s.fn
        return tot

    def as_dict(self) -> dict:
        """A JSON-ready form."""
        def row(s: TypeScore) -> dict:
            return {"gold": s.gold, "predicted": s.predicted, "tp": s.tp,
                    "precision": round(s.precision, 4), "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4)}
        return {"path": self.path, "lang": self.lang, "sentences": self.sentences,
                "tokens": self.tokens, "seconds": round(self.seconds, 2),
                "gold_tokens": self.gold_tokens,
                "types": {t: row(s) for t, s in self.per_type.items()},
                "micro": row(self.micro), "ignored_gold": dict(self.ignored_gold)}

    def format_table(self) -> str:
        """A plain-text table (what ``kg eval ner`` prints)."""
        mode = "gold tokens" if self.gold_tokens else "raw text, own tokenizer"
        lines = [f"{self.path} (lang={self.lang}, {mode}): {self.sentences} sentences, "
                 f"{self.tokens} tokens, {self.seconds:.1f}s",
                 f"{'type':<18}{'gold':>7}{'pred':>7}{'tp':>7}{'P':>8}{'R':>8}{'F1':>8}"]

        def fmt(name: str, s: TypeScore) -> str:
            return (f"{name:<18}{s.gold:>7}{s.predicted:>7}{s.tp:>7}"
                    f"{s.precision:>8.4f}{s.recall:>8.4f}{s.f1:>8.4f}")
        for t in SCORED:
            lines.append(fmt(t, self.per_type.get(t, TypeScore())))
        lines.append(fmt("micro PER/ORG/LOC", self.micro))
        for t, s in self.per_type.items():
            if t not in SCORED:
                lines.append(fmt(f"{t} (not in micro)", s))
        if self.ignored_gold:
            ign = ", ".join(f"{t}={n}" for t, n in sorted(self.ignored_gold.items()))
            lines.append(f"gold spans not scored: {ign}")
        return "\n".join(lines)


def _token_span(starts: list[int], ends: list[int], m: Mention) -> tuple[int, int] | None:
    """The gold tokens a character span covers: [first, last+1), or None if it covers none."""
    i = bisect.bisect_right(ends, m.start)      # first token ending after m.start
    j = bisect.bisect_left(starts, m.end)       # tokens starting before m.end
    return (i, j) if i < j else None


def evaluate_conll(path: str | Path, lang: str,
                   finder: Callable[[str], list[Mention]] | None = None,
                   use_kb: bool = True, gold_tokens: bool = True) -> NERReport:
    """Score ``finder`` on a CoNLL/IOB file.

    The default finder is the shipped pipeline for ``lang``
    (:func:`kg.nlp.pipeline.find_mentions`): the statistical model fused with the KB matcher,
    or the model alone with ``use_kb=False``.

    ``gold_tokens`` (the default, the CoNLL convention): the statistical model tags the gold
    tokens of each sentence (finders with a ``find_in_tokens`` method; others, and the KB
    matcher, read the joined text). ``gold_tokens=False`` measures the raw-text path: the
    sentence is re-tokenised and split by the pipeline's own tokenizer.
    """
    from kg.nlp.statistical.tokenize import Token

    if finder is None:
        from kg.nlp.pipeline import find_mentions

        def run(text: str, toks: list[Token]) -> list[Mention]:
            return find_mentions(text, lang, use_kb=use_kb,
                                 tokens=toks if gold_tokens else None)
    elif gold_tokens and hasattr(finder, "find_in_tokens"):
        def run(text: str, toks: list[Token]) -> list[Mention]:
            return finder.find_in_tokens(text, toks)  # type: ignore[union-attr]
    else:
        def run(text: str, toks: list[Token]) -> list[Mention]:
            return finder(text)  # type: ignore[misc]

    report = NERReport(str(path), lang, gold_tokens=gold_tokens)
    t0 = time.perf_counter()
    for sent in read_conll(path):
        report.sentences += 1
        report.tokens += len(sent.tokens)
        starts, ends, pos = [], [], 0
        for tok in sent.tokens:
            starts.append(pos)
            ends.append(pos + len(tok))
            pos += len(tok) + 1
        text = " ".join(sent.tokens)
        gold: set[tuple[int, int, str]] = set()
        for s, e, t in sent.spans():
            typ = GOLD_TYPES.get(t.upper())
            if typ in SCORED or typ == "EVENT":
                gold.add((s, e, typ))
            else:
                report.ignored_gold[typ or t] += 1
        toks = [Token(t, s, e) for t, s, e in zip(sent.tokens, starts, ends, strict=True)]
        pred: set[tuple[int, int, str]] = set()
        for m in run(text, toks):
            span = _token_span(starts, ends, m)
            if span and (m.type in SCORED or m.type == "EVENT"):
                pred.add((span[0], span[1], m.type))
        for item in gold | pred:
            typ = item[2]
            score = report.per_type.setdefault(typ, TypeScore())
            if item in gold and item in pred:
                score.tp += 1
            elif item in gold:
                score.fn += 1
            else:
                score.fp += 1
    report.seconds = time.perf_counter() - t0
    for t in SCORED:
        report.per_type.setdefault(t, TypeScore())
    report.per_type = {t: report.per_type[t] for t in sorted(report.per_type,
                                                             key=lambda x: (x not in SCORED, x))}
    return report
