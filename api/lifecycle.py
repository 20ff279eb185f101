"""Loading the graph the service answers from, swapping in a new build (SIGHUP), and closing it at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from api.routes.dependencies import GraphHolder, LoadedGraph
from graph.build.directory import build, current_build
from graph.build.reference import read_sdg_indicator_iris
from graph.ids import IdScheme
from graph.settings import Settings
from graph.store.base import GraphStore
from graph.store.connection import connect
from graph.store.embedded import OxigraphStore
from graph.store.sandbox import sandbox_store

log = logging.getLogger(__name__)


def load_graph(settings: Settings, store: GraphStore | None = None) -> LoadedGraph:
    """Open the store of the current build (building one first when there is none)."""
    if store is None:
        if settings.store_kind != "sparql" and current_build(settings.data_dir) is None:
            log.warning("no build in the data directory yet: building the graph from the seeds")
            build(settings)
        if settings.store_kind == "sparql" or not settings.sandbox_queries:
            store = connect(settings)
        else:
            # Users' SPARQL runs in killable workers that hold the build in memory; our own queries run on an
            # on-disk store in this process (ILOKG_STORE, or the build's own), so the graph is in memory once.
            build_now = current_build(settings.data_dir)
            internal = OxigraphStore.on_disk(settings.store, build_now) if settings.store else None
            store = sandbox_store(settings, internal)
    ids = IdScheme(settings.base_iri, read_sdg_indicator_iris(settings.seeds_dir))
    return LoadedGraph.open(store, ids, settings)


async def reload_graph(app: FastAPI) -> bool:
    """Load the current build and swap it in; on failure the graph being served stays. True when swapped."""
    holder: GraphHolder = app.state.graph
    settings: Settings = app.state.settings
    lock: asyncio.Lock = app.state.reload_lock
    async with lock:
        old = holder.current
        try:
            fresh = await run_in_threadpool(load_graph, settings)
        except Exception as error:
            log.error("reload failed, still serving build %s: %s", old.build_id if old else None, error)
            return False
        holder.replace(fresh)
        log.info("reloaded: now serving build %s", fresh.build_id)
        if old is not None and old.store is not fresh.store:
            retire = getattr(old.store, "retire", None)  # requests holding the old build finish on it
            if retire is not None:
                retire()
        return True


def listen_for_reload(app: FastAPI) -> None:
    """SIGHUP reloads the current build (only where the server runs in the main thread)."""
    app.state.reload_lock = asyncio.Lock()
    tasks: set[asyncio.Task[bool]] = set()
    loop = asyncio.get_running_loop()

    def on_hangup() -> None:
        task = loop.create_task(reload_graph(app))
        tasks.add(task)  # keep a reference until it is done
        task.add_done_callback(tasks.discard)

    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGHUP, on_hangup)


def close_graph(app: FastAPI) -> None:
    """Stop the query workers of the graph being served (at shutdown)."""
    current = app.state.graph.current
    close = getattr(current.store, "close", None) if current is not None else None
    if close is not None:
        close()
