"""Plain records -> triples. Articles, mentions, entities, events and story links each have one function.

The functions return lists of ``(subject, predicate, object)`` pyoxigraph terms; the caller decides
which named graph they go into (one graph per article, so re-ingesting replaces them).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache, lru_cache

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
    edition_iri,
    entity_iri,
    event_iri,
    n,
)

Triple = tuple[NamedNode, NamedNode, NamedNode | Literal]

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


@lru_cache(maxsize=1 << 16)
def _int(value: int) -> Literal:
    """Cached, as the other terms many triples share: offsets and confidences repeat."""
    return Literal(str(int(value)), datatype=XSD_INTEGER)


@lru_cache(maxsize=1 << 12)
def _double(value: float) -> Literal:
    return Literal(repr(round(float(value), 4)), datatype=XSD_DOUBLE)


@lru_cache(maxsize=1 << 18)
def _entity(key: str) -> NamedNode:
    """An entity's node (a corpus names 17,000 entities 280,000 times)."""
    return n(entity_iri(key))


@lru_cache(maxsize=1 << 14)
def _article(article_id: str) -> NamedNode:
    return n(article_iri(article_id))


@lru_cache(maxsize=1 << 10)
def _edition(edition: str) -> NamedNode:
    return n(edition_iri(edition))


def _lit_lang(text: str, lang: str | None) -> Literal:
    return Literal(text, language=lang) if lang in LANGUAGES else Literal(text)


def date_literal(value: datetime) -> Literal:
    return Literal(value.isoformat(), datatype=XSD_DATETIME)


@cache
def _p(iri: str) -> NamedNode:
    """The node of a predicate or class (few of them, each made once)."""
    return n(iri)


# predicates and classes, made once: a cold build writes 1.65 M triples, each naming some
A = _p(RDF + "type")
NEWS_ARTICLE, IDENTIFIER, HEADLINE = _p(SCHEMA + "NewsArticle"), _p(SCHEMA + "identifier"), _p(SCHEMA + "headline")
IN_LANGUAGE, DATE_PUBLISHED, IS_PART_OF = _p(SCHEMA + "inLanguage"), _p(SCHEMA + "datePublished"), _p(SCHEMA + "isPartOf")
KEYWORDS, RELATED_LINK, ABOUT = _p(SCHEMA + "keywords"), _p(SCHEMA + "relatedLink"), _p(SCHEMA + "about")
MENTIONS, SOURCE, DATE_UNCERTAIN = _p(SCHEMA + "mentions"), _p(DCTERMS + "source"), _p(MKG + "dateUncertain")
_OPTIONAL = {name: _p(SCHEMA + name) for name in ("url", "author", "articleSection", "description", "publisher")}
CONTEXT, IS_STRING, SOURCE_URL = _p(NIF + "Context"), _p(NIF + "isString"), _p(NIF + "sourceUrl")
BEGIN_INDEX, END_INDEX, TEXT_CONTEXT = _p(NIF + "beginIndex"), _p(NIF + "endIndex"), _p(MKG + "textContext")
PHRASE, REFERENCE_CONTEXT, ANCHOR_OF = _p(NIF + "Phrase"), _p(NIF + "referenceContext"), _p(NIF + "anchorOf")
TA_CLASS_REF, TA_IDENT_REF = _p(ITSRDF + "taClassRef"), _p(ITSRDF + "taIdentRef")
CONFIDENCE, FOUND_BY = _p(MKG + "confidence"), _p(MKG + "foundBy")
_ENTITY_CLASS_NODE = {kind: _p(iri) for kind, iri in ENTITY_CLASS.items()}


def article_triples(article: Article, mentions: Iterable[LinkedMention],
                    about: Iterable[str] = (), written: Collection[Mention] | None = None
                    ) -> list[Triple]:
    """The triples of one article's named graph: the article, its text context and its mentions.

    ``written``: the graph holds :func:`article_text_triples` of the article with these
    mentions already, and only the rest is made (the links to entities, and the mentions not
    among them): both together are the graph.
    """
    art = _article(article.id)
    out = _article_own(article, art) if written is None else []
    out += [(art, ABOUT, _entity(k)) for k in sorted(set(about))]
    prefix, ctx = _text_nodes(article, art)
    if written is None:
        out += _context_triples(article, art, ctx)
    known = frozenset(written or ())
    linked: set[str] = set()
    for lm in mentions:
        m = lm.mention
        node = n(f"{prefix}{m.start},{m.end}")
        if m not in known:
            out += _mention_triples(node, ctx, m)
        if lm.entity_key:
            out.append((node, TA_IDENT_REF, _entity(lm.entity_key)))
            linked.add(lm.entity_key)
    out += [(art, MENTIONS, _entity(k)) for k in sorted(linked)]
    return out


