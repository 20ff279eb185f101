"""Users' SPARQL queries run in worker processes that can be killed: a store that is safe to expose.

A query cannot be cancelled inside Oxigraph, so each one runs in a worker process; when the deadline passes
the worker is killed (SIGKILL by its own pidfd frees its CPU and memory at once) and a fresh one takes its
place. The workers are forked from a zygote (graph.store.zygote), a process that loaded the build into an
in-memory store once and never runs a query: every worker starts with the whole store in its memory, shared
copy-on-write with the zygote and the other workers, so a query runs at the engine's in-memory speed. Until
the zygote has loaded (seconds at a million triples), workers forked from a second zygote read the build's
on-disk store; with `ILOKG_QUERY_STORE=disk` they always do. Each worker also:

- leaves the network (the zygote moved into a new, empty network namespace before it forked anything), so
  not even a query the reader missed could connect out;
- is capped in memory (the store it maps, plus `ILOKG_QUERY_MEMORY_MB` of address space), so a runaway sort
  or join fails alone;
- arms an alarm of its own for every query, so it dies a grace after the deadline even if the pool or the
  zygote died meanwhile;
- is retired, and a fresh one forked, after `ILOKG_WORKER_MAX_QUERIES` queries, or when it holds the most private
  memory while the workers together hold more than `ILOKG_WORKERS_PRIVATE_MB` (Oxigraph writes to the pages it
  reads, which then stop being shared; the last worker used is the next one taken, so with few clients one
  worker holds most of it and the others stay shared).

Two lanes keep light queries served while heavy ones run: `ILOKG_SHORT_QUERY_WORKERS` workers take any query
first but only for `ILOKG_SHORT_QUERY_S` of CPU time; a query that used that much is stopped there and run
again on a general worker with what is left of its deadline, and its text goes to the general lane directly
from then on.

Workers are tracked by their own pids, independent of the zygote: when a zygote dies, its workers keep
answering (and are still killed at their deadlines), and a new zygote is started for the workers to come.

`SandboxedStore` is a `GraphStore`: `query()` (users' text, already read and accepted by graph.store.reader)
runs in a worker; `select()`, `construct()` and `graph_names()` (the service's own queries) run on the
build's on-disk store opened in this process, or in a worker while that store is being written or repaired.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from graph.build.directory import BuildResult, current_build
from graph.settings import Settings
from graph.store.base import Counts, GraphStore, QueryResult, QuerySyntaxError, StoreUnavailable
from graph.store.embedded import OxigraphStore, read_marker
from graph.store.formats import Binding
from graph.store.reader import QueryDataset, QueryForm, ReadQuery

log = logging.getLogger(__name__)

STORES_DIR = "stores"
SHORT = "short"
GENERAL = "general"
MEMORY = "memory"
DISK = "disk"
_HEAVY_REMEMBERED = 1024  # texts that overran the short lane, per build
_CHECK_AFTER_S = 0.05  # a worker's private memory is read after this much query time since the last reading
_START_TIMEOUT_S = 60.0
_LEAST_RUN_S = 0.05  # a query moved to the general lane with (almost) no deadline left still gets this long
_GRAPHS_WAIT_S = 3600.0  # a first start of a build with no graph list waits for a worker this long at most


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

    def __init__(self, limit: int, retry_after_s: int, waited_s: float | None = None) -> None:
        if waited_s is None:
            why = f"{limit} queries are already running or waiting for a worker (ILOKG_MAX_CONCURRENT_QUERIES)"
        else:
            why = f"no query worker was free within {waited_s:g} s (ILOKG_QUERY_QUEUE_S)"
        super().__init__(f"{why}; try again in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class QueryFailed(RuntimeError):
    """The engine could not evaluate the query (it ran out of memory, or reported an error)."""


class _StoreBroken(RuntimeError):
    """A worker could not open the on-disk store."""


# ------------------------------------------------------------------ the on-disk store


def materialise(build: BuildResult, data_dir: Path) -> Path:
    """An on-disk Oxigraph store of `build` under data_dir/stores/<build id>, written once.

    The store is loaded in a staging directory and renamed into place, so a directory
    that exists is complete; a second process materialising the same build reuses it.
    A directory that holds no valid marker, or that the engine cannot open, is written again.
    """
    stores = data_dir / STORES_DIR
    target = stores / build.build_id
    if target.is_dir():
        if (marker := read_marker(target)) is not None and marker.build_id == build.build_id and opens(target):
            return target
        shutil.rmtree(target, ignore_errors=True)  # written by an older version, damaged, or not by us
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


def opens(path: Path) -> bool:
    """Whether the engine opens the on-disk store at `path` (a damaged file or CURRENT fails here)."""
    try:
        OxigraphStore.open_read_only(path)
    except (StoreUnavailable, OSError, RuntimeError, ValueError):
        return False
    return True


# ------------------------------------------------------------------ zygotes and workers, seen from the pool


@dataclass(eq=False)
class _Zygote:
    """A zygote process and its control socket; `source` is what its workers read (memory or disk)."""

    process: subprocess.Popen[bytes]
    control: socket.socket
    source: str
    isolated: bool
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def start(cls, source: str, build: BuildResult, store_path: Path | None, memory_mb: int, isolate: bool) -> _Zygote:
        """Start one and wait until it is ready to fork (for memory: until it has loaded the build)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command = [sys.executable, "-m", "graph.store.zygote", "--fd", str(theirs.fileno())]
        command += ["--memory-mb", str(memory_mb)] + ([] if isolate else ["--keep-network"])
        command += ["--build", str(build.directory)] if source == MEMORY else ["--store", str(store_path)]
        process = subprocess.Popen(command, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL)
        theirs.close()
        try:
            message = ours.recv(4096)  # a zygote that dies closes its end: b""
        except OSError:
            message = b""
        if not message.startswith(b"ready"):
            ours.close()
            _end(process)
            reason = message.decode(errors="replace").removeprefix("failed ") or f"exit code {process.poll()}"
            raise QueryFailed(f"the query workers' {source} zygote could not start: {reason}")
        ours.settimeout(_START_TIMEOUT_S)
        return cls(process, ours, source, message.split()[1] == b"1")

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def fork(self, lane: str) -> _Worker:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self.lock:
                socket.send_fds(self.control, [f"fork {lane}".encode()], [theirs.fileno()])
                reply = self.control.recv(256)
        except OSError as error:
            ours.close()
            raise QueryFailed(f"the {self.source} zygote did not answer: {error}") from error
        finally:
            theirs.close()
        if not reply.startswith(b"forked "):
            ours.close()
            raise QueryFailed(f"the {self.source} zygote could not fork a worker: {reply.decode(errors='replace')}")
        pid = int(reply.split()[1])
        try:
            pidfd = os.pidfd_open(pid)
        except OSError as error:  # it died at once
            ours.close()
            raise QueryFailed(f"a query worker stopped while starting: {error}") from error
        return _Worker(pid, pidfd, Connection(ours.detach()), lane, self)

    def stop(self) -> None:
        """Close the control socket (the zygote exits; workers it forked live on until the pool stops them)."""
        with contextlib.suppress(OSError):
            self.control.close()
        _end(self.process)


