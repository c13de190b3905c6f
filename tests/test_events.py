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


def test_same_place_and_day_with_little_in_common_stay_apart(fixtures):
    # Two BBC reports of the 31 October strike on Jabalia share place and day but no actor, and
    # their sentences have a content similarity of 0.30. Same-day reports from one town in that
    # band were judged different incidents about as often as the same one (issue 13 merge sample,
    # bench/data/event_merge_labels.tsv), so precision first: they stay two events.
    from kg.events.extract import PLACE_TEXT

    docs = load_docs(fixtures, "jabalia")
    res = resolve_entities(docs, kb=PlaceKB())
    attacks = [e for e in extract_events(docs, res, []) if e.event_type == "Attack"]
    assert PLACE_TEXT > 0.30
    assert sorted(a for e in attacks for a in e.articles) == ["www.bbc.co.uk-67039975", "www.bbc.co.uk-67276822"]
    assert all(e.place == "geo:jabalia" for e in attacks) and len(attacks) == 2
    assert date(2023, 10, 31) in {e.timestamp.date() for e in attacks}


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


# --- issue 13: triggers in Arabic and Spanish, roles, the dev-gold scorer -------------------------
# Sentences below are quoted from ../shared/data/events (dev gold, development use only):
# upetrarch_ar_gsr_dev_half.jsonl (AR), upetrarch_es_protest_plover_dev.jsonl (ES).

GOLD = ROOT.parent / "shared" / "data" / "events"


def _types(sentence: str, lang: str) -> set[str]:
    return {t for t, _, _ in find_triggers(sentence, lang)}


def test_arabic_triggers_with_clitics_verbs_and_nouns():
    # AR dev: 5b67...: protesters with the article and the conjunction, verb forms, "rally"
    assert "Protest" in _types("وحمل المتظاهرون لافتات ورددوا الهتافات المناهضة لايران.", "ar")
    assert "Protest" in _types("وقال ان المتظاهرين سيعتصمون أمام مجلس المحافظة لحين تنفيذ مطالبهم", "ar")
    assert "Attack" in _types("والثلاثاء اصيب 37 شخصا بجروح حين انفجرت قنبلة في سوق في ولاية يالا المجاورة.", "ar")
    # "the martyr president" and "Martyrs' Square" are names, not killings
    sit_in = ("اعتصم عشرات المواطنين مساء أمس أمام ضريح الرئيس الشهيد رفيق الحريري في ساحة الشهداء في وسط "
              "بيروت، مطالبين بتولي الرئيس سعد الحريري رئاسة الحكومة.")
    assert _types(sit_in, "ar") == {"Protest"}
    # drones (مسيّرة) are not marches
    assert "Protest" not in _types("أسقطت الدفاعات الجوية طائرة مسيّرة فوق الجليل", "ar")


def test_spanish_triggers_inflections_accents_and_non_events():
    assert _types("LAGUNA DEL DESIERTO: EL SENADO CHILENO PROTESTO POR EL FALLO ARBITRAL", "es") == {"Protest"}
    assert "Attack" in _types("UNA BOMBA EXPLOTA EN UNA SUCURSAL DE AMERICAN EXPRESS", "es")
    strike = ("Entre tanto, una huelga indefinida nacional de 100.000 taxistas se volvía a sentir por tercer "
              "día consecutivo")
    assert "Protest" in _types(strike, "es")
    # "sin embargo" is no embargo, "pena de muerte" no killing, "en marcha" no march
    assert _types("Sin embargo, los gremios de empresarios amenazaron con recurrir al Poder Judicial", "es") == set()
    assert "Killing" not in _types("El tribunal pidió la pena de muerte para el acusado", "es")
    assert "Protest" not in _types("El plan ya está en marcha", "es")
    # "protestantes" (the religion) is not a protest
    assert "Protest" not in _types("Entre 2.000 y 3.000 protestantes de la Orden", "es")


