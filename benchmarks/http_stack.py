"""The fixed cost of a request on each HTTP stack uvicorn can run: h11 with asyncio's loop, httptools with uvloop.

    python -m benchmarks.http_stack [--runs 400] [--warmup 30] [--against REV]

Two `ilokg serve` processes on 127.0.0.1 over the current build, one per stack (ILOKG_HTTP_PARSER,
ILOKG_EVENT_LOOP), beside pyoxigraph in this process (the floor). `--against REV` adds a third, the project as
it was at the git revision REV (exported to a temporary directory, run on httptools + uvloop by this Python),
so that a change is measured against what it replaces in the same run; REV must read the current build.
Each round sends, in a shuffled order, one request of each case to each server and runs the floor once, so
that the machine's other work falls on all of them alike: `ASK {}` computed by a worker (Cache-Control:
no-cache), the same ASK answered from the result cache; each sent by httpx (the client of benchmarks.run) and
by a bare socket (one request line and its headers, the response read by its Content-Length), which leaves the
client's own cost out. Prints p50 and p95 per case and server, as a Markdown table.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlencode

import httpx

from api.lifecycle import ANSWERS_COMPLETE, answers_directory
from benchmarks.run import (
    FLOOR,
    SPARQL_JSON,
    Server,
    Timing,
    free_port,
    ours_command,
    raw_oxigraph,
    running,
    sparql_over_http,
    start_server,
    wait_for_file,
    wait_for_workers,
)
from graph.build.directory import current_build
from graph.settings import PROJECT_DIR, Settings
from graph.store.embedded import OxigraphStore

ASK = "ASK {}"
STACKS = {"h11 + asyncio": ("h11", "asyncio"), "httptools + uvloop": ("httptools", "uvloop")}
Column = tuple[str, str, Path]  # parser, event loop, the project's directory
COMPUTED = "`ASK {}`, computed by a worker (no-cache)"
CACHED = "`ASK {}` repeated (result cache)"
CLIENTS = ("httpx", "socket")


def start(column: Column, settings: Settings, timeout_s: float) -> Server:
    parser, loop, directory = column
    env = {k: v for k, v in os.environ.items() if not k.startswith("ILOKG_")}
    env.update(ILOKG_DATA_DIR=str(settings.data_dir), ILOKG_HTTP_PARSER=parser, ILOKG_EVENT_LOOP=loop)
    port = free_port()
    server = start_server(ours_command(port, None), env, "/health", port, timeout_s=timeout_s, cwd=directory)
    with httpx.Client(timeout=10) as client:
        wait_for_workers(client, server.url, "memory", timeout_s)
    return server


def export_revision(revision: str, into: Path) -> str:
    """The project's files at `revision` written under `into`; returns the revision's short commit id."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", f"{revision}^{{commit}}"], cwd=PROJECT_DIR, check=True, capture_output=True
    ).stdout.decode()
    archive = subprocess.run(["git", "archive", commit.strip()], cwd=PROJECT_DIR, check=True, capture_output=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(into, filter="data")
    return commit.strip()


def received(connection: socket.socket) -> bytes:
    data = connection.recv(65536)
    if not data:
        raise ConnectionError("the server closed the connection")
    return data


def over_socket(connection: socket.socket, path: str, fresh: bool) -> Callable[[], object]:
    """One GET on a kept-alive connection, written and read with no HTTP library."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: {SPARQL_JSON}\r\n"
        + ("Cache-Control: no-cache\r\n" if fresh else "")
        + "\r\n"
    ).encode("ascii")

    def run() -> object:
        connection.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            data += received(connection)
        head, _, body = data.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200 "):
            raise RuntimeError(head.decode("latin-1"))
        length = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
        if length is None:
            raise RuntimeError(f"no Content-Length: {head.decode('latin-1')}")
        while len(body) < int(length.group(1)):
            body += received(connection)
        return body

    return run


def main(argv: list[str] | None = None) -> int:
    top = argparse.ArgumentParser(prog="python -m benchmarks.http_stack", description=__doc__.split("\n\n")[0])
    top.add_argument("--runs", type=int, default=400, help="timed rounds (default 400)")
    top.add_argument("--warmup", type=int, default=30, help="untimed rounds first (default 30)")
    top.add_argument("--against", metavar="REV", help="also serve the project as it was at this git revision")
    args = top.parse_args(argv)
    settings = Settings()
    if current_build(settings.data_dir) is None:
        subprocess.run([sys.executable, "-m", "api.cli", "build"], check=True)
    build = current_build(settings.data_dir)
    assert build is not None
    floor = OxigraphStore.in_memory(build)
    cases: dict[tuple[str, str, str], Callable[[], object]] = {(COMPUTED, FLOOR, ""): raw_oxigraph(floor.oxigraph, ASK)}
    triples = int(str(build.manifest["triples"]))
    with ExitStack() as servers, httpx.Client(timeout=30) as client:
        columns: dict[str, Column] = {}
        if args.against:
            old = Path(servers.enter_context(tempfile.TemporaryDirectory(prefix="ilokg-against-")))
            columns[f"{export_revision(args.against, old)}, httptools + uvloop"] = (
                *STACKS["httptools + uvloop"],
                old,
            )
        columns.update((stack, (*STACKS[stack], PROJECT_DIR)) for stack in STACKS)
        up: dict[str, Server] = {}
        for stack, column in columns.items():  # one at a time: a build's first start writes its store and answers
            server = up[stack] = servers.enter_context(running(start(column, settings, 600)))
            wait_for_file(answers_directory(settings, build.build_id) / ANSWERS_COMPLETE, 600)
            said = [line for line in server.log.read_text().splitlines() if line.startswith("ilokg: HTTP parser")]
            print(f"{stack}: {said[0] if said else 'the server did not say which stack it runs'}")
        # Connected once all are up: a connection that waits longer than the header deadline is closed.
        for stack, server in up.items():
            sparql = f"{server.url}/sparql"
            connection = servers.enter_context(
                socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1])), timeout=30)
            )
            path = "/sparql?" + urlencode({"query": ASK})
            for case, fresh in ((COMPUTED, True), (CACHED, False)):
                cases[(case, stack, "httpx")] = sparql_over_http(client, sparql, ASK, 30, fresh=fresh)
                cases[(case, stack, "socket")] = over_socket(connection, path, fresh)
        timings = {key: Timing(key[0], key[1], "seed", triples) for key in cases}
        order = list(cases)
        shuffle = random.Random(0).shuffle
        for round_ in range(args.warmup + args.runs):
            shuffle(order)
            for key in order:
                started = time.perf_counter()
                cases[key]()
                if round_ >= args.warmup:
                    timings[key].samples.append(time.perf_counter() - started)
    print(f"\nseed build, {triples:,} triples; {args.runs} rounds after {args.warmup} untimed, shuffled each round\n")
    print(f"| case (p50 / p95 ms) | client | {FLOOR} | " + " | ".join(columns) + " |")
    print("|---|---|---|" + "---|" * len(columns))
    for case in (COMPUTED, CACHED):
        for client_name in CLIENTS:
            cells = [timings.get((case, FLOOR, "")) if case == COMPUTED and client_name == CLIENTS[0] else None]
            cells += [timings[(case, stack, client_name)] for stack in columns]
            text = [f"{t.median_ms:.2f} / {t.p95_ms:.2f}" if t and t.median_ms is not None else "" for t in cells]
            print(f"| {case} | {client_name} | " + " | ".join(text) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
