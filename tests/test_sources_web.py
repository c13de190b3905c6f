"""URL inputs: a local http.server for the online path, a closed port for the offline one."""

from __future__ import annotations

import functools
import socket
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kg.article import Article, Rejection
from kg.sources import read_inputs
from kg.sources.textio import InputError
from kg.sources.web import fetch


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture()
def server(fixtures):
    handler = functools.partial(QuietHandler, directory=str(fixtures / "sources"))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the socket is released


def test_online_page_is_read_with_url_as_given(server):
    url = f"{server}/bbc_chief_rabbi.html?from=test"
    [article] = list(read_inputs([url]))
    assert isinstance(article, Article)
    assert article.url == url and article.source_file == url
    assert article.title.startswith("Every Jewish family in UK")
    assert article.body.startswith("There is hardly a Jewish family")


def test_online_feed_is_read_by_the_feed_reader(server):
    items = list(read_inputs([f"{server}/feed.atom"]))
    assert [type(i) for i in items] == [Article, Article]


def test_http_error_is_a_rejection(server):
    [rejection] = list(read_inputs([f"{server}/missing.html"]))
    assert rejection == Rejection(f"{server}/missing.html", "HTTP 404 File not found")


def test_offline_fails_fast_with_clear_reason():
    url = f"http://127.0.0.1:{closed_port()}/article.html"
    start = time.monotonic()
    [rejection] = list(read_inputs([url]))
    assert time.monotonic() - start < 5
    assert rejection.source_file == url
    assert rejection.reason.startswith("network unreachable: ")


def test_silent_server_hits_the_deadline():
    """A server that accepts and never answers: the total deadline still holds."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
        start = time.monotonic()
        with pytest.raises(InputError, match="network unreachable"):
            fetch(url, timeout=1.0)
        assert time.monotonic() - start < 3
