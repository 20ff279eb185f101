"""Every error as an RFC 9457 problem, mapped in one table: application/problem+json for programs, an HTML page
for a browser. Every error response says `Cache-Control: no-store`."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from api.negotiation import wants_html
from graph.read.asking import QuestionTextError
from graph.read.catalogue import ArgumentError
from graph.read.paths import PathBoundExceeded
from graph.read.questions import UnknownResource
from graph.store.base import QuerySyntaxError, RemoteStoreError, RemoteTimeout, StoreUnavailable
from graph.store.reader import QueryRefused, RefusalReason
from graph.store.sandbox import QueryBusy, QueryFailed, QueryTimeout
from graph.terms import InvalidTerm

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://w3id.org/ilokg/problems/"
ERROR_HEADERS = {"Cache-Control": "no-store"}

log = logging.getLogger(__name__)


class ProblemDetail(BaseModel):
    """An RFC 9457 problem details object."""

    type: str = Field("about:blank", description="A URI naming the kind of problem.")
    title: str = Field(description="A short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong with this request and what to do about it.")
    instance: str | None = Field(None, description="The request path.")
    errors: list[dict[str, Any]] | None = Field(None, description="Each invalid parameter (validation problems).")
    available: list[str] | None = Field(None, description="The media types that can be sent (406 problems).")
    bound: int | None = Field(None, description="The bound a request went over (bound problems).")


class Problem(Exception):
    """An error answered as a problem; `kind` names it under PROBLEM_TYPE_BASE (None: about:blank)."""

    def __init__(
        self,
        status: int,
        kind: str | None,
        detail: str,
        *,
        title: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.detail = detail
        self.title = title
        self.headers = headers or {}
        self.extra = extra


# Refusals of the reader: updates are 403 like the rest of the read-only endpoint, the others 400.
_REFUSAL_STATUS = {RefusalReason.UPDATE: 403}


def _refused(error: QueryRefused) -> Problem:
    return Problem(_REFUSAL_STATUS.get(error.reason, 400), error.reason.value, error.message)


def _retry(seconds: float) -> dict[str, str]:
    return {"Retry-After": str(max(1, round(seconds)))}


def _validation(error: RequestValidationError) -> Problem:
    errors = [
        {"parameter": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")} for e in error.errors()
    ]
    detail = "; ".join(_validation_detail(e) for e in error.errors()) or "the request is invalid"
    return Problem(422, "invalid-parameter", detail, errors=errors)


def _validation_detail(error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body"))
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid"))


def _http(error: StarletteHTTPException, request: Request) -> Problem:
    detail = error.detail if isinstance(error.detail, str) else str(error.detail)
    if error.status_code == 404 and detail == "Not Found":
        detail = f"there is no page or route {request.url.path}; the routes are listed at /docs and /openapi.json"
    elif error.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
    return Problem(error.status_code, None, detail, headers=dict(getattr(error, "headers", None) or {}))


# The one table: each kind of error, and the problem it is answered with (the most specific class first).
ERROR_TABLE: list[tuple[type[Exception], Callable[[Any, Request], Problem]]] = [
    (Problem, lambda e, _: e),
    (QueryRefused, lambda e, _: _refused(e)),
    (QuerySyntaxError, lambda e, _: Problem(400, "query-syntax", f"the query does not parse: {e}")),
    (QueryTimeout, lambda e, _: Problem(503, "query-timeout", str(e), headers=_retry(e.deadline_s))),
    (QueryBusy, lambda e, _: Problem(503, "busy", str(e), headers=_retry(e.retry_after_s))),
    (QueryFailed, lambda e, _: Problem(422, "query-failed", str(e))),
    (InvalidTerm, lambda e, _: Problem(400, "invalid-iri", str(e))),
    (UnknownResource, lambda e, _: Problem(404, "unknown-resource", str(e.args[0] if e.args else e))),
    (ArgumentError, lambda e, _: Problem(400, "invalid-parameter", str(e))),
    (QuestionTextError, lambda e, _: Problem(400, "invalid-question", str(e))),
    (PathBoundExceeded, lambda e, _: Problem(422, "bound-exceeded", str(e), bound=e.limit)),
    (StoreUnavailable, lambda e, _: Problem(503, "store-unavailable", str(e), headers=_retry(30))),
    # The SPARQL server behind the service (ILOKG_STORE_KIND=sparql) ran out of time, or failed.
    (RemoteTimeout, lambda e, _: Problem(504, "query-timeout", str(e))),
    (RemoteStoreError, lambda e, _: Problem(502, "store-error", str(e))),
    (RequestValidationError, lambda e, _: _validation(e)),
    (StarletteHTTPException, _http),
]


def problem_for(error: Exception, request: Request) -> Problem:
    """The problem an error is answered with (500 for what the table does not name)."""
    for kind, make in ERROR_TABLE:
        if isinstance(error, kind):
            return make(error, request)
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    return Problem(
        500,
        "internal-error",
        "the service failed to answer this request; it has been logged. Try again, or report the request",
    )


def problem_response(request: Request | None, found: Problem) -> JSONResponse:
    """A problem as application/problem+json."""
    body = ProblemDetail(
        type=PROBLEM_TYPE_BASE + found.kind if found.kind else "about:blank",
        title=found.title or HTTPStatus(found.status).phrase,
        status=found.status,
        detail=found.detail,
        instance=request.url.path if request is not None else None,
        **found.extra,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True),
        status_code=found.status,
        media_type=PROBLEM_JSON,
        headers={**ERROR_HEADERS, **found.headers},
    )


HtmlRenderer = Callable[[Request, Problem], Response]

# Responses every route may give, for the OpenAPI document.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": ProblemDetail, "description": "A parameter is invalid", "content": {PROBLEM_JSON: {}}},
    503: {"model": ProblemDetail, "description": "The graph is not loaded", "content": {PROBLEM_JSON: {}}},
}


def problem_doc(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for routes that answer with these problem statuses too."""
    out = dict(PROBLEM_RESPONSES)
    for status in statuses:
        out[status] = {"model": ProblemDetail, "description": HTTPStatus(status).phrase, "content": {PROBLEM_JSON: {}}}
    return out


def install_problem_handlers(app: FastAPI, render_html: HtmlRenderer | None = None) -> None:
    """Answer every error through ERROR_TABLE: an HTML page when a browser asks for one, else problem+json."""

    async def on_error(request: Request, error: Exception) -> Response:
        found = problem_for(error, request)
        if render_html is not None and wants_html(request.headers.get("accept")):
            page = render_html(request, found)
            for name, value in {**ERROR_HEADERS, **found.headers}.items():
                page.headers[name] = value
            return page
        return problem_response(request, found)

    handler: Callable[[Request, Exception], Awaitable[Response]] = on_error
    for kind, _ in ERROR_TABLE:
        app.add_exception_handler(kind, handler)
    app.add_exception_handler(Exception, handler)
