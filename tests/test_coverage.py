"""The graph covers what the documents state: expectations are read from the document text, not the curated files."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

import pytest

from graph.build.evidence import SourceText, fold_space
from graph.settings import Settings
from graph.store.embedded import OxigraphStore

PREFIXES = """
PREFIX ilokg: <https://w3id.org/ilokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
SEEDS = Settings().seeds_dir
DOCUMENTS = {
    "gb325-pol7": "gb325-pol7-flagship-programmes-2015.txt",
    "brochure-2020": "flagships-brochure-2020.txt",
    "pb-2022-23": "pb-2022-23-preview.txt",
    "pir-2020-21": "programme-implementation-2020-21.txt",
    "pb-2002-03": "pb-2002-03-social-protection.txt",
}


@cache
def lines(key: str) -> tuple[str, ...]:
    return tuple((SEEDS / "documents" / DOCUMENTS[key]).read_text(encoding="utf-8").splitlines())


def rows(store: OxigraphStore, sparql: str) -> list[dict[str, str]]:
    return [{name: term["value"] for name, term in row.items()} for row in store.select(PREFIXES + sparql)]


def short_ids(store: OxigraphStore, sparql: str, variable: str = "x") -> set[str]:
    """The short ids (ilokg:shortId) of the things `sparql` binds to ?x."""
    return {row[variable] for row in rows(store, sparql)}


# ---------------------------------------------------------------- SDG framework


def test_the_whole_sdg_framework_is_in_the_graph(built_store: OxigraphStore) -> None:
    with (SEEDS / "reference" / "sdg" / "indicators.csv").open(encoding="utf-8", newline="") as handle:
        indicator_codes = {row["code"] for row in csv.DictReader(handle)}
    counts = rows(
        built_store,
        """SELECT (COUNT(DISTINCT ?goal) AS ?goals) (COUNT(DISTINCT ?target) AS ?targets) WHERE {
             { ?goal a sdgo:Goal } UNION { ?target a sdgo:Target } }""",
    )[0]
    assert counts == {"goals": "17", "targets": "169"}
    notations = short_ids(built_store, "SELECT ?x WHERE { ?i a sdgo:Indicator ; skos:notation ?x }")
    assert notations == indicator_codes
    assert len(indicator_codes) > 230
    # every target sits under its goal, every indicator under its target
    orphans = rows(
        built_store,
        """SELECT ?t WHERE { { ?t a sdgo:Target } UNION { ?t a sdgo:Indicator }
                              FILTER NOT EXISTS { ?t skos:broader ?parent } }""",
    )
    assert orphans == []
    label = rows(
        built_store,
        'SELECT ?l WHERE { ?t skos:notation "8.7" ; a sdgo:Target ; skos:prefLabel ?l FILTER(LANG(?l) = "en") }',
    )
    assert label[0]["l"].startswith("Take immediate and effective measures to eradicate forced labour")


# ---------------------------------------------------------------- GB.325/POL/7 table

FLAGSHIP_ROWS = {
    "Better Work": "flagship:better-work",
    "IPEC+": "flagship:ipec-plus",
    "OSH–GAP": "flagship:safety-health-for-all",
    "JPR": "flagship:jobs-for-peace-resilience",
    "Social Protection Floor": "flagship:social-protection-floors",
}


def gb325_table() -> dict[str, tuple[str, str, str]]:
    """Flagship id -> (standards cell, outcomes cell, SDG cell) of the table of para. 14, as folded text."""
    text = lines("gb325-pol7")
    start = next(n for n, line in enumerate(text) if line.strip() == "2030 SDGs and targets")
    end = next(n for n, line in enumerate(text) if line.startswith("15. All flagship programmes"))
    blocks: list[str] = []
    current: list[str] = []
    for line in text[start + 1 : end]:
        if line.strip():
            current.append(line)
        elif current:
            blocks.append(fold_space(" ".join(current)))
            current = []
    table: dict[str, tuple[str, str, str]] = {}
    for index, block in enumerate(blocks):
        if block in FLAGSHIP_ROWS:
            table[FLAGSHIP_ROWS[block]] = (blocks[index + 1], blocks[index + 2], blocks[index + 3])
    assert len(table) == 5, table.keys()
    return table