def article_text_triples(article: Article, mentions: Iterable[Mention]) -> list[Triple]:
    """What extraction alone decides of an article's graph: the article, its text context and
    its mentions, without the entities they name (:func:`article_triples` makes the rest)."""
    art = _article(article.id)
    prefix, ctx = _text_nodes(article, art)
    out = _article_own(article, art) + _context_triples(article, art, ctx)
    for m in mentions:
        out += _mention_triples(n(f"{prefix}{m.start},{m.end}"), ctx, m)
    return out


def _article_own(article: Article, art: NamedNode) -> list[Triple]:
    out: list[Triple] = [(art, A, NEWS_ARTICLE),
                         (art, IDENTIFIER, Literal(article.id)),
                         (art, HEADLINE, _lit_lang(article.title, article.language))]
    optional = {
        "url": article.url, "author": article.author, "articleSection": article.section,
        "description": article.summary or None, "publisher": article.outlet,
    }
    out += [(art, _OPTIONAL[k], Literal(v)) for k, v in optional.items() if v]
    if article.language:
        out.append((art, IN_LANGUAGE, Literal(article.language)))
    if article.published:
        out.append((art, DATE_PUBLISHED, date_literal(article.published)))
        if article.date_uncertain:  # a guess (file time): kept, but off the timeline's axis
            out.append((art, DATE_UNCERTAIN, Literal(True)))
    if article.edition:
        out.append((art, IS_PART_OF, _edition(article.edition)))
    out += [(art, KEYWORDS, _lit_lang(t, article.language)) for t in article.tags]
    out += [(art, RELATED_LINK, Literal(u)) for u in article.related]
    if article.source_file:
        out.append((art, SOURCE, Literal(article.source_file)))
    return out


def _text_nodes(article: Article, art: NamedNode) -> tuple[str, NamedNode]:
    """The IRI that, with a character range, names the article's text and its mentions
    (context_iri and mention_iri, without their look-ups), and the text's node."""
    prefix = f"{art.value}/text#char="
    return prefix, n(f"{prefix}0,{len(article.text)}")


def _context_triples(article: Article, art: NamedNode, ctx: NamedNode) -> list[Triple]:
    text = article.text
    return [(ctx, A, CONTEXT), (ctx, IS_STRING, Literal(text)),
            (ctx, BEGIN_INDEX, _int(0)),
            (ctx, END_INDEX, _int(len(text))),
            (ctx, SOURCE_URL, art), (art, TEXT_CONTEXT, ctx)]


def _mention_triples(node: NamedNode, ctx: NamedNode, m: Mention) -> list[Triple]:
    return [(node, A, PHRASE), (node, REFERENCE_CONTEXT, ctx),
            (node, BEGIN_INDEX, _int(m.start)),
            (node, END_INDEX, _int(m.end)),
            (node, ANCHOR_OF, Literal(m.surface)),
            (node, TA_CLASS_REF, _ENTITY_CLASS_NODE[m.type]),
            (node, CONFIDENCE, _double(m.confidence)),
            (node, FOUND_BY, Literal(m.source))]


def entity_triples(entity: Entity) -> list[Triple]:
    """An entity node: one class, a prefLabel per language, altLabels, sameAs, geometry, merge evidence."""
    node = _entity(entity.key)
    out: list[Triple] = [(node, A, _ENTITY_CLASS_NODE[entity.type]),
                         (node, _p(MKG + "key"), Literal(entity.key))]
    out += [(node, _p(SKOS + "prefLabel"), _lit_lang(label, lang))
            for lang, label in sorted(entity.pref_labels.items())]
    prefs = set((label, lang) for lang, label in entity.pref_labels.items())
    out += [(node, _p(SKOS + "altLabel"), _lit_lang(label, lang))
            for label, lang in sorted(entity.alt_labels - prefs)]
    if entity.wikidata:
        out.append((node, _p(OWL + "sameAs"), n(WD + entity.wikidata)))
    if entity.geonames:
        out.append((node, _p(OWL + "sameAs"), n(f"{GEONAMES}{entity.geonames}/")))
    if entity.lon is not None and entity.lat is not None:
        geom = n(entity_iri(entity.key) + "/geometry")
        out += [(node, _p(GEO + "hasGeometry"), geom), (geom, A, _p(GEO + "Geometry")),
                (geom, _p(GEO + "asWKT"), Literal(f"POINT({entity.lon} {entity.lat})", datatype=WKT))]
    for i, merge in enumerate(sorted(entity.merges, key=lambda m: (m.lang, m.label, m.evidence))):
        ev = n(f"{entity_iri(entity.key)}/merge/{i}")
        out += [(node, _p(MKG + "mergedFrom"), ev), (ev, A, _p(MKG + "MergeEvidence")),
                (ev, _p(RDFS + "label"), _lit_lang(merge.label, merge.lang)),
                (ev, _p(MKG + "evidence"), Literal(merge.evidence)),
                (ev, _p(MKG + "confidence"), _double(merge.confidence))]
    return out


