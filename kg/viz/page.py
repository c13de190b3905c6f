"""``kg viz``: one self-contained, offline HTML page with the entity co-occurrence network.

The network is built with pyvis (nodes, edges, vis-network options), rendered through this
package's template, and every asset (vis-network's JS and CSS from the pyvis package, the page's
own script) is inlined: the page loads nothing from the network, so it works from a USB stick.

>>> import tempfile
>>> from kg.analysis.sample import sample_store
>>> page = write_viz(sample_store(), Path(tempfile.mkdtemp()) / "graph.html", lang="ar")
>>> html = page.read_text(encoding="utf-8")
>>> "غزة" in html and "<script src" not in html
True
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from html import escape
from pathlib import Path

import networkx as nx
import pyvis
from pyvis.network import Network

from kg.analysis.corpus import LANGS, NO_EDITION, Corpus, load_corpus
from kg.analysis.metrics import pagerank
from kg.analysis.networks import cooccurrence_graph
from kg.analysis.timeline import uncertain_articles
from kg.messages import count, direction, messages, month_names
from kg.rdf.store import GraphStore
from kg.rdf.vocab import ANALYSIS_GRAPH, entity_iri

__all__ = ["write_viz", "build_network", "resolve_entity", "VizError", "TYPE_STYLE",
           "assert_self_contained"]

TEMPLATES = Path(__file__).parent / "templates"
#: The interface words the page's script needs (the template's own come through ``/*@T:key@*/``).
SCRIPT_WORDS = ("articles_one", "articles_many", "pagerank", "no_match", "shown", "laying_out",
                "nothing_to_show", "uncertain", "uncertain_one", "uncertain_many", "lang_en",
                "lang_ar", "lang_es")
VIS_DIR = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"

#: Colour and English name of each entity type (the page shows the name in its own language).
TYPE_STYLE = {
    "PER": ("#e15759", "Person"),
    "ORG": ("#4e79a7", "Organisation"),
    "LOC": ("#59a14f", "Place"),
    "EVENT": ("#f28e2b", "Event"),
    "OTHER": ("#9c755f", "Other"),
}

FONT_FACE = "Noto Sans, Noto Sans Arabic, Noto Naskh Arabic, DejaVu Sans, Arial, sans-serif"
ARTICLES_PER_NODE = 5
_EPOCH = date(1970, 1, 1)


class VizError(ValueError):
    """A user error: unknown focus entity, bad language, nothing to draw."""


# -- choosing what to draw ---------------------------------------------------------------------

def _norm(text: str) -> str:
    """Case-, accent- and Arabic-diacritic-insensitive form of a label (same as the page's search)."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", text).casefold()
    folded = re.sub(r"[\u0300-\u036f\u064b-\u065f\u0670\u0640]", "", folded)
    folded = folded.replace("\u0629", "\u0647").replace("\u0649", "\u064a")
    return re.sub(r"\s+", " ", folded).strip()


def resolve_entity(corpus: Corpus, focus: str, candidates: set[str] | None = None) -> str:
    """The entity IRI that ``focus`` names: an IRI, a key (``PER:hassan_nasrallah``) or a label
    in any language (case, accents and Arabic diacritics ignored).

    Among entities sharing a label, the most mentioned wins. Raises :class:`VizError` if none.

    >>> from kg.analysis.sample import sample_store
    >>> resolve_entity(load_corpus(sample_store()), "حماس").rsplit("/", 1)[1]
    'ORG:hamas'
    """
    pool = candidates if candidates is not None else set(corpus.entity_articles())
    for iri in (focus, entity_iri(focus)):
        if iri in pool:
            return iri
    wanted = _norm(focus)
    counts = {e: len(a) for e, a in corpus.entity_articles().items()}
    matches = []
    for iri in pool:
        info = corpus.entity(iri)
        labels = [*info.labels.values(), *info.alt_labels]
        if any(_norm(label) == wanted for label in labels):
            matches.append(iri)
    if not matches:
        raise VizError(f"no entity matches {focus!r} (give an IRI, a key or a label)")
    return max(matches, key=lambda e: (counts.get(e, 0), e))


def _stored_pagerank(store: GraphStore) -> dict[str, float]:
    rows = store.select(f"SELECT ?e ?pr WHERE {{ GRAPH <{ANALYSIS_GRAPH}> {{ ?e mkg:pageRank ?pr }} }}")
    return {str(r["e"]): float(r["pr"]) for r in rows if "pr" in r}


def _prune_edges(G: nx.Graph, max_edges: int, per_node: int = 2) -> nx.Graph:
    """At most ``max_edges`` links: every node's strongest link always, then each node's next
    strongest (up to ``per_node``), then the strongest of the rest."""
    if G.number_of_edges() <= max_edges:
        return G
    ranked = {node: sorted(G[node].items(), key=lambda kv: (-kv[1]["weight"], kv[0]))
              for node in sorted(G)}
    keep: set[tuple[str, str]] = set()
    for node, links in ranked.items():  # nobody is left hanging
        if links:
            keep.add(tuple(sorted((node, links[0][0]))))
    candidates = [tuple(sorted((node, links[i][0])))
                  for i in range(1, per_node) for node, links in ranked.items() if len(links) > i]
    candidates += [tuple(sorted((u, v))) for u, v, _ in
                   sorted(G.edges(data="weight"), key=lambda e: (-e[2], e[0], e[1]))]
    for edge in candidates:
        if len(keep) >= max_edges:
            break
        keep.add(edge)
    H = nx.Graph()
    H.add_nodes_from(G.nodes(data=True))
    H.add_edges_from((u, v, G[u][v]) for u, v in keep)
    return H


def build_network(
    store: GraphStore,
    focus: str | None = None,
    top: int = 500,
    editions: list[str] | None = None,
    radius: int = 1,
    max_edges: int | None = None,
) -> tuple[Corpus, nx.Graph, dict[str, float], str | None]:
    """The co-occurrence subgraph to draw, its PageRank and the focus node (if any).

    PageRank comes from the analysis graph when ``kg analyze`` has run (and no edition filter
    is given), else it is computed here. ``focus`` keeps the ego network of that entity (radius 1
    or 2); ``top`` keeps the N nodes with the highest PageRank; edges are thinned to
    ``max_edges`` (default ``4 * top``; never below one link per node) keeping each
    node's strongest links.
    """
    if top < 1:
        raise VizError("--top must be at least 1")
    if radius not in (1, 2):
        raise VizError("radius must be 1 or 2")
    corpus = load_corpus(store)
    if editions:
        corpus = corpus.subset(editions)
        if not corpus.articles:
            raise VizError(f"no articles in edition(s) {', '.join(editions)}")
    G = cooccurrence_graph(corpus)
    pr = _stored_pagerank(store) if not editions else {}
    if not G or any(node not in pr for node in G):
        pr = pagerank(G)
    center = None
    if focus:
        center = resolve_entity(corpus, focus, set(G))
        G = nx.ego_graph(G, center, radius=radius)
    ranked = sorted(G, key=lambda x: (-pr.get(x, 0.0), x))
    keep = ranked[:top]
    if center is not None and center not in keep:
        keep = [center, *keep[: top - 1]]
    G = _prune_edges(G.subgraph(keep).copy(), max_edges if max_edges is not None else 4 * top)
    return corpus, G, {x: pr.get(x, 0.0) for x in G}, center


# -- the page ----------------------------------------------------------------------------------

def _options(n_nodes: int, lang: str) -> dict:
    iterations = 400 if n_nodes <= 200 else 250
    return {
        "autoResize": True,
        "locale": lang if lang in ("en", "es") else "en",  # vis-network has no Arabic locale
        "nodes": {
            "shape": "dot",
            "font": {"face": FONT_FACE, "size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"},
            "scaling": {"min": 6, "max": 40,
                        "label": {"enabled": True, "min": 14, "max": 44, "drawThreshold": 6,
                                  "maxVisible": 40}},
            "borderWidth": 1,
        },
        "edges": {
            "color": {"color": "rgba(140,140,140,0.35)", "highlight": "#333333",
                      "hover": "#555555"},
            "scaling": {"min": 1, "max": 8, "label": {"enabled": False}},
            "smooth": False,
        },
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": n_nodes > 200,
                        "multiselect": False},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"gravitationalConstant": -110, "centralGravity": 0.012,
                                 "springLength": 140, "springConstant": 0.05, "avoidOverlap": 1},
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25,
                              "fit": True},
        },
        "layout": {"randomSeed": 42, "improvedLayout": n_nodes <= 100},
    }


