"""NER speed on real article text: model load time and words/s on one core, per language.

    OMP_NUM_THREADS=1 python bench/ner_speed.py --data ../shared/data [--langs en,es,ar]
    python bench/ner_speed.py --articles 200 [--save FILE | --check FILE] [--repeat 3]

Reads up to ``--words`` words of article text per language from the real corpora (BBC for
English, Chilean press for Spanish, Al Mayadeen for Arabic), times the first load of the
shipped model (``kg.nlp.pipeline.model_finder``) and then ``find_mentions`` (model only, no KB,
so the figure is the statistical model's) over the articles.

``--articles N`` measures what a build's extraction does instead: the whole ``find_mentions``
(model and KB matcher fused) over the first N articles of each language, in articles per CPU
second, every cache cold (fresh finders) at each of ``--repeat`` runs, best run kept. ``--save``
pickles the mentions and ``--check`` compares them with a saved run: a speed-up must leave
them identical (spans, types, KB ids, confidences).
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


def whole_pipeline(texts: list[str], lang: str, repeat: int) -> tuple[float, list]:
    """Best CPU seconds of ``find_mentions`` over ``texts``, caches cold each time, and the
    mentions found."""
    from kg.nlp import pipeline
    from kg.nlp.statistical.tokenize import _chunk_tokens
    from kg.text.arabic import normalize_token

    best, found = float("inf"), []
    for _ in range(repeat):
        pipeline.release_finders()
        normalize_token.cache_clear()
        _chunk_tokens.cache_clear()
        pipeline.load_finders([lang])
        t0 = time.process_time()
        found = [pipeline.find_mentions(t, lang) for t in texts]
        best = min(best, time.process_time() - t0)
    return best, found


def articles_per_second(args: argparse.Namespace) -> int:
    """The ``--articles`` mode (see the module doc); 1 when ``--check`` finds a difference."""
    import pickle

    saved = pickle.loads(args.check.read_bytes()) if args.check else {}
    print(f"{'lang':<6}{'articles':>9}{'cpu s':>8}{'art/s':>8}{'mentions':>10}  same as saved")
    out, status = {}, 0
    for lang in args.langs.split(","):
        texts = articles(args.data, lang, 10**9)[:args.articles]
        seconds, found = whole_pipeline(texts, lang, args.repeat)
        out[lang] = found
        same = "-" if lang not in saved else "yes" if saved[lang] == found else "NO"
        status |= same == "NO"
        print(f"{lang:<6}{len(texts):>9}{seconds:>8.2f}{len(texts) / seconds:>8.1f}"
              f"{sum(map(len, found)):>10}  {same}")
    if args.save:
        args.save.write_bytes(pickle.dumps(out))
    return status


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--langs", default="en,es,ar")
    ap.add_argument("--words", type=int, default=50_000)
    ap.add_argument("--articles", type=int, help="measure the whole find_mentions on N articles")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--save", type=Path, help="with --articles: pickle the mentions here")
    ap.add_argument("--check", type=Path, help="with --articles: compare with a --save file")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if args.articles:
        return articles_per_second(args)
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
