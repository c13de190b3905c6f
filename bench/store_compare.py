"""Compare graph stores on the real corpus: rdflib's Memory store, rdflib over Oxigraph (oxrdflib),
and pyoxigraph directly. Measures load, Turtle export and a GROUP BY query, with peak memory.

Usage (after ``kg build ../shared/data``)::

    python bench/store_compare.py [--store kg-store]

It dumps the store to N-Quads once, then times each backend in its own subprocess so memory
figures do not mix. Results are printed as a Markdown table with the machine's description.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GROUP_BY = """
PREFIX schema: <https://schema.org/>
SELECT ?entity (COUNT(DISTINCT ?article) AS ?n)
WHERE { GRAPH ?g { ?article schema:mentions ?entity } }
GROUP BY ?entity ORDER BY DESC(?n) LIMIT 50
"""


def run_rdflib(nquads: Path, store_name: str) -> dict:
    import rdflib

    out: dict = {}
    t = time.perf_counter()
    ds = rdflib.Dataset(store=store_name) if store_name != "Memory" else rdflib.Dataset()
    if store_name == "Oxigraph":
        ds = rdflib.Dataset(store="Oxigraph")
    ds.parse(str(nquads), format="nquads")
    out["load_s"] = time.perf_counter() - t
    t = time.perf_counter()
    rows = list(ds.query(GROUP_BY))
    out["group_by_s"] = time.perf_counter() - t
    out["rows"] = len(rows)
    t = time.perf_counter()
    union = rdflib.Graph()
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    data = union.serialize(format="turtle")
    out["turtle_s"] = time.perf_counter() - t
    out["turtle_mb"] = len(data.encode("utf-8")) / 1e6
    return out


def run_oxigraph(nquads: Path) -> dict:
    import io

    import pyoxigraph as ox

    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        store = ox.Store(tmp)
        store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
        out["load_s"] = time.perf_counter() - t
        t = time.perf_counter()
        rows = list(store.query(GROUP_BY))
        out["group_by_s"] = time.perf_counter() - t
        out["rows"] = len(rows)
        t = time.perf_counter()
        buf = io.BytesIO()
        triples = (ox.Triple(q.subject, q.predicate, q.object) for q in store)
        ox.serialize(triples, buf, format=ox.RdfFormat.TURTLE)
        out["turtle_s"] = time.perf_counter() - t
        out["turtle_mb"] = len(buf.getvalue()) / 1e6
    return out


def child(backend: str, nquads: str) -> None:
    path = Path(nquads)
    result = run_oxigraph(path) if backend == "pyoxigraph" else run_rdflib(path, backend)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", default="kg-store")
    ap.add_argument("--articles", type=int, default=0,
                    help="only this many article graphs (plus the shared graphs); 0 = all")
    ap.add_argument("--backends", default="Memory,Oxigraph,pyoxigraph",
                    help="comma-separated subset of Memory,Oxigraph,pyoxigraph")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(*args.child)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import pyoxigraph as ox

    from kg.rdf.store import GraphStore

    store = GraphStore(args.store, read_only=True)
    with tempfile.TemporaryDirectory() as tmp:
        nquads = Path(tmp) / "corpus.nq"
        graphs = sorted(store.named_graphs())
        articles = [g for g in graphs if "/graph/article/" in g]
        keep = set(graphs) - set(articles) | set(articles[: args.articles or len(articles)])
        quads = (q for q in store.quads() if q.graph_name.value in keep)
        with open(nquads, "wb") as fh:
            ox.serialize(quads, fh, format=ox.RdfFormat.N_QUADS)
        print(f"machine: {platform.platform()}, {os.cpu_count()} cores, python {platform.python_version()}")
        count = sum(1 for _ in open(nquads, "rb"))
        print(f"corpus: {count:,} quads, {min(len(articles), args.articles or len(articles)):,} "
              f"article graphs + {len(graphs) - len(articles)} shared graphs "
              f"({nquads.stat().st_size / 1e6:.0f} MB N-Quads) from {args.store}")
        print(f"command: python bench/store_compare.py --store {args.store} --articles {args.articles}\n")
        print("| backend | load s | GROUP BY s | Turtle export s | peak RSS MB |")
        print("|---|---|---|---|---|")
        for backend in args.backends.split(","):
            label = {"Memory": "rdflib Memory", "Oxigraph": "rdflib + oxrdflib",
                     "pyoxigraph": "pyoxigraph (direct)"}[backend]
            proc = subprocess.run([sys.executable, __file__, "--child", backend, str(nquads)],
                                  capture_output=True, text=True, timeout=3600)
            if proc.returncode:
                print(f"| {label} | failed: {proc.stderr.strip().splitlines()[-1]} | | | |")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            print(f"| {label} | {r['load_s']:.1f} | {r['group_by_s']:.2f} | {r['turtle_s']:.1f} "
                  f"| {r['peak_rss_mb']:.0f} |")


if __name__ == "__main__":
    main()
