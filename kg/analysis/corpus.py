"""What the analysis reads from the store, as plain Python data.

A handful of SPARQL queries over the union of all graphs fill one :class:`Corpus`; every
network, metric, comparison and timeline is then computed from it without the store, so the
algorithms can be tested on hand-written data.

>>> from kg.analysis.sample import sample_store
>>> corpus = load_corpus(sample_store())
>>> len(corpus.articles), len(corpus.entities) > 0
(8, True)
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import unquote

from kg.rdf.store import GraphStore
from kg.rdf.vocab import CLASS_TYPE, MKGR, edition_iri

__all__ = ["ArticleInfo", "EntityInfo", "EventInfo", "Corpus", "load_corpus", "NO_EDITION"]

#: Edition key of articles that carry no ``schema:isPartOf``.
NO_EDITION = ""

LANGS = ("en", "ar", "es")
_FALLBACK = {"en": ("es", "ar"), "es": ("en", "ar"), "ar": ("en", "es")}


@dataclass
class ArticleInfo:
    """One ``schema:NewsArticle``: where and when it appeared."""

    iri: str
    edition: str = NO_EDITION
    lang: str = ""
    published: str = ""  # the xsd:dateTime lexical form, as stored
    headline: str = ""
    url: str = ""

    @property
    def day(self) -> date | None:
        """The publication day in the article's own time zone (the date part of the stored value)."""
        return parse_day(self.published)


@dataclass
class EntityInfo:
    """A person, organisation, place or named event, with its labels in each language."""

    iri: str
    type: str = "OTHER"  # PER, ORG, LOC, EVENT, or OTHER when the node carries no known class
    labels: dict[str, str] = field(default_factory=dict)  # lang -> skos:prefLabel
    alt_labels: list[str] = field(default_factory=list)

    def label(self, lang: str = "en") -> str:
        """The label in ``lang``, else in the other project languages (same script first), else
        any label, an alternative label, the IRI's last part.

        >>> EntityInfo("x", labels={"ar": "غزة", "es": "Gaza"}).label("en")
        'Gaza'
        """
        for candidate in (lang, *_FALLBACK.get(lang, LANGS)):
            if self.labels.get(candidate):
                return self.labels[candidate]
        for value in self.labels.values():
            if value:
                return value
        if self.alt_labels:
            return self.alt_labels[0]
        return local_name(self.iri)


@dataclass
class EventInfo:
    """A ``sem:Event``: its type, actors, places and the articles it was derived from."""

    iri: str
    type: str = ""  # local name of the sem:eventType concept, e.g. "Attack"
    label: str = ""
    timestamp: str = ""
    actors: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    articles: set[str] = field(default_factory=set)


@dataclass
class Corpus:
    """Articles, editions, entities, events and which article mentions which entity."""

    articles: dict[str, ArticleInfo] = field(default_factory=dict)
    editions: dict[str, str] = field(default_factory=dict)  # edition IRI -> display name
    entities: dict[str, EntityInfo] = field(default_factory=dict)
    events: dict[str, EventInfo] = field(default_factory=dict)
    mentions: dict[str, set[str]] = field(default_factory=dict)  # article -> entities

    def entity_articles(self) -> dict[str, set[str]]:
        """Entity IRI -> the articles that mention it (the inverse of :attr:`mentions`)."""
        out: dict[str, set[str]] = defaultdict(set)
        for article, entities in self.mentions.items():
            for entity in entities:
                out[entity].add(article)
        return dict(out)

    def edition_name(self, edition: str) -> str:
        """A readable name: ``schema:name``, else the IRI's last part, else ``(no edition)``."""
        if edition == NO_EDITION:
            return "(no edition)"
        return self.editions.get(edition) or local_name(edition)

    def edition_sizes(self) -> dict[str, int]:
        """Number of articles in each edition, largest first."""
        sizes: dict[str, int] = defaultdict(int)
        for article in self.articles.values():
            sizes[article.edition] += 1
        return dict(sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0])))

    def entity(self, iri: str) -> EntityInfo:
        """The entity record, or a bare one when the node has no type or labels in the store."""
        return self.entities.get(iri) or EntityInfo(iri)

    def subset(self, editions: list[str] | set[str]) -> Corpus:
        """The corpus restricted to articles of ``editions`` (IRIs, slugs or names)."""
        wanted = {self.resolve_edition(e) for e in editions}
        articles = {a: info for a, info in self.articles.items() if info.edition in wanted}
        events = {}
        for iri, ev in self.events.items():
            kept = ev.articles & articles.keys()
            if kept:
                events[iri] = EventInfo(ev.iri, ev.type, ev.label, ev.timestamp, ev.actors,
                                        ev.places, kept)
        return Corpus(
            articles=articles,
            editions={e: n for e, n in self.editions.items() if e in wanted},
            entities=self.entities,
            events=events,
            mentions={a: m for a, m in self.mentions.items() if a in articles},
        )

    def resolve_edition(self, edition: str) -> str:
        """An edition IRI from its IRI, its slug (``bbc``) or its name (``BBC``), any case.

        Unknown values are returned unchanged, so they simply match no article.
        """
        if edition in self.editions or edition == NO_EDITION:
            return edition
        known = set(self.editions) | {a.edition for a in self.articles.values()}
        if edition_iri(edition) in known:
            return edition_iri(edition)
        wanted = edition.casefold().strip()
        for iri in sorted(known):
            if wanted in (local_name(iri).casefold(), self.edition_name(iri).casefold()):
                return iri
        return edition


def local_name(iri: str) -> str:
    """The readable last part of an IRI.

    >>> local_name("https://w3id.org/mkg/resource/entity/PER:hassan_nasrallah")
    'PER:hassan_nasrallah'
    """
    tail = re.split(r"[/#]", iri.rstrip("/#"))[-1]
    return unquote(tail)


