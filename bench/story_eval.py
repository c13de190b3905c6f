"""Evaluate same-story links (mkg:sameStoryAs) against hand-labelled cross-language pairs.

Candidates are the cross-language pairs of the real corpus within the date window (mostly Al
Mayadeen Arabic vs BBC / four_papers English in October-November 2023 and vs the raw_pages
English in April 2024). A seeded, stratified sample of them (high, middle and low similarity) was
read and judged by hand; the judgements are in ``bench/data/story_labels.tsv``
(``a_id  b_id  label  a_title  b_title  note``; label 1 = same story, 0 = not).

    python bench/story_eval.py --sample 90 > /tmp/story_sample.tsv   # draw pairs to label
    python bench/story_eval.py                                        # P/R of each method
    python bench/story_eval.py --judged                               # precision of every link

Precision and recall are measured on the labelled pairs (the sample over-represents likely
pairs, so recall is an estimate "among labelled positives").

``--judged`` lists every link the current configuration makes on the whole corpus, with its
judgement from ``bench/data/story_links_judged.tsv`` (label 1 = the same happening, 0 = same
topic only), prints the precision over them and flags links nobody has judged yet (judge them and
add them to the file: a figure counts only when every link is judged). It also prints the recall
over the judged same-happening pairs and over the same-story pairs of ``story_labels.tsv``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from merge_sample import CACHE, DATA, corpus_mentions, load_corpus  # noqa: E402

from kg.link.resolve import resolve_entities  # noqa: E402
from kg.link.stories import Candidate, EmbeddingCache, candidate_pairs, select_links  # noqa: E402

LABELS = ROOT / "bench" / "data" / "story_labels.tsv"
JUDGED = ROOT / "bench" / "data" / "story_links_judged.tsv"


def read_labels(path: Path = LABELS) -> dict[tuple[str, str], int]:
    out = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                continue
            cols = line.split("\t")
            out[(cols[0], cols[1])] = int(cols[2])
    return out


def judged_report(articles: list, cands: list[Candidate], path: Path = JUDGED) -> int:
    """Every link of the current configuration with its judgement; precision; unjudged links."""
    by_id = {a.id: a for a in articles}
    judged = read_labels(path)
    lenient = read_labels()
    links = select_links(cands)
    linked = {(s.a_id, s.b_id) for s in links}
    right = wrong = 0
    missing = []
    for link in links:
        gold = judged.get((link.a_id, link.b_id))
        mark = {1: "ok ", 0: "BAD", None: "?? "}[gold]
        right += gold == 1
        wrong += gold == 0
        if gold is None:
            missing.append(link)
        a, b = by_id[link.a_id], by_id[link.b_id]
        print(f"{mark} {link.a_id}\t{link.b_id}\t{a.published:%Y-%m-%d} {a.title[:60]!r} | "
              f"{b.published:%Y-%m-%d} {b.title[:60]!r}\t{link.evidence}")
    n = right + wrong
    print(f"\nlinks: {len(links)}; judged {n}: {right} same happening, {wrong} not; "
          f"precision {right / n if n else 0:.2f}" + (f"; {len(missing)} NOT JUDGED YET" if missing else ""))
    for name, gold in (("judged same-happening pairs", judged), ("story_labels.tsv same-story pairs", lenient)):
        pos = {k for k, v in gold.items() if v == 1}
        print(f"recall over the {len(pos)} {name}: {len(pos & linked) / len(pos) if pos else 0:.2f} "
              f"({len(pos & linked)})")
    labelled = [k for k in linked if k in lenient]
    print(f"precision over the story_labels.tsv pairs linked: "
          f"{sum(lenient[k] for k in labelled) / len(labelled) if labelled else 0:.2f} ({len(labelled)} linked)")
    return 1 if missing else 0


def methods() -> dict[str, callable]:
    """Single signals compared with the shipped combination (each at its best threshold)."""
    return {
        "embedding headline+lead": lambda c: c.cosine,
        "embedding headline": lambda c: c.cos_title,
        "entity overlap only": lambda c: c.overlap,
        "shipped score, no rank": lambda c: c.score,
    }


def prf(cands: list[Candidate], labels: dict, score, threshold: float) -> tuple[float, float, int]:
    tp = fp = fn = 0
    for c in cands:
        gold = labels.get((c.a_id, c.b_id))
        if gold is None:
            continue
        pred = score(c) >= threshold
        tp += pred and gold == 1
        fp += pred and gold == 0
        fn += (not pred) and gold == 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, tp + fp


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=0, help="print N pairs to label and exit")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--finder", default="auto")
    ap.add_argument("--judged", action="store_true",
                    help="every link of the current configuration with its hand judgement")
    args = ap.parse_args(argv)
    if not DATA.is_dir():
        print(f"real data absent at {DATA}", file=sys.stderr)
        return 1
    articles = load_corpus()
    by_id = {a.id: a for a in articles}
    docs = corpus_mentions(articles, args.finder)
    t0 = time.time()
    res = resolve_entities(docs)
    t1 = time.time()
    cache = EmbeddingCache(CACHE / "story_embeddings.npz")
    cands = candidate_pairs(articles, res, 2, embeddings=cache)
    t2 = time.time()
    print(f"# {len(articles)} articles; resolution {t1 - t0:.1f}s; {len(cands)} candidate pairs "
          f"scored in {t2 - t1:.1f}s (embeddings cached in {CACHE})", file=sys.stderr)
    if args.judged:
        return judged_report(articles, cands)
    if args.sample:
        rng = random.Random(args.seed)
        ranked = sorted(cands, key=lambda c: -c.score)
        top = ranked[:300]
        mid = [c for c in cands if 0.45 <= c.cosine < 0.6]
        low = [c for c in cands if c.cosine < 0.45]
        n = args.sample
        picked = rng.sample(top, min(n // 2, len(top))) + rng.sample(mid, min(n // 3, len(mid)))
        picked += rng.sample(low, min(n - len(picked), len(low)))
        for c in sorted(picked, key=lambda c: (c.a_id, c.b_id)):
            a, b = by_id[c.a_id], by_id[c.b_id]
            print("\t".join([c.a_id, c.b_id, "?", a.title[:120], b.title[:120],
                             f"cos={c.cosine:.2f} ent={c.overlap:.2f} days={c.days:.1f} "
                             f"conf={c.confidence:.2f}",
                             (a.body or a.summary)[:200].replace("\n", " ").replace("\t", " "),
                             (b.body or b.summary)[:200].replace("\n", " ").replace("\t", " ")]))
        return 0
    labels = read_labels()
    labelled = [c for c in cands if (c.a_id, c.b_id) in labels]
    pos = sum(labels[(c.a_id, c.b_id)] for c in labelled)
    print(f"labelled pairs: {len(labelled)} ({pos} same story)")
    linked = {(s.a_id, s.b_id) for s in select_links(cands)}
    p, r, n = prf(cands, labels, lambda c: float((c.a_id, c.b_id) in linked), 1.0)
    print(f"{'shipped (link_stories)':26s} P={p:.2f} R={r:.2f} (links among labelled: {n}; "
          f"links in corpus: {len(linked)})")
    for name, score in methods().items():
        best = None
        for thr in sorted({round(score(c), 2) for c in labelled}):
            p, r, n = prf(cands, labels, score, thr)
            f = 2 * p * r / (p + r) if p + r else 0
            if best is None or f > best[0]:
                best = (f, thr, p, r, n)
        print(f"{name:26s} best-F1 threshold {best[1]:.2f}: P={best[2]:.2f} R={best[3]:.2f} "
              f"F1={best[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
