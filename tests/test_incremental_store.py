"""What makes an incremental build cheap, with the guarantees it must keep.

- documents are kept in shards, and a save rewrites only the shards whose documents changed,
  atomically (a manifest names the shards), and stores of the single-file format still load;
- each stored document keeps its content digest and duplicate keys, equal to what computing
  them again gives;
- the fast :func:`kg.article.text_fingerprint` and :func:`kg.memo.record_digest` give what their
  definitions say;
- an entity's graph digest covers everything its triples are made of.

Inputs are the real sample in ``examples/``.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import json
import re
import shutil
import unicodedata
from datetime import datetime
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.article import text_fingerprint
from kg.build import build
from kg.docstore import (
    DOCUMENTS_FILE,
    MANIFEST_FILE,
    SHARDS_DIR,
    Document,
    load_documents,
    save_documents,
    shard_of,
)
from kg.events.event import Event
from kg.link.entity import Entity, Merge
from kg.memo import record_digest
from kg.nlp.mention import Mention
from kg.rdf.store import GraphStore
from kg.rdf.triples import entity_record, entity_triples, event_record, event_triples
from kg.sources.dedupe import duplicate_keys

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FILES = sorted(str(p) for p in EXAMPLES.iterdir() if p.name != "README.md")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store") / "store"
    build(FILES, folder, progress=False, offline=True)
    return folder


def _shard_files(folder: Path) -> set[str]:
    return {p.name for p in (folder / SHARDS_DIR).iterdir()}


def test_documents_are_kept_in_shards_named_by_a_manifest(store):
    manifest = json.loads((store / MANIFEST_FILE).read_text(encoding="utf-8"))
    docs = load_documents(store)
    assert len(docs) == 29 and not (store / DOCUMENTS_FILE).exists()
    assert {e["file"] for e in manifest["shards"].values()} == _shard_files(store)
    assert sum(e["count"] for e in manifest["shards"].values()) == len(docs)
    assert set(manifest["shards"]) == {shard_of(key) for key in docs}


def test_stored_digests_and_keys_are_what_computing_them_gives(store):
    for doc in load_documents(store).values():
        assert doc.digest is not None and doc.keys is not None
        fresh = Document(doc.article, doc.mentions, doc.extractor)
        assert doc.content_digest() == fresh.content_digest()
        assert doc.duplicate_keys() == duplicate_keys(doc.article)


def test_a_save_rewrites_only_the_shards_that_changed(store, tmp_path):
    folder = tmp_path / "copy"
    docs = load_documents(store)
    assert save_documents(folder, docs) == len({shard_of(k) for k in docs})  # a new folder
    before = _shard_files(folder)
    again = load_documents(folder)
    assert save_documents(folder, again) == 0 and _shard_files(folder) == before
    key = sorted(again)[0]
    changed = again[key]
    again[key] = Document(dataclasses.replace(changed.article, title="Another headline"),
                          changed.mentions, changed.extractor)
    gone = sorted(again)[-1]
    del again[gone]
    touched = {shard_of(key), shard_of(gone)}
    emptied = {shard_of(gone)} - {shard_of(k) for k in again}  # dropped, not written
    assert save_documents(folder, again) == len(touched - emptied)
    after = _shard_files(folder)
    assert {name[:3] for name in before - after} == touched  # replaced shards are deleted
    assert {name[:3] for name in after - before} == touched - emptied
    loaded = load_documents(folder)
    assert loaded[key].article.title == "Another headline" and gone not in loaded
    assert loaded == again


def test_new_mentions_rewrite_their_shard(store, tmp_path):
    folder = tmp_path / "copy"
    save_documents(folder, load_documents(store))
    docs = load_documents(folder)
    key = sorted(docs)[3]
    docs[key].mentions = [*docs[key].mentions, Mention(0, 1, "x", "PER")]  # a new list
    assert save_documents(folder, docs) == 1
    assert load_documents(folder)[key].mentions[-1] == Mention(0, 1, "x", "PER")


def test_a_killed_save_leaves_the_old_documents(store, tmp_path, monkeypatch):
    """Shards are written under new names before the manifest is replaced: a save that dies
    before that leaves the manifest naming the old shards, all still there."""
    folder = tmp_path / "copy"
    save_documents(folder, load_documents(store))
    docs = load_documents(folder)
    key = sorted(docs)[0]
    docs[key] = Document(dataclasses.replace(docs[key].article, title="New"), docs[key].mentions)

    def killed(path: Path, data: dict) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("kg.docstore._write_json", killed)
    with pytest.raises(KeyboardInterrupt):
        save_documents(folder, docs)
    assert load_documents(folder) == load_documents(store)
    monkeypatch.undo()
    save_documents(folder, docs)  # and the next save cleans up what the killed one left
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert {e["file"] for e in manifest["shards"].values()} == _shard_files(folder)


def test_a_store_of_the_single_file_format_is_read_and_converted(store, tmp_path):
    docs = load_documents(store)
    old = tmp_path / "old"
    old.mkdir()
    with gzip.open(old / DOCUMENTS_FILE, "wt", encoding="utf-8") as fh:
        for key in sorted(docs):
            fh.write(json.dumps(docs[key].to_json(), ensure_ascii=False) + "\n")
    assert load_documents(old) == docs
    build(FILES, old, progress=False, offline=True)  # no quads yet: a full build, which saves
    assert not (old / DOCUMENTS_FILE).exists() and load_documents(old) == docs


def test_a_manifest_of_another_format_says_to_rebuild(tmp_path):
    (tmp_path / MANIFEST_FILE).write_text('{"format": 99, "shards": {}}', encoding="utf-8")
    with pytest.raises(ValueError, match="build the store again"):
        load_documents(tmp_path)


def _reference_fingerprint(text: str) -> str:
    """The definition: case, diacritics, punctuation and runs of white space folded away."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", folded)).strip()
    return hashlib.sha1(folded.encode("utf-8")).hexdigest()


