"""Network analysis: metrics on graphs with known answers, counts checked by hand and by SPARQL."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest

from kg.analysis import cooccurrence_graph, load_corpus, run_analysis
from kg.analysis.corpus import Corpus
from kg.analysis.editions import coverage, distinctive, entity_coverage, event_coverage
from kg.analysis.metrics import (
    betweenness,
    communities,
    core_number,
    network_metrics,
    pagerank,
)
from kg.analysis.networks import article_entity_graph, entity_event_graph
from kg.analysis.sample import sample_store, store_from_records
from kg.analysis.timeline import edition_timeline, entity_timeline, periods
from kg.rdf.store import GraphStore
from kg.rdf.vocab import ANALYSIS_GRAPH, edition_iri, entity_iri

ROOT = Path(__file__).resolve().parent.parent

# -- metrics on graphs with known answers ------------------------------------------------------


def test_star_hub_has_top_degree_and_pagerank():
    G = nx.star_graph(5)  # hub 0, leaves 1..5
    m = network_metrics(G)
    assert m.degree[0] == 5 and all(m.degree[i] == 1 for i in range(1, 6))
    assert m.ranked("pagerank")[0] == 0
    leaves = {round(m.pagerank[i], 12) for i in range(1, 6)}
    assert len(leaves) == 1  # symmetric leaves, equal rank
    assert sum(m.pagerank.values()) == pytest.approx(1.0)
    assert m.betweenness[0] == pytest.approx(1.0)


def test_pagerank_uses_weights():
    G = nx.Graph()
    G.add_edge("a", "b", weight=10)
    G.add_edge("a", "c", weight=1)
    pr = pagerank(G)
    assert pr["b"] > pr["c"]


def test_two_cliques_joined_by_a_bridge():
    G = nx.barbell_graph(5, 0)  # cliques {0..4} and {5..9}, bridge 4-5
    for u, v in G.edges:
        G[u][v]["weight"] = 1
    groups = communities(G)
    assert groups == [set(range(5)), set(range(5, 10))]
    b = betweenness(G)
    assert sorted(b, key=b.get, reverse=True)[:2] in ([4, 5], [5, 4])
    m = network_metrics(G)
    assert m.community[0] == m.community[4] != m.community[5] == m.community[9]


def test_communities_are_reproducible():
    G = nx.les_miserables_graph()
    assert communities(G) == communities(G)


def test_core_number_of_clique_with_tail():
    G = nx.complete_graph(4)
    G.add_edge(3, 4)
    core = core_number(G)
    assert [core[i] for i in range(5)] == [3, 3, 3, 3, 1]


def test_sampled_betweenness_is_seeded_and_close():
    G = nx.connected_watts_strogatz_graph(300, 6, 0.1, seed=1)
    exact = betweenness(G)
    a = betweenness(G, exact_max=100, samples=150)
    b = betweenness(G, exact_max=100, samples=150)
    assert a == b  # same seed, same estimate
    top_exact = set(sorted(exact, key=exact.get, reverse=True)[:10])
    top_sampled = set(sorted(a, key=a.get, reverse=True)[:10])
    assert len(top_exact & top_sampled) >= 5


def test_empty_graph_metrics():
    m = network_metrics(nx.Graph())
    assert m.pagerank == {} and m.communities == []


# -- networks from a store, counted by hand ----------------------------------------------------

ENTITIES = [
    {"key": "LOC:a", "type": "LOC", "labels": {"en": "A", "ar": "ألف"}},
    {"key": "PER:b", "type": "PER", "labels": {"en": "B", "es": "Be"}},
    {"key": "ORG:c", "type": "ORG", "labels": {"en": "C"}},
    {"key": "LOC:d", "type": "LOC", "labels": {"en": "D"}},
]
ARTICLES = [
    {"id": "x1", "edition": "x", "date": "2024-04-13T10:00:00+03:00", "mentions": ["LOC:a", "PER:b"]},
    {"id": "x2", "edition": "x", "date": "2024-04-14T23:30:00+03:00",
     "mentions": ["LOC:a", "PER:b", "ORG:c"]},
    {"id": "x3", "edition": "x", "date": "2024-04-15T10:00:00+03:00", "mentions": ["LOC:a"]},
    {"id": "y1", "edition": "y", "lang": "ar", "date": "2024-04-14T10:00:00+00:00",
     "mentions": ["LOC:a", "PER:b"]},
    {"id": "y2", "edition": "y", "lang": "ar", "date": "2024-04-22T10:00:00+00:00",
     "mentions": ["LOC:d"], "about": ["ORG:c"]},
]
EVENTS = [{"key": "e1", "type": "Attack", "date": "2024-04-14T00:00:00Z", "actors": ["PER:b"],
           "place": "LOC:a", "articles": ["x2", "y1"]}]
EDITIONS = {"x": ("Edition X", "en"), "y": ("Edition Y", "ar")}


@pytest.fixture()
def small() -> GraphStore:
    return store_from_records(ARTICLES, ENTITIES, EVENTS, EDITIONS)


def iri(key: str) -> str:
    return entity_iri(key)


def test_cooccurrence_weights_by_hand(small):
    corpus = load_corpus(small)
    G = cooccurrence_graph(corpus)
    # A-B together in x1, x2, y1; A-C and B-C in x2; D alone (schema:about does not count)
    assert G[iri("LOC:a")][iri("PER:b")]["weight"] == 3
    assert G[iri("LOC:a")][iri("ORG:c")]["weight"] == 1
    assert G[iri("PER:b")][iri("ORG:c")]["weight"] == 1
    assert G.number_of_edges() == 3
    assert iri("LOC:d") in G and G.degree(iri("LOC:d")) == 0
    assert G.nodes[iri("LOC:a")]["articles"] == 4
    assert G.nodes[iri("PER:b")]["type"] == "PER"

    X = cooccurrence_graph(corpus, "x")  # by slug; also by name and IRI
    assert X[iri("LOC:a")][iri("PER:b")]["weight"] == 2
    assert cooccurrence_graph(corpus, "Edition Y").number_of_nodes() == 3
    assert set(cooccurrence_graph(corpus, edition_iri("y"))) == {iri("LOC:a"), iri("PER:b"),
                                                                 iri("LOC:d")}


def test_bipartite_and_event_networks(small):
    corpus = load_corpus(small)
    B = article_entity_graph(corpus)
    assert B.number_of_edges() == sum(len(a["mentions"]) for a in ARTICLES)
    assert nx.is_bipartite(B)
    assert B.nodes[iri("LOC:a")]["articles"] == 4
    E = entity_event_graph(corpus)
    ev = next(n for n, d in E.nodes(data=True) if d["kind"] == "event")
    assert {E[ev][x]["role"] for x in E[ev]} == {"actor", "place"}
    assert E.nodes[ev]["type"] == "Attack" and E.nodes[ev]["articles"] == 2


def test_edition_coverage_by_hand(small):
    corpus = load_corpus(small)
    rows = {(r.item, r.edition): r for r in entity_coverage(corpus)}
    a_x = rows[(iri("LOC:a"), edition_iri("x"))]
    a_y = rows[(iri("LOC:a"), edition_iri("y"))]
    assert (a_x.articles, a_x.total, a_x.edition_size) == (3, 4, 3)
    assert a_x.share == pytest.approx(3 / 4) and a_y.share == pytest.approx(1 / 4)
    # rates: x 3/3 = 1, y 1/2 = .5 -> normalised 2/3 and 1/3
    assert a_x.normalised_share == pytest.approx(2 / 3)
    assert a_y.normalised_share == pytest.approx(1 / 3)
    ev = event_coverage(corpus)
    assert {(r.edition, r.articles) for r in ev} == {(edition_iri("x"), 1), (edition_iri("y"), 1)}


def test_distinctive_lists_what_others_barely_cover():
    table = coverage({"only-x": {"x1", "x2", "x3"}, "both": {"x1", "y1"}},
                     {"x1": "X", "x2": "X", "x3": "X", "y1": "Y"}, {"X": 3, "Y": 1})
    assert table["only-x"] == {"X": (3, 1.0, 1.0, 1.0)}
    assert table["both"]["Y"][3] == pytest.approx(0.75)  # Y is small: its one article weighs more
    from kg.analysis.editions import CoverageRow

    rows = [CoverageRow("entity", item, item, "LOC", ed, ed, k, 0, 0, s, r, ns)
            for item, per in table.items() for ed, (k, s, r, ns) in per.items()]
    special = distinctive(rows, min_articles=1)
    assert [r.item for r in special["X"]] == ["only-x"]
    assert [r.item for r in special["Y"]] == ["both"]


def test_timeline_by_hand(small):
    corpus = load_corpus(small)
    days = entity_timeline(corpus, "day")[iri("LOC:a")]
    # x2 is 23:30 at +03:00 on the 14th: counted on its own local day
    assert days == {"2024-04-13": 1, "2024-04-14": 2, "2024-04-15": 1}
    weeks = entity_timeline(corpus, "week")[iri("LOC:d")]
    assert weeks == {"2024-W17": 1}
    assert edition_timeline(corpus, "week")[edition_iri("x")] == {"2024-W15": 2, "2024-W16": 1}
    assert periods(corpus, "week") == ["2024-W15", "2024-W16", "2024-W17"]
    assert len(periods(corpus, "day")) == 10


def test_subset_keeps_only_those_editions(small):
    corpus = load_corpus(small).subset(["Edition Y"])
    assert {a.edition for a in corpus.articles.values()} == {edition_iri("y")}
    assert set(corpus.events[next(iter(corpus.events))].articles) == {
        a for a in corpus.articles if a.endswith("y1")}


def test_empty_store_runs(tmp_path):
    report = run_analysis(GraphStore(None), tmp_path)
    assert report.n_articles == 0 and report.files["html"].exists()
    assert isinstance(load_corpus(GraphStore(None)), Corpus)


# -- the whole run: written back, agreeing with SPARQL ---------------------------------------


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def check_report_against_sparql(store: GraphStore, out: Path, written_back: bool) -> None:
    """The report's numbers are the store's numbers (the same check runs on the real corpus)."""
    report = run_analysis(store, out, write_back=written_back)
    counts = store.select("""
        SELECT ?e (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a schema:NewsArticle ; schema:mentions ?e }
        GROUP BY ?e""")
    expected = {r["e"]: r["n"] for r in counts}
    entities = _csv_rows(out / "entities.csv")
    assert {r["iri"]: int(r["articles"]) for r in entities} == expected
    assert report.n_entities == len(expected)

    per_edition = store.select("""
        SELECT ?ed (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a schema:NewsArticle ; schema:isPartOf ?ed }
        GROUP BY ?ed""")
    sizes = {r["ed"]: r["n"] for r in per_edition}
    coverage_rows = _csv_rows(out / "edition_coverage.csv")
    assert {r["edition"]: int(r["edition_size"]) for r in coverage_rows} .items() <= sizes.items()
    assert report.n_articles == store.select(
        "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a schema:NewsArticle }")[0]["n"]
    assert sum(report.edition_articles.values()) == report.n_articles

    # entity x edition counts: one SPARQL COUNT per pair
    pairs = store.select("""
        SELECT ?e ?ed (COUNT(DISTINCT ?a) AS ?n) WHERE {
          ?a a schema:NewsArticle ; schema:isPartOf ?ed ; schema:mentions ?e } GROUP BY ?e ?ed""")
    got = {(r["iri"], r["edition"]): int(r["articles"]) for r in coverage_rows
           if r["kind"] == "entity"}
    assert got == {(r["e"], r["ed"]): r["n"] for r in pairs}

    # co-occurrence weights: SPARQL count of articles mentioning both, for a few heavy pairs
    G = nx.read_graphml(out / "cooccurrence.graphml")
    heavy = sorted(G.edges(data="weight"), key=lambda e: -e[2])[:5]
    for u, v, w in heavy:
        n = store.select(f"""SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{
            ?a a schema:NewsArticle ; schema:mentions <{u}>, <{v}> }}""")[0]["n"]
        assert n == w


def test_report_agrees_with_sparql(tmp_path):
    check_report_against_sparql(sample_store(), tmp_path, written_back=True)


def test_run_analysis_writes_metrics_back_and_files(tmp_path, small):
    report = run_analysis(small, tmp_path)
    assert "analysed 5 articles in 2 editions" in report.summary()
    for key in ("html", "entities", "communities", "coverage", "distinctive", "timeline",
                "graphml", "gexf", "edition_metrics"):
        assert report.files[key].exists(), key
    rows = small.select(f"""
        SELECT ?e ?pr ?deg ?c WHERE {{ GRAPH <{ANALYSIS_GRAPH}> {{
          ?e mkg:pageRank ?pr ; mkg:degree ?deg ; mkg:community ?c }} }}""")
    got = {r["e"]: r for r in rows}
    assert len(got) == 4
    a = got[iri("LOC:a")]
    assert a["deg"] == 2 and isinstance(a["pr"], float) and isinstance(a["c"], int)
    assert max(got, key=lambda e: got[e]["pr"]) in (iri("LOC:a"), iri("PER:b"))
    assert sum(r["pr"] for r in rows) == pytest.approx(1.0)
    # datatypes as the contract says
    dt = small.select(f"""SELECT (DATATYPE(?pr) AS ?t1) (DATATYPE(?d) AS ?t2) WHERE {{
        GRAPH <{ANALYSIS_GRAPH}> {{ <{iri('LOC:a')}> mkg:pageRank ?pr ; mkg:degree ?d }} }}""")[0]
    assert dt["t1"].endswith("#double") and dt["t2"].endswith("#integer")
    per_ed = small.select("""SELECT ?ed ?pr WHERE {
        ?e mkg:editionMetrics [ mkg:edition ?ed ; mkg:pageRank ?pr ] }""")
    assert {r["ed"] for r in per_ed} == {edition_iri("x"), edition_iri("y")}

    # re-running replaces, never accumulates
    before = len(small)
    run_analysis(small, tmp_path)
    assert len(small) == before


def test_report_files_are_usable(tmp_path):
    report = run_analysis(sample_store(), tmp_path)
    html = report.files["html"].read_text(encoding="utf-8")
    assert "<script" not in html and "<svg" in html
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "غزة" in html and 'dir="rtl"' in html
    G = nx.read_graphml(report.files["graphml"])
    H = nx.read_gexf(report.files["gexf"])
    assert G.number_of_nodes() == H.number_of_nodes() == report.n_entities
    node = G.nodes[entity_iri("LOC:gaza")]
    assert node["label_ar"] == "غزة" and node["pagerank"] > 0 and "community" in node
    gnode = H.nodes[entity_iri("LOC:gaza")]
    assert gnode["label"] == "Gaza" and gnode["label_ar"] == "غزة"
    assert gnode["pagerank"] == pytest.approx(node["pagerank"]) and gnode["articles"] == 5
    assert H[entity_iri("LOC:gaza")][entity_iri("LOC:israel")]["weight"] == 3
    assert H.number_of_edges() == G.number_of_edges()
    communities_csv = _csv_rows(report.files["communities"])
    assert len(communities_csv) == report.n_entities
    timeline = _csv_rows(report.files["timeline"])
    assert {r["granularity"] for r in timeline} == {"day", "week"}


def _mark_uncertain(store: GraphStore, *articles: str) -> GraphStore:
    """Flag articles' dates as guesses, as ``kg build`` does (``mkg:dateUncertain true``)."""
    from kg.rdf.vocab import article_graph_iri, article_iri
    for article in articles:
        store.update(f"INSERT DATA {{ GRAPH <{article_graph_iri(article)}> "
                     f"{{ <{article_iri(article)}> mkg:dateUncertain true }} }}")
    return store


