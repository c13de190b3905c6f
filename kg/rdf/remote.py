"""A SPARQL 1.1 server as the store: :class:`RemoteGraphStore`, what ``--store http://HOST:PORT`` opens.

It offers what the rest of the code uses of :class:`~kg.rdf.store.GraphStore` (``replace_graph``,
``drop_graph``, ``named_graphs``, ``query``/``select``, ``len``, ``dump``, ``commit``, ``close``,
``refresh``, ``path``) over the SPARQL 1.1 Protocol (query, update) and the Graph Store Protocol
(uploads), with nothing but the standard library and a timeout on every request: a server that
stays silent for ``MKG_HTTP_TIMEOUT`` seconds (60) is an error; uploads and the switching update
may take ``MKG_WRITE_TIMEOUT`` (3600: a cold build of the whole corpus switches a million
triples in one transaction).

Two forms of address (:func:`parse_spec`):

* ``http://HOST:PORT`` (or ``https://``): an Oxigraph server (``oxigraph serve``): ``/query``,
  ``/update``, ``/store``, its ``union-default-graph`` query option, RDF 1.2 triple terms.
* ``sparql+http://HOST:PORT/DATASET`` (or ``sparql+https://``): any SPARQL 1.1 server with the Graph
  Store Protocol; the endpoints are ``DATASET/query``, ``/update`` and ``/data`` (Apache Jena
  Fuseki's names), each replaceable with ``?query=PATH&update=PATH&data=PATH``; any other
  parameter is sent with every query, for the server's "default graph is the union of the named
  graphs" switch (Fuseki TDB2: ``default-graph-uri=urn:x-arq:UnionGraph``).

What readers see while a build writes (one write = one ``commit``):

* Oxigraph: the changed graphs are uploaded, as they are written, as *triple terms* into one
  staging graph (``<G> urn:mkg:holds <<( S P O )>>``: no article or entity triple is asserted by
  it), then ONE update request drops each changed graph and inserts its new triples from there.
  Oxigraph runs an update request as one transaction, so a query sees every graph as before the
  build or every graph as after it, never a mixture. A build killed before that request changes
  nothing a reader sees (its staging graph is removed by the next writer). Oxigraph holds a
  transaction in memory (some 9 kB a triple), so a build that changed more than
  ``MKG_SWITCH_TRIPLES`` (100,000) triples, a cold build of a big corpus, is switched in several
  such requests, a batch of whole graphs each: while they run, some graphs are new and some old.
* Any other server: each changed graph is uploaded to its own staging graph (Graph Store
  Protocol ``PUT``), then ONE update request ``MOVE``\\s them all over the live graphs (split
  only past :data:`SWITCH_BYTES`, some 25,000 changed graphs). That request is atomic on servers
  that run an update request as one transaction (Fuseki with TDB2 does); while the uploads run, a
  query over the union default graph also sees the staging copies.

The build's own state (documents, rejects, caches, graph digests) is kept on the server too, one
internal graph per file (``urn:mkg:state/NAME``, a base64 literal), switched in the same update
as the graphs. A writer works on a local copy (``--state DIR``, default
``~/.local/share/mkg/state/HOST_PORT``) that is brought in line with the server when it opens and
sent back at commit, so any machine that reaches the server can build into it. Writers take a
lease on the server (``urn:mkg:lease``): a second build fails fast, as with a folder store; the
lease of a process that died on the same host, or older than ``MKG_LEASE_SECONDS`` (6 h), is
taken over. Graphs named ``urn:mkg:...`` are the store's own: ``named_graphs``, ``len``,
``quads`` and ``dump`` (``kg export``) leave them out; a query over every triple of the union
(``?s ?p ?o``) sees their few triples (one per state file, the lease, and while a build writes,
its staged ``urn:mkg:holds`` triples).

>>> parse_spec("http://127.0.0.1:7878").update
'http://127.0.0.1:7878/update'
>>> ep = parse_spec("sparql+http://db:3030/news?default-graph-uri=urn:x-arq:UnionGraph")
>>> ep.query, ep.data, ep.query_params, ep.triple_terms
('http://db:3030/news/query', 'http://db:3030/news/data', (('default-graph-uri', 'urn:x-arq:UnionGraph'),), False)
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import hashlib
import json
import os
import re
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.rdf.store import (
    DIGESTS_FILE,
    QueryError,
    StoreError,
    TripleLike,
    service_error,
    to_python,
)
from kg.rdf.vocab import PREFIXES, SPARQL_PREFIXES

__all__ = ["Endpoints", "RemoteGraphStore", "default_state_dir", "parse_spec"]

INTERNAL = "urn:mkg:"                 #: graphs (and terms) the store keeps for itself
STATE = INTERNAL + "state/"           #: one graph per state file: urn:mkg:state/documents.jsonl.gz
STAGING = INTERNAL + "staging:"       #: graphs a build uploads before its commit
LEASE = INTERNAL + "lease"            #: graph (and subject) of the writer's lease
HOLDS = f"<{INTERNAL}holds>"          #: staged: <graph> holds <<( s p o )>>
CONTENT = f"<{INTERNAL}content>"      #: state file: <urn:mkg:state/NAME> content "base64"
HELD_BY = f"<{INTERNAL}heldBy>"
STATE_PIECE = 6_000_000              #: bytes of a state file per triple (8 MB of base64)
STATE_MARKER = ".mkg-state"          #: marks a folder as a local copy of a server's build state
TIMEOUT = 60.0  #: seconds a request may stay silent (``MKG_HTTP_TIMEOUT`` overrides it)
#: the same for uploads and the switching update, which may legitimately run long (a cold build
#: of the whole corpus switches a million triples in one transaction); ``MKG_WRITE_TIMEOUT``
WRITE_TIMEOUT = 3600.0
LEASE_SECONDS = float(os.environ.get("MKG_LEASE_SECONDS", str(6 * 3600)))
UPLOAD_BYTES = 8_000_000              #: staged N-Triples sent per Graph Store Protocol request
SWITCH_BYTES = 4_000_000              #: largest update request (generic form: several if larger)
SWITCH_TRIPLES = 100_000              #: most triples one switching transaction inserts (Oxigraph)
RESULTS = "application/sparql-results+json"
ACCEPT = f"{RESULTS}, application/n-triples;q=0.9"
_NOT_INTERNAL = f'FILTER(!STRSTARTS(STR(?g), "{INTERNAL}"))'


@dataclass(frozen=True)
class Endpoints:
    """Where a server answers queries, updates and Graph Store Protocol requests."""

    base: str
    query: str
    update: str
    data: str
    query_params: tuple[tuple[str, str], ...] = ()
    triple_terms: bool = False  # stage as RDF 1.2 triple terms (hidden from readers)

    @property
    def label(self) -> str:
        """A folder name for this server: ``127.0.0.1_7878`` (``_news`` appended for a path)."""
        parts = urllib.parse.urlsplit(self.base)
        return re.sub(r"[^\w.-]+", "_", f"{parts.hostname}_{parts.port or ''}{parts.path}").strip("_")


def _oxigraph(url: urllib.parse.SplitResult) -> Endpoints:
    base = urllib.parse.urlunsplit((url.scheme, url.netloc, url.path.rstrip("/"), "", ""))
    return Endpoints(base, base + "/query", base + "/update", base + "/store",
                     (("union-default-graph", ""),), triple_terms=True)


def _generic(url: urllib.parse.SplitResult) -> Endpoints:
    scheme = url.scheme.split("+", 1)[1]
    base = urllib.parse.urlunsplit((scheme, url.netloc, url.path.rstrip("/"), "", ""))
    params = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
    paths = {k: v for k, v in params if k in ("query", "update", "data")}
    at = lambda name: urllib.parse.urljoin(base + "/", paths.get(name, name))  # noqa: E731
    return Endpoints(base, at("query"), at("update"), at("data"),
                     tuple((k, v) for k, v in params if k not in paths))


#: URL scheme -> how to find its endpoints (``kg.rdf.backends`` opens a store per scheme)
DIALECTS = {"http": _oxigraph, "https": _oxigraph, "sparql+http": _generic, "sparql+https": _generic}


def parse_spec(spec: str) -> Endpoints:
    """The endpoints of a ``--store`` URL (see the module documentation for the two forms)."""
    url = urllib.parse.urlsplit(spec)
    if url.scheme not in DIALECTS or not url.hostname:
        raise StoreError(f"not a SPARQL server address: {spec} (expected http://HOST:PORT or "
                         "sparql+http://HOST:PORT/DATASET)")
    return DIALECTS[url.scheme](url)


def default_state_dir(endpoints: Endpoints) -> Path:
    """Where a build keeps its local copy of a server's state (``$MKG_STATE_DIR`` or
    ``~/.local/share/mkg/state``, one folder per server)."""
    root = os.environ.get("MKG_STATE_DIR") or Path.home() / ".local" / "share" / "mkg" / "state"
    return Path(root) / endpoints.label


class _Http:
    """Requests with a timeout; failures become one-line :class:`StoreError`/:class:`QueryError`."""

    def __init__(self, base: str, timeout: float) -> None:
        self.base, self.timeout = base, timeout

    def open(self, method: str, url: str, body: bytes | None = None,
             headers: dict[str, str] | None = None, query: bool = False):
        request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)  # noqa: S310 - http(s) only
        except urllib.error.HTTPError as exc:
            message = exc.read(2000).decode("utf-8", "replace").strip().splitlines()
            text = f"{exc.code} {message[0] if message else exc.reason}"
            if exc.code == 400 and query:
                raise QueryError(f"query failed: {text}") from None
            raise StoreError(f"the SPARQL server at {self.base} refused a request: {text}") from None
        except TimeoutError:
            raise self._timeout() from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc.strerror or exc
            raise StoreError(f"cannot reach the SPARQL server at {self.base}: {reason}") from None

    def call(self, method: str, url: str, body: bytes | None = None,
             headers: dict[str, str] | None = None, query: bool = False) -> tuple[str, bytes]:
        """The answer's media type and body."""
        with self.open(method, url, body, headers, query) as response:
            try:
                return response.headers.get_content_type(), response.read()
            except OSError as exc:  # timeouts included
                raise self._timeout() if isinstance(exc, TimeoutError) else StoreError(
                    f"the SPARQL server at {self.base} broke off its answer: {exc}") from None

    def _timeout(self) -> StoreError:
        return StoreError(f"the SPARQL server at {self.base} did not answer within {self.timeout:g} s")


