"""Entity resolution across languages: mentions of all articles -> one :class:`Entity` per thing.

Evidence, strongest first (each step only joins sets of the same entity type, and never two
different knowledge-base ids):

1. ``kb-id``: the finder or the knowledge base (or the ``kg kb import`` Wikidata index, or an
   online Wikidata reconciliation, cached) gave the mention an id.
2. ``normalised-key``: same key after case/accent folding, Arabic normalisation, titles removed;
   this is what joins English and Spanish spellings. ``type-vote`` folds a rare type given to a
   key (a model tagging "Gaza" ORG once) into its dominant type.
3. ``known-translation``: a small table of names that are translated, not transliterated.
4. ``lexicon`` (ANETAC name pairs) and ``romanisation`` (``arabic_name_romanizer``) for Arabic
   names without an id, blocked by a cross-script consonant skeleton and verified by fuzzy
   similarity (rapidfuzz) to the Latin label of the same type; ``fuzzy`` for Latin spelling
   variants ("Zelenski"/"Zelensky").
5. ``same-story``: the names of two linked reports of one story are aligned one to one
   (:mod:`kg.link.align`: spelling, transliteration, a glossary of generic words); an aligned
   pair is one entity, across types only when the names agree almost exactly.
6. ``translation``: optional cached machine translation of frequent names nothing else placed.
7. ``surname``: a short person name ("Trump", "نتنياهو") joins the full name it ends, when that
   is unambiguous in the corpus and the short name mostly appears beside it; per article, when
   unambiguous in the article. A kunya ("Abu Mazen") is never a surname.
8. ``acronym`` (per article): "NBA" beside "National Basketball Association" is that name.

The result does not depend on the order of the documents: everything is sorted first, and keys
are a KB id or ``f"{type}:{key}"``.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import product, repeat
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any

from kg.collector import collector_paused
from kg.link.align import align
from kg.link.entity import Entity, Merge
from kg.link.kbadapter import KBInfo, KBView
from kg.link.lexicon import arabic_token_forms, romanise
from kg.link.reconcile import reconcile_names
from kg.link.unionfind import UnionFind
from kg.text.arabic import drop_proclitic, normalize_arabic, strip_clitics
from kg.text.keys import fold_latin, is_arabic, key_slug, latin_token_core, name_key, skeleton

if TYPE_CHECKING:
    from kg.article import Article
    from kg.link.reconcile import Reconciler
    from kg.link.stories import StoryLink
    from kg.link.translate import TranslationCache
    from kg.nlp.mention import Mention

log = logging.getLogger(__name__)

TYPES = ("PER", "ORG", "LOC", "EVENT")
Node = tuple[str, str]  # (type, name key)
_MENTION_ORDER = attrgetter("start", "end", "type", "surface")

#: Confidence of each kind of evidence (the fuzzy kinds scale this by their similarity).
EVIDENCE_CONFIDENCE = {
    "kb-id": 1.0, "normalised-key": 0.97, "type-vote": 0.85, "known-translation": 0.95,
    "lexicon": 0.92, "romanisation": 0.85, "fuzzy": 0.88, "same-story": 0.8,
    "translation": 0.8, "surname": 0.9, "surname-in-article": 0.9,
}

#: A set without a KB id joins a KB entity through one story pair only with at most this many
#: mentions.
STORY_KB_MAX_MENTIONS = 6

#: Names that are translated rather than transliterated (keys as :func:`name_key` makes them).
#: Countries and big organisations are the knowledge base's job; this covers what often slips.
KNOWN_TRANSLATIONS: dict[str, tuple[str, ...]] = {
    "ORG:united nations": ("naciones unidas", "الامم المتحده", "un", "onu"),
    "ORG:european union": ("union europea", "الاتحاد الاوروبي", "eu", "ue"),
    "ORG:white house": ("casa blanca", "البيت الابيض"),
    "ORG:security council": ("consejo de seguridad", "مجلس الامن"),
    "ORG:un security council": ("consejo de seguridad de la onu", "مجلس الامن الدولي"),
    "ORG:red cross": ("cruz roja", "الصليب الاحمر"),
    "ORG:pentagon": ("pentagono", "البنتاغون"),
    "ORG:state department": ("departamento de estado", "وزاره الخارجيه الاميركيه"),
    "ORG:israel defense forces": ("idf", "fuerzas de defensa de israel", "جيش الاحتلال",
                                  "الجيش الاسرائيلي"),
    "ORG:islamic jihad": ("yihad islamica", "الجهاد الاسلامي"),
    "ORG:al-qassam brigades": ("qassam brigades", "brigadas al qassam", "كتائب القسام"),
    "ORG:islamic revolutionary guard corps": ("irgc", "revolutionary guards", "الحرس الثوري",
                                              "guardia revolucionaria"),
    "ORG:world health organization": ("who", "organizacion mundial de la salud", "oms",
                                      "منظمه الصحه العالميه"),
    "ORG:international court of justice": ("icj", "corte internacional de justicia",
                                           "محكمه العدل الدوليه"),
    "ORG:international criminal court": ("icc", "corte penal internacional",
                                         "المحكمه الجنائيه الدوليه"),
    "ORG:unrwa": ("الاونروا", "اونروا"),
    "ORG:nato": ("otan", "الناتو", "حلف الناتو", "حلف شمال الاطلسي"),
    "ORG:ansar allah": ("انصار الله",),
    "LOC:gaza strip": ("franja de gaza", "قطاع غزه"),
    "LOC:west bank": ("cisjordania", "الضفه الغربيه"),
    "LOC:red sea": ("mar rojo", "البحر الاحمر"),
    "LOC:middle east": ("medio oriente", "oriente medio", "الشرق الاوسط"),
    "LOC:jerusalem": ("jerusalen", "القدس", "al-quds"),
    "LOC:golan heights": ("altos del golan", "الجولان", "هضبه الجولان"),
    "LOC:al-aqsa mosque": ("mezquita de al aqsa", "المسجد الاقصى", "المسجد الاقصي"),
    "LOC:tel aviv": ("تل ابيب",),
    "LOC:gaza": ("غزه",),
    "LOC:rafah": ("رفح",),
    "LOC:khan younis": ("خان يونس", "khan yunis"),
    "LOC:damascus": ("damasco", "دمشق"),
    "LOC:beirut": ("beirut", "بيروت"),
    "LOC:cairo": ("el cairo", "القاهره"),
    "LOC:tehran": ("teheran", "طهران"),
    "LOC:washington": ("واشنطن",),
    "LOC:moscow": ("moscu", "موسكو"),
    "LOC:london": ("londres", "لندن"),
    "LOC:paris": ("باريس",),
    "LOC:europe": ("europa", "اوروبا"),
    "PER:joe biden": ("جو بايدن",),
    "PER:donald trump": ("دونالد ترامب",),
    "PER:benjamin netanyahu": ("بنيامين نتنياهو",),
    "PER:antony blinken": ("انتوني بلينكن",),
    "PER:hassan nasrallah": ("حسن نصر الله", "حسن نصرالله"),
    "PER:yahya sinwar": ("يحيي السنوار",),
    "PER:ismail haniyeh": ("اسماعيل هنيه",),
    "PER:vladimir putin": ("فلاديمير بوتين", "vladimir putin"),
    "PER:volodymyr zelensky": ("فولوديمير زيلينسكي",),
    "PER:ebrahim raisi": ("ابراهيم رييسي", "ebrahim raisi"),
    "PER:ali khamenei": ("علي خامنيي", "علي الخامنيي"),
    "PER:yoav gallant": ("يوآف غالانت", "يواف غالانت"),
    "PER:recep tayyip erdogan": ("رجب طيب اردوغان",),
    "PER:abdel fattah el-sisi": ("عبد الفتاح السيسي", "abdel fattah al-sisi"),
    "PER:mahmoud abbas": ("محمود عباس",),
    "PER:gabriel boric": ("غابرييل بوريك",),
}


# --------------------------------------------------------------------------- result record


@dataclass
class Resolution:
    """What linking decided, for the builder and the later stages.

    ``entities``: key -> :class:`Entity`; ``mentions``: ``(article_id, start, end)`` -> key;
    ``tags``: article id -> keys of its editorial tags; ``article_entities``: article id ->
    sorted keys of everything it mentions.
    """

    entities: dict[str, Entity] = field(default_factory=dict)
    mentions: dict[tuple[str, int, int], str] = field(default_factory=dict)
    tags: dict[str, list[str]] = field(default_factory=dict)
    article_entities: dict[str, list[str]] = field(default_factory=dict)

    def mention_entity(self, article_id: str, mention: Mention) -> str | None:
        """The entity key of one mention of one article, or ``None`` when it was not linked."""
        return self.mentions.get((article_id, mention.start, mention.end))

    def tag_entities(self, article: Article | str) -> list[str]:
        """Entity keys of an article's editorial tags (tags whose type could not be told are skipped)."""
        aid = article if isinstance(article, str) else article.id
        return list(self.tags.get(aid, []))

    def entities_of(self, article_id: str) -> list[str]:
        """Sorted keys of the entities an article mentions."""
        return list(self.article_entities.get(article_id, []))

    def entity_sets(self) -> dict[str, set[str]]:
        """Article id -> set of entity keys (mentions and tags), for story linking."""
        out = {aid: set(keys) for aid, keys in self.article_entities.items()}
        for aid, keys in self.tags.items():
            out.setdefault(aid, set()).update(keys)
        return out


