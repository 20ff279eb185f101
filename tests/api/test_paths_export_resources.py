"""Paths, neighbourhoods, the export and dereferenceable IRIs, through a real HTTP server."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from rdflib import RDF, Dataset, Graph, URIRef

from graph.settings import Settings
from graph.store.base import query_text
from graph.store.embedded import OxigraphStore
from tests.api.test_service import assert_problem

ILOKG = "https://w3id.org/ilokg/ontology#"
RDF_SUBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"


# ---------------------------------------------------------------- paths


def test_path_from_c182_to_87_with_evidence_on_every_hop(client: httpx.Client, built_store: OxigraphStore) -> None:
    response = client.get("/paths", params={"from": "C182", "to": "8.7", "max_length": 3, "limit": 10})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["source"]["id"] == "C182" and body["target"]["id"] == "sdg:8.7"
    shortest = body["shortest"]
    assert shortest is not None and shortest["length"] == len(shortest["hops"]) >= 1
    assert body["paths"] and body["paths"][0]["length"] == shortest["length"]
    assert [p["length"] for p in body["paths"]] == sorted(p["length"] for p in body["paths"])
    assert len(body["paths"]) <= 10
    for path in body["paths"]:
        assert path["hops"][0]["source"]["id"] == "C182"
        assert path["hops"][-1]["target"]["id"] == "sdg:8.7"
        for before, after in zip(path["hops"], path["hops"][1:], strict=False):
            assert before["target"]["iri"] == after["source"]["iri"]
        for hop in path["hops"]:
            assert hop["direction"] in ("forward", "backward")
            assert hop["evidence"] or hop["derivations"], f"hop without evidence: {hop}"
            subject, obj = (
                (hop["source"]["iri"], hop["target"]["iri"])
                if hop["direction"] == "forward"
                else (hop["target"]["iri"], hop["source"]["iri"])
            )
            ask = f"ASK {{ <{subject}> <{hop['link']['iri']}> <{obj}> }}"
            assert b"true" in query_text(built_store, ask).body
            for node in hop["evidence"]:
                kind = f"ASK {{ <{node}> a <{ILOKG}Evidence> ; <{RDF_SUBJECT}> <{subject}> }}"
                assert b"true" in query_text(built_store, kind).body


def test_paths_accept_loose_ids_and_iris(client: httpx.Client) -> None:
    by_iri = client.get(
        "/paths",
        params={"from": "https://w3id.org/ilokg/id/flagship/ipec-plus", "to": "sdg:8.7", "max_length": 1},
    ).json()
    by_slug = client.get("/paths", params={"from": "ipec-plus", "to": "8.7", "max_length": 1}).json()
    assert by_iri["shortest"] == by_slug["shortest"]
    assert by_slug["shortest"]["hops"][0]["link"]["iri"] == ILOKG + "servesTarget"
    assert by_slug["shortest"]["hops"][0]["direction"] == "forward"


def test_too_wide_path_request_is_refused_with_the_bound(client: httpx.Client, built_settings: Settings) -> None:
    bound = built_settings.max_path_length
    body = assert_problem(client.get("/paths", params={"from": "C182", "to": "8.7", "max_length": bound + 1}), 422)
    assert body["bound"] == bound and str(bound) in str(body["detail"])
    body = assert_problem(
        client.get("/paths", params={"from": "C182", "to": "8.7", "limit": built_settings.max_paths + 1}), 422
    )
    assert body["bound"] == built_settings.max_paths


def test_widest_allowed_path_search_answers(client: httpx.Client, built_settings: Settings) -> None:
    params = {
        "from": "C182",
        "to": "sdg:16",
        "max_length": built_settings.max_path_length,
        "limit": built_settings.max_paths,
    }
    response = client.get("/paths", params=params)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert "max_length" in response.json()["detail"]
    else:
        assert len(response.json()["paths"]) <= built_settings.max_paths


def test_unknown_path_end_is_404(client: httpx.Client) -> None:
    body = assert_problem(client.get("/paths", params={"from": "C182", "to": "no-such-thing"}), 404)
    assert "no-such-thing" in str(body["detail"])


def test_neighbourhood(client: httpx.Client, built_settings: Settings) -> None:
    one = client.get("/resources/ipec-plus/neighbourhood", params={"depth": 1}).json()
    two = client.get("/resources/flagship:ipec-plus/neighbourhood", params={"depth": 2}).json()
    assert one["centre"]["id"] == "flagship:ipec-plus"
    ids = {n["node"]["id"] for n in one["nodes"]}
    assert {"C182", "sdg:8.7", "flagship:ipec-plus"} <= ids
    assert max(n["depth"] for n in one["nodes"]) == 1
    assert len(two["nodes"]) > len(one["nodes"])
    node_iris = {n["node"]["iri"] for n in two["nodes"]}
    assert all(e["source"] in node_iris and e["target"] in node_iris for e in two["edges"])
    assert len(two["nodes"]) <= two["max_nodes"]
    deep = built_settings.max_neighbourhood_depth + 1
    assert_problem(client.get("/resources/ipec-plus/neighbourhood", params={"depth": deep}), 422)


# ---------------------------------------------------------------- export


@pytest.fixture(scope="module")
def distinct_triples(built_store: OxigraphStore) -> int:
    rows = built_store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    )
    return int(rows[0]["n"]["value"])


@pytest.mark.parametrize(
    ("how", "rdflib_format", "dataset"),
    [
        ({"format": "trig"}, "trig", True),
        ({"format": "nquads"}, "nquads", True),
        ({"accept": "application/ld+json"}, "json-ld", True),
        ({"accept": "text/turtle"}, "turtle", False),
        ({"format": "ntriples"}, "nt", False),
    ],
)
def test_export_parses_back_with_every_triple(
    client: httpx.Client,
    built_store: OxigraphStore,
    distinct_triples: int,
    how: dict[str, str],
    rdflib_format: str,
    dataset: bool,
) -> None:
    params = {"format": how["format"]} if "format" in how else {}
    headers = {"Accept": how["accept"]} if "accept" in how else {}
    response = client.get("/export", params=params, headers=headers)
    assert response.status_code == 200
    assert built_store.build_id in response.headers["etag"]
    if dataset:
        parsed = Dataset()
        parsed.parse(data=response.content, format=rdflib_format)
        quads = sum(len(graph) for graph in parsed.graphs())
        assert quads == built_store.counts().quads
        names = {str(graph.identifier) for graph in parsed.graphs() if len(graph)}
        assert set(built_store.graph_names()) <= names
    else:
        assert len(Graph().parse(data=response.content, format=rdflib_format)) == distinct_triples
    if rdflib_format == "turtle":
        assert b"@prefix ilokg:" in response.content


def test_export_etag_and_304(client: httpx.Client) -> None:
    first = client.get("/export", params={"format": "nquads"})
    etag = first.headers["etag"]
    again = client.get("/export", params={"format": "nquads"}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = client.get("/export", params={"format": "trig"}, headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag


def test_export_refuses_unknown_formats(client: httpx.Client) -> None:
    assert_problem(client.get("/export", params={"format": "docx"}), 400)
    assert_problem(client.get("/export", headers={"Accept": "application/sparql-results+json"}), 406)


# ---------------------------------------------------------------- resources


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.links.extend(value for name, value in attrs if name == "href" and value)


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_minted_iri_dereferences_as_html_for_a_browser(client: httpx.Client) -> None:
    response = client.get("/id/flagship/ipec-plus", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = _Text()
    page.feed(response.text)
    text = " ".join(page.text)
    assert "IPEC+" in text and "target 8.7" in text  # a name and a quote of the evidence
    assert "/id/instrument/C182" in page.links


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt")],
)
def test_minted_iri_dereferences_as_rdf_with_evidence(
    client: httpx.Client, built_settings: Settings, accept: str, rdflib_format: str
) -> None:
    # JPR: its links are stated (with evidence) and derived (8.7 from the range 8.2-8.10 it is stated to serve)
    response = client.get("/id/flagship/jobs-for-peace-resilience", headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    graph = Graph().parse(data=response.content, format=rdflib_format)
    iri = URIRef(f"{built_settings.base_iri}flagship/jobs-for-peace-resilience")
    serves = URIRef(ILOKG + "servesTarget")
    assert (iri, serves, URIRef("http://metadata.un.org/sdg/8.7")) in graph
    about = set(graph.subjects(URIRef(RDF_SUBJECT), iri))
    evidence = {node for node in about if (node, RDF.type, URIRef(ILOKG + "Evidence")) in graph}
    derivations = {node for node in about if (node, RDF.type, URIRef(ILOKG + "Derivation")) in graph}
    assert evidence and derivations
    assert all(graph.value(node, URIRef(ILOKG + "quote")) for node in evidence)
    assert all(graph.value(node, URIRef(ILOKG + "rule")) for node in derivations)


def test_evidence_iris_dereference_too(client: httpx.Client) -> None:
    hop = client.get("/paths", params={"from": "ipec-plus", "to": "8.7", "max_length": 1}).json()["shortest"]["hops"][0]
    evidence = hop["evidence"][0]
    path = evidence.split("/id/", 1)[1]
    response = client.get(f"/id/{path}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert len(Graph().parse(data=response.content, format="turtle")) >= 6


def test_every_kind_of_minted_iri_dereferences(
    client: httpx.Client, built_store: OxigraphStore, built_settings: Settings
) -> None:
    base = built_settings.base_iri
    rows = built_store.select(
        f"SELECT ?s WHERE {{ {{ GRAPH ?g {{ ?s ?p ?o }} }} UNION {{ BIND(?g AS ?s) GRAPH ?g {{ }} }} "
        f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), '{base}')) }}"
    )
    one_per_kind: dict[str, str] = {}
    for row in rows:
        iri = row["s"]["value"]
        kind = iri[len(base) :].split("/", 1)[0]
        one_per_kind.setdefault(kind, iri)
    # The dataset description, the build activity, the named graphs and every kind of thing.
    assert {"dataset", "build", "graph", "flagship", "instrument", "evidence", "derivation"} <= set(one_per_kind)
    for kind, iri in sorted(one_per_kind.items()):
        response = client.get("/id/" + iri[len(base) :], headers={"Accept": "application/n-triples"})
        assert response.status_code == 200, (kind, iri, response.text[:200])
        assert f"<{iri}>" in response.text, kind


def test_short_ids_redirect_to_the_iri(client: httpx.Client) -> None:
    response = client.get("/resources/C182", headers={"Accept": "text/turtle"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/id/instrument/C182"
    followed = client.get("/resources/c182", headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert followed.status_code == 200 and followed.headers["content-type"].startswith("text/turtle")
    sdg = client.get("/resources/8.7", headers={"Accept": BROWSER})
    assert sdg.status_code == 200 and "ipec-plus" in sdg.text


def test_unknown_resources_and_unservable_accept(client: httpx.Client) -> None:
    page = client.get("/id/flagship/no-such-flagship", headers={"Accept": BROWSER})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")  # a page for a browser
    assert "no-such-flagship" in page.text and page.headers["cache-control"] == "no-store"
    assert_problem(client.get("/id/flagship/no-such-flagship", headers={"Accept": "text/turtle"}), 404)
    assert_problem(client.get("/resources/nothing-here"), 404)
    assert_problem(client.get("/id/flagship/ipec-plus", headers={"Accept": "text/csv"}), 406)
