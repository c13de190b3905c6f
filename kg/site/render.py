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

from kg.messages import EVIDENCE, LANG_NAMES, T, direction, format_day, language_name
from kg.rdf.vocab import MKGR
from kg.site.charts import TYPE_COLOUR, ego_svg, mentions_chart
from kg.site.data import EGO_SIZE, pick, resource_kind
from kg.site.geo import country_name, kb_place, map_svg, parse_point

__all__ = ["Links", "entity_page", "article_page", "event_page", "edition_page", "story_page",
           "compare_page", "index_page", "not_found_page", "file_name", "page_for"]

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
.snip{margin:.1em 0 .4em;font-size:.92em}.lead{margin:.3em 0;font-size:.95em}.story h3{margin:.2em 0}
svg.map,svg.ego,svg.chart{max-width:100%;height:auto}#map{flex:0 0 auto;min-width:0}ul.only li,ul.ents li{margin:.1em 0}
#compare>div{min-width:16em}#langs a{margin:0 .2em}[lang=ar]{font-family:"Noto Naskh Arabic","Noto Sans Arabic","DejaVu Sans",sans-serif}
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
  var idx=window.MKG_INDEX, ty=document.getElementById('type-filter');
  function show(){
    var v=fold(q.value); out.innerHTML='';
    if(!v||!idx) return;
    var hits=[];
    for(var i=0;i<idx.length&&hits.length<50;i++){
      var e=idx[i], ok=false;
      for(var j=0;j<e.k.length;j++){ if(e.k[j].indexOf(v)!==-1){ok=true;break;} }
      if(ok && (!ty || !ty.value || e.t===ty.value)) hits.push(e);
    }
    hits.forEach(function(e){
      var li=document.createElement('li'), a=document.createElement('a');
      a.href=e.h; a.textContent=e.l; li.appendChild(a);
      var s=document.createElement('span'); s.className='muted'; s.textContent=' '+e.o+' ('+e.n+')';
      li.appendChild(s); out.appendChild(li);
    });
  }
  if(idx){ q.addEventListener('input',show); if(ty) ty.addEventListener('change',show);
    var m=/[?&]q=([^&]*)/.exec(location.search); if(m){q.value=decodeURIComponent(m[1].replace(/\\+/g,' '));show();} }
  else { q.form.addEventListener('submit',function(){}); }
})();
"""


class Links:
    """Where a resource's page is: ``static`` (relative ``.html`` files, from a page ``depth``
    folders below the site root) or ``serve`` (the IRI's own path on ``kg serve``).

    A static site written in several languages (``langs``) has one tree per language side by side
    (``en/``, ``ar/``, ``es/``); a page's language switch points at the same file in the others.

    >>> Links("serve").href(MKGR + "entity/kb:hamas")
    '/entity/kb:hamas'
    >>> Links("static", depth=1).href(MKGR + "entity/kb:hamas")
    '../entity/kb_hamas-bce79bf9.html'
    >>> Links("static", depth=1, langs=("en", "ar")).switch("ar", "entity/x.html")
    '../../ar/entity/x.html'
    """

    def __init__(self, mode: str, depth: int = 0, known: set[str] | None = None,
                 lang: str = "en", langs: tuple[str, ...] = ()) -> None:
        self.mode, self.depth, self.known, self.langs = mode, depth, known, langs
        #: ``kg serve`` keeps a non-English page language in its links (``?lang=ar``)
        self.suffix = f"?lang={lang}" if mode == "serve" and lang != "en" else ""

    @property
    def root(self) -> str:
        return "/" if self.mode == "serve" else "../" * self.depth

    def index(self) -> str:
        return "/" + self.suffix if self.mode == "serve" else self.root + "index.html"

    def compare(self) -> str:
        return "/compare" + self.suffix if self.mode == "serve" else self.root + "compare.html"

    def has(self, iri: str) -> bool:
        return resource_kind(iri) is not None and (self.known is None or iri in self.known)

    def href(self, iri: str) -> str:
        if self.mode == "serve":
            return "/" + quote(iri[len(MKGR):], safe="/:%-_.~") + self.suffix
        return self.root + quote(file_name(iri), safe="/-_.")

    def switch(self, lang: str, page: str) -> str:
        """The same page in ``lang``: ``?lang=`` on ``kg serve``, the sibling tree on disk."""
        if self.mode == "serve":
            return f"?lang={lang}"
        return self.root + f"../{lang}/" + quote(page, safe="/-_.")


def file_name(iri: str) -> str:
    """The static site's file for a resource: ``kind/name.html``, the name made file-safe (with a
    short hash of the IRI when anything had to change, so two IRIs never share a file).

    >>> file_name(MKGR + "article/a1/sameStoryAs/b2")
    'story/a1--b2.html'
    """
    kind, _, rest = iri[len(MKGR):].partition("/")
    if resource_kind(iri) == "story":
        kind, rest = "story", rest.replace("/sameStoryAs/", "--")
    name = unquote(rest)
    safe = re.sub(r"[^\w.-]", "_", name)[:100]
    if safe != name or safe.startswith("."):
        safe = f"{safe}-{hashlib.sha1(iri.encode()).hexdigest()[:8]}"
    return f"{kind}/{safe}.html"


# -- building blocks --------------------------------------------------------------------------------

def _doc(title: str, body: str, lang: str, links: Links, kind: str, index_js: str = "",
         page: str = "index.html") -> str:
    """One page: header (home, search, compare, language switch), ``body``, the search script.
    ``page`` is the page's file in the static site (for the language switch)."""
    t = T[lang]
    search_action = links.index()
    script = f"<script>window.MKG_INDEX={index_js};</script>" if index_js else ""
    return (f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f"<title>{escape(title)}</title><style>{CSS}</style></head>"
            f'<body data-kind="{kind}"><header><a href="{escape(search_action)}" id="home">mkg · {t["home"]}</a>'
            f'<form action="{escape(search_action)}" method="get" style="display:contents">'
            f'<input id="q" name="q" type="search" autocomplete="off" placeholder="{escape(t["search"])}">'
            f'{_lang_inputs(links, lang)}</form><a href="{escape(links.compare())}" id="compare-link">'
            f'{t["compare"]}</a>{_lang_switch(links, lang, page)}'
            f"</header><main>{'<ol id=results></ol>' if index_js else ''}{body}</main>{script}"
            f"<script>{SEARCH_JS}</script></body></html>\n")


