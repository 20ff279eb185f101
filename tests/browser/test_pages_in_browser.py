"""End-to-end: a person's path through the pages in a real headless Chromium, with screenshots."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, Visit
from tests.pages import ALL_PAGES

pytestmark = pytest.mark.browser

# One page of each kind a person meets (the page tests' list, less its variants and error pages).
BROWSER_PAGE_NAMES = (
    "home",
    "search",
    "answer",
    "editor",
    "documents",
    "document",
    "flow",
    "path",
    "flagship",
    "instrument",
    "outcome",
    "output",
    "pb-indicator",
    "sdg-goal",
    "sdg-target",
    "sdg-indicator",
    "source-document",
)
PAGES = {name: ALL_PAGES[name] for name in BROWSER_PAGE_NAMES}

# On a phone the layout changes (header, editor, diagrams); these pages cover every layout.
PHONE_AXE_PAGES = ["home", "editor", "document", "flow", "path", "flagship"]


def test_home_asks_the_sdg_8_7_question_and_shows_ipec_plus(desktop: Visit) -> None:
    page = desktop.page
    page.goto("/")
    page.get_by_label("Which flagship programmes serve SDG target").fill("8.7")
    page.get_by_role("button", name="Answer").click()
    page.wait_for_url("**/questions/flagships-for-target?target=8.7")
    stated = page.locator("section.answer").first
    assert "IPEC+" in stated.inner_text()
    assert stated.locator(".evidence blockquote").count() >= 1
    desktop.screenshot("answer-sdg-8.7")
    assert desktop.foreign_requests() == []
    assert desktop.errors == []


def test_editor_runs_a_query_and_shows_rows(desktop: Visit) -> None:
    page = desktop.page
    page.goto("/query")
    page.locator("#editor .CodeMirror").wait_for()
    page.get_by_role("button", name="Run query").click()
    rows = page.locator("#results table tbody tr")
    rows.first.wait_for()
    assert rows.count() >= 5
    assert "ipec-plus" in page.locator("#results table").inner_text()
    assert "rows in" in page.locator("#query-status").inner_text()
    desktop.screenshot("editor-results")
    assert desktop.foreign_requests() == []
    assert desktop.errors == []


def test_editor_downloads_every_result_format_the_endpoint_speaks(desktop: Visit) -> None:
    page = desktop.page
    page.goto("/query")
    page.locator("#editor .CodeMirror").wait_for()
    offered = page.locator("#download-format option:not([disabled])").evaluate_all("os => os.map(o => o.value)")
    assert offered == [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
    ]
    page.select_option("#download-format", "text/csv")
    with page.expect_download() as download_info:
        page.locator("#download").click()
    path = download_info.value.path()
    assert path is not None
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "flagship,name,standard,title"


def test_flagship_page_shows_evidence_quotes_and_its_network(desktop: Visit) -> None:
    page = desktop.page
    page.goto("/id/flagship/ipec-plus")
    assert "IPEC+" in page.locator("h1").inner_text()
    quote = page.locator('section[aria-labelledby="links-out"] li.link > figure.evidence blockquote').first
    assert quote.is_visible()
    assert len(quote.inner_text().strip()) > 3
    source_line = page.locator('section[aria-labelledby="links-out"] li.link > figure.evidence figcaption a').first
    assert source_line.get_attribute("href").startswith("/documents/")  # type: ignore[union-attr]
    page.wait_for_selector("#network[data-drawn]")
    assert page.locator("#network svg a.network-node").count() > 5
    desktop.screenshot("flagship-ipec-plus")
    source_line.click()
    page.wait_for_url("**/documents/*#L*")
    target_line = page.locator("li:target")
    assert target_line.count() == 1
    assert desktop.foreign_requests() == []


def test_flow_diagram_is_drawn(desktop: Visit) -> None:
    page = desktop.page
    page.goto("/flow")
    page.wait_for_selector("#flow-diagram[data-drawn]")
    svg = page.locator("#flow-diagram svg")
    assert svg.locator("a.flow-node.column-0").count() == 5  # the five flagships
    assert svg.locator("a.flow-node.column-1").count() >= 10  # standards and P&B results
    assert svg.locator("a.flow-node.column-2").count() >= 10  # SDG targets
    assert svg.locator("path.flow-link").count() == page.locator("#flow-table-heading ~ table tbody tr").count()
    assert svg.locator("path.flow-link.derived").count() >= 1
    desktop.screenshot("flow-diagram")
    page.goto("/flow?flagship=ipec-plus&level=goal")
    page.wait_for_selector("#flow-diagram[data-drawn]")
    assert page.locator("#flow-diagram svg a.flow-node.column-0").count() == 1
    desktop.screenshot("flow-diagram-ipec-plus-goals")
    assert desktop.foreign_requests() == []
    assert desktop.errors == []


def test_path_is_drawn_as_a_chain(desktop: Visit) -> None:
    page = desktop.page
    page.goto("/path?from=ipec-plus&to=sdg:16.2")
    chain = page.locator("ol.chain").first
    assert chain.locator(".chain-node").count() >= 2
    assert "16.2" in chain.locator(".chain-node").last.inner_text()
    desktop.screenshot("path-ipec-plus-16.2")


def test_keyboard_reaches_skip_link_then_search(desktop: Visit) -> None:
    page = desktop.page
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.goto("/")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "site-search":
            break
    else:
        pytest.fail("Tab never reached the search box")
    page.keyboard.type("C182")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=C182")
    assert "Worst Forms of Child Labour" in page.locator("ol.results").inner_text()


@pytest.mark.parametrize("name", ["home", "answer", "editor", "document", "flow", "path", "flagship", "sdg-target"])
def test_phone_viewport_has_no_horizontal_overflow(phone: Visit, name: str) -> None:
    page = phone.page
    page.goto(PAGES[name])
    page.wait_for_load_state("load")
    if name in ("flow", "flagship"):
        page.wait_for_selector("[data-drawn]")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    phone.screenshot(f"phone-{name}", full_page=False)
    assert overflow <= 0, f"{PAGES[name]} is {overflow}px wider than a {PHONE['width']}px phone"


def _axe(visit: Visit, axe_source: str) -> list[dict[str, Any]]:
    visit.page.evaluate(axe_source)
    result = visit.page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    violations: list[dict[str, Any]] = result["violations"]
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def test_pages_have_no_serious_accessibility_violations(browser: Any, live_server: str, axe_source: str) -> None:
    found: dict[str, list[str]] = {}
    for viewport, names in ((DESKTOP, list(PAGES)), (PHONE, PHONE_AXE_PAGES)):
        visit = Visit(browser, live_server, viewport, bypass_csp=True)
        try:
            for name in names:
                url = PAGES[name]
                visit.page.goto(url)
                visit.page.wait_for_load_state("load")
                if name in ("flow", "flagship", "instrument", "sdg-target"):
                    visit.page.wait_for_selector("[data-drawn]")
                if name == "editor":
                    visit.page.locator("#editor .CodeMirror").wait_for()
                for violation in _axe(visit, axe_source):
                    targets = [node["target"] for node in violation["nodes"][:3]]
                    found.setdefault(f"{url} @{viewport['width']}px", []).append(
                        f"{violation['id']} ({violation['impact']}): {violation['help']} {json.dumps(targets)}"
                    )
        finally:
            visit.close()
    assert found == {}, "\n".join(f"{page}: {problem}" for page, problems in found.items() for problem in problems)
