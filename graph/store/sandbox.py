"""Users' SPARQL queries run in worker processes that can be killed: a store that is safe to expose.

A query cannot be cancelled inside Oxigraph, so each one runs in a pre-started worker
process holding the build's on-disk store open read-only; when the deadline passes,
the worker is killed (SIGKILL frees its CPU and memory at once) and a fresh one takes
its place. Each worker also:

- leaves the network, where the system allows it (a new, empty network namespace:
  no interface but a down loopback), so not even a query the reader missed could connect out;
- is capped in memory (address space), so a runaway sort or join fails alone.

`SandboxedStore` is a `GraphStore`: `query()` (users' text, already read and accepted by
graph.store.reader) runs in a worker; `select()`, `construct()`, `export()` and the counts
(the service's own queries) run on an in-process store.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import queue
import resource
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from graph.build.directory import BuildResult, current_build
from graph.settings import Settings
from graph.store.base import Counts, GraphStore, QueryResult, QuerySyntaxError, StoreUnavailable
from graph.store.embedded import OxigraphStore, read_marker
from graph.store.formats import Binding
from graph.store.isolation import leave_network
from graph.store.reader import QueryDataset, QueryForm, ReadQuery

log = logging.getLogger(__name__)

STORES_DIR = "stores"


class QueryTimeout(RuntimeError):
    """The query ran past its deadline and was stopped."""

    def __init__(self, deadline_s: float) -> None:
        super().__init__(
            f"the query ran longer than the {deadline_s:g} s deadline (ILOKG_QUERY_TIMEOUT_S) and was stopped: "
            "narrow it (more specific patterns, a LIMIT, fewer unbounded property paths or cartesian products)"
        )
        self.deadline_s = deadline_s


class QueryBusy(RuntimeError):
    """Every query slot is taken; `retry_after_s` says when to try again."""

    def __init__(self, limit: int, retry_after_s: int) -> None:
        super().__init__(
            f"{limit} queries are already running or waiting for a worker (ILOKG_MAX_CONCURRENT_QUERIES, "
            "ILOKG_QUERY_QUEUE_S); "
            f"try again in {retry_after_s} s"
        )
        self.retry_after_s = retry_after_s


class QueryFailed(RuntimeError):
    """The engine could not evaluate the query (it ran out of memory, or reported an error)."""


# ------------------------------------------------------------------ the on-disk store the workers share


def materialise(build: BuildResult, data_dir: Path) -> Path:
    """An on-disk Oxigraph store of `build` under data_dir/stores/<build id>, written once.

    The store is loaded in a staging directory and renamed into place, so a directory
    that exists is complete; a second process materialising the same build reuses it.
    """
    stores = data_dir / STORES_DIR
    target = stores / build.build_id
    if target.is_dir():
        if (marker := read_marker(target)) is not None and marker.build_id == build.build_id:
            return target
        shutil.rmtree(target, ignore_errors=True)  # written by an older version, or not by us
    stores.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{build.build_id}-", dir=stores))
    try:
        loaded = OxigraphStore.on_disk(staging / "store", build)
        del loaded
        gc.collect()  # close the read-write handle before others open the directory
        os.replace(staging / "store", target)
    except OSError:
        if not target.is_dir():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


# ------------------------------------------------------------------ the worker process


def _limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker_main(connection: Connection, store_path: str, memory_mb: int, isolate: bool) -> None:
    """Entry point of a worker process: answer queries from `connection` until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when workers stop
    isolated = isolate and leave_network()
    _limit_memory(memory_mb)
    store = OxigraphStore.open_read_only(Path(store_path))
    connection.send(("ready", store.build_id, isolated))
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        try:
            connection.send(_answer(store, *request))
        except (BrokenPipeError, OSError):  # the server went away or gave up on this query
            return


def _answer(
    store: OxigraphStore, read: ReadQuery, dataset: QueryDataset, media_type: str, max_rows: int | None
) -> tuple[Any, ...]:
    try:
        result = store.query(read, dataset, media_type, max_rows)
    except QuerySyntaxError as error:
        return ("syntax", str(error))
    except MemoryError:
        return ("failed", "the query needed more memory than a query may use (ILOKG_QUERY_MEMORY_MB)")
    except Exception as error:  # the engine's own evaluation errors, reported to the client
        return ("failed", f"the engine could not evaluate the query: {error}")
    return ("ok", result.form.value, result.media_type, result.body, result.rows, result.truncated)


