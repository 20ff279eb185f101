"""The same service on Virtuoso: every answer the embedded store gives, the SPARQL server store gives too.

A Virtuoso server is installed when missing (Debian's package), started on loopback in a
temporary directory, loaded with the session's seed build through `ilokg load`, and compared
with the embedded Oxigraph store. When Virtuoso cannot be installed or started, these tests
are skipped (and say why), never passed.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from pydantic import SecretStr

from graph.build.reference import read_sdg_indicator_iris
from graph.ids import IdScheme
from graph.queries import PROLOGUE
from graph.read import paths
from graph.read.named import named_questions
from graph.read.questions import Questions
from graph.settings import Settings
from graph.store.base import QuerySyntaxError, StoreUnavailable, query_text
from graph.store.connection import connect
from graph.store.embedded import OxigraphStore
from graph.store.formats import CSV, N_QUADS, SOLUTION_FORMATS, SPARQL_JSON, TRIG, TSV, TURTLE
from graph.store.reader import DatasetScope, QueryRefused
from graph.store.remote import Endpoints, NonPortableQuery, RemoteSparqlStore, RemoteTimeout

# Installing Virtuoso on a fresh machine may take minutes (apt-get update, then install): allow for it.
pytestmark = [pytest.mark.virtuoso, pytest.mark.slow, pytest.mark.timeout(600)]

TARGETS = ("8.7", "8.8", "1.3", "8.5")
QUERY_TIMEOUT_S = 120.0


def _helper() -> ModuleType:
    # Loaded by path: tests/ is not a package, and the helper is a script for the benchmarks too.
    spec = importlib.util.spec_from_file_location("virtuoso_server", Path(__file__).parent / "virtuoso" / "server.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


virtuoso_server = _helper()


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    try:
        server = virtuoso_server.start(tmp_path_factory.mktemp("virtuoso"), max_query_s=int(QUERY_TIMEOUT_S))
    except virtuoso_server.VirtuosoUnavailable as error:
        pytest.skip(f"Virtuoso could not be installed: {error}")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def remote_settings(virtuoso: Any, built_settings: Settings) -> Settings:
    """Settings of a service that answers from Virtuoso, with the session build loaded by `ilokg load`."""
    environment = {**os.environ, "ILOKG_DATA_DIR": str(built_settings.data_dir), **virtuoso.environment()}
    del environment["ILOKG_SPARQL_QUERY_URL"]  # --to says where
    loaded = subprocess.run(
        [sys.executable, "-m", "api.cli", "load", "--to", virtuoso.query_url],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert loaded.returncode == 0, loaded.stderr + virtuoso.log_tail()
    assert f"now holds build {current_build_id(built_settings)}" in loaded.stdout
    return built_settings.model_copy(
        update={
            # Virtuoso answers some of the service's queries (the path index) in tens of seconds on 2 busy cores.
            "query_timeout_s": QUERY_TIMEOUT_S,
            "store_kind": "sparql",
            "sparql_query_url": virtuoso.query_url,
            "sparql_graph_store_url": virtuoso.graph_store_url,
            "sparql_user": virtuoso.user,
            "sparql_password": SecretStr(virtuoso.password),
            "sparql_auth": "digest",
        }
    )


def current_build_id(settings: Settings) -> str:
    return json.loads((settings.data_dir / "current" / "manifest.json").read_text())["build_id"]


@pytest.fixture(scope="module")
def remote(remote_settings: Settings) -> Iterator[RemoteSparqlStore]:
    store = connect(remote_settings)
    assert isinstance(store, RemoteSparqlStore)
    yield store
    store.close()


@pytest.fixture(scope="module")
def ids(built_settings: Settings) -> IdScheme:
    return IdScheme(built_settings.base_iri, read_sdg_indicator_iris(built_settings.seeds_dir))


# ---------------------------------------------------------------- comparing answers


def canonical(term: dict[str, str]) -> str:
    return json.dumps(term, sort_keys=True)


def solutions(body: bytes) -> tuple[list[str], Counter[tuple[tuple[str, str], ...]]]:
    document = json.loads(body)
    rows = Counter(
        tuple(sorted((name, canonical(term)) for name, term in row.items())) for row in document["results"]["bindings"]
    )
    return document["head"]["vars"], rows


def triples(body: bytes, media_type: str = TURTLE) -> set[str]:
    """The statements of an RDF document, literals in canonical form.

    Canonical, because the embedded N-Quads export is the build's own file ("…+00:00",
    xsd:positiveInteger) while query answers and the other exports come from the store ("…Z",
    xsd:integer): the same values, written two ways.
    """
    fmt = ox.RdfFormat.from_media_type(media_type)
    assert fmt is not None
    store = ox.Store()
    store.load(body, format=fmt)
    return {str(quad) for quad in store.quads_for_pattern(None, None, None, None)}


# ---------------------------------------------------------------- what the server holds


def test_the_server_holds_the_build_and_only_its_graphs(
    remote: RemoteSparqlStore, built_store: OxigraphStore, virtuoso: Any
) -> None:
    assert remote.build_id == built_store.build_id
    assert remote.graph_names() == built_store.graph_names()
    assert remote.counts() == built_store.counts()
    # Virtuoso keeps system graphs of its own; the union default graph must not see them.
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert solutions(query_text(remote, everything).body) == solutions(query_text(built_store, everything).body)


def test_loading_again_replaces_what_the_server_held(remote_settings: Settings, remote: RemoteSparqlStore) -> None:
    from graph.build.directory import current_build
    from graph.store.remote import load_build

    endpoints = Endpoints.from_settings(remote_settings)
    build = current_build(remote_settings.data_dir)
    assert build is not None
    report = load_build(build, endpoints)
    again = RemoteSparqlStore(endpoints)
    assert again.counts().quads == sum(report.graphs.values()) == remote.counts().quads
    assert report.dropped == []
    again.close()


# ---------------------------------------------------------------- named questions


@pytest.mark.parametrize("target", TARGETS)
def test_named_questions_give_the_same_answers(
    target: str, remote: RemoteSparqlStore, built_store: OxigraphStore, ids: IdScheme
) -> None:
    on_server = Questions(remote, ids).flagships_for_target(target)
    embedded = Questions(built_store, ids).flagships_for_target(target)
    assert dataclasses.asdict(on_server) == dataclasses.asdict(embedded)
    assert embedded.stated or embedded.derived_only or target == "1.3"


@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("flagships-for-output", {"output": "2020-21/2.1"}),  # chains through a derived link
        ("countries-of-flagship", {"flagship": "IPEC+", "indicator": "8.7.1"}),  # the SDG country data
    ],
)
def test_catalogue_answers_are_the_same(
    name: str, arguments: dict[str, str], remote: RemoteSparqlStore, built_store: OxigraphStore, ids: IdScheme
) -> None:
    on_server = named_questions(Questions(remote, ids)).answer(name, arguments)
    embedded = named_questions(Questions(built_store, ids)).answer(name, arguments)
    assert embedded.rows and on_server.rows == embedded.rows


# ---------------------------------------------------------------- SPARQL queries

QUERIES = {
    "join, optional and filter": """
