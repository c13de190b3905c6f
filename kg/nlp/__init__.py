"""Entity mention finding: statistical NER models, the knowledge-base matcher, and their fusion.

The public entry point is :func:`kg.nlp.pipeline.find_mentions` (text, language) -> list of
:class:`~kg.nlp.mention.Mention`. Every finder has the same interface (:class:`MentionFinder`).
"""

from kg.nlp.mention import ENTITY_TYPES, Mention, MentionFinder

__all__ = ["ENTITY_TYPES", "Mention", "MentionFinder"]
