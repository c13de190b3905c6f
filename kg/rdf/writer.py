"""Write the linked corpus into the store: one named graph per article, entity and event, plus
small shared graphs (story links, editions, the ontology).

The writer only writes quads: the records it is given (resolution, story links, events) come
from the corpus-level stages that :mod:`kg.build` runs.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Protocol

from tqdm import tqdm

from kg.memo import record_digest
from kg.rdf.store import GraphStore
from kg.rdf.triples import (
    LinkedMention,
    article_text_triples,
    article_triples,
    edition_triples,
    entity_record,
    entity_triples,
    event_record,
    event_triples,
    story_link_triples,
)
from kg.rdf.vocab import (
    EDITIONS_GRAPH,
    ENTITIES_GRAPH,
    EVENTS_GRAPH,
    LINKS_GRAPH,
    ONTOLOGIES_DIR,
    ONTOLOGY_GRAPH,
    RECORD_GRAPH_PREFIXES,
    article_graph_iri,
    entity_graph_iri,
    event_graph_iri,
)

if TYPE_CHECKING:  # records of the stages before this one, used by attribute only
    from kg.article import Article
    from kg.events.event import Event
    from kg.link.entity import Entity
    from kg.nlp.mention import Mention


class Resolution(Protocol):
    """What the writer reads of entity resolution (:class:`kg.link.resolve.Resolution`)."""

    entities: Mapping[str, Entity]

    def mention_entity(self, article_id: str, mention: Mention) -> str | None: ...

    def tag_entities(self, article: Article) -> list[str]: ...


class StoryLink(Protocol):
    """What the writer reads of a same-story link (:class:`kg.link.stories.StoryLink`)."""

    a_id: str
    b_id: str
    confidence: float
    evidence: str


#: a graph to write: a function making its triples, and a digest of what they are made from
GraphJob = tuple[Callable[[], list], str]


class RecordWriter:
    """Writes the record graphs of a build (one per article, entity and event) into ``store``,
    in one call of :meth:`write` per kind as the stages make them, then the shared graphs
    (:meth:`finish`).

    Each record graph is named with a digest of what its triples are made from (and of
    ``version``, the code that makes them): only graphs whose records changed are made and
    written, so adding a few articles rewrites their graphs and those of the entities and events
    they touch. A local store loads them in the background (:meth:`GraphStore.replace_graph`),
    so the build's next stage runs meanwhile (one load at a time: queueing more loads held
    their quads in memory, 970-1,080 MB instead of 895 MB at the peak of a whole-corpus build).

    Into an empty local store, what extraction alone decides of each article's graph (the
    article, its text, its mentions: nine in ten of its triples) is written as soon as it is
    extracted (:meth:`stage_article_text`), and loads while linking runs (:meth:`load_staged`);
    :meth:`write` then adds the rest.
    """

    def __init__(self, store: GraphStore, version: str = "", progress: bool = False) -> None:
        self.store, self.version, self.progress = store, version, progress
        self.wanted: set[str] = set()
        self.written = 0
        self._started = False
        #: article id -> the mentions its staged graph holds (stage_article_text)
        self.staged: dict[str, tuple[Mention, ...]] = {}
        self._staged_graphs: set[str] = set()
        self._staging: bool | None = None  # whether to stage (decided at the first article)

    def stage_article_text(self, article: Article, mentions: Sequence[Mention]) -> None:
        """Write :func:`~kg.rdf.triples.article_text_triples` of a newly extracted article into
        its graph now, when the build writes into an empty local store (else nothing: its graph
        is written whole by :meth:`write`)."""
        if self._staging is None:
            store = self.store
            self._staging = (isinstance(store, GraphStore) and store.staged and
                             store.path is not None and not store.digests)
            if self._staging:
                store.start_empty()
                self._started = True
        if self._staging:
            graph = article_graph_iri(article.id)
            self.store.stage_triples(graph, article_text_triples(article, mentions))
            self.staged[article.id] = tuple(mentions)
            self._staged_graphs.add(graph)

    def load_staged(self) -> None:
        """Start loading the staged graphs in the background (the build links meanwhile)."""
        if self._staging:
            self.store.load_staged()

    def write(self, graphs: dict[str, GraphJob], what: str) -> None:
        """Write the ``graphs`` (by IRI) whose digests changed; of a staged article's graph,
        its job makes the triples it lacks (:func:`article_graphs` with ``written``)."""
        self.load_staged()
        if not self._started and isinstance(self.store, GraphStore) and self.store.staged \
                and _mostly_stale(self.store, graphs):
            self.store.start_empty()  # cheaper than removing each graph before writing it again
        self._started = True
        self.wanted.update(graphs)
        for graph, (make, digest) in tqdm(graphs.items(), desc=f"writing {what}", unit=" graph",
                                          disable=not self.progress):
            if graph in self._staged_graphs:
                self.store.add_triples(graph, make(), digest)
                self.written += 1
            else:
                self.written += self.store.replace_graph(graph, make, digest=digest)
        if isinstance(self.store, GraphStore):
            self.store.load_gathered()  # the build's next stage runs while they load

    def finish(self, articles: list[Article], links: Sequence[StoryLink]) -> tuple[int, int]:
        """Drop the record graphs of records that are gone, and write the story links, the
        editions and the ontology. Returns how many record graphs were written, and how many
        there are."""
        _drop_unwanted(self.store, self.wanted)
        self.store.replace_graph(LINKS_GRAPH, _flatten(
            story_link_triples(link.a_id, link.b_id, link.confidence, link.evidence) for link in links))
        self.store.replace_graph(EDITIONS_GRAPH, _flatten(
            edition_triples(e, lang, outlet) for e, (lang, outlet) in _editions(articles).items()))
        load_ontology(self.store)
        return self.written, len(self.wanted)


def article_graphs(articles: list[Article], mentions: dict[str, list[Mention]],
                   resolution: Resolution, version: str,
                   written: Mapping[str, Sequence[Mention]] | None = None,
                   remember: bool = False) -> dict[str, GraphJob]:
    """The graph of each article, its mentions linked to the entities they were resolved to.
    ``written``: article id -> the mentions whose text triples its graph holds already
    (:meth:`RecordWriter.stage_article_text`): its job makes only the triples it lacks.
    ``remember``: as for :func:`entity_graphs` (an article is not changed once read)."""
    records = [(article, mentions[article.id],
                [resolution.mention_entity(article.id, m) for m in mentions[article.id]],
                resolution.tag_entities(article)) for article in articles]
    digests = _LATEST_DIGESTS.digests_by_id("articles", version, records, remember)
    return {article_graph_iri(article.id): (
        partial(_article_triples, article, found, keys, tags, written.get(article.id) if written else None),
        digest) for (article, found, keys, tags), digest in zip(records, digests, strict=True)}


def entity_graphs(resolution: Resolution, version: str, remember: bool = False) -> dict[str, GraphJob]:
    """The graph of each entity. ``remember``: the digests are kept for the next call of the
    process (:data:`_LATEST_DIGESTS`)."""
    entities = list(resolution.entities.values())
    digests = _LATEST_DIGESTS.digests("entities", version, map(entity_record, entities), remember)
    return {entity_graph_iri(entity.key): (partial(entity_triples, entity), digest)
            for entity, digest in zip(entities, digests, strict=True)}


def event_graphs(events: Sequence[Event], version: str, remember: bool = False) -> dict[str, GraphJob]:
    """The graph of each event. ``remember``: as for :func:`entity_graphs`."""
    digests = _LATEST_DIGESTS.digests("events", version, map(event_record, events), remember)
    return {event_graph_iri(event.key): (partial(event_triples, event), digest)
            for event, digest in zip(events, digests, strict=True)}


class _LatestDigests:
    """The record digests of this process's latest build, by kind and by (hashable) record, for
    a process that builds again (``kg watch``): most of a round's ~25,000 entities and ~15,000
    events are what they were, and digesting them again was 1 s of adding 50 articles to the
    whole corpus. Only the latest build's are kept.

    >>> latest = _LatestDigests()
    >>> first = latest.digests("entities", "v1", [("LOC:gaza", "LOC")], remember=True)
    >>> first == latest.digests("entities", "v1", [("LOC:gaza", "LOC")], remember=False)
    True
    >>> first == [record_digest("v1", ("LOC:gaza", "LOC"))], latest._kept
    (True, {})
    """

    def __init__(self) -> None:
        self._kept: dict[str, tuple[str, dict]] = {}  # kind -> (version, what its digests are kept by)

    def digests(self, kind: str, version: str, records: Iterable[Hashable],
                remember: bool) -> list[str]:
        """:func:`~kg.memo.record_digest` of each record, under ``version``; ``remember``: kept
        for the next call of the same ``kind``."""
        before, now = self._before(kind, version), {}
        out = []
        for record in records:
            digest = now[record] = before.get(record) or record_digest(version, record)
            out.append(digest)
        self._keep(kind, version, now, remember)
        return out

    def digests_by_id(self, kind: str, version: str, records: Iterable[tuple[Article, list, list, list]],
                      remember: bool) -> list[str]:
        """:func:`~kg.memo.record_digest` of each article's record (the article, then lists),
        under ``version``; the digest of the latest build's record of the same article is taken
        again when its article is the same object and its lists are equal (an equal article
        may be written otherwise: a time in another zone). ``remember``: as for :meth:`digests`."""
        before, now = self._before(kind, version), {}
        out = []
        for record in records:
            last = before.get(record[0].id)
            same = last is not None and last[0][0] is record[0] and last[0][1:] == record[1:]
            digest = last[1] if same else record_digest(version, *record)
            now[record[0].id] = record, digest
            out.append(digest)
        self._keep(kind, version, now, remember)
        return out

    def _before(self, kind: str, version: str) -> dict:
        """What the latest call of ``kind`` kept, if under ``version`` (it is taken: a call keeps
        only its own)."""
        kept_version, before = self._kept.pop(kind, (version, {}))
        return before if kept_version == version else {}

    def _keep(self, kind: str, version: str, now: dict, remember: bool) -> None:
        if remember:
            self._kept[kind] = (version, now)

    def clear(self) -> None:
        self._kept.clear()


#: see :class:`_LatestDigests`
_LATEST_DIGESTS = _LatestDigests()


def forget_latest_digests() -> None:
    """Drop the digests kept by ``entity_graphs`` and ``event_graphs`` with ``remember``."""
    _LATEST_DIGESTS.clear()


def _article_triples(article: Article, found: list[Mention], keys: list[str | None],
                     tags: list[str], written: Sequence[Mention] | None = None) -> list:
    """An article's triples, its mentions linked to ``keys`` (made only for graphs written)."""
    return article_triples(article, map(LinkedMention, found, keys), tags, written)


