"""Crash-safe builds: ``kill -9`` at any stage leaves the graph readers see as it was, and the
next build gives exactly what a clean build gives.

Each case runs ``kg build`` in a child process with ``MKG_CRASH_AT=<point>``, which makes the
child SIGKILL itself there (:func:`kg.rdf.store.crash_point`): after reading the inputs, after the
first article's extraction, after the third graph written into the store, after the documents
are saved, and right after the switch to the new graph.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build
from kg.rdf.store import GraphStore

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FIRST = [str(EXAMPLES / "es_prensa_chile.jsonl")]
ALL = [*FIRST, str(EXAMPLES / "en_bbc_2023-10-30.jsonl")]
KG = [sys.executable, "-c", "import sys; from kg.cli import main; sys.exit(main())"]


def _quads(store_dir: Path) -> list[bytes]:
    buf = io.BytesIO()
    GraphStore(store_dir, read_only=True).dump(buf, ox.RdfFormat.N_QUADS)
    return sorted(buf.getvalue().splitlines())


def _killed_build(store_dir: Path, point: str) -> None:
    env = dict(os.environ, MKG_CRASH_AT=point, MKG_OFFLINE="1")
    done = subprocess.run([*KG, "build", *ALL, "--store", str(store_dir), "--quiet", "--offline"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == -signal.SIGKILL, (point, done.returncode, done.stderr[-2000:])


@pytest.fixture(scope="module")
def graphs(tmp_path_factory: pytest.TempPathFactory):
    """The graph of a clean build of ALL, and a store holding FIRST only (and its graph)."""
    base = tmp_path_factory.mktemp("crash")
    build(ALL, base / "clean", progress=False, offline=True)
    build(FIRST, base / "first", progress=False, offline=True)
    return _quads(base / "clean"), base / "first", _quads(base / "first")


@pytest.mark.parametrize("point", ["read", "extract", "write:3", "save-documents", "commit"])
def test_killed_build_then_rebuild_gives_the_clean_graph(graphs, tmp_path, point):
    clean, first_store, first = graphs
    store = tmp_path / "store"
    shutil.copytree(first_store, store)
    _killed_build(store, point)
    seen = _quads(store)
    # before the switch, readers see the old graph; after it, the new one; never a mixture
    assert seen == (clean if point == "commit" else first)
    build(ALL, store, progress=False, offline=True)
    assert _quads(store) == clean
    assert len(list(store.glob("gen-*"))) <= 2  # what the killed build left is cleaned up


def test_killed_first_build_leaves_no_graph_and_rebuild_is_clean(graphs, tmp_path):
    clean, _, _ = graphs
    store = tmp_path / "fresh"
    _killed_build(store, "write:3")
    with pytest.raises(FileNotFoundError):
        GraphStore(store, read_only=True)
    build(ALL, store, progress=False, offline=True)
    assert _quads(store) == clean


def test_a_reader_keeps_its_graph_during_a_build_and_refreshes_after(graphs, tmp_path):
    clean, first_store, first = graphs
    store = tmp_path / "store"
    shutil.copytree(first_store, store)
    reader = GraphStore(store, read_only=True)
    count = len(reader)
    build(ALL, store, progress=False, offline=True)
    assert len(reader) == count == len(first)
    assert reader.refresh() and len(reader) == len(clean)


def test_a_store_from_before_generations_is_read_and_upgraded(graphs, tmp_path):
    clean, first_store, first = graphs
    store = tmp_path / "old"
    store.mkdir()
    current = (first_store / "current-quads").read_text().strip()
    shutil.copytree(first_store / current / "oxigraph", store / "oxigraph")
    shutil.copy(first_store / current / "graph_digests.json", store / "graph_digests.json")
    shutil.copy(first_store / "documents.json", store / "documents.json")
    shutil.copytree(first_store / "documents", store / "documents")
    assert _quads(store) == first
    build(ALL, store, progress=False, offline=True)
    assert _quads(store) == clean and (store / "current-quads").exists()
