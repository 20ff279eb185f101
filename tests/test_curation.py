"""What the five documents state, at the level they state it: expectations come from the document text.

One or more tests per kind of fact the documents give beyond the flagship table: parts of a document,
programmes that are not flagships, units of indicators and the totals a report prints, scopes, core
standards, revisions, partnerships between flagships, and links kept at the level of the text.
"""

from __future__ import annotations

import re
from collections import defaultdict

from conftest import ScratchBuild
from test_build import append_row, curated, edited, failed_build
from test_coverage import gb325_table, lines

from graph.build.evidence import fold_space
from graph.settings import Settings
from graph.store.embedded import OxigraphStore

PREFIXES = """
PREFIX ilokg: <https://w3id.org/ilokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def rows(store: OxigraphStore, sparql: str) -> list[dict[str, str]]:
    return [{name: term["value"] for name, term in row.items()} for row in store.select(PREFIXES + sparql)]


def text_of(key: str) -> str:
    """A document's text with white space folded, as quotes are matched."""
    return fold_space(" ".join(lines(key)))


def stated(store: OxigraphStore, link: str, document: str, subject: str | None = None) -> set[tuple[str, str]]:
    """(subject, object) short ids or literals of the links `document` states with ilokg:`link`."""
    where = f'FILTER(?s = "{subject}")' if subject else ""
    found = rows(
        store,
        f"""SELECT DISTINCT ?s ?o WHERE {{
              ?e a ilokg:Evidence ; rdf:subject ?subject ; rdf:predicate ilokg:{link} ; rdf:object ?object ;
                 dcterms:source/ilokg:shortId "document:{document}" .
              ?subject ilokg:shortId ?s .
              OPTIONAL {{ ?object ilokg:shortId ?id }}
              BIND(COALESCE(?id, STR(?object)) AS ?o) {where} }}""",
    )
    return {(row["s"], row["o"]) for row in found}


def section(key: str, start: str, end: str) -> str:
    """The folded text of a document from the line starting with `start` to the line before `end`."""
    text = lines(key)
    first = next(n for n, line in enumerate(text) if line.strip().startswith(start))
    last = next(n for n, line in enumerate(text) if n > first and line.strip().startswith(end))
    return fold_space(" ".join(text[first:last]))


# ---------------------------------------------------------------- GB.325/POL/7


def gb325_programmes() -> dict[str, str]:
    """Para. 4's numbered list: number -> the flagship id the graph gives that name."""
    listed = dict(re.findall(r"\((\d)\) (?:A revised |the )?([^;.(]+)", section("gb325-pol7", "(1) Better Work", "5.")))
    assert len(listed) == 5, listed
    return {
        number: {
            "Better Work": "flagship:better-work",
            "International Programme on the Elimination of Child and Forced Labour": "flagship:ipec-plus",
            "Occupational Safety and Health": "flagship:safety-health-for-all",
            "Jobs for Peace and Resilience": "flagship:jobs-for-peace-resilience",
            "Social Protection Floor": "flagship:social-protection-floors",
        }[name.strip()]
        for number, name in listed.items()
    }


def test_better_work_scope_is_the_words_of_its_standards_cell(built_store: OxigraphStore) -> None:
    cell = gb325_table()["flagship:better-work"][0]
    words = cell.split(";")[0]
    assert words.startswith("All aspects of national labour law")
    assert stated(built_store, "scope", "gb325-pol7", "flagship:better-work") == {("flagship:better-work", words)}
    # the codes of the same cell stay principal standards
    assert len(stated(built_store, "principalStandard", "gb325-pol7", "flagship:better-work")) == 8


def test_labour_inspection_is_a_concern_of_the_programmes_para_7_numbers(built_store: OxigraphStore) -> None:
    match = re.search(
        r"field of (labour inspection), which is a (?:\d+ )?common concern of programmes ([\d, and]+)\.",
        text_of("gb325-pol7"),
    )
    assert match is not None
    numbers = re.findall(r"\d", match.group(2))
    assert numbers == ["1", "2", "3"]
    programmes = gb325_programmes()
    expected = {(programmes[n], match.group(1)) for n in numbers}
    assert stated(built_store, "concern", "gb325-pol7") == expected


