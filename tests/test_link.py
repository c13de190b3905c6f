"""Entity resolution across languages (kg.link.resolve) on real sentences (tests/fixtures)."""

from __future__ import annotations

import json
import random
from datetime import datetime
from pathlib import Path

from kg.article import Article
from kg.link.entity import Entity
from kg.link.resolve import resolve_entities
from kg.link.stories import StoryLink
from kg.nlp.mention import Mention
from kg.text.keys import name_key, skeleton


class FakeKB:
    """A tiny knowledge base with the shape kg.kb offers (lookup(label, lang) -> id)."""

    LABELS = {"iran": "country:IR", "إيران": "country:IR", "irán": "country:IR"}

    def lookup(self, label, lang):
        return self.LABELS.get(label.casefold())

    def get(self, kb_id):
        return {"id": kb_id, "type": "LOC", "labels": {"en": "Iran", "ar": "إيران", "es": "Irán"},
                "wikidata": "Q794"} if kb_id == "country:IR" else None


def load_docs(fixtures, group: str) -> list[tuple[Article, list[Mention]]]:
    data = json.loads((fixtures / "link_sentences.json").read_text(encoding="utf-8"))[group]
    rows = data if isinstance(data, list) else [data]
    return [make_doc(r) for r in rows]


def make_doc(row: dict) -> tuple[Article, list[Mention]]:
    article = Article(id=row["id"], title="", body=row["text"], language=row["lang"],
                      published=datetime.fromisoformat(row["published"]))
    text = article.text
    mentions, pos = [], 0
    for surface, etype in row["mentions"]:
        start = text.index(surface, pos if text.find(surface, pos) >= 0 else 0)
        mentions.append(Mention(start, start + len(surface), surface, etype))
        pos = start + len(surface)
    return article, mentions


def entity_of(res, doc, surface: str) -> str | None:
    article, mentions = doc
    m = next(m for m in mentions if m.surface == surface)
    return res.mention_entity(article.id, m)


def test_name_keys_fold_titles_accents_and_arabic():
    assert name_key("President Donald Trump", "en") == "donald trump"
    assert name_key("الرئيس الأميركي السابق دونالد ترامب", "ar") == "دونالد ترامب"
    assert name_key("Volodímir Zelenski", "es") == "volodimir zelenski"
    assert skeleton("ترامب", "ar") == skeleton("Trump", "en")


def test_trump_in_arabic_english_spanish_is_one_entity(fixtures):
    docs = load_docs(fixtures, "trump")
    res = resolve_entities(docs, kb=False)
    keys = {entity_of(res, docs[0], "دونالد ترامب"), entity_of(res, docs[1], "Donald Trump"),
            entity_of(res, docs[2], "President Donald Trump"), entity_of(res, docs[2], "Trump")}
    assert keys == {"PER:donald_trump"}
    trump: Entity = res.entities["PER:donald_trump"]
    assert trump.pref_labels == {"ar": "دونالد ترامب", "en": "Donald Trump", "es": "Donald Trump"}
    assert {m.evidence for m in trump.merges} & {"known-translation", "romanisation", "lexicon"}
    assert all(0 < m.confidence <= 1 for m in trump.merges)
    # other people stay apart
    assert entity_of(res, docs[1], "Kamala Harris") != "PER:donald_trump"


def test_kb_ids_win_and_give_labels(fixtures):
    docs = load_docs(fixtures, "trump")
    res = resolve_entities(docs, kb=FakeKB())
    assert entity_of(res, docs[2], "Iran") == "country:IR"
    iran = res.entities["country:IR"]
    assert iran.type == "LOC" and iran.wikidata == "Q794" and iran.pref_labels["es"] == "Irán"


def _arabic_english_pair(ar_name: str, en_name: str):
    a = Article(id="ar-1", title="", body=f"قال {ar_name} إن الحرب مستمرة", language="ar",
                published=datetime(2024, 4, 14))
    b = Article(id="en-1", title="", body=f"{en_name} said the war would go on", language="en",
                published=datetime(2024, 4, 14))
    ma = Mention(a.text.index(ar_name), a.text.index(ar_name) + len(ar_name), ar_name, "PER")
    mb = Mention(0, len(en_name), en_name, "PER")
    return [(a, [ma]), (b, [mb])]


def test_single_arabic_surname_merges_with_latin_in_linked_stories():
    docs = _arabic_english_pair("ترامب", "Trump")
    unlinked = resolve_entities(docs, kb=False)
    linked = resolve_entities(docs, [StoryLink("ar-1", "en-1", 0.9, "test")], kb=False)
    key_ar = linked.mention_entity("ar-1", docs[0][1][0])
    assert key_ar == linked.mention_entity("en-1", docs[1][1][0]) == "PER:trump_en"
    merge = [m for m in linked.entities[key_ar].merges if m.lang == "ar"]
    assert merge and merge[0].evidence in ("same-story", "romanisation", "lexicon")
    # without the story link a lone single token with a weak romanisation stays apart
    assert len(unlinked.entities) in (1, 2)


