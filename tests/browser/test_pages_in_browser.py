"""End-to-end: a person's path through the pages in a real headless Chromium, with screenshots."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.browser.conftest import DESKTOP, PHONE, Visit
from tests.pages import ALL_PAGES

pytestmark = pytest.mark.browser

# One page of each kind a person meets (the page tests' list, less its variants and error pages).
BROWSER_PAGE_NAMES = (
    "home",
    "browse",
    "search",
    "answer",
    "editor",
    "sparql-in-a-browser",
    "documents",
    "document",
    "flow",
    "path",
    "path-by-names",
    "flagships",
    "flagship",
    "instruments",
    "instrument",
    "bienniums",
    "biennium",
    "biennium-2002-03",
    "outcome",
    "output",
    "pb-indicator",
    "sdg-goals",
    "sdg-goal",
    "sdg-target",
    "sdg-indicator",
    "partners",
    "partner",
    "countries",
    "country",
    "part",
    "programme",
    "source-document",
    "unknown-page",
    "map",
    "country-data",
    # last: a page asked for in another language keeps the language for the pages opened after it
    "map-fr",
    "country-es",
    "sdg-target-fr",
)
PAGES = {name: ALL_PAGES[name] for name in BROWSER_PAGE_NAMES}
# The pages that draw the neighbourhood network (every resource page).
NETWORK_PAGES = {
    "flagship",
    "instrument",
    "biennium",
    "biennium-2002-03",
    "outcome",
    "output",
    "pb-indicator",
    "sdg-goal",
    "sdg-target",
    "sdg-indicator",
    "partner",
    "country",
    "country-data",
    "country-es",
    "sdg-target-fr",
}

# On a phone the layout changes (header, editor, diagrams, tables); these pages cover every layout.
PHONE_AXE_PAGES = [
    "home",
    "editor",
    "document",
    "flow",
    "path",
    "flagship",
    "biennium",
    "pb-indicator",
    "sdg-goal",
    "map",
    "country-data",
]


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
    quote = page.locator('section[aria-labelledby="standards"] li.link > figure.evidence blockquote').first
    assert quote.is_visible()
    assert len(quote.inner_text().strip()) > 3
    source_line = page.locator('section[aria-labelledby="standards"] li.link > figure.evidence figcaption a.line').first
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
    # each band drawn by its strength, as the table beside it says it
    for strength in ("stated", "range", "chain"):
        drawn = svg.locator(f"path.flow-link.strength-{strength}").count()
        listed = page.locator(f"#flow-table-heading ~ table tbody tr .badge.strength-{strength}").count()
        assert drawn == listed >= 1, strength
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
    for _ in range(20):  # the brand, the menu and the language switch come first
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
                if name == "flow" or name in NETWORK_PAGES or name.startswith("map"):
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


# ---------------------------------------------------------------- a page for each kind of thing


def _check_flagship(page: Any) -> None:
    for section in ("names", "standards", "sdgs", "results", "figures", "partners", "countries"):
        assert page.locator(f"h2#{section}").count() == 1, section
    names = page.locator("table.names tbody tr")
    assert names.count() >= 3 and re.search(r"\(\d{4}\)", names.first.inner_text())  # used by document (year)
    assert page.locator(".strength-groups .strength-group").count() >= 1
    biennium_headings = page.locator("#results ~ .biennium-block h3").all_inner_texts()
    assert biennium_headings == sorted(biennium_headings, reverse=True) and "2022\u201323" in biennium_headings
    amounts = page.locator("table.figures td.num strong").all_inner_texts()
    assert amounts and not any(
        re.search(r"\d{4,}", amount.replace(",", "")) and "," not in amount for amount in amounts
    )


def _check_instrument(page: Any) -> None:
    assert page.locator("h1").inner_text().startswith("Worst Forms of Child Labour Convention")
    assert "No. 182" in page.locator("dl.facts").inner_text()
    assert page.locator('dl.facts a[href*="normlex"]').count() == 1
    assert page.locator("#flagships ~ ul.links > li").count() >= 1


def _check_sdg_goal(page: Any) -> None:
    assert page.locator("h1").inner_text() == "Goal 8"
    codes = page.locator("#targets ~ .table-scroll tbody th").all_inner_texts()
    assert codes.index("Target 8.2") < codes.index("Target 8.10")  # natural order
    row = page.locator("#targets ~ .table-scroll tbody tr").nth(codes.index("Target 8.7"))
    assert "IPEC+" in row.locator("td").nth(1).inner_text()  # stated by a document (the named question's answer)


def _check_sdg_target(page: Any) -> None:
    assert page.locator("h1").inner_text() == "Target 8.7"
    assert "forced labour" in page.locator("p.sdg-text").inner_text()


def _check_sdg_indicator(page: Any) -> None:
    assert page.locator("h1").inner_text() == "Indicator 8.7.1"
    assert "Target 8.7" in page.locator("p.part-of").inner_text()


def _check_biennium(page: Any) -> None:
    assert page.locator("h1").inner_text() == "Programme and Budget 2020\u201321"
    outcomes = page.locator("section.outline-top")
    assert outcomes.count() == 11  # eight policy outcomes, three enabling ones
    first = outcomes.first
    assert first.locator("h2").inner_text().startswith("Outcome 1")
    nested = first.locator("ol.outline-list ol.outline-list li")  # outcome -> output -> indicator
    assert nested.count() >= 2 and nested.first.inner_text().startswith("Indicator 1.1.1")
    assert page.locator("section.outline-top .verdict").count() > 20


def _check_biennium_2002(page: Any) -> None:
    assert page.locator("section.outline-top h2").first.inner_text().startswith("Strategic objective 3")
    assert page.locator("section.outline-top ol.outline-list li").count() >= 6


def _check_outcome(page: Any) -> None:
    assert page.locator("h1").inner_text() == "Outcome 7"
    assert page.locator("#children-1 ~ ul li").count() >= 4


def _check_output(page: Any) -> None:
    assert page.locator("h1").inner_text() == "Output 7.1"
    rows = page.locator("table.indicator-summary tbody tr")
    assert rows.count() == 3 and rows.first.locator(".verdict").count() == 1


def _check_indicator(page: Any) -> None:
    assert page.locator("h1").inner_text() == "Indicator 7.1.2"
    table = page.locator("table.indicator-table")
    assert table.locator("tbody th").all_inner_texts()[0] == "Total"
    assert table.locator("tbody tr").count() == 6  # the total and the five ILO regions
    assert table.locator(".verdict").inner_text().lower() in ("met", "missed")
    assert page.locator(".bars .bar").count() >= 6
    assert "Member States" in page.locator("table.indicator-table caption").inner_text()


def _check_partner(page: Any) -> None:
    assert page.locator("h1").inner_text() == "Alliance 8.7"
    assert page.locator("#group-1 ~ ul.links figure.evidence").count() >= 1


def _check_country(page: Any) -> None:
    assert page.locator("h1").inner_text() == "Bangladesh"
    assert page.locator("#programmes ~ ul.links a").count() >= 1
    assert page.locator('section[aria-labelledby="sdg-data"] table.series-table tbody tr').count() >= 1


def _check_part(page: Any) -> None:
    assert page.locator("h1").inner_text().startswith("Table 1.")
    facts = page.locator("dl.facts").inner_text()
    assert facts.count("line") >= 1 and "about 0 things" not in facts  # a table about nothing the graph knows
    assert page.locator("#reports ~ ul.links > li").count() >= 3


def _check_programme(page: Any) -> None:
    assert page.locator("h1").inner_text() == "International Programme on the Elimination of Child Labour"
    assert page.locator("table.names tbody tr").count() >= 2
    assert page.locator("#revised ~ ul.links a").first.inner_text().endswith("(IPEC+)")


def _check_list(page: Any) -> None:
    hrefs = page.locator("ul.item-list > li > a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert len(hrefs) >= 4 and all(href.startswith(("/id/", "/resources/")) for href in hrefs)


KIND_CHECKS = {
    "flagship": _check_flagship,
    "instrument": _check_instrument,
    "sdg-goal": _check_sdg_goal,
    "sdg-target": _check_sdg_target,
    "sdg-indicator": _check_sdg_indicator,
    "biennium": _check_biennium,
    "biennium-2002-03": _check_biennium_2002,
    "outcome": _check_outcome,
    "output": _check_output,
    "pb-indicator": _check_indicator,
    "partner": _check_partner,
    "part": _check_part,
    "programme": _check_programme,
    "country": _check_country,
    "flagships": _check_list,
    "instruments": _check_list,
    "bienniums": _check_list,
    "sdg-goals": _check_list,
    "partners": _check_list,
    "countries": _check_list,
}


@pytest.mark.parametrize("name", list(KIND_CHECKS))
def test_a_page_for_each_kind_at_desktop_and_phone_width(browser: Any, live_server: str, name: str) -> None:
    for viewport, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        visit = Visit(browser, live_server, viewport)
        try:
            page = visit.page
            page.goto(PAGES[name])
            if name in NETWORK_PAGES:
                page.wait_for_selector("#network[data-drawn]")
            KIND_CHECKS[name](page)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            visit.screenshot(f"kind-{name}-{label}")
            assert overflow <= 0, f"{PAGES[name]} is {overflow}px wider than {viewport['width']}px"
            assert visit.foreign_requests() == []
            assert visit.errors == []
        finally:
            visit.close()


def test_network_nodes_are_labelled_with_names_not_iris(desktop: Visit) -> None:
    page = desktop.page
    page.goto("/resources/sdg:8.7")
    page.wait_for_selector("#network[data-drawn]")
    labels = page.locator("#network svg a.network-node text").evaluate_all("texts => texts.map(t => t.textContent)")
    assert "Target 8.7" in labels and "Goal 8" in labels and "IPEC+" in labels
    assert not [label for label in labels if re.search(r"SDGIO|https?:|^[a-z-]+:", label)], labels


# ---------------------------------------------------------------- search that reads ILO writing


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("OSH-GAP", "/id/flagship/safety-health-for-all"),
        ("Convention No. 182", "/id/instrument/C182"),
        ("No. 182", "/id/instrument/C182"),
        ("Convention 182", "/id/instrument/C182"),
        ("C.182", "/id/instrument/C182"),
        ("C182", "/id/instrument/C182"),
        ("Worst Forms of Child Labour Convention", "/id/instrument/C182"),
        ("child labour", "/id/flagship/ipec-plus"),
        ("7.1", "/id/output/2020-21/7.1"),
        ("SPF", "/id/flagship/social-protection-floors"),
    ],
)
def test_search_cases_typed_in_the_header(desktop: Visit, typed: str, first: str) -> None:
    page = desktop.page
    page.goto("/")
    page.locator("#site-search").fill(typed)
    page.locator("#site-search").press("Enter")
    page.wait_for_url("**/search?q=*")
    results = page.locator("ol.results > li")
    assert results.first.locator("a").first.get_attribute("href") == first
    # What was typed stays readable in the header box (dark on white).
    assert page.locator("#site-search").input_value() == typed
    assert page.evaluate("getComputedStyle(document.getElementById('site-search')).color") != "rgb(255, 255, 255)"
    hrefs = results.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    texts = results.all_inner_texts()
    assert not any("figure:" in text for text in texts)  # figures are titled in words
    if typed == "child labour":
        assert "/id/instrument/C138" in hrefs
        assert any(re.fullmatch(r"/id/output/\d{4}-\d\d/7\.1", href or "") for href in hrefs)
    if typed == "7.1":
        assert hrefs[1] == "/id/output/2022-23/7.1"
        assert not any(re.search(r"(sdg:17\.1|11\.7\.1)", href or "") for href in hrefs)
    desktop.screenshot(f"search-{re.sub(r'[^a-z0-9]+', '-', typed.lower()).strip('-')}", full_page=False)


# ---------------------------------------------------------------- citations, the endpoint, errors, print


def test_cite_gives_a_citation_with_symbol_date_and_place(desktop: Visit) -> None:
    page = desktop.page
    page.goto("/id/instrument/C182")
    evidence = page.locator("#flagships ~ ul.links figure.evidence").first
    caption = evidence.locator("figcaption").inner_text()
    assert "GB.325/POL/7" in caption and "November 2015" in caption and "para. 14" in caption
    evidence.locator("details.cite summary").click()
    citation = evidence.locator("p.citation")
    assert citation.is_visible()
    text = citation.inner_text()
    assert text.startswith("International Labour Office. ILO flagship programmes. GB.325/POL/7.")
    assert re.search(r"/documents/gb325-pol7#L\d+\.", text) and "https://www.ilo.org/" in text
    with page.expect_download() as download_info:
        evidence.locator('a[href$=".ris"]').click()
    ris = download_info.value.path().read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert "SN  - GB.325/POL/7" in ris and ris.rstrip().endswith("ER  -")
    desktop.screenshot("cite-open", full_page=False)


def test_sparql_opened_by_a_browser_shows_the_editor(desktop: Visit) -> None:
    page = desktop.page
    page.goto("/sparql?query=SELECT%20%3Fs%20WHERE%20%7B%20%3Fs%20a%20%3Ft%20%7D%20LIMIT%203")
    page.locator("#editor .CodeMirror").wait_for()
    assert page.locator("h1").inner_text() == "SPARQL editor"
    assert "LIMIT 3" in page.locator("#editor .CodeMirror").inner_text()
    assert desktop.errors == []


def test_an_unknown_page_and_a_json_address_read_as_pages(desktop: Visit) -> None:
    page = desktop.page
    response = page.goto("/no/such/page")
    assert response is not None and response.status == 404
    assert page.locator("p.error").is_visible()
    page.goto("/bienniums/2020-21")
    assert page.url.endswith("/id/biennium/2020-21")
    assert page.locator("h1").inner_text() == "Programme and Budget 2020\u201321"


def test_print_shows_the_text_and_its_sources_without_the_furniture(desktop: Visit) -> None:
    page = desktop.page
    page.goto("/id/flagship/ipec-plus")
    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator("nav.toc").is_visible()
    assert not page.locator("section.network-section").is_visible()
    assert page.locator("figure.evidence .symbol").first.is_visible()
    printed = page.evaluate("getComputedStyle(document.querySelector('figure.evidence a.line'), '::after').content")
    assert "/documents/" in printed  # a printed link shows where it leads
    desktop.screenshot("print-flagship", full_page=False)


# ---------------------------------------------------------------- paths


def test_paths_read_names_quote_each_hop_and_avoid_hubs(desktop: Visit) -> None:
    page = desktop.page
    page.goto("/path")
    page.locator("#path-from").fill("OSH-GAP")
    page.locator("#path-to").fill("Convention No. 182")
    page.get_by_role("button", name="Show paths").click()
    page.wait_for_url("**/path?from=*")
    assert "Safety + Health for All" in page.locator("main > p").first.inner_text()
    chains = page.locator("ol.chain")
    assert chains.count() >= 1
    for hop in chains.first.locator("li.chain-hop.stated").all():
        assert hop.locator("figure.evidence blockquote").count() == 1
    page.goto("/path?from=better-work&to=8.7")
    nodes = page.locator("ol.chain li.chain-node").all_inner_texts()
    assert not [node for node in nodes if re.match(r"(Goal \d+|P&B|Biennium|ILO flagship programmes)", node)]
    derived = [
        int(m.group(1)) if (m := re.search(r"(\d+) derived", h)) else 0
        for h in page.locator("section.path h2").all_inner_texts()
    ]
    assert derived == sorted(derived)  # strongest first
    page.goto("/path?from=better-work&to=8.7&hubs=true")
    assert page.locator("#path-from").input_value() == "better-work"
    desktop.screenshot("path-by-names", full_page=False)
