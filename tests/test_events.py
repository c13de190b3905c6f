"""Event types, extraction and merging (kg.events) on real sentences (tests/fixtures)."""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path

from kg.article import Article
from kg.events.extract import extract_events
from kg.events.timex import resolve_date
from kg.events.types import EVENT_TYPES, find_triggers, scheme_turtle
from kg.link.resolve import resolve_entities
from kg.link.stories import StoryLink
from kg.nlp.mention import Mention
from tests.test_link import load_docs

ROOT = Path(__file__).resolve().parent.parent


def test_scheme_file_matches_registry_and_has_required_types():
    required = {"Attack", "Killing", "Protest", "Meeting", "Statement", "Agreement", "Election",
                "Arrest", "Sanctions"}
    assert required <= set(EVENT_TYPES)
    assert (ROOT / "ontologies" / "events.ttl").read_text(encoding="utf-8") == scheme_turtle()
    import rdflib

    g = rdflib.Graph().parse(data=scheme_turtle(), format="turtle")
    skos = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    attack = rdflib.URIRef("https://w3id.org/mkg/ontology#Attack")
    langs = {lit.language for lit in g.objects(attack, skos.prefLabel)}
    assert langs == {"en", "ar", "es"}
    assert (attack, skos.inScheme, rdflib.URIRef("https://w3id.org/mkg/ontology#EventTypeScheme")) in g


def test_triggers_in_three_languages():
    # Al Mayadeen, 2023-10-27 (post 1766834)
    ar = "وفي جباليا، أغارت طائرات الاحتلال على شارع الهوجا وسط مخيم جباليا شمالي القطاع، ما أسفر عن ارتقاء شهداء ووقوع إصابات"
    assert {t for t, _, _ in find_triggers(ar, "ar")} >= {"Killing"}
    assert [t for t, _, _ in find_triggers("Carabineros detuvo a dos personas", "es")] == []
    assert "Arrest" in {t for t, _, _ in find_triggers("Carabineros informó que dos detenidos", "es")}
    assert "Agreement" in {t for t, _, _ in find_triggers("a ceasefire deal was agreed", "en")}


def test_relative_dates_against_publication():
    pub = date(2023, 11, 2)  # a Thursday
    assert resolve_date("air strikes on Jabalia on Tuesday and Wednesday", "en", pub) == date(2023, 10, 31)
    assert resolve_date("قصف الاحتلال أمس مخيم جباليا", "ar", pub) == date(2023, 11, 1)
    assert resolve_date("el lunes hubo protestas", "es", pub) == date(2023, 10, 30)
    assert resolve_date("The IDF said on 10 October", "en", pub) == date(2023, 10, 10)


def test_strike_sentence_gives_attack_with_place_actor_and_date(fixtures):
    docs = load_docs(fixtures, "strike")
    res = resolve_entities(docs, kb=False)
    events = extract_events(docs, res, [])
    attacks = [e for e in events if e.event_type == "Attack"]
    assert len(attacks) == 1
    ev = attacks[0]
    assert ev.place == "LOC:rimal_en"
    assert "ORG:idf_en" in ev.actors  # one-word organisation names are kept per language
    assert ev.timestamp.date() == date(2023, 10, 10)
    assert ev.articles == ["www.bbc.co.uk-67264703"]
    assert ev.trigger == "struck" and "Rimal" in ev.label


class PlaceKB:
    """A knowledge base that knows Jabalia (a specific place) and Gaza."""

    IDS = {"jabalia": "geo:jabalia", "جباليا": "geo:jabalia", "gaza": "kb:gaza_strip"}

    def lookup(self, label, lang):
        return self.IDS.get(label.casefold())

    def get(self, kb_id):
        return {"id": kb_id, "type": "LOC"}


def test_same_event_in_two_articles_is_one_event(fixtures):
    docs = load_docs(fixtures, "jabalia")
    res = resolve_entities(docs, kb=PlaceKB())
    events = extract_events(docs, res, [])
    attacks = [e for e in events if e.event_type == "Attack"]
    assert len(attacks) == 1
    assert attacks[0].articles == ["www.bbc.co.uk-67039975", "www.bbc.co.uk-67276822"]
    assert attacks[0].place == "geo:jabalia"
    assert attacks[0].timestamp.date() == date(2023, 10, 31)


def test_a_place_without_a_kb_id_does_not_merge_reports_alone(fixtures):
    docs = load_docs(fixtures, "jabalia")
    events = extract_events(docs, resolve_entities(docs, kb=False), [])
    assert len([e for e in events if e.event_type == "Attack"]) == 2


