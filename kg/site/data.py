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
from collections import defaultdict

from pyoxigraph import NamedNode

from kg.rdf.store import GraphStore
from kg.rdf.vocab import CLASS_TYPE, MKGR, SCHEMA
from kg.text.arabic import fold_latin, normalize_arabic

__all__ = ["KINDS", "resource_kind", "fold", "entity_data", "article_data", "event_data",
           "edition_data", "all_resources", "search_entries", "exists", "rdf_of"]

#: the resource kinds that get a page, by the first segment of their IRI after ``mkgr:``
KINDS = ("entity", "article", "event", "edition")
LANGS = ("en", "ar", "es")
_SENTENCE_END = re.compile(r"[.!?؟。\n]")


def resource_kind(iri: str) -> str | None:
    """``entity``, ``article``, ``event`` or ``edition`` for a page resource, else ``None``.

    Sub-resources (an article's text context, an entity's geometry) are not pages.
    """
    if not iri.startswith(MKGR):
        return None
    kind, _, rest = iri[len(MKGR):].partition("/")
    if kind not in KINDS or not rest or "/" in rest or "#" in rest:
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

def entity_data(store: GraphStore, iri: str) -> dict | None:
    """Labels, type, links, mentions (with their sentence) per edition, co-mentions and events."""
    node = _node(iri)
    head = store.select(f"""SELECT ?t ?same ?wkt WHERE {{ {{ {node} a ?t }}
        UNION {{ {node} owl:sameAs ?same }} UNION {{ {node} geo:hasGeometry/geo:asWKT ?wkt }} }}""")
    if not head:
        return None
    types = [CLASS_TYPE[str(r["t"])] for r in head if str(r.get("t")) in CLASS_TYPE]
    same = sorted(str(r["same"]) for r in head if "same" in r)
    wkt = next((str(r["wkt"]) for r in head if "wkt" in r), "")
    alts = store.select(f"SELECT DISTINCT ?l WHERE {{ {node} skos:altLabel ?l }} ORDER BY ?l LIMIT 30")
    rows = store.select(f"""SELECT ?a ?h ?lang ?date ?ed ?b ?e ?text WHERE {{
        ?m itsrdf:taIdentRef {node} ; nif:referenceContext ?ctx ; nif:beginIndex ?b ; nif:endIndex ?e .
        ?a mkg:textContext ?ctx . ?ctx nif:isString ?text .
        OPTIONAL {{ ?a schema:headline ?h }} OPTIONAL {{ ?a schema:inLanguage ?lang }}
        OPTIONAL {{ ?a schema:datePublished ?date }} OPTIONAL {{ ?a schema:isPartOf ?ed }} }}
        ORDER BY ?date ?a ?b""")
    articles: dict[str, dict] = {}
    for r in rows:
        a = str(r["a"])
        art = articles.setdefault(a, {"iri": a, "headline": str(r.get("h", "")),
                                      "lang": str(r.get("lang", "")),
                                      "date": str(r.get("date", ""))[:10],
                                      "edition": str(r.get("ed", "")), "snippets": []})
        if len(art["snippets"]) < 3:
            art["snippets"].append(sentence_around(str(r["text"]), int(r["b"]), int(r["e"])))
    counts: dict[tuple[str, str], int] = defaultdict(int)  # (edition, day) -> mentions
    for r in rows:
        counts[(str(r.get("ed", "")), str(r.get("date", ""))[:10])] += 1
    co = store.select(f"""SELECT ?o (COUNT(DISTINCT ?a) AS ?n) WHERE {{
        ?a schema:mentions {node}, ?o . FILTER(?o != {node}) }} GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 25""")
    events = store.select(f"""SELECT DISTINCT ?ev ?type ?ts WHERE {{
        {{ ?ev sem:hasActor {node} }} UNION {{ ?ev sem:hasPlace {node} }}
        ?ev sem:eventType ?type . OPTIONAL {{ ?ev sem:hasTimeStamp ?ts }} }} ORDER BY ?ts ?ev LIMIT 100""")
    editions = {a["edition"] for a in articles.values() if a["edition"]}
    names = labels(store, {iri} | {str(r["o"]) for r in co} | editions
                   | {str(r["type"]) for r in events})
    return {
        "iri": iri, "type": types[0] if types else "OTHER", "labels": names.get(iri, {}),
        "alt": [str(r["l"]) for r in alts], "same_as": same, "wkt": wkt,
        "articles": list(articles.values()), "counts": dict(counts),
        "co": [(str(r["o"]), int(r["n"])) for r in co],
        "types": _types(store, {str(r["o"]) for r in co}),
        "events": [{"iri": str(r["ev"]), "type": str(r["type"]), "date": str(r.get("ts", ""))[:10]}
                   for r in events],
        "names": names,
    }


