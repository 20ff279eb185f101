"""graph.store.reader refuses every query that could reach outside the dataset, and only those.

The threat is real: the first test shows Oxigraph itself connecting to a loopback
listener for SERVICE. The rest generate SERVICE, update and remote-graph queries in
many disguises (hypothesis) and check that the reader refuses them, that queries
merely mentioning such words pass, and, differentially, that whatever the reader lets
through makes no connection when Oxigraph runs it.
"""

from __future__ import annotations

import contextlib
import time

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.store.reader import (
    STORE_DATASET,
    DatasetScope,
    Limits,
    QueryDataset,
    QueryForm,
    QueryRefused,
    RefusalReason,
    dataset_of,
    decode_escapes,
    read_query,
)
from tests.security.conftest import ConnectionRecorder

KNOWN = frozenset({"https://w3id.org/ilokg/id/graph/reference", "https://w3id.org/ilokg/id/graph/derived"})
LIMITS = Limits(max_length=20_000, max_depth=32)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def refusal(sparql: str, *, scope: DatasetScope | None = None) -> RefusalReason | None:
    try:
        dataset_of(read_query(sparql, LIMITS), scope, KNOWN)
    except QueryRefused as refused:
        assert refused.message
        return refused.reason
    return None


def one_triple_store() -> ox.Store:
    """An engine store with one triple in its default graph, so that a pattern joined to a SERVICE runs it."""
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("1"), ox.DefaultGraph()))
    return store


def run_quietly(sparql: str) -> None:
    """Run a text on the engine, as the service would if the reader let it through."""
    try:
        result = one_triple_store().query(sparql)
        if isinstance(result, ox.QuerySolutions | ox.QueryTriples):
            list(result)
    except (SyntaxError, OSError, ValueError):
        pass


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
def test_service_in_every_disguise_is_refused(recorder: ConnectionRecorder, data: st.DataObject) -> None:
    query = data.draw(service_queries(recorder.url))
    assert refusal(query) is RefusalReason.SERVICE, query


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


def test_dataset_clauses_naming_held_graphs_pass() -> None:
    text = (
        "PREFIX g: <https://w3id.org/ilokg/id/graph/>\n"
        "SELECT * FROM g:reference FROM NAMED <https://w3id.org/ilokg/id/graph/derived> { ?s ?p ?o }"
    )
    read = read_query(text, LIMITS)
    assert read.dataset == DatasetScope(
        ("https://w3id.org/ilokg/id/graph/reference",), ("https://w3id.org/ilokg/id/graph/derived",)
    )
    assert dataset_of(read, None, KNOWN) == QueryDataset(
        ("https://w3id.org/ilokg/id/graph/reference",), ("https://w3id.org/ilokg/id/graph/derived",)
    )


def test_protocol_dataset_parameters_naming_unknown_graphs_are_refused(recorder: ConnectionRecorder) -> None:
    simple = "SELECT * { ?s ?p ?o }"
    assert refusal(simple, scope=DatasetScope(default_graphs=(recorder.url,))) is RefusalReason.UNKNOWN_GRAPH
    assert refusal(simple, scope=DatasetScope(named_graphs=(recorder.url,))) is RefusalReason.UNKNOWN_GRAPH
    held = DatasetScope(default_graphs=tuple(sorted(KNOWN)))
    assert refusal(simple, scope=held) is None


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?service WHERE { ?service a <http://example.org/Service> }",
        "SELECT * WHERE { ?s <http://example.org/SERVICE> 'SERVICE <http://x> {}' }",
        'SELECT * WHERE { ?s ?p """LOAD <http://x>\nSERVICE""" }',
        "PREFIX sd: <http://www.w3.org/ns/sparql-service-description#> SELECT * WHERE { ?s a sd:Service }",
        "SELECT * WHERE { ?s ?p 'insert'@en } # SERVICE <http://x> { } and LOAD <http://x>",
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:drop\\.it ex:from }",
        "SELECT * WHERE { _:service ?p ?o FILTER(?o < 3 && ?o >= 1 || ?o != 2) } ORDER BY DESC(?o) LIMIT 10",
        'SELECT ("caf\\u00e9 SERVICE" AS ?x) {}',
        "SELECT * WHERE { ?s ?p ?o } VALUES ?with { 1 2 }",
    ],
)
def test_words_inside_strings_iris_comments_and_names_do_not_count(query: str) -> None:
    assert refusal(query) is None, query
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
    """No input makes the reader fail in any other way (which would become a 500)."""
    refusal(text)


@FUZZ
@given(data=st.data())
def test_whatever_the_guard_lets_through_makes_no_connection(recorder: ConnectionRecorder, data: st.DataObject) -> None:
    """Mangled SERVICE queries: those the reader accepts, Oxigraph runs without calling out."""
    query = data.draw(service_queries(recorder.url))
    cut = data.draw(st.integers(0, len(query)))
    removed = data.draw(st.integers(0, 12))
    inserted = data.draw(st.sampled_from(["", "#", "'", '"', "\\", "<", ">", "{", "}", ":", "\n", "\\#", "\\'"]))
    mangled = query[:cut] + inserted + query[cut + removed :]
    before = len(recorder.connections)
    if refusal(mangled) is None:
        run_quietly(mangled)
    assert len(recorder.connections) == before, mangled