def instruments_in(cell: str) -> set[str]:
    found: set[str] = set()
    for numbers in re.findall(r"Conventions Nos ([\d, and]+)", cell):
        found |= {f"C{int(n):03d}" for n in re.findall(r"\d+", numbers)}
    found |= {f"{kind}{int(n):03d}" for kind, n in re.findall(r"\b([CR])\.(\d+)", cell)}
    found |= {f"P{int(n):03d}" for n in re.findall(r"Protocol (?:to C\.)?(\d+)", cell)}
    return found


def test_gb325_table_parses_as_the_document_prints_it() -> None:
    table = gb325_table()
    assert instruments_in(table["flagship:better-work"][0]) == {
        "C029",
        "C105",
        "C087",
        "C098",
        "C100",
        "C111",
        "C138",
        "C182",
    }
    assert instruments_in(table["flagship:ipec-plus"][0]) == {"C138", "C182", "C029", "P029"}
    assert "all targets from 8.2 to 8.10" in table["flagship:jobs-for-peace-resilience"][2]


@pytest.mark.parametrize("flagship", sorted(FLAGSHIP_ROWS.values()))
def test_gb325_table_row_is_in_the_graph(built_store: OxigraphStore, built_settings: Settings, flagship: str) -> None:
    standards, outcomes, sdgs = gb325_table()[flagship]
    iri = f"{built_settings.base_iri}{flagship.replace(':', '/')}"
    graph = f"{built_settings.base_iri}graph/document/gb325-pol7"

    def stated(link: str) -> set[str]:
        return short_ids(
            built_store,
            f"""SELECT ?x WHERE {{ GRAPH <{graph}> {{ <{iri}> ilokg:{link} ?o }}
                                  ?o ilokg:shortId ?x }}""",
        )

    expected_standards = instruments_in(standards)
    assert expected_standards, standards
    assert stated("principalStandard") == expected_standards
    expected_outcomes = {f"outcome:2016-17/{n}" for n in re.findall(r"Outcome (\d+)", outcomes)}
    assert stated("contributesToOutcome") == expected_outcomes
    goals = {f"sdg:{n}" for n in re.findall(r"Goal (\d+)", sdgs)}
    assert goals <= stated("servesGoal")
    ranges = re.findall(r"all targets from (\d+\.\d+) to (\d+\.\d+)", sdgs)
    listed = re.sub(r"all targets from \d+\.\d+ to \d+\.\d+", "", sdgs)
    targets = {f"sdg:{code}" for code in re.findall(r"\b(\d+\.\d+) \(", listed)}
    assert targets <= stated("servesTarget")
    # the text outside the table states a few more goals and targets, never others than the table's
    assert stated("servesTarget") == targets
    ranges_stated = {
        row["r"]
        for row in rows(built_store, f"SELECT ?r WHERE {{ GRAPH <{graph}> {{ <{iri}> ilokg:servesTargetRange ?r }} }}")
    }
    assert ranges_stated == {f"{a}-{b}" for a, b in ranges}


# ---------------------------------------------------------------- P&B 2022-23

HEADING = re.compile(r"\s*(Outcome|Output) ([1-8A-C](?:\.\d+)?)[:.]\s*(.*)")


def pb2022_headings() -> list[tuple[int, str, str, str]]:
    """(line, kind, code, first line of the title) of every outcome and output heading."""
    found = []
    for number, line in enumerate(lines("pb-2022-23"), 1):
        match = HEADING.fullmatch(line)
        if match and (match.group(1) == "Outcome") == ("." not in match.group(2)):
            found.append((number, match.group(1), match.group(2), fold_space(match.group(3))))
    return found