def _mostly_stale(store: GraphStore, graphs: dict[str, GraphJob]) -> bool:
    """Whether more than half of the record graphs must be written (after a change of the code
    that makes them, every one is)."""
    digests = store.digests
    return sum(digests.get(graph) != digest for graph, (_, digest) in graphs.items()) > len(graphs) // 2


def _drop_unwanted(store: GraphStore, wanted: dict[str, object]) -> None:
    """Drop the record graphs (articles, entities, events) no longer in the corpus, and the
    single entity and event graphs of stores written before they had one graph each.

    The graphs looked at are those with a digest: every graph a build writes has one, and a
    store whose digests are missing has every graph rewritten, from an emptied store
    (:func:`_mostly_stale`). Listing the store's own ~35,000 graph names instead took 0.4 s of
    adding 50 articles to the whole corpus."""
    for graph in list(store.digests):
        if graph in (ENTITIES_GRAPH, EVENTS_GRAPH) or (
                graph.startswith(RECORD_GRAPH_PREFIXES) and graph not in wanted):
            store.drop_graph(graph)


def _editions(articles: list[Article]) -> dict[str, tuple[str | None, str | None]]:
    """Each edition's main language and outlet name (the most common; ties broken by value)."""
    from collections import Counter

    seen: dict[str, Counter] = {}
    for a in articles:
        if a.edition:
            seen.setdefault(a.edition, Counter())[(a.language or "", a.outlet or "")] += 1
    out = {}
    for edition in sorted(seen):
        (lang, outlet), _ = min(seen[edition].items(), key=lambda kv: (-kv[1], kv[0]))
        out[edition] = (lang or None, outlet or None)
    return out


def load_ontology(store: GraphStore) -> None:
    """The ontology (classes, properties, event types) goes into the store, so queries can use labels."""
    from pyoxigraph import RdfFormat, parse

    triples = []
    for path in sorted(ONTOLOGIES_DIR.glob("*.ttl")):
        if path.name == "shapes.ttl":
            continue
        triples += [(t.subject, t.predicate, t.object) for t in parse(path=str(path), format=RdfFormat.TURTLE)]
    store.replace_graph(ONTOLOGY_GRAPH, triples)


def _flatten(chunks: Iterable[list]) -> list:
    return [t for chunk in chunks for t in chunk]
