"""A tiny hand-written store with the builder's graph shape, for tests, docs and demos.

:func:`store_from_records` turns plain records into triples of the shape ``kg build`` writes
(one named graph per article, per entity and per event); :func:`sample_store` is a trilingual
example built with it.

>>> store = sample_store()
>>> store.select("SELECT (COUNT(?a) AS ?n) WHERE { ?a a schema:NewsArticle }")
[{'n': 8}]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from kg.article import Article
from kg.events.event import Event
from kg.link.entity import Entity
from kg.nlp.mention import Mention
from kg.rdf.store import GraphStore
from kg.rdf.triples import (
    LinkedMention,
    article_triples,
    edition_triples,
    entity_triples,
    event_triples,
)
from kg.rdf.vocab import EDITIONS_GRAPH, article_graph_iri, entity_graph_iri, event_graph_iri

__all__ = ["store_from_records", "sample_store", "SAMPLE_ENTITIES", "SAMPLE_ARTICLES"]


def store_from_records(
    articles: Iterable[Mapping],
    entities: Iterable[Mapping],
    events: Iterable[Mapping] = (),
    editions: Mapping[str, tuple[str, str]] | None = None,
    store: GraphStore | None = None,
) -> GraphStore:
    """Write records into ``store`` (a new in-memory one by default) and return it.

    The triples come from :mod:`kg.rdf.triples`, the builder's own functions, so the shape is
    exactly what ``kg build`` writes. Each article's text is its title followed by the labels of
    the entities it mentions, and each mention points at its label there.

    - article: ``{"id", "edition", "lang", "date" (ISO dateTime), "title", "url"?, "mentions": [key],
      "about"?: [key]}``
    - entity: ``{"key", "type" (PER/ORG/LOC/EVENT), "labels": {lang: label}, "alt"?: [label]}``
    - event: ``{"key", "type" ("Attack"), "date", "actors": [key], "place"?: key, "articles": [id],
      "label"?}``
    - editions: ``{edition: (name, lang)}``
    """
    store = store or GraphStore(None)
    records = {e["key"]: _entity(e) for e in entities}
    for entity in records.values():
        store.replace_graph(entity_graph_iri(entity.key), entity_triples(entity))
    store.replace_graph(EDITIONS_GRAPH, [
        t for edition, (name, lang) in (editions or {}).items()
        for t in edition_triples(edition, lang, name)])
    for a in articles:
        article, mentions = _article(a, records)
        store.replace_graph(article_graph_iri(article.id),
                            article_triples(article, mentions, a.get("about", [])))
    for event in map(_event, events):
        store.replace_graph(event_graph_iri(event.key), event_triples(event))
    return store


def _entity(record: Mapping) -> Entity:
    alt = {(label, "ar" if any("\u0600" <= c <= "\u06ff" for c in label) else None)
           for label in record.get("alt", [])}
    return Entity(record["key"], record["type"], dict(record.get("labels", {})), alt)


def _article(record: Mapping, entities: Mapping[str, Entity]) -> tuple[Article, list[LinkedMention]]:
    lang = record.get("lang", "en")
    labels = []
    for key in record.get("mentions", []):
        names = entities[key].pref_labels
        labels.append((key, names.get(lang) or names.get("en") or next(iter(names.values()))))
    title = record.get("title", record["id"])
    article = Article(id=record["id"], title=title, body=" ; ".join(label for _, label in labels),
                      url=record.get("url", f"https://example.org/{record['id']}"),
                      edition=record["edition"], language=lang,
                      published=datetime.fromisoformat(record["date"]))
    text, mentions, start = article.text, [], len(title) + 2
    for key, label in labels:
        begin = text.index(label, start)
        mentions.append(LinkedMention(
            Mention(begin, begin + len(label), label, entities[key].type), key))
        start = begin + len(label)
    return article, mentions


def _event(record: Mapping) -> Event:
    return Event(record["key"], record["type"], datetime.fromisoformat(record["date"]),
                 place=record.get("place"), actors=list(record.get("actors", [])),
                 articles=list(record.get("articles", [])), label=record.get("label", record["key"]))


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