def test_pb_2022_23_has_all_outcomes_and_outputs_with_their_titles(
    built_store: OxigraphStore, built_settings: Settings
) -> None:
    headings = pb2022_headings()
    outcome_codes = [code for _, kind, code, _ in headings if kind == "Outcome"]
    assert outcome_codes == ["1", "2", "3", "4", "5", "6", "7", "8", "A", "B", "C"]
    graph_outcomes = {
        row["code"]: row
        for row in rows(
            built_store,
            """SELECT ?code ?label ?class WHERE {
                 ?o a ?class ; ilokg:inBiennium/ilokg:shortId "biennium:2022-23" ; skos:notation ?code ;
                    skos:prefLabel ?label . FILTER(?class IN (ilokg:PolicyOutcome, ilokg:EnablingOutcome)) }""",
        )
    }
    assert set(graph_outcomes) == set(outcome_codes)
    assert sum(row["class"].endswith("EnablingOutcome") for row in graph_outcomes.values()) == 3
    graph_outputs = {
        row["code"]: row
        for row in rows(
            built_store,
            """SELECT ?code ?label ?outcome WHERE {
                 ?o a ilokg:Output ; ilokg:inBiennium/ilokg:shortId "biennium:2022-23" ; skos:notation ?code ;
                    skos:prefLabel ?label ; ilokg:outputOf/skos:notation ?outcome }""",
        )
    }
    output_headings = [(n, code, first) for n, kind, code, first in headings if kind == "Output"]
    assert len(output_headings) == 44  # 33 under policy outcomes 1-8, 11 under enabling outcomes A-C
    assert set(graph_outputs) == {code for _, code, _ in output_headings}
    text = lines("pb-2022-23")
    for number, code, first in [(n, c, f) for n, _, c, f in headings]:
        row = graph_outputs.get(code) or graph_outcomes[code]
        if "." in code:
            assert row["outcome"] == code.split(".")[0], code
        label = fold_space(row["label"])
        # the title as printed: it starts with the heading line and runs on over the following lines
        assert label.startswith(first.rstrip()), (code, label, first)
        window = fold_space(" ".join(text[number - 1 : number + 6]))
        assert label in window, (code, label)


def test_pb_2022_23_outputs_name_standards_and_sdg_indicators(built_store: OxigraphStore) -> None:
    """Where an output's text names a Convention or an SDG indicator, the graph links it (spot checks)."""
    promoted = defaultdict(set)
    for row in rows(
        built_store,
        """SELECT ?output ?instrument WHERE {
             ?o a ilokg:Output ; ilokg:shortId ?output ; ilokg:promotesStandard/ilokg:shortId ?instrument }""",
    ):
        promoted[row["output"]].add(row["instrument"])
    assert {"C087", "C098", "C182"} <= promoted["output:2022-23/7.1"]
    reports = short_ids(
        built_store,
        """SELECT ?x WHERE { ?o ilokg:shortId "output:2022-23/7.1" ; ilokg:reportsOn/skos:notation ?x }""",
    )
    assert "8.7.1" in reports
    # every "SDG indicator N.N.N" the document names is reported on by some output or outcome
    named = set(re.findall(r"SDG indicators? (\d+\.\d+\.\d+)", " ".join(lines("pb-2022-23"))))
    reported = short_ids(built_store, "SELECT ?x WHERE { ?o ilokg:reportsOn/skos:notation ?x }")
    assert named and named <= reported, named - reported