def test_uncertain_dates_stay_off_the_time_axis(tmp_path):
    """bbc-3 (17 October, week 42) is the last article: once its date is a guess, the weekly
    axis ends a week earlier, its counts leave the timeline, and the report lists it apart."""
    store = _mark_uncertain(sample_store(), "bbc-3")
    report = run_analysis(store, tmp_path, lang="en")
    assert report.n_uncertain_dates == 1 and "1 article(s) with an uncertain date" in report.summary()
    weeks = {r["period"] for r in _csv_rows(report.files["timeline"]) if r["granularity"] == "week"}
    assert weeks == {"2023-W40", "2023-W41", "2023-W42"}  # am-3 (16 October) is still in W42
    days = {r["period"] for r in _csv_rows(report.files["timeline"]) if r["granularity"] == "day"}
    assert "2023-10-17" not in days and "2023-10-16" in days
    html = report.files["html"].read_text(encoding="utf-8")
    assert '<p id="uncertain-dates">1 article with an uncertain date.' in html
    assert "7 Oct 2023 – 9 Oct 2023" in html  # BBC's dates without the guessed one
    store = _mark_uncertain(store, "am-3")
    assert periods(load_corpus(store), "week") == ["2023-W40", "2023-W41", "2023-W42"]
    run_analysis(store, tmp_path / "b")
    weeks = {r["period"] for r in _csv_rows(tmp_path / "b" / "timeline.csv")
             if r["granularity"] == "week"}
    assert weeks == {"2023-W40", "2023-W41"}


