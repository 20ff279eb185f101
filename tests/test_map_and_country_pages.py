"""The world map's data and table, and the country pages, checked against the real files: the SDG data's CSVs, the
ISO 3166 table, the world atlas installed from npm and the documents' text.

The suite's build imports three series (tests/conftest.py): SL_TLF_CHLDEA and SL_TLF_CHLDEC (indicator 8.7.1) and
SI_COV_BENFTS (1.3.1). Expected values are read from the CSVs, never from what the build made of them.
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from pathlib import Path

import httpx
import pytest

from api.i18n import format_number
from tests.documents import line_of
from tests.pages import FirstVisitClient

PROJECT = Path(__file__).resolve().parent.parent
DATA = PROJECT / "seeds" / "reference" / "sdg-country-data"
ISO = PROJECT / "seeds" / "reference" / "iso-3166" / "countries.csv"
ATLAS = PROJECT / "api" / "static" / "vendor" / "world-atlas" / "countries-50m.json"
JSON = {"Accept": "application/json"}
PAGE = {"Accept": "text/html"}


@pytest.fixture(scope="module")
def client(live_server: str) -> Iterator[httpx.Client]:
    with FirstVisitClient(base_url=live_server, timeout=60) as session:
        yield session


# ---------------------------------------------------------------- the files as they are


def rows(series: str) -> list[dict[str, str]]:
    path = next(DATA.glob(f"ddf--datapoints--{series.lower()}--by--*.csv"))
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def iso() -> dict[str, dict[str, str]]:
    """ISO 3166-1 numeric code -> its row."""
    with ISO.open(encoding="utf-8", newline="") as handle:
        return {row["numeric"]: row for row in csv.DictReader(handle)}


def _age_key(age: str) -> tuple[int, float]:
    low, _, high = age.partition("_")
    return int(low), -float(high) if high else -float("inf")


def headline(series: str) -> dict[str, tuple[int, Decimal, str]]:
    """From a series' CSV, for each country (M49): its latest year, and the value there for both sexes and the
    widest age group (the population the pages' latest value covers), with that age group."""
    by_area: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows(series):
        code = row["geo_area"].zfill(3)
        if code in iso():
            by_area[code].append(row)
    found = {}
    for code, area_rows in by_area.items():
        year = max(row["year"] for row in area_rows)
        best = min(
            (row for row in area_rows if row["year"] == year),
            key=lambda row: (row.get("sex", "bothsex") != "bothsex", _age_key(row.get("age", "0"))),
        )
        found[code] = (int(year), Decimal(best[series.lower()]), best.get("age", ""))
    return found


@cache
def atlas_ids() -> dict[str, str]:
    """The world atlas's country shapes: id (ISO 3166-1 numeric) -> the atlas's name."""
    if not ATLAS.is_file():
        pytest.skip("world-atlas is not installed in api/static/vendor (make installs it with npm ci)")
    atlas = json.loads(ATLAS.read_text(encoding="utf-8"))
    return {g["id"]: g["properties"]["name"] for g in atlas["objects"]["countries"]["geometries"] if "id" in g}


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) > 2} - {"and", "the", "rep", "dem", "republic"}


# ---------------------------------------------------------------- the atlas and the graph's countries


def test_the_atlas_names_its_countries_by_their_iso_numeric_codes() -> None:
    """The map joins the atlas's ids to the graph's M49 codes: each id must be an ISO 3166-1 numeric code, of the
    country the atlas names (a wrong join would pair names that share no word)."""
    ids = atlas_ids()
    assert len(ids) > 200
    unknown = sorted(code for code in ids if code not in iso())
    assert unknown == []
    mismatched = [
        (code, name, iso()[code]["name"])
        for code, name in ids.items()
        if not words(name) & words(f"{iso()[code]['name']} {iso()[code]['common_name']}")
        and not name.lower().startswith(iso()[code]["name"].lower()[:3])
    ]
    assert len(mismatched) <= len(ids) // 20, mismatched  # abbreviations such as "Dem. Rep. Congo", "eSwatini"


