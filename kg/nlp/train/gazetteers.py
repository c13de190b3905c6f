"""Gazetteer rows (type, normalised phrase) built from the lexicons under ``<data>/lexicon``."""

from __future__ import annotations

from pathlib import Path

from kg.nlp.statistical import arnorm

ANETAC_TYPES = {"PERSON": "PER", "LOCATION": "LOC", "ORGANIZATION": "ORG"}


def _anetac(data: Path) -> list[tuple[str, str, str]]:
    rows = []
    path = data / "lexicon" / "anetac_en_ar" / "EN-AR_Named-entities.txt"
    with open(path, encoding="utf-8-sig") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 3 and parts[0] in ANETAC_TYPES:
                rows.append((ANETAC_TYPES[parts[0]], parts[1], " ".join(parts[2:])))
    return rows


def anetac_latin(data: Path, arabic: bool = False) -> list[tuple[str, str]]:
    """Latin-script names of ANETAC (single tokens), lower-cased."""
    return [(t, en.lower()) for t, en, _ in _anetac(data) if len(en) > 1]


def arabic(data: Path, arabic: bool = True) -> list[tuple[str, str]]:
    """ANERGazet place/organisation/person lists plus ANETAC's Arabic side, normalised."""
    rows = [(t, " ".join(arnorm.normalize(w) for w in ar.split())) for t, _, ar in _anetac(data)]
    folder = data / "lexicon" / "anergazet_ar"
    for name, typ in (("AlignedLocGazetteer.txt", "LOC"), ("AlignedOrgGazetteer.txt", "ORG"),
                      ("AlignedPersGazetteer.txt", "PER")):
        with open(folder / name, encoding="utf-8-sig", errors="replace") as fh:
            for line in fh:
                phrase = line.strip()
                if phrase and not phrase.startswith("==") and len(phrase) > 1:
                    rows.append((typ, " ".join(arnorm.normalize(w) for w in phrase.split())))
    return rows
