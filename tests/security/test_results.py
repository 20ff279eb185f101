"""graph.store.results: SPARQL results kept per build, bounded in entries and bytes, never for volatile queries."""

from __future__ import annotations

from graph.store.base import QueryResult
from graph.store.reader import STORE_DATASET, Limits, QueryDataset, QueryForm, read_query
from graph.store.results import ResultCache, ResultKey, result_etag, result_key

JSON = "application/sparql-results+json"
LIMITS = Limits(20_000, 32)


def key(text: str, media_type: str = JSON, dataset: QueryDataset = STORE_DATASET) -> ResultKey:
    found = result_key(read_query(text, LIMITS, "http://127.0.0.1/sparql"), dataset, media_type, 100)
    assert found is not None
    return found


def result(size: int) -> QueryResult:
    return QueryResult(QueryForm.SELECT, JSON, b"x" * size, rows=1)


def test_the_key_is_the_reading_the_dataset_the_media_type_and_the_row_limit() -> None:
    base = key("SELECT * WHERE { ?s ?p ?o }")
    assert base == key("SELECT * WHERE { ?s ?p ?o }")
    others = [
        key("SELECT * WHERE { ?s ?p ?o } LIMIT 1"),
        key("SELECT * WHERE { ?s ?p ?o }", "text/csv"),
        key("SELECT * WHERE { ?s ?p ?o }", dataset=QueryDataset(("urn:g",), ())),
        ResultKey(base.text, "http://elsewhere/sparql", base.dataset, base.media_type, base.max_rows),
        ResultKey(base.text, base.base_iri, base.dataset, base.media_type, 7),
    ]
    etags = {result_etag("b1", k) for k in [base, *others]}
    assert len(etags) == len(others) + 1
    assert result_etag("b1", base) != result_etag("b2", base)  # another build, another tag
    assert result_etag("b1", base).startswith('"') and not result_etag("b1", base).startswith("W/")


def test_volatile_queries_have_no_key() -> None:
    for text in (
        "SELECT (RAND() AS ?r) WHERE {}",
        "SELECT (now() AS ?t) WHERE {}",
        "SELECT (UUID() AS ?u) WHERE {}",
        "SELECT (STRUUID() AS ?u) WHERE {}",
        "CONSTRUCT { ?s <urn:p> ?b } WHERE { ?s ?p ?o BIND(BNODE() AS ?b) }",
    ):
        read = read_query(text, LIMITS)
        assert result_key(read, STORE_DATASET, JSON, 10) is None, text
    # The letters in a string, an IRI or a variable name are not a call.
    assert key('SELECT ?now WHERE { ?s <urn:rand> "uuid" }') is not None


def test_the_cache_is_bounded_by_entries_least_recently_used_first() -> None:
    cache = ResultCache("b1", entries=2, max_bytes=1 << 20)
    first, second, third = (key(f"ASK {{ ?s ?p {n} }}") for n in range(3))
    cache.put(first, result(10))
    cache.put(second, result(10))
    assert cache.get(first) is not None  # now the most recently used
    cache.put(third, result(10))
    assert len(cache) == 2 and cache.get(second) is None and cache.get(first) and cache.get(third)


def test_the_cache_is_bounded_by_bytes() -> None:
    cache = ResultCache("b1", entries=100, max_bytes=1000)
    keys = [key(f"ASK {{ ?s ?p {n} }}") for n in range(5)]
    for k in keys:
        cache.put(k, result(400))  # with its key text, over a third of the bound
    assert cache.size_bytes <= 1000 and len(cache) == 2
    assert cache.get(keys[-1]) is not None and cache.get(keys[0]) is None
    cache.put(key("ASK { ?s ?p 99 }"), result(5000))  # larger than the whole cache: not kept
    assert cache.get(key("ASK { ?s ?p 99 }")) is None and len(cache) == 2


def test_a_cache_of_no_entries_keeps_nothing() -> None:
    cache = ResultCache("b1", entries=0, max_bytes=1 << 20)
    cache.put(key("ASK {}"), result(1))
    assert len(cache) == 0
