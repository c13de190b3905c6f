"""A mention finder wrapping an installed spaCy pipeline, its labels mapped onto ours.

Used to measure the stock spaCy models against our CoNLL gold (and available as a fallback).
OntoNotes labels: PERSON -> PER, ORG -> ORG, GPE/LOC/FAC -> LOC, EVENT -> EVENT. NORP
(nationalities, religious and political groups: "Mexican", "Israeli", "Shiite") is dropped:
CoNLL tags demonyms MISC, which is not scored, and for the graph a demonym is not a mention of
the country (an "Israeli official" is not a mention of Israel as a place). WikiNER labels (the
Spanish model): PER, ORG, LOC kept, MISC dropped.
"""

from __future__ import annotations

from kg.nlp.mention import Mention

ONTONOTES = {"PERSON": "PER", "PER": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC",
             "FAC": "LOC", "EVENT": "EVENT"}


class SpacyFinder:
    """Mentions from a spaCy pipeline's ``doc.ents`` (offsets are spaCy's character offsets)."""

    def __init__(self, names: tuple[str, ...] | str, label_map: dict[str, str] | None = None,
                 ) -> None:
        import spacy

        names = (names,) if isinstance(names, str) else names
        last: Exception | None = None
        self.nlp = None
        for name in names:
            try:
                self.nlp = spacy.load(name, exclude=["parser", "lemmatizer", "senter"])
                self.name = name
                break
            except (OSError, ImportError) as exc:
                last = exc
        if self.nlp is None:
            raise RuntimeError(f"none of the spaCy models {names} loads: {last}")
        self.label_map = label_map or ONTONOTES

    def __call__(self, text: str) -> list[Mention]:
        if not text or not text.strip():
            return []
        doc = self.nlp(text)
        out = []
        for ent in doc.ents:
            typ = self.label_map.get(ent.label_)
            if typ:
                out.append(Mention(ent.start_char, ent.end_char, ent.text, typ, None, 1.0,
                                   "spacy"))
        return out
