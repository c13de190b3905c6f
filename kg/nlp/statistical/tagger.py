"""What every sequence-tagging mention finder shares: sentences in, IOB2 tags, mentions out.

A subclass implements :meth:`TaggerFinder.tag` (tokens -> IOB2 tags) and may implement
:meth:`TaggerFinder.confidence` and :meth:`TaggerFinder.trim`; this base turns tags into
:class:`~kg.nlp.mention.Mention` objects with exact character offsets, for raw text
(:meth:`__call__`, which tokenises and splits sentences) or for given tokens
(:meth:`find_in_tokens`, e.g. gold CoNLL tokens).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from kg.nlp.conll import iob_to_spans
from kg.nlp.mention import Mention
from kg.nlp.statistical.tokenize import Token, sentence_bounds, token_columns

EMIT_TYPES = frozenset({"PER", "ORG", "LOC", "EVENT"})
"""Types a finder reports (MISC predictions are dropped)."""
Spans = tuple[tuple[int, int, str, float], ...]
"""The mentions of a tokenised sentence: (first token, end token, type, confidence)."""
SENTENCE_CACHE = 2_000
"""Recent distinct sentences whose mentions a finder keeps (about 1 MB): on the real corpus 5,000
find 41 % of the Arabic sentences and 15 % of the English as repeats, and a larger cache no more."""


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

    def _sentence_spans(self, words: list[str]) -> Spans:
        """The mentions of one tokenised sentence, by :meth:`tag` and :meth:`confidence`."""
        tags = self.tag(words)
        if tags.count("O") == len(tags):
            return ()  # most sentences name nothing
        return tuple((s, e, typ, self.confidence(tags, s)) for s, e, typ in iob_to_spans(tags)
                     if typ in EMIT_TYPES)

    def spans_of_sentences(self, sentences: list[list[str]]) -> list[Spans]:
        """The mentions of each of ``sentences`` (tokenised, none empty); a finder that can
        tag several sentences at once does it here."""
        return [self._sentence_spans(words) for words in sentences]

    def _known_spans(self, sentences: list[list[str]]) -> list[Spans]:
        """:meth:`spans_of_sentences` of words from our tokenizer (never holding a line break),
        kept for sentences seen recently: scraped pages repeat lines (datelines, link lists,
        captions; a fifth of the Arabic corpus's tokens), and tagging depends on the words
        alone."""
        seen: OrderedDict[str, Spans] | None = self.__dict__.get("_seen_sentences")
        if seen is None:
            seen = self._seen_sentences = OrderedDict()
        keys = ["\n".join(words) for words in sentences]
        todo = {key: words for key, words in zip(keys, sentences, strict=True) if key not in seen}
        for key, spans in zip(todo, self.spans_of_sentences(list(todo.values())), strict=True):
            seen[key] = spans
        out = []
        for key in keys:
            seen.move_to_end(key)
            out.append(seen[key])
        while len(seen) > SENTENCE_CACHE:
            seen.popitem(last=False)
        return out

    def _sentence_mentions(self, text: str, sent: list[Token]) -> list[Mention]:
        words = [t.text for t in sent]
        return self._mentions(text, words, [t.start for t in sent], [t.end for t in sent], 0,
                              self.spans_of_sentences([words])[0])

    def _mentions(self, text: str, words: list[str], starts: list[int], ends: list[int],
                  first: int, spans: Spans) -> list[Mention]:
        """Mentions of the token ``spans`` of the sentence whose first token is ``first``."""
        out = []
        for s, e, typ, conf in spans:
            start, end = starts[first + s], ends[first + e - 1]
            cut = self.trim(words[first + s])
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

    def find_all(self, texts: list[str]) -> list[list[Mention]]:
        """:meth:`__call__` of each of ``texts``, their sentences tagged together (one call of
        :meth:`spans_of_sentences` for those not seen recently)."""
        columns = [token_columns(text) if text and text.strip() else ([], [], [])
                   for text in texts]
        bounds = [sentence_bounds(text, *cols) for text, cols in zip(texts, columns, strict=True)]
        spans = iter(self._known_spans([cols[0][a:b] for cols, sentences in
                                        zip(columns, bounds, strict=True) for a, b in sentences]))
        out: list[list[Mention]] = []
        for text, (words, starts, ends), sentences in zip(texts, columns, bounds, strict=True):
            found: list[Mention] = []
            for a, _ in sentences:
                sentence_spans = next(spans)
                if sentence_spans:
                    found.extend(self._mentions(text, words, starts, ends, a, sentence_spans))
            out.append(found)
        return out

    def __call__(self, text: str) -> list[Mention]:
        """Mentions in ``text``; offsets are ``str`` indices into ``text``."""
        return self.find_all([text])[0]


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