def parse_day(value: str) -> date | None:
    """The calendar day of an xsd:date or xsd:dateTime lexical form (its own time zone).

    >>> parse_day("2024-04-14T23:30:00+03:00")
    datetime.date(2024, 4, 14)
    """
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            return None


# -- loading -----------------------------------------------------------------------------------

_ARTICLES = """
SELECT ?a ?ed ?lang ?date ?headline ?url WHERE {
  ?a a schema:NewsArticle .
  OPTIONAL { ?a schema:isPartOf ?ed }
  OPTIONAL { ?a schema:inLanguage ?lang }
  OPTIONAL { ?a schema:datePublished ?date }
  OPTIONAL { ?a schema:headline ?headline }
  OPTIONAL { ?a schema:url ?url }
}"""

_EDITIONS = """
SELECT DISTINCT ?ed ?name WHERE {
  ?a a schema:NewsArticle ; schema:isPartOf ?ed .
  OPTIONAL { ?ed schema:name ?name }
}"""

_MENTIONS = """
SELECT DISTINCT ?a ?e WHERE { ?a a schema:NewsArticle ; schema:mentions ?e . }"""

_TYPES = """
SELECT DISTINCT ?e ?type WHERE {
  ?e a ?type .
  VALUES ?type { schema:Person schema:Organization schema:Place schema:Event }
  FILTER NOT EXISTS { ?e a sem:Event }
}"""

_PREF_LABELS = """
SELECT ?e ?label (LANG(?label) AS ?lang) WHERE {
  ?e skos:prefLabel ?label .
  FILTER NOT EXISTS { ?e a skos:Concept }
}"""

_ALT_LABELS = """
SELECT ?e ?label WHERE {
  ?e skos:altLabel ?label .
  FILTER NOT EXISTS { ?e a skos:Concept }
}"""

_EVENTS = """
SELECT ?ev ?type ?ts ?label WHERE {
  ?ev a sem:Event .
  OPTIONAL { ?ev sem:eventType ?type }
  OPTIONAL { ?ev sem:hasTimeStamp ?ts }
  OPTIONAL { ?ev rdfs:label ?label }
}"""

_EVENT_LINKS = """
SELECT ?ev ?x ?role WHERE {
  ?ev a sem:Event .
  { ?ev sem:hasActor ?x BIND("actor" AS ?role) }
  UNION { ?ev sem:hasPlace ?x BIND("place" AS ?role) }
  UNION { ?ev prov:wasDerivedFrom ?x BIND("article" AS ?role) }
}"""


def load_corpus(store: GraphStore) -> Corpus:
    """Read articles, editions, mentions, entities and events from ``store`` (all graphs).

    Rows are sorted so that the same store always yields the same corpus.
    """
    corpus = Corpus()
    for row in sorted(store.select(_ARTICLES), key=_row_key):
        iri = str(row["a"])
        info = corpus.articles.get(iri)
        if info is None:
            info = corpus.articles[iri] = ArticleInfo(iri)
        info.edition = info.edition or str(row.get("ed", ""))
        info.lang = info.lang or str(row.get("lang", ""))
        info.published = info.published or str(row.get("date", ""))
        info.headline = info.headline or str(row.get("headline", ""))
        info.url = info.url or str(row.get("url", ""))
    for row in sorted(store.select(_EDITIONS), key=_row_key):
        ed = str(row["ed"])
        corpus.editions.setdefault(ed, str(row.get("name", "")) or local_name(ed))
    for row in store.select(_MENTIONS):
        corpus.mentions.setdefault(str(row["a"]), set()).add(str(row["e"]))

    mentioned = {e for es in corpus.mentions.values() for e in es}
    for row in sorted(store.select(_TYPES), key=_row_key):
        e = str(row["e"])
        entity = corpus.entities.setdefault(e, EntityInfo(e))
        if entity.type == "OTHER":
            entity.type = CLASS_TYPE.get(str(row["type"]), "OTHER")
    for e in mentioned:
        corpus.entities.setdefault(e, EntityInfo(e))
    for row in sorted(store.select(_PREF_LABELS), key=_row_key):
        entity = corpus.entities.get(str(row["e"]))
        lang = str(row.get("lang", "")).lower()
        if entity is not None and lang not in entity.labels:
            entity.labels[lang] = str(row["label"])
    for row in sorted(store.select(_ALT_LABELS), key=_row_key):
        entity = corpus.entities.get(str(row["e"]))
        if entity is not None and str(row["label"]) not in entity.alt_labels:
            entity.alt_labels.append(str(row["label"]))

    for row in sorted(store.select(_EVENTS), key=_row_key):
        iri = str(row["ev"])
        ev = corpus.events.setdefault(iri, EventInfo(iri))
        ev.type = ev.type or (local_name(str(row["type"])) if "type" in row else "")
        ev.timestamp = ev.timestamp or str(row.get("ts", ""))
        ev.label = ev.label or str(row.get("label", ""))
    for row in store.select(_EVENT_LINKS):
        ev = corpus.events.get(str(row["ev"]))
        if ev is None:
            continue
        role, x = row["role"], str(row["x"])
        if role == "actor":
            ev.actors.add(x)
        elif role == "place":
            ev.places.add(x)
        elif x in corpus.articles:
            ev.articles.add(x)
    return corpus


def _row_key(row: dict[str, object]) -> tuple[str, ...]:
    return tuple(f"{k}={row[k]}" for k in sorted(row))


def is_resource(iri: str) -> bool:
    """Whether ``iri`` is one of this project's instances (``mkgr:``)."""
    return iri.startswith(MKGR)
