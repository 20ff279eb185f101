"""HTTP as the README promises it, on `ilokg serve` in its own process on 127.0.0.1: HEAD wherever GET answers,
CORS for reading only, `Cache-Control: no-store` on every error, and a deadline for a request's headers."""

from __future__ import annotations

import json
import os
import re
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import SessionBuild
from tests.live import stop_server, wait_for_health

HEADER_TIMEOUT_S = 1.0
SLACK_S = 1.5
MAX_BODY = 10_000
ORIGIN = {"Origin": "https://elsewhere.example"}

# A value for the path parameters of each GET route; a route not named here gets "x" for each parameter and must
# still answer HEAD as it answers GET.
EXAMPLES = {
    "/sdg/targets/{code}/flagships": "/sdg/targets/8.7/flagships",
    "/flagships/{id}": "/flagships/ipec-plus",
    "/instruments/{id}": "/instruments/C182",
    "/bienniums/{biennium}": "/bienniums/2022-23",
    "/bienniums/{biennium}/{kind}": "/bienniums/2022-23/outputs",
    "/bienniums/{biennium}/{kind}/{code}": "/bienniums/2022-23/outputs/1.1",
    "/sdg/{kind}": "/sdg/targets",
    "/sdg/{kind}/{code}": "/sdg/targets/8.7",
    "/resources/{id}/neighbourhood": "/resources/C182/neighbourhood",
    "/id/{kind}/{local}": "/id/flagship/ipec-plus",
    "/resources/{id}": "/resources/C182",
    "/documents/{key}": "/documents/gb325-pol7",
}
QUERIES = {
    "/sparql": "?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
    "/paths": "?from=C182&to=8.7",
    "/path": "?from=C182&to=8.7",
    "/search": "?q=IPEC",
    "/questions/flagships-for-target": "?target=8.7",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Served:
    url: str
    log: Path  # what `ilokg serve` wrote to stderr


@contextmanager
def serving(session_build: SessionBuild, log: Path, **environment: str) -> Iterator[Served]:
    """`ilokg serve` over the session build, with a one-second deadline for request headers."""
    port = _free_port()
    env = {
        **os.environ,
        "ILOKG_SEEDS_DIR": str(session_build.settings.seeds_dir),
        "ILOKG_DATA_DIR": str(session_build.settings.data_dir),
        "ILOKG_HEADER_TIMEOUT_S": str(HEADER_TIMEOUT_S),
        "ILOKG_MAX_BODY_BYTES": str(MAX_BODY),
        "ILOKG_QUERY_WORKERS": "1",
        **environment,
    }
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=Path(__file__).resolve().parents[2],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process)
    except AssertionError as error:
        process.kill()
        raise RuntimeError(f"{error}: {log.read_text()[-2000:]}") from error
    try:
        yield Served(url, log)
    finally:
        stop_server(process)


