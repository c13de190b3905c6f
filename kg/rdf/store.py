"""The embedded, persistent graph store (pyoxigraph; see ``bench/store_compare.py`` for why).

>>> store = GraphStore(None)      # in memory; GraphStore("kg-store") persists on disk
>>> store.replace_graph("https://w3id.org/mkg/resource/graph/x",
...     [(n("https://w3id.org/mkg/resource/a"), n("https://schema.org/name"), Literal("A"))])
True
>>> store.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
[{'o': 'A'}]
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, QuerySolutions, Triple

from kg.rdf.vocab import SPARQL_PREFIXES, n

__all__ = ["GraphStore", "QueryError", "StoreError", "Literal", "n", "service_error", "to_python"]

DEFAULT_STORE = "kg-store"

Term = NamedNode | BlankNode | Literal
TripleLike = tuple[Term, NamedNode, Term]


class QueryError(ValueError):
    """A SPARQL query that does not parse or cannot run; the message says why."""


class StoreError(OSError):
    """The store folder cannot be opened (missing, or locked by another process)."""


class GraphStore:
    """A quad store with one named graph per article.

    ``path=None`` keeps everything in memory (tests); a folder path persists it (RocksDB).
    """

    def __init__(self, path: str | Path | None = DEFAULT_STORE, read_only: bool = False,
                 create: bool = True) -> None:
        self.path = Path(path) if path is not None else None
        self._digests: dict[str, str] | None = None
        if self.path is None:
            self._store = ox.Store()
        elif (read_only or not create) and not self.quad_dir.exists():
            raise FileNotFoundError(f"no store at {self.path} (run `kg build` first)")
        elif read_only:
            self._store = ox.Store.read_only(str(self.quad_dir))
        else:
            self.path.mkdir(parents=True, exist_ok=True)
            try:
                self._store = ox.Store(str(self.quad_dir))
            except OSError as exc:
                hint = " (in use by another kg process?)" if "lock" in str(exc).lower() else ""
                raise StoreError(f"cannot open the store at {self.path}{hint}: {exc}") from None

    @property
    def quad_dir(self) -> Path:
        """Where the quads live inside the store folder (the folder also holds build caches)."""
        assert self.path is not None
        return self.path / "oxigraph"

    # -- writing -----------------------------------------------------------------------------
    def replace_graph(self, graph: str, triples: Iterable[TripleLike]) -> bool:
        """Make the named graph ``graph`` hold exactly ``triples``, so re-ingesting is idempotent.

        A graph whose triples have not changed since the last write is left alone (a digest of
        each graph is kept beside the quads), which makes rebuilding the same input cheap.
        Returns whether the graph was written.
        """
        triples = list(triples)
        digest = hashlib.sha1("\n".join(map(str, triples)).encode("utf-8")).hexdigest()
        g = n(graph)
        exists = self._store.contains_named_graph(g)
        if exists and self.digests.get(graph) == digest:
            return False
        if exists:
            self._store.remove_graph(g)
        self._store.extend(Quad(s, p, o, g) for s, p, o in triples)
        self.digests[graph] = digest
        return True

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
        return self.path / "graph_digests.json" if self.path is not None else None

    def replace_graphs(self, graphs: dict[str, list[TripleLike]]) -> None:
        """:meth:`replace_graph` for many graphs at once (bulk loader when the store is empty)."""
        for graph, triples in graphs.items():
            self.replace_graph(graph, triples)

    def drop_graph(self, graph: str) -> None:
        g = n(graph)
        self.digests.pop(graph, None)
        if self._store.contains_named_graph(g):
            self._store.remove_graph(g)

    def load_file(self, path: str | Path, graph: str, fmt: ox.RdfFormat = ox.RdfFormat.TURTLE) -> None:
        """Replace ``graph`` with the triples of an RDF file."""
        self.drop_graph(graph)
        self._store.load(path=str(path), format=fmt, to_graph=n(graph))

    def update(self, sparql_update: str) -> None:
        self._store.update(SPARQL_PREFIXES + sparql_update)

    def flush(self) -> None:
        """Persist: quads to disk, and the graph digests beside them."""
        if self.path is not None:
            self._store.flush()
            self._store.optimize()
            if self._digests is not None:
                self._digest_file().write_text(json.dumps(self._digests, sort_keys=True),
                                               encoding="utf-8")

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
        return len(self._store)

    def dump(self, output, fmt: ox.RdfFormat) -> None:
        """Write the whole dataset (datasets formats) or the union of graphs (triple formats)."""
        if fmt.supports_datasets:
            self._store.dump(output, format=fmt, prefixes=_PREFIXES_FOR_DUMP)
            return
        union = (Triple(q.subject, q.predicate, q.object) for q in self._store)
        ox.serialize(union, output, format=fmt, prefixes=_PREFIXES_FOR_DUMP)

    @property
    def raw(self) -> ox.Store:
        """The underlying :class:`pyoxigraph.Store`, for the few callers that need it."""
        return self._store


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
