"""The named questions answer as the documents say, with the strength of every link, over real HTTP.

Expectations come from the document text (tests/documents.py), never from the curated rows.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import httpx
import jsonschema_rs
import pytest

from graph.read.named import QUESTIONS
from tests.documents import between, find, line_of, text

JSON = {"Accept": "application/json"}
IPEC, JPR, BW = "flagship:ipec-plus", "flagship:jobs-for-peace-resilience", "flagship:better-work"
SHA, SPF = "flagship:safety-health-for-all", "flagship:social-protection-floors"
GROUP = "portfolio:flagships"


def ask(client: httpx.Client, name: str, **params: str) -> dict[str, Any]:
    response = client.get(f"/questions/{name}", params=params, headers=JSON)
    assert response.status_code == 200, response.text[:300]
    body: dict[str, Any] = response.json()
    return body


def by(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {row[key]["id"]: row for row in rows}


def cited(row: dict[str, Any]) -> set[tuple[str, int]]:
    """(document key, line) of every stated link behind a row."""
    return {
        (step["evidence"]["document"]["id"].removeprefix("document:"), step["evidence"]["line"])
        for step in row["evidence"]
    }


def serves(rows: list[dict[str, Any]]) -> set[str]:
    return {row["flagship"]["id"] for row in rows if row["strength"] in ("stated", "range")}


# ---------------------------------------------------------------- the cases of the issue


def test_8_7_ipec_plus_stated_jpr_by_its_stated_range_better_work_only_related(client: httpx.Client) -> None:
    rows = by(ask(client, "flagships-for-target", target="8.7")["rows"], "flagship")
    ipec = rows[IPEC]
    assert ipec["strength"] == "stated"
    assert ("gb325-pol7", line_of("gb325-pol7", r"target 8\.7\s+\(child labour and forced labour\)")) in cited(ipec)
    # GB.325/POL/7 states JPR's goal-8 targets as a range that holds 8.7
    stated_range = find("gb325-pol7", r"all targets from\s+8\.(\d+) to 8\.(\d+)")
    assert int(stated_range.group(1)) <= 7 <= int(stated_range.group(2))
    jpr = rows[JPR]
    assert jpr["strength"] == "range"
    assert cited(jpr) == {("gb325-pol7", line_of("gb325-pol7", r"all targets from\s+8\.2"))}
    assert "8.2-8.10" in jpr["why"]
    # Better Work: its row of the GB.325 table names targets 8.2 and 8.8, not 8.7; P&B 2022-23 names it in
    # output 7.1, which reports on indicator 8.7.1. So it is related to 8.7 through that output, and only so.
    cell = between("gb325-pol7", r"Goal 5: gender equality, target 5\.5", r"\nIPEC\+\n")
    assert "8.2" in cell and "8.8" in cell and "8.7" not in cell
    output = between("pb-2022-23", r"Output 7\.1:", r"Output 7\.2:")
    assert "Better Work flagship programme" in output and "SDG indicator 8.7.1" in output
    better_work = rows[BW]
    assert better_work["strength"] == "chain"
    assert better_work["why"] == "related through output 2022-23/7.1 and SDG indicator 8.7.1"
    assert {
        ("pb-2022-23", line_of("pb-2022-23", r"scaling up\s+the Better Work flagship programme")),
        ("pb-2022-23", line_of("pb-2022-23", r"SDG indicator 8\.7\.1 on child labour")),
    } <= cited(better_work)
    # one chain, each premise once (not three chains through C087, C098 and C182)
    steps = [(s["subject"]["id"], s["predicate"]["iri"], s["evidence"]["line"]) for s in better_work["evidence"]]
    assert len(steps) == len(set(steps)) == 3
    assert serves(list(rows.values())) == {IPEC, JPR}


def test_8_8_has_no_ipec_plus_and_8_b_no_jpr_under_serves(client: httpx.Client) -> None:
    # PIR 2020-21 names SDG indicator 8.8.1 in its outcome 7 narrative, not in an output: nothing follows for IPEC+.
    outcome_7 = line_of("pir-2020-21", r"Outcome 7\. Adequate and effective protection")
    outcome_8 = line_of("pir-2020-21", r"\nOutcome 8: Comprehensive") + 1
    reported = line_of("pir-2020-21", r"report against SDG indicator 8\.8\.1")
    assert outcome_7 < reported < outcome_8
    rows_88 = ask(client, "flagships-for-target", target="8.8")["rows"]
    assert IPEC not in {row["flagship"]["id"] for row in rows_88}
    table = by(rows_88, "flagship")
    assert ("gb325-pol7", line_of("gb325-pol7", r"8\.8 \(protect\s+labour rights")) in cited(table[BW])
    assert ("gb325-pol7", line_of("gb325-pol7", r"target 8\.8\s+\(safe working environment\)\.")) in cited(table[SHA])
    assert {table[BW]["strength"], table[SHA]["strength"]} == {"stated"}
    # 8.b is a lettered target, outside "all targets from 8.2 to 8.10"; JPR reaches it only through C.122 and
    # output 3.1 of 2022-23 (which names the Convention and reports on 8.b.1).
    rows_8b = ask(client, "flagships-for-target", target="8.b")["rows"]
    assert serves(rows_8b) == set()
    jpr = by(rows_8b, "flagship")[JPR]
    assert jpr["strength"] == "chain"
    assert {
        ("gb325-pol7", line_of("gb325-pol7", r"C\.122 employment policy")),
        ("pb-2022-23", line_of("pb-2022-23", r"Employment Policy\s+Convention, 1964 \(No\. 122\)")),
        ("pb-2022-23", line_of("pb-2022-23", r"reporting on\s+SDG indicator 8\.b\.1")),
    } <= cited(jpr)
    only_serving = ask(client, "flagships-for-target", target="8.b", strength="serves")
    assert only_serving["rows"] == [] and only_serving["total"] == len(rows_8b)


def test_every_answer_can_be_kept_to_one_strength(client: httpx.Client) -> None:
    every = ask(client, "flagships-for-target", target="8.7")
    kept = {
        strength: {
            row["flagship"]["id"]
            for row in ask(client, "flagships-for-target", target="8.7", strength=strength)["rows"]
        }
        for strength in ("stated", "range", "chain", "serves")
    }
    assert kept == {"stated": {IPEC}, "range": {JPR}, "chain": {BW, GROUP}, "serves": {IPEC, JPR}}
    assert every["total"] == len(every["rows"]) == 4
    bad = client.get("/questions/flagships-for-target", params={"target": "8.7", "strength": "strong"}, headers=JSON)
    assert bad.status_code == 400 and "strength" in bad.json()["detail"]


def test_what_is_stated_of_the_flagships_as_a_group_stays_on_the_group(client: httpx.Client) -> None:
    # The 2020 brochure lists P&B 2022-23 outputs under "the flagship programmes" as a whole, none for one of them.
    heading = line_of("brochure-2020", r"What is the link between the flagship\s+programmes and the outputs")
    listed = line_of("brochure-2020", r"7\.2 Increased capacity of Member States to ensure safe")
    assert heading < listed
    rows = by(ask(client, "flagships-for-output", output="2022-23/7.2")["rows"], "flagship")
    assert rows[GROUP]["section"].startswith("Stated of the flagships as a group")
    assert ("brochure-2020", listed) in cited(rows[GROUP])
    # P&B 2022-23 itself names OSH-GAP in output 7.2; no other programme gets the group's link
    assert "(OSH–GAP)" in between("pb-2022-23", r"Output 7\.2:", r"Output 7\.3:")
    assert {k for k, row in rows.items() if row["strength"] == "stated"} == {SHA, GROUP}


# ---------------------------------------------------------------- the rest of the catalogue


def test_flagships_for_goal_8_are_the_five_table_rows(client: httpx.Client) -> None:
    table = between("gb325-pol7", r"2030 SDGs and targets", r"\n15\. All flagship programmes")
    assert len(re.findall(r"Goal 8: decent work", table)) == 5
    rows = ask(client, "flagships-for-goal", goal="8")["rows"]
    assert {row["flagship"]["id"] for row in rows if row["strength"] == "stated"} == {IPEC, JPR, BW, SHA, SPF}


def test_flagships_for_indicator_8_8_1(client: httpx.Client) -> None:
    rows = by(ask(client, "flagships-for-indicator", indicator="8.8.1")["rows"], "flagship")
    line = line_of("brochure-2020", r"in line with SDG indicator 8\.8\.1")
    assert rows[SHA]["strength"] == "stated" and ("brochure-2020", line) in cited(rows[SHA])


def test_sdg_of_jpr_by_strength(client: httpx.Client) -> None:
    cell = between("gb325-pol7", r"\nJPR\n\nC\.122", r"\nSocial Protection\nFloor\n")
    stated_targets = set(re.findall(r"\b(\d{1,2}\.\d{1,2}) \(", cell))
    stated_goals = set(re.findall(r"Goal (\d{1,2}):", cell))
    first, last = (int(n) for n in find("gb325-pol7", r"all targets from\s+8\.(\d+) to 8\.(\d+)").groups())
    rows = ask(client, "sdg-of-flagship", flagship="JPR")["rows"]
    found = {(row["level"], row["sdg"]["id"][4:]): row["strength"] for row in rows}
    assert {code for (level, code), s in found.items() if level == "target" and s == "stated"} == stated_targets
    assert {code for (level, code), s in found.items() if level == "goal" and s == "stated"} >= stated_goals
    assert {code for (level, code), s in found.items() if s == "range"} == {f"8.{n}" for n in range(first, last + 1)}
    assert found[("target", "8.b")] == "chain"


def test_standards_of_ipec_plus_and_of_spf_in_the_documents_words(client: httpx.Client) -> None:
    cell = find("gb325-pol7", r"Conventions Nos (\d+),\s+(\d+), and (\d+), plus the\s+(\d{4}) Protocol to C\.(\d+)\.")
    expected = {f"C{int(n):03d}" for n in cell.groups()[:3]} | {f"P{int(cell.group(5)):03d}"}
    rows = ask(client, "standards-of-flagship", flagship="IPEC+")["rows"]
    assert {row["standard"]["id"] for row in rows} == expected
    assert {row["kind"] for row in rows} == {"principal"}
    assert {line for row in rows for _, line in cited(row)} <= {
        line_of("gb325-pol7", r"Conventions Nos 138,"),
        line_of("gb325-pol7", r"plus the\s+2014 Protocol"),
        line_of("gb325-pol7", r"2014 Protocol to C\.29"),
    }
    shared = {row["standard"]["id"]: {r["id"] for r in row["shared_with"]} for row in rows}
    assert BW in shared["C182"]
    spf = {row["standard"]["id"]: row["kind"] for row in ask(client, "standards-of-flagship", flagship="SPF")["rows"]}
    find("gb325-pol7", r"other\s+relevant social protection\s+instruments \(notably\s+C\.102\)")
    assert spf == {"R202": "principal", "C102": "other relevant"}


def _numbers(cell: str) -> set[str]:
    return {f"C{int(n):03d}" for n in re.findall(r"\d+", cell)}


def test_standards_shared_by_several_flagships_and_the_flagships_of_c182(client: httpx.Client) -> None:
    better_work = _numbers(find("gb325-pol7", r"Conventions Nos 29,[\d,\s]+and\s+182").group(0))
    ipec = _numbers(find("gb325-pol7", r"Conventions Nos 138,\s+182, and 29").group(0))
    rows = ask(client, "shared-standards")["rows"]
    assert {row["standard"]["id"] for row in rows} == better_work & ipec
    assert all({f["id"] for f in row["flagships"]} == {BW, IPEC} for row in rows)
    assert {
        row["flagship"]["id"] for row in ask(client, "flagships-of-standard", standard="Convention No. 182")["rows"]
    } == {
        BW,
        IPEC,
    }


def test_outputs_of_outcome_7_of_2022_23(client: httpx.Client) -> None:
    codes = re.findall(r"^Output (7\.\d):", text("pb-2022-23"), re.MULTILINE)
    rows = ask(client, "outputs-of-outcome", outcome="2022-23/7")["rows"]
    assert [row["output"]["id"] for row in rows] == [f"output:2022-23/{code}" for code in codes]
    for row, code in zip(rows, codes, strict=True):
        assert ("pb-2022-23", line_of("pb-2022-23", rf"(?m)^Output {re.escape(code)}:")) in cited(row)


def test_what_output_7_1_of_2022_23_names(client: httpx.Client) -> None:
    output = between("pb-2022-23", r"Output 7\.1:", r"Output 7\.2:")
    numbers = [a or b for a, b in re.findall(r"Convention No\. (\d+)|\(No\. (\d+)\)", output)]
    standards = {f"C{int(n):03d}" for n in numbers}
    if "Protocol of 2014 to the Forced Labour Convention" in output:
        standards.add("P029")
    rows = ask(client, "output-names", output="7.1 of 2022–23")["rows"]
    named = {
        section: {row["thing"]["id"] for row in rows if row["section"] == section}
        for section in {r["section"] for r in rows}
    }
    assert named["Standards it names"] == standards
    assert named["SDG indicators it reports on"] == {
        f"sdg:{c}" for c in re.findall(r"SDG indicator (\d+\.\d+\.\d+)", output)
    }
    assert named["Flagships"] == {IPEC, BW}
    assert {"organization:unicef", "organization:alliance-8-7"} <= named["Partners"]


def _printed_values(after: str) -> list[int]:
    """The numbers the PIR prints, one per line, after the label `after` (its table cells)."""
    lines = text("pir-2020-21")[find("pir-2020-21", after).end() :].split("\n")
    numbers: list[int] = []
    started = False
    for line in lines:
        cell = line.strip()
        if re.fullmatch(r"\d+", cell):
            numbers.append(int(cell))
            started = True
        elif cell and started:
            break
    return numbers


def test_indicator_8_1_1_target_and_results_by_region(client: httpx.Client) -> None:
    # Appendix II: Targets | Results achieved: Total, Africa, Americas, Arab States, Asia and the Pacific, Europe
    # and Central Asia. The row of 8.1.1 is printed after the seven cells of 7.5.3.
    header = between("pir-2020-21", r"Output indicators\n\nTargets\n\nResults achieved", r"\n1\.1\.1\.")
    assert [w for w in ("Total", "Africa", "Americas", "Arab", "Asia", "Europe") if w in header] == [
        "Total",
        "Africa",
        "Americas",
        "Arab",
        "Asia",
        "Europe",
    ]
    cells = _printed_values(r"7\.5\.3\. Number of bilateral or\nregional labour migration")
    assert len(cells) == 14
    target, total, africa, americas, arab, asia, europe = cells[7:]
    answer = ask(client, "indicator-results", of="2020-21/8.1.1")
    (row,) = answer["rows"]
    assert row["indicator"]["id"] == "indicator:2020-21/8.1.1"
    assert (row["target"], row["result"]) == (target, total)
    assert (row["africa"], row["americas"], row["arab_states"], row["asia_pacific"], row["europe_central_asia"]) == (
        africa,
        americas,
        arab,
        asia,
        europe,
    )
    assert row["regions_sum"] == africa + americas + arab + asia + europe
    assert row["assessment"] == ("met" if total >= target else "missed")
    # The graph records a count (the name begins "Number of"), and the name says what it counts.
    assert find("pir-2020-21", r"8\.1\.1\.\s+Number\s+of\s+Member\s+States")
    assert row["unit"] == "count of Member States" and row["unit_from"] == "the graph"
    assert any("sum of its regions" in note or "differs from the sum" in note for note in answer["notes"])
    # the indicator's own JSON names each region and gives each amount (no bare value ids, no null values)
    values = client.get("/bienniums/2020-21/indicators/8.1.1").json()["values"]
    regional = {v["region"]["label"]: v["amount"] for v in values if v["region"]}
    assert regional == {
        "Africa": africa,
        "Americas": americas,
        "Arab States": arab,
        "Asia and the Pacific": asia,
        "Europe and Central Asia": europe,
    }


def test_outcome_8_of_2020_21_gives_every_indicator_of_its_outputs(client: httpx.Client) -> None:
    printed = set(re.findall(r"\n(8\.\d\.\d)\. Number of", text("pir-2020-21")))
    rows = ask(client, "indicator-results", of="outcome 8 of 2020-2021")["rows"]
    assert {row["code"] for row in rows} == printed
    assert all(row["output"]["id"] == "output:2020-21/" + row["code"].rsplit(".", 1)[0] for row in rows)


def test_better_work_figures_side_by_side_where_they_differ(client: httpx.Client) -> None:
    rows = ask(client, "flagship-figures", flagship="Better Work")["rows"]
    workers = [row for row in rows if row["unit"] == "workers"]
    lines = {(doc, line) for row in workers for doc, line in cited(row)}
    assert ("gb325-pol7", line_of("gb325-pol7", r"Over 1 million\s+workers")) in lines
    assert ("brochure-2020", line_of("brochure-2020", r"more\s+than two million workers")) in lines
    factories = [row for row in rows if row["unit"] == "factories" and row["year"] == "2020"]
    assert {row["amount"] for row in factories} == {1500, 1700}
    assert all(row["compare"] for row in factories)
    assert rows.index(factories[0]) + 1 == rows.index(factories[1])


def test_countries_and_partners_of_jpr_and_better_work(client: httpx.Client) -> None:
    named = find("brochure-2020", r"New JPR projects in ([^\n]+)\n([^\n]+)")
    countries = {c.strip() for c in re.split(r",|\band\b", " ".join(named.groups())) if c.strip()}
    rows = ask(client, "countries-and-partners", flagship="JPR")["rows"]
    found = {row["thing"]["label"] for row in rows if row["section"] == "Countries"}
    assert {"Somalia", "Afghanistan", "Sudan", "Nigeria"} <= found
    assert {"Somalia", "Afghanistan", "Nigeria"} <= countries
    better_work = ask(client, "countries-and-partners", flagship="Better Work")["rows"]
    find("gb325-pol7", r"International Finance Corporation\s+\(IFC\)")
    assert "International Finance Corporation" in {
        r["thing"]["label"] for r in better_work if r["section"] == "Partners"
    }
    # GB.325 para. 27: the flagship programmes as a group work with the Turin Centre
    assert "Turin (Turin Centre)" in text("gb325-pol7")
    turin = [
        r for r in better_work if "Turin" in (r["thing"]["label"] or "") or r["thing"]["id"] == "organization:itcilo"
    ]
    assert turin and all(r["section"] == "Partners of the flagships as a group" for r in turin)


def test_outcome_7_across_bienniums_is_three_results_never_merged(client: httpx.Client) -> None:
    titles = {
        "2016-17": " ".join(find("gb325-pol7", r"Outcome 7: (Workplace\s+compliance)").group(1).split()),
        "2020-21": find("pir-2020-21", r"Outcome 7\. (Adequate and effective protection at work for all)").group(1),
        "2022-23": " ".join(
            find("pb-2022-23", r"Outcome 7: (Adequate and effective protection at\s+work for all)").group(1).split()
        ),
    }
    rows = ask(client, "code-across-bienniums", code="7")["rows"]
    assert {row["biennium"]["id"][9:]: row["title"] for row in rows} == titles
    assert len({row["thing"]["id"] for row in rows}) == 3


def test_strategic_resources_of_2002_03_as_table_6_prints_them(client: httpx.Client) -> None:
    table = between("pb-2002-03", r"Table 6\.", r"\n106\.")
    printed = {
        label: (int(a.replace(",", "")), int(b.replace(",", "")))
        for label, a, b in re.findall(r"\n(3a|3b|Total 2002-03|Revised 2000-01)\D*?([\d,]{5,})\s+([\d,]{5,})", table)
    }
    rows = ask(client, "strategic-resources-2002-03")["rows"]
    got = {(row["item"]["id"], row["period"]): (row["regular_budget"], row["extra_budgetary"]) for row in rows}
    assert got[("operational-objective:2002-03/3a", "2002–03")] == printed["3a"]
    assert got[("operational-objective:2002-03/3b", "2002–03")] == printed["3b"]
    assert got[("strategic-objective:2002-03/3", "2002–03")] == printed["Total 2002-03"]
    assert got[("strategic-objective:2002-03/3", "2000–01")] == printed["Revised 2000-01"]
    notes = " ".join(ask(client, "strategic-resources-2002-03")["notes"])
    assert f"({printed['Total 2002-03'][0]:,}) equals the sum" in notes


def test_flagships_for_outcome_7_of_2016_17_and_output_7_1_of_2022_23(client: httpx.Client) -> None:
    table = between("gb325-pol7", r"Programme and budget\noutcomes", r"\n15\. All flagship programmes")
    assert table.count("Outcome 7: Workplace") == 2 and "Outcome 7 (compliance)" in table
    rows = ask(client, "flagships-for-outcome", outcome="2016-17/7")["rows"]
    assert {row["flagship"]["id"] for row in rows if row["strength"] == "stated"} == {BW, IPEC, SHA}
    output = between("pb-2022-23", r"Output 7\.1:", r"Output 7\.2:")
    assert "IPEC+ flagship programme" in output and "Better Work flagship programme" in output
    rows = ask(client, "flagships-for-output", output="2022-23/7.1")["rows"]
    assert {row["flagship"]["id"] for row in rows if row["strength"] == "stated"} == {BW, IPEC, GROUP}


def test_flagships_for_output_2_1_of_2020_21_walk_through_what_its_indicators_name(client: httpx.Client) -> None:
    """The PIR names the standards of output 2.1 under the categories of its indicators (2.1.1 fundamental and
    governance Conventions, 2.1.2 technical ones), not under the output: a chain to the output goes through the
    link the rule upFromIndicator derives, shown by the indicator's quote, the output's indicator and the rule."""
    fundamental = line_of("pir-2020-21", r"the universal ratification of the Worst Forms of Child Labour Convention")
    assert "With regard to fundamental and governance Conventions" in text("pir-2020-21").splitlines()[fundamental - 2]
    technical = line_of("pir-2020-21", r"ratifications of the Occupational Safety and Health Convention, 1981")
    measured = {
        "indicator:2020-21/2.1.1": line_of("pir-2020-21", r"2\.1\.1\. Number of ratifications of\s+fundamental"),
        "indicator:2020-21/2.1.2": line_of("pir-2020-21", r"2\.1\.2\. Number of ratifications\s+of up-to-date"),
    }
    principal = {
        IPEC: line_of("gb325-pol7", r"Conventions Nos 138,\s+182, and 29"),
        SHA: line_of("gb325-pol7", r"C\.155 and R\.164 on"),
    }
    body = ask(client, "flagships-for-output", output="2020-21/2.1")
    rows = by(body["rows"], "flagship")
    for flagship, standard, named in ((IPEC, "C182", fundamental), (SHA, "C155", technical)):
        row = rows[flagship]
        assert row["strength"] == "chain" and standard in row["why"]
        premises = [step for step in row["evidence"] if step["derived"]]
        derived = {
            (
                s["derived"]["subject"]["id"],
                s["derived"]["predicate"]["iri"].rsplit("#")[-1],
                s["derived"]["object"]["id"],
            )
            for s in premises
        }
        assert derived == {("output:2020-21/2.1", "promotesStandard", standard)}
        assert {s["derived"]["rule"]["iri"].rsplit("#")[-1] for s in premises} == {"upFromIndicator"}
        # the derived link's premises: the indicator's text naming the standard, and the output's indicator
        indicator = next(s["subject"]["id"] for s in premises if s["predicate"]["iri"].endswith("promotesStandard"))
        assert cited({"evidence": premises}) == {("pir-2020-21", named), ("pir-2020-21", measured[indicator])}
        assert ("gb325-pol7", principal[flagship]) in cited(row)
    assert not [row for row in body["rows"] if row["strength"] != "chain"]  # no document links them
    download = client.get("/questions/flagships-for-output", params={"output": "2020-21/2.1", "format": "csv"})
    assert "output:2020-21/2.1 promotes standard C182 (by rule" in download.text
    page = client.get(
        "/questions/flagships-for-output", params={"output": "2020-21/2.1"}, headers={"Accept": "text/html"}
    )
    assert page.text.count('class="step-derived"') >= 2 and 'class="step-premise"' in page.text


# ---------------------------------------------------------------- every question: page, CSV and JSON agree

EXAMPLES = [
    (question.name, dict(zip((p.name for p in question.params), example, strict=True)))
    for question in QUESTIONS
    for example in question.examples
]


@pytest.fixture(scope="module")
def openapi(client: httpx.Client) -> dict[str, Any]:
    document: dict[str, Any] = client.get("/openapi.json").json()
    return document


@pytest.mark.parametrize(("name", "arguments"), EXAMPLES, ids=[f"{n}-{'-'.join(a.values())}" for n, a in EXAMPLES])
def test_csv_has_the_rows_of_the_page_and_json_its_openapi_schema(
    client: httpx.Client, openapi: dict[str, Any], name: str, arguments: dict[str, str]
) -> None:
    page = client.get(f"/questions/{name}", params=arguments, headers={"Accept": "text/html"})
    download = client.get(f"/questions/{name}", params=arguments, headers={"Accept": "text/csv"})
    data = client.get(f"/questions/{name}", params=arguments, headers=JSON)
    assert page.status_code == download.status_code == data.status_code == 200
    assert download.headers["content-type"].startswith("text/csv")
    body = data.json()
    assert body["rows"], f"{name} {arguments} has no rows"
    page_keys = re.findall(r'<tr class="answer-row" data-strength="(\w+)" data-key="([^"]*)"', page.text)
    table = list(csv.DictReader(io.StringIO(download.text)))
    first_ref = next(c for c in body["columns"] if c["kind"] == "ref")
    assert len(page_keys) == len(table) == len(body["rows"])
    assert [key for _, key in page_keys] == [row[f"{first_ref['title']} id"] for row in table]
    assert [strength for strength, _ in page_keys] == [row["Strength"] for row in table]
    # the JSON satisfies the schema OpenAPI declares for this question's route
    declared = openapi["paths"][f"/questions/{name}"]["get"]["responses"]["200"]["content"]["application/json"]
    validator = jsonschema_rs.Draft202012Validator({**declared["schema"], "components": openapi["components"]})
    errors = [error.message for error in validator.iter_errors(body)]
    assert errors == []
    # the page shows the SPARQL it runs, with a link that opens it in the editor
    assert 'href="/query?query=PREFIX' in page.text
    assert all(
        query.split("SELECT", 1)[1][:40] in page.text.replace("&lt;", "<").replace("&gt;", ">")
        for query in body["sparql"]
    )


def test_the_editor_opens_with_a_questions_query(client: httpx.Client) -> None:
    body = ask(client, "shared-standards")
    opened = client.get(body["links"]["editor"][0], headers={"Accept": "text/html"})
    assert opened.status_code == 200
    assert "GROUP BY ?object HAVING (COUNT(DISTINCT ?f) &gt; 1)" in opened.text


def test_a_question_without_its_argument_or_with_a_bad_one_says_what_to_give(client: httpx.Client) -> None:
    missing = client.get("/questions/indicator-results", headers=JSON)
    assert missing.status_code == 400 and "2020-21/8.1.1" in missing.json()["detail"]
    no_biennium = client.get("/questions/outputs-of-outcome", params={"outcome": "7"}, headers=JSON)
    assert no_biennium.status_code == 400 and "2022-23" in no_biennium.json()["detail"]
    unknown = client.get("/questions/standards-of-flagship", params={"flagship": "Better Life"}, headers=JSON)
    assert unknown.status_code == 404 and "IPEC+" in unknown.json()["detail"]
    page = client.get("/questions/flagships-for-target", params={"target": "banana"}, headers={"Accept": "text/html"})
    assert page.status_code == 404 and "write it like 8.7" in page.text
