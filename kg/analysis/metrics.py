"""Node metrics of a weighted, undirected network: centrality, communities, cores.

Every function is deterministic: PageRank is exact (power iteration), betweenness is exact up
to :data:`EXACT_BETWEENNESS_MAX` nodes (and :data:`BETWEENNESS_WORK` nodes x edges) and sampled
with a fixed seed above, Louvain runs with ``seed=42`` and communities are numbered largest first.

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
    "BETWEENNESS_WORK",
    "SEED",
    "NetworkMetrics",
    "degree",
    "strength",
    "pagerank",
    "betweenness",
    "betweenness_samples",
    "communities",
    "community_of",
    "core_number",
    "network_metrics",
]

SEED = 42
#: Betweenness is exact up to this many nodes, and while nodes x edges stays within
#: :data:`BETWEENNESS_WORK`; above either it is estimated from a seeded sample of sources.
EXACT_BETWEENNESS_MAX = 2000
#: About how many edge visits exact betweenness may cost (one BFS per source visits every edge).
BETWEENNESS_WORK = 20_000_000
#: Bounds on the number of sampled sources (their count is BETWEENNESS_WORK / edges, clamped).
BETWEENNESS_SAMPLES = (50, 500)


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


def betweenness_samples(G: nx.Graph, exact_max: int = EXACT_BETWEENNESS_MAX,
                        work: int = BETWEENNESS_WORK) -> int | None:
    """How many source nodes :func:`betweenness` samples, or ``None`` when it is exact.

    >>> betweenness_samples(nx.path_graph(10)) is None
    True
    >>> betweenness_samples(nx.complete_graph(2500))
    50
    """
    n, m = G.number_of_nodes(), G.number_of_edges()
    if n <= exact_max and n * m <= work:
        return None
    low, high = BETWEENNESS_SAMPLES
    return min(n, max(low, min(high, work // max(m, 1))))


def betweenness(
    G: nx.Graph,
    exact_max: int = EXACT_BETWEENNESS_MAX,
    samples: int | None = None,
    seed: int = SEED,
    work: int = BETWEENNESS_WORK,
) -> dict[str, float]:
    """Normalised shortest-path betweenness (hops, unweighted).

    Exact for graphs of up to ``exact_max`` nodes whose nodes x edges is within ``work``; above,
    estimated from ``samples`` source nodes (default: :func:`betweenness_samples`) drawn with
    ``seed`` (Brandes-Pich sampling), so the numbers are reproducible.

    >>> b = betweenness(nx.path_graph(3))
    >>> b[1], b[0]
    (1.0, 0.0)
    """
    if G.number_of_nodes() == 0:
        return {}
    k = betweenness_samples(G, exact_max, work)
    if k is not None and samples is not None:
        k = min(samples, G.number_of_nodes())
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
    if nx.number_of_selfloops(G) == 0:
        return nx.core_number(G)
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
                    exact_betweenness_max: int = EXACT_BETWEENNESS_MAX,
                    with_betweenness: bool = True) -> NetworkMetrics:
    """Degree, strength, PageRank, betweenness, k-core and Louvain communities of ``G``.

    ``with_betweenness=False`` skips the one costly metric (its values are then all 0).

    >>> m = network_metrics(nx.barbell_graph(4, 0))
    >>> m.ranked("betweenness")[:2]
    [3, 4]
    """
    groups = communities(G, seed=seed)
    return NetworkMetrics(
        degree=degree(G),
        strength=strength(G),
        pagerank=pagerank(G),
        betweenness=(betweenness(G, exact_max=exact_betweenness_max, seed=seed)
                     if with_betweenness else dict.fromkeys(G, 0.0)),
        core=core_number(G),
        community=community_of(groups),
        communities=groups,
        betweenness_exact=betweenness_samples(G, exact_betweenness_max) is None,
    )
