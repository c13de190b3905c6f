"""Browsing pages: ``kg site`` on the real examples store, opened from disk in headless Chromium
with the network blocked, and the same pages (and their RDF) from ``kg serve``."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg.analysis.sample import sample_store
from kg.rdf.serve import make_server
from kg.rdf.vocab import MKGR
from kg.site.data import fold
from kg.site.render import Links, file_name
from kg.viz.browser import Browser, find_chromium

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
HAMAS = MKGR + "entity/kb:hamas"
GAZA_CITY = MKGR + "entity/geo:281133"
GAZA_STRIP = MKGR + "entity/kb:gaza_strip"
#: the BBC article and the Al Mayadeen (Arabic) one that ``kg build`` links as the same story
STORY = MKGR + "article/710489df093f9d22/sameStoryAs/www.almayadeen.net-1768951"
BBC_ARTICLE = MKGR + "article/710489df093f9d22"

needs_chromium = pytest.mark.skipif(find_chromium() is None,
                                    reason="chromium not installed (run scripts/install_browser.sh)")


def kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The examples store built by ``kg build``, and its site in English and Arabic by ``kg site``."""
    work = tmp_path_factory.mktemp("site")
    store = work / "kg-store"
    built = kg("build", str(EXAMPLES), "--store", str(store), "-q")
    assert built.returncode == 0, built.stderr
    out = {}
    for lang in ("en", "ar", "all"):
        result = kg("site", "--store", str(store), "-o", str(work / lang), "--lang", lang)
        assert result.returncode == 0, result.stderr
        assert "pages" in result.stdout
        out[lang] = work / lang
    out["store"] = store
    return out


@pytest.fixture(scope="module")
def browser():
    with Browser(timeout=60) as b:
        yield b


def test_site_has_a_page_for_every_kind(sites):
    site = sites["en"]
    counts = {kind: len(list((site / kind).glob("*.html"))) for kind in
              ("entity", "article", "event", "edition", "story")}
    assert counts["article"] == 29 and counts["edition"] >= 3 and counts["story"] == 2
    assert counts["entity"] > 100 and counts["event"] > 50
    page = (site / file_name(HAMAS)).read_text(encoding="utf-8")
    assert "حماس" in page and "Hamás" in page and "Hamas" in page
    for html in [page, (site / "index.html").read_text(encoding="utf-8")]:
        assert "<script src" not in html and "<link " not in html and "http://" not in html.split(
            "<main>")[0]


def test_unknown_language_is_a_usage_error(tmp_path):
    assert kg("site", "--store", str(tmp_path), "-o", str(tmp_path / "x"), "--lang", "fr").returncode == 2


def test_fold_matches_the_page_search():
    assert fold("أمريكا") == fold("امريكا") and fold("غزّة") == fold("غزه")
    assert fold("Líbano") == "libano"


@needs_chromium
def test_entity_article_search_and_back_offline(sites, browser):
    page = browser.open(sites["en"] / file_name(HAMAS))
    assert page.eval("document.body.dataset.kind") == "entity"
    assert page.eval("document.documentElement.dir") == "ltr"
    # the Arabic label is laid out right to left inside the English page
    assert page.eval("getComputedStyle(document.querySelector('.label-ar span')).direction") == "rtl"
    assert page.eval("document.querySelectorAll('svg rect').length") > 2  # the mentions chart
    assert page.eval("document.querySelectorAll('.snip mark').length") > 5  # sentences around mentions
    # follow a link from the entity to an article ...
    target = page.eval("document.querySelector('ul.articles a').href")
    page.eval("document.querySelector('ul.articles a').click()")
    page.wait_event("Page.loadEventFired")
    page.wait_for("document.body && document.body.dataset.kind === 'article'")
    assert page.eval("location.href") == target
    assert page.eval("document.querySelectorAll('#text a.m').length") > 2  # mentions linked
    # ... and back to the entity through the highlighted mention
    page.eval(f"[...document.querySelectorAll('#text a.m')].find(a => a.href.endsWith("
              f"{json.dumps(file_name(HAMAS).split('/')[1])})).click()")
    page.wait_event("Page.loadEventFired")
    page.wait_for("document.body && document.body.dataset.kind === 'entity'")
    assert page.eval("document.querySelector('h1').textContent") == "Hamas"
    # search as you type, from the home page, in Arabic without hamza and with accents
    page.eval("document.getElementById('home').click()")
    page.wait_event("Page.loadEventFired")
    page.wait_for("document.body && document.body.dataset.kind === 'index'")
    page.type_text("#q", "اسرائيل", enter=False)
    assert page.eval("document.querySelector('#results a').textContent") == "Israel"
    page.eval("document.getElementById('q').value = ''")
    page.type_text("#q", "HAMÁS", enter=False)
    assert page.eval("document.querySelector('#results a').textContent") == "Hamas"
    page.eval("document.querySelector('#results a').click()")
    page.wait_event("Page.loadEventFired")
    page.wait_for("document.body && document.body.dataset.kind === 'entity'")
    assert page.errors == [] and page.external_requests == []
    assert all(u.startswith("file:") for u in page.requests)
    page.close()


