"""The CRF mention finder: a python-crfsuite model plus its feature extractor and gazetteer.

A model directory holds ``model.crfsuite``, ``meta.json`` (feature kind, options, measured
figures) and optionally ``gazetteer.tsv``. :class:`CRFFinder` implements
:class:`~kg.nlp.mention.MentionFinder`: text -> mentions with exact character offsets.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pycrfsuite

from kg.nlp.statistical.features import EXTRACTORS, FeatureExtractor, Gazetteer, load_clusters
from kg.nlp.statistical.known_features import KnownFeatures, model_attributes
from kg.nlp.statistical.tagger import TaggerFinder


def build_extractor(meta: dict, model_dir: Path | None = None) -> FeatureExtractor:
    """The feature extractor a model was trained with, as described by its ``meta.json``."""
    kind = meta.get("features", "generic")
    gaz = Gazetteer.of_model(model_dir, arabic=kind == "arabic") if model_dir else None
    clusters = None
    if model_dir is not None and (model_dir / "clusters.tsv").exists():
        clusters = load_clusters(model_dir / "clusters.tsv")
    return EXTRACTORS[kind](gaz, meta.get("extra", ()), clusters)


class CRFFinder(TaggerFinder):
    """Finds PER/ORG/LOC/EVENT mentions with a trained CRF (MISC predictions are dropped)."""

    def __init__(self, model_dir: str | Path) -> None:
        self.model_dir = Path(model_dir)
        self.meta = json.loads((self.model_dir / "meta.json").read_text(encoding="utf-8"))
        self.lang = self.meta.get("lang", "xx")
        self.extract = build_extractor(self.meta, self.model_dir)
        self.kb_features = bool(self.meta.get("kb_features", False))
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(self.model_dir / "model.crfsuite"))
        # the same tags from fewer features: only those the model has weights for (see there)
        self.features: Callable[[list[str]], list[list[str]]] = (
            KnownFeatures(self.extract, model_attributes(self.model_dir / "model.crfsuite"))
            if KnownFeatures.supports(self.extract) else self.extract)

    def tag(self, tokens: list[str]) -> list[str]:
        """IOB2 tags for one pre-tokenised sentence."""
        if not tokens:
            return []
        return self.tagger.tag(self.features(tokens))

    def confidence(self, tags: list[str], index: int) -> float:
        """The CRF marginal of ``tags[index]`` (cheap, after :meth:`tag`)."""
        return self.tagger.marginal(tags[index], index)

    def trim(self, token: str) -> int:
        return self.extract.trim(token)
