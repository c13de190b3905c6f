"""The build's memory of what it has read: every article with its mentions, kept beside the quads.

Entity resolution, story links and events are computed over the whole corpus on every build, so a
second ``kg build`` with new files needs the articles and mentions of the first. They are kept as
gzipped JSON lines in the store folder; the RDF store stays the thing users query.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from pathlib import Path

from kg.article import Article
from kg.nlp.mention import Mention

DOCUMENTS_FILE = "documents.jsonl.gz"
_DATETIME_FIELDS = tuple(f.name for f in fields(Article) if "datetime" in str(f.type))
_MENTION_FIELDS = tuple(f.name for f in fields(Mention))  # flat: no asdict() recursion (5 s a save)


@dataclass
class Document:
    """An article and the mentions found in its :attr:`~kg.article.Article.text`."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    extractor: str = ""  # version of the extraction that produced ``mentions``

    def to_json(self) -> dict:
        return {"article": self._article_json(), "mentions": [{name: getattr(m, name) for name in _MENTION_FIELDS}
                                             for m in self.mentions],
                "extractor": self.extractor}

    def content_digest(self) -> str:
        """A digest of every field of the article as it is stored (so the same for an article
        just read and for one loaded from the store)."""
        return hashlib.sha1(json.dumps(self._article_json(), sort_keys=True,
                                       ensure_ascii=False).encode("utf-8")).hexdigest()

    def _article_json(self) -> dict:
        return {k: v.isoformat() if isinstance(v, datetime) else v
                for k, v in asdict(self.article).items()}

    @classmethod
    def from_json(cls, data: dict) -> Document:
        art = dict(data["article"])
        for name in _DATETIME_FIELDS:
            if art.get(name):
                art[name] = datetime.fromisoformat(art[name])
        known = {f.name for f in fields(Article)}
        article = Article(**{k: v for k, v in art.items() if k in known})
        return cls(article, [Mention(**m) for m in data.get("mentions", [])],
                   data.get("extractor", ""))


def load_documents(store_dir: Path) -> dict[str, Document]:
    """The documents of earlier builds, by article id (empty for a new store)."""
    path = store_dir / DOCUMENTS_FILE
    if not path.exists():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        docs = (Document.from_json(json.loads(line)) for line in fh if line.strip())
        return {d.article.id: d for d in docs}


def save_documents(store_dir: Path, docs: dict[str, Document]) -> None:
    """Write all documents, sorted by id so the file is the same whatever the input order."""
    store_dir.mkdir(parents=True, exist_ok=True)
    tmp = store_dir / (DOCUMENTS_FILE + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        for key in sorted(docs):
            fh.write(json.dumps(docs[key].to_json(), ensure_ascii=False) + "\n")
    tmp.replace(store_dir / DOCUMENTS_FILE)
