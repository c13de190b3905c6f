"""``kg analyze``: compute every network and metric, write them back into the store, report.

:func:`run_analysis` reads the store once (:func:`~kg.analysis.corpus.load_corpus`), builds the
co-occurrence network over all editions and per edition, computes the metrics, replaces the
analysis graph (``mkgr:graph/analysis``) and writes to ``out_dir``:

=========================  =====================================================================
``report.html``            one self-contained page in the chosen language: tables and inline SVG
                           charts, no scripts
``entities.csv``           every mentioned entity with its labels and metrics
``communities.csv``        one row per (community, member)
``edition_coverage.csv``   each entity's and event's share of coverage per edition
``distinctive.csv``        per edition, what it covers that the others barely do
``edition_metrics.csv``    PageRank and degree within each edition's own network
``timeline.csv``           articles per day and per ISO week, per entity and per edition
``cooccurrence.graphml``   the co-occurrence network with all node metrics (Gephi, yEd)
``cooccurrence.gexf``      the same for Gephi
=========================  =====================================================================

>>> import tempfile
>>> from kg.analysis.sample import sample_store
>>> report = run_analysis(sample_store(), Path(tempfile.mkdtemp()))
>>> report.n_articles, report.n_editions
(8, 3)
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import networkx as nx
from pyoxigraph import BlankNode, Literal

from kg.analysis import svg
from kg.analysis.corpus import LANGS, NO_EDITION, Corpus, load_corpus, local_name
from kg.analysis.editions import CoverageRow, distinctive, entity_coverage, event_coverage
from kg.analysis.metrics import NetworkMetrics, network_metrics
from kg.analysis.networks import cooccurrence_graph, entity_event_graph
from kg.analysis.timeline import (
    dated_articles,
    edition_timeline,
    entity_timeline,
    periods,
    uncertain_articles,
)
from kg.messages import count, direction, format_day, messages
from kg.rdf.store import GraphStore
from kg.rdf.vocab import ANALYSIS_GRAPH, MKG, XSD, n

__all__ = ["AnalysisReport", "run_analysis", "metric_triples", "write_metrics"]

#: Files :func:`run_analysis` writes, by role.
FILES = {
    "html": "report.html",
    "entities": "entities.csv",
    "communities": "communities.csv",
    "coverage": "edition_coverage.csv",
    "distinctive": "distinctive.csv",
    "edition_metrics": "edition_metrics.csv",
    "timeline": "timeline.csv",
    "graphml": "cooccurrence.graphml",
    "gexf": "cooccurrence.gexf",
}


@dataclass
class AnalysisReport:
    """What :func:`run_analysis` computed and wrote."""

    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    n_articles: int = 0
    n_editions: int = 0
    n_entities: int = 0
    n_edges: int = 0
    n_events: int = 0
    n_communities: int = 0
    n_triples: int = 0
    n_uncertain_dates: int = 0  # articles left off the time axis: their date is a guess
    betweenness_exact: bool = True
    edition_articles: dict[str, int] = field(default_factory=dict)  # edition name -> articles
    top_entities: list[tuple[str, float]] = field(default_factory=list)  # (label, PageRank)

    def summary(self) -> str:
        """A few lines for the terminal."""
        lines = [
            f"analysed {self.n_articles} articles in {self.n_editions} editions: "
            f"{self.n_entities} entities, {self.n_edges} co-occurrence links, "
            f"{self.n_communities} communities, {self.n_events} events",
            "editions: " + ", ".join(f"{k} ({v})" for k, v in self.edition_articles.items()),
            "top by PageRank: " + ", ".join(f"{label} ({pr:.4f})"
                                           for label, pr in self.top_entities[:5]),
            f"wrote {self.n_triples} triples to <{ANALYSIS_GRAPH}>",
            f"report: {self.files.get('html', self.out_dir)}",
        ]
        if self.n_uncertain_dates:
            lines.append(f"{self.n_uncertain_dates} article(s) with an uncertain date, "
                         "left off the time axis")
        if not self.betweenness_exact:
            lines.append("betweenness estimated from a seeded sample of sources (large graph)")
        return "\n".join(lines)


# -- into the graph ----------------------------------------------------------------------------

def _double(x: float) -> Literal:
    return Literal(repr(float(x)), datatype=n(XSD + "double"))


def _integer(x: int) -> Literal:
    return Literal(str(int(x)), datatype=n(XSD + "integer"))


def metric_triples(metrics: NetworkMetrics, G: nx.Graph,
                   per_edition: dict[str, tuple[nx.Graph, NetworkMetrics]] | None = None) -> list:
    """Triples ``?entity mkg:pageRank, mkg:degree, mkg:community, ...`` for every node of ``G``.

    Also ``mkg:betweenness``, ``mkg:coreNumber``, ``mkg:articleCount``, and for each edition
    ``?entity mkg:editionMetrics [ mkg:edition ?ed ; mkg:pageRank ; mkg:degree ; mkg:articleCount ]``.
    """
    p = {k: n(MKG + k) for k in ("pageRank", "degree", "community", "betweenness", "coreNumber",
                                  "articleCount", "editionMetrics", "edition")}
    triples = []
    for node in sorted(G):
        s = n(node)
        triples += [
            (s, p["pageRank"], _double(metrics.pagerank[node])),
            (s, p["degree"], _integer(metrics.degree[node])),
            (s, p["community"], _integer(metrics.community[node])),
            (s, p["betweenness"], _double(metrics.betweenness[node])),
            (s, p["coreNumber"], _integer(metrics.core[node])),
            (s, p["articleCount"], _integer(G.nodes[node].get("articles", 0))),
        ]
    for ed, (H, m) in sorted((per_edition or {}).items()):
        for node in sorted(H):
            b = BlankNode()
            triples += [
                (n(node), p["editionMetrics"], b),
                (b, p["edition"], n(ed)),
                (b, p["pageRank"], _double(m.pagerank[node])),
                (b, p["degree"], _integer(m.degree[node])),
                (b, p["articleCount"], _integer(H.nodes[node].get("articles", 0))),
            ]
    return triples


def write_metrics(store: GraphStore, triples: list) -> int:
    """Replace the analysis graph with ``triples``; returns how many were written."""
    store.replace_graph(ANALYSIS_GRAPH, triples)
    return len(triples)


# -- the whole run -----------------------------------------------------------------------------

def run_analysis(store: GraphStore, out_dir: Path | str, write_back: bool = True,
                 lang: str = "en") -> AnalysisReport:
    """Analyse ``store``, write the metrics back (unless ``write_back=False``) and the report.

    ``lang`` (``en``, ``ar``, ``es``) is the report's language: its headings, tables, charts,
    dates and labels (Arabic right-to-left). Articles whose date is uncertain
    (``mkg:dateUncertain``) are listed apart and left off the time axis.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    corpus = load_corpus(store)
    uncertain = uncertain_articles(store) & corpus.articles.keys()
    G = cooccurrence_graph(corpus)
    metrics = network_metrics(G)
    sizes = corpus.edition_sizes()
    per_edition = {}
    for ed in sizes:
        H = cooccurrence_graph(corpus, ed)
        per_edition[ed] = (H, network_metrics(H, with_betweenness=False))
    ent_rows = entity_coverage(corpus, lang)
    ev_rows = event_coverage(corpus)
    special = {ed: distinctive(ent_rows).get(ed, []) + distinctive(ev_rows, min_articles=2).get(
        ed, []) for ed in sizes}

    n_triples = 0
    if write_back:
        n_triples = write_metrics(store, metric_triples(metrics, G, per_edition))

    files = {k: out_dir / name for k, name in FILES.items()}
    _write_entities_csv(files["entities"], corpus, G, metrics, per_edition)
    _write_communities_csv(files["communities"], corpus, metrics, lang)
    _write_rows_csv(files["coverage"], ent_rows + ev_rows)
    _write_distinctive_csv(files["distinctive"], special)
    _write_edition_metrics_csv(files["edition_metrics"], corpus, per_edition, lang)
    _write_timeline_csv(files["timeline"], corpus, lang, uncertain)
    _write_graph_files(files["graphml"], files["gexf"], corpus, G, metrics)
    files["html"].write_text(
        _html(corpus, G, metrics, per_edition, ent_rows, special, files, lang, uncertain),
        encoding="utf-8")

    ranked = metrics.ranked()
    return AnalysisReport(
        out_dir=out_dir,
        files=files,
        n_articles=len(corpus.articles),
        n_editions=len(sizes),
        n_entities=G.number_of_nodes(),
        n_edges=G.number_of_edges(),
        n_events=len(corpus.events),
        n_communities=len(metrics.communities),
        n_triples=n_triples,
        n_uncertain_dates=len(uncertain),
        betweenness_exact=metrics.betweenness_exact,
        edition_articles={corpus.edition_name(ed): k for ed, k in sizes.items()},
        top_entities=[(corpus.entity(e).label(lang), metrics.pagerank[e]) for e in ranked[:10]],
    )


