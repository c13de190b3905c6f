"""The knowledge base: countries, regions, cities and curated entities; lookup by normalised label.

>>> from kg.kb import KnowledgeBase
>>> kb = KnowledgeBase.load()
>>> kb.lookup("Líbano", "es")[0].id
'country:LB'
"""

from kg.kb.base import KBEntity, KnowledgeBase

__all__ = ["KBEntity", "KnowledgeBase", "load"]


def load() -> KnowledgeBase:
    """The cached default :class:`KnowledgeBase` (same as ``KnowledgeBase.load()``)."""
    return KnowledgeBase.load()
