"""How ``kg build`` cost grows with the corpus: cold builds, no-op rebuilds and adding 50 articles
at 25/50/100 % of the real corpus, with wall time and peak memory of each.

Usage::

    python bench/build_growth.py [--data ../shared/data] [--jobs 2] [--fractions 25 50 100]
                                 [--work /tmp/kg-growth] [--rest 20]

Every record of the corpus's article files (``ar/``, ``en/``, ``es/``) is dealt, in a seeded
shuffle, into 20 slices per file (so each file keeps its layout); 50 records (a third from each
language) are held back as the "new" articles. A store at 25 % is built from slices 0-4, and so on.
At each size the script times four steps, each in a fresh process:

- ``cold``: ``kg build SLICES --store S`` into an empty store;
- ``no-op``: the same command again;
- ``add 50``: ``kg build NEW --store S`` (the 50 held-back articles);
- ``add 50, watching``: the same addition as a later round of ``kg watch`` makes it, in a
  process that has built the store itself (:data:`WATCH_ROUND`: a cold build of the same inputs
  into an empty store, keeping what the next round reuses, as every round of ``kg watch`` does:
  the NER models, the knowledge-base view with what linking derived from it, the documents);
  its seconds are the timed round's own, its peak the whole process's. The process's cold build
  is a second sample of the cold build, printed as ``cold, watching``.

Peak memory is the peak of the summed proportional set size (PSS) of the build process and its
worker processes, sampled from /proc every 0.2 s, or less often when a sample takes more than a
fiftieth of a second (the kernel walks the page tables of a big process: the sampler takes at most
a tenth of a core): forked workers share the parent's pages, so
summing their RSS would count the models several times; and the peak resident set size of the
build process itself (its ``VmHWM``, pages it shares with its workers included).

The CPU seconds of a fixed Python loop are printed at the start and at the end: the speed of a
virtual machine drifts, and runs are compared by it. It also slows down under sustained load, so
each timed step follows ``--rest`` seconds of idling.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

SLICES = 20
NEW_ARTICLES = 50
SAMPLE_SECONDS = 0.2  # the shortest time between two samples of a build's memory
SAMPLER_SLOWDOWN = 10  # ... and at least this many times what the last sample took


def records(path: Path) -> list:
    """The records of a JSON array or JSON-lines file (lines kept as text)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return json.loads(text)
    return [line for line in text.splitlines() if line.strip()]


def write_records(path: Path, items: list) -> None:
    if path.suffix == ".json":
        path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text("\n".join(items) + "\n", encoding="utf-8")


