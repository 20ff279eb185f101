"""Fixtures of the HTTP tests: an httpx client on the live server, and the expectations read from the seeds."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest


@pytest.fixture(scope="session")
def client(live_server: str) -> Iterator[httpx.Client]:
    """An HTTP client on the live server (loopback only, bounded in time)."""
    with httpx.Client(base_url=live_server, timeout=30.0) as http:
        yield http
