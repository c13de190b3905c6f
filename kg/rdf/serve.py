"""A read-only SPARQL 1.1 Protocol endpoint at ``/sparql``, safe to expose.

GET ``/sparql?query=...``, or POST with ``application/sparql-query`` or a form ``query=...``.
Updates are refused (403). Results follow the ``Accept`` header: SPARQL JSON (default), XML, CSV, TSV;
CONSTRUCT/DESCRIBE answer Turtle or N-Triples.

What makes it safe to put in front of other people (:class:`Limits`):

- ``SERVICE`` (the only way a SPARQL query makes oxigraph fetch anything) is refused with 400, so
  the endpoint cannot be used to call addresses behind it.
- Queries run in a pool of worker processes (``max_concurrent``, default 4), each with the store
  open read-only. A query that runs past ``timeout`` seconds (default 30) gets an error and its
  worker is killed, so a runaway query stops using a core; a fresh worker takes its place. When
  every worker is busy a request waits ``queue_wait`` seconds, then gets 503 with ``Retry-After``.
- Request bodies over ``max_body`` bytes get 413; results over ``max_result`` bytes are cut.
- Results stream: a result that fits in the first 64 KiB is sent with a ``Content-Length``, a
  larger one in HTTP/1.1 chunks as the worker writes it. Errors found before the first byte is
  sent get a proper status and a one-line ``text/plain`` body; a result cut later (time or size
  limit) ends with a line ``mkg-sparql error <status>: <why>`` and without the final chunk, so
  HTTP clients report an incomplete response rather than take a truncated result for a whole one.
- Every connection has a socket timeout, so a client that stops sending cannot hold a thread.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import select
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from kg.rdf.store import GraphStore, QueryError

log = logging.getLogger(__name__)

#: media type -> pyoxigraph format name, for SELECT/ASK and for CONSTRUCT/DESCRIBE
RESULT_TYPES = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
GRAPH_TYPES = {"text/turtle": "TURTLE", "application/n-triples": "N_TRIPLES"}
#: paths answered with a resource's page (HTML) or its triples (by ``Accept``), see :mod:`kg.site`
RESOURCE_PATHS = ("/entity/", "/article/", "/event/", "/edition/")  # /article/A/sameStoryAs/B too
#: the site's own pages: search and the comparison of editions
SITE_PAGES = ("/", "/index.html", "/compare", "/compare.html")

#: bytes held before the status line is sent: small results get a Content-Length
FIRST_CHUNK = 64 * 1024
#: an over-large body up to this size is read and dropped before the 413; a larger one is not read
DRAIN_LIMIT = 64 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The endpoint's bounds; ``kg serve`` exposes each as an option."""

    timeout: float = 30.0            # seconds a query may run (evaluation and sending)
    max_concurrent: int = 4          # queries running at once (worker processes)
    queue_wait: float = 10.0         # seconds a request waits for a free worker, then 503
    max_body: int = 1_000_000        # bytes of a POST body
    max_result: int = 100_000_000    # bytes of a serialised result
    socket_timeout: float = 60.0     # seconds a client may stay silent mid-request


def _choose(accept: str, table: dict, default: str) -> str:
    for part in accept.split(","):
        media = part.split(";")[0].strip()
        if media in table:
            return media
    return default


# ---- framing between the server and its workers ------------------------------------------------
# A frame is one type byte, a 4-byte big-endian length and the payload.
#   worker -> server: R ready | H header (JSON: status, media or message) | D data | E end
#   server -> worker: Q query (JSON: query, accept)

def _frame(kind: bytes, payload: bytes) -> bytes:
    return kind + struct.pack(">I", len(payload)) + payload


class _Timeout(Exception):
    pass


class _WorkerDied(Exception):
    pass


def _read_exact(fd: int, size: int, deadline: float) -> bytes:
    chunks, need = [], size
    while need:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _Timeout
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            raise _Timeout
        data = os.read(fd, min(need, 1 << 20))
        if not data:
            raise _WorkerDied
        chunks.append(data)
        need -= len(data)
    return b"".join(chunks)


def _read_frame(fd: int, deadline: float) -> tuple[bytes, bytes]:
    head = _read_exact(fd, 5, deadline)
    size = struct.unpack(">I", head[1:])[0]
    return head[:1], _read_exact(fd, size, deadline) if size else b""


