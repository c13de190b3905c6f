"""Gazetteer mention finder over the knowledge base: longest match on normalised tokens.

Arabic tokens are also tried without attached proclitics (و ف ب ك ل and the article ال), and the
reported span then starts after the clitic: ``ولبنان`` gives a mention of ``لبنان``. English and
Spanish names must keep the case they are written with in the knowledge base (a capitalised name
token must be capitalised in the text; an acronym such as ``US`` must be upper case), so ``china``,
``turkey`` or ``us`` never match. Offsets always index the original text.

>>> m = KBMatcher("ar")("قصف إسرائيلي على جنوب لبنان ولبنان")
>>> [(x.surface, x.type, x.entity) for x in m]
[('جنوب لبنان', 'LOC', 'kb:south_lebanon'), ('لبنان', 'LOC', 'country:LB')]
>>> [(x.surface, x.entity) for x in KBMatcher("en")("The US and China met in Beirut; us too.")]
[('US', 'country:US'), ('China', 'country:CN'), ('Beirut', 'geo:276781')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import itemgetter
from pathlib import Path

from kg.kb import KBEntity, KnowledgeBase
from kg.nlp.mention import Mention
from kg.text import arabic as _arabic
from kg.text.arabic import is_arabic, normalize_token, strip_clitics, tokenize

# Between the words of one name: spaces, hyphens, apostrophes, an abbreviation dot, and the scare
# quotes Al Mayadeen puts inside names ("الجيش" الإسرائيلي, جيش "الاحتلال").
_GAP_OK = re.compile(r"[ \u00a0\-‐–'’.\"“”«»]{0,3}")
_SENT_END = re.compile(r"[.!?:;\n\"“”«»()\[\]]")


def match_key(name: str) -> tuple[str, tuple[str, ...]]:
    """``(key, case pattern)`` of a knowledge-base name for the gazetteer.

    The key is the normalised tokens joined by spaces (an Arabic article stays: a name with
    ``ال`` only matches text with it, and one without only text without it). The pattern has one letter per token: ``A`` the text token must be upper case
    (acronyms), ``C`` it must start upper case, ``-`` anything goes (lower-case and Arabic tokens).

    >>> match_key("U.S.")
    ('u s', ('A', 'A'))
    >>> match_key("mar Rojo")
    ('mar rojo', ('-', 'C'))
    >>> match_key("الولايات المتحدة")[0]
    'الولايات المتحده'
    """
    spans = list(tokenize(name))
    toks = [name[s:e] for s, e in spans]
    keys = [normalize_token(t) for t in toks]
    letters = [c for c in name if c.isalpha()]
    acronym = (len(letters) <= 6 and "".join(letters).isupper() and len(letters) >= 2
               and not is_arabic(name))
    pattern = []
    for t in toks:
        if is_arabic(t) or not t[:1].isalpha():
            pattern.append("-")
        elif acronym:
            pattern.append("A")
        elif t[0].isupper():
            pattern.append("C")
        else:
            pattern.append("-")
    return " ".join(keys), tuple(pattern)


@dataclass
class _Index:
    entries: dict[str, list[tuple[str, tuple[tuple[str, ...], ...]]]]  # key -> (id, patterns)
    max_len: dict[str, int]  # first token key -> longest name (in tokens) starting with it
    common: frozenset[str]


@lru_cache(maxsize=4)
def _index(kb_id: int) -> _Index:
    kb = _KBS[kb_id]
    if kb.data_dir is None:
        return _build_index(kb)
    from kg.kb.base import source_files
    from kg.kb.cache import cached

    files = [*source_files(kb.data_dir), Path(__file__), kb.data_dir / "common_words.txt"]
    return cached("kb-match", files, lambda: _build_index(kb))


@lru_cache(maxsize=4)
def _two_tokens(kb_id: int) -> frozenset[int]:
    """The first two tokens of every longer name of the index, as hashes (some 2 MB, not the
    strings), made once for the matchers of every language."""
    return frozenset(hash(tuple(key.split(" ")[:2])) for key in _index(kb_id).entries if " " in key)


def forget_indexes() -> None:
    """Drop the name indexes matchers were made on (a matcher made later builds its own)."""
    _index.cache_clear()
    _two_tokens.cache_clear()
    _KBS.clear()


def _build_index(kb: KnowledgeBase) -> _Index:
    entries: dict[str, dict[str, tuple[KBEntity, set]]] = {}
    for e in kb:
        for _lg, name in e.names():
            key, pattern = match_key(name)
            if not key:
                continue
            slot = entries.setdefault(key, {})
            if e.id in slot:
                slot[e.id][1].add(pattern)
            else:
                slot[e.id] = (e, {pattern})
    out: dict[str, list] = {}
    max_len: dict[str, int] = {}
    for key, slot in entries.items():
        cands = sorted(slot.values(), key=lambda x: (-x[0].prior, x[0].id))
        out[key] = [(e.id, tuple(p)) for e, p in cands]
        toks = key.split(" ")
        max_len[toks[0]] = max(max_len.get(toks[0], 0), len(toks))
    common_path = (kb.data_dir or Path(__file__).resolve().parents[1] / "kb" / "data") / \
        "common_words.txt"
    common = frozenset(common_path.read_text(encoding="utf-8").split())
    return _Index(out, max_len, common)


_KBS: dict[int, KnowledgeBase] = {}
_WORD_TOKEN = _arabic.WORD_TOKEN  # the tokens of token_spans: their spans and texts from one scan
_SPAN, _GROUP = re.Match.span, re.Match.group
_LONGEST = itemgetter(0)  # of KBMatcher._token_starts
STARTS_CACHE = 10_000
"""Distinct tokens whose name starts (:meth:`KBMatcher._token_starts`) a matcher keeps: 0.34
(en) to 0.50 kB (ar) each with the token's string (measured), some 3.4-5 MB per matcher."""
#: the confidence of a one-word Arabic name of a person, organisation or event that is also an
#: everyday word (``common_words.txt``): "القاعدة" (the base; al-Qaeda), "فتح" (to open; Fatah),
#: "الجزيرة" (the island, Sudan's Gezira state; Al Jazeera), "الضيف" (the guest; Mohammed Deif).
#: It is below what the finder takes from the knowledge base alone
#: (``kg.nlp.pipeline.KB_ONLY_MIN_CONFIDENCE``), so such a name counts where the statistical
#: model sees a name too. On the corpus, "القاعدة" named the US base in the Omar oil field far
#: more often than al-Qaeda; one-word places named by everyday words (الجليل، المتوسط، القدس،
#: مصر) were mostly right, and are left as they are.
EVERYDAY_WORD_NAME_CONFIDENCE = 0.9


