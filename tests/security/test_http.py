"""The exposed service: a real server process on 127.0.0.1 with a short deadline and small limits.

Proves that no query, in any disguise or transport, makes the service connect out; that a
runaway query is stopped at the deadline while other clients are served; that no input
gets a 5xx (hypothesis and schemathesis); the limits, CORS and HTML headers; and that a
reload swaps builds atomically while a failed build leaves the old one serving.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import httpx
import psutil
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from graph.build.directory import build
from graph.build.seeds import BuildError
from tests.conftest import SessionBuild
from tests.security.conftest import DEADLINE_S, MAX_BODY, MAX_ROWS, ConnectionRecorder, Server, serving
from tests.security.test_reader import UPDATES, service_queries

SLACK_S = 3.0
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:p>|!<urn:p>)* ?b . ?c ?d ?e }"
SIMPLE = "SELECT ?s WHERE { ?s a ?type } LIMIT 3"
PROBLEM = "application/problem+json"
HTTP_FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))


def assert_problem(response: httpx.Response, *statuses: int) -> dict[str, object]:
    assert response.status_code in statuses, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    body: dict[str, object] = response.json()
    assert body["status"] == response.status_code and body["detail"]
    return body


WORKERS = 3  # two general workers and one kept for short queries


def query_workers(server: Server) -> list[psutil.Process]:
    """The live query workers: the server's grandchildren (forked by the zygote, a child of the server)."""
    found = []
    for process in psutil.Process(server.process.pid).children(recursive=True):
        try:
            if process.ppid() != server.process.pid and process.status() != psutil.STATUS_ZOMBIE:
                found.append(process)
        except psutil.Error:
            continue
    return found


def wait_for_workers(server: Server, count: int = WORKERS) -> list[psutil.Process]:
    deadline = time.monotonic() + 30
    while len(workers := query_workers(server)) != count and time.monotonic() < deadline:
        time.sleep(0.1)
    return workers


# ------------------------------------------------------------------ no outbound connection


def _transports(client: httpx.Client, query: str) -> list[httpx.Response]:
    return [
        client.get("/sparql", params={"query": query}),
        client.post("/sparql", data={"query": query}),
        client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}),
    ]


@HTTP_FUZZ
@given(data=st.data())
def test_service_in_any_disguise_and_transport_is_refused(
    http: httpx.Client, recorder: ConnectionRecorder, data: st.DataObject
) -> None:
    query = data.draw(service_queries(recorder.url))
    for response in _transports(http, query):
        assert_problem(response, 400)
    assert recorder.connections == []


@pytest.mark.parametrize("template", UPDATES)
def test_updates_are_refused_on_every_transport(
    http: httpx.Client, recorder: ConnectionRecorder, template: str
) -> None:
    update = template.format(url=recorder.url)
    responses = [
        *_transports(http, update),
        http.get("/sparql", params={"update": update}),
        http.post("/sparql", data={"update": update}),
        http.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"}),
    ]
    for response in responses:
        assert_problem(response, 400, 403)
    assert recorder.connections == []


def test_remote_graphs_are_refused_in_the_query_and_in_the_protocol(
    http: httpx.Client, recorder: ConnectionRecorder
) -> None:
    for query in (
        f"SELECT * FROM <{recorder.url}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{recorder.url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"BASE <{recorder.url.rsplit('/', 1)[0]}/> SELECT * FROM <sparql> WHERE {{ ?s ?p ?o }}",
    ):
        for response in _transports(http, query):
            assert assert_problem(response, 400)["type"] == "https://w3id.org/ilokg/problems/unknown-graph"
    for parameter in ("default-graph-uri", "named-graph-uri"):
        response = http.get("/sparql", params={"query": SIMPLE, parameter: recorder.url})
        assert_problem(response, 400)
    assert recorder.connections == []


@pytest.mark.parametrize(
    "path",
    [
        "/id/flagship/{injection}",
        "/resources/{iri_injection}",
        "/resources/{iri_injection}/neighbourhood",
        "/sdg/targets/{injection}/flagships",
        "/paths?from={iri_injection}&to=8.7",
    ],
)
def test_ids_in_urls_cannot_smuggle_sparql_into_our_own_queries(
    http: httpx.Client, recorder: ConnectionRecorder, path: str
) -> None:
    """Routes that put an id or IRI into a query of ours: text that would break out of <...> is refused."""
    injection = f"a> $p $o }} SERVICE <{recorder.url}> {{ $a $b $c }} }} #"
    iri = "https://w3id.org/ilokg/id/flagship/" + injection
    url = path.format(injection=urllib.parse.quote(injection, safe=""), iri_injection=urllib.parse.quote(iri, safe=""))
    response = http.get(url)
    assert_problem(response, 400, 404, 422)
    assert recorder.connections == []


