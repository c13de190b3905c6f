"""The offline network page: what goes into it (no browser needed; see test_viz_browser.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.analysis import load_corpus, run_analysis
from kg.analysis.sample import sample_store, store_from_records
from kg.rdf.vocab import entity_iri
from kg.viz import VizError, build_network, resolve_entity, write_viz
from kg.viz.page import assert_self_contained


def page_data(path: Path) -> tuple[list[dict], list[dict], dict]:
    """The nodes, edges and META the page was written with."""
    html = path.read_text(encoding="utf-8")
    nodes = json.loads(re.search(r"^var rawNodes = (.*);$", html, re.M).group(1))
    edges = json.loads(re.search(r"^var rawEdges = (.*);$", html, re.M).group(1))
    meta = json.loads(re.search(r"^var META = (.*);$", html, re.M).group(1))
    return nodes, edges, meta


@pytest.fixture()
def store():
    return sample_store()


def test_page_is_self_contained(store, tmp_path):
    page = write_viz(store, tmp_path / "g.html")
    html = page.read_text(encoding="utf-8")
    assert_self_contained(html)
    assert "<script src" not in html and "<link" not in html
    assert "cdn" not in html.lower().replace("vis-network", "")[:2000]
    assert "vis.Network" in html and "stabilizationIterationsDone" in html
    assert "physics: false" in html  # layout stops once stable


def test_self_contained_check_catches_external_assets():
    for bad in ('<script src="https://cdn.example/x.js"></script>',
                '<link rel="stylesheet" href="https://cdn.example/x.css">',
                '<img src="http://example.org/a.png">'):
        with pytest.raises(AssertionError):
            assert_self_contained(f"<html><head>{bad}</head></html>")


def test_nodes_carry_labels_types_sizes_and_articles(store, tmp_path):
    nodes, edges, meta = page_data(write_viz(store, tmp_path / "g.html"))
    by_id = {n["id"]: n for n in nodes}
    gaza = by_id[entity_iri("LOC:gaza")]
    assert gaza["label"] == "Gaza" and gaza["labels"] == {"en": "Gaza", "ar": "غزة", "es": "Gaza"}
    assert gaza["etype"] == "LOC" and gaza["n"] == 5 and len(gaza["arts"]) == 5
    assert all(a[1].startswith("https://") for a in gaza["arts"])
    assert by_id[entity_iri("ORG:hamas")]["color"] != gaza["color"]  # colour by type
    assert gaza["value"] == max(n["value"] for n in nodes)  # size by PageRank
    assert {e["value"] for e in edges} >= {3}  # Gaza-Israel: 3 articles
    assert [e["name"] for e in meta["editions"]] == ["Al Mayadeen (Arabic)", "BBC News",
                                                     "Prensa Chile"]
    assert meta["first"] < meta["last"]


def test_arabic_labels_and_direction(store, tmp_path):
    page = write_viz(store, tmp_path / "ar.html", lang="ar")
    nodes, _, _ = page_data(page)
    labels = {n["id"]: n["label"] for n in nodes}
    assert labels[entity_iri("ORG:hezbollah")] == "حزب الله"
    assert labels[entity_iri("PER:gabriel_boric")] == "Gabriel Boric"  # no Arabic label: fallback
    html = page.read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in html
    es, _, _ = page_data(write_viz(store, tmp_path / "es.html", lang="es"))
    assert {n["label"] for n in es} >= {"Hamás", "Líbano"}


def _visible_text(html: str) -> str:
    """The page's own markup and words, without the inlined vis-network code and the data."""
    html = re.sub(r"<script>.*?</script>|<style>.*?</style>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize(("lang", "words"), [
    ("ar", ["بحث", "الأنواع", "النسخ", "التواريخ", "إعادة ضبط المرشحات", "شبكة كيانات الأخبار"]),
    ("es", ["Buscar", "Tipos", "Ediciones", "Fechas", "Restablecer filtros", "desde", "hasta"]),
    ("en", ["Search", "Types", "Editions", "Dates", "Reset filters"]),
])
def test_interface_speaks_the_page_language(store, tmp_path, lang, words):
    page = write_viz(store, tmp_path / f"{lang}.html", lang=lang)
    text = _visible_text(page.read_text(encoding="utf-8"))
    for word in words:
        assert word in text, word
    if lang != "en":
        for english in ("Reset filters", "Types", "Dates", "label in any language", "laying out"):
            assert english not in text, english
    _, edges, meta = page_data(page)
    names = {t: spec["name"] for t, spec in meta["types"].items()}
    assert names["PER"] == {"en": "Person", "ar": "شخص", "es": "Persona"}[lang]
    assert meta["months"][9] == {"en": "Oct", "ar": "أكتوبر", "es": "oct"}[lang]
    strongest = max(edges, key=lambda e: e["value"])
    assert str(strongest["value"]) in strongest["title"]
    assert strongest["title"] == {"en": "3 articles mention both", "ar": "مقالات تذكرهما معا: 3",
                                  "es": "3 artículos mencionan a ambas"}[lang]


