"""De-duplication: same URL, post id or text; the kept version never depends on input order."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from kg.article import Article
from kg.sources import Deduplicator, choose, deduplicate, normalise_url, read_inputs

A = "/data/ar/almayadeen_ar_2024_04.json"
B = "/data/ar/variants/almayadeen_ar_2024_04_variant_b.json"


def art(id_, body, **kw) -> Article:
    return Article(id=id_, title="t", body=body, **kw)


def test_normalise_url():
    assert normalise_url("http://www.BBC.co.uk/news/uk-67030722/?utm_source=x#top") == \
        normalise_url("https://bbc.co.uk/news/uk-67030722")
    assert normalise_url("https://www.almayadeen.net/news/%D8%BA%D8%B2%D8%A9") == \
        normalise_url("https://www.almayadeen.net/news/غزة")
    assert normalise_url("https://english.almayadeen.net/x") != \
        normalise_url("https://www.almayadeen.net/x")


def test_duplicate_by_url_post_id_and_text():
    dedupe = Deduplicator()
    first = art("1", "some body text", url="https://x.org/a", post_id="9", edition="e")
    assert dedupe.add(first) is first
    same_url = art("2", "other", url="http://www.x.org/a/")
    same_post = art("3", "third", post_id="9", edition="e")
    same_text = art("4", "Some  body, text!")
    for duplicate in (same_url, same_post, same_text):
        assert dedupe.add(duplicate) is None
        assert dedupe.reason(duplicate).startswith("duplicate (")
    [kept] = dedupe.articles()
    assert kept is same_text  # the longest body of the group wins (see preference_key)
    assert dedupe.reason(same_text) == "duplicate (same text) of 4"
    assert len(dedupe.duplicates()) == 3


def test_preference_rule():
    old = art("x", "a longer body text here", modified=datetime(2024, 1, 1, tzinfo=UTC))
    new = art("x", "short", modified=datetime(2024, 1, 2, tzinfo=UTC))
    assert choose(old, new) is new and choose(new, old) is new  # later update wins
    short, long_ = art("x", "short", source_file=A), art("x", "longer body", source_file=B)
    assert choose(short, long_) is long_ and choose(long_, short) is long_
    tie_a, tie_b = art("x", "same", source_file=A), art("x", "same", source_file=B)
    assert choose(tie_a, tie_b) is tie_a and choose(tie_b, tie_a) is tie_a  # smaller name


def test_order_independent_on_the_april_overlap(shared_data):
    files = [str(shared_data / "ar/almayadeen_ar_2024_04.json"),
             str(shared_data / "ar/variants/almayadeen_ar_2024_04_variant_b.json")]
    articles = [a for a in read_inputs(files) if isinstance(a, Article)]
    kept, dropped = deduplicate(articles)
    reversed_kept, _ = deduplicate([a for a in read_inputs(files[::-1])
                                    if isinstance(a, Article)])
    shuffled = articles[:]
    random.Random(7).shuffle(shuffled)
    shuffled_kept, _ = deduplicate(shuffled)
    signature = [(a.id, a.source_file, a.body) for a in kept]
    assert signature == [(a.id, a.source_file, a.body) for a in reversed_kept]
    assert signature == [(a.id, a.source_file, a.body) for a in shuffled_kept]
    # 599 posts in 2024_04 (one repeated), 422 with text; variant_b adds none new
    assert len(kept) == 420
    assert all(r.reason.startswith("duplicate (") for r in dropped)


def test_corpus_after_dedupe(shared_data):
    articles = [a for a in read_inputs([str(shared_data)]) if isinstance(a, Article)]
    kept, dropped = deduplicate(articles)
    assert 3000 <= len(kept) <= 3200
    assert len(kept) + len(dropped) == len(articles)
    assert len({a.id for a in kept}) == len(kept)