def test_unrelated_names_in_linked_stories_stay_apart():
    docs = _arabic_english_pair("ترامب", "Blinken")
    res = resolve_entities(docs, [StoryLink("ar-1", "en-1", 0.9, "test")], kb=False)
    assert len(res.entities) == 2


def test_surname_attaches_to_full_name_in_article_and_corpus(fixtures):
    docs = load_docs(fixtures, "trump")
    res = resolve_entities(docs, kb=False)
    assert entity_of(res, docs[2], "Trump") == entity_of(res, docs[2], "President Donald Trump")


def test_resolution_is_order_independent(fixtures):
    docs = load_docs(fixtures, "trump") + load_docs(fixtures, "jabalia") + load_docs(fixtures, "strike")
    first = resolve_entities(docs, kb=False)
    for seed in range(3):
        shuffled = docs[:]
        random.Random(seed).shuffle(shuffled)
        shuffled = [(a, random.Random(seed).sample(ms, len(ms))) for a, ms in shuffled]
        again = resolve_entities(shuffled, kb=False)
        assert again.mentions == first.mentions
        assert {k: (e.pref_labels, sorted(e.alt_labels)) for k, e in again.entities.items()} == \
               {k: (e.pref_labels, sorted(e.alt_labels)) for k, e in first.entities.items()}


def test_tags_are_typed_by_mentions_and_untyped_tags_skipped():
    a = Article(id="t1", title="", body="Israeli strikes hit Gaza.", language="en",
                tags=["Gaza", "Some Column"])
    res = resolve_entities([(a, [Mention(20, 24, "Gaza", "LOC")])], kb=False)
    assert res.tag_entities(a) == ["LOC:gaza_en"]


def test_real_corpus_trump_variants(shared_data):
    """Across the real Arabic, English and Spanish files, Trump's spellings meet (hand-marked)."""
    rows = json.loads((shared_data / "ar" / "almayadeen_ar_2024_04.json").read_text(encoding="utf-8"))
    ar = next(r for r in rows if "دونالد ترامب" in (r.get("full_text") or ""))
    art = Article(id="ar", title="", body=ar["full_text"], language="ar")
    i = art.text.index("دونالد ترامب")
    en = Article(id="en", title="", body="Former US President Donald Trump spoke.", language="en")
    res = resolve_entities([(art, [Mention(i, i + 12, "دونالد ترامب", "PER")]),
                            (en, [Mention(11, 33, "President Donald Trump", "PER")])], kb=False)
    assert len(res.entities) == 1


def test_a_kept_kb_view_gives_what_a_new_one_gives(fixtures):
    """What resolution keeps in a KB view for the next pass (a `kg watch` process keeps the
    view between builds) changes nothing: not when an article's mentions or language change,
    nor when an article goes."""
    from dataclasses import replace

    from kg.link.kbadapter import KBView

    docs = load_docs(fixtures, "trump") + load_docs(fixtures, "jabalia") + load_docs(fixtures, "strike")
    (first, mentions), rest = docs[0], docs[1:]
    runs = [docs, [(first, mentions[:-1]), *rest[1:]], [(replace(first, language="es"), mentions), *rest],
            docs[::-1]]
    view = KBView(FakeKB())
    for run in runs:
        kept, fresh = resolve_entities(run, kb=view), resolve_entities(run, kb=KBView(FakeKB()))
        assert (kept.mentions, kept.tags, kept.article_entities) == \
               (fresh.mentions, fresh.tags, fresh.article_entities)
        assert {k: vars(e) for k, e in kept.entities.items()} == {k: vars(e) for k, e in fresh.entities.items()}
    assert view.derived["article-mentions"] and view.derived["entity-labels"]


def test_romaniser_on_one_thread_gives_the_packages_romanisations():
    """The build's one-thread romaniser (kg.link.lexicon) reads names as the package's default
    two-thread one does: only the speed differs."""
    import arabic_name_romanizer as anr

    from kg.link.lexicon import _romaniser
    from kg.text.keys import fold_latin

    names = ["بايدن", "احمد شواهنه", "نتنياهو", "اسماعيل هنية", "الونسو", "غالانت"]
    ours = [[fold_latin(c.text) for c in _romaniser().transliterate(n, top_k=3)] for n in names]
    theirs = [[fold_latin(c.text) for c in anr.transliterate(n, top_k=3)] for n in names]
    assert ours == theirs
    assert sum(len(r) for r in ours) > len(names)  # several readings, not one passed through


