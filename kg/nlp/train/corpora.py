"""Gold corpora readers per language: each returns sentences tagged with PER/ORG/LOC/MISC/EVENT.

The real files live under ``<data>/ner/`` (see ``../shared/data/README.md``). Each reader maps
the corpus' own tag set onto ours; spans of types we do not model become ``O``, except that
MISC is kept as a training label (it teaches the model what is *not* PER/ORG/LOC) and is dropped
at prediction time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from kg.nlp.conll import (
    NEWSFANE,
    Sentence,
    iob_to_spans,
    map_tags,
    read_conll,
    spans_to_iob2,
)

CORE = {"PER": "PER", "PERS": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "MISC": "MISC"}

WOJOOD = {"PERS": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
          "EVENT": "EVENT"}
_BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff"


def _core(t: str) -> str | None:
    return CORE.get(t.upper())


def _aqmar(t: str) -> str | None:
    t = t.upper().strip("`-_ ")
    if t.startswith("MIS"):
        return "MISC"
    return CORE.get(t)


def _clean_tokens(sents: list[Sentence]) -> list[Sentence]:
    """Strip direction marks glued to tokens; drop tokens that become empty."""
    out = []
    for s in sents:
        toks, tags = [], []
        for tok, tag in zip(s.tokens, s.tags, strict=True):
            t = tok.strip(_BIDI)
            if t:
                toks.append(t)
                tags.append(tag)
        if toks:
            out.append(Sentence(toks, tags))
    return out


def split_long(sent: Sentence, enders: frozenset[str] = frozenset({".", "!", "?", "؟"}),
               max_len: int = 120) -> list[Sentence]:
    """Split an unsegmented token stream (ANERcorp) after sentence-final punctuation."""
    out: list[Sentence] = []
    s = 0
    spans = iob_to_spans(sent.tags)
    inside = set()
    for a, b, _ in spans:
        inside.update(range(a, b - 1))  # never cut inside an entity
    for i, tok in enumerate(sent.tokens):
        if (tok in enders or i - s + 1 >= max_len) and i not in inside:
            out.append(Sentence(sent.tokens[s:i + 1], sent.tags[s:i + 1]))
            s = i + 1
    if s < len(sent.tokens):
        out.append(Sentence(sent.tokens[s:], sent.tags[s:]))
    return out


def _mapped(sents: list[Sentence], mapping: Callable[[str], str | None]) -> list[Sentence]:
    return [Sentence(s.tokens, map_tags(s.tags, mapping)) for s in sents]


def read_anercorp(path: Path) -> list[Sentence]:
    """ANERcorp (no sentence breaks): split on sentence-final punctuation."""
    sents = []
    for s in read_conll(path):
        sents.extend(split_long(s))
    return _mapped(_clean_tokens(sents), _core)


def read_newsfane(path: Path) -> list[Sentence]:
    """NewsFANE: BOM, CRLF, tab-only sentence breaks, 45 fine types mapped by :data:`NEWSFANE`."""
    sents = []
    for s in read_conll(path):
        sents.extend(split_long(s, max_len=150))
    return _mapped(_clean_tokens(sents), NEWSFANE.get)


def read_aqmar(folder: Path) -> list[Sentence]:
    """AQMAR: PER/LOC/ORG kept, MIS0-3 -> MISC, malformed tags (``I--ORG``, ``OO``) repaired."""
    sents: list[Sentence] = []
    for f in sorted(folder.glob("*.txt")):
        sents.extend(read_conll(f))
    return _mapped(_clean_tokens(sents), _aqmar)


def read_wojood(path: Path) -> list[Sentence]:
    """Wojood (nested): of all layers, keep spans of mapped types, outermost/longest first."""
    out = []
    for s in read_conll(path, extra_columns=True):
        # ``$#$`` separates passages: drop it
        keep = [i for i, t in enumerate(s.tokens) if t != "$#$"]
        if not keep:
            continue
        toks = [s.tokens[i] for i in keep]
        layers = [s.extra[i] for i in keep]
        depth = max(len(x) for x in layers)
        cands = []
        for k in range(depth):
            tags = [x[k] if k < len(x) else "O" for x in layers]
            for a, b, t in iob_to_spans(tags):
                m = WOJOOD.get(t)
                if m:
                    cands.append((k, -(b - a), a, b, m))
        cands.sort()
        chosen: list[tuple[int, int, str]] = []
        for _, _, a, b, m in cands:
            if all(b <= c or a >= d for c, d, _ in chosen):
                chosen.append((a, b, m))
        out.append(Sentence(toks, spans_to_iob2(chosen, len(toks))))
    return _clean_tokens(out)


def heldout(corpus: str, index: int, percent: int = 12) -> bool:
    """The fixed, seeded Arabic held-out split: md5 of ``corpus:index`` decides (12 %)."""
    h = int(hashlib.md5(f"mkg-ner:{corpus}:{index}".encode()).hexdigest()[:8], 16)
    return h % 100 < percent


def arabic_corpora(data: Path) -> dict[str, list[Sentence]]:
    """All Arabic gold, by corpus name."""
    ner = data / "ner" / "ar"
    return {
        "anercorp": read_anercorp(ner / "anercorp_first_half.txt"),
        "newsfane": read_newsfane(ner / "newsfane_first_half.txt"),
        "aqmar": read_aqmar(ner / "aqmar"),
        "wojood": read_wojood(ner / "wojood_val.txt"),
    }


def arabic_split(data: Path) -> tuple[list[Sentence], list[Sentence]]:
    """(train, held-out) Arabic sentences; the held-out part is never trained on."""
    train: list[Sentence] = []
    test: list[Sentence] = []
    for name, sents in arabic_corpora(data).items():
        for i, s in enumerate(sents):
            (test if heldout(name, i) else train).append(s)
    return train, test


def english_train(data: Path) -> list[Sentence]:
    """CoNLL-2003 train (PER/ORG/LOC/MISC)."""
    return _mapped(read_conll(data / "ner" / "en" / "conll2003_train.txt"), _core)


def spanish_train(data: Path) -> list[Sentence]:
    """CoNLL-2002 Spanish train (PER/ORG/LOC/MISC)."""
    return _mapped(read_conll(data / "ner" / "es" / "conll2002_esp.train"), _core)


def write_conll(sents: list[Sentence], path: Path) -> None:
    """Write sentences as 2-column IOB2 CoNLL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for s in sents:
            for tok, tag in zip(s.tokens, s.tags, strict=True):
                fh.write(f"{tok} {tag}\n")
            fh.write("\n")
