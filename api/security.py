"""What makes the service safe to expose at the HTTP level: limits, CORS and security headers.

- A request body over `max_body_bytes` is refused (413) before it is read.
- CORS lets any origin read with GET/HEAD, without credentials (the data is public and read-only).
- HTML pages carry a Content-Security-Policy naming no remote origin, and the usual hardening headers.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from starlette.responses import Response

from api.problems import Problem, problem_response
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


def install_security(app: FastAPI, settings: Settings) -> None:
    """Body limit, CORS and the security headers of HTML pages."""

    @app.middleware("http")
    async def limits_and_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        declared = request.headers.get("content-length", "")
        if declared and (not declared.isdigit() or int(declared) > settings.max_body_bytes):
            return problem_response(
                request,
                Problem(
                    413 if declared.isdigit() else 400,
                    "body-too-large" if declared.isdigit() else "invalid-content-length",
                    f"the request body is {declared} bytes; the limit is {settings.max_body_bytes} bytes "
                    "(ILOKG_MAX_BODY_BYTES)",
                ),
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
