"""What a ``--store`` value opens: a folder (the embedded store) or a SPARQL server's URL.

The one place that decides: every command and :func:`kg.build.build` call :func:`open_store`.
A URL's scheme picks the opener in :data:`OPENERS`; anything else is a folder.

>>> store_kind("kg-store"), store_kind("http://127.0.0.1:7878"), store_kind("sparql+https://db/news")
('folder', 'http', 'sparql+https')
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from kg.rdf.store import GraphStore, StoreError

__all__ = ["OPENERS", "open_store", "store_kind"]

_URL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")


def _remote(spec: str, read_only: bool, create: bool, staged: bool, state: str | Path | None):
    from kg.rdf.remote import RemoteGraphStore

    return RemoteGraphStore(spec, read_only=read_only, create=create, staged=staged, state=state)


def _folder(spec: str, read_only: bool, create: bool, staged: bool, state: str | Path | None):
    return GraphStore(spec, read_only=read_only, create=create, staged=staged)


#: store kind -> opener(spec, read_only, create, staged, state); "folder" is the default
OPENERS: dict[str, Callable[..., object]] = {
    "folder": _folder,
    "http": _remote, "https": _remote, "sparql+http": _remote, "sparql+https": _remote,
}


def store_kind(spec: str | Path) -> str:
    """``folder``, or the scheme of a store URL (a key of :data:`OPENERS`, or an error)."""
    match = _URL.match(str(spec))
    if match is None:
        return "folder"
    scheme = match.group(1).lower()
    if scheme not in OPENERS:
        raise StoreError(f"{spec}: unknown kind of store (a folder, http://HOST:PORT for an "
                         "Oxigraph server, or sparql+http://HOST:PORT/DATASET)")
    return scheme


def open_store(spec: str | Path, read_only: bool = True, create: bool = False,
               staged: bool = False, state: str | Path | None = None):
    """The store ``spec`` names: a :class:`GraphStore` for a folder, a
    :class:`~kg.rdf.remote.RemoteGraphStore` for a server URL (whose writer keeps the build's
    state in ``state``; a folder store keeps it in its own folder and ignores ``state``).

    ``create=False`` refuses a store that does not exist yet (:class:`FileNotFoundError`).

    >>> open_store("no/such/store")
    Traceback (most recent call last):
    FileNotFoundError: no store at no/such/store (run `kg build` first)
    """
    return OPENERS[store_kind(spec)](str(spec), read_only, create, staged, state)
