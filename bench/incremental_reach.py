"""How far new articles reach into entity resolution: what an exact incremental resolution
would have to do again.

Usage::

    python bench/incremental_reach.py --before STORE_BEFORE --after STORE_AFTER

``STORE_AFTER`` is ``STORE_BEFORE`` with articles added (a copy of a store taken before ``kg
build NEW --store S``, and ``S`` after it). The script makes the first resolution pass of the
whole corpus of ``STORE_AFTER`` and groups its nodes (one per key and type) into the components
of "read together": two nodes are joined when any step of a pass (:mod:`kg.link.resolve`) reads
both to decide a union or an override — the same key (type votes), the same knowledge-base id,
one Latin skeleton block, an Arabic name and the Latin candidates its lexicon forms and
skeleton find, the spellings of one known translation, a short person name and the full names
it ends (corpus-wide and per article), an acronym and the names it spells in an article, and
all the names of two reports linked as one story. A union only ever joins two nodes of one
component (the script checks it of the pass it made), and a decision reads nothing outside it,
so a pass restricted to the components whose nodes the new articles name (their counts,
spellings and articles change) would give the same sets as the whole pass; the rest could be
kept, but for the ``~2`` suffixes of entity keys two sets share, given in the order of all sets.

It does so for the first pass, and with the story links the pass makes for the second (whose
mentions are otherwise the first's: the few names projection adds are left out). It prints the
components, the nodes the new articles name, the nodes in their components
(what such a pass would redo) and the articles naming one of those (whose entity keys would
have to be read again). Offline, without translation or Wikidata reconciliation (which read
corpus-wide ranks and are not modelled here).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from itertools import product
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kg.docstore import load_documents  # noqa: E402
from kg.link import resolve as R  # noqa: E402
from kg.link.kbadapter import KBView  # noqa: E402
from kg.link.lexicon import arabic_token_forms  # noqa: E402
from kg.link.stories import link_stories  # noqa: E402
from kg.link.unionfind import UnionFind  # noqa: E402
from kg.text.keys import skeleton  # noqa: E402


def read_together(resolver: R._Resolver, links: list) -> UnionFind:
    """The nodes of a pass joined by what its steps read together (see the module)."""
    nodes = resolver._nodes()
    uf: UnionFind = UnionFind()
    uf.add_all(nodes)

    def join(group: list) -> None:
        for other in group[1:]:
            uf.union(group[0], other, "read", 1.0)

    groups: dict[tuple, list] = defaultdict(list)
    for node in nodes:
        groups[("key", node[1])].append(node)
        if resolver.root_kb.get(node):
            groups[("kb", resolver.root_kb[node])].append(node)
    by_key, by_skel = resolver._latin_index()
    for key, members in by_skel.items():
        groups[("skeleton", *key)].extend(members)
    tails: dict[tuple, list] = defaultdict(list)
    for node in nodes:
        for end in R._name_ends(node[1]) if node[0] == "PER" else ():
            tails[end].append(node)
    for canon, variants in R.KNOWN_TRANSLATIONS.items():
        etype, key = canon.split(":", 1)
        groups[("known", canon)] = [(etype, k) for v in (key, *variants) for k in R._variant_keys(v, etype)
                                    if (etype, k) in resolver.stats]
    for members in groups.values():
        join(members)
    for node in nodes:
        etype, key = node
        if node[0] == "PER" and R._tokens_of(key) in tails:
            join([node, *tails[R._tokens_of(key)]])
        if not R._arabic_key(key) or etype == "EVENT":
            continue
        forms = [arabic_token_forms(t) for t in key.split()]
        hits = list(by_skel.get((etype, skeleton(key, "ar", etype)), ()))
        if all(forms) and len(forms) <= 4:
            for combo in product(*[f[:6] for f in forms]):
                hits.extend(by_key.get((etype, " ".join(combo)), ()))
        join([node, *hits])
    for names in resolver.article_nodes.values():
        for node, fulls in R._surnames_in(names):
            join([node, *fulls])
        for node, spelled in R._acronyms_in(names):
            join([node, *sorted(spelled)])
    for link in links:
        join([n for aid in (link.a_id, link.b_id) for n in sorted(resolver.article_nodes.get(aid, ()))
              if n[0] != "EVENT"])
    return uf


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="the store before the articles were added")
    parser.add_argument("--after", type=Path, required=True, help="the same store with them added")
    parser.add_argument("--first", type=int, nargs="*", default=[],
                        help="also the reach of only the first N new articles (by id), for each N given")
    args = parser.parse_args()
    before, docs = set(load_documents(args.before)), load_documents(args.after)
    new = set(docs) - before
    pairs = [(d.article, d.mentions) for d in docs.values()]
    resolver = R._pass(pairs, None, KBView.default(), None, None)
    links = link_stories([d.article for d in docs.values()], resolver.build(labels=False), cache_dir=args.after)
    print("command: python " + " ".join(sys.argv))
    print(f"articles {len(docs):,} ({len(new)} new), story links {len(links)}")
    for title, read_links in (("a pass without the story links (the first)", []),
                              ("a pass with the story links (the second)", links)):
        uf = read_together(resolver, read_links)
        sizes = Counter(uf.find(n) for n in resolver._nodes())
        # a check of the relation: every set the first pass made lies in one component
        split = [root for root, members in resolver.uf.groups().items() if len({uf.find(n) for n in members}) > 1]
        print(f"{title}: {len(resolver._nodes()):,} nodes in {len(sizes):,} components; largest "
              + ", ".join(f"{size} ({root[0]} {root[1]})" for root, size in sizes.most_common(3))
              + f"; sets of the first pass over two components (should be none): {len(split)}")
        for count in [*sorted(args.first), len(new)]:
            _print_reach(resolver, uf, sizes, sorted(new)[:count])


def _print_reach(resolver: R._Resolver, uf: UnionFind, sizes: Counter, new: list[str]) -> None:
    named = {n for aid in new for n in resolver.article_nodes.get(aid, ())}
    reached = {uf.find(n) for n in named}
    redo = sum(sizes[c] for c in reached)
    articles = sum(1 for names in resolver.article_nodes.values() if any(uf.find(n) in reached for n in names))
    print(f"  {len(new)} new: they name {len(named):,} nodes, in {len(reached):,} components of {redo:,} nodes "
          f"({redo / sum(sizes.values()):.1%} of all: what an exact incremental pass "
          f"redoes), named in {articles:,} articles ({articles / len(resolver.article_nodes):.1%})")


if __name__ == "__main__":
    main()