def test_the_core_osh_conventions_are_those_the_table_calls_core(built_store: OxigraphStore) -> None:
    cell = gb325_table()["flagship:safety-health-for-all"][0]
    match = re.search(r"the (\w+) core Conventions: (.*)", cell)
    assert match is not None
    count_word, listed = match.groups()
    # each item of the list ("– C.155 and R.164 on ...") starts with its Convention
    core = {f"C{int(number):03d}" for number in re.findall(r"– C\.(\d+)", listed)}
    assert {"three": 3}[count_word] == len(core) == 3
    found = stated(built_store, "coreStandard", "gb325-pol7", "flagship:safety-health-for-all")
    assert {obj for _, obj in found} == core
    principal = {
        obj for _, obj in stated(built_store, "principalStandard", "gb325-pol7", "flagship:safety-health-for-all")
    }
    assert core < principal  # a core Convention is one of the principal standards, the Recommendations are not core


def test_ipec_plus_is_the_revision_of_ipec_which_keeps_its_name_and_figures(built_store: OxigraphStore) -> None:
    text = text_of("gb325-pol7")
    revised = re.search(r"A revised (International Programme on the Elimination of Child and Forced Labour)", text)
    earlier = re.search(r"The (International Programme on the Elimination of Child Labour) \((IPEC)\)", text)
    assert revised and earlier
    reductions = re.findall(r"by (\d+) per cent", text[earlier.start() : text.index("The IPEC+ programme will")])
    assert reductions == ["22", "26"]
    revision = rows(
        built_store,
        """SELECT ?name ?acronym WHERE { ?plus ilokg:shortId "flagship:ipec-plus" ; ilokg:revisionOf ?p .
             ?p a ilokg:Programme ; skos:prefLabel ?name ; ilokg:acronym ?acronym }""",
    )
    assert revision == [{"name": earlier.group(1), "acronym": earlier.group(2)}]
    names = {
        row["n"]
        for row in rows(
            built_store,
            """SELECT ?n WHERE { ?plus ilokg:shortId "flagship:ipec-plus" ;
                 skos:prefLabel|skos:altLabel|ilokg:acronym ?n }""",
        )
    }
    assert earlier.group(1) not in names and "IPEC" not in names
    assert revised.group(1) in " ".join(names)

    def figures(subject: str) -> set[str]:
        return {
            row["amount"]
            for row in rows(
                built_store,
                f"""SELECT ?amount WHERE {{ ?s ilokg:shortId "{subject}" ; ilokg:figure ?f .
                     ?f ilokg:referenceYear "2008-12" ; ilokg:amount ?amount }}""",
            )
        }

    assert figures("programme:ipec") == set(reductions)
    assert figures("flagship:ipec-plus") == set()


def test_each_document_keeps_its_own_deadline_for_forced_labour(built_store: OxigraphStore) -> None:
    gb = re.search(
        r"eliminate all forms of child labour and all forms of forced labour by (\d{4})", text_of("gb325-pol7")
    )
    brochure = re.search(r"eliminate child labour by (\d{4}) and forced labour by (\d{4})", text_of("brochure-2020"))
    assert gb and brochure
    expected = {
        ("gb325-pol7", "child labour", gb.group(1)),
        ("gb325-pol7", "forced labour", gb.group(1)),
        ("brochure-2020", "child labour", brochure.group(1)),
        ("brochure-2020", "forced labour", brochure.group(2)),
    }
    assert gb.group(1) != brochure.group(2)  # the two documents disagree on forced labour
    found = rows(
        built_store,
        """SELECT DISTINCT ?document ?unit ?year WHERE {
             ?p ilokg:shortId "flagship:ipec-plus" ; ilokg:figure ?f .
             ?f ilokg:unit ?unit ; ilokg:referenceYear ?year ; ilokg:amount ?amount . FILTER(?amount = 0)
             ?e rdf:subject ?f ; rdf:predicate ilokg:unit ; dcterms:source/ilokg:shortId ?d .
             BIND(STRAFTER(?d, ":") AS ?document) FILTER(?unit IN ("child labour", "forced labour")) }""",
    )
    assert expected <= {(r["document"], r["unit"], r["year"]) for r in found}


