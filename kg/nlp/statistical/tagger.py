"""What every sequence-tagging mention finder shares: sentences in, IOB2 tags, mentions out.

A subclass implements :meth:`TaggerFinder.tag` (tokens -> IOB2 tags) and may implement
:meth:`TaggerFinder.confidence` and :meth:`TaggerFinder.trim`; this base turns tags into
:class:`~kg.nlp.mention.Mention` objects with exact character offsets, for raw text
(:meth:`__call__`, which tokenises and splits sentences) or for given tokens
(:meth:`find_in_tokens`, e.g. gold CoNLL tokens).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from kg.nlp.conll import iob_to_spans
from kg.nlp.mention import Mention
from kg.nlp.statistical.tokenize import Token, sentences, tokenize

EMIT_TYPES = frozenset({"PER", "ORG", "LOC", "EVENT"})
"""Types a finder reports (MISC predictions are dropped)."""


class TaggerFinder:
    """Base class of the statistical finders (:class:`~kg.nlp.statistical.crf.CRFFinder`,
    :class:`~kg.nlp.statistical.neural.BiLstmCrfFinder`)."""

    lang: str = "xx"
    meta: dict
    kb_features: bool = False
    """The model's gazetteer holds the KB's names: the pipeline then lets this model's types win."""

    def tag(self, tokens: list[str]) -> list[str]:
        """IOB2 tags for one pre-tokenised sentence."""
        raise NotImplementedError

    def confidence(self, tags: list[str], index: int) -> float:
        """Probability of ``tags[index]`` in the sentence :meth:`tag` saw last."""
        return 1.0

    def trim(self, token: str) -> int:
        """How many leading characters of a mention's first token are not part of the name."""
        return 0

    def _sentence_mentions(self, text: str, sent: list[Token]) -> list[Mention]:
        tags = self.tag([t.text for t in sent])
        if tags.count("O") == len(tags):
            return []  # most sentences name nothing
        out = []
        for s, e, typ in iob_to_spans(tags):
            if typ not in EMIT_TYPES:
                continue
            conf = self.confidence(tags, s)
            start, end = sent[s].start, sent[e - 1].end
            cut = self.trim(sent[s].text)
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


def _crf(model_dir: Path) -> TaggerFinder:
    from kg.nlp.statistical.crf import CRFFinder

    return CRFFinder(model_dir)


def _bilstm_crf(model_dir: Path) -> TaggerFinder:
    from kg.nlp.statistical.neural import BiLstmCrfFinder

    return BiLstmCrfFinder(model_dir)


FINDER_KINDS: dict[str, Callable[[Path], TaggerFinder]] = {
    "crf": _crf,
    "bilstm-crf": _bilstm_crf,
}
"""How to load a model directory, by the ``kind`` its ``meta.json`` declares."""


def load_finder(model_dir: str | Path) -> TaggerFinder:
    """The finder for a trained model directory, of the kind its ``meta.json`` names.

    >>> load_finder(Path("kg/nlp/models/en")).lang          # doctest: +SKIP
    'en'
    """
    model_dir = Path(model_dir)
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    kind = meta.get("kind", "crf")
    if kind not in FINDER_KINDS:
        raise ValueError(f"{model_dir / 'meta.json'}: unknown model kind {kind!r} "
                         f"(known: {', '.join(FINDER_KINDS)})")
    return FINDER_KINDS[kind](model_dir)
