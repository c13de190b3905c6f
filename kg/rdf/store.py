"""The embedded, persistent graph store (pyoxigraph; see ``bench/store_compare.py`` for why).

>>> store = GraphStore(None)      # in memory; GraphStore("kg-store") persists on disk
>>> store.replace_graph("https://w3id.org/mkg/resource/graph/x",
...     [(n("https://w3id.org/mkg/resource/a"), n("https://schema.org/name"), Literal("A"))])
True
>>> store.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
[{'o': 'A'}]
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, QuerySolutions

from kg.rdf.vocab import SPARQL_PREFIXES, n

__all__ = ["GraphStore", "QueryError", "StoreError", "Literal", "crash_point", "n", "service_error",
           "to_python"]

DEFAULT_STORE = "kg-store"

Term = NamedNode | BlankNode | Literal
TripleLike = tuple[Term, NamedNode, Term]

BULK_QUADS = 100_000  # quads gathered before a bulk load into the on-disk store (bounds memory)
OPTIMIZE_AFTER = 200_000  # quads written before a flush also compacts the store
DIGESTS_FILE = "graph_digests.json"
STAGED_FILE = "staged-quads.nq"  # in a staged generation, until loaded (GraphStore.stage_triples)


class QueryError(ValueError):
    """A SPARQL query that does not parse or cannot run; the message says why."""


class StoreError(OSError):
    """The store folder cannot be opened (missing, or locked by another process)."""


class GraphStore:
    """A quad store with one named graph per article.

    ``path=None`` keeps everything in memory (tests); a folder path persists it (RocksDB).

    On disk the quads live in generations (``<store>/gen-NNNNNN/``), and ``<store>/current-quads``
    names the one readers open. ``staged=True`` (what ``kg build`` uses) writes into a new
    generation, a cheap hard-linked copy of the current one, and :meth:`commit` makes it current
    with one atomic rename: a reader sees the graph before a build or after it, never a mixture,
    and a build killed at any point leaves the store as it was. A writer (staged or not) holds
    ``<store>/write.lock``, so two writers fail fast instead of interleaving. Stores written before
    generations (quads in ``<store>/oxigraph``) are read as they are and upgraded by the next
    staged write.
    """

    def __init__(self, path: str | Path | None = DEFAULT_STORE, read_only: bool = False,
                 create: bool = True, staged: bool = False) -> None:
        self.path = Path(path) if path is not None else None
        self._digests: dict[str, str] | None = None
        self._written = 0  # quads bulk-loaded since the last compaction
        self._only_loaded = False  # the generation holds only bulk loads (see flush)
        self._pending: list[str] = []  # N-Quads lines of replaced graphs not yet bulk-loaded
        self._pending_graphs: set[str] = set()
        self._loading: _BulkLoad | None = None  # the bulk load running in the background
        self._spill = None  # the file of staged triples (stage_triples), while it is written
        self._spilled: set[str] = set()  # the graphs with staged triples
        # The quad count without a scan of the store (0.5 s for 1.6 M quads, every build): the
        # quads of the generation as opened, less those of the graphs replaced or dropped since
        # (``_touched``, counted anew); None when unknown.
        self._counted: int | None = 0
        self._touched: set[str] = set()
        self._lock = None
        self._staged: str | None = None
        if self.path is None:
            self._ox = ox.Store()
            self._generation = None
        elif read_only:
            self._open_read_only()
        else:
            self._open_writer(create, staged)

    # -- generations -------------------------------------------------------------------------
    def _current(self) -> str | None:
        """The current generation's folder name ("." for a store from before generations)."""
        try:
            name = (self.path / CURRENT_FILE).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            name = ""
        if name and (self.path / name / "oxigraph").is_dir():
            return name
        return "." if (self.path / "oxigraph").is_dir() else None

    def _open_read_only(self) -> None:
        self._counted = None
        for attempt in range(3):  # a build may switch generations while we open one
            self._generation = self._current()
            if self._generation is None:
                raise FileNotFoundError(f"no store at {self.path} (run `kg build` first)")
            try:
                self._ox = ox.Store.read_only(str(self.quad_dir))
                return
            except OSError:
                if attempt == 2 or self._current() == self._generation:
                    raise

    def refresh(self) -> bool:
        """Read-only stores: move to the current generation if a build made a new one."""
        if self.path is None or self._lock is not None or self._current() == self._generation:
            return False
        self._digests = None
        self._open_read_only()
        return True

    def _open_writer(self, create: bool, staged: bool) -> None:
        if not create and self._current() is None:
            raise FileNotFoundError(f"no store at {self.path} (run `kg build` first)")
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock = _lock(self.path)
        current = self._current()
        self._collect(keep={current, _previous(self.path, current)})
        self._counted = _read_count(self.path, current) if current is not None else 0
        if current is not None and not staged:
            self._generation = current
            _count_path(self.path, current).unlink(missing_ok=True)  # stale if this write stops
        else:
            self._generation = _next_generation(self.path)
            target = self.path / self._generation
            target.mkdir()
            if current is not None:
                ox.Store.read_only(str(self.path / current / "oxigraph")).backup(
                    str(target / "oxigraph"))
                digests = _digest_path(self.path, current)
                if digests.exists():
                    shutil.copyfile(digests, target / DIGESTS_FILE)
            if staged:
                self._staged = current or ""
        try:
            self._ox = ox.Store(str(self.quad_dir))
        except OSError as exc:
            hint = " (in use by another kg process?)" if "lock" in str(exc).lower() else ""
            raise StoreError(f"cannot open the store at {self.path}{hint}: {exc}") from None
        if current is None and not staged:  # a new store, written in place
            self.flush()
            _publish(self.path, self._generation)

    def commit(self) -> None:
        """Make what was written the current graph (atomically); the store stays open."""
        self.flush()
        if self._staged is None:
            return
        _publish(self.path, self._generation)
        crash_point("commit")
        self._collect(keep={self._generation, self._staged})
        self._staged = None

    def _collect(self, keep: set[str | None]) -> None:
        """Delete generations nobody reads any more: all but the current and the previous one
        (a reader that opened it before the last build may still be on it), and any staged
        generation a killed build left behind. Only a writer (holding the lock) calls this."""
        for folder in self.path.glob("gen-*"):
            if folder.name not in keep and folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
        if "." not in keep and (self.path / "oxigraph").is_dir():
            shutil.rmtree(self.path / "oxigraph", ignore_errors=True)
            (self.path / DIGESTS_FILE).unlink(missing_ok=True)

    @property
    def staged(self) -> bool:
        """Whether writes go to a new generation that readers see only after :meth:`commit`."""
        return self._staged is not None

    def start_empty(self) -> None:
        """Staged writers: make the new generation empty instead of a copy of the current one,
        for a build that rewrites most graphs (removing each graph before writing it again took
        longer than writing it: 100 s for a whole corpus after a change of the linking code).
        Readers still see the current generation until :meth:`commit`."""
        if self._staged is None:
            raise ValueError("start_empty() is for staged writers only")
        self._finish_load()
        self._only_loaded = True
        self._pending, self._pending_graphs = [], set()
        self._ox = ox.Store()  # closes the staged generation's RocksDB
        shutil.rmtree(self.quad_dir)
        self._ox = ox.Store(str(self.quad_dir))
        self._digests = {}
        self._counted, self._touched = 0, set()
        self._close_spill()

    def _close_spill(self) -> None:
        """Forget the staged triples not loaded yet (their file goes with its generation)."""
        if self._spill is not None:
            self._spill.close()
            self._spill = None
        self._spilled = set()

    def close(self) -> None:
        """Release the store (and the writer lock); uncommitted staged writes are dropped."""
        if self._staged is None:
            self._load_pending()
        self._finish_load()
        self._pending, self._pending_graphs = [], set()
        self._close_spill()
        self._ox = ox.Store()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    @property
    def quad_dir(self) -> Path:
        """Where the quads of the open generation live (the folder also holds build caches)."""
        assert self.path is not None
        return self.path / (self._generation or ".") / "oxigraph"

    # -- writing -----------------------------------------------------------------------------
    def replace_graph(self, graph: str, triples: Iterable[TripleLike] | Callable[[], Iterable[TripleLike]],
                      digest: str | None = None) -> bool:
        """Make the named graph ``graph`` hold exactly ``triples``, so re-ingesting is idempotent.

        A graph whose triples have not changed since the last write is left alone (a digest of
        each graph is kept beside the quads), which makes rebuilding the same input cheap.
        A caller that can name the content without making the triples (a hash of what they are
        made from) passes it as ``digest`` and ``triples`` as a function, called only when the
        graph must be written. Returns whether the graph was written.
        """
        if digest is None:
            triples = list(triples() if callable(triples) else triples)
            digest = triples_digest(triples)
        # a graph has a digest from its write until it is dropped (or the store emptied): the
        # store itself is not asked about the ~35,000 graphs a build leaves as they are
        if self.digests.get(graph) == digest:
            return False
        g = n(graph)
        if graph in self._pending_graphs or (self._loading and graph in self._loading.graphs):
            self._settle()  # written twice before its bulk load ended: load the first
        exists = self._ox.contains_named_graph(g)
        if callable(triples):
            triples = triples()
        if exists:
            self._finish_load()  # nothing else changes the store while a bulk load runs
            self._uncount(graph, g)
            self._ox.remove_graph(g)
        self._touched.add(graph)
        triples = triples if isinstance(triples, list) else list(triples)
        if self.path is None or _has_blank_node(triples):
            self._settle()  # N-Quads would rename blank nodes: these go in as quads
            self._ox.extend([Quad(s, p, o, g) for s, p, o in triples])
        else:
            self._gather(graph, triples, g)
        self.digests[graph] = digest
        crash_point("write")
        return True

    def _gather(self, graph: str, triples: list[TripleLike], node: NamedNode) -> None:
        """Gather ``triples`` into ``graph`` (its ``node``) as N-Quads lines, bulk-loaded in the
        background once there are enough."""
        name = str(node)
        self._pending += [f"{s} {p} {o} {name} .\n" for s, p, o in triples]
        self._pending_graphs.add(graph)
        if len(self._pending) >= BULK_QUADS:
            self._load_pending()

    def stage_triples(self, graph: str, triples: Iterable[TripleLike]) -> None:
        """Write part of ``graph`` to a file in the staged generation now, to be bulk-loaded in
        the background by :meth:`load_staged`; the rest of the graph, and what it holds in all,
        come with :meth:`add_triples`. A build stages what extraction alone decides of each
        article while the workers extract (this process only waits for them then), and loads
        it while linking runs on one core. For a staged writer that started empty
        (:meth:`start_empty`); no blank nodes (N-Quads would rename them)."""
        if self._spill is None:
            if self.path is None or self._staged is None or not self._only_loaded:
                raise ValueError("stage_triples() is for staged writers that started empty")
            self._spill = open(self._spill_path(), "w", encoding="utf-8")  # noqa: SIM115
        triples = _stageable(graph, triples)
        name = str(n(graph))
        self._spill.writelines(f"{s} {p} {o} {name} .\n" for s, p, o in triples)
        self._spilled.add(graph)
        self._touched.add(graph)

    def load_staged(self) -> None:
        """Start bulk-loading the staged triples (:meth:`stage_triples`) in the background."""
        if self._spill is None:
            return
        self._spill.close()
        self._spill = None
        self._finish_load()
        self._loading = _BulkLoad(self._ox, self._spill_path(), set(self._spilled))

    def add_triples(self, graph: str, triples: Iterable[TripleLike], digest: str) -> None:
        """Add ``triples`` to the staged ``graph`` (:meth:`stage_triples`): with what was staged,
        it holds the triples ``digest`` names (as :meth:`replace_graph` would have written)."""
        if graph not in self._spilled:
            raise ValueError(f"{graph} was not staged")
        self._gather(graph, _stageable(graph, triples), n(graph))
        self.digests[graph] = digest
        crash_point("write")

    def _spill_path(self) -> Path:
        assert self.path is not None and self._generation is not None
        return self.path / self._generation / STAGED_FILE

    @property
    def _store(self) -> ox.Store:
        """The pyoxigraph store, holding every quad written (for everything but
        :meth:`replace_graph`, which gathers the quads of the graphs it writes)."""
        self._settle()
        return self._ox

    def load_gathered(self) -> None:
        """Start bulk-loading the quads :meth:`replace_graph` has gathered, without waiting for
        the load: what the caller does next runs meanwhile."""
        self._load_pending()

    def _load_pending(self) -> None:
        """Start bulk-loading the gathered quads in the background (after the load before it).

        The bulk loader makes RocksDB files directly, half the time of a transaction per graph
        (whole corpus: 1.65 M quads in 34,000 graphs); fed N-Quads text, it runs without the
        GIL, so the next graphs' triples are made on the other core meanwhile (formatting a
        line also costs a third of making a ``Quad``)."""
        if not self._pending:
            return
        self._finish_load()
        data = "".join(self._pending).encode("utf-8")
        self._loading = _BulkLoad(self._ox, data, self._pending_graphs)
        self._written += len(self._pending)
        self._pending, self._pending_graphs = [], set()

    def _finish_load(self) -> None:
        """Wait for the background bulk load, if any (its error is raised here)."""
        loading, self._loading = self._loading, None
        if loading is not None:
            loading.join()

    def _settle(self) -> None:
        """Load every gathered quad and wait: the store then holds all that was written."""
        self._load_pending()
        self._finish_load()

    @property
    def digests(self) -> dict[str, str]:
        """graph IRI -> digest of its triples as last written by :meth:`replace_graph`."""
        if self._digests is None:
            self._digests = {}
            file = self._digest_file()
            if file is not None and file.exists():
                self._digests = json.loads(file.read_text(encoding="utf-8"))
        return self._digests

    def _digest_file(self) -> Path | None:
        return _digest_path(self.path, self._generation) if self.path is not None else None

    def replace_graphs(self, graphs: dict[str, list[TripleLike]]) -> None:
        """:meth:`replace_graph` for many graphs at once (bulk loader when the store is empty)."""
        for graph, triples in graphs.items():
            self.replace_graph(graph, triples)

    def drop_graph(self, graph: str) -> None:
        g = n(graph)
        self.digests.pop(graph, None)
        if self._store.contains_named_graph(g):
            self._uncount(graph, g)
            self._store.remove_graph(g)
        self._touched.add(graph)

    def _uncount(self, graph: str, g: NamedNode) -> None:
        """Before ``graph`` is emptied: its quads leave the count of the generation as opened."""
        self._only_loaded = False  # a removal leaves deletions for a compaction to clear
        if self._counted is not None and graph not in self._touched:
            self._counted -= _quads_in(self._ox, [g])

    def load_file(self, path: str | Path, graph: str, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> None:
        """Replace ``graph`` with the triples of an RDF file."""
        self.drop_graph(graph)
        self._store.load(path=str(path), format=fmt, to_graph=n(graph))

    def update(self, sparql_update: str) -> None:
        self._counted = None  # an update may change any graph
        self._only_loaded = False
        self.digests.clear()  # ... so no digest names a graph's triples any more
        self._store.update(SPARQL_PREFIXES + sparql_update)

    def flush(self) -> None:
        """Persist: quads to disk, and the graph digests beside them (a staged store is only
        made current by :meth:`commit`)."""
        if self.path is not None:
            self._store.flush()
            # compaction costs seconds: only after big writes, and not of a generation made by
            # bulk loads alone, whose sorted files it hardly improves (whole corpus: 63 files,
            # 483 MB -> 38 files, 479 MB, queries within 6 %, for 1.5-2.2 s of the build)
            if self._written > OPTIMIZE_AFTER and not self._only_loaded:
                self._store.optimize()
                self._written = 0
            if self._digests is not None:
                _write_atomic(self._digest_file(), json.dumps(self._digests, sort_keys=True))
            _write_atomic(_count_path(self.path, self._generation), str(len(self)))

    # -- reading -----------------------------------------------------------------------------
    def query(self, sparql: str, allow_service: bool = False
              ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run SPARQL 1.1 over the union of all graphs; the project prefixes are predeclared.

        Raises :class:`QueryError` with the parser's message for an invalid query, and for a
        query with ``SERVICE`` (which makes this process call another address) unless
        ``allow_service``.
        """
        problem = None if allow_service else service_error(sparql)
        if problem:
            raise QueryError(problem)
        text = sparql if _declares_prefixes(sparql) else SPARQL_PREFIXES + sparql
        try:
            return self._store.query(text, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {exc}") from None
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from None

    def select(self, sparql: str) -> list[dict[str, object]]:
        """A SELECT query's rows as dicts of plain Python values (str, int, float)."""
        result = self.query(sparql)
        if not isinstance(result, QuerySolutions):
            raise QueryError("not a SELECT query")
        names = [v.value for v in result.variables]
        return [{k: to_python(row[k]) for k in names if row[k] is not None} for row in result]

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        return self._store.quads_for_pattern(None, None, None, n(graph) if graph else None)

    def named_graphs(self) -> Iterator[str]:
        return (g.value for g in self._store.named_graphs())

    def __len__(self) -> int:
        """How many quads the store holds (counted from what was written when that is cheaper)."""
        if self._counted is None or len(self._touched) > COUNT_TOUCHED_MAX:
            return len(self._store)
        store = self._store  # every gathered quad loaded
        return self._counted + _quads_in(store, map(n, self._touched))

    def dump(self, output, fmt: ox.RdfFormat) -> int:
        """Write the whole dataset (datasets formats: returns the number of quads) or the union
        of all graphs, each triple once (triple formats: returns the number of triples).

        The union is a CONSTRUCT, so Oxigraph removes the duplicates and serialises in Rust:
        9 s per million triples, where a Python set of the union took 36
        (``bench/export_bench.py``).
        """
        if fmt.supports_datasets:
            self._store.dump(output, format=fmt, prefixes=_PREFIXES_FOR_DUMP)
            return len(self._store)
        union = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
        counted = _Counted(union)
        ox.serialize(counted, output, format=fmt, prefixes=_PREFIXES_FOR_DUMP)
        return counted.count

    @property
    def raw(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`, for the few callers that need it."""
        self._counted = None  # what they do to it is not counted
        return self._store


class _BulkLoad:
    """An N-Quads bulk load into ``store``, running in a thread of its own: of ``data``, or of
    the file ``data`` names (in pieces of :data:`BULK_QUADS` lines' size, so that the loader
    holds one piece at a time; the file is removed once loaded)."""

    def __init__(self, store: ox.Store, data: bytes | Path, graphs: set[str]) -> None:
        self.graphs = graphs
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(store, data), name="kg-bulk-load")
        self._thread.start()

    def _run(self, store: ox.Store, data: bytes | Path) -> None:
        try:
            for piece in _pieces(data) if isinstance(data, Path) else [data]:
                # lenient: the lines are made from pyoxigraph terms, whose IRIs and literals
                # were checked when they were made; checking them again was 12 % of the
                # load's CPU (whole corpus, 1.64 M quads: 16.9-18.9 -> 14.8-16.3 CPU-s)
                store.bulk_load(piece, format=ox.RdfFormat.N_QUADS, lenient=True)
            if isinstance(data, Path):
                data.unlink()
        except BaseException as exc:  # noqa: BLE001 - raised again in the writer's thread
            self._error = exc

    def join(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error


def _pieces(path: Path) -> Iterator[bytes]:
    """The lines of a file, in pieces of about :data:`BULK_QUADS` lines (at 200 bytes a line,
    about what the corpus's lines take), each ending at a line's end."""
    size = BULK_QUADS * 200
    with open(path, "rb") as fh:
        rest = b""
        while block := fh.read(size):
            block = rest + block
            end = block.rfind(b"\n") + 1
            rest = block[end:]
            if end:
                yield block[:end]
        if rest:
            yield rest


def _stageable(graph: str, triples: Iterable[TripleLike]) -> list[TripleLike]:
    """``triples`` as a list, refused if they hold a blank node (N-Quads would rename it)."""
    triples = list(triples)
    if _has_blank_node(triples):
        raise ValueError(f"{graph}: blank nodes cannot be staged")
    return triples


def _has_blank_node(triples: list[TripleLike]) -> bool:
    return any(type(s) is BlankNode or type(o) is BlankNode for s, _, o in triples)


def triples_digest(triples: Iterable[TripleLike]) -> str:
    """The digest :meth:`GraphStore.replace_graph` keeps of a graph's triples."""
    return hashlib.sha1("\n".join(map(str, triples)).encode("utf-8")).hexdigest()


class _Counted:
    """An iterator that counts what passes through it."""

    def __init__(self, items: Iterable) -> None:
        self._items = iter(items)
        self.count = 0

    def __iter__(self) -> _Counted:
        return self

    def __next__(self):
        item = next(self._items)
        self.count += 1
        return item


_SKIP = re.compile(r"""
    \"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"  |  '''(?:[^'\\]|\\.|'(?!''))*'''   # long strings
  | "(?:[^"\\\n]|\\.)*"  |  '(?:[^'\\\n]|\\.)*'                          # strings
  | <[^<>"{}|^`\\\x00-\x20]*>                                             # IRIs
  | \#[^\n]*                                                              # comments
""", re.VERBOSE | re.DOTALL)
_SERVICE = re.compile(r"(?<![\w:?$.-])SERVICE(?![\w:-])", re.IGNORECASE)


def service_error(sparql: str) -> str | None:
    """Why a query may not run here: it uses ``SERVICE`` (a federated call to another address).

    >>> service_error("SELECT * WHERE { SERVICE <http://10.0.0.1/sparql> { ?s ?p ?o } }")
    'SERVICE is not allowed: this endpoint does not call other addresses'
    >>> service_error('SELECT ?service WHERE { ?service ex:service "SERVICE" } # SERVICE') is None
    True
    """
    if _SERVICE.search(_SKIP.sub(" ", sparql)):
        return "SERVICE is not allowed: this endpoint does not call other addresses"
    return None


CURRENT_FILE = "current-quads"
COUNT_FILE = "quad_count"  # beside the digests: the generation's quad count when it was written
COUNT_TOUCHED_MAX = 5_000  # graphs written by a build above which counting them beats a scan no more
LOCK_FILE = "write.lock"


def _digest_path(store: Path, generation: str | None) -> Path:
    return store / (generation or ".") / DIGESTS_FILE


def _count_path(store: Path, generation: str | None) -> Path:
    return store / (generation or ".") / COUNT_FILE


def _read_count(store: Path, generation: str) -> int | None:
    """The quad count a writer left beside a generation's quads (None: none, or not a number)."""
    try:
        return int(_count_path(store, generation).read_text(encoding="ascii"))
    except (OSError, ValueError):
        return None


def _quads_in(store: ox.Store, graphs: Iterable[NamedNode]) -> int:
    """How many quads the (distinct) named ``graphs`` hold, counted by the store (6 times faster
    than a Python loop over them)."""
    values = " ".join(map(str, graphs))
    if not values:
        return 0
    found = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}")
    return int(next(iter(found))[0].value)


def _next_generation(store: Path) -> str:
    numbers = [int(p.name[4:]) for p in store.glob("gen-*") if p.name[4:].isdigit()]
    return f"gen-{max(numbers, default=0) + 1:06d}"


def _previous(store: Path, current: str | None) -> str | None:
    """The generation made current before ``current`` (the highest one below it), if any."""
    if current is None or current == ".":
        return None
    older = sorted(p.name for p in store.glob("gen-*") if p.name < current)
    return older[-1] if older else ("." if (store / "oxigraph").is_dir() else None)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _publish(store: Path, generation: str) -> None:
    """Point readers at ``generation``: one rename, made durable before returning."""
    _write_atomic(store / CURRENT_FILE, generation + "\n")
    fd = os.open(store, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _lock(store: Path):
    """The store's writer lock (released when the process ends, however it ends)."""
    fh = open(store / LOCK_FILE, "a+b")  # noqa: SIM115 - held as long as the store is open
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.close()
        raise StoreError(f"cannot open the store at {store} (in use by another kg process?): "
                         "another process is writing it") from None
    return fh


def crash_point(name: str) -> None:
    """Tests of crash safety: ``MKG_CRASH_AT=name`` (or ``name:N``, the N-th time) kills the
    process here with SIGKILL, as ``kill -9`` would. Costs one dictionary look-up otherwise."""
    wanted = os.environ.get("MKG_CRASH_AT")
    if not wanted or wanted.split(":")[0] != name:
        return
    count = _CRASH_COUNTS[name] = _CRASH_COUNTS.get(name, 0) + 1
    if count >= int(wanted.split(":")[1] if ":" in wanted else 1):
        os.kill(os.getpid(), signal.SIGKILL)


_CRASH_COUNTS: dict[str, int] = {}


def _declares_prefixes(sparql: str) -> bool:
    head = sparql.lstrip().upper()
    return head.startswith("PREFIX") or head.startswith("BASE")


def to_python(term: Term | None) -> object:
    """A SPARQL term as a plain value: IRIs and strings as str, numbers as int/float."""
    if term is None:
        return None
    if isinstance(term, Literal):
        dt = term.datatype.value
        if dt.endswith(("#integer", "#int", "#long", "#nonNegativeInteger")):
            return int(term.value)
        if dt.endswith(("#double", "#float", "#decimal")):
            return float(term.value)
        return term.value
    return term.value


from kg.rdf.vocab import PREFIXES as _P  # noqa: E402

_PREFIXES_FOR_DUMP = dict(_P)
