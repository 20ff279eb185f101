"""A real headless Chromium (Debian's chromium, driven by Playwright) over the session's live server.

The browser tests skip, saying why, when chromium or Playwright is missing (`make test` installs both);
they never pass without having run. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_DIR / "test-artifacts" / "browser"
AXE_SCRIPT = PROJECT_DIR / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole session."""
    if not (PROJECT_DIR / "api" / "static" / "vendor" / ".installed").is_file():
        pytest.skip("the front-end assets are not installed in api/static/vendor (make installs them with npm ci)")
    executable = chromium_path()
    if executable is None:
        pytest.skip("Debian's chromium is not installed (make test installs it: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, timeout=60_000)
        yield instance
        instance.close()


class Visit:
    """A page in a fresh browser context that records every request it makes."""

    def __init__(self, browser: Any, base_url: str, viewport: dict[str, int], *, bypass_csp: bool = False) -> None:
        self.base_url = base_url
        self.context = browser.new_context(viewport=viewport, bypass_csp=bypass_csp, base_url=base_url)
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)

    def screenshot(self, name: str, *, full_page: bool = True) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def foreign_requests(self) -> list[str]:
        """Requests to any origin but the service (the pages must work with no internet access)."""
        allowed = (self.base_url, "data:", "blob:", "about:")
        return [url for url in self.requests if not url.startswith(allowed)]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def desktop(browser: Any, live_server: str) -> Iterator[Visit]:
    visit = Visit(browser, live_server, DESKTOP)
    yield visit
    visit.close()


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Visit]:
    visit = Visit(browser, live_server, PHONE)
    yield visit
    visit.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        pytest.skip(f"axe-core is not installed at {AXE_SCRIPT.relative_to(PROJECT_DIR)} (make installs it)")
    return AXE_SCRIPT.read_text(encoding="utf-8")
