"""Loading the graph the service answers from, swapping in a new build (SIGHUP), and closing it at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import signal
import threading
import time
from functools import partial
from pathlib import Path

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from api.routes.dependencies import GraphHolder, LoadedGraph, serialize_answer
from api.routes.models import FlagshipsForTargetModel
from api.routes.questions import _flagships_for_target as flagships_for_target
from graph.build.directory import build, current_build
from graph.build.reference import read_sdg_indicator_iris
from graph.ids import IdScheme
from graph.read.languages import ENGLISH
from graph.settings import Settings
from graph.store.base import GraphStore
from graph.store.connection import connect
from graph.store.embedded import OxigraphStore
from graph.store.sandbox import MEMORY, SandboxedStore, sandbox_store
from ontology.namespaces import SDGO

log = logging.getLogger(__name__)
ANSWERS_DIR = "answers"
ANSWERS_COMPLETE = "complete"  # written last: every target's answer is there
WARM_WAIT_S = 3600.0  # writing the on-disk store of a large build takes minutes
RELOAD_WAIT_S = 600.0  # the longest a reload waits for the new build's workers (loading 5M triples takes minutes)
PREPARE_PATH = "/.well-known/ilokg-prepare-routes"  # matches no route on purpose


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
            store.graph_names()  # known before the first query: the SPARQL route reads them on the event loop
    ids = IdScheme(settings.base_iri, read_sdg_indicator_iris(settings.seeds_dir))
    graph = LoadedGraph.open(store, ids, settings)
    if isinstance(store, SandboxedStore | OxigraphStore):
        warm_named_answers(graph, settings)
    return graph


def answers_directory(settings: Settings, build_id: str) -> Path:
    """Where a build's named answers are kept as files: by build, and by the answer's JSON schema, so that a
    service whose answers have another shape never sends bytes written by an older one."""
    schema = json.dumps(FlagshipsForTargetModel.model_json_schema(), sort_keys=True)
    return settings.data_dir / ANSWERS_DIR / f"{build_id}-{hashlib.sha256(schema.encode()).hexdigest()[:12]}"


def warm_named_answers(graph: LoadedGraph, settings: Settings) -> threading.Thread | None:
    """Fill the build's answer cache with the named question's answer for every SDG target, in the background, so
    that no user waits for a first answer: from the files written at an earlier start of the same build (a build
    never changes), else computed here and written for the next start. Skipped for a SPARQL server: computing
    would be hundreds of remote queries."""
    directory = answers_directory(settings, graph.build_id)

    def key(code: str) -> str:
        return f"/sdg/targets/{code}/flagships"  # the key the route's answer cache uses (its path)

    started = time.perf_counter()
    if (directory / ANSWERS_COMPLETE).is_file():  # read now (milliseconds), so the first request finds them
        for file in directory.glob("*.json"):
            with contextlib.suppress(OSError):
                graph.answers.put(key(file.stem), file.read_bytes())
        log.info("named answers read from %s in %.2f s", directory, time.perf_counter() - started)
        return None

    def warm() -> None:
        store = graph.store
        # On the store in this process, never on the users' query workers (it waits while that store is written).
        if isinstance(store, SandboxedStore) and not store.wait_internal(WARM_WAIT_S):
            log.warning("the named answers were not computed at start: the on-disk store is not ready")
            return
        computing = time.perf_counter()
        try:
            targets = graph.catalogue.members(str(SDGO.Target))
        except Exception as error:  # the routes compute answers on demand
            log.warning("the named answers were not computed at start: %s", error)
            return
        written = True
        for target in targets:
            code = (target.id or "").partition(":")[2]
            if not code:
                continue
            body = graph.answers.get(key(code))  # a request may have asked for it already: kept all the same
            if body is None:
                try:
                    body = serialize_answer(
                        FlagshipsForTargetModel, partial(flagships_for_target, graph, code), graph, ENGLISH
                    )
                except Exception as error:
                    log.warning("the named answer for %s was not computed at start: %s", code, error)
                    written = False
                    continue
                graph.answers.put(key(code), body)
            written = _keep(directory / f"{code}.json", body) and written
        if written:
            _keep(directory / ANSWERS_COMPLETE, b"")
        log.info("named answers of %d SDG targets computed in %.1f s", len(targets), time.perf_counter() - computing)

    thread = threading.Thread(target=warm, name="ilokg-warm-answers", daemon=True)
    thread.start()
    return thread


def _keep(path: Path, body: bytes) -> bool:
    """Write a file whole (staged, then renamed); False where the data directory cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staging = path.with_suffix(".tmp")
        staging.write_bytes(body)
        staging.replace(path)
    except OSError as error:
        log.warning("could not keep %s: %s", path, error)
        return False
    return True


async def reload_graph(app: FastAPI) -> bool:
    """Load the current build and swap it in; on failure the graph being served stays. True when swapped."""
    holder: GraphHolder = app.state.graph
    settings: Settings = app.state.settings
    lock: asyncio.Lock = app.state.reload_lock
    async with lock:
        old = holder.current
        latest = current_build(settings.data_dir) if settings.store_kind != "sparql" else None
        if old is not None and latest is not None and latest.build_id == old.build_id:
            log.info("reload: build %s is still the current one", old.build_id)
            return True
        try:
            fresh = await run_in_threadpool(load_graph, settings)
        except Exception as error:
            log.error("reload failed, still serving build %s: %s", old.build_id if old else None, error)
            return False
        if isinstance(fresh.store, SandboxedStore) and fresh.store is not (old.store if old else None):
            # Swap only once the new build's workers answer (from memory, as the old ones do), so that no query
            # that the old build would have served is refused while they start.
            source = MEMORY if settings.query_store == MEMORY else None
            pool = fresh.store.pool
            if not await run_in_threadpool(pool.wait_started, RELOAD_WAIT_S, source):
                log.warning("the new build's query workers were not all ready within %.0f s", RELOAD_WAIT_S)
        holder.replace(fresh)
        log.info("reloaded: now serving build %s", fresh.build_id)
        if old is not None and old.store is not fresh.store:
            retire = getattr(old.store, "retire", None)  # requests holding the old build finish on it
            if retire is not None:
                retire()
        return True


async def prepare_routes(app: FastAPI) -> None:
    """FastAPI prepares each route (its dependencies and response fields) the first time a request is matched
    against it, some 20 ms in all; one request that matches no route prepares them all, so that the first user's
    request does not pay for it."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": PREPARE_PATH,
        "raw_path": PREPARE_PATH.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 0),
        "state": {},
    }

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: object) -> None:
        return None

    try:
        await app(scope, receive, send)
    except Exception as error:  # preparing is an optimisation: a failure only costs the first request its time
        log.warning("the routes were not prepared at start: %s", error)


def listen_for_reload(app: FastAPI) -> None:
    """SIGHUP reloads the current build (only where the server runs in the main thread). Also prepares the routes
    before the first request (see prepare_routes)."""
    app.state.reload_lock = asyncio.Lock()
    tasks: set[asyncio.Task[bool]] = set()
    loop = asyncio.get_running_loop()
    app.state.preparing = loop.create_task(prepare_routes(app))  # kept until done

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
