"""Same-story links across editions (kg.link.stories)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import numpy as np

from kg.article import Article
from kg.link.stories import StoryLink, link_stories, story_confidence


def _art(aid: str, lang: str, title: str, day: int) -> Article:
    return Article(id=aid, title=title, body="", language=lang,
                   published=datetime(2024, 4, 14) + timedelta(days=day))


# Headlines from the corpus: Al Mayadeen Arabic 2024-04-14 and CNN/Al Jazeera (raw_pages) 2024-04-14.
ARTICLES = [
    _art("ar-1", "ar", "إيران تطلق مسيرات وصواريخ باتجاه كيان الاحتلال", 0),
    _art("en-1", "en", "Iran launches drones and missiles at Israel", 0),
    _art("es-1", "es", "Dólar cierra sus operaciones con leve tendencia alcista", 0),
    _art("en-2", "en", "Iran launches drones and missiles at Israel, live updates", 9),
]


def fake_embedder(texts: list[str]) -> np.ndarray:
    """Iran/drones texts point one way, everything else another."""
    return np.array([[1.0, 0.1] if ("Iran" in t or "إيران" in t) else [0.0, 1.0] for t in texts])


def test_links_only_across_languages_within_the_window():
    links = link_stories(ARTICLES, {"ar-1": {"country:IR", "country:IL"}, "en-1": {"country:IR", "country:IL"}},
                         embedder=fake_embedder)
    assert [(link.a_id, link.b_id) for link in links] == [("ar-1", "en-1")]
    link = links[0]
    assert isinstance(link, StoryLink) and 0.5 <= link.confidence <= 1
    assert "headline=" in link.evidence and "entities=" in link.evidence


def test_story_links_are_order_independent():
    first = link_stories(ARTICLES, None, embedder=fake_embedder)
    shuffled = ARTICLES[:]
    random.Random(1).shuffle(shuffled)
    assert link_stories(shuffled, None, embedder=fake_embedder) == first


def test_confidence_grows_with_similarity_and_overlap():
    assert story_confidence(0.8, 0.6, 0.3) > story_confidence(0.6, 0.6, 0.3) > story_confidence(0.6, 0.6, 0.0)
    assert story_confidence(0.65, 0.65, 0.0) >= 0.5 > story_confidence(0.55, 0.55, 0.0)


def test_real_multilingual_embeddings_link_the_same_story(tmp_path):
    links = link_stories(ARTICLES, None, cache_dir=tmp_path)
    pairs = {(link.a_id, link.b_id) for link in links}
    assert ("ar-1", "en-1") in pairs
    assert not any("es-1" in p for p in pairs)
    assert (tmp_path / "story_embeddings.npz").exists()


def test_headline_translations_are_used_when_available():
    from kg.link.translate import TranslationCache

    calls = []

    def translator(text, source, target, timeout):
        calls.append((source, text))
        return "Iran launches drones and missiles at Israel" if "إيران" in text else None

    cache = TranslationCache(None, translator=translator)

    def literal(texts):  # only identical English strings are similar
        return np.array([[1.0, 0.0] if t.startswith("Iran launches drones and missiles at Israel")
                         else [0.0, 1.0] for t in texts])

    from kg.link.stories import EmbeddingCache, candidate_pairs

    plain = candidate_pairs(ARTICLES[:2], None, embeddings=EmbeddingCache(None, literal))
    translated = candidate_pairs(ARTICLES[:2], None, embeddings=EmbeddingCache(None, literal),
                                 translator=cache)
    assert plain[0].cos_title == 0.0 and translated[0].cos_title == 1.0
    assert calls == [("ar", ARTICLES[0].title)]
