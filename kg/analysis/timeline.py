"""Coverage over time: articles mentioning each entity per day and per ISO week.

Days are publication days in the article's own time zone (the date part of
``schema:datePublished``); weeks are ISO weeks (``2023-W41``, Monday to Sunday). Articles without
a date are left out, and so are those whose date is only a guess (``mkg:dateUncertain true``,
see :func:`uncertain_articles`): passed as ``skip``, they cannot stretch the time axis.

>>> from kg.analysis.sample import sample_store
>>> from kg.analysis.corpus import load_corpus
>>> weeks = entity_timeline(load_corpus(sample_store()), "week")
>>> weeks["https://w3id.org/mkg/resource/entity/LOC:gaza"]
{'2023-W40': 2, '2023-W41': 1, '2023-W42': 2}
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from datetime import date, timedelta

from kg.analysis.corpus import ArticleInfo, Corpus
from kg.rdf.store import GraphStore

__all__ = ["period_of", "entity_timeline", "edition_timeline", "periods", "uncertain_articles",
           "dated_articles"]

_UNCERTAIN = "SELECT DISTINCT ?a WHERE { ?a a schema:NewsArticle ; mkg:dateUncertain true }"


def uncertain_articles(store: GraphStore) -> set[str]:
    """IRIs of the articles whose publication date is a guess (``mkg:dateUncertain true``).

    >>> from kg.analysis.sample import sample_store
    >>> uncertain_articles(sample_store())
    set()
    """
    return {str(row["a"]) for row in store.select(_UNCERTAIN)}


def dated_articles(corpus: Corpus, skip: Collection[str] = ()) -> list[ArticleInfo]:
    """The articles a time axis may use: with a date, and not in ``skip`` (uncertain dates)."""
    return [a for iri, a in corpus.articles.items() if a.day is not None and iri not in skip]


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


def entity_timeline(corpus: Corpus, period: str = "day",
                    skip: Collection[str] = ()) -> dict[str, dict[str, int]]:
    """Entity IRI -> period -> number of articles mentioning it (periods in order)."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for article, entities in corpus.mentions.items():
        info = corpus.articles.get(article)
        day = info.day if info else None
        if day is None or article in skip:
            continue
        key = period_of(day, period)
        for entity in entities:
            out[entity][key] += 1
    return {e: dict(sorted(c.items())) for e, c in sorted(out.items())}


def edition_timeline(corpus: Corpus, period: str = "day",
                     skip: Collection[str] = ()) -> dict[str, dict[str, int]]:
    """Edition IRI -> period -> number of articles published (periods in order)."""
    out: dict[str, Counter[str]] = defaultdict(Counter)
    for info in dated_articles(corpus, skip):
        out[info.edition][period_of(info.day, period)] += 1
    return {e: dict(sorted(c.items())) for e, c in sorted(out.items())}


def periods(corpus: Corpus, period: str = "day", skip: Collection[str] = ()) -> list[str]:
    """Every period from the first to the last article date, gaps included; articles in
    ``skip`` (uncertain dates) do not count.

    >>> from kg.analysis.sample import sample_store
    >>> from kg.analysis.corpus import load_corpus
    >>> corpus = load_corpus(sample_store())
    >>> periods(corpus, "week")
    ['2023-W40', '2023-W41', '2023-W42']
    >>> late = {iri for iri, a in corpus.articles.items() if a.day.day >= 16}
    >>> periods(corpus, "week", skip=late)
    ['2023-W40', '2023-W41']
    """
    days = sorted(a.day for a in dated_articles(corpus, skip))
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
