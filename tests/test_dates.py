"""Publication dates: the page's own evidence before the file time, uncertain dates flagged.

Real inputs: the Al Mayadeen English page of ``examples/`` (byline "Today 10:25", a "Most Read"
list dated 31 Oct - 5 Nov 2025) and the real HTML pages of ``../shared/data/html``.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from datetime import UTC, date, datetime

import pytest
from pyoxigraph import Literal

from kg.article import Article
from kg.docstore import DOCUMENTS_FILE, Document, load_documents
from kg.rdf.triples import article_triples
from kg.rdf.vocab import MKG
from kg.sources import read_inputs
from kg.sources.dates import BEIRUT, listed_dates, resolve_byline_date
from tests.conftest import ROOT

PAGE = ROOT / "examples" / "en_almayadeen_page_sheinbaum.txt"
LATE = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def _copy(tmp_path, mtime: datetime, drop_dates: bool = False):
    """The example page copied with a chosen modification time (and its dated lists removed)."""
    out = tmp_path / "page.txt"
    if drop_dates:
        lines = PAGE.read_text(encoding="utf-8").split("\n")
        keep = [ln for ln in lines if not listed_dates([ln])]
        out.write_text("\n".join(keep), encoding="utf-8")
    else:
        shutil.copy(PAGE, out)
    os.utime(out, (mtime.timestamp(), mtime.timestamp()))
    return out


def _read(path, **kw) -> Article:
    [article] = list(read_inputs([str(path)], **kw))
    assert isinstance(article, Article), article
    return article


def test_page_lists_give_the_day_not_the_file_time(tmp_path):
    """A copy made a year later: "Today" is the day after the newest "Most Read" date."""
    listed = listed_dates(PAGE.read_text(encoding="utf-8").split("\n"))
    assert max(listed) == date(2025, 11, 5) and len(listed) == 4
    article = _read(_copy(tmp_path, LATE))
    assert article.published == datetime(2025, 11, 6, 10, 25, tzinfo=BEIRUT)
    assert article.published.strftime("%A") == "Thursday"  # the lead: "Sheinbaum on Thursday"
    assert article.date_uncertain is False


def test_as_of_wins_over_the_page(tmp_path):
    as_of = datetime(2025, 11, 9, 12, 0, tzinfo=BEIRUT)
    article = _read(_copy(tmp_path, LATE), as_of=as_of)
    assert article.published == datetime(2025, 11, 9, 10, 25, tzinfo=BEIRUT)
    assert not article.date_uncertain


def test_a_plausible_file_time_is_believed(tmp_path):
    """Saved two days after the newest listed item: the file time is consistent, so it is used."""
    article = _read(_copy(tmp_path, datetime(2025, 11, 8, 7, 0, tzinfo=UTC)))
    assert article.published == datetime(2025, 11, 8, 10, 25, tzinfo=BEIRUT)
    assert not article.date_uncertain


def test_without_evidence_the_date_is_uncertain_and_the_id_stable(tmp_path):
    first = _read(_copy(tmp_path, LATE, drop_dates=True))
    assert first.date_uncertain is True
    assert first.published == datetime(2026, 11, 30, 10, 25, tzinfo=BEIRUT)  # the file's day
    again = _read(_copy(tmp_path, datetime(2024, 1, 2, tzinfo=UTC), drop_dates=True))
    assert again.published.date() == date(2024, 1, 2) and again.date_uncertain
    assert again.id == first.id  # the guessed day is not part of the article id


def test_stated_dates_are_read_as_they_stand():
    reading = resolve_byline_date("3 Nov 2025", BEIRUT, as_of=None, saved=LATE, listed=[])
    assert reading.value == datetime(2025, 11, 3, tzinfo=BEIRUT) and reading.basis == "stated"
    assert not reading.uncertain


EXPECTED_HTML_DATES = {  # from the pages' expected metadata, and arabic_article's own URL
    "newspaper4k/cnn_001.html": date(2023, 11, 6),
    "newspaper4k/cnn_002.html": date(2023, 11, 6),
    "newspaper4k/time_001.html": date(2023, 11, 2),
    "newspaper4k/arabic_article.html": date(2013, 8, 3),  # /2013/middle_east/8/3/ in its URL
    "trafilatura/mercurynews.com.2023.01.16.letters-1119.html": date(2023, 1, 17),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_HTML_DATES))
def test_html_pages_date_from_their_metadata_or_url(shared_data, name):
    article = _read(shared_data / "html" / name)
    assert article.published is not None
    assert article.published.date() == EXPECTED_HTML_DATES[name]
    assert not article.date_uncertain


def test_uncertain_date_in_the_graph(tmp_path):
    article = _read(_copy(tmp_path, LATE, drop_dates=True))
    triples = article_triples(article, [])
    flags = [o for _, p, o in triples if p.value == MKG + "dateUncertain"]
    assert flags == [Literal(True)]
    sure = _read(_copy(tmp_path, LATE))
    assert not [t for t in article_triples(sure, []) if t[1].value == MKG + "dateUncertain"]


def test_documents_from_before_the_field_still_load(tmp_path):
    """A documents.jsonl.gz written before ``date_uncertain`` existed loads, flag False."""
    article = _read(_copy(tmp_path, LATE, drop_dates=True))
    data = Document(article).to_json()
    assert data["article"]["date_uncertain"] is True
    old = json.loads(json.dumps(data))
    del old["article"]["date_uncertain"]
    with gzip.open(tmp_path / DOCUMENTS_FILE, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps(old) + "\n" + json.dumps(data).replace(article.id, "other") + "\n")
    docs = load_documents(tmp_path)
    assert docs[article.id].article.date_uncertain is False
    assert docs["other"].article.date_uncertain is True
    assert docs["other"].article.published == article.published
