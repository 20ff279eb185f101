"""The sandbox remembers texts that passed the guard; the memory never lets a refused text, or a known text
in another dataset scope, through."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.guard import QueryRefused, RefusalReason
from graph.sandbox import SandboxedStore
from graph.store import SPARQL_JSON, DatasetScope, OxigraphStore, QuerySyntaxError
from tests.conftest import SessionBuild

ALLOWED = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1"


@pytest.fixture(scope="module")
def sandbox(session_build: SessionBuild) -> Iterator[SandboxedStore]:
    settings = session_build.settings.model_copy(update={"query_workers": 1, "verdict_cache_entries": 2})
    store = SandboxedStore.open(session_build.result, settings, OxigraphStore.in_memory(session_build.result))
    yield store
    store.close()


def test_a_repeated_query_answers_the_same(sandbox: SandboxedStore) -> None:
    first = sandbox.query(ALLOWED, SPARQL_JSON)
    again = sandbox.query(ALLOWED, SPARQL_JSON)
    assert first.rows == again.rows == 1 and first.body == again.body


def test_a_passed_text_is_checked_again_in_another_scope(sandbox: SandboxedStore) -> None:
    sandbox.query(ALLOWED, SPARQL_JSON)
    with pytest.raises(QueryRefused) as refused:
        sandbox.query(ALLOWED, SPARQL_JSON, DatasetScope(("urn:not-a-graph-here",), ()))
    assert refused.value.reason is RefusalReason.UNKNOWN_GRAPH


def test_refused_texts_stay_refused(sandbox: SandboxedStore) -> None:
    for _ in range(3):
        with pytest.raises(QueryRefused) as refused:
            sandbox.query("ASK { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", SPARQL_JSON)
        assert refused.value.reason is RefusalReason.SERVICE
        with pytest.raises((QueryRefused, QuerySyntaxError)):
            sandbox.query("SELECT * WHERE { ?s ?p }", SPARQL_JSON)


def test_the_memory_is_bounded(sandbox: SandboxedStore) -> None:
    texts = [f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {n}" for n in (1, 2, 3)]
    for text in texts:
        assert sandbox.query(text, SPARQL_JSON).rows == int(text.rsplit(" ", 1)[1])
    remembered = [sandbox._verdicts.passed(text, None) for text in texts]
    assert remembered == [False, True, True]
