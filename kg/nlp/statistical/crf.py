"""The CRF mention finder: a CRFsuite model plus its feature extractor and gazetteer.

A model directory holds ``model.crfsuite``, ``meta.json`` (feature kind, options, measured
figures) and optionally ``gazetteer.tsv``. :class:`CRFFinder` implements
:class:`~kg.nlp.mention.MentionFinder`: text -> mentions with exact character offsets. It
decodes with the model's weights as numpy arrays (:mod:`kg.nlp.statistical.linear_chain`), all
the sentences of a text at once; python-crfsuite trains the models and tags with the
extractors that :class:`~kg.nlp.statistical.known_features.KnownScores` does not reproduce.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pycrfsuite

from kg.nlp.conll import iob_to_spans
from kg.nlp.statistical.features import EXTRACTORS, FeatureExtractor, Gazetteer, load_clusters
from kg.nlp.statistical.known_features import KnownScores
from kg.nlp.statistical.linear_chain import LinearChainModel, best_paths, marginals
from kg.nlp.statistical.tagger import EMIT_TYPES, Spans, TaggerFinder


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
        self.model = LinearChainModel.read(self.model_dir / "model.crfsuite")
        self.scores = KnownScores(self.extract, self.model) if KnownScores.supports(self.extract) else None
        self._tagger: pycrfsuite.Tagger | None = None
        self._last: list[np.ndarray] = []

    @property
    def tagger(self) -> pycrfsuite.Tagger:
        """CRFsuite's own tagger of the model (for the extractors :class:`KnownScores` does not
        reproduce, and to compare with)."""
        if self._tagger is None:
            self._tagger = pycrfsuite.Tagger()
            self._tagger.open(str(self.model_dir / "model.crfsuite"))
        return self._tagger

    def tag(self, tokens: list[str]) -> list[str]:
        """IOB2 tags for one pre-tokenised sentence."""
        if not tokens:
            return []
        if self.scores is None:
            return self.tagger.tag(self.extract(tokens))
        self._last = self.scores([tokens])
        return [self.model.labels[i] for i in best_paths(self._last, self.model.transition)[0]]

    def confidence(self, tags: list[str], index: int) -> float:
        """The CRF marginal of ``tags[index]`` in the sentence :meth:`tag` saw last."""
        if self.scores is None:
            return self.tagger.marginal(tags[index], index)
        probs = marginals(self._last, self.model.transition)[0]
        return float(probs[index, self.model.labels.index(tags[index])])

    def spans_of_sentences(self, sentences: list[list[str]]) -> list[Spans]:
        """:meth:`~TaggerFinder.spans_of_sentences`, the sentences decoded together; marginals
        only for those that name something."""
        if self.scores is None:
            return super().spans_of_sentences(sentences)
        scores = self.scores(sentences)
        labels = self.model.labels
        tagged = [[labels[i] for i in path] for path in best_paths(scores, self.model.transition)]
        spans = [[(s, e, typ) for s, e, typ in iob_to_spans(tags) if typ in EMIT_TYPES]
                 if tags.count("O") < len(tags) else [] for tags in tagged]
        naming = [i for i, found in enumerate(spans) if found]
        out: list[Spans] = [()] * len(sentences)
        index = {label: i for i, label in enumerate(labels)}
        for i, probs in zip(naming, marginals([scores[i] for i in naming], self.model.transition),
                            strict=True):
            out[i] = tuple((s, e, typ, float(probs[s, index[tagged[i][s]]]))
                           for s, e, typ in spans[i])
        return out

    def trim(self, token: str) -> int:
        return self.extract.trim(token)
