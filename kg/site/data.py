"""What the browsing pages show, read from the store with SPARQL (one function per page kind).

Every function takes a :class:`~kg.rdf.store.GraphStore` and a resource IRI and returns plain
dicts and lists; :mod:`kg.site.render` turns them into HTML. Nothing here parses HTML or sources.

>>> from kg.analysis.sample import sample_store
>>> store = sample_store()
>>> data = entity_data(store, MKGR + "entity/ORG:hamas")
>>> data["labels"]["ar"], data["type"]
('حماس', 'ORG')
>>> resource_kind(MKGR + "article/am-1"), resource_kind("https://example.org/x")
('article', None)
>>> fold("إسرائيل") == fold("اسرائيل"), fold("Líbano")
(True, 'libano')
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict

from pyoxigraph import NamedNode

from kg.rdf.store import GraphStore
from kg.rdf.vocab import CLASS_TYPE, MKG, MKGR
from kg.text.arabic import fold_latin, normalize_arabic

__all__ = ["KINDS", "resource_kind", "fold", "entity_data", "article_data", "event_data",
           "edition_data", "story_data", "compare_data", "all_resources", "search_entries",
           "exists", "rdf_of"]

#: the resource kinds that get a page, by the first segment of their IRI after ``mkgr:``
KINDS = ("entity", "article", "event", "edition", "story")
LANGS = ("en", "ar", "es")
_STORY = re.compile(r"[^/]+/sameStoryAs/[^/]+")
#: an entity page lists at most this many articles of each edition (the latest), with sentences
ARTICLES_PER_EDITION = 20
#: entities in an entity's ego network (its strongest co-mentions)
EGO_SIZE = 12
_SENTENCE_END = re.compile(r"[.!?؟。\n]")


def resource_kind(iri: str) -> str | None:
    """``entity``, ``article``, ``event``, ``edition`` or ``story`` (a ``sameStoryAs`` link node,
    ``article/A/sameStoryAs/B``) for a page resource, else ``None``.

    Other sub-resources (an article's text context, an entity's geometry) are not pages.

    >>> resource_kind(MKGR + "article/a1/sameStoryAs/b2"), resource_kind(MKGR + "article/a1/x/b2")
    ('story', None)
    """
    if not iri.startswith(MKGR):
        return None
    kind, _, rest = iri[len(MKGR):].partition("/")
    if "#" in rest:
        return None
    if kind == "article" and _STORY.fullmatch(rest):
        return "story"
    if kind not in KINDS or not rest or "/" in rest:
        return None
    return kind


def fold(text: str) -> str:
    """The search form of a label: accents, case, hamza/alif forms and tashkeel folded away,
    with the project's one normaliser (:func:`kg.text.arabic.normalize_arabic`)."""
    return re.sub(r"\s+", " ", normalize_arabic(fold_latin(text))).strip()


def _node(iri: str) -> str:
    """``<iri>`` for a SPARQL text, validated (raises ValueError on anything that is not an IRI)."""
    return str(NamedNode(iri))


def exists(store: GraphStore, iri: str) -> bool:
    """The store says something about ``iri``."""
    try:
        node = _node(iri)
    except ValueError:
        return False
    return bool(store.query(f"ASK {{ {node} ?p ?o }}"))