def _lang_switch(links: Links, lang: str, page: str) -> str:
    """The same page in the other languages: ``?lang=`` on ``kg serve``, the sibling language
    tree of a static site written with several languages."""
    others = ("en", "ar", "es") if links.mode == "serve" else links.langs
    items = [f'<a href="{escape(links.switch(x, page))}" hreflang="{x}" lang="{x}">{LANG_NAMES[x]}</a>'
             for x in others if x != lang]
    return f'<nav id="langs" aria-label="{T[lang]["language_switch"]}">' + " · ".join(items) + "</nav>" if items else ""


def _lang_inputs(links: Links, lang: str) -> str:
    return f'<input type="hidden" name="lang" value="{lang}">' if links.suffix else ""


def _text(value: str, lang: str) -> str:
    """``value`` in its own language and direction inside a page of another."""
    if not lang:
        return escape(value)
    return f'<span lang="{lang}" dir="{direction(lang)}">{escape(value)}</span>'


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
    out = (f'<li><span class="muted">{escape(format_day(a["date"], lang))}</span> '
           f'{_link(data, a["iri"], lang, links, head, a["lang"])}')
    for before, mention, after in (a.get("snippets") or []) if snippets else []:
        out += (f'<div class="snip" lang="{a["lang"]}" dir="{direction(a["lang"])}">…{escape(before)}'
                f"<mark>{escape(mention)}</mark>{escape(after)}…</div>")
    return out + "</li>"


