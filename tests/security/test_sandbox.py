"""graph.store.sandbox: users' queries run in killable worker processes with a deadline, a row limit and no
network."""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from graph.store.base import query_text
from graph.store.embedded import OxigraphStore, read_marker
from graph.store.formats import SPARQL_JSON
from graph.store.isolation import leave_network
from graph.store.reader import STORE_DATASET, DatasetScope, QueryForm, QueryRefused, ReadQuery, RefusalReason
from graph.store.sandbox import STORES_DIR, QueryBusy, QueryTimeout, SandboxedStore, materialise
from tests.conftest import SessionBuild
from tests.security.conftest import ConnectionRecorder

DEADLINE_S = 2.0
SLACK_S = 3.0  # process kill, pipe and thread wake-ups; generous on a loaded 2-core machine
# A cartesian product over an unbounded property path: far longer than any deadline here.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:p>|!<urn:p>)* ?b . ?c ?d ?e }"
SIMPLE = "SELECT ?s WHERE { ?s a ?type } LIMIT 3"


@pytest.fixture(scope="module")
def sandbox(session_build: SessionBuild) -> Iterator[SandboxedStore]:
    settings = session_build.settings.model_copy(
        update={
            "query_timeout_s": DEADLINE_S,
            "query_workers": 2,
            "max_concurrent_queries": 3,
            "query_queue_s": 1.0,
            "max_result_rows": 50,
        }
    )
    store = SandboxedStore.open(session_build.result, settings, OxigraphStore.in_memory(session_build.result))
    yield store
    store.close()


def tree_cpu_percent(seconds: float) -> float:
    """CPU use of this process and all its descendants (the query workers) over `seconds`."""
    processes = [psutil.Process(), *psutil.Process().children(recursive=True)]
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.cpu_percent(None)
    time.sleep(seconds)
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.Error):
            total += process.cpu_percent(None)
    return total


def test_queries_run_in_workers_with_the_build_of_the_store(sandbox: SandboxedStore) -> None:
    result = query_text(sandbox, SIMPLE, SPARQL_JSON)
    assert result.rows == 3 and b'"bindings"' in result.body
    assert sandbox.build_id == sandbox.internal.build_id
    assert len(sandbox.pool.worker_pids()) == 2


def test_results_are_cut_at_the_row_limit_and_say_so(sandbox: SandboxedStore) -> None:
    result = query_text(sandbox, "SELECT * WHERE { ?s ?p ?o }", SPARQL_JSON)
    assert result.truncated and result.rows == 50
    asked = query_text(sandbox, "SELECT * WHERE { ?s ?p ?o }", SPARQL_JSON, max_rows=7)
    assert asked.truncated and asked.rows == 7
    small = query_text(sandbox, SIMPLE, SPARQL_JSON)
    assert not small.truncated


def test_a_runaway_query_is_stopped_at_the_deadline_while_others_are_served(sandbox: SandboxedStore) -> None:
    before = set(sandbox.pool.worker_pids())
    outcome: list[BaseException] = []
    elapsed: list[float] = []

    def runaway() -> None:
        started = time.monotonic()
        try:
            query_text(sandbox, RUNAWAY)
        except BaseException as error:
            outcome.append(error)
        elapsed.append(time.monotonic() - started)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    served = 0
    while thread.is_alive():
        assert query_text(sandbox, SIMPLE).rows == 3  # the second worker keeps answering
        served += 1
        time.sleep(0.1)
    thread.join()
    assert served >= 3
    assert outcome and isinstance(outcome[0], QueryTimeout), outcome
    assert DEADLINE_S <= elapsed[0] < DEADLINE_S + SLACK_S
    # The worker that ran it is gone; a fresh one takes its place and the CPU is idle again.
    wait_until = time.monotonic() + 30
    while len(sandbox.pool.worker_pids()) < 2 and time.monotonic() < wait_until:
        time.sleep(0.1)
    after = set(sandbox.pool.worker_pids())
    killed = before - after
    assert len(killed) == 1 and len(after) == 2
    for pid in killed:
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    time.sleep(0.5)  # the replacement finishes warming up
    assert tree_cpu_percent(1.0) < 40.0
    assert query_text(sandbox, SIMPLE).rows == 3


