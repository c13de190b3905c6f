"""Readers on real inputs: Al Mayadeen scrapes, the saved English page, JSONL exports, feeds."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kg.article import Article, Rejection
from kg.sources import count_inputs, read_inputs
from kg.sources.dates import BEIRUT
from kg.sources.registry import registered_readers


def split(items):
    articles = [x for x in items if isinstance(x, Article)]
    rejections = [x for x in items if isinstance(x, Rejection)]
    return articles, rejections


@pytest.fixture(scope="module")
def corpus(shared_data: Path):
    """Everything read from ../shared/data once for this module."""
    return split(list(read_inputs([str(shared_data)])))


# ---- Al Mayadeen scraped JSON: three layouts, one mapping --------------------------------

ARABIC_FILES = {
    "ar/almayadeen_ar_2023_10.json": 600,
    "ar/almayadeen_ar_2024_04.json": 600,
    "ar/variants/almayadeen_ar_2023_12_variant_a.json": 259,
    "ar/variants/almayadeen_ar_2024_04_variant_b.json": 514,
}


@pytest.mark.parametrize("name,records", sorted(ARABIC_FILES.items()))
def test_every_almayadeen_record_is_accounted_for(shared_data, name, records):
    articles, rejections = split(list(read_inputs([str(shared_data / name)])))
    assert len(articles) + len(rejections) == records
    assert all(r.record and r.reason.startswith("empty text (") for r in rejections)
    assert len(articles) > 0.6 * records
    for article in articles:
        assert article.edition == "almayadeen-ar" and article.language == "ar"
        assert article.id == f"www.almayadeen.net-{article.post_id}"
        assert article.published is not None and article.published.tzinfo is not None
        assert article.title and article.body and article.tags and article.section
        assert article.url.startswith("https://www.almayadeen.net/")


def test_almayadeen_fields_are_mapped(shared_data):
    raw = json.loads((shared_data / "ar/almayadeen_ar_2024_04.json").read_text())[0]
    article = next(read_inputs([str(shared_data / "ar/almayadeen_ar_2024_04.json")]))
    assert article.url == raw["url"] and article.post_id == raw["postId"] == "1850881"
    assert article.tags[:3] == ["اليمن", "غزة", "طوفان الأقصى"]
    assert "يحيى سريع" in article.tags
    assert article.section == "سياسة"  # classes: category
    assert article.published == datetime(2024, 4, 29, 21, 58, tzinfo=UTC)
    assert article.summary == raw["description"]
    # the scrape pastes the description at both ends of full_text: the reader removes it
    assert not article.body.startswith(raw["description"][:40])
    assert article.body.count(raw["description"][:40]) == 0


def test_variant_layouts_share_ids_and_read_naive_times_as_beirut(shared_data):
    base = {a.id: a for a in read_inputs([str(shared_data / "ar/almayadeen_ar_2024_04.json")])
            if isinstance(a, Article)}
    variant = {a.id: a for a in read_inputs(
        [str(shared_data / "ar/variants/almayadeen_ar_2024_04_variant_b.json")])
        if isinstance(a, Article)}
    assert len(base.keys() & variant.keys()) == len(variant)  # same posts, same ids
    a_variant = next(read_inputs(
        [str(shared_data / "ar/variants/almayadeen_ar_2023_12_variant_a.json")]))
    assert isinstance(a_variant.tags, list) and len(a_variant.tags) > 3  # keywords as a list
    # '2023-12-30T21:59:00.0000000' is Beirut local time (UTC+2 in winter)
    assert a_variant.published == datetime(2023, 12, 30, 21, 59, tzinfo=BEIRUT)
    assert a_variant.published.utcoffset().total_seconds() == 7200


def test_video_items_are_rejected_with_their_kind(shared_data):
    _, rejections = split(list(read_inputs([str(shared_data / "ar/almayadeen_ar_2023_10.json")])))
    reasons = Counter(r.reason for r in rejections)
    assert reasons["empty text (video item)"] > 50
    assert reasons["empty text (newscast item)"] > 10


# ---- the saved Al Mayadeen English page ---------------------------------------------------

def test_almayadeen_page_text(shared_data):
    path = shared_data / "en/almayadeen_en_page_sheinbaum.txt"
    as_of = datetime(2025, 11, 6, 12, 0, tzinfo=BEIRUT)
    [article] = list(read_inputs([str(path)], as_of=as_of))
    assert article.title == "Mexicans 'united against any interference' in country: Sheinbaum"
    assert article.author == "Al Mayadeen English"
    assert article.edition == "almayadeen-en" and article.language == "en"
    assert article.published == datetime(2025, 11, 6, 10, 25, tzinfo=BEIRUT)
    assert article.summary.startswith("Claudia Sheinbaum reaffirms Mexico")
    assert article.tags == ["Claudia Sheinbaum", "Mexico", "United States", "Mexican cartels"]
    body = article.body
    assert body.startswith("Mexican President Claudia Sheinbaum on Thursday dismissed")
    assert body.endswith("suggesting that US Secretary of War Pete Gegseth brief Congress on the matter.")
    assert "A break with past policy toward drug cartels in Mexico" in body  # subheads stay
    for junk in ("BREAKING", "Japanese Prime Minister", "Related News", "Read more",
                 "Several fall ill at US base", "Most Read", "Read Next", "All Rights Reserved",
                 "holds a morning press conference at the National Palace", "Listen", "Min Read",
                 "Privacy Policy", "Politics\n"):
        assert junk not in body, junk
    assert "Several fall ill at US base due to suspicious white powder package" in article.related


def test_page_date_comes_from_the_page_not_the_file_time(shared_data):
    """"Today 10:25" is dated by the page's own dated lists, whatever the file's time."""
    path = shared_data / "en/almayadeen_en_page_sheinbaum.txt"
    [article] = list(read_inputs([str(path)]))
    local = article.published.astimezone(BEIRUT)
    assert (local.date().isoformat(), local.hour, local.minute) == ("2025-11-06", 10, 25)
    assert not article.date_uncertain


# ---- JSONL exports and the canonical JSONL ------------------------------------------------

JSONL_FILES = {
    "en/bbc_2023-10_to_2023-11.jsonl": ("bbc", 520),
    "en/four_papers_2023-10_to_2024-04.jsonl": (None, 409),
    "en/raw_pages_iran_israel_2024-04.jsonl": (None, 131),
    "en/middle_east_2024-07.jsonl": ("unattributed", 176),
    "es/prensa_chile_2023-2024.jsonl": ("prensa-chile", 783),
}


@pytest.mark.parametrize("name", sorted(JSONL_FILES))
def test_jsonl_exports(shared_data, name):
    edition, records = JSONL_FILES[name]
    articles, rejections = split(list(read_inputs([str(shared_data / name)])))
    assert len(articles) + len(rejections) == records
    assert len(articles) >= records - 10
    for article in articles:
        assert article.title and len(article.body) > 100
        assert article.language in ("en", "es")
        assert article.published is None or article.published.tzinfo is not None
        if edition:
            assert article.edition == edition
    assert sum(a.published is not None for a in articles) >= len(articles) - 20


def test_news_database_fields(shared_data):
    articles = [a for a in read_inputs([str(shared_data / JSONL_PAPERS)])
                if isinstance(a, Article)]
    first = articles[0]
    assert first.outlet == "The Jerusalem Post" and first.edition == "jpost"
    assert first.published == datetime(2023, 12, 1, tzinfo=UTC)  # "December 1, 2023"
    assert first.author == "HERB KEINON" and first.section == "Features"
    assert "HAMAS" in first.tags and "ISRAEL" in first.tags
    assert {a.edition for a in articles} == {"nyt", "guardian", "jpost", "aawsat-en"}


JSONL_PAPERS = "en/four_papers_2023-10_to_2024-04.jsonl"


def test_raw_pages_lose_navigation(shared_data):
    articles = [a for a in read_inputs([str(shared_data / "en/raw_pages_iran_israel_2024-04.jsonl")])
                if isinstance(a, Article)]
    joined = "\n".join(a.body for a in articles)
    for nav in ("Skip linksSkip to Content", "Sign in to your CNN account", "Primary Menu",
                "This website uses cookies", "Your California Privacy Rights"):
        assert nav not in joined
    aljazeera = next(a for a in articles if a.url.endswith("amid-gaza-war"))
    assert "“Biden is doubling down on a formula that so far has been absolutely disastrous,”" \
        in aljazeera.body
    assert aljazeera.edition == "aljazeera"


def test_an_outlets_calls_to_follow_it_and_write_in_are_not_article_text(shared_data):
    """A hundred BBC reports ended "follow BBC London on Facebook, X and Instagram": each made
    the platforms co-occur with what the report was about."""
    bbc, papers = ([a for a in read_inputs([str(shared_data / f"en/{name}.jsonl")])
                    if isinstance(a, Article)]
                   for name in ("bbc_2023-10_to_2023-11", "four_papers_2023-10_to_2024-04"))
    joined = "\n".join(a.body for a in [*bbc, *papers])
    for footer in ("on Facebook, X and Instagram", "Send your story ideas to",
                   "Please include a contact number", "can't see the form",
                   "affected by the issues raised in this story", "Available now on BBC iPlayer",
                   "Follow The New York Times Opinion section"):
        assert footer not in joined
    # a report's own sentence about a platform stays, and so does a line that ends with a bio
    assert "said Facebook and Instagram had suppressed or removed their posts" in joined
    assert "Follow him on X: @DavidsLevine." in joined


def test_prensa_chile_widget_calls_removed(shared_data):
    articles = [a for a in read_inputs([str(shared_data / "es/prensa_chile_2023-2024.jsonl")])
                if isinstance(a, Article)]
    assert not any("RelacionadaDetalle(" in a.body for a in articles)
    # nor the marker of a picture's place, which the model had read as a person 92 + 11 times
    assert not any("Top-Right" in a.body or '. Right "' in a.body for a in articles)
    assert not any("Revisa también" in a.body for a in articles)  # a related story's link
    assert any('agregó. En ese sentido, hizo hincapié' in a.body for a in articles)


def test_canonical_jsonl_read_as_is(tmp_path):
    record = {"id": "my-1", "url": "https://example.org/a?b=1#c", "title": "Canonical title",
              "text": "A canonical article body that is long enough to be read as an article.",
              "published": "2024-04-14T08:00:00+03:00", "author": "A. Writer",
              "section": "World", "tags": ["Iran", "Israel"], "edition": "example"}
    no_language = dict(record, id="my-2", text="Otro texto distinto, escrito en castellano.")
    path = tmp_path / "canonical.jsonl"
    path.write_text(json.dumps(record) + "\n\n" + json.dumps(no_language) + "\n")
    first, second = read_inputs([str(path)])
    assert first.id == "my-1" and first.url == "https://example.org/a?b=1#c"
    assert first.published == datetime(2024, 4, 14, 5, 0, tzinfo=UTC)
    assert (first.author, first.section, first.tags, first.edition) == (
        "A. Writer", "World", ["Iran", "Israel"], "example")
    assert first.source_record == "1" and second.source_record == "3"
    assert second.language is None  # not stated: the builder detects it


# ---- feeds --------------------------------------------------------------------------------

def test_rss_feed(fixtures):
    articles, rejections = split(list(read_inputs([str(fixtures / "sources/feed.rss")])))
    assert [a.url for a in articles] == ["https://www.bbc.co.uk/news/world-middle-east-67067595",
                                         "https://www.bbc.co.uk/news/uk-67030722"]
    assert articles[0].published == datetime(2023, 10, 10, 18, 24, 51, tzinfo=UTC)
    assert articles[0].body.startswith("As Israel rushed onto a war footing")
    assert "<p>" not in articles[0].body and articles[0].tags == ["Israel-Gaza war"]
    assert articles[0].language == "en" and articles[0].edition == "bbc"
    assert articles[1].author == "BBC News"
    assert rejections == [Rejection(str(fixtures / "sources/feed.rss"),
                                    "feed item has no text", "3")]


def test_atom_feed(fixtures):
    articles = list(read_inputs([str(fixtures / "sources/feed.atom")]))
    assert len(articles) == 2 and all(isinstance(a, Article) for a in articles)
    assert articles[0].title.startswith("‘Disastrous’")
    assert articles[0].url.endswith("amid-gaza-war") and articles[0].edition == "aljazeera"
    assert articles[1].body.startswith("Iran has launched its first-ever direct military attack")
    assert articles[1].author == "Al Jazeera Staff"
    assert articles[1].published == datetime(2024, 4, 14, 8, 0, tzinfo=UTC)


# ---- the whole corpus ----------------------------------------------------------------------

def test_whole_corpus_counts(corpus, shared_data):
    articles, rejections = corpus
    from kg.sources import Skipped

    skipped = [r for r in rejections if isinstance(r, Skipped)]
    rejections = [r for r in rejections if not isinstance(r, Skipped)]
    assert 3400 <= len(articles) <= 3600
    # the knowledge-base, parallel and event-gold folders are not news: rejected with their reason
    not_news = ("/kb/", "/parallel/", "/events/")
    reasons = Counter(r.reason.split(" (")[0] for r in rejections
                      if not any(part in r.source_file for part in not_news))
    assert set(reasons) <= {"empty text", "no article text found", "text too short"}
    # skipped, each with its reason: READMEs, licences, gold files, CoNLL/lexicon token lists
    assert not any("/ner/" in r.source_file or "/lexicon/" in r.source_file for r in rejections)
    assert any(r.source_file.endswith("README.md") for r in skipped)
    assert all(r.reason for r in skipped)
    assert not any(a.source_file.endswith((".expected.txt", "README.md")) for a in articles)
    assert count_inputs([str(shared_data)]) >= 20


def test_registry_not_if_chain():
    names = {reader.name for reader in registered_readers()}
    assert {"json", "jsonl", "html", "feed", "almayadeen-page", "text"} <= names


def test_news_database_trailer_is_not_body(shared_data):
    """The export's classification block ("NATIONAL SECURITY (89%)") would become false entities."""
    path = shared_data / "en/four_papers_2023-10_to_2024-04.jsonl"
    articles = [a for a in read_inputs([str(path)]) if isinstance(a, Article)]
    assert len(articles) > 400
    assert not any("Publication-Type:" in a.body or "(89%)" in a.body for a in articles)
    assert all(len(a.body) > 200 for a in articles)


def test_inline_junk_literals_are_in_every_match(shared_data):
    """The clean-up runs a junk pattern only on texts holding its literal: every match of the
    pattern in real articles must hold it (else junk would be left in)."""
    from kg.sources.clean import _INLINE_JUNK

    texts = [line for name in ("es/prensa_chile_2023-2024.jsonl", "en/four_papers_2023-10_to_2024-04.jsonl")
             for line in (shared_data / name).read_text(encoding="utf-8").splitlines()]
    matched = set()
    for literal, pattern in _INLINE_JUNK:
        for text in texts:
            for match in pattern.finditer(text):
                assert literal in match.group(0), (literal, match.group(0))
                matched.add(literal)
    assert {"Detalle(", "pic.twitter.com/"} <= matched
