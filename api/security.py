"""What makes the service safe to expose: limits, CORS, security headers, query problems, reload.

- A request body over `max_body_bytes` is refused (413) before it is read.
- CORS lets any origin read with GET/HEAD, without credentials (the data is public and read-only).
- HTML pages carry a Content-Security-Policy naming no remote origin, and the usual hardening headers.
- The refusals and limits of the guard and the sandbox become RFC 9457 problems:
  400 for a query the service will not run (403 for updates), 503 with Retry-After when
  the query ran past its deadline or every query slot is taken, 422 when the engine could not evaluate it.
- `reload_graph` swaps in the current build (SIGHUP does it): a failed load leaves the old graph serving.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api.problems import problem_response
from graph.guard import QueryRefused, RefusalReason
from graph.sandbox import QueryBusy, QueryFailed, QueryTimeout
from graph.settings import Settings

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HTML_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# (status, problem kind) of each refusal; updates are 403 like the rest of the read-only endpoint.
REFUSAL_PROBLEMS: dict[RefusalReason, tuple[int, str]] = {
    RefusalReason.TOO_LONG: (400, "query-too-long"),
    RefusalReason.TOO_DEEP: (400, "query-too-deep"),
    RefusalReason.SERVICE: (400, "service-refused"),
    RefusalReason.UPDATE: (403, "read-only"),
    RefusalReason.UNKNOWN_GRAPH: (400, "unknown-graph"),
    RefusalReason.SYNTAX: (400, "query-syntax"),
}


def install_security(app: FastAPI, settings: Settings) -> None:
    """Body limit, CORS, HTML security headers and the problems of refused or stopped queries."""

    @app.middleware("http")
    async def limits_and_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        declared = request.headers.get("content-length", "")
        if declared and (not declared.isdigit() or int(declared) > settings.max_body_bytes):
            return problem_response(
                request,
                413 if declared.isdigit() else 400,
                f"the request body is {declared} bytes; the limit is {settings.max_body_bytes} bytes "
                "(ILOKG_MAX_BODY_BYTES)",
                kind="body-too-large" if declared.isdigit() else "invalid-content-length",
            )
        response = await call_next(request)
        if response.headers.get("content-type", "").startswith("text/html"):
            for name, value in HTML_HEADERS.items():
                response.headers.setdefault(name, value)
        else:
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD"],
        allow_headers=["Accept", "Accept-Language", "Content-Language"],
        allow_credentials=False,
        expose_headers=["Result-Truncated", "Retry-After", "Link"],
        max_age=3600,
    )

    async def on_refused(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, QueryRefused)
        status, kind = REFUSAL_PROBLEMS[error.reason]
        return problem_response(request, status, error.message, kind=kind)

    async def on_timeout(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, QueryTimeout)
        retry = str(max(1, round(error.deadline_s)))
        return problem_response(request, 503, str(error), kind="query-timeout", headers={"Retry-After": retry})

    async def on_busy(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, QueryBusy)
        headers = {"Retry-After": str(error.retry_after_s)}
        return problem_response(request, 503, str(error), kind="busy", headers=headers)

    async def on_failed(request: Request, error: Exception) -> JSONResponse:
        return problem_response(request, 422, str(error), kind="query-failed")

    app.add_exception_handler(QueryRefused, on_refused)
    app.add_exception_handler(QueryTimeout, on_timeout)
    app.add_exception_handler(QueryBusy, on_busy)
    app.add_exception_handler(QueryFailed, on_failed)


# ------------------------------------------------------------------ reload


async def reload_graph(app: FastAPI) -> bool:
    """Load the current build and swap it in; on failure the graph being served stays. True when swapped."""
    from api.app import load_graph
    from api.routes.dependencies import GraphHolder

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
