"""Plain records -> triples. Articles, mentions, entities, events and story links each have one function.

The functions return lists of ``(subject, predicate, object)`` pyoxigraph terms; the caller decides
which named graph they go into (one graph per article, so re-ingesting replaces them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pyoxigraph import Literal, NamedNode

from kg.article import LANGUAGES, Article
from kg.events.event import Event
from kg.link.entity import Entity
from kg.nlp.mention import Mention
from kg.rdf.vocab import (
    DCTERMS,
    ENTITY_CLASS,
    GEO,
    ITSRDF,
    MKG,
    NIF,
    OWL,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    SEM,
    SKOS,
    WD,
    XSD,
    article_iri,
    context_iri,
    edition_iri,
    entity_iri,
    event_iri,
    mention_iri,
    n,
)

Triple = tuple[NamedNode, NamedNode, NamedNode | Literal]

A = n(RDF + "type")
XSD_DATETIME = n(XSD + "dateTime")
XSD_INTEGER = n(XSD + "integer")
XSD_DOUBLE = n(XSD + "double")
WKT = n(GEO + "wktLiteral")
GEONAMES = "https://sws.geonames.org/"


@dataclass(frozen=True)
class LinkedMention:
    """A mention with the key of the entity it was resolved to (``None``: left unlinked)."""

    mention: Mention
    entity_key: str | None


def _int(value: int) -> Literal:
    return Literal(str(int(value)), datatype=XSD_INTEGER)


def _double(value: float) -> Literal:
    return Literal(repr(round(float(value), 4)), datatype=XSD_DOUBLE)


def _lit_lang(text: str, lang: str | None) -> Literal:
    return Literal(text, language=lang) if lang in LANGUAGES else Literal(text)


def date_literal(value: datetime) -> Literal:
    return Literal(value.isoformat(), datatype=XSD_DATETIME)


def article_triples(article: Article, mentions: Iterable[LinkedMention],
                    about: Iterable[str] = ()) -> list[Triple]:
    """The triples of one article's named graph: the article, its text context and its mentions."""
    art = n(article_iri(article.id))
    out: list[Triple] = [(art, A, n(SCHEMA + "NewsArticle")),
                         (art, n(SCHEMA + "identifier"), Literal(article.id)),
                         (art, n(SCHEMA + "headline"), _lit_lang(article.title, article.language))]
    optional = {
        "url": article.url, "author": article.author, "articleSection": article.section,
        "description": article.summary or None, "publisher": article.outlet,
    }
    out += [(art, n(SCHEMA + k), Literal(v)) for k, v in optional.items() if v]
    if article.language:
        out.append((art, n(SCHEMA + "inLanguage"), Literal(article.language)))
    if article.published:
        out.append((art, n(SCHEMA + "datePublished"), date_literal(article.published)))
        if article.date_uncertain:  # a guess (file time): kept, but off the timeline's axis
            out.append((art, n(MKG + "dateUncertain"), Literal(True)))
    if article.edition:
        out.append((art, n(SCHEMA + "isPartOf"), n(edition_iri(article.edition))))
    out += [(art, n(SCHEMA + "keywords"), _lit_lang(t, article.language)) for t in article.tags]
    out += [(art, n(SCHEMA + "relatedLink"), Literal(u)) for u in article.related]
    if article.source_file:
        out.append((art, n(DCTERMS + "source"), Literal(article.source_file)))
    out += [(art, n(SCHEMA + "about"), n(entity_iri(k))) for k in sorted(set(about))]
    out += _context_and_mentions(article, art, list(mentions))
    return out


def _context_and_mentions(article: Article, art: NamedNode,
                          mentions: list[LinkedMention]) -> list[Triple]:
    text = article.text
    ctx = n(context_iri(article.id, len(text)))
    out: list[Triple] = [
        (ctx, A, n(NIF + "Context")), (ctx, n(NIF + "isString"), Literal(text)),
        (ctx, n(NIF + "beginIndex"), _int(0)),
        (ctx, n(NIF + "endIndex"), _int(len(text))),
        (ctx, n(NIF + "sourceUrl"), art), (art, n(MKG + "textContext"), ctx),
    ]
    linked: set[str] = set()
    for lm in mentions:
        m = lm.mention
        node = n(mention_iri(article.id, m.start, m.end))
        out += [
            (node, A, n(NIF + "Phrase")), (node, n(NIF + "referenceContext"), ctx),
            (node, n(NIF + "beginIndex"), _int(m.start)),
            (node, n(NIF + "endIndex"), _int(m.end)),
            (node, n(NIF + "anchorOf"), Literal(m.surface)),
            (node, n(ITSRDF + "taClassRef"), n(ENTITY_CLASS[m.type])),
            (node, n(MKG + "confidence"), _double(m.confidence)),
            (node, n(MKG + "foundBy"), Literal(m.source)),
        ]
        if lm.entity_key:
            out.append((node, n(ITSRDF + "taIdentRef"), n(entity_iri(lm.entity_key))))
            linked.add(lm.entity_key)
    out += [(art, n(SCHEMA + "mentions"), n(entity_iri(k))) for k in sorted(linked)]
    return out


