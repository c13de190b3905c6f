"""Experiment: fine-tune a stock spaCy pipeline's NER on CoNLL gold (``--lang es``).

``python -m kg.nlp.train.spacy_finetune --lang es --data ../shared/data --out build/ner/es_ft``
Updates ``tok2vec`` + ``ner`` of ``es_core_news_sm`` (labels PER/ORG/LOC/MISC, as WikiNER) on
CoNLL-2002 train, measures on testa after every epoch and keeps the best epoch.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from kg.nlp.evaluate import evaluate_conll
from kg.nlp.statistical.spacy_finder import SpacyFinder
from kg.nlp.train import corpora

SETUPS = {"es": ("es_core_news_sm", corpora.spanish_train, "ner/es/conll2002_esp.testa")}


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    import spacy
    from spacy.tokens import Doc
    from spacy.training import Example

    ap = argparse.ArgumentParser()
    ap.add_argument("--lang", default="es", choices=sorted(SETUPS))
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args(argv)
    base, reader, dev = SETUPS[args.lang]
    nlp = spacy.load(base, exclude=["parser", "lemmatizer", "senter"])
    sents = reader(args.data)
    if args.limit:
        sents = sents[:args.limit]
    examples = []
    for s in sents:
        doc = Doc(nlp.vocab, words=s.tokens)
        ents, pos = [], []
        p = 0
        for t in s.tokens:
            pos.append(p)
            p += len(t) + 1
        for a, b, t in s.spans():
            ents.append((pos[a], pos[b - 1] + len(s.tokens[b - 1]), t))
        examples.append(Example.from_dict(doc, {"entities": ents}))
    random.seed(0)
    best = -1.0
    other = [p for p in nlp.pipe_names if p not in ("tok2vec", "ner")]
    optimizer = nlp.resume_training()
    for epoch in range(args.epochs):
        t0 = time.time()
        random.shuffle(examples)
        losses: dict = {}
        with nlp.select_pipes(disable=other):
            for i in range(0, len(examples), 32):
                nlp.update(examples[i:i + 32], sgd=optimizer, drop=0.2, losses=losses)
        finder = SpacyFinder.__new__(SpacyFinder)
        finder.nlp, finder.name, finder.label_map = nlp, base, {"PER": "PER", "ORG": "ORG",
                                                                "LOC": "LOC"}
        f1 = evaluate_conll(args.data / dev, args.lang, finder=finder).micro.f1
        print(f"epoch {epoch}: loss {losses.get('ner', 0):.0f} dev F1 {f1:.4f} "
              f"({time.time() - t0:.0f}s)", file=sys.stderr, flush=True)
        if f1 > best:
            best = f1
            nlp.to_disk(args.out)
    print(f"best dev F1 {best:.4f} -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
