"""The RDF stage: triples, named graphs, store, query formats, export round trips, SHACL.

The article and mentions here are real: the first paragraph of Al Mayadeen post 1850881
(ar/almayadeen_ar_2024_04.json, see tests/fixtures/README.md), with offsets counted in the test.
"""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from kg.article import Article
from kg.events.event import Event
from kg.link.entity import Entity, Merge
from kg.nlp.mention import Mention
from kg.rdf.export import export
from kg.rdf.query import format_result, named_query_path
from kg.rdf.store import GraphStore, QueryError
from kg.rdf.triples import (
    LinkedMention,
    article_text_triples,
    article_triples,
    edition_triples,
    entity_triples,
    event_triples,
    story_link_triples,
)
from kg.rdf.validate import to_rdflib, validate_graph
from kg.rdf.vocab import ENTITIES_GRAPH, EVENTS_GRAPH, LINKS_GRAPH, article_graph_iri
from kg.rdf.writer import load_ontology

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BEIRUT = timezone(timedelta(hours=3))
TITLE = "سريع: استهدفنا مدمرتين أميركيتين وسفناً إسرائيلية في البحر الأحمر والمحيط الهندي"
BODY = "المتحدث باسم القوات المسلحة اليمنية العميد يحيى سريع يعلن استهداف القوات المسلحة"


def _article() -> Article:
    return Article(
        id="www.almayadeen.net-1850881", title=TITLE, body=BODY, language="ar",
        url="https://www.almayadeen.net/news/politics/سريع--استهدفنا-مدمرتين-أميركيتين-وسفنا-",
        edition="almayadeen-ar", published=datetime(2024, 4, 30, 0, 58, tzinfo=BEIRUT),
        author="الميادين نت", section="أخبار", tags=["اليمن", "البحر الأحمر"],
        source_file="ar/almayadeen_ar_2024_04.json", source_record="0",
    )


def _mention(text: str, surface: str, type_: str) -> Mention:
    start = text.index(surface)
    return Mention(start, start + len(surface), surface, type_, confidence=0.9)


def _populated_store() -> GraphStore:
    art = _article()
    text = art.text
    saree = _mention(text, "يحيى سريع", "PER")
    red_sea = _mention(text, "البحر الأحمر", "LOC")
    store = GraphStore(None)
    store.replace_graph(article_graph_iri(art.id), article_triples(
        art, [LinkedMention(saree, "kb:yahya_saree"), LinkedMention(red_sea, "geo:red_sea")],
        about=["country:YE"]))
    entities = [
        Entity("kb:yahya_saree", "PER", {"ar": "يحيى سريع", "en": "Yahya Saree"},
               {("Yahya Sarea", "en")}, merges=[Merge("يحيى سريع", "ar", "kb-id", 1.0)]),
        Entity("geo:red_sea", "LOC", {"ar": "البحر الأحمر", "en": "Red Sea"}, lon=38.0, lat=20.0),
        Entity("country:YE", "LOC", {"ar": "اليمن", "en": "Yemen", "es": "Yemen"}, wikidata="Q805"),
    ]
    store.replace_graph(ENTITIES_GRAPH, [t for e in entities for t in entity_triples(e)])
    event = Event("attack-2024-04-30-red_sea", "Attack", art.published, place="geo:red_sea",
                  actors=["kb:yahya_saree"], articles=[art.id], label="استهداف", trigger="استهداف")
    store.replace_graph(EVENTS_GRAPH, event_triples(event))
    store.replace_graph("https://w3id.org/mkg/resource/graph/editions",
                        edition_triples("almayadeen-ar", "ar"))
    return store


def test_mention_offsets_index_the_article_text():
    store = _populated_store()
    rows = store.select("""
        SELECT ?anchor ?b ?e ?text WHERE {
          ?m a nif:Phrase ; nif:anchorOf ?anchor ; nif:beginIndex ?b ; nif:endIndex ?e ;
             nif:referenceContext ?ctx . ?ctx nif:isString ?text } ORDER BY ?b""")
    assert [r["anchor"] for r in rows] == ["البحر الأحمر", "يحيى سريع"]
    for row in rows:
        assert row["text"][row["b"]:row["e"]] == row["anchor"]


