"""A real Oxigraph server as the store (``--store http://HOST:PORT``, kg.rdf.remote).

Each test server is ``oxigraph serve`` (the ``oxigraph`` package, extra ``[server]``) on
127.0.0.1 with a free port and a temporary folder, killed at the end. Skipped when the binary is
absent.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import build
from kg.cli import main
from kg.rdf.backends import open_store
from kg.rdf.remote import LEASE, STAGING, STATE, RemoteGraphStore
from kg.rdf.store import Literal, StoreError, n

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(str(p) for p in (ROOT / "examples").iterdir() if p.suffix != ".md")
OXIGRAPH = shutil.which("oxigraph")
pytestmark = [pytest.mark.skipif(OXIGRAPH is None, reason="no oxigraph server binary "
                                 "(pip install 'mkg[server]')"), pytest.mark.timeout(900)]
ARTICLES = "SELECT (COUNT(?a) AS ?n) WHERE { ?a a schema:NewsArticle }"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``oxigraph serve`` on 127.0.0.1, up within 30 s or the test fails."""

    def __init__(self, folder: Path, *options: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [OXIGRAPH, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{self.port}",
             *options], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.url + "/query?query=ASK%7B%7D", timeout=2).read()
                return
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError("oxigraph serve did not start") from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture(scope="module")
def servers() -> Iterator[list[Server]]:
    started: list[Server] = []
    yield started
    for server in started:
        server.stop()


def _server(servers: list[Server], tmp_path_factory, *options: str) -> Server:
    server = Server(tmp_path_factory.mktemp("oxigraph"), *options)
    servers.append(server)
    return server


def _nquads(store) -> list[str]:
    """Canonical N-Quads of the knowledge graph (no blank nodes in it: sorted lines are canonical)."""
    out = io.BytesIO()
    store.dump(out, ox.RdfFormat.N_QUADS)
    lines = out.getvalue().decode("utf-8").splitlines()
    assert not any("_:" in line.split(" ")[0] for line in lines)
    return sorted(set(lines))


@pytest.fixture(scope="module")
def local_quads(tmp_path_factory) -> list[str]:
    """The examples built into a folder store, in one go."""
    folder = tmp_path_factory.mktemp("local") / "store"
    build(EXAMPLES, folder, progress=False, offline=True)
    return _nquads(open_store(folder))


@pytest.fixture(scope="module")
def oxigraph(servers, tmp_path_factory) -> Server:
    """The examples built into an Oxigraph server by two machines: each has its own state
    folder, the first builds the first three files, the second the others."""
    server = _server(servers, tmp_path_factory)
    states = tmp_path_factory.mktemp("machines")
    build(EXAMPLES[:3], server.url, progress=False, offline=True, state=states / "a")
    os.environ["MKG_SWITCH_TRIPLES"] = "2000"  # the second switches in batches of graphs
    try:
        server.report = build(EXAMPLES[3:], server.url, progress=False, offline=True, state=states / "b")
    finally:
        del os.environ["MKG_SWITCH_TRIPLES"]
    return server


def test_two_machines_building_into_one_server_give_the_quads_of_a_local_build(oxigraph, local_quads):
    remote = open_store(oxigraph.url)
    assert isinstance(remote, RemoteGraphStore)
    quads = _nquads(remote)
    assert len(quads) > 10_000
    assert quads == local_quads
    assert len(remote) == len(local_quads) == oxigraph.report.triples  # counted before the commit
    union = {(q.subject, q.predicate, q.object) for q in ox.parse("\n".join(local_quads),
                                                                  format=ox.RdfFormat.N_QUADS)}
    out = io.BytesIO()
    assert remote.dump(out, ox.RdfFormat.N_TRIPLES) == len(union)  # what `kg export` writes
    written = ox.parse(out.getvalue(), format=ox.RdfFormat.N_TRIPLES)
    assert {(t.subject, t.predicate, t.object) for t in written} == union