def test_roles_actor_target_place_by_position():
    from kg.events.extract import assign_roles

    # AR, verb first: the subject follows the verb
    s = "قصفت إسرائيل قطاع غزة أمس"
    ms = [(Mention(5, 12, "إسرائيل", "LOC"), "country:IL"), (Mention(13, 21, "قطاع غزة", "LOC"), "kb:gaza_strip")]
    r = assign_roles(s, "ar", "Attack", 0, 4, ms)
    assert r["actor"][0][0] == "country:IL" and r["place"][0][0] == "kb:gaza_strip"
    # ES dev AFP_SPA: "encabezadas por X ... se manifestaron ... en Moscú para protestar contra ... la Otan"
    s = ("Unas 250 personas, encabezadas por el ultranacionalista Vladimir Jirinovski, se manifestaron la "
         "noche del miércoles al jueves delante de la Embajada de Estados Unidos en Moscú para protestar "
         "contra los ataques de la Otan")
    def m(text, typ, key):
        i = s.index(text)
        return Mention(i, i + len(text), text, typ), key
    ms = [m("Vladimir Jirinovski", "PER", "PER:vladimir_jirinovski"), m("Moscú", "LOC", "geo:524901"),
          m("Otan", "ORG", "kb:nato")]
    t = s.index("se manifestaron")
    r = assign_roles(s, "es", "Protest", t, t + len("se manifestaron"), ms)
    assert r["actor"][0][0] == "PER:vladimir_jirinovski" and r["place"][0][0] == "geo:524901"
    t = s.index("ataques")
    r = assign_roles(s, "es", "Attack", t, t + len("ataques"), ms)
    assert r["target"][0][0] == "kb:nato"


def test_roles_become_rdf_sub_properties_of_has_actor():
    from kg.events.event import Event
    from kg.rdf.triples import event_triples

    ev = Event("attack-x", "Attack", datetime(2023, 11, 1), place="kb:gaza_strip", actors=[],
               articles=["a"], roles={"actor": ["country:IL"], "target": ["kb:hamas"]})
    preds = {(p.value.rsplit("/", 1)[-1].rsplit("#", 1)[-1], o.value) for _, p, o in event_triples(ev)}
    assert ("hasAgent", "https://w3id.org/mkg/resource/entity/country:IL") in preds
    assert ("hasTarget", "https://w3id.org/mkg/resource/entity/kb:hamas") in preds
    actors = {o for p, o in preds if p == "hasActor"}
    assert len(actors) == 2  # every role filler is also a plain sem:hasActor
    ttl = (ROOT / "ontologies" / "mkg.ttl").read_text(encoding="utf-8")
    assert "mkg:hasAgent a owl:ObjectProperty ; rdfs:subPropertyOf sem:hasActor" in ttl


def test_spanish_and_arabic_relative_days_of_gold_sentences():
    # ES dev AFP_SPA_19950620: "fueron detenidos este martes" (article of Wednesday 1995-06-21)
    assert resolve_date("Seis miembros de Greenpeace fueron detenidos este martes en la plaza Tiananmen",
                        "es", date(1995, 6, 21)) == date(1995, 6, 20)
    assert resolve_date("اعتصم عشرات المواطنين مساء أمس أمام ضريح", "ar", date(2008, 1, 5)) == date(2008, 1, 4)


def test_dev_gold_scorer_label_space_and_figures():
    import pytest

    if not GOLD.is_dir():
        pytest.skip("dev event gold absent")
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    import events_eval

    units = [u for u in events_eval.load_units(GOLD) if u.gset == "ar" and u.slice == "check"]
    assert len(units) == 74
    preds, _ = events_eval.predict(units)
    s = events_eval.score(units, preds)
    assert s["f1"] >= 0.85  # held-out slice: 0.91 at commit time (0.80 before issue 13)

    # a Meeting predicted on an Arabic (Attack/Protest-only) sentence is outside its label space
    class C:
        def __init__(self, t):
            self.event_type, self.roles = t, {}

    u = units[0]
    assert events_eval.score([u], {u.uid: [C("Meeting")]})["fp"] == 0
    assert events_eval.score([u], {u.uid: [C("Killing")]})["tp"] == ("Attack" in u.gold)


def test_story_link_vouches_only_for_the_lead():
    from kg.events.extract import LEAD_CHARS, STORY, _Candidate, _Context, pair_evidence

    day = date(2023, 10, 29)
    # en/ar reports linked as one story (BBC and Al Mayadeen on Paul Bristow, 2023-10-30): the
    # Israeli bombing of Gaza is mentioned deep in the English text, not what the link is about
    a = _Candidate("en-bristow", "Attack", day, False, "kb:gaza_strip", position=3650)
    b = _Candidate("ar-bristow", "Attack", day, False, "kb:gaza_strip", position=744)
    ctx = _Context([a, b], {("en-bristow", "ar-bristow"), ("ar-bristow", "en-bristow")}, 1)
    assert pair_evidence(a, b, ctx) == 0.0
    a.position = LEAD_CHARS - 1
    assert pair_evidence(a, b, ctx) == STORY