def labels(store: GraphStore, iris: list[str] | set[str]) -> dict[str, dict[str, str]]:
    """IRI -> {lang: skos:prefLabel} (also ``schema:name``/``rdfs:label`` under ``""``)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    iris = sorted(set(iris))
    for i in range(0, len(iris), 400):
        values = " ".join(_node(x) for x in iris[i:i + 400])
        rows = store.select(f"""SELECT ?x ?l (LANG(?l) AS ?lang) WHERE {{ VALUES ?x {{ {values} }}
            {{ ?x skos:prefLabel ?l }} UNION {{ ?x schema:name ?l }} UNION {{ ?x rdfs:label ?l }} }}""")
        for r in rows:
            out[str(r["x"])].setdefault(str(r.get("lang", "")), str(r["l"]))
    return dict(out)


def pick(labels_: dict[str, str], lang: str, fallback: str = "") -> str:
    """The label in ``lang``, else English, Spanish, Arabic, any; else ``fallback``.

    >>> pick({"ar": "غزة", "es": "Gaza"}, "en")
    'Gaza'
    """
    for candidate in (lang, "en", "es", "ar", ""):
        if labels_.get(candidate):
            return labels_[candidate]
    return next(iter(labels_.values()), fallback)


def local(iri: str) -> str:
    """The last part of an IRI, for display when nothing better is known."""
    return re.split(r"[/#]", iri.rstrip("/"))[-1]


def _types(store: GraphStore, iris: set[str]) -> dict[str, str]:
    if not iris:
        return {}
    values = " ".join(_node(x) for x in sorted(iris))
    rows = store.select(f"SELECT ?x ?t WHERE {{ VALUES ?x {{ {values} }} ?x a ?t }}")
    return {str(r["x"]): CLASS_TYPE[str(r["t"])] for r in rows if str(r["t"]) in CLASS_TYPE}


def sentence_around(text: str, start: int, end: int, width: int = 240) -> tuple[str, str, str]:
    """The sentence holding ``text[start:end]`` as (before, mention, after), at most ``width``
    characters each side.

    >>> sentence_around("One. Two Hamas here. Three.", 9, 14)
    ('Two ', 'Hamas', ' here.')
    """
    lo = max(0, start - width)
    before = text[lo:start]
    cut = [m.end() for m in _SENTENCE_END.finditer(before)]
    if cut:
        before = before[cut[-1]:]
    after = text[end:end + width]
    stop = _SENTENCE_END.search(after)
    if stop:
        after = after[:stop.end()]
    return before.lstrip(), text[start:end], after.rstrip()


# -- the pages ------------------------------------------------------------------------------------

def entity_data(store: GraphStore, iri: str, per_edition: int = ARTICLES_PER_EDITION) -> dict | None:
    """Labels, type, links, place, articles per edition and day, the latest ``per_edition``
    articles of each edition with the sentences around the mentions, co-mentions, ego network
    and events."""
    node = _node(iri)
    head = store.select(f"""SELECT ?t ?same ?wkt ?key WHERE {{ {{ {node} a ?t }}
        UNION {{ {node} owl:sameAs ?same }} UNION {{ {node} geo:hasGeometry/geo:asWKT ?wkt }}
        UNION {{ {node} mkg:key ?key }} }}""")
    if not head:
        return None
    types = [CLASS_TYPE[str(r["t"])] for r in head if str(r.get("t")) in CLASS_TYPE]
    same = sorted(str(r["same"]) for r in head if "same" in r)
    wkt = next((str(r["wkt"]) for r in head if "wkt" in r), "")
    key = next((str(r["key"]) for r in head if "key" in r), "")
    alts = store.select(f"SELECT DISTINCT ?l WHERE {{ {node} skos:altLabel ?l }} ORDER BY ?l LIMIT 30")
    rows = store.select(f"""SELECT ?a ?h ?lang ?date ?ed WHERE {{ ?a schema:mentions {node} .
        OPTIONAL {{ ?a schema:headline ?h }} OPTIONAL {{ ?a schema:inLanguage ?lang }}
        OPTIONAL {{ ?a schema:datePublished ?date }} OPTIONAL {{ ?a schema:isPartOf ?ed }} }}
        ORDER BY DESC(?date) ?a""")
    articles: dict[str, dict] = {}
    for r in rows:
        articles.setdefault(str(r["a"]), {
            "iri": str(r["a"]), "headline": str(r.get("h", "")), "lang": str(r.get("lang", "")),
            "date": str(r.get("date", ""))[:10], "edition": str(r.get("ed", "")), "snippets": []})
    counts: dict[tuple[str, str], int] = defaultdict(int)  # (edition, day) -> articles
    per_ed: dict[str, int] = defaultdict(int)
    shown: list[dict] = []
    for a in articles.values():
        counts[(a["edition"], a["date"])] += 1
        per_ed[a["edition"]] += 1
        if per_ed[a["edition"]] <= per_edition:
            shown.append(a)
    _add_snippets(store, node, shown)
    co_pairs, ties = _co_mentions(store, iri, list(articles))
    events = store.select(f"""SELECT DISTINCT ?ev ?type ?ts WHERE {{
        {{ ?ev sem:hasActor {node} }} UNION {{ ?ev sem:hasPlace {node} }}
        ?ev sem:eventType ?type . OPTIONAL {{ ?ev sem:hasTimeStamp ?ts }} }} ORDER BY ?ts ?ev LIMIT 100""")
    names = labels(store, {iri} | {o for o, _ in co_pairs} | set(per_ed) - {""}
                   | {str(r["type"]) for r in events})
    return {
        "iri": iri, "type": types[0] if types else "OTHER", "labels": names.get(iri, {}),
        "alt": [str(r["l"]) for r in alts], "same_as": same, "wkt": wkt, "key": key,
        "articles": shown, "per_edition": dict(per_ed), "total": len(articles),
        "counts": dict(counts), "co": co_pairs, "ego": ties,
        "types": _types(store, {o for o, _ in co_pairs}),
        "events": [{"iri": str(r["ev"]), "type": str(r["type"]), "date": str(r.get("ts", ""))[:10]}
                   for r in events],
        "names": names,
    }


def _add_snippets(store: GraphStore, node: str, articles: list[dict], most: int = 3) -> None:
    """Fill each article's ``snippets`` with up to ``most`` sentences around its mentions of
    ``node``, reading each article's own named graph (much faster than the union of graphs)."""
    graphs = {MKGR + "graph/" + a["iri"][len(MKGR):]: a for a in articles}
    keys = sorted(graphs)
    for i in range(0, len(keys), 200):
        values = " ".join(_node(g) for g in keys[i:i + 200])
        texts = {str(r["g"]): str(r["text"]) for r in store.select(
            f"SELECT ?g ?text WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?c nif:isString ?text }} }}")}
        rows = store.select(f"""SELECT ?g ?b ?e WHERE {{ VALUES ?g {{ {values} }}
            GRAPH ?g {{ ?m itsrdf:taIdentRef {node} ; nif:beginIndex ?b ; nif:endIndex ?e }} }}
            ORDER BY ?g ?b""")
        for r in rows:
            snippets, text = graphs[str(r["g"])]["snippets"], texts.get(str(r["g"]))
            if len(snippets) < most and text is not None:
                snippets.append(sentence_around(text, int(r["b"]), int(r["e"])))