# --------------------------------------------------------------------------- gathering


class _NodeStats:
    """What the mentions and tags of a node add up to. Plain dicts, not Counters: a pass makes
    ~35k of these, and a Counter is slow to make and to add a new key to."""

    __slots__ = ("count", "surfaces", "kb", "articles")

    def __init__(self) -> None:
        self.count = 0
        self.surfaces: dict[tuple[str, str], int] = {}  # (surface, lang) -> n, first seen first
        self.kb: dict[str, int] = {}  # KB id -> n
        self.articles: set[str] = set()


#: An article's mentions that name a node, in text order: (starts, ends, nodes), one mention
#: per span (the last of several on one span). Tuples of the mentions' own ints, not a
#: (article, start, end) key per mention: kept for every article in a `kg watch` process.
_Spans = tuple[tuple[int, ...], tuple[int, ...], tuple[Node, ...]]


def _spans(nodes: Mapping[tuple[int, int], Node]) -> _Spans:
    """:data:`_Spans` of (start, end) -> node, sorted."""
    ordered = sorted(nodes.items())
    return (tuple(s for (s, _e), _n in ordered), tuple(e for (_s, e), _n in ordered),
            tuple(n for _span, n in ordered))


def _span_nodes(spans: _Spans) -> dict[tuple[int, int], Node]:
    starts, ends, nodes = spans
    return dict(zip(zip(starts, ends, strict=True), nodes, strict=True))


@dataclass(frozen=True)
class _Gathered:
    """What one article's mentions add to the node statistics, remembered with the KB view
    (see :meth:`_Resolver._gathered`): a `kg watch` round, and pass 2 of a build, gather the
    same mentions of nearly every article again."""

    language: str | None
    mentions: tuple[Mention, ...]  # what it was made from
    spans: _Spans  # of the mentions that name a node
    nodes: frozenset[Node]
    #: ((node, (surface, lang), KB id), mentions) in the order first seen (the first tuple is
    #: :meth:`_Resolver._mention_node`'s, shared by every mention so named)
    rows: tuple[tuple[tuple[Node, tuple[str, str], str | None], int], ...]


def _lang_of(article_lang: str | None, text: str) -> str:
    """The language a name is written in: Arabic by its script, else the article's (Latin
    script in an Arabic article is taken as English)."""
    if is_arabic(text):
        return "ar"
    lang = article_lang or "en"
    return "en" if lang == "ar" else lang


#: :func:`is_arabic` of node keys, asked ~300k times per pass about ~35k keys.
_arabic_key = lru_cache(maxsize=400_000)(is_arabic)


@lru_cache(maxsize=400_000)  # asked ~700k times per pass about the corpus's ~35k node keys
def _tokens_of(key: str) -> tuple[str, ...]:
    """The words of a node key, without its language mark (a tuple: callers share it)."""
    return tuple(bare(key).split())


@lru_cache(maxsize=400_000)  # asked about the same ~35k node keys a million times per pass
def bare(key: str) -> str:
    """A node key without its language mark ("rosa#es" -> "rosa")."""
    return key.split("#", 1)[0]


@lru_cache(maxsize=300_000)  # names repeat: the 140k mentions of the corpus have 21k spellings
def node_key(surface: str, lang: str, etype: str, kb_id: str | None) -> str:
    """The key of a mention's node. A one-word Latin name without a KB id is kept apart per
    language ("Rosa"@es and "Rosa"@en are probably different people; "COP" is a police unit in
    Chile and a lobby in New York); it joins other languages only through a full name, the
    knowledge base, a lexicon or a linked story.

    >>> node_key("Rosa", "es", "PER", None), node_key("COP", "es", "ORG", None)
    ('rosa#es', 'cop#es')
    >>> node_key("Gaza", "es", "LOC", "kb:gaza"), node_key("Franja de Gaza", "es", "LOC", None)
    ('gaza', 'franja de gaza')
    >>> node_key("Donald Trump", "es", "PER", None)
    'donald trump'
    """
    key = name_key(surface, lang, etype)
    if lang != "ar" and " " not in key and not kb_id and key:
        return f"{key}#{lang}"
    return key


def _most_written(surfaces: Mapping[tuple[str, str], int]) -> tuple[str, str]:
    """The most frequent (surface, language); ties: the first seen (as ``Counter.most_common``)."""
    return max(surfaces.items(), key=itemgetter(1))[0]