class RemoteGraphStore:
    """A store on a SPARQL server; see the module documentation for the guarantees.

    ``read_only`` stores only query. A writer takes the server's lease when it opens, stages what
    :meth:`replace_graph` and :meth:`drop_graph` change, and :meth:`commit` switches it all in one
    update request; :meth:`close` without a commit leaves the server as it was. ``create=False``
    refuses a server with no graph yet (like a missing store folder). ``state`` is the folder of
    the build's own files (:attr:`path`), kept in line with the server. ``staged`` is there for
    :class:`GraphStore`'s signature: a server store always stages until :meth:`commit`.
    """

    def __init__(self, spec: str, read_only: bool = True, create: bool = False,
                 staged: bool = True, state: str | Path | None = None,
                 timeout: float | None = None) -> None:
        self.url = spec
        self.endpoints = parse_spec(spec)
        if timeout is None:
            timeout = float(os.environ.get("MKG_HTTP_TIMEOUT") or TIMEOUT)
        self._http = _Http(self.endpoints.base, timeout)
        self._writes = _Http(self.endpoints.base, max(timeout, float(
            os.environ.get("MKG_WRITE_TIMEOUT") or WRITE_TIMEOUT)))
        self._writer = not read_only
        self._token = uuid.uuid4().hex
        self._state_dir = Path(state) if state is not None else default_state_dir(self.endpoints)
        self._synced: dict[str, str] | None = None  # state file -> digest, as on the server
        self._digests: dict[str, str] | None = None
        self._graphs: set[str] | None = None        # named graphs on the server (writer)
        self._staged: dict[str, str | None] = {}     # graph -> its staging graph (None: empty)
        self._chunk: list[str] = []                   # staged lines not sent yet (Oxigraph)
        self._chunk_size = 0
        self._in_chunk: set[str] = set()
        self._sent: set[str] = set()                  # graphs with staged lines on the server
        self._sizes: dict[str, int] = {}              # staged graph -> its number of triples
        self._committed = False
        self._dropped: set[str] = set()
        self._leased = False
        if not create and not self._has_graphs():
            raise FileNotFoundError(f"no graph at {spec} (run `kg build --store {spec}` first)")
        if self._writer:
            self._take_lease()
            self._drop_leftover_staging()

    # -- reading -----------------------------------------------------------------------------
    def query(self, sparql: str, allow_service: bool = False
              ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """SPARQL 1.1 over the union of the graphs, as :meth:`GraphStore.query` (same prefixes,
        same refusal of ``SERVICE`` unless ``allow_service``); results are pyoxigraph objects."""
        problem = None if allow_service else service_error(sparql)
        if problem:
            raise QueryError(problem)
        text = sparql if sparql.lstrip().upper().startswith(("PREFIX", "BASE")) else SPARQL_PREFIXES + sparql
        media, data = self._post_query(text)
        try:
            if media == RESULTS:
                return ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
            return _as_query_triples(data, media)
        except (SyntaxError, ValueError) as exc:
            raise QueryError(f"query failed: unreadable answer ({media}): {exc}") from None

    def _post_query(self, text: str, accept: str = ACCEPT, stream: bool = False):
        """The answer's media type and bytes (``stream``: the open response, to read from)."""
        params = urllib.parse.urlencode([("query", text), *self.endpoints.query_params])
        url = self.endpoints.query
        if self.endpoints.triple_terms:  # Oxigraph reads its options from the URL
            url += "?" + urllib.parse.urlencode(self.endpoints.query_params)
            params = urllib.parse.urlencode([("query", text)])
        request = (self._http.open if stream else self._http.call)
        return request("POST", url, params.encode("utf-8"), {
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept}, query=True)

    def _streamed(self, sparql: str, parse) -> Iterator:
        """What ``parse`` reads from the answer to ``sparql``, read as it arrives (exports of
        millions of quads need not fit in memory); a broken-off answer is a :class:`StoreError`."""
        accept = "text/tab-separated-values" if sparql.lstrip().startswith("SELECT") else "application/n-triples"
        with self._post_query(sparql, accept, stream=True) as response:
            try:
                yield from parse(response)
            except OSError as exc:
                raise StoreError(f"the SPARQL server at {self.endpoints.base} broke off its "
                                 f"answer: {exc}") from None

    def select(self, sparql: str) -> list[dict[str, object]]:
        """A SELECT query's rows as dicts of plain Python values (str, int, float)."""
        result = self.query(sparql)
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("not a SELECT query")
        names = [v.value for v in result.variables]
        return [{k: to_python(row[k]) for k in names if row[k] is not None} for row in result]

    def _rows(self, sparql: str) -> ox.QuerySolutions:
        result = self.query(sparql)
        assert isinstance(result, ox.QuerySolutions)
        return result

    def _has_graphs(self) -> bool:
        return bool(self.query(f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} {_NOT_INTERNAL} }}"))

    def named_graphs(self) -> Iterator[str]:
        """The knowledge graph's named graphs (the store's own ``urn:mkg:`` graphs left out)."""
        return iter(sorted(g for g in self._server_graphs() if not g.startswith(INTERNAL)))

    def _server_graphs(self) -> set[str]:
        if self._graphs is None or not self._writer:
            rows = self._rows("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
            self._graphs = {row["g"].value for row in rows}
        return self._graphs

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad of the knowledge graph (or of one named graph), streamed."""
        where = (f"GRAPH ?g {{ ?s ?p ?o }} {_NOT_INTERNAL}" if graph is None
                 else f"GRAPH ?g {{ ?s ?p ?o }} VALUES ?g {{ <{graph}> }}")
        rows = self._streamed(f"SELECT ?s ?p ?o ?g WHERE {{ {where} }}",
                              lambda r: ox.parse_query_results(r, ox.QueryResultsFormat.TSV))
        return (ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in rows)

    def __len__(self) -> int:
        """The number of quads, as this store sees them: a writer counts what it staged."""
        if not self._staged and not self._dropped:
            rows = self._rows(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_NOT_INTERNAL} }}")
            return int(next(iter(rows))["n"].value)
        rows = self._rows(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_NOT_INTERNAL} }} GROUP BY ?g")
        replaced = set(self._staged) | self._dropped
        live = sum(int(row["n"].value) for row in rows if row["g"].value not in replaced)
        return live + sum(n for g, n in self._sizes.items() if not g.startswith(INTERNAL))

    def dump(self, output, fmt: ox.RdfFormat) -> int:
        """As :meth:`GraphStore.dump`: the dataset (returns the number of quads), or the union
        of the graphs, each triple once (a CONSTRUCT on the server; the number of triples)."""
        if fmt.supports_datasets:
            items = self.quads()
        else:
            union = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_NOT_INTERNAL} }}"
            items = self._streamed(union, lambda r: ox.parse(r, format=ox.RdfFormat.N_TRIPLES))
        count = 0

        def counted(items: Iterator) -> Iterator:
            nonlocal count
            for item in items:
                count += 1
                yield item

        ox.serialize(counted(items), output, format=fmt, prefixes=PREFIXES)
        return count

    def refresh(self) -> bool:
        """Every query asks the server, so a reader is always on the latest commit."""
        return False

    # -- the build's state ---------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        """A writer's state folder, brought in line with the server the first time it is asked
        for (documents, rejects, caches: what a build keeps beside the quads); readers: None."""
        if not self._writer:
            return None
        if self._synced is None:
            self._pull_state()
        return self._state_dir

    def _state_files(self, name: str | None = None) -> dict[str, bytes]:
        """The state files on the server (read with :mod:`json`: a file of tens of MB is one
        literal, past what pyoxigraph's results parser takes in one piece)."""
        graphs = f"VALUES ?g {{ <{_state_iri(name)}> }}" if name else f'FILTER(STRSTARTS(STR(?g), "{STATE}"))'
        _, data = self._post_query(f"SELECT ?g ?c WHERE {{ GRAPH ?g {{ ?g {CONTENT} ?c }} {graphs} }}",
                                   accept=RESULTS)
        pieces: dict[str, list[str]] = {}
        for row in json.loads(data)["results"]["bindings"]:
            name = urllib.parse.unquote(row["g"]["value"][len(STATE):])
            pieces.setdefault(name, []).append(row["c"]["value"])
        return {name: _join_pieces(parts) for name, parts in pieces.items()}

    def _pull_state(self) -> None:
        """Make the state folder hold exactly the server's state files."""
        files = self._state_files()
        files.pop(DIGESTS_FILE, None)
        self._claim_state_dir()
        for old in _local_files(self._state_dir):
            if old not in files:
                (self._state_dir / old).unlink()
        for name, data in files.items():
            target = self._state_dir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(target)
        self._synced = {name: _file_digest(name, data) for name, data in files.items()}

    def _claim_state_dir(self) -> None:
        """The state folder is kg's: new or empty, or marked by an earlier build (never a
        folder of other files, which the sync would delete or send to the server)."""
        folder, marker = self._state_dir, self._state_dir / STATE_MARKER
        if folder.is_dir() and not marker.exists() and any(folder.iterdir()):
            raise StoreError(f"{folder}: not empty and not a kg state folder (no {STATE_MARKER}); "
                             "give --state a new or empty folder")
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text(f"the local copy of the build state kept on {self.url}\n", encoding="utf-8")

    def _stage_state(self) -> None:
        """Stage the state files that changed since they were pulled, and the graph digests."""
        if self._synced is not None:
            local = _local_files(self._state_dir)
            for name in local:
                data = (self._state_dir / name).read_bytes()
                if self._synced.get(name) != _file_digest(name, data):
                    self._stage(_state_iri(name), _state_lines(name, data))
            for name in set(self._synced) - set(local):
                self._drop(_state_iri(name))
        if self._digests is not None and self._digests != self._digests_on_server:
            data = json.dumps(self._digests, sort_keys=True).encode()
            self._stage(_state_iri(DIGESTS_FILE), _state_lines(DIGESTS_FILE, data))

    # -- writing -----------------------------------------------------------------------------
    @property
    def digests(self) -> dict[str, str]:
        """graph IRI -> digest of its triples as last written (kept on the server)."""
        if self._digests is None:
            data = self._state_files(DIGESTS_FILE).get(DIGESTS_FILE)
            self._digests = json.loads(data) if data else {}
            self._digests_on_server = dict(self._digests)
        return self._digests

    def replace_graph(self, graph: str, triples: Iterable[TripleLike] | Callable[[], Iterable[TripleLike]],
                      digest: str | None = None) -> bool:
        """Stage ``graph`` to hold exactly ``triples`` (visible at :meth:`commit`); a graph whose
        triples did not change since the last write is left alone. ``digest`` and a function
        for ``triples`` as in :meth:`kg.rdf.store.GraphStore.replace_graph`. Returns whether it
        changed."""
        self._need_writer()
        lines = None
        if digest is None:
            lines = [f"{s} {p} {o} ." for s, p, o in (triples() if callable(triples) else triples)]
            digest = hashlib.sha1("\n".join(lines).encode("utf-8")).hexdigest()
        if graph in self._server_graphs() and self.digests.get(graph) == digest:
            self._unstage(graph)
            self._dropped.discard(graph)
            return False
        if lines is None:
            lines = [f"{s} {p} {o} ." for s, p, o in (triples() if callable(triples) else triples)]
        self.digests[graph] = digest
        self._stage(graph, lines)
        return True

    def replace_graphs(self, graphs: dict[str, list[TripleLike]]) -> None:
        for graph, triples in graphs.items():
            self.replace_graph(graph, triples)

    def drop_graph(self, graph: str) -> None:
        """Stage the removal of ``graph``."""
        self._need_writer()
        self.digests.pop(graph, None)
        self._drop(graph)

    def load_file(self, path: str | Path, graph: str, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> None:
        """Replace ``graph`` with the triples of an RDF file."""
        self.replace_graph(graph, [(t.subject, t.predicate, t.object)
                                   for t in ox.parse(path=str(path), format=fmt)])

    def update(self, sparql_update: str) -> None:
        """Run a SPARQL update now (not staged)."""
        self._need_writer()
        self._update(SPARQL_PREFIXES + sparql_update, self._writes)

    def _stage(self, graph: str, lines: list[str]) -> None:
        """Send the new triples of ``graph`` to the server's staging area now (in chunks of
        :data:`UPLOAD_BYTES`: a build holds one chunk in memory); :meth:`commit` makes them live."""
        self._unstage(graph)
        self._dropped.discard(graph)
        self._staged[graph] = self._staging_name(graph) if lines else None
        self._sizes[graph] = len(lines)
        if not lines:
            return
        if not self.endpoints.triple_terms:
            self._gsp("PUT", self._staged[graph], lines)
            return
        size = sum(map(len, lines))
        if self._chunk_size + size > UPLOAD_BYTES:
            self._flush_chunk()  # a graph's lines go in one request: its blank nodes stay one
        self._chunk += [f"<{graph}> {HOLDS} <<( {line[:-2]} )>> ." for line in lines]
        self._chunk_size += size
        self._in_chunk.add(graph)

    def _staging_name(self, graph: str) -> str:
        """Oxigraph: one staging graph per build; others: one per graph written."""
        if self.endpoints.triple_terms:
            return f"{STAGING}{self._token}"
        return f"{STAGING}{self._token}:{hashlib.sha1(graph.encode()).hexdigest()[:20]}"

    def _flush_chunk(self) -> None:
        if self._chunk:
            self._gsp("POST", self._staging_name(""), self._chunk)
        self._sent |= self._in_chunk
        self._chunk, self._chunk_size, self._in_chunk = [], 0, set()

    def _unstage(self, graph: str) -> None:
        """Forget what was staged for ``graph`` (rare: a graph written twice in one build)."""
        self._sizes.pop(graph, None)
        name = self._staged.pop(graph, None)
        if name is None:
            return
        if not self.endpoints.triple_terms:
            self._update(f"DROP SILENT GRAPH <{name}>", self._writes)
            return
        self._chunk = [line for line in self._chunk if not line.startswith(f"<{graph}> ")]
        if graph in self._sent:
            self._sent.discard(graph)
            self._update(f"DELETE WHERE {{ GRAPH <{name}> {{ <{graph}> {HOLDS} ?t }} }}", self._writes)

    def _drop(self, graph: str) -> None:
        self._unstage(graph)
        if graph in self._server_graphs():
            self._dropped.add(graph)

    def commit(self) -> None:
        """Send the last staged chunk, then switch everything in with one update request
        (see the module documentation); the store stays open."""
        self._need_writer()
        self._stage_state()
        if not self._staged and not self._dropped:
            return
        self._check_lease()
        self._flush_chunk()
        for statement in self._switch():
            self._update(statement, self._writes)
        graphs = self._server_graphs()
        graphs -= self._dropped | {g for g, name in self._staged.items() if name is None}
        graphs |= {g for g, name in self._staged.items() if name is not None}
        self._staged, self._dropped, self._sent, self._sizes = {}, set(), set(), {}
        self._committed = True
        if self._digests is not None:
            self._digests_on_server = dict(self._digests)
        if self._synced is not None:
            self._synced = {n: _file_digest(n, (self._state_dir / n).read_bytes())
                            for n in _local_files(self._state_dir)}

    def flush(self) -> None:
        """Nothing to flush: the server persists each commit."""

    def _gsp(self, method: str, graph: str, lines: list[str]) -> None:
        url = self.endpoints.data + "?" + urllib.parse.urlencode({"graph": graph})
        body = ("\n".join(lines) + "\n").encode("utf-8")
        self._writes.call(method, url, body, {"Content-Type": "application/n-triples"})

    def _switch(self) -> list[str]:
        """The update request(s) making the staged graphs live: one, unless more than
        ``MKG_SWITCH_TRIPLES`` triples changed (Oxigraph holds a transaction in memory, about
        9 kB a triple) or, on a generic server, the request would exceed :data:`SWITCH_BYTES`."""
        changed = sorted(set(self._staged) | self._dropped)
        if not self.endpoints.triple_terms:
            ops = [f"MOVE <{self._staged[g]}> TO <{g}>" if self._staged.get(g) else f"DROP SILENT GRAPH <{g}>"
                   for g in changed]
            return _batches(ops, SWITCH_BYTES)
        stage = self._staging_name("")
        limit = int(os.environ.get("MKG_SWITCH_TRIPLES") or SWITCH_TRIPLES)
        batches = _by_size(changed, self._sizes, limit)
        requests = []
        for batch in batches:
            only = "" if len(batches) == 1 else f"VALUES ?g {{ {' '.join(f'<{g}>' for g in batch)} }} "
            ops = [f"DROP SILENT GRAPH <{g}>" for g in batch]
            ops.append(f"INSERT {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ {only}GRAPH <{stage}> {{ ?g {HOLDS} ?t }} "
                       "BIND(SUBJECT(?t) AS ?s) BIND(PREDICATE(?t) AS ?p) BIND(OBJECT(?t) AS ?o) }")
            if only:  # and what was staged for it, so no transaction deletes the whole staging graph
                ops.append(f"DELETE {{ GRAPH <{stage}> {{ ?g {HOLDS} ?t }} }} WHERE {{ {only}"
                           f"GRAPH <{stage}> {{ ?g {HOLDS} ?t }} }}")
            requests.append(" ;\n".join(ops))
        requests[-1] += f" ;\nDROP SILENT GRAPH <{stage}>"
        return requests

    def _update(self, text: str, http: _Http | None = None) -> None:
        (http or self._http).call("POST", self.endpoints.update, text.encode("utf-8"),
                                  {"Content-Type": "application/sparql-update"})

    # -- the writer's lease --------------------------------------------------------------------
    def _lease_value(self) -> str:
        return f"{self._token} {socket.gethostname()} {os.getpid()} {time.time():.0f}"

    def _holder(self) -> str | None:
        rows = list(self._rows(f"SELECT ?h WHERE {{ GRAPH <{LEASE}> {{ <{LEASE}> {HELD_BY} ?h }} }}"))
        return rows[0]["h"].value if rows else None

    def _take_lease(self) -> None:
        mine = json.dumps(self._lease_value())
        self._update(f"INSERT {{ GRAPH <{LEASE}> {{ <{LEASE}> {HELD_BY} {mine} }} }} WHERE "
                     f"{{ FILTER NOT EXISTS {{ GRAPH <{LEASE}> {{ <{LEASE}> {HELD_BY} ?h }} }} }}")
        holder = self._holder()
        if holder is not None and not holder.startswith(self._token) and _stale(holder):
            self._update(f"DELETE {{ GRAPH <{LEASE}> {{ <{LEASE}> {HELD_BY} ?h }} }} INSERT {{ GRAPH "
                         f"<{LEASE}> {{ <{LEASE}> {HELD_BY} {mine} }} }} WHERE {{ GRAPH <{LEASE}> "
                         f"{{ <{LEASE}> {HELD_BY} ?h }} FILTER(?h = {json.dumps(holder)}) }}")
            holder = self._holder()
        if holder is None or not holder.startswith(self._token):
            _, host, pid, since = (holder or "? ? ? 0").split()
            raise StoreError(f"cannot write the store at {self.url}: another kg process is writing "
                             f"it (host {host}, pid {pid}, since "
                             f"{time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(float(since)))})")
        self._leased = True
        # a writer never closed (an exception, Ctrl-C) still frees the lease when it is collected
        # or the interpreter exits; only a killed process leaves it, to be taken over
        quick = _Http(self.endpoints.base, min(self._http.timeout, 5.0))  # never holds up an exit
        self._release = weakref.finalize(self, _release_lease, quick, self.endpoints.update, self._token)

    def _check_lease(self) -> None:
        holder = self._holder()
        if holder is None or not holder.startswith(self._token):
            raise StoreError(f"the lease on {self.url} was taken by another writer; nothing written")

    def _drop_leftover_staging(self) -> None:
        """Staging graphs of builds that were killed (we hold the lease: none is in use)."""
        left = [g for g in self._server_graphs() if g.startswith(STAGING)]
        if left:
            self._update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in left), self._writes)
            self._graphs = None

    def close(self) -> None:
        """Release the lease; what was staged and not committed is dropped. State files written
        after a commit, with no graph write pending (``build_state.json``, which a build saves
        once its graph is committed), are sent first, in a commit of their own."""
        if self._leased and self._committed and not self._staged and not self._dropped:
            with contextlib.suppress(StoreError):
                self.commit()
        staging = {name for name in self._staged.values() if name is not None}
        self._staged, self._dropped, self._chunk = {}, set(), []
        if staging and self._leased:
            with contextlib.suppress(StoreError):
                self._update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in sorted(staging)),
                             self._writes)
        if self._leased:
            self._leased = False
            self._release()

    def _need_writer(self) -> None:
        if not self._writer:
            raise StoreError(f"the store at {self.url} was opened read-only")

    def __enter__(self) -> RemoteGraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _release_lease(http: _Http, update_url: str, token: str) -> None:
    """Remove the lease ``token`` holds (a server that is gone: the lease goes stale)."""
    mine = f'FILTER(STRSTARTS(?h, "{token} "))'
    with contextlib.suppress(StoreError):
        http.call("POST", update_url, f"DELETE {{ GRAPH <{LEASE}> {{ <{LEASE}> {HELD_BY} ?h }} }} "
                  f"WHERE {{ GRAPH <{LEASE}> {{ <{LEASE}> {HELD_BY} ?h }} {mine} }}".encode(),
                  {"Content-Type": "application/sparql-update"})


