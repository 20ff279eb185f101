"""The HTTP service: SPARQL endpoint, questions, paths, export and dereferenceable IRIs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from api.lifecycle import close_graph, listen_for_reload, load_graph
from api.pages import install_pages, problem_page
from api.problems import install_problem_handlers
from api.routes import export, health, paths, questions, resources, sparql
from api.routes.dependencies import GraphHolder
from api.security import install_security
from graph.build.seeds import BuildError
from graph.settings import Settings, get_settings
from graph.store.base import GraphStore, StoreUnavailable
from graph.store.isolation import Isolation

log = logging.getLogger(__name__)


def create_app(
    settings: Settings | None = None, store: GraphStore | None = None, network: Isolation = Isolation.OFF
) -> FastAPI:
    """The service over `store`, or over the store of the current build in `settings.data_dir`.

    `network` says whether the process left the network (`ilokg serve` does, once it listens), for /health."""
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
    app.state.network = network
    install_problem_handlers(app, problem_page)
    install_security(app, settings)
    for area in (health, sparql, questions, paths, resources, export):
        app.include_router(area.router)
    install_pages(app)  # the HTML pages and their static files
    return app