@needs_chromium
def test_arabic_site_is_right_to_left(sites, browser):
    page = browser.open(sites["ar"] / file_name(HAMAS))
    assert page.eval("document.documentElement.lang") == "ar"
    assert page.eval("getComputedStyle(document.querySelector('main')).direction") == "rtl"
    assert page.eval("document.querySelector('h1').textContent") == "حماس"
    assert "المقالات" in page.eval("document.body.textContent")  # interface strings in Arabic
    # right to left: the heading hugs the right edge of the page
    main = page.eval("document.querySelector('main').getBoundingClientRect().right")
    head = page.eval("(() => { const r = document.createRange(); "
                     "r.selectNodeContents(document.querySelector('h1')); "
                     "return r.getBoundingClientRect().right; })()")
    assert main - head < 40
    page.eval("document.querySelector('ul.articles a').click()")
    page.wait_event("Page.loadEventFired")
    page.wait_for("document.body && document.body.dataset.kind === 'article'")
    assert page.errors == [] and page.external_requests == []
    page.close()


# -- kg serve -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server():
    srv = make_server(sample_store(), port=0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    srv.server_close()


def _get(url: str, accept: str = "") -> tuple[int, str, bytes]:
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read()


def test_serve_resource_pages_by_accept(server):
    url = server + "/entity/ORG:hamas"
    status, media, body = _get(url, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
    assert status == 200 and media.startswith("text/html")
    assert "حماس" in body.decode() and "/article/" in body.decode()
    status, media, body = _get(url, "text/turtle")
    assert status == 200 and media.startswith("text/turtle") and b"Organization" in body
    status, media, body = _get(url, "application/ld+json")
    assert status == 200 and media.startswith("application/ld+json")
    assert any(node.get("@id") == MKGR + "entity/ORG:hamas" for node in json.loads(body))
    status, media, body = _get(url, "application/n-triples")
    assert status == 200 and body.count(b" .\n") > 3
    assert _get(url + "?format=turtle")[1].startswith("text/turtle")


def test_serve_every_kind_and_the_index(server):
    status, _, body = _get(server + "/entity/ORG:hamas", "text/html")
    html = body.decode()
    for kind in ("article", "edition", "event"):
        href = html.split(f'href="/{kind}/', 1)[1].split('"', 1)[0]
        status, media, page = _get(f"{server}/{kind}/{href}", "text/html")
        assert status == 200 and media.startswith("text/html"), (kind, href)
        assert f'data-kind="{kind}"' in page.decode()
    status, _, body = _get(server + "/?lang=ar")
    assert status == 200 and 'dir="rtl"' in body.decode() and "MKG_INDEX" in body.decode()
    arabic = urllib.parse.quote("/entity/ORG:hamas")
    assert _get(server + arabic, "text/html")[0] == 200


def test_serve_unknown_resource_and_sparql_unchanged(server):
    assert _get(server + "/entity/nothing-here", "text/html")[0] == 404
    assert _get(server + "/entity/nothing-here", "text/turtle")[0] == 404
    assert _get(server + "/elsewhere")[0] == 404
    query = urllib.parse.quote("SELECT ?l WHERE { ?e skos:prefLabel ?l } LIMIT 1")
    status, media, _ = _get(f"{server}/sparql?query={query}")
    assert status == 200 and media.startswith("application/sparql-results+json")


def test_respond_finds_an_arabic_key_from_its_encoded_path():
    from kg.link.entity import Entity
    from kg.rdf.store import GraphStore
    from kg.rdf.triples import entity_triples
    from kg.rdf.vocab import ENTITIES_GRAPH
    from kg.site import respond

    store = GraphStore(None)
    store.replace_graph(ENTITIES_GRAPH, entity_triples(Entity("LOC:اسدود", "LOC", {"ar": "أسدود"})))
    status, media, body = respond(store, "/entity/" + urllib.parse.quote("LOC:اسدود"), accept="text/html")
    assert status == 200 and "أسدود" in body.decode()
    assert respond(store, "/entity/LOC:اسدود", accept="text/turtle")[0] == 200


def test_serve_speaks_the_page_language_and_keeps_it_in_links(server):
    status, _, body = _get(server + "/entity/ORG:hamas?lang=ar", "text/html")
    html = body.decode()
    assert status == 200 and 'lang="ar" dir="rtl"' in html and "المقالات" in html
    assert 'href="/article/' in html and "?lang=ar" in html.split('href="/article/', 1)[1][:80]
    assert 'href="?lang=es"' in html and 'href="?lang=en"' in html  # the language switch
    status, _, body = _get(server + "/entity/ORG:hamas?lang=es", "text/html")
    assert "Artículos" in body.decode()


# -- story links, maps, ego networks, comparison, languages -----------------------------------------

def test_story_link_page_and_the_same_story_side_by_side(sites):
    site = sites["en"]
    story = (site / file_name(STORY)).read_text(encoding="utf-8")
    assert 'data-kind="story"' in story
    assert 0.5 <= float(story.split('id="confidence">', 1)[1].split("<", 1)[0]) <= 1
    assert "headline similarity" in story and "kb:keir_starmer" in story  # evidence, in parts
    assert story.count('class="story"') == 2 and 'lang="ar" dir="rtl"' in story
    article = (site / file_name(BBC_ARTICLE)).read_text(encoding="utf-8")
    cards = article.split('id="stories">', 1)[1].split('<h2>', 1)[0]
    assert cards.count('class="story"') == 2  # this article and its Arabic counterpart
    assert 'class="lead" lang="ar" dir="rtl"' in cards and 'class="lead" lang="en" dir="ltr"' in cards
    assert f'href="../{file_name(STORY)}"' in cards  # the confidence links to the story page


def test_place_pages_have_an_offline_map(sites):
    city = (sites["en"] / file_name(GAZA_CITY)).read_text(encoding="utf-8")
    svg = city.split('<svg xmlns="http://www.w3.org/2000/svg" class="map"', 1)[1].split("</svg>", 1)[0]
    assert "<circle" in svg and 'data-iso="PS"' in svg and 'data-iso="IL"' in svg
    assert "31.50°N 34.47°E" in city
    # the Gaza Strip has no coordinates in the store or the KB: its country is drawn, no point
    strip = (sites["en"] / file_name(GAZA_STRIP)).read_text(encoding="utf-8")
    svg = strip.split('class="map"', 1)[1].split("</svg>", 1)[0]
    assert 'fill="#f6d58e" stroke="#999" stroke-width="0.6" data-iso="PS"' in svg and "<circle" not in svg
    hamas = (sites["en"] / file_name(HAMAS)).read_text(encoding="utf-8")
    assert 'class="map"' not in hamas  # an organisation gets no map


def test_comparison_reuses_the_edition_analysis(sites):
    from kg.analysis.corpus import load_corpus
    from kg.analysis.editions import distinctive, entity_coverage
    from kg.rdf.store import GraphStore

    corpus = load_corpus(GraphStore(sites["store"], read_only=True, create=False))
    expected = {r.item for rows in distinctive(entity_coverage(corpus)).values() for r in rows}
    assert expected
    page = (sites["en"] / "compare.html").read_text(encoding="utf-8")
    for iri in expected:
        assert f'href="{Links("static").href(iri)}"' in page.split('id="compare"', 1)[1]
    bbc = (sites["en"] / file_name(MKGR + "edition/bbc")).read_text(encoding="utf-8")
    assert "Gaza Health Ministry" in bbc.split('id="only"', 1)[1]


def test_all_languages_side_by_side_with_month_names(sites):
    site = sites["all"]
    assert sorted(p.name for p in site.iterdir()) == ["ar", "en", "es", "index.html"]
    for lang, month, heading in (("en", "Oct", "Articles"), ("ar", "أكتوبر", "المقالات"),
                                 ("es", "oct", "Artículos")):
        page = (site / lang / file_name(HAMAS)).read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in page and heading in page and f"30 {month} 2023" in page
        others = [x for x in ("en", "ar", "es") if x != lang]
        for other in others:
            assert f'href="../../{other}/{file_name(HAMAS)}"' in page


@needs_chromium
def test_story_map_ego_and_comparison_in_the_browser(sites, browser):
    page = browser.open(sites["en"] / file_name(BBC_ARTICLE))
    assert page.eval("document.querySelectorAll('#stories .story').length") == 2
    assert page.eval("getComputedStyle(document.querySelectorAll('#stories .lead')[1]).direction") == "rtl"
    page.eval("document.querySelector('#stories a.story-link').click()")
    page.wait_event("Page.loadEventFired")
    page.wait_for("document.body && document.body.dataset.kind === 'story'")
    assert page.eval("document.querySelectorAll('#evidence tr').length") > 5
    # from the story to an entity both articles mention, then its ego network to another
    page.eval("document.querySelector('ul.ents a').click()")
    page.wait_event("Page.loadEventFired")
    page.wait_for("document.body && document.body.dataset.kind === 'entity'")
    first = page.eval("document.querySelector('h1').textContent")
    assert page.eval("document.querySelectorAll('svg.ego a').length") > 2
    page.eval("document.querySelector('svg.ego a circle').dispatchEvent("
              "new MouseEvent('click', {bubbles: true}))")
    page.wait_event("Page.loadEventFired")
    page.wait_for("document.body && document.body.dataset.kind === 'entity'")
    assert page.eval("document.querySelector('h1').textContent") != first
    # the comparison page, and from it to an entity only one edition covers
    page.eval("document.getElementById('compare-link').click()")
    page.wait_event("Page.loadEventFired")
    page.wait_for("document.body && document.body.dataset.kind === 'compare'")
    assert page.eval("document.querySelectorAll('#compare .edition').length") >= 3
    page.eval("document.querySelector('#compare ul.only a[href*=\"entity/\"]').click()")
    page.wait_event("Page.loadEventFired")
    page.wait_for("document.body && document.body.dataset.kind === 'entity'")
    assert page.errors == [] and page.external_requests == []
    assert all(u.startswith("file:") for u in page.requests)
    page.close()
    # a place: the map is drawn, its point inside the picture
    page = browser.open(sites["ar"] / file_name(GAZA_CITY))
    box = page.eval("JSON.stringify(document.querySelector('svg.map').getBoundingClientRect())")
    dot = page.eval("JSON.stringify(document.querySelector('svg.map circle').getBoundingClientRect())")
    box, dot = json.loads(box), json.loads(dot)
    assert box["left"] < dot["left"] < box["right"] and box["top"] < dot["top"] < box["bottom"]
    assert page.errors == [] and page.external_requests == []
    page.close()


@needs_chromium
def test_language_switch_on_disk(sites, browser):
    page = browser.open(sites["all"] / "index.html")  # redirects to en/
    page.wait_for("document.body && document.body.dataset.kind === 'index'")
    page.eval("document.querySelector('ul a[href*=\"entity/\"]').click()")
    page.wait_event("Page.loadEventFired")
    page.wait_for("document.body && document.body.dataset.kind === 'entity'")
    page.eval("document.querySelector('#langs a[hreflang=ar]').click()")
    page.wait_event("Page.loadEventFired")
    page.wait_for("document.documentElement.lang === 'ar'")
    assert page.eval("getComputedStyle(document.body).direction") == "rtl"
    assert "/ar/entity/" in page.eval("location.href")
    assert page.errors == [] and page.external_requests == []
    page.close()


@pytest.fixture(scope="module")
def examples_server(sites):
    from kg.rdf.serve import Limits
    from kg.rdf.store import GraphStore

    srv = make_server(GraphStore(sites["store"], read_only=True, create=False), port=0,
                      limits=Limits(max_concurrent=1))
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    srv.server_close()


def test_serve_story_link_compare_and_accept_language(examples_server):
    server = examples_server
    path = "/" + STORY[len(MKGR):]
    status, media, body = _get(server + path, "text/turtle")
    assert status == 200 and media.startswith("text/turtle") and b"confidence" in body
    status, media, body = _get(server + path, "text/html")
    assert status == 200 and 'data-kind="story"' in body.decode()
    status, _, body = _get(server + "/compare", "text/html")
    assert status == 200 and 'id="compare"' in body.decode()
    req = urllib.request.Request(server + "/entity/kb:hamas",
                                 headers={"Accept": "text/html", "Accept-Language": "es-CL,es;q=0.9"})
    with urllib.request.urlopen(req, timeout=20) as resp:
        assert 'lang="es"' in resp.read().decode()


def test_article_page_shows_an_uncertain_date():
    """A page date that was only a guess (``mkg:dateUncertain``) is shown as such, in the page
    language. The record is like the one kg makes of ``examples/en_almayadeen_page_sheinbaum.txt``
    when nothing anchors its "Today 10:25"; it goes through the real triple writer."""
    from datetime import UTC, datetime

    from kg.article import Article
    from kg.rdf.store import GraphStore
    from kg.rdf.triples import article_triples
    from kg.site import respond

    article = Article("sheinbaum", "Sheinbaum rejects Trump's threat", "Mexico's president said...",
                      language="en", published=datetime(2025, 3, 4, 10, 25, tzinfo=UTC),
                      date_uncertain=True)
    store = GraphStore(None)
    store.replace_graph(MKGR + "graph/article/sheinbaum", article_triples(article, []))
    for lang, words in (("en", "date uncertain"), ("es", "fecha incierta"), ("ar", "التاريخ غير مؤكد")):
        status, _, body = respond(store, "/article/sheinbaum", accept="text/html", lang=lang)
        assert status == 200 and words in body.decode()
    article.date_uncertain = False
    store.replace_graph(MKGR + "graph/article/sheinbaum", article_triples(article, []))
    assert "date uncertain" not in respond(store, "/article/sheinbaum", accept="text/html")[2].decode()


@needs_chromium
def test_search_type_filter_speaks_arabic(sites, browser):
    page = browser.open(sites["ar"] / "index.html")
    assert page.eval("document.querySelector('#type-filter option[value=LOC]').textContent") == "مكان"
    page.type_text("#q", "غزه", enter=False)  # without the taa marbuta: folded
    everything = page.eval("document.querySelectorAll('#results li').length")
    page.eval("const f = document.getElementById('type-filter'); f.value = 'LOC';"
              "f.dispatchEvent(new Event('change'))")
    places = page.eval("[...document.querySelectorAll('#results a')].map(a => a.textContent)")
    assert 0 < len(places) < everything and "قطاع غزة" in places
    page.eval("const g = document.getElementById('type-filter'); g.value = 'ORG';"
              "g.dispatchEvent(new Event('change'))")
    orgs = page.eval("[...document.querySelectorAll('#results a')].map(a => a.textContent)")
    assert "قطاع غزة" not in orgs
    assert page.errors == [] and page.external_requests == []
    page.close()


def test_co_mentions_same_with_and_without_the_kept_index(sites):
    """On-disk stores keep a mentions index per generation; a store that may change (in memory,
    on a server) is asked per entity. Both give the same co-mentions and ego network."""
    from kg.rdf.store import GraphStore
    from kg.site.data import entity_data

    kept = GraphStore(sites["store"], read_only=True, create=False)
    asked = GraphStore(sites["store"], read_only=True, create=False)
    asked._generation = None  # as a server store: nothing is kept
    a, b = entity_data(kept, HAMAS), entity_data(asked, HAMAS)
    assert a["co"] == b["co"] and a["ego"] == b["ego"] and len(a["co"]) > 10 and a["ego"]
    assert a["co"][0] == (GAZA_STRIP, 18)
