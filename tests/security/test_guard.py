"""graph.guard refuses every query that could reach outside the dataset, and only those.

The threat is real: the first test shows Oxigraph itself connecting to a loopback
listener for SERVICE. The rest generate SERVICE, update and remote-graph queries in
many disguises (hypothesis) and check that both readings of the guard refuse them,
that queries merely mentioning such words pass, and that whatever the guard lets
through makes no connection when Oxigraph runs it.
"""

from __future__ import annotations

import contextlib

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.guard import QueryRefused, RefusalReason, check_parsed, check_query, decode_escapes
from graph.settings import Settings
from graph.store import DatasetScope
from tests.security.conftest import ConnectionRecorder

KNOWN = frozenset({"https://w3id.org/ilokg/id/graph/reference", "https://w3id.org/ilokg/id/graph/derived"})
SETTINGS = Settings(max_query_length=20_000, max_query_depth=32)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def refusal(sparql: str, *, scope: DatasetScope | None = None) -> RefusalReason | None:
    try:
        check_query(sparql, known_graphs=KNOWN, settings=SETTINGS, scope=scope)
    except QueryRefused as refused:
        assert refused.message
        return refused.reason
    return None


def parsed_refusal(sparql: str) -> RefusalReason | None:
    try:
        check_parsed(sparql, known_graphs=KNOWN)
    except QueryRefused as refused:
        return refused.reason
    return None


