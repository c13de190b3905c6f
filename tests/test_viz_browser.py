"""The network page in a real browser: headless Chromium, every host name unresolvable.

Skips when Chromium is not installed (``scripts/install_browser.sh`` installs it; CI runs it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.analysis.sample import sample_store
from kg.rdf.vocab import article_graph_iri, article_iri, entity_iri
from kg.viz import write_viz
from kg.viz.browser import Browser, find_chromium

pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="chromium not installed (run scripts/install_browser.sh)")

STABLE = "document.body.getAttribute('data-stable') === '1'"

# non-white pixels of the network canvas, read back from its own 2D context
INK = """(() => {
  const c = document.querySelector('#mynetwork canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let ink = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) ink++;
  }
  return ink;
})()"""


@pytest.fixture(scope="module")
def browser():
    with Browser(timeout=90) as b:
        yield b


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("viz")
    store = sample_store()
    return {lang: write_viz(store, out / f"graph-{lang}.html", lang=lang) for lang in ("en", "ar")}


@pytest.fixture()
def page(browser, pages):
    p = browser.open(pages["en"])
    p.wait_for(STABLE)
    yield p
    p.close()


def drawn(page) -> bool:
    """The canvas shows ink (waits for the frame after the layout settles)."""
    page.wait_for(f"{INK} > 2000", timeout=20)
    return True


def test_loads_offline_without_errors(page):
    assert page.errors == []
    assert page.external_requests == []
    assert any(u.startswith("file:") for u in page.requests)
    assert page.eval("typeof vis") == "object"


def test_canvas_is_drawn_and_physics_stops(page):
    assert drawn(page)
    assert page.eval("mkgViz.network.physics.physicsEnabled") is False
    assert page.eval("mkgViz.visibleNodeIds().length") == 9


def test_search_by_typing_selects_and_focuses(page):
    page.type_text("#search", "حماس")  # Arabic label finds the node in the English page
    assert page.eval("mkgViz.network.getSelectedNodes()") == [entity_iri("ORG:hamas")]
    assert page.eval("document.getElementById('info').style.display") == "block"
    assert "Hamás" in page.eval("document.getElementById('info').textContent")
    page.eval("document.getElementById('search').value = ''")
    page.type_text("#search", "libano")  # accents and case ignored
    assert page.eval("mkgViz.network.getSelectedNodes()") == [entity_iri("LOC:lebanon")]
    assert page.errors == []


def test_type_filter_hides_nodes(page):
    before = page.eval("mkgViz.visibleNodeIds().length")
    page.eval("document.querySelector('#type-filters input[data-key=LOC]').click()")
    after = page.eval("mkgViz.visibleNodeIds().length")
    assert after == before - 4  # Gaza, Israel, Lebanon, Santiago
    assert "5 of 9" in page.eval("document.getElementById('summary').textContent")
    page.eval("document.getElementById('reset').click()")
    assert page.eval("mkgViz.visibleNodeIds().length") == before


def test_edition_and_date_filters(page):
    # only Prensa Chile: Boric, Santiago, Gaza
    page.eval("mkgViz.setEdition(0, false); mkgViz.setEdition(1, false)")
    assert page.eval("mkgViz.visibleNodeIds().length") == 3
    page.eval("document.getElementById('reset').click()")
    # 16-17 October only: am-3 (Hezbollah, Lebanon, Gaza) and bbc-3 (Gaza, Israel)
    page.eval("""(() => { const f = document.getElementById('date-from');
        f.value = '2023-10-16'; f.dispatchEvent(new Event('change')); })()""")
    assert page.eval("mkgViz.visibleNodeIds().length") == 4
    assert page.errors == []


def test_arabic_page_draws(browser, pages, tmp_path):
    p = browser.open(pages["ar"])
    p.wait_for(STABLE)
    assert p.errors == [] and p.external_requests == []
    assert p.eval("document.documentElement.lang") == "ar"
    assert p.eval("getComputedStyle(document.getElementById('mynetwork')).direction") == "rtl"
    assert drawn(p)
    shot = p.screenshot(tmp_path / "ar.png")
    assert shot.stat().st_size > 10_000
    p.close()


def test_arabic_interface_is_arabic_and_right_to_left(browser, pages):
    p = browser.open(pages["ar"])
    p.wait_for(STABLE)
    assert p.eval("document.documentElement.dir") == "rtl"
    assert p.eval("getComputedStyle(document.body).direction") == "rtl"
    # the filter panel sits on the right of the network, as Arabic readers start there
    assert p.eval("document.getElementById('panel').getBoundingClientRect().left"
                  " > document.getElementById('main').getBoundingClientRect().left")
    headings = p.eval("[...document.querySelectorAll('#panel h2')].map(h => h.textContent)")
    assert headings == ["بحث", "الأنواع", "النسخ", "التواريخ"]
    assert p.eval("document.getElementById('reset').textContent") == "إعادة ضبط المرشحات"
    assert p.eval("document.getElementById('search').placeholder") == "تسمية بأي لغة"
    types = p.eval("document.getElementById('type-filters').textContent")
    assert "شخص" in types and "منظمة" in types and "Person" not in types
    assert p.eval("document.getElementById('summary').textContent") == "المعروض: 9 من 9"
    assert p.eval("document.getElementById('date-range').textContent") == \
        "7 أكتوبر 2023 – 17 أكتوبر 2023"
    p.type_text("#search", "Hamas")
    info = p.eval("document.getElementById('info').textContent")
    assert "منظمة" in info and "المقالات: 3" in info and "أكتوبر 2023" in info
    assert "article" not in info and "Oct" not in info
    p.eval("document.getElementById('search').value = ''")
    p.type_text("#search", "Atlantis")
    assert p.eval("document.getElementById('search-result').textContent") == "لا نتيجة"
    english = p.eval("document.getElementById('panel').innerText")
    for word in ("Search", "Types", "Editions", "Dates", "Reset", "entities shown", "from", "to "):
        assert word not in english, word
    assert p.errors == []
    p.close()


def test_uncertain_dates_are_apart_from_the_date_filter(browser, tmp_path):
    """A guessed date (mkg:dateUncertain) neither sets the date range nor is filtered by it."""
    store = sample_store()
    for article in ("cl-1", "cl-2", "bbc-3"):  # bbc-3 is the last article (17 October)
        store.update(f"INSERT DATA {{ GRAPH <{article_graph_iri(article)}> "
                     f"{{ <{article_iri(article)}> mkg:dateUncertain true }} }}")
    p = browser.open(write_viz(store, tmp_path / "u.html", lang="es"))
    p.wait_for(STABLE)
    assert p.eval("document.getElementById('uncertain').hidden") is False
    assert p.eval("document.getElementById('uncertain-count').textContent") == \
        "3 artículos con fecha incierta"
    assert p.eval("document.getElementById('date-range').textContent") == \
        "7 oct 2023 – 16 oct 2023"
    shown = p.eval("mkgViz.visibleNodeIds().length")
    assert shown == 9  # the guessed articles' entities stay, though not on the date axis
    p.eval("document.getElementById('uncertain-on').click()")  # Boric and Santiago: only guesses
    assert p.eval("mkgViz.visibleNodeIds().length") == shown - 2
    p.eval("document.getElementById('reset').click()")
    assert p.eval("mkgViz.visibleNodeIds().length") == shown
    assert p.errors == []
    p.close()


def test_detects_a_request_that_leaves_the_file(browser, tmp_path):
    """The check itself works: a page that fetches from a host is caught (and fails offline)."""
    bad = tmp_path / "bad.html"
    bad.write_text('<html><body><img src="https://cdn.example.org/x.png"></body></html>')
    p = browser.open(bad)
    assert p.external_requests == ["https://cdn.example.org/x.png"]
    p.close()


def test_real_corpus_page(browser, real_store, tmp_path):
    """The page of the real store (when built): offline, drawn, searchable by its top label."""
    store = real_store
    page_file = write_viz(store, tmp_path / "real.html", top=300, lang="ar")
    p = browser.open(page_file)
    p.wait_for(STABLE, timeout=180)
    assert p.errors == [] and p.external_requests == []
    assert drawn(p)
    assert p.eval("mkgViz.visibleNodeIds().length") == 300
    top = p.eval("rawNodes[0]")
    p.type_text("#search", top["labels"]["en"] or top["label"])
    assert p.eval("mkgViz.network.getSelectedNodes()") == [top["id"]]
    p.close()
