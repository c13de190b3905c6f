"""The browsing pages as self-contained HTML: inline CSS and JS, nothing loaded from the network.

Each ``*_page`` function takes the dict of :mod:`kg.site.data` and a :class:`Links` (how to
reach other pages: relative files for the static site, server paths for ``kg serve``) and returns
one HTML document in the page language (``en``, ``ar`` right-to-left, ``es``).

>>> from kg.analysis.sample import sample_store
>>> from kg.site.data import entity_data
>>> from kg.rdf.vocab import MKGR
>>> html = entity_page(entity_data(sample_store(), MKGR + "entity/ORG:hamas"), Links("serve"), "ar")
>>> 'dir="rtl"' in html and "حماس" in html and "<script src" not in html
True
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from html import escape
from urllib.parse import quote, unquote

from kg.rdf.vocab import MKGR
from kg.site.data import pick, resource_kind

__all__ = ["Links", "T", "entity_page", "article_page", "event_page", "edition_page", "index_page",
           "not_found_page"]

#: interface strings, by page language
T: dict[str, dict[str, str]] = {
    "en": {"home": "Home", "search": "Search entities in any language…", "labels": "Labels",
           "type": "Type", "links": "Links", "mentions_time": "Mentions over time, per edition",
           "articles": "Articles", "co": "Mentioned with", "events": "Events", "edition": "Edition",
           "date": "Date", "language": "Language", "author": "Author", "source": "Source",
           "text": "Text", "same_story": "The same story in other editions", "confidence": "confidence",
           "evidence": "evidence", "actors": "Actors", "places": "Places", "time": "Time",
           "reports": "Reports", "top": "Most mentioned", "only": "Mentioned only in this edition",
           "editions": "Editions", "entities": "Entities", "not_found": "Nothing is known about this page.",
           "none": "none", "also": "Also known as", "PER": "Person", "ORG": "Organisation",
           "LOC": "Place", "EVENT": "Event", "OTHER": "Other", "map": "Point", "results": "results",
           "data": "Data"},
    "ar": {"home": "الرئيسية", "search": "ابحث عن كيان بأي لغة…", "labels": "التسميات",
           "type": "النوع", "links": "روابط", "mentions_time": "الإشارات عبر الزمن، حسب النسخة",
           "articles": "المقالات", "co": "يذكر مع", "events": "الأحداث", "edition": "النسخة",
           "date": "التاريخ", "language": "اللغة", "author": "الكاتب", "source": "المصدر",
           "text": "النص", "same_story": "القصة نفسها في نسخ أخرى", "confidence": "الثقة",
           "evidence": "الدليل", "actors": "الفاعلون", "places": "الأماكن", "time": "الوقت",
           "reports": "التقارير", "top": "الأكثر ذكرا", "only": "يذكر في هذه النسخة فقط",
           "editions": "النسخ", "entities": "الكيانات", "not_found": "لا يعرف شيء عن هذه الصفحة.",
           "none": "لا شيء", "also": "يعرف أيضا باسم", "PER": "شخص", "ORG": "منظمة",
           "LOC": "مكان", "EVENT": "حدث", "OTHER": "آخر", "map": "الموقع", "results": "نتائج",
           "data": "البيانات"},
    "es": {"home": "Inicio", "search": "Busca entidades en cualquier idioma…", "labels": "Nombres",
           "type": "Tipo", "links": "Enlaces", "mentions_time": "Menciones en el tiempo, por edición",
           "articles": "Artículos", "co": "Mencionado con", "events": "Eventos", "edition": "Edición",
           "date": "Fecha", "language": "Idioma", "author": "Autor", "source": "Fuente",
           "text": "Texto", "same_story": "La misma noticia en otras ediciones", "confidence": "confianza",
           "evidence": "evidencia", "actors": "Actores", "places": "Lugares", "time": "Fecha",
           "reports": "Informes", "top": "Más mencionados", "only": "Mencionados solo en esta edición",
           "editions": "Ediciones", "entities": "Entidades", "not_found": "No se sabe nada de esta página.",
           "none": "ninguno", "also": "También conocido como", "PER": "Persona", "ORG": "Organización",
           "LOC": "Lugar", "EVENT": "Evento", "OTHER": "Otro", "map": "Punto", "results": "resultados",
           "data": "Datos"},
}
LANG_NAMES = {"en": "English", "ar": "العربية", "es": "Español"}
TYPE_COLOUR = {"PER": "#e15759", "ORG": "#4e79a7", "LOC": "#59a14f", "EVENT": "#f28e2b", "OTHER": "#9c755f"}
EDITION_COLOURS = ["#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1", "#76b7b2", "#edc948",
                   "#9c755f", "#ff9da7", "#bab0ac"]

CSS = """
*{box-sizing:border-box}body{font-family:"Noto Sans","Noto Sans Arabic","Noto Naskh Arabic","DejaVu Sans",Arial,sans-serif;
margin:0;color:#222;background:#fafafa;line-height:1.5}header{background:#263238;color:#fff;padding:.5em 1em;display:flex;gap:1em;align-items:center;flex-wrap:wrap}
header a{color:#fff;font-weight:bold;text-decoration:none}#langs a{font-weight:normal}#q{flex:1;min-width:12em;padding:.35em;font-size:1em;border-radius:4px;border:0}
main{max-width:70em;margin:0 auto;padding:1em}h1{margin:.2em 0}h2{font-size:1.15em;border-bottom:1px solid #ccc;margin-top:1.4em}
.tag{display:inline-block;padding:0 .5em;border-radius:3px;color:#fff;font-size:.85em}.muted{color:#666;font-size:.9em}
table{border-collapse:collapse}td,th{padding:.2em .6em;text-align:start;vertical-align:top}
mark{background:#fff3b0;padding:0 .1em}a.m{background:#e3f2fd;text-decoration:none;border-bottom:2px solid #4e79a7}
.text{background:#fff;padding:1em;border:1px solid #ddd;white-space:pre-wrap}ul{padding-inline-start:1.3em}
.cols{display:flex;gap:1em;flex-wrap:wrap}.cols>div{flex:1;min-width:18em;background:#fff;border:1px solid #ddd;padding:.6em}
#results{background:#fff;border:1px solid #ddd;max-height:24em;overflow:auto;margin:0;padding:.3em 1.6em}#results:empty{display:none}
.snip{margin:.1em 0 .4em;font-size:.92em}[lang=ar]{font-family:"Noto Naskh Arabic","Noto Sans Arabic","DejaVu Sans",sans-serif}
"""

SEARCH_JS = """
(function(){
  var FOLD={'\\u0622':'\\u0627','\\u0623':'\\u0627','\\u0625':'\\u0627','\\u0671':'\\u0627','\\u0624':'\\u0648',
    '\\u0626':'\\u064a','\\u0649':'\\u064a','\\u0629':'\\u0647'};
  function fold(s){
    s=s.normalize('NFKD').toLowerCase().replace(/[\\u0300-\\u036f\\u064b-\\u065f\\u0670\\u0640]/g,'');
    return s.replace(/[\\u0622\\u0623\\u0625\\u0671\\u0624\\u0626\\u0649\\u0629]/g,function(c){return FOLD[c];})
      .replace(/\\s+/g,' ').trim();
  }
  window.mkgFold=fold;
  var q=document.getElementById('q'), out=document.getElementById('results');
  var idx=window.MKG_INDEX;
  function show(){
    var v=fold(q.value); out.innerHTML='';
    if(!v||!idx) return;
    var hits=[];
    for(var i=0;i<idx.length&&hits.length<50;i++){
      var e=idx[i], ok=false;
      for(var j=0;j<e.k.length;j++){ if(e.k[j].indexOf(v)!==-1){ok=true;break;} }
      if(ok) hits.push(e);
    }
    hits.forEach(function(e){
      var li=document.createElement('li'), a=document.createElement('a');
      a.href=e.h; a.textContent=e.l; li.appendChild(a);
      var s=document.createElement('span'); s.className='muted'; s.textContent=' '+e.o+' ('+e.n+')';
      li.appendChild(s); out.appendChild(li);
    });
  }
  if(idx){ q.addEventListener('input',show);
    var m=/[?&]q=([^&]*)/.exec(location.search); if(m){q.value=decodeURIComponent(m[1].replace(/\\+/g,' '));show();} }
  else { q.form.addEventListener('submit',function(){}); }
})();
"""


class Links:
    """Where a resource's page is: ``static`` (relative ``.html`` files, from a page ``depth``
    folders below the site root) or ``serve`` (the IRI's own path on ``kg serve``).

    >>> Links("serve").href(MKGR + "entity/kb:hamas")
    '/entity/kb:hamas'
    >>> Links("static", depth=1).href(MKGR + "entity/kb:hamas")
    '../entity/kb_hamas-bce79bf9.html'
    """

    def __init__(self, mode: str, depth: int = 0, known: set[str] | None = None,
                 lang: str = "en") -> None:
        self.mode, self.depth, self.known = mode, depth, known
        #: ``kg serve`` keeps a non-English page language in its links (``?lang=ar``)
        self.suffix = f"?lang={lang}" if mode == "serve" and lang != "en" else ""

    @property
    def root(self) -> str:
        return "/" if self.mode == "serve" else "../" * self.depth

    def index(self) -> str:
        return "/" + self.suffix if self.mode == "serve" else self.root + "index.html"

    def has(self, iri: str) -> bool:
        return resource_kind(iri) is not None and (self.known is None or iri in self.known)

    def href(self, iri: str) -> str:
        if self.mode == "serve":
            return "/" + quote(iri[len(MKGR):], safe="/:%-_.~") + self.suffix
        return self.root + quote(file_name(iri), safe="/-_.")


def file_name(iri: str) -> str:
    """The static site's file for a resource: ``kind/name.html``, the name made file-safe (with a
    short hash of the IRI when anything had to change, so two IRIs never share a file)."""
    kind, _, rest = iri[len(MKGR):].partition("/")
    name = unquote(rest)
    safe = re.sub(r"[^\w.-]", "_", name)[:100]
    if safe != name or safe.startswith("."):
        safe = f"{safe}-{hashlib.sha1(iri.encode()).hexdigest()[:8]}"
    return f"{kind}/{safe}.html"


# -- building blocks --------------------------------------------------------------------------------

def _dir(lang: str) -> str:
    return "rtl" if lang == "ar" else "ltr"


def _doc(title: str, body: str, lang: str, links: Links, kind: str, index_js: str = "") -> str:
    t = T[lang]
    search_action = links.index()
    script = f"<script>window.MKG_INDEX={index_js};</script>" if index_js else ""
    return (f'<!DOCTYPE html>\n<html lang="{lang}" dir="{_dir(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head>"
            f'<body data-kind="{kind}"><header><a href="{escape(search_action)}" id="home">mkg · {t["home"]}</a>'
            f'<form action="{escape(search_action)}" method="get" style="display:contents">'
            f'<input id="q" name="q" type="search" autocomplete="off" placeholder="{escape(t["search"])}">'
            f'{_lang_inputs(links, lang)}</form>{_lang_switch(links, lang)}'
            f"</header><main>{'<ol id=results></ol>' if index_js else ''}{body}</main>{script}"
            f"<script>{SEARCH_JS}</script></body></html>\n")


def _lang_switch(links: Links, lang: str) -> str:
    """On ``kg serve``: the same page in the other languages (``?lang=``, relative to the page)."""
    if links.mode != "serve":
        return ""
    return '<nav id="langs">' + " · ".join(
        f'<a href="?lang={x}" hreflang="{x}" lang="{x}">{LANG_NAMES[x]}</a>' for x in ("en", "ar", "es")
        if x != lang) + "</nav>"


def _lang_inputs(links: Links, lang: str) -> str:
    return f'<input type="hidden" name="lang" value="{lang}">' if links.suffix else ""


def _text(value: str, lang: str) -> str:
    """``value`` in its own language and direction inside a page of another."""
    if not lang:
        return escape(value)
    return f'<span lang="{lang}" dir="{_dir(lang)}">{escape(value)}</span>'


def _name(data: dict, iri: str, lang: str) -> str:
    return pick(data["names"].get(iri, {}), lang, unquote(iri.rsplit("/", 1)[-1]))


def _link(data: dict, iri: str, lang: str, links: Links, label: str | None = None,
          label_lang: str = "") -> str:
    text = label if label is not None else _name(data, iri, lang)
    inner = _text(text, label_lang) if label_lang else escape(text)
    if links.has(iri):
        return f'<a href="{escape(links.href(iri))}">{inner}</a>'
    return inner


def _type_tag(kind: str, lang: str) -> str:
    return f'<span class="tag" style="background:{TYPE_COLOUR.get(kind, "#999")}">{escape(T[lang].get(kind, kind))}</span>'


def _article_item(data: dict, a: dict, lang: str, links: Links, snippets: bool = False) -> str:
    head = a["headline"] or a["iri"].rsplit("/", 1)[-1]
    out = f'<li><span class="muted">{escape(a["date"])}</span> {_link(data, a["iri"], lang, links, head, a["lang"])}'
    for before, mention, after in (a.get("snippets") or []) if snippets else []:
        out += (f'<div class="snip" lang="{a["lang"]}" dir="{_dir(a["lang"])}">…{escape(before)}'
                f"<mark>{escape(mention)}</mark>{escape(after)}…</div>")
    return out + "</li>"


def _event_list(data: dict, events: list[dict], lang: str, links: Links) -> str:
    if not events:
        return f'<p class="muted">{T[lang]["none"]}</p>'
    items = [f'<li>{_link(data, e["iri"], lang, links, _name(data, e["type"], lang))} '
             f'<span class="muted">{escape(e["date"])}</span></li>' for e in events]
    return "<ul>" + "".join(items) + "</ul>"


def _entity_list(data: dict, pairs: list[tuple[str, int]], lang: str, links: Links) -> str:
    if not pairs:
        return f'<p class="muted">{T[lang]["none"]}</p>'
    items = [f'<li>{_type_tag(data["types"].get(e, "OTHER"), lang)} {_link(data, e, lang, links)} '
             f'<span class="muted">({n})</span></li>' for e, n in pairs]
    return "<ul class=ents>" + "".join(items) + "</ul>"


def mentions_chart(counts: dict[tuple[str, str], int], edition_names: dict[str, str],
                   width: int = 640, height: int = 160) -> str:
    """Mentions per day and edition as an inline SVG bar chart (one colour per edition).

    >>> svg = mentions_chart({("e1", "2023-10-30"): 3, ("e2", "2023-10-31"): 1}, {"e1": "A", "e2": "B"})
    >>> svg.startswith("<svg") and svg.count("<rect") == 4  # two bars, two legend keys
    True
    """
    days = sorted({d for _, d in counts if d})
    editions = sorted({e for e, _ in counts})
    if not days:
        return ""
    top = max(counts.values())
    band = (width - 40) / len(days)
    bar = max(1.0, band / max(1, len(editions)) - 1)
    rows = (len(editions) + 3) // 4  # legend: four editions a row
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 26 + 16 * rows}" '
             f'role="img" direction="ltr" style="background:#fff;border:1px solid #ddd">']
    for i, day in enumerate(days):
        x0 = 30 + i * band
        for j, ed in enumerate(editions):
            n = counts.get((ed, day), 0)
            if not n:
                continue
            h = (height - 20) * n / top
            colour = EDITION_COLOURS[j % len(EDITION_COLOURS)]
            parts.append(f'<rect x="{x0 + j * bar:.1f}" y="{height - h:.1f}" width="{bar:.1f}" '
                         f'height="{h:.1f}" fill="{colour}"><title>{escape(edition_names.get(ed, ed))} '
                         f'{day}: {n}</title></rect>')
        if len(days) <= 12 or i % max(1, len(days) // 8) == 0:
            parts.append(f'<text x="{x0:.1f}" y="{height + 14}" font-size="10">{day}</text>')
    parts.append(f'<text x="2" y="12" font-size="10">{top}</text>')
    for j, ed in enumerate(editions):
        x, y = 30 + (j % 4) * 150, height + 22 + 16 * (j // 4)
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" '
                     f'fill="{EDITION_COLOURS[j % len(EDITION_COLOURS)]}"/>'
                     f'<text x="{x + 14}" y="{y + 9}" font-size="10">'
                     f'{escape(edition_names.get(ed, ed)[:22])}</text>')
    return "".join(parts) + "</svg>"


# -- the pages ------------------------------------------------------------------------------------

def entity_page(data: dict, links: Links, lang: str = "en") -> str:
    """An entity: labels in three languages, type, links, chart, articles by edition, co-mentions, events."""
    t = T[lang]
    title = pick(data["labels"], lang, data["iri"].rsplit("/", 1)[-1])
    rows = "".join(f'<tr><th>{LANG_NAMES[x]}</th><td class="label-{x}">{_text(data["labels"][x], x)}</td></tr>'
                   for x in ("en", "ar", "es") if data["labels"].get(x))
    body = [f'<h1>{escape(title)}</h1><p>{_type_tag(data["type"], lang)}</p>',
            f'<h2>{t["labels"]}</h2><table id="labels">{rows}</table>']
    if data["alt"]:
        body.append(f'<p class="muted">{t["also"]}: {escape(" · ".join(data["alt"]))}</p>')
    if data["same_as"]:
        body.append(f'<h2>{t["links"]}</h2><ul>' + "".join(
            f'<li><a href="{escape(u)}" rel="external">{escape(u)}</a></li>' for u in data["same_as"]) + "</ul>")
    if data["wkt"]:
        body.append(f'<p class="muted">{t["map"]}: <bdi>{escape(data["wkt"])}</bdi></p>')
    editions = sorted({e for e, _ in data["counts"]})
    ed_names = {e: _name(data, e, lang) if e else "—" for e in editions}
    chart = mentions_chart(data["counts"], ed_names)
    if chart:
        body.append(f'<h2>{t["mentions_time"]}</h2>{chart}')
    body.append(f'<h2>{t["articles"]} ({len(data["articles"])})</h2><div class="cols">')
    by_ed: dict[str, list[dict]] = defaultdict(list)
    for a in data["articles"]:
        by_ed[a["edition"]].append(a)
    for ed in sorted(by_ed, key=lambda e: (-len(by_ed[e]), e)):
        name = _link(data, ed, lang, links) if ed else "—"
        body.append(f'<div><h3>{name} ({len(by_ed[ed])})</h3><ul class="articles">'
                    + "".join(_article_item(data, a, lang, links, snippets=True) for a in by_ed[ed])
                    + "</ul></div>")
    body.append("</div>")
    body.append(f'<h2>{t["co"]}</h2>' + _entity_list(data, data["co"], lang, links))
    body.append(f'<h2>{t["events"]} ({len(data["events"])})</h2>' + _event_list(data, data["events"], lang, links))
    body.append(_data_links(data["iri"], lang, links))
    return _doc(title, "".join(body), lang, links, "entity")


def article_page(data: dict, links: Links, lang: str = "en") -> str:
    """An article: metadata, its text with mentions highlighted and linked, same-story articles, events."""
    t = T[lang]
    alang = data["lang"]
    meta = [(t["date"], escape(data["date"])), (t["language"], escape(alang)),
            (t["edition"], _link(data, data["edition"], lang, links) if data["edition"] else ""),
            (t["author"], escape(data["author"])),
            (t["source"], f'<a href="{escape(data["url"])}" rel="external">{escape(data["url"])}</a>'
             if data["url"] else "")]
    rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in meta if v)
    body = [f'<h1 lang="{alang}" dir="{_dir(alang)}">{escape(data["headline"])}</h1><table>{rows}</table>',
            f'<h2>{t["text"]}</h2><div class="text" id="text" lang="{alang}" dir="{_dir(alang)}">'
            f'{_highlight(data, lang, links)}</div>']
    if data["stories"]:
        cards = []
        for s in data["stories"]:
            conf = f'{t["confidence"]} {s["confidence"]:.2f}' if s["confidence"] is not None else ""
            ev = f'<div class="muted">{t["evidence"]}: {escape(s["evidence"])}</div>' if s["evidence"] else ""
            cards.append(f'<div><div class="muted">{escape(s["date"])} · '
                         f'{_link(data, s["edition"], lang, links) if s["edition"] else ""}</div>'
                         f'<h3>{_link(data, s["iri"], lang, links, s["headline"] or s["iri"], s["lang"])}</h3>'
                         f'<div class="muted">{conf}</div>{ev}</div>')
        body.append(f'<h2>{t["same_story"]}</h2><div class="cols" id="stories">{"".join(cards)}</div>')
    body.append(f'<h2>{t["events"]} ({len(data["events"])})</h2>' + _event_list(data, data["events"], lang, links))
    body.append(_data_links(data["iri"], lang, links))
    return _doc(data["headline"], "".join(body), lang, links, "article")


def _highlight(data: dict, lang: str, links: Links) -> str:
    text, out, pos = data["text"], [], 0
    for start, end, ent in data["mentions"]:
        if start < pos or end > len(text):
            continue  # overlapping or out of range: the first (longest) wins
        out.append(escape(text[pos:start]))
        kind = data["types"].get(ent, "OTHER")
        surface = escape(text[start:end])
        if ent and links.has(ent):
            out.append(f'<a class="m" data-type="{kind}" href="{escape(links.href(ent))}" '
                       f'title="{escape(_name(data, ent, lang))}">{surface}</a>')
        else:
            out.append(f"<mark>{surface}</mark>")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def event_page(data: dict, links: Links, lang: str = "en") -> str:
    """An event: type, actors, places, time and its reports in each edition."""
    t = T[lang]
    kind = _name(data, data["type"], lang) if data["type"] else t["EVENT"]
    ents = lambda xs: ", ".join(f'{_link(data, x, lang, links)}' for x in xs) or t["none"]  # noqa: E731
    rows = [(t["type"], escape(kind)), (t["time"], escape(data["date"][:10])),
            (t["actors"], ents(data["actors"])), (t["places"], ents(data["places"]))]
    if data["confidence"] is not None:
        rows.append((t["confidence"], f'{data["confidence"]:.2f}'))
    body = [f"<h1>{escape(kind)}</h1>", f'<p class="muted">{escape(data["label"])}</p>',
            "<table>" + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows) + "</table>",
            f'<h2>{t["reports"]} ({len(data["reports"])})</h2><div class="cols">']
    by_ed: dict[str, list[dict]] = defaultdict(list)
    for r in data["reports"]:
        by_ed[r["edition"]].append(r)
    for ed in sorted(by_ed):
        body.append(f'<div><h3>{_link(data, ed, lang, links) if ed else "—"}</h3><ul>'
                    + "".join(_article_item(data, a, lang, links) for a in by_ed[ed]) + "</ul></div>")
    body.append("</div>" + _data_links(data["iri"], lang, links))
    return _doc(f'{kind} {data["date"][:10]}', "".join(body), lang, links, "event")


def edition_page(data: dict, links: Links, lang: str = "en") -> str:
    """An edition: its articles, its most mentioned entities and those only it mentions."""
    t = T[lang]
    body = [f'<h1>{escape(data["name"])}</h1><p class="muted">{t["language"]}: {escape(data["lang"])}</p>',
            '<div class="cols">',
            f'<div><h2>{t["top"]}</h2>{_entity_list(data, data["top"], lang, links)}</div>',
            f'<div><h2>{t["only"]}</h2>{_entity_list(data, data["only"], lang, links)}</div></div>',
            f'<h2>{t["articles"]} ({len(data["articles"])})</h2><ul>'
            + "".join(_article_item(data, a, lang, links) for a in data["articles"]) + "</ul>",
            _data_links(data["iri"], lang, links)]
    return _doc(data["name"], "".join(body), lang, links, "edition")


def index_page(entries: list[dict], editions: list[tuple[str, str]], links: Links, lang: str = "en",
               counts: dict[str, int] | None = None) -> str:
    """The home page: search as you type over every entity's labels (an inline index), editions."""
    t = T[lang]
    index = [{"h": links.href(e["iri"]), "l": pick(e["labels"], lang, e["iri"].rsplit("/", 1)[-1]),
              "o": " · ".join(v for k, v in sorted(e["labels"].items()) if k != lang and v),
              "k": e["keys"], "n": e["n"]} for e in entries]
    index_js = json.dumps(index, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    ed_items = "".join(f'<li><a href="{escape(links.href(iri))}">{escape(name)}</a></li>'
                       for iri, name in editions)
    summary = " · ".join(f"{t[k]}: {v}" for k, v in (counts or {}).items() if k in t)
    body = (f'<p class="muted" id="summary">{escape(summary)}</p>'
            f'<h2>{t["editions"]}</h2><ul id="editions">{ed_items}</ul>'
            f'<h2>{t["entities"]}</h2><ul>'
            + "".join(f'<li>{_type_tag(e["type"], lang)} <a href="{escape(x["h"])}">{escape(x["l"])}</a> '
                      f'<span class="muted">({x["n"]})</span></li>' for e, x in list(zip(entries, index, strict=True))[:50])
            + "</ul>")
    return _doc("mkg", body, lang, links, "index", index_js)


def not_found_page(links: Links, lang: str = "en") -> str:
    return _doc("404", f'<h1>404</h1><p>{T[lang]["not_found"]}</p>', lang, links, "missing")


def _data_links(iri: str, lang: str, links: Links) -> str:
    if links.mode != "serve":
        return f'<p class="muted">IRI: <bdi>{escape(iri)}</bdi></p>'
    href = escape(links.href(iri).split("?")[0])
    return (f'<p class="muted">{T[lang]["data"]}: <a href="{href}?format=turtle">Turtle</a> · '
            f'<a href="{href}?format=jsonld">JSON-LD</a> · <a href="{href}?format=nt">N-Triples</a></p>')


def page_for(store, iri: str, links: Links, lang: str = "en") -> str | None:
    """The HTML page of any page resource, or ``None`` when the store knows nothing of it."""
    from kg.site import data as d

    kind = resource_kind(iri)
    loaders = {"entity": (d.entity_data, entity_page), "article": (d.article_data, article_page),
               "event": (d.event_data, event_page), "edition": (d.edition_data, edition_page)}
    if kind is None:
        return None
    load, render = loaders[kind]
    found = load(store, iri)
    return render(found, links, lang) if found else None
