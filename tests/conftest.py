"""Shared test fixtures: where the real data lives, and a skip when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = (ROOT / ".." / "shared" / "data").resolve()


@pytest.fixture(autouse=True)
def _no_user_wikidata_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Wikidata index the user imported (``kg kb import``) must not change test answers;
    the import tests point ``MKG_KB_DIR`` at their own index."""
    monkeypatch.setenv("MKG_KB_DIR", "off")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (the real corpus); tests that need it skip on a fresh clone."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real corpus not present at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="module")
def real_store():
    """The store built from the real corpus (``kg build ../shared/data``; or ``$KG_STORE``).

    Skips when there is none, or when it holds only the small example sample.
    """
    import os

    from kg.rdf.store import GraphStore

    path = Path(os.environ.get("KG_STORE", ROOT / "kg-store"))
    if not path.is_dir():
        pytest.skip(f"no real store at {path} (run `kg build ../shared/data`)")
    try:
        store = GraphStore(path, read_only=True)
    except OSError as exc:
        pytest.skip(f"{path} cannot be opened read-only: {exc}")
    n = store.select("SELECT (COUNT(?a) AS ?n) WHERE { ?a a schema:NewsArticle }")[0]["n"]
    if n < 50:
        pytest.skip(f"{path} has only {n} articles (not built from the real corpus yet)")
    return store
