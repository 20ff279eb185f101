"""The HTTP service: SPARQL endpoint, questions, paths, export and dereferenceable IRIs."""

from __future__ import annotations

import html
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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

TITLE = "ILO development cooperation knowledge graph"
# The API documentation pages load Swagger UI and ReDoc from the service itself (installed from npm by make, like
# the pages' scripts): the service's Content-Security-Policy lets a page load nothing from another origin.
VENDOR_DIR = Path(__file__).resolve().parent / "static" / "vendor"
SWAGGER_UI = ("swagger-ui/swagger-ui-bundle.js", "swagger-ui/swagger-ui.css")
REDOC = ("redoc/redoc.standalone.js",)


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
        title=TITLE,
        description=(
            "ILO flagship programmes linked to international labour standards, Programme and Budget results "
            "and the SDGs, each link with the document, line and quote that state it, or the rule and "
            "premises it is derived from. Errors are application/problem+json (RFC 9457)."
        ),
        version="1.0",
        lifespan=lifespan,
        docs_url=None,  # served by install_docs, from the service's own files
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.graph = holder
    app.state.network = network
    install_problem_handlers(app, problem_page)
    install_security(app, settings)
    for area in (health, sparql, questions, paths, resources, export):
        app.include_router(area.router)
    install_pages(app)  # the HTML pages and their static files
    install_docs(app)
    app.add_middleware(HeadAsGet)  # outermost: HEAD is routed as GET everywhere
    return app


class HeadAsGet:
    """HEAD answers wherever GET does (RFC 9110, 9.3.2): routed as GET, with GET's headers and no body.

    FastAPI routes declared for GET answer HEAD with 405; this is the one place that makes them all answer it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def install_docs(app: FastAPI) -> None:
    """/docs (Swagger UI) and /redoc (ReDoc) over /openapi.json, their scripts served from /static/vendor; where
    those are not installed, each page says so and links the OpenAPI document itself."""

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        if not all((VENDOR_DIR / name).is_file() for name in SWAGGER_UI):
            return _docs_missing("Swagger UI")
        return _docs_page(
            "API explorer",
            '<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">',
            '<div id="swagger-ui" data-openapi="/openapi.json"></div>\n'
            '<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>\n'
            '<script src="/static/js/api-docs.js"></script>',
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        if not all((VENDOR_DIR / name).is_file() for name in REDOC):
            return _docs_missing("ReDoc")
        return _docs_page(
            "API reference",
            "",
            '<redoc spec-url="/openapi.json" disable-search="true"></redoc>\n'
            '<script src="/static/vendor/redoc/redoc.standalone.js"></script>',
        )


def _docs_page(heading: str, head: str, body: str) -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(heading)} – {html.escape(TITLE)}</title>\n"
        f'<link rel="icon" href="/static/favicon.svg">\n{head}\n</head>\n<body>\n'
        "<noscript><p>This page needs JavaScript. The API is described without it in "
        '<a href="/openapi.json">/openapi.json</a> (OpenAPI 3).</p></noscript>\n'
        f"{body}\n</body>\n</html>\n"
    )


def _docs_missing(viewer: str) -> HTMLResponse:
    return _docs_page(
        "API description",
        "",
        f"<main><h1>API description</h1><p>{viewer} is not installed with this service: make installs it from the "
        "npm registry with the pages' scripts (it needs npm). The API is described in "
        '<a href="/openapi.json">/openapi.json</a> (OpenAPI 3), which any OpenAPI viewer reads.</p></main>',
    )