def test_brochure_flagship_outputs_of_2022_23(built_store: OxigraphStore) -> None:
    text = lines("brochure-2020")
    start = next(n for n, line in enumerate(text) if "What is the link between the flagship" in line)
    end = next(n for n, line in enumerate(text) if line.startswith("Details of the outputs shown"))
    listed = {f"output:2022-23/{m.group(1)}" for line in text[start:end] if (m := re.match(r"\s*(\d\.\d) ", line))}
    assert len(listed) == 14
    # the brochure links the outputs to the flagships as a group, not one by one
    portfolio = short_ids(
        built_store,
        """SELECT ?x WHERE { ?p ilokg:shortId "portfolio:flagships" ; ilokg:contributesToOutput/ilokg:shortId ?x }""",
    )
    assert portfolio == listed
    members = short_ids(
        built_store, """SELECT ?x WHERE { ?p ilokg:shortId "portfolio:flagships" ; skos:member/ilokg:shortId ?x }"""
    )
    assert members == set(FLAGSHIP_ROWS.values())
    # P&B 2022-23 names four flagships in an output's text and the fifth in the text of outcome 8 only
    by_flagship = defaultdict(set)
    for row in rows(
        built_store,
        """SELECT ?flagship ?output WHERE { ?f a ilokg:FlagshipProgramme ; ilokg:shortId ?flagship ;
             ilokg:contributesToOutput/ilokg:shortId ?output . FILTER(STRSTARTS(?output, "output:2022-23/")) }""",
    ):
        by_flagship[row["flagship"]].add(row["output"])
    assert by_flagship == {
        "flagship:better-work": {"output:2022-23/7.1"},
        "flagship:ipec-plus": {"output:2022-23/7.1"},
        "flagship:safety-health-for-all": {"output:2022-23/7.2"},
        "flagship:jobs-for-peace-resilience": {"output:2022-23/3.4"},
    }
    spf = short_ids(
        built_store,
        """SELECT ?x WHERE { ?f ilokg:shortId "flagship:social-protection-floors" ;
             ilokg:contributesToOutcome/ilokg:shortId ?x }""",
    )
    assert "outcome:2022-23/8" in spf


# ---------------------------------------------------------------- Programme implementation 2020-21

INDICATOR_CODE = re.compile(r"\s*([1-8A-C])\.(\d+)\.(\d+)\.\s")


def pir_appendix_codes() -> list[str]:
    text = lines("pir-2020-21")
    start = next(n for n, line in enumerate(text) if INDICATOR_CODE.match(line) and n > 3000)
    return [".".join(m.groups()) for line in text[start:] if (m := INDICATOR_CODE.match(line))]


def test_pir_every_indicator_has_its_target_and_results(built_store: OxigraphStore) -> None:
    codes = pir_appendix_codes()
    assert len(codes) == len(set(codes)) > 70
    values = rows(
        built_store,
        """SELECT ?code ?kind ?region WHERE {
             ?i a ilokg:Indicator ; ilokg:inBiennium/ilokg:shortId "biennium:2020-21" ; ilokg:shortId ?id ;
                ilokg:indicatorValue ?v . ?v ilokg:valueKind ?kind .
             OPTIONAL { ?v ilokg:region/ilokg:shortId ?region }
             BIND(STRAFTER(?id, "/") AS ?code) }""",
    )
    kinds: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for row in values:
        kinds[row["code"]].add((row["kind"], row.get("region", "")))
    missing = []
    for code in codes:
        have = kinds.get(code, set())
        needed = {("target", ""), ("result", "")}
        if code[0].isdigit():
            needed |= {("result", region) for region in REGION_IDS}
        if not needed <= have:
            missing.append(f"{code}: {sorted(needed - have)}")
    assert missing == [], "\n".join(missing)


REGION_IDS = (
    "region:africa",
    "region:americas",
    "region:arab-states",
    "region:asia-pacific",
    "region:europe-central-asia",
)


def test_pir_spot_check_1_1_1(built_store: OxigraphStore) -> None:
    found = rows(
        built_store,
        """SELECT ?kind ?region ?amount WHERE {
             ?i ilokg:shortId "indicator:2020-21/1.1.1" ; ilokg:indicatorValue ?v .
             ?v ilokg:valueKind ?kind ; ilokg:amount ?amount . OPTIONAL { ?v ilokg:region/ilokg:shortId ?region } }""",
    )
    values = {(row["kind"], row.get("region", "")): row["amount"] for row in found}
    # the appendix row of 1.1.1 reads: 25 (target), 40 (total), 8, 17, 0, 9, 6 (by region)
    assert values[("target", "")] == "25"
    assert values[("result", "")] == "40"
    assert [values[("result", region)] for region in REGION_IDS] == ["8", "17", "0", "9", "6"]


# ---------------------------------------------------------------- P&B 2002-03