def test_the_build_state_lives_on_the_server(oxigraph, tmp_path):
    """A third machine with an empty state folder gets the documents of both others."""
    store = open_store(oxigraph.url, read_only=False, state=tmp_path / "c")
    try:
        files = {p.name for p in store.path.iterdir()}
        assert {"documents.json", "documents", "rejects.tsv", "build_state.json"} <= files
        from kg.docstore import load_documents

        assert len(load_documents(store.path)) == 29
    finally:
        store.close()
    graphs = _server_graphs(oxigraph)
    assert STATE + "documents.json" in graphs and STATE + "graph_digests.json" in graphs
    assert any(g.startswith(STATE + "documents/") for g in graphs)  # the shards
    assert not any(g.startswith((STAGING, LEASE)) for g in graphs)  # the lease is released
    assert not any(g.startswith("urn:mkg:") for g in open_store(oxigraph.url).named_graphs())


def test_a_rebuild_of_the_same_input_writes_nothing(oxigraph, local_quads, tmp_path, monkeypatch):
    uploads: list[str] = []
    stage = RemoteGraphStore._stage
    monkeypatch.setattr(RemoteGraphStore, "_stage",
                        lambda self, graph, lines: uploads.append(graph) or stage(self, graph, lines))
    report = build(EXAMPLES, oxigraph.url, progress=False, offline=True, state=tmp_path / "d")
    assert report.unchanged == 29 and report.new == 0
    # no graph of the knowledge graph is sent again (this run's rejects list is: it is new)
    assert uploads and all(g.startswith(STATE) for g in uploads)
    uploads.clear()
    build(EXAMPLES, oxigraph.url, progress=False, offline=True, state=tmp_path / "d")
    assert uploads == []  # nothing changed at all: no upload, no switch
    assert _nquads(open_store(oxigraph.url)) == local_quads


def test_the_generic_form_any_sparql_server_with_the_graph_store_protocol(
        servers, tmp_path_factory, local_quads):
    """``sparql+http://`` with the endpoint paths given, on a server whose default graph is the
    union of its named graphs (as Fuseki is with ``tdb2:unionDefaultGraph``)."""
    server = _server(servers, tmp_path_factory, "--union-default-graph")
    spec = f"sparql+{server.url}?query=query&update=update&data=store"
    state = tmp_path_factory.mktemp("g")
    assert main(["build", *EXAMPLES, "--store", spec, "--state", str(state), "--offline", "-q"]) == 0
    assert (state / "documents.json").is_file()
    store = open_store(spec)
    assert not store.endpoints.triple_terms
    assert _nquads(store) == local_quads
    assert store.select(ARTICLES) == [{"n": 29}]


def test_readers_see_the_old_graph_until_the_one_switching_request(oxigraph):
    """A writer killed after uploading (before the switch) changes nothing a query sees; the
    next writer removes its staging graph."""
    reader = open_store(oxigraph.url)
    before = _nquads(reader)
    writer = open_store(oxigraph.url, read_only=False)
    graph = next(g for g in writer.named_graphs() if "/article/" in g)
    writer.replace_graph(graph, [(n("urn:x:s"), n("https://schema.org/headline"), Literal("new"))])
    writer._flush_chunk()  # sent, and "killed" before the switching request
    assert [g for g in _server_graphs(oxigraph) if g.startswith(STAGING)]  # uploaded...
    assert _nquads(reader) == before  # ...as triple terms: no reader sees them
    assert reader.select("SELECT ?h WHERE { <urn:x:s> ?p ?h }") == []
    assert reader.select(ARTICLES) == [{"n": 29}]
    writer._staged = {}  # as if killed: its staging graph stays behind...
    writer.close()  # ...and its lease is gone (a dead process's lease is taken over)
    assert [g for g in _server_graphs(oxigraph) if g.startswith(STAGING)]
    open_store(oxigraph.url, read_only=False).close()  # the next writer cleans up
    assert not [g for g in _server_graphs(oxigraph) if g.startswith(STAGING)]
    assert _nquads(reader) == before


