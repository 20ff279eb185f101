"""graph.store.sandbox: users' queries run in killable worker processes (forked from a zygote that holds the
build in memory) with a deadline, a row limit, no network, two lanes, retirement, and recovery when the zygote
dies or the on-disk store is damaged."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from graph.settings import Settings
from graph.store.base import query_text
from graph.store.embedded import OxigraphStore, read_marker
from graph.store.formats import SPARQL_JSON
from graph.store.isolation import leave_network
from graph.store.reader import STORE_DATASET, DatasetScope, QueryForm, QueryRefused, ReadQuery, RefusalReason
from graph.store.sandbox import (
    MEMORY,
    STORES_DIR,
    QueryBusy,
    QueryTimeout,
    SandboxedStore,
    _Zygote,
    materialise,
    opens,
)
from graph.store.zygote import ALARM_GRACE_S
from tests.conftest import SessionBuild
from tests.security.conftest import ConnectionRecorder

DEADLINE_S = 2.0
SLACK_S = 3.0  # process kill, pipe and thread wake-ups; generous on a loaded 2-core machine
# A cartesian product over an unbounded property path: far longer than any deadline here.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:p>|!<urn:p>)* ?b . ?c ?d ?e }"
SIMPLE = "SELECT ?s WHERE { ?s a ?type } LIMIT 3"
SCAN = "SELECT * WHERE { ?s ?p ?o }"
LIMITS = {
    "query_timeout_s": DEADLINE_S,
    "query_workers": 2,
    "short_query_workers": 1,
    "short_query_s": 0.5,
    "max_concurrent_queries": 3,
    "query_queue_s": 1.0,
    "max_result_rows": 50,
}


def _open(settings: Settings, session_build: SessionBuild) -> SandboxedStore:
    store = SandboxedStore.open(session_build.result, settings)
    assert store.pool.wait_started(60, MEMORY), store.health()
    assert wait_for(lambda: store.health() == (None, MEMORY), 120), store.health()  # the on-disk store is written
    return store


@pytest.fixture(scope="module")
def sandbox(session_build: SessionBuild) -> Iterator[SandboxedStore]:
    store = _open(session_build.settings.model_copy(update=LIMITS), session_build)
    yield store
    store.close()


def wait_for(condition: Callable[[], bool], seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


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


def test_queries_run_in_workers_forked_from_the_in_memory_zygote(sandbox: SandboxedStore) -> None:
    result = query_text(sandbox, SIMPLE, SPARQL_JSON)
    assert result.rows == 3 and b'"bindings"' in result.body
    assert sandbox.internal is not None and sandbox.build_id == sandbox.internal.build_id
    assert sandbox.pool.source == MEMORY and sandbox.health() == (None, MEMORY)
    zygote = sandbox.pool.zygote_pid()
    workers = sandbox.pool.worker_pids()
    assert len(workers) == 3  # two general workers and one kept for short queries
    assert all(psutil.Process(pid).ppid() == zygote for pid in workers)


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
    assert wait_for(lambda: len(sandbox.pool.worker_pids()) == 3)
    after = set(sandbox.pool.worker_pids())
    killed = before - after
    # Stopped on the short-query worker first, then at the deadline on a general one.
    assert 1 <= len(killed) <= 2 and len(after) == 3
    for pid in killed:
        assert wait_for(lambda pid=pid: gone(pid), 1.0)  # SIGKILL is sent; the kernel ends it at once
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
    assert wait_for(lambda: len(sandbox.pool.worker_pids()) == 3)
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
    answer = sandbox.pool.run(("query", unread, STORE_DATASET, SPARQL_JSON, 10))
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


# ------------------------------------------------------------------ whatever dies, no worker outlives its deadline


def _run_in_thread(sandbox: SandboxedStore, text: str) -> tuple[threading.Thread, list[BaseException], list[float]]:
    outcome: list[BaseException] = []
    elapsed: list[float] = []

    def run() -> None:
        started = time.monotonic()
        try:
            query_text(sandbox, text)
        except BaseException as error:
            outcome.append(error)
        elapsed.append(time.monotonic() - started)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome, elapsed


def busy_pids(pids: set[int], seconds: float = 0.5) -> set[int]:
    """Which of `pids` use the CPU (a runaway query; the general lane runs at a lower priority on a shared
    machine), measured over `seconds`."""
    processes = []
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            process = psutil.Process(pid)
            process.cpu_percent(None)
            processes.append(process)
    time.sleep(seconds)
    found = set()
    for process in processes:
        with contextlib.suppress(psutil.Error):
            if process.status() != psutil.STATUS_ZOMBIE and process.cpu_percent(None) > 20.0:
                found.add(process.pid)
    return found


def test_killing_the_zygote_leaves_no_worker_running_past_its_deadline(session_build: SessionBuild) -> None:
    """F3: the launcher killed with SIGKILL while a runaway query runs; workers are tracked by their own pids."""
    sandbox = _open(session_build.settings.model_copy(update=LIMITS), session_build)
    try:
        zygote = sandbox.pool.zygote_pid()
        assert zygote is not None
        thread, outcome, elapsed = _run_in_thread(sandbox, RUNAWAY)
        time.sleep(0.8)  # past the short lane: the runaway now runs on a general worker
        assert wait_for(lambda: len(sandbox.pool.busy_pids()) == 1, 3.0), outcome
        workers = set(sandbox.pool.worker_pids())
        running = set(sandbox.pool.busy_pids())
        assert len(running) == 1, (running, outcome)
        os.kill(zygote, signal.SIGKILL)
        thread.join(timeout=DEADLINE_S + SLACK_S + 30)
        assert outcome and isinstance(outcome[0], QueryTimeout), outcome
        assert elapsed[0] < 0.5 + DEADLINE_S + SLACK_S
        (runaway_pid,) = running
        assert wait_for(lambda: gone(runaway_pid), 1.0), "the runaway's worker lives past its deadline"
        for pid in workers - running:  # the others are idle, or gone
            assert gone(pid) or pid not in sandbox.pool.busy_pids()
        assert not busy_pids(workers), "a worker still runs a query after the deadline"
        # A new zygote forks the workers to come; the ones forked before it go on answering meanwhile.
        assert wait_for(lambda: sandbox.pool.zygote_pid() not in (None, zygote) and sandbox.pool.source == MEMORY)
        assert query_text(sandbox, SIMPLE).rows == 3
        assert sandbox.pool.wait_started(60, MEMORY)
        assert psutil.Process(sandbox.pool.zygote_pid()).is_running()
    finally:
        sandbox.close()


def test_a_worker_ends_its_own_query_when_nobody_is_left_to_kill_it(session_build: SessionBuild) -> None:
    """The worker's own alarm: with the pool gone (the server died), a runaway still ends a grace after its bound."""
    zygote = _Zygote.start(MEMORY, session_build.result, None, 2048, True)
    try:
        worker = zygote.fork("general")
        assert worker.connection.recv()[0] == "ready"
        read = ReadQuery(RUNAWAY, QueryForm.SELECT, None, DatasetScope(), ())
        bound = 1.0
        started = time.monotonic()
        worker.connection.send((bound, "query", read, STORE_DATASET, SPARQL_JSON, 10))
        worker.connection.close()  # nobody will read the answer, nor kill the worker
        time.sleep(0.5)
        assert not gone(worker.pid)  # it runs the query
        assert wait_for(lambda: gone(worker.pid), bound + ALARM_GRACE_S + SLACK_S)
        assert time.monotonic() - started >= bound + ALARM_GRACE_S - 0.1
    finally:
        zygote.stop()