# ------------------------------------------------------------------ deadline


def _tree_cpu_percent(pid: int, seconds: float) -> float:
    processes = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    for process in processes:
        try:
            process.cpu_percent(None)
        except psutil.Error:
            continue
    time.sleep(seconds)
    total = 0.0
    for process in processes:
        try:
            total += process.cpu_percent(None)
        except psutil.Error:
            continue
    return total


def test_a_runaway_query_is_cut_at_the_deadline_while_others_are_served(server: Server, http: httpx.Client) -> None:
    before = {worker.pid for worker in wait_for_workers(server)}
    assert len(before) == WORKERS
    outcome: list[httpx.Response] = []
    elapsed: list[float] = []

    def runaway() -> None:
        started = time.monotonic()
        with httpx.Client(base_url=server.url, timeout=DEADLINE_S + 30) as own:
            outcome.append(own.post("/sparql", data={"query": RUNAWAY}))
        elapsed.append(time.monotonic() - started)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    served = 0
    while thread.is_alive():
        answer = http.get("/sparql", params={"query": SIMPLE}, headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200 and len(answer.json()["results"]["bindings"]) == 3
        assert http.get("/health").status_code == 200
        served += 1
        time.sleep(0.1)
    thread.join()
    assert served >= 3
    body = assert_problem(outcome[0], 503)
    assert body["type"] == "https://w3id.org/ilokg/problems/query-timeout"
    assert int(outcome[0].headers["retry-after"]) >= 1
    assert DEADLINE_S <= elapsed[0] < DEADLINE_S + SLACK_S
    after = {worker.pid for worker in wait_for_workers(server)}
    # The workers that ran it (the short-query worker for its first half second, then a general one) were killed
    # and replaced.
    assert len(after) == WORKERS and 1 <= len(before - after) <= 2
    time.sleep(0.5)
    assert _tree_cpu_percent(server.process.pid, 1.0) < 40.0  # the runaway's CPU is freed


def test_beyond_the_concurrency_limit_clients_get_503_with_retry_after(server: Server, http: httpx.Client) -> None:
    wait_for_workers(server)
    results: list[int] = []

    def runaway() -> None:
        with httpx.Client(base_url=server.url, timeout=DEADLINE_S + 30) as own:
            results.append(own.post("/sparql", data={"query": RUNAWAY}).status_code)

    threads = [threading.Thread(target=runaway) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    # A query that needs a worker (a kept result is sent without one).
    busy = http.get("/sparql", params={"query": SIMPLE}, headers={"Cache-Control": "no-cache"})
    body = assert_problem(busy, 503)
    assert body["type"] == "https://w3id.org/ilokg/problems/busy" and int(busy.headers["retry-after"]) >= 1
    for thread in threads:
        thread.join(timeout=60)
    assert results == [503, 503, 503]
    wait_for_workers(server)
    assert http.get("/sparql", params={"query": SIMPLE}).status_code == 200


# ------------------------------------------------------------------ limits, encodings, headers


def test_limits(http: httpx.Client) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * MAX_BODY
    assert_problem(http.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"}), 413)
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30_000
    assert_problem(http.post("/sparql", data={"query": long_query}), 400)
    deep = "SELECT * WHERE " + "{ " * 200 + "?s ?p ?o" + " }" * 200
    assert_problem(http.post("/sparql", data={"query": deep}), 400)
    cut = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"})
    assert cut.status_code == 200 and "result-truncated" in cut.headers
    assert cut.text.count("\r\n") == MAX_ROWS + 1  # header line and the first MAX_ROWS rows
    whole = http.get("/sparql", params={"query": SIMPLE})
    assert whole.status_code == 200 and "result-truncated" not in whole.headers


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"SELECT * WHERE { ?s ?p '\xe9' }", "application/sparql-query"),
        (b"query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%3Fp%20%27%FF%27%20%7D", "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00S\x00E\x00L", "application/sparql-query"),
        (b"SELECT * WHERE { ?s ?p '\x00' }", "application/sparql-query"),
        (b"query=%", "application/x-www-form-urlencoded"),
        (b"query=a&query=b", "application/x-www-form-urlencoded"),
        (b"SELECT * WHERE { ?s ?p ?o }", "text/plain"),
        (b"SELECT * WHERE { ?s ?p ?o }", "application/sparql-query; charset=latin-1"),
    ],
)
def test_odd_bodies_get_a_4xx_problem(http: httpx.Client, body: bytes, content_type: str) -> None:
    response = http.post("/sparql", content=body, headers={"Content-Type": content_type})
    assert 400 <= response.status_code < 500 or response.status_code == 200, response.text[:200]


