"""Network analysis of the news graph: co-occurrence networks, centrality, communities,
edition comparison and timelines, written back into the store and to a report.

>>> from pathlib import Path
>>> import tempfile
>>> from kg.analysis import run_analysis
>>> from kg.analysis.sample import sample_store
>>> print(run_analysis(sample_store(), Path(tempfile.mkdtemp())).summary())  # doctest: +ELLIPSIS
analysed 8 articles in 3 editions: 9 entities, ...
"""

from kg.analysis.corpus import Corpus, load_corpus
from kg.analysis.metrics import NetworkMetrics, network_metrics
from kg.analysis.networks import (
    article_entity_graph,
    cooccurrence_graph,
    edition_cooccurrence_graphs,
    entity_event_graph,
)
from kg.analysis.report import AnalysisReport, run_analysis

__all__ = [
    "AnalysisReport",
    "Corpus",
    "NetworkMetrics",
    "article_entity_graph",
    "cooccurrence_graph",
    "edition_cooccurrence_graphs",
    "entity_event_graph",
    "load_corpus",
    "network_metrics",
    "run_analysis",
]