class _Worker:
    """One query process: ``python -m kg.rdf.serve --worker SOURCE``."""

    def __init__(self, source: str, start_timeout: float = 120.0) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kg.rdf.serve", "--worker", source],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0,
            start_new_session=True)  # Ctrl-C on `kg serve` is the server's to handle
        kind, payload = _read_frame(self.proc.stdout.fileno(), time.monotonic() + start_timeout)
        if kind != b"R":
            self.kill()
            raise RuntimeError(f"query worker failed to start: {payload.decode(errors='replace')}")

    def send(self, query: str, accept: str, **extra: str) -> None:
        body = json.dumps({"query": query, "accept": accept, **extra}).encode("utf-8")
        self.proc.stdin.write(_frame(b"Q", body))
        self.proc.stdin.flush()

    def frame(self, deadline: float) -> tuple[bytes, bytes]:
        return _read_frame(self.proc.stdout.fileno(), deadline)

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass


class _Pool:
    """``size`` workers; a request borrows one and gives it back, or has it replaced.

    Workers are started by one long-lived thread: a worker dies with the thread that started it
    (Linux's parent-death signal follows the thread), and request threads are short-lived.
    """

    def __init__(self, source: str, size: int) -> None:
        self.source = source
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.closed = False
        self.workers: set[_Worker] = set()  # idle or busy: close() stops them all
        self._todo: queue.Queue[int] = queue.Queue()
        self._failed: queue.Queue[Exception] = queue.Queue()
        self._starting = True
        threading.Thread(target=self._spawner, name="mkg-sparql-workers", daemon=True).start()
        size = max(1, size)
        for _ in range(size):
            self._todo.put(0)
        while self.idle.qsize() < size:
            try:
                error = self._failed.get(timeout=0.05)
            except queue.Empty:
                continue
            self.close()
            raise error
        self._starting = False

    def _spawner(self) -> None:
        while True:
            attempt = self._todo.get()
            if self.closed:
                return
            try:
                worker = _Worker(self.source)
            except (OSError, RuntimeError) as exc:
                if self._starting:
                    self._failed.put(exc)  # the server reports it and does not start
                    continue
                log.error("could not restart a query worker (retrying): %s", exc)
                time.sleep(min(30, 2 ** attempt))
                self._todo.put(attempt + 1)
                continue
            if self.closed:
                worker.kill()
                return
            self.workers.add(worker)
            self.idle.put(worker)

    def acquire(self, wait: float) -> _Worker | None:
        try:
            return self.idle.get(timeout=wait)
        except queue.Empty:
            return None

    def release(self, worker: _Worker) -> None:
        self.idle.put(worker)

    def replace(self, worker: _Worker) -> None:
        """Kill ``worker`` (it may be mid-query); a fresh one takes its place shortly."""
        worker.kill()
        self.workers.discard(worker)
        if not self.closed:
            self._todo.put(0)

    def close(self) -> None:
        """Stop every worker, including those still running a query."""
        self.closed = True
        self._todo.put(0)  # wakes the spawner, which ends
        for worker in list(self.workers):
            worker.kill()
        self.workers.clear()