def _event_list(data: dict, events: list[dict], lang: str, links: Links) -> str:
    if not events:
        return f'<p class="muted">{T[lang]["none"]}</p>'
    items = [f'<li>{_link(data, e["iri"], lang, links, _name(data, e["type"], lang))} '
             f'<span class="muted">{escape(format_day(e["date"], lang))}</span></li>' for e in events]
    return "<ul>" + "".join(items) + "</ul>"


def _entity_list(data: dict, pairs: list[tuple[str, int]], lang: str, links: Links) -> str:
    if not pairs:
        return f'<p class="muted">{T[lang]["none"]}</p>'
    items = [f'<li>{_type_tag(data["types"].get(e, "OTHER"), lang)} {_link(data, e, lang, links)} '
             f'<span class="muted">({n})</span></li>' for e, n in pairs]
    return "<ul class=ents>" + "".join(items) + "</ul>"


def _coverage_list(data: dict, items: list[dict], lang: str, links: Links) -> str:
    """What only an edition covers (:func:`kg.site.data.distinctive_items`): entities and events,
    with their article count there, of all, and the normalised share."""
    t = T[lang]
    if not items:
        return f'<p class="muted">{t["none"]}</p>'
    out = []
    for it in items:
        if it["kind"] == "entity":
            item = f'{_type_tag(it["type"] or "OTHER", lang)} {_link(data, it["iri"], lang, links)}'
        else:  # an event: its type, places and day in the page language
            kind = _name(data, it["concept"], lang) if it["concept"] else it["label"]
            places = ", ".join(_link(data, p, lang, links) for p in it["places"])
            item = (f'{_type_tag("EVENT", lang)} {_link(data, it["iri"], lang, links, kind)}'
                    + (f" · {places}" if places else "")
                    + (f' · {escape(format_day(it["date"], lang))}' if it["date"] else ""))
        out.append(f'<li>{item} <span class="muted">({it["articles"]}/{it["total"]} · '
                   f'{t["share"]} {it["share"]:.2f})</span></li>')
    return '<ul class="only">' + "".join(out) + "</ul>"


# -- the pages ------------------------------------------------------------------------------------

def entity_page(data: dict, links: Links, lang: str = "en") -> str:
    """An entity: labels in three languages, type, links, map, chart, articles by edition,
    co-mentions, ego network, events."""
    t = T[lang]
    title = pick(data["labels"], lang, data["iri"].rsplit("/", 1)[-1])
    rows = "".join(f'<tr><th>{LANG_NAMES[x]}</th><td class="label-{x}">{_text(data["labels"][x], x)}</td></tr>'
                   for x in ("en", "ar", "es") if data["labels"].get(x))
    body = [f'<h1>{escape(title)}</h1><p>{_type_tag(data["type"], lang)}</p>',
            '<div class="cols top"><div>', f'<h2>{t["labels"]}</h2><table id="labels">{rows}</table>']
    if data["alt"]:
        body.append(f'<p class="muted">{t["also"]}: {escape(" · ".join(data["alt"]))}</p>')
    if data["same_as"]:
        body.append(f'<h2>{t["links"]}</h2><ul>' + "".join(
            f'<li><a href="{escape(u)}" rel="external" dir="ltr">{escape(u)}</a></li>' for u in data["same_as"]) + "</ul>")
    body.append("</div>" + _map_block(data, title, lang) + "</div>")
    editions = sorted({e for e, _ in data["counts"]})
    ed_names = {e: _name(data, e, lang) if e else "—" for e in editions}
    chart = mentions_chart(data["counts"], ed_names, lambda d: format_day(d, lang, "d MMM"))
    if chart:
        body.append(f'<h2>{t["articles_time"]}</h2>{chart}')
    body.append('<div class="cols"><div>' f'<h2>{t["co"]}</h2>' + _entity_list(data, data["co"][:EGO_SIZE], lang, links)
                + f'</div><div><h2>{t["ego"]}</h2>{_ego_block(data, title, lang, links)}</div></div>')
    body.append(f'<h2>{t["articles"]} ({data["total"]})</h2><div class="cols">')
    by_ed: dict[str, list[dict]] = defaultdict(list)
    for a in data["articles"]:
        by_ed[a["edition"]].append(a)
    for ed in sorted(by_ed, key=lambda e: (-data["per_edition"].get(e, 0), e)):
        name = _link(data, ed, lang, links) if ed else "—"
        shown, total = len(by_ed[ed]), data["per_edition"].get(ed, 0)
        more = f' <span class="muted">{t["showing"].format(n=shown, m=total)}</span>' if total > shown else ""
        body.append(f'<div><h3>{name} ({total}){more}</h3><ul class="articles">'
                    + "".join(_article_item(data, a, lang, links, snippets=True) for a in by_ed[ed])
                    + "</ul></div>")
    body.append("</div>")
    if len(data["co"]) > EGO_SIZE:
        body.append(f'<h2>{t["co"]} ({EGO_SIZE + 1}–{len(data["co"])})</h2>'
                    + _entity_list(data, data["co"][EGO_SIZE:], lang, links))
    body.append(f'<h2>{t["events"]} ({len(data["events"])})</h2>' + _event_list(data, data["events"], lang, links))
    body.append(_data_links(data["iri"], lang, links))
    return _doc(title, "".join(body), lang, links, "entity", page=file_name(data["iri"]))