def test_article_has_contract_properties():
    store = _populated_store()
    row = store.select("""
        SELECT ?url ?lang ?date ?edition (LANG(?h) AS ?hl) WHERE {
          ?a a schema:NewsArticle ; schema:url ?url ; schema:inLanguage ?lang ;
             schema:datePublished ?date ; schema:headline ?h ; schema:isPartOf ?edition }""")[0]
    assert row["url"] == _article().url  # kept exactly as given, Arabic letters and all
    assert row["lang"] == "ar" and row["hl"] == "ar"
    assert row["date"] == "2024-04-30T00:58:00+03:00"
    mentions = store.select("SELECT ?e WHERE { ?a schema:mentions ?e } ORDER BY ?e")
    assert len(mentions) == 2
    about = store.select("SELECT ?e WHERE { ?a schema:about ?e }")
    assert about[0]["e"].endswith("entity/country:YE")


def test_replacing_an_article_graph_is_idempotent():
    store = _populated_store()
    before = len(store)
    art = _article()
    again = article_triples(art, [], about=["country:YE"])
    store.replace_graph(article_graph_iri(art.id), again)
    once = len(store)
    store.replace_graph(article_graph_iri(art.id), again)
    assert len(store) == once
    assert once == before - 2 * 9 - 2  # two mentions of 9 triples and their schema:mentions gone
    assert len(list(store.quads(article_graph_iri(art.id)))) == len(again)


def test_story_links_are_symmetric_with_confidence():
    store = GraphStore(None)
    store.replace_graph(LINKS_GRAPH, story_link_triples("b-article", "a-article", 0.83, "embedding"))
    rows = store.select("SELECT ?x ?y WHERE { ?x mkg:sameStoryAs ?y } ORDER BY ?x")
    assert len(rows) == 2 and rows[0]["x"] == rows[1]["y"]
    conf = store.select("SELECT ?c WHERE { ?l a mkg:StoryLink ; mkg:confidence ?c }")
    assert conf == [{"c": 0.83}]


def test_shacl_conforms_and_catches_a_broken_entity():
    store = _populated_store()
    load_ontology(store)
    conforms, text = validate_graph(to_rdflib(store))
    assert conforms, text
    bad = to_rdflib(store)
    node = rdflib.URIRef("https://w3id.org/mkg/resource/entity/kb:yahya_saree")
    bad.add((node, rdflib.RDF.type, rdflib.URIRef("https://schema.org/Place")))  # two classes
    bad.add((node, rdflib.SKOS.prefLabel, rdflib.Literal("Yahia Sarie", lang="en")))  # 2nd @en
    conforms, text = validate_graph(bad)
    assert not conforms
    assert "uniqueLang" in text or "UniqueLang" in text


@pytest.mark.parametrize("fmt", ["turtle", "nt", "jsonld", "trig"])
def test_export_parses_back_to_the_same_count(tmp_path, fmt):
    store = _populated_store()
    path, count = export(store, fmt, tmp_path / f"g.{fmt}")
    parsed_format = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                     "jsonld": ox.RdfFormat.JSON_LD, "trig": ox.RdfFormat.TRIG}[fmt]
    parsed = list(ox.parse(path=str(path), format=parsed_format))
    assert len(parsed) == count > 50
    if fmt == "turtle":  # and rdflib agrees
        assert len(rdflib.Graph().parse(path, format="turtle")) == count


def test_export_writes_a_triple_of_two_graphs_once(tmp_path):
    store = _populated_store()
    some = next(iter(store.quads()))
    store.replace_graph("https://w3id.org/mkg/resource/graph/copy",
                        [(some.subject, some.predicate, some.object)])
    _, quads = export(store, "trig", tmp_path / "g.trig")
    path, triples = export(store, "nt", tmp_path / "g.nt")
    assert quads == len(store) and triples == quads - 1
    assert len(path.read_text(encoding="utf-8").splitlines()) == triples


def test_query_formats(tmp_path):
    store = _populated_store()
    query = "SELECT ?label WHERE { ?e skos:prefLabel ?label FILTER(LANG(?label)='en') } ORDER BY ?label"
    table = format_result(store.query(query), "table")
    assert table.splitlines()[0].strip() == "label" and "(3 rows)" in table
    csv = format_result(store.query(query), "csv").splitlines()
    assert csv == ["label", "Red Sea", "Yahya Saree", "Yemen"]
    tsv = format_result(store.query(query), "tsv").splitlines()
    assert tsv[0] == "?label" and tsv[1] == '"Red Sea"@en'
    data = json.loads(format_result(store.query(query), "json"))
    assert data["head"]["vars"] == ["label"]
    assert data["results"]["bindings"][0]["label"] == {"type": "literal", "value": "Red Sea",
                                                       "xml:lang": "en"}


def test_invalid_sparql_is_a_query_error():
    with pytest.raises(QueryError, match="invalid SPARQL"):
        GraphStore(None).query("SELEC ?x WHERE { ?x ?y }")