def test_pb_2002_03_objectives_indicators_and_targets(built_store: OxigraphStore) -> None:
    text = "\n".join(lines("pb-2002-03"))
    objectives = set(re.findall(r"Operational objective (3[ab]):", text))
    assert objectives == {"3a", "3b"}
    graph_objectives = rows(
        built_store,
        """SELECT ?code ?parent WHERE { ?o a ilokg:OperationalObjective ; skos:notation ?code ;
             ilokg:objectiveOf/ilokg:shortId ?parent }""",
    )
    assert {(r["code"], r["parent"]) for r in graph_objectives} == {
        ("3a", "strategic-objective:2002-03/3"),
        ("3b", "strategic-objective:2002-03/3"),
    }
    targets = dict(re.findall(r"Indicator (3[ab]\.\d):.*?Target:\s+(\d+) member States", text, re.S))
    assert len(targets) == 9
    graph_targets = rows(
        built_store,
        """SELECT ?code ?objective ?amount WHERE {
             ?i ilokg:inBiennium/ilokg:shortId "biennium:2002-03" ; skos:notation ?code ;
                ilokg:indicatorValue [ ilokg:valueKind "target" ; ilokg:amount ?amount ] .
             ?o ilokg:measuredBy ?i ; skos:notation ?objective }""",
    )
    assert {r["code"]: r["amount"] for r in graph_targets} == targets
    assert all(r["code"].startswith(r["objective"]) for r in graph_targets)


def test_pb_2002_03_infocus_programmes_and_table_6(built_store: OxigraphStore) -> None:
    text = "\n".join(lines("pb-2002-03"))
    programmes = re.findall(r"\*\*(InFocus Programme on [^*(]+?)\s*(?:\(\w+\))?\*\*", text)
    assert len(programmes) == 2
    graph_programmes = rows(
        built_store,
        """SELECT ?label ?objective WHERE { ?p a ilokg:InFocusProgramme ; skos:prefLabel ?label ;
             ilokg:servesObjective/skos:notation ?objective }""",
    )
    assert {r["label"] for r in graph_programmes} == set(programmes)
    assert {r["objective"] for r in graph_programmes} == {"3a", "3b"}
    table = re.findall(
        r"^(3a Social security|3b Working conditions|Total 2002-03|Revised 2000-01)\t([\d,]+)\t([\d,]+)$", text, re.M
    )
    assert len(table) == 4
    amounts = {
        r["amount"]
        for r in rows(
            built_store,
            """SELECT ?amount WHERE { ?s ilokg:inBiennium/ilokg:shortId "biennium:2002-03" ;
                 ilokg:figure/ilokg:amount ?amount }""",
        )
    }
    printed = {cell.replace(",", "") for _, regular, extra in table for cell in (regular, extra)}
    assert printed <= amounts, printed - amounts


# ---------------------------------------------------------------- flagships: names, figures, countries, partners


def labels_by_document(store: OxigraphStore, flagship: str) -> dict[str, set[str]]:
    found = rows(
        store,
        f"""SELECT ?label ?document WHERE {{
             ?f ilokg:shortId "{flagship}" .
             ?e a ilokg:Evidence ; rdf:subject ?f ; rdf:predicate ?p ; rdf:object ?label ;
                dcterms:source/ilokg:shortId ?document .
             FILTER(?p IN (skos:prefLabel, skos:altLabel, ilokg:acronym)) }}""",
    )
    out: dict[str, set[str]] = defaultdict(set)
    for row in found:
        out[row["document"]].add(row["label"])
    return out


@pytest.mark.parametrize(
    ("flagship", "names_2015", "names_2020"),
    [
        ("flagship:ipec-plus", {"IPEC+"}, {"IPEC+"}),
        ("flagship:safety-health-for-all", {"OSH–GAP"}, {"Safety + Health for All"}),
        ("flagship:jobs-for-peace-resilience", {"JPR", "Jobs for Peace and Resilience"}, {"JPR"}),
        ("flagship:social-protection-floors", {"Social Protection Floor"}, {"Social Protection Floors for All"}),
        ("flagship:better-work", {"Better Work"}, {"Better Work"}),
    ],
)
def test_flagship_names_each_document_uses(
    built_store: OxigraphStore, flagship: str, names_2015: set[str], names_2020: set[str]
) -> None:
    labels = labels_by_document(built_store, flagship)
    assert names_2015 <= labels["document:gb325-pol7"]
    assert names_2020 <= labels["document:brochure-2020"]
    for document, names in labels.items():
        key = document.partition(":")[2]
        if key in DOCUMENTS:
            text = fold_space(" ".join(lines(key)))
            assert all(name in text for name in names), (document, names)