# ------------------------------------------------------------------ lanes and retirement


def test_light_queries_are_served_while_heavy_ones_fill_the_general_lane(sandbox: SandboxedStore) -> None:
    """F4: two runaways hold both general workers; light queries still find the short-query worker."""
    assert wait_for(lambda: len(sandbox.pool.worker_pids()) == 3)
    runs = [_run_in_thread(sandbox, RUNAWAY + f" # heavy {n}") for n in range(2)]
    time.sleep(0.3)
    served = 0
    while any(thread.is_alive() for thread, _, _ in runs):
        assert query_text(sandbox, SIMPLE).rows == 3  # never QueryBusy
        served += 1
        time.sleep(0.05)
    assert served >= 10
    for _, outcome, _ in runs:
        assert outcome and isinstance(outcome[0], QueryTimeout | QueryBusy), outcome
    assert wait_for(lambda: len(sandbox.pool.worker_pids()) == 3)


def test_a_query_that_overran_the_short_lane_goes_to_the_general_lane_next_time(sandbox: SandboxedStore) -> None:
    assert wait_for(lambda: len(sandbox.pool.worker_pids()) == 3)
    text = RUNAWAY + " # remembered"
    replaced = sandbox.pool.replaced
    for _ in range(2):
        with pytest.raises(QueryTimeout):
            query_text(sandbox, text)
        assert wait_for(lambda: len(sandbox.pool.worker_pids()) == 3)
    # The first run was stopped twice (short lane, then the deadline), the second only at its deadline.
    assert sandbox.pool.replaced - replaced == 3