def test_named_queries_parse_and_run():
    store = _populated_store()
    names = ["top-entities", "articles-per-edition-per-day", "articles-mentioning",
             "entities-per-language", "same-story-pairs", "events-by-type"]
    for name in names:
        path = named_query_path(name)
        assert path is not None, name
        store.query(path.read_text())  # parses and runs
    top = store.select(named_query_path("top-entities").read_text())
    assert {r["en"] for r in top} == {"Red Sea", "Yahya Saree"}
    per_day = store.select(named_query_path("articles-per-edition-per-day").read_text())
    assert per_day == [{"edition": "almayadeen-ar", "day": "2024-04-30", "articles": 1}]


def test_persistent_store_survives_reopen(tmp_path):
    store = GraphStore(tmp_path / "s")
    store.replace_graph(ENTITIES_GRAPH, entity_triples(Entity("kb:x", "ORG", {"en": "X"})))
    store.flush()
    count = len(store)
    del store
    assert len(GraphStore(tmp_path / "s", read_only=True)) == count


def test_dump_nquads_roundtrip():
    store = _populated_store()
    buf = io.BytesIO()
    store.dump(buf, ox.RdfFormat.N_QUADS)
    assert len(list(ox.parse(buf.getvalue(), format=ox.RdfFormat.N_QUADS))) == len(store)


def test_folder_store_bulk_loads_real_articles_exactly(tmp_path, monkeypatch):
    """The folder store gathers quads as N-Quads text and bulk-loads them in a background
    thread; every literal of real articles (quotes, newlines, Arabic, typed dates) must come
    back as the in-memory store holds it, graphs written again while their load may still run
    included, and blank nodes (which N-Quads would rename) kept as they are."""
    import kg.rdf.store as store_module
    from kg.sources import read_inputs

    monkeypatch.setattr(store_module, "BULK_QUADS", 50)  # many loads, some still running
    articles = [a for a in read_inputs([str(EXAMPLES / "en_bbc_2023-10-30.jsonl"),
                                        str(EXAMPLES / "ar_almayadeen_2023-10-30.json")])
                if isinstance(a, Article)][:12]
    assert any('"' in a.text and "\n" in a.text for a in articles)
    blank = ox.BlankNode()
    graphs = {article_graph_iri(a.id): article_triples(a, []) for a in articles}
    graphs["https://w3id.org/mkg/resource/graph/analysis"] = [
        (ox.NamedNode("https://w3id.org/mkg/resource/a"), ox.NamedNode("https://w3id.org/mkg/m"), blank),
        (blank, ox.NamedNode("https://w3id.org/mkg/degree"), ox.Literal("3"))]
    folder, memory = GraphStore(tmp_path / "s"), GraphStore(None)
    for target in (folder, memory):
        for graph, triples in graphs.items():
            target.replace_graph(graph, triples)
        first = next(iter(graphs))  # rewritten with the title changed: the old quads must go
        target.replace_graph(first, [(s, p, ox.Literal("new title") if p.value.endswith("headline")
                                      else o) for s, p, o in graphs[first]])
    folder.flush()
    assert set(folder.quads()) == set(memory.quads())
    assert len(folder) == len(memory) > 50 * 4


def test_a_writer_counts_quads_from_what_it_changes(tmp_path):
    """A writer's quad count is the opened generation's (kept beside its quads) less the graphs
    it replaced or dropped plus what they hold now: what a scan of the store gives, also with
    a triple given twice, a graph written twice, dropped, or loaded from a file."""
    from kg.sources import read_inputs

    articles = [a for a in read_inputs([str(EXAMPLES / "en_bbc_2023-10-30.jsonl")])
                if isinstance(a, Article)][:6]
    graphs = {article_graph_iri(a.id): article_triples(a, []) for a in articles}
    first = GraphStore(tmp_path / "s", staged=True)
    for graph, triples in graphs.items():
        first.replace_graph(graph, triples)
    first.commit()
    first.close()
    written = len(GraphStore(tmp_path / "s", read_only=True))
    assert written > 6 * 5

    store = GraphStore(tmp_path / "s", staged=True)
    one, two, three = list(graphs)[:3]
    store.replace_graph(one, graphs[one][:3] + graphs[one][:3])  # fewer quads, one triple twice
    store.replace_graph(two, graphs[two] + graphs[one])
    store.replace_graph(two, graphs[two])  # written twice before its load ends
    store.drop_graph(three)
    turtle = tmp_path / "x.ttl"
    turtle.write_text("<https://example.org/a> <https://example.org/p> 1, 2 .\n", encoding="utf-8")
    store.load_file(turtle, "https://example.org/g")
    expected = written - len(graphs[one]) + 3 - len(graphs[three]) + 2
    assert len(store) == expected
    store.commit()
    store.close()
    assert len(GraphStore(tmp_path / "s", read_only=True)) == expected
    current = (tmp_path / "s" / "current-quads").read_text(encoding="utf-8").strip()
    assert (tmp_path / "s" / current / "quad_count").read_text(encoding="ascii") == str(expected)


