"""Coverage over time: articles mentioning each entity per day and per ISO week.

Days are publication days in the article's own time zone (the date part of
``schema:datePublished``); weeks are ISO weeks (``2023-W41``, Monday to Sunday). Articles without
a date are left out.

>>> from kg.analysis.sample import sample_store
>>> from kg.analysis.corpus import load_corpus
>>> weeks = entity_timeline(load_corpus(sample_store()), "week")
>>> weeks["https://w3id.org/mkg/resource/entity/LOC:gaza"]
{'2023-W40': 2, '2023-W41': 1, '2023-W42': 2}
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from kg.analysis.corpus import Corpus

__all__ = ["period_of", "entity_timeline", "edition_timeline", "periods"]


def period_of(day: date, period: str = "day") -> str:
    """The label of the day or ISO week that ``day`` falls in.

    >>> period_of(date(2024, 1, 1), "week"), period_of(date(2024, 1, 1))
    ('2024-W01', '2024-01-01')
    """
    if period == "day":
        return day.isoformat()
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    raise ValueError(f"period must be 'day' or 'week', not {period!r}")


def entity_timeline(corpus: Corpus, period: str = "day") -> dict[str, dict[str, int]]:
    """Entity IRI -> period -> number of articles mentioning it (periods in order)."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for article, entities in corpus.mentions.items():
        info = corpus.articles.get(article)
        day = info.day if info else None
        if day is None:
            continue
        key = period_of(day, period)
        for entity in entities:
            out[entity][key] += 1
    return {e: dict(sorted(c.items())) for e, c in sorted(out.items())}


def edition_timeline(corpus: Corpus, period: str = "day") -> dict[str, dict[str, int]]:
    """Edition IRI -> period -> number of articles published (periods in order)."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for info in corpus.articles.values():
        if info.day is not None:
            out[info.edition][period_of(info.day, period)] += 1
    return {e: dict(sorted(c.items())) for e, c in sorted(out.items())}


def periods(corpus: Corpus, period: str = "day") -> list[str]:
    """Every period from the first to the last article date, gaps included.

    >>> periods(Corpus())
    []
    """
    days = sorted(d for d in (a.day for a in corpus.articles.values()) if d is not None)
    if not days:
        return []
    out: list[str] = []
    day = days[0]
    while day <= days[-1]:
        label = period_of(day, period)
        if not out or out[-1] != label:
            out.append(label)
        day += timedelta(days=1)
    return out
