"""Find entity mentions: the statistical model of a language fused with the KB matcher.

``find_mentions(text, lang) -> list[Mention]`` is the public entry point. Per language, a
registry (:data:`MODEL_FACTORIES`) says how to build the statistical finder; models and the
KB matcher (:mod:`kg.nlp.kb_matcher`, when importable) are loaded lazily, once per process.

Fusion rules (:func:`fuse`):

* overlapping candidates: the longer span wins; on equal length the KB mention wins when the
  types agree or the model is unsure (confidence < 0.9), otherwise the model's typing wins
  (for ``model_first`` models a confident KB hit types the span: "Reino Unido" is a place, see
  :data:`TYPED_KB_HITS`);
* a model span identical to a KB span of the same type takes the KB's ``entity`` id
  (``source="kb"``); other model-only spans keep ``entity=None`` (linking fills it later);
* model spans that are pieces of one confident KB name ("EE" and "UU" of "EE. UU.") are
  replaced by that name, and a model span that is only confident KB names joined by a comma or
  a conjunction ("Facebook and Instagram", "فيسبوك وإنستغرام") by those names, for every language;
* KB-only spans (no overlapping model span) are kept when the KB is sure of them (confidence
  >= :data:`KB_ONLY_MIN_CONFIDENCE`); measured on the gold data they are mostly annotation-
  convention disagreements or common words that are also place names, so weaker ones are dropped.

Text is processed in chunks of at most :data:`CHUNK_CHARS` characters cut at line breaks (or
sentence ends, or whitespace), so arbitrarily long input works; offsets are always ``str``
indices into the original text. Empty text and unknown languages give ``[]``.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from kg.collector import collector_paused, drop_method_caches
from kg.nlp.mention import Mention, MentionFinder

if TYPE_CHECKING:
    from kg.nlp.statistical.tokenize import Token

log = logging.getLogger(__name__)

MODELS = Path(__file__).resolve().parent / "models"
KB_ONLY_MIN_CONFIDENCE = 0.95
"""A KB mention no model span overlaps is kept only at this confidence or above."""
TYPED_KB_HITS = True
"""For models that read the KB's names as features (es): a confident KB name on exactly a model
span gives it the KB's type. Measured: es 0.802 -> 0.807 F1; for en and ar it cost 0.2 and 0.1
points on the gold sets (CoNLL types sports teams named after cities as ORG), so there the
model's confident type stays on the mention; linking gives the entity the KB's type anyway."""
CHUNK_CHARS = 100_000
NOT_NAMES_ALONE: dict[str, frozenset[str]] = {
    "en": frozenset("""muslim muslims jew jews jewish christians sunni sunnis shia shiite
        shiites god allah hebrew arabic qatari gazan gazans islamophobia antisemitism tens dozens
        hundreds thousands""".split()),
    "es": frozenset("presidente presidenta mandatario mandataria".split()),
}
"""Words the statistical model sometimes takes for a whole name, which name no one thing: a
faith's believers, a people, a deity, a language (CoNLL tags them MISC, which is dropped), a
sentence's first quantity ("Tens of thousands") and, in Spanish, the office of whoever holds it
("el Mandatario", typed an organisation). On the corpus "Muslim" had been the ninth most
mentioned person of the graph and "God" the fourteenth. A longer name holding one stays;
"Gobierno", "Estado" and "Ejecutivo" alone are organisations in the Spanish gold and stay, and
"Christian" alone may be a man's first name."""
"""Longest piece of text handed to a finder at once."""


def _trained(lang: str) -> Callable[[], MentionFinder]:
    """The model shipped in ``models/<lang>``, of whatever kind its ``meta.json`` names."""
    def make() -> MentionFinder:
        from kg.nlp.statistical.tagger import load_finder

        return load_finder(MODELS / lang)
    return make


MODEL_FACTORIES: dict[str, Callable[[], MentionFinder]] = {
    "en": _trained("en"),
    "es": _trained("es"),
    "ar": _trained("ar"),
}
"""How to build each language's statistical finder (a registry, not an if-chain)."""


@cache
def model_finder(lang: str) -> MentionFinder | None:
    """The statistical finder for ``lang`` (cached), or None for an unsupported language."""
    factory = MODEL_FACTORIES.get(lang)
    if factory is None:
        return None
    with collector_paused():  # a model's tables are many small objects: 5.4 -> 4.0 s for three
        return _loaded(factory())


