"""The package as pip installs it: every module and data file declared, and a fresh virtualenv outside the
checkout that builds the graph, answers the SDG 8.7 question and serves it, with no file of the checkout.

The fresh install takes about a minute here (a virtualenv, the runtime dependencies from PyPI, a build);
`make fresh-install` runs this file alone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live import wait_for_health

PROJECT_DIR = Path(__file__).resolve().parent.parent
QUOTE = "target 8.7 (child labour and forced labour);"
# What a copy of the checkout leaves out: what make, a run or a build writes, at the top or anywhere.
TOP_NOT_COPIED = {".git", ".venv", "var", "build", "dist", "test-artifacts", "web"}
NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.egg-info", ".*_cache", "node_modules")


def _not_copied(directory: str, names: list[str]) -> set[str]:
    top = {name for name in names if name in TOP_NOT_COPIED} if Path(directory) == PROJECT_DIR else set()
    return top | NOT_COPIED(directory, names)


def test_every_package_of_the_tree_is_declared() -> None:
    declared = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    on_disk = {
        ".".join(init.parent.relative_to(PROJECT_DIR).parts)
        for top in ("api", "graph", "ontology")
        for init in (PROJECT_DIR / top).rglob("__init__.py")
    }
    assert set(declared["packages"]) == on_disk | {"graph.seeds"}
    assert (PROJECT_DIR / "graph" / "seeds").resolve() == (PROJECT_DIR / "seeds").resolve()
    assert declared["package-data"]["graph.seeds"] == ["**/*"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Installed:
    """A virtualenv with the package installed from a copy of the checkout, run from another directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.venv = root / "venv"
        self.home = root / "home"
        self.cwd = root / "elsewhere"
        self.home.mkdir()
        self.cwd.mkdir()
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("ILOKG_", "PYTHON", "VIRTUAL_ENV", "XDG_"))
        }
        self.env["HOME"] = str(self.home)
        # The suite's three SDG data series (tests/conftest.py), not the whole import: the installed package
        # builds and serves the same way, in a third of the time.
        self.env["ILOKG_SDG_SERIES"] = os.environ["ILOKG_SDG_SERIES"]

    def install(self) -> None:
        source = self.root / "source"
        shutil.copytree(PROJECT_DIR, source, ignore=_not_copied, symlinks=True)
        subprocess.run([sys.executable, "-m", "venv", str(self.venv)], check=True, timeout=120)
        done = self.run(str(self.venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(source), timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
        shutil.rmtree(source)  # nothing of the checkout is left to fall back on

    def run(self, *command: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=self.cwd, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )

    def ilokg(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.venv / "bin" / "ilokg"), *args)

    def site(self) -> Path:
        done = self.run(str(self.venv / "bin" / "python"), "-c", "import graph; print(graph.__file__)")
        assert done.returncode == 0, done.stderr
        return Path(done.stdout.strip()).parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    root = tmp_path_factory.mktemp("fresh-install")
    assert not root.is_relative_to(PROJECT_DIR)
    fresh = Installed(root)
    fresh.install()
    yield fresh


@pytest.fixture(scope="module")
def statement_line(project_seeds: Path) -> int:
    """The line of the 2015 document on which the statement that IPEC+ serves 8.7 starts."""
    text = (project_seeds / "documents" / "gb325-pol7-flagship-programmes-2015.txt").read_text(encoding="utf-8")
    found = list(re.finditer(r"\s+".join(re.escape(word) for word in QUOTE.split()), text))
    assert len(found) == 1
    return text.count("\n", 0, found[0].start()) + 1


@pytest.mark.slow
def test_a_fresh_install_carries_its_seeds_and_builds_anywhere(installed: Installed) -> None:
    site = installed.site()
    assert site.is_relative_to(installed.venv)
    seeds = site / "graph" / "seeds"
    assert not seeds.is_symlink() and (seeds / "documents" / "documents.csv").is_file()
    done = installed.ilokg("build")
    assert done.returncode == 0, done.stderr
    data = installed.home / ".local" / "share" / "ilokg"  # the user's data directory, not site-packages
    assert done.stdout.startswith("build ") and f"written to {data / 'builds'}" in done.stdout, done.stdout
    assert (data / "current" / "manifest.json").is_file()


@pytest.mark.slow
def test_a_fresh_install_answers_the_8_7_question(installed: Installed, statement_line: int) -> None:
    done = installed.ilokg("ask", "flagships-for-target", "8.7", "--format", "json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    ipec = next(row for row in answer["rows"] if row["flagship"]["id"] == "flagship:ipec-plus")
    assert ipec["strength"] == "stated"
    quoted = {
        (step["evidence"]["document"]["id"], step["evidence"]["line"], step["evidence"]["quote"])
        for step in ipec["evidence"]
    }
    assert ("document:gb325-pol7", statement_line, QUOTE) in quoted


@pytest.mark.slow
def test_a_fresh_install_serves_and_its_docs_degrade_without_their_assets(installed: Installed) -> None:
    port = _free_port()
    server = subprocess.Popen(
        [str(installed.venv / "bin" / "ilokg"), "serve", "--port", str(port)],
        cwd=installed.cwd,
        env={**installed.env, "ILOKG_QUERY_WORKERS": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, server)
        with httpx.Client(base_url=url, timeout=30) as http:
            answer = http.get("/sdg/targets/8.7/flagships").json()
            assert "flagship:ipec-plus" in {item["flagship"]["id"] for item in answer["stated"]}
            assert http.get("/", headers={"Accept": "text/html"}).status_code == 200
            assert http.get("/static/css/site.css").status_code == 200
            # Installed without the npm assets, the API explorer says so and links the description.
            shutil.rmtree(installed.site() / "api" / "static" / "vendor", ignore_errors=True)
            docs = http.get("/docs")
            assert docs.status_code == 200
            assert "Swagger UI is not installed" in docs.text and 'href="/openapi.json"' in docs.text
            assert http.get("/openapi.json").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