SELECT ?flagship ?label ?acronym ?standard WHERE {
  ?flagship a ilokg:FlagshipProgramme ; skos:prefLabel ?label .
  OPTIONAL { ?flagship ilokg:acronym ?acronym }
  OPTIONAL { ?flagship ilokg:principalStandard ?standard }
  FILTER(LANG(?label) = "en" || LANG(?label) = "")
}""",
    "aggregates with having": """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) (MIN(STR(?s)) AS ?first) WHERE { ?s a ?class }
GROUP BY ?class HAVING (COUNT(?s) > 5)""",
    "property path": """
SELECT ?indicator ?goal WHERE {
  ?indicator a sdgo:Indicator ; skos:broader+ ?goal . ?goal a sdgo:Goal .
  FILTER(?goal = <http://metadata.un.org/sdg/8>)
}""",
    "sequence and inverse paths": """
SELECT ?goal (COUNT(?indicator) AS ?n) WHERE { ?goal sdgo:hasTarget/sdgo:hasIndicator ?indicator .
  ?indicator ^sdgo:hasIndicator ?target } GROUP BY ?goal""",
    "typed literals and string functions": """
SELECT ?evidence ?line ?length WHERE {
  ?evidence ilokg:line ?line ; ilokg:quote ?quote .
  BIND(STRLEN(?quote) AS ?length)
  FILTER(?line > 100 && CONTAINS(LCASE(?quote), "child labour"))
}""",
    "numbers": """
SELECT ?figure ?amount (?amount * 2 AS ?double) WHERE { ?figure ilokg:amount ?amount } ORDER BY ?figure LIMIT 50""",
    "values and union": """
SELECT ?s ?label WHERE {
  VALUES ?s { <http://metadata.un.org/sdg/8.7> <http://metadata.un.org/sdg/8.8> <http://metadata.un.org/sdg/1.3> }
  { ?s skos:prefLabel ?label } UNION { ?s skos:altLabel ?label }
}""",
    "named graphs": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "minus and not exists": """
SELECT ?target WHERE {
  ?target a sdgo:Target . MINUS { ?flagship ilokg:servesTarget ?target }
  FILTER NOT EXISTS { ?target skos:altLabel ?alt }
}""",
    "build metadata with dates": "SELECT ?s ?p ?o WHERE { ?s dcterms:created ?o ; ?p ?o }",
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_select_queries_give_the_same_rows(name: str, remote: RemoteSparqlStore, built_store: OxigraphStore) -> None:
    sparql = PROLOGUE + QUERIES[name]
    variables, rows = solutions(query_text(remote, sparql, SPARQL_JSON).body)
    expected_variables, expected_rows = solutions(query_text(built_store, sparql, SPARQL_JSON).body)
    assert variables == expected_variables
    assert rows == expected_rows
    assert sum(expected_rows.values()) > 0, "a query that finds nothing proves nothing"


def test_every_result_format_is_byte_for_byte_the_same(remote: RemoteSparqlStore, built_store: OxigraphStore) -> None:
    sparql = PROLOGUE + (
        "SELECT ?target ?label ?notation WHERE { ?target a sdgo:Target ; skos:prefLabel ?label . "
        # one label per target: the engines order labels of several languages differently
        'FILTER(LANG(?label) = "en") OPTIONAL { ?target skos:notation ?notation } '
        "FILTER(STRSTARTS(STR(?target), 'http://metadata.un.org/sdg/8.')) }"
        " ORDER BY ?target ?label ?notation"
    )
    for media_type in SOLUTION_FORMATS:
        assert query_text(remote, sparql, media_type).body == query_text(built_store, sparql, media_type).body, (
            media_type
        )
    ask = PROLOGUE + "ASK { ?f a ilokg:FlagshipProgramme }"
    for media_type in (SPARQL_JSON, CSV, TSV):
        assert query_text(remote, ask, media_type).body == query_text(built_store, ask, media_type).body


def test_ask_and_construct_give_the_same_answers(remote: RemoteSparqlStore, built_store: OxigraphStore) -> None:
    for ask in ("ASK { ?f a ilokg:FlagshipProgramme }", "ASK { ?f a ilokg:NoSuchClass }"):
        assert query_text(remote, PROLOGUE + ask).body == query_text(built_store, PROLOGUE + ask).body
    construct = PROLOGUE + (
        "CONSTRUCT { ?f ilokg:servesTarget ?t . ?t skos:prefLabel ?label } "
        "WHERE { ?f ilokg:servesTarget ?t . ?t skos:prefLabel ?label }"
    )
    on_server, embedded = query_text(remote, construct, TURTLE), query_text(built_store, construct, TURTLE)
    assert on_server.media_type == embedded.media_type == TURTLE
    assert triples(on_server.body) == triples(embedded.body)
    assert on_server.rows == embedded.rows > 0


def test_a_dataset_limited_to_one_document_graph(
    remote: RemoteSparqlStore, built_store: OxigraphStore, built_settings: Settings
) -> None:
    document_graph = f"{built_settings.base_iri}graph/document/gb325-pol7"
    scope = DatasetScope(default_graphs=(document_graph,))
    for sparql in (
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p",
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",  # no named graphs in this dataset
    ):
        assert solutions(query_text(remote, sparql, scope=scope).body) == solutions(
            query_text(built_store, sparql, scope=scope).body
        )
    named = DatasetScope(named_graphs=(document_graph,))
    sparql = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    assert solutions(query_text(remote, sparql, scope=named).body) == solutions(
        query_text(built_store, sparql, scope=named).body
    )


def test_the_dataset_of_sparql_11_is_the_same_on_both_stores(
    remote: RemoteSparqlStore, built_store: OxigraphStore, built_settings: Settings
) -> None:
    """The default graph as a set, a query's own FROM and FROM NAMED, the protocol's dataset over the query's."""
    twice = (
        "SELECT ?s ?p ?o WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?s ?p ?o } FILTER(STR(?a) < STR(?b)) "
        "FILTER(isIRI(?o)) } ORDER BY ?s ?p ?o LIMIT 1"
    )
    rows = json.loads(query_text(built_store, twice).body)["results"]["bindings"]
    assert rows, "the seeds state some link in two documents"
    s, p, o = (rows[0][name]["value"] for name in ("s", "p", "o"))
    reference = f"{built_settings.base_iri}graph/reference"
    derived = f"{built_settings.base_iri}graph/derived"
    every = " ".join(f"FROM <{graph}>" for graph in built_store.graph_names())
    cases = [
        (f"SELECT (COUNT(*) AS ?n) WHERE {{ <{s}> <{p}> <{o}> }}", None, 1),
        (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ <{s}> <{p}> <{o}> }} }}", None, None),
        (f"SELECT (COUNT(*) AS ?n) {every} WHERE {{ <{s}> <{p}> <{o}> }}", None, 1),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", None, built_store.counts().triples),
        (f"SELECT (COUNT(*) AS ?n) FROM <{reference}> WHERE {{ ?s ?p ?o }}", None, None),
        (f"SELECT (COUNT(*) AS ?n) FROM NAMED <{reference}> WHERE {{ ?s ?p ?o }}", None, 0),
        (f"SELECT (COUNT(*) AS ?n) FROM NAMED <{reference}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", None, None),
        (f"SELECT (COUNT(*) AS ?n) FROM <{reference}> WHERE {{ ?s ?p ?o }}", DatasetScope((derived,), ()), None),
    ]
    for sparql, scope, expected in cases:
        on_server = solutions(query_text(remote, sparql, scope=scope).body)
        embedded = solutions(query_text(built_store, sparql, scope=scope).body)
        assert on_server == embedded, sparql
        if expected is not None:
            count = json.loads(query_text(built_store, sparql, scope=scope).body)["results"]["bindings"][0]["n"]
            assert count["value"] == str(expected), sparql
    relative = "CONSTRUCT { <s> <p> 1 } WHERE {}"
    base = "http://127.0.0.1/sparql"
    assert triples(query_text(remote, relative, base_iri=base).body) == triples(
        query_text(built_store, relative, base_iri=base).body
    )


