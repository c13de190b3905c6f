"""Load test of ``kg serve``: N concurrent clients against a store, bounded in time and requests.

    python bench/serve_load.py --store kg-store --clients 8 --duration 60

Starts ``kg serve`` on 127.0.0.1 (a free port) over the store, then runs ``--clients`` threads,
each sending a seeded mix until ``--duration`` seconds or ``--max-requests`` have passed:

- ``named``: the named queries of ``kg/ontologies/queries/`` (GET, SPARQL JSON; CSV for some);
- ``describe``: ``DESCRIBE`` of an entity or article drawn from the store (Turtle);
- ``lookup``: a one-entity label look-up (POST ``application/sparql-query``);
- ``malformed``: syntax errors, ``SERVICE``, updates, an oversized body, a wrong path (must be 4xx);
- ``runaway``: a cross-product ``COUNT`` that never ends (must be stopped at the time limit).

It reports throughput, p50/p99 latency per kind, every unexpected answer (a well-formed query
not answered 200, a malformed one not 4xx, a runaway not stopped), the peak resident memory of
the server and its query workers together (sampled from /proc every 0.2 s), and checks that the
server is alive and answers ``ASK {}`` at the end. Exit status 1 when anything was unexpected.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.rdf.query import QUERIES_DIR  # noqa: E402
from kg.rdf.store import GraphStore  # noqa: E402

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MALFORMED = [
    ("GET", "SELEC ?x WHERE { ?x ?y ?z }", 400),
    ("GET", "SELECT * WHERE { ?s ?p ", 400),
    ("GET", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", 400),
    ("UPDATE", "DELETE WHERE { ?s ?p ?o }", 403),
    ("BIG", "SELECT * WHERE { ?s ?p ?o } LIMIT 1 #" + "x" * 2_000_000, 413),
    ("PATH", "ASK {}", 404),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its descendants (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return total


def sample_targets(store_dir: str, seed: int) -> tuple[list[str], list[str]]:
    store = GraphStore(store_dir, read_only=True)
    entities = [r["e"] for r in store.select(
        "SELECT ?e WHERE { ?e skos:prefLabel ?l FILTER(lang(?l) = 'en') } LIMIT 5000")]
    articles = [r["a"] for r in store.select(
        "SELECT ?a WHERE { ?a a schema:NewsArticle } LIMIT 5000")]
    rng = random.Random(seed)
    return rng.sample(entities, min(500, len(entities))), rng.sample(articles, min(200, len(articles)))


def request(endpoint: str, method: str, query: str, accept: str, timeout: float
            ) -> tuple[int, int]:
    """(status, bytes received); status 0 when the connection failed or was cut."""
    headers = {"Accept": accept}
    if method == "GET":
        req = urllib.request.Request(endpoint + "?" + urllib.parse.urlencode({"query": query}),
                                     headers=headers)
    elif method == "PATH":
        req = urllib.request.Request(endpoint.replace("/sparql", "/nowhere"), headers=headers)
    elif method == "UPDATE":
        req = urllib.request.Request(endpoint, data=query.encode(), method="POST", headers={
            **headers, "Content-Type": "application/sparql-update"})
    else:  # POST and BIG
        req = urllib.request.Request(endpoint, data=query.encode(), method="POST", headers={
            **headers, "Content-Type": "application/sparql-query"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, len(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, len(err.read())
    except Exception:  # noqa: BLE001 - counted as a failure below
        return 0, 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--store", default="kg-store")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    ap.add_argument("--max-requests", type=int, default=20_000)
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="the server's query time limit (default 30, as kg serve)")
    ap.add_argument("--max-concurrent", type=int, default=4)
    ap.add_argument("--queue-wait", type=float, default=30.0)
    ap.add_argument("--runaway-every", type=int, default=150,
                    help="one request in N is a runaway query (default 150)")
    ap.add_argument("--malformed-every", type=int, default=12)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = ap.parse_args()

    entities, articles = sample_targets(args.store, args.seed)
    named = {p.stem: p.read_text(encoding="utf-8") for p in sorted(QUERIES_DIR.glob("*.rq"))}
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}/sparql"
    server = subprocess.Popen(
        [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main())", "serve",
         "--store", args.store, "--port", str(port), "--timeout", str(args.timeout),
         "--max-concurrent", str(args.max_concurrent), "--queue-wait", str(args.queue_wait)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    banner = server.stdout.readline().strip()
    print(banner)
    peak = [0]
    stop = threading.Event()

    def sampler() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss(server.pid))
            time.sleep(0.2)

    threading.Thread(target=sampler, daemon=True).start()
    # one warm-up pass over the named queries (first reads of a cold store are slower)
    for q in named.values():
        request(endpoint, "GET", q, "application/sparql-results+json", args.timeout + 60)

    results: dict[str, list[float]] = defaultdict(list)
    unexpected: list[str] = []
    statuses: dict[str, Counter] = defaultdict(Counter)
    sent = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + args.duration

    def client(index: int) -> None:
        rng = random.Random(args.seed * 1000 + index)
        while time.monotonic() < deadline:
            with lock:
                if sent[0] >= args.max_requests:
                    return
                sent[0] += 1
                n = sent[0]
            if n % args.runaway_every == 0:
                kind, method, query, accept, want = "runaway", "GET", RUNAWAY, "", {503}
            elif n % args.malformed_every == 0:
                method, query, code = rng.choice(MALFORMED)
                kind, accept, want = "malformed", "", {code}
            else:
                roll = rng.random()
                if roll < 0.35:
                    name = rng.choice(sorted(named))
                    kind, method, query, want = "named", "GET", named[name], {200}
                    accept = rng.choice(["application/sparql-results+json", "text/csv"])
                elif roll < 0.8:
                    target = rng.choice(entities if rng.random() < 0.7 else articles)
                    kind, method, query, accept, want = (
                        "describe", "GET", f"DESCRIBE <{target}>", "text/turtle", {200})
                else:
                    target = rng.choice(entities)
                    kind, method, want = "lookup", "POST", {200}
                    query = f"SELECT ?p ?o WHERE {{ <{target}> ?p ?o }} LIMIT 100"
                    accept = "application/sparql-results+json"
            started = time.monotonic()
            status, size = request(endpoint, method, query, accept, args.timeout + args.queue_wait + 30)
            took = time.monotonic() - started
            with lock:
                results[kind].append(took)
                statuses[kind][status] += 1
                if status not in want:
                    unexpected.append(f"{kind} {method} -> {status} in {took:.2f}s: {query[:90]!r}")

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - started
    final = request(endpoint, "GET", "ASK {}", "", 10)
    alive = server.poll() is None
    stop.set()
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()

    total = sum(len(v) for v in results.values())
    report = {
        "store": args.store, "clients": args.clients, "seconds": round(wall, 1),
        "requests": total, "throughput_per_s": round(total / wall, 1),
        "server_limits": {"timeout": args.timeout, "max_concurrent": args.max_concurrent,
                          "queue_wait": args.queue_wait},
        "peak_rss_mb": round(peak[0] / 2**20), "alive_after": alive,
        "ask_after": final[0], "unexpected": len(unexpected),
        "kinds": {}, "cpus": os.cpu_count(), "load_avg": os.getloadavg()[0],
    }
    everything = sorted(x for v in results.values() for x in v)
    for kind, times in sorted(results.items()) + [("all", everything)]:
        times = sorted(times)
        report["kinds"][kind] = {
            "n": len(times),
            "p50_ms": round(1000 * statistics.median(times), 1) if times else None,
            "p99_ms": round(1000 * times[min(len(times) - 1, int(0.99 * len(times)))], 1)
            if times else None,
            "statuses": dict(statuses[kind]) if kind != "all" else None,
        }
    print(f"{total} requests in {wall:.1f}s from {args.clients} clients: "
          f"{total / wall:.1f} requests/s; peak RSS (server + workers) {report['peak_rss_mb']} MB")
    print(f"{'kind':10} {'n':>6} {'p50 ms':>9} {'p99 ms':>9}  statuses")
    for kind, row in report["kinds"].items():
        print(f"{kind:10} {row['n']:6d} {row['p50_ms']!s:>9} {row['p99_ms']!s:>9}  "
              f"{row['statuses'] or ''}")
    print(f"unexpected answers: {len(unexpected)}; server alive after: {alive}; "
          f"ASK {{}} after: {final[0]}")
    for line in unexpected[:20]:
        print("  ", line)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0 if alive and final[0] == 200 and not unexpected else 1


if __name__ == "__main__":
    sys.exit(main())
