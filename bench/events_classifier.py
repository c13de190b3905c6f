"""Does a trained sentence classifier beat the trigger rules on held-out dev slices?

For each gold set with training material (UniversalPetrarch ar and es: Attack and Protest), a
logistic regression per type (numpy, L2, bag of folded words and word pairs plus the rule's own
hits as features) is trained on the ``tune`` slice and scored on the ``check`` slice (see
``bench/events_eval.py``), next to the rules alone, with the same label-space scoring. A
classifier would be kept only if it beats the rules there; the figures are printed, nothing is
saved. Also measured: the rules with a classifier *veto* (trained on the tune sentences a rule fired
on, it may only remove a rule's event, never add one). Spanish records whose gold trigger is not in
their text are left out, as in ``bench/events_eval.py``.

    python bench/events_classifier.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import events_eval as ev  # noqa: E402

from kg.events.types import find_triggers  # noqa: E402
from kg.text.keys import normalize_arabic  # noqa: E402

TYPES = ("Attack", "Protest")


def features(text: str, lang: str) -> set[str]:
    """Folded words, adjacent word pairs and the rule's hits (``rule:Attack``).

    >>> sorted(features("Miles protestaron", "es"))[:3]
    ['miles', 'miles protestaron', 'protestaron']
    """
    norm = normalize_arabic(text) if lang == "ar" else text.casefold()
    words = re.findall(r"\w+", norm)
    out = set(words) | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}
    fold = {"Killing": "Attack"}
    out |= {"rule:" + fold.get(t, t) for t, _, _ in find_triggers(text, lang)}
    return out


def train(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 400, lr: float = 0.5) -> np.ndarray:
    """Logistic regression weights (last one the bias) by gradient descent."""
    xb = np.hstack([x, np.ones((x.shape[0], 1))])
    w = np.zeros(xb.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-xb @ w))
        grad = xb.T @ (p - y) / len(y) + l2 * np.r_[w[:-1], 0] / len(y)
        w -= lr * grad
    return w


def veto_preds(tune: list, check: list, xt: np.ndarray, xc: np.ndarray, rule_preds: dict,
               l2: float) -> dict[str, list]:
    """The rules, less each rule hit the classifier finds unlikely (p < 0.5): the classifier can
    only take a rule's event away, never add one. Trained on the tune sentences the rule fired on."""
    fold = {"Killing": "Attack"}
    out = {u.uid: list(rule_preds.get(u.uid, [])) for u in check}
    for etype in TYPES:
        rows = [i for i, u in enumerate(tune)
                if any(fold.get(c.event_type, c.event_type) == etype for c in rule_preds.get(u.uid, []))]
        if not rows:
            continue
        y = np.array([etype in tune[i].gold for i in rows], dtype=float)
        w = train(xt[rows], y, l2=l2)
        p = 1 / (1 + np.exp(-(np.hstack([xc, np.ones((len(check), 1))]) @ w)))
        for u, pi in zip(check, p, strict=True):
            if pi < 0.5:
                out[u.uid] = [c for c in out[u.uid] if fold.get(c.event_type, c.event_type) != etype]
    return out


def main() -> int:
    if not ev.GOLD.is_dir():
        print(f"event gold absent at {ev.GOLD}", file=sys.stderr)
        return 1
    units = [u for u in ev.load_units() if u.gset in ("ar", "es") and not u.cut]
    rule_preds, _ = ev.predict(units)
    for gset in ("ar", "es"):
        tune = [u for u in units if u.gset == gset and u.slice == "tune"]
        check = [u for u in units if u.gset == gset and u.slice == "check"]
        feats = {u.uid: features(u.text, u.lang) for u in tune + check}
        vocab = sorted({f for u in tune for f in feats[u.uid]})
        index = {f: i for i, f in enumerate(vocab)}

        def matrix(us: list, feats: dict = feats, index: dict = index) -> np.ndarray:
            m = np.zeros((len(us), len(index)))
            for r, u in enumerate(us):
                for f in feats[u.uid]:
                    if f in index:
                        m[r, index[f]] = 1.0
            return m

        xt, xc = matrix(tune), matrix(check)

        class Pred:
            def __init__(self, t: str) -> None:
                self.event_type, self.roles = t, {}

        for l2 in (0.3, 1.0, 3.0):
            clf_preds: dict[str, list] = {u.uid: [] for u in check}
            for etype in TYPES:
                y = np.array([etype in u.gold for u in tune], dtype=float)
                w = train(xt, y, l2=l2)
                p = 1 / (1 + np.exp(-(np.hstack([xc, np.ones((len(check), 1))]) @ w)))
                for u, pi in zip(check, p, strict=True):
                    if pi >= 0.5:
                        clf_preds[u.uid].append(Pred(etype))
            s = ev.score(check, clf_preds)
            print(f"{gset} check, classifier l2={l2}: P {s['p']:.3f} R {s['r']:.3f} F1 {s['f1']:.3f}")
            veto = veto_preds(tune, check, xt, xc, rule_preds, l2)
            s = ev.score(check, veto)
            print(f"{gset} check, rules + veto l2={l2}: P {s['p']:.3f} R {s['r']:.3f} F1 {s['f1']:.3f}")
        s = ev.score(check, rule_preds)
        print(f"{gset} check, rules:            P {s['p']:.3f} R {s['r']:.3f} F1 {s['f1']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