@cache
def kb_finder(lang: str) -> MentionFinder | None:
    """The KB matcher for ``lang`` (cached), or None when :mod:`kg.nlp.kb_matcher` is absent."""
    try:
        from kg.nlp.kb_matcher import KBMatcher  # type: ignore[import-not-found]
    except ImportError:
        return None
    try:
        with collector_paused():
            return _loaded(KBMatcher(lang))
    except Exception as exc:  # noqa: BLE001 - a broken KB must not stop NER
        log.warning("KB matcher for %s unavailable: %s", lang, exc)
        return None


def load_finders(langs: Iterable[str]) -> None:
    """Load the finders of ``langs`` now. Called before extraction forks its worker processes,
    which then share the models' memory instead of each loading its own: with two workers the
    peak memory of extraction halves (982 -> 514 MB PSS on 90 real articles)."""
    for lang in sorted(set(langs)):
        find_mentions("Gaza", lang)  # any text: the first call loads everything the language needs


#: the finders :func:`model_finder` and :func:`kb_finder` made (for :func:`release_finders`)
_LOADED: list[MentionFinder] = []


def _loaded(finder: MentionFinder) -> MentionFinder:
    _LOADED.append(finder)
    return finder


def release_finders(indexes: bool = False) -> None:
    """Forget the loaded finders (after extraction: linking does not need the models, and the
    memory they free, some 200 MB for the three languages, lowers the build's peak). Their
    caches of their own methods are dropped first, so that they are freed at once: a full
    collection, which the cycles needed, walked every document too (0.6-0.8 s a build).
    ``indexes``: the KB matcher's name index goes too (kept by default: linking looks for KB
    names again in linked reports, with matchers made anew on it)."""
    for finder in _LOADED:
        drop_method_caches(finder)
    _LOADED.clear()
    model_finder.cache_clear()
    kb_finder.cache_clear()
    if indexes:
        from kg.nlp.kb_matcher import forget_indexes

        forget_indexes()


def _overlaps(a: Mention, b: Mention) -> bool:
    return a.start < b.end and b.start < a.end


class _Covered:
    """The characters a growing set of mentions covers: whether a mention overlaps any of them
    costs a scan of its own length, not a pass over the set (articles have hundreds of mentions).

    >>> covered = _Covered([Mention(4, 9, "Gaza.", "LOC")])
    >>> covered.overlaps(Mention(8, 12, "a Is", "LOC")), covered.overlaps(Mention(9, 12, "Is", "LOC"))
    (True, False)
    """

    def __init__(self, mentions: Iterable[Mention] = ()) -> None:
        self.chars = bytearray()
        self.spans: list[Mention] = []
        self.exact = True  # False once a zero-length span (covering no character) is added
        for m in mentions:
            self.add(m)

    def add(self, m: Mention) -> None:
        self.spans.append(m)
        if m.start >= m.end:
            self.exact = False
            return
        if len(self.chars) < m.end:
            self.chars.extend(bytes(m.end - len(self.chars)))
        self.chars[m.start:m.end] = b"\x01" * (m.end - m.start)

    def overlaps(self, m: Mention) -> bool:
        """The same as ``any(_overlaps(m, c) for c in added)``."""
        if m.start >= m.end or not self.exact:
            return any(_overlaps(m, c) for c in self.spans)  # never seen in practice
        return self.chars.find(1, m.start, m.end) >= 0


def fuse(model: list[Mention], kb: list[Mention], model_first: bool = False) -> list[Mention]:
    """Merge model and KB mentions by the rules in the module doc; sorted by offset.

    ``model_first`` (models that already use the KB's names as features, e.g. es): every model
    span keeps its span and type; the KB only lends its ``entity`` to an identical span and adds
    confident KB-only spans that overlap no model span.
    """
    if not kb:
        return sorted(model, key=lambda m: (m.start, m.end))
    model = _split_coordination(_join_fragments(model, kb), kb)
    exact = {(m.start, m.end, m.type): m for m in kb}
    if model_first:
        # a confident KB name on exactly the model's span types it ("Reino Unido" is a place)
        typed = {(m.start, m.end): m for m in kb
                 if TYPED_KB_HITS and m.confidence >= KB_ONLY_MIN_CONFIDENCE}
        out = []
        for m in model:
            k = exact.get((m.start, m.end, m.type)) or typed.get((m.start, m.end))
            out.append(replace(k, confidence=max(k.confidence, m.confidence)) if k else m)
        by_model = _Covered(model)
        out.extend(k for k in kb if k.confidence >= KB_ONLY_MIN_CONFIDENCE
                   and not by_model.overlaps(k))
        return sorted(out, key=lambda m: (m.start, m.end))

    by_model = _Covered(model)
    kb = [k for k in kb if k.confidence >= KB_ONLY_MIN_CONFIDENCE or by_model.overlaps(k)]
    same_span: dict[tuple[int, int], list[Mention]] = {}
    for k in kb:
        same_span.setdefault((k.start, k.end), []).append(k)

    def rank(m: Mention) -> tuple:
        length = m.end - m.start
        if m.source == "kb":
            pri = 0
        else:
            rivals = same_span.get((m.start, m.end), [])
            pri = 1 if (not rivals or any(k.type == m.type for k in rivals)
                        or m.confidence < 0.9) else -1
        return (-length, pri, m.start)

    chosen: list[Mention] = []
    taken = _Covered()
    for m in sorted([*model, *kb], key=rank):
        if taken.overlaps(m):
            continue
        if m.source != "kb":
            k = exact.get((m.start, m.end, m.type))
            if k is not None:
                m = replace(k, confidence=max(k.confidence, m.confidence))
        chosen.append(m)
        taken.add(m)
    return sorted(chosen, key=lambda m: (m.start, m.end))


