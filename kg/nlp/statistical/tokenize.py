"""A small, offset-keeping tokenizer and sentence splitter close to CoNLL conventions.

Tokens are whitespace chunks with leading/trailing punctuation split off, except that
abbreviations keep their final dot (``U.S.``, ``Mr.``, ``Sr.``) and ``'s`` / ``n't`` are split
(CoNLL-2003 style). Internal hyphens, dots, apostrophes and Arabic clitics stay inside the token
(``1996-08-30``, ``al-Qassam``, ``ولبنان``). Every token carries its character offsets into the
original string, so ``text[start:end] == token`` always holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# word characters: letters, digits, underscore, plus Arabic combining marks, tatweel and the
# invisible joiners / direction marks that occur inside scraped Arabic words.
_WORDCH = r"\w\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640\u200c\u200d\u200e\u200f"
_LEAD = re.compile(rf"^[^{_WORDCH}]")
_SIGNED = re.compile(r"^[.+\-]\d")  # .496  +48  -3 keep their sign / point
_TRAIL = re.compile(rf"[^{_WORDCH}]$")
_ABBR_DOTTED = re.compile(r"^[^\W\d_]\.$|^(?:[^\W\d_]{1,3}\.){2,}$")
ABBREVIATIONS = frozenset("""
mr mrs ms dr prof st jr sr sra srta dña dn inc corp co ltd plc bros gen gov lt col capt sgt
rep sen sens reps pres vs etc jan feb mar apr jun jul aug sep sept oct nov dec no nos vol
ft mt av avda dept univ assn est fig approx ud uds sres
""".split())
# split off wherever they occur, even glued inside a chunk (منظمة"هيومن, «Hamas»)
_ALWAYS = re.compile(r'["«»“”„()\[\]{}،؛]')
_SENT_END = frozenset({".", "!", "?", "؟", "…", "...", "。"})


@dataclass(frozen=True, slots=True)
class Token:
    """A token and its ``[start, end)`` character offsets in the tokenized text."""

    text: str
    start: int
    end: int


def _is_abbrev(chunk: str) -> bool:
    if not chunk.endswith("."):
        return False
    core = chunk[:-1]
    return bool(_ABBR_DOTTED.match(chunk)) or core.lower() in ABBREVIATIONS


_CLITICS = ("'s", "'m", "'d", "'ve", "'ll", "'re", "n't")


def _split_chunk(chunk: str, offset: int, out: list[Token]) -> None:
    """Split one whitespace-free chunk into tokens, appending to ``out``."""
    s, e = 0, len(chunk)
    low = chunk.lower().replace("\u2019", "'")
    if low in _CLITICS or (len(set(chunk)) == 1 and not chunk[0].isalnum()):
        out.append(Token(chunk, offset, offset + e))  # 's  --  ...  ===
        return
    lead: list[Token] = []
    while s < e and _LEAD.match(chunk[s:e]) and not _SIGNED.match(chunk[s:e]):
        lead.append(Token(chunk[s], offset + s, offset + s + 1))
        s += 1
    trail: list[Token] = []
    while s < e and _TRAIL.search(chunk[s:e]):
        if chunk[e - 1] == "." and _is_abbrev(chunk[s:e]):
            break
        trail.append(Token(chunk[e - 1], offset + e - 1, offset + e))
        e -= 1
    out.extend(lead)
    if s < e:
        core = chunk[s:e]
        low = core.lower().replace("\u2019", "'")
        cut = 0
        for clitic in _CLITICS:
            if len(core) > len(clitic) and low.endswith(clitic):
                cut = len(clitic)
                break
        if cut:
            out.append(Token(core[:-cut], offset + s, offset + e - cut))
            out.append(Token(core[-cut:], offset + e - cut, offset + e))
        else:
            out.append(Token(core, offset + s, offset + e))
    out.extend(reversed(trail))


def tokenize(text: str) -> list[Token]:
    """Tokenize ``text`` keeping exact character offsets.

    >>> [(t.text, t.start) for t in tokenize('Hamas\\' "Flood", U.S. (2023)')]
    [('Hamas', 0), ("'", 5), ('"', 7), ('Flood', 8), ('"', 13), (',', 14), ('U.S.', 16), ('(', 21), ('2023', 22), (')', 26)]
    """
    return [Token(*t) for t in zip(*token_columns(text), strict=True)]


def token_columns(text: str) -> tuple[list[str], list[int], list[int]]:
    """The tokens of :func:`tokenize` as three columns: texts, starts, ends (no Token objects,
    for the taggers, which read a whole article's tokens).

    >>> token_columns("Gaza, 2023")
    (['Gaza', ',', '2023'], [0, 4, 6], [4, 5, 10])
    """
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for m in _PLAIN_OR_CHUNK.finditer(text):
        chunk, base = m.group(), m.start()
        if m.lastindex:  # a chunk of word characters only: one token
            words.append(chunk)
            starts.append(base)
            ends.append(m.end())
        else:
            for tok, s, e in _chunk_tokens(chunk):
                words.append(tok)
                starts.append(base + s)
                ends.append(base + e)
    return words, starts, ends


# A chunk of word characters only is one token: no punctuation to split off, no clitic ('s, n't);
# group 1 is such a chunk, else the match is any other chunk (as _CHUNK finds it)
_PLAIN_OR_CHUNK = re.compile(rf"(?<!\S)([{_WORDCH}]+)(?!\S)|\S+")
CHUNK_CACHE = 5_000
"""Distinct chunks with punctuation whose tokenisation is kept (they are 15 % of the chunks;
5,000 of them, some 1.2 MB, spare 40-70 % of their splitting)."""


@lru_cache(maxsize=CHUNK_CACHE)
def _chunk_tokens(chunk: str) -> tuple[tuple[str, int, int], ...]:
    """The tokens of one whitespace-free chunk as (text, start, end) within the chunk."""
    out: list[Token] = []
    if _ALWAYS.search(chunk):
        pos = 0
        for sep in _ALWAYS.finditer(chunk):
            if sep.start() > pos:
                _split_chunk(chunk[pos:sep.start()], pos, out)
            out.append(Token(sep.group(), sep.start(), sep.end()))
            pos = sep.end()
        if pos < len(chunk):
            _split_chunk(chunk[pos:], pos, out)
    else:
        _split_chunk(chunk, 0, out)
    return tuple((t.text, t.start, t.end) for t in out)


def sentences(text: str, tokens: list[Token], max_len: int = 150) -> list[list[Token]]:
    """Group tokens into sentences: after ``. ! ? ؟``, at line breaks, and every ``max_len``."""
    bounds = sentence_bounds(text, [t.text for t in tokens], [t.start for t in tokens],
                             [t.end for t in tokens], max_len)
    return [tokens[a:b] for a, b in bounds]


def sentence_bounds(text: str, words: list[str], starts: list[int], ends: list[int],
                    max_len: int = 150) -> list[tuple[int, int]]:
    """The sentences of :func:`sentences` as ``[a, b)`` ranges of token indices.

    >>> sentence_bounds("Hi. Go\\nnow", ["Hi", ".", "Go", "now"], [0, 2, 4, 7], [2, 3, 6, 10])
    [(0, 2), (2, 3), (3, 4)]
    """
    bounds: list[tuple[int, int]] = []
    first = 0  # of the open sentence
    prev_end = 0
    for i, word in enumerate(words):
        if i > first and text.find("\n", prev_end, starts[i]) >= 0:
            bounds.append((first, i))
            first = i
        prev_end = ends[i]
        if word in _SENT_END or i + 1 - first >= max_len:
            bounds.append((first, i + 1))
            first = i + 1
    if first < len(words):
        bounds.append((first, len(words)))
    return bounds
