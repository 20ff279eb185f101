"""The named questions in a real headless Chromium: a numeric answer drawn as a chart beside its table, the
plain-words box in the header, and no serious accessibility problem, at desktop and phone widths."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, Visit
from tests.documents import find

pytestmark = pytest.mark.browser

CHART_PAGE = "/questions/indicator-results?of=2020-21/8"
PAGES = [CHART_PAGE, "/questions/flagships-for-target?target=8.7", "/ask?q=outputs+of+outcome+7", "/questions"]


def _bar_widths(visit: Visit, series: str) -> list[float]:
    widths: list[float] = visit.page.locator(f"#answer-chart rect.bar-{series}").evaluate_all(
        "bars => bars.map(b => b.getBBox().width)"
    )
    return widths


def test_indicator_results_are_drawn_beside_their_table(desktop: Visit) -> None:
    page = desktop.page
    page.goto(CHART_PAGE)
    page.wait_for_selector("#answer-chart[data-drawn]")
    rows = page.locator("tr.answer-row")
    targets, totals = _bar_widths(desktop, "target"), _bar_widths(desktop, "result")
    assert len(targets) == len(totals) == rows.count() == 3
    # PIR 2020-21 Appendix II: indicator 8.2.1 had a target of 20 and a total result of 32
    find("pir-2020-21", r"8\.2\.1\. Number of Member")
    cells = rows.nth(1).locator("td.number").all_inner_texts()
    assert cells[:2] == ["20", "32"]
    assert totals[1] == pytest.approx(targets[1] * 32 / 20, rel=0.02)
    desktop.screenshot("question-indicator-results-1280")
    assert desktop.foreign_requests() == []
    assert desktop.errors == []


def test_the_chart_and_the_table_fit_a_phone(phone: Visit) -> None:
    page = phone.page
    page.goto(CHART_PAGE)
    page.wait_for_selector("#answer-chart[data-drawn]")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    phone.screenshot("question-indicator-results-390")
    assert overflow <= 0, f"the page is {overflow}px wider than a {PHONE['width']}px phone"
    assert page.locator("#answer-chart svg").first.bounding_box()["width"] <= PHONE["width"]  # type: ignore[index]
    assert phone.errors == []


def test_the_box_in_the_header_asks_from_any_page(desktop: Visit) -> None:
    page = desktop.page
    page.goto("/documents")
    page.get_by_label("Ask a question in plain words").fill("which flagships serve 8.7?")
    page.keyboard.press("Enter")
    page.wait_for_url("**/ask?q=*")
    assert "I read this as" in page.locator("aside.reading").inner_text()
    answer = page.locator("section.answer")
    assert "IPEC+" in answer.inner_text()
    assert answer.locator(".badge.strength-range").count() == 1
    desktop.screenshot("ask-which-flagships-serve-8.7-1280")
    assert desktop.foreign_requests() == []


def _serious(visit: Visit, axe_source: str) -> list[dict[str, Any]]:
    visit.page.evaluate(axe_source)
    result = visit.page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_question_pages_have_no_serious_accessibility_violations(
    browser: Any, live_server: str, axe_source: str
) -> None:
    found: dict[str, list[str]] = {}
    for viewport in (DESKTOP, PHONE):
        visit = Visit(browser, live_server, viewport, bypass_csp=True)
        try:
            for url in PAGES:
                visit.page.goto(url)
                visit.page.wait_for_load_state("load")
                if url == CHART_PAGE:
                    visit.page.wait_for_selector("#answer-chart[data-drawn]")
                for violation in _serious(visit, axe_source):
                    targets = [node["target"] for node in violation["nodes"][:3]]
                    found.setdefault(f"{url} @{viewport['width']}px", []).append(
                        f"{violation['id']}: {violation['help']} {json.dumps(targets)}"
                    )
        finally:
            visit.close()
    assert found == {}, "\n".join(f"{page}: {problem}" for page, problems in found.items() for problem in problems)