@pytest.mark.parametrize(("lang", "words"), [
    ("ar", ["الكيانات الأكثر مركزية", "المجتمعات", "مقارنة النسخ", "عبر الزمن", "أكثر الأيام نشاطا",
            "أكتوبر 2023", "شخص"]),
    ("es", ["Entidades más centrales", "Comunidades", "Comparación de ediciones", "7 oct 2023",
            "Persona"]),
])
def test_report_speaks_its_language(tmp_path, lang, words):
    html = run_analysis(sample_store(), tmp_path, lang=lang).files["html"].read_text(encoding="utf-8")
    assert f'<html lang="{lang}" dir="{"rtl" if lang == "ar" else "ltr"}">' in html
    for word in words:
        assert word in html, word
    for english in ("Most central entities", "Communities", "Busiest days", "Over time",
                    "Oct 2023", ">PER<"):
        assert english not in html, english
    with pytest.raises(ValueError):
        run_analysis(sample_store(), tmp_path, lang="fr")


# -- the real corpus, when the lead has built it -----------------------------------------------


def test_real_corpus_report_agrees_with_sparql(real_store, tmp_path):
    check_report_against_sparql(real_store, tmp_path, written_back=False)
    entities = _csv_rows(tmp_path / "entities.csv")
    assert len({r["community"] for r in entities}) > 1
    editions = {r["edition"] for r in _csv_rows(tmp_path / "edition_coverage.csv")}
    assert len(editions) >= 2
