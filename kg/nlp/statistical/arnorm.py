"""A private, minimal Arabic normaliser used for NER *features* only (never for offsets).

Used when :mod:`kg.text.arabic` is not available; it unifies alef variants (أ إ آ ٱ -> ا),
ى -> ي, ة -> ه, ؤ -> و, ئ -> ي, strips diacritics, tatweel and direction marks, and strips the
proclitics و ف (conjunctions), ب ك ل (prepositions) and the article ال / لل.
"""

from __future__ import annotations

import re

_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640\u200c-\u200f]")
_TABLE = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه",
                        "ؤ": "و", "ئ": "ي", "ـ": None})
_ARABIC = re.compile(r"[\u0600-\u06FF]")


def is_arabic(word: str) -> bool:
    """True if the word contains an Arabic letter."""
    return bool(_ARABIC.search(word))


def normalize(word: str) -> str:
    """Orthographic normalisation of one word (see module doc)."""
    return _DIACRITICS.sub("", word).translate(_TABLE)


def clitic_candidates(norm: str) -> list[tuple[str, str]]:
    """All (proclitics, stem) readings of a *normalised* word, least stripped first.

    Stripping is ambiguous (``"ولبنان"`` is و + لبنان, not ول + بنان; ``"فلسطين"`` is not ف +
    لسطين), so every reading is returned and the caller decides (features, gazetteer look-ups).
    Stems keep at least 2 letters. ``"والقدس"`` -> ``[("", "والقدس"), ("و", "القدس"),
    ("وال", "قدس")]``.
    """
    out = [("", norm)]
    seen = {norm}

    def add(pre: str, stem: str) -> None:
        if len(stem) >= 2 and stem not in seen:
            seen.add(stem)
            out.append((pre, stem))

    starts = [("", norm)]
    if len(norm) > 3 and norm[0] in "وف":
        starts.append((norm[0], norm[1:]))
        add(norm[0], norm[1:])
    for pre, w in list(starts):
        if len(w) > 3 and w[0] in "بكل":
            if w.startswith("لل") and len(w) > 4:
                add(pre + "لل", w[2:])
                add(pre + "ل", "ا" + w[1:])
            add(pre + w[0], w[1:])
            w2 = w[1:]
            if len(w2) > 4 and w2.startswith("ال"):
                add(pre + w[0] + "ال", w2[2:])
        if len(w) > 4 and w.startswith("ال"):
            add(pre + "ال", w[2:])
    return out


def strip_clitics(norm: str) -> tuple[str, str]:
    """The most stripped reading of :func:`clitic_candidates` (a feature, not an analysis)."""
    return clitic_candidates(norm)[-1]