def article_data(store: GraphStore, iri: str) -> dict | None:
    """Metadata, text and mentions, same-story articles (confidence, evidence), events."""
    node = _node(iri)
    meta = store.select(f"""SELECT ?p ?o WHERE {{ {node} ?p ?o .
        FILTER(?p IN (schema:headline, schema:inLanguage, schema:datePublished, schema:url,
                      schema:author, schema:isPartOf, schema:articleSection, schema:keywords)) }}""")
    if not meta:
        return None
    info: dict[str, list[str]] = defaultdict(list)
    for r in meta:
        info[str(r["p"])[len(SCHEMA):]].append(str(r["o"]))
    text_rows = store.select(f"SELECT ?text WHERE {{ {node} mkg:textContext/nif:isString ?text }}")
    mentions = store.select(f"""SELECT ?b ?e ?ent WHERE {{ {node} mkg:textContext ?ctx .
        ?m nif:referenceContext ?ctx ; nif:beginIndex ?b ; nif:endIndex ?e .
        OPTIONAL {{ ?m itsrdf:taIdentRef ?ent }} }} ORDER BY ?b DESC(?e)""")
    stories = store.select(f"""SELECT ?o ?h ?lang ?date ?ed ?conf ?ev WHERE {{ {node} mkg:sameStoryAs ?o .
        OPTIONAL {{ ?o schema:headline ?h }} OPTIONAL {{ ?o schema:inLanguage ?lang }}
        OPTIONAL {{ ?o schema:datePublished ?date }} OPTIONAL {{ ?o schema:isPartOf ?ed }}
        OPTIONAL {{ ?l a mkg:StoryLink ; mkg:linksArticle {node}, ?o ; mkg:confidence ?conf .
                    OPTIONAL {{ ?l mkg:evidence ?ev }} }} }} ORDER BY ?o""")
    events = store.select(f"""SELECT DISTINCT ?ev ?type ?ts WHERE {{ ?ev prov:wasDerivedFrom {node} ;
        sem:eventType ?type . OPTIONAL {{ ?ev sem:hasTimeStamp ?ts }} }} ORDER BY ?ts ?ev""")
    entities = {str(r["ent"]) for r in mentions if "ent" in r}
    editions = set(info.get("isPartOf", [])) | {str(r["ed"]) for r in stories if "ed" in r}
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
        "stories": [{"iri": str(r["o"]), "headline": str(r.get("h", "")), "lang": str(r.get("lang", "")),
                     "date": str(r.get("date", ""))[:10], "edition": str(r.get("ed", "")),
                     "confidence": r.get("conf"), "evidence": str(r.get("ev", ""))} for r in stories],
        "events": [{"iri": str(r["ev"]), "type": str(r["type"]), "date": str(r.get("ts", ""))[:10]}
                   for r in events],
        "names": names,
    }


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
    only = store.select(f"""SELECT ?e (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a schema:isPartOf {node} ;
        schema:mentions ?e . FILTER NOT EXISTS {{ ?b schema:mentions ?e ; schema:isPartOf ?other .
        FILTER(?other != {node}) }} }} GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 30""")
    ents = {str(r["e"]) for r in top + only}
    return {
        "iri": iri, "name": str(head[0].get("name", local(iri))), "lang": str(head[0].get("lang", "")),
        "articles": [{"iri": str(r["a"]), "headline": str(r.get("h", "")), "lang": str(r.get("lang", "")),
                      "date": str(r.get("date", ""))[:10]} for r in arts],
        "top": [(str(r["e"]), int(r["n"])) for r in top],
        "only": [(str(r["e"]), int(r["n"])) for r in only],
        "types": _types(store, ents), "names": labels(store, ents),
    }


def all_resources(store: GraphStore) -> dict[str, list[str]]:
    """Every page resource of the store, by kind, sorted."""
    rows = store.select("""SELECT DISTINCT ?x ?k WHERE {
        { ?x a schema:NewsArticle BIND("article" AS ?k) } UNION { ?x a sem:Event BIND("event" AS ?k) }
        UNION { ?x a schema:Periodical BIND("edition" AS ?k) }
        UNION { ?x a ?t FILTER(?t IN (schema:Person, schema:Place, schema:Organization)) BIND("entity" AS ?k) }
        UNION { ?x a schema:Event FILTER NOT EXISTS { ?x a sem:Event } BIND("entity" AS ?k) } }""")
    out: dict[str, list[str]] = {k: [] for k in KINDS}
    for r in rows:
        iri = str(r["x"])
        if resource_kind(iri) == r["k"]:
            out[str(r["k"])].append(iri)
    return {k: sorted(set(v)) for k, v in out.items()}


def search_entries(store: GraphStore) -> list[dict]:
    """One entry per entity: labels in each language, type, article count and the folded keys
    the page's search matches against (all labels, alternative labels included)."""
    rows = store.select("""SELECT ?x ?t ?l (LANG(?l) AS ?lang) ?alt WHERE { ?x a ?t .
        FILTER(?t IN (schema:Person, schema:Place, schema:Organization, schema:Event))
        FILTER NOT EXISTS { ?x a sem:Event }
        { ?x skos:prefLabel ?l } UNION { ?x skos:altLabel ?l BIND(true AS ?alt) } }""")
    counts = {str(r["x"]): int(r["n"]) for r in store.select(
        "SELECT ?x (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a schema:mentions ?x } GROUP BY ?x")}
    by: dict[str, dict] = {}
    for r in rows:
        iri = str(r["x"])
        if resource_kind(iri) != "entity":
            continue
        e = by.setdefault(iri, {"iri": iri, "type": CLASS_TYPE.get(str(r["t"]), "OTHER"),
                                "labels": {}, "keys": set(), "n": counts.get(iri, 0)})
        label = str(r["l"])
        if "alt" not in r:
            e["labels"].setdefault(str(r.get("lang", "")), label)
        e["keys"].add(fold(label))
    out = sorted(by.values(), key=lambda e: (-e["n"], e["iri"]))
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