def deal(data: Path, work: Path, seed: int = 13) -> tuple[list[list[Path]], list[Path]]:
    """Slice files (``slices[i]``: the files of slice i) and the files of the 50 new articles."""
    rng = random.Random(seed)
    slices: list[list[Path]] = [[] for _ in range(SLICES)]
    files = sorted(p for lang in ("ar", "en", "es") for p in (data / lang).rglob("*")
                   if p.suffix in (".json", ".jsonl"))
    held = {lang: NEW_ARTICLES // 3 + (lang == "ar") * (NEW_ARTICLES % 3) for lang in ("ar", "en", "es")}
    new_files = []
    for path in files:
        items = records(path)
        rng.shuffle(items)
        lang = path.relative_to(data).parts[0]
        take = min(held[lang], len(items))
        held[lang] -= take
        stem = path.relative_to(data).as_posix().replace("/", "_").rsplit(".", 1)[0]
        if take:
            new_files.append(work / "new" / f"{stem}{path.suffix}")
            write_records(new_files[-1], items[:take])
        for i in range(SLICES):
            part = items[take + i::SLICES] if take else items[i::SLICES]
            if part:
                slices[i].append(work / "slices" / f"{stem}.{i:02d}{path.suffix}")
                write_records(slices[i][-1], part)
    return slices, new_files


def tree_pss(pid: int) -> int:
    """Summed PSS (bytes) of ``pid`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in (Path("/proc") / str(current) / "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def peak_rss(pid: int) -> int:
    """The peak resident set size (bytes) of ``pid`` so far (its ``VmHWM``), 0 if it is gone."""
    try:
        for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def timed(cmd: list[str]) -> tuple[float, tuple[int, int], list[str]]:
    """Wall seconds, (peak summed PSS of the process tree, peak RSS of the process) and the
    lines of stdout of ``cmd``."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pss = rss = 0
    while proc.poll() is None:
        sampled = time.perf_counter()
        pss = max(pss, tree_pss(proc.pid))
        rss = max(rss, peak_rss(proc.pid))
        # reading the PSS of a 1.3 GB process takes the kernel ~80 ms (its page tables walked):
        # every 0.2 s that was a quarter of a core taken from the build, and 7.8 s against 5.9 s
        # for a `kg watch` round; at most a tenth of a core now
        time.sleep(max(SAMPLE_SECONDS, SAMPLER_SLOWDOWN * (time.perf_counter() - sampled)))
    out, err = proc.communicate()
    if proc.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{err[-2000:]}")
    return time.perf_counter() - start, (pss, rss), out.strip().splitlines()


#: a process that builds as ``kg watch`` does, every round keeping what the next reuses: a cold
#: build of the inputs into an empty store, then the timed round; argv: store, jobs, the new
#: files, "--", the store's inputs
WATCH_ROUND = """
import sys
from kg.build import build
store, jobs, args = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
new, inputs = args[:args.index("--")], args[args.index("--") + 1:]
options = dict(progress=False, offline=True, jobs=jobs, keep_warm=True)
print(build(inputs, store, **options).summary().splitlines()[0])
print(build(new, store, **options).summary().splitlines()[0])
"""


def watch_round(store: Path, jobs: int, new_files: list[Path],
                inputs: list[str]) -> tuple[float, float, tuple[int, int], str]:
    """Seconds of the cold build and of the timed round of :data:`WATCH_ROUND`, the process's
    peak PSS and RSS, and the timed round's report line, run into an empty store beside
    ``store``."""
    empty = store.with_name(store.name + "-watch")
    shutil.rmtree(empty, ignore_errors=True)
    _, peak, lines = timed([sys.executable, "-c", WATCH_ROUND, str(empty), str(jobs),
                            *map(str, new_files), "--", *inputs])
    shutil.rmtree(empty, ignore_errors=True)
    cold, added = (_report_seconds(line) for line in lines[:2])
    return cold, added, peak, lines[1]


def _report_seconds(line: str) -> float:
    """The seconds of a build's report line ("read N articles (...) in 12.3s (...")."""
    return float(line.split(" in ", 1)[1].split("s ", 1)[0])


def loop_seconds(steps: int = 20_000_000) -> float:
    """CPU seconds of a fixed Python loop: the machine's speed at the moment (that of a virtual
    machine drifts by 10-30 % within minutes; runs are compared by it)."""
    start, x = time.process_time(), 0
    for i in range(steps):
        x += i & 7
    return time.process_time() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--fractions", type=int, nargs="+", default=[25, 50, 100])
    ap.add_argument("--work", type=Path, default=Path("/tmp/kg-growth"))
    ap.add_argument("--rest", type=float, default=20, metavar="SECONDS",
                    help="idle before each timed step: the machine slows down under sustained "
                         "load (default 20)")
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    (args.work / "slices").mkdir(parents=True)
    (args.work / "new").mkdir()
    slices, new_files = deal(args.data, args.work)
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, {mem:.0f} GiB, "
          f"python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}")
    print(f"command: python bench/build_growth.py --data {args.data} --jobs {args.jobs} "
          f"--rest {args.rest:g}")
    print(f"speed: a 20 M-step Python loop took {loop_seconds():.2f} s of CPU at the start\n")
    print("| corpus | read | step | seconds | articles/s (kept) | peak PSS MB (tree) | "
          "peak RSS MB (process) | % of cold | stages |")
    print("|---|---|---|---|---|---|---|---|---|")
    for fraction in args.fractions:
        files = [str(f) for i in range(SLICES * fraction // 100) for f in slices[i]]
        store = args.work / f"store-{fraction}"
        kg = [sys.executable, "-m", "kg.cli", "build", "--store", str(store), "-q", "--offline",
              "--jobs", str(args.jobs)]
        cold = None
        for step, inputs in (("cold", files), ("no-op", files), ("add 50, watching", None),
                             ("add 50", [str(f) for f in new_files])):
            time.sleep(args.rest)
            if inputs is None:
                cold_again, seconds, peak, line = watch_round(store, args.jobs, new_files, files)
                print(f"| {fraction} % | | cold, watching | {cold_again:.1f} | | | | "
                      f"{100 * cold_again / cold:.0f} | |")
            else:
                seconds, peak, lines = timed([*kg, *inputs])
                line = lines[0]
            cold = cold or seconds
            count = int(line.split()[1]) if line.startswith("read ") else 0
            kept = int(line.split("(", 1)[1].split()[0]) if step == "cold" else 0  # "(N new"
            rate = f"{count / seconds:.0f} ({kept / seconds:.0f})" if step == "cold" else ""
            stages = line[line.rfind("/s; ") + 4:-1] if "/s; " in line else ""
            pss, rss = peak
            print(f"| {fraction} % | {count} | {step} | {seconds:.1f} | {rate} | "
                  f"{pss / 2**20:.0f} | {rss / 2**20:.0f} | {100 * seconds / cold:.0f} | "
                  f"{stages} |", flush=True)
    print(f"\nspeed: the loop took {loop_seconds():.2f} s of CPU at the end")


if __name__ == "__main__":
    main()