def _day(d: date) -> int:
    return (d - _EPOCH).days


def write_viz(
    store: GraphStore,
    out_file: Path | str,
    focus: str | None = None,
    top: int = 500,
    lang: str = "en",
    editions: list[str] | None = None,
    radius: int = 1,
    max_edges: int | None = None,
) -> Path:
    """Write the interactive network page to ``out_file`` and return its path.

    - nodes: entities, coloured by type, sized by PageRank, labelled in ``lang`` (falling back to
      the other languages); tooltip with the labels in all three languages, the article count and
      a few headlines; clicking a node lists links to its articles;
    - filters by type, edition and date range, and a search box (labels in any language);
    - ``focus``: the ego network (``radius`` 1 or 2) of an entity given by IRI, key or label;
    - ``top``: at most that many nodes, by PageRank; ``editions``: only those editions' articles.

    The layout is computed once (physics stabilises, then stops). Raises :class:`VizError` for a
    user error (unknown entity, unknown language, empty edition).
    """
    if lang not in LANGS:
        raise VizError(f"--lang must be one of {', '.join(LANGS)}, not {lang!r}")
    corpus, G, pr, center = build_network(store, focus, top, editions, radius, max_edges)
    uncertain = uncertain_articles(store) & corpus.articles.keys()
    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    t = messages(lang)

    net = Network(height="100%", width="100%", bgcolor="#ffffff", cdn_resources="in_line")
    type_counts = _add_nodes(net, corpus, G, pr, center, lang, uncertain)
    for i, (u, v, w) in enumerate(sorted(G.edges(data="weight"))):
        # appended directly: pyvis' add_edge rescans every edge (quadratic); pairs are unique here
        net.edges.append({"id": i, "from": u, "to": v, "value": w, "title": count("both", w, lang)})
    net.options = _options(G.number_of_nodes(), lang)
    net.set_template_dir(str(TEMPLATES), "viz.html")
    net.templateEnv.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    net.heading = _heading(corpus, focus and center, lang, G)

    days = [a.day for iri, a in corpus.articles.items() if a.day is not None and iri not in uncertain]
    meta = {
        "langs": list(LANGS),
        "lang": lang,
        "types": {typ: {"color": c, "name": t.get(typ, name), "count": type_counts.get(typ, 0)}
                  for typ, (c, name) in TYPE_STYLE.items()},
        "editions": [{"iri": ed, "name": _edition_name(corpus, ed, t), "articles": k}
                     for ed, k in corpus.edition_sizes().items()],
        "first": _day(min(days)) if days else None,
        "last": _day(max(days)) if days else None,
        "focus": center,
        "uncertain": len(uncertain),
        "t": {k: t[k] for k in SCRIPT_WORDS},
        "months": month_names(lang),
    }
    html = net.generate_html(name=out_file.name)
    html = _inline(html, meta, lang)
    assert_self_contained(html)
    out_file.write_text(html, encoding="utf-8")
    return out_file


