"""Every error as an RFC 9457 problem: application/problem+json with type, title, status and detail."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.paths import PathBoundExceeded
from graph.questions import UnknownResource
from graph.store import RemoteStoreError, RemoteTimeout, StoreUnavailable

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://w3id.org/ilokg/problems/"

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
    """Raise to answer with a problem; `kind` names it under PROBLEM_TYPE_BASE."""

    def __init__(
        self,
        status: int,
        kind: str,
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
        self.title = title or HTTPStatus(status).phrase
        self.headers = headers
        self.extra = extra


def problem_response(
    request: Request | None,
    status: int,
    detail: str,
    *,
    kind: str | None = None,
    title: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem+json response."""
    body = ProblemDetail(
        type=PROBLEM_TYPE_BASE + kind if kind else "about:blank",
        title=title or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path if request is not None else None,
        **extra,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, media_type=PROBLEM_JSON, headers=headers
    )


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


def _validation_detail(error: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body"))
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid"))


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error (ours, HTTP, validation and unexpected ones) as problem+json."""

    async def on_problem(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, Problem)
        return problem_response(
            request,
            error.status,
            error.detail,
            kind=error.kind,
            title=error.title,
            headers=error.headers,
            **error.extra,
        )

    async def on_http(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        detail = error.detail if isinstance(error.detail, str) else str(error.detail)
        if error.status_code == 404 and detail == "Not Found":
            detail = f"there is no route {request.url.path}; the routes are listed at /docs and /openapi.json"
        elif error.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
        return problem_response(request, error.status_code, detail, headers=getattr(error, "headers", None))

    async def on_validation(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        errors = [
            {"parameter": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
            for e in error.errors()
        ]
        detail = "; ".join(_validation_detail(e) for e in error.errors()) or "the request is invalid"
        return problem_response(request, 422, detail, kind="invalid-parameter", errors=errors)

    async def on_unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem_response(
            request,
            500,
            "the service failed to answer this request; it has been logged. Try again, or report the request",
            kind="internal-error",
        )

    async def on_unknown(request: Request, error: Exception) -> JSONResponse:
        return problem_response(request, 404, str(error.args[0] if error.args else error), kind="unknown-resource")

    async def on_too_wide(request: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, PathBoundExceeded)
        return problem_response(request, 400, str(error), kind="search-too-wide", bound=error.limit)

    async def on_store_unavailable(request: Request, error: Exception) -> JSONResponse:
        return problem_response(request, 503, str(error), kind="store-unavailable", headers={"Retry-After": "30"})

    async def on_remote_store(request: Request, error: Exception) -> JSONResponse:
        # The SPARQL server behind the service (ILOKG_STORE_KIND=sparql) failed or ran out of time.
        if isinstance(error, RemoteTimeout):
            return problem_response(request, 504, str(error), kind="query-timeout")
        return problem_response(request, 502, str(error), kind="store-error")

    app.add_exception_handler(StoreUnavailable, on_store_unavailable)
    app.add_exception_handler(RemoteStoreError, on_remote_store)
    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(UnknownResource, on_unknown)
    app.add_exception_handler(PathBoundExceeded, on_too_wide)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_unexpected)