def _map_block(data: dict, title: str, lang: str) -> str:
    """A place's point (``geo:asWKT`` in the store, else the KB's coordinates) on the offline map,
    its country highlighted; nothing for other entities."""
    point = parse_point(data["wkt"])
    iso = ""
    if data["type"] == "LOC" or point:
        kb_point, iso = kb_place(data.get("key", ""))
        point = point or kb_point
    svg = map_svg(point, iso, label=title)
    if not svg:
        return ""
    where = (f'{abs(point[1]):.2f}°{"NS"[point[1] < 0]} {abs(point[0]):.2f}°{"EW"[point[0] < 0]}'
             if point else country_name(iso))
    return (f'<div id="map"><h2>{T[lang]["map_title"]}</h2>{svg}'
            f'<p class="muted"><bdi>{escape(where)}</bdi> · Natural Earth</p></div>')


def _ego_block(data: dict, title: str, lang: str, links: Links) -> str:
    alters = [(iri, _name(data, iri, lang), data["types"].get(iri, "OTHER"), n)
              for iri, n in data["co"][:EGO_SIZE]]
    svg = ego_svg((data["iri"], title, data["type"]), alters, data["ego"],
                  lambda iri: links.href(iri) if links.has(iri) and iri != data["iri"] else None)
    return svg or f'<p class="muted">{T[lang]["none"]}</p>'


def article_page(data: dict, links: Links, lang: str = "en") -> str:
    """An article: metadata, its text with mentions highlighted and linked, the same story in
    other editions side by side (headline and lead in their language, confidence, evidence), events."""
    t = T[lang]
    alang = data["lang"]
    date = escape(format_day(data["date"], lang, "d MMMM y")) if data["date"] else ""
    if data.get("date_uncertain"):
        date += f' <span class="muted uncertain">({t["uncertain"]})</span>'
    meta = [(t["date"], date), (t["language"], escape(language_name(alang, lang))),
            (t["edition"], _link(data, data["edition"], lang, links) if data["edition"] else ""),
            (t["author"], escape(data["author"])),
            (t["source"], f'<a href="{escape(data["url"])}" rel="external" dir="ltr">{escape(data["url"])}</a>'
             if data["url"] else "")]
    rows = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in meta if v)
    body = [f'<h1 lang="{alang}" dir="{direction(alang)}">{escape(data["headline"])}</h1><table>{rows}</table>']
    if data["stories"]:
        own = {"iri": data["iri"], "headline": data["headline"], "lang": alang, "date": data["date"][:10],
               "edition": data["edition"], "lead": data["lead"]}
        cards = [_story_card(data, own, lang, links, t["this_article"])]
        for s in data["stories"]:
            conf = f'{t["confidence"]} {s["confidence"]:.2f}' if s["confidence"] is not None else ""
            if s["link"] and links.has(s["link"]):
                conf = f'<a href="{escape(links.href(s["link"]))}" class="story-link">{conf or t["story_link"]}</a>'
            ev = f'<div class="muted">{t["evidence"]}: <bdi>{escape(s["evidence"])}</bdi></div>' if s["evidence"] else ""
            cards.append(_story_card(data, s, lang, links, conf, ev))
        body.append(f'<h2>{t["same_story"]}</h2><div class="cols" id="stories">{"".join(cards)}</div>')
    body.append(f'<h2>{t["text"]}</h2><div class="text" id="text" lang="{alang}" dir="{direction(alang)}">'
                f'{_highlight(data, lang, links)}</div>')
    body.append(f'<h2>{t["events"]} ({len(data["events"])})</h2>' + _event_list(data, data["events"], lang, links))
    body.append(_data_links(data["iri"], lang, links))
    return _doc(data["headline"], "".join(body), lang, links, "article", page=file_name(data["iri"]))