def test_oxigraph_unguarded_does_connect_for_service() -> None:
    """Without the guard the engine makes the outbound call: the listener sees it."""
    listener = ConnectionRecorder()
    try:
        with contextlib.suppress(OSError):
            ox.Store().query(f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
        assert listener.connections, "the listener should record Oxigraph's SERVICE call"
    finally:
        listener.close()


# ------------------------------------------------------------------ disguises


def spelled(word: str) -> st.SearchStrategy[str]:
    """A keyword with each letter upper case, lower case or written as a \\u / \\U escape."""
    letter_forms = [
        st.sampled_from(
            [
                letter.upper(),
                letter.lower(),
                f"\\u{ord(letter.upper()):04X}",
                f"\\u{ord(letter.lower()):04x}",
                f"\\U{ord(letter):08X}",
            ]
        )
        for letter in word
    ]
    return st.tuples(*letter_forms).map("".join)


SPACES = st.sampled_from([" ", "\n", "\t", "  ", " # SERVICE? no, a comment\n", "\r\n"])


@st.composite
def service_queries(draw: st.DrawFn, url: str) -> str:
    host_base = url.rsplit("/", 1)[0] + "/"
    escaped_url = url.replace("sparql", "\\u0073parql")
    prologue, endpoint = draw(
        st.sampled_from(
            [
                ("", f"<{url}>"),
                (f"PREFIX ex: <{host_base}>\n", "ex:sparql"),
                (f"PREFIX : <{host_base}>\n", ":sparql"),
                (f"BASE <{host_base}>\n", "<sparql>"),
                (f"BASE <{host_base}>\n", "<./sparql>"),
                ("", "?endpoint"),
                ("", f"<{escaped_url}>"),
            ]
        )
    )
    space = draw(SPACES)
    silent = draw(st.sampled_from(["", f"{draw(spelled('SILENT'))}{space}"]))
    keyword = draw(spelled("SERVICE"))
    service = f"{keyword}{space}{silent}{endpoint}{space}{{ ?s ?p ?o }}"
    if endpoint == "?endpoint":
        service = f"VALUES ?endpoint {{ <{url}> }} {service}"
    wrap = draw(
        st.sampled_from(
            [
                "{x}",
                "OPTIONAL {{ {x} }}",
                "{{ {x} }} UNION {{ ?a ?b ?c }}",
                "?a ?b ?c MINUS {{ {x} }}",
                "FILTER EXISTS {{ {x} }}",
                "FILTER NOT EXISTS {{ {x} }}",
                "{{ SELECT * WHERE {{ {x} }} }}",
                "{{ SELECT ?s WHERE {{ {{ SELECT * {{ OPTIONAL {{ {x} }} }} }} }} }}",
                "GRAPH ?g {{ {x} }}",
                "{{ {{ {{ {x} }} }} }}",
                "BIND(EXISTS {{ {x} }} AS ?e)",
            ]
        )
    ).format(x=service)
    form = draw(
        st.sampled_from(
            [
                "SELECT * WHERE {{ {w} }}",
                "ASK {{ {w} }}",
                "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {w} }}",
                "DESCRIBE ?s WHERE {{ {w} }}",
                "SELECT (COUNT(*) AS ?n) {{ {w} }} GROUP BY ?s",
            ]
        )
    ).format(w=wrap)
    return prologue + form


@FUZZ
@given(data=st.data())
def test_service_in_every_disguise_is_refused_by_both_readings(
    recorder: ConnectionRecorder, data: st.DataObject
) -> None:
    query = data.draw(service_queries(recorder.url))
    assert refusal(query) is RefusalReason.SERVICE, query
    assert parsed_refusal(query) is not None, query


UPDATES = [
    "LOAD <{url}>",
    "LOAD SILENT <{url}> INTO GRAPH <urn:g>",
    "INSERT DATA {{ <urn:a> <urn:b> <urn:c> }}",
    "DELETE DATA {{ <urn:a> <urn:b> <urn:c> }}",
    "DELETE WHERE {{ ?s ?p ?o }}",
    "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "WITH <urn:g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
    "DELETE {{ ?s ?p ?o }} USING <{url}> WHERE {{ ?s ?p ?o }}",
    "CLEAR ALL",
    "CLEAR SILENT DEFAULT",
    "DROP GRAPH <urn:g>",
    "CREATE GRAPH <urn:g>",
    "COPY DEFAULT TO <urn:g>",
    "MOVE <urn:a> TO <urn:b>",
    "ADD <urn:a> TO <urn:b>",
    "SELECT * {{ ?s ?p ?o }} ; LOAD <{url}>",
    "PREFIX ex: <http://example.org/> LOAD <{url}>",
]


@FUZZ
@given(template=st.sampled_from(UPDATES), data=st.data())
def test_every_update_form_is_refused(recorder: ConnectionRecorder, template: str, data: st.DataObject) -> None:
    update = template.format(url=recorder.url)
    first_word = update.split()[0]
    if first_word != "PREFIX":
        update = data.draw(spelled(first_word)) + update[len(first_word) :]
    assert refusal(update) in (RefusalReason.UPDATE, RefusalReason.SERVICE), update
    assert parsed_refusal(update) is not None, update


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}",
        "SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "PREFIX r: <{base}> SELECT * FROM r:sparql WHERE {{ ?s ?p ?o }}",
        "BASE <{base}> SELECT * FROM <sparql> WHERE {{ ?s ?p ?o }}",
        "SELECT * from named <{url}> {{ ?s ?p ?o }}",
        "SELECT * \\u0046ROM <{url}> {{ ?s ?p ?o }}",
        "SELECT * FROM <https://w3id.org/ilokg/id/graph/reference> FROM <{url}> {{ ?s ?p ?o }}",
    ],
)
def test_dataset_clauses_naming_graphs_the_store_lacks_are_refused(recorder: ConnectionRecorder, query: str) -> None:
    text = query.format(url=recorder.url, base=recorder.url.rsplit("/", 1)[0] + "/")
    assert refusal(text) is RefusalReason.UNKNOWN_GRAPH, text
    assert parsed_refusal(text) is RefusalReason.UNKNOWN_GRAPH, text


def test_dataset_clauses_naming_held_graphs_pass() -> None:
    text = (
        "PREFIX g: <https://w3id.org/ilokg/id/graph/>\n"
        "SELECT * FROM g:reference FROM NAMED <https://w3id.org/ilokg/id/graph/derived> { ?s ?p ?o }"
    )
    assert refusal(text) is None
    assert parsed_refusal(text) is None