def test_the_map_data_has_every_country_with_a_value_and_the_csv_values(client: httpx.Client) -> None:
    data = client.get("/diagrams/map", params={"indicator": "8.7.1", "series": "SL_TLF_CHLDEC"}, headers=JSON)
    assert data.status_code == 200 and data.headers["content-language"] == "en"
    answer = data.json()
    assert answer["indicator"]["id"] == "sdg:8.7.1" and answer["series"]["code"] == "SL_TLF_CHLDEC"
    expected = headline("SL_TLF_CHLDEC")
    got = {c["m49"]: c for c in answer["countries"]}
    assert set(got) == set(expected)
    for code, (year, value, age) in expected.items():
        latest = got[code]["latest"]
        assert (latest["year"], Decimal(latest["text"])) == (year, value), iso()[code]["name"]
        assert age.replace("_", "-") in latest["breakdown"] and "both sexes" in latest["breakdown"]
        assert got[code]["iso"] == iso()[code]["alpha_3"] and got[code]["href"] == f"/id/country/{got[code]['iso']}"
    assert any("CC BY 4.0" in (source["citation"] or "") for source in answer["sources"])
    # the indicators and series the form offers are those of the import
    choices = {c["indicator"]["id"]: [s["code"] for s in c["series"]] for c in answer["choices"]}
    assert choices == {"sdg:1.3.1": ["SI_COV_BENFTS"], "sdg:8.7.1": ["SL_TLF_CHLDEA", "SL_TLF_CHLDEC"]}
    # most of the countries with a value are on the map; the others are too small for the atlas's scale
    drawn = [code for code in got if code in atlas_ids()]
    assert len(drawn) >= 0.9 * len(got)


def test_a_flagships_countries_are_the_questions_with_their_quotes(client: httpx.Client) -> None:
    answer = client.get("/diagrams/map", params={"indicator": "8.7.1", "flagship": "IPEC+"}, headers=JSON).json()
    question = client.get(
        "/questions/countries-of-flagship", params={"flagship": "IPEC+", "indicator": "8.7.1"}, headers=JSON
    ).json()
    assert answer["flagship"]["id"] == "flagship:ipec-plus"
    assert answer["question"] == "/questions/countries-of-flagship?flagship=ipec-plus&indicator=8.7.1"
    marked = {c["ref"]["id"] for c in answer["countries"] if c["flagship_here"]}
    assert marked == {row["country"]["id"] for row in question["rows"]}
    assert len(marked) >= 5
    # the first series of 8.7.1 by default; the question's value of that series in each country is the map's
    series = answer["series"]["code"]
    question_values = {
        row["country"]["id"]: row["value"] for row in question["rows"] if row["series"] == series and row["value"]
    }
    for country in answer["countries"]:
        if country["flagship_here"] and country["latest"]:
            assert country["latest"]["value"] == question_values[country["ref"]["id"]]
    # every country is marked with the quotes that place IPEC+ there, each quote naming it
    for country in answer["countries"]:
        if country["flagship_here"]:
            quotes = [step["evidence"]["quote"] for step in country["evidence"]]
            assert quotes and all(country["ref"]["label"] in quote for quote in quotes), country["ref"]["label"]
    # a country the flagship works in but the data has no value for is on the map's list, unshaded
    assert all(c["latest"] or c["flagship_here"] for c in answer["countries"])


def _table(page: str) -> dict[str, str]:
    body = page.split('<table class="data map-table">', 1)[1].split("</table>", 1)[0]
    return dict(re.findall(r'<tr data-m49="(\d{3})" data-value="([^"]*)"', body))


def test_the_table_under_the_map_has_the_map_datas_countries_and_values(client: httpx.Client) -> None:
    for params in ({"indicator": "8.7.1", "flagship": "ipec-plus"}, {"indicator": "1.3.1"}):
        page = client.get("/map", params=params, headers=PAGE)
        assert page.status_code == 200
        data = client.get("/diagrams/map", params=params, headers=JSON).json()
        expected = {c["m49"]: (str(c["latest"]["value"]) if c["latest"] else "") for c in data["countries"]}
        table = _table(page.text)
        assert {code: Decimal(v) if v else None for code, v in table.items()} == {
            code: Decimal(v) if v else None for code, v in expected.items()
        }
        # the page loads the atlas and its scripts from the service itself
        assert 'data-atlas="/static/vendor/world-atlas/countries-50m.json"' in page.text
        assert '<script src="/static/vendor/topojson-client.min.js"></script>' in page.text


def test_a_series_left_from_another_indicator_gives_way_on_the_page_and_is_refused_as_json(
    client: httpx.Client,
) -> None:
    # The form sends the series of the indicator shown before; the page then shows the new indicator's first series.
    page = client.get("/map", params={"indicator": "1.3.1", "series": "SL_TLF_CHLDEC"}, headers=PAGE)
    assert page.status_code == 200 and '<span class="code">SI_COV_BENFTS</span>' in page.text
    refused = client.get("/diagrams/map", params={"indicator": "1.3.1", "series": "SL_TLF_CHLDEC"}, headers=JSON)
    assert refused.status_code == 400
    assert "not a data series of SDG indicator 1.3.1" in refused.json()["detail"]
    assert "SI_COV_BENFTS" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("params", "status", "says"),
    [
        ({"indicator": "8.99.1"}, 404, "there is no SDG indicator 8.99.1"),
        ({"indicator": "8.7"}, 404, "is not an SDG indicator code"),
        ({"indicator": "1.1.1"}, 404, "the data has no values of SDG indicator 1.1.1"),
        ({"indicator": "8.7.1", "flagship": "nope"}, 404, "names no flagship programme"),
        ({"indicator": "8.7.1", "lang": "de"}, 422, "lang"),
    ],
)
def test_bad_input_to_the_map_says_what_to_write(
    client: httpx.Client, params: dict[str, str], status: int, says: str
) -> None:
    answer = client.get("/diagrams/map", params=params, headers=JSON)
    assert answer.status_code == status and says in answer.json()["detail"]
    page = client.get("/map", params=params, headers=PAGE)
    assert page.status_code == status and says in html.unescape(page.text)