# ---------------------------------------------------------------- the brochure


def test_flagships_the_brochure_names_as_partners_of_one_another(built_store: OxigraphStore) -> None:
    text = text_of("brochure-2020")
    names = {
        "Better Work": "flagship:better-work",
        "Safety + Health for All": "flagship:safety-health-for-all",
        "Social Protection for All": "flagship:social-protection-floors",
    }
    covid = section("brochure-2020", "Safety + Health for All", "JPR")
    with_bw = re.search(r"The Programme will also work closely with the (Better Work) Programme", covid)
    achievements = text[text.index("X What are the flagship programmes") :]
    spf = achievements[achievements.index("Social Protection for All") :]
    internal = re.search(
        r"internal partnership with other ILO flagship programmes, (.+?) and (.+?), the Programme", spf
    )
    assert with_bw and internal
    expected = {("flagship:safety-health-for-all", names[with_bw.group(1)])} | {
        ("flagship:social-protection-floors", names[internal.group(n)]) for n in (1, 2)
    }
    between_flagships = {
        (s, o) for s, o in stated(built_store, "partner", "brochure-2020") if o.startswith("flagship:")
    }
    assert between_flagships == expected


# ---------------------------------------------------------------- P&B 2002-03


def test_infocus_programmes_are_addressed_under_the_indicators_the_text_names(built_store: OxigraphStore) -> None:
    text = "\n".join(lines("pb-2002-03"))
    expected = set()
    for block in re.split(r"\n(?=The \*\*InFocus)", text)[1:]:
        name = re.match(r"The \*\*(InFocus Programme on [^*(]+?)\s*(?:\(\w+\))?\*\*", block)
        under = re.search(r"addressed under [Ii]ndicators? ((?:3[ab]\.\d(?: and )?)+)", block)
        assert name and under, block[:200]
        for code in re.findall(r"3[ab]\.\d", under.group(1)):
            expected.add((name.group(1), f"indicator:2002-03/{code}"))
    assert len(expected) == 3
    found = rows(
        built_store,
        """SELECT ?label ?indicator WHERE { ?p a ilokg:InFocusProgramme ; skos:prefLabel ?label ;
             ilokg:addressedUnder/ilokg:shortId ?indicator }""",
    )
    assert {(r["label"], r["indicator"]) for r in found} == expected


def strategies_2002_03() -> dict[str, str]:
    """Each line of P&B 2002-03 -> the indicator whose heading it follows (3a.1 ...)."""
    current = ""
    under: dict[str, str] = {}
    for number, line in enumerate(lines("pb-2002-03"), 1):
        heading = re.match(r"Indicator (3[ab]\.\d):", line)
        if heading:
            current = heading.group(1)
        under[str(number)] = current
    return under


def test_the_programmes_p_and_b_2002_03_names_are_things_of_their_own(built_store: OxigraphStore) -> None:
    under = strategies_2002_03()
    expected: dict[str, tuple[str, str]] = {}
    for number, line in enumerate(lines("pb-2002-03"), 1):
        for acronym, name in re.findall(r"\b([A-Z]{4}) \(([A-Z][a-z][^)]+)\)", line):
            expected.setdefault(acronym, (name, under[str(number)]))
    assert set(expected) == {"STEP", "WISE", "WIND"}
    found = rows(
        built_store,
        """SELECT ?acronym ?name ?indicator WHERE { ?p a ilokg:Programme ; ilokg:acronym ?acronym ;
             skos:prefLabel ?name ; ilokg:inStrategyOf/skos:notation ?indicator .
             FILTER NOT EXISTS { ?p a ilokg:FlagshipProgramme } }""",
    )
    graph = {r["acronym"]: (r["name"], r["indicator"]) for r in found}
    assert {acronym: graph.get(acronym) for acronym in expected} == expected
    # STEP's extra-budgetary sum is on STEP, not on the indicator whose strategy names it
    step = re.search(r"\\\$(\d+) million would help to extend STEP", "\n".join(lines("pb-2002-03")))
    assert step is not None
    amounts = rows(
        built_store,
        """SELECT ?amount WHERE { ?p ilokg:acronym ?a ; ilokg:figure/ilokg:amount ?amount FILTER(STR(?a) = "STEP") }""",
    )
    assert [float(r["amount"]) for r in amounts] == [int(step.group(1)) * 1_000_000]