class _Resolver:
    """One resolution run; see :func:`resolve_entities`."""

    def __init__(self, kb: KBView, translator: TranslationCache | None) -> None:
        self.kb = kb
        self.translator = translator
        self.stats: dict[Node, _NodeStats] = defaultdict(_NodeStats)
        self.article_spans: dict[str, _Spans] = {}  # article id -> its mentions' nodes
        self.article_nodes: dict[str, frozenset[Node]] = {}  # of articles with a named mention
        self.tag_node: dict[str, list[Node]] = defaultdict(list)
        self.root_kb: dict[Node, str] = {}
        # the guard holds the ids, not the resolver: no cycle keeps a pass's ~600k objects alive
        # after it is done (linking runs with the collector paused)
        self.uf: UnionFind[Node] = UnionFind(guard=partial(_one_kb_id, self.root_kb))
        self.root_type: dict[Node, str] = {}
        self.overrides: dict[tuple[str, Node], Node] = {}  # (article, node) -> node it means there
        # what several steps of a pass ask of the nodes, made once (see _nodes, _top_surface)
        self._sorted: list[Node] = []
        self._tops: dict[Node, tuple[str, str]] = {}
        self._labels_memo: tuple[dict[Any, _Labels], dict[Any, _Labels]] = ({}, {})  # see _labels

    # ---- union with guards: one KB id (:func:`_one_kb_id`) and one type per set
    def _union(self, a: Node, b: Node, evidence: str, conf: float, same_type: bool = True) -> bool:
        ra, rb = self.uf.find(a), self.uf.find(b)
        if ra == rb:
            return False
        if same_type and self.root_type[ra] != self.root_type[rb]:
            return False
        ka, kb_ = self.root_kb.get(ra), self.root_kb.get(rb)
        ta, tb = self.root_type[ra], self.root_type[rb]
        if not self.uf.union(a, b, evidence, conf):
            return False
        root = self.uf.find(a)
        self.root_kb[root] = ka or kb_
        # the type of a set with a KB id is the KB's; otherwise the one with more mentions
        if ka:
            self.root_type[root] = ta
        elif kb_:
            self.root_type[root] = tb
        else:
            na, nb = self._count_root(ra), self._count_root(rb)
            self.root_type[root] = ta if (na, ta) >= (nb, tb) else tb
        self._root_counts[root] = self._count_root(ra) + self._count_root(rb)
        return True

    def _count_root(self, root: Node) -> int:
        return self._root_counts.get(root, 0)

    # ---- 1. gather
    def gather(self, docs: Sequence[tuple[Article, Sequence[Mention]]]) -> None:
        """Add up each article's mentions per node, in the order of the sorted documents (the
        order a node's spellings are first seen in decides ties between them)."""
        stats, article_spans, article_nodes = self.stats, self.article_spans, self.article_nodes
        for article, mentions in docs:
            aid = article.id
            gathered = self._gathered(article, mentions)
            for (node, written, kb_id), n in gathered.rows:
                st = stats[node]
                st.count += n
                st.surfaces[written] = st.surfaces.get(written, 0) + n
                if kb_id:
                    st.kb[kb_id] = st.kb.get(kb_id, 0) + n
                st.articles.add(aid)
            if aid in article_spans:  # the same article id twice: one article
                article_spans[aid] = _spans({**_span_nodes(article_spans[aid]), **_span_nodes(gathered.spans)})
                article_nodes[aid] = article_nodes[aid] | gathered.nodes
            elif gathered.nodes:
                article_spans[aid] = gathered.spans
                article_nodes[aid] = gathered.nodes

    def _gathered(self, article: Article, mentions: Sequence[Mention]) -> _Gathered:
        """:class:`_Gathered` of an article's mentions, remembered per article id while they
        (and its language) stay the same."""
        memo: dict[str, _Gathered] = self.kb.derived.setdefault("article-mentions", {})
        mentions = tuple(mentions)
        found = memo.get(article.id)
        if found is None or found.language != article.language or found.mentions != mentions:
            found = memo[article.id] = self._new_gathered(article.language, mentions)
        return found

    def _new_gathered(self, article_lang: str | None, mentions: tuple[Mention, ...]) -> _Gathered:
        spans: dict[tuple[int, int], Node] = {}
        named: dict[tuple[Node, tuple[str, str], str | None], int] = {}
        for m in sorted(mentions, key=_MENTION_ORDER):
            found = self._mention_node(m, article_lang)
            if found is not None:
                named[found] = named.get(found, 0) + 1
                spans[(m.start, m.end)] = found[0]
        return _Gathered(article_lang, mentions, _spans(spans), frozenset(node for node, _w, _k in named),
                         tuple(named.items()))

    def _mention_memo(self) -> dict[tuple[str, str | None, str, str | None], Any]:
        return self.kb.derived.setdefault("mention-nodes", {})

    def _mention_node(self, m: Mention, article_lang: str | None) -> tuple[Node, tuple[str, str], str | None] | None:
        """(node, (spelling, language), KB id) of a mention's name, or None when it names
        nothing. Kept in the KB view's memory (its lookups decide it), which every pass of a
        build shares: a corpus spells its 140k mentions 21k ways."""
        memo = self._mention_memo()
        ident = (m.surface, m.entity, m.type, article_lang)
        if ident not in memo:
            memo[ident] = self._new_mention_node(m, article_lang)
        return memo[ident]

    def _new_mention_node(self, m: Mention, article_lang: str | None) -> tuple[Node, tuple[str, str], str | None] | None:
        if m.type not in TYPES or not m.surface.strip():
            return None
        lang = _lang_of(article_lang, m.surface)
        if lang != "ar" and not any(c.isupper() for c in m.surface):
            return None  # "la meta", "alza de": not a name in a cased language
        surface, kb_id = self._surface_and_id(m, lang)
        key = node_key(surface, lang, m.type, kb_id)
        if not key or len(bare(key)) < 2:
            return None
        return (m.type, key), (m.surface.strip(), lang), kb_id

    def _surface_and_id(self, m: Mention, lang: str) -> tuple[str, str | None]:
        """The name a mention's key is made from, and its KB id; an Arabic proclitic the finder
        left on the name ("للولايات المتحدة") goes when the KB confirms it or it is ``لل``."""
        kb_id = m.entity or (None if _unsure_acronym(m.surface) else self.kb.lookup(m.surface, lang, m.type))
        if lang != "ar" or kb_id:
            return m.surface, kb_id or self._curated_without_initials(m.surface, lang)
        bare_name = drop_proclitic(m.surface)
        if bare_name != m.surface:
            kb_id = self.kb.lookup(bare_name, lang, m.type)
            if kb_id or normalize_arabic(m.surface).lstrip("وف").startswith("لل"):
                return bare_name, kb_id
        return self._known_after_proclitic(m) or (m.surface, None)

    def _curated_without_initials(self, surface: str, lang: str) -> str | None:
        """The curated person a Latin name stands for once its middle initials and generational
        suffix are left out ("Antony J. Blinken", "Lloyd J. Austin III": the New York Times'
        style). Only the curated list is trusted so: the knowledge base's other people may be
        namesakes (George W. Bush is none of its George Bushes)."""
        plain = _without_initials(surface)
        if plain == surface:
            return None
        kb_id = self.kb.lookup(plain, lang, "PER")
        return kb_id if kb_id and kb_id.startswith("kb:") else None

    def _known_after_proclitic(self, m: Mention) -> tuple[str, str] | None:
        """An Arabic name whose first word keeps a proclitic without the article ("وبريطانيا",
        "بروسيا"; "لولايات المتحدة" is "للولايات" with one ل cut off), read without it when
        the rest is a country or a curated name of two words or more in the KB. Not a place of
        the gazetteer, which may begin with و ب ل ك ف itself ("برقان" is no ب + رقان), nor a
        one-word curated name, which may be an everyday word ("للجزيرة": to the island)."""
        first, space, rest = m.surface.strip().partition(" ")
        for _, stem in strip_clitics(first)[1:]:
            if len(normalize_arabic(stem)) < 3:
                continue
            kb_id = self.kb.lookup(stem + space + rest, "ar", m.type)
            if kb_id and (kb_id.startswith("country:") or (rest and kb_id.startswith("kb:"))):
                return stem + space + rest, kb_id
        return None

    def gather_tags(self, articles: Iterable[Article]) -> None:
        """Editorial tags: typed by the KB, else by the type the same key has as a mention."""
        for article in articles:
            seen: set[Node] = set()
            for tag in sorted({t.strip() for t in article.tags if t and t.strip()}):
                lang, kb_id = self._tag_reading(tag, article.language)
                node = self._tag_node(tag, lang, kb_id)
                if node is None or node in seen:
                    continue
                seen.add(node)
                st = self.stats[node]
                st.surfaces[(tag, lang)] = st.surfaces.get((tag, lang), 0) + 1
                self.tag_node[article.id].append(node)

    def _tag_reading(self, tag: str, article_lang: str | None) -> tuple[str, str | None]:
        """A tag's language and KB id; kept in the KB view's memory (its lookup decides the
        id), as the same tags come in every pass."""
        memo = self.kb.derived.setdefault("tag-readings", {})
        found = memo.get((tag, article_lang))
        if found is None:
            lang = _lang_of(article_lang, tag)
            found = memo[(tag, article_lang)] = (lang, self.kb.lookup(tag, lang))
        return found

    def _tag_node(self, tag: str, lang: str, kb_id: str | None) -> Node | None:
        kb_node, typed = self._tag_nodes(tag, lang, kb_id)
        if kb_node is not None:
            kb_ids = self.stats[kb_node].kb
            kb_ids[kb_id] = kb_ids.get(kb_id, 0) + 1
            return kb_node
        best: tuple[int, Node] | None = None
        for node in typed:
            st = self.stats.get(node)
            if st is not None and st.count and (best is None or (st.count, node) > best):
                best = st.count, node
        return best[1] if best else None

    def _tag_nodes(self, tag: str, lang: str, kb_id: str | None) -> tuple[Node | None, tuple[Node, ...]]:
        """The node a tag names by its KB id (None: it has none, or of a type not resolved),
        else the node it names as each type; kept in the KB view's memory (they depend on its
        answers only), as the same tags come in every pass."""
        memo = self.kb.derived.setdefault("tag-nodes", {})
        found = memo.get((tag, lang, kb_id))
        if found is None:
            etype = self.kb.info(kb_id).type if kb_id else None
            found = memo[(tag, lang, kb_id)] = (
                ((etype, node_key(tag, lang, etype, kb_id)), ()) if etype in TYPES else
                (None, tuple((etype, node_key(tag, lang, etype, None)) for etype in TYPES)))
        return found

    # ---- 2. sets
    def _nodes(self) -> list[Node]:
        """``sorted(self.stats)``, sorted again only when a node was added (nodes are never
        removed, so the same size is the same nodes): after the tags no step adds one."""
        if len(self._sorted) != len(self.stats):
            self._sorted = self._sorted_nodes()
        return self._sorted

    def _sorted_nodes(self) -> list[Node]:
        """``sorted(self.stats)``, begun from the previous pass's sorted nodes: nearly all are
        the same, and a sort of two sorted runs only merges them (a 35k-node sort was ~0.05 s)."""
        stats, derived = self.stats, self.kb.derived
        kept = [node for node in derived.get("sorted-nodes", ()) if node in stats]
        if len(kept) < len(stats):
            known = set(kept)
            kept += sorted(node for node in stats if node not in known)
        derived["sorted-nodes"] = nodes = sorted(kept)
        return nodes

    def _top_surface(self, node: Node) -> tuple[str, str]:
        """The (surface, language) a node is most often written as (ties: the greatest); its
        surfaces are all counted once the tags are gathered. The node must have surfaces."""
        top = self._tops.get(node)
        if top is None:
            top = self._tops[node] = max(self.stats[node].surfaces.items(),
                                         key=lambda kv: (kv[1], kv[0]))[0]
        return top

    def init_sets(self) -> None:
        nodes, stats = self._nodes(), self.stats
        self.uf.add_all(nodes)
        self.root_type.update((node, node[0]) for node in nodes)
        self._root_counts: dict[Node, int] = {node: stats[node].count for node in nodes}
        for node in nodes:
            st = stats[node]
            if st.kb:
                kb_id = min(st.kb.items(), key=lambda kv: (-kv[1], kv[0]))[0]
                self.root_kb[node] = kb_id
                kb_type = self.kb.info(kb_id).type
                if kb_type in TYPES:
                    self.root_type[node] = kb_type

    def reconcile(self, reconciler: Reconciler | None) -> None:
        """Names no offline KB placed, asked of Wikidata (cached; offline only the cache answers)."""
        if reconciler is None or (reconciler.offline and not reconciler.entries):
            return  # nothing can be answered
        asked: list[tuple[Node, tuple[str, str, str, list[str]]]] = []
        for node in self._nodes():
            st = self.stats[node]
            if node[0] == "EVENT" or self.root_kb.get(node) or len(bare(node[1])) < 3 or not st.surfaces:
                continue
            surface, lang = self._top_surface(node)
            if reconciler.offline:
                # offline only cached answers come back: ask only about the names they place
                if reconciler.cached(surface, lang, node[0])[1] is not None:
                    asked.append((node, (surface, lang, node[0], [])))
                continue
            # the context only shapes questions Wikidata is actually asked (a third of a build
            # when computed for every name): cached answers do without it
            context = [] if reconciler.cached(surface, lang, node[0])[0] else self._context(node)
            asked.append((node, (surface, lang, node[0], context)))
        found = reconcile_names([name for _, name in asked], reconciler)
        for node, (surface, lang, etype, _context) in asked:
            answer = found.get((surface, lang, etype))
            if answer is not None:
                self.root_kb[node] = self.kb.adopt(answer)
                self.root_type[node] = answer.type

    def _context(self, node: Node, limit: int = 12) -> list[str]:
        """Labels of the entities most often named beside ``node`` (for reconciliation)."""
        near: Counter = Counter()
        for aid in sorted(self.stats[node].articles)[:20]:
            for other in self.article_nodes.get(aid, ()):
                if other != node and self.stats[other].surfaces:
                    near[_most_written(self.stats[other].surfaces)[0]] += 1
        return [label for label, _ in near.most_common(limit)]

    def merge_kb(self) -> None:
        by_id: dict[str, list[Node]] = defaultdict(list)
        for node in self._nodes():
            kb_id = self.root_kb.get(node)
            if kb_id:
                by_id[kb_id].append(node)
        for nodes in by_id.values():
            for other in nodes[1:]:
                self._union(nodes[0], other, "kb-id", 1.0, same_type=False)

    def merge_type_votes(self) -> None:
        """A key seen under several types: rare types (< 1/3 of its mentions), or types given to
        the same name inside one article ("Apple" ORG and PER in one report), join the main one."""
        by_key: dict[str, list[Node]] = defaultdict(list)
        for node in self._nodes():
            by_key[node[1]].append(node)
        for nodes in by_key.values():
            if len(nodes) < 2:
                continue
            total = sum(self.stats[n].count for n in nodes)
            main = max(nodes, key=lambda n: (self.stats[n].count, n))
            for node in nodes:
                if node == main or node[0] == "EVENT":
                    continue
                if self.stats[node].count * 3 < total or \
                        self.stats[node].articles & self.stats[main].articles:
                    self._union(main, node, "type-vote", EVIDENCE_CONFIDENCE["type-vote"],
                                same_type=False)

    def merge_known_translations(self) -> None:
        for canon, variants in sorted(KNOWN_TRANSLATIONS.items()):
            etype, key = canon.split(":", 1)
            group = [(etype, k) for v in (key, *variants) for k in _variant_keys(v, etype)]
            present = [n for n in group if n in self.stats]
            for other in present[1:]:
                self._union(present[0], other, "known-translation",
                            EVIDENCE_CONFIDENCE["known-translation"])

    # ---- 3. cross-script and spelling variants
    def _latin_index(self) -> tuple[dict[tuple[str, str], list[Node]], dict[tuple[str, str], list[Node]]]:
        """Latin nodes by key (also without "al-") and by skeleton. It reads only which nodes
        there are, so it is kept with the KB view (its lists are not to be changed): the
        cross-script and translation steps of a pass share one, and the next pass, whose nodes
        are nearly all the same, has it changed by the nodes gone and new (made anew when over
        a quarter changed)."""
        nodes = frozenset(self._nodes())
        kept = self.kb.derived.get("latin-index")
        if kept is not None and kept[0] == nodes:
            return kept[1:]
        if kept is None or len(kept[0] ^ nodes) > len(nodes) // 4:
            index = _changed_latin_index(({}, {}), (), self._nodes())
        else:  # (sorted: the same lists in every process, whatever its hash seed)
            index = _changed_latin_index(kept[1:], kept[0] - nodes, sorted(nodes - kept[0]))
        self.kb.derived["latin-index"] = (nodes, *index)
        return index

    def merge_cross_script(self) -> None:
        by_key, by_skel = self._latin_index()
        from rapidfuzz import fuzz

        # Latin spelling variants in one skeleton block ("zelenski" / "zelensky")
        blocks = [(key, nodes) for key, nodes in by_skel.items() if len(nodes) >= 2 and len(key[1]) >= 4]
        for _key, nodes in sorted(blocks):
            nodes = sorted(nodes, key=lambda n: (-self.stats[n].count, n))
            head = nodes[0]
            for other in nodes[1:]:
                if len(_tokens_of(other[1])) < 2 or len(_tokens_of(head[1])) < 2:
                    continue  # one word ("Martin"/"Martine", "Metropolitan"/"Metropolitana") is too little
                score = fuzz.ratio(bare(head[1]), bare(other[1])) / 100
                if head[0] == "PER" and _gender_variant(_tokens_of(head[1]), _tokens_of(other[1])):
                    continue  # "Daniel Ramirez" / "Daniela Ramírez" are two people
                if score >= 0.86 and len(_tokens_of(head[1])) == len(_tokens_of(other[1])):
                    self._union(head, other, "fuzzy", round(EVIDENCE_CONFIDENCE["fuzzy"] * score, 3))

        for node in self._nodes():
            etype, key = node
            if not _arabic_key(key) or etype == "EVENT" or self.root_kb.get(self.uf.find(node)):
                continue
            match = self._lexicon_match(node, by_key) or self._romanised_match(node, by_skel)
            if match:
                other, evidence, conf = match
                self._union(node, other, evidence, conf)

    def _lexicon_match(self, node: Node, by_key) -> tuple[Node, str, float] | None:
        etype, key = node
        forms = [arabic_token_forms(t) for t in key.split()]
        if not all(forms) or len(forms) > 4 or not _arabic_name_like(key):
            return None
        hits: list[Node] = []
        for combo in product(*[f[:6] for f in forms]):
            hits.extend(c for c in by_key.get((etype, " ".join(combo)), ()) if _compatible(key, bare(c[1])))
        if not hits:
            return None
        best = max(hits, key=lambda n: (self.stats[n].count, n))
        if len(key.split()) == 1 and (etype == "PER" or self.stats[best].count < 2):
            return None  # one given name or surname ("محمد", "دينا") names many people
        return best, "lexicon", EVIDENCE_CONFIDENCE["lexicon"]

    def _romanised_match(self, node: Node, by_skel, *, loose: bool = False) -> tuple[Node, str, float] | None:
        etype, key = node
        sk = skeleton(key, "ar", etype)
        candidates = [c for c in by_skel.get((etype, sk), []) if _compatible(key, bare(c[1]))]
        if not candidates or len(sk) < 3 or not _arabic_name_like(key):
            return None
        if not loose and (len(key.split()) == 1 or len(sk) < 4):
            return None  # one word, or very few consonants, by sound alone: only in linked stories
        candidates = [c for c in candidates
                      if _tokens_agree(key, bare(c[1])) and _token_sound_score(key, bare(c[1])) >= 0.6]
        # the whole name is romanised (~5 ms) only for a candidate that may match: in a whole
        # corpus's first pass, 9 in 10 names had none
        romans = romanise(key) if candidates else ()
        if not romans:
            return None
        from rapidfuzz import fuzz

        scored = [(max(fuzz.ratio(r, fold_latin(bare(cand[1]))) for r in romans) / 100,
                   self.stats[cand].count, cand) for cand in candidates]
        scored.sort(key=lambda s: (-s[0], -s[1], s[2]))
        score, _count, best = scored[0]
        threshold = 0.5 if loose else (0.72 if len(key.split()) > 1 else 0.85)
        if score < threshold:
            return None
        if len(scored) > 1 and scored[1][0] >= score - 0.02 and self.uf.find(scored[1][2]) != self.uf.find(best):
            return None  # two different entities fit equally well: leave it
        return best, "romanisation", round(EVIDENCE_CONFIDENCE["romanisation"] * score, 3)

    # ---- 4. linked stories
    def merge_story_links(self, links: Sequence[StoryLink]) -> None:
        """Names of two reports of the same story, aligned one to one (:func:`kg.link.align.align`).

        Two words for one thing in linked reports are one entity; a one-word name aligned to a
        longer one ("Vidal" / "Aleix Vidal") means that name only in its own article, since the
        one-word node gathers every "Vidal" of its language.
        """
        for link in sorted(links, key=lambda s: (s.a_id, s.b_id)):
            if link.confidence < 0.5:
                continue
            left, right = self._story_side(link.a_id), self._story_side(link.b_id)
            shared = {self.uf.find(n) for n in left.values()} & {self.uf.find(n) for n in right.values()}
            left = {k: n for k, n in left.items() if self.uf.find(n) not in shared}
            right = {k: n for k, n in right.items() if self.uf.find(n) not in shared}
            items_l = [(k, bare(n[1])) for k, n in left.items()]
            items_r = [(k, bare(n[1])) for k, n in right.items()]
            for lk, rk, score in align(items_l, items_r):
                a, b = left[lk], right[rk]
                ta, tb = len(_tokens_of(a[1])), len(_tokens_of(b[1]))
                conf = round(EVIDENCE_CONFIDENCE["same-story"] * link.confidence * score, 3)
                if ta == 1 and tb > 1:
                    self.overrides.setdefault((link.a_id, a), b)
                elif tb == 1 and ta > 1:
                    self.overrides.setdefault((link.b_id, b), a)
                elif self._may_join_by_story(a, b):
                    self._union(a, b, "same-story", conf, same_type=False)

    def _may_join_by_story(self, a: Node, b: Node) -> bool:
        """A story pair may lend a KB id to a set without one only when that set is narrow:
        a name used in many articles ("Supreme Court") is not one thing everywhere."""
        ra, rb = self.uf.find(a), self.uf.find(b)
        ka, kb_ = self.root_kb.get(ra), self.root_kb.get(rb)
        if bool(ka) == bool(kb_):
            return True
        plain = rb if ka else ra
        return self._count_root(plain) <= STORY_KB_MAX_MENTIONS

    def _story_side(self, article_id: str) -> dict[str, Node]:
        """An article's nodes (no events) as ``"TYPE:key"`` ids for alignment, typed by their set."""
        out = {}
        for node in sorted(self.article_nodes.get(article_id, ())):
            if node[0] != "EVENT":
                out[f"{self.root_type[self.uf.find(node)]}:{node[1]}"] = node
        return out

    # ---- 5. translation of what is left
    def merge_translations(self, limit: int = 300) -> None:
        if self.translator is None:
            return
        by_key, _ = self._latin_index()
        placed = {self.uf.find(n) for n in self.stats if not _arabic_key(n[1])}
        left = [n for n in self.stats if _arabic_key(n[1]) and n[0] != "EVENT"
                and self.uf.find(n) not in placed and not self.root_kb.get(self.uf.find(n))]
        left.sort(key=lambda n: (-self.stats[n].count, n))
        for node in left[:limit]:
            surface = _most_written(self.stats[node].surfaces)[0]
            english = self.translator.translate(surface, "ar", "en")
            if not english:
                continue
            hits = by_key.get((node[0], name_key(english, "en", node[0])))
            if hits:
                best = max(hits, key=lambda n: (self.stats[n].count, n))
                self._union(node, best, "translation", EVIDENCE_CONFIDENCE["translation"])

    # ---- 6. surnames
    def merge_surnames(self) -> None:
        """Short person names join the one full name they end, corpus-wide or per article."""
        tails = self._name_tails()
        for node in self._nodes():
            if node[0] != "PER" or not self.stats[node].surfaces:
                continue
            toks = _tokens_of(node[1])
            lang = self._top_surface(node)[1]
            if len(toks) > 2 or (toks, lang) not in tails:
                continue
            root = self.uf.find(node)
            counts = {r: c for r, c in tails[(toks, lang)].items() if self.uf.find(r) != root and c > 0}
            if not counts:
                continue
            top, top_n = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
            share = top_n / sum(counts.values())
            # a full name the KB did not know is not the KB person whose surname it ends with;
            # "يوسف" in a Gaza testimony is not Humza Yousaf (the costly test last)
            if share >= 0.8 and not (self.root_kb.get(root) and not self.root_kb.get(self.uf.find(top))) \
                    and self._mostly_beside(node, top):
                self._union(node, top, "surname", round(EVIDENCE_CONFIDENCE["surname"] * share, 3))
        # per article: an ambiguous surname means the full name the article itself uses
        for aid in sorted(self.article_nodes):
            for node, fulls in _surnames_in(self.article_nodes[aid]):
                roots = {self.uf.find(n) for n in fulls}
                roots.discard(self.uf.find(node))
                if len(roots) == 1:
                    (full,) = roots
                    self.overrides[(aid, node)] = full

    def _name_tails(self) -> dict[tuple[tuple[str, ...], str], dict[Node, int]]:
        """(last one or two words, language) -> full-name set -> mentions in that language."""
        tails: dict[tuple[tuple[str, ...], str], dict[Node, int]] = {}
        for node in self._nodes():
            ends = _name_ends(node[1]) if node[0] == "PER" else ()
            if not ends:
                continue
            root = self.uf.find(node)
            for (_surface, lang), n in self.stats[node].surfaces.items():
                for end in ends:
                    counts = tails.setdefault((end, lang), {})
                    counts[root] = counts.get(root, 0) + n
        return tails

    def merge_acronyms(self) -> None:
        """An acronym means, in its article, the name there whose initials it spells
        ("NBA" beside "National Basketball Association", "COI" beside "Comité Olímpico
        Internacional"); the acronym's node gathers the whole corpus, so only per article."""
        for aid in sorted(self.article_nodes):
            for n, spelling in _acronyms_in(self.article_nodes[aid]):
                fulls = {self.uf.find(f) for f in spelling} - {self.uf.find(n)}
                if len(fulls) == 1 and self._acronym_written(n):
                    self.overrides.setdefault((aid, n), next(iter(fulls)))

    def _acronym_written(self, node: Node) -> bool:
        return any(s.isupper() for (s, _lang) in self.stats[node].surfaces)

    def _mostly_beside(self, short: Node, full_root: Node) -> bool:
        """A short name stands for a full name corpus-wide only if at least half of the articles
        that use it also name someone of the full name's set."""
        arts = self.stats[short].articles
        needed, left = (len(arts) + 1) // 2, len(arts)  # beside * 2 >= len(arts)
        if not arts or self.uf.find(full_root) != full_root:
            return False  # (a set that has joined another since is beside nothing)
        for aid in arts:  # until the answer is sure
            if any(self.uf.find(n) == full_root for n in self.article_nodes.get(aid, ()) if n != short):
                needed -= 1
                if not needed:
                    return True
            left -= 1
            if left < needed:
                return False
        return False

    # ---- 7. entities
    def build(self, labels: bool = True) -> Resolution:
        """The resolution; without ``labels``, its entities have their keys and types only."""
        groups = self.uf.groups()
        entities, root_key = self._entities(groups, labels)
        key_of = {node: root_key[root] for root, members in groups.items() for node in members}
        res = Resolution(entities=entities)
        res.mentions, res.article_entities = self._mention_keys(key_of)
        for aid in sorted(self.tag_node):
            keys = []
            for node in self.tag_node[aid]:
                key = key_of[self.overrides.get((aid, node)) or node]
                if key not in keys:
                    keys.append(key)
            res.tags[aid] = sorted(keys)
        return res

    def _entities(self, groups: dict[Node, list[Node]],
                  labels: bool = True) -> tuple[dict[str, Entity], dict[Node, str]]:
        """Entity key -> :class:`Entity`, and root -> entity key (a second set whose key is
        taken gets ``~2``, ``~3``..., in the order of the roots); ``labels``: see :meth:`build`."""
        root_key: dict[Node, str] = {}
        entities: dict[str, Entity] = {}
        if labels:
            # labels made by the previous labelled pass, and those of this one: kept for the next
            self._labels_memo = (self.kb.derived.get("entity-labels", {}), {})
            self.kb.derived["entity-labels"] = self._labels_memo[1]
        for root in sorted(groups):
            entity = self._entity(root, groups[root]) if labels else self._bare_entity(root, groups[root])
            key = entity.key
            n = 2
            while key in entities:
                key = f"{entity.key}~{n}"
                n += 1
            entity.key = key
            entities[key] = entity
            root_key[root] = key
        return entities, root_key

    def _mention_keys(self, key_of: Mapping[Node, str]) -> tuple[dict[tuple[str, int, int], str], dict[str, list[str]]]:
        """``(article, start, end)`` -> entity key of every mention, sorted, and article id ->
        sorted keys of what it mentions; a node means what the article's override says."""
        overridden: dict[str, dict[Node, str]] = defaultdict(dict)
        for (aid, node), target in self.overrides.items():
            overridden[aid][node] = key_of[target]
        mentions: dict[tuple[str, int, int], str] = {}
        article_entities: dict[str, list[str]] = {}
        for aid in sorted(self.article_spans):
            starts, ends, nodes = self.article_spans[aid]
            over = overridden.get(aid)
            keys = [over.get(node) or key_of[node] for node in nodes] if over \
                else list(map(key_of.__getitem__, nodes))
            mentions.update(zip(zip(repeat(aid), starts, ends), keys, strict=True))
            article_entities[aid] = sorted(set(keys))
        return mentions, article_entities

    def _surface_counts(self, members: list[Node]) -> Mapping[tuple[str, str], int]:
        """(surface, language) -> mentions, over a set's nodes in order (a one-node set's own
        counts, not copied: most sets are one node, and the caller only reads them)."""
        if len(members) == 1:
            return self.stats[members[0]].surfaces
        surfaces: dict[tuple[str, str], int] = {}
        for node in members:
            for written, n in self.stats[node].surfaces.items():
                surfaces[written] = surfaces.get(written, 0) + n
        return surfaces

    def _labels(self, etype: str, info: KBInfo | None, surfaces: Mapping[tuple[str, str], int]) -> _Labels:
        """:func:`_entity_labels`, remembered from the previous pass (keyed by what it reads;
        the KB entry by identity: the view keeps one per id), where most sets were the same."""
        ident = (etype, info.id if info else None, tuple(surfaces.items()))
        before, now = self._labels_memo
        found = before.get(ident)
        if found is None or found.info is not info:
            found = _entity_labels(etype, info, surfaces)
        now[ident] = found
        return found

    def _canon(self, root: Node, members: list[Node]) -> tuple[Node, str]:
        """The node a set is named after, and the entity's key (before a ``~n`` suffix)."""
        etype = self.root_type[root]
        canon = members[0] if len(members) == 1 else \
            min(members, key=lambda n: (_arabic_key(n[1]), "#" in n[1],
                                        -(etype == "PER" and len(n[1].split()) > 1),
                                        -self.stats[n].count, n[1], n[0]))
        return canon, self.root_kb.get(root) or f"{etype}:{key_slug(canon[1].replace('#', '_'))}"

    def _bare_entity(self, root: Node, members: list[Node]) -> Entity:
        """An entity with its key and type only."""
        return Entity(key=self._canon(root, members)[1], type=self.root_type[root])

    def _entity(self, root: Node, members: list[Node]) -> Entity:
        etype = self.root_type[root]
        kb_id = self.root_kb.get(root)
        canon, key = self._canon(root, members)
        info = self.kb.info(kb_id) if kb_id else None
        labels = self._labels(etype, info, self._surface_counts(members))
        # the entity gets its own containers: labels are shared with other passes
        entity = Entity(key=key, type=etype, pref_labels=dict(labels.pref), alt_labels=set(labels.alt),
                        mention_counts=dict(labels.counts))
        if info:
            entity.wikidata, entity.geonames = info.wikidata, info.geonames
            entity.lon, entity.lat = info.lon, info.lat
        for node in members:
            node_surfaces = self.stats[node].surfaces
            if len(node_surfaces) > 1:  # one spelling merges nothing
                ranked = sorted(node_surfaces.items(), key=lambda kv: (-kv[1], kv[0]))
                (top, top_lang), _ = ranked[0]
                seen_langs = {top_lang}
                for (label, lang), _n in ranked[1:]:
                    if lang not in seen_langs:
                        seen_langs.add(lang)
                        entity.merges.append(Merge(label=label, lang=lang, evidence="normalised-key",
                                                   confidence=EVIDENCE_CONFIDENCE["normalised-key"],
                                                   matched=top))
            if node == canon or node not in self.uf.evidence:
                continue
            evidence, conf, other = self.uf.evidence[node]
            label, lang = self._top_surface(node)
            other_label = self._top_surface(other)[0] if self.stats[other].surfaces else other[1]
            entity.merges.append(Merge(label=label, lang=lang, evidence=evidence, confidence=conf,
                                       matched=other_label))
        if kb_id:
            entity.merges.insert(0, Merge(label=entity.pref_labels.get("en") or key, lang="en"
                                          if "en" in entity.pref_labels else next(iter(entity.pref_labels), ""),
                                          evidence="kb-id", confidence=1.0, matched=kb_id))
        return entity