def test_same_event_across_editions_via_story_link():
    # Arabic: Al Mayadeen 2023-10-29 (post 1768026), English paraphrase of the same report.
    ar_text = ("أفاد مراسل الميادين بارتقاء شهداء جدد ووقوع جرحى في قصف الاحتلال منزل عائلة عودة "
               "وسط مخيم جباليا شمالي القطاع")
    a = Article(id="ar-1768026", title="", body=ar_text, language="ar", published=datetime(2023, 10, 29, 10))
    b = Article(id="en-x", title="", body="An Israeli strike hit a house of the Odeh family in Jabalia camp.",
                language="en", published=datetime(2023, 10, 29, 12))
    i = ar_text.index("جباليا")
    docs = [(a, [Mention(i, i + 6, "جباليا", "LOC")]),
            (b, [Mention(b.text.index("Jabalia"), b.text.index("Jabalia") + 7, "Jabalia", "LOC")])]
    links = [StoryLink("ar-1768026", "en-x", 0.9, "test")]
    res = resolve_entities(docs, links, kb=False)
    assert res.mention_entity("ar-1768026", docs[0][1][0]) == res.mention_entity("en-x", docs[1][1][0])
    attacks = [e for e in extract_events(docs, res, links) if e.event_type == "Attack"]
    assert len(attacks) == 1 and attacks[0].articles == ["ar-1768026", "en-x"]


def test_events_are_order_independent(fixtures):
    docs = load_docs(fixtures, "jabalia") + load_docs(fixtures, "strike") + load_docs(fixtures, "trump")
    res = resolve_entities(docs, kb=False)
    first = extract_events(docs, res, [])
    shuffled = docs[:]
    random.Random(3).shuffle(shuffled)
    assert extract_events(shuffled, resolve_entities(shuffled, kb=False), []) == first


def _doc(aid: str, text: str, mentions: list[tuple[str, str]], day: int = 29, lang: str = "en"):
    article = Article(id=aid, title="", body=text, language=lang, published=datetime(2023, 10, day, 12))
    out = []
    for surface, etype in mentions:
        i = article.text.index(surface)
        out.append(Mention(i, i + len(surface), surface, etype))
    return article, out


class CampKB:
    IDS = {"jabalia": "geo:jabalia", "nuseirat": "geo:nuseirat", "israel": "country:IL"}

    def lookup(self, label, lang):
        return self.IDS.get(label.casefold())

    def get(self, kb_id):
        return {"id": kb_id, "type": "LOC"}


def test_statement_needs_an_identifiable_speaker():
    docs = [_doc("a", "A statement was read out in Jabalia.", [("Jabalia", "LOC")]),
            _doc("b", "Joe Biden said in a statement that aid would reach Jabalia.",
                 [("Joe Biden", "PER"), ("Jabalia", "LOC")])]
    events = extract_events(docs, resolve_entities(docs, kb=CampKB()), [])
    statements = [e for e in events if e.event_type == "Statement"]
    assert [e.articles for e in statements] == [["b"]]
    assert statements[0].label.startswith("statement in ")


def test_a_country_alone_does_not_merge_reports():
    # two different attacks "in Israel" the same day, nothing else in common
    docs = [_doc("a", "Rockets hit a kibbutz in Israel near the border fence.", [("Israel", "LOC")]),
            _doc("b", "A stabbing attack in Israel wounded a guard at a mall.", [("Israel", "LOC")])]
    events = extract_events(docs, resolve_entities(docs, kb=CampKB()), [])
    assert all(len(e.articles) == 1 for e in events)


def test_no_transitive_chain_through_weak_links():
    # a ~ b share the Jabalia report and b ~ c are story-linked, but a and c are not related:
    # complete linkage keeps a apart from c, whatever the input order
    a = _doc("a", "An Israeli air strike hit Jabalia refugee camp.", [("Jabalia", "LOC")])
    b = _doc("b", "Israeli air strikes hit Jabalia refugee camp overnight.", [("Jabalia", "LOC")])
    c = _doc("c", "An Israeli air strike hit a school.", [])
    links = [StoryLink("b", "c", 0.9, "test")]
    for docs in ([a, b, c], [c, b, a]):
        res = resolve_entities(docs, links, kb=CampKB())
        groups = sorted(e.articles for e in extract_events(docs, res, links) if e.event_type == "Attack")
        assert ["a", "b", "c"] not in groups
        assert sum(len(g) for g in groups) == 3 and any(len(g) == 2 for g in groups)