def test_text_fingerprint_is_the_reference_fingerprint(store):
    texts = [t for d in load_documents(store).values()
             for t in (d.article.body, d.article.title, d.article.summary)]
    texts += ["Café, in  GAZA!", "إِسْرَائِيل", "a_b\u00a0c\u2003d\x1ce", "ﬁn—de…siglo", " ¿Qué? "]
    assert [text_fingerprint(t) for t in texts] == [_reference_fingerprint(t) for t in texts]


def test_record_digests_tell_records_apart(store):
    docs = list(load_documents(store).values())
    digests = {record_digest("v", d.article, d.mentions) for d in docs}
    assert len(digests) == len(docs)
    m = Mention(0, 4, "Gaza", "LOC")
    variants = [[m], (m,), [m, None], {"a": 1}, {"a": "1"}, {("a", 1)}, {"a": 1.0}, ["a,'b'"],
                ["a", "b"], [("a", "b")], [["a", "b", None]], set(), {}, [], "", None, 0, False]
    texts = [record_digest("v", v) for v in variants]
    assert len(set(texts)) == len(texts) - 1  # a list and a tuple are alike: [m] and (m,)
    shuffled = Entity("LOC:x", "LOC", {"es": "X", "en": "X"}, {("b", "en"), ("a", "ar")})
    ordered = Entity("LOC:x", "LOC", {"en": "X", "es": "X"}, {("a", "ar"), ("b", "en")})
    assert record_digest("v", shuffled) == record_digest("v", ordered)


def _changed(value: object) -> object:
    """A different value of the same kind."""
    if isinstance(value, str | None):
        return (value or "") + "x"
    if isinstance(value, float | int):
        return value + 1.5
    if isinstance(value, dict):
        return {**value, "zz": "x"} if not value else {k: _changed(v) for k, v in value.items()}
    if isinstance(value, set):
        return {*value, ("x", "en")}
    if isinstance(value, list):
        return [dataclasses.replace(m, **{f.name: _changed(getattr(m, f.name))
                                          for f in dataclasses.fields(m)}) for m in value] or [
            Merge("x", "en", "fuzzy", 0.5, "y")]
    raise AssertionError(value)


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(Entity)])
def test_entity_record_covers_what_entity_triples_read(name):
    """Whatever field of an entity changes its triples changes its record (the digest of its
    graph): a graph is never left stale."""
    entity = Entity("LOC:gaza", "LOC", {"en": "Gaza", "ar": "غزة"}, {("Gaza Strip", "en")},
                    "Q39760", "281133", 34.4, 31.5, [Merge("Ghaza", "en", "fuzzy", 0.9, "Gaza")],
                    {"en": 3})
    value = "PER" if name == "type" else _changed(getattr(entity, name))
    other = dataclasses.replace(entity, **{name: value})
    if entity_triples(other) != entity_triples(entity):
        assert entity_record(other) != entity_record(entity)
    if name in ("mention_counts",):
        assert entity_record(other) == entity_record(entity)  # counts are not in the graph


_EVENT_CHANGES = {
    "key": "e2", "event_type": "Protest", "timestamp": datetime(2023, 10, 10, 9),
    "place": "LOC:rafah", "actors": ["ORG:idf", "ORG:hamas"], "articles": ["a1", "a2"],
    "label": "Attack in Rafah", "trigger": "raid", "confidence": 0.9,
    "roles": {"actor": ["ORG:idf"], "target": ["ORG:hamas"]},
}


@pytest.mark.parametrize("name", [f.name for f in dataclasses.fields(Event)])
def test_event_record_covers_what_event_triples_read(name):
    """Whatever field of an event changes its triples changes its record (the digest of its
    graph), and equal events have equal records, so a digest kept from the latest build is
    found again (kg.rdf.writer._LatestDigests)."""
    event = Event("e1", "Attack", datetime(2023, 10, 9, 9), "LOC:gaza", ["ORG:idf"], ["a1"],
                  "Attack in Gaza", "strike", 0.7, {"actor": ["ORG:idf"]})
    assert _EVENT_CHANGES.keys() == {f.name for f in dataclasses.fields(Event)}
    other = dataclasses.replace(event, **{name: _EVENT_CHANGES[name]})
    assert event_triples(other) != event_triples(event)
    assert event_record(other) != event_record(event)
    assert event_record(dataclasses.replace(event)) == event_record(event)
    hash(event_record(event))