# ------------------------------------------------------------------ texts the engine reads as SERVICE


def bypasses(url: str) -> list[str]:
    """Texts the engine's grammar reads as SERVICE though no word of them is the keyword alone."""
    host = url.rsplit("/", 1)[0] + "/"
    return [
        f"PREFIX : <{host}> SELECT * WHERE {{ SERVICE:sparql {{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ SERVICESILENT<{url}>{{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o #c\rSERVICESILENT<{url}>{{?a ?b ?c}}\n}} LIMIT 1",
        f"SELECT * WHERE {{ ?s ?p ?o #c\rSERVICE <{url}> {{?a ?b ?c}}\n}} LIMIT 1",
        f"SELECT * WHERE {{ ?s ?p true SERVICE<{url}>{{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p trueSERVICE<{url}>{{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s a<urn:x> . aSERVICE<{url}>{{ ?a ?b ?c }} }}",
        f"PREFIX trueSERVICE: <{host}> SELECT * WHERE {{ ?s ?p trueSERVICE:sparql }}",
        f"SELECT * WHERE {{ ?s <urn:p>?trueSERVICE<{url}>{{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p 1SERVICE<{url}>{{ ?a ?b ?c }} }}",
        f"SELECT * WHERE {{ ?s ?p 'x'@enSERVICE<{url}>{{ ?a ?b ?c }} }}",
        # A '<' inside parentheses may be less-than: what looks like an IRI may open a string for the engine.
        f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o<'>) ' ) SERVICE<{url}>{{?a ?b ?c}} FILTER('x'<'y') }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o<#>) '''\n1) SERVICE<{url}>{{?a ?b ?c}} FILTER(''' < 'a'\n) }}",
    ]


def test_texts_the_engine_reads_as_service_are_refused(recorder: ConnectionRecorder) -> None:
    for text in bypasses(recorder.url):
        assert refusal(text) is RefusalReason.SERVICE, text
    # A letter that folds to an s is no SPARQL word at all: refused before any engine sees it.
    assert refusal(f"SELECT * WHERE {{ \u017fervice <{recorder.url}> {{ ?a ?b ?c }} }}") is not None


def test_the_refused_bypasses_would_connect_without_the_reader() -> None:
    """A control, on a listener of its own: the keyword-prefix, comment and less-than forms make the engine call
    out (the others are refused on the same grounds, whether or not this engine version would connect)."""
    listener = ConnectionRecorder()
    try:
        for text in bypasses(listener.url):
            run_quietly(text)
        time.sleep(0.2)  # the listener thread records the last connection
        assert len(listener.connections) >= 5
    finally:
        listener.close()


# Pieces the differential tests glue together, often with nothing between them: what may come before a graph
# pattern, what ends a comment, the keywords the grammar matches without a word boundary, the readings of '<'
# and '?' that shift where strings and names end.
BEFORE = [
    "",
    "?s ?p ?o",
    "?s ?p ?o .",
    "?s ?p true",
    "?s ?p false",
    "?s ?p 1",
    "?s ?p 1.",
    "?s ?p 1.5e0",
    "?s a <urn:x>",
    "?s a",
    "?s ?p ?o FILTER(?o < 2)",
    "?s ?p ?o FILTER(?o<'>')",
    "?s ?p ?o FILTER(?o<#>)",
    "?s <urn:p>? ?o",
    "?s <urn:p>?",
    "?s ?p 'x'@en",
    "?s ?p _:b",
    "?s ?p ex:o",
    "?s ?p :o",
    "?s ?p ex:",
    "VALUES ?v { 1 }",
    "BIND(1 AS ?v)",
    "OPTIONAL { ?s ?p ?o }",
    "{ ?s ?p ?o } UNION { ?s ?p ?o }",
    "#c",
    "?s ?p ?o #c",
]
JOIN = ["", " ", "\r", "\n", "#x\r", "#x\n", ".", " . ", "\\u0020"]
SERVICES = ["SERVICE", "SERVICE ", "service ", "SERVICE SILENT ", "SERVICESILENT", "Service", "\\u0053ERVICE "]
AFTER = ["", "?s ?p ?o", ". ?s ?p ?o", "FILTER(true)", "#", "'", "''"]
SCRAMBLE = ["SERVICE", "'", '"', "'" * 3, "#", "\r", "\n", "<", ">", "(", ")", "{", "}", "?", ":", "a", "true", " "]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_differential_whatever_the_reader_accepts_the_engine_runs_without_calling_out(
    recorder: ConnectionRecorder, data: st.DataObject
) -> None:
    """Generated texts around a SERVICE call: the engine (Oxigraph) is the judge of what each one means."""
    host = recorder.url.rsplit("/", 1)[0] + "/"
    targets = [f"<{recorder.url}>", "ex:sparql", ":sparql", " ex:sparql", f" <{recorder.url}>"]
    pattern = (
        data.draw(st.sampled_from(BEFORE))
        + data.draw(st.sampled_from(JOIN))
        + data.draw(st.sampled_from(SERVICES))
        + data.draw(st.sampled_from(targets))
        + data.draw(st.sampled_from(["{ ?a ?b ?c }", " { ?a ?b ?c }", "{}"]))
        + data.draw(st.sampled_from(JOIN))
        + data.draw(st.sampled_from(AFTER))
    )
    text = f"PREFIX ex: <{host}> PREFIX : <{host}> SELECT * WHERE {{ {pattern}\n}}"
    before = len(recorder.connections)
    if refusal(text) is None:
        run_quietly(text)
    assert len(recorder.connections) == before, text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(middle=st.lists(st.sampled_from([*SCRAMBLE, "<#>", "<'>"]), max_size=12))