def test_cors_allows_reading_from_any_origin_without_credentials(http: httpx.Client) -> None:
    origin = {"Origin": "https://example.org"}
    response = http.get("/sparql", params={"query": SIMPLE}, headers=origin)
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers
    preflight = http.options(
        "/sparql", headers={**origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x"}
    )
    assert preflight.status_code == 400  # only GET and HEAD across origins


def test_html_pages_carry_security_headers(http: httpx.Client) -> None:
    page = http.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "http:" not in policy and "https:" not in policy  # no remote origin
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["referrer-policy"]


# ------------------------------------------------------------------ no 5xx for any input


def _acceptable(response: httpx.Response) -> bool:
    """Any status but a server error; 503 only as the deliberate timeout or busy problem."""
    if response.status_code < 500:
        return True
    return response.status_code == 503 and response.headers.get("content-type", "").startswith(PROBLEM)


SPARQLISH = st.lists(
    st.sampled_from(
        [*"{}()<>?$:;.,'\"#\\@^*|/!=+- \n\tabc0123", "SELECT", "WHERE", "FILTER", "GRAPH", "\u00e9", "\x00", "\\u0053"]
    ),
    max_size=60,
).map("".join)


@HTTP_FUZZ
@given(query=st.text(max_size=200) | SPARQLISH, accept=st.sampled_from(["*/*", "text/csv", "nonsense", "", "a/b;q=x"]))
def test_no_sparql_text_gets_a_server_error(http: httpx.Client, query: str, accept: str) -> None:
    for response in (
        http.get("/sparql", params={"query": query}, headers={"Accept": accept}),
        http.post("/sparql", data={"query": query}, headers={"Accept": accept}),
    ):
        assert _acceptable(response), (response.status_code, query, response.text[:300])


@HTTP_FUZZ
@given(
    start=st.text(max_size=40),
    end=st.text(max_size=40),
    number=st.integers(-5, 1000) | st.just(2**70),
    code=st.text(max_size=20),
)
def test_no_api_parameter_gets_a_server_error(http: httpx.Client, start: str, end: str, number: int, code: str) -> None:
    quoted = urllib.parse.quote(code, safe="") or "x"
    for response in (
        http.get("/paths", params={"from": start, "to": end, "max_length": number, "limit": number}),
        http.get("/paths", params={"from": "8.7", "to": "C182", "max_length": number}),
        http.get(f"/sdg/targets/{quoted}/flagships"),
        http.get(f"/resources/{quoted}/neighbourhood", params={"depth": number}),
        http.get("/resources/8.7/neighbourhood", params={"depth": number}),
    ):
        assert _acceptable(response), (response.status_code, response.request.url, response.text[:300])


def test_the_openapi_document_holds_and_nothing_fails(server: Server) -> None:
    """schemathesis: generated requests for every operation get no server error and schema-conforming answers."""
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=server.url, checks=checks, timeout=DEADLINE_S + 30)

        call()


# ------------------------------------------------------------------ the result cache and /health