def test_max_rows_truncates_the_same_way(remote: RemoteSparqlStore, built_store: OxigraphStore) -> None:
    sparql = PROLOGUE + "SELECT ?s WHERE { ?s a sdgo:Target } ORDER BY ?s"
    on_server, embedded = query_text(remote, sparql, max_rows=7), query_text(built_store, sparql, max_rows=7)
    assert (on_server.rows, on_server.truncated, on_server.body) == (embedded.rows, embedded.truncated, embedded.body)
    assert embedded.truncated
    construct = PROLOGUE + "CONSTRUCT { ?s a sdgo:Target } WHERE { ?s a sdgo:Target }"
    on_server, embedded = query_text(remote, construct, max_rows=5), query_text(built_store, construct, max_rows=5)
    assert (on_server.rows, on_server.truncated) == (embedded.rows, embedded.truncated) == (5, True)


# ---------------------------------------------------------------- paths and export


def test_a_path_and_a_neighbourhood_are_the_same(
    remote: RemoteSparqlStore, built_store: OxigraphStore, ids: IdScheme
) -> None:
    on_server, embedded = paths.PathIndex.build(remote, ids), paths.PathIndex.build(built_store, ids)
    assert sorted(on_server.graph.edges(keys=True)) == sorted(embedded.graph.edges(keys=True))
    path_on_server = on_server.paths("flagship:ipec-plus", "sdg:8.7", 3, 20)
    path_embedded = embedded.paths("flagship:ipec-plus", "sdg:8.7", 3, 20)
    assert dataclasses.asdict(path_on_server) == dataclasses.asdict(path_embedded)
    assert path_embedded.paths
    around = dataclasses.asdict(on_server.neighbourhood("flagship:better-work", 1))
    expected = dataclasses.asdict(embedded.neighbourhood("flagship:better-work", 1))
    for drawn in (around, expected):  # edges come in the order the store returned the links
        drawn["edges"].sort(key=lambda edge: json.dumps(edge, sort_keys=True))
    assert around == expected
    assert expected["edges"]


