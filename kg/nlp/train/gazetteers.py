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


def kb_latin(data: Path | None = None, arabic: bool = False) -> list[tuple[str, str]]:
    """Latin-script names (Spanish and English labels and aliases) of the KB's PER/ORG/LOC
    entities (:class:`kg.kb.KnowledgeBase`: CLDR/GeoNames places, curated entities), tokenized
    like run-time text and lower-cased. Typed ``kPER``/``kORG``/``kLOC``, so the CRF weighs them
    apart from the ANETAC lists. ``data`` is unused (the KB ships with the package)."""
    from kg.kb import KnowledgeBase
    from kg.nlp.statistical.tokenize import tokenize

    rows = []
    for e in KnowledgeBase.load().entities.values():
        if e.type not in ("PER", "ORG", "LOC"):
            continue
        names: set[str] = set()
        for lg in ("es", "en"):
            if e.labels.get(lg):
                names.add(e.labels[lg])
            names.update(e.aliases.get(lg, []))
        for name in names:
            if len(name) > 1 and not arnorm.is_arabic(name):
                rows.append(("k" + e.type, " ".join(t.text.lower() for t in tokenize(name))))
    return rows


def spanish(data: Path, arabic: bool = False) -> list[tuple[str, str]]:
    """The Spanish model's gazetteer: ANETAC's Latin names plus the KB's names (``kb_latin``)."""
    return anetac_latin(data) + kb_latin(data)


def has_kb_names(path: Path) -> bool:
    """Whether a written gazetteer holds KB names (``kPER``/``kORG``/``kLOC`` rows)."""
    with open(path, encoding="utf-8") as fh:
        return any(line.startswith(("kPER\t", "kORG\t", "kLOC\t")) for line in fh)