@dataclass(frozen=True)
class _Labels:
    """An entity's labels and mention counts per language (:func:`_entity_labels`)."""

    info: KBInfo | None  # what they were made with
    pref: dict[str, str]
    alt: frozenset[tuple[str, str]]
    counts: dict[str, int]


def _entity_labels(etype: str, info: KBInfo | None, surfaces: Mapping[tuple[str, str], int]) -> _Labels:
    """Preferred labels (the KB's, else the best scored spelling without titles), the other
    spellings, and mentions per language, of a set written ``surfaces`` ((surface, language)
    -> mentions, in the order first seen)."""
    counts: dict[str, int] = {}
    # plain dicts, not Counters: ~70k of them per pass, and a Counter is slow to make
    by_lang: dict[str, dict[str, int]] = {}
    clean_by_lang: dict[str, dict[str, int]] = {}
    for (surface, lang), n in surfaces.items():
        counts[lang] = counts.get(lang, 0) + n
        written = by_lang.setdefault(lang, {})
        written[surface] = written.get(surface, 0) + n
        clean = clean_by_lang.setdefault(lang, {})
        untitled = _untitled(surface, lang, etype)
        clean[untitled] = clean.get(untitled, 0) + n
    pref: dict[str, str] = {}
    for lang in sorted(by_lang):
        if info and info.labels.get(lang):
            pref[lang] = info.labels[lang]
            continue
        pref[lang] = max(clean_by_lang[lang].items(),
                         key=lambda kv: (_label_score(kv[0], lang, etype, kv[1]), kv[0]))[0]
    if info:
        for lang, label in info.labels.items():
            pref.setdefault(lang, label)
    alt = frozenset((s, lang) for by in (by_lang, clean_by_lang) for lang, c in by.items() for s in c
                    if s != pref.get(lang))
    return _Labels(info, pref, alt, counts)