def _edition_name(corpus: Corpus, edition: str, t: dict[str, str]) -> str:
    return t["no_edition"] if edition == NO_EDITION else corpus.edition_name(edition)


def _add_nodes(net: Network, corpus: Corpus, G: nx.Graph, pr: dict[str, float],
               center: str | None, lang: str, uncertain: set[str]) -> dict[str, int]:
    """One vis node per entity; returns how many nodes each type has.

    ``eds``: edition index -> the days (since 1970) of its articles mentioning the entity, for
    the date filter; ``ued``: editions whose articles have only a guessed date (shown unless
    the user leaves them out, never on the date axis); ``arts``: the latest few articles as
    ``[headline, url, day, edition index, uncertain]``.
    """
    ed_index = {ed: i for i, ed in enumerate(corpus.edition_sizes())}
    entity_articles = corpus.entity_articles()
    max_pr = max(pr.values(), default=0.0) or 1.0
    type_counts: dict[str, int] = {}
    for node in sorted(G, key=lambda x: (-pr[x], x)):
        info = corpus.entity(node)
        typ = info.type if info.type in TYPE_STYLE else "OTHER"
        type_counts[typ] = type_counts.get(typ, 0) + 1
        arts = sorted(entity_articles.get(node, ()),
                      key=lambda a: (a not in uncertain, corpus.articles[a].published, a),
                      reverse=True)
        eds: dict[str, set[int]] = {}
        ued: set[int] = set()
        for a in arts:
            art = corpus.articles[a]
            days = eds.setdefault(str(ed_index[art.edition]), set())
            if a in uncertain:
                ued.add(ed_index[art.edition])
            elif art.day is not None:
                days.add(_day(art.day))
        net.add_node(
            node, label=info.label(lang), color=TYPE_STYLE[typ][0],
            value=math.sqrt(pr[node] / max_pr), shape="star" if node == center else "dot",
            etype=typ, labels={k: info.labels.get(k, "") for k in LANGS}, alt=info.alt_labels[:8],
            n=len(arts), pr=round(pr[node], 6),
            eds={k: sorted(v) for k, v in eds.items()}, ued=sorted(ued),
            arts=[[corpus.articles[a].headline or a, corpus.articles[a].url or a,
                   corpus.articles[a].published[:10], ed_index[corpus.articles[a].edition],
                   int(a in uncertain)]
                  for a in arts[:ARTICLES_PER_NODE]],
        )
    return type_counts


