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
>>> out = write_site(sample_store(), Path(tempfile.mkdtemp()) / "site", lang="all")
>>> sorted(p.name for p in out.iterdir()), (out / "ar" / "compare.html").is_file()
(['ar', 'en', 'es', 'index.html'], True)
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote

from kg.messages import LANG_NAMES
from kg.rdf.store import GraphStore
from kg.rdf.vocab import MKGR, iri_part
from kg.site import data as d
from kg.site.render import (
    Links,
    compare_page,
    file_name,
    index_page,
    not_found_page,
    page_for,
)

__all__ = ["write_site", "respond", "SiteError", "RDF_MEDIA", "site_langs", "accept_language"]

#: media type -> rdf_of format, for content negotiation on resource paths
RDF_MEDIA = {"text/turtle": "turtle", "application/ld+json": "jsonld", "application/n-triples": "nt"}
HTML_MEDIA = ("text/html", "application/xhtml+xml")
_FORMAT_PARAM = {"turtle": "text/turtle", "ttl": "text/turtle", "jsonld": "application/ld+json",
                 "nt": "application/n-triples"}


class SiteError(ValueError):
    """A user error: bad language."""


LANGS = ("en", "ar", "es")


def site_langs(lang: str) -> tuple[str, ...]:
    """The languages ``kg site --lang`` asks for: one, a comma list, or ``all``.

    >>> site_langs("all"), site_langs("ar,en")
    (('en', 'ar', 'es'), ('ar', 'en'))
    """
    langs = LANGS if lang == "all" else tuple(x.strip() for x in lang.split(",") if x.strip())
    bad = [x for x in langs if x not in LANGS]
    if bad or not langs:
        raise SiteError(f"unknown language {', '.join(bad) or lang!r} (en, ar, es or all)")
    return langs


def write_site(store: GraphStore, out: Path | str, lang: str = "en") -> Path:
    """Write ``index.html`` (search), ``compare.html`` and ``entity/``, ``article/``, ``event/``,
    ``edition/``, ``story/`` pages into ``out``; links are relative, so the folder works from disk
    with no network. With several languages (``lang="all"`` or ``"en,ar"``) each gets its own tree
    ``out/en``, ``out/ar``... with a language switch on every page, and ``out/index.html`` points
    at the first."""
    langs = site_langs(lang)
    out = Path(out)
    resources = d.all_resources(store)
    if len(langs) == 1:
        _write_tree(store, out, langs[0], resources, ())
        return out
    for x in langs:
        _write_tree(store, out / x, x, resources, langs)
    out.joinpath("index.html").write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="refresh" '
        f'content="0; url={langs[0]}/index.html"><title>mkg</title></head><body>'
        + " · ".join(f'<a href="{x}/index.html" hreflang="{x}">{LANG_NAMES[x]}</a>' for x in langs)
        + "</body></html>\n", encoding="utf-8")
    return out


def _write_tree(store: GraphStore, out: Path, lang: str, resources: dict[str, list[str]],
                langs: tuple[str, ...]) -> None:
    known = {iri for iris in resources.values() for iri in iris}
    page_links = Links("static", depth=1, known=known, langs=langs)
    for kind, iris in resources.items():
        (out / kind).mkdir(parents=True, exist_ok=True)
        for iri in iris:
            html = page_for(store, iri, page_links, lang)
            if html is not None:
                (out / file_name(iri)).write_text(html, encoding="utf-8")
    top = Links("static", depth=0, known=known, langs=langs)
    (out / "index.html").write_text(_index(store, resources, top, lang), encoding="utf-8")
    (out / "compare.html").write_text(compare_page(d.compare_data(store), top, lang), encoding="utf-8")


def _index(store: GraphStore, resources: dict[str, list[str]], links: Links, lang: str) -> str:
    names = d.labels(store, resources["edition"])
    editions = [(iri, d.pick(names.get(iri, {}), lang, d.local(iri))) for iri in resources["edition"]]
    plural = {"entity": "entities", "story": "stories"}
    counts = {plural.get(k, k + "s"): len(v) for k, v in resources.items()}
    return index_page(d.search_entries(store), editions, links, lang, counts)


def accept_language(header: str) -> str | None:
    """The first of en/ar/es in an ``Accept-Language`` header, by preference.

    >>> accept_language("fr-CH, fr;q=0.9, es;q=0.8, ar;q=0.7"), accept_language("de")
    ('es', None)
    """
    ranked = []
    for i, part in enumerate(header.split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        base = tag.split("-")[0].strip().lower()
        if base in LANGS and weight > 0:
            ranked.append((-weight, i, base))
    return min(ranked)[2] if ranked else None


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
            lang: str = "en", accept_lang: str = "") -> tuple[int, str, bytes]:
    """``kg serve``'s answer to a resource path: (status, media type, body). The page language is
    ``?lang=``, else the ``Accept-Language`` header's first of en/ar/es, else ``lang``.

    >>> from kg.analysis.sample import sample_store
    >>> status, media, body = respond(sample_store(), "/entity/ORG:hamas", accept="text/turtle")
    >>> status, media, b"Organization" in body
    (200, 'text/turtle', True)
    >>> respond(sample_store(), "/entity/nothing")[0]
    404
    >>> b'lang="ar"' in respond(sample_store(), "/entity/ORG:hamas", accept_lang="ar,en;q=0.5")[2]
    True
    """
    lang = parse_qs(query).get("lang", [accept_language(accept_lang) or lang])[0]
    lang = lang if lang in LANGS else "en"
    links = Links("serve", lang=lang)
    if path in ("/", "/index.html"):
        return 200, "text/html", _index(store, d.all_resources(store), links, lang).encode("utf-8")
    if path in ("/compare", "/compare.html"):
        return 200, "text/html", compare_page(d.compare_data(store), links, lang).encode("utf-8")
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
