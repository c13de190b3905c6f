"""The SPARQL 1.1 Protocol endpoint, over a real HTTP connection on loopback."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from kg.link.entity import Entity
from kg.rdf.serve import make_server
from kg.rdf.store import GraphStore
from kg.rdf.triples import entity_triples
from kg.rdf.vocab import ENTITIES_GRAPH

QUERY = "SELECT ?l WHERE { ?e skos:prefLabel ?l } ORDER BY ?l"


@pytest.fixture()
def endpoint():
    store = GraphStore(None)
    store.replace_graph(ENTITIES_GRAPH, entity_triples(
        Entity("kb:hezbollah", "ORG", {"en": "Hezbollah", "ar": "حزب الله", "es": "Hezbolá"})))
    server = make_server(store, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/sparql"
    server.shutdown()
    server.server_close()


def _get(url: str, accept: str = "") -> tuple[int, str, str]:
    req = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers["Content-Type"], resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read().decode()


def test_get_returns_sparql_json(endpoint):
    status, ctype, body = _get(endpoint + "?" + urllib.parse.urlencode({"query": QUERY}))
    assert status == 200 and ctype.startswith("application/sparql-results+json")
    values = [b["l"]["value"] for b in json.loads(body)["results"]["bindings"]]
    assert values == sorted(["Hezbollah", "حزب الله", "Hezbolá"])


def test_post_query_and_csv(endpoint):
    req = urllib.request.Request(endpoint, data=QUERY.encode(), method="POST", headers={
        "Content-Type": "application/sparql-query", "Accept": "text/csv"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.read().decode().splitlines()[0] == "l"


def test_updates_are_refused_and_bad_queries_are_400(endpoint):
    update = urllib.parse.urlencode({"update": "CLEAR ALL"}).encode()
    req = urllib.request.Request(endpoint, data=update, method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 403
    status, _, body = _get(endpoint + "?" + urllib.parse.urlencode({"query": "SELECT WHERE"}))
    assert status == 400 and "invalid SPARQL" in body
