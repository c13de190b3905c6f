"""The CRF mention finder: a python-crfsuite model plus its feature extractor and gazetteer.

A model directory holds ``model.crfsuite``, ``meta.json`` (feature kind, options, measured
figures) and optionally ``gazetteer.tsv``. :class:`CRFFinder` implements
:class:`~kg.nlp.mention.MentionFinder`: text -> mentions with exact character offsets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pycrfsuite

from kg.nlp.conll import iob_to_spans
from kg.nlp.mention import Mention
from kg.nlp.statistical.features import EXTRACTORS, FeatureExtractor, Gazetteer, load_clusters
from kg.nlp.statistical.tokenize import Token, sentences, tokenize

EMIT_TYPES = frozenset({"PER", "ORG", "LOC", "EVENT"})


def build_extractor(meta: dict, model_dir: Path | None = None) -> FeatureExtractor:
    """The feature extractor a model was trained with, as described by its ``meta.json``."""
    kind = meta.get("features", "generic")
    gaz = None
    if model_dir is not None and (model_dir / "gazetteer.tsv").exists():
        gaz = Gazetteer.load(model_dir / "gazetteer.tsv", arabic=kind == "arabic")
    clusters = None
    if model_dir is not None and (model_dir / "clusters.tsv").exists():
        clusters = load_clusters(model_dir / "clusters.tsv")
    return EXTRACTORS[kind](gaz, meta.get("extra", ()), clusters)


class CRFFinder:
    """Finds PER/ORG/LOC/EVENT mentions with a trained CRF (MISC predictions are dropped)."""

    def __init__(self, model_dir: str | Path) -> None:
        self.model_dir = Path(model_dir)
        self.meta = json.loads((self.model_dir / "meta.json").read_text(encoding="utf-8"))
        self.lang: str = self.meta.get("lang", "xx")
        self.extract = build_extractor(self.meta, self.model_dir)
        self.kb_features: bool = bool(self.meta.get("kb_features", False))
        """The gazetteer holds the KB's names: the pipeline then lets this model's types win."""
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(self.model_dir / "model.crfsuite"))

    def tag(self, tokens: list[str]) -> list[str]:
        """IOB2 tags for one pre-tokenised sentence."""
        if not tokens:
            return []
        return list(self.tagger.tag(self.extract(tokens)))

    def _sentence_mentions(self, text: str, sent: list[Token]) -> list[Mention]:
        tags = self.tag([t.text for t in sent])
        out = []
        for s, e, typ in iob_to_spans(tags):
            if typ not in EMIT_TYPES:
                continue
            # confidence: the marginal of the first tag (cheap, after tag())
            conf = self.tagger.marginal(tags[s], s)
            start, end = sent[s].start, sent[e - 1].end
            cut = self.extract.trim(sent[s].text)
            if 0 < cut < end - start:
                start += cut
            out.append(Mention(start, end, text[start:end], typ, None, round(conf, 4), "model"))
        return out

    def find_in_tokens(self, text: str, tokens: list[Token]) -> list[Mention]:
        """Mentions in one pre-tokenised sentence of ``text`` (e.g. gold CoNLL tokens): the
        tokens are tagged as given, without re-tokenising or sentence splitting."""
        if not tokens:
            return []
        return self._sentence_mentions(text, tokens)

    def __call__(self, text: str) -> list[Mention]:
        """Mentions in ``text``; offsets are ``str`` indices into ``text``."""
        if not text or not text.strip():
            return []
        toks = tokenize(text)
        out: list[Mention] = []
        for sent in sentences(text, toks):
            out.extend(self._sentence_mentions(text, sent))
        return out