def _nquads(folder: Path) -> list[bytes]:
    buf = io.BytesIO()
    GraphStore(folder, read_only=True).dump(buf, ox.RdfFormat.N_QUADS)
    return sorted(buf.getvalue().splitlines())


def test_a_build_that_rewrites_every_graph_starts_an_empty_generation(store, tmp_path, monkeypatch):
    """After a change of the linking code every graph is rewritten: into an empty generation
    (no graph removed first), giving the graph a clean build gives; readers keep the old one
    until the commit."""
    copy = tmp_path / "copy"
    shutil.copytree(store, copy)
    before = _nquads(copy)
    started: list[bool] = []
    start_empty = GraphStore.start_empty
    monkeypatch.setattr(GraphStore, "start_empty", lambda self: started.append(True) or start_empty(self))
    monkeypatch.setattr("kg.build.stages_version", lambda translate, offline: "another version")
    reader = GraphStore(copy, read_only=True)
    report = build(FILES, copy, progress=False, offline=True)
    assert started == [True] and report.graphs_written == report.graphs
    assert _nquads(copy) == before and len(reader) == len(before)
    started.clear()
    build([*FILES[:2]], copy, progress=False, offline=True)  # nothing stale: no new start
    assert started == []


def test_texts_with_line_separators_and_mentions_of_another_field_order_load(store, tmp_path):
    """A body holding U+2028 stays one document; mention rows written under another field
    order of :class:`Mention` are read by name."""
    folder = tmp_path / "copy"
    docs = load_documents(store)
    key = sorted(docs)[0]
    docs[key] = Document(dataclasses.replace(docs[key].article, body="one\u2028two\u0085three"),
                         docs[key].mentions, docs[key].extractor)
    save_documents(folder, docs)
    assert load_documents(folder) == docs
    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    manifest["mention_fields"].reverse()
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    for entry in manifest["shards"].values():
        path = folder / SHARDS_DIR / entry["file"]
        rows = [json.loads(line) for line in gzip.decompress(path.read_bytes()).decode().split("\n") if line]
        for row in rows:
            row["mentions"] = [list(reversed(m)) for m in row["mentions"]]
        path.write_bytes(gzip.compress("\n".join(json.dumps(r) for r in rows).encode()))
    assert load_documents(folder) == docs


def test_article_digests_are_taken_again_only_for_the_same_article_and_equal_lists(store):
    from zoneinfo import ZoneInfo

    from kg.rdf.writer import _LatestDigests

    docs = [d for d in load_documents(store).values() if d.article.published][:3]
    records = [(d.article, list(d.mentions), [f"k{i}" for i in range(len(d.mentions))], ["LOC:gaza"])
               for d in docs]
    latest = _LatestDigests()
    first = latest.digests_by_id("articles", "v1", records, remember=True)
    assert first == [record_digest("v1", *r) for r in records]
    # the same instant in another zone: an equal article written otherwise, digested again
    moved = dataclasses.replace(docs[0].article,
                                published=docs[0].article.published.astimezone(ZoneInfo("Asia/Tokyo")))
    assert moved == docs[0].article
    again = [(moved, *records[0][1:]), (records[1][0], list(records[1][1]), records[1][2], ["LOC:rafah"]),
             (records[2][0], list(records[2][1]), list(records[2][2]), ["LOC:gaza"])]
    second = latest.digests_by_id("articles", "v1", again, remember=True)
    assert second == [record_digest("v1", *r) for r in again]
    assert second[0] != first[0] and second[1] != first[1] and second[2] == first[2]
    assert latest.digests_by_id("articles", "v2", again, remember=False) == [
        record_digest("v2", *r) for r in again]


def test_a_build_after_a_sparql_update_trusts_no_graph_digest(tmp_path):
    """A graph a SPARQL update changed is written again by the next build that writes, though
    its records did not change: builds compare digests before asking the store about a graph,
    and an update leaves no digest to trust."""
    first, updated = tmp_path / "first", tmp_path / "updated"
    build(FILES[:-1], first, progress=False, offline=True)
    shutil.copytree(first, updated)
    kept = dict(GraphStore(first, read_only=True).digests)
    build(FILES, first, progress=False, offline=True)
    unchanged = sorted(g for g, d in GraphStore(first, read_only=True).digests.items()
                       if kept.get(g) == d and "/graph/article/" in g)
    assert unchanged  # graphs that adding the last file leaves as they are
    store = GraphStore(updated)
    store.update(f"DROP GRAPH <{unchanged[0]}>")
    store.flush()
    store.close()
    build(FILES, updated, progress=False, offline=True)
    assert _nquads(updated) == _nquads(first)