def _story_card(data: dict, a: dict, lang: str, links: Links, top: str, extra: str = "") -> str:
    """One article of a story, its headline and lead in its own language and direction."""
    edition = _link(data, a["edition"], lang, links) if a["edition"] else ""
    head = " · ".join(x for x in (escape(format_day(a["date"], lang)), edition, top) if x)
    return (f'<div class="story"><div class="muted">{head}</div>'
            f'<h3 lang="{a["lang"]}" dir="{direction(a["lang"])}">'
            f'{_link(data, a["iri"], lang, links, a["headline"] or a["iri"])}</h3>'
            f'<p class="lead" lang="{a["lang"]}" dir="{direction(a["lang"])}">{escape(a["lead"])}</p>{extra}</div>')


def story_page(data: dict, links: Links, lang: str = "en") -> str:
    """A ``sameStoryAs`` link: its confidence and evidence, the two articles side by side, and the
    entities both mention."""
    t = T[lang]
    conf = f'{data["confidence"]:.2f}' if data["confidence"] is not None else "—"
    parts = "".join(f"<tr><th>{escape(EVIDENCE[lang].get(k, k))}</th><td><bdi>{escape(v)}</bdi></td></tr>"
                    for k, v in data["evidence_parts"])
    cards = "".join(_story_card(data, a, lang, links, "") for a in data["articles"])
    shared = [(e, 0) for e in data["shared"]]
    body = (f'<h1>{t["story_link"]}</h1><p>{t["confidence"]}: <b id="confidence">{conf}</b></p>'
            f'<div class="cols" id="stories">{cards}</div>'
            f'<h2>{t["evidence"]}</h2><table id="evidence">{parts}</table>'
            f'<h2>{t["shared"]} ({len(shared)})</h2>'
            + _entity_list(data, shared, lang, links).replace(' <span class="muted">(0)</span>', "")
            + _data_links(data["iri"], lang, links))
    title = " ↔ ".join(a["headline"][:40] for a in data["articles"])
    return _doc(f'{t["story"]}: {title}', body, lang, links, "story", page=file_name(data["iri"]))


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
    comma = "، " if lang == "ar" else ", "
    ents = lambda xs: comma.join(f'{_link(data, x, lang, links)}' for x in xs) or t["none"]  # noqa: E731
    rows = [(t["type"], escape(kind)), (t["time"], escape(format_day(data["date"][:10], lang, "d MMMM y"))),
            (t["actors"], ents(data["actors"])), (t["places"], ents(data["places"]))]
    if data["confidence"] is not None:
        rows.append((t["confidence"], f'{data["confidence"]:.2f}'))
    label = f'<p class="muted">{escape(data["label"])}</p>' if lang == "en" else ""  # the label is English
    body = [f"<h1>{escape(kind)}</h1>", label,
            "<table>" + "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows) + "</table>",
            f'<h2>{t["reports"]} ({len(data["reports"])})</h2><div class="cols">']
    by_ed: dict[str, list[dict]] = defaultdict(list)
    for r in data["reports"]:
        by_ed[r["edition"]].append(r)
    for ed in sorted(by_ed):
        body.append(f'<div><h3>{_link(data, ed, lang, links) if ed else "—"}</h3><ul>'
                    + "".join(_article_item(data, a, lang, links) for a in by_ed[ed]) + "</ul></div>")
    body.append("</div>" + _data_links(data["iri"], lang, links))
    return _doc(f'{kind} {data["date"][:10]}', "".join(body), lang, links, "event", page=file_name(data["iri"]))


