"""Fixtures of the security tests: a loopback listener that counts every connection made to it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from graph.settings import Settings
from tests.conftest import SessionBuild
from tests.live import stop_server, wait_for_health

# The limits of the exposed server the security tests run against.
DEADLINE_S = 2.0
MAX_ROWS = 100
MAX_BODY = 100_000


class ConnectionRecorder:
    """A TCP listener on 127.0.0.1 that accepts, records and closes every connection."""

    def __init__(self) -> None:
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.1)
        self.port: int = self._socket.getsockname()[1]
        self.connections: list[tuple[str, int]] = []
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="connection-recorder", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, address = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(address)
            connection.close()

    def close(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=2)
        self._socket.close()


@pytest.fixture(scope="session")
def recorder() -> Iterator[ConnectionRecorder]:
    """A listener the tests point SERVICE, LOAD and FROM at; it must record no connection."""
    listener = ConnectionRecorder()
    yield listener
    listener.close()


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    settings: Settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(session_build: SessionBuild, root: Path, **environment: str) -> Iterator[Server]:
    """`ilokg serve` in its own process over a copy of the session build and of the seeds (for the reload test),
    with the exposed limits and the ILOKG_* settings given."""
    shutil.copytree(session_build.settings.seeds_dir, root / "seeds")
    data = root / "data"
    (data / "builds").mkdir(parents=True)
    shutil.copytree(session_build.result.directory, data / "builds" / session_build.result.build_id)
    (data / "current").symlink_to(Path("builds") / session_build.result.build_id)
    settings = Settings(seeds_dir=root / "seeds", data_dir=data)
    port = _free_port()
    env = {
        **os.environ,
        "ILOKG_SEEDS_DIR": str(root / "seeds"),
        "ILOKG_DATA_DIR": str(data),
        "ILOKG_QUERY_TIMEOUT_S": str(DEADLINE_S),
        "ILOKG_MAX_RESULT_ROWS": str(MAX_ROWS),
        "ILOKG_MAX_BODY_BYTES": str(MAX_BODY),
        "ILOKG_MAX_CONCURRENT_QUERIES": "3",
        "ILOKG_QUERY_WORKERS": "2",
        "ILOKG_SHORT_QUERY_WORKERS": "1",
        "ILOKG_QUERY_QUEUE_S": "1",
        **environment,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process, lambda body: body["status"] == "ready" and body["query_workers"] == "memory")
        yield Server(url, process, settings)
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
def server(session_build: SessionBuild, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The exposed server the security tests run against.

    Network isolation is off here, as on a system that refuses namespaces: a connection the listener does not
    record is then kept out by the reader and the validated terms alone."""
    with serving(session_build, tmp_path_factory.mktemp("exposed"), ILOKG_ISOLATE_NETWORK="false") as running:
        yield running


@pytest.fixture(scope="session")
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=DEADLINE_S + 30) as client:
        yield client
