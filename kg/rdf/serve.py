"""A read-only SPARQL 1.1 Protocol endpoint at ``/sparql`` (standard library HTTP server).

GET ``/sparql?query=...``, or POST with ``application/sparql-query`` or a form ``query=...``.
Updates are refused (403). Results follow the ``Accept`` header: SPARQL JSON (default), XML, CSV, TSV;
CONSTRUCT/DESCRIBE answer Turtle or N-Triples.
"""

from __future__ import annotations

import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from pyoxigraph import QueryResultsFormat, QueryTriples, RdfFormat

from kg.rdf.store import GraphStore, QueryError

log = logging.getLogger(__name__)

RESULT_TYPES = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
GRAPH_TYPES = {"text/turtle": RdfFormat.TURTLE, "application/n-triples": RdfFormat.N_TRIPLES}


def _choose(accept: str, table: dict, default: str) -> str:
    for part in accept.split(","):
        media = part.split(";")[0].strip()
        if media in table:
            return media
    return default


def make_handler(store: GraphStore) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "mkg-sparql/0.1"

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            url = urlparse(self.path)
            if url.path != "/sparql":
                return self._send(404, "text/plain", b"not found: the endpoint is /sparql\n")
            params = parse_qs(url.query)
            if "update" in params:
                return self._send(403, "text/plain", b"this endpoint is read-only\n")
            if "query" not in params:
                return self._send(400, "text/plain", b"missing 'query' parameter\n")
            self._answer(params["query"][0])

        def do_POST(self) -> None:  # noqa: N802
            if urlparse(self.path).path != "/sparql":
                return self._send(404, "text/plain", b"not found: the endpoint is /sparql\n")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", "replace")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
            if ctype == "application/sparql-update":
                return self._send(403, "text/plain", b"this endpoint is read-only\n")
            if ctype == "application/sparql-query":
                return self._answer(body)
            params = parse_qs(body)
            if "update" in params:
                return self._send(403, "text/plain", b"this endpoint is read-only\n")
            if "query" not in params:
                return self._send(400, "text/plain", b"missing 'query' parameter\n")
            self._answer(params["query"][0])

        def _answer(self, query: str) -> None:
            try:
                result = store.query(query)
            except QueryError as exc:
                return self._send(400, "text/plain", f"{exc}\n".encode())
            accept = self.headers.get("Accept") or ""
            if isinstance(result, QueryTriples):
                media = _choose(accept, GRAPH_TYPES, "text/turtle")
                return self._send(200, media, result.serialize(format=GRAPH_TYPES[media]))
            media = _choose(accept, RESULT_TYPES, "application/sparql-results+json")
            self._send(200, media, result.serialize(format=RESULT_TYPES[media]))

        def _send(self, status: int, media: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", f"{media}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt: str, *args: object) -> None:
            log.info(fmt, *args)

    return Handler


def make_server(store: GraphStore, host: str = "127.0.0.1", port: int = 8000) -> ThreadingHTTPServer:
    return ThreadingHTTPServer((host, port), make_handler(store))


def serve(store: GraphStore, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until interrupted."""
    server = make_server(store, host, port)
    print(f"SPARQL endpoint at http://{host}:{server.server_port}/sparql (Ctrl-C to stop)")
    try:
        server.serve_forever()
    finally:
        server.server_close()
