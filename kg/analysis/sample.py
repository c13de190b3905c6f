"""A tiny hand-written store with the builder's graph shape, for tests, docs and demos.

:func:`store_from_records` turns plain records into triples of the shape ``kg build`` writes
(one named graph per article, entities in ``mkgr:graph/entities``, events in
``mkgr:graph/events``); :func:`sample_store` is a trilingual example built with it.

>>> store = sample_store()
>>> store.select("SELECT (COUNT(?a) AS ?n) WHERE { ?a a schema:NewsArticle }")
[{'n': 8}]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pyoxigraph import Literal

from kg.rdf.store import GraphStore
from kg.rdf.vocab import (
    ENTITIES_GRAPH,
    ENTITY_CLASS,
    EVENTS_GRAPH,
    MKG,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SEM,
    SKOS,
    XSD,
    article_graph_iri,
    article_iri,
    edition_iri,
    entity_iri,
    event_iri,
    n,
)

__all__ = ["store_from_records", "sample_store", "SAMPLE_ENTITIES", "SAMPLE_ARTICLES"]


def store_from_records(
    articles: Iterable[Mapping],
    entities: Iterable[Mapping],
    events: Iterable[Mapping] = (),
    editions: Mapping[str, tuple[str, str]] | None = None,
    store: GraphStore | None = None,
) -> GraphStore:
    """Write records into ``store`` (a new in-memory one by default) and return it.

    - article: ``{"id", "edition", "lang", "date" (ISO dateTime), "title", "url"?, "mentions": [key],
      "about"?: [key]}``
    - entity: ``{"key", "type" (PER/ORG/LOC/EVENT), "labels": {lang: label}, "alt"?: [label]}``
    - event: ``{"key", "type" ("Attack"), "date", "actors": [key], "place"?: key, "articles": [id],
      "label"?}``
    - editions: ``{edition: (name, lang)}``
    """
    store = store or GraphStore(None)
    rdf_type = n(RDF + "type")
    entity_triples = []
    for e in entities:
        s = n(entity_iri(e["key"]))
        entity_triples.append((s, rdf_type, n(ENTITY_CLASS[e["type"]])))
        for lang, label in e.get("labels", {}).items():
            entity_triples.append((s, n(SKOS + "prefLabel"), Literal(label, language=lang)))
        for label in e.get("alt", []):
            entity_triples.append((s, n(SKOS + "altLabel"), Literal(label)))
    for edition, (name, lang) in (editions or {}).items():
        ed = n(edition_iri(edition))
        entity_triples.append((ed, n(SCHEMA + "name"), Literal(name)))
        entity_triples.append((ed, n(SCHEMA + "inLanguage"), Literal(lang)))
    store.replace_graph(ENTITIES_GRAPH, entity_triples)

    for a in articles:
        s = n(article_iri(a["id"]))
        lang = a.get("lang", "en")
        triples = [
            (s, rdf_type, n(SCHEMA + "NewsArticle")),
            (s, n(SCHEMA + "inLanguage"), Literal(lang)),
            (s, n(SCHEMA + "isPartOf"), n(edition_iri(a["edition"]))),
            (s, n(SCHEMA + "datePublished"), Literal(a["date"], datatype=n(XSD + "dateTime"))),
            (s, n(SCHEMA + "headline"), Literal(a.get("title", a["id"]), language=lang)),
            (s, n(SCHEMA + "url"), Literal(a.get("url", f"https://example.org/{a['id']}"))),
        ]
        triples += [(s, n(SCHEMA + "mentions"), n(entity_iri(k))) for k in a.get("mentions", [])]
        triples += [(s, n(SCHEMA + "about"), n(entity_iri(k))) for k in a.get("about", [])]
        store.replace_graph(article_graph_iri(a["id"]), triples)

    event_triples = []
    for ev in events:
        s = n(event_iri(ev["key"]))
        event_triples += [
            (s, rdf_type, n(SEM + "Event")),
            (s, rdf_type, n(SCHEMA + "Event")),
            (s, n(SEM + "eventType"), n(MKG + ev["type"])),
            (s, n(RDFS + "label"), Literal(ev.get("label", ev["key"]))),
            (s, n(SEM + "hasTimeStamp"), Literal(ev["date"], datatype=n(XSD + "dateTime"))),
        ]
        event_triples += [(s, n(SEM + "hasActor"), n(entity_iri(k))) for k in ev.get("actors", [])]
        if ev.get("place"):
            event_triples.append((s, n(SEM + "hasPlace"), n(entity_iri(ev["place"]))))
        event_triples += [(s, n(PROV + "wasDerivedFrom"), n(article_iri(i)))
                          for i in ev.get("articles", [])]
    if event_triples:
        store.replace_graph(EVENTS_GRAPH, event_triples)
    return store


SAMPLE_ENTITIES = [
    {"key": "LOC:gaza", "type": "LOC", "labels": {"en": "Gaza", "ar": "غزة", "es": "Gaza"}},
    {"key": "LOC:israel", "type": "LOC", "labels": {"en": "Israel", "ar": "إسرائيل", "es": "Israel"}},
    {"key": "ORG:hamas", "type": "ORG", "labels": {"en": "Hamas", "ar": "حماس", "es": "Hamás"}},
    {"key": "ORG:hezbollah", "type": "ORG",
     "labels": {"en": "Hezbollah", "ar": "حزب الله", "es": "Hezbolá"}},
    {"key": "PER:benjamin_netanyahu", "type": "PER",
     "labels": {"en": "Benjamin Netanyahu", "ar": "بنيامين نتنياهو", "es": "Benjamín Netanyahu"},
     "alt": ["Netanyahu", "نتنياهو"]},
    {"key": "LOC:lebanon", "type": "LOC", "labels": {"en": "Lebanon", "ar": "لبنان", "es": "Líbano"}},
    {"key": "PER:gabriel_boric", "type": "PER",
     "labels": {"en": "Gabriel Boric", "es": "Gabriel Boric"}},
    {"key": "LOC:santiago", "type": "LOC", "labels": {"en": "Santiago", "es": "Santiago"}},
    {"key": "EVENT:operation_al_aqsa_flood", "type": "EVENT",
     "labels": {"en": "Operation Al-Aqsa Flood", "ar": "طوفان الأقصى"}},
]

SAMPLE_EDITIONS = {
    "almayadeen-ar": ("Al Mayadeen (Arabic)", "ar"),
    "bbc": ("BBC News", "en"),
    "prensa-cl": ("Prensa Chile", "es"),
}

SAMPLE_ARTICLES = [
    {"id": "am-1", "edition": "almayadeen-ar", "lang": "ar", "date": "2023-10-07T09:00:00+03:00",
     "title": "طوفان الأقصى", "mentions": ["LOC:gaza", "ORG:hamas", "LOC:israel",
                                            "EVENT:operation_al_aqsa_flood"]},
    {"id": "am-2", "edition": "almayadeen-ar", "lang": "ar", "date": "2023-10-08T11:00:00+03:00",
     "title": "حزب الله يعلن", "mentions": ["ORG:hezbollah", "LOC:lebanon", "LOC:israel"]},
    {"id": "am-3", "edition": "almayadeen-ar", "lang": "ar", "date": "2023-10-16T11:00:00+03:00",
     "title": "المقاومة في لبنان", "mentions": ["ORG:hezbollah", "LOC:lebanon", "LOC:gaza"]},
    {"id": "bbc-1", "edition": "bbc", "lang": "en", "date": "2023-10-07T12:00:00+01:00",
     "title": "Hamas attacks Israel", "mentions": ["LOC:gaza", "ORG:hamas", "LOC:israel",
                                                  "PER:benjamin_netanyahu"]},
    {"id": "bbc-2", "edition": "bbc", "lang": "en", "date": "2023-10-09T08:00:00+01:00",
     "title": "Netanyahu: we are at war", "mentions": ["PER:benjamin_netanyahu", "LOC:israel",
                                                       "ORG:hamas"]},
    {"id": "bbc-3", "edition": "bbc", "lang": "en", "date": "2023-10-17T08:00:00+01:00",
     "title": "Gaza hospital", "mentions": ["LOC:gaza", "LOC:israel"]},
    {"id": "cl-1", "edition": "prensa-cl", "lang": "es", "date": "2023-10-10T10:00:00-03:00",
     "title": "Boric condena", "mentions": ["PER:gabriel_boric", "LOC:gaza", "LOC:santiago"]},
    {"id": "cl-2", "edition": "prensa-cl", "lang": "es", "date": "2023-10-11T10:00:00-03:00",
     "title": "Santiago", "mentions": ["PER:gabriel_boric", "LOC:santiago"]},
]

SAMPLE_EVENTS = [
    {"key": "attack-2023-10-07-gaza", "type": "Attack", "date": "2023-10-07T06:30:00+03:00",
     "actors": ["ORG:hamas"], "place": "LOC:israel", "articles": ["am-1", "bbc-1"],
     "label": "Hamas attack on Israel"},
    {"key": "statement-2023-10-08-lebanon", "type": "Statement", "date": "2023-10-08T00:00:00+03:00",
     "actors": ["ORG:hezbollah"], "place": "LOC:lebanon", "articles": ["am-2"],
     "label": "Hezbollah statement"},
]


def sample_store() -> GraphStore:
    """Eight articles in three editions and languages, nine entities, two events (in memory)."""
    return store_from_records(SAMPLE_ARTICLES, SAMPLE_ENTITIES, SAMPLE_EVENTS, SAMPLE_EDITIONS)
