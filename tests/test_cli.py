"""The command line end to end: exit statuses, and build -> query -> export on the real examples.

``examples/`` is the small real sample shipped with the repo (sources in examples/README.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=600)


def test_usage_error_exits_2():
    with pytest.raises(SystemExit) as exc:
        main(["query"])
    assert exc.value.code == 2


def test_missing_store_is_a_one_line_user_error(tmp_path, capsys):
    assert main(["query", "SELECT * WHERE {?s ?p ?o}", "--store", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert "no store" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.fixture(scope="module")
def built_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("store") / "kg-store"
    result = kg("build", str(EXAMPLES), "--store", str(store), "-q")
    assert result.returncode == 0, result.stderr
    # the one video item of the sample has no text: reported with file, record and reason
    assert "rejected: 1" in result.stdout, result.stdout
    assert "ar_almayadeen_2023-10-30.json:13: empty text (video item)" in result.stdout
    return store


def _count(store: Path) -> int:
    out = kg("query", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--store",
             str(store), "--format", "csv")
    assert out.returncode == 0, out.stderr
    return int(out.stdout.splitlines()[1])


def test_build_examples_gives_all_three_languages(built_store):
    out = kg("query", "SELECT ?lang (COUNT(?a) AS ?n) WHERE { ?a a schema:NewsArticle ; "
             "schema:inLanguage ?lang } GROUP BY ?lang ORDER BY ?lang", "--store", str(built_store),
             "--format", "json")
    counts = {b["lang"]["value"]: int(b["n"]["value"])
              for b in json.loads(out.stdout)["results"]["bindings"]}
    assert set(counts) >= {"ar", "en", "es"}
    assert sum(counts.values()) <= 30


def test_rebuild_changes_nothing(built_store):
    before = _count(built_store)
    again = kg("build", str(EXAMPLES), "--store", str(built_store), "-q")
    assert again.returncode == 0, again.stderr
    assert "0 new" in again.stdout
    assert _count(built_store) == before


def test_invalid_sparql_exits_1(built_store):
    out = kg("query", "SELECT ?x WHERE { ?x", "--store", str(built_store))
    assert out.returncode == 1 and "invalid SPARQL" in out.stderr and "Traceback" not in out.stderr


def test_named_query_runs(built_store):
    out = kg("query", "top-entities.rq", "--store", str(built_store))
    assert out.returncode == 0, out.stderr
    assert "rows)" in out.stdout


def test_long_query_text_is_not_taken_for_a_file_name(built_store):
    """A SPARQL string longer than a file name may be was an OSError traceback."""
    query = ("SELECT ?a ?headline WHERE { ?a a schema:NewsArticle ; schema:headline ?headline . "
             + " ".join(f"OPTIONAL {{ ?a schema:inLanguage ?l{i} }}" for i in range(8)) + " } LIMIT 2")
    assert len(query) > 255
    out = kg("query", query, "--store", str(built_store))
    assert out.returncode == 0, out.stderr
    assert "(2 rows)" in out.stdout


@pytest.mark.parametrize("fmt,rdf", [("turtle", ox.RdfFormat.TURTLE), ("trig", ox.RdfFormat.TRIG)])
def test_export_round_trip(built_store, tmp_path, fmt, rdf):
    target = tmp_path / f"graph.{fmt}"
    out = kg("export", "--store", str(built_store), "--format", fmt, "-o", str(target))
    assert out.returncode == 0, out.stderr
    written = int(out.stdout.split()[1])
    assert len(list(ox.parse(path=str(target), format=rdf))) == written


def test_store_conforms_to_shapes(built_store):
    out = kg("validate", "--store", str(built_store))
    assert out.returncode == 0, out.stdout[-3000:]


def test_store_in_use_is_a_one_line_error(tmp_path):
    from kg.rdf.store import GraphStore

    holder = GraphStore(tmp_path / "busy")  # holds the RocksDB lock while the CLI tries
    out = kg("build", str(EXAMPLES / "es_prensa_chile.jsonl"), "--store", str(tmp_path / "busy"))
    assert out.returncode == 1
    assert "in use by another kg process" in out.stderr and "Traceback" not in out.stderr
    del holder