# -- CSV ---------------------------------------------------------------------------------------

def _csv(path: Path, header: list[str], rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def _slug(edition: str) -> str:
    return local_name(edition) or "none"


def _write_entities_csv(path: Path, corpus: Corpus, G: nx.Graph, m: NetworkMetrics,
                        per_edition: dict) -> None:
    eds = list(per_edition)
    header = (["iri", "type", *(f"label_{lang}" for lang in LANGS), "articles", "degree",
               "strength", "pagerank", "betweenness", "core", "community"]
              + [f"articles_{_slug(ed)}" for ed in eds])
    rows = []
    for node in m.ranked():
        info = corpus.entity(node)
        rows.append([node, info.type, *(info.labels.get(lang, "") for lang in LANGS),
                     G.nodes[node]["articles"], m.degree[node], m.strength[node],
                     f"{m.pagerank[node]:.8g}", f"{m.betweenness[node]:.8g}", m.core[node],
                     m.community[node]]
                    + [per_edition[ed][0].nodes[node]["articles"] if node in per_edition[ed][0]
                       else 0 for ed in eds])
    _csv(path, header, rows)


def _write_communities_csv(path: Path, corpus: Corpus, m: NetworkMetrics, lang: str) -> None:
    rows = []
    for i, group in enumerate(m.communities):
        for node in sorted(group, key=lambda x: (-m.pagerank[x], x)):
            info = corpus.entity(node)
            rows.append([i, len(group), node, info.label(lang), info.type,
                         f"{m.pagerank[node]:.8g}"])
    _csv(path, ["community", "size", "iri", "label", "type", "pagerank"], rows)


def _write_rows_csv(path: Path, rows: list[CoverageRow]) -> None:
    header = ["kind", "iri", "label", "type", "edition", "edition_name", "articles", "total",
              "edition_size", "share", "rate", "normalised_share"]
    _csv(path, header, [[r.kind, r.item, r.label, r.type, r.edition, r.edition_name, r.articles,
                         r.total, r.edition_size, f"{r.share:.6g}", f"{r.rate:.6g}",
                         f"{r.normalised_share:.6g}"] for r in rows])


def _write_distinctive_csv(path: Path, special: dict[str, list[CoverageRow]]) -> None:
    rows = []
    for ed, items in special.items():
        for rank, r in enumerate(items, 1):
            rows.append([r.edition_name, ed, rank, r.kind, r.item, r.label, r.type, r.articles,
                         r.total, f"{r.share:.6g}", f"{r.normalised_share:.6g}"])
    _csv(path, ["edition_name", "edition", "rank", "kind", "iri", "label", "type", "articles",
                "total", "share", "normalised_share"], rows)


def _write_edition_metrics_csv(path: Path, corpus: Corpus, per_edition: dict, lang: str) -> None:
    rows = []
    for ed, (H, m) in per_edition.items():
        for rank, node in enumerate(m.ranked(), 1):
            rows.append([corpus.edition_name(ed), ed, rank, node, corpus.entity(node).label(lang),
                         H.nodes[node]["articles"], m.degree[node], f"{m.pagerank[node]:.8g}",
                         m.community[node]])
    _csv(path, ["edition_name", "edition", "rank", "iri", "label", "articles", "degree",
                "pagerank", "community"], rows)


def _write_timeline_csv(path: Path, corpus: Corpus, lang: str, skip: set[str]) -> None:
    """Counts per day and week; articles with an uncertain date (``skip``) are not counted."""
    rows = []
    for period in ("day", "week"):
        for ed, counts in edition_timeline(corpus, period, skip).items():
            rows += [[period, p, "edition", ed, corpus.edition_name(ed), k]
                     for p, k in counts.items()]
        for e, counts in entity_timeline(corpus, period, skip).items():
            label = corpus.entity(e).label(lang)
            rows += [[period, p, "entity", e, label, k] for p, k in counts.items()]
    _csv(path, ["granularity", "period", "kind", "iri", "label", "articles"], rows)


def _write_graph_files(graphml: Path, gexf: Path, corpus: Corpus, G: nx.Graph,
                       m: NetworkMetrics) -> None:
    H = nx.Graph()
    for node, d in G.nodes(data=True):
        info = corpus.entity(node)
        H.add_node(node, label=info.label("en"), type=d["type"], articles=int(d["articles"]),
                   **{f"label_{lang}": info.labels.get(lang, "") for lang in LANGS},
                   degree=int(m.degree[node]), pagerank=float(m.pagerank[node]),
                   betweenness=float(m.betweenness[node]), core=int(m.core[node]),
                   community=int(m.community[node]))
    H.add_edges_from((u, v, {"weight": int(w)}) for u, v, w in G.edges(data="weight"))
    nx.write_graphml(H, graphml, encoding="utf-8")  # lxml, streamed
    write_gexf(H, gexf)


def write_gexf(G: nx.Graph, path: Path) -> None:
    """GEXF 1.2 (namespace 1.2draft, as Gephi writes it) of an undirected graph with scalar
    node attributes and edge ``weight``.

    Streamed line by line (networkx's writer builds the whole XML tree in memory first).
    """
    from xml.sax.saxutils import quoteattr

    kinds = {bool: "boolean", int: "integer", float: "double", str: "string"}
    attrs: dict[str, str] = {}
    for _, d in G.nodes(data=True):
        for k, v in d.items():
            if k != "label":
                attrs.setdefault(k, kinds.get(type(v), "string"))
    ids = {k: str(i) for i, k in enumerate(attrs)}
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
                 '<graph defaultedgetype="undirected" mode="static">\n<attributes class="node">\n')
        for k, kind in attrs.items():
            fh.write(f'<attribute id="{ids[k]}" title={quoteattr(k)} type="{kind}"/>\n')
        fh.write("</attributes>\n<nodes>\n")
        for node, d in G.nodes(data=True):
            values = "".join(f'<attvalue for="{ids[k]}" value={quoteattr(_gexf_value(v))}/>'
                             for k, v in d.items() if k in ids)
            fh.write(f"<node id={quoteattr(str(node))} label={quoteattr(str(d.get('label', node)))}>"
                     f"<attvalues>{values}</attvalues></node>\n")
        fh.write("</nodes>\n<edges>\n")
        for i, (u, v, w) in enumerate(G.edges(data="weight", default=1)):
            fh.write(f'<edge id="{i}" source={quoteattr(str(u))} target={quoteattr(str(v))} '
                     f'weight="{w}"/>\n')
        fh.write("</edges>\n</graph>\n</gexf>\n")