def _renamed(fixtures) -> tuple[list, dict, dict]:
    """Documents, and the entity keys of their mentions before and after a later build renamed
    entities (a better label, another script, a "~2")."""
    docs = load_docs(fixtures, "jabalia") + load_docs(fixtures, "strike") + load_docs(fixtures, "trump")
    before = dict(resolve_entities(docs, kb=False).mentions)
    names = sorted({k for k in before.values() if k})
    # every other entity renamed, reversing the order of the names; one key becomes a state
    new = {k: f"{k.partition(':')[0]}:{i:04d}" for i, k in enumerate(reversed(names)) if i % 2}
    new[names[0]] = "country:XX"
    return docs, before, {m: new.get(k, k) if k else k for m, k in before.items()}


def test_remembered_candidates_follow_renamed_entities(fixtures, tmp_path):
    # a later build renames entities (a better label, another script, a "~2"): an article's
    # remembered candidates take today's keys, and the events are those computing all again gives
    from kg.memo import Memo

    docs, before, after = _renamed(fixtures)
    memo = Memo(tmp_path / "candidates.pickle", "v")
    assert extract_events(docs, before, [], memo=memo) == extract_events(docs, before, [])
    memo.save()
    again = Memo(tmp_path / "candidates.pickle", "v")
    assert extract_events(docs, after, [], memo=again) == extract_events(docs, after, [])
    assert again.computed < len(docs)


def test_a_process_that_builds_again_gets_what_building_once_gives(fixtures, tmp_path, monkeypatch):
    # kg watch: the same articles every build, their entities renamed by one of them; what the
    # latest build read of an article is kept, and the memo it saves is still complete
    from kg.events import extract
    from kg.memo import Memo

    docs, before, after = _renamed(fixtures)
    path = tmp_path / "candidates.pickle"
    for keys in (before, before, after, after, before):
        memo = Memo(path, "v")
        assert extract_events(docs, keys, [], memo=memo) == extract_events(docs, keys, [])
        memo.save()
    monkeypatch.setattr(extract, "_LAST_READ", {})  # another process
    memo = Memo(path, "v")
    assert extract_events(docs, before, [], memo=memo) == extract_events(docs, before, [])
    assert memo.computed == 0


def test_events_of_the_latest_candidates_are_copies_with_todays_label():
    # the next build of a process gets the same candidates again: their event is copied (a
    # caller may change what it got) and labelled as the resolution labels its place today
    from collections import Counter
    from types import SimpleNamespace

    from kg.events.extract import _Candidate, _event, _LastEvents

    def labelled(label: str) -> SimpleNamespace:
        return SimpleNamespace(entities={"geo:1": SimpleNamespace(pref_labels={"en": label})})

    cands = [_Candidate("a", "Attack", date(2023, 10, 29), True, "geo:1", Counter({"kb:x": 1}))]
    last = _LastEvents()
    (first,) = last.events([cands], labelled("Jabalia"))
    first.actors.append("kb:y")
    (again,) = last.events([cands], labelled("Jabalia camp"))
    assert again == _event(cands, labelled("Jabalia camp")) and "Jabalia camp" in again.label
    assert again.actors == ["kb:x"] and again is not first


def test_an_extraction_that_is_not_kept_keeps_nothing(fixtures, tmp_path, monkeypatch):
    # a plain kg build extracts once: nothing of it is kept for a next build (less memory at the
    # build's peak), and its events are those of an extraction that keeps what it read
    from kg.events import extract
    from kg.memo import Memo

    monkeypatch.setattr(extract, "_LAST_READ", {})
    monkeypatch.setattr(extract, "_LAST_EVENTS", extract._LastEvents())
    docs, before, _ = _renamed(fixtures)
    once = extract_events(docs, before, [], memo=Memo(tmp_path / "c.pickle", "v"), keep_latest=False)
    assert extract._LAST_READ == {} and extract._LAST_EVENTS._kept == {}
    kept = extract_events(docs, before, [], memo=Memo(tmp_path / "c.pickle", "v"))
    assert once == kept and len(extract._LAST_READ) == len(docs) and extract._LAST_EVENTS._kept