def test_beyond_the_concurrency_limit_callers_are_told_to_retry_never_left_hanging(sandbox: SandboxedStore) -> None:
    errors: list[BaseException] = []

    def runaway() -> None:
        try:
            query_text(sandbox, RUNAWAY)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=runaway) for _ in range(3)]  # two run, one waits for a worker
    for thread in threads:
        thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    with pytest.raises(QueryBusy) as busy:
        query_text(sandbox, SIMPLE)
    assert time.monotonic() - started < 1.0  # refused at once, not queued
    assert busy.value.retry_after_s >= 1
    for thread in threads:
        thread.join(timeout=DEADLINE_S + SLACK_S + 30)
    assert len(errors) == 3 and all(isinstance(e, QueryTimeout | QueryBusy) for e in errors), errors
    wait_until = time.monotonic() + 30
    while len(sandbox.pool.worker_pids()) < 2 and time.monotonic() < wait_until:
        time.sleep(0.1)
    assert query_text(sandbox, SIMPLE).rows == 3


def test_outbound_queries_are_refused_before_and_cannot_connect_inside_the_worker(
    sandbox: SandboxedStore, recorder: ConnectionRecorder
) -> None:
    before = len(recorder.connections)
    with pytest.raises(QueryRefused) as refused:
        query_text(sandbox, f"SELECT * WHERE {{ SERVICE <{recorder.url}> {{ ?s ?p ?o }} }}")
    assert refused.value.reason is RefusalReason.SERVICE
    assert len(recorder.connections) == before
    if not sandbox.pool.network_isolated:
        pytest.skip("this system does not let a process leave the network (no network namespaces)")
    # Straight to a worker, as if the reader had missed it: the worker has no network to call out on.
    before = len(recorder.connections)
    unread = ReadQuery(f"ASK {{ SERVICE <{recorder.url}> {{ ?s ?p ?o }} }}", QueryForm.ASK, None, DatasetScope(), ())
    answer = sandbox.pool.run((unread, STORE_DATASET, SPARQL_JSON, 10))
    assert answer[0] == "failed", answer
    assert len(recorder.connections) == before


def _try_to_connect(port: int, results: multiprocessing.Queue[str]) -> None:
    isolated = leave_network()
    import socket

    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        results.put(f"connected (isolated={isolated})")
    except OSError as error:
        results.put(f"refused: {error} (isolated={isolated})")


def test_a_worker_has_no_network_where_the_system_allows_it(sandbox: SandboxedStore) -> None:
    """The last line of defence: were a query to slip past both readings, a worker could not connect."""
    if not sandbox.pool.network_isolated:
        pytest.skip("this system does not let a process leave the network (no network namespaces)")
    listener = ConnectionRecorder()
    try:
        context = multiprocessing.get_context("spawn")
        results: multiprocessing.Queue[str] = context.Queue()
        process = context.Process(target=_try_to_connect, args=(listener.port, results))
        process.start()
        outcome = results.get(timeout=30)
        process.join(timeout=10)
        assert outcome.startswith("refused"), outcome
        assert listener.connections == []
    finally:
        listener.close()


def test_the_sandbox_is_a_graph_store_for_our_own_queries(sandbox: SandboxedStore) -> None:
    assert sandbox.select(SIMPLE)
    assert sandbox.counts().triples > 1000
    assert "https://w3id.org/ilokg/id/graph/reference" in sandbox.graph_names()


def test_a_leftover_store_directory_without_a_valid_marker_is_loaded_again(
    session_build: SessionBuild, tmp_path: Path
) -> None:
    data_dir = tmp_path
    leftover = data_dir / STORES_DIR / session_build.result.build_id
    leftover.mkdir(parents=True)
    (leftover / "ilokg-build-id").write_text(session_build.result.build_id)  # an older marker format
    path = materialise(session_build.result, data_dir)
    marker = read_marker(path)
    assert marker is not None and marker.build_id == session_build.result.build_id and marker.merged
    store = OxigraphStore.open_read_only(path)
    assert store.counts().triples > 0
