"""``kg watch``: rounds ingest what is new in a feed, and a feed that is down, slow or broken
is reported and tried again, never fatal.

A local ``http.server`` on 127.0.0.1 serves an RSS 2.0 feed and the article pages its items
link to, both made in the test from real BBC News articles in
``examples/en_bbc_2023-10-30.jsonl`` (liet-git/bbc-bias @ 0905c10, see examples/README.md):
real titles, dates and text; the feed carries the first sentence as a teaser, the page the
whole text.
"""

from __future__ import annotations

import html
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kg.cli import main
from kg.docstore import load_documents
from kg.watch import watch

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
RECORDS = [json.loads(line) for line in
           (EXAMPLES / "en_bbc_2023-10-30.jsonl").read_text(encoding="utf-8").splitlines()
           if line.strip()]

pytestmark = pytest.mark.timeout(600)


def _paragraphs(record: dict) -> list[str]:
    return [p.strip() for p in record["text"].split("\n") if p.strip()]


def _page(record: dict) -> str:
    """An article page with the record's title, date and every paragraph of its text."""
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in _paragraphs(record))
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{html.escape(record['title'])}</title>"
            f'<meta property="article:published_time" content="{record["date"]}"></head>'
            f"<body><nav>Home | World | Middle East</nav><article>"
            f"<h1>{html.escape(record['title'])}</h1>\n{body}</article>"
            f"<footer>Copyright 2023</footer></body></html>")


def _item(base: str, number: int, record: dict) -> str:
    teaser = _paragraphs(record)[0]
    date = format_datetime(datetime.fromisoformat(record["date"]))
    return (f"<item><title>{html.escape(record['title'])}</title>"
            f"<link>{base}/news/{number}.html</link><pubDate>{date}</pubDate>"
            f"<description>{html.escape(teaser)}</description></item>")


