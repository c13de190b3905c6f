"""Arabic -> Latin name-token lexicon, distilled from ANETAC, used as transliteration evidence.

Source: ANETAC English-Arabic named-entity pairs (MohamedHadjAmeur/ANETAC @ 7984b91,
``EN-AR_Named-entities.txt``; 79,924 single-token PERSON/LOCATION/ORGANIZATION pairs). The shipped
file ``kg/link/data/anetac_ar_en.tsv.gz`` holds one line per normalised Arabic token:
``arabic<TAB>latin1|latin2|...`` (Latin forms folded to lower case). Rebuild it with::

    python -m kg.link.lexicon ../shared/data/lexicon/anetac_en_ar/EN-AR_Named-entities.txt

>>> arabic_token_forms("بايدن")
('biden', 'paden')
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from importlib import metadata
from itertools import product
from pathlib import Path

from kg.text.keys import fold_latin, normalize_arabic

DATA = Path(__file__).resolve().parent / "data" / "anetac_ar_en.tsv.gz"
SOURCE = "ANETAC (MohamedHadjAmeur/ANETAC @ 7984b91, EN-AR_Named-entities.txt)"


def distil(src: Path, dest: Path = DATA) -> int:
    """Write the compact lexicon from the ANETAC pairs file; returns the number of Arabic tokens."""
    table: dict[str, set[str]] = defaultdict(set)
    for line in src.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        _kind, latin, arabic = parts
        latin_f, arabic_n = fold_latin(latin), normalize_arabic(arabic)
        if len(latin_f) >= 2 and latin_f.isalpha():
            table[arabic_n].add(latin_f)
    dest.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"# source: {SOURCE}\n"]
    lines += [f"{ar}\t{'|'.join(sorted(forms))}\n" for ar, forms in sorted(table.items())]
    with gzip.open(dest, "wt", encoding="utf-8", compresslevel=9) as fh:
        fh.writelines(lines)
    return len(table)


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[str, ...]]:
    if not DATA.exists():
        return {}
    out: dict[str, tuple[str, ...]] = {}
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            ar, _, forms = line.rstrip("\n").partition("\t")
            out[ar] = tuple(forms.split("|"))
    return out


def arabic_token_forms(token: str) -> tuple[str, ...]:
    """Latin spellings attested for one Arabic name token (normalised), else ``()``.

    >>> "biden" in arabic_token_forms("بايدن")
    True
    """
    table = _table()
    tok = normalize_arabic(token)
    forms = table.get(tok)
    if forms is None and tok.startswith("ال") and len(tok) > 3:
        forms = table.get(tok[2:])
    return forms or ()


#: romanisations made in this process or remembered from earlier builds (a name's never changes
#: for one romaniser and lexicon, and the neural romaniser takes ~10 ms a name)
_ROMANISED: dict[str, tuple[str, ...]] = {}


def romanise(key: str) -> tuple[str, ...]:
    """Latin renderings of an Arabic name key: the romaniser's top 3 plus ANETAC token forms.

    >>> "biden" in romanise("بايدن")
    True
    """
    known = _ROMANISED.get(key)
    if known is None:
        known = _ROMANISED[key] = _romanise(key)
    return known


@contextmanager
def remembered_romanisations(path: Path | None) -> Iterator[None]:
    """Keep the romanisations of a build in ``path`` (JSON), for the next build of the store.

    >>> import tempfile
    >>> file = Path(tempfile.mkdtemp()) / "romanised.json"
    >>> with remembered_romanisations(file):
    ...     first = romanise("بايدن")
    >>> _ = _ROMANISED.pop("بايدن")
    >>> with remembered_romanisations(file):
    ...     "بايدن" in _ROMANISED and romanise("بايدن") == first
    True
    """
    if path is None:
        yield
        return
    version = _romaniser_version()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") == version:
            _ROMANISED.update((k, tuple(v)) for k, v in data["names"].items())
    except (OSError, ValueError, KeyError, AttributeError):
        pass  # no memory yet (or an unreadable one): names are romanised again
    known = len(_ROMANISED)
    try:
        yield
    finally:
        if len(_ROMANISED) != known:
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(json.dumps({"version": version, "names": dict(sorted(_ROMANISED.items()))},
                                      ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)


def _romaniser_version() -> str:
    try:
        romaniser = metadata.version("arabic-name-romanizer")
    except metadata.PackageNotFoundError:
        romaniser = "none"
    return f"{romaniser}:{DATA.stat().st_size if DATA.exists() else 0}"


@lru_cache(maxsize=1)
def _romaniser():
    """The neural romaniser, on one thread: its default two-thread sessions spin between the
    small steps of a beam search, which took twice the time and 3.5 times the CPU (300 corpus
    names: 1.29 s wall and 2.56 s CPU -> 0.67 s and 0.73 s, the same romanisations) and kept
    the build's other core busy."""
    from arabic_name_romanizer.api import Transliterator, default_resources_dir
    from arabic_name_romanizer.inference import OnnxModel

    return Transliterator(model=OnnxModel(default_resources_dir(), intra_op_threads=1))


def release_romaniser() -> None:
    """Forget the loaded neural romaniser (some 65 MB; the next romanisation loads it again)."""
    _romaniser.cache_clear()


def _romanise(key: str) -> tuple[str, ...]:
    out: list[str] = []
    try:
        out = [fold_latin(c.text) for c in _romaniser().transliterate(key, top_k=3)]
    except Exception:  # noqa: BLE001 - the romaniser is evidence, not a requirement
        out = []
    forms = [arabic_token_forms(t) or () for t in key.split()]
    if forms and all(forms):
        out.extend(" ".join(c) for c in product(*[f[:2] for f in forms]))
    return tuple(dict.fromkeys(o for o in out if o))


if __name__ == "__main__":  # pragma: no cover - maintenance script
    n = distil(Path(sys.argv[1]))
    print(f"wrote {DATA} ({n} Arabic tokens)")
