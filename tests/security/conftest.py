"""Fixtures of the security tests: a loopback listener that counts every connection made to it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest


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
