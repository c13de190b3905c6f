"""Write the linked corpus into the store: one named graph per article, plus shared graphs.

The writer only writes quads: the records it is given (resolution, story links, events) come
from the corpus-level stages that :func:`kg.build.link_corpus` runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from tqdm import tqdm

from kg.rdf.store import GraphStore
from kg.rdf.triples import (
    LinkedMention,
    article_triples,
    edition_triples,
    entity_triples,
    event_triples,
    story_link_triples,
)
from kg.rdf.vocab import (
    EDITIONS_GRAPH,
    ENTITIES_GRAPH,
    EVENTS_GRAPH,
    LINKS_GRAPH,
    MKGR,
    ONTOLOGIES_DIR,
    ONTOLOGY_GRAPH,
    article_graph_iri,
)

if TYPE_CHECKING:  # records of the stages before this one, used by attribute only
    from kg.article import Article
    from kg.events.event import Event
    from kg.link.resolve import Resolution
    from kg.link.stories import StoryLink
    from kg.nlp.mention import Mention


def write_graph(store: GraphStore, articles: list[Article], mentions: dict[str, list[Mention]],
                resolution: Resolution, links: Sequence[StoryLink], events: Sequence[Event],
                progress: bool = False) -> None:
    """(Re)write every graph of the store from the linked corpus (``articles`` sorted by id).

    Article graphs of articles no longer in the corpus are dropped; graphs whose triples did not
    change are left alone by :meth:`GraphStore.replace_graph`.
    """
    wanted = {article_graph_iri(a.id) for a in articles}
    for graph in list(store.named_graphs()):
        if graph.startswith(f"{MKGR}graph/article/") and graph not in wanted:
            store.drop_graph(graph)
    for article in tqdm(articles, desc="writing", unit=" article", disable=not progress):
        linked = [LinkedMention(m, resolution.mention_entity(article.id, m)) for m in mentions[article.id]]
        triples = article_triples(article, linked, resolution.tag_entities(article))
        store.replace_graph(article_graph_iri(article.id), triples)

    store.replace_graph(ENTITIES_GRAPH, _flatten(entity_triples(e) for e in resolution.entities.values()))
    store.replace_graph(EVENTS_GRAPH, _flatten(event_triples(e) for e in events))
    store.replace_graph(LINKS_GRAPH, _flatten(
        story_link_triples(link.a_id, link.b_id, link.confidence, link.evidence) for link in links))
    store.replace_graph(EDITIONS_GRAPH, _flatten(
        edition_triples(e, lang, outlet) for e, (lang, outlet) in _editions(articles).items()))
    load_ontology(store)


def _editions(articles: list[Article]) -> dict[str, tuple[str | None, str | None]]:
    """Each edition's main language and outlet name (the most common; ties broken by value)."""
    from collections import Counter

    seen: dict[str, Counter] = {}
    for a in articles:
        if a.edition:
            seen.setdefault(a.edition, Counter())[(a.language or "", a.outlet or "")] += 1
    out = {}
    for edition in sorted(seen):
        (lang, outlet), _ = min(seen[edition].items(), key=lambda kv: (-kv[1], kv[0]))
        out[edition] = (lang or None, outlet or None)
    return out


def load_ontology(store: GraphStore) -> None:
    """The ontology (classes, properties, event types) goes into the store, so queries can use labels."""
    from pyoxigraph import RdfFormat, parse

    triples = []
    for path in sorted(ONTOLOGIES_DIR.glob("*.ttl")):
        if path.name == "shapes.ttl":
            continue
        triples += [(t.subject, t.predicate, t.object) for t in parse(path=str(path), format=RdfFormat.TURTLE)]
    store.replace_graph(ONTOLOGY_GRAPH, triples)


def _flatten(chunks: Iterable[list]) -> list:
    return [t for chunk in chunks for t in chunk]