#: Words after which the next name belongs to someone else (kunya, patronymic).
_NAME_PARTICLES = frozenset("abu abou bin ben ibn umm ابو بن ابن ام".split())

#: Arabic words that do not occur inside names; a "name" containing one is a finder's mistake.
_ARABIC_FUNCTION_WORDS = frozenset("""على علي من في الى الي عن مع ان او ثم قد لا ما هذا هذه ذلك تلك
    التي الذي الذين كان كانت بعد قبل حول ضد عند منذ خلال بين لدى حتى كل بعض غير""".split())
_LATIN_PARTICLES = frozenset("al el ad ar as at az an ash ath de del da dos bin ibn van von".split())


_INITIAL_STOPWORDS = frozenset("of the and for de del la las los el y e para por".split())


def _one_kb_id(root_kb: Mapping[Node, str], ra: Node, rb: Node) -> bool:
    """Whether the sets of roots ``ra`` and ``rb`` may join: not two different KB ids."""
    ka, kb_ = root_kb.get(ra), root_kb.get(rb)
    return not (ka and kb_ and ka != kb_)


@lru_cache(maxsize=400_000)  # asked for every ORG and LOC node of every article, per pass
def _initials(key: str) -> str:
    """Initials of a Latin name's content words ("" for Arabic or one-word names).

    >>> _initials("national basketball association"), _initials("comite olimpico internacional")
    ('nba', 'coi')
    """
    words = [w for w in key.replace("-", " ").split() if w not in _INITIAL_STOPWORDS]
    if len(words) < 2 or is_arabic(key):
        return ""
    return "".join(w[0] for w in words)


