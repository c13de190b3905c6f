"""Identity across languages on parallel text: are the entities of one document one node in all three?

Each FLORES-200 dev document (``../shared/data/parallel/``: the same few sentences in English,
Arabic and Spanish) is built as three articles, one per language (first sentence as headline, the
rest as body, all published on one date), with ``kg build`` into a temporary store. Each language
version's entity set is read back from the store (``schema:mentions``), and the figures are:

* the mean Jaccard of the entity sets of each language pair of a document (pairs where neither
  version names an entity are left out), per pair and over all three pairs;
* the share of mentions whose entity carries ``owl:sameAs`` a Wikidata item;
* the share of entity nodes with a language-local key (``PER:``/``ORG:``/``LOC:``/``EVENT:``).

    python bench/parallel_identity.py                      # the whole dev set (281 documents)
    python bench/parallel_identity.py --limit 40 --show 5  # a quick look, with 5 worst documents

Nothing of FLORES is written into the project: the articles exist only in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.build import build  # noqa: E402
from kg.rdf.store import GraphStore  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "parallel" / "flores200_dev_en_ar_es.jsonl"
LANGS = ("en", "ar", "es")
PAIRS = (("en", "es"), ("ar", "en"), ("ar", "es"))


def parallel_articles(path: Path, limit: int | None = None) -> list[dict]:
    """One canonical JSONL record per (document, language)."""
    out = []
    with open(path, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                break
            doc = json.loads(line)
            for lang in LANGS:
                sents = doc[lang]
                out.append({"id": f"{doc['doc_id']}-{lang}", "url": f"{doc['url']}?lang={lang}",
                            "title": sents[0], "text": " ".join(sents[1:]) or sents[0],
                            "published": "2023-01-02T00:00:00Z", "language": lang})
    return out


MENTIONS_QUERY = """
SELECT ?id ?e ?qid WHERE {
  ?a a schema:NewsArticle ; schema:mentions ?e ; schema:url ?url .
  BIND(STR(?url) AS ?id)
  OPTIONAL { ?e owl:sameAs ?qid FILTER(STRSTARTS(STR(?qid), "http://www.wikidata.org/entity/")) }
}"""

QID_SHARE_QUERY = """
SELECT (COUNT(?m) AS ?all) (COUNT(?q) AS ?linked) WHERE {
  ?m a nif:Phrase ; itsrdf:taIdentRef ?e .
  OPTIONAL { ?e owl:sameAs ?q FILTER(STRSTARTS(STR(?q), "http://www.wikidata.org/entity/")) }
}"""


STORY_QUERY = """
SELECT ?ua ?ub WHERE { ?a mkg:sameStoryAs ?b ; schema:url ?ua . ?b schema:url ?ub . FILTER(STR(?ua) < STR(?ub)) }"""


def story_links(store: GraphStore, docs: int) -> dict:
    """Same-story links between language versions: recall of the 3 pairs per document, precision."""
    right = wrong = 0
    for row in store.select(STORY_QUERY):
        same = str(row["ua"]).rpartition("?lang=")[0] == str(row["ub"]).rpartition("?lang=")[0]
        right += same
        wrong += not same
    return {"links": right + wrong, "recall": round(right / (3 * docs), 3) if docs else 0.0,
            "precision": round(right / (right + wrong), 3) if right + wrong else 0.0}


def entity_sets(store: GraphStore) -> dict[tuple[str, str], set[str]]:
    """(document url, language) -> entity IRIs mentioned by that language version."""
    sets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in store.select(MENTIONS_QUERY):
        url, _, lang = str(row["id"]).rpartition("?lang=")
        sets[(url, lang)].add(str(row["e"]))
    return sets


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b)


def measure(store: GraphStore, urls: list[str], show: int = 0) -> dict:
    sets = entity_sets(store)
    per_pair: dict[str, list[float]] = {f"{x}-{y}": [] for x, y in PAIRS}
    per_doc = []
    for url in urls:
        scores = []
        for x, y in PAIRS:
            a, b = sets.get((url, x), set()), sets.get((url, y), set())
            if a or b:
                scores.append(jaccard(a, b))
                per_pair[f"{x}-{y}"].append(scores[-1])
        if scores:
            per_doc.append((sum(scores) / len(scores), url))
    every = [s for v in per_pair.values() for s in v]
    nodes = {e for s in sets.values() for e in s}
    local = [e for e in nodes if e.split("/entity/")[-1].split(":")[0] in ("PER", "ORG", "LOC", "EVENT")]
    row = store.select(QID_SHARE_QUERY)[0]
    result = {
        "documents": len(urls),
        "mean_jaccard_all_pairs": round(sum(every) / len(every), 3) if every else 0.0,
        "pairs_scored": len(every),
        "per_pair": {k: round(sum(v) / len(v), 3) if v else 0.0 for k, v in per_pair.items()},
        "entity_nodes": len(nodes),
        "language_local_nodes": round(len(local) / len(nodes), 3) if nodes else 0.0,
        "mentions": int(row["all"]),
        "mentions_with_qid": round(int(row["linked"]) / int(row["all"]), 3) if int(row["all"]) else 0.0,
        "story_links": story_links(store, len(urls)),
    }
    if show:
        result["worst"] = []
        for score, url in sorted(per_doc)[:show]:
            result["worst"].append({"url": url, "mean": round(score, 3), **{
                lang: sorted(e.split("/entity/")[-1] for e in sets.get((url, lang), ()))
                for lang in LANGS}})
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the FLORES en/ar/es JSONL")
    ap.add_argument("--limit", type=int, help="only the first N documents")
    ap.add_argument("--show", type=int, default=0, help="print the N documents with the lowest Jaccard")
    ap.add_argument("--store", type=Path, help="build here instead of a temporary folder (kept)")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"no parallel data at {args.data}", file=sys.stderr)
        return 1
    records = parallel_articles(args.data, args.limit)
    urls = sorted({r["url"].rpartition("?lang=")[0] for r in records})
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "parallel.jsonl"
        src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        store_dir = args.store or Path(tmp) / "store"
        started = time.perf_counter()
        report = build([str(src)], store_dir, progress=False, translate=False)
        seconds = time.perf_counter() - started
        store = GraphStore(store_dir, create=False)
        result = measure(store, urls, args.show)
        del store  # the store folder is locked while open
    result["build_seconds"] = round(seconds, 1)
    result["rejected"] = len(report.rejections)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
