"""A real uvicorn on 127.0.0.1 serving an app in a thread of this process, for the tests that speak HTTP; and the
wait for, and the stop of, a server the tests started as a process of its own."""

from __future__ import annotations

import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI


@contextmanager
def running(app: FastAPI, start_timeout_s: float = 60.0) -> Iterator[str]:
    """Serve `app` on a free loopback port until the block ends; yields the base URL."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=5)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True, name="live-server")
    thread.start()
    try:
        deadline = time.monotonic() + start_timeout_s
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start within {start_timeout_s:g} s")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()


def stop_server(process: subprocess.Popen[bytes], timeout_s: float = 15.0) -> None:
    """Stop an `ilokg serve` process as Ctrl-C would (it closes its workers), killing it if it does not exit."""
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def wait_for_health(
    url: str,
    process: subprocess.Popen[bytes],
    ready: Callable[[dict[str, Any]], bool] = lambda body: True,
    timeout_s: float = 90.0,
) -> dict[str, Any]:
    """The first /health answer (200) of the server at `url` that `ready` accepts; AssertionError when the process
    ends or `timeout_s` passes first."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            response = httpx.get(f"{url}/health", timeout=2)
            if response.status_code == 200 and ready(body := response.json()):
                return body
        except httpx.HTTPError:
            pass
        assert process.poll() is None, f"the server at {url} exited with {process.returncode} before it was ready"
        assert time.monotonic() < deadline, f"the server at {url} was not ready within {timeout_s:.0f} s"
        time.sleep(0.2)