@lru_cache(maxsize=400_000)  # asked about every person node, per pass
def _name_ends(key: str) -> tuple[tuple[str, ...], ...]:
    """The last word, and the last two, of a full name key, that a short name may be: not
    after or being a particle ("Abu Khaled" is not a Khaled, nor "Assef Abu Mazen" an Abu Mazen).

    >>> _name_ends("donald j trump"), _name_ends("assef abu mazen"), _name_ends("trump#en")
    ((('trump',), ('j', 'trump')), (), ())
    """
    toks = _tokens_of(key)
    return tuple(toks[-k:] for k in range(1, min(len(toks), 3))
                 if toks[-k - 1] not in _NAME_PARTICLES and toks[-k] not in _NAME_PARTICLES)


# An article's nodes are one frozenset for as long as its mentions stay the same (see
# _Gathered), so what these two find in it is worked out once, not in every pass and round.

@lru_cache(maxsize=20_000)
def _surnames_in(nodes: frozenset[Node]) -> tuple[tuple[Node, tuple[Node, ...]], ...]:
    """Short person names of an article with the full names there they end, sorted.

    >>> _surnames_in(frozenset({("PER", "trump#en"), ("PER", "donald trump"), ("PER", "abu mazen")}))
    ((('PER', 'trump#en'), (('PER', 'donald trump'),)),)
    """
    named = [(n, _tokens_of(n[1])) for n in sorted(nodes) if n[0] == "PER"]
    found = []
    for node, toks in named:
        if not toks or len(toks) > 2 or toks[0] in _NAME_PARTICLES:
            continue  # a kunya ("Abu Mazen") ends no full name
        width = len(toks)
        fulls = tuple(n for n, full in named if len(full) > width and full[-width:] == toks
                      and full[-width - 1] not in _NAME_PARTICLES)
        if fulls:
            found.append((node, fulls))
    return tuple(found)


