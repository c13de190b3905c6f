"""`kg kb import` throughput, peak memory, index open time and lookup latency.

    python bench/kb_import.py [--sample ../shared/data/kb/wikidata_sample.jsonl]
                              [--full-copies 40] [--trimmed-entities 50000] [--jobs 1]

Four dumps, each imported in a fresh child process (so peak RSS is the import's own):

1. **real**: the 15 real entities of ``wikidata_sample.jsonl`` (JSONL, as given).
2. **synthetic-full** (SYNTHETIC): the sample's real lines repeated ``--full-copies`` times with
   renumbered QIDs and a ``#n`` suffix on every en/ar/es label and alias (so names are distinct),
   gzip-compressed in the real array layout. These are very large entities (avg. ~140 KB a line,
   Wikidata's most-edited items), so entities/s is a worst case; MB/s is the useful figure.
3. **synthetic-unkept** (SYNTHETIC): copies of the two sample entities no class keeps (Q1
   universe, Q33281 Chavacano), 5x ``--full-copies`` each: the speed at which the bulk of a
   real dump (items of other classes) is skipped by the pre-parse filter.
4. **synthetic-trimmed** (SYNTHETIC): the same, from the 7 trimmed entities of
   ``tests/fixtures/kb/wikidata_dump.json.gz`` (avg. ~7 KB a line, nearer a dump's average
   item), up to ``--trimmed-entities`` entities.

For each: entities/s and uncompressed MB/s of the import, peak RSS, the index size, the time to
open the index (median of 20 opens) and lookup latency p50/p99 over 2,000 lookups of names that
exist (a third Arabic, a third Spanish) and 500 that do not.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_SAMPLE = ROOT.parent / "shared" / "data" / "kb" / "wikidata_sample.jsonl"
FIXTURE = ROOT / "tests" / "fixtures" / "kb" / "wikidata_dump.json.gz"


def _suffix_terms(obj: dict, part: str, tag: str) -> None:
    terms = obj.get(part)
    if not isinstance(terms, dict):
        return
    for value in terms.values():
        for term in value if isinstance(value, list) else [value]:
            if isinstance(term, dict) and isinstance(term.get("value"), str):
                term["value"] = f"{term['value']} #{tag}"


def synthetic(entities: list[dict], n: int, path: Path) -> int:
    """Write ``n`` renumbered copies of the real ``entities`` as a gzip array dump."""
    uncompressed = 0
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
        fh.write("[\n")
        for i in range(n):
            e = json.loads(json.dumps(entities[i % len(entities)]))
            e["id"] = f"Q{900_000_000 + i}"
            for part in ("labels", "aliases"):
                _suffix_terms(e, part, str(i))
            line = json.dumps(e, ensure_ascii=False, separators=(",", ":"))
            line += ",\n" if i < n - 1 else "\n"
            uncompressed += len(line.encode("utf-8"))
            fh.write(line)
        fh.write("]\n")
    return uncompressed


def child_import(dump: str, out: str, jobs: str = "1") -> None:
    from kg.kb.wikidata import import_dump

    t0 = time.perf_counter()
    report = import_dump(dump, out, jobs=int(jobs))
    dt = time.perf_counter() - t0
    print(json.dumps({"read": report.read, "kept": report.kept_total, "seconds": dt,
                      "index_bytes": report.index_bytes, "names": report.names,
                      "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                      "workers_maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))


def child_lookup(out: str) -> None:
    import sqlite3

    from kg.kb.index import WikidataIndex

    opens = []
    for _ in range(20):
        t0 = time.perf_counter()
        idx = WikidataIndex.open(out)
        opens.append(time.perf_counter() - t0)
        idx.close()
    idx = WikidataIndex.open(out)
    con = sqlite3.connect(Path(out) / "wikidata.sqlite")
    rows = con.execute("SELECT en, ar, es FROM entities").fetchall()
    con.close()
    rng = random.Random(7)
    queries = []
    for i in range(2000 if rows else 0):
        en, ar, es = rows[rng.randrange(len(rows))]
        lang, label = [("en", en), ("ar", ar), ("es", es)][i % 3]
        if not label:
            lang, label = "en", en
        queries.append((label, lang))
    queries += [(f"no such name {i}", "en") for i in range(500)]
    rng.shuffle(queries)
    lat, hits = [], 0
    for label, lang in queries:
        t0 = time.perf_counter()
        found = idx.lookup(label, lang)
        lat.append(time.perf_counter() - t0)
        hits += bool(found)
    lat.sort()
    print(json.dumps({"open_ms": statistics.median(opens) * 1e3,
                      "p50_us": lat[len(lat) // 2] * 1e6, "p99_us": lat[int(len(lat) * .99)] * 1e6,
                      "lookups": len(lat), "hits": hits,
                      "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def _run(*args: str) -> dict:
    env = {**os.environ, "MKG_KB_DIR": "off"}
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                         text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench(name: str, dump: Path, uncompressed: int, work: Path, jobs: int = 1) -> None:
    out = work / f"index-{name}"
    imp = _run("--child-import", str(dump), str(out), str(jobs))
    look = _run("--child-lookup", str(out))
    print(f"{name:18s} {imp['read']:7d} entities ({imp['kept']} kept) in {imp['seconds']:6.2f}s: "
          f"{imp['read'] / imp['seconds']:8,.0f} entities/s, {uncompressed / 1e6 / imp['seconds']:5.1f} "
          f"MB/s uncompressed ({dump.stat().st_size / 1e6:.1f} MB on disk); "
          f"peak RSS {imp['maxrss_kb'] / 1024:.0f} MB"
          f"{f' (+ workers {w / 1024:.0f} MB each)' if (w := imp['workers_maxrss_kb']) else ''}; index {imp['index_bytes'] / 1e6:.1f} MB, "
          f"{imp['names']} names")
    print(f"{'':18s} open {look['open_ms']:.2f} ms; lookup p50 {look['p50_us']:.0f} us, "
          f"p99 {look['p99_us']:.0f} us ({look['lookups']} lookups, {look['hits']} hits); "
          f"reader peak RSS {look['maxrss_kb'] / 1024:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sample", type=Path, default=DEFAULT_SAMPLE)
    ap.add_argument("--full-copies", type=int, default=40, help="copies of the 15 real lines")
    ap.add_argument("--trimmed-entities", type=int, default=50_000)
    ap.add_argument("--jobs", type=int, default=1, help="parsing processes (import_dump jobs)")
    ap.add_argument("--child-import", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--child-lookup", nargs=1, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_import:
        return child_import(*args.child_import)
    if args.child_lookup:
        return child_lookup(*args.child_lookup)

    try:
        import orjson  # noqa: F401
        parser = "orjson"
    except ImportError:
        parser = "json (stdlib)"
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}, "
          f"parser {parser}")
    print(f"command: python bench/kb_import.py --full-copies {args.full_copies} "
          f"--trimmed-entities {args.trimmed_entities} --jobs {args.jobs}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.sample.is_file():
            bench("real", args.sample, args.sample.stat().st_size, work, args.jobs)
            full = [json.loads(line) for line in args.sample.open(encoding="utf-8")]
            dump = work / "synthetic-full.json.gz"
            size = synthetic(full, len(full) * args.full_copies, dump)
            bench("synthetic-full", dump, size, work, args.jobs)
            unkept = [e for e in full if e["id"] in ("Q1", "Q33281")]  # no kept P31 class
            dump = work / "synthetic-unkept.json.gz"
            size = synthetic(unkept, len(unkept) * args.full_copies * 5, dump)
            bench("synthetic-unkept", dump, size, work, args.jobs)
        else:
            print(f"{args.sample}: absent; real and synthetic-full skipped")
        trimmed = [json.loads(line.rstrip(",\n")) for line in
                   gzip.open(FIXTURE, "rt", encoding="utf-8") if line.startswith("{")]
        dump = work / "synthetic-trimmed.json.gz"
        size = synthetic(trimmed, args.trimmed_entities, dump)
        bench("synthetic-trimmed", dump, size, work, args.jobs)


if __name__ == "__main__":
    main()