def _as_query_triples(data: bytes, media: str) -> ox.QueryTriples:
    """A CONSTRUCT/DESCRIBE answer as pyoxigraph's own result object (what local queries give)."""
    fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES
    scratch = ox.Store()
    scratch.extend(ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(data, format=fmt))
    result = scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    return result


def _stale(holder: str) -> bool:
    """A lease whose process is gone (same host) or older than :data:`LEASE_SECONDS`."""
    try:
        _, host, pid, since = holder.split()
        if time.time() - float(since) > LEASE_SECONDS:
            return True
        if host == socket.gethostname():
            os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except (ValueError, PermissionError):
        return False
    return False


def _state_iri(name: str) -> str:
    """The graph of a state file (its path, %-encoded).

    >>> _state_iri("cache/a b.json")
    'urn:mkg:state/cache/a%20b.json'
    """
    return STATE + urllib.parse.quote(name)


def _state_lines(name: str, data: bytes) -> list[str]:
    """A state file as triples, in numbered base64 pieces (an N-Triples line or a results value
    longer than 16 MB is more than Oxigraph's parsers take in one piece).

    >>> [line[-19:] for line in _state_lines("f", b"abcdef")]
    ['"000000 YWJjZGVm" .']
    >>> _join_pieces([line.split('"')[1] for line in _state_lines("f", bytes(range(256)) * 3)]) == bytes(range(256)) * 3
    True
    """
    return [f"<{_state_iri(name)}> {CONTENT} \"{i // STATE_PIECE:06d} "
            f"{base64.b64encode(data[i:i + STATE_PIECE]).decode('ascii')}\" ."
            for i in range(0, max(len(data), 1), STATE_PIECE)]


