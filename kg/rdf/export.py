"""Writing the whole graph to a file in a standard RDF format."""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import RdfFormat

from kg.rdf.store import GraphStore

FORMATS: dict[str, tuple[RdfFormat, str]] = {
    "turtle": (RdfFormat.TURTLE, "ttl"),
    "nt": (RdfFormat.N_TRIPLES, "nt"),
    "jsonld": (RdfFormat.JSON_LD, "jsonld"),
    "trig": (RdfFormat.TRIG, "trig"),
}


def export(store: GraphStore, fmt: str = "turtle", output: Path | None = None) -> tuple[Path, int]:
    """Write the graph; returns the path and the number of statements written.

    TriG and JSON-LD keep the named graphs (one per article) and count quads; Turtle and N-Triples
    write the union of all graphs, so a triple asserted in two graphs is written once.
    """
    rdf_format, ext = FORMATS[fmt]
    path = output or Path("exports") / f"graph.{ext}"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        count = store.dump(fh, rdf_format)
    return path, count