def _server_graphs(server: Server) -> set[str]:
    query = urllib.parse.quote("SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")
    data = urllib.request.urlopen(f"{server.url}/query?query={query}", timeout=30).read()
    return {row["g"].value for row in ox.parse_query_results(data, ox.QueryResultsFormat.JSON)}


def test_one_writer_at_a_time_and_a_dead_writer_lease_is_taken_over(oxigraph):
    first = open_store(oxigraph.url, read_only=False)
    with pytest.raises(StoreError, match="another kg process is writing it"):
        open_store(oxigraph.url, read_only=False)
    first.close()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    second = open_store(oxigraph.url, read_only=False)
    second._update(f'DELETE WHERE {{ GRAPH <{LEASE}> {{ ?s ?p ?o }} }} ; INSERT DATA {{ GRAPH '
                   f'<{LEASE}> {{ <{LEASE}> <urn:mkg:heldBy> "x {socket.gethostname()} {dead} '
                   f'{time.time():.0f}" }} }}')
    second._leased = False
    open_store(oxigraph.url, read_only=False).close()  # the lease of a process that is gone


def test_query_analyze_and_viz_read_the_server(oxigraph, tmp_path, capsys):
    query = "SELECT ?a ?h WHERE { ?a schema:headline ?h } ORDER BY ?a ?h"
    assert main(["query", query, "--store", oxigraph.url, "--format", "csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 30 and rows[0] == "a,h"
    assert main(["query", "CONSTRUCT WHERE { ?e a schema:Person } LIMIT 3",
                 "--store", oxigraph.url]) == 0
    assert capsys.readouterr().out.count("<https://schema.org/Person>") == 3
    assert main(["analyze", "--store", oxigraph.url, "-o", str(tmp_path / "report")]) == 0
    ranked = open_store(oxigraph.url).select(
        "SELECT (COUNT(?e) AS ?n) WHERE { ?e mkg:pageRank ?r }")[0]["n"]
    assert ranked > 100
    assert main(["viz", "--store", oxigraph.url, "-o", str(tmp_path / "g.html")]) == 0
    assert (tmp_path / "g.html").stat().st_size > 10_000


def test_serve_relays_to_the_server_with_its_limits(oxigraph):
    from kg.rdf.serve import Limits, make_server

    server = make_server(open_store(oxigraph.url), port=0, limits=Limits(timeout=20, max_concurrent=1))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}/sparql?query="
        answer = urllib.request.urlopen(base + urllib.parse.quote(ARTICLES), timeout=60).read()
        assert b'"value":"29"' in answer
        service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + urllib.parse.quote(service), timeout=60)
        assert refused.value.code == 400 and b"SERVICE is not allowed" in refused.value.read()
    finally:
        server.shutdown()
        server.server_close()


def test_a_server_that_is_down_is_one_line_not_a_traceback(capsys):
    port = _free_port()  # nothing listens there
    assert main(["query", "ASK {}", "--store", f"http://127.0.0.1:{port}"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot reach the SPARQL server" in err and "Traceback" not in err


def test_a_server_that_never_answers_times_out(monkeypatch, capsys):
    monkeypatch.setenv("MKG_HTTP_TIMEOUT", "1")
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        started = time.monotonic()
        code = main(["query", "ASK {}", "--store", f"http://127.0.0.1:{silent.getsockname()[1]}"])
    assert code == 1 and time.monotonic() - started < 10
    assert "did not answer within 1 s" in capsys.readouterr().err


def test_a_state_folder_of_other_files_is_refused(oxigraph, tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    store = open_store(oxigraph.url, read_only=False, state=tmp_path)
    try:
        with pytest.raises(StoreError, match="not a kg state folder"):
            _ = store.path
    finally:
        store.close()
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_store_kinds_are_decided_in_one_place(tmp_path):
    with pytest.raises(StoreError, match="unknown kind of store"):
        open_store("ftp://127.0.0.1/x")
    with pytest.raises(FileNotFoundError):
        open_store(tmp_path / "none")

