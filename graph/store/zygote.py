"""The process that query workers are forked from, and the worker's loop.

A zygote is started once per build (and source) by the serving process's pool (graph.store.sandbox) as
`python -m graph.store.zygote`, with one end of a control socket. It leaves the network first (its
children inherit the empty namespace), then either loads the build into an in-memory Oxigraph store
(`--build DIR`) or holds nothing and lets each child open the on-disk store (`--store DIR`). It never
runs a query. For each request on the control socket it forks a worker, handing it the socket the pool
sent along; the child starts with the store already in its memory (copy-on-write: the pages stay shared
until someone writes to them) and answers queries on that socket.

A worker is killed by the pool by its own pid (a pidfd) at the deadline, and also arms an alarm of its own
for every query (the deadline plus a grace): SIGALRM's default action ends the process in the kernel, so
no worker outlives a query's deadline by more than the grace even when the pool or the zygote has died.
A zygote whose control socket closes (the pool stopped, or the server died) exits; its workers exit when their
own sockets close.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import resource
import signal
import socket
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from graph.store.isolation import leave_network

# A worker's own alarm fires this long after the pool's deadline: the pool normally kills it first.
ALARM_GRACE_S = 2.0


def _vm_size() -> int:
    """This process's address space in bytes (what RLIMIT_AS counts)."""
    with Path("/proc/self/statm").open() as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _limit_memory(megabytes: int) -> None:
    # A forked worker maps the whole in-memory store already: the cap is what a query may add to that.
    limit = _vm_size() + megabytes * 1024 * 1024
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# ------------------------------------------------------------------ the worker (a forked child)


def worker_main(fd: int, store: Any, store_path: str | None, lane: str, memory_mb: int, isolated: bool) -> None:
    """Answer queries on `fd` until it closes. `store` is the zygote's in-memory store, or None to open the disk."""
    from graph.store.embedded import OxigraphStore

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the pool decides when workers stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)  # the kernel ends the process when its own alarm fires
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    connection = Connection(fd)
    try:
        if store is None:
            assert store_path is not None
            store = OxigraphStore.open_read_only(Path(store_path))
    except Exception as error:  # a store that cannot be opened: the pool repairs it
        connection.send(("broken", f"{type(error).__name__}: {error}"))
        return
    _limit_memory(memory_mb)
    connection.send(("ready", store.build_id, isolated, os.getpid()))
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        deadline_s, kind, *arguments = request
        signal.setitimer(signal.ITIMER_REAL, deadline_s + ALARM_GRACE_S)
        answer = _answer(store, kind, arguments)
        signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            connection.send(answer)
        except (BrokenPipeError, OSError):  # the server went away or gave up on this query
            return


def _answer(store: Any, kind: str, arguments: list[Any]) -> tuple[Any, ...]:
    from graph.store.base import QuerySyntaxError

    try:
        if kind == "select":
            return ("rows", store.select(*arguments))
        if kind == "construct":
            return ("bytes", store.construct(*arguments))
        if kind == "graphs":
            return ("names", store.graph_names())
        result = store.query(*arguments)
    except QuerySyntaxError as error:
        return ("syntax", str(error))
    except MemoryError:
        return ("failed", "the query needed more memory than a query may use (ILOKG_QUERY_MEMORY_MB)")
    except Exception as error:  # the engine's own evaluation errors, reported to the client
        return ("failed", f"the engine could not evaluate the query: {error}")
    return ("ok", result.form.value, result.media_type, result.body, result.rows, result.truncated)


# ------------------------------------------------------------------ the zygote


def _reap(children: set[int]) -> None:
    while children:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            children.clear()
            return
        if pid == 0:
            return
        children.discard(pid)


def serve(control: socket.socket, store: Any, store_path: str | None, memory_mb: int, isolated: bool) -> None:
    """Fork a worker for each request on the control socket until it closes.

    The workers outlive it: each one exits when the pool closes its socket, and its own alarm ends a query
    that runs on, so a zygote that is replaced (or dies) takes no query down with it."""
    children: set[int] = set()
    control.settimeout(1.0)  # wake up now and then to reap children that exited
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 256, 1)
        except TimeoutError:
            _reap(children)
            continue
        except OSError:
            return
        if not message:
            return
        lane = message.decode().partition(" ")[2] or "general"
        if not fds:
            control.send(b"failed no socket was sent for the worker")
            continue
        pid = os.fork()
        if pid == 0:  # the worker
            status = 0
            try:
                control.close()
                worker_main(fds[0], store, store_path, lane, memory_mb, isolated)
            except BaseException:
                status = 1
            finally:
                os._exit(status)
        os.close(fds[0])
        children.add(pid)
        control.send(f"forked {pid}".encode())
        _reap(children)


def _load(directory: Path) -> Any:
    """The build in `directory`, loaded into an in-memory store (its named graphs and their merge)."""
    import json

    from graph.build.directory import DATASET_FILE, MANIFEST_FILE, BuildResult
    from graph.store.embedded import OxigraphStore

    manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
    build = BuildResult(str(manifest["build_id"]), directory, directory / DATASET_FILE, manifest)
    return OxigraphStore.in_memory(build)


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(prog="python -m graph.store.zygote", description=__doc__.split("\n\n")[0])
    options.add_argument("--fd", type=int, required=True, help="the control socket")
    options.add_argument("--build", help="load this build's directory into memory")
    options.add_argument("--store", help="let each worker open this on-disk store read-only")
    options.add_argument("--memory-mb", type=int, required=True, help="what one query may add to a worker's memory")
    options.add_argument("--keep-network", action="store_true", help="stay in the network (ILOKG_ISOLATE_NETWORK)")
    args = options.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the server decides
    control = socket.socket(fileno=args.fd)
    # Before the engine starts any thread (unshare needs a single thread); the workers it forks inherit it.
    isolated = not args.keep_network and leave_network()
    store = None
    try:
        if args.build:
            store = _load(Path(args.build))
    except Exception as error:
        with contextlib.suppress(OSError):
            control.send(f"failed {type(error).__name__}: {error}".encode()[:4000])
        return 1
    gc.collect()
    gc.freeze()  # the collector never writes to these objects again, so the forked children keep them shared
    try:
        control.send(f"ready {int(isolated)}".encode())
    except OSError:  # the pool closed while the build was loading
        return 0
    serve(control, store, args.store, args.memory_mb, isolated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
