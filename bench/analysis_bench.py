"""Time and peak memory of ``kg analyze`` and ``kg viz`` on a whole store.

    python bench/analysis_bench.py                      # the real store, ./kg-store
    python bench/analysis_bench.py --store path/to/store
    python bench/analysis_bench.py --synthetic 5000     # a generated corpus of 5000 articles

The real store is copied to a temporary folder first (it is never written to); the copy gets
the analysis graph written back, as ``kg analyze`` would. Each stage prints its wall time and the
process's peak resident size so far (getrusage); with ``--trace`` each stage runs a second time
under tracemalloc for the peak of its own Python allocations (slow: tracing costs 2-3x).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.analysis import cooccurrence_graph, load_corpus, network_metrics, run_analysis  # noqa: E402
from kg.analysis.sample import store_from_records  # noqa: E402
from kg.rdf.store import GraphStore  # noqa: E402
from kg.viz import write_viz  # noqa: E402


def machine() -> str:
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            kb = int(fh.readline().split()[1])
            mem = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}){mem}, {cpu}, " \
           f"Python {platform.python_version()}, {platform.system()} {platform.release()}"


def synthetic_store(n_articles: int, n_entities: int | None = None, seed: int = 7) -> GraphStore:
    """Articles in 3 editions mentioning ~12 entities each, drawn with a Zipf-like skew."""
    rng = random.Random(seed)
    n_entities = n_entities or max(50, n_articles)
    types = ["PER", "ORG", "LOC", "EVENT"]
    entities = [{"key": f"{types[i % 4]}:e{i}", "type": types[i % 4],
                 "labels": {"en": f"Entity {i}", "ar": f"كيان {i}", "es": f"Entidad {i}"}}
                for i in range(n_entities)]
    weights = [1 / (i + 1) ** 0.9 for i in range(n_entities)]
    editions = {"ed-a": ("Edition A", "ar"), "ed-b": ("Edition B", "en"), "ed-c": ("Edition C", "es")}
    articles = []
    for i in range(n_articles):
        ed = rng.choice(list(editions))
        k = max(2, int(rng.gauss(12, 5)))
        picked = {entities[j]["key"] for j in rng.choices(range(n_entities), weights, k=k)}
        day = 1 + rng.randrange(28)
        articles.append({"id": f"a{i}", "edition": ed, "lang": editions[ed][1],
                         "date": f"2024-02-{day:02d}T10:00:00+00:00", "title": f"Article {i}",
                         "mentions": sorted(picked)})
    return store_from_records(articles, entities, [], editions)


def run(label: str, fn, trace: bool):
    t0 = time.perf_counter()
    result = fn()
    wall = time.perf_counter() - t0
    peak = None
    if trace:
        tracemalloc.start()
        fn()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    traced = f"   python peak {peak / 2**20:7.1f} MiB" if peak is not None else ""
    print(f"{label:<44} {wall:8.2f} s   peak RSS so far {rss:6.0f} MiB{traced}", flush=True)
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", default=str(ROOT / "kg-store"))
    ap.add_argument("--synthetic", type=int, metavar="N", help="generate N articles instead")
    ap.add_argument("--top", type=int, default=500)
    ap.add_argument("--trace", action="store_true", help="also measure with tracemalloc")
    args = ap.parse_args()
    trace = args.trace

    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    print("machine:", machine())
    work = Path(tempfile.mkdtemp(prefix="kg-analysis-bench-"))
    try:
        if args.synthetic:
            t0 = time.perf_counter()
            store = synthetic_store(args.synthetic)
            print(f"store: synthetic, {args.synthetic} articles, built in "
                  f"{time.perf_counter() - t0:.1f} s")
        else:
            src = Path(args.store)
            if not src.is_dir():
                sys.exit(f"no store at {src}: run `kg build ../shared/data` or use --synthetic N")
            shutil.copytree(src, work / "store", ignore=shutil.ignore_patterns("LOCK"))
            store = GraphStore(work / "store")
            print(f"store: copy of {src}")
        print(f"quads: {len(store)}")

        corpus = run("load corpus (SPARQL -> Python)", lambda: load_corpus(store), trace)
        print(f"  {len(corpus.articles)} articles, {len(corpus.entities)} entities, "
              f"{sum(map(len, corpus.mentions.values()))} article-entity mentions, "
              f"{len(corpus.events)} events")
        G = run("co-occurrence network", lambda: cooccurrence_graph(corpus), trace)
        print(f"  {G.number_of_nodes()} nodes, {G.number_of_edges()} edges")
        m = run("metrics (PR, betweenness, Louvain, k-core)", lambda: network_metrics(G), trace)
        print(f"  {len(m.communities)} communities, betweenness "
              f"{'exact' if m.betweenness_exact else 'sampled'}")
        report = run("run_analysis (all, with write-back)",
                     lambda: run_analysis(store, work / "report"), trace)
        print(f"  {report.n_triples} triples written; files: "
              f"{sum(p.stat().st_size for p in report.files.values()) / 2**20:.1f} MiB")
        page = run(f"write_viz (top {args.top})",
                   lambda: write_viz(store, work / "graph.html", top=args.top), trace)
        print(f"  page {page.stat().st_size / 2**20:.2f} MiB")
        page = run("write_viz (focus on top entity, ar)",
                   lambda: write_viz(store, work / "focus.html", focus=m.ranked()[0], lang="ar"),
                   trace)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak resident size of the whole run: {rss:.0f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
