"""The records linking produces: one :class:`Entity` per real-world entity, whatever the language."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Merge:
    """Why two labels were judged one entity: the evidence kind and how sure we are."""

    label: str
    lang: str
    evidence: str  # "kb-id", "normalised-key", "romanisation", "fuzzy", "translation", "same-story", ...
    confidence: float
    matched: str = ""  # the label (or KB id) it was matched to


@dataclass
class Entity:
    """One node of the graph.

    ``key`` is stable and independent of input order (a knowledge-base id such as ``"kb:donald_trump"``
    or ``"geo:293397"``, else a type-qualified normalised label such as ``"PER:hassan_nasrallah"``);
    the RDF builder turns it into the node's IRI.
    """

    key: str
    type: str  # PER, ORG, LOC, EVENT
    pref_labels: dict[str, str] = field(default_factory=dict)  # lang -> label
    alt_labels: set[tuple[str, str]] = field(default_factory=set)  # (label, lang)
    wikidata: str | None = None  # "Q22686"
    geonames: str | None = None  # "293397"
    lon: float | None = None
    lat: float | None = None
    merges: list[Merge] = field(default_factory=list)
    mention_counts: dict[str, int] = field(default_factory=dict)  # lang -> mentions (and tags) seen

    @property
    def languages(self) -> list[str]:
        """Languages the entity was actually met in (not only labelled in by the KB)."""
        return sorted(lang for lang, n in self.mention_counts.items() if n)
