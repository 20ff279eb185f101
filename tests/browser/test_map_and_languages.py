"""The world map and the language switch in a real headless Chromium: the map is drawn from the service's own
atlas, shaded by the indicator chosen, the flagship's countries outlined, the table under it the same data; the
switch keeps the address and changes the words and the SDG names. Screenshots go to test-artifacts/browser/.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml

from api.i18n import gettext
from graph.build.evidence import fold_space
from tests.browser.conftest import DESKTOP, PHONE, Visit

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]
ATLAS = PROJECT / "api" / "static" / "vendor" / "world-atlas" / "countries-50m.json"
TRANSLATIONS = PROJECT / "seeds" / "reference" / "sdg" / "translations"
MAP = "/map?indicator=8.7.1&series=SL_TLF_CHLDEC&flagship=ipec-plus"


def atlas_ids() -> set[str]:
    atlas = json.loads(ATLAS.read_text(encoding="utf-8"))
    return {g["id"] for g in atlas["objects"]["countries"]["geometries"] if "id" in g}


def map_data(base_url: str, query: str) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(
        f"{base_url}/diagrams/map?{query}", headers={"Accept": "application/json"}
    ).json()
    return answer


def sdg_name(language: str, key: str) -> str:
    texts = yaml.safe_load((TRANSLATIONS / f"{language}-global_indicators.yml").read_text(encoding="utf-8"))
    return unicodedata.normalize("NFC", fold_space(texts[key]))


def drawn(page: Any) -> dict[str, str]:
    """The shaded countries of the map: M49 code -> its fill."""
    shapes: list[list[str]] = page.locator("#world-map path.country.has-value").evaluate_all(
        "paths => paths.map(p => [p.getAttribute('data-m49'), p.getAttribute('fill'), p.getAttribute('data-value')])"
    )
    return {code: fill for code, fill, _ in shapes}


def drawn_values(page: Any) -> dict[str, float]:
    shapes: list[list[str]] = page.locator("#world-map path.country.has-value").evaluate_all(
        "paths => paths.map(p => [p.getAttribute('data-m49'), p.getAttribute('data-value')])"
    )
    return {code: float(value) for code, value in shapes}


def table_values(page: Any) -> dict[str, float | None]:
    rows: list[list[str]] = page.locator("table.map-table tbody tr").evaluate_all(
        "rows => rows.map(r => [r.dataset.m49, r.dataset.value])"
    )
    return {code: float(value) if value else None for code, value in rows}


def test_the_map_is_drawn_with_every_country_the_atlas_has_and_the_flagships_marked(desktop: Visit) -> None:
    page = desktop.page
    page.goto(MAP)
    page.wait_for_selector("#world-map[data-drawn]")
    data = map_data(desktop.base_url, MAP.split("?", 1)[1])
    ids = atlas_ids()
    with_value = {c["m49"]: c["latest"]["value"] for c in data["countries"] if c["latest"]}
    # every country with a value that the atlas has is drawn, shaded, with its value
    assert drawn_values(page) == {code: value for code, value in with_value.items() if code in ids}
    assert len(set(drawn(page).values())) >= 3  # several shades
    # the ones the atlas is too coarse for are named under the map (they are in the table)
    missing = [c["ref"]["label"] for c in data["countries"] if c["latest"] and c["m49"] not in ids]
    note = page.locator("#map-missing")
    assert note.is_visible() == bool(missing)
    assert all(name in note.inner_text() for name in missing)
    # the flagship's countries are outlined, and the legend says so
    marked = {c["m49"] for c in data["countries"] if c["flagship_here"]}
    outlined = page.locator("#world-map path.flagship-outline").evaluate_all(
        "paths => paths.map(p => p.getAttribute('data-m49'))"
    )
    assert set(outlined) == {code for code in marked if code in ids} and len(outlined) >= 5
    # the legend: the series' unit, five shades, no data, and the flagship's mark
    legend = page.locator("#world-map .map-legend li:not(.legend-unit)").all_inner_texts()
    assert len(legend) == 5 + 2 and legend[-1] == "IPEC+ works here"
    units = {(c["latest"] or {}).get("unit") for c in data["countries"]} - {None}
    assert page.locator("#world-map .map-legend li.legend-unit").all_inner_texts() == sorted(units)
    # the table under the map: the same countries and values as the map's data
    assert table_values(page) == {c["m49"]: (c["latest"] or {}).get("value") for c in data["countries"]}
    # a country links to its page
    first = page.locator("#world-map a.country-link").first
    assert first.get_attribute("href").startswith("/id/country/")  # type: ignore[union-attr]
    desktop.screenshot("map-desktop", full_page=True)
    assert desktop.foreign_requests() == []
    assert desktop.errors == []


def test_changing_the_indicator_changes_the_shading(desktop: Visit) -> None:
    page = desktop.page
    page.goto("/map?indicator=8.7.1&series=SL_TLF_CHLDEC")
    page.wait_for_selector("#world-map[data-drawn]")
    before = drawn(page)
    page.select_option("#map-indicator", "1.3.1")
    # the series offered follow the indicator
    assert page.locator("#map-series").input_value() == "SI_COV_BENFTS"
    assert page.locator("#map-series option:not([disabled])").all_inner_texts()[0].startswith("SI_COV_BENFTS")
    page.get_by_role("button", name="Draw").click()
    page.wait_for_url("**/map?*indicator=1.3.1*")
    page.wait_for_selector("#world-map[data-drawn]")
    after = drawn(page)
    data = map_data(desktop.base_url, "indicator=1.3.1")
    assert drawn_values(page) == {
        c["m49"]: c["latest"]["value"] for c in data["countries"] if c["latest"] and c["m49"] in atlas_ids()
    }
    assert after != before
    common = set(before) & set(after)
    assert sum(before[code] != after[code] for code in common) >= len(common) // 3
    assert "1.3.1" in page.locator("#map-heading").inner_text()
    assert table_values(page) == {c["m49"]: (c["latest"] or {}).get("value") for c in data["countries"]}
    assert desktop.errors == []


def test_the_map_on_a_phone(phone: Visit) -> None:
    page = phone.page
    page.goto(MAP)
    page.wait_for_selector("#world-map[data-drawn]")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    phone.screenshot("map-phone", full_page=False)
    assert overflow <= 0, f"the map page is {overflow}px wider than a {PHONE['width']}px phone"
    box = page.locator("#world-map svg").bounding_box()
    assert box is not None and box["width"] <= PHONE["width"] and box["height"] > 100


def test_the_language_switch_keeps_the_address_and_changes_the_words_and_the_sdg_names(desktop: Visit) -> None:
    page = desktop.page
    page.goto(MAP)
    page.wait_for_selector("#world-map[data-drawn]")
    assert page.locator("html").get_attribute("lang") == "en"
    english = page.locator("h1").inner_text()
    page.locator("nav.languages").get_by_role("link", name="Français").click()
    page.wait_for_url("**lang=fr*")
    address = urlsplit(page.url)
    assert address.path == "/map"
    assert parse_qs(address.query) == {
        "indicator": ["8.7.1"],
        "series": ["SL_TLF_CHLDEC"],
        "flagship": ["ipec-plus"],
        "lang": ["fr"],
    }
    page.wait_for_selector("#world-map[data-drawn]")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == gettext("fr", english) != english
    assert sdg_name("fr", "8-7-1-title") in page.locator("#map-heading").inner_text()
    assert gettext("fr", "{flagship} works here").format(flagship="IPEC+") in page.locator(".map-legend").inner_text()
    assert page.locator("footer .language-note").count() == 1
    desktop.screenshot("map-fr-desktop", full_page=True)
    # the choice holds for the pages a person goes on to (the menu's links carry no ?lang=)
    page.get_by_role("navigation", name=gettext("fr", "Main")).get_by_role("link", name=gettext("fr", "Browse")).click()
    page.wait_for_url("**/browse")
    assert page.locator("h1").inner_text() == gettext("fr", "Browse the graph")
    # and the switch takes the page to Spanish, on the same address
    page.goto("/id/country/PAK")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.locator("nav.languages").get_by_role("link", name="Español").click()
    page.wait_for_url("**/id/country/PAK?lang=es")
    assert page.locator("h1").inner_text() == "Pakistán"
    assert gettext("es", "SDG indicator data") in page.locator("#sdg-data").inner_text()
    assert sdg_name("es", "8-7-1-title") in page.locator("#data-8-7-1").inner_text()
    desktop.screenshot("country-es-desktop", full_page=True)
    assert desktop.foreign_requests() == []
    assert desktop.errors == []


# The Philippines: a flagship works there, and the suite's build has a series with several years for it.
@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/id/country/PHL", "country"),
        ("/map?indicator=1.3.1&lang=fr", "map-fr"),
        ("/id/country/PHL?lang=es", "country-es"),
    ],
)
def test_country_and_translated_pages_at_desktop_and_phone_width(
    browser: Any, live_server: str, url: str, name: str
) -> None:
    for viewport, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        visit = Visit(browser, live_server, viewport)
        try:
            page = visit.page
            page.goto(url)
            page.wait_for_selector("[data-drawn]")
            if name.startswith("country"):
                years = page.locator('section[aria-labelledby="sdg-data"] details.years').first
                years.locator("summary").click()
                assert years.locator("table tbody tr").count() >= 2
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            visit.screenshot(f"{name}-{label}", full_page=True)
            if name.startswith("country"):  # each fact's value has half the list's width or more: a long term
                widths = page.locator("dl.facts").first.evaluate(  # must not squeeze it into a sliver
                    "dl => [...dl.querySelectorAll('dd')].map(dd => dd.getBoundingClientRect().width / dl.clientWidth)"
                )
                assert widths and min(widths) >= 0.5, f"{url} at {viewport['width']}px: facts values at {widths}"
            assert overflow <= 0, f"{url} is {overflow}px wider than {viewport['width']}px"
            assert visit.foreign_requests() == []
            assert visit.errors == []
        finally:
            visit.close()