class Site:
    """The feed and pages, a log of the paths asked for, and a mode: ``ok``, ``500``,
    ``broken`` (the feed is cut in the middle of its XML) or ``slow`` (answers after 8 s)."""

    def __init__(self) -> None:
        self.items = 3
        self.mode = "ok"
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                site.requests.append(self.path)
                status, body, kind = site.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the slow mode)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.feed_url = f"{self.base}/feed.rss"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def feed(self) -> bytes:
        items = "".join(_item(self.base, n, RECORDS[n]) for n in range(self.items))
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                f"<title>BBC News</title><link>{self.base}/</link><language>en-gb</language>"
                f"{items}</channel></rss>").encode()

    def answer(self, path: str) -> tuple[int, bytes, str]:
        if self.mode == "slow":
            time.sleep(8)
        if self.mode == "500":
            return 500, b"Internal Server Error", "text/plain"
        if path == "/feed.rss":
            feed = self.feed()
            return 200, feed[:len(feed) // 2] if self.mode == "broken" else feed, "application/rss+xml"
        number = path.removeprefix("/news/").removesuffix(".html")
        if number.isdigit() and int(number) < self.items:
            return 200, _page(RECORDS[int(number)]).encode(), "text/html; charset=utf-8"
        return 404, b"Not Found", "text/plain"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site():
    running = Site()
    yield running
    running.stop()


def test_a_round_ingests_the_new_item_only_and_a_feed_down_or_broken_is_survived(site, tmp_path):
    store = tmp_path / "store"
    options = {"every": 0, "offline": True, "timeout": 5}
    first, = watch([site.feed_url], store, rounds=1, **options)
    assert first.failures == [] and first.pages == 3
    assert (first.report.new, first.report.updated, first.report.unchanged) == (3, 0, 0)
    # the linked pages' full text replaced the one-sentence teasers of the feed
    texts = {d.article.title: d.article.body for d in load_documents(store).values()}
    for record in RECORDS[:3]:
        assert len(texts[record["title"]]) > 3 * len(_paragraphs(record)[0])

    site.items, site.requests = 4, []
    second, = watch([site.feed_url], store, rounds=1, **options)
    assert (second.report.new, second.report.updated, second.report.unchanged) == (1, 0, 3)
    assert second.pages == 1
    assert sorted(set(site.requests)) == ["/feed.rss", "/news/3.html"]  # old pages not fetched again

    # one watch: the feed answers 500, then half its XML, then too slowly, then is back with a
    # new item, then the server is gone; every round reports why and the next one tries again
    modes = iter(["broken", "slow", "ok", "down", "down"])

    def next_mode(result) -> None:
        site.mode, site.items = next(modes), 5
        if site.mode == "down" and result.number == 4:
            site.stop()

    site.mode = "500"
    rounds = watch([site.feed_url], store, rounds=5, on_round=next_mode,
                   **{**options, "timeout": 3})  # room for a loaded machine: slow is 8 s
    reasons = [[f.reason for f in r.failures] for r in rounds]
    assert reasons[0] == ["HTTP 500 Internal Server Error"]
    assert len(reasons[1]) == 1 and reasons[1][0].startswith("truncated or invalid XML")
    assert reasons[2] == ["network unreachable: no answer within 3 s"]
    assert reasons[3] == []
    assert len(reasons[4]) == 1 and "Connection refused" in reasons[4][0]
    assert all(r.failures[0].source_file == site.feed_url for r in rounds if r.failures)
    assert rounds[1].report.articles == 4  # a broken feed removes nothing
    assert (rounds[3].report.new, rounds[3].report.unchanged) == (1, 4)
    assert rounds[4].report is None and rounds[4].error is None
    assert len(load_documents(store)) == 5
    assert "1 input failed" in rounds[4].summary()


def test_kg_watch_prints_a_line_per_round(site, tmp_path, capsys):
    store = tmp_path / "store"
    status = main(["watch", site.feed_url, str(EXAMPLES / "es_prensa_chile.jsonl"),
                   "--store", str(store), "--every", "0.001", "--rounds", "2", "--offline",
                   "--no-pages"])
    out = capsys.readouterr().out.splitlines()
    assert status == 0
    assert out[0].startswith("round 1 at ") and " 11 new, 0 updated, 0 unchanged" in out[0]
    assert out[1].startswith("round 2 at ") and " 0 new, 0 updated, 11 unchanged" in out[1]
    assert out[-1] == "stopped after 2 rounds"
    assert {"/news/0.html", "/news/1.html"}.isdisjoint(site.requests)  # --no-pages


def test_ctrl_c_ends_the_watch_cleanly_between_rounds(site, tmp_path):
    env = dict(os.environ, MKG_OFFLINE="1", MKG_KB_DIR="off")
    proc = subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "watch", site.feed_url, "--store", str(tmp_path / "s"),
         "--every", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = proc.stdout.readline()  # the summary of round 1; the watch then sleeps
        assert first.startswith("round 1 at ") and "3 new" in first
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert out.strip() == "stopped after 1 round"
    assert "stopping after this round" in err and "Traceback" not in err


def test_a_watched_folder_a_round_the_store_refuses_and_a_file_added_later(tmp_path):
    import shutil

    from kg.nlp.pipeline import model_finder
    from kg.rdf.store import GraphStore

    folder, store = tmp_path / "in", tmp_path / "store"
    folder.mkdir()
    shutil.copy(EXAMPLES / "es_prensa_chile.jsonl", folder)
    holder = GraphStore(store, staged=True)  # another build is writing the store

    loaded = []

    def next_step(result) -> None:
        loaded.append(model_finder.cache_info().currsize)
        if result.number == 1:
            holder.close()
        else:
            shutil.copy(EXAMPLES / "en_four_papers_2023-10-30.jsonl", folder)

    model_finder.cache_clear()
    rounds = watch([str(folder)], store, every=0, rounds=3, on_round=next_step, offline=True)
    assert loaded[1] >= 1 and loaded[2] >= loaded[1]  # the models stay loaded between rounds
    assert rounds[0].report is None and "another process is writing it" in rounds[0].error
    assert rounds[0].summary().split(": ", 1)[1].startswith("failed (StoreError: ")
    assert rounds[1].error is None and rounds[1].report.new == 8
    assert (rounds[2].report.new, rounds[2].report.unchanged) == (2, 8)