def test_brochure_figures(built_store: OxigraphStore) -> None:
    figures = rows(
        built_store,
        """SELECT ?flagship ?amount ?unit ?year WHERE { ?f ilokg:shortId ?flagship ; ilokg:figure ?figure .
             ?figure ilokg:amount ?amount ; ilokg:unit ?unit ; ilokg:referenceYear ?year }""",
    )
    facts = {(r["flagship"], r["amount"], r["unit"], r["year"]) for r in figures}
    assert "Currently active in 1,500 factories" in fold_space(" ".join(lines("brochure-2020")))
    assert ("flagship:better-work", "1500", "factories", "2020") in facts
    assert ("flagship:better-work", "2000000", "workers", "2020") in facts
    # each flagship has figures, and 2025 targets appear where the brochure gives them
    assert {r["flagship"] for r in figures} >= set(FLAGSHIP_ROWS.values())
    assert any(year == "2025" for _, _, _, year in facts)


def test_countries_have_iso_codes_and_names(built_store: OxigraphStore) -> None:
    countries = {
        r["code"]: r["label"]
        for r in rows(
            built_store,
            "SELECT ?code ?label WHERE { ?c a ilokg:Country ; ilokg:isoCode ?code ; skos:prefLabel ?label "
            'FILTER(LANG(?label) = "en") }',
        )
    }
    assert len(countries) > 10
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in countries)
    assert countries["BGD"] == "Bangladesh"
    assert countries["JOR"] == "Jordan"
    assert countries["HTI"] == "Haiti"
    operating = short_ids(
        built_store,
        "SELECT ?x WHERE { ?f a ilokg:FlagshipProgramme ; ilokg:operatesIn/ilokg:isoCode ?x }",
    )
    assert {"BGD", "VNM", "IDN", "HTI", "JOR"} <= operating


def test_partners_include_alliance_8_7_and_vision_zero_fund(built_store: OxigraphStore) -> None:
    partners = rows(
        built_store,
        """SELECT ?flagship ?label WHERE { ?f a ilokg:FlagshipProgramme ; ilokg:shortId ?flagship ;
             ilokg:partner/skos:prefLabel ?label }""",
    )
    by_label = defaultdict(set)
    for row in partners:
        by_label[row["label"]].add(row["flagship"])
    assert "flagship:ipec-plus" in by_label["Alliance 8.7"]
    assert "flagship:safety-health-for-all" in by_label["Vision Zero Fund"]
    assert len(by_label) > 10


# ---------------------------------------------------------------- instruments


def instruments_mentioned(key: str) -> dict[str, int]:
    """Instrument codes a document names by number, with the first line that names each."""
    found: dict[str, int] = {}
    text = lines(key)
    for number, line in enumerate(text, 1):
        window = fold_space(" ".join(text[number - 1 : number + 2]))
        first = fold_space(line)
        patterns = (
            (r"\bC\.(\d{2,3})\b", "C"),
            (r"\bR\.(\d{2,3})\b", "R"),
            (r"Convention,? (?:\d{4},? )?\(?No\. (\d{1,3})\)?", "C"),
            (r"Recommendation,? (?:\d{4},? )?\(?No\. (\d{1,3})\)?", "R"),
            (r"Convention,? (?:\d{4},? )?\(No\. ?(\d{1,3})\)", "C"),
            (r"Recommendation,? (?:\d{4},? )?\(No\. ?(\d{1,3})\)", "R"),
            (r"Convention No\. (\d{1,3})", "C"),
            (r"Recommendation No\. (\d{1,3})", "R"),
            (r"\bProtocol (?:to C\.)?(\d+)", "P"),
        )
        for pattern, kind in patterns:
            for match in re.finditer(pattern, window):
                if match.start() < len(first):
                    found.setdefault(f"{kind}{int(match.group(1)):03d}", number)
        # the Forced Labour Convention is No. 29, so its 2014 Protocol is P029
        if re.search(r"Protocol of 2014 to the Forced Labour", window[: len(first)]):
            found.setdefault("P029", number)
        for match in re.finditer(r"Conventions Nos ([\d, and]+)", window):
            if match.start() < len(first):
                for digits in re.findall(r"\d+", match.group(1)):
                    found.setdefault(f"C{int(digits):03d}", number)
    return found