def _join_pieces(pieces: list[str]) -> bytes:
    """The file :func:`_state_lines` cut into pieces."""
    return b"".join(base64.b64decode(p.split(" ", 1)[1]) for p in sorted(pieces))


def _local_files(folder: Path) -> list[str]:
    """The state files of a folder, relative to it (half-written ``.tmp`` files left out)."""
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and not p.name.endswith(".tmp") and p.name != STATE_MARKER)


def _file_digest(name: str, data: bytes) -> str:
    """What a state file holds; a gzip file by its content (its header has the time it was written).

    >>> _file_digest("a.gz", gzip.compress(b"x", mtime=1)) == _file_digest("a.gz", gzip.compress(b"x", mtime=2))
    True
    """
    if name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except OSError:
            pass
    return hashlib.sha1(data).hexdigest()


def _by_size(graphs: list[str], sizes: dict[str, int], limit: int) -> list[list[str]]:
    """``graphs`` in order, cut into batches of at most ``limit`` triples (a bigger graph alone).

    >>> _by_size(["a", "b", "c", "d"], {"a": 2, "b": 2, "c": 5}, 4)
    [['a', 'b'], ['c'], ['d']]
    """
    out: list[list[str]] = [[]]
    size = 0
    for graph in graphs:
        n = sizes.get(graph, 0)
        if out[-1] and size + n > limit:
            out.append([])
            size = 0
        out[-1].append(graph)
        size += n
    return out


def _batches(ops: list[str], limit: int) -> list[str]:
    """Update operations joined into requests of at most ``limit`` characters.

    >>> _batches(["DROP GRAPH <a>", "DROP GRAPH <b>"], 1000)
    ['DROP GRAPH <a> ;\\nDROP GRAPH <b>']
    >>> len(_batches(["DROP GRAPH <a>", "DROP GRAPH <b>"], 20))
    2
    """
    out: list[list[str]] = [[]]
    size = 0
    for op in ops:
        if out[-1] and size + len(op) > limit:
            out.append([])
            size = 0
        out[-1].append(op)
        size += len(op) + 3
    return [" ;\n".join(batch) for batch in out if batch]
