"""The build's memory of what it has read: every article with its mentions, kept beside the quads.

Entity resolution, story links and events are computed over the whole corpus on every build, so a
second ``kg build`` with new files needs the articles and mentions of the first. They are kept in
the store folder as gzipped JSON lines, in shards (``documents/``, an article's shard chosen by a
hash of its id) listed by a manifest (``documents.json``); the RDF store stays the thing users
query.

A save rewrites only the shards whose documents changed (adding 50 articles to 3,000 rewrote all
of them, 3 s a build), each under a name made of its content, then replaces the manifest in one
rename: a build killed at any point leaves the old manifest with the old shards, or the new one
with the new. Shards no manifest names are deleted after. Each stored document also keeps what a
build asks of every document (its content digest and its duplicate keys), so that only incoming
articles have them computed.

Stores written before shards (one ``documents.jsonl.gz``) are read as they are; the next save
writes shards and deletes the old file.

>>> import tempfile
>>> from kg.article import Article
>>> folder = Path(tempfile.mkdtemp())
>>> docs = {i: Document(Article(i, "Title " + i, "Body of " + i)) for i in ("a1", "a2")}
>>> save_documents(folder, docs)
2
>>> again = load_documents(folder)
>>> again == docs, save_documents(folder, again)
(True, 0)
>>> again["a3"] = Document(Article("a3", "Title", "Body"))
>>> save_documents(folder, again)
1
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import datetime
from itertools import repeat
from pathlib import Path

from kg.article import Article
from kg.collector import collector_paused
from kg.nlp.mention import Mention
from kg.sources.dedupe import DuplicateKey, duplicate_keys, duplicate_keys_version

log = logging.getLogger(__name__)

DOCUMENTS_FILE = "documents.jsonl.gz"  # before shards: every document in one file
MANIFEST_FILE = "documents.json"
SHARDS_DIR = "documents"
SHARDS = 512  # adding 50 articles to 3,000 rewrites ~47 shards of ~6 documents
FORMAT = 2
_DATETIME_FIELDS = tuple(f.name for f in fields(Article) if "datetime" in str(f.type))
_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
_MENTION_FIELDS = tuple(f.name for f in fields(Mention))  # flat: no asdict() recursion (5 s a save)


@dataclass
class Document:
    """An article and the mentions found in its :attr:`~kg.article.Article.text`.

    Documents are replaced, not edited: a build makes a new Document for a new or changed
    article, and gives ``mentions`` a new list when it extracts them again. That is how a save
    tells which shards to rewrite (see :meth:`stored_unchanged`).
    """

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    extractor: str = ""  # version of the extraction that produced ``mentions``
    #: what :meth:`content_digest` and :meth:`duplicate_keys` gave (kept in the store)
    digest: str | None = field(default=None, compare=False, repr=False)
    keys: list[DuplicateKey] | None = field(default=None, compare=False, repr=False)
    #: (shard file, article, mentions, extractor) as loaded: unchanged since if all still hold
    loaded: tuple | None = field(default=None, compare=False, repr=False)
    #: the sentences event extraction reads, found with the mentions (this build only, not stored)
    event_scan: list | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict:
        return {"article": self._article_json(), "mentions": [{name: getattr(m, name) for name in _MENTION_FIELDS}
                                             for m in self.mentions],
                "extractor": self.extractor}

    def content_digest(self) -> str:
        """A digest of every field of the article as it is stored (so the same for an article
        just read and for one loaded from the store); computed once per document."""
        if self.digest is None:
            self.digest = _digest(self._article_json())
        return self.digest

    def duplicate_keys(self) -> list[DuplicateKey]:
        """:func:`kg.sources.dedupe.duplicate_keys` of the article, computed once per document."""
        if self.keys is None:
            self.keys = duplicate_keys(self.article)
        return self.keys

    def stored_unchanged(self, shard_file: str) -> bool:
        """Whether this document is still what was loaded from ``shard_file``."""
        if self.loaded is None:
            return False
        file, article, mentions, extractor = self.loaded
        return (file == shard_file and self.article is article and self.mentions is mentions
                and self.extractor == extractor)

    def _article_json(self) -> dict:
        # flat fields (text, dates, flags, lists of text): no asdict() deep copy (a tenth of
        # reading a corpus)
        values = map(getattr, repeat(self.article), _ARTICLE_FIELDS)
        return {k: v.isoformat() if isinstance(v, datetime) else list(v) if isinstance(v, list) else v
                for k, v in zip(_ARTICLE_FIELDS, values, strict=True)}

    @classmethod
    def from_json(cls, data: dict) -> Document:
        art = dict(data["article"])
        for name in _DATETIME_FIELDS:
            if art.get(name):
                art[name] = datetime.fromisoformat(art[name])
        article = Article(**{k: v for k, v in art.items() if k in _ARTICLE_FIELDS})
        return cls(article, [Mention(**m) for m in data.get("mentions", [])],
                   data.get("extractor", ""))


def shard_of(article_id: str) -> str:
    """The shard an article is kept in: a hash of its id, the same in every process.

    >>> shard_of("www.almayadeen.net-1850881")
    '07a'
    """
    return f"{int(hashlib.sha1(article_id.encode('utf-8')).hexdigest()[:6], 16) % SHARDS:03x}"


def load_documents(store_dir: Path) -> dict[str, Document]:
    """The documents of earlier builds, by article id (empty for a new store)."""
    # no collection while documents are made: they hold no cycles, and the collector walking
    # the 140,000 mentions of a corpus again and again took a third of the load
    with collector_paused():
        for attempt in range(3):
            manifest = _read_manifest(store_dir)
            if manifest is None:
                return _load_single_file(store_dir)
            try:
                return _load_shards(store_dir, manifest)
            except FileNotFoundError:  # a build replaced the manifest and removed our shards
                if attempt == 2:
                    raise
    raise AssertionError("unreachable")


class KeptDocuments:
    """The documents a process keeps between its builds of a store (``kg watch``), so that the
    next build takes them instead of reading and parsing every shard again (a second of a
    3,000-article build). They are used only while the store's manifest is the one they were
    kept with: a build of another process in between, or a build that failed after changing
    them, makes the next one read the store.

    >>> import tempfile
    >>> from kg.article import Article
    >>> folder = Path(tempfile.mkdtemp())
    >>> docs = {"a1": Document(Article("a1", "Title", "Body"))}
    >>> kept = KeptDocuments()
    >>> _ = save_documents(folder, docs); kept.keep(folder, docs)
    >>> kept.take(folder) is docs, kept.take(folder)
    (True, None)
    >>> kept.keep(folder, docs); _ = save_documents(folder, {})   # another build saved the store
    >>> kept.take(folder)
    """

    def __init__(self) -> None:
        self._kept: dict[Path, tuple[bytes, dict[str, Document]]] = {}

    def keep(self, store_dir: Path, docs: dict[str, Document]) -> None:
        """Keep ``docs``, which are what ``store_dir`` holds now (just loaded or saved)."""
        manifest = _manifest_bytes(store_dir)
        if manifest is not None:
            for doc in docs.values():
                doc.event_scan = None  # this build's only, as for documents read from the store
            self._kept[store_dir.resolve()] = (manifest, docs)

    def take(self, store_dir: Path) -> dict[str, Document] | None:
        """The kept documents of ``store_dir`` if the store still holds them, else None; the
        caller owns them (a build changes them), so they are no longer kept."""
        manifest, docs = self._kept.pop(store_dir.resolve(), (None, None))
        return docs if manifest is not None and manifest == _manifest_bytes(store_dir) else None

    def clear(self) -> None:
        self._kept.clear()


def _manifest_bytes(store_dir: Path) -> bytes | None:
    try:
        return (store_dir / MANIFEST_FILE).read_bytes()
    except OSError:
        return None


def save_documents(store_dir: Path, docs: dict[str, Document]) -> int:
    """Write the shards whose documents changed since they were loaded, then the manifest that
    names them (atomically), then delete what no manifest names. Returns how many shards were
    written; a shard holds its documents sorted by id, so it is the same whatever the input
    order."""
    folder = store_dir / SHARDS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    old = _read_manifest(store_dir)
    old_shards = old["shards"] if old is not None and _caches_valid(old) else {}
    by_shard: dict[str, list[Document]] = {}
    for key in sorted(docs):
        by_shard.setdefault(shard_of(key), []).append(docs[key])
    shards, written = {}, 0
    for shard, members in sorted(by_shard.items()):
        entry = old_shards.get(shard)
        if entry is None or entry["count"] != len(members) or not all(
                d.stored_unchanged(entry["file"]) for d in members):
            entry = {"file": _write_shard(folder, shard, members), "count": len(members)}
            written += 1
        shards[shard] = entry
    _write_json(store_dir / MANIFEST_FILE, {"format": FORMAT, **_cache_versions(), "shards": shards})
    _remove_unlisted(store_dir, {entry["file"] for entry in shards.values()})
    return written


def _write_shard(folder: Path, shard: str, members: list[Document]) -> str:
    lines = [json.dumps(_shard_line(doc), ensure_ascii=False) for doc in members]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    name = f"{shard}-{hashlib.sha1(data).hexdigest()[:16]}.jsonl.gz"
    tmp = folder / (name + ".tmp")
    # level 1: a third of level 6's time for a fifth more bytes; mtime 0: same data, same file
    tmp.write_bytes(gzip.compress(data, compresslevel=1, mtime=0))
    tmp.replace(folder / name)
    for doc in members:
        doc.loaded = (name, doc.article, doc.mentions, doc.extractor)
    return name


def _shard_line(doc: Document) -> dict:
    article = doc._article_json()
    return {"article": article, "extractor": doc.extractor,
            "mentions": [[getattr(m, name) for name in _MENTION_FIELDS] for m in doc.mentions],
            "digest": doc.digest or _digest(article), "keys": doc.duplicate_keys()}


def _load_shards(store_dir: Path, manifest: dict) -> dict[str, Document]:
    caches = _caches_valid(manifest)
    mention_fields = tuple(manifest.get("mention_fields", ()))
    docs: dict[str, Document] = {}
    for entry in manifest["shards"].values():
        for data in _shard_rows(store_dir / SHARDS_DIR / entry["file"]):
            if mention_fields != _MENTION_FIELDS:  # rows of an older Mention: by name
                data["mentions"] = [dict(zip(mention_fields, m, strict=True)) for m in data["mentions"]]
            doc = _from_shard_line(data, mention_fields == _MENTION_FIELDS)
            if caches:
                doc.digest, doc.keys = data["digest"], [tuple(k) for k in data["keys"]]
                doc.loaded = (entry["file"], doc.article, doc.mentions, doc.extractor)
            docs[doc.article.id] = doc
    return docs


def _shard_rows(path: Path) -> Iterator[dict]:
    """The documents of a shard file as JSON objects (the file read and unpacked at once)."""
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    return (json.loads(line) for line in text.split("\n") if line)  # not splitlines(): U+2028


def _from_shard_line(data: dict, positional: bool) -> Document:
    if not positional:
        return Document.from_json(data)
    mentions = data.pop("mentions")
    doc = Document.from_json(data)
    doc.mentions = [Mention(*m) for m in mentions]
    return doc


def _load_single_file(store_dir: Path) -> dict[str, Document]:
    """The documents of a store written before shards (none for a new store)."""
    path = store_dir / DOCUMENTS_FILE
    if not path.exists():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        docs = (Document.from_json(json.loads(line)) for line in fh if line.strip())
        return {d.article.id: d for d in docs}


def _cache_versions() -> dict:
    """What the kept digests, keys and mention rows were made with: when the article fields or
    the duplicate-key code change, kept digests and keys are computed again."""
    return {"article_fields": list(_ARTICLE_FIELDS), "mention_fields": list(_MENTION_FIELDS),
            "keys_version": duplicate_keys_version()}


def _caches_valid(manifest: dict) -> bool:
    now = _cache_versions()
    return all(manifest.get(name) == now[name] for name in ("article_fields", "keys_version"))


def _read_manifest(store_dir: Path) -> dict | None:
    try:
        manifest = json.loads((store_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{store_dir / MANIFEST_FILE}: documents in format {manifest.get('format')}, "
                         f"this mkg reads format {FORMAT}: build the store again from its inputs")
    return manifest


def _remove_unlisted(store_dir: Path, listed: set[str]) -> None:
    """Delete shards no manifest names (replaced ones, or left by a killed build), and the
    single documents file of stores from before shards."""
    for path in (store_dir / SHARDS_DIR).iterdir():
        if path.name not in listed:
            path.unlink(missing_ok=True)
    (store_dir / DOCUMENTS_FILE).unlink(missing_ok=True)


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def _digest(article_json: dict) -> str:
    return hashlib.sha1(json.dumps(article_json, sort_keys=True, ensure_ascii=False)
                        .encode("utf-8")).hexdigest()
