"""/docs and /redoc in a real headless Chromium: each draws every operation of /openapi.json from files the
service serves itself, under the service's own Content-Security-Policy (no bypass)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.browser.conftest import Visit

pytestmark = pytest.mark.browser


def operations(live_server: str) -> int:
    paths = httpx.get(f"{live_server}/openapi.json", timeout=30).json()["paths"]
    return sum(1 for item in paths.values() for method in item if method in ("get", "post", "put", "delete"))


def blocked(visit: Visit) -> dict[str, str]:
    """Every request of the page that did not complete, and why."""
    failed: dict[str, str] = {}
    visit.page.on("requestfailed", lambda request: failed.setdefault(request.url, str(request.failure)))
    return failed


def test_swagger_ui_draws_every_operation_from_the_service_alone(desktop: Visit, live_server: str) -> None:
    failed = blocked(desktop)
    desktop.page.goto("/docs")
    desktop.page.locator(".opblock").first.wait_for()
    assert desktop.page.locator(".opblock").count() == operations(live_server)
    assert "knowledge graph" in desktop.page.locator(".info .title").inner_text()
    desktop.screenshot("api-docs-swagger-ui")
    assert desktop.foreign_requests() == []  # no CDN, no validator badge
    assert failed == {}
    assert desktop.errors == []


def test_redoc_draws_every_operation_and_reaches_no_other_site(desktop: Visit, live_server: str) -> None:
    failed = blocked(desktop)
    desktop.page.goto("/redoc")
    operation = desktop.page.locator("[data-section-id^='operation/']")
    operation.first.wait_for()
    assert operation.count() == operations(live_server)
    desktop.screenshot("api-docs-redoc")
    # ReDoc's menu shows its maker's logo from their site: the page's policy blocks it before it leaves the
    # browser (the image then hides itself), and nothing else is asked of another origin.
    foreign = desktop.foreign_requests()
    assert all(url.startswith("https://cdn.redoc.ly/") for url in foreign), foreign
    assert all(failed.get(url) == "csp" for url in foreign), failed
    assert [error for error in desktop.errors if "cdn.redoc.ly" not in error] == []


def test_the_docs_pages_carry_the_service_policy(live_server: str) -> None:
    for path in ("/docs", "/redoc"):
        response = httpx.get(f"{live_server}{path}", timeout=30)
        assert response.status_code == 200
        policy: Any = response.headers["content-security-policy"]
        assert "https:" not in policy and "http:" not in policy
        assert "/static/vendor/" in response.text
