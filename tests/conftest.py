"""Shared fixtures: one build of the seeds per test session, and a store over it."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.build.directory import BuildResult, build
from graph.settings import Settings
from graph.store.embedded import OxigraphStore

# The whole SDG country data is half a million triples, twelve times the rest of the graph, and the suite's
# whole-graph checks (exports parsed back by rdflib, the shapes over an export, loads into Virtuoso, the
# benchmark generator) would take many times as long with it. Builds in this suite, and the commands it runs,
# import three of its series unless the environment says otherwise (ILOKG_SDG_SERIES=all runs the suite on the
# whole import); tests/test_country_data.py builds the whole import itself.
SUITE_SDG_SERIES = "SL_TLF_CHLDEA,SL_TLF_CHLDEC,SI_COV_BENFTS"
os.environ.setdefault("ILOKG_SDG_SERIES", SUITE_SDG_SERIES)


@dataclass(frozen=True)
class SessionBuild:
    """The session's build of the project seeds, and how long it took."""

    settings: Settings
    result: BuildResult
    seconds: float


@pytest.fixture(scope="session")
def session_build(tmp_path_factory: pytest.TempPathFactory) -> SessionBuild:
    """The project seeds built once into a temporary data dir (never the working tree's var/)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"))
    started = time.perf_counter()
    result = build(settings)
    return SessionBuild(settings, result, time.perf_counter() - started)


@pytest.fixture(scope="session")
def built_settings(session_build: SessionBuild) -> Settings:
    """Settings whose data_dir holds a current build of the project seeds."""
    return session_build.settings


@pytest.fixture(scope="session")
def built_store(session_build: SessionBuild) -> Iterator[OxigraphStore]:
    """The session build loaded into an in-memory Oxigraph store."""
    yield OxigraphStore.in_memory(session_build.result)


@pytest.fixture(scope="session")
def project_seeds() -> Path:
    """The seeds directory of the project."""
    return Settings().seeds_dir


@dataclass(frozen=True)
class ScratchBuild:
    """A copy of the seeds with one good build of it; tests edit the copy, try to build, and restore it."""

    settings: Settings
    first: BuildResult
    dataset_bytes: bytes


@pytest.fixture(scope="session")
def scratch_build(tmp_path_factory: pytest.TempPathFactory, project_seeds: Path) -> ScratchBuild:
    """Seeds copied to a temporary dir and built once: the last good build that failed builds must leave."""
    root = tmp_path_factory.mktemp("scratch")
    shutil.copytree(project_seeds, root / "seeds")
    settings = Settings(seeds_dir=root / "seeds", data_dir=root / "data")
    first = build(settings)
    return ScratchBuild(settings, first, first.dataset_file.read_bytes())


@pytest.fixture(scope="session")
def live_server(built_settings: Settings) -> Iterator[str]:
    """The HTTP service over the session build, in a real uvicorn on 127.0.0.1 (a free port); yields its base URL."""
    from api.app import create_app
    from tests.live import running

    with running(create_app(built_settings)) as url:
        yield url
