"""What makes the service safe to expose at the HTTP level: limits, CORS, security headers and slow clients.

- A request body over `max_body_bytes` is refused (413) before it is read.
- CORS lets any origin read with GET/HEAD, without credentials (the data is public and read-only); a request
  with another method from another origin (a form POST) gets no Access-Control-Allow-Origin, so a page of
  another site cannot read its answer.
- HTML pages carry a Content-Security-Policy naming no remote origin, and the usual hardening headers.
- A client that does not send its request line and headers within `header_timeout_s` is disconnected, so slow
  clients cannot hold connections open (uvicorn has no such deadline of its own).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Protocol

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

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
    app.add_middleware(LimitsAndHeaders, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(
        ReadOnlyCORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD"],
        allow_headers=["Accept", "Accept-Language", "Content-Language"],
        allow_credentials=False,
        expose_headers=["Result-Truncated", "Retry-After", "Link"],
        max_age=3600,
    )


class LimitsAndHeaders:
    """Refuses a request whose declared body is over the limit (or whose Content-Length is not a number) before
    the app reads it, and adds the security headers to each response: all of HTML_HEADERS to an HTML page,
    X-Content-Type-Options to anything else (a header the app set itself is kept).

    Plain ASGI rather than Starlette's `@app.middleware("http")`, which runs the app in a task of its own and
    passes its response through a stream: that costs a tenth of a millisecond or more on every request."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            refusal = problem_response(
                Request(scope),
                Problem(
                    413 if declared.isdigit() else 400,
                    "body-too-large" if declared.isdigit() else "invalid-content-length",
                    f"the request body is {declared} bytes; the limit is {self.max_body_bytes} bytes "
                    "(ILOKG_MAX_BODY_BYTES)",
                ),
            )
            await refusal(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    for name, value in HTML_HEADERS.items():
                        headers.setdefault(name, value)
                else:
                    headers.setdefault("X-Content-Type-Options", "nosniff")
            await send(message)

        await self.app(scope, receive, with_headers)


CROSS_ORIGIN_METHODS = ("GET", "HEAD")


class ReadOnlyCORSMiddleware(CORSMiddleware):
    """CORS for reading only: Starlette's middleware adds Access-Control-Allow-Origin to a simple request of any
    method; here a cross-origin request that is not GET or HEAD (or a preflight) passes without it."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in (*CROSS_ORIGIN_METHODS, "OPTIONS"):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def parser_protocols() -> dict[str, type[asyncio.Protocol]]:
    """uvicorn's HTTP/1.1 protocols that can run here, fastest first: httptools (its C parser) when installed, and
    h11 (pure Python) always."""
    protocols: dict[str, type[asyncio.Protocol]] = {}
    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # httptools is not installed for this Python
        pass
    else:
        protocols["httptools"] = HttpToolsProtocol
    protocols["h11"] = H11Protocol
    return protocols


class _Cycle(Protocol):
    response_complete: bool


if TYPE_CHECKING:

    class _HttpProtocol(asyncio.Protocol):
        """What the deadline reads of uvicorn's two HTTP protocols (they share these names, not a base class)."""

        cycle: _Cycle | None
        loop: asyncio.AbstractEventLoop
        transport: asyncio.Transport

        def on_response_complete(self) -> None: ...

else:
    _HttpProtocol = object


class HeaderDeadline(_HttpProtocol):
    """The deadline for a request's line and headers, mixed into either of uvicorn's HTTP protocols.

    Both protocols make a new request cycle (`cycle`) once a request's headers are all in, and call
    `on_response_complete` when a response has been sent. The deadline runs while the protocol holds no request
    whose response is still to come: from the connection opening, and from each response that leaves nothing
    else in hand (httptools may already have read the next, pipelined request; h11 reads it during
    `on_response_complete`)."""

    header_timeout_s: float
    parser: str  # the name of the parser it runs: httptools or h11
    _deadline: asyncio.TimerHandle | None = None
    _awaiting: object = None  # the request cycle that was current when the wait for headers began

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.cycle is not self._awaiting:  # the headers of a new request are all in
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.cycle is not None and self.cycle.response_complete and not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self._awaiting = self.cycle
        self._deadline = self.loop.call_later(self.header_timeout_s, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if self.cycle is self._awaiting and not self.transport.is_closing():
            log.info("closing a connection that sent no complete request headers within %s s", self.header_timeout_s)
            self.transport.close()


def header_deadline_protocol(seconds: float, parser: str = "auto") -> type[HeaderDeadline]:
    """uvicorn's HTTP/1.1 protocol with `parser` ("auto": httptools when installed, else h11), closing a connection
    whose request line and headers are not all in within `seconds` of the connection opening (or of the last
    response on it). A parser that cannot run here is a LookupError that says what to install."""
    protocols = parser_protocols()
    name = next(iter(protocols)) if parser == "auto" else parser
    if name not in protocols:
        raise LookupError(
            f"the HTTP parser {parser!r} cannot run here: choose one of {', '.join(protocols)} (ILOKG_HTTP_PARSER)"
            + ("; httptools needs `pip install httptools`" if name == "httptools" else "")
        )
    base = protocols[name]
    return type(f"HeaderDeadline{base.__name__}", (HeaderDeadline, base), {"header_timeout_s": seconds, "parser": name})