def _join_fragments(model: list[Mention], kb: list[Mention]) -> list[Mention]:
    """Model spans that are pieces of one KB name ("EE" and "UU" of "EE. UU.") become that name."""
    out = list(model)
    covered = _Covered(model)  # a replacement covers what it replaced: coverage only grows
    index = _ByStart(out)
    for k in kb:
        if k.confidence < KB_ONLY_MIN_CONFIDENCE or not covered.overlaps(k):
            continue
        inside = index.overlapping(k)
        if len(inside) >= 2 and all(k.start <= m.start and m.end <= k.end for m in inside):
            out = [m for m in out if m not in inside] + [k]
            covered.add(k)
            index = _ByStart(out)
    return out


#: what joins the names of a coordination: a comma (Latin or Arabic), a conjunction (en, es, ar)
#: or a slash
_JOINER = re.compile(r"\s*(?:[,،]\s*(?:and|or|y|e|o|u|و)?|;|/|&|and|or|y|e|o|u|و|أو)\s*")


def _split_coordination(model: list[Mention], kb: list[Mention]) -> list[Mention]:
    """A model span that is only confident KB names joined by commas or conjunctions
    ("Facebook and Instagram", "TikTok or Instagram") becomes those names: the model took a
    list for one name. Names side by side with nothing between ("United States Congress")
    stay one span.

    >>> both = [Mention(0, 8, "Facebook", "ORG", "kb:facebook", 0.95, "kb"),
    ...         Mention(13, 22, "Instagram", "ORG", "kb:instagram", 0.95, "kb")]
    >>> [m.surface for m in _split_coordination([Mention(0, 22, "Facebook and Instagram", "ORG")], both)]
    ['Facebook', 'Instagram']
    >>> [m.surface for m in _split_coordination([Mention(0, 22, "Facebook for Instagram", "ORG")], both)]
    ['Facebook for Instagram']
    """
    confident = [k for k in kb if k.confidence >= KB_ONLY_MIN_CONFIDENCE]
    if len(confident) < 2:
        return model
    index = _ByStart(confident)
    out = []
    for m in model:
        inside = sorted((k for k in index.overlapping(m) if m.start <= k.start and k.end <= m.end),
                        key=lambda k: (k.start, k.end))
        out.extend(inside if len(inside) >= 2 and _joined(m, inside) else [m])
    return out


def _joined(span: Mention, names: list[Mention]) -> bool:
    """Whether ``names`` (in text order) cover ``span`` but for what joins them."""
    at = span.start
    for i, name in enumerate(names):
        gap = span.surface[at - span.start:name.start - span.start]
        if name.start < at or (gap.strip() if i == 0 else not _JOINER.fullmatch(gap)):
            return False
        at = name.end
    return not span.surface[at - span.start:].strip()