# ------------------------------------------------------------------ the pool, in the serving process


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    connection: Connection

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def kill(self) -> None:
        # By its own pid, not through the launcher: when the launcher has died, multiprocessing takes its
        # children for exited, and a kill through it would do nothing while the worker runs on.
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.process.kill()
        self.process.join(timeout=5)
        with contextlib.suppress(Exception):
            self.connection.close()


def _context() -> Any:
    # forkserver forks workers from a small clean process that has imported the engine and the parser
    # once (fast starts, and none of the server's threads are copied); spawn where there is no forkserver.
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["graph.store.sandbox"])
    return context


class WorkerPool:
    """Pre-started query workers over one on-disk store; a worker that overruns is killed and replaced."""

    def __init__(self, store_path: Path, settings: Settings) -> None:
        self._store_path = store_path
        self._settings = settings
        self._context = _context()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._slots = threading.BoundedSemaphore(settings.max_concurrent_queries)
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._closed = False
        self._network_isolated = False
        self._start_error: str | None = None
        self._started = threading.Event()
        self.replaced = 0
        # Workers start in the background, so the service is ready before them; a query that comes
        # first waits for one within the queue bound (query_queue_s), as it would for a busy worker.
        threading.Thread(target=self._start_all, name="ilokg-worker-start", daemon=True).start()

    def _start_all(self) -> None:
        try:
            started = [self._start() for _ in range(self._settings.query_workers)]
            for worker in started:
                try:
                    self._await_ready(worker)
                except QueryFailed as error:
                    log.error("%s", error)
                    self._start_error = str(error)
                    with self._lock:
                        self._workers.discard(worker)
                    continue
                self._release(worker)
        except Exception as error:  # the processes could not even be created
            log.exception("the query workers could not start")
            self._start_error = str(error)
        finally:
            self._started.set()

    def wait_started(self, timeout_s: float = 60.0) -> bool:
        """Wait until every worker of the first start is ready (or failed); True when they all are."""
        return self._started.wait(timeout_s) and self._start_error is None

    @property
    def network_isolated(self) -> bool:
        """Whether the workers left the network (known once they have started)."""
        self._started.wait(60.0)
        return self._network_isolated

    def _start(self) -> _Worker:
        parent, child = self._context.Pipe(duplex=True)
        process = self._context.Process(
            target=_worker_main,
            args=(child, str(self._store_path), self._settings.query_memory_mb, self._settings.isolate_network),
            name="ilokg-query-worker",
            daemon=True,
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        try:
            if not worker.connection.poll(60):
                raise QueryFailed("a query worker did not start within 60 s")
            message = worker.connection.recv()
        except (EOFError, OSError) as error:
            worker.kill()
            raise QueryFailed(f"a query worker stopped while starting (exit code {worker.process.exitcode})") from error
        self._network_isolated = bool(message[2])

    def _replace(self, worker: _Worker) -> None:
        """Kill `worker` and start another in the background, so the caller answers at once."""
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
            self.replaced += 1
            if self._closed:
                return

        def start_again() -> None:
            try:
                fresh = self._start()
                self._await_ready(fresh)
            except Exception:
                log.exception("a query worker could not be restarted")
                return
            with self._lock:
                closed = self._closed
            if closed:
                fresh.kill()
            else:
                self._idle.put(fresh)

        threading.Thread(target=start_again, name="ilokg-worker-restart", daemon=True).start()

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.pid is not None]

    def run(self, request: tuple[Any, ...]) -> tuple[Any, ...]:
        """Send a request to a free worker (waiting up to query_queue_s) and return its answer by the deadline."""
        timeout = self._settings.query_timeout_s
        retry_after = max(1, round(min(timeout, self._settings.query_queue_s)))
        if self._closed or not self._slots.acquire(blocking=False):
            raise QueryBusy(self._settings.max_concurrent_queries, retry_after)
        try:
            if self._start_error is not None and not self.worker_pids():
                raise QueryFailed(f"no query worker could start: {self._start_error}")
            try:
                worker = self._idle.get(timeout=self._settings.query_queue_s)
            except queue.Empty as empty:
                raise QueryBusy(self._settings.max_concurrent_queries, retry_after) from empty
            deadline = time.monotonic() + timeout  # the deadline counts from when a worker has the query
            try:
                worker.connection.send(request)
                if not worker.connection.poll(max(0.0, deadline - time.monotonic())):
                    self._replace(worker)
                    raise QueryTimeout(timeout)
                answer: tuple[Any, ...] = worker.connection.recv()
            except (EOFError, OSError, BrokenPipeError) as error:
                self._replace(worker)
                raise QueryFailed(
                    "the query stopped the engine (it may have needed more memory than a query may use, "
                    "ILOKG_QUERY_MEMORY_MB): narrow it"
                ) from error
            self._release(worker)
            return answer
        finally:
            self._slots.release()

    def _release(self, worker: _Worker) -> None:
        with self._lock:
            retire = self._closed
            if retire:
                self._workers.discard(worker)
        if retire:
            _stop(worker)
        else:
            self._idle.put(worker)

    def close(self) -> None:
        """Stop the idle workers now and each busy one when its query ends (requests in flight finish)."""
        with self._lock:
            self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            with self._lock:
                self._workers.discard(worker)
            _stop(worker)


