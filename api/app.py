"""The HTTP service: SPARQL endpoint, questions, paths, export and dereferenceable IRIs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from api.pages import install_pages
from api.problems import install_problem_handlers
from api.routes import export, health, paths, questions, resources, sparql
from api.routes.dependencies import GraphHolder, LoadedGraph
from api.security import close_graph, install_security, listen_for_reload
from graph.build import BuildError, build, current_build
from graph.ids import IdScheme
from graph.reference import read_sdg_indicator_iris
from graph.sandbox import sandbox_store
from graph.settings import Settings, get_settings
from graph.store import GraphStore, OxigraphStore, StoreUnavailable, connect

log = logging.getLogger(__name__)


def load_graph(settings: Settings, store: GraphStore | None = None) -> LoadedGraph:
    """Open the store of the current build (building one first when there is none)."""
    if store is None:
        if settings.store_kind != "sparql" and current_build(settings.data_dir) is None:
            log.warning("no build in the data directory yet: building the graph from the seeds")
            build(settings)
        store = connect(settings)
        if isinstance(store, OxigraphStore) and settings.sandbox_queries:
            store = sandbox_store(store, settings)  # users' SPARQL runs in killable workers
    ids = IdScheme(settings.base_iri, read_sdg_indicator_iris(settings.seeds_dir))
    return LoadedGraph.open(store, ids, settings)


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    """The service over `store`, or over the store of the current build in `settings.data_dir`."""
    settings = settings or get_settings()
    holder = GraphHolder()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            holder.replace(await run_in_threadpool(load_graph, settings, store))
        except (BuildError, StoreUnavailable, OSError, ValueError) as error:
            # The service still starts, so that /health can say why it is not ready.
            log.error("the graph could not be loaded: %s", error)
            holder.replace(None, f"the graph could not be loaded: {error}")
        listen_for_reload(app)
        yield
        await run_in_threadpool(close_graph, app)

    app = FastAPI(
        title="ILO development cooperation knowledge graph",
        description=(
            "ILO flagship programmes linked to international labour standards, Programme and Budget results "
            "and the SDGs, each link with the document, line and quote that state it, or the rule and "
            "premises it is derived from. Errors are application/problem+json (RFC 9457)."
        ),
        version="1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.graph = holder
    install_problem_handlers(app)
    install_security(app, settings)
    for area in (health, sparql, questions, paths, resources, export):
        app.include_router(area.router)
    install_pages(app)  # the HTML pages and their static files
    return app
