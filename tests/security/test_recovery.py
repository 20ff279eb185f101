"""Recovery of the exposed service (issue 10, F5): a damaged on-disk store is written again from the build's
dataset while the in-memory workers answer, and /health says degraded until it is; the named answers of a build
are kept as files and read at the next start."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from api.lifecycle import ANSWERS_COMPLETE, answers_directory
from graph.settings import Settings
from graph.store.sandbox import STORES_DIR, materialise, opens
from tests.conftest import SessionBuild
from tests.live import stop_server, wait_for_health
from tests.security.conftest import _free_port
from tests.security.test_sandbox import DAMAGES

SIMPLE = "SELECT ?s WHERE { ?s a ?type } LIMIT 3"


@contextmanager
def serving(data: Path, seeds: Path) -> Iterator[tuple[str, dict[str, object]]]:
    """`ilokg serve` on 127.0.0.1 over `data`: its URL and its first /health answer; stopped on exit."""
    port = _free_port()
    env = {**os.environ, "ILOKG_DATA_DIR": str(data), "ILOKG_SEEDS_DIR": str(seeds), "ILOKG_QUERY_TIMEOUT_S": "5"}
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        yield url, wait_for_health(url, process)
    finally:
        stop_server(process)


def until(condition: Callable[[], bool], seconds: float = 90.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.fixture
def data(session_build: SessionBuild, tmp_path: Path) -> Path:
    """A copy of the session's data directory (its build and its on-disk store)."""
    copy = tmp_path / "data"
    shutil.copytree(session_build.settings.data_dir, copy, symlinks=True)
    materialise(session_build.result, copy)
    return copy


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_store_is_repaired_and_health_says_degraded_until_then(
    session_build: SessionBuild, data: Path, damage: str
) -> None:
    store = data / STORES_DIR / session_build.result.build_id
    DAMAGES[damage](store)
    seeds = session_build.settings.seeds_dir
    with serving(data, seeds) as (url, first), httpx.Client(base_url=url, timeout=30) as http:
        # The service answers at once, while the store is being written again.
        assert first["status"] == "degraded" and "being written" in first["reason"], first
        seen = [first]
        answered = []

        def ready() -> bool:
            answered.append(http.get("/sparql", params={"query": SIMPLE}).status_code)
            seen.append(http.get("/health").json())
            return seen[-1]["status"] == "ready"

        assert until(ready), seen[-1]
        assert set(answered) == {200}  # queries were answered all along
        assert seen[-1]["reason"] is None and seen[-1]["query_workers"] == "memory"
        assert http.get("/sdg/targets/8.7/flagships").status_code == 200
    assert opens(store)


def test_the_named_answers_are_kept_as_files_and_read_at_the_next_start(
    session_build: SessionBuild, data: Path
) -> None:
    settings = Settings(data_dir=data)
    directory = answers_directory(settings, session_build.result.build_id)
    with serving(data, session_build.settings.seeds_dir) as (url, _):
        assert until(lambda: (directory / ANSWERS_COMPLETE).is_file()), "the answers were not written"
        computed = httpx.get(f"{url}/sdg/targets/8.7/flagships").content
    kept = (directory / "8.7.json").read_bytes()
    assert kept == computed and len(list(directory.glob("*.json"))) > 100  # every SDG target
    with serving(data, session_build.settings.seeds_dir) as (url, _):
        answer = httpx.get(f"{url}/sdg/targets/8.7/flagships")
        assert answer.status_code == 200 and answer.content == kept