def _co_mentions(store: GraphStore, iri: str, articles: list[str], top: int = 25
                 ) -> tuple[list[tuple[str, int]], list[tuple[str, str, int]]]:
    """The ``top`` entities most often mentioned with ``iri`` in ``articles`` (those mentioning
    it) as (IRI, articles together), and the ties of its ego network: (x, y, articles mentioning
    ``iri``, x and y) between the first :data:`EGO_SIZE` of them."""
    if _cacheable(store):
        index = _mentions_index(store)
        by_article = [index.get(a, frozenset()) - {iri} for a in articles]
    else:  # a store that may change under us (in memory, on a server): ask for this entity only
        found: dict[str, set[str]] = defaultdict(set)
        for r in store.select(f"SELECT ?a ?o WHERE {{ ?a schema:mentions {_node(iri)}, ?o }}"):
            found[str(r["a"])].add(str(r["o"]))
        by_article = [frozenset(es - {iri}) for es in found.values()]
    counts: dict[str, int] = defaultdict(int)
    for others in by_article:
        for o in others:
            counts[o] += 1
    co = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    alters = {o for o, _ in co[:EGO_SIZE]}
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for others in by_article:
        present = sorted(others & alters)
        for i, x in enumerate(present):
            for y in present[i + 1:]:
                pairs[(x, y)] += 1
    return co, sorted((x, y, n) for (x, y), n in pairs.items())


