"""Reader of the on-disk Wikidata index written by ``kg kb import`` (:mod:`kg.kb.wikidata`).

Opening reads no rows (one small ``meta`` query), and every lookup is one indexed SQLite query,
so the index can hold millions of entities without loading them. Entries are
:class:`WikidataEntity`, a :class:`~kg.kb.base.KBEntity` with id ``wd:Q<n>``, ``kind``
``"wikidata"``, ``country`` as a QID (P17, for people P27) and ``prior`` from the sitelinks.

>>> import tempfile
>>> from pathlib import Path
>>> from kg.kb.wikidata import import_dump
>>> fixture = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "kb"
>>> out = tempfile.mkdtemp()
>>> _ = import_dump(fixture / "wikidata_dump.json.gz", out)
>>> idx = WikidataIndex.open(out)
>>> [e.id for e in idx.lookup("اسكتلندا", "ar")], idx.get("wd:Q42").labels["es"]
(['wd:Q22'], 'Douglas Adams')
>>> idx.get("Q8646").type, round(idx.get("Q8646").lat, 2)
('LOC', 22.28)
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from kg.kb.base import KBEntity
from kg.kb.wikidata import INDEX_FILE, SCHEMA_VERSION, default_dir
from kg.text.arabic import normalize_key

log = logging.getLogger(__name__)

_COLUMNS = "qid, type, sitelinks, en, ar, es, aliases, lat, lon, country"


@dataclass(eq=False)
class WikidataEntity(KBEntity):
    """A :class:`KBEntity` from the Wikidata index, with its sitelinks count."""

    sitelinks: int = 0

    def __repr__(self) -> str:
        return f"WikidataEntity({self.id!r}, {self.type}, {self.label('en')!r}, {self.sitelinks})"


def prior_of(sitelinks: int) -> float:
    """Ranking prior from the number of sitelinks: ``log10(1 + n)`` (0 to about 2.6).

    >>> prior_of(0), prior_of(99)
    (0.0, 2.0)
    """
    return round(math.log10(1 + max(sitelinks, 0)), 3)


def _qid_int(entity_id: str) -> int | None:
    text = entity_id.strip()
    if text.startswith("wd:"):
        text = text[3:]
    elif text.startswith("http://www.wikidata.org/entity/"):
        text = text.rsplit("/", 1)[1]
    if text[:1] in ("Q", "q") and text[1:].isdigit():
        return int(text[1:])
    return None


def index_fingerprint(directory: str | Path | None = None) -> str:
    """What tells one index apart from another for a build's version: the size and time of the
    index file :meth:`WikidataIndex.open` would open (``"none"`` without one). A new
    ``kg kb import`` changes it, so the next build links again (and drops memories of lookups).
    """
    path = _index_path(directory)
    try:
        st = path.stat() if path is not None else None
    except OSError:
        st = None
    return f"{st.st_size}-{st.st_mtime_ns}" if st is not None else "none"


def _index_path(directory: str | Path | None) -> Path | None:
    """The index file of ``directory`` (a folder, or the file itself; default
    :func:`kg.kb.wikidata.default_dir`), None when the index is turned off."""
    d = Path(directory) if directory is not None else default_dir()
    if d is None:
        return None
    return d / INDEX_FILE if d.is_dir() or not d.suffix else d


class WikidataIndex:
    """Read-only lookups in ``<dir>/wikidata.sqlite``. Use :meth:`open`."""

    def __init__(self, path: Path, con: sqlite3.Connection, meta: dict[str, str]) -> None:
        self.path = path
        self.meta = meta
        self._con = con
        self._lock = threading.Lock()

    @classmethod
    def open(cls, directory: str | Path | None = None) -> WikidataIndex | None:
        """The index in ``directory`` (default :func:`kg.kb.wikidata.default_dir`), or ``None``
        when there is none, it is turned off (``MKG_KB_DIR=off``) or it is unreadable."""
        path = _index_path(directory)
        if path is None or not path.is_file():
            return None
        try:
            con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                                  check_same_thread=False)
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as exc:
            log.warning("%s: not a readable Wikidata index (%s); ignored", path, exc)
            return None
        if meta.get("schema") != SCHEMA_VERSION:
            log.warning("%s: index schema %s, expected %s; run `kg kb import` again",
                        path, meta.get("schema"), SCHEMA_VERSION)
            con.close()
            return None
        return cls(path, con, meta)

    def close(self) -> None:
        """Close the database connection."""
        self._con.close()

    def __len__(self) -> int:
        return int(self.meta.get("entities", 0))

    def __repr__(self) -> str:
        return f"WikidataIndex({str(self.path)!r}, {len(self)} entities)"

    def _rows(self, sql: str, params: tuple) -> list[tuple]:
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    def lookup(self, label: str, lang: str = "en", limit: int = 10) -> list[WikidataEntity]:
        """Entities with a name whose normalised key equals ``label``'s, most sitelinks first."""
        key = normalize_key(label, lang)
        if not key:
            return []
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM entities WHERE qid IN "
            "(SELECT qid FROM names WHERE key = ?) ORDER BY sitelinks DESC, qid LIMIT ?",
            (key, limit))
        return [_entity(r) for r in rows]

    def get(self, entity_id: str) -> WikidataEntity | None:
        """The entry for ``wd:Q42``, ``Q42`` or a Wikidata entity IRI, or ``None``."""
        qid = _qid_int(entity_id)
        if qid is None:
            return None
        rows = self._rows(f"SELECT {_COLUMNS} FROM entities WHERE qid = ?", (qid,))
        return _entity(rows[0]) if rows else None

    def stats(self) -> dict[str, int]:
        """Entity counts by type, as recorded at import."""
        return {k[5:]: int(v) for k, v in self.meta.items() if k.startswith("kept_")}


def _entity(row: tuple) -> WikidataEntity:
    qid, etype, sitelinks, en, ar, es, aliases, lat, lon, country = row
    labels = {lg: v for lg, v in (("en", en), ("ar", ar), ("es", es)) if v}
    return WikidataEntity(
        id=f"wd:Q{qid}", type=etype, labels=labels,
        aliases=json.loads(aliases) if aliases else {}, wikidata=f"Q{qid}",
        lat=lat, lon=lon, country=country, kind="wikidata", prior=prior_of(sitelinks),
        sitelinks=sitelinks)