def test_c183_is_stated_on_the_indicator_whose_strategy_names_it(
    built_store: OxigraphStore, built_settings: Settings
) -> None:
    under = strategies_2002_03()
    indicators = {
        f"indicator:2002-03/{under[str(n)]}" for n, line in enumerate(lines("pb-2002-03"), 1) if "No. 183" in line
    }
    assert indicators == {"indicator:2002-03/3b.4"}
    assert {s for s, o in stated(built_store, "promotesStandard", "pb-2002-03") if o == "C183"} == indicators
    derived = rows(
        built_store,
        f"""SELECT ?objective WHERE {{ GRAPH <{built_settings.base_iri}graph/derived> {{
             ?d ilokg:rule ilokg:upFromIndicator ; rdf:subject ?o ; rdf:predicate ilokg:promotesStandard ;
                rdf:object ?c }}
             ?c ilokg:shortId "C183" . ?o ilokg:shortId ?objective }}""",
    )
    assert {r["objective"] for r in derived} == {"operational-objective:2002-03/3b"}  # once per row that states it


# ---------------------------------------------------------------- implementation report 2020-21: totals

POLICY_OUTCOMES = [str(n) for n in range(1, 9)]


def pir_outcome_sections() -> dict[str, str]:
    """Outcome code -> the folded text of its section in Part II (heading to next outcome heading)."""
    text = lines("pir-2020-21")
    starts = [
        (n, m.group(1))
        for n, line in enumerate(text)
        if (m := re.match(r"\s*Outcome ([1-8A-C])[:.] [A-Z]", line)) and n < 3500
    ]
    return {
        code: fold_space(" ".join(text[start : (starts[i + 1][0] if i + 1 < len(starts) else 3280)]))
        for i, (start, code) in enumerate(starts)
    }


def printed_totals() -> dict[str, int]:
    """The total of results the report prints for each policy outcome (its own section, else the overview)."""
    sections = pir_outcome_sections()
    overview = text_of("pir-2020-21")
    totals = {}
    for code in POLICY_OUTCOMES:
        match = re.search(
            r"Overall, the (?:ILO contributed to (?:the achievement of )?)?(\d+) results", sections[code]
        ) or re.search(rf"(\d+) results under outcome {code} –", overview)
        assert match is not None, code
        totals[code] = int(match.group(1))
    return totals


def graph_totals(store: OxigraphStore, kind: str = "result") -> dict[str, int]:
    """Per policy outcome, the sum of the total (not regional) values of its count indicators."""
    found = rows(
        store,
        f"""SELECT ?outcome (SUM(?amount) AS ?total) WHERE {{
             ?o a ilokg:PolicyOutcome ; ilokg:inBiennium/ilokg:shortId "biennium:2020-21" ; skos:notation ?outcome .
             ?output ilokg:outputOf ?o ; ilokg:measuredBy ?i .
             ?i ilokg:unit "count" ; ilokg:indicatorValue ?v .
             ?v ilokg:valueKind "{kind}" ; ilokg:amount ?amount . FILTER NOT EXISTS {{ ?v ilokg:region ?r }}
           }} GROUP BY ?outcome""",
    )
    return {row["outcome"]: int(float(row["total"])) for row in found}