class _ByStart:
    """A list of mentions indexed by start, to find the ones overlapping a span without a pass
    over the list.

    >>> ms = [Mention(0, 2, "EE", "LOC"), Mention(4, 6, "UU", "LOC"), Mention(9, 14, "Chile", "LOC")]
    >>> _ByStart(ms).overlapping(Mention(0, 7, "EE. UU.", "LOC")) == ms[:2]
    True
    """

    def __init__(self, mentions: list[Mention]) -> None:
        self.mentions = mentions
        self.order = sorted(range(len(mentions)), key=lambda i: mentions[i].start)
        self.starts = [mentions[i].start for i in self.order]
        self.longest = max((m.end - m.start for m in mentions), default=0)

    def overlapping(self, k: Mention) -> list[Mention]:
        """``[m for m in mentions if _overlaps(m, k)]``, in the list's order."""
        # an overlapping m starts before k ends, and after k.start - len(m) >= k.start - longest
        lo = bisect_right(self.starts, k.start - max(self.longest, 0))
        hi = bisect_left(self.starts, k.end)
        hits = sorted(i for i in self.order[lo:hi] if _overlaps(self.mentions[i], k))
        return [self.mentions[i] for i in hits]


_CUTS = (re.compile(r"\n"), re.compile(r"[.!?؟]\s"), re.compile(r"\s"))


def chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """Split ``text`` into (offset, piece) of at most ``size`` chars at natural boundaries."""
    out: list[tuple[int, str]] = []
    pos = 0
    n = len(text)
    while n - pos > size:
        window = text[pos:pos + size]
        cut = 0
        for pat in _CUTS:
            ends = [m.end() for m in pat.finditer(window, size // 2)]
            if ends:
                cut = ends[-1]
                break
        if cut <= 0:
            cut = size
        out.append((pos, text[pos:pos + cut]))
        pos += cut
    out.append((pos, text[pos:]))
    return out


def find_mentions(text: str, lang: str, *, use_kb: bool = True,
                  tokens: list[Token] | None = None) -> list[Mention]:
    """Entity mentions (PER/ORG/LOC/EVENT) in ``text`` of language ``lang`` ("en", "es", "ar").

    Offsets are ``str`` indices into ``text`` (``text[m.start:m.end] == m.surface``). Returns
    ``[]`` for empty text or an unsupported language.

    ``tokens`` (optional) is a given tokenisation of ``text`` taken as one sentence (gold CoNLL
    tokens, for evaluation): a model finder that accepts pre-tokenised input (``find_in_tokens``)
    tags those tokens instead of tokenising ``text`` itself; the KB matcher still reads the text.
    """
    if tokens is not None and text and text.strip():
        model = model_finder(lang)
        if model is not None and hasattr(model, "find_in_tokens"):
            kb = kb_finder(lang) if use_kb else None
            first = bool(getattr(model, "kb_features", False))
            return fuse(_alone_removed(model.find_in_tokens(text, tokens), lang),
                        kb(text) if kb else [], first)
    return find_mentions_in([text], lang, use_kb=use_kb)[0]


def _alone_removed(found: list[Mention], lang: str) -> list[Mention]:
    """The model's mentions but those that are one word of :data:`NOT_NAMES_ALONE`.

    >>> [m.surface for m in _alone_removed([Mention(0, 6, "Muslim", "PER"),
    ...                                     Mention(7, 22, "Muslim Brotherhood", "ORG")], "en")]
    ['Muslim Brotherhood']
    """
    words = NOT_NAMES_ALONE.get(lang)
    return [m for m in found if m.surface.casefold() not in words] if words else found


def find_mentions_in(texts: list[str], lang: str, *, use_kb: bool = True) -> list[list[Mention]]:
    """:func:`find_mentions` of each of ``texts`` (all of language ``lang``), the model's work
    on them done together (a CRF decodes all their sentences at once: an extraction task of
    eight articles costs less than eight of one).

    >>> [[m.surface for m in found] for found in find_mentions_in(["Boric viajó a Chile.", ""], "es")]
    [['Boric', 'Chile'], []]
    """
    out: list[list[Mention]] = [[] for _ in texts]
    if lang not in MODEL_FACTORIES:
        return out
    model = model_finder(lang)
    kb = kb_finder(lang) if use_kb else None
    if model is None and kb is None:
        return out
    first = bool(getattr(model, "kb_features", False))
    pieces = [(k, offset, piece) for k, text in enumerate(texts) if text and text.strip()
              for offset, piece in chunks(text)]
    texts_of_pieces = [piece for _, _, piece in pieces]
    if model is None:
        found_m: list[list[Mention]] = [[] for _ in pieces]
    elif hasattr(model, "find_all"):
        found_m = model.find_all(texts_of_pieces)
    else:
        found_m = [model(piece) for piece in texts_of_pieces]
    for (k, offset, piece), from_model in zip(pieces, found_m, strict=True):
        for m in fuse(_alone_removed(from_model, lang), kb(piece) if kb else [], first):
            if offset:
                m = replace(m, start=m.start + offset, end=m.end + offset)
            out[k].append(m)
    return out
