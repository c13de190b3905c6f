"""Networks built from a :class:`~kg.analysis.corpus.Corpus`, as networkx graphs.

- :func:`cooccurrence_graph` -- entities linked when the same article mentions both; the edge
  ``weight`` is the number of such articles (optionally within one edition).
- :func:`article_entity_graph` -- the bipartite article-mentions-entity graph.
- :func:`entity_event_graph` -- events linked to their actors and places.

Node ids are IRIs; nodes carry ``type``, ``label`` and ``articles`` (the article count).

>>> from kg.analysis.sample import sample_store
>>> from kg.analysis.corpus import load_corpus
>>> G = cooccurrence_graph(load_corpus(sample_store()))
>>> gaza, israel = (f"https://w3id.org/mkg/resource/entity/LOC:{k}" for k in ("gaza", "israel"))
>>> G[gaza][israel]["weight"]
3
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import networkx as nx

from kg.analysis.corpus import Corpus, local_name

__all__ = [
    "cooccurrence_graph",
    "edition_cooccurrence_graphs",
    "article_entity_graph",
    "entity_event_graph",
]


def cooccurrence_graph(corpus: Corpus, edition: str | None = None) -> nx.Graph:
    """Entity co-occurrence: ``weight`` = number of articles that mention both ends.

    Every entity mentioned at least once is a node, also when it never co-occurs. With
    ``edition`` (an IRI, slug or name) only that edition's articles count.
    """
    wanted = corpus.resolve_edition(edition) if edition is not None else None
    counts: Counter[tuple[str, str]] = Counter()
    articles: Counter[str] = Counter()
    for article, entities in corpus.mentions.items():
        info = corpus.articles.get(article)
        if info is None or (wanted is not None and info.edition != wanted):
            continue
        ordered = sorted(entities)
        articles.update(ordered)
        counts.update(combinations(ordered, 2))
    G = nx.Graph(name="co-occurrence" + (f" ({corpus.edition_name(wanted)})" if wanted else ""))
    for entity in sorted(articles):
        info = corpus.entity(entity)
        G.add_node(entity, type=info.type, label=info.label("en"), articles=articles[entity])
    G.add_weighted_edges_from((u, v, w) for (u, v), w in sorted(counts.items()))
    return G


def edition_cooccurrence_graphs(corpus: Corpus) -> dict[str, nx.Graph]:
    """One co-occurrence graph per edition (keyed by edition IRI), largest edition first."""
    return {ed: cooccurrence_graph(corpus, ed) for ed in corpus.edition_sizes()}


def article_entity_graph(corpus: Corpus) -> nx.Graph:
    """Bipartite graph: articles (``bipartite=0``) linked to the entities they mention (``1``).

    >>> from kg.analysis.sample import sample_store
    >>> from kg.analysis.corpus import load_corpus
    >>> B = article_entity_graph(load_corpus(sample_store()))
    >>> sorted({d["bipartite"] for _, d in B.nodes(data=True)})
    [0, 1]
    """
    B = nx.Graph(name="article-entity")
    for iri, info in sorted(corpus.articles.items()):
        B.add_node(iri, bipartite=0, kind="article", label=info.headline or local_name(iri),
                   edition=info.edition, date=info.published[:10])
    for article, entities in sorted(corpus.mentions.items()):
        if article not in corpus.articles:
            continue
        for entity in sorted(entities):
            if entity not in B:
                info = corpus.entity(entity)
                B.add_node(entity, bipartite=1, kind="entity", type=info.type, label=info.label())
            B.add_edge(article, entity)
    for entity, d in B.nodes(data=True):
        if d["bipartite"] == 1:
            d["articles"] = B.degree(entity)
    return B


def entity_event_graph(corpus: Corpus) -> nx.Graph:
    """Events linked to their actors (``role="actor"``) and places (``role="place"``).

    Event nodes have ``kind="event"`` with ``type`` the event type (``Attack``); entity nodes
    ``kind="entity"``. Edge ``weight`` is the number of articles the event was derived from.
    """
    G = nx.Graph(name="entity-event")
    for iri, ev in sorted(corpus.events.items()):
        G.add_node(iri, kind="event", bipartite=0, type=ev.type, label=ev.label or local_name(iri),
                   articles=len(ev.articles), date=ev.timestamp[:10])
        for role, members in (("actor", ev.actors), ("place", ev.places)):
            for entity in sorted(members):
                if entity not in G:
                    info = corpus.entity(entity)
                    G.add_node(entity, kind="entity", bipartite=1, type=info.type,
                               label=info.label())
                G.add_edge(iri, entity, role=role, weight=max(1, len(ev.articles)))
    return G