def test_the_totals_the_report_prints_per_outcome_are_reproduced_from_the_graph(built_store: OxigraphStore) -> None:
    printed = printed_totals()
    assert printed["2"] == 117 and len(printed) == 8
    assert graph_totals(built_store) == printed
    # the report's overview: outputs 1.1 and 1.2, the rest of the policy outcomes, all results
    overview = text_of("pir-2020-21")
    first = re.search(r"(\d+) results under outcome 1 \(outputs 1\.1 and 1\.2\)", overview)
    rest = re.search(r"(\d+) results under outcomes 1 \(outputs 1\.3 and 1\.4\), and 3 through 8", overview)
    everything = re.search(r"contributed to the achievement of (\d+) results \d+ in \d+ Member States", overview)
    assert first and rest and everything
    by_output = {
        row["output"]: int(float(row["total"]))
        for row in rows(
            built_store,
            """SELECT ?output (SUM(?amount) AS ?total) WHERE {
                 ?out ilokg:inBiennium/ilokg:shortId "biennium:2020-21" ; a ilokg:Output ; skos:notation ?output ;
                      ilokg:measuredBy ?i . ?i ilokg:unit "count" ; ilokg:indicatorValue ?v .
                 ?v ilokg:valueKind "result" ; ilokg:amount ?amount . FILTER NOT EXISTS { ?v ilokg:region ?r }
               } GROUP BY ?output""",
        )
    }
    assert by_output["1.1"] + by_output["1.2"] == int(first.group(1))
    assert sum(printed.values()) == int(everything.group(1))
    assert sum(printed.values()) - int(first.group(1)) - printed["2"] == int(rest.group(1))


def test_the_totals_are_figures_on_the_outcomes_with_their_quote(built_store: OxigraphStore) -> None:
    printed = printed_totals()
    found = rows(
        built_store,
        """SELECT ?outcome ?amount ?quote WHERE {
             ?o ilokg:inBiennium/ilokg:shortId "biennium:2020-21" ; skos:notation ?outcome ; ilokg:figure ?f .
             ?f ilokg:measure "results achieved" ; ilokg:amount ?amount .
             ?e rdf:subject ?f ; rdf:predicate ilokg:amount ; ilokg:quote ?quote }""",
    )
    assert {r["outcome"]: int(float(r["amount"])) for r in found} == printed
    assert all(str(printed[r["outcome"]]) in r["quote"] for r in found)


def test_the_targets_the_report_prints_are_reproduced_from_the_graph(built_store: OxigraphStore) -> None:
    sections = pir_outcome_sections()
    targets = {}
    for code, pattern in (("1", r"exceed the target \((\d+)\)"), ("3", r"target set for the biennium \((\d+)\)")):
        match = re.search(pattern, sections[code])
        assert match is not None
        targets[code] = int(match.group(1))
    short = re.search(r"(\d+) results, (\d+) short of the overall target", sections["6"])
    assert short is not None
    targets["6"] = int(short.group(1)) + int(short.group(2))
    graph = graph_totals(built_store, "target")
    assert {code: graph[code] for code in targets} == targets


def test_the_regional_totals_of_figure_15_are_reproduced_from_the_graph(built_store: OxigraphStore) -> None:
    text = section("pir-2020-21", "X Figure 15. Distribution of results by region", "Part II: Organizational")
    text = text.removeprefix("X Figure 15. Distribution of results by region ")
    printed = {name: int(n) for name, n in re.findall(r"([A-Z][A-Za-z ]+?) (\d+) results", text)}
    assert len(printed) == 5
    found = rows(
        built_store,
        """SELECT ?region (SUM(?amount) AS ?total) WHERE {
             ?o a ilokg:PolicyOutcome ; ilokg:inBiennium/ilokg:shortId "biennium:2020-21" .
             ?output ilokg:outputOf ?o ; ilokg:measuredBy ?i . ?i ilokg:unit "count" ; ilokg:indicatorValue ?v .
             ?v ilokg:valueKind "result" ; ilokg:amount ?amount ; ilokg:region/skos:prefLabel ?region
           } GROUP BY ?region""",
    )
    assert {r["region"]: int(float(r["total"])) for r in found} == printed


