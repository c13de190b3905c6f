"""``kg build``: read inputs, find and link entities, and write the graph into the store.

The stages run in the order the data flows (see the package docstring): read (files in
parallel, while the NER models load), extract (into an empty store, each article's text and
mentions are written as they come, and load while linking runs), embed (the texts story linking
compares, in parallel like extraction, while linking resolves entities; a few new articles'
texts beside their extraction), link (:func:`link_corpus`: resolution, story links,
projection), write the article and entity graphs, events
(:func:`corpus_events`) while those graphs load in the background, and write the event graphs
(:class:`kg.rdf.writer.RecordWriter`, which only writes quads). Resolution, story links and
events are computed over the whole corpus in the store, so building the same inputs in any
order, or in several runs, gives the same graph.

Builds are incremental (:mod:`kg.buildstate`, :mod:`kg.memo`): unchanged input files are not
read, extraction runs for new or changed articles only, the corpus-level stages are skipped when
the documents and the code are what they were, their costly per-record parts are remembered
between builds, and the writer rewrites only the graphs whose records changed.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from kg.article import Article, Rejection
from kg.buildstate import BuildState, corpus_key
from kg.collector import collector_paused, objects_frozen
from kg.docstore import Document, KeptDocuments, load_documents, save_documents
from kg.executors import forks
from kg.memo import Memo, forget_kept_memos
from kg.rdf.backends import open_store
from kg.rdf.store import crash_point
from kg.rdf.writer import (
    RecordWriter,
    article_graphs,
    entity_graphs,
    event_graphs,
    forget_latest_digests,
)

if TYPE_CHECKING:
    import numpy as np

    from kg.events.event import Event
    from kg.events.extract import ScannedSentence
    from kg.link.kbadapter import KBView
    from kg.link.resolve import Resolution
    from kg.link.stories import StoryLink
    from kg.nlp.mention import Mention
    from kg.sources import Input

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
#: what extraction depends on: when any of it changes, cached mentions are recomputed
EXTRACTION_INPUTS = ("nlp/models/{lang}", "kb/data", "nlp/pipeline.py", "nlp/kb_matcher.py",
                     "nlp/statistical", "text")


#: what the corpus-level stages and the writer depend on (with the extraction inputs)
LINKING_INPUTS = ("build.py", "kb", "link", "events", "rdf/triples.py", "rdf/writer.py",
                  "rdf/vocab.py", "ontologies", "text")
LANGUAGES = ("ar", "en", "es", "other")
ROMANISED_FILE = "romanised.json"
EVENTS_MEMO_FILE = "event_candidates.pickle"
PROJECTIONS_MEMO_FILE = "projections.pickle"
DERIVED_FILE = "kb_derived.pickle"  # what resolution derived of KB lookups (kg.link.kbadapter)


@functools.cache
def extractor_version(lang: str) -> str:
    """A hash of the model of ``lang``, the knowledge-base data and the finder code."""
    return _code_version(tuple(x.format(lang=lang) for x in EXTRACTION_INPUTS))


def stages_version(translate: bool, offline: bool) -> str:
    """A hash of everything a build's output depends on besides the documents: the code and
    data of every stage, the Wikidata index linking looks names up in (``kg kb import``), and
    the options that change what linking may ask."""
    from kg.kb.index import index_fingerprint

    extractors = "".join(extractor_version(lang) for lang in LANGUAGES)
    return (f"{extractors}:{_code_version(LINKING_INPUTS)}:{index_fingerprint()}:"
            f"{translate:d}{offline:d}")


@functools.cache
def _code_version(names: tuple[str, ...]) -> str:
    digest = hashlib.sha1()
    for name in names:
        path = PACKAGE_DIR / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and file.suffix != ".pyc" and "__pycache__" not in file.parts:
                digest.update(file.relative_to(PACKAGE_DIR).as_posix().encode())
                digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class BuildReport:
    """What a build did: counts per stage and every rejected input with its reason."""

    read: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    articles: int = 0
    mentions: int = 0
    entities: int = 0
    events: int = 0
    story_links: int = 0
    triples: int = 0
    graphs: int = 0  # record graphs (one per article, entity and event)
    graphs_written: int = 0  # of which this build wrote (the others were unchanged)
    seconds: float = 0.0
    by_language: Counter = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=dict)
    rejections: list[Rejection] = field(default_factory=list)
    skipped: list[Rejection] = field(default_factory=list)  # files a folder walk left out
    rejects_file: Path | None = None

    def rejections_by_reason(self) -> Counter:
        """Rejections counted by reason, with numbers in reasons folded ("text too short (N ...)")."""
        return Counter(re.sub(r"\d+", "N", r.reason) for r in self.rejections)

    def summary(self) -> str:
        langs = ", ".join(f"{k} {v}" for k, v in sorted(self.by_language.items()))
        rate = self.read / self.seconds if self.seconds else 0.0
        return (
            f"read {self.read} articles ({self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.duplicates} duplicates) in {self.seconds:.1f}s "
            f"({rate:.0f} articles/s; "
            + ", ".join(f"{k} {v:.0f}s" for k, v in self.timings.items()) + ")\n"
            f"store: {self.articles} articles ({langs}), {self.mentions} mentions, "
            f"{self.entities} entities, {self.events} events, {self.story_links} story links, "
            f"{self.triples} triples ({self.graphs_written} graphs written)\n"
            f"rejected: {len(self.rejections)}"
            + (f"\nskipped in folders: {len(self.skipped)} (" + ", ".join(
                f"{reason} {n}" for reason, n in self.skipped_by_reason().most_common())
               + ")" if self.skipped else "")
        )

    def skipped_by_reason(self) -> Counter:
        """Files left out of folder walks, counted by the kind of reason."""
        return Counter(r.reason.split(" (")[0].split(",")[0].split(";")[0] for r in self.skipped)


@objects_frozen()  # the collector walks none of the corpus's objects (see kg.collector)
def build(inputs: list[str], store_dir: str | Path = "kg-store", as_of: datetime | None = None,
          jobs: int = 1, progress: bool = True, translate: bool = True,
          offline: bool = False, scheduler: str | None = None,
          state: str | Path | None = None, keep_warm: bool = False) -> BuildReport:
    """Ingest ``inputs`` (files, folders, globs, URLs) into the store at ``store_dir``.

    ``translate`` lets linking ask deep-translator about names nothing else could place (only
    with a network; answers are cached in the store folder, see :mod:`kg.link.translate`).
    Names no offline knowledge base knows are looked up on Wikidata (cached in the store folder,
    see :mod:`kg.link.reconcile`). ``offline`` (or ``MKG_OFFLINE=1``) sends no request at all;
    cached answers are still used. ``scheduler`` (``tcp://HOST:PORT``) runs extraction on that
    Dask cluster instead of ``jobs`` local processes (see :mod:`kg.executors`).
    ``store_dir`` may be a SPARQL server's URL (:func:`kg.rdf.backends.open_store`); the build's
    state (documents, rejects, caches) then lives on the server, worked on in ``state``
    (see :mod:`kg.rdf.remote`); a folder store keeps it in its folder. ``keep_warm``, for a
    process that builds again (``kg watch``), keeps what the next build can reuse: the NER
    models, the knowledge-base view with what linking derived from it, and the documents
    (:class:`~kg.docstore.KeptDocuments`); by default they are released, lowering the build's
    peak memory.
    """
    started = time.perf_counter()
    report = BuildReport()
    # First, so a store another process writes fails fast. Staged: the graph is written into a
    # new generation that readers see only once commit() switches to it, so a build killed at
    # any point leaves the store as it was (and the next build gives what a clean one gives).
    store = open_store(store_dir, read_only=False, create=True, staged=True, state=state)
    store_dir = store.path  # where documents, rejects and caches live (see open_store)
    version = stages_version(translate, offline)
    last = BuildState.load(store_dir)
    if not keep_warm:
        _release_warm()
    with _timed(report, "read"):
        docs = _KEPT_DOCUMENTS.take(store_dir) or load_documents(store_dir)
        if not docs:  # the documents are gone: the state describes nothing that is here
            last = BuildState()
        incoming = _read_changed(inputs, as_of, last, report, progress, jobs, docs)
        _merge_incoming(docs, incoming, report)
        crash_point("read")
    writer = RecordWriter(store, version, progress)
    with _timed(report, "extract"):
        todo = _stale(docs)
        embedding = _StoryEmbedding(docs, store_dir) if report.new or report.updated else None
        with _closed_on_error(embedding):
            if embedding is not None and embedding.better_beside(len(todo), jobs, scheduler):
                embedding.start_beside()
            # into an empty store, what extraction decides of each article's graph is written
            # as it comes (this process only waits for the workers meanwhile)
            _extract(todo, jobs, progress, scheduler, keep_warm, writer.stage_article_text)
    key = corpus_key(((k, d.content_digest(), d.extractor) for k, d in docs.items()), version)
    if key == last.corpus_key and last.counts:
        _report_counts(report, docs, last.counts)  # nothing new: no corpus-wide work at all
    else:
        with _timed(report, "embed"):  # (started: it runs while entities are resolved)
            embedding = embedding or _StoryEmbedding(docs, store_dir)
            embedding.start(jobs, progress, scheduler)
        # linking, events and writing make millions of objects without cycles: the collector
        # would only walk them (2.6 of 18 s of adding 50 articles to a whole corpus)
        with closing(embedding), collector_paused():
            ordered = [docs[k] for k in sorted(docs)]
            articles = [d.article for d in ordered]

            def embedded() -> None:  # before story linking, which compares the embeddings
                from kg.link.stories import release_encoder

                embedding.finish()
                if not keep_warm:
                    release_encoder()  # (~100 MB) before the staged graphs load
                writer.load_staged()  # loads while linking goes on, on one core

            with _timed(report, "link"):
                linked = link_corpus(ordered, store.path, translate=translate, offline=offline,
                                     kb=_kept_kb_view() if keep_warm else None,
                                     embedded=_moved_timing(report, "link", "embed", embedded),
                                     keep=keep_warm)
            if not keep_warm:
                _release_linking_models()  # before the build's peak, while graphs are written
            with _timed(report, "write"):  # the store loads them while events are made
                writer.write(article_graphs(articles, linked.mentions, linked.resolution, version,
                                            writer.staged, remember=keep_warm), "articles")
                writer.write(entity_graphs(linked.resolution, version, remember=keep_warm),
                             "entities")
            with _timed(report, "events"):
                events = corpus_events(ordered, linked, store.path, version, keep_latest=keep_warm)
            if not keep_warm:
                _release_warm()  # the story cosines go too: the events' quads are made next
            with _timed(report, "write"):
                writer.write(event_graphs(events, version, remember=keep_warm), "events")
                save_documents(store_dir, docs)  # while the last graphs load
                crash_point("save-documents")
                report.graphs_written, report.graphs = writer.finish(articles, linked.links)
        _report_counts(report, docs, {
            "entities": len(linked.resolution.entities), "events": len(events),
            "story_links": len(linked.links), "triples": len(store)})
    report.rejects_file = _write_rejects(store_dir, report.rejections, report.skipped)
    store.commit()
    last.corpus_key, last.counts = key, _counts(report)
    last.save(store_dir)  # after the commit: a build killed before it is redone in full
    store.close()
    if keep_warm:
        _KEPT_DOCUMENTS.keep(store_dir, docs)
    report.seconds = time.perf_counter() - started
    return report


def _report_counts(report: BuildReport, docs: dict[str, Document], counts: dict[str, int]) -> None:
    report.articles = len(docs)
    report.by_language = Counter(d.article.language or "?" for d in docs.values())
    report.mentions = sum(len(d.mentions) for d in docs.values())
    for name in ("entities", "events", "story_links", "triples"):
        setattr(report, name, counts.get(name, 0))


def _counts(report: BuildReport) -> dict[str, int]:
    return {"entities": report.entities, "events": report.events,
            "story_links": report.story_links, "triples": report.triples}


def _read_changed(inputs: list[str], as_of: datetime | None, last: BuildState,
                  report: BuildReport, progress: bool, jobs: int = 1,
                  stored: dict[str, Document] | None = None) -> list[Document]:
    """The articles of the inputs that are new or changed since the last build, as documents
    (``last`` remembers what it read, and learns what this one reads; ``stored``: the store's
    documents). The articles of unchanged files are among the store's documents already; their
    rejections are reported again."""
    skipped: list[str] = []

    def unchanged(path: str) -> bool:
        if last.unchanged(path, as_of):
            skipped.append(path)
            return True
        return False

    read = _read(_read_inputs(inputs, as_of, unchanged, jobs, stored or {}), report, progress)
    by_file: dict[str, list[str]] = {}
    for doc in read:
        by_file.setdefault(doc.article.source_file, []).append(doc.article.id)
    rejected: dict[str, list[Rejection]] = {}
    for rejection in report.rejections:
        rejected.setdefault(rejection.source_file, []).append(rejection)
    for path in sorted(set(by_file) | set(rejected)):
        last.record(path, as_of, by_file.get(path, []), rejected.get(path, []))
    for path in skipped:
        report.rejections.extend(last.rejections(path))
    return read


@dataclass
class LinkedCorpus:
    """What the corpus-level stages make of all documents, ready to be written."""

    mentions: dict[str, list[Mention]]  # article id -> mentions, projected ones included
    resolution: Resolution
    links: list[StoryLink]


def link_corpus(docs: list[Document], work_dir: Path | None, translate: bool = True,
                offline: bool = False, kb: KBView | None = None,
                embedded: Callable[[], None] | None = None, keep: bool = False) -> LinkedCorpus:
    """The corpus-level linking stages, in order: resolve entities, link stories, project names
    across linked reports and resolve again with the links as evidence (events follow:
    :func:`corpus_events`).

    Translations, Wikidata reconciliations and story embeddings are cached in ``work_dir`` (the
    store folder), so a rebuild gives the same graph offline; ``offline`` sends no request.
    Romanisations of Arabic names, each spelling's node as resolution reads it from the
    knowledge base, the searches for names across linked reports and each article's event
    candidates are remembered there too (:mod:`kg.memo`: they only cost time,
    the graph is the same). ``kb``: the knowledge-base view to link with (a process that
    builds again passes the same view, :func:`_kept_kb_view`), by default a new one.
    ``embedded``: called before story linking reads the story embeddings from ``work_dir``
    (a build's embedding stage finishes there: its workers embed while entities resolve).
    ``keep``: what is remembered stays in this process for its next build too (``keep_warm``).
    """
    from kg.link.kbadapter import KBView, remembered_derivations
    from kg.link.lexicon import remembered_romanisations

    version = stages_version(translate, offline)
    projections = Memo(_in(work_dir, PROJECTIONS_MEMO_FILE), version, keep=keep)
    kb = kb or KBView.default()  # one view for both passes: its lookups are asked once
    with remembered_romanisations(_in(work_dir, ROMANISED_FILE)), \
            remembered_derivations(kb, _in(work_dir, DERIVED_FILE), version):
        linked = _link_corpus(docs, work_dir, translate, offline, projections, kb, embedded)
    projections.save()
    return linked


def _in(work_dir: Path | None, name: str) -> Path | None:
    return work_dir / name if work_dir is not None else None


def _link_corpus(docs: list[Document], work_dir: Path | None, translate: bool,
                 offline: bool, projections: Memo, kb: KBView,
                 embedded: Callable[[], None] | None) -> LinkedCorpus:
    from kg.link.project import project_mentions
    from kg.link.reconcile import Reconciler
    from kg.link.resolve import resolve_entities, resolve_unlabelled
    from kg.link.stories import link_stories
    from kg.link.translate import TranslationCache

    translator = None
    if translate and work_dir is not None:
        translator = TranslationCache(store_dir=work_dir, online=False if offline else None)
    reconciler = Reconciler(work_dir, offline=offline)
    mentions = {d.article.id: list(d.mentions) for d in docs}
    pairs = [(d.article, d.mentions) for d in docs]
    # what story linking and projection read: each mention's entity key and each entity's type
    resolution, labelled = resolve_unlabelled(pairs, kb=kb, translator=translator,
                                              reconciler=reconciler)
    if embedded is not None:
        embedded()
    links = link_stories([d.article for d in docs], resolution, cache_dir=work_dir,
                         translator=translator)
    if not links:  # the first pass is the resolution: its entities with their labels
        return LinkedCorpus(mentions, labelled(), links)
    del labelled  # (and the first pass with it, before the second)
    for aid, found in project_mentions(pairs, links, resolution, memo=projections).items():
        mentions[aid] = sorted([*mentions[aid], *found], key=lambda m: (m.start, m.end))
    pairs = [(d.article, mentions[d.article.id]) for d in docs]
    resolution = resolve_entities(pairs, story_links=links, kb=kb, translator=translator,
                                  reconciler=reconciler)
    return LinkedCorpus(mentions, resolution, links)


#: the documents a process that builds again keeps between builds (``build(keep_warm=True)``)
_KEPT_DOCUMENTS = KeptDocuments()


@functools.cache
def _kept_kb_view() -> KBView:
    """The knowledge-base view a process that builds again links every build with: what its
    lookups answered and what resolution derived from them (each spelling's node) stay known,
    and they depend on the knowledge base only (answers adopted from Wikidata come from the
    reconciler's cache in every build alike)."""
    from kg.link.kbadapter import KBView

    return KBView.default()


def _release_warm() -> None:
    """Forget what earlier builds of this process kept (``keep_warm``), and what the linking
    and events stages keep of their latest run for the next (story cosines, each article's
    event candidates, events: ~60 MB for the whole corpus)."""
    from kg.events.extract import forget_latest_extraction
    from kg.link.stories import forget_latest_linking

    _KEPT_DOCUMENTS.clear()
    forget_latest_digests()
    forget_kept_memos()
    _kept_kb_view.cache_clear()
    forget_latest_linking()
    forget_latest_extraction()


def _release_linking_models() -> None:
    """Forget the models linking used and the later stages do not: the romaniser and the KB
    matcher's name index (the sentence encoder goes once the embeddings are made). Whole
    corpus: the build's peak, reached while the article graphs load, 967-971 -> 877-883 MB in
    alternated runs (before the articles' text was staged)."""
    from kg.link.lexicon import release_romaniser
    from kg.nlp.pipeline import release_finders

    release_romaniser()
    release_finders(indexes=True)


def corpus_events(docs: list[Document], linked: LinkedCorpus, work_dir: Path | None,
                  version: str, keep_latest: bool = False) -> list[Event]:
    """The events of the corpus: each article's candidates (remembered in ``work_dir`` per
    article, :mod:`kg.memo`), merged across reports and editions (:mod:`kg.events.extract`).
    ``keep_latest``: kept in this process for its next build too (``keep_warm``)."""
    from kg.events.extract import extract_events

    pairs = [(d.article, linked.mentions[d.article.id]) for d in docs]
    scans = {d.article.id: d.event_scan for d in docs if d.event_scan is not None}
    candidates = Memo(_in(work_dir, EVENTS_MEMO_FILE), version, keep=keep_latest)
    events = extract_events(pairs, linked.resolution, linked.links, memo=candidates, scans=scans,
                            keep_latest=keep_latest)
    candidates.save()
    return events


@contextmanager
def _timed(report: BuildReport, stage: str) -> Iterator[None]:
    """Time a stage (added to its earlier parts)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        report.timings[stage] = report.timings.get(stage, 0.0) + time.perf_counter() - start


def _moved_timing(report: BuildReport, within: str, stage: str,
                  func: Callable[[], None]) -> Callable[[], None]:
    """``func``, timed as ``stage`` when called during the stage ``within`` (whose time then
    leaves it out)."""
    def timed() -> None:
        start = time.perf_counter()
        func()
        seconds = time.perf_counter() - start
        report.timings[stage] = report.timings.get(stage, 0.0) + seconds
        report.timings[within] = report.timings.get(within, 0.0) - seconds
    return timed


def _write_rejects(store_dir: Path, rejections: list[Rejection], skipped: list[Rejection]) -> Path:
    """Every rejection of this build as TSV (file, record, reason), so none is lost in a long
    list, then every file a folder walk left out (reason ``skipped: ...``)."""
    path = store_dir / "rejects.tsv"
    tmp = store_dir / "rejects.tsv.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write("file\trecord\treason\n")
        for r in rejections:
            fh.write(f"{r.source_file}\t{r.record or ''}\t{r.reason}\n")
        for r in skipped:
            fh.write(f"{r.source_file}\t\tskipped: {r.reason}\n")
    tmp.replace(path)
    return path


def _read_inputs(inputs: list[str], as_of: datetime | None, unchanged: Callable[[str], bool],
                 jobs: int, stored: dict[str, Document]) -> Iterator[Document | Rejection]:
    """What :func:`kg.sources.read_inputs` gives (``unchanged`` files left out), each article as
    a document (:func:`_read_input`), the files and URLs read in ``jobs`` forked processes when
    there are several holding :data:`READ_IN_WORKERS_BYTES` or more. Meanwhile this process
    loads the models extraction will need, as the languages of articles new to the ``stored``
    documents (no duplicate key in common) come in, before extraction's workers fork, to share
    them: reading and loading each took 3 s of a whole-corpus build, one after the other on one
    core."""
    from kg.executors import start_map
    from kg.nlp.pipeline import load_finders
    from kg.sources import inputs_to_read

    expanded = list(inputs_to_read(inputs, unchanged))
    files = [item for item in expanded if not isinstance(item, Rejection)]
    forked = jobs > 1 and len(files) > 1 and _bytes_to_read(files) >= READ_IN_WORKERS_BYTES
    known = {key for doc in stored.values() for key in doc.duplicate_keys()} if forked else set()
    results = start_map(functools.partial(_read_input, as_of=as_of), files,
                        jobs=jobs if forked else 1, min_items=2)
    with closing(results):
        for item in expanded:
            if isinstance(item, Rejection):
                yield item
                continue
            read = next(results)
            if forked:
                load_finders({d.article.language for d in read if isinstance(d, Document)
                              and d.article.language and known.isdisjoint(d.duplicate_keys())})
            yield from read


def _bytes_to_read(files: list[Input]) -> int:
    """The size of the local files among ``files`` (one that cannot be read counts 0: its
    reader reports why)."""
    total = 0
    for item in files:
        try:
            total += 0 if item.is_url else os.path.getsize(item.location)
        except OSError:
            pass
    return total


def _read_input(item: Input, as_of: datetime | None) -> list[Document | Rejection]:
    """One unit of reading work: the articles of one file or URL, each as a document with its
    language, duplicate keys and content digest (where the reading runs: they were 1.9 s of a
    whole-corpus build in this process), and its rejections."""
    from kg.language import ensure_language
    from kg.sources import read_input

    out: list[Document | Rejection] = []
    for found in read_input(item, as_of):
        if isinstance(found, Rejection):
            out.append(found)
            continue
        doc = Document(ensure_language(found))
        doc.duplicate_keys()
        doc.content_digest()
        out.append(doc)
    return out


def _read(items: Iterable[Document | Rejection], report: BuildReport,
          progress: bool) -> list[Document]:
    read = []
    from kg.sources import Skipped

    for item in tqdm(items, desc="reading", unit=" record", disable=not progress):
        if isinstance(item, Skipped):
            report.skipped.append(item)
        elif isinstance(item, Rejection):
            report.rejections.append(item)
        else:
            read.append(item)
    report.read = len(read)
    return read


def _merge_incoming(docs: dict[str, Document], incoming: list[Document],
                    report: BuildReport) -> None:
    """Add new articles to ``docs``; duplicates (same id, URL, post id or text) become one article.

    The stored articles of a local file read again are replaced by what it holds now (an edited
    headline wins, a record taken out goes), as a build from scratch would have it. A feed or
    page URL only adds: a feed shows its latest items, not all it ever had.
    """
    from kg.sources.dedupe import Deduplicator
    from kg.sources.web import is_url

    reread = {os.path.abspath(d.article.source_file) for d in incoming
              if d.article.source_file and not is_url(d.article.source_file)}
    dedupe = Deduplicator()
    for doc in docs.values():
        if os.path.abspath(doc.article.source_file or "") not in reread:
            dedupe.add(doc.article, doc.duplicate_keys())  # kept in the store: not recomputed
    read = {}
    for doc in incoming:
        dedupe.add(doc.article, doc.duplicate_keys())
        read[id(doc.article)] = doc
    kept = {a.id: a for a in dedupe.articles()}
    report.duplicates = len(incoming) - len({d.article.id for d in incoming} & set(kept))
    for key in list(docs):
        if key not in kept:
            del docs[key]
    for key, article in kept.items():
        old = docs.get(key)
        if old is not None and old.article == article:  # same text, same every other field
            report.unchanged += 1
            continue
        docs[key] = read[id(article)]
        if old is None:
            report.new += 1
        else:
            report.updated += 1


def _stale(docs: dict[str, Document]) -> list[Document]:
    """The documents whose cached mentions are missing or stale, by article id."""
    todo = [d for d in docs.values()
            if d.extractor != extractor_version(d.article.language or "other")]
    todo.sort(key=lambda d: d.article.id)
    return todo


def _extract(todo: list[Document], jobs: int, progress: bool,
             scheduler: str | None = None, keep_models: bool = False,
             extracted: Callable[[Article, list[Mention]], None] | None = None) -> None:
    """Find mentions in the documents ``todo`` (:func:`_stale`); ``extracted`` is told each
    article's as they come.

    The work runs where :func:`kg.executors.map_ordered` says (this process, ``jobs`` forked
    processes, or the Dask cluster at ``scheduler``); workers get ``(text, language)`` only,
    never the store. A worker whose models or knowledge base differ from ours is an error, so
    a cluster build gives exactly the mentions a local one gives.
    """
    from kg.executors import SchedulerError, map_batches

    work = [(d.article.text, d.article.language or "") for d in todo]
    with _models_for_extraction([lang for _, lang in work], forks(len(work), jobs, scheduler),
                                keep_models):
        results = map_batches(_find, work, EXTRACT_BATCH, scheduler=scheduler, jobs=jobs,
                              progress=progress, desc="extracting", unit=" article")
        with closing(results):
            for doc, (version, mentions, scan) in zip(todo, results, strict=True):
                expected = extractor_version(doc.article.language or "other")
                if version != expected:
                    raise SchedulerError(
                        f"{scheduler}: a worker's extractor for {doc.article.language!r} is "
                        f"{version}, ours is {expected}: install the same mkg on every worker")
                doc.mentions = mentions
                doc.extractor = version
                doc.event_scan = scan
                if extracted is not None:
                    extracted(doc.article, mentions)
                crash_point("extract")


@contextmanager
def _models_for_extraction(langs: list[str], shared: bool, keep: bool = False) -> Iterator[None]:
    """When extraction forks workers (``shared``), load the models here first, so that they
    share them (:func:`~kg.collector.objects_frozen`). Linking does not need the models: they
    are released afterwards, unless ``keep``."""
    from kg.events.types import compile_triggers
    from kg.nlp.pipeline import load_finders, release_finders

    if shared:
        load_finders(langs)
    compile_triggers(langs)  # (what the event scan of each article needs, shared as the models)
    try:
        with objects_frozen() if shared else nullcontext():
            yield
    finally:
        if not keep:
            release_finders()


#: input files to read of at least this many bytes in all are read in worker processes (with
#: --jobs > 1): forking a process that holds a store's documents costs more than reading a few
#: files saves
READ_IN_WORKERS_BYTES = 2_000_000

#: texts per embedding task
EMBED_BATCH = 32
#: articles per extraction task: the NER model decodes the sentences of a task's articles together
EXTRACT_BATCH = 8


class _StoryEmbedding:
    """The embedding stage: embed the texts story linking compares
    (:func:`kg.link.stories.texts_to_embed`) that no earlier build embedded, into the store's
    embedding cache, where extraction runs (``jobs`` processes or the cluster): linking then
    finds them all there. One encoder is single-threaded, and embedding was the largest part
    of linking a whole corpus.

    Started (:meth:`start`) after extraction when there is enough to embed for worker
    processes (:func:`kg.executors.start_map`): they embed while this process resolves
    entities, which needs no embedding (whole corpus: embedding 10 s, resolution 3-4 s of it
    beside it). A little embedding that would load the encoder here, when this process
    extracts a few articles itself, starts before extraction instead (:meth:`start_beside`), in
    one process of its own that loads it while this one loads the NER models and extracts
    (adding 50 articles in a new process: 2.4 s less). A little with the encoder loaded here
    (a ``kg watch`` round) runs in a thread while entities are resolved: no fork of a big
    process, and the encoder's matrix products leave the GIL to resolution.
    :meth:`finish` waits for the embeddings, before story linking."""

    def __init__(self, docs: dict[str, Document], work_dir: Path) -> None:
        from kg.link.stories import EMBEDDINGS_FILE, EmbeddingCache, texts_to_embed

        self.cache = EmbeddingCache(work_dir / EMBEDDINGS_FILE)
        todo = self.cache.missing(texts_to_embed(d.article for d in docs.values()))
        self.batches = [todo[i:i + EMBED_BATCH] for i in range(0, len(todo), EMBED_BATCH)]
        self.results: Iterator[np.ndarray] | None = None

    def better_beside(self, extracting: int, jobs: int, scheduler: str | None) -> bool:
        """Whether to embed beside the extraction of ``extracting`` articles
        (:meth:`start_beside`): it runs in this process, so a core is spare, and there is a
        little to embed with an encoder that is not loaded here."""
        from kg.link.stories import encoder_loaded

        return (jobs > 1 and not scheduler and not forks(extracting, jobs) and bool(self.batches)
                and not forks(len(self.batches), jobs) and not encoder_loaded())

    def start_beside(self) -> None:
        """Start embedding now, in one other process."""
        from kg.executors import start_beside
        from kg.link.stories import embed_batch

        self.results = start_beside(embed_batch, self.batches)

    def start(self, jobs: int, progress: bool, scheduler: str | None) -> None:
        """Start embedding where extraction runs (unless started already); a little of it,
        with ``jobs`` > 1, in a thread of this process."""
        from kg.executors import start_map
        from kg.link.stories import embed_batch

        if self.results is not None:
            return
        shared = forks(len(self.batches), jobs, scheduler)
        if jobs > 1 and not shared and not scheduler:
            # a little: a thread here, its matrix products beside resolution (a `kg watch`
            # round adding 50 articles to the whole corpus waited 0.46 s for it before)
            from kg.executors import start_in_thread

            self.results = start_in_thread(embed_batch, self.batches)
            return
        if shared:
            embed_batch(self.batches[0][:1])  # the encoder is loaded before the workers fork
        with objects_frozen() if shared else nullcontext():  # (what they share)
            self.results = start_map(embed_batch, self.batches, scheduler=scheduler, jobs=jobs,
                                     progress=progress, desc="embedding", unit=" batch")

    def finish(self) -> None:
        """Wait for the embeddings and keep them in the store's cache."""
        if self.results is None:
            raise RuntimeError("the embedding stage was not started")
        with closing(self.results):
            for batch, vectors in zip(self.batches, self.results, strict=True):
                self.cache.add(batch, vectors)
        self.cache.save()

    def close(self) -> None:
        """End the workers (waiting for the work they were given), finished or not."""
        if self.results is not None:
            self.results.close()


@contextmanager
def _closed_on_error(embedding: _StoryEmbedding | None) -> Iterator[None]:
    """End the embedding's workers if what runs inside fails (it is closed after linking)."""
    try:
        yield
    except BaseException:
        if embedding is not None:
            embedding.close()
        raise


def _find(items: list[tuple[str, str]]) -> list[tuple[str, list[Mention], list[ScannedSentence]]]:
    """One unit of extraction work: for each ``(text, lang)``, the extractor version, the
    mentions, and the sentences that event extraction will read
    (:func:`kg.events.extract.scan_text`: it needs no entities, so it runs here, in parallel,
    rather than in linking). The texts of a language are tagged together."""
    from kg.events.extract import scan_text
    from kg.nlp.pipeline import find_mentions_in

    by_lang: dict[str, list[int]] = {}
    for i, (_, lang) in enumerate(items):
        by_lang.setdefault(lang, []).append(i)
    mentions: list[list[Mention]] = [[] for _ in items]
    for lang, indexes in by_lang.items():
        found = find_mentions_in([items[i][0] for i in indexes], lang)
        for i, of_text in zip(indexes, found, strict=True):
            mentions[i] = of_text
    return [(extractor_version(lang or "other"), of_text, scan_text(text, lang or "en"))
            for (text, lang), of_text in zip(items, mentions, strict=True)]