def _stop(worker: _Worker) -> None:
    with contextlib.suppress(Exception):
        worker.connection.send(None)
    worker.process.join(timeout=1)
    worker.kill()


# ------------------------------------------------------------------ the store


class SandboxedStore:
    """A GraphStore whose `query()` (users' text, read by graph.store.reader) runs in a killable worker."""

    def __init__(self, internal: OxigraphStore, store_path: Path, settings: Settings) -> None:
        self._internal = internal
        self._settings = settings
        self.store_path = store_path
        self.pool = WorkerPool(store_path, settings)

    @classmethod
    def open(cls, build: BuildResult, settings: Settings, internal: OxigraphStore | None = None) -> SandboxedStore:
        """Workers over the on-disk store of `build` (materialised under data_dir when needed).

        `internal` answers our own queries in process (for example the in-memory store);
        by default the on-disk store is opened read-only here too.
        """
        path = materialise(build, settings.data_dir)
        return cls(internal or OxigraphStore.open_read_only(path), path, settings)

    @property
    def build_id(self) -> str:
        return self._internal.build_id

    @property
    def internal(self) -> OxigraphStore:
        return self._internal

    def counts(self) -> Counts:
        return self._internal.counts()

    def graph_names(self) -> list[str]:
        return self._internal.graph_names()

    def query(
        self, read: ReadQuery, dataset: QueryDataset, media_type: str, max_rows: int | None = None
    ) -> QueryResult:
        """Run in a worker by the deadline: QuerySyntaxError, QueryTimeout, QueryBusy or QueryFailed."""
        limit = self._settings.max_result_rows if max_rows is None else min(max_rows, self._settings.max_result_rows)
        answer = self.pool.run((read, dataset, media_type, limit))
        kind = answer[0]
        if kind == "ok":
            _, form, chosen, body, rows, truncated = answer
            return QueryResult(QueryForm(form), chosen, body, rows=rows, truncated=truncated)
        if kind == "syntax":
            raise QuerySyntaxError(answer[1])
        raise QueryFailed(answer[1])

    def select(self, sparql: str) -> list[Binding]:
        return self._internal.select(sparql)

    def construct(self, sparql: str, media_type: str) -> bytes:
        return self._internal.construct(sparql, media_type)

    def export(self, media_type: str) -> Iterator[bytes]:
        return self._internal.export(media_type)

    def close(self) -> None:
        self.pool.close()

    def retire(self) -> None:
        """Close once the requests that still hold this store (swapped out by a reload) can have finished."""
        grace = self._settings.query_queue_s + self._settings.query_timeout_s + 2.0
        timer = threading.Timer(grace, self.pool.close)
        timer.daemon = True
        timer.start()


def sandbox_store(internal: OxigraphStore, settings: Settings) -> SandboxedStore:
    """`internal` (in memory or on disk) for our own queries, and workers over the current build for users'."""
    build = current_build(settings.data_dir)
    if build is None or build.build_id != internal.build_id:
        raise StoreUnavailable(
            f"the store holds build {internal.build_id} but the current build in {settings.data_dir} is "
            f"{build.build_id if build else 'missing'}: rebuild (ilokg build) and restart"
        )
    return SandboxedStore(internal, materialise(build, settings.data_dir), settings)


def _check_protocol(store: SandboxedStore) -> GraphStore:
    return store  # mypy checks that SandboxedStore is a GraphStore