def edition_page(data: dict, links: Links, lang: str = "en") -> str:
    """An edition: its most mentioned entities, what it covers that the others barely do, its articles."""
    t = T[lang]
    body = [f'<h1>{escape(data["name"])}</h1><p class="muted">{t["language"]}: '
            f'{escape(language_name(data["lang"], lang))} · '
            f'<a href="{escape(links.compare())}">{t["compare"]}</a></p>',
            '<div class="cols">',
            f'<div><h2>{t["top"]}</h2>{_entity_list(data, data["top"], lang, links)}</div>',
            f'<div id="only"><h2>{t["only"]}</h2>{_coverage_list(data, data["only"], lang, links)}</div></div>',
            f'<h2>{t["articles"]} ({len(data["articles"])})</h2><ul>'
            + "".join(_article_item(data, a, lang, links) for a in data["articles"]) + "</ul>",
            _data_links(data["iri"], lang, links)]
    return _doc(data["name"], "".join(body), lang, links, "edition", page=file_name(data["iri"]))


def compare_page(data: dict, links: Links, lang: str = "en") -> str:
    """Every edition side by side: its size and what only it covers, linked."""
    t = T[lang]
    cols = "".join(
        f'<div class="edition"><h2>{_link(data, e["iri"], lang, links, e["name"])} '
        f'<span class="muted">({e["size"]} {t["size"]})</span></h2>'
        f'{_coverage_list(data, e["only"], lang, links)}</div>'
        for e in sorted(data["editions"], key=lambda e: (-len(e["only"]), -e["size"], e["iri"])))
    body = f'<h1>{t["compare"]}</h1><p class="muted">{t["compare_intro"]}</p><div class="cols" id="compare">{cols}</div>'
    return _doc(t["compare"], body, lang, links, "compare", page="compare.html")


def index_page(entries: list[dict], editions: list[tuple[str, str]], links: Links, lang: str = "en",
               counts: dict[str, int] | None = None) -> str:
    """The home page: search as you type over every entity's labels (an inline index), editions."""
    t = T[lang]
    index = [{"h": links.href(e["iri"]), "l": pick(e["labels"], lang, e["iri"].rsplit("/", 1)[-1]),
              "o": " · ".join(v for k, v in sorted(e["labels"].items()) if k != lang and v),
              "k": e["keys"], "n": e["n"], "t": e["type"]} for e in entries]
    index_js = json.dumps(index, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    ed_items = "".join(f'<li><a href="{escape(links.href(iri))}">{escape(name)}</a></li>'
                       for iri, name in editions)
    summary = " · ".join(f"{t[k]}: {v}" for k, v in (counts or {}).items() if k in t)
    options = "".join(f'<option value="{k}">{t[k]}</option>' for k in ("PER", "ORG", "LOC", "EVENT"))
    body = (f'<p><label for="type-filter">{t["type"]}</label> <select id="type-filter">'
            f'<option value="">{t["all_types"]}</option>{options}</select></p>'
            f'<p class="muted" id="summary">{escape(summary)}</p>'
            f'<h2>{t["editions"]}</h2><ul id="editions">{ed_items}</ul>'
            f'<p><a href="{escape(links.compare())}">{t["compare"]}</a></p>'
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
               "event": (d.event_data, event_page), "edition": (d.edition_data, edition_page),
               "story": (d.story_data, story_page)}
    if kind is None:
        return None
    load, render = loaders[kind]
    found = load(store, iri)
    return render(found, links, lang) if found else None
