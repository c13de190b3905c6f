"""Real-world check: do we find, in the article text, the people/places/organisations the editors tagged?

Al Mayadeen's Arabic articles carry editorial ``keywords``. The tags are never shown to the
extractor: it sees only the title and the body text. For each (article, tag) pair whose tag names
a person, organisation or place we ask whether some mention in the text resolves to the same entity.

Which tags name a PER/ORG/LOC (the denominator), two ways, both reported:

* ``kb``: the knowledge base resolves the whole tag (:meth:`KnowledgeBase.lookup`) to a PER, ORG or
  LOC entity. A tag is recovered if a mention's entity is one of the tag's KB candidates.
* ``kb+model``: additionally, tags the KB does not know but that the full pipeline
  (:func:`kg.nlp.pipeline.find_mentions`), run on the tag string alone, labels as one PER/ORG/LOC
  span covering the tag. Such a tag is recovered if a mention in the text has the same
  :func:`~kg.text.arabic.normalize_key`, or resolves to the same KB entity.

Tags neither way types (topics like "العدوان الإسرائيلي على غزة", programme names, "عاجل") are
left out and the most frequent are listed, so the reader can judge that choice.

The curated KB was written from the October 2023 file, the English/Spanish corpora and general
knowledge, never from the April 2024 tags measured here.

Usage::

    python bench/tag_recall.py [--file ../shared/data/ar/almayadeen_ar_2024_04.json]
                               [--finder kb|pipeline|both] [--misses 40]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.kb import KnowledgeBase  # noqa: E402
from kg.nlp.kb_matcher import KBMatcher  # noqa: E402
from kg.text.arabic import (  # noqa: E402
    normalize_arabic,
    normalize_key,
    normalize_token,
    strip_article,
    tokenize,
)

DEFAULT = ROOT.parent / "shared" / "data" / "ar" / "almayadeen_ar_2024_04.json"
TYPES = {"PER", "ORG", "LOC"}


def _pipeline():
    try:
        from kg.nlp.pipeline import find_mentions
    except Exception as exc:  # noqa: BLE001
        print(f"(pipeline unavailable: {exc})", file=sys.stderr)
        return None
    return lambda text: find_mentions(text, "ar")


def articles(path: Path) -> list[tuple[str, list[str]]]:
    """(text, tags) of every article with body text; text = title + body."""
    out = []
    for a in json.loads(path.read_text(encoding="utf-8")):
        body = a.get("full_text") or ""
        if not body.strip():
            continue
        kw = a.get("keywords") or ""
        tags = kw if isinstance(kw, list) else kw.split(",")
        tags = list(dict.fromkeys(t.strip().strip('"') for t in tags if t.strip()))
        out.append(((a.get("title") or "") + "\n" + body, tags))
    return out


def tag_type(tag: str, kb: KnowledgeBase, model) -> tuple[str | None, set[str], str]:
    """(type, KB candidate ids, how) of a tag; type None when it does not name a PER/ORG/LOC."""
    cands = [e for e in kb.lookup(tag, "ar") if e.type in TYPES]
    if cands:
        return cands[0].type, {e.id for e in cands}, "kb"
    if model is not None:
        ms = model(tag)
        if len(ms) == 1 and ms[0].type in TYPES and len(ms[0].surface) >= len(tag.strip()) - 1:
            return ms[0].type, set(), "model"
    return None, set(), ""


def attested(tag: str, norm_tokens: list[str]) -> bool:
    """Does the tag's own wording occur in the text as whole words (clitics allowed)?

    Independent of the extractor and of the KB: the tag's normalised tokens must appear in order,
    the first one possibly with up to three proclitic letters glued on (``ولبنان``), so that
    ``إسرائيل`` inside ``الإسرائيلية`` does not count. Al Mayadeen stamps campaign tags (e.g.
    "غلاف غزة", "المسجد الأقصى", "كتائب القسام") on hundreds of articles that never name
    them; no extractor can recover those.
    """
    words = normalize_arabic(tag).split()
    if not words:
        return False
    first = strip_article(words[0])
    rest = words[1:]
    n = len(rest)
    for i, tok in enumerate(norm_tokens):
        if tok.endswith(first) and len(tok) - len(first) <= 3 and \
                norm_tokens[i + 1:i + 1 + n] == rest:
            return True
    return False


def evaluate(docs, finder, kb, model, name: str, show: int) -> dict:
    t0 = time.perf_counter()
    typed_cache: dict[str, tuple] = {}
    stats = Counter()
    misses: Counter = Counter()
    untyped: Counter = Counter()
    for text, tags in docs:
        mentions = finder(text)
        norm_tokens = [normalize_token(text[a:b]) for a, b in tokenize(text)]
        ids, keys = set(), set()
        for m in mentions:
            ent = m.entity
            if ent is None:
                hits = kb.lookup(m.surface, "ar")
                ent = hits[0].id if hits else None
            if ent:
                ids.add(ent)
            keys.add(normalize_key(m.surface, "ar"))
        for tag in tags:
            if tag not in typed_cache:
                typed_cache[tag] = tag_type(tag, kb, model)
            ttype, cands, how = typed_cache[tag]
            if ttype is None:
                untyped[tag] += 1
                continue
            hit = bool(cands & ids) or normalize_key(tag, "ar") in keys
            if attested(tag, norm_tokens):
                stats["att_total"] += 1
                stats["att_hit"] += hit
                if not hit:
                    misses[(tag, ttype, how)] += 1
            stats[f"{how}_total"] += 1
            stats[f"{how}_hit"] += hit
            stats[f"{ttype}_total"] += 1
            stats[f"{ttype}_hit"] += hit
    secs = time.perf_counter() - t0
    kb_r = stats["kb_hit"] / max(1, stats["kb_total"])
    all_t = stats["kb_total"] + stats["model_total"]
    all_r = (stats["kb_hit"] + stats["model_hit"]) / max(1, all_t)
    print(f"\n== finder: {name}  ({len(docs)} articles, {secs:.1f}s)")
    print(f"recall on KB-typed tags      : {kb_r:.3f}  ({stats['kb_hit']}/{stats['kb_total']})")
    print(f"recall on KB+model-typed tags: {all_r:.3f}  "
          f"({stats['kb_hit'] + stats['model_hit']}/{all_t})")
    print(f"recall on KB+model-typed tags whose wording occurs in the text: "
          f"{stats['att_hit'] / max(1, stats['att_total']):.3f} "
          f"({stats['att_hit']}/{stats['att_total']})")
    for t in sorted(TYPES):
        print(f"  {t}: {stats[t + '_hit'] / max(1, stats[t + '_total']):.3f} "
              f"({stats[t + '_hit']}/{stats[t + '_total']})")
    print("most frequent misses among tags whose wording occurs in the text (count, tag):")
    for (tag, ttype, how), n in misses.most_common(show):
        print(f"  {n:3d}  {tag}  [{ttype}, {how}]")
    print(f"untyped tags left out: {sum(untyped.values())} pairs, {len(untyped)} distinct; top:")
    print("  " + ", ".join(f"{t} ({n})" for t, n in untyped.most_common(show)))
    return {"kb_recall": kb_r, "all_recall": all_r, **stats}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--file", type=Path, default=DEFAULT)
    ap.add_argument("--finder", choices=["kb", "pipeline", "both"], default="both")
    ap.add_argument("--misses", type=int, default=40)
    args = ap.parse_args(argv)
    if not args.file.exists():
        print(f"data file not found: {args.file}", file=sys.stderr)
        return 1
    docs = articles(args.file)
    kb = KnowledgeBase.load()
    pipe = _pipeline()
    matcher = KBMatcher("ar", kb)
    if args.finder in ("kb", "both"):
        evaluate(docs, matcher, kb, pipe, "KBMatcher alone", args.misses)
    if args.finder in ("pipeline", "both") and pipe is not None:
        evaluate(docs, pipe, kb, pipe, "kg.nlp.pipeline.find_mentions", args.misses)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
