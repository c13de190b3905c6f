"""Write the whole corpus into the store: one named graph per article, plus shared graphs.

Linking (entities, story links, events) runs here over all documents because its answers depend on
the whole corpus; every graph is then rewritten, so the store always matches the documents exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tqdm import tqdm

from kg.docstore import Document
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


@dataclass
class WriteStats:
    entities: int = 0
    events: int = 0
    story_links: int = 0


def write_graph(store: GraphStore, docs: dict[str, Document], progress: bool = False,
                translate: bool = True, offline: bool = False) -> WriteStats:
    """Resolve entities, link stories, merge events, and (re)write every graph of the store.

    Translations (``translate``), Wikidata reconciliations and story embeddings are cached in the
    store folder, so a rebuild gives the same graph offline. ``offline`` (or ``MKG_OFFLINE=1``)
    sends no request at all and uses cached answers only.
    """
    from kg.events.extract import extract_events
    from kg.link.project import project_mentions
    from kg.link.reconcile import Reconciler
    from kg.link.resolve import resolve_entities
    from kg.link.stories import link_stories
    from kg.link.translate import TranslationCache

    work_dir = store.path
    translator = None
    if translate and work_dir is not None:
        translator = TranslationCache(store_dir=work_dir, online=False if offline else None)
    linking: dict[str, object] = {"translator": translator,
                                  "reconciler": Reconciler(work_dir, offline=offline)}
    ordered = [docs[k] for k in sorted(docs)]
    pairs = [(d.article, d.mentions) for d in ordered]
    resolution = resolve_entities(pairs, **linking)
    links = link_stories([d.article for d in ordered], resolution, cache_dir=work_dir,
                         translator=translator)
    mentions = {d.article.id: list(d.mentions) for d in ordered}
    if links:
        for aid, found in project_mentions(pairs, links, resolution).items():
            mentions[aid] = sorted([*mentions[aid], *found], key=lambda m: (m.start, m.end))
        pairs = [(d.article, mentions[d.article.id]) for d in ordered]
        resolution = resolve_entities(pairs, story_links=links, **linking)
    events = extract_events(pairs, resolution, links)

    wanted = {article_graph_iri(d.article.id) for d in ordered}
    for graph in list(store.named_graphs()):
        if graph.startswith(f"{MKGR}graph/article/") and graph not in wanted:
            store.drop_graph(graph)
    for doc in tqdm(ordered, desc="writing", unit=" article", disable=not progress):
        linked = [LinkedMention(m, resolution.mention_entity(doc.article.id, m))
                  for m in mentions[doc.article.id]]
        triples = article_triples(doc.article, linked, resolution.tag_entities(doc.article))
        store.replace_graph(article_graph_iri(doc.article.id), triples)

    store.replace_graph(ENTITIES_GRAPH, _flatten(entity_triples(e) for e in resolution.entities.values()))
    store.replace_graph(EVENTS_GRAPH, _flatten(event_triples(e) for e in events))
    store.replace_graph(LINKS_GRAPH, _flatten(
        story_link_triples(link.a_id, link.b_id, link.confidence, link.evidence) for link in links))
    store.replace_graph(EDITIONS_GRAPH, _flatten(
        edition_triples(e, lang, outlet) for e, (lang, outlet) in _editions(ordered).items()))
    load_ontology(store)
    return WriteStats(len(resolution.entities), len(events), len(links))


def _editions(docs: list[Document]) -> dict[str, tuple[str | None, str | None]]:
    """Each edition's main language and outlet name (the most common; ties broken by value)."""
    from collections import Counter

    seen: dict[str, Counter] = {}
    for d in docs:
        if d.article.edition:
            seen.setdefault(d.article.edition, Counter())[(d.article.language or "", d.article.outlet or "")] += 1
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
