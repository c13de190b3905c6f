"""Extraction on a Dask cluster (``kg build --scheduler``) gives the graph a local build gives.

A real ``distributed.LocalCluster`` of two worker processes listens on 127.0.0.1 for the
module; inputs are the real sample in ``examples/`` (sources in examples/README.md).
"""

from __future__ import annotations

import io
import pickle
import socket
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import _find, build
from kg.cli import main
from kg.executors import SchedulerError, map_batches, map_ordered, start_in_thread
from kg.rdf.store import GraphStore
from kg.sources import read_inputs

distributed = pytest.importorskip("distributed")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

pytestmark = pytest.mark.timeout(600)


@pytest.fixture(scope="module")
def scheduler():
    """The address of a two-process local cluster, closed after the module."""
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                       silence_logs=40)
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


def _quads(store_dir: Path) -> list[bytes]:
    buf = io.BytesIO()
    GraphStore(store_dir, read_only=True).dump(buf, ox.RdfFormat.N_QUADS)
    return sorted(buf.getvalue().splitlines())


def _work() -> list[tuple[str, str]]:
    from kg.language import ensure_language

    articles = [a for a in read_inputs([str(EXAMPLES)]) if hasattr(a, "text")]
    for article in articles:
        ensure_language(article)
    return [(a.text, a.language or "") for a in articles]


def test_mentions_pickle_and_come_back_from_workers_identical(scheduler):
    work = _work()
    assert len(work) >= 29 and {lang for _, lang in work} == {"ar", "en", "es"}
    local = [_find([item])[0] for item in work]
    assert sum(len(mentions) for _, mentions, _ in local) > 1000
    assert pickle.loads(pickle.dumps(local)) == local
    assert _find(work) == local  # the three languages in one batch: each tagged as alone
    remote = list(map_batches(_find, work, 8, scheduler=scheduler))
    assert remote == local  # same versions, same mentions, same order


def test_cluster_build_equals_local_build(scheduler, tmp_path, capsys):
    build([str(EXAMPLES)], tmp_path / "local", progress=False, offline=True)
    status = main(["build", str(EXAMPLES), "--store", str(tmp_path / "cluster"), "--offline",
                   "-q", "--scheduler", scheduler])
    assert status == 0
    assert "29 new" in capsys.readouterr().out
    local, cluster = _quads(tmp_path / "local"), _quads(tmp_path / "cluster")
    assert len(local) > 5000
    assert cluster == local


def test_a_worker_with_another_extractor_is_refused(scheduler, tmp_path, capsys):
    client = distributed.Client(scheduler, set_as_default=False)
    swap = ("import kg.build as b; b._real_version = b.extractor_version; "
            "b.extractor_version = lambda lang: 'stale'")
    client.run(exec, swap)
    try:
        status = main(["build", str(EXAMPLES / "en_bbc_2023-10-30.jsonl"), "--store", str(tmp_path / "s"),
                       "--offline", "-q", "--scheduler", scheduler])
    finally:
        client.run(exec, "import kg.build as b; b.extractor_version = b._real_version")
        client.close()
    err = capsys.readouterr().err.strip()
    assert status == 1
    assert "extractor" in err and "install the same mkg on every worker" in err
    assert len(err.splitlines()) == 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("address, reason", [
    (f"tcp://127.0.0.1:{_free_port()}", "connection refused"),
    ("ftp://127.0.0.1:8786", "unknown scheduler scheme 'ftp'"),
    ("tcp://127.0.0.1", "not a scheduler address"),
])
def test_an_unreachable_scheduler_is_a_one_line_error_in_seconds(address, reason, tmp_path,
                                                                 capsys):
    started = time.monotonic()
    status = main(["build", str(EXAMPLES), "--store", str(tmp_path / "s"), "--offline", "-q",
                   "--scheduler", address])
    err = capsys.readouterr().err.strip()
    assert status == 1
    assert time.monotonic() - started < 15
    assert err.startswith("kg build: ") and reason in err
    assert len(err.splitlines()) == 1


def test_a_thread_gives_the_results_in_order_and_raises_its_error_where_they_are_read():
    work = _work()[:3]
    results = start_in_thread(_find, [[item] for item in work])
    assert list(results) == [_find([item]) for item in work]
    failing = start_in_thread(lambda x: 1 // x, [1, 0, 2])
    with pytest.raises(ZeroDivisionError):
        list(failing)


def test_a_fork_pool_gives_the_serial_results_in_order(monkeypatch):
    import kg.executors

    monkeypatch.setattr(kg.executors, "POOL_MIN_ITEMS", 2)
    work = _work()[:12]
    assert list(map_batches(_find, work, 3, jobs=2)) == [_find([item])[0] for item in work]


def test_a_cluster_that_goes_away_mid_work_is_a_one_line_error():
    cluster = distributed.LocalCluster(n_workers=1, processes=True, threads_per_worker=1,
                                       host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                       silence_logs=50)
    results = map_ordered(time.sleep, [0.05] * 200, scheduler=cluster.scheduler_address)
    try:
        assert next(results) is None
    finally:
        cluster.close()
    with pytest.raises(SchedulerError, match="the cluster failed") as caught:
        list(results)
    assert "\n" not in str(caught.value)