@lru_cache(maxsize=20_000)
def _acronyms_in(nodes: frozenset[Node]) -> tuple[tuple[Node, frozenset[Node]], ...]:
    """ORG and LOC nodes of an article that may be acronyms, with the names there whose
    initials they spell, sorted.

    >>> _acronyms_in(frozenset({("ORG", "nba#en"), ("ORG", "national basketball association")}))
    ((('ORG', 'nba#en'), frozenset({('ORG', 'national basketball association')})),)
    """
    named = sorted(n for n in nodes if n[0] in ("ORG", "LOC"))
    spelled: dict[str, set[Node]] = defaultdict(set)
    for n in named:
        initials = _initials(bare(n[1]))
        if len(initials) >= 2:
            spelled[initials].add(n)
    found = []
    for n in named:
        key = bare(n[1])
        if " " in key or not 2 <= len(key) <= 6 or _arabic_key(key) or key not in spelled:
            continue
        found.append((n, frozenset(spelled[key])))
    return tuple(found)


def _changed_latin_index(index: tuple[dict, dict], gone: Iterable[Node], added: Iterable[Node]
                          ) -> tuple[dict[tuple[str, str], list[Node]], dict[tuple[str, str], list[Node]]]:
    """The index of Latin nodes by key and by skeleton (:func:`_latin_keys`) of ``index``'s
    nodes but ``gone``, and ``added``. ``index`` is not changed (its lists are shared, and
    replaced where a node comes or goes); no step reads the order of a list (each takes the
    best of one by count and node).

    >>> first = _changed_latin_index(({}, {}), (), [("PER", "volodymyr zelensky"), ("PER", "زيلينسكي")])
    >>> first
    ({('PER', 'volodymyr zelensky'): [('PER', 'volodymyr zelensky')]}, {('PER', 'FLDMRZLNSK'): [('PER', 'volodymyr zelensky')]})
    >>> _changed_latin_index(first, [("PER", "volodymyr zelensky")], [("PER", "volodymyr zelenski")])[1]
    {('PER', 'FLDMRZLNSK'): [('PER', 'volodymyr zelenski')]}
    """
    by_key, by_skel = dict(index[0]), dict(index[1])
    for node in gone:
        for table, at in _latin_places(node, by_key, by_skel):
            rest = [other for other in table[at] if other != node]
            if rest:
                table[at] = rest
            else:
                del table[at]
    for node in added:
        for table, at in _latin_places(node, by_key, by_skel):
            table[at] = [*table.get(at, ()), node]
    return by_key, by_skel


def _latin_places(node: Node, by_key: dict, by_skel: dict) -> list[tuple[dict, tuple[str, str]]]:
    """Where ``node`` goes in the tables of :func:`_changed_latin_index`."""
    keys, sk = _latin_keys(*node)
    return [(by_key, key) for key in keys] + ([(by_skel, sk)] if sk else [])


@lru_cache(maxsize=400_000)  # asked about every node, in every pass
def _latin_keys(etype: str, key: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, str] | None]:
    """Where a Latin node goes in the index of the cross-script steps: under its key (and
    without "al-"), and under its consonant skeleton (None: too short); nowhere for an Arabic
    or EVENT node.

    >>> _latin_keys("PER", "hassan al-nasrallah")
    ((('PER', 'hassan al-nasrallah'), ('PER', 'hassan nasrallah')), ('PER', 'SNSRL'))
    """
    key = bare(key)
    if _arabic_key(key) or etype == "EVENT":
        return (), None
    core = " ".join(t.removeprefix("al-") for t in key.replace("al ", "al-").split())
    keys = ((etype, key),) if core == key else ((etype, key), (etype, core))
    sk = skeleton(key, None, etype)
    return keys, (etype, sk) if len(sk) >= 2 else None


_MIDDLE_INITIAL = re.compile(r"(?<=\w) [A-Z]\.(?= \w)")
_GENERATION = re.compile(r",? (?:Jr|Sr)\.?$|,? (?:II|III|IV)$")


def _without_initials(name: str) -> str:
    """A Latin name without its middle initials and generational suffix.

    >>> _without_initials("Antony J. Blinken"), _without_initials("Lloyd J. Austin III")
    ('Antony Blinken', 'Lloyd Austin')
    >>> _without_initials("J.P. Morgan"), _without_initials("George H.W. Bush")
    ('J.P. Morgan', 'George H.W. Bush')
    >>> _without_initials("Netanyahu Sr")
    'Netanyahu Sr'
    """
    plain = _MIDDLE_INITIAL.sub("", name.strip())
    unsuffixed = _GENERATION.sub("", plain)
    return unsuffixed if " " in unsuffixed else plain  # "Netanyahu Sr" is the father


def _unsure_acronym(surface: str) -> bool:
    """A short Latin word not written in capitals is not looked up: "Ap." (aeropuerto) is not
    AP, "Us" in "Contact Us" not the US.

    >>> _unsure_acronym("Ap."), _unsure_acronym("AP"), _unsure_acronym("Us"), _unsure_acronym("Roma")
    (True, False, True, False)
    """
    letters = [c for c in surface if c.isalpha()]
    return 0 < len(letters) <= 3 and not is_arabic(surface) and not all(c.isupper() for c in letters)


def _arabic_name_like(key: str) -> bool:
    """False when an Arabic key contains a function word ("على زيادة" is not a name).

    >>> _arabic_name_like("حسن نصر الله"), _arabic_name_like("على زيادة"), _arabic_name_like("الله محمد")
    (True, False, False)
    """
    toks = key.split()
    return bool(toks) and toks[0] != "الله" and not any(tok in _ARABIC_FUNCTION_WORDS for tok in toks)


def _compatible(arabic_key: str, latin_key: str) -> bool:
    """Token counts agree (Latin initials and a detached "al" aside), and a Latin "al-" name is
    not matched by an Arabic word without the article.

    >>> _compatible("جورج بوش", "george w bush"), _compatible("محمد بشير", "mohammad abu hasira")
    (True, False)
    >>> _compatible("اخبار", "al-akhbar"), _compatible("الاخبار", "al-akhbar")
    (False, True)
    """
    ar_toks = arabic_key.split()
    lat_toks = [t for t in latin_key.replace("-", " ").split()
                if len(t) > 1 and t not in ("al", "el")]
    ar_count = len([t for t in ar_toks if t != "ال"])
    if ar_count != len(lat_toks):
        return False
    first = latin_key.split()[0]
    return not ((first.startswith(("al-", "el-")) or first in ("al", "el"))
                and not ar_toks[0].startswith("ال"))


def _variant_keys(label: str, etype: str) -> list[str]:
    """Node keys a known name may have (one-word Latin names are kept per language)."""
    key = name_key(label, None, etype)
    if is_arabic(key) or " " in key:
        return [key]
    return [key, f"{key}#en", f"{key}#es"]


def _tokens_agree(arabic_key: str, latin_key: str) -> bool:
    """Arabic name words with attested Latin spellings (ANETAC) must match their Latin word.

    >>> _tokens_agree("محمد بسام", "mahmoud bassam"), _tokens_agree("حسين سلامي", "hossein salami")
    (False, True)
    """
    from rapidfuzz import fuzz

    ar_toks = [t for t in arabic_key.split() if t != "ال"]
    lat_toks = [latin_token_core(t) for t in latin_key.replace("-", " - ").split()
                if len(t) > 1 and t not in ("al", "el", "-")]
    if len(ar_toks) != len(lat_toks):
        return True  # not aligned; the caller's other checks decide
    for ar, lat in zip(ar_toks, lat_toks, strict=True):
        if not _initials_agree(ar, lat):
            return False
        forms = arabic_token_forms(ar)
        if forms and lat not in forms and max(fuzz.ratio(lat, f) for f in forms) < 70:
            return False
    return True