def test_indicator_units_follow_their_text_and_the_note_on_outcome_2(built_store: OxigraphStore) -> None:
    text = lines("pir-2020-21")
    expected = {}
    for line in text:
        match = re.match(r"\s*([1-8]\.\d\.\d)\. (Number of cases|Number of|Percentage of)\b", line)
        if match:
            expected[match.group(1)] = {
                "Number of cases": "cases",
                "Number of": "count",
                "Percentage of": "percentage",
            }[match.group(2)]
    assert len(expected) > 50
    units = {
        r["code"]: r["unit"]
        for r in rows(
            built_store,
            """SELECT ?code ?unit WHERE { ?i ilokg:inBiennium/ilokg:shortId "biennium:2020-21" ; a ilokg:Indicator ;
                 skos:notation ?code ; ilokg:unit ?unit }""",
        )
    }
    assert {code: units.get(code) for code in expected} == expected
    # "The two indicators of output 2.2 and one of the indicators of output 2.3 have different units"
    note = re.search(
        r"The (\w+) indicators of output (2\.2) and (\w+) of the indicators of output (2\.3) have different",
        text_of("pir-2020-21"),
    )
    assert note is not None
    words = {"one": 1, "two": 2}
    for count, output in ((note.group(1), note.group(2)), (note.group(3), note.group(4))):
        other = [code for code, unit in units.items() if code.startswith(output + ".") and unit != "count"]
        assert len(other) == words[count], (output, other)


# ---------------------------------------------------------------- implementation report 2020-21: what the text states


def test_better_work_countries_and_box_37(built_store: OxigraphStore) -> None:
    text = text_of("pir-2020-21")
    count = re.search(
        r"Better Work Programme supported factories and workers in the garment sector of (\d+) countries", text
    )
    assert count is not None
    figures = rows(
        built_store,
        """SELECT ?amount WHERE { ?b ilokg:shortId "flagship:better-work" ; ilokg:figure ?f .
             ?f ilokg:unit "countries" ; ilokg:amount ?amount ; ilokg:referenceYear "2020-21" }""",
    )
    assert [int(float(r["amount"])) for r in figures] == [int(count.group(1))]
    box = section("pir-2020-21", "Box 37.", "At the same time, experience in 2020–21")
    countries = {
        r["name"]: r["id"]
        for r in rows(
            built_store,
            "SELECT ?id ?name WHERE { ?c a ilokg:Country ; ilokg:shortId ?id ; skos:prefLabel|skos:altLabel ?name }",
        )
    }
    named = {identifier for name, identifier in countries.items() if re.search(rf"\b{re.escape(name)}\b", box)}
    assert {"country:NIC", "country:JOR", "country:VNM"} <= named
    operates = {o for _, o in stated(built_store, "operatesIn", "pir-2020-21", "flagship:better-work")}
    assert named <= operates
    part = rows(
        built_store,
        """SELECT ?label ?document WHERE { ?p ilokg:about/ilokg:shortId "flagship:better-work" ;
             skos:notation "Box 37" ; skos:prefLabel ?label ; dcterms:isPartOf/ilokg:shortId ?document }""",
    )
    assert len(part) == 1 and part[0]["document"] == "document:pir-2020-21"
    assert fold_space(part[0]["label"]) in box


def test_table_1_is_a_part_of_the_report_that_reports_on_the_sdg_indicators_it_names(
    built_store: OxigraphStore,
) -> None:
    table = section("pir-2020-21", "X Table 1.", "Source: ILO modelled estimates")
    named = {f"sdg:{code}" for code in re.findall(r"SDG indicator (\d+\.\d+\.\d+)\)", table)}
    assert len(named) == 6
    reported = stated(built_store, "reportsOn", "pir-2020-21")
    assert {o for s, o in reported if s == "part:pir-2020-21/table-1"} == named
    # its rows of four cells are figures in the order the table prints them
    unemployment = re.match(r"X Table 1\. .*? 2021 \(%\) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)", table)
    assert unemployment is not None
    found = rows(
        built_store,
        """SELECT ?year ?amount WHERE { ?s skos:notation "8.5.2" ; ilokg:figure ?f .
             ?f ilokg:measure "unemployment rate" ; ilokg:referenceYear ?year ; ilokg:amount ?amount }""",
    )
    assert {r["year"]: float(r["amount"]) for r in found} == {
        year: float(value) for year, value in zip(("2018", "2019", "2020", "2021"), unemployment.groups(), strict=True)
    }


