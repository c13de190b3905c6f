"""Time ``kg export`` of a store in each format (the README's export figure).

    python bench/export_bench.py --store /tmp/corpus-store [--formats turtle nt trig]

Prints the machine, the statements written and seconds per million statements.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from kg.rdf.export import FORMATS, export
from kg.rdf.store import GraphStore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, help="a store folder (opened read-only)")
    parser.add_argument("--formats", nargs="+", default=["turtle", "nt", "trig"], choices=FORMATS)
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")
    store = GraphStore(args.store, read_only=True)
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats:
            started = time.perf_counter()
            path, count = export(store, fmt, Path(tmp) / f"graph.{FORMATS[fmt][1]}")
            seconds = time.perf_counter() - started
            size = path.stat().st_size / 1e6
            print(f"{fmt:7s} {count:>10,d} statements  {size:7.0f} MB  {seconds:6.1f} s  "
                  f"{seconds / (count / 1e6):5.1f} s per million")


if __name__ == "__main__":
    main()
