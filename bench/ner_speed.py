"""NER speed on real article text: model load time and words/s on one core, per language.

    OMP_NUM_THREADS=1 python bench/ner_speed.py --data ../shared/data [--langs en,es,ar]

Reads up to ``--words`` words of article text per language from the real corpora (BBC for
English, Chilean press for Spanish, Al Mayadeen for Arabic), times the first load of the
shipped model (``kg.nlp.pipeline.model_finder``) and then ``find_mentions`` (model only, no KB,
so the figure is the statistical model's) over the articles.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

SOURCES = {
    "en": ("en/bbc_2023-10_to_2023-11.jsonl", "text"),
    "es": ("es/prensa_chile_2023-2024.jsonl", "text"),
    "ar": ("ar/almayadeen_ar_2023_10.json", "full_text"),
}


def articles(data: Path, lang: str, max_words: int) -> list[str]:
    """Article texts of ``lang`` from the real data, up to ``max_words`` words in total."""
    rel, key = SOURCES[lang]
    path = data / rel
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    else:
        rows = json.loads(path.read_text(encoding="utf-8"))
    out, n = [], 0
    for row in rows:
        text = row.get(key) or ""
        if text.strip():
            out.append(text)
            n += len(text.split())
            if n >= max_words:
                break
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--langs", default="en,es,ar")
    ap.add_argument("--words", type=int, default=50_000)
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from kg.nlp import pipeline

    print(f"{'lang':<6}{'load s':>8}{'words':>9}{'seconds':>9}{'words/s':>9}{'mentions':>10}")
    for lang in args.langs.split(","):
        texts = articles(args.data, lang, args.words)
        t0 = time.perf_counter()
        pipeline.model_finder(lang)
        load = time.perf_counter() - t0
        words = sum(len(t.split()) for t in texts)
        t0 = time.perf_counter()
        found = sum(len(pipeline.find_mentions(t, lang, use_kb=False)) for t in texts)
        dt = time.perf_counter() - t0
        print(f"{lang:<6}{load:>8.2f}{words:>9}{dt:>9.1f}{words / dt:>9.0f}{found:>10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
