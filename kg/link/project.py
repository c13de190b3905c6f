"""Names one report of a story has and the finder missed in the other report, found there.

The Arabic model misses names the English and Spanish ones find (and the other way round). When
two articles are linked as the same story (:mod:`kg.link.stories`), an entity of one that the
other does not mention is looked for in the other's text: a window of its words whose name
similarity (:func:`kg.link.align.name_similarity`: spelling, transliteration, glossary) to one
of the entity's names is high. A hit becomes a mention with ``source="projected"``, carrying the
entity's KB id when it has one, so the next resolution pass makes it the same node.

An entity with a knowledge-base id is first looked for by its own names in the other language
(the KB matcher's candidates, including those too unsure to be kept without this confirmation).
Otherwise, precision first: the window must start with a capital in English/Spanish, must not
overlap a mention the finder found, and must reach :data:`MIN_SIMILARITY`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from kg.collector import collector_paused
from kg.link.align import concept_of, name_similarity, sound_key, split_name
from kg.memo import Memo, record_digest
from kg.nlp.mention import Mention
from kg.text.arabic import drop_proclitic, is_arabic, normalize_token, strip_clitics, token_spans
from kg.text.keys import name_key

if TYPE_CHECKING:
    from kg.article import Article
    from kg.link.resolve import Resolution
    from kg.link.stories import StoryLink

#: Least name similarity for a projected mention (an exact spelling scores 1.0, a surname alone
#: for a full name 0.85).
MIN_SIMILARITY = 0.85
#: Confidence given to projected mentions (below the finders' own).
PROJECTED_CONFIDENCE = 0.6
TYPES = ("PER", "ORG", "LOC")


def project_mentions(docs: Sequence[tuple[Article, Sequence[Mention]]], links: Iterable[StoryLink],
                     resolution: Resolution, *, memo: Memo | None = None) -> dict[str, list[Mention]]:
    """Mentions to add per article id, found through its same-story partners.

    ``memo`` (a :class:`kg.memo.Memo`) remembers each search of a name in a text between builds.

    >>> from kg.article import Article
    >>> from kg.link.resolve import resolve_entities
    >>> from kg.link.stories import StoryLink
    >>> en = Article(id="en", title="Nadal beats Raonic in Melbourne", body="", language="en")
    >>> es = Article(id="es", title="Nadal vence a Raonic en Melbourne", body="", language="es")
    >>> docs = [(en, [Mention(0, 5, "Nadal", "PER"), Mention(12, 18, "Raonic", "PER")]),
    ...         (es, [Mention(0, 5, "Nadal", "PER")])]
    >>> res = resolve_entities(docs, kb=False)
    >>> project_mentions(docs, [StoryLink("en", "es", 0.9, "test")], res)["es"]
    [Mention(start=14, end=20, surface='Raonic', type='PER', entity=None, confidence=0.6, source='projected')]
    """
    with collector_paused():  # the KB matcher, when it loads, and the searches: no cycles
        return _project(docs, links, resolution, memo)


def _project(docs: Sequence[tuple[Article, Sequence[Mention]]], links: Iterable[StoryLink],
             resolution: Resolution, memo: Memo | None) -> dict[str, list[Mention]]:
    by_id = {a.id: (a, list(ms)) for a, ms in docs}
    links = [link for link in sorted(links, key=lambda s: (s.a_id, s.b_id))
             if link.confidence >= 0.5 and link.a_id in by_id and link.b_id in by_id]
    wanted = {key for link in links for aid in (link.a_id, link.b_id)
              for key in resolution.entities_of(aid)}
    names = _entity_names(docs, resolution, wanted)
    out: dict[str, list[Mention]] = defaultdict(list)
    for link in links:
        for src, dst in ((link.a_id, link.b_id), (link.b_id, link.a_id)):
            article, mentions = by_id[dst]
            have = set(resolution.entities_of(dst))
            taken = [(m.start, m.end) for m in (*mentions, *out[dst])]
            for key in resolution.entities_of(src):
                if key in have or key not in names:
                    continue
                found = _kb_span(article, key, taken) or _remembered_find(
                    article.text, article.language or "", names[key], taken, memo)
                if found:
                    start, end, etype = found
                    kb_id = key if ":" in key and key.split(":", 1)[0] not in (*TYPES, "EVENT") else None
                    out[dst].append(Mention(start, end, article.text[start:end], etype, kb_id,
                                            PROJECTED_CONFIDENCE, "projected"))
                    taken.append((start, end))
                    have.add(key)
    return {aid: sorted(ms, key=lambda m: (m.start, m.end)) for aid, ms in sorted(out.items())}


@lru_cache(maxsize=64)
def _kb_candidates(text: str, lang: str) -> dict[str, list[Mention]]:
    """Every knowledge-base name the matcher sees in ``text`` (also those the finder's fusion
    left out as too unsure on their own), by entity id."""
    from kg.nlp.pipeline import kb_finder

    finder = kb_finder(lang) if lang else None
    out: dict[str, list[Mention]] = defaultdict(list)
    for m in finder(text) if finder else ():
        if m.entity:
            out[m.entity].append(m)
    return out


def _kb_span(article: Article, key: str, taken: list[tuple[int, int]]) -> tuple[int, int, str] | None:
    """A name of the KB entity ``key`` in the article, confirmed by the partner report naming it."""
    for m in _kb_candidates(article.text, article.language or "").get(key, ()):
        if not any(m.start < b and a < m.end for a, b in taken):
            return m.start, m.end, m.type
    return None


def _entity_names(docs, resolution, wanted: set[str]) -> dict[str, tuple[str, list[str]]]:
    """Entity key -> (type, [name keys]) from the mentions that resolved to it, for the
    ``wanted`` entities (those of linked articles: the others are never looked for)."""
    names: dict[str, tuple[str, set[str]]] = {}
    for article, mentions in docs:
        if wanted.isdisjoint(resolution.article_entities.get(article.id, ())):
            continue  # none of its mentions resolved to a wanted entity
        for m in mentions:
            key = resolution.mention_entity(article.id, m)
            if key not in wanted or m.type not in TYPES:
                continue
            entity = resolution.entities.get(key)
            etype = entity.type if entity else m.type
            if etype not in TYPES:
                continue
            surface = drop_proclitic(m.surface) if is_arabic(m.surface) else m.surface
            nk = name_key(surface, None, etype)
            if len(nk.replace(" ", "")) >= 4:
                names.setdefault(key, (etype, set()))[1].add(nk)
    return {k: (t, sorted(v)) for k, (t, v) in names.items()}


@lru_cache(maxsize=64)
def _tokens(text: str) -> tuple[list[tuple[int, int]], list[str]]:
    spans = token_spans(text)
    return spans, [sound_key(normalize_token(text[s:e])) for s, e in spans]


def _near_tokens(name_sounds: list[str], sounds: list[str]) -> list[bool] | None:
    """Per token of the text, whether it sounds near one of the name's words (None: the name
    has no words to sound, every window passes). Computed once per name, not per window.

    >>> _near_tokens(["SNWR"], ["LKD", "SNWR", "SNR", ""])
    [False, True, True, False]
    >>> _near_tokens([], ["SNWR"]) is None
    True
    """
    if not name_sounds:
        return None
    from rapidfuzz import fuzz
    from rapidfuzz.process import cdist

    named = [a for a in name_sounds if a]
    if not named:
        return [False] * len(sounds)
    ratios = cdist(named, sounds, scorer=fuzz.ratio, score_cutoff=60)
    return [bool(b) and bool(ratios[:, j].any()) for j, b in enumerate(sounds)]


@lru_cache(maxsize=65_536)  # the same words of an article are tried for every name searched
def _clitic_starts(token: str) -> tuple[int, ...]:
    """Where the readings of a token with its proclitics stripped start (:func:`strip_clitics`)."""
    return tuple(p for p, _stem in strip_clitics(token))


def _remembered_find(text: str, lang: str, entity: tuple[str, list[str]],
                     taken: list[tuple[int, int]], memo: Memo | None) -> tuple[int, int, str] | None:
    """:func:`_find`, from ``memo`` when the same name was looked for in the same text."""
    if memo is None:
        return _find(text, lang, entity, taken)
    return memo.get(record_digest("", text, lang, entity, sorted(taken)),
                    lambda: _find(text, lang, entity, taken))


def _find(text: str, lang: str, entity: tuple[str, list[str]],
          taken: list[tuple[int, int]]) -> tuple[int, int, str] | None:
    """The best window of ``text`` naming the entity, as (start, end, type), or None."""
    etype, keys = entity
    arabic_text = lang == "ar"
    spans, sounds = _tokens(text)
    best: tuple[float, int, int] | None = None
    for nk in keys:
        width = len(nk.split())
        near = _near_tokens([sound_key(w) for w in split_name(nk)[1]], sounds)
        for size in sorted({width, width + 1, max(1, width - 1)}):
            for i in range(len(spans) - size + 1):
                s, e = spans[i][0], spans[i + size - 1][1]
                if near is not None and not any(near[i:i + size]):
                    continue  # cheap gate before the transliteration models
                if not arabic_text and not text[s:s + 1].isupper():
                    continue  # (before the overlap test: it rejects most windows, and cheaply)
                if any(s < b and a < e for a, b in taken):
                    continue
                if size == 1 and concept_of(normalize_token(text[s:spans[i][1]])):
                    continue  # a generic word alone ("University") names nothing
                starts = [s + p for p in _clitic_starts(text[s:spans[i][1]])] if arabic_text else [s]
                for start in starts:
                    wk = name_key(text[start:e], lang, etype)
                    if not wk:
                        continue
                    score = name_similarity(nk, wk)
                    if score >= MIN_SIMILARITY and (best is None or (score, start - e) > (best[0], best[1] - best[2])):
                        best = (score, start, e)
    return (best[1], best[2], etype) if best else None
