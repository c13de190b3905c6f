"""Throughput and peak memory of ``kg build`` on the whole real corpus.

Usage::

    python bench/build_bench.py [--data ../shared/data] [--jobs 1] [--store /tmp/kg-bench-store]

Runs two builds into a fresh store (cold: everything extracted; warm: the same input again, which
must change nothing) and prints articles/s, wall time and the peak RSS of each child process.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import time


def run(cmd: list[str]) -> tuple[float, str]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return time.perf_counter() - t, proc.stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="../shared/data")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--store", default="/tmp/kg-bench-store")
    args = ap.parse_args()
    shutil.rmtree(args.store, ignore_errors=True)
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, {mem:.0f} GiB, "
          f"python {platform.python_version()}")
    base = [sys.executable, "-m", "kg.cli", "build", args.data, "--store", args.store, "-q",
            "--jobs", str(args.jobs)]
    print(f"command: kg build {args.data} --store {args.store} --jobs {args.jobs}\n")
    for label in ("cold", "warm (same input again)"):
        seconds, out = run(base)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"## {label}: {seconds:.1f} s wall, peak RSS so far {peak:.0f} MB")
        print(out)


if __name__ == "__main__":
    main()
