"""Event types (the ``mkg:EventTypeScheme`` SKOS concepts) and their trigger terms in en/ar/es.

The concepts are declared with labels in ``ontologies/events.ttl``; this registry is what the
extractor matches. A trigger is a regular expression over the sentence (Arabic sentences are
normalised first, see :func:`kg.text.keys.normalize_arabic`); the ``\\w*`` tails let one stem
cover inflections ("strike", "strikes", "struck" is listed apart).

>>> EVENT_TYPES["Attack"].iri
'https://w3id.org/mkg/ontology#Attack'
>>> find_triggers("Israeli air strikes hit Khan Younis on Monday", "en")[0][:2]
('Attack', 'air strikes')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kg.text.keys import normalize_arabic

MKG = "https://w3id.org/mkg/ontology#"


@dataclass(frozen=True)
class EventType:
    """One concept of the scheme: labels per language and trigger patterns per language."""

    name: str
    labels: dict[str, str]
    triggers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    definition: str = ""

    @property
    def iri(self) -> str:
        return MKG + self.name


def _t(**langs: str) -> dict[str, tuple[str, ...]]:
    return {lang: tuple(p.strip() for p in pats.split(";") if p.strip()) for lang, pats in langs.items()}


#: The registry: concept local name -> :class:`EventType`. Order matters only for ties.
EVENT_TYPES: dict[str, EventType] = {t.name: t for t in (
    EventType("Attack", {"en": "attack or strike", "ar": "هجوم أو غارة", "es": "ataque o bombardeo"},
              _t(en=r"air ?strikes?; strikes?; struck; attack(?:s|ed)?; bomb(?:s|ed|ing|ings|ardment)?;"
                    r" shell(?:s|ed|ing)?; raids?; missiles? (?:hit|struck|fired); rockets? (?:hit|fired);"
                    r" drone strikes?; fired (?:rockets|missiles); targeted; shot down; invasion; invaded;"
                    r" offensive",
                 ar=r"غار(?:ه|ات); قصف\w*; استهداف; استهدف\w*; هجوم\w*; اعتداء\w*; ضرب(?:ه|ات); صواريخ;"
                    r" صاروخ\w*; اجتياح; توغل\w*; قذائف; عمليه عسكريه",
                 es=r"ataques?; atac(?:ó|aron|ado|ada); bombarde\w+; ofensiva; misiles?; cohetes?;"
                    r" incursi(?:ón|ones)"),
              "An armed attack, air strike, bombardment or raid."),
    EventType("Killing", {"en": "killing or casualties", "ar": "قتل أو إصابات", "es": "muertes o víctimas"},
              _t(en=r"killed; killing; kills?; dead; death toll; deaths?; died; wounded; injured;"
                    r" casualties; massacre; martyred; assassinat\w+",
                 ar=r"استشهاد; استشهد\w*; شهداء; شهيد\w*; مقتل; قتل\w*; قتلي; جرحي; اصاب(?:ه|ات)\w*;"
                    r" مجزر(?:ه|ات); اغتيال; اغتال\w*; ضحايا",
                 es=r"muert(?:o|os|a|as|e|es); mur(?:ió|ieron); asesinat\w+; asesin(?:ó|ado|ada|ados);"
                    r" fallec\w+; heridos?; víctimas; masacre; homicidio"),
              "People killed or wounded."),
    EventType("Protest", {"en": "protest", "ar": "احتجاج", "es": "protesta"},
              _t(en=r"protests?; protesters?; protested; demonstrations?; demonstrators?; rall(?:y|ies);"
                    r" march(?:ed|es)?; sit-in; strike action",
                 ar=r"تظاهر\w*; مظاهر(?:ه|ات); احتجاج\w*; وقفه احتجاجيه; مسير(?:ه|ات); اعتصام\w*",
                 es=r"protestas?; manifestaci(?:ón|ones); manifestantes?; march(?:a|as|aron); paro"),
              "A demonstration, rally or protest."),
    EventType("Meeting", {"en": "meeting or visit", "ar": "لقاء أو زيارة", "es": "reunión o visita"},
              _t(en=r"met (?:with)?; meeting; meets; talks (?:with|in|between); visit(?:s|ed|ing)?;"
                    r" summit; hosted; received",
                 ar=r"التقي; التقت; لقاء; اجتماع\w*; اجتمع\w*; زيار(?:ه|ات); زار; استقبل\w*; محادثات;"
                    r" قمه",
                 es=r"reuni(?:ón|ones|ó); se reuni\w+; visit(?:a|ó|aron)?; cumbre; recibió; encuentro"),
              "A meeting, visit, summit or talks."),
    EventType("Statement", {"en": "statement", "ar": "تصريح أو بيان", "es": "declaración"},
              _t(en=r"statement; announced; declared; press conference; spokes(?:man|woman|person) said",
                 ar=r"بيان; اعلن\w*; صرح\w*; تصريح(?:ات)?; مؤتمر صحفي; كلمه متلفزه; خطاب",
                 es=r"comunicado; declar(?:ó|aron|ación); anunci(?:ó|aron); conferencia de prensa"),
              "An official statement, announcement or speech."),
    EventType("Agreement", {"en": "agreement or ceasefire", "ar": "اتفاق أو هدنة", "es": "acuerdo o alto el fuego"},
              _t(en=r"ceasefire; cease-fire; truce; agreement; deal; accord; pause in (?:the )?fighting;"
                    r" hostage deal; signed",
                 ar=r"اتفاق\w*; هدنه; وقف اطلاق النار; تهدئه; صفقه; وقع\w* اتفاق",
                 es=r"acuerdos?; alto el fuego; tregua; pacto; firm(?:ó|aron)"),
              "An agreement, deal, truce or ceasefire."),
    EventType("Election", {"en": "election", "ar": "انتخابات", "es": "elección"},
              _t(en=r"elections?; electoral; vote[ds]?; voting; ballot; referendum; polls? (?:opened|closed)",
                 ar=r"انتخاب(?:ات)?\w*; اقتراع; استفتاء; تصويت",
                 es=r"elecci(?:ón|ones); electoral; votaci(?:ón|ones); comicios; plebiscito; sufragio"),
              "An election, vote or referendum."),
    EventType("Arrest", {"en": "arrest", "ar": "اعتقال", "es": "detención"},
              _t(en=r"arrest(?:ed|s)?; detained; detention; taken into custody; abducted; kidnapp\w+",
                 ar=r"اعتقال\w*; اعتقل\w*; احتجاز; احتجز\w*; اختطاف; اختطف\w*; توقيف",
                 es=r"deten(?:ido|idos|ida|idas|ción|ciones); arrest(?:o|ado|ados); secuestr\w+; captur\w+"),
              "An arrest, detention or abduction."),
    EventType("Sanctions", {"en": "sanctions", "ar": "عقوبات", "es": "sanciones"},
              _t(en=r"sanctions?; sanctioned; embargo; blacklist(?:ed)?",
                 ar=r"عقوبات; عقوبه; حظر; حصار",
                 es=r"sanci(?:ón|ones); sancion(?:ó|ado|ados); embargo; bloqueo"),
              "Economic or political sanctions, embargoes, blockades."),
)}


@lru_cache(maxsize=8)
def _patterns(lang: str) -> list[tuple[str, re.Pattern[str]]]:
    out = []
    for name, etype in EVENT_TYPES.items():
        pats = etype.triggers.get(lang, ())
        if lang == "ar":
            pats = tuple(normalize_arabic(p) for p in pats)
            # Arabic: allow a one-letter proclitic (و ف ب ل) and the article on the trigger
            body = "|".join(pats)
            rx = re.compile(rf"(?<![\w])(?:[وفبل])?(?:ال)?({body})(?![\w])")
        else:
            body = "|".join(pats)
            rx = re.compile(rf"\b({body})\b", re.IGNORECASE)
        out.append((name, rx))
    return out


def find_triggers(sentence: str, lang: str) -> list[tuple[str, str, int]]:
    """``(event type, trigger text, offset)`` for each type triggered in a sentence (first hit each).

    >>> [t for t, _, _ in find_triggers("استشهد 5 فلسطينيين في غارة على رفح", "ar")]
    ['Attack', 'Killing']
    >>> [t for t, _, _ in find_triggers("Miles marcharon en una protesta en Santiago", "es")]
    ['Protest']
    """
    text = normalize_arabic(sentence) if lang == "ar" else sentence
    hits = []
    for name, rx in _patterns(lang if lang in ("en", "ar", "es") else "en"):
        m = rx.search(text)
        if m:
            hits.append((name, m.group(1), m.start(1)))
    return hits


def scheme_turtle() -> str:
    """The SKOS scheme of :data:`EVENT_TYPES` as Turtle (the text of ``ontologies/events.ttl``)."""
    lines = [
        "@prefix mkg: <https://w3id.org/mkg/ontology#> .",
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "",
        "# Event types of reported happenings (the values of sem:eventType). Generated from",
        "# kg/events/types.py with `python -m kg.events.types > ontologies/events.ttl`;",
        "# the trigger terms per language live there.",
        "",
        "mkg:EventTypeScheme a skos:ConceptScheme ;",
        '    skos:prefLabel "event types"@en, "أنواع الأحداث"@ar, "tipos de evento"@es ;',
        '    dcterms:description "Kinds of happenings that news articles report."@en ;',
        "    skos:hasTopConcept " + ", ".join(f"mkg:{n}" for n in EVENT_TYPES) + " .",
        "",
    ]
    for name, etype in EVENT_TYPES.items():
        labels = ", ".join(f'"{etype.labels[lang]}"@{lang}' for lang in ("en", "ar", "es"))
        lines += [f"mkg:{name} a skos:Concept ;",
                  "    skos:inScheme mkg:EventTypeScheme ;",
                  "    skos:topConceptOf mkg:EventTypeScheme ;",
                  f"    skos:prefLabel {labels} ;",
                  f'    skos:definition "{etype.definition}"@en .',
                  ""]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    print(scheme_turtle(), end="")
