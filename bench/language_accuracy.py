"""Language identification accuracy on every article of the real corpus with a stated language.

Run:  python bench/language_accuracy.py [DATA_DIR]      (default ../shared/data)

Reads the corpus with kg.sources.read_inputs, keeps the articles whose source states the
language (all scraped JSON/JSONL records, HTML pages declaring it, the Al Mayadeen page), and
compares kg.language.detect_language on the full text (title + summary + body) and on the
title alone. Prints one table row per language and the overall figure.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout

from kg.article import Article  # noqa: E402
from kg.language import detect_language  # noqa: E402
from kg.sources import read_inputs  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def measure(data: Path) -> dict[str, Counter]:
    """Counts per stated language: n, correct on full text, correct on titles, confusions."""
    counts: dict[str, Counter] = {}
    for item in read_inputs([str(data)]):
        if not isinstance(item, Article) or item.language not in ("en", "ar", "es"):
            continue
        row = counts.setdefault(item.language, Counter())
        row["n"] += 1
        full = detect_language(item.text)
        title = detect_language(item.title) if item.title else "other"
        row["full_ok"] += full == item.language
        row["title_ok"] += title == item.language
        if full != item.language:
            row[f"full->{full}"] += 1
        if title != item.language:
            row[f"title->{title}"] += 1
    return counts


def main(argv: list[str]) -> int:
    data = Path(argv[1]) if len(argv) > 1 else DEFAULT_DATA
    if not data.is_dir():
        print(f"no corpus at {data}", file=sys.stderr)
        return 1
    start = time.perf_counter()
    counts = measure(data)
    seconds = time.perf_counter() - start
    print(f"{'lang':<6}{'articles':>9}{'full text':>11}{'titles':>9}  title errors")
    total = Counter()
    for lang in sorted(counts):
        row = counts[lang]
        total.update({k: row[k] for k in ("n", "full_ok", "title_ok")})
        errors = ", ".join(f"{k.split('->')[1]}:{v}" for k, v in row.items()
                           if k.startswith("title->"))
        print(f"{lang:<6}{row['n']:>9}{row['full_ok'] / row['n']:>11.2%}"
              f"{row['title_ok'] / row['n']:>9.2%}  {errors}")
        full_errors = {k: v for k, v in row.items() if k.startswith("full->")}
        if full_errors:
            print(f"{'':<6}full-text errors: {full_errors}")
    print(f"{'all':<6}{total['n']:>9}{total['full_ok'] / total['n']:>11.2%}"
          f"{total['title_ok'] / total['n']:>9.2%}")
    print(f"({seconds:.1f} s, read + detect)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
