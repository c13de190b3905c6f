"""Page timings of the browsing pages (issue 12): p50 / p95 per page kind, through the library
(:func:`kg.site.respond`, the function ``kg serve``'s workers call) and through ``kg serve`` on
127.0.0.1, bounded in requests.

    python bench/site_pages.py --store /tmp/site-store --per-kind 30 --lang en

Kinds: ``entity``, ``article``, ``event``, ``edition``, ``story`` (sameStoryAs link),
``compare`` (the comparison of editions) and ``index`` (search page with its inline index).
The resources are a seeded random sample of each kind (all of them when there are fewer); the
same sample is timed both ways. ``entity (top 10)`` are the ten most mentioned entities (the
heaviest pages). The comparison of editions and the search index are computed once per store
generation and kept (:mod:`kg.site.data`), like the mentions index behind co-mentions: their first computation is timed apart (``cold``) and
the server is warmed with one ``/compare``, one ``/`` and one entity page per worker first, so the percentiles are
those of a running server. Prints the machine (nproc, RAM, load), the
command and a Markdown table; ``--json FILE`` also writes the raw timings.

Figures of 2026-11-30 on the whole-corpus store (3,102 articles, 17,175 entities, 14,843
events, 20 editions, 5 story links; 1,670,269 quads), 2 cores (nproc), 23.5 GiB RAM, load
average 3.0 at start (other jobs on the machine), ``python bench/site_pages.py --store
/tmp/site-store --per-kind 30``:

| page kind | pages | library p50 | library p95 | kg serve p50 | kg serve p95 |
|---|---:|---:|---:|---:|---:|
| entity | 30 | 21 ms | 38 ms | 25 ms | 57 ms |
| entity (top 10) | 10 | 671 ms | 1368 ms | 586 ms | 1056 ms |
| article | 30 | 23 ms | 40 ms | 14 ms | 44 ms |
| event | 30 | 2 ms | 10 ms | 3 ms | 7 ms |
| edition | 20 | 59 ms | 813 ms | 77 ms | 907 ms |
| story | 5 | 16 ms | 25 ms | 7 ms | 13 ms |
| compare | 5 | 91 ms | 100 ms | 60 ms | 74 ms |
| index | 5 | 546 ms | 814 ms | 433 ms | 669 ms |

Once per store generation (and per ``kg serve`` worker): edition analysis 22.5 s, mentions
index 4.4 s, search index 4.0 s; the KB place table 0.8 s once per process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.rdf.store import GraphStore  # noqa: E402
from kg.rdf.vocab import MKGR  # noqa: E402
from kg.site import data as d  # noqa: E402
from kg.site import respond  # noqa: E402
from kg.site.geo import kb_place  # noqa: E402

KINDS = ("entity", "entity (top 10)", "article", "event", "edition", "story", "compare", "index")


def machine() -> str:
    """nproc, RAM, load average, Python: the conditions of the figures."""
    mem = next((line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")), "0")
    load = os.getloadavg()
    return (f"{os.cpu_count()} cores (nproc), {int(mem) / 1024 / 1024:.1f} GiB RAM, load average "
            f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} at start, Python {platform.python_version()}, "
            f"{platform.machine()}")


def sample(store: GraphStore, per_kind: int, seed: int) -> dict[str, list[str]]:
    """Server paths to time, per kind."""
    rng = random.Random(seed)
    resources = d.all_resources(store)
    out: dict[str, list[str]] = {}
    for kind in ("entity", "article", "event", "edition", "story"):
        iris = resources.get(kind, [])
        chosen = rng.sample(iris, min(per_kind, len(iris)))
        out[kind] = ["/" + iri[len(MKGR):] for iri in chosen]
    top = store.select("SELECT ?x (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a schema:mentions ?x } "
                       "GROUP BY ?x ORDER BY DESC(?n) LIMIT 10")
    out["entity (top 10)"] = ["/" + str(r["x"])[len(MKGR):] for r in top]
    out["compare"] = ["/compare"] * min(per_kind, 5)
    out["index"] = ["/"] * min(per_kind, 5)
    return out


def pct(values: list[float], p: float) -> float:
    """The ``p`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def time_library(store: GraphStore, paths: dict[str, list[str]], lang: str) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for kind, items in paths.items():
        out[kind] = []
        for path in items:
            start = time.perf_counter()
            status, _, body = respond(store, path, accept="text/html", lang=lang)
            out[kind].append(time.perf_counter() - start)
            assert status == 200 and body, (path, status)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float) -> tuple[int, int]:
    req = urllib.request.Request(url, headers={"Accept": "text/html"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, len(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, 0


def time_server(store_path: str, paths: dict[str, list[str]], lang: str, workers: int,
                timeout: float) -> dict[str, list[float]]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main())", "serve",
         "--store", store_path, "--port", str(port), "--max-concurrent", str(workers),
         "--timeout", str(timeout)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    out: dict[str, list[float]] = {}
    try:
        print(server.stdout.readline().strip(), file=sys.stderr)
        entity = paths["entity"][0]
        warm = [threading.Thread(target=lambda: (get(f"{base}/compare", timeout), get(f"{base}/", timeout),
                                                 get(base + urllib.request.quote(entity, safe="/:%"), timeout)))
                for _ in range(workers)]  # at once, so that every worker computes its own
        for thread in warm:
            thread.start()
        for thread in warm:
            thread.join()
        suffix = f"?lang={lang}" if lang != "en" else ""
        for kind, items in paths.items():
            out[kind] = []
            for path in items:
                start = time.perf_counter()
                status, size = get(base + urllib.request.quote(path, safe="/:%?=&") + suffix, timeout)
                out[kind].append(time.perf_counter() - start)
                assert status == 200 and size, (path, status)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return out


def table(lib: dict[str, list[float]], srv: dict[str, list[float]]) -> str:
    rows = ["| page kind | pages | library p50 | library p95 | kg serve p50 | kg serve p95 |",
            "|---|---:|---:|---:|---:|---:|"]
    for kind in KINDS:
        a, b = lib.get(kind, []), srv.get(kind, [])
        if not a:
            continue
        cells = [f"{pct(a, 50) * 1000:.0f} ms", f"{pct(a, 95) * 1000:.0f} ms"]
        cells += [f"{pct(b, 50) * 1000:.0f} ms", f"{pct(b, 95) * 1000:.0f} ms"] if b else ["—", "—"]
        rows.append(f"| {kind} | {len(a)} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", required=True)
    ap.add_argument("--per-kind", type=int, default=30, help="pages timed per kind (default 30)")
    ap.add_argument("--lang", default="en", choices=("en", "ar", "es"))
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--workers", type=int, default=1,
                    help="kg serve --max-concurrent (default 1: the requests are sequential)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per request (default 60)")
    ap.add_argument("--no-serve", action="store_true", help="time the library only")
    ap.add_argument("--json", metavar="FILE", help="also write the raw timings here")
    args = ap.parse_args()
    print(f"machine: {machine()}")
    print("command: python " + " ".join(sys.argv))
    store = GraphStore(args.store, read_only=True, create=False)
    print(f"store: {args.store}, {len(store):,} quads")
    paths = sample(store, args.per_kind, args.seed)
    start = time.perf_counter()
    d.distinctive_items(store)
    cold = time.perf_counter() - start
    print(f"edition analysis (cold, once per store generation): {cold:.2f} s")
    start = time.perf_counter()
    d._mentions_index(store)
    print(f"mentions index for co-mentions (cold, once per store generation): "
          f"{time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    d.search_entries(store)
    print(f"search index (cold, once per store generation): {time.perf_counter() - start:.2f} s")
    start = time.perf_counter()
    kb_place("")
    print(f"KB place table for the maps (cold, once per process): {time.perf_counter() - start:.2f} s")
    lib = time_library(store, paths, args.lang)
    srv = {} if args.no_serve else time_server(args.store, paths, args.lang, args.workers, args.timeout)
    print()
    print(table(lib, srv))
    if args.json:
        Path(args.json).write_text(json.dumps({"library": lib, "serve": srv, "paths": paths,
                                               "cold_edition_analysis": cold}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