_VOWELS = tuple("aeiouy")
#: Latin beginnings an Arabic word's first letter may have ("أحمد" never starts "Mohamed").
_INITIALS: dict[str, tuple[str, ...]] = {
    "ا": _VOWELS, "ع": _VOWELS, "ء": _VOWELS, "ب": ("b", "p"), "ت": ("t",), "ط": ("t",),
    "ث": ("th", "s", "t"), "ج": ("j", "g", "dj", "dsch", "y"), "ح": ("h", *_VOWELS),
    "ه": ("h", *_VOWELS), "خ": ("kh", "h", "k", "ch", "j"), "د": ("d",), "ض": ("d", "dh"),
    "ذ": ("dh", "th", "z", "d"), "ظ": ("z", "dh", "th"), "ز": ("z", "s"), "ر": ("r",),
    "س": ("s", "c", "ts", "ps"), "ص": ("s",), "ش": ("sh", "ch", "sch", "s", "x"),
    "غ": ("gh", "g", "r"), "ف": ("f", "ph", "v"), "ق": ("q", "k", "g", "c"),
    "ك": ("k", "c", "q", "ch"), "ل": ("l",), "م": ("m",), "ن": ("n",),
    "و": ("w", "v", "o", "u"), "ي": ("y", "i", "j", "e"),
}


def _initials_agree(arabic_token: str, latin_token: str) -> bool:
    """The first letters of an Arabic word and its Latin rendering are compatible.

    >>> _initials_agree("احمد", "mohamed"), _initials_agree("غالي", "khalil")
    (False, False)
    >>> _initials_agree("الحريري", "hariri"), _initials_agree("غالانت", "gallant")
    (True, True)
    """
    tok = arabic_token[2:] if arabic_token.startswith("ال") and len(arabic_token) > 3 else arabic_token
    allowed = _INITIALS.get(tok[:1])
    return allowed is None or latin_token.startswith(allowed)


def _token_sound_score(arabic_key: str, latin_key: str) -> float:
    """The worst word-by-word similarity of an Arabic name's romanisation to a Latin name (1.0 when
    the words cannot be aligned), so one long shared first name cannot carry a different surname.

    >>> _token_sound_score("محمد رضا", "mohammed raad") < 0.6 < _token_sound_score("محمد رعد", "mohammed raad")
    True
    """
    from rapidfuzz import fuzz

    ar_toks = [t for t in arabic_key.split() if t != "ال"]
    lat_toks = [latin_token_core(t) for t in latin_key.replace("-", " - ").split()
                if len(t) > 1 and t not in ("al", "el", "-")]
    if len(ar_toks) != len(lat_toks) or len(ar_toks) < 2:
        return 1.0
    worst = 1.0
    for ar, lat in zip(ar_toks, lat_toks, strict=True):
        ar_core = ar[2:] if ar.startswith("ال") and len(ar) > 3 else ar
        renders = set(romanise(ar_core)) | set(arabic_token_forms(ar_core))
        best = max((fuzz.ratio(r.replace(" ", ""), lat) for r in renders), default=100.0) / 100
        worst = min(worst, best)
    return worst


def _gender_variant(a: Sequence[str], b: Sequence[str]) -> bool:
    """Two names differing only by a Spanish/Italian gender ending on one word.

    >>> _gender_variant(["daniel", "ramirez"], ["daniela", "ramirez"])
    True
    >>> _gender_variant(["volodymyr", "zelensky"], ["volodimir", "zelenski"])
    False
    """
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if x != y:
            short, long_ = sorted((x, y), key=len)
            if (long_[:-1] == short and long_[-1] in "ao") or \
               (len(x) == len(y) and x[:-1] == y[:-1] and {x[-1], y[-1]} <= set("aoe")):
                return True
    return False


@lru_cache(maxsize=400_000)  # once per spelling of every entity, per pass
def _untitled(surface: str, lang: str, etype: str) -> str:
    """The surface without leading titles ("President Donald Trump" -> "Donald Trump").

    >>> _untitled("President Donald Trump", "en", "PER")
    'Donald Trump'
    """
    words = surface.split()
    n = len(name_key(surface, lang, etype).split())
    return " ".join(words[-n:]) if 0 < n < len(words) else surface


def _label_score(surface: str, lang: str, etype: str, count: int) -> float:
    """Preferred label: frequent, a full name for people, no titles."""
    key = name_key(surface, lang, etype)
    titled = key != name_key(surface, lang, "ORG")
    full = etype == "PER" and len(key.split()) > 1
    return count * (2.0 if full else 1.0) * (0.4 if titled else 1.0)


def resolve_entities(docs: Sequence[tuple[Article, Sequence[Mention]]],
                     story_links: Sequence[StoryLink] | None = None, *,
                     kb: Any | None = None, translator: TranslationCache | None = None,
                     reconciler: Reconciler | None = None, labels: bool = True) -> Resolution:
    """Resolve every mention of every article to one entity per real-world thing.

    ``kb`` is a knowledge base (anything with ``lookup(label, lang)``); by default the project's
    one when :mod:`kg.kb` provides it. A :class:`~kg.link.kbadapter.KBView` is used as it is, so
    several passes over one corpus share its answers. ``translator`` (a :class:`~kg.link.translate.TranslationCache`)
    is asked about frequent Arabic names nothing else placed; without it nothing is translated.
    ``reconciler`` (a :class:`~kg.link.reconcile.Reconciler`) asks Wikidata about names no
    offline knowledge base placed (answers cached in the store folder; none when offline).
    The result is the same for any order of ``docs``. Without ``labels`` the entities have their
    keys and types only (what story linking and projection read of a build's first pass; the
    rest of an entity was a sixth of a pass).

    >>> from kg.article import Article
    >>> from kg.nlp.mention import Mention
    >>> a = Article(id="a", title="Donald Trump spoke", body="", language="en")
    >>> b = Article(id="b", title="Trump habló con Donald Trump", body="", language="es")
    >>> res = resolve_entities([(a, [Mention(0, 12, "Donald Trump", "PER")]),
    ...                         (b, [Mention(0, 5, "Trump", "PER"),
    ...                              Mention(16, 28, "Donald Trump", "PER")])], kb=False)
    >>> sorted(res.entities)
    ['PER:donald_trump']
    """
    resolver = _pass(docs, story_links, kb, translator, reconciler)
    with collector_paused():
        return resolver.build(labels)


def resolve_unlabelled(docs: Sequence[tuple[Article, Sequence[Mention]]], *, kb: Any | None = None,
                       translator: TranslationCache | None = None,
                       reconciler: Reconciler | None = None) -> tuple[Resolution, Callable[[], Resolution]]:
    """``resolve_entities(docs, labels=False, ...)``, and a function giving what
    ``resolve_entities(docs, ...)`` gives, from the same pass: a build whose articles have no
    story link needs no second pass, only the first one's entities with their labels (a whole
    pass was ~1.2 s of adding articles to a corpus of 3,000).

    >>> from kg.article import Article
    >>> from kg.nlp.mention import Mention
    >>> docs = [(Article(id="a", title="Gaza", body="", language="en"), [Mention(0, 4, "Gaza", "LOC")])]
    >>> bare, labelled = resolve_unlabelled(docs, kb=False)
    >>> [e.pref_labels for e in bare.entities.values()], [e.pref_labels for e in labelled().entities.values()]
    ([{}], [{'en': 'Gaza'}])
    """
    resolver = _pass(docs, None, kb, translator, reconciler)

    def labelled() -> Resolution:
        with collector_paused():
            return resolver.build(labels=True)
    with collector_paused():
        return resolver.build(labels=False), labelled


def _pass(docs: Sequence[tuple[Article, Sequence[Mention]]], story_links: Sequence[StoryLink] | None,
          kb: Any | None, translator: TranslationCache | None, reconciler: Reconciler | None) -> _Resolver:
    """A resolution pass over ``docs`` in id order, with ``kb`` as :func:`resolve_entities`
    takes it; its entities are made by :meth:`_Resolver.build`."""
    view = kb if isinstance(kb, KBView) else \
        KBView(None) if kb is False else (KBView(kb) if kb is not None else KBView.default())
    with collector_paused():
        return _resolve(sorted(docs, key=lambda d: d[0].id), story_links, view, translator, reconciler)


def _resolve(docs: Sequence[tuple[Article, Sequence[Mention]]], story_links: Sequence[StoryLink] | None,
             view: KBView, translator: TranslationCache | None, reconciler: Reconciler | None) -> _Resolver:
    r = _Resolver(view, translator)
    r.gather(docs)
    r.gather_tags([a for a, _ in docs])
    r.init_sets()
    r.reconcile(reconciler)
    r.merge_kb()
    r.merge_type_votes()
    r.merge_known_translations()
    r.merge_cross_script()
    if story_links:
        r.merge_story_links(story_links)
    r.merge_translations()
    r.merge_surnames()
    r.merge_acronyms()
    return r
