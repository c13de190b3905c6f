"""``kg.build`` as a library: order independence, bad input inside a build, re-ingesting.

Inputs are the real sample in ``examples/`` (sources in examples/README.md) plus broken files
made in the test.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import random
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.article import Article
from kg.build import build
from kg.link.lexicon import _romaniser
from kg.link.stories import encoder_loaded
from kg.nlp.pipeline import model_finder
from kg.rdf.store import GraphStore

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _ntriples(store_dir: Path) -> list[bytes]:
    buf = io.BytesIO()
    GraphStore(store_dir, read_only=True).dump(buf, ox.RdfFormat.N_QUADS)
    return sorted(buf.getvalue().splitlines())


def test_any_input_order_gives_the_same_graph(tmp_path):
    files = sorted(str(p) for p in EXAMPLES.iterdir() if p.name != "README.md")
    build(files, tmp_path / "a", progress=False)
    build(list(reversed(files)), tmp_path / "b", progress=False)
    a, b = _ntriples(tmp_path / "a"), _ntriples(tmp_path / "b")
    assert len(a) > 5000
    assert a == b


def test_a_build_in_worker_processes_gives_the_graph_of_one_process(tmp_path, monkeypatch):
    """With --jobs 2 the files are read, the articles extracted and the stories embedded in
    forked processes (the pools start for a few items here), and the models load meanwhile:
    the same graph, and the same rejections, as one process."""
    import kg.build
    import kg.executors

    monkeypatch.setattr(kg.executors, "POOL_MIN_ITEMS", 2)
    monkeypatch.setattr(kg.build, "READ_IN_WORKERS_BYTES", 0)
    files = sorted(str(p) for p in EXAMPLES.iterdir())
    build(files, tmp_path / "one", progress=False, offline=True)
    report = build(files, tmp_path / "two", progress=False, offline=True, jobs=2)
    assert report.articles > 20
    assert _ntriples(tmp_path / "one") == _ntriples(tmp_path / "two")
    assert ((tmp_path / "one" / "rejects.tsv").read_text(encoding="utf-8")
            == (tmp_path / "two" / "rejects.tsv").read_text(encoding="utf-8"))


def test_a_build_hands_what_it_froze_back_to_the_collector(tmp_path, monkeypatch):
    """A build keeps what it holds out of the collector's sight while it runs
    (kg.collector.objects_frozen) and hands it all back when it ends, also when it fails."""
    import gc

    import kg.build

    files = [str(EXAMPLES / "en_bbc_2023-10-30.jsonl")]
    frozen_inside: list[int] = []
    extract = kg.build._extract

    def extract_and_count(*args, **kwargs):
        frozen_inside.append(gc.get_freeze_count())
        return extract(*args, **kwargs)

    monkeypatch.setattr(kg.build, "_extract", extract_and_count)
    assert build(files, tmp_path / "s", progress=False, offline=True).articles > 0
    assert frozen_inside[0] > 10_000  # the interpreter's and the documents' objects at least
    assert gc.get_freeze_count() == 0 and gc.isenabled()

    def fail(*args, **kwargs):
        raise RuntimeError("extraction failed")

    monkeypatch.setattr(kg.build, "_extract", fail)
    with pytest.raises(RuntimeError, match="extraction failed"):
        build([*files, str(EXAMPLES / "es_prensa_chile.jsonl")], tmp_path / "s", progress=False,
              offline=True)
    assert gc.get_freeze_count() == 0 and gc.isenabled()


def _embed_recording_pid(texts: list[str]):
    """kg.link.stories.embed_batch, noting the process that ran it (forked processes run it
    by name, so it is module-level)."""
    from kg.link.stories import _encoder

    Path(os.environ["KG_TEST_PIDS"], str(os.getpid())).touch()
    return _encoder()(texts)


def test_a_few_new_articles_are_embedded_beside_extraction(tmp_path, monkeypatch):
    """Adding a few articles with --jobs 2 in a process that has not loaded the encoder: their
    stories are embedded in another process, started while this one extracts; the graph is
    the one of one process."""
    import kg.link.stories

    files = sorted(str(p) for p in EXAMPLES.glob("*.json*"))
    for store in ("one", "two"):
        build(files[1:], tmp_path / store, progress=False, offline=True)
    build(files, tmp_path / "one", progress=False, offline=True)
    (tmp_path / "pids").mkdir()
    monkeypatch.setenv("KG_TEST_PIDS", str(tmp_path / "pids"))
    monkeypatch.setattr(kg.link.stories, "encoder_loaded", lambda: False)
    monkeypatch.setattr(kg.link.stories, "embed_batch", _embed_recording_pid)
    report = build(files, tmp_path / "two", progress=False, offline=True, jobs=2)
    assert report.new > 0
    pids = {int(p.name) for p in (tmp_path / "pids").iterdir()}
    assert pids and os.getpid() not in pids
    assert _ntriples(tmp_path / "one") == _ntriples(tmp_path / "two")


def test_reading_again_what_the_store_holds_loads_no_model(tmp_path, monkeypatch):
    """With --jobs 2 the models load while the files are read, but only for articles new to the
    store: files read again unchanged (touched) load none, and build nothing new."""
    import kg.build
    import kg.nlp.pipeline

    monkeypatch.setattr(kg.build, "READ_IN_WORKERS_BYTES", 0)
    files = sorted(str(shutil.copy(p, tmp_path)) for p in EXAMPLES.glob("*.json*"))
    build(files, tmp_path / "s", progress=False, offline=True, jobs=2)
    loaded: list[set[str]] = []
    monkeypatch.setattr(kg.nlp.pipeline, "load_finders", lambda langs: loaded.append(set(langs)))
    for path in files:
        os.utime(path)
    report = build(files, tmp_path / "s", progress=False, offline=True, jobs=2)
    assert report.read > 20 and report.new == report.updated == 0
    assert loaded and not set().union(*loaded)  # asked about each file, for no language


def test_two_builds_equal_one(tmp_path):
    files = sorted(str(p) for p in EXAMPLES.iterdir() if p.name != "README.md")
    build(files, tmp_path / "one", progress=False)
    build(files[:3], tmp_path / "two", progress=False)
    build(files[3:], tmp_path / "two", progress=False)
    assert _ntriples(tmp_path / "one") == _ntriples(tmp_path / "two")


def _split_examples(folder: Path, parts: int, seed: int) -> list[Path]:
    """The example records, shuffled and dealt into ``parts`` files per example file (so each
    file keeps its own layout), plus the single-page files as they are."""
    rng = random.Random(seed)
    folder.mkdir()
    out = []
    for path in sorted(EXAMPLES.iterdir()):
        if path.suffix == ".jsonl":
            records = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
        elif path.suffix == ".json":
            records = json.loads(path.read_text(encoding="utf-8"))
        else:
            if path.name != "README.md":
                out.append(folder / path.name)
                shutil.copy(path, out[-1])
            continue
        rng.shuffle(records)
        for i in range(parts):
            chunk = records[i::parts]
            if chunk:
                out.append(folder / f"{path.stem}.part{i}{path.suffix}")
                text = ("\n".join(chunk) + "\n" if path.suffix == ".jsonl"
                        else json.dumps(chunk, ensure_ascii=False))
                out[-1].write_text(text, encoding="utf-8")
    rng.shuffle(out)
    return out


def test_shuffled_batches_give_the_one_shot_graph(tmp_path):
    files = [str(p) for p in _split_examples(tmp_path / "in", parts=3, seed=7)]
    one_shot = build(files, tmp_path / "one", progress=False)
    for batch in (files[:4], files[4:9], files[9:]):
        build(batch, tmp_path / "batches", progress=False)
    assert one_shot.story_links > 0 and one_shot.events > 0
    assert _ntriples(tmp_path / "one") == _ntriples(tmp_path / "batches")


def test_a_process_that_builds_again_reuses_its_documents_and_gives_the_same_graph(
        tmp_path, monkeypatch):
    import kg.build
    import kg.executors
    from kg.executors import start_in_thread
    from kg.link.stories import embed_batch

    files = sorted(str(p) for p in EXAMPLES.iterdir() if p.suffix == ".jsonl")
    first, second = [f for f in files if "prensa_chile" not in f], [f for f in files if "prensa_chile" in f]
    build(first, tmp_path / "warm", progress=False, keep_warm=True)
    view = kg.build._kept_kb_view()
    loads = []
    monkeypatch.setattr(kg.build, "load_documents", lambda d: loads.append(d) or {})
    # with the encoder loaded (as a `kg watch` round after its cold build has it) and --jobs 2,
    # the few new stories are embedded in a thread while entities resolve
    embed_batch(["Gaza"])
    threads = []
    monkeypatch.setattr(kg.executors, "start_in_thread",
                        lambda func, items: threads.append(func) or start_in_thread(func, items))
    build(second, tmp_path / "warm", progress=False, keep_warm=True, jobs=2)
    assert threads == [embed_batch]
    assert loads == [] and kg.build._kept_kb_view() is view  # kept from the first build
    assert view.derived["mention-nodes"]
    assert encoder_loaded()  # kept for the next round
    monkeypatch.undo()
    _romaniser()  # loaded, as linking loads it for Arabic names
    build(first, tmp_path / "cold", progress=False)
    assert model_finder.cache_info().currsize == 0 and kg.build._kept_kb_view() is not view
    # what linking loaded is gone before the graphs are written, when a build peaks
    assert not encoder_loaded() and _romaniser.cache_info().currsize == 0
    build(second, tmp_path / "cold", progress=False)
    assert _ntriples(tmp_path / "warm") == _ntriples(tmp_path / "cold")


def test_adding_articles_rewrites_only_the_graphs_they_touch(tmp_path):
    files = sorted(str(p) for p in EXAMPLES.iterdir() if p.name != "README.md")
    chile = [f for f in files if "prensa_chile" in f]
    build([f for f in files if f not in chile], tmp_path / "s", progress=False)
    added = build(chile, tmp_path / "s", progress=False)
    assert added.new == 8 and added.graphs > 300
    assert 8 < added.graphs_written < added.graphs / 3
    assert added.triples == len(_ntriples(tmp_path / "s"))  # counted from what was rewritten
    with open(tmp_path / "s" / "kb_derived.pickle", "rb") as fh:  # for the next process
        _version, derived = pickle.load(fh)
    assert all(derived[name] for name in ("mention-nodes", "tag-readings"))


def test_a_rebuild_with_nothing_new_does_no_corpus_wide_work(tmp_path):
    files = sorted(str(p) for p in EXAMPLES.iterdir() if p.name != "README.md")
    (tmp_path / "empty.json").write_bytes(b"")
    files.append(str(tmp_path / "empty.json"))
    first = build(files, tmp_path / "s", progress=False)
    assert model_finder.cache_info().currsize == 0  # released after extraction (kg watch keeps them)
    graph = _ntriples(tmp_path / "s")
    again = build(files, tmp_path / "s", progress=False)
    assert "link" in first.timings and "link" not in again.timings
    assert again.read == 0 and again.unchanged == first.articles
    assert (again.entities, again.triples) == (first.entities, first.triples) and again.triples > 0
    reasons = sorted(r.reason for r in first.rejections)
    assert "empty file" in reasons and sorted(r.reason for r in again.rejections) == reasons
    os.utime(files[0])  # read again, but the same articles: still nothing to link
    touched = build(files, tmp_path / "s", progress=False)
    assert touched.read > 0 and "link" not in touched.timings
    assert _ntriples(tmp_path / "s") == graph


def test_bad_files_are_rejected_and_the_build_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(EXAMPLES / "es_prensa_chile.jsonl", folder / "good.jsonl")
    (folder / "empty.json").write_bytes(b"")
    (folder / "binary.json").write_bytes(bytes(range(256)) * 8)
    (folder / "truncated.json").write_text('[{"url": "https://www.almayadeen.net/x", "title": "عنوان')
    (folder / "page.html").write_text("<html><body><nav>Home | News</nav></body></html>")
    arabic = "أعلنت وزارة الصحة في غزة ارتفاع عدد الشهداء في قطاع غزة إلى أكثر من ثمانية آلاف."
    (folder / "cp1256.txt").write_bytes((arabic + "\n\n" + arabic).encode("cp1256"))
    report = build([str(folder)], tmp_path / "store", progress=False)
    reasons = {Path(r.source_file).name: r.reason for r in report.rejections}
    assert set(reasons) == {"empty.json", "binary.json", "truncated.json", "page.html"}
    assert reasons["empty.json"] == "empty file"
    good = sum(1 for line in (folder / "good.jsonl").read_text().splitlines() if line.strip())
    assert report.articles == good + 1  # the windows-1256 text is read, correctly decoded
    store = GraphStore(tmp_path / "store", read_only=True)
    sources = {r["src"] for r in store.select(
        "SELECT DISTINCT ?src WHERE { ?a a schema:NewsArticle ; dcterms:source ?src }")}
    assert {Path(s).name for s in sources} == {"good.jsonl", "cp1256.txt"}
    texts = store.select("SELECT ?t WHERE { ?c a nif:Context ; nif:isString ?t }")
    assert any("وزارة الصحة" in r["t"] for r in texts)


def test_changed_article_replaces_its_graph(tmp_path):
    src = tmp_path / "news.jsonl"
    record = {"id": "chile-1", "url": "https://example.org/chile-1", "language": "es",
              "title": "Boric se reúne con Lula en Brasilia",
              "text": "El presidente Gabriel Boric se reunió con Lula da Silva en Brasilia.",
              "published": "2023-06-01T10:00:00-04:00"}
    src.write_text(json.dumps(record, ensure_ascii=False) + "\n")
    first = build([str(src)], tmp_path / "s", progress=False)
    assert first.new == 1
    record["text"] = "El presidente Gabriel Boric viajó a Madrid para reunirse con Pedro Sánchez."
    src.write_text(json.dumps(record, ensure_ascii=False) + "\n")
    second = build([str(src)], tmp_path / "s", progress=False)
    assert second.updated == 1 and second.articles == 1
    store = GraphStore(tmp_path / "s", read_only=True)
    texts = [r["t"] for r in store.select("SELECT ?t WHERE { ?c nif:isString ?t }")]
    assert len(texts) == 1 and "Madrid" in texts[0]


def test_a_new_headline_alone_is_written(tmp_path):
    src = tmp_path / "news.jsonl"
    record = {"id": "chile-2", "url": "https://example.org/chile-2", "language": "es",
              "title": "Boric se reúne con Lula",
              "text": "El presidente Gabriel Boric se reunió con Lula da Silva en Brasilia.",
              "published": "2023-06-01T10:00:00-04:00"}
    src.write_text(json.dumps(record, ensure_ascii=False) + "\n")
    build([str(src)], tmp_path / "s", progress=False)
    record["title"] = "Boric y Lula firman un acuerdo"  # same text, new headline
    src.write_text(json.dumps(record, ensure_ascii=False) + "\n")
    second = build([str(src)], tmp_path / "s", progress=False)
    assert second.updated == 1 and second.graphs_written >= 1
    store = GraphStore(tmp_path / "s", read_only=True)
    titles = [r["h"] for r in store.select("SELECT ?h WHERE { ?a schema:headline ?h }")]
    assert titles == ["Boric y Lula firman un acuerdo"]


@pytest.mark.parametrize("bad", ["/nonexistent/file.json", "/nonexistent/*.json"])
def test_missing_inputs_are_rejections(tmp_path, bad):
    report = build([bad], tmp_path / "s", progress=False)
    assert report.articles == 0 and len(report.rejections) == 1


def test_event_scans_from_extraction_give_the_same_events():
    """Extraction workers scan each text for event triggers (:func:`kg.build._find`); events made
    from those scans are the events linking makes when it scans the texts itself."""
    from kg.build import _find
    from kg.docstore import Document
    from kg.events.extract import extract_events
    from kg.link.resolve import resolve_entities
    from kg.sources import read_inputs

    articles = [a for a in read_inputs([str(EXAMPLES)]) if isinstance(a, Article)]
    found = {a.id: _find([(a.text, a.language or "")])[0] for a in articles}
    docs = [Document(a, found[a.id][1]) for a in articles]
    pairs = [(d.article, d.mentions) for d in docs]
    resolution = resolve_entities(pairs, kb=False)
    scans = {aid: scan for aid, (_, _, scan) in found.items()}
    assert sum(len(scan) for scan in scans.values()) > 50
    assert extract_events(pairs, resolution, scans=scans) == extract_events(pairs, resolution)



def _text_and_pid(path: str) -> tuple[int, int, str]:
    """(process id, size, first line) of a file: a unit of work for the test below."""
    text = Path(path).read_text(encoding="utf-8")
    Path(path + ".seen").touch()  # the work ran, whether or not its result was asked for
    return os.getpid(), len(text), text.splitlines()[0]


def test_started_work_runs_in_other_processes_before_its_results_are_asked_for(tmp_path):
    """kg.executors.start_map (reading, and the embedding stage, which runs while entities
    are resolved) starts now, in forked processes, and gives the results in order."""
    import time
    from contextlib import closing

    from kg.executors import start_map

    files = sorted(str(shutil.copy(p, tmp_path)) for p in EXAMPLES.glob("*.*"))[:6]
    results = start_map(_text_and_pid, files, jobs=2, min_items=2)
    with closing(results):
        deadline = time.monotonic() + 60
        while not all(Path(f + ".seen").exists() for f in files) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(Path(f + ".seen").exists() for f in files)  # before any result was taken
        got = list(results)
    assert [(size, line) for _, size, line in got] == [_text_and_pid(f)[1:] for f in files]
    assert os.getpid() not in {pid for pid, _, _ in got}