def test_failed_bulk_load_is_raised_and_no_later_load_runs(tmp_path, monkeypatch):
    """Bulk loads run in the background; when one fails, its error reaches the writer before
    another load starts (a build then fails instead of committing a part)."""
    import kg.rdf.store as store_module
    from kg.sources import read_inputs

    monkeypatch.setattr(store_module, "BULK_QUADS", 10)
    articles = [a for a in read_inputs([str(EXAMPLES / "en_bbc_2023-10-30.jsonl")])
                if isinstance(a, Article)][:8]
    calls: list[int] = []

    class FailingSecondLoad:  # the real store, whose second bulk load fails
        def __init__(self, real: ox.Store) -> None:
            self.real = real

        def __getattr__(self, name: str):
            return getattr(self.real, name)

        def bulk_load(self, *args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise OSError("disk full")
            return self.real.bulk_load(*args, **kwargs)

    store = GraphStore(tmp_path / "s")
    store._ox = FailingSecondLoad(store._ox)
    with pytest.raises(OSError, match="disk full"):
        for a in articles:
            store.replace_graph(article_graph_iri(a.id), article_triples(a, []))
        store.flush()
    assert len(calls) == 2  # no load after the failed one
    assert sum(len(article_triples(a, [])) for a in articles) >= 10 * 4  # there were more to load


def test_staged_text_and_the_rest_make_the_article_graph(tmp_path, monkeypatch):
    """A build into an empty store stages what extraction decides of each article's graph as it
    is extracted and adds the rest after linking: the graph, its digest and the store's count
    are what writing it whole gives, from a staged file loaded in many pieces (then removed)."""
    import kg.rdf.store as store_module
    from kg.nlp.pipeline import find_mentions
    from kg.sources import read_inputs

    monkeypatch.setattr(store_module, "BULK_QUADS", 40)
    articles = [a for a in read_inputs([str(EXAMPLES / "en_bbc_2023-10-30.jsonl"),
                                        str(EXAMPLES / "ar_almayadeen_2023-10-30.json")])
                if isinstance(a, Article)][:6]
    found = {a.id: find_mentions(a.text, a.language) for a in articles}
    assert all(found.values())
    projected = Mention(0, 5, articles[0].text[:5], "PER", confidence=0.6, source="projected")
    linked = {a.id: [LinkedMention(m, f"kb:e{i % 3}" if i % 2 else None)
                     for i, m in enumerate([*found[a.id], *([projected] if a is articles[0] else [])])]
              for a in articles}
    whole = {article_graph_iri(a.id): article_triples(a, linked[a.id], ["country:YE"]) for a in articles}
    for a in articles:
        rest = article_triples(a, linked[a.id], ["country:YE"], written=found[a.id])
        assert len(rest) < len(whole[article_graph_iri(a.id)]) / 3
        assert set(article_text_triples(a, found[a.id]) + rest) == set(whole[article_graph_iri(a.id)])

    memory = GraphStore(None)
    for graph, triples in whole.items():
        memory.replace_graph(graph, triples, digest=graph[-8:])
    staged = GraphStore(tmp_path / "s", staged=True)
    with pytest.raises(ValueError, match="started empty"):
        staged.stage_triples("https://example.org/g", [])
    staged.start_empty()
    for a in articles:
        staged.stage_triples(article_graph_iri(a.id), article_text_triples(a, found[a.id]))
    spill = next((tmp_path / "s").glob("gen-*/staged-quads.nq"))
    staged.load_staged()
    for a in articles:
        graph = article_graph_iri(a.id)
        staged.add_triples(graph, article_triples(a, linked[a.id], ["country:YE"], found[a.id]),
                           digest=graph[-8:])
    with pytest.raises(ValueError, match="blank nodes"):
        staged.add_triples(graph, [(ox.BlankNode(), ox.NamedNode("https://example.org/p"), ox.BlankNode())],
                           digest="x")
    staged.commit()
    assert not spill.exists()
    assert staged.digests == {graph: graph[-8:] for graph in whole}
    assert set(staged.quads()) == set(memory.quads())
    staged.close()
    assert len(GraphStore(tmp_path / "s", read_only=True)) == len(memory) > 40 * 6