def entity_record(entity: Entity) -> tuple:
    """What :func:`entity_triples` reads of an entity, for the digest that decides whether its
    graph is rewritten: not its mention counts, which change with every article naming it (an
    add of 50 articles rewrote the graphs of every entity they mention). Hashable, so a process
    that builds again finds the digests of records it met before (:func:`kg.rdf.writer.entity_graphs`).

    >>> from kg.link.entity import Entity
    >>> gaza = Entity("LOC:gaza", "LOC", {"en": "Gaza"}, mention_counts={"en": 3})
    >>> entity_record(gaza) == entity_record(Entity("LOC:gaza", "LOC", {"en": "Gaza"}))
    True
    """
    return (entity.key, entity.type, tuple(sorted(entity.pref_labels.items())),
            frozenset(entity.alt_labels), entity.wikidata, entity.geonames, entity.lon, entity.lat,
            tuple([(m.label, m.lang, m.evidence, m.confidence) for m in entity.merges]))


def event_record(event: Event) -> tuple:
    """Every field of an event (what :func:`event_triples` reads), hashable: for the digest that
    decides whether its graph is rewritten (:func:`kg.rdf.writer.event_graphs`). The time as
    written (equal times in two zones are two records).

    >>> from datetime import datetime
    >>> from kg.events.event import Event
    >>> strike = Event("e1", "Attack", datetime(2023, 10, 9), "LOC:gaza", ["ORG:idf"], ["a1"])
    >>> event_record(strike)[:4]
    ('e1', 'Attack', '2023-10-09T00:00:00', 'LOC:gaza')
    >>> event_record(strike) == event_record(Event("e1", "Attack", datetime(2023, 10, 9), "LOC:gaza"))
    False
    """
    return (event.key, event.event_type, event.timestamp.isoformat() if event.timestamp else None,
            event.place, tuple(event.actors), tuple(event.articles), event.label, event.trigger,
            event.confidence, tuple((role, tuple(keys)) for role, keys in sorted(event.roles.items())))


def event_triples(event: Event) -> list[Triple]:
    """A reported happening as ``sem:Event`` with type, time, place, actors and its source articles."""
    node = n(event_iri(event.key))
    out: list[Triple] = [(node, A, _p(SEM + "Event")), (node, A, _p(SCHEMA + "Event")),
                         (node, _p(SEM + "eventType"), _p(MKG + event.event_type)),
                         (node, _p(MKG + "confidence"), _double(event.confidence))]
    if event.label:
        out.append((node, _p(RDFS + "label"), Literal(event.label)))
    if event.trigger:
        out.append((node, _p(MKG + "trigger"), Literal(event.trigger)))
    if event.timestamp:
        out.append((node, _p(SEM + "hasTimeStamp"), date_literal(event.timestamp)))
    if event.place:
        out.append((node, _p(SEM + "hasPlace"), _entity(event.place)))
    role_keys = {k for keys in event.roles.values() for k in keys}
    out += [(node, _p(SEM + "hasActor"), _entity(k)) for k in sorted(set(event.actors) | role_keys)]
    # the role of an actor, where known: sub-properties of sem:hasActor (ontologies/mkg.ttl)
    for role, prop in (("actor", "hasAgent"), ("target", "hasTarget")):
        out += [(node, _p(MKG + prop), _entity(k)) for k in event.roles.get(role, ())]
    out += [(node, _p(PROV + "wasDerivedFrom"), _article(a)) for a in sorted(set(event.articles))]
    return out


def story_link_triples(a_id: str, b_id: str, confidence: float, evidence: str = "") -> list[Triple]:
    """``mkg:sameStoryAs`` both ways, plus a link node carrying the confidence."""
    a, b = sorted((a_id, b_id))
    link = n(f"{article_iri(a)}/sameStoryAs/{b}")
    out: list[Triple] = [(_article(a), _p(MKG + "sameStoryAs"), _article(b)),
                         (_article(b), _p(MKG + "sameStoryAs"), _article(a)),
                         (link, A, _p(MKG + "StoryLink")),
                         (link, _p(MKG + "linksArticle"), _article(a)),
                         (link, _p(MKG + "linksArticle"), _article(b)),
                         (link, _p(MKG + "confidence"), _double(confidence))]
    if evidence:
        out.append((link, _p(MKG + "evidence"), Literal(evidence)))
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
    node = _edition(edition)
    name, lang = EDITION_NAMES.get(edition, (outlet or edition, language))
    out: list[Triple] = [(node, A, _p(SCHEMA + "Periodical")), (node, _p(SCHEMA + "name"), Literal(name)),
                         (node, _p(MKG + "editionKey"), Literal(edition))]
    if lang:
        out.append((node, _p(SCHEMA + "inLanguage"), Literal(lang)))
    return out