def test_every_instrument_a_document_names_is_in_the_graph(built_store: OxigraphStore) -> None:
    graph = {
        r["id"]: r["label"]
        for r in rows(
            built_store,
            """SELECT ?id ?label WHERE { ?i a ?class ; ilokg:shortId ?id ; skos:prefLabel ?label .
                 FILTER(?class IN (ilokg:Convention, ilokg:Recommendation, ilokg:Protocol)) }""",
        )
    }
    missing = []
    for key in DOCUMENTS:
        for code, line in sorted(instruments_mentioned(key).items()):
            if code not in graph:
                missing.append(f"{key} line {line}: {code}")
    assert missing == [], "instruments the documents name but the graph lacks:\n" + "\n".join(missing)
    assert graph["C182"].startswith("Worst Forms of Child Labour Convention")


def test_instruments_have_type_number_and_year(built_store: OxigraphStore) -> None:
    incomplete = rows(
        built_store,
        """SELECT ?id WHERE { ?i a ?class ; ilokg:shortId ?id .
             FILTER(?class IN (ilokg:Convention, ilokg:Recommendation, ilokg:Protocol))
             FILTER NOT EXISTS { ?i ilokg:instrumentNumber ?n } }""",
    )
    assert incomplete == []
    years = {
        r["id"]: r["year"]
        for r in rows(built_store, "SELECT ?id ?year WHERE { ?i ilokg:shortId ?id ; ilokg:adoptionYear ?year }")
    }
    assert years["C183"] == "2000"
    assert years["P029"] == "2014"
    assert years["R205"] == "2017"


def test_pb_2002_03_paths_are_plain(tmp_path: Path) -> None:
    """The document list of this module matches the registry (so a renamed document fails here first)."""
    with (SEEDS / "documents" / "documents.csv").open(encoding="utf-8", newline="") as handle:
        registry = {row["key"]: row["file"] for row in csv.DictReader(handle)}
    assert registry == DOCUMENTS


# ---------------------------------------------------------------- documents that disagree


def test_where_documents_disagree_both_figures_are_kept_each_with_its_source(built_store: OxigraphStore) -> None:
    # 2015: Better Work reached "Over 1 million workers"; 2020: "more than two million workers".
    stated_2015 = SourceText("gb325-pol7", lines("gb325-pol7")).locate("Over 1 million workers")
    stated_2020 = SourceText("brochure-2020", lines("brochure-2020")).locate("more than two million workers")
    found = rows(
        built_store,
        """SELECT ?amount ?year ?document ?line WHERE {
  <https://w3id.org/ilokg/id/flagship/better-work> ilokg:figure ?figure .
  ?figure ilokg:unit "workers" ; ilokg:amount ?amount ; ilokg:referenceYear ?year .
  ?evidence rdf:subject ?figure ; rdf:predicate ilokg:amount ; dcterms:source ?source ; ilokg:line ?line .
  ?source ilokg:shortId ?document .
}""",
    )
    by_document = {row["document"]: row for row in found}
    assert by_document["document:gb325-pol7"]["line"] == str(stated_2015)
    assert by_document["document:brochure-2020"]["line"] == str(stated_2020)
    assert float(by_document["document:gb325-pol7"]["amount"]) == 1_000_000
    assert float(by_document["document:brochure-2020"]["amount"]) == 2_000_000
    assert by_document["document:gb325-pol7"]["year"] != by_document["document:brochure-2020"]["year"]