def _mentions_index(store: GraphStore) -> dict[str, frozenset[str]]:
    """Article IRI -> the entities it mentions (``schema:mentions``), kept per store generation."""
    def compute() -> dict[str, frozenset[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for r in store.select("SELECT ?a ?e WHERE { ?a schema:mentions ?e }"):
            out[str(r["a"])].add(str(r["e"]))
        return {a: frozenset(es) for a, es in out.items()}

    return _cached(store, "mentions", compute)


def article_data(store: GraphStore, iri: str) -> dict | None:
    """Metadata, text and mentions, same-story articles (confidence, evidence), events."""
    node = _node(iri)
    meta = store.select(f"""SELECT ?p ?o WHERE {{ {node} ?p ?o .
        FILTER(?p IN (schema:headline, schema:inLanguage, schema:datePublished, schema:url,
                      schema:author, schema:isPartOf, schema:articleSection, schema:keywords,
                      mkg:dateUncertain)) }}""")
    if not meta:
        return None
    info: dict[str, list[str]] = defaultdict(list)
    for r in meta:
        info[re.split(r"[/#]", str(r["p"]))[-1]].append(str(r["o"]))
    text_rows = store.select(f"SELECT ?text WHERE {{ {node} mkg:textContext/nif:isString ?text }}")
    mentions = store.select(f"""SELECT ?b ?e ?ent WHERE {{ {node} mkg:textContext ?ctx .
        ?m nif:referenceContext ?ctx ; nif:beginIndex ?b ; nif:endIndex ?e .
        OPTIONAL {{ ?m itsrdf:taIdentRef ?ent }} }} ORDER BY ?b DESC(?e)""")
    stories = story_rows(store, node)
    events = store.select(f"""SELECT DISTINCT ?ev ?type ?ts WHERE {{ ?ev prov:wasDerivedFrom {node} ;
        sem:eventType ?type . OPTIONAL {{ ?ev sem:hasTimeStamp ?ts }} }} ORDER BY ?ts ?ev""")
    entities = {str(r["ent"]) for r in mentions if "ent" in r}
    editions = set(info.get("isPartOf", [])) | {s["edition"] for s in stories if s["edition"]}
    names = labels(store, entities | editions | {str(r["type"]) for r in events})
    return {
        "iri": iri, "headline": (info.get("headline") or [""])[0],
        "lang": (info.get("inLanguage") or [""])[0], "date": (info.get("datePublished") or [""])[0],
        "url": (info.get("url") or [""])[0], "author": ", ".join(info.get("author", [])),
        "edition": (info.get("isPartOf") or [""])[0], "section": ", ".join(info.get("articleSection", [])),
        "keywords": sorted(info.get("keywords", [])),
        "text": str(text_rows[0]["text"]) if text_rows else "",
        "mentions": [(int(r["b"]), int(r["e"]), str(r.get("ent", ""))) for r in mentions],
        "types": _types(store, entities),
        "date_uncertain": (info.get("dateUncertain") or [""])[0] in ("true", "1", "True"),
        "lead": _lead(str(text_rows[0]["text"]) if text_rows else "", headline=(info.get("headline") or [""])[0]),
        "stories": stories,
        "events": [{"iri": str(r["ev"]), "type": str(r["type"]), "date": str(r.get("ts", ""))[:10]}
                   for r in events],
        "names": names,
    }


def _lead(text: str, width: int = 320, headline: str = "") -> str:
    """The first sentences of a text (after its headline, which the text starts with), at most
    about ``width`` characters.

    >>> _lead("Title  First one. Second one. " + "x" * 400, 30, "Title")
    'First one. Second one.'
    """
    if headline.strip() and text.lstrip().startswith(headline.strip()):
        text = text.lstrip()[len(headline.strip()):]
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= width:
        return text
    cut = [m.end() for m in _SENTENCE_END.finditer(text[:width])]
    return text[:cut[-1]].strip() if cut else text[:width].rstrip() + "…"


def story_rows(store: GraphStore, node: str) -> list[dict]:
    """The articles linked to article ``node`` by ``mkg:sameStoryAs``, each with its headline,
    lead, language, date, edition, and the link node's IRI, confidence and evidence."""
    rows = store.select(f"""SELECT ?o ?h ?lang ?date ?ed ?l ?conf ?ev ?text WHERE {{
        {node} mkg:sameStoryAs ?o .
        OPTIONAL {{ ?o schema:headline ?h }} OPTIONAL {{ ?o schema:inLanguage ?lang }}
        OPTIONAL {{ ?o schema:datePublished ?date }} OPTIONAL {{ ?o schema:isPartOf ?ed }}
        OPTIONAL {{ ?o mkg:textContext/nif:isString ?text }}
        OPTIONAL {{ ?l a mkg:StoryLink ; mkg:linksArticle {node}, ?o .
                    OPTIONAL {{ ?l mkg:confidence ?conf }} OPTIONAL {{ ?l mkg:evidence ?ev }} }} }}
        ORDER BY DESC(?conf) ?o""")
    return [{"iri": str(r["o"]), "headline": str(r.get("h", "")), "lang": str(r.get("lang", "")),
             "date": str(r.get("date", ""))[:10], "edition": str(r.get("ed", "")),
             "lead": _lead(str(r.get("text", "")), headline=str(r.get("h", ""))), "link": str(r.get("l", "")),
             "confidence": r.get("conf"), "evidence": str(r.get("ev", ""))} for r in rows]


def story_data(store: GraphStore, iri: str) -> dict | None:
    """A ``sameStoryAs`` link: confidence, evidence (parsed into its parts) and the two articles,
    each with headline, lead, language, date and edition, plus the entities both mention."""
    node = _node(iri)
    rows = store.select(f"""SELECT ?a ?conf ?ev WHERE {{ {node} a mkg:StoryLink ; mkg:linksArticle ?a .
        OPTIONAL {{ {node} mkg:confidence ?conf }} OPTIONAL {{ {node} mkg:evidence ?ev }} }} ORDER BY ?a""")
    if not rows:
        return None
    sides = []
    for a in sorted({str(r["a"]) for r in rows}):
        info = store.select(f"""SELECT ?h ?lang ?date ?ed ?text WHERE {{
            OPTIONAL {{ {_node(a)} schema:headline ?h }} OPTIONAL {{ {_node(a)} schema:inLanguage ?lang }}
            OPTIONAL {{ {_node(a)} schema:datePublished ?date }} OPTIONAL {{ {_node(a)} schema:isPartOf ?ed }}
            OPTIONAL {{ {_node(a)} mkg:textContext/nif:isString ?text }} }} LIMIT 1""")
        r = info[0] if info else {}
        sides.append({"iri": a, "headline": str(r.get("h", "")), "lang": str(r.get("lang", "")),
                      "date": str(r.get("date", ""))[:10], "edition": str(r.get("ed", "")),
                      "lead": _lead(str(r.get("text", "")), 600, str(r.get("h", "")))})
    shared = []
    if len(sides) == 2:
        shared = [str(r["e"]) for r in store.select(
            f"""SELECT DISTINCT ?e WHERE {{ {_node(sides[0]["iri"])} schema:mentions ?e .
            {_node(sides[1]["iri"])} schema:mentions ?e }} ORDER BY ?e""")]
    evidence = str(rows[0].get("ev", ""))
    names = labels(store, set(shared) | {s["edition"] for s in sides if s["edition"]})
    return {"iri": iri, "confidence": rows[0].get("conf"), "evidence": evidence,
            "evidence_parts": evidence_parts(evidence), "articles": sides, "shared": shared,
            "types": _types(store, set(shared)), "names": names}


def evidence_parts(evidence: str) -> list[tuple[str, str]]:
    """A story link's evidence string as (name, value) pairs; a bare word is a method.

    >>> evidence_parts("parallel+participants headline=0.70 participants=kb:a,kb:b")
    [('method', 'parallel+participants'), ('headline', '0.70'), ('participants', 'kb:a,kb:b')]
    """
    out = []
    for part in evidence.split():
        name, eq, value = part.partition("=")
        out.append((name, value) if eq else ("method", part))
    return out


def event_data(store: GraphStore, iri: str) -> dict | None:
    """Type, label, time, actors, places and the reports it comes from, per edition."""
    node = _node(iri)
    rows = store.select(f"""SELECT ?p ?o WHERE {{ {node} ?p ?o .
        FILTER(?p IN (sem:eventType, sem:hasTimeStamp, sem:hasActor, sem:hasPlace, rdfs:label,
                      mkg:confidence, mkg:trigger)) }}""")
    if not rows:
        return None
    info: dict[str, list] = defaultdict(list)
    for r in rows:
        info[str(r["p"]).rsplit("/", 1)[-1].rsplit("#", 1)[-1]].append(r["o"])
    reports = store.select(f"""SELECT ?a ?h ?lang ?date ?ed WHERE {{ {node} prov:wasDerivedFrom ?a .
        OPTIONAL {{ ?a schema:headline ?h }} OPTIONAL {{ ?a schema:inLanguage ?lang }}
        OPTIONAL {{ ?a schema:datePublished ?date }} OPTIONAL {{ ?a schema:isPartOf ?ed }} }} ORDER BY ?ed ?date""")
    ents = {str(x) for x in info.get("hasActor", []) + info.get("hasPlace", [])}
    names = labels(store, ents | {str(r["ed"]) for r in reports if "ed" in r}
                   | {str(x) for x in info.get("eventType", [])})
    return {
        "iri": iri, "type": str((info.get("eventType") or [""])[0]),
        "label": str((info.get("label") or [""])[0]),
        "date": str((info.get("hasTimeStamp") or [""])[0]),
        "trigger": str((info.get("trigger") or [""])[0]),
        "confidence": (info.get("confidence") or [None])[0],
        "actors": sorted(str(x) for x in info.get("hasActor", [])),
        "places": sorted(str(x) for x in info.get("hasPlace", [])),
        "types": _types(store, ents),
        "reports": [{"iri": str(r["a"]), "headline": str(r.get("h", "")), "lang": str(r.get("lang", "")),
                     "date": str(r.get("date", ""))[:10], "edition": str(r.get("ed", ""))} for r in reports],
        "names": names,
    }


def edition_data(store: GraphStore, iri: str) -> dict | None:
    """Name, language, articles, most mentioned entities, and what only this edition covers."""
    node = _node(iri)
    head = store.select(f"SELECT ?name ?lang WHERE {{ {node} a schema:Periodical . "
                        f"OPTIONAL {{ {node} schema:name ?name }} OPTIONAL {{ {node} schema:inLanguage ?lang }} }}")
    if not head:
        return None
    arts = store.select(f"""SELECT ?a ?h ?lang ?date WHERE {{ ?a schema:isPartOf {node} .
        OPTIONAL {{ ?a schema:headline ?h }} OPTIONAL {{ ?a schema:inLanguage ?lang }}
        OPTIONAL {{ ?a schema:datePublished ?date }} }} ORDER BY DESC(?date) ?a""")
    top = store.select(f"""SELECT ?e (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a schema:isPartOf {node} ;
        schema:mentions ?e }} GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 30""")
    coverage = _coverage(store)
    only = [_coverage_item(r, coverage["events"]) for r in coverage["by_edition"].get(iri, [])]
    ents = {str(r["e"]) for r in top} | {i["iri"] for i in only if i["kind"] == "entity"}
    ents |= {p for i in only for p in i["places"]}
    return {
        "iri": iri, "name": str(head[0].get("name", local(iri))), "lang": str(head[0].get("lang", "")),
        "articles": [{"iri": str(r["a"]), "headline": str(r.get("h", "")), "lang": str(r.get("lang", "")),
                      "date": str(r.get("date", ""))[:10]} for r in arts],
        "top": [(str(r["e"]), int(r["n"])) for r in top],
        "only": only, "types": _types(store, ents), "names": labels(store, ents | _item_iris(only)),
    }


def _coverage_item(row, events: dict) -> dict:
    """A distinctive row for a page; an event also gets its type concept, date and places."""
    date, places = events.get(row.item, ("", []))
    return {"iri": row.item, "kind": row.kind, "label": row.label, "type": row.type,
            "concept": MKG + row.type if row.kind == "event" and row.type else "", "date": date,
            "places": places, "articles": row.articles, "total": row.total,
            "share": row.normalised_share}


def _item_iris(items: list[dict]) -> set[str]:
    """The IRIs a list of coverage items names: items, event types, places."""
    return ({i["iri"] for i in items} | {i["concept"] for i in items if i["concept"]}
            | {p for i in items for p in i["places"]})


def distinctive_items(store: GraphStore) -> dict:
    """Edition IRI -> what it covers that the other editions barely do: entities, then events
    (:func:`kg.analysis.editions.distinctive`, the same thresholds as ``kg analyze``'s
    ``distinctive.csv``). Computed once per store generation and kept."""
    return _coverage(store)["by_edition"]


def _coverage(store: GraphStore) -> dict:
    from kg.analysis.corpus import load_corpus
    from kg.analysis.editions import distinctive, entity_coverage, event_coverage

    def compute() -> dict:
        corpus = load_corpus(store)
        ents = distinctive(entity_coverage(corpus))
        evs = distinctive(event_coverage(corpus), min_articles=2)
        sizes = corpus.edition_sizes()
        by_edition = {ed: ents.get(ed, []) + evs.get(ed, []) for ed in sizes}
        events = {r.item: (corpus.events[r.item].timestamp[:10], sorted(corpus.events[r.item].places))
                  for rows in by_edition.values() for r in rows
                  if r.kind == "event" and r.item in corpus.events}
        return {"by_edition": by_edition, "events": events, "sizes": sizes,
                "names": {ed: corpus.edition_name(ed) for ed in sizes}}

    return _cached(store, "coverage", compute)


def compare_data(store: GraphStore) -> dict:
    """The comparison of editions: for each, its size and what only it covers (see
    :func:`distinctive_items`)."""
    cached = _coverage(store)
    editions = [{"iri": ed, "size": cached["sizes"][ed], "fallback": cached["names"][ed],
                 "only": [_coverage_item(r, cached["events"]) for r in rows]}
                for ed, rows in cached["by_edition"].items()]
    items = [i for e in editions for i in e["only"]]
    names = labels(store, _item_iris(items) | set(cached["by_edition"]))
    for e in editions:
        e["name"] = pick(names.get(e["iri"], {}), "en", e.pop("fallback"))
    return {"editions": editions, "names": names,
            "types": _types(store, {i["iri"] for i in items if i["kind"] == "entity"}
                            | {p for i in items for p in i["places"]})}


def _cached(store: GraphStore, name: str, compute):
    """``compute()``, kept for an on-disk store until its generation changes (a new build); an
    in-memory store, which can change under the same generation, is never cached."""
    generation = getattr(store, "_generation", None)
    if not _cacheable(store):
        return compute()
    held = _CACHE.get(name)
    if held is None or held[0]() is not store or held[1] != generation:
        held = (weakref.ref(store), generation, compute())
        _CACHE[name] = held
    return held[2]


_CACHE: dict[str, tuple] = {}


def _cacheable(store: GraphStore) -> bool:
    """An on-disk store read by generations: what is computed from it holds until a new build."""
    return getattr(store, "path", None) is not None and getattr(store, "_generation", None) is not None
_ENTITY_CLASSES = "schema:Person schema:Place schema:Organization schema:Event"


def all_resources(store: GraphStore) -> dict[str, list[str]]:
    """Every page resource of the store, by kind, sorted (kept per store generation)."""
    return _cached(store, "resources", lambda: _all_resources(store))


def _all_resources(store: GraphStore) -> dict[str, list[str]]:
    out: dict[str, set[str]] = {k: set() for k in KINDS}
    wanted = {"schema:NewsArticle": "article", "sem:Event": "event", "schema:Periodical": "edition",
              "mkg:StoryLink": "story"}
    for cls, kind in wanted.items():
        for r in store.select(f"SELECT ?x WHERE {{ ?x a {cls} }}"):
            if resource_kind(str(r["x"])) == kind:
                out[kind].add(str(r["x"]))
    for r in store.select(f"SELECT DISTINCT ?x WHERE {{ VALUES ?t {{ {_ENTITY_CLASSES} }} ?x a ?t }}"):
        if resource_kind(str(r["x"])) == "entity":  # named events (schema:Event) are entities
            out["entity"].add(str(r["x"]))
    return {k: sorted(v) for k, v in out.items()}


def search_entries(store: GraphStore) -> list[dict]:
    """One entry per entity: labels in each language, type, article count and the folded keys
    the page's search matches against (all labels, alternative labels included). Kept per store
    generation."""
    return _cached(store, "search", lambda: _search_entries(store))


def _search_entries(store: GraphStore) -> list[dict]:
    by: dict[str, dict] = {}
    for r in store.select(f"SELECT ?x ?t WHERE {{ VALUES ?t {{ {_ENTITY_CLASSES} }} ?x a ?t }}"):
        iri = str(r["x"])
        if resource_kind(iri) == "entity" and str(r["t"]) in CLASS_TYPE:
            by.setdefault(iri, {"iri": iri, "type": CLASS_TYPE[str(r["t"])], "labels": {},
                                "keys": set(), "n": 0})
    for prop in ("prefLabel", "altLabel"):
        for r in store.select(f"SELECT ?x ?l (LANG(?l) AS ?lang) WHERE {{ ?x skos:{prop} ?l }}"):
            e = by.get(str(r["x"]))
            if e is None:
                continue
            if prop == "prefLabel":
                e["labels"].setdefault(str(r.get("lang", "")), str(r["l"]))
            e["keys"].add(fold(str(r["l"])))
    for r in store.select("SELECT ?x (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a schema:mentions ?x } GROUP BY ?x"):
        if str(r["x"]) in by:
            by[str(r["x"])]["n"] = int(r["n"])
    out = sorted((e for e in by.values() if e["keys"]), key=lambda e: (-e["n"], e["iri"]))
    for e in out:
        e["keys"] = sorted(e["keys"])
    return out


def rdf_of(store: GraphStore, iri: str, fmt: str) -> bytes:
    """The triples about ``iri`` (outgoing, plus incoming links from other resources), serialised
    as ``turtle``, ``nt`` or ``jsonld``."""
    from pyoxigraph import RdfFormat

    node = _node(iri)
    result = store.query(f"CONSTRUCT {{ {node} ?p ?o . ?s ?q {node} }} WHERE {{ "
                         f"{{ {node} ?p ?o }} UNION {{ ?s ?q {node} FILTER(?q != itsrdf:taIdentRef) }} }}")
    formats = {"turtle": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES, "jsonld": RdfFormat.JSON_LD}
    return result.serialize(format=formats[fmt])