def test_protocol_dataset_parameters_naming_unknown_graphs_are_refused(recorder: ConnectionRecorder) -> None:
    simple = "SELECT * { ?s ?p ?o }"
    assert refusal(simple, scope=DatasetScope(default_graphs=[recorder.url])) is RefusalReason.UNKNOWN_GRAPH
    assert refusal(simple, scope=DatasetScope(named_graphs=[recorder.url])) is RefusalReason.UNKNOWN_GRAPH
    held = DatasetScope(default_graphs=sorted(KNOWN))
    assert refusal(simple, scope=held) is None


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service WHERE { ?service a <http://example.org/Service> }",
        "SELECT * WHERE { ?s <http://example.org/SERVICE> 'SERVICE <http://x> {}' }",
        'SELECT * WHERE { ?s ?p """LOAD <http://x>\nSERVICE""" }',
        "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:load service:SERVICE }",
        "SELECT * WHERE { ?s ?p 'insert'@en } # SERVICE <http://x> { } and LOAD <http://x>",
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:drop\\.it ex:from }",
        "SELECT * WHERE { _:service ?p ?o FILTER(?o < 3 && ?o >= 1 || ?o != 2) } ORDER BY DESC(?o) LIMIT 10",
        'SELECT ("caf\\u00e9 SERVICE" AS ?x) {}',
        "SELECT * WHERE { ?s ?p ?o } VALUES ?with { 1 2 }",
    ],
)
def test_words_inside_strings_iris_comments_and_names_do_not_count(query: str) -> None:
    assert refusal(query) is None, query
    assert parsed_refusal(query) is None, query
    ox.Store().query(query)  # and the engine parses it too (an empty store: nothing to fetch)


def test_long_and_deep_queries_are_refused_before_any_parser_runs() -> None:
    long_query = "SELECT * { " + "?s ?p ?o . " * 3000 + "}"
    assert refusal(long_query) is RefusalReason.TOO_LONG
    for opener, closer in (("{", "}"), ("(", ")"), ("[", "]")):
        deep = "SELECT * WHERE { FILTER(" + opener * 40 + closer * 40 + ") }"
        assert refusal(deep) is RefusalReason.TOO_DEEP, opener
    nested = "SELECT * WHERE " + "{ " * 30 + "?s ?p ?o" + " }" * 30
    assert refusal(nested) is None


def test_an_escape_naming_no_code_point_is_a_syntax_error() -> None:
    with pytest.raises(QueryRefused) as refused:
        decode_escapes("SELECT * { ?s ?p '\\UFFFFFFFF' }")
    assert refused.value.reason is RefusalReason.SYNTAX


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=300) | st.text(alphabet=st.sampled_from(list("SERVICE{}<>?:'\"#\\u0053 \n")), max_size=80))
def test_any_text_is_either_accepted_or_refused_with_a_reason(text: str) -> None:
    """No input makes the guard fail in any other way (which would become a 500)."""
    refusal(text)
    if len(text) < 120:
        parsed_refusal(text)


@FUZZ
@given(data=st.data())
def test_whatever_the_guard_lets_through_makes_no_connection(recorder: ConnectionRecorder, data: st.DataObject) -> None:
    """Mangled SERVICE queries: those the guard accepts, Oxigraph runs without calling out."""
    query = data.draw(service_queries(recorder.url))
    cut = data.draw(st.integers(0, len(query)))
    removed = data.draw(st.integers(0, 12))
    inserted = data.draw(st.sampled_from(["", "#", "'", '"', "\\", "<", ">", "{", "}", ":", "\n", "\\#", "\\'"]))
    mangled = query[:cut] + inserted + query[cut + removed :]
    before = len(recorder.connections)
    if refusal(mangled) is None and parsed_refusal(mangled) is None:
        try:
            result = ox.Store().query(mangled)
            if isinstance(result, ox.QuerySolutions | ox.QueryTriples):
                list(result)
        except (SyntaxError, OSError):
            pass
    assert len(recorder.connections) == before, mangled
