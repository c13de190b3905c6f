"""Node metrics of a weighted, undirected network: centrality, communities, cores.

Every function is deterministic: PageRank is exact (power iteration), betweenness is exact up
to :data:`EXACT_BETWEENNESS_MAX` nodes and sampled with a fixed seed above, Louvain runs with
``seed=42`` and communities are numbered largest first.

>>> G = nx.star_graph(4)                  # node 0 is the hub
>>> max(pagerank(G), key=pagerank(G).get)
0
>>> communities(nx.barbell_graph(4, 0))
[{0, 1, 2, 3}, {4, 5, 6, 7}]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

__all__ = [
    "EXACT_BETWEENNESS_MAX",
    "BETWEENNESS_SAMPLES",
    "SEED",
    "NetworkMetrics",
    "degree",
    "strength",
    "pagerank",
    "betweenness",
    "communities",
    "community_of",
    "core_number",
    "network_metrics",
]

SEED = 42
#: Above this many nodes betweenness is estimated from :data:`BETWEENNESS_SAMPLES` sources.
EXACT_BETWEENNESS_MAX = 3000
BETWEENNESS_SAMPLES = 500


# -- centrality --------------------------------------------------------------------------------

def degree(G: nx.Graph) -> dict[str, int]:
    """Number of neighbours of each node.

    >>> degree(nx.path_graph(3))
    {0: 1, 1: 2, 2: 1}
    """
    return dict(G.degree())


def strength(G: nx.Graph, weight: str = "weight") -> dict[str, float]:
    """Weighted degree: the sum of the weights of a node's edges (co-occurring article pairs).

    >>> G = nx.Graph([(0, 1, {"weight": 3}), (1, 2, {"weight": 1})])
    >>> strength(G)
    {0: 3, 1: 4, 2: 1}
    """
    return dict(G.degree(weight=weight))


def pagerank(G: nx.Graph, weight: str = "weight", alpha: float = 0.85) -> dict[str, float]:
    """Weighted PageRank (sums to 1; isolated nodes get the teleport share).

    >>> round(sum(pagerank(nx.path_graph(5)).values()), 6)
    1.0
    """
    if G.number_of_nodes() == 0:
        return {}
    return nx.pagerank(G, alpha=alpha, weight=weight, max_iter=1000, tol=1e-10)


def betweenness(
    G: nx.Graph,
    exact_max: int = EXACT_BETWEENNESS_MAX,
    samples: int = BETWEENNESS_SAMPLES,
    seed: int = SEED,
) -> dict[str, float]:
    """Normalised shortest-path betweenness (hops, unweighted).

    Exact up to ``exact_max`` nodes; above it, estimated from ``samples`` source nodes drawn with
    ``seed`` (Brandes-Pich sampling), so the numbers are reproducible.

    >>> b = betweenness(nx.path_graph(3))
    >>> b[1], b[0]
    (1.0, 0.0)
    """
    n = G.number_of_nodes()
    if n == 0:
        return {}
    k = None if n <= exact_max else min(samples, n)
    return nx.betweenness_centrality(G, k=k, normalized=True, seed=seed)


# -- groups ------------------------------------------------------------------------------------

def communities(G: nx.Graph, weight: str = "weight", seed: int = SEED) -> list[set]:
    """Louvain communities (``seed=42``), largest first, ties broken by smallest member.

    Isolated nodes each form their own community.
    """
    if G.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(G, weight=weight, seed=seed)
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(map(str, c))))


def community_of(groups: list[set]) -> dict[str, int]:
    """Node -> index of its community in ``groups`` (0 is the largest).

    >>> community_of([{"a", "b"}, {"c"}])["c"]
    1
    """
    return {node: i for i, group in enumerate(groups) for node in group}


def core_number(G: nx.Graph) -> dict[str, int]:
    """k-core number: the largest k such that the node belongs to the k-core.

    >>> core_number(nx.complete_graph(4))[0]
    3
    """
    H = G.copy()
    H.remove_edges_from(nx.selfloop_edges(H))
    return nx.core_number(H)


# -- all at once -------------------------------------------------------------------------------

@dataclass
class NetworkMetrics:
    """All node metrics of one network; each field maps node -> value."""

    degree: dict = field(default_factory=dict)
    strength: dict = field(default_factory=dict)
    pagerank: dict = field(default_factory=dict)
    betweenness: dict = field(default_factory=dict)
    core: dict = field(default_factory=dict)
    community: dict = field(default_factory=dict)
    communities: list[set] = field(default_factory=list)
    betweenness_exact: bool = True

    def ranked(self, by: str = "pagerank") -> list:
        """Nodes from highest to lowest ``by`` (ties by node id)."""
        values = getattr(self, by)
        return sorted(values, key=lambda node: (-values[node], str(node)))


def network_metrics(G: nx.Graph, seed: int = SEED,
                    exact_betweenness_max: int = EXACT_BETWEENNESS_MAX) -> NetworkMetrics:
    """Degree, strength, PageRank, betweenness, k-core and Louvain communities of ``G``.

    >>> m = network_metrics(nx.barbell_graph(4, 0))
    >>> m.ranked("betweenness")[:2]
    [3, 4]
    """
    groups = communities(G, seed=seed)
    return NetworkMetrics(
        degree=degree(G),
        strength=strength(G),
        pagerank=pagerank(G),
        betweenness=betweenness(G, exact_max=exact_betweenness_max, seed=seed),
        core=core_number(G),
        community=community_of(groups),
        communities=groups,
        betweenness_exact=G.number_of_nodes() <= exact_betweenness_max,
    )