# ---- the HTTP side --------------------------------------------------------------------------------
def make_handler(pool: _Pool, limits: Limits) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "mkg-sparql/0.2"
        protocol_version = "HTTP/1.1"  # chunked results; a cut result is visible to the client
        timeout = limits.socket_timeout

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            url = urlparse(self.path)
            if url.path != "/sparql":
                if url.path in SITE_PAGES or url.path.startswith(RESOURCE_PATHS):
                    # a resource page (or its RDF): made by a worker, under the same limits
                    return self._run("", resource=url.path, params=url.query,
                                     language=self.headers.get("Accept-Language") or "")
                return self._send(404, "not found: the endpoint is /sparql")
            params = parse_qs(url.query)
            if "update" in params:
                return self._send(403, "this endpoint is read-only")
            if "query" not in params:
                return self._send(400, "missing 'query' parameter")
            self._answer(params["query"][0])

        def do_POST(self) -> None:  # noqa: N802
            if urlparse(self.path).path != "/sparql":
                return self._send(404, "not found: the endpoint is /sparql")
            if self.headers.get("Transfer-Encoding"):
                return self._send(411, "send the request body with a Content-Length")
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                return self._send(400, "bad Content-Length")
            if length > limits.max_body:
                self.close_connection = True
                if length <= DRAIN_LIMIT:  # read it away, so the client sees the 413, not a reset
                    left = length
                    while left > 0:
                        chunk = self.rfile.read(min(left, 1 << 16))
                        if not chunk:
                            break
                        left -= len(chunk)
                return self._send(413, f"request body of {length} bytes is over the limit of "
                                       f"{limits.max_body} bytes", {"Connection": "close"})
            body = self.rfile.read(length).decode("utf-8", "replace")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if ctype == "application/sparql-update":
                return self._send(403, "this endpoint is read-only")
            if ctype == "application/sparql-query":
                return self._answer(body)
            params = parse_qs(body)
            if "update" in params:
                return self._send(403, "this endpoint is read-only")
            if "query" not in params:
                return self._send(400, "missing 'query' parameter")
            self._answer(params["query"][0])

        def do_PUT(self) -> None:  # noqa: N802
            self._send(405, "this endpoint is read-only")

        do_DELETE = do_PATCH = do_PUT  # noqa: N815

        def _answer(self, query: str) -> None:
            from kg.rdf.store import service_error

            problem = service_error(query)
            if problem:
                return self._send(400, problem)
            self._run(query)

        def _run(self, query: str, **extra: str) -> None:
            worker = pool.acquire(limits.queue_wait)
            if worker is None:
                return self._send(503, f"busy: {limits.max_concurrent} queries are running; "
                                       "try again shortly", {"Retry-After": "5"})
            deadline = time.monotonic() + limits.timeout
            try:
                worker.send(query, self.headers.get("Accept") or "", **extra)
                kind, payload = worker.frame(deadline)
                head = json.loads(payload)
                if "message" in head:
                    self._send(head["status"], head["message"])
                    pool.release(worker)
                    return
                finished = self._relay(worker, head["media"], deadline, head["status"])
            except _Timeout:
                pool.replace(worker)
                return self._fail(503, f"query timed out after {limits.timeout:g} s (the limit); "
                                       "narrow it or add a LIMIT")
            except _ResultTooLarge:
                pool.replace(worker)
                return self._fail(413, f"result over the limit of {limits.max_result} bytes; "
                                       "add a LIMIT or page with OFFSET")
            except (_WorkerDied, OSError, ValueError) as exc:
                pool.replace(worker)
                if isinstance(exc, OSError) and self.headers_sent:
                    self.close_connection = True  # the client went away
                    return
                return self._fail(500, "the query worker failed; the query was not answered")
            if finished:
                pool.release(worker)
            else:  # the client went away mid-result: the worker may still be writing
                pool.replace(worker)

        headers_sent = False

        def _relay(self, worker: _Worker, media: str, deadline: float, status: int = 200) -> bool:
            """Send the result frames to the client. False when the client went away."""
            held, size, chunked = [], 0, False
            while True:
                kind, data = worker.frame(deadline)
                if kind == b"E":
                    break
                size += len(data)
                if size > limits.max_result:
                    raise _ResultTooLarge
                if chunked:
                    if not self._chunk(data):
                        return False
                    continue
                held.append(data)
                if size > FIRST_CHUNK:
                    self._start(status, media, None)
                    chunked = True
                    if not self._chunk(b"".join(held)):
                        return False
                    held = []
            if chunked:
                return self._chunk(b"")
            body = b"".join(held)
            self._start(status, media, len(body))
            try:
                self.wfile.write(body)
            except OSError:
                return False
            return True

        def _start(self, status: int, media: str, length: int | None,
                   extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{media}; charset=utf-8")
            if length is None:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(length))
            self.send_header("Access-Control-Allow-Origin", "*")
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.headers_sent = True

        def _chunk(self, data: bytes) -> bool:
            try:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            except OSError:
                self.close_connection = True
                return False
            return True

        def _fail(self, status: int, message: str) -> None:
            log.warning("%s: %s", status, message)
            if self.headers_sent:  # too late for a status: say why, end without the final chunk
                self._chunk(f"\n\nmkg-sparql error {status}: {message}\n".encode())
                self.close_connection = True
                return
            self._send(status, message)

        def _send(self, status: int, message: str, extra: dict[str, str] | None = None) -> None:
            body = f"{message}\n".encode()
            self._start(status, "text/plain", len(body), extra)
            self.wfile.write(body)

        def log_message(self, fmt: str, *args: object) -> None:
            log.info(fmt, *args)

    return Handler


class _ResultTooLarge(Exception):
    pass


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server with its pool of query workers; ``server_close`` stops them."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, store: GraphStore, host: str, port: int, limits: Limits) -> None:
        self._tmp: tempfile.TemporaryDirectory | None = None
        if getattr(store, "url", None):  # a SPARQL server (kg.rdf.remote): workers query it
            source = store.url
        elif store.path is not None:
            source = str(store.path)
        else:  # an in-memory store (tests): the workers load a copy of it
            from pyoxigraph import RdfFormat

            self._tmp = tempfile.TemporaryDirectory(prefix="mkg-serve-")
            source = str(Path(self._tmp.name) / "store.nq")
            with open(source, "wb") as fh:
                store.raw.dump(fh, format=RdfFormat.N_QUADS)
        self.limits = limits
        self.pool = _Pool(source, limits.max_concurrent)
        try:
            super().__init__((host, port), make_handler(self.pool, limits))
        except OSError:
            self.pool.close()
            raise

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()
        if self._tmp is not None:
            self._tmp.cleanup()