def test_differential_on_scrambled_texts(recorder: ConnectionRecorder, middle: list[str]) -> None:
    """Random glue around a SERVICE call: what the reader accepts makes no connection either."""
    text = f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o<1) {''.join(middle)} SERVICE <{recorder.url}> {{ ?a ?b ?c }} }}"
    before = len(recorder.connections)
    if refusal(text) is None:
        run_quietly(text)
    assert len(recorder.connections) == before, text


# ------------------------------------------------------------------ what the reading carries


def test_the_reading_carries_the_form_the_dataset_and_the_iris() -> None:
    read = read_query("PREFIX ex: <http://x/#CONSTRUCT> DESCRIBE ex:a", LIMITS)
    assert read.form is QueryForm.DESCRIBE
    read = read_query("# a comment\nBASE <http://x/> SELECT * FROM <g> FROM NAMED <h> { ?s ?p ?o }", LIMITS)
    assert read.form is QueryForm.SELECT
    assert read.dataset == DatasetScope(("http://x/g",), ("http://x/h",))
    relative = read_query("CONSTRUCT { <s> <p> 1 } WHERE {}", LIMITS, "http://example.org/sparql")
    assert relative.form is QueryForm.CONSTRUCT and "http://example.org/s" in relative.iris


def test_the_dataset_follows_sparql_11() -> None:
    g1, g2 = sorted(KNOWN)
    plain = read_query("SELECT * { ?s ?p ?o }", LIMITS)
    assert dataset_of(plain, None, KNOWN) == STORE_DATASET  # the store's default graph: the merge
    only_named = read_query(f"SELECT * FROM NAMED <{g1}> {{ ?s ?p ?o }}", LIMITS)
    assert dataset_of(only_named, None, KNOWN) == QueryDataset((), (g1,))  # FROM NAMED alone: empty default graph
    both = read_query(f"SELECT * FROM <{g1}> {{ ?s ?p ?o }}", LIMITS)
    assert dataset_of(both, DatasetScope((g2,), ()), KNOWN) == QueryDataset((g2,), ())  # the protocol's wins
    every = read_query(f"SELECT * FROM <{g1}> FROM <{g2}> {{ ?s ?p ?o }}", LIMITS)
    assert dataset_of(every, None, KNOWN) == QueryDataset((g1, g2), ())


def test_negative_numbers_read_as_any_other_literal() -> None:
    for text in ("SELECT * WHERE { ?s ?p -1.5 }", "SELECT * WHERE { VALUES ?x { -1.5 -2 -3e1 } }"):
        assert refusal(text) is None
        ox.Store().query(text)


def test_the_dataset_clauses_can_be_left_out_for_a_server_told_the_dataset_by_the_protocol() -> None:
    text = "PREFIX g: <http://x/>\nSELECT * FROM g:a FROM NAMED <http://x/b>\nWHERE { ?s ?p ?o }"
    read = read_query(text, LIMITS)
    stripped = read.without_dataset_clauses()
    assert "FROM" not in stripped and len(stripped) == len(text) and stripped.count("\n") == 2
    assert read_query(stripped, LIMITS).dataset == DatasetScope()


def test_default_prefixes_are_used_where_the_text_declares_none() -> None:
    text = "PREFIX ex: <http://own/> SELECT * FROM ex:g FROM sk:h WHERE { ?s ?p ?o }"
    read = read_query(text, LIMITS, None, {"ex": "http://default/", "sk": "http://www.w3.org/2004/02/skos/core#"})
    assert read.dataset.default_graphs == ("http://own/g", "http://www.w3.org/2004/02/skos/core#h")
    assert read.declared_prefixes == ("ex",)
    assert read.undeclared_prefixes() == "PREFIX sk: <http://www.w3.org/2004/02/skos/core#>\n"