# ---------------------------------------------------------------- a country's page


def _series_row(page: str, series: str) -> str:
    found = re.search(rf'<tr data-series="{series}">(.*?)</tr>\s*(?=<tr data-series|</tbody>)', page, re.S)
    assert found is not None, series
    return found.group(1)


def test_a_countrys_page_has_its_latest_child_labour_values_from_the_csv(client: httpx.Client) -> None:
    pakistan = next(code for code, row in iso().items() if row["alpha_3"] == "PAK")
    page = client.get("/id/country/PAK", headers=PAGE).text
    assert '<section class="indicator-data" aria-labelledby="data-8-7-1">' in page
    for series in ("SL_TLF_CHLDEC", "SL_TLF_CHLDEA"):
        year, value, age = headline(series)[pakistan]
        row = _series_row(page, series)
        assert f"<strong>{format_number(str(value), 'en')}</strong>" in row
        assert f"<td>{year}</td>" in row and f"{age.replace('_', '-')}, both sexes" in row
    assert "percent" in _series_row(page, "SL_TLF_CHLDEC")
    # the data's source and how to cite it
    assert "Global SDG Indicators Database" in page and "CC BY 4.0" in page
    # in Spanish, the same numbers as Spanish writes them
    spanish = client.get("/id/country/PAK", params={"lang": "es"}, headers=PAGE).text
    year, value, _ = headline("SL_TLF_CHLDEC")[pakistan]
    assert f"<strong>{format_number(str(value), 'es')}</strong>" in _series_row(spanish, "SL_TLF_CHLDEC")


def test_a_countrys_page_gives_a_series_year_by_year_as_the_csv_does(client: httpx.Client) -> None:
    by_area: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for row in rows("SI_COV_BENFTS"):
        if row["sex"] == "bothsex" and row["geo_area"].zfill(3) in iso():
            by_area[row["geo_area"].zfill(3)][int(row["year"])] = Decimal(row["si_cov_benfts"])
    code = max(by_area, key=lambda c: (len(by_area[c]), c))
    assert len(by_area[code]) >= 3
    page = client.get(f"/id/country/{iso()[code]['alpha_3']}", headers=PAGE).text
    row = _series_row(page, "SI_COV_BENFTS")
    years = re.findall(r'<tr><th scope="row">(\d{4})</th><td class="num">([^<]+)</td>', row)
    assert [(int(year), Decimal(value.replace(",", ""))) for year, value in years] == sorted(by_area[code].items())
    assert '<svg class="sparkline"' in row and "<polyline" in row


def test_a_country_page_names_the_programmes_and_the_partners_the_same_passage_names(client: httpx.Client) -> None:
    # The brochure: "... projects (e.g.: BMZ programme / in Ethiopia, Bangladesh, Cambodia, Lao PDR and Indonesia"
    line = line_of("brochure-2020", r"BMZ programme\s+in Ethiopia")
    page = client.get("/id/country/ETH", headers=PAGE).text
    programmes = page.split('<h2 id="programmes">', 1)[1].split("</section>", 1)[0]
    assert 'href="/id/flagship/social-protection-floors"' in programmes
    assert f'cite="/documents/brochure-2020#L{line}"' in programmes
    partners = page.split('<h2 id="partners">', 1)[1].split("</section>", 1)[0]
    assert "BMZ" in partners and f'cite="/documents/brochure-2020#L{line}"' in partners
    # a country where no document places a partner has no such section
    assert '<h2 id="partners">' not in client.get("/id/country/PAK", headers=PAGE).text


def test_the_countries_list_and_the_sdg_indicator_lead_to_the_map(client: httpx.Client) -> None:
    assert 'href="/map"' in client.get("/countries", headers=PAGE).text
    indicator = client.get("/resources/sdg:8.7.1", headers=PAGE).text
    section = indicator.split('<h2 id="country-data">', 1)[1].split("</section>", 1)[0]
    assert sorted(re.findall(r"series=(SL_TLF_\w+)", section)) == ["SL_TLF_CHLDEA", "SL_TLF_CHLDEC"]
    assert '<h2 id="country-data">' not in client.get("/resources/sdg:8.8.1", headers=PAGE).text