def test_results_carry_a_strong_etag_and_an_unchanged_one_gets_304(http: httpx.Client) -> None:
    json_results = {"Accept": "application/sparql-results+json"}
    first = http.get("/sparql", params={"query": SIMPLE}, headers=json_results)
    etag = first.headers["etag"]
    assert first.status_code == 200 and etag.startswith('"') and not etag.startswith("W/")
    assert first.headers["cache-control"] == "no-cache"
    again = http.get("/sparql", params={"query": SIMPLE}, headers={**json_results, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    csv_answer = http.get("/sparql", params={"query": SIMPLE}, headers={"Accept": "text/csv"})
    assert csv_answer.headers["etag"] != etag  # another media type, another result
    posted = http.post("/sparql", data={"query": SIMPLE}, headers={**json_results, "If-None-Match": etag})
    assert posted.status_code == 304  # the same reading, dataset and media type, whatever the transport
    scoped = http.get(
        "/sparql",
        params={"query": SIMPLE, "default-graph-uri": "https://w3id.org/ilokg/id/graph/reference"},
        headers=json_results,
    )
    assert scoped.status_code == 200 and scoped.headers["etag"] != etag  # another dataset
    fresh = http.get("/sparql", params={"query": SIMPLE}, headers={**json_results, "Cache-Control": "no-cache"})
    assert fresh.status_code == 200 and fresh.content == first.content and fresh.headers["etag"] == etag


def test_results_that_change_between_runs_are_never_kept(http: httpx.Client) -> None:
    for query in ("SELECT (RAND() AS ?r) WHERE {}", "SELECT (NOW() AS ?t) WHERE {}", "SELECT (STRUUID() AS ?u) {}"):
        answers = [http.get("/sparql", params={"query": query}) for _ in range(2)]
        assert all(a.status_code == 200 and "etag" not in a.headers for a in answers), query
    randoms = {http.get("/sparql", params={"query": "SELECT (RAND() AS ?r) WHERE {}"}).text for _ in range(3)}
    assert len(randoms) > 1


def test_health_says_ready_and_what_queries_read(http: httpx.Client) -> None:
    body = http.get("/health").json()
    assert body["status"] == "ready" and body["reason"] is None
    assert body["query_workers"] == "memory" and body["triples"] > 1000


# ------------------------------------------------------------------ reload (last: it changes the build)


def _edit_note(seeds: Path, note: str) -> None:
    """Write `note` into the note column of the first curated link row: a valid build with other content."""
    path = seeds / "curated" / "links" / "pb-2022-23.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[1][-1] = note
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _build_id(http: httpx.Client) -> str:
    build_id: str = http.get("/health").json()["build_id"]
    return build_id


def _hang_up_and_wait(server: Server, http: httpx.Client, expected: str | None, previous: str) -> str:
    server.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        current = _build_id(http)
        if expected is not None and current == expected:
            return current
        time.sleep(0.2)
    return _build_id(http) if expected is None else previous


def test_reload_swaps_builds_atomically_and_a_failed_build_keeps_the_old_one(
    server: Server, http: httpx.Client
) -> None:
    first = _build_id(http)
    links = server.settings.seeds_dir / "curated" / "links" / "pb-2022-23.csv"
    good = links.read_text(encoding="utf-8")
    links.write_text(good + "outcome:2022-23/1,noSuchLink,x,pb-2022-23,124,not in the document,\n", encoding="utf-8")
    with pytest.raises(BuildError):
        build(server.settings)
    server.process.send_signal(signal.SIGHUP)
    for _ in range(10):  # the reload finds the same current build: the service keeps answering from it
        time.sleep(0.3)
        assert _build_id(http) == first
        assert http.get("/sparql", params={"query": SIMPLE}).status_code == 200
    links.write_text(good, encoding="utf-8")
    _edit_note(server.settings.seeds_dir, "edited to check that a reload swaps the build")
    second = build(server.settings).build_id
    assert second != first
    errors: list[str] = []
    stop = threading.Event()

    def keep_asking() -> None:  # a client that queries through the swap sees no error
        with httpx.Client(base_url=server.url, timeout=DEADLINE_S + 30) as own:
            while not stop.is_set():
                # Computed every time (the result cache would answer without a worker).
                response = own.get("/sparql", params={"query": SIMPLE}, headers={"Cache-Control": "no-cache"})
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {response.text[:200]}")

    # Light load through the swap: as many clients as queries may run at once (ILOKG_MAX_CONCURRENT_QUERIES).
    askers = [threading.Thread(target=keep_asking) for _ in range(3)]
    for asker in askers:
        asker.start()
    try:
        assert _hang_up_and_wait(server, http, second, first) == second
        time.sleep(1.0)  # and a while on the new build
    finally:
        stop.set()
        for asker in askers:
            asker.join(timeout=30)
    assert errors == []
    assert http.get("/sparql", params={"query": SIMPLE}).status_code == 200


# ------------------------------------------------------------------ the server process leaves the network


def _network_namespace(pid: int | str) -> str:
    return os.readlink(f"/proc/{pid}/ns/net")


def _namespaces_allowed() -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", "from graph.store.isolation import leave_network; print(leave_network())"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    return probe.stdout.strip() == "True"


def test_the_served_process_leaves_the_network_and_says_so(
    session_build: SessionBuild, tmp_path: Path, recorder: ConnectionRecorder
) -> None:
    with serving(session_build, tmp_path) as isolated:
        health = httpx.get(f"{isolated.url}/health", timeout=10).json()
        if not _namespaces_allowed():
            assert health["network"] == "not-allowed"
            return
        assert health["network"] == "isolated"
        assert _network_namespace(isolated.process.pid) != _network_namespace("self")
        for worker in psutil.Process(isolated.process.pid).children(recursive=True):
            assert _network_namespace(worker.pid) != _network_namespace("self")
        # Clients still reach it through the socket it bound before leaving (once its workers have started).
        deadline = time.monotonic() + 60
        while (answer := httpx.get(f"{isolated.url}/sparql", params={"query": SIMPLE}, timeout=30)).status_code == 503:
            assert time.monotonic() < deadline, answer.text
            time.sleep(0.5)
        assert answer.status_code == 200, answer.text
