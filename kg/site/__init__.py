"""Browsing the graph: a page for every entity, article, event and edition.

:mod:`kg.site.data` reads what a page shows from the store (SPARQL only), :mod:`kg.site.render`
writes self-contained HTML in the page language. :func:`write_site` writes them all as a static
site that opens from the file system (``kg site``); :func:`respond` answers one resource path for
``kg serve`` (HTML, or Turtle / JSON-LD / N-Triples by ``Accept``).

>>> import tempfile
>>> from pathlib import Path
>>> from kg.analysis.sample import sample_store
>>> out = write_site(sample_store(), Path(tempfile.mkdtemp()) / "site", lang="es")
>>> (out / "index.html").is_file(), len(list((out / "entity").glob("*.html"))) > 5
(True, True)
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote

from kg.rdf.store import GraphStore
from kg.rdf.vocab import MKGR, iri_part
from kg.site import data as d
from kg.site.render import Links, file_name, index_page, not_found_page, page_for

__all__ = ["write_site", "respond", "SiteError", "RDF_MEDIA"]

#: media type -> rdf_of format, for content negotiation on resource paths
RDF_MEDIA = {"text/turtle": "turtle", "application/ld+json": "jsonld", "application/n-triples": "nt"}
HTML_MEDIA = ("text/html", "application/xhtml+xml")
_FORMAT_PARAM = {"turtle": "text/turtle", "ttl": "text/turtle", "jsonld": "application/ld+json",
                 "nt": "application/n-triples"}


class SiteError(ValueError):
    """A user error: bad language."""


def write_site(store: GraphStore, out: Path | str, lang: str = "en") -> Path:
    """Write ``index.html`` (search) and ``entity/``, ``article/``, ``event/``, ``edition/`` pages
    into ``out``; links are relative, so the folder works from disk with no network."""
    if lang not in ("en", "ar", "es"):
        raise SiteError(f"unknown language {lang!r} (en, ar or es)")
    out = Path(out)
    resources = d.all_resources(store)
    known = {iri for iris in resources.values() for iri in iris}
    page_links = Links("static", depth=1, known=known)
    for kind, iris in resources.items():
        (out / kind).mkdir(parents=True, exist_ok=True)
        for iri in iris:
            html = page_for(store, iri, page_links, lang)
            if html is not None:
                (out / file_name(iri)).write_text(html, encoding="utf-8")
    entries = d.search_entries(store)
    names = d.labels(store, resources["edition"])
    editions = [(iri, d.pick(names.get(iri, {}), lang, d.local(iri))) for iri in resources["edition"]]
    counts = {k + "s" if not k.endswith("y") else "entities": len(v) for k, v in resources.items()}
    (out / "index.html").write_text(
        index_page(entries, editions, Links("static", depth=0, known=known), lang, counts),
        encoding="utf-8")
    return out


def _negotiate(accept: str, query: str) -> str:
    wanted = parse_qs(query).get("format", [""])[0]
    if wanted in _FORMAT_PARAM:
        return _FORMAT_PARAM[wanted]
    for part in accept.split(","):
        media = part.split(";")[0].strip()
        if media in HTML_MEDIA or media in RDF_MEDIA:
            return media
    return "text/html"


def path_iri(store: GraphStore, path: str) -> str | None:
    """The resource IRI a server path names (``/entity/kb:hamas``), if the store knows it."""
    rest = path.lstrip("/")
    for candidate in (rest, unquote(rest), iri_part(unquote(rest), safe="-_.:/%")):
        iri = MKGR + candidate
        if d.resource_kind(iri) and d.exists(store, iri):
            return iri
    return None


def respond(store: GraphStore, path: str, query: str = "", accept: str = "",
            lang: str = "en") -> tuple[int, str, bytes]:
    """``kg serve``'s answer to a resource path: (status, media type, body).

    >>> from kg.analysis.sample import sample_store
    >>> status, media, body = respond(sample_store(), "/entity/ORG:hamas", accept="text/turtle")
    >>> status, media, b"Organization" in body
    (200, 'text/turtle', True)
    >>> respond(sample_store(), "/entity/nothing")[0]
    404
    """
    lang = parse_qs(query).get("lang", [lang])[0]
    lang = lang if lang in ("en", "ar", "es") else "en"
    links = Links("serve", lang=lang)
    if path in ("/", "/index.html"):
        resources = d.all_resources(store)
        names = d.labels(store, resources["edition"])
        editions = [(i, d.pick(names.get(i, {}), lang, d.local(i))) for i in resources["edition"]]
        counts = {k + "s" if not k.endswith("y") else "entities": len(v) for k, v in resources.items()}
        html = index_page(d.search_entries(store), editions, links, lang, counts)
        return 200, "text/html", html.encode("utf-8")
    iri = path_iri(store, path)
    media = _negotiate(accept, query)
    if iri is None:
        if media in RDF_MEDIA:
            return 404, "text/plain", b"not found\n"
        return 404, "text/html", not_found_page(links, lang).encode("utf-8")
    if media in RDF_MEDIA:
        return 200, media, d.rdf_of(store, iri, RDF_MEDIA[media])
    html = page_for(store, iri, links, lang)
    if html is None:
        return 404, "text/html", not_found_page(links, lang).encode("utf-8")
    return 200, "text/html", html.encode("utf-8")
