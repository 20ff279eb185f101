"""The question routes answer as the curated documents support, with evidence or derivation for each link."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.test_service import assert_problem

ILOKG = "https://w3id.org/ilokg/ontology#"


def curated_links(seeds: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted((seeds / "curated" / "links").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


def in_range(code: str, text: str) -> bool:
    first, _, last = text.partition("-")
    goal, _, number = code.partition(".")
    start, end = int(first.partition(".")[2]), int(last.partition(".")[2])
    return first.partition(".")[0] == goal and start <= int(number) <= end


@pytest.fixture(scope="module")
def target_87(client: httpx.Client) -> dict[str, Any]:
    response = client.get("/sdg/targets/8.7/flagships")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_flagships_stated_for_87_are_those_the_curated_rows_state(
    target_87: dict[str, Any], project_seeds: Path
) -> None:
    rows = curated_links(project_seeds)
    stated_rows = [r for r in rows if r["link"] == "servesTarget" and r["object"] == "sdg:8.7"]
    expected = {r["subject"] for r in stated_rows if r["subject"].startswith("flagship:")}
    assert expected, "the seeds state at least one flagship for 8.7"
    assert {a["flagship"]["id"] for a in target_87["stated"]} == expected
    for answer in target_87["stated"]:
        quotes = {(e["document"]["id"], e["line"], e["quote"]) for e in answer["evidence"]}
        for row in stated_rows:
            if row["subject"] == answer["flagship"]["id"]:
                assert (f"document:{row['document']}", int(row["line"]), " ".join(row["quote"].split())) in quotes
    ipec = next(a for a in target_87["stated"] if a["flagship"]["id"] == "flagship:ipec-plus")
    assert any(e["document"]["id"] == "document:gb325-pol7" for e in ipec["evidence"])


def test_flagships_reached_only_by_the_stated_range_are_derived_with_why(
    target_87: dict[str, Any], project_seeds: Path
) -> None:
    rows = curated_links(project_seeds)
    stated = {r["subject"] for r in rows if r["link"] == "servesTarget" and r["object"] == "sdg:8.7"}
    ranges = [
        r
        for r in rows
        if r["link"] == "servesTargetRange" and r["subject"].startswith("flagship:") and in_range("8.7", r["object"])
    ]
    by_range = {r["subject"] for r in ranges} - stated
    assert "flagship:jobs-for-peace-resilience" in by_range
    in_range_list = {a["flagship"]["id"]: a for a in target_87["stated_as_range"]}
    assert by_range == in_range_list.keys()
    assert not in_range_list.keys() & stated
    for answer in [*target_87["stated_as_range"], *target_87["related"]]:
        assert answer["stated"] is False and answer["evidence"] == []
        assert len(answer["derivations"]) == 1, f"{answer['flagship']['id']} has one derivation, its shortest chain"
    for row in ranges:
        answer = in_range_list[row["subject"]]
        assert answer["strength"] == "range" and answer["why"].startswith("stated as the range")
        expansion = answer["derivations"][0]
        assert expansion["rule"]["iri"] == ILOKG + "rangeExpansion"
        premise = expansion["premises"][0]
        assert premise["evidence"]["quote"] == " ".join(row["quote"].split())
        assert premise["evidence"]["line"] == int(row["line"])
    assert {a["strength"] for a in target_87["related"]} <= {"chain"}


def test_unknown_target_is_404_saying_so(client: httpx.Client) -> None:
    body = assert_problem(client.get("/sdg/targets/99.9/flagships"), 404)
    assert "99.9" in str(body["detail"])


def test_flagships_list_and_detail_with_evidence(client: httpx.Client, project_seeds: Path) -> None:
    listed = client.get("/flagships").json()
    assert {f["id"] for f in listed} == {
        "flagship:better-work",
        "flagship:ipec-plus",
        "flagship:safety-health-for-all",
        "flagship:jobs-for-peace-resilience",
        "flagship:social-protection-floors",
    }
    body = client.get("/flagships/ipec-plus").json()
    assert body["flagship"]["id"] == "flagship:ipec-plus"
    assert "IPEC+" in body["names"]["acronyms"]
    rows = curated_links(project_seeds)
    standards = {r["object"] for r in rows if r["subject"] == "flagship:ipec-plus" and r["link"] == "principalStandard"}
    assert {link["node"]["id"] for link in body["standards"]} == standards
    for link in body["standards"]:
        assert link["stated"] and link["evidence"][0]["quote"]
    outputs = {r["object"] for r in rows if r["subject"] == "flagship:ipec-plus" and r["link"] == "contributesToOutput"}
    listed_outputs = {link["node"]["id"] for links in body["outputs"].values() for link in links}
    assert listed_outputs == outputs
    for biennium, links in body["outputs"].items():
        assert all(link["node"]["id"].startswith(f"output:{biennium}/") for link in links)
    target_ids = {link["node"]["id"] for link in body["sdg_targets"]}
    assert "sdg:8.7" in target_ids
    assert body["figures"] and all(f["evidence"] for f in body["figures"])
    assert body["partners"] and all(link["evidence"] for link in body["partners"])
    assert_problem(client.get("/flagships/no-such-flagship"), 404)


def test_instrument_detail_links_flagships_and_results(client: httpx.Client) -> None:
    assert any(i["id"] == "C182" for i in client.get("/instruments").json())
    body = client.get("/instruments/c182").json()
    assert body["instrument"]["id"] == "C182"
    assert body["adoption_year"] == "1999"
    assert "flagship:ipec-plus" in {link["node"]["id"] for link in body["flagships"]}
    assert "2022-23" in body["promoted_by"]
    assert_problem(client.get("/instruments/C999"), 404)


def test_programme_and_budget_results_by_biennium(client: httpx.Client) -> None:
    bienniums = {b["id"] for b in client.get("/bienniums").json()}
    assert "biennium:2022-23" in bienniums
    biennium = client.get("/bienniums/2022-23").json()
    assert "output:2022-23/7.1" in {o["id"] for o in biennium["outputs"]}
    assert [o["id"] for o in client.get("/bienniums/2022-23/outputs").json()] == [o["id"] for o in biennium["outputs"]]
    output = client.get("/bienniums/2022-23/outputs/7.1").json()
    assert output["kind"] == "output" and output["biennium"] == "2022-23"
    assert output["outcome"] and output["outcome"][0]["node"]["id"] == "outcome:2022-23/7"
    assert "flagship:ipec-plus" in {link["node"]["id"] for link in output["flagships"]}
    assert "sdg:8.7.1" in {link["node"]["id"] for link in output["sdg"]}
    outcome = client.get("/bienniums/2022-23/outcomes/7").json()
    assert "output:2022-23/7.1" in {link["node"]["id"] for link in outcome["outputs"]}
    assert_problem(client.get("/bienniums/2022-23/outputs/99.9"), 404)
    assert_problem(client.get("/bienniums/1999-00"), 404)
    assert_problem(client.get("/bienniums/2022-23/widgets"), 422)


def test_sdg_goals_targets_indicators(client: httpx.Client) -> None:
    assert len(client.get("/sdg/goals").json()) == 17
    targets = [t["id"] for t in client.get("/sdg/targets").json()]
    assert targets.index("sdg:8.9") < targets.index("sdg:8.10")
    target = client.get("/sdg/targets/8.7").json()
    assert target["broader"][0]["node"]["id"] == "sdg:8"
    assert "sdg:8.7.1" in {link["node"]["id"] for link in target["narrower"]}
    served = {link["node"]["id"]: link for link in target["served_by"]}
    assert served["flagship:ipec-plus"]["stated"]
    assert served["flagship:jobs-for-peace-resilience"]["derived"]
    assert served["flagship:jobs-for-peace-resilience"]["strength"] == "range"
    assert not served["flagship:jobs-for-peace-resilience"]["stated"]
    indicator = client.get("/sdg/indicators/8.7.1").json()
    assert "output:2022-23/7.1" in {link["node"]["id"] for link in indicator["reported_by"]}
    goal = client.get("/sdg/goals/8").json()
    assert goal["kind"] == "goal" and len(goal["narrower"]) >= 10
    assert_problem(client.get("/sdg/targets/8.99"), 404)