@pytest.fixture(scope="module")
def served(session_build: SessionBuild, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The server with its defaults (httptools and uvloop, both dependencies of the package)."""
    with serving(session_build, tmp_path_factory.mktemp("default") / "stderr.log") as running:
        yield running


@pytest.fixture(scope="module")
def server(served: Served) -> str:
    return served.url


@pytest.fixture(scope="module")
def served_pure_python(session_build: SessionBuild, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The server on the parser and loop it falls back to where httptools and uvloop cannot be installed."""
    log = tmp_path_factory.mktemp("h11") / "stderr.log"
    with serving(session_build, log, ILOKG_HTTP_PARSER="h11", ILOKG_EVENT_LOOP="asyncio") as running:
        yield running


@pytest.fixture(params=["httptools", "h11"])
def any_parser(request: pytest.FixtureRequest) -> str:
    """The deadline tests run on both of uvicorn's parsers, each server saying at start which one it runs."""
    running: Served = request.getfixturevalue("served" if request.param == "httptools" else "served_pure_python")
    assert f"HTTP parser {request.param}," in running.log.read_text()
    return running.url


def test_the_server_runs_the_c_parser_and_event_loop_by_default(served: Served) -> None:
    assert "ilokg: HTTP parser httptools, event loop uvloop" in served.log.read_text()


@pytest.fixture(scope="module")
def http(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


def get_routes(http: httpx.Client) -> list[str]:
    """A URL for every GET route of the OpenAPI document, and the pages and files it leaves out."""
    paths = http.get("/openapi.json").json()["paths"]
    urls = []
    for template, operations in paths.items():
        if "get" not in operations:
            continue
        path = EXAMPLES.get(template) or re.sub(r"\{[^}]+\}", "x", template)
        urls.append(path + QUERIES.get(template, ""))
    return [*urls, "/openapi.json", "/docs", "/redoc", "/static/css/site.css", "/no/such/page"]


# ------------------------------------------------------------------ HEAD


def test_head_answers_wherever_get_does_with_gets_headers_and_no_body(http: httpx.Client) -> None:
    routes = get_routes(http)
    assert len(routes) > 25
    for url in routes:
        got = http.get(url)
        head = http.head(url)
        assert head.status_code == got.status_code, (url, head.status_code, got.status_code)
        assert head.content == b"", url
        assert head.headers.get("content-type") == got.headers.get("content-type"), url
        if "content-length" in got.headers:
            assert head.headers["content-length"] == str(len(got.content)), url
        assert head.headers.get("etag") == got.headers.get("etag"), url


# ------------------------------------------------------------------ CORS


def test_cors_lets_other_origins_read_with_get_and_head_only(http: httpx.Client) -> None:
    query = {"query": "ASK { ?s ?p ?o }"}
    for response in (http.get("/sparql", params=query, headers=ORIGIN), http.head("/health", headers=ORIGIN)):
        assert response.headers["access-control-allow-origin"] == "*"
        assert "access-control-allow-credentials" not in response.headers
    # A form POST from another site's page: the service answers it (SPARQL allows POST), but no CORS header
    # lets that page's script read the answer.
    posted = http.post("/sparql", data=query, headers=ORIGIN)
    assert posted.status_code == 200
    assert "access-control-allow-origin" not in posted.headers
    preflight = http.options(
        "/sparql", headers={**ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "x"}
    )
    assert preflight.status_code == 400
    assert "POST" not in preflight.headers.get("access-control-allow-methods", "")


# ------------------------------------------------------------------ errors are not cached


@pytest.mark.parametrize(
    "method, url, kwargs, status",
    [
        ("GET", "/no/such/page", {}, 404),
        ("GET", "/sparql", {"params": {"query": "SELEC ?x {}"}}, 400),
        ("GET", "/sparql", {"params": {"query": "ASK {}"}, "headers": {"Accept": "image/png"}}, 406),
        ("DELETE", "/sparql", {}, 405),
        ("POST", "/sparql", {"content": b"x" * (MAX_BODY + 1)}, 413),
        ("GET", "/paths", {"params": {"from": "C182", "to": "8.7", "max_length": "999"}}, 422),
        ("GET", "/no/such/page", {"headers": {"Accept": "text/html"}}, 404),
        ("HEAD", "/no/such/page", {}, 404),
    ],
)
def test_every_error_says_no_store(
    http: httpx.Client, method: str, url: str, kwargs: dict[str, object], status: int
) -> None:
    response = http.request(method, url, **kwargs)  # type: ignore[arg-type]
    assert response.status_code == status, response.text[:300]
    assert response.headers["cache-control"] == "no-store"


# ------------------------------------------------------------------ a deadline for request headers


def _read_response(connection: socket.socket) -> bytes:
    """One whole response (headers and the Content-Length bytes of its body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += connection.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        body += connection.recv(4096)
    return head + b"\r\n\r\n" + body


def _closed_after(connection: socket.socket) -> float:
    """Seconds until the server closes `connection` (reading nothing but the end of the stream)."""
    started = time.monotonic()
    connection.settimeout(HEADER_TIMEOUT_S + 10)
    assert connection.recv(1024) == b""
    return time.monotonic() - started


def test_a_client_that_sends_half_a_request_line_is_cut_off_while_others_are_served(any_parser: str) -> None:
    server = any_parser
    port = int(server.rsplit(":", 1)[1])
    served: list[int] = []

    def others() -> None:
        with httpx.Client(base_url=server, timeout=10) as client:
            for _ in range(5):
                served.append(client.get("/health").status_code)

    with socket.create_connection(("127.0.0.1", port), timeout=5) as slow:
        slow.sendall(b"GET /health HT")
        other = threading.Thread(target=others)
        other.start()
        waited = _closed_after(slow)
        other.join(timeout=30)
    assert HEADER_TIMEOUT_S - 0.1 <= waited < HEADER_TIMEOUT_S + SLACK_S
    assert served == [200] * 5


def test_headers_sent_byte_by_byte_are_cut_off_at_the_deadline(any_parser: str) -> None:
    """The deadline counts from the connection's start: a client that keeps trickling bytes does not extend it."""
    port = int(any_parser.rsplit(":", 1)[1])
    request = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 200
    closed_after: float | None = None
    with socket.create_connection(("127.0.0.1", port), timeout=5) as slow:
        started = time.monotonic()
        for byte in request:  # 20 bytes a second: the whole request would take over 12 s
            try:
                slow.sendall(bytes([byte]))
                readable, _, _ = select.select([slow], [], [], 0.05)
                if readable and slow.recv(1024) == b"":
                    closed_after = time.monotonic() - started
                    break
            except OSError:  # reset: the server closed the connection before this byte
                closed_after = time.monotonic() - started
                break
    assert closed_after is not None, "the server kept a connection that trickled its headers"
    assert HEADER_TIMEOUT_S - 0.1 <= closed_after < HEADER_TIMEOUT_S + SLACK_S


def test_the_deadline_starts_again_after_each_response_on_a_kept_alive_connection(any_parser: str) -> None:
    port = int(any_parser.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(HEADER_TIMEOUT_S / 3)  # slow, but within the deadline: served
        connection.sendall(b"\r\n")
        assert _read_response(connection).startswith(b"HTTP/1.1 200 ")
        connection.sendall(b"GET /hea")  # the next request never completes
        assert _closed_after(connection) < HEADER_TIMEOUT_S + SLACK_S


def test_a_pipelined_request_whose_body_is_slow_is_not_cut_off(any_parser: str) -> None:
    """The deadline is for headers: once a request's headers are in (here pipelined behind another request, which
    httptools reads before the first is answered) it does not run, however long the body takes."""
    port = int(any_parser.rsplit(":", 1)[1])
    body = b"query=ASK%20%7B%7D"
    pipelined = (
        b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=HEADER_TIMEOUT_S + 10) as connection:
        connection.sendall(pipelined)
        assert _read_response(connection).startswith(b"HTTP/1.1 200 ")
        started = time.monotonic()
        for byte in body:  # the body over twice the deadline
            connection.sendall(bytes([byte]))
            time.sleep(2 * HEADER_TIMEOUT_S / len(body))
        assert time.monotonic() - started > HEADER_TIMEOUT_S + 0.5
        answer = _read_response(connection)
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert json.loads(answer.partition(b"\r\n\r\n")[2])["boolean"] is True
