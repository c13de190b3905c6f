"""HTML pages of the trafilatura and newspaper4k test sets: text snippets and metadata."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from kg.article import Article
from kg.sources import read_inputs

# the same place as conftest.SHARED_DATA; needed at collection time for the parameters
SHARED_DATA = (Path(__file__).resolve().parent.parent / ".." / "shared" / "data").resolve()
TRAFILATURA = SHARED_DATA / "html/trafilatura"
NEWSPAPER = SHARED_DATA / "html/newspaper4k"


def _evaldata() -> list[dict]:
    path = TRAFILATURA / "evaldata_subset.json"
    return list(json.loads(path.read_text()).values()) if path.exists() else []


def _newspaper_pages() -> list[str]:
    return sorted(p.stem for p in NEWSPAPER.glob("*.html")) if NEWSPAPER.exists() else []


#: Known misses, each checked to still miss (strict xfail) so a fix is noticed. On this page
#: trafilatura finds only an image caption (the body is rendered by JavaScript) and the reader
#: falls back to JSON-LD articleBody, which inlines a related-story headline and includes the
#: paragraph "Lam staying on as chief executive..." that the gold data excludes.
KNOWN_WITHOUT_FAILURES = {"scmp.com.playbook.html"}


def read_one(path) -> Article:
    [article] = list(read_inputs([str(path)]))
    assert isinstance(article, Article), article
    return article


@pytest.mark.parametrize("case", _evaldata(), ids=lambda c: c["file"])
def test_trafilatura_pages_hold_every_with_snippet(shared_data, case):
    article = read_one(TRAFILATURA / case["file"])
    missing = [s for s in case["with"] if s not in article.body]
    assert missing == []


@pytest.mark.parametrize("case", _evaldata(), ids=lambda c: c["file"])
def test_trafilatura_pages_hold_no_without_snippet(shared_data, case, request):
    if case["file"] in KNOWN_WITHOUT_FAILURES:
        request.applymarker(pytest.mark.xfail(strict=True, reason="JSON-LD body fallback"))
    article = read_one(TRAFILATURA / case["file"])
    present = [s for s in case["without"] if s in article.body]
    assert present == []


@pytest.mark.parametrize("case", _evaldata(), ids=lambda c: c["file"])
def test_trafilatura_metadata_where_given(shared_data, case):
    article = read_one(TRAFILATURA / case["file"])
    if case.get("title"):
        assert article.title == case["title"]
    if case.get("author"):
        assert article.author == case["author"]
    if case.get("date"):
        assert article.published.date().isoformat() <= case["date"]


@pytest.mark.parametrize("name", _newspaper_pages())
def test_newspaper4k_metadata_matches(shared_data, name):
    expected = json.loads((NEWSPAPER / f"{name}.expected_metadata.json").read_text())
    article = read_one(NEWSPAPER / f"{name}.html")
    assert article.title == expected["title"]
    if expected.get("authors"):
        assert article.author.split(", ") == expected["authors"]
    if expected.get("publish_date"):
        wanted = datetime.fromisoformat(expected["publish_date"])
        if wanted.tzinfo is None:  # a date without zone: compare the day
            assert article.published.date() == wanted.date()
        else:
            assert article.published == wanted
    assert article.url == expected["url"]
    assert article.language == expected["language"]
    assert len(article.body) > 0.6 * len((NEWSPAPER / f"{name}.expected.txt").read_text())


def test_mojibake_free_decoding(shared_data):
    """cnn_001 declares no charset in its first bytes; decoding must still be UTF-8."""
    article = read_one(NEWSPAPER / "cnn_001.html")
    assert article.author == "Joan Biskupic"
    assert "â€" not in article.body and "Â" not in article.body


def test_page_fixture(fixtures):
    article = read_one(fixtures / "sources/bbc_chief_rabbi.html")
    assert article.title == "Every Jewish family in UK affected by attack on Israel, says chief rabbi"
    assert article.url == "https://www.bbc.co.uk/news/uk-67030722"
    assert article.edition == "bbc" and article.language == "en"
    assert article.tags == ["Israel-Gaza war", "Judaism"] or article.section == "UK"
    assert article.body.startswith("There is hardly a Jewish family in the UK")
    assert "Sport" not in article.body and "Copyright" not in article.body