def test_sdg_targets_the_2030_agenda_section_ties_to_results_are_stated(built_store: OxigraphStore) -> None:
    text = text_of("pir-2020-21")
    paragraph = text[
        text.index("The analysis of ILO contributions to other SDGs") : text.index("Progress in the regions")
    ]
    named = set(re.findall(r"SDG target (\d+\.\d+)", paragraph))
    assert named == {"5.2", "16.7", "4.4", "1.3", "10.7", "10.4"}
    by_target = defaultdict(set)
    for subject, target in stated(built_store, "servesTarget", "pir-2020-21"):
        if subject.startswith(("outcome:2020-21/", "output:2020-21/")):
            by_target[target.removeprefix("sdg:")].add(subject)
    assert all(by_target[code] for code in named), {code: by_target[code] for code in named}
    # the share of results for SDG 8 and its three targets belong to the section, which names no outcome
    section_targets = {o for s, o in stated(built_store, "servesTarget", "pir-2020-21") if s.endswith("2030-agenda")}
    focus = re.search(r"Focus was placed on three SDG 8 targets: X SDG (8\.\d):.*?SDG (8\.\d):.*?SDG (8\.\d):", text)
    assert focus is not None
    assert section_targets == {f"sdg:{code}" for code in focus.groups()}


def test_box_19_ties_sdg_8_to_the_outcome_it_is_printed_in(built_store: OxigraphStore) -> None:
    text = lines("pir-2020-21")
    box = next(n for n, line in enumerate(text, 1) if line.startswith("Box 19."))
    goal = re.search(r"SDG (\d+)", text[box - 1])
    outcome = [m.group(1) for line in text[:box] if (m := re.match(r"\s*Outcome ([1-8]): [A-Z]", line))][-1]
    assert goal and outcome == "4"
    assert (f"outcome:2020-21/{outcome}", f"sdg:{goal.group(1)}") in stated(built_store, "servesGoal", "pir-2020-21")


def test_standards_and_sdg_indicators_an_indicator_names_are_stated_on_it(
    built_store: OxigraphStore, built_settings: Settings
) -> None:
    """The text of an appendix indicator names them: the graph states them on it, and derives them for its output."""
    text = lines("pir-2020-21")
    expected = set()
    for number, line in enumerate(text):
        match = re.match(r"\s*([1-8]\.\d\.\d)\. ", line)
        if not match or number < 3600:
            continue
        end = next(n for n in range(number, len(text)) if not text[n].strip())
        label = fold_space(" ".join(text[number:end]))  # the indicator's cell: its lines up to the blank one
        for kind, digits in re.findall(r"(Convention|Recommendation) No\. (\d+)", label):
            expected.add((match.group(1), f"{kind[0]}{int(digits):03d}"))
        for code in re.findall(r"SDG indicator (\d+\.\w+\.\d+)", label):
            expected.add((match.group(1), f"sdg:{code}"))
    assert expected == {
        ("3.1.3", "R204"),
        ("3.1.2", "sdg:8.b.1"),
        ("6.3.1", "C190"),
        ("6.3.1", "R206"),
        ("7.2.2", "sdg:8.8.1"),
    }
    on_indicators = stated(built_store, "promotesStandard", "pir-2020-21") | stated(
        built_store, "reportsOn", "pir-2020-21"
    )
    assert {(f"indicator:2020-21/{code}", named) for code, named in expected} <= on_indicators
    outputs = {(s, o) for s, o in on_indicators if s.startswith("output:")}
    assert not {(f"output:2020-21/{code.rsplit('.', 1)[0]}", named) for code, named in expected} & outputs
    derived = rows(
        built_store,
        f"""SELECT ?output ?named WHERE {{ GRAPH <{built_settings.base_iri}graph/derived> {{
             ?d ilokg:rule ilokg:upFromIndicator ; rdf:subject ?o ; rdf:object ?n ; prov:wasDerivedFrom ?premise }}
             ?o ilokg:shortId ?output . ?n ilokg:shortId ?named }}""",
    )
    assert {(f"output:2020-21/{code.rsplit('.', 1)[0]}", named) for code, named in expected} <= {
        (r["output"], r["named"]) for r in derived
    }


