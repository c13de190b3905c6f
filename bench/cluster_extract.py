"""Extraction of the whole corpus: local ``--jobs 2`` (fork pool) against a 2-worker Dask
``LocalCluster`` on 127.0.0.1, with a check that both give the same mentions.

    python bench/cluster_extract.py [--data ../shared/data]

Needs the ``[cluster]`` extra. On one machine a cluster brings no extra cores: the figure shows
the cost of going through the scheduler; the gain comes from adding worker machines.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from kg.build import _find
from kg.executors import map_ordered
from kg.language import ensure_language
from kg.sources import read_inputs
from kg.sources.dedupe import Deduplicator


def corpus(data: Path) -> list[tuple[str, str]]:
    """``(text, language)`` of every distinct article of ``data``'s ar/en/es folders."""
    dedupe = Deduplicator()
    for item in read_inputs([str(data / lang) for lang in ("ar", "en", "es")]):
        if hasattr(item, "text"):
            ensure_language(item)
            dedupe.add(item)
    return [(a.text, a.language or "") for a in sorted(dedupe.articles(), key=lambda a: a.id)]


def main() -> None:
    import distributed

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    work = corpus(args.data)
    print(f"{len(work)} articles; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                       silence_logs=40)
    try:
        started = time.perf_counter()
        remote = list(map_ordered(_find, work, scheduler=cluster.scheduler_address))
        seconds = time.perf_counter() - started
        print(f"2-worker cluster: {seconds:.1f} s ({len(work) / seconds:.1f} articles/s)")
    finally:
        cluster.close()
    started = time.perf_counter()
    local = list(map_ordered(_find, work, jobs=2))
    seconds = time.perf_counter() - started
    print(f"local --jobs 2:   {seconds:.1f} s ({len(work) / seconds:.1f} articles/s)")
    print(f"same mentions: {local == remote} ({sum(len(m) for _, m, _ in local)} mentions)")


if __name__ == "__main__":
    main()