def test_a_pass_without_labels_links_as_a_labelled_one(fixtures):
    """A build's first pass makes entities with keys and types only (what story linking and
    projection read): every mention, tag and article gets the keys a labelled pass gives, and
    a labelled pass after it, sharing its KB view, gives what a pass of its own gives."""
    from kg.link.kbadapter import KBView

    docs = load_docs(fixtures, "trump") + load_docs(fixtures, "jabalia") + load_docs(fixtures, "strike")
    view = KBView.default()
    bare, full = resolve_entities(docs, kb=view, labels=False), resolve_entities(docs)
    assert (bare.mentions, bare.tags, bare.article_entities) == \
           (full.mentions, full.tags, full.article_entities)
    assert {k: e.type for k, e in bare.entities.items()} == {k: e.type for k, e in full.entities.items()}
    assert any(e.pref_labels for e in full.entities.values())
    assert not any(e.pref_labels or e.alt_labels or e.merges for e in bare.entities.values())
    again = resolve_entities(docs, kb=view)
    assert {k: vars(e) for k, e in again.entities.items()} == {k: vars(e) for k, e in full.entities.items()}


def test_a_first_pass_labelled_is_a_labelled_pass(fixtures):
    """A build without story links takes its resolution from the first pass: its entities made
    again with their labels are what a labelled pass of its own gives, every field of every
    entity, mention, tag and article; the first pass's own result is an unlabelled pass's."""
    from kg.link.resolve import resolve_unlabelled

    docs = load_docs(fixtures, "trump") + load_docs(fixtures, "jabalia") + load_docs(fixtures, "strike")
    bare, labelled = resolve_unlabelled(docs)
    full, alone = labelled(), resolve_entities(docs)
    for got, want in ((bare, resolve_entities(docs, labels=False)), (full, alone)):
        assert {k: vars(e) for k, e in got.entities.items()} == {k: vars(e) for k, e in want.entities.items()}
        assert (got.mentions, got.tags, got.article_entities) == (want.mentions, want.tags, want.article_entities)
    assert any(e.pref_labels and e.merges for e in full.entities.values())


def test_a_latin_index_changed_is_the_index_made_anew():
    import random

    from kg.link.resolve import _changed_latin_index

    names = ["hassan al-nasrallah", "hassan nasrallah", "zelensky", "zelenski", "volodymyr zelensky",
             "joe biden", "joseph biden", "نتنياهو", "gaza", "gaza#es", "al-aqsa", "aqsa", "ab"]
    nodes = [(etype, name) for etype in ("PER", "LOC", "EVENT") for name in names]
    rng = random.Random(7)
    for _ in range(50):
        before, after = set(rng.sample(nodes, 20)), set(rng.sample(nodes, 20))
        kept = _changed_latin_index(({}, {}), (), sorted(before))
        kept_copy = tuple({k: list(v) for k, v in table.items()} for table in kept)
        changed = _changed_latin_index(kept, before - after, after - before)
        anew = _changed_latin_index(({}, {}), (), sorted(after))
        assert [{k: sorted(v) for k, v in t.items()} for t in changed] == [
            {k: sorted(v) for k, v in t.items()} for t in anew]
        assert kept == kept_copy  # the kept index is left as it was


def test_what_resolution_reads_together_holds_every_set(tmp_path):
    """``bench/incremental_reach.py`` groups a pass's nodes by what its merge steps read
    together; its figures hold only if no set of a real pass spans two of its components. The
    example corpus, built offline, with its story links."""
    import sys

    from kg.build import build
    from kg.docstore import load_documents
    from kg.link import resolve
    from kg.link.kbadapter import KBView
    from kg.link.stories import link_stories

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import incremental_reach

    examples = Path(__file__).resolve().parent.parent / "examples"
    build([str(examples)], tmp_path / "s", progress=False, offline=True)
    docs = load_documents(tmp_path / "s")
    resolver = resolve._pass([(d.article, d.mentions) for d in docs.values()], None, KBView.default(), None, None)
    links = link_stories([d.article for d in docs.values()], resolver.build(labels=False), cache_dir=tmp_path / "s")
    together = incremental_reach.read_together(resolver, links)
    sets = [members for members in resolver.uf.groups().values() if len(members) > 1]
    assert links and len(sets) > 20  # cross-language sets, and story links joining reports
    assert all(len({together.find(n) for n in members}) == 1 for members in sets)
    components = {together.find(n) for n in resolver._nodes()}
    assert len(sets) < len(components) < len(resolver._nodes())