def make_server(store: GraphStore, host: str = "127.0.0.1", port: int = 8000,
                limits: Limits | None = None) -> SparqlServer:
    return SparqlServer(store, host, port, limits or Limits())


def serve(store: GraphStore, host: str = "127.0.0.1", port: int = 8000,
          limits: Limits | None = None) -> None:
    """Serve until interrupted."""
    limits = limits or Limits()
    server = make_server(store, host, port, limits)
    print(f"SPARQL endpoint at http://{host}:{server.server_port}/sparql (Ctrl-C to stop; "
          f"{limits.max_concurrent} queries at once, {limits.timeout:g} s each)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


# ---- the worker process ---------------------------------------------------------------------------
def _worker_main(source: str) -> None:
    from pyoxigraph import QueryResultsFormat, QueryTriples, RdfFormat

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    out = sys.stdout.buffer
    stdin = sys.stdin.buffer

    def send(kind: bytes, payload: bytes) -> None:
        out.write(_frame(kind, payload))
        out.flush()

    try:
        if source.endswith(".nq"):
            store = GraphStore(None)
            store.raw.load(path=source, format=RdfFormat.N_QUADS)
        else:
            from kg.rdf.backends import open_store

            store = open_store(source, read_only=True, create=False)
    except Exception as exc:  # noqa: BLE001 - reported to the server, which gives up
        send(b"X", str(exc).encode())
        return
    send(b"R", b"")

    class Out:
        """Sends the header with the first bytes, so errors before them still get a status."""

        def __init__(self, media: str) -> None:
            self.media, self.started = media, False

        def start(self) -> None:
            if not self.started:
                self.started = True
                send(b"H", json.dumps({"status": 200, "media": self.media}).encode())

        def write(self, data: bytes) -> int:
            self.start()
            send(b"D", bytes(data))
            return len(data)

        def flush(self) -> None:
            pass

    while True:
        head = stdin.read(5)
        if len(head) < 5:
            return  # the server is gone
        request = json.loads(stdin.read(struct.unpack(">I", head[1:])[0]))
        if hasattr(store, "refresh"):
            store.refresh()
        if "resource" in request:
            _resource_reply(store, request, send)
            continue
        try:
            result = store.query(request["query"])
        except QueryError as exc:
            send(b"H", json.dumps({"status": 400, "message": str(exc)}).encode())
            continue
        accept = request["accept"]
        if isinstance(result, QueryTriples):
            media = _choose(accept, GRAPH_TYPES, "text/turtle")
            fmt = getattr(RdfFormat, GRAPH_TYPES[media])
        else:
            media = _choose(accept, RESULT_TYPES, "application/sparql-results+json")
            fmt = getattr(QueryResultsFormat, RESULT_TYPES[media])
        writer = Out(media)
        try:
            result.serialize(writer, format=fmt)
        except Exception as exc:  # noqa: BLE001 - evaluation errors surface while serialising
            if not writer.started:
                send(b"H", json.dumps({"status": 400, "message": f"query failed: {exc}"}).encode())
                continue
            return  # mid-result: the server sees the worker end and cuts the response
        writer.start()
        send(b"E", b"")


def _resource_reply(store: GraphStore, request: dict, send) -> None:
    """A resource page or its RDF (:func:`kg.site.respond`), framed like a query result."""
    from kg.site import respond

    try:
        status, media, body = respond(store, request["resource"], request.get("params", ""),
                                      request["accept"], accept_lang=request.get("language", ""))
    except (QueryError, ValueError) as exc:
        send(b"H", json.dumps({"status": 400, "message": str(exc)}).encode())
        return
    if status != 200 and media == "text/plain":
        send(b"H", json.dumps({"status": status, "message": body.decode().strip()}).encode())
        return
    send(b"H", json.dumps({"status": status, "media": media}).encode())
    for i in range(0, len(body), FIRST_CHUNK):
        send(b"D", body[i:i + FIRST_CHUNK])
    send(b"E", b"")


def _die_with_parent() -> None:
    """Linux: SIGKILL this worker when the server dies, even mid-query (kill -9 of kg serve)."""
    parent = os.getppid()
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the server died before prctl
        os._exit(1)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        _worker_main(sys.argv[2])
    else:
        sys.exit("usage: python -m kg.rdf.serve --worker STORE-DIR-OR-FILE.nq (started by kg serve)")
