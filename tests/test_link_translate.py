"""TranslationCache: deep-translator's real request path against a local stub, and offline."""

from __future__ import annotations

import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from kg.link.translate import TranslationCache, google_translate

ANSWERS = {"ترامب": "Trump", "غزة": "Gaza"}


class _Stub(BaseHTTPRequestHandler):
    """Answers like translate.google.com's mobile page: the translation in div.result-container."""

    hits: list[dict] = []

    def do_GET(self):  # noqa: N802 - http.server API
        params = {k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()}
        type(self).hits.append(params)
        answer = ANSWERS.get(params.get("q", ""), params.get("q", ""))
        body = f'<html><body><div class="result-container">{answer}</div></body></html>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode("utf-8"))

    def log_message(self, *args):  # keep test output quiet
        pass


@pytest.fixture()
def stub_url():
    server = HTTPServer(("127.0.0.1", 0), _Stub)
    _Stub.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/m"
    server.shutdown()
    server.server_close()


def test_deep_translator_request_path_against_stub(stub_url):
    assert google_translate("ترامب", "ar", "en", 2.0, base_url=stub_url) == "Trump"
    assert _Stub.hits[-1]["sl"] == "ar" and _Stub.hits[-1]["tl"] == "en"


def test_online_answers_are_cached_on_disk(stub_url, tmp_path):
    path = tmp_path / "translations.json"
    cache = TranslationCache(path, base_url=stub_url)
    assert cache.translate("ترامب", "ar", "en") == "Trump"
    assert cache.translate("ترامب", "ar", "en") == "Trump"
    assert len(_Stub.hits) == 1  # the second answer came from the cache
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["entries"] == {"ar|en|ترامب": "Trump"}
    # a rebuild offline gives the same answer from the file
    offline = TranslationCache(path, online=False)
    assert offline.translate("ترامب", "ar", "en") == "Trump"
    assert offline.translate("غزة", "ar", "en") is None


def test_default_path_is_under_the_store(tmp_path):
    cache = TranslationCache(store_dir=tmp_path / "kg-store", online=False)
    assert cache.path == tmp_path / "kg-store" / "translations.json"


def test_offline_returns_quickly_and_warns_once(tmp_path, caplog):
    # 10.255.255.1 is not routable: connecting hangs, so only the hard timeout can end it.
    cache = TranslationCache(tmp_path / "t.json", base_url="http://10.255.255.1/m")
    caplog.set_level(logging.WARNING, logger="kg.link.translate")
    start = time.monotonic()
    assert cache.translate("ترامب", "ar", "en") is None
    assert time.monotonic() - start < 6
    start = time.monotonic()
    assert cache.translate("غزة", "ar", "en") is None
    assert time.monotonic() - start < 0.1  # no second attempt once offline
    warnings = [r for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(warnings) == 1
    assert cache.asked == 1
    assert not (tmp_path / "t.json").exists()  # failures are not cached as answers


def test_connection_refused_is_offline_too(tmp_path):
    cache = TranslationCache(tmp_path / "t.json", base_url="http://127.0.0.1:9/m")
    start = time.monotonic()
    assert cache.translate("ترامب", "ar", "en") is None
    assert time.monotonic() - start < 6 and cache.online is False


def test_resolution_uses_translation_for_names_it_cannot_place():
    from datetime import datetime

    from kg.article import Article
    from kg.link.resolve import resolve_entities
    from kg.nlp.mention import Mention

    a = Article(id="a", title="", body="زار الرئيس المكسيك", language="ar", published=datetime(2024, 1, 1))
    b = Article(id="b", title="", body="He visited Mexico", language="en", published=datetime(2024, 1, 1))
    docs = [(a, [Mention(11, 18, "المكسيك", "LOC")]), (b, [Mention(11, 17, "Mexico", "LOC")])]
    cache = TranslationCache(None, translator=lambda text, s, t, timeout: {"المكسيك": "Mexico"}.get(text))
    res = resolve_entities(docs, kb=False, translator=cache)
    assert len(res.entities) == 1
    (mexico,) = res.entities.values()
    assert any(m.evidence == "translation" for m in mexico.merges)