def test_pathfinder_countries_are_kept_beside_the_appendix_result(built_store: OxigraphStore) -> None:
    match = re.search(r"number of Pathfinder countries from (\d+) to (\d+) over the biennium", text_of("pir-2020-21"))
    assert match is not None
    found = rows(
        built_store,
        """SELECT ?amount ?year WHERE { ?i ilokg:shortId "indicator:2020-21/7.1.2" ; ilokg:figure ?f .
             ?f ilokg:amount ?amount ; ilokg:referenceYear ?year }""",
    )
    assert sorted(int(float(r["amount"])) for r in found) == [int(match.group(1)), int(match.group(2))]
    result = rows(
        built_store,
        """SELECT ?amount WHERE { ?i ilokg:shortId "indicator:2020-21/7.1.2" ; ilokg:indicatorValue ?v .
             ?v ilokg:valueKind "result" ; ilokg:amount ?amount . FILTER NOT EXISTS { ?v ilokg:region ?r } }""",
    )
    assert len(result) == 1  # the appendix result stays as it is printed, beside the narrative's figures


def test_parts_of_a_document_are_part_of_that_document_and_carry_its_heading(built_store: OxigraphStore) -> None:
    found = rows(
        built_store,
        """SELECT ?id ?document ?label WHERE { ?p a ilokg:DocumentPart ; ilokg:shortId ?id ; skos:prefLabel ?label ;
             dcterms:isPartOf/ilokg:shortId ?document }""",
    )
    assert len(found) > 20
    for row in found:
        key = row["id"].removeprefix("part:").split("/")[0]
        assert row["document"] == f"document:{key}"
        assert fold_space(row["label"]) in text_of(key), row


# ---------------------------------------------------------------- what the build refuses


def test_a_partner_that_is_neither_an_organization_nor_a_programme_fails(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/brochure-2020.csv")
    row = "flagship:better-work,partner,country:BGD,brochure-2020,418,paid to workers in Bangladesh,"
    with edited(path, append_row(row)):
        line = len(path.read_text(encoding="utf-8").splitlines())
        error = failed_build(scratch_build)
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert (
        "shape violation: flagship:better-work ilokg:partner country:BGD: a partner is an organization or another"
        in (problem)
    )
    assert f"curated/links/brochure-2020.csv:{line}" in problem  # among the rows stating Better Work's partners


def test_a_part_of_a_document_that_is_not_registered_fails(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/pir-2020-21-parts.csv")
    row = "part:no-such-report/box-1,prefLabel,Box 1,pir-2020-21,494,Box 1. Main features of the Global Call to Action,"
    with edited(path, append_row(row)):
        line = len(path.read_text(encoding="utf-8").splitlines())
        error = failed_build(scratch_build)
    assert len(error.problems) == 1
    assert error.problems[0].startswith(
        f"curated/links/pir-2020-21-parts.csv:{line}: part:no-such-report/box-1 names no document 'no-such-report'"
    )


def test_an_indicator_unit_outside_the_three_fails(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/pir-2020-21-units.csv")
    row = "indicator:2020-21/1.1.1,unit,countries,pir-2020-21,3703,1.1.1. Number of EMBOs,"
    with edited(path, append_row(row)):
        error = failed_build(scratch_build)
    assert error.problems and all("indicator:2020-21/1.1.1 ilokg:unit" in problem for problem in error.problems)
    assert any('"countries"' in problem and "pir-2020-21-units.csv" in problem for problem in error.problems)