def entity_triples(entity: Entity) -> list[Triple]:
    """An entity node: one class, a prefLabel per language, altLabels, sameAs, geometry, merge evidence."""
    node = n(entity_iri(entity.key))
    out: list[Triple] = [(node, A, n(ENTITY_CLASS[entity.type])),
                         (node, n(MKG + "key"), Literal(entity.key))]
    out += [(node, n(SKOS + "prefLabel"), _lit_lang(label, lang))
            for lang, label in sorted(entity.pref_labels.items())]
    prefs = set((label, lang) for lang, label in entity.pref_labels.items())
    out += [(node, n(SKOS + "altLabel"), _lit_lang(label, lang))
            for label, lang in sorted(entity.alt_labels - prefs)]
    if entity.wikidata:
        out.append((node, n(OWL + "sameAs"), n(WD + entity.wikidata)))
    if entity.geonames:
        out.append((node, n(OWL + "sameAs"), n(f"{GEONAMES}{entity.geonames}/")))
    if entity.lon is not None and entity.lat is not None:
        geom = n(entity_iri(entity.key) + "/geometry")
        out += [(node, n(GEO + "hasGeometry"), geom), (geom, A, n(GEO + "Geometry")),
                (geom, n(GEO + "asWKT"), Literal(f"POINT({entity.lon} {entity.lat})", datatype=WKT))]
    for i, merge in enumerate(sorted(entity.merges, key=lambda m: (m.lang, m.label, m.evidence))):
        ev = n(f"{entity_iri(entity.key)}/merge/{i}")
        out += [(node, n(MKG + "mergedFrom"), ev), (ev, A, n(MKG + "MergeEvidence")),
                (ev, n(RDFS + "label"), _lit_lang(merge.label, merge.lang)),
                (ev, n(MKG + "evidence"), Literal(merge.evidence)),
                (ev, n(MKG + "confidence"), _double(merge.confidence))]
    return out


def event_triples(event: Event) -> list[Triple]:
    """A reported happening as ``sem:Event`` with type, time, place, actors and its source articles."""
    node = n(event_iri(event.key))
    out: list[Triple] = [(node, A, n(SEM + "Event")), (node, A, n(SCHEMA + "Event")),
                         (node, n(SEM + "eventType"), n(MKG + event.event_type)),
                         (node, n(MKG + "confidence"), _double(event.confidence))]
    if event.label:
        out.append((node, n(RDFS + "label"), Literal(event.label)))
    if event.trigger:
        out.append((node, n(MKG + "trigger"), Literal(event.trigger)))
    if event.timestamp:
        out.append((node, n(SEM + "hasTimeStamp"), date_literal(event.timestamp)))
    if event.place:
        out.append((node, n(SEM + "hasPlace"), n(entity_iri(event.place))))
    role_keys = {k for keys in event.roles.values() for k in keys}
    out += [(node, n(SEM + "hasActor"), n(entity_iri(k))) for k in sorted(set(event.actors) | role_keys)]
    # the role of an actor, where known: sub-properties of sem:hasActor (ontologies/mkg.ttl)
    for role, prop in (("actor", "hasAgent"), ("target", "hasTarget")):
        out += [(node, n(MKG + prop), n(entity_iri(k))) for k in event.roles.get(role, ())]
    out += [(node, n(PROV + "wasDerivedFrom"), n(article_iri(a))) for a in sorted(set(event.articles))]
    return out


def story_link_triples(a_id: str, b_id: str, confidence: float, evidence: str = "") -> list[Triple]:
    """``mkg:sameStoryAs`` both ways, plus a link node carrying the confidence."""
    a, b = sorted((a_id, b_id))
    link = n(f"{article_iri(a)}/sameStoryAs/{b}")
    out: list[Triple] = [(n(article_iri(a)), n(MKG + "sameStoryAs"), n(article_iri(b))),
                         (n(article_iri(b)), n(MKG + "sameStoryAs"), n(article_iri(a))),
                         (link, A, n(MKG + "StoryLink")),
                         (link, n(MKG + "linksArticle"), n(article_iri(a))),
                         (link, n(MKG + "linksArticle"), n(article_iri(b))),
                         (link, n(MKG + "confidence"), _double(confidence))]
    if evidence:
        out.append((link, n(MKG + "evidence"), Literal(evidence)))
    return out


EDITION_NAMES = {
    "almayadeen-ar": ("Al Mayadeen (Arabic)", "ar"),
    "almayadeen-en": ("Al Mayadeen English", "en"),
    "almayadeen-es": ("Al Mayadeen Español", "es"),
    "prensa-chile": ("Chilean press", "es"),
    "unattributed": ("Unattributed (reads as CNN)", "en"),
}


def edition_triples(edition: str, language: str | None, outlet: str | None = None) -> list[Triple]:
    """An edition (a periodical: an outlet in one language), named after its outlet."""
    node = n(edition_iri(edition))
    name, lang = EDITION_NAMES.get(edition, (outlet or edition, language))
    out: list[Triple] = [(node, A, n(SCHEMA + "Periodical")), (node, n(SCHEMA + "name"), Literal(name)),
                         (node, n(MKG + "editionKey"), Literal(edition))]
    if lang:
        out.append((node, n(SCHEMA + "inLanguage"), Literal(lang)))
    return out