def _gexf_value(v: object) -> str:
    return str(v).lower() if isinstance(v, bool) else str(v)


# -- HTML --------------------------------------------------------------------------------------

_CSS = """
body{font-family:"Noto Sans","Noto Sans Arabic","DejaVu Sans",Arial,sans-serif;margin:2em auto;
max-width:1100px;color:#222;line-height:1.4}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:.92em}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:start;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:end;font-variant-numeric:tabular-nums}
svg{direction:ltr;max-width:100%}
.ar{font-family:"Noto Naskh Arabic","Noto Sans Arabic","DejaVu Sans",serif;direction:rtl;
unicode-bidi:isolate;font-size:1.12em}
.muted{color:#777;font-size:.9em}
"""


def _td(value, num: bool = False) -> str:
    return f'<td class="num">{escape(str(value))}</td>' if num else f"<td>{escape(str(value))}</td>"


def _ar(text: str) -> str:
    return f'<td class="ar" dir="rtl" lang="ar">{escape(text)}</td>'


def _table(header: list[str], rows: list[str]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


@dataclass
class _Page:
    """What every section of the report reads: the data, and the page language's words."""

    corpus: Corpus
    G: nx.Graph
    m: NetworkMetrics
    per_edition: dict
    lang: str
    uncertain: set[str]
    t: dict[str, str] = field(init=False)
    label: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.t = messages(self.lang)
        self.label = {e: self.corpus.entity(e).label(self.lang) for e in self.G}

    def kind(self, code: str) -> str:
        """An entity type code (PER, ORG...) in the page language."""
        return self.t.get(code, code)

    def edition(self, ed: str) -> str:
        return self.t["no_edition"] if ed == NO_EDITION else self.corpus.edition_name(ed)


def _html(corpus: Corpus, G: nx.Graph, m: NetworkMetrics, per_edition: dict,
          ent_rows: list[CoverageRow], special: dict[str, list[CoverageRow]],
          files: dict[str, Path], lang: str, uncertain: set[str] = frozenset()) -> str:
    """The report page in ``lang`` (right-to-left for Arabic); uncertain dates listed apart."""
    page = _Page(corpus, G, m, per_edition, lang, set(uncertain))
    t = page.t
    parts = [f'<!DOCTYPE html><html lang="{lang}" dir="{direction(lang)}"><head><meta charset="utf-8">'
             f"<title>{escape(t['report_title'])}</title><style>{_CSS}</style></head><body>",
             f"<h1>{escape(t['report_heading'])}</h1>",
             "<p>" + escape(t["report_summary"].format(
                 articles=len(corpus.articles), editions=len(corpus.edition_sizes()),
                 entities=G.number_of_nodes(), links=G.number_of_edges(),
                 communities=len(m.communities), events=len(corpus.events))) + "</p>"]
    parts += _editions_section(page) + _central_section(page) + _communities_section(page)
    parts += _comparison_section(page, ent_rows, special) + _time_section(page)
    parts += _uncertain_section(page) + _events_section(page) + _files_section(page, files)
    return "\n".join([*parts, "</body></html>"])


def _editions_section(page: _Page) -> list[str]:
    corpus, t, lang = page.corpus, page.t, page.lang
    sizes = corpus.edition_sizes()
    dated = dated_articles(corpus, page.uncertain)
    rows = []
    for ed, k in sizes.items():
        H = page.per_edition[ed][0]
        days = sorted(a.day for a in dated if a.edition == ed)
        span = f"{format_day(days[0], lang)} – {format_day(days[-1], lang)}" if days else ""
        if any(corpus.articles[a].edition == ed for a in page.uncertain):
            span = f"{span} · {t['uncertain']}" if span else t["uncertain"]
        langs = Counter(a.lang for a in corpus.articles.values() if a.edition == ed)
        rows.append("<tr>" + _td(page.edition(ed)) + _td(", ".join(langs)) + _td(k, True)
                    + _td(H.number_of_nodes(), True) + _td(H.number_of_edges(), True)
                    + _td(span) + "</tr>")
    out = [f"<h2>{escape(t['editions'])}</h2>",
           _table([t[f"col_{c}"] for c in ("edition", "language", "articles", "entities", "links",
                                             "dates")], rows),
           svg.bar_chart([(page.edition(ed), k) for ed, k in sizes.items()],
                         title=t["chart_per_edition"])]
    weeks = periods(corpus, "week", page.uncertain)
    if len(weeks) > 1:
        tl = edition_timeline(corpus, "week", page.uncertain)
        out.append(svg.line_chart(
            weeks, {page.edition(ed): [tl.get(ed, {}).get(w, 0) for w in weeks] for ed in sizes},
            title=t["chart_weeks"]))
    return out


def _central_section(page: _Page) -> list[str]:
    corpus, m, t = page.corpus, page.m, page.t
    rows = []
    for rank, node in enumerate(m.ranked()[:40], 1):
        info = corpus.entity(node)
        rows.append("<tr>" + _td(rank, True) + _td(info.labels.get("en", page.label[node]))
                    + _ar(info.labels.get("ar", "")) + _td(info.labels.get("es", ""))
                    + _td(page.kind(info.type)) + _td(page.G.nodes[node]["articles"], True)
                    + _td(m.degree[node], True) + _td(f"{m.pagerank[node]:.4f}", True)
                    + _td(f"{m.betweenness[node]:.4f}", True) + _td(m.core[node], True)
                    + _td(m.community[node], True) + "</tr>")
    note = t["central_note"] + ("" if m.betweenness_exact else " " + t["betweenness_note"])
    header = [t["col_rank"], t["lang_en"], t["lang_ar"], t["lang_es"], t["col_type"],
              t["col_articles"], t["col_degree"], t["pagerank"], t["col_betweenness"],
              t["col_core"], t["col_community"]]
    return [f"<h2>{escape(t['central'])}</h2>", f'<p class="muted">{escape(note)}</p>',
            _table(header, rows)]


def _communities_section(page: _Page) -> list[str]:
    m, t = page.m, page.t
    rows = []
    for i, group in enumerate(m.communities[:20]):
        members = sorted(group, key=lambda x: (-m.pagerank[x], x))[:10]
        types = Counter(page.corpus.entity(x).type for x in group)
        rows.append("<tr>" + _td(i, True) + _td(len(group), True)
                    + _td(", ".join(f"{page.kind(k)} {n}" for k, n in types.most_common()))
                    + _td(", ".join(page.label[x] for x in members)) + "</tr>")
    header = [t["col_community"], t["col_size"], t["col_types"], t["col_members"]]
    return [f"<h2>{escape(t['communities'])}</h2>",
            f'<p class="muted">{escape(t["communities_note"])}</p>', _table(header, rows)]


def _comparison_section(page: _Page, ent_rows: list[CoverageRow],
                        special: dict[str, list[CoverageRow]]) -> list[str]:
    sizes, t = page.corpus.edition_sizes(), page.t
    if len(sizes) <= 1:
        return []
    by_item: dict[str, dict[str, float]] = {}
    for r in ent_rows:
        by_item.setdefault(r.item, {})[r.edition] = r.normalised_share
    top_items = [e for e in page.m.ranked() if e in by_item][:25]
    out = [f"<h2>{escape(t['comparison'])}</h2>",
           f'<p class="muted">{escape(t["comparison_note"])}</p>',
           svg.stacked_bars([(page.label[e], by_item[e]) for e in top_items], list(sizes),
                            {ed: page.edition(ed) for ed in sizes}, title=t["chart_shares"])]
    header = [t[f"col_{c}"] for c in ("item", "type", "here", "all", "share", "normalised")]
    for ed, items in special.items():
        rows = ["<tr>" + _td(r.label) + _td(t["EVENT"] if r.kind == "event" else page.kind(r.type))
                + _td(r.articles, True) + _td(r.total, True) + _td(f"{r.share:.0%}", True)
                + _td(f"{r.normalised_share:.0%}", True) + "</tr>" for r in items]
        out.append(f"<h3>{escape(t['covers'].format(edition=page.edition(ed)))}</h3>")
        out.append(_table(header, rows) if rows
                   else f'<p class="muted">{escape(t["nothing_stands_out"])}</p>')
    return out


def _time_section(page: _Page) -> list[str]:
    corpus, t, skip = page.corpus, page.t, page.uncertain
    weeks = periods(corpus, "week", skip)
    out = []
    if len(weeks) > 1:
        tl = entity_timeline(corpus, "week", skip)
        series = {page.label[e]: [tl.get(e, {}).get(w, 0) for w in weeks]
                  for e in page.m.ranked()[:8]}
        out += [f"<h2>{escape(t['over_time'])}</h2>",
                svg.line_chart(weeks, series, title=t["chart_leaders"])]
    busiest = Counter(a.day for a in dated_articles(corpus, skip)).most_common(5)
    if busiest:
        days = ", ".join(f"{escape(format_day(d, page.lang))} ({k})" for d, k in busiest)
        out.append(f"<p>{escape(t['busiest'])}: {days}</p>")
    return out


def _uncertain_section(page: _Page) -> list[str]:
    """The articles whose date is a guess, listed apart from the time axis."""
    items = sorted((page.corpus.articles[a] for a in page.uncertain if a in page.corpus.articles),
                   key=lambda a: (a.published, a.iri))
    if not items:
        return []
    t = page.t
    rows = "".join(f'<li><span dir="auto">{escape(a.headline or local_name(a.iri))}</span> '
                   f'<span class="muted">{escape(page.edition(a.edition))} · '
                   f"{escape(a.published[:16])}</span></li>" for a in items)
    return [f"<h2>{escape(t['uncertain_heading'])}</h2>",
            f'<p id="uncertain-dates">{escape(count("uncertain", len(items), page.lang))}. '
            f'<span class="muted">{escape(t["uncertain_note"])}</span></p>', f"<ul>{rows}</ul>"]


def _events_section(page: _Page) -> list[str]:
    corpus, t = page.corpus, page.t
    if not corpus.events:
        return []
    EG = entity_event_graph(corpus)
    types = Counter(ev.type or t["untyped"] for ev in corpus.events.values())
    return [f"<h2>{escape(t['events'])}</h2>",
            svg.bar_chart(types.most_common(15), title=t["events_by_type"]),
            "<p>" + escape(t["event_network"].format(nodes=EG.number_of_nodes(),
                                                     links=EG.number_of_edges())) + "</p>"]


def _files_section(page: _Page, files: dict[str, Path]) -> list[str]:
    links = " · ".join(f'<a href="{escape(p.name)}">{escape(p.name)}</a>'
                       for k, p in files.items() if k != "html")
    note = page.t["metrics_note"].format(graph=f"<{ANALYSIS_GRAPH}>")
    return [f"<h2>{escape(page.t['files'])}</h2>", f'<p dir="ltr">{links}</p>',
            f'<p class="muted">{escape(note)}</p>']
