"""``kg build`` into an Oxigraph server (``--store http://HOST:PORT``) against a folder store.

Usage::

    python bench/remote_store.py [--data examples] [--workdir /tmp/kg-remote-bench]

Starts ``oxigraph serve`` on 127.0.0.1 (a free port, a fresh folder), then for each store: a
cold build, a no-op rebuild of the same input, and a named query (median of 5). Checks that both
stores hold the same quads and prints the timings of each stage (``offline``: no network).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox

from kg.build import build
from kg.rdf.backends import open_store


def start_server(folder: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(["oxigraph", "serve", "--location", str(folder), "--bind",
                             f"127.0.0.1:{port}"], stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=2).read()
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("oxigraph serve did not start")


def measure(label: str, inputs: list[str], spec: str, state: Path | None) -> list[str]:
    for run in ("cold", "no-op"):
        report = build(inputs, spec, progress=False, offline=True, state=state)
        rest = report.seconds - sum(report.timings.values())  # opening, commit (switch), close
        stages = ", ".join(f"{k} {v:.1f}s" for k, v in report.timings.items()) + f", commit {rest:.1f}s"
        print(f"{label:8s} {run:6s} build {report.seconds:6.1f}s ({stages}); {report.triples} triples")
    store = open_store(spec)
    times = []
    for _ in range(5):
        started = time.perf_counter()
        store.select("SELECT ?e (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a schema:mentions ?e } "
                     "GROUP BY ?e ORDER BY DESC(?n) LIMIT 20")
        times.append(time.perf_counter() - started)
    print(f"{label:8s} query  top-20 mentioned entities: median {statistics.median(times) * 1000:.0f} ms")
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_QUADS)
    return sorted(set(out.getvalue().decode().splitlines()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", nargs="+", default=["examples"])
    ap.add_argument("--workdir", default="/tmp/kg-remote-bench")
    args = ap.parse_args()
    work = Path(args.workdir)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, {mem:.0f} GiB, load "
          f"{os.getloadavg()[0]:.1f}; input {' '.join(args.data)}")
    local = measure("folder", args.data, str(work / "store"), None)
    proc, url = start_server(work / "oxigraph")
    try:
        remote = measure("oxigraph", args.data, url, work / "state")
        peak = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{proc.pid}/status").read_text())
        print(f"oxigraph server peak RSS: {int(peak.group(1)) / 2**20:.2f} GiB" if peak else "")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    print(f"same quads: {local == remote} ({len(local)} quads)")


if __name__ == "__main__":
    main()