def _joined_reach(text: str, spans: list[tuple[int, int]], i: int, most: int) -> int:
    """One past the last token a name starting at token ``i`` may run to (at most ``most``
    tokens): the gaps between its tokens must all be ones a name may hold (:data:`_GAP_OK`)."""
    j = i + 1
    while j < i + most:
        gap = text[spans[j - 1][1]:spans[j][0]]
        if gap != " " and not _GAP_OK.fullmatch(gap):
            break
        j += 1
    return j


def _case_ok(token: str, want: str) -> bool:
    if want == "A":
        return token.isupper()
    if want == "C":
        return token[:1].isupper()
    return True


class KBMatcher:
    """Find knowledge-base names in text of one language.

    ``KBMatcher("es")(text)`` returns :class:`~kg.nlp.mention.Mention` objects with
    ``source="kb"``, the KB id as ``entity`` and the entity's type. Overlaps are resolved by
    longest match, left to right. When a name belongs to several entities the one whose country
    is named elsewhere in the same text wins, else the highest prior (curated, country, region,
    state, city by population). A one-token place name glued to an unknown capitalised word
    (``Lloyd Austin``, ``Israel Katz``) gets a low confidence and is dropped below
    ``min_confidence``; a one-word Arabic name of a person, organisation or event that is an
    everyday word gets :data:`EVERYDAY_WORD_NAME_CONFIDENCE`.
    """

    def __init__(self, lang: str, kb: KnowledgeBase | None = None,
                 min_confidence: float = 0.5) -> None:
        self.lang = lang
        self.kb = kb or KnowledgeBase.load()
        _KBS[id(self.kb)] = self.kb
        self.min_confidence = min_confidence
        self._ix = _index(id(self.kb))
        self._two_tokens = _two_tokens(id(self.kb))
        # the names a token may start depend on the token alone (an Arabic one's readings cost
        # a clitic analysis) and words repeat: kept (bounded), and looked up by a map in C
        self._starts = lru_cache(maxsize=STARTS_CACHE)(self._token_starts)

    def __call__(self, text: str) -> list[Mention]:
        ix = self._ix
        found = list(_WORD_TOKEN.finditer(text))  # kg.text.arabic.token_spans, and the tokens
        spans = list(map(_SPAN, found))
        toks = list(map(_GROUP, found))
        norm = list(map(normalize_token, toks))
        n = len(spans)
        starts_at = list(map(self._starts, toks))
        two_tokens = self._two_tokens
        raw: list[tuple[int, int, int, str, list]] = []  # (tok_i, tok_j, start, key, cands)
        free = 0  # the first token no earlier match covers
        for i in compress(range(n), map(_LONGEST, starts_at)):  # tokens a name may start with
            if i < free:
                continue
            longest, starts = starts_at[i]
            best = None  # (ntoks, -prefix, start, key, cands)
            most = min(longest, n - i)
            if most > 1:
                nxt = norm[i + 1]
                # whether some name's key may begin with these two keys (a false positive only
                # costs the look-ups it would have spared); inline: nine in ten start tokens get here
                for s in starts:
                    if hash((s[1], nxt)) in two_tokens or " " in s[1] or " " in nxt:
                        break
                else:
                    most = 1  # no name goes on with the next token (the usual case)
            # a name runs over tokens i .. j - 1 only when no gap between them breaks it
            reach = _joined_reach(text, spans, i, most) if most > 1 else i + 1
            for prefix, key0, limit in starts:
                for length in range(min(limit, reach - i), 0, -1):
                    j = i + length
                    key = " ".join([key0, *norm[i + 1:j]]) if length > 1 else key0
                    cands = ix.entries.get(key)
                    if not cands:
                        continue
                    cands = [c for c in cands if any(
                        all(_case_ok(toks[i + k], p[k]) for k in range(length)) for p in c[1])]
                    if not cands:
                        continue
                    if best is None or (length, -prefix) > best[:2]:
                        best = (length, -prefix, spans[i][0] + prefix, key, cands)
                    break
            if best is None:
                continue
            length, _, start, key, cands = best
            ents = self.kb.entities
            raw.append((i, i + length, start, key, [ents[c[0]] for c in cands]))
            free = i + length
        return self._resolve(text, spans, toks, norm, raw)

    def _token_starts(self, token: str) -> tuple[int, tuple[tuple[int, str, int], ...]]:
        """The longest name (in tokens) ``token`` may start, 0 if none, and (prefix length, key of
        the first token, longest name) of every reading of it (:meth:`_readings`) that some name
        begins with; most tokens have none."""
        max_len = self._ix.max_len
        starts = tuple((prefix, key0, limit) for prefix, key0 in self._readings(token)
                       if (limit := max_len.get(key0)))
        return max((s[2] for s in starts), default=0), starts

    def _readings(self, token: str) -> tuple[tuple[int, str], ...]:
        """(prefix length, key of the first token) readings of one text token.

        Names keep their article in the key, so a reading that strips ``ال`` is never tried
        (``والميدان`` must not become the city ``ميدان``); after ``لل`` the elided article is
        restored (``للعراق`` -> ``العراق``).
        """
        norm = normalize_token(token)
        if not is_arabic(token):
            return ((0, norm),)
        out = [(0, norm)]
        if norm in self._ix.common:
            return tuple(out)
        for prefix, stem in strip_clitics(token)[1:]:
            key = normalize_token(stem)
            clitic = norm[: len(norm) - len(key)]
            if clitic.endswith("لل"):
                out.append((prefix, "ال" + key))
            elif clitic.endswith("ال") or len(key) < 3:
                continue
            else:
                out.append((prefix, key))
        return tuple(out)

    def _resolve(self, text, spans, toks, norm, raw) -> list[Mention]:
        # Countries named unambiguously anywhere in the text give context for the rest.
        context: set[str] = set()
        for *_, cands in raw:
            if len(cands) == 1 or cands[0].prior - cands[1].prior >= 0.5:
                if cands[0].country:
                    context.add(cands[0].country)
        matched = {k for ti, tj, *_ in raw for k in range(ti, tj)}
        out: list[Mention] = []
        for ti, tj, start, key, cands in raw:
            best = max(cands, key=lambda e: e.prior + (1.5 if e.country in context
                                                        and e.kind != "country" else 0.0))
            end = spans[tj - 1][1]
            if end < len(text) and text[end] == "." and toks[tj - 1].isupper() and \
                    len(toks[tj - 1]) == 1:
                end += 1  # "U.S." keeps its final dot
            conf = self._confidence(best, cands, key, text, spans, toks, norm, ti, tj, matched)
            if conf < self.min_confidence:
                continue
            out.append(Mention(start, end, text[start:end], best.type, best.id, conf, "kb"))
        return out

    def _everyday_word(self, key: str) -> bool:
        """Whether a one-token Arabic name key is an everyday word, with or without its article."""
        common = self._ix.common
        return is_arabic(key) and (key in common or key.removeprefix("ال") in common)

    def _confidence(self, e, cands, key, text, spans, toks, norm, ti, tj, matched) -> float:
        conf = 0.95 if e.kind in ("curated", "country", "region") or e.prior >= 2.0 else 0.85
        if len(cands) > 1 and cands[1].prior > e.prior - 0.3:
            conf -= 0.1
        ntok = tj - ti
        if ntok == 1 and e.type != "LOC" and self._everyday_word(key):
            conf = min(conf, EVERYDAY_WORD_NAME_CONFIDENCE)
        if ntok == 1 and e.type == "LOC" and not is_arabic(toks[ti]):
            for k, gap in ((ti - 1, text[spans[ti - 1][1]:spans[ti][0]] if ti else ""),
                           (tj, text[spans[tj - 1][1]:spans[tj][0]] if tj < len(spans) else "")):
                if k < 0 or k >= len(spans) or k in matched or gap != " ":
                    continue
                word = toks[k]
                if not word[:1].isupper() or word.isupper() or norm[k] in self._ix.common:
                    continue
                if k == ti - 1 and (k == 0 or _SENT_END.search(
                        text[spans[k - 1][1]:spans[k][0]])):
                    continue  # sentence-initial capital tells nothing
                conf = min(conf, 0.4)
        return round(conf, 2)


def find_mentions(text: str, lang: str) -> list[Mention]:
    """Knowledge-base mentions in ``text`` with the default knowledge base (cached matchers).

    >>> [m.entity for m in find_mentions("Trump habló con Boric en Santiago.", "es")]
    ['kb:donald_trump', 'kb:gabriel_boric', 'geo:3871336']
    """
    return _matcher(lang)(text)


@lru_cache(maxsize=8)
def _matcher(lang: str) -> KBMatcher:
    return KBMatcher(lang)
