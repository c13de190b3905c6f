"""Running SPARQL and formatting its answers for people (table) and programs (CSV, TSV, JSON).

``json`` is the W3C SPARQL 1.1 Query Results JSON Format, written by pyoxigraph itself.
"""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, QueryTriples, RdfFormat

from kg.rdf.store import GraphStore, to_python
from kg.rdf.vocab import ONTOLOGIES_DIR, PREFIXES

QUERIES_DIR = ONTOLOGIES_DIR / "queries"

RESULT_FORMATS = {
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
    "json": QueryResultsFormat.JSON,
}

Result = QuerySolutions | QueryBoolean | QueryTriples


def named_query_path(name: str) -> Path | None:
    """``top-entities`` or ``top-entities.rq`` -> the file in ``ontologies/queries/``, if it exists."""
    stem = name[:-3] if name.endswith(".rq") else name
    path = QUERIES_DIR / f"{stem}.rq"
    return path if path.is_file() else None


def run_query(store: GraphStore, text: str, allow_service: bool = False) -> Result:
    """Run ``text`` (SPARQL 1.1) over the union of the store's graphs.

    ``SERVICE`` (a call to another endpoint) is refused unless ``allow_service``.
    """
    return store.query(text, allow_service=allow_service)


def format_result(result: Result, fmt: str = "table") -> str:
    """The result as text: an aligned table, or CSV/TSV/JSON (SPARQL results formats)."""
    if isinstance(result, QueryTriples):
        return result.serialize(format=RdfFormat.TURTLE).decode("utf-8")
    if fmt == "table":
        return _table(result)
    return result.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")


def _table(result: QuerySolutions | QueryBoolean) -> str:
    if isinstance(result, QueryBoolean):
        return f"{bool(result)}\n"
    names = [v.value for v in result.variables]
    rows = [[_short(to_python(row[name])) for name in names] for row in result]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(names)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()  # noqa: E731
    out = [line(names), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _short(value: object) -> str:
    """IRIs shortened with the project prefixes, so tables stay readable."""
    if value is None:
        return ""
    text = str(value)
    for prefix, iri in PREFIXES.items():
        if text.startswith(iri):
            return f"{prefix}:{text[len(iri):]}"
    return text.replace("\n", " ")
