"""How much each edition covers each entity and event, and what only one edition covers.

For an item (entity or event) and an edition:

- ``articles``: articles of the edition mentioning the item (for events: derived from);
- ``share`` = articles / all articles mentioning the item, over all editions (shares sum to 1);
- ``rate`` = articles / the edition's article count (how often the edition covers it);
- ``normalised_share`` = rate / the sum of the rates over all editions, i.e. the share the
  edition would have if every edition published the same number of articles.

An item is *distinctive* for an edition when the edition has at least ``min_articles`` articles on
it and a high normalised share: the others barely cover it, given their size.

>>> from kg.analysis.sample import sample_store
>>> from kg.analysis.corpus import load_corpus
>>> rows = entity_coverage(load_corpus(sample_store()))
>>> boric = [r for r in rows if r.label == "Gabriel Boric"]
>>> [(r.edition_name, r.articles, r.share) for r in boric]
[('Prensa Chile', 2, 1.0)]
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from kg.analysis.corpus import Corpus, local_name

__all__ = ["CoverageRow", "coverage", "entity_coverage", "event_coverage", "distinctive"]


@dataclass
class CoverageRow:
    """One (item, edition) pair with at least one article."""

    kind: str  # "entity" or "event"
    item: str  # IRI
    label: str
    type: str
    edition: str
    edition_name: str
    articles: int
    total: int  # articles on the item in all editions
    edition_size: int
    share: float
    rate: float
    normalised_share: float


def coverage(
    item_articles: Mapping[str, set[str]],
    article_edition: Mapping[str, str],
    edition_size: Mapping[str, int],
) -> dict[str, dict[str, tuple[int, float, float, float]]]:
    """item -> edition -> (articles, share, rate, normalised share); editions with 0 left out.

    >>> coverage({"x": {"a1", "a2", "b1"}}, {"a1": "A", "a2": "A", "b1": "B", "b2": "B"},
    ...          {"A": 2, "B": 4})["x"]["A"]
    (2, 0.6666666666666666, 1.0, 0.8)
    """
    out: dict[str, dict[str, tuple[int, float, float, float]]] = {}
    for item, articles in item_articles.items():
        per: dict[str, int] = defaultdict(int)
        for a in articles:
            if a in article_edition:
                per[article_edition[a]] += 1
        total = sum(per.values())
        if not total:
            continue
        rates = {ed: k / edition_size[ed] for ed, k in per.items() if edition_size.get(ed)}
        rate_sum = sum(rates.values()) or 1.0
        out[item] = {
            ed: (k, k / total, rates.get(ed, 0.0), rates.get(ed, 0.0) / rate_sum)
            for ed, k in sorted(per.items(), key=lambda kv: (-kv[1], kv[0]))
        }
    return out


def _rows(kind: str, corpus: Corpus, item_articles: Mapping[str, set[str]],
          labels: Mapping[str, tuple[str, str]]) -> list[CoverageRow]:
    article_edition = {a: info.edition for a, info in corpus.articles.items()}
    sizes = corpus.edition_sizes()
    rows = []
    table = coverage(item_articles, article_edition, sizes)
    for item in sorted(table, key=lambda i: (-len(item_articles[i]), i)):
        per = table[item]
        total = sum(k for k, *_ in per.values())
        label, typ = labels.get(item, (local_name(item), ""))
        for ed, (k, share, rate, norm) in per.items():
            rows.append(CoverageRow(kind, item, label, typ, ed, corpus.edition_name(ed), k, total,
                                    sizes[ed], share, rate, norm))
    return rows


def entity_coverage(corpus: Corpus, lang: str = "en") -> list[CoverageRow]:
    """Coverage rows of every mentioned entity, most-mentioned entity first."""
    item_articles = corpus.entity_articles()
    labels = {e: (corpus.entity(e).label(lang), corpus.entity(e).type) for e in item_articles}
    return _rows("entity", corpus, item_articles, labels)


def event_coverage(corpus: Corpus) -> list[CoverageRow]:
    """Coverage rows of every event, by the articles it was derived from."""
    item_articles = {iri: ev.articles for iri, ev in corpus.events.items()}
    labels = {iri: (ev.label or local_name(iri), ev.type) for iri, ev in corpus.events.items()}
    return _rows("event", corpus, item_articles, labels)


def distinctive(
    rows: list[CoverageRow],
    min_articles: int = 3,
    min_normalised_share: float = 0.5,
    top: int = 15,
) -> dict[str, list[CoverageRow]]:
    """Per edition, the items it covers that the other editions barely do.

    Kept: at least ``min_articles`` articles in the edition and a normalised share of at least
    ``min_normalised_share``; ranked by normalised share, then article count; ``top`` per edition.
    With a single edition nothing is distinctive.
    """
    editions = {r.edition for r in rows}
    out: dict[str, list[CoverageRow]] = {ed: [] for ed in sorted(editions)}
    if len(editions) < 2:
        return out
    for r in rows:
        if r.articles >= min_articles and r.normalised_share >= min_normalised_share:
            out[r.edition].append(r)
    for ed, items in out.items():
        items.sort(key=lambda r: (-r.normalised_share, -r.articles, r.label))
        out[ed] = items[:top]
    return out