def _with_uncertain(store, article: str):
    """Mark one sample article's date as a guess, as ``kg build`` does (mkg:dateUncertain)."""
    from kg.rdf.vocab import article_graph_iri, article_iri
    store.update(f"INSERT DATA {{ GRAPH <{article_graph_iri(article)}> "
                 f"{{ <{article_iri(article)}> mkg:dateUncertain true }} }}")
    return store


def test_uncertain_dates_do_not_set_the_axis(store, tmp_path):
    _, _, before = page_data(write_viz(store, tmp_path / "a.html"))
    late = max(load_corpus(store).articles.values(), key=lambda a: a.published)
    nodes, _, meta = page_data(write_viz(_with_uncertain(store, late.iri.rsplit("/", 1)[1]),
                                         tmp_path / "b.html"))
    assert meta["uncertain"] == 1 and before["uncertain"] == 0
    assert meta["last"] < before["last"]  # the guessed date no longer ends the axis
    marked = [a for n in nodes for a in n["arts"] if a[4]]
    assert marked and all(a[0] == late.headline for a in marked)
    assert any(n["ued"] for n in nodes)


def test_unknown_language_is_a_user_error(store, tmp_path):
    with pytest.raises(VizError):
        write_viz(store, tmp_path / "x.html", lang="fr")


@pytest.mark.parametrize("focus", [entity_iri("ORG:hezbollah"), "ORG:hezbollah", "Hezbollah",
                                   "حزب الله", "hezbolá", "HEZBOLLAH"])
def test_focus_accepts_iri_key_or_label_in_any_language(store, focus):
    assert resolve_entity(load_corpus(store), focus) == entity_iri("ORG:hezbollah")


def test_focus_by_alt_label_and_unknown(store):
    corpus = load_corpus(store)
    assert resolve_entity(corpus, "نتنياهو") == entity_iri("PER:benjamin_netanyahu")
    with pytest.raises(VizError):
        resolve_entity(corpus, "Atlantis")


def test_focus_draws_the_ego_network(store, tmp_path):
    _, G, _, center = build_network(store, focus="Hezbollah")
    assert center == entity_iri("ORG:hezbollah")
    assert set(G) == {entity_iri(k) for k in ("ORG:hezbollah", "LOC:lebanon", "LOC:israel",
                                              "LOC:gaza")}
    _, G2, _, _ = build_network(store, focus="Hezbollah", radius=2)
    assert len(G2) > len(G)
    nodes, _, meta = page_data(write_viz(store, tmp_path / "f.html", focus="حزب الله"))
    assert meta["focus"] == center and len(nodes) == 4
    assert [n["shape"] for n in nodes if n["id"] == center] == ["star"]


def test_top_keeps_highest_pagerank_and_thins_edges(store):
    _, G, pr, _ = build_network(store, top=3)
    assert len(G) == 3
    assert set(G) == {entity_iri("LOC:gaza"), entity_iri("LOC:israel"), entity_iri("ORG:hamas")}
    _, G, _, _ = build_network(store, top=9, max_edges=9)
    assert G.number_of_edges() == 9 and all(G.degree(n) >= 1 for n in G)
    with pytest.raises(VizError):
        build_network(store, top=0)


def test_top_keeps_the_focus(store):
    _, G, _, center = build_network(store, focus="Santiago", top=1)
    assert set(G) == {center}


def test_editions_filter(store, tmp_path):
    nodes, _, meta = page_data(write_viz(store, tmp_path / "e.html", editions=["prensa-cl"]))
    assert {n["label"] for n in nodes} == {"Gabriel Boric", "Santiago", "Gaza"}
    assert [e["name"] for e in meta["editions"]] == ["Prensa Chile"]
    with pytest.raises(VizError):
        write_viz(store, tmp_path / "none.html", editions=["no-such-edition"])


def test_uses_stored_pagerank_when_present(store, tmp_path):
    run_analysis(store, tmp_path / "report")
    stored = {r["e"]: r["pr"] for r in store.select(
        "SELECT ?e ?pr WHERE { ?e mkg:pageRank ?pr }")}
    _, _, pr, _ = build_network(store)
    assert pr == pytest.approx({e: stored[e] for e in pr})


def test_headlines_cannot_break_out_of_the_script(tmp_path):
    evil = "</script><script>alert(1)</script>"
    store = store_from_records(
        [{"id": "a1", "edition": "x", "date": "2024-01-01T00:00:00Z", "title": evil,
          "mentions": ["LOC:a", "LOC:b"]}],
        [{"key": "LOC:a", "type": "LOC", "labels": {"en": evil}},
         {"key": "LOC:b", "type": "LOC", "labels": {"en": "B"}}])
    html = write_viz(store, tmp_path / "x.html").read_text(encoding="utf-8")
    assert evil not in html
    nodes, _, _ = page_data(tmp_path / "x.html")
    assert evil in {n["label"] for n in nodes}
