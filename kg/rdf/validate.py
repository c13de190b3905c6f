"""SHACL validation of the graph against ``ontologies/shapes.ttl`` (pySHACL)."""

from __future__ import annotations

import rdflib

from kg.rdf.store import GraphStore
from kg.rdf.vocab import ONTOLOGIES_DIR

SHAPES = ONTOLOGIES_DIR / "shapes.ttl"


def to_rdflib(store: GraphStore) -> rdflib.Graph:
    """The union of the store's graphs as an rdflib graph (via N-Quads, the fastest exchange)."""
    import io

    from pyoxigraph import RdfFormat

    buf = io.BytesIO()
    store.dump(buf, RdfFormat.N_QUADS)
    dataset = rdflib.Dataset()
    dataset.parse(data=buf.getvalue(), format="nquads")
    union = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def validate_store(store: GraphStore) -> tuple[bool, str]:
    """``(conforms, report text)`` for the whole graph."""
    return validate_graph(to_rdflib(store))


def validate_graph(graph: rdflib.Graph) -> tuple[bool, str]:
    from pyshacl import validate

    shapes = rdflib.Graph().parse(SHAPES)
    conforms, _, text = validate(graph, shacl_graph=shapes, inference="none", allow_warnings=True)
    return bool(conforms), str(text)