def test_workers_are_retired_past_their_private_memory_or_query_count(session_build: SessionBuild) -> None:
    settings = session_build.settings.model_copy(
        update={
            **LIMITS,
            "query_timeout_s": 30.0,
            "workers_private_mb": 1,
            "worker_max_queries": 5,
            "max_result_rows": 100_000,
        }
    )
    sandbox = _open(settings, session_build)
    try:
        before = set(sandbox.pool.worker_pids())
        for _ in range(4):  # a full scan writes to shared pages: over one MiB of private memory
            assert query_text(sandbox, SCAN).rows > 40_000
        assert wait_for(lambda: sandbox.pool.retired >= 1)
        retired = sandbox.pool.retired
        for _ in range(12):  # small queries: retired by count
            assert query_text(sandbox, "ASK {}").rows == 1
        assert wait_for(lambda: sandbox.pool.retired > retired)
        assert wait_for(lambda: len(sandbox.pool.worker_pids()) == 3)
        after = set(sandbox.pool.worker_pids())
        assert before - after, "no worker was replaced"
        assert all(gone(pid) for pid in before - after)
        assert query_text(sandbox, SIMPLE).rows == 3
    finally:
        sandbox.close()


# ------------------------------------------------------------------ a damaged on-disk store is written again


def _truncate_sst(store: Path) -> None:
    for sst in sorted(store.glob("*.sst")):
        with sst.open("r+b") as file:
            file.truncate(sst.stat().st_size // 2)


def _delete_sst(store: Path) -> None:
    sorted(store.glob("*.sst"))[0].unlink()


def _garbage_current(store: Path) -> None:
    (store / "CURRENT").write_bytes(b"garbage\n")


DAMAGES = {"truncated SST": _truncate_sst, "deleted SST": _delete_sst, "garbage CURRENT": _garbage_current}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_store_is_written_again_and_queries_are_answered_meanwhile(
    session_build: SessionBuild, tmp_path: Path, damage: str
) -> None:
    """F5: the engine cannot open the store; it is written again from the build's dataset, degraded until then."""
    data = tmp_path / "data"
    shutil.copytree(session_build.settings.data_dir, data, symlinks=True)
    settings = session_build.settings.model_copy(update={**LIMITS, "data_dir": data})
    path = materialise(session_build.result, data)
    DAMAGES[damage](path)
    assert not opens(path)
    sandbox = SandboxedStore.open(session_build.result, settings)
    try:
        reason, _ = sandbox.health()
        assert reason is not None and "being written" in reason
        # the in-memory workers answer meanwhile, once the zygote has loaded the build (seconds, at the seed's size)
        assert sandbox.pool.wait_started(60, MEMORY)
        assert query_text(sandbox, SIMPLE).rows == 3
        assert wait_for(lambda: sandbox.health() == (None, MEMORY), 120), sandbox.health()
        assert opens(path) and sandbox.internal is not None
        assert sandbox.select(SIMPLE) and query_text(sandbox, SIMPLE).rows == 3
    finally:
        sandbox.close()


def test_a_store_damaged_under_disk_workers_is_written_again(session_build: SessionBuild, tmp_path: Path) -> None:
    """With ILOKG_QUERY_STORE=disk, a worker that cannot open the store has it written again, then answers."""
    data = tmp_path / "data"
    shutil.copytree(session_build.settings.data_dir, data, symlinks=True)
    settings = session_build.settings.model_copy(update={**LIMITS, "data_dir": data, "query_store": "disk"})
    path = materialise(session_build.result, data)
    sandbox = SandboxedStore.open(session_build.result, settings)
    try:
        assert sandbox.pool.wait_started(60, "disk")
        _garbage_current(path)
        for pid in sandbox.pool.worker_pids():  # the replacements open the damaged store
            os.kill(pid, signal.SIGKILL)
        assert wait_for(lambda: sandbox.health()[0] is not None, 30)
        assert wait_for(lambda: sandbox.health() == (None, "disk"), 120), sandbox.health()
        assert sandbox.pool.wait_started(60, "disk")
        assert opens(path) and query_text(sandbox, SIMPLE).rows == 3
    finally:
        sandbox.close()
