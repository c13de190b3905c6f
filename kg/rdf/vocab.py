"""Namespaces and IRI minting. One place decides what every node is called."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import quote

from pyoxigraph import NamedNode

#: mkg.ttl, events.ttl, shapes.ttl and queries/*.rq, inside the package so a wheel install has
#: them; the repository's top-level ``ontologies`` is a symbolic link to this folder
ONTOLOGIES_DIR = Path(__file__).resolve().parent.parent / "ontologies"

MKG = "https://w3id.org/mkg/ontology#"
MKGR = "https://w3id.org/mkg/resource/"
SCHEMA = "https://schema.org/"
SEM = "http://semanticweb.cs.vu.nl/2009/11/sem/"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
ITSRDF = "http://www.w3.org/2005/11/its/rdf#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
GEO = "http://www.opengis.net/ont/geosparql#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DCTERMS = "http://purl.org/dc/terms/"
WD = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"

PREFIXES = {
    "mkg": MKG, "mkgr": MKGR, "schema": SCHEMA, "sem": SEM, "nif": NIF, "itsrdf": ITSRDF,
    "skos": SKOS, "prov": PROV, "geo": GEO, "owl": OWL, "rdf": RDF, "rdfs": RDFS, "xsd": XSD,
    "dcterms": DCTERMS, "wd": WD,
}

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

#: rdf:type value for each entity type of :data:`kg.nlp.ENTITY_TYPES`.
ENTITY_CLASS = {
    "PER": SCHEMA + "Person",
    "ORG": SCHEMA + "Organization",
    "LOC": SCHEMA + "Place",
    "EVENT": SCHEMA + "Event",
}
CLASS_TYPE = {v: k for k, v in ENTITY_CLASS.items()}


def n(iri: str) -> NamedNode:
    """A pyoxigraph named node."""
    return NamedNode(iri)


def slug(text: str, max_len: int = 80) -> str:
    """An IRI-safe, readable slug; non-Latin letters are kept and percent-encoded.

    >>> slug("Donald Trump")
    'donald_trump'
    """
    folded = unicodedata.normalize("NFKC", text).casefold().strip()
    folded = re.sub(r"[\s\-]+", "_", folded)
    folded = re.sub(r"[^\w]", "", folded)[:max_len] or "_"
    return quote(folded, safe="_")


@lru_cache(maxsize=1 << 18)
def iri_part(text: str, safe: str = "-_.") -> str:
    """Percent-encode what an IRI may not hold, keeping letters of any script readable.

    Cached: a build asks for the same article and entity parts millions of times.

    >>> iri_part("PER:حسن نصر الله", safe="-_.:")
    'PER:حسن_نصر_الله'
    >>> iri_part("a/b?c d#é")
    'a%2Fb%3Fc_d%23é'
    """
    text = re.sub(r"\s+", "_", text.strip())
    if text.isprintable() and not _quoted_ascii(safe).search(text):
        return text  # nothing to encode (most keys): no walk over every character
    return "".join(c if (c.isascii() and (c.isalnum() or c in safe)) or (ord(c) > 127 and c.isprintable())
                   else quote(c, safe=safe) for c in text)


@cache
def _quoted_ascii(safe: str) -> re.Pattern:
    """The ASCII characters :func:`iri_part` percent-encodes: all but letters, digits and ``safe``."""
    return re.compile(f"[^A-Za-z0-9{re.escape(safe)}\u0080-\U0010ffff]")


def article_iri(article_id: str) -> str:
    return f"{MKGR}article/{iri_part(article_id)}"


def article_graph_iri(article_id: str) -> str:
    """The named graph that holds one article's triples (replaced when it is ingested again)."""
    return f"{MKGR}graph/article/{iri_part(article_id)}"


def context_iri(article_id: str, length: int) -> str:
    """The NIF context: the article's text, addressed by RFC 5147 character offsets."""
    return f"{article_iri(article_id)}/text#char=0,{length}"


def mention_iri(article_id: str, start: int, end: int) -> str:
    return f"{article_iri(article_id)}/text#char={start},{end}"


def entity_iri(key: str) -> str:
    """An entity node; ``key`` is a knowledge-base id or a type-qualified normalised label."""
    return f"{MKGR}entity/{iri_part(key, safe='-_.:')}"


def edition_iri(edition: str) -> str:
    return f"{MKGR}edition/{slug(edition)}"


def event_iri(key: str) -> str:
    return f"{MKGR}event/{iri_part(key, safe='-_.:')}"


def entity_graph_iri(key: str) -> str:
    """The named graph that holds one entity's triples (rewritten only when the entity changes)."""
    return f"{MKGR}graph/entity/{iri_part(key, safe='-_.:')}"


def event_graph_iri(key: str) -> str:
    """The named graph that holds one event's triples."""
    return f"{MKGR}graph/event/{iri_part(key, safe='-_.:')}"


#: the graphs of single records, each rewritten only when its record changes
RECORD_GRAPH_PREFIXES = (f"{MKGR}graph/article/", f"{MKGR}graph/entity/", f"{MKGR}graph/event/")
#: where stores written before records had graphs of their own kept all entities / all events
ENTITIES_GRAPH = f"{MKGR}graph/entities"
EDITIONS_GRAPH = f"{MKGR}graph/editions"
EVENTS_GRAPH = f"{MKGR}graph/events"
LINKS_GRAPH = f"{MKGR}graph/links"
ANALYSIS_GRAPH = f"{MKGR}graph/analysis"
ONTOLOGY_GRAPH = f"{MKGR}graph/ontology"