def _end(process: subprocess.Popen[bytes]) -> None:
    try:
        process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        process.wait(timeout=5)


@dataclass(eq=False)
class _Worker:
    pid: int
    pidfd: int
    connection: Connection
    lane: str
    zygote: _Zygote
    queries: int = 0
    busy_s: float = 0.0  # query time since its private memory was last read
    private: float = 0.0  # its private memory in MiB, when last read
    retiring: bool = False  # chosen to be retired while busy: retired when its query ends
    closed: bool = False

    def kill(self) -> None:
        # By its own pidfd, never through the zygote: a zygote that died, or a pid used again, changes nothing.
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(ProcessLookupError, OSError):
            signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
        with contextlib.suppress(OSError):
            self.connection.close()
        with contextlib.suppress(OSError):
            os.close(self.pidfd)

    @property
    def exited(self) -> bool:
        """Whether the process has ended (its pidfd is readable then)."""
        if self.closed:
            return True
        try:
            return bool(select.select([self.pidfd], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def cpu_s(self) -> float:
        """CPU time it has used, in seconds (the scheduler's count, read without stopping it)."""
        try:
            with Path(f"/proc/{self.pid}/schedstat").open() as schedstat:
                return int(schedstat.read().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            return 0.0

    def private_mb(self) -> float:
        """Its private memory: pages it wrote, the shared store's included (what retiring it gives back)."""
        try:
            with Path(f"/proc/{self.pid}/smaps_rollup").open() as rollup:
                for line in rollup:
                    if line.startswith("Private_Dirty:"):
                        return int(line.split()[1]) / 1024
        except (OSError, ValueError, IndexError):
            pass
        return 0.0


class _Overran(Exception):
    """The worker did not answer by the deadline, or used the CPU it was given (it has been killed)."""

    def __init__(self, deadline: bool) -> None:
        super().__init__("deadline" if deadline else "cpu")
        self.deadline = deadline


# ------------------------------------------------------------------ the pool


class WorkerPool:
    """Query workers in two lanes, forked from a zygote; a worker that overruns is killed and replaced."""

    def __init__(
        self, build: BuildResult, settings: Settings, disk_path: Path | None, on_broken: Callable[[str], None]
    ) -> None:
        self._build = build
        self._on_broken = on_broken  # a worker could not open the on-disk store: it needs repair
        self._settings = settings
        self._disk_path = disk_path  # None while the on-disk store is being written
        self._sizes = {SHORT: settings.short_query_workers, GENERAL: settings.query_workers}
        self._idle: dict[str, list[_Worker]] = {SHORT: [], GENERAL: []}
        self._workers: set[_Worker] = set()
        self._changed = threading.Condition()
        self._slots = threading.BoundedSemaphore(settings.max_concurrent_queries)
        self._zygote: _Zygote | None = None
        self._memory_wanted = settings.query_store == MEMORY
        self._heavy: OrderedDict[Any, None] = OrderedDict()
        self._refilling = False
        self._restarting = False
        self._closed = False
        self.problem: str | None = None  # why no worker can start, while that lasts
        self.replaced = 0
        self.retired = 0
        self._checks: list[_Worker] = []
        threading.Thread(target=self._start, name="ilokg-zygote-start", daemon=True).start()
        threading.Thread(target=self._watch, name="ilokg-worker-watch", daemon=True).start()

    # -- state

    @property
    def source(self) -> str | None:
        """What the workers read now: memory, disk, or None (none can answer yet)."""
        zygote = self._zygote
        return zygote.source if zygote is not None and zygote.alive else None

    @property
    def network_isolated(self) -> bool:
        """Whether the workers left the network (known once a zygote has started)."""
        self.wait_started()
        zygote = self._zygote
        return zygote is not None and zygote.isolated

    def wait_started(self, timeout_s: float = _START_TIMEOUT_S, source: str | None = None) -> bool:
        """Wait until the lanes are full (of workers reading `source`, when given); True when they are."""
        end = time.monotonic() + timeout_s
        with self._changed:
            while not self._full(source):
                left = end - time.monotonic()
                if left <= 0 or self._closed:
                    return False
                self._changed.wait(min(left, 0.5))
            return True

    def _full(self, source: str | None) -> bool:
        zygote = self._zygote
        if zygote is None or (source is not None and zygote.source != source):
            return False
        counts = self._counts(zygote)
        return all(counts[lane] >= size for lane, size in self._sizes.items())

    def _counts(self, zygote: _Zygote) -> dict[str, int]:
        counts = dict.fromkeys(self._sizes, 0)
        for worker in self._workers:
            if worker.zygote is zygote and not worker.closed:
                counts[worker.lane] += 1
        return counts

    def worker_pids(self) -> list[int]:
        with self._changed:
            return [w.pid for w in self._workers if not w.closed]

    def busy_pids(self) -> list[int]:
        """The workers running a query now."""
        with self._changed:
            idle = {w for lane in self._idle.values() for w in lane}
            return [w.pid for w in self._workers if not w.closed and w not in idle]

    def zygote_pid(self) -> int | None:
        zygote = self._zygote
        return zygote.process.pid if zygote is not None else None

    # -- zygotes

    def _start(self) -> None:
        """A disk zygote first when the on-disk store is there (it is ready at once), then the memory one."""
        if self._disk_path is not None:
            self._use(DISK)
        if self._memory_wanted:
            self._use(MEMORY)

    def disk_ready(self, path: Path) -> None:
        """The on-disk store has been written (or repaired): workers that read the disk may start."""
        self._disk_path = path
        if self._zygote is None or not self._zygote.alive:
            threading.Thread(target=self._use, args=(DISK,), name="ilokg-zygote-start", daemon=True).start()

    def _use(self, source: str) -> bool:
        """Start a zygote of `source`, make it the one workers come from, fill the lanes from it."""
        try:
            zygote = _Zygote.start(
                source, self._build, self._disk_path, self._settings.query_memory_mb, self._settings.isolate_network
            )
        except QueryFailed as error:
            log.error("%s", error)
            self.problem = str(error)
            return False
        with self._changed:
            if self._closed:
                zygote.stop()
                return False
            previous = self._zygote
            if self._memory_wanted and previous is not None and previous.source == MEMORY and source == DISK:
                zygote.stop()  # the memory workers came first: keep them
                return False
            self._zygote = zygote
            self.problem = None
            # Idle workers of the previous zygote go now, busy ones when their query ends (see _release).
            stale = [w for lane in self._idle.values() for w in lane if w.zygote is not zygote]
            for lane in self._idle.values():
                lane[:] = [w for w in lane if w.zygote is zygote]
            for worker in stale:
                self._workers.discard(worker)
        for worker in stale:
            worker.kill()
        if previous is not None and previous is not zygote:
            previous.stop()
        self._refill()
        log.info("query workers now read %s (zygote pid %d)", source, zygote.process.pid)
        return True

    def _watch(self) -> None:
        """Read the private memory of workers that have been working; replace a zygote that died."""
        while not self._closed:
            with self._changed:
                if not self._checks:
                    self._changed.wait(0.2)
                checks, self._checks = self._checks, []
            for worker in checks:
                self._check(worker)
            self._drop_exited()
            zygote = self._zygote
            if zygote is not None and not zygote.alive and not self._closed and not self._restarting:
                log.error("the query workers' zygote (pid %d) died: starting another", zygote.process.pid)
                self._restarting = True
                if not self._memory_wanted and self._disk_path is None:
                    continue  # the repair of the on-disk store starts the disk zygote when it is done
                source = MEMORY if self._memory_wanted else DISK
                threading.Thread(target=self._restart, args=(source,), name="ilokg-zygote-start", daemon=True).start()

    def _restart(self, source: str) -> None:
        try:
            while not self._closed and not self._use(source):
                time.sleep(1.0)
        finally:
            self._restarting = False

    def _drop_exited(self) -> None:
        """Idle workers that ended (killed from outside) are replaced before a query is sent to them."""
        with self._changed:
            exited = [w for lane in self._idle.values() for w in lane if w.exited]
            for lane in self._idle.values():
                lane[:] = [w for w in lane if w not in exited]
        for worker in exited:
            self._replace(worker)

    def _check(self, worker: _Worker) -> None:
        """Read its private memory while it stays in service; past the workers' budget, the worker holding the
        most is retired (now if idle, else when its query ends)."""
        worker.private = worker.private_mb()
        with self._changed:
            live = [w for w in self._workers if not w.closed and not w.retiring]
            if sum(w.private for w in live) <= self._settings.workers_private_mb:
                return
            largest = max(live, key=lambda w: w.private)
            idle = largest in self._idle[largest.lane]
            if idle:
                self._idle[largest.lane].remove(largest)
            else:
                largest.retiring = True
        if idle:
            self._retire(largest)

    # -- workers

    def _refill(self) -> None:
        """Fork workers until every lane is full (one thread at a time does it)."""
        with self._changed:
            if self._refilling:
                return
            self._refilling = True
        try:
            while True:
                with self._changed:
                    zygote = self._zygote
                    if self._closed or zygote is None or not zygote.alive:
                        return
                    counts = self._counts(zygote)
                    lane = next((lane for lane, size in self._sizes.items() if counts[lane] < size), None)
                    if lane is None:
                        return
                try:
                    worker = self._fork(zygote, lane)
                except _StoreBroken as error:
                    log.error("a query worker could not open the on-disk store: %s", error)
                    with self._changed:
                        self._disk_path = None
                        if self._zygote is zygote:
                            self._zygote = None  # no restart: the repair brings the disk back (memory comes anyway)
                    zygote.stop()
                    self._on_broken(str(error))
                    return
                except QueryFailed as error:
                    time.sleep(0.2)
                    if not zygote.alive or self._closed:
                        return  # the watcher starts another zygote
                    log.error("%s", error)
                    self.problem = str(error)
                    time.sleep(0.5)
                    continue
                with self._changed:
                    if self._closed:
                        worker.kill()
                        return
                    self._workers.add(worker)
                    self._idle[lane].append(worker)
                    self._changed.notify_all()
        finally:
            with self._changed:
                self._refilling = False

    def _refill_later(self) -> None:
        threading.Thread(target=self._refill, name="ilokg-worker-refill", daemon=True).start()

    def _fork(self, zygote: _Zygote, lane: str) -> _Worker:
        worker = zygote.fork(lane)
        try:
            if not worker.connection.poll(_START_TIMEOUT_S):
                raise QueryFailed(f"a query worker did not start within {_START_TIMEOUT_S:g} s")
            message = worker.connection.recv()
        except (EOFError, OSError) as error:
            worker.kill()
            raise QueryFailed("a query worker stopped while starting") from error
        except QueryFailed:
            worker.kill()
            raise
        if message[0] == "broken":
            worker.kill()
            raise _StoreBroken(message[1])
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill `worker` and fork another in the background, so the caller answers at once."""
        worker.kill()
        with self._changed:
            self._workers.discard(worker)
            self.replaced += 1
        self._refill_later()

    def _retire(self, worker: _Worker) -> None:
        with self._changed:
            self._workers.discard(worker)
            self.retired += 1
        worker.kill()
        self._refill_later()

    def _idle_again(self, worker: _Worker) -> None:
        with self._changed:
            if worker.closed or worker not in self._workers:
                return
            if self._closed or worker.zygote is not self._zygote:
                self._workers.discard(worker)
                stale = True
            else:
                self._idle[worker.lane].append(worker)
                self._changed.notify_all()
                stale = False
        if stale:
            worker.kill()

    def _release(self, worker: _Worker, elapsed_s: float) -> None:
        worker.queries += 1
        worker.busy_s += elapsed_s
        if worker.retiring or worker.queries >= self._settings.worker_max_queries:
            self._retire(worker)
            return
        if worker.busy_s >= _CHECK_AFTER_S:
            worker.busy_s = 0.0
            with self._changed:
                self._checks.append(worker)  # the watcher reads its memory, off this request's path
        # Back in service at once: the last worker used is the next one taken (its pages are warm).
        self._idle_again(worker)

    def _acquire(self, lanes: tuple[str, ...], timeout_s: float) -> _Worker | None:
        end = time.monotonic() + timeout_s
        with self._changed:
            while True:
                for lane in lanes:
                    while self._idle[lane]:
                        worker = self._idle[lane].pop()
                        if not worker.exited:
                            return worker
                        self._workers.discard(worker)
                        worker.kill()
                        self.replaced += 1
                        threading.Thread(target=self._refill, name="ilokg-worker-refill", daemon=True).start()
                left = end - time.monotonic()
                if left <= 0 or self._closed:
                    return None
                self._changed.wait(left)

    def _ask(
        self, worker: _Worker, request: tuple[Any, ...], deadline_s: float, cpu_limit_s: float | None = None
    ) -> tuple[Any, ...]:
        """The worker's answer by the deadline; with `cpu_limit_s`, stopped once it used that much CPU (_Overran).

        CPU time rather than wall time marks a query heavy: on a busy machine a light query may wait for the CPU
        longer than the short lane's bound without being heavy."""
        started = time.monotonic()
        end = started + deadline_s
        cpu_started = worker.cpu_s() if cpu_limit_s is not None else 0.0
        try:
            worker.connection.send((deadline_s, *request))
            wait = deadline_s if cpu_limit_s is None else cpu_limit_s
            while not worker.connection.poll(max(0.0, min(wait, end - time.monotonic()))):
                if time.monotonic() >= end:
                    self._replace(worker)
                    raise _Overran(deadline=True)
                assert cpu_limit_s is not None
                used = worker.cpu_s() - cpu_started
                if used >= cpu_limit_s:
                    self._replace(worker)
                    raise _Overran(deadline=False)
                wait = max(0.01, cpu_limit_s - used)
            answer: tuple[Any, ...] = worker.connection.recv()
        except (EOFError, OSError) as error:
            self._replace(worker)
            raise QueryFailed(
                "the query stopped the engine (it may have needed more memory than a query may use, "
                "ILOKG_QUERY_MEMORY_MB): narrow it"
            ) from error
        self._release(worker, time.monotonic() - started)
        return answer

    def run(self, request: tuple[Any, ...], key: Any = None, own: bool = False) -> tuple[Any, ...]:
        """Run a request on a worker (waiting up to query_queue_s for one) and return its answer by the deadline.

        `key` names the query for the lanes: one that overran the short lane goes to the general lane next time.
        `own`: one of the service's own queries, which takes none of the users' slots (ILOKG_MAX_CONCURRENT_QUERIES).
        """
        timeout = self._settings.query_timeout_s
        retry_after = max(1, round(min(timeout, self._settings.query_queue_s)))
        if self._closed or not (own or self._slots.acquire(blocking=False)):
            raise QueryBusy(self._settings.max_concurrent_queries, retry_after)
        try:
            if self.problem is not None and self.source is None and not self._restarting and not self._workers:
                raise QueryFailed(f"no query worker could start: {self.problem}")
            with self._changed:
                heavy = key is not None and key in self._heavy
            lanes = (GENERAL,) if heavy or self._sizes[SHORT] == 0 else (SHORT, GENERAL)
            worker = self._acquire(lanes, self._settings.query_queue_s)
            if worker is None:
                raise QueryBusy(self._settings.max_concurrent_queries, retry_after, self._settings.query_queue_s)
            left = timeout  # the deadline counts the time the query runs on a worker, in both lanes
            if worker.lane == SHORT and self._settings.short_query_s < timeout:
                started = time.monotonic()
                try:
                    return self._ask(worker, request, timeout, self._settings.short_query_s)
                except _Overran as overran:
                    if overran.deadline:
                        raise QueryTimeout(timeout) from overran
                    self._remember_heavy(key)
                left = timeout - (time.monotonic() - started)
                worker = self._acquire((GENERAL,), self._settings.query_queue_s)
                if worker is None:
                    raise QueryBusy(self._settings.max_concurrent_queries, retry_after, self._settings.query_queue_s)
            try:
                return self._ask(worker, request, max(left, _LEAST_RUN_S))
            except _Overran as overran:
                raise QueryTimeout(timeout) from overran
        finally:
            if not own:
                self._slots.release()

    def _remember_heavy(self, key: Any) -> None:
        if key is None:
            return
        with self._changed:
            self._heavy[key] = None
            while len(self._heavy) > _HEAVY_REMEMBERED:
                self._heavy.popitem(last=False)

    def close(self) -> None:
        """Stop the idle workers and the zygote now, each busy worker when its query ends (requests finish)."""
        with self._changed:
            self._closed = True
            idle = [w for lane in self._idle.values() for w in lane]
            for lane in self._idle.values():
                lane.clear()
            for worker in idle:
                self._workers.discard(worker)
            zygote, self._zygote = self._zygote, None
            self._changed.notify_all()
        for worker in idle:
            worker.kill()
        if zygote is not None:
            zygote.stop()


# ------------------------------------------------------------------ the store


class SandboxedStore:
    """A GraphStore whose `query()` (users' text, read by graph.store.reader) runs in a killable worker.

    The service's own queries run on `internal` (the build's on-disk store, or the store named by ILOKG_STORE);
    while there is none (the on-disk store is being written or repaired), on a worker.
    """

    def __init__(self, build: BuildResult, settings: Settings, internal: OxigraphStore | None = None) -> None:
        self._build = build
        self._settings = settings
        self._internal = internal
        self.repairing: str | None = None  # why the on-disk store is being written, while it is
        path = settings.data_dir / STORES_DIR / build.build_id
        marker = read_marker(path)
        usable = marker is not None and marker.build_id == build.build_id
        if usable and self._internal is None:
            try:  # opened once: the engine checks its files here (a damaged store fails)
                self._internal = OxigraphStore.open_read_only(path, build)
            except (StoreUnavailable, OSError, RuntimeError, ValueError):
                usable = False
        elif usable:
            usable = opens(path)
        self._graph_names = self._internal.graph_names() if self._internal is not None else _graphs_of(build)
        self._repair_lock = threading.Lock()
        self._repairer: threading.Thread | None = None
        self._closed = False
        self.pool = WorkerPool(build, settings, path if usable else None, self._store_broken)
        if not usable:
            self._store_broken("it could not be opened" if path.exists() else "")

    def _store_broken(self, why: str) -> None:
        """Write the on-disk store again in the background; /health says degraded until it is."""
        with self._repair_lock:
            if self.repairing is not None or self._closed:  # closed: a worker stopped at shutdown, nothing broke
                return
            self.repairing = (
                f"the on-disk store of build {self._build.build_id} is being written"
                + (f" ({why})" if why else "")
                + (
                    "; users' queries are answered by the in-memory workers meanwhile"
                    if self._settings.query_store == MEMORY
                    else ""
                )
            )
            self._repairer = threading.Thread(target=self._repair, name="ilokg-store-repair", daemon=True)
        # A first start writes the store as a matter of course; a store that could not be opened is a fault.
        log.log(logging.WARNING if why else logging.INFO, "%s", self.repairing)
        self._repairer.start()

    @classmethod
    def open(cls, build: BuildResult, settings: Settings, internal: OxigraphStore | None = None) -> SandboxedStore:
        """Workers over `build`; `internal` (by default the build's on-disk store) answers our own queries."""
        return cls(build, settings, internal)

    def _repair(self) -> None:
        try:
            path = materialise(self._build, self._settings.data_dir)
            if self._internal is None:
                self._internal = OxigraphStore.open_read_only(path, self._build)
        except Exception as error:
            log.exception("the on-disk store could not be written")
            self.repairing = f"the on-disk store could not be written: {error}"
            return
        self.repairing = None
        log.info("the on-disk store of build %s is written", self._build.build_id)
        self.pool.disk_ready(path)

    @property
    def build_id(self) -> str:
        return self._build.build_id

    @property
    def internal(self) -> OxigraphStore | None:
        return self._internal

    def wait_internal(self, timeout_s: float) -> bool:
        """Wait until our own queries run on the on-disk store in this process (it may be being written)."""
        end = time.monotonic() + timeout_s
        while self._internal is None and self.repairing is not None and time.monotonic() < end:
            time.sleep(0.1)
        return self._internal is not None

    def health(self) -> tuple[str | None, str | None]:
        """(why the service is degraded, or None; what users' queries read now: memory, disk or None)."""
        source = self.pool.source
        if self.repairing is not None:
            return self.repairing, source
        if source is None:
            return self.pool.problem or "the query workers are starting", None
        if self.pool.problem is not None:
            return self.pool.problem, source
        return None, source

    def counts(self) -> Counts:
        if self._build.quads:
            return Counts(self._build.triples, self._build.quads)
        if self._internal is None:
            raise StoreUnavailable("the store is being written; try again shortly")
        return self._internal.counts()

    def graph_names(self) -> list[str]:
        """The build's named graphs: from the store in this process, the build's manifest, or else (a first start
        of a build whose manifest lists none) a worker, once one has started (loading a large build takes
        minutes)."""
        if self._graph_names is None:
            answer = self._run_own(("graphs",), _GRAPHS_WAIT_S)
            self._graph_names = list(answer[1])
        return self._graph_names

    def query(
        self, read: ReadQuery, dataset: QueryDataset, media_type: str, max_rows: int | None = None
    ) -> QueryResult:
        """Run in a worker by the deadline: QuerySyntaxError, QueryTimeout, QueryBusy or QueryFailed."""
        limit = self._settings.max_result_rows if max_rows is None else min(max_rows, self._settings.max_result_rows)
        answer = self.pool.run(("query", read, dataset, media_type, limit), key=(read, dataset))
        kind = answer[0]
        if kind == "ok":
            _, form, chosen, body, rows, truncated = answer
            return QueryResult(QueryForm(form), chosen, body, rows=rows, truncated=truncated)
        if kind == "syntax":
            raise QuerySyntaxError(answer[1])
        raise QueryFailed(answer[1])

    def _run_own(self, request: tuple[Any, ...], wait_s: float = _START_TIMEOUT_S) -> tuple[Any, ...]:
        self.pool.wait_started(wait_s)  # at a first start the workers are our only store
        answer = self.pool.run(request, own=True)
        if answer[0] in ("syntax", "failed"):
            raise StoreUnavailable(f"the query workers could not answer: {answer[1]}")
        return answer

    def _own(self, method: Callable[[OxigraphStore], Any], request: tuple[Any, ...]) -> Any:
        internal = self._internal
        if internal is not None:
            return method(internal)
        try:
            return self._run_own(request)[1]
        except (QueryBusy, QueryFailed) as error:
            raise StoreUnavailable(f"the store is being written and the query workers are busy: {error}") from error

    def select(self, sparql: str) -> list[Binding]:
        rows: list[Binding] = self._own(lambda store: store.select(sparql), ("select", sparql))
        return rows

    def construct(self, sparql: str, media_type: str) -> bytes:
        body: bytes = self._own(lambda store: store.construct(sparql, media_type), ("construct", sparql, media_type))
        return body

    def export(self, media_type: str) -> Iterator[bytes]:
        internal = self._internal
        if internal is None:
            raise StoreUnavailable("the store is being written; try the export again shortly")
        return internal.export(media_type)

    def close(self) -> None:
        """Stop the workers, and wait for a store being written to be complete (its directory is then whole)."""
        with self._repair_lock:
            self._closed = True
            repairer = self._repairer
        self.pool.close()
        if repairer is not None:
            repairer.join()

    def retire(self) -> None:
        """Close once the requests that still hold this store (swapped out by a reload) can have finished."""
        grace = self._settings.query_queue_s + self._settings.query_timeout_s + 2.0
        timer = threading.Timer(grace, self.close)
        timer.daemon = True
        timer.start()


def _graphs_of(build: BuildResult) -> list[str] | None:
    """The named graphs a build's manifest lists (a build written by `ilokg build` lists them), else None."""
    graphs = build.manifest.get("graphs")
    return sorted(str(name) for name in graphs) if isinstance(graphs, dict) else None


def sandbox_store(settings: Settings, internal: OxigraphStore | None = None) -> SandboxedStore:
    """Workers over the current build; `internal` (ILOKG_STORE, or the build's on-disk store) for our own queries."""
    build = current_build(settings.data_dir)
    if build is None or (internal is not None and build.build_id != internal.build_id):
        raise StoreUnavailable(
            f"the store holds build {internal.build_id if internal else None} but the current build in "
            f"{settings.data_dir} is {build.build_id if build else 'missing'}: rebuild (ilokg build) and restart"
        )
    return SandboxedStore(build, settings, internal)


def _check_protocol(store: SandboxedStore) -> GraphStore:
    return store  # mypy checks that SandboxedStore is a GraphStore
