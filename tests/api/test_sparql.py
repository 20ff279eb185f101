"""The SPARQL 1.1 Protocol endpoint through a real HTTP server, with httpx, SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

from graph.settings import Settings
from graph.store.base import QuerySyntaxError, query_text
from graph.store.embedded import OxigraphStore
from ontology.namespaces import PREFIXES, SD
from tests.api.test_service import assert_problem

PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
FLAGSHIPS = PROLOGUE + "SELECT ?f ?label WHERE { ?f a ilokg:FlagshipProgramme ; skos:prefLabel ?label } ORDER BY ?f"
ASK_IPEC = PROLOGUE + "ASK { ?f ilokg:servesTarget <http://metadata.un.org/sdg/8.7> }"
CONSTRUCT_IPEC = PROLOGUE + "CONSTRUCT { ?f ?p ?o } WHERE { ?f a ilokg:FlagshipProgramme ; ?p ?o }"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def endpoint(live_server: str) -> str:
    return live_server + "/sparql"


@pytest.fixture(scope="module")
def expected_flagships(built_store: OxigraphStore) -> list[str]:
    return [row["f"]["value"] for row in built_store.select(FLAGSHIPS)]


@pytest.fixture(scope="module")
def expected_construct(built_store: OxigraphStore) -> int:
    return len(Graph().parse(data=query_text(built_store, CONSTRUCT_IPEC, "application/n-triples").body, format="nt"))


# ---------------------------------------------------------------- the protocol, with httpx


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/sparql-results+json"),
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
        ("application/json;q=0.2, text/tab-separated-values;q=0.8, */*;q=0.1", "text/tab-separated-values"),
    ],
)
def test_select_in_every_results_format(
    client: httpx.Client, expected_flagships: list[str], accept: str | None, media_type: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": FLAGSHIPS}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    if media_type.endswith("json"):
        found = [b["f"]["value"] for b in response.json()["results"]["bindings"]]
    elif media_type.endswith("xml"):
        root = ET.fromstring(response.content)
        found = [el.text or "" for el in root.iter(f"{RESULTS_NS}uri")]
    elif media_type == "text/csv":
        found = [row["f"] for row in csv.DictReader(io.StringIO(response.text))]
    else:
        lines = response.text.splitlines()
        assert lines[0].split("\t") == ["?f", "?label"]
        found = [line.split("\t")[0].strip("<>") for line in lines[1:]]
    assert found == expected_flagships


def test_post_form_and_post_query_body_answer_like_get(client: httpx.Client, expected_flagships: list[str]) -> None:
    form = client.post("/sparql", data={"query": FLAGSHIPS})
    direct = client.post("/sparql", content=FLAGSHIPS.encode(), headers={"Content-Type": "application/sparql-query"})
    for response in (form, direct):
        assert response.status_code == 200, response.text
        assert [b["f"]["value"] for b in response.json()["results"]["bindings"]] == expected_flagships


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask(client: httpx.Client, accept: str) -> None:
    response = client.get("/sparql", params={"query": ASK_IPEC}, headers={"Accept": accept})
    assert response.status_code == 200
    if accept.endswith("json"):
        assert response.json()["boolean"] is True
    else:
        assert ET.fromstring(response.content).find(f"{RESULTS_NS}boolean").text == "true"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        (None, "turtle"),
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_in_every_rdf_format(
    client: httpx.Client, expected_construct: int, accept: str | None, rdflib_format: str
) -> None:
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", params={"query": CONSTRUCT_IPEC}, headers=headers)
    assert response.status_code == 200, response.text
    graph = Graph().parse(data=response.content, format=rdflib_format)
    assert len(graph) == expected_construct > 0


def test_describe_returns_rdf(client: httpx.Client) -> None:
    query = "DESCRIBE <https://w3id.org/ilokg/id/flagship/ipec-plus>"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert len(Graph().parse(data=response.content, format="turtle")) > 0


def test_unservable_accept_is_406_not_another_format(client: httpx.Client) -> None:
    body = assert_problem(client.get("/sparql", params={"query": FLAGSHIPS}, headers={"Accept": "image/png"}), 406)
    assert "application/sparql-results+json" in body["available"]  # type: ignore[operator]
    assert_problem(client.get("/sparql", params={"query": CONSTRUCT_IPEC}, headers={"Accept": "text/csv"}), 406)
    assert_problem(
        client.get("/sparql", params={"query": FLAGSHIPS}, headers={"Accept": "text/csv;q=0, image/png"}), 406
    )


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "POST", "data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {
            "method": "POST",
            "content": b"DROP ALL",
            "headers": {"Content-Type": "application/sparql-update"},
        },
        {"method": "GET", "params": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"method": "POST", "data": {"query": "# a comment\nPREFIX x: <urn:x>\nDELETE WHERE { ?s ?p ?o }"}},
        {"method": "GET", "params": {"query": "LOAD <http://example.org/data.ttl>"}},
    ],
)
def test_updates_are_refused_before_running(
    client: httpx.Client, built_store: OxigraphStore, request_kwargs: dict[str, object]
) -> None:
    before = client.get("/health").json()["triples"]
    method = str(request_kwargs.pop("method"))
    body = assert_problem(client.request(method, "/sparql", **request_kwargs), 403)  # type: ignore[arg-type]
    assert "read-only" in str(body["detail"])
    assert client.get("/health").json()["triples"] == before == built_store.counts().triples


def test_syntax_error_is_400_with_the_parser_message(client: httpx.Client, built_store: OxigraphStore) -> None:
    broken = "SELECT ?s WHERE { ?s ?p }"
    with pytest.raises(QuerySyntaxError) as parsed:
        query_text(built_store, broken)
    body = assert_problem(client.get("/sparql", params={"query": broken}), 400)
    # The parser's position ("error at 1:26") and its expectations (listed in no fixed order) are passed on.
    position = str(parsed.value).partition(": expected")[0]
    assert position and position in str(body["detail"]) and "expected" in str(body["detail"])


def test_bad_requests_are_clear_4xx(client: httpx.Client) -> None:
    assert_problem(client.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"}), 415)
    assert_problem(client.post("/sparql", data={"query": ""}), 400)
    assert_problem(client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D"), 400)
    assert_problem(client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "not an iri"}), 400)
    service = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    assert_problem(client.get("/sparql", params={"query": service}), 400)


def test_service_description(client: httpx.Client, built_store: OxigraphStore, endpoint: str) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.content, format="turtle")
    service = URIRef(endpoint)
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert len(set(graph.objects(service, SD.resultFormat))) == 8
    names = {str(name) for name in graph.objects(None, SD.name)}
    assert names == set(built_store.graph_names())


# ---------------------------------------------------------------- the RDF dataset of a query


def test_default_graph_uri_restricts_to_one_documents_statements(
    client: httpx.Client, built_settings: Settings, built_store: OxigraphStore
) -> None:
    base = built_settings.base_iri
    gb325, pb2002 = f"{base}graph/document/gb325-pol7", f"{base}graph/document/pb-2002-03"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    in_gb325 = built_store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{gb325}> {{ ?s ?p ?o }} }}")
    response = client.get("/sparql", params={"query": count, "default-graph-uri": gb325})
    assert response.json()["results"]["bindings"][0]["n"]["value"] == in_gb325[0]["n"]["value"]
    for graph, expected in ((gb325, True), (pb2002, False)):
        answer = client.post("/sparql", data={"query": ASK_IPEC, "default-graph-uri": graph}).json()
        assert answer["boolean"] is expected
    direct = client.post(
        "/sparql",
        params={"default-graph-uri": pb2002},
        content=ASK_IPEC.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert direct.json()["boolean"] is False


def test_named_graph_uri_limits_the_named_graphs(client: httpx.Client, built_settings: Settings) -> None:
    gb325 = f"{built_settings.base_iri}graph/document/gb325-pol7"
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.get("/sparql", params={"query": query, "named-graph-uri": gb325})
    assert [b["g"]["value"] for b in response.json()["results"]["bindings"]] == [gb325]


# ---------------------------------------------------------------- real clients


@pytest.mark.parametrize("return_format", [JSON, XML, CSV, TSV])
def test_sparqlwrapper_select(endpoint: str, expected_flagships: list[str], return_format: str) -> None:
    client = SPARQLWrapper(endpoint, returnFormat=return_format)
    client.setTimeout(30)
    client.setQuery(FLAGSHIPS)
    result = client.query()
    converted = result.convert()
    if return_format == JSON:
        found = [b["f"]["value"] for b in converted["results"]["bindings"]]
    elif return_format == XML:
        found = [el.firstChild.data for el in converted.getElementsByTagName("uri")]
    else:
        text = converted.decode() if isinstance(converted, bytes) else converted
        lines = text.splitlines()[1:]
        found = [line.split("," if return_format == CSV else "\t")[0].strip("<>") for line in lines]
    assert found == expected_flagships


@pytest.mark.parametrize("return_format", [JSON, XML])
def test_sparqlwrapper_ask(endpoint: str, return_format: str) -> None:
    client = SPARQLWrapper(endpoint, returnFormat=return_format)
    client.setTimeout(30)
    client.setQuery(ASK_IPEC)
    converted = client.query().convert()
    if return_format == JSON:
        assert converted["boolean"] is True
    else:
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"


@pytest.mark.parametrize(
    ("return_format", "accept"),
    [(TURTLE, None), (RDFXML, None), (JSONLD, None), (N3, "application/n-triples")],
)
def test_sparqlwrapper_construct(
    endpoint: str, expected_construct: int, return_format: str, accept: str | None
) -> None:
    client = SPARQLWrapper(endpoint, returnFormat=return_format)
    client.setTimeout(30)
    if accept:
        client.addCustomHttpHeader("Accept", accept)
    client.setQuery(CONSTRUCT_IPEC)
    result = client.query()
    if accept:
        assert result.info()["content-type"].startswith(accept)
    converted = result.convert()
    graph = converted if isinstance(converted, Graph) else Graph().parse(data=converted, format="turtle")
    assert len(graph) == expected_construct


@pytest.mark.parametrize("return_format", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_rdflib_sparqlstore(endpoint: str, expected_flagships: list[str], return_format: str, method: str) -> None:
    store = SPARQLStore(endpoint, returnFormat=return_format, method=method)
    graph = Graph(store)
    found = [str(row[0]) for row in graph.query(FLAGSHIPS)]  # type: ignore[index]
    assert found == expected_flagships
    if return_format in ("json", "xml"):
        assert graph.query(ASK_IPEC).askAnswer is True
    labels = [row[1] for row in graph.query(FLAGSHIPS)]  # type: ignore[index]
    assert all(isinstance(label, Literal) for label in labels)


def test_rdflib_sparqlstore_construct(endpoint: str, expected_construct: int) -> None:
    graph = Graph(SPARQLStore(endpoint, returnFormat="xml"))
    result = graph.query(CONSTRUCT_IPEC)
    assert result.graph is not None and len(result.graph) == expected_construct
    assert json.loads(Graph().parse(data=result.graph.serialize(format="nt"), format="nt").serialize(format="json-ld"))


# ---------------------------------------------------------------- the dataset a query runs on (SPARQL 1.1, 13)


def _count(client: httpx.Client, query: str, **params: str) -> int:
    response = client.get("/sparql", params={"query": query, **params})
    assert response.status_code == 200, response.text
    return int(response.json()["results"]["bindings"][0]["n"]["value"])


def _one_triple_stated_twice(client: httpx.Client) -> tuple[str, str, str]:
    """A triple two named graphs hold (two documents state the same link), read from the graph itself."""
    query = (
        "SELECT ?s ?p ?o WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?s ?p ?o } FILTER(STR(?a) < STR(?b)) "
        "FILTER(isIRI(?o)) } LIMIT 1"
    )
    rows = client.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    assert rows, "the seeds state some link in two documents"
    return rows[0]["s"]["value"], rows[0]["p"]["value"], rows[0]["o"]["value"]


def test_the_default_graph_is_a_set_the_named_graphs_tell_who_says_so(client: httpx.Client) -> None:
    s, p, o = _one_triple_stated_twice(client)
    assert _count(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{s}> <{p}> <{o}> }}") == 1
    assert _count(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ <{s}> <{p}> <{o}> }} }}") >= 2
    distinct = _count(client, "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }")
    assert _count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == distinct
    health = client.get("/health").json()
    assert health["triples"] == distinct
    assert health["quads"] == _count(client, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") > distinct


def test_the_triple_count_is_the_same_wherever_it_is_shown(client: httpx.Client, built_settings: Settings) -> None:
    from graph.build.directory import current_build

    build = current_build(built_settings.data_dir)
    assert build is not None
    void = PROLOGUE + "SELECT ?n WHERE { ?d a void:Dataset ; dcterms:identifier ?id ; void:triples ?n }"
    shown = client.get("/sparql", params={"query": void}).json()["results"]["bindings"]
    assert int(shown[0]["n"]["value"]) == build.triples == client.get("/health").json()["triples"]
    home = client.get("/", headers={"Accept": "text/html"}).text
    assert f"{build.triples:,}" in home or str(build.triples) in home


def test_every_editor_example_returns_no_duplicate_rows(client: httpx.Client) -> None:
    from graph.queries.examples import EXAMPLE_QUERIES

    for title, text in EXAMPLE_QUERIES:
        accept = "application/n-triples" if text.lstrip().startswith("CONSTRUCT") else "text/csv"
        response = client.get("/sparql", params={"query": PROLOGUE + text}, headers={"Accept": accept})
        assert response.status_code == 200, (title, response.text)
        rows = response.text.splitlines()[1:]
        assert rows, title
        assert len(rows) == len(set(rows)), title


def test_a_querys_own_from_and_from_named_are_honoured(client: httpx.Client, built_settings: Settings) -> None:
    reference = f"{built_settings.base_iri}graph/reference"
    only_reference = f"CONSTRUCT {{ ?s ?p ?o }} FROM <{reference}> WHERE {{ ?s ?p ?o }}"
    triples = Graph().parse(data=client.get("/sparql", params={"query": only_reference}).text, format="turtle")
    in_reference = _count(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{reference}> {{ ?s ?p ?o }} }}")
    assert len(triples) == in_reference < client.get("/health").json()["triples"]
    # FROM NAMED alone: the default graph is empty, the named graph is there to GRAPH.
    assert _count(client, f"SELECT (COUNT(*) AS ?n) FROM NAMED <{reference}> WHERE {{ ?s ?p ?o }}") == 0
    graphed = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{reference}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert _count(client, graphed) == in_reference
    # The protocol's dataset overrides the query's.
    derived = f"{built_settings.base_iri}graph/derived"
    in_derived = _count(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{derived}> {{ ?s ?p ?o }} }}")
    overridden = f"SELECT (COUNT(*) AS ?n) FROM <{reference}> WHERE {{ ?s ?p ?o }}"
    assert _count(client, overridden, **{"default-graph-uri": derived}) == in_derived


def test_every_graph_named_as_the_default_graph_is_their_merge(client: httpx.Client) -> None:
    names = client.get("/sparql", params={"query": "SELECT DISTINCT ?g { GRAPH ?g {} }"}).json()
    froms = " ".join(f"FROM <{row['g']['value']}>" for row in names["results"]["bindings"])
    s, p, o = _one_triple_stated_twice(client)
    assert _count(client, f"SELECT (COUNT(*) AS ?n) {froms} WHERE {{ <{s}> <{p}> <{o}> }}") == 1


def test_relative_iris_resolve_against_the_endpoint(client: httpx.Client, endpoint: str) -> None:
    response = client.post(
        "/sparql",
        content="CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    assert response.status_code == 200, response.text
    assert response.text.startswith(f"<{endpoint.rsplit('/', 1)[0]}/s> <{endpoint.rsplit('/', 1)[0]}/p> ")


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json;q=0, */*;q=0.5", "application/sparql-results+xml"),
        ("text/*;q=0.9, */*;q=0.1", "text/csv"),
        (
            "application/json;q=0, application/sparql-results+json;q=0.5, text/csv;q=0.4",
            "application/sparql-results+json",
        ),
    ],
)
def test_q_zero_is_never_chosen_and_wildcards_match_canonical_types(
    client: httpx.Client, accept: str, media_type: str
) -> None:
    response = client.get("/sparql", params={"query": FLAGSHIPS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type


def test_a_negative_number_in_a_pattern_is_an_ordinary_query(client: httpx.Client) -> None:
    for query in ("SELECT * WHERE { ?s ?p -1.5 }", "SELECT * WHERE { VALUES ?x { -1.5 -2 } ?s ?p ?x }"):
        for _ in range(3):  # a worker that died on it would turn the next ones into errors
            response = client.get("/sparql", params={"query": query})
            assert response.status_code == 200, response.text
            assert response.json()["results"]["bindings"] == []
