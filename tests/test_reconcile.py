"""Wikidata reconciliation against a local stub serving recorded API answers (tests/fixtures/wikidata_api)."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from kg.link.reconcile import Reconciler, decide, reconcile_names

API = Path(__file__).resolve().parent / "fixtures" / "wikidata_api"
ENTITIES = json.loads((API / "entities.json").read_text(encoding="utf-8"))["entities"]
SEARCHES = {  # (language, search) -> recorded wbsearchentities answer
    ("en", "Olof Palme"): "search_en_olof_palme.json",
    ("ar", "هونغ كونغ"): "search_ar_hong_kong.json",
    ("es", "Escocia"): "search_es_escocia.json",
    ("en", "The Beatles"): "search_en_the_beatles.json",
    ("en", "Gerhard Schröder"): "search_en_gerhard_schroder.json",
    ("en", "Universe"): "search_en_universe.json",
}


class _Stub(BaseHTTPRequestHandler):
    """Answers like www.wikidata.org/w/api.php for the two actions the reconciler uses."""

    hits: list[dict[str, str]] = []

    def do_GET(self):  # noqa: N802 - http.server API
        params = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        type(self).hits.append(params)
        if params.get("action") == "wbsearchentities":
            name = SEARCHES.get((params.get("language", ""), params.get("search", "")), "search_empty.json")
            body = (API / name).read_bytes()
        elif params.get("action") == "wbgetentities":
            ids = params.get("ids", "").split("|")
            found = {i: ENTITIES.get(i, {"id": i, "missing": ""}) for i in ids}
            body = json.dumps({"entities": found, "success": 1}, ensure_ascii=False).encode("utf-8")
        else:
            body = b'{"error": {"code": "badvalue", "info": "unknown action"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture()
def stub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    _Stub.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}/w/api.php"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _online(monkeypatch):
    monkeypatch.delenv("MKG_OFFLINE", raising=False)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _reconciler(url: str, tmp_path: Path | None = None, **kw) -> Reconciler:
    return Reconciler(tmp_path, endpoint=url, min_interval=kw.pop("min_interval", 0.0), **kw)


def test_names_resolve_in_english_arabic_and_spanish(stub, tmp_path):
    _, url = stub
    r = _reconciler(url, tmp_path)
    palme = r.lookup("Olof Palme", "en", "PER")
    assert palme and palme.qid == "Q53713" and palme.type == "PER"
    assert palme.labels["ar"] == "أولوف بالمه" and palme.labels["es"] == "Olof Palme"
    hk = r.lookup("هونغ كونغ", "ar", "LOC")
    assert hk and hk.qid == "Q8646" and hk.labels["en"] == "Hong Kong"
    assert hk.lat == pytest.approx(22.278, abs=0.01) and hk.lon == pytest.approx(114.159, abs=0.01)
    scotland = r.lookup("Escocia", "es", "LOC")
    assert scotland and scotland.qid == "Q22" and scotland.labels["en"] == "Scotland"
    assert scotland.description.startswith("país de Europa") and scotland.sitelinks > 100
    search = _Stub.hits[0]
    assert search["action"] == "wbsearchentities" and search["type"] == "item" and search["limit"] == "7"
    assert _Stub.hits[1]["action"] == "wbgetentities" and _Stub.hits[1]["ids"] == "Q53713"
    assert r.requests == 6


def test_type_mismatch_is_refused(stub):
    _, url = stub
    r = _reconciler(url)
    assert r.lookup("The Beatles", "en", "PER") is None  # a rock band, not a person
    beatles = r.lookup("The Beatles", "en", "ORG")
    assert beatles and beatles.qid == "Q1299"
    assert r.lookup("Universe", "en", "LOC") is None  # Q1 is an instance of "universe", no type


def test_ambiguous_name_is_refused(stub):
    _, url = stub
    r = _reconciler(url)
    # Two German MPs named Gerhard Schröder (Q2530, Q60781): same label, same type, no evidence.
    assert r.lookup("Gerhard Schröder", "en", "PER", ["Bundestag"]) is None
    entities = [ENTITIES["Q2530"], ENTITIES["Q60781"]]
    assert decide(entities, "Gerhard Schröder", "en", "PER") is None
    # With one candidate left (the other of another type), the name resolves.
    assert decide([ENTITIES["Q2530"], ENTITIES["Q1299"]], "Gerhard Schröder", "en", "PER").qid == "Q2530"


def test_label_must_match_after_normalisation():
    assert decide([ENTITIES["Q53713"]], "Palme", "en", "PER") is None  # a search hit is not a match
    assert decide([ENTITIES["Q53713"]], "Sven Olof Joachim Palme", "es", "PER").qid == "Q53713"  # alias
    assert decide([ENTITIES["Q22"]], "إسكتلندا", "ar", "LOC").qid == "Q22"  # hamza-seat alias


def test_context_then_sitelinks_break_ties():
    a = json.loads(json.dumps(ENTITIES["Q2530"]))
    b = json.loads(json.dumps(ENTITIES["Q60781"]))
    a["labels"]["en"]["value"] = b["labels"]["en"]["value"] = "Gerhard Schröder"
    assert decide([a, b], "Gerhard Schröder", "en", "PER") is None
    a["sitelinks"] = {f"w{i}": {"site": f"w{i}", "title": "x"} for i in range(40)}
    assert decide([a, b], "Gerhard Schröder", "en", "PER").qid == "Q2530"  # far more sitelinks
    b["descriptions"] = {"en": {"language": "en", "value": "member of the Bundestag"}}
    assert decide([a, b], "Gerhard Schröder", "en", "PER", ["Bundestag"]).qid == "Q60781"  # context first


def test_cache_answers_a_second_run_offline(stub, tmp_path):
    server, url = stub
    first = _reconciler(url, tmp_path)
    answers = {q: first.lookup(*q) for q in [("Olof Palme", "en", "PER"), ("هونغ كونغ", "ar", "LOC"),
                                             ("The Beatles", "en", "PER"), ("jdsakjdnmasdda", "es", "ORG")]}
    saved = json.loads((tmp_path / "reconciled.json").read_text(encoding="utf-8"))
    assert saved["entries"]["es|ORG|jdsakjdnmasdda"] is None  # negative answers are cached too
    assert saved["entries"]["en|PER|olof palme"]["qid"] == "Q53713"
    server.shutdown()
    hits = len(_Stub.hits)
    again = Reconciler(tmp_path, offline=True, endpoint=url)
    assert {q: again.lookup(*q) for q in answers} == answers
    assert again.lookup("OLOF PALME", "en", "PER").qid == "Q53713"  # same normalised key
    assert again.requests == 0 and len(_Stub.hits) == hits
    assert not list(tmp_path.glob("*.tmp"))


def test_unreachable_endpoint_says_so_once_and_gives_up_fast(tmp_path, caplog):
    url = f"http://127.0.0.1:{_closed_port()}/w/api.php"
    r = _reconciler(url, tmp_path)
    start = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="kg.link.reconcile"):
        assert r.lookup("Olof Palme", "en", "PER") is None
        assert r.lookup("Escocia", "es", "LOC") is None
    assert time.monotonic() - start < 2
    warnings = [rec.getMessage() for rec in caplog.records if rec.levelno == logging.WARNING]
    assert len(warnings) == 1 and "Wikidata is unreachable" in warnings[0] and "--offline" in warnings[0]
    assert r.offline and r.requests == 1
    assert not (tmp_path / "reconciled.json").exists()  # failures are not cached as "unknown"


def test_hanging_server_is_cut_at_the_timeout(caplog):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)  # accepts connections (kernel backlog) and never answers
    try:
        r = Reconciler(None, endpoint=f"http://127.0.0.1:{listener.getsockname()[1]}/w/api.php",
                       timeout=0.5, min_interval=0)
        start = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="kg.link.reconcile"):
            assert r.lookup("Olof Palme", "en", "PER") is None
        elapsed = time.monotonic() - start
        assert 0.4 < elapsed < 1.5 and r.offline
        assert "no answer within 0.5 s" in caplog.text
    finally:
        listener.close()


def test_max_requests_is_respected(stub, caplog):
    _, url = stub
    r = _reconciler(url, max_requests=3)
    with caplog.at_level(logging.WARNING, logger="kg.link.reconcile"):
        assert r.lookup("Olof Palme", "en", "PER").qid == "Q53713"  # search + entities
        assert r.lookup("Escocia", "es", "LOC") is None  # would need two more
        assert r.lookup("The Beatles", "en", "ORG") is None
    assert r.requests == 2 and len(_Stub.hits) == 2
    assert caplog.text.count("request budget (3) used up") == 1


def test_requests_are_spaced_by_min_interval(stub):
    _, url = stub
    r = _reconciler(url, min_interval=0.15)
    start = time.monotonic()
    r.lookup("Olof Palme", "en", "PER")
    r.lookup("Escocia", "es", "LOC")
    assert time.monotonic() - start >= 0.15 * 3


def test_mkg_offline_sends_nothing(stub, monkeypatch, tmp_path):
    _, url = stub
    monkeypatch.setenv("MKG_OFFLINE", "1")
    r = _reconciler(url, tmp_path)
    assert r.lookup("Olof Palme", "en", "PER") is None
    assert Reconciler(tmp_path, offline=True, endpoint=url).lookup("Escocia", "es", "LOC") is None
    assert _Stub.hits == [] and r.requests == 0


def test_reconcile_names_asks_once_per_key(stub):
    _, url = stub
    r = _reconciler(url)
    names = [("Olof Palme", "en", "PER", ["Sweden"]), ("olof palme", "en", "PER", ["Stockholm"]),
             ("هونغ كونغ", "ar", "LOC", ()), ("Gerhard Schröder", "en", "PER", ())]
    found = reconcile_names(names, r)
    assert found[("Olof Palme", "en", "PER")].qid == found[("olof palme", "en", "PER")].qid == "Q53713"
    assert found[("هونغ كونغ", "ar", "LOC")].qid == "Q8646"
    assert ("Gerhard Schröder", "en", "PER") not in found
    assert [h["search"] for h in _Stub.hits if h["action"] == "wbsearchentities"] == [
        "هونغ كونغ", "Gerhard Schröder", "Olof Palme"]  # sorted by key, one search per key


def test_build_has_an_offline_switch():
    from kg.cli import build_parser

    args = build_parser().parse_args(["build", "x.jsonl", "--offline"])
    assert args.offline is True
    assert build_parser().parse_args(["build", "x.jsonl"]).offline is False