def _heading(corpus: Corpus, center: str | None, lang: str, G: nx.Graph) -> str:
    t = messages(lang)
    if center:
        return t["around"].format(label=corpus.entity(center).label(lang))
    return t["network_heading"].format(n=G.number_of_nodes())


def _script_safe(text: str) -> str:
    """Text that cannot end the ``<script>``/``<style>`` element it is inlined into."""
    return re.sub(r"</(script|style)", r"<\\/\1", text, flags=re.IGNORECASE)


def _inline(html: str, meta: dict, lang: str) -> str:
    replacements = {
        "/*@VIS_CSS@*/": _script_safe((VIS_DIR / "vis-network.css").read_text(encoding="utf-8")),
        "/*@VIS_JS@*/": _script_safe((VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8")),
        "/*@APP_JS@*/": _script_safe((TEMPLATES / "app.js").read_text(encoding="utf-8")),
        "/*@META@*/": json.dumps(meta, ensure_ascii=False).replace("<", "\\u003c"),
        "/*@LANG@*/": lang,
        "/*@DIR@*/": direction(lang),
    }
    replacements.update({f"/*@T:{k}@*/": escape(v) for k, v in messages(lang).items()})
    # one pass, so inlined code is never searched for further markers
    pattern = re.compile("|".join(re.escape(k) for k in replacements))
    return pattern.sub(lambda m: replacements[m.group(0)], html)


_EXTERNAL = re.compile(
    r"<(?:script|img|iframe|audio|video|source)\b[^>]*\bsrc\s*=|<link\b[^>]*\bhref\s*=|@import",
    re.IGNORECASE)


def assert_self_contained(html: str) -> None:
    """Raise ``AssertionError`` if the page would load a script, style or image from elsewhere."""
    found = _EXTERNAL.search(html)
    if found:
        raise AssertionError(f"page is not self-contained: {html[found.start():found.start() + 80]}")