@pytest.mark.parametrize("media_type", [TURTLE, TRIG, N_QUADS])
def test_export_holds_the_same_statements(
    media_type: str, remote: RemoteSparqlStore, built_store: OxigraphStore
) -> None:
    on_server = b"".join(remote.export(media_type))
    embedded = b"".join(built_store.export(media_type))
    exported = triples(on_server, media_type)
    assert exported == triples(embedded, media_type)
    if media_type != TURTLE:  # Turtle merges the graphs: a statement in two graphs is one triple
        assert len(exported) == built_store.counts().quads


# ---------------------------------------------------------------- safety on the forwarded path


def test_queries_are_checked_before_they_are_forwarded(remote: RemoteSparqlStore) -> None:
    with pytest.raises(QuerySyntaxError):
        query_text(remote, "SELECT ?s WHERE { ?s ?p }")
    with pytest.raises(NonPortableQuery, match="bif:"):
        query_text(remote, "SELECT (<bif:sys_stat>('st_dbms_ver') AS ?v) WHERE {}")
    with pytest.raises(NonPortableQuery, match="bif:"):
        query_text(remote, "PREFIX b: <bif\\u003A> SELECT (b:sys_stat('st_dbms_ver') AS ?v) WHERE {}")
    with pytest.raises(QueryRefused, match="SERVICE"):
        query_text(remote, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    # The words in data are not code.
    assert query_text(remote, 'SELECT ?x WHERE { BIND("SERVICE <bif:x>" AS ?x) }').rows == 1


# ---------------------------------------------------------------- the HTTP service on Virtuoso


@pytest.fixture(scope="module")
def remote_service(remote_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The HTTP service in a real uvicorn on 127.0.0.1, answering from Virtuoso with no local copy of the data."""
    from api.app import create_app
    from tests.live import running

    settings = remote_settings.model_copy(update={"data_dir": tmp_path_factory.mktemp("no-local-data")})
    with running(create_app(settings), start_timeout_s=QUERY_TIMEOUT_S) as url:
        yield url


def test_the_http_service_answers_the_same_from_virtuoso(remote_service: str, live_server: str) -> None:
    sparql = PROLOGUE + "SELECT ?f ?label WHERE { ?f a ilokg:FlagshipProgramme ; skos:prefLabel ?label } ORDER BY ?f"
    with httpx.Client(timeout=QUERY_TIMEOUT_S, trust_env=False) as client:

        def both(path: str, **kwargs: Any) -> tuple[httpx.Response, httpx.Response]:
            on_virtuoso, embedded = (
                client.get(remote_service + path, **kwargs),
                client.get(live_server + path, **kwargs),
            )
            assert on_virtuoso.status_code == embedded.status_code == 200, on_virtuoso.text
            return on_virtuoso, embedded

        on_virtuoso, embedded = both("/sparql", params={"query": sparql}, headers={"Accept": SPARQL_JSON})
        assert on_virtuoso.content == embedded.content
        on_virtuoso, embedded = both("/sdg/targets/8.7/flagships", headers={"Accept": "application/json"})
        assert on_virtuoso.json() == embedded.json()
        on_virtuoso, embedded = both("/export", params={"format": "nquads"})
        assert triples(on_virtuoso.content, N_QUADS) == triples(embedded.content, N_QUADS)
        refused = client.get(
            remote_service + "/sparql", params={"query": "SELECT (<bif:sys_stat>('st_dbms_ver') AS ?v) WHERE {}"}
        )
        assert refused.status_code == 400
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert "bif:" in refused.json()["detail"]


# Last: Virtuoso keeps running the abandoned slow query until its own limit or until it stops.
def test_server_timeouts_and_outages_become_clear_errors(remote_settings: Settings, virtuoso: Any) -> None:
    impatient = RemoteSparqlStore.from_settings(remote_settings.model_copy(update={"query_timeout_s": 0.3}))
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f FILTER(STR(?c) = CONCAT(STR(?f), 'x')) }"
    with pytest.raises(RemoteTimeout, match=r"did not answer within 0\.3 s"):
        query_text(impatient, slow)
    impatient.close()
    nobody = remote_settings.model_copy(update={"sparql_query_url": f"http://127.0.0.1:{_closed_port()}/sparql"})
    with pytest.raises(StoreUnavailable, match="cannot reach the SPARQL server"):
        connect(nobody)


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
