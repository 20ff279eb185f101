"""The named questions: what planners, evaluators and desk officers ask, each with its parameters, columns,
SPARQL (graph/queries/catalogue.py) and the function that turns the query's rows into the answer's rows, with
the strength and the stated links behind each (the framework is graph/read/catalogue.py).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from graph import terms
from graph.ids import IdError
from graph.queries import catalogue as queries
from graph.queries import questions as question_queries
from graph.read.catalogue import (
    COMMON_COLUMNS,
    KIND_HELP,
    SECTION,
    Catalogue,
    Chart,
    Column,
    Param,
    Question,
    Result,
    Row,
    Runner,
    Thing,
    fold,
    natural_key,
    number_of,
)
from graph.read.countries import Countries, Observation
from graph.read.questions import CHAIN, RANGE, STATED, EvidenceItem, Questions, Ref, UnknownResource
from graph.read.strength import LinkRow, Step
from graph.store.formats import binding_value
from ontology.namespaces import ILOKG, SKOS


def named_questions(questions: Questions) -> Catalogue:
    """The catalogue of every named question, over one store."""
    return Catalogue(questions, QUESTIONS)


# ---------------------------------------------------------------- shared pieces of the runners

FLAGSHIP_CLASSES = (str(ILOKG.FlagshipProgramme), str(ILOKG.FlagshipPortfolio))
SERVES_SECTIONS = {
    STATED: "Serve it: stated by a document",
    RANGE: "Serve it: stated as a range of targets",
    CHAIN: "Related to it only through a chain of stated links",
}
GROUP_SECTION = "Stated of the flagships as a group (not of any one of them)"


def _iris(*values: str) -> list[terms.Iri]:
    return [terms.iri(v) for v in values]


def _is_group(ref: Ref) -> bool:
    return (ref.id or "").startswith("portfolio:")


def _link_row(link: LinkRow, key: str, ref: Ref, section: str) -> Row:
    return {
        key: ref,
        "why": link.why,
        "section": section,
        "strength": link.strength,
        "evidence": link.steps,
    }


def _flagship_rows(links: list[LinkRow]) -> list[Row]:
    rows = [
        _link_row(
            link, "flagship", link.subject, GROUP_SECTION if _is_group(link.subject) else SERVES_SECTIONS[link.strength]
        )
        for link in links
    ]
    order = [*SERVES_SECTIONS.values(), GROUP_SECTION]
    return sorted(rows, key=lambda r: (order.index(r["section"]), (r["flagship"].label or "").lower()))


FLAGSHIP_COLUMNS = (
    SECTION,
    Column("flagship", "Flagship", "ref"),
    Column("why", "How", "text", "Stated; stated as a range; or the things the chain goes through"),
    *COMMON_COLUMNS,
)

_THROUGH_OUTPUT = queries.Chain(
    "through an output that reports on it",
    (
        ("?subject", terms.iri(str(ILOKG.contributesToOutput)), "?out"),
        ("?out", terms.iri(str(ILOKG.reportsOn)), "?object"),
    ),
)
_THROUGH_STANDARD_OF_OUTPUT = queries.Chain(
    "through a principal standard that an output reporting on it names",
    (
        ("?subject", terms.iri(str(ILOKG.principalStandard)), "?std"),
        ("?out", terms.iri(str(ILOKG.promotesStandard)), "?std"),
        ("?out", terms.iri(str(ILOKG.reportsOn)), "?object"),
    ),
    where="?out a ilokg:Output .",
)


def _flagships_for_sdg(predicate: str, param: str) -> Runner:
    def run(catalogue: Catalogue, things: Mapping[str, Thing]) -> Result:
        chains = (
            [(_THROUGH_OUTPUT, terms.iri(predicate)), (_THROUGH_STANDARD_OF_OUTPUT, terms.iri(predicate))]
            if predicate == str(ILOKG.servesIndicator)
            else []
        )
        sparql = queries.links(
            _iris(predicate),
            objects=_iris(things[param].ref.iri),
            subject_classes=_iris(*FLAGSHIP_CLASSES),
            chains=chains,
        )
        notes = [
            "Serve it: a document states the link (its quote), or states a range of targets that holds this one "
            "(the quote of the range). Related: reached only through a chain of stated links (or of links a rule "
            "derives from them, shown with the rule and their quotes); the shortest chain is shown, each link once.",
            "What a document states of the flagships as a group stays on the group: it is never counted for one "
            "programme.",
        ]
        return Result(_flagship_rows(catalogue.links.read(sparql)), [sparql], notes)

    return run


def _flagships_for_pb(predicate: str, chain: queries.Chain, param: str) -> Runner:
    def run(catalogue: Catalogue, things: Mapping[str, Thing]) -> Result:
        sparql = queries.links(
            _iris(predicate),
            objects=_iris(things[param].ref.iri),
            subject_classes=_iris(*FLAGSHIP_CLASSES),
            chains=[(chain, terms.iri(predicate))],
        )
        rows = _flagship_rows(catalogue.links.read(sparql))
        for row in rows:
            row["section"] = row["section"].replace("Serve it: stated by a document", "Stated by a document")
        notes = [
            f"Related: reached only {chain.name}, each link stated by a document or derived by a rule from what "
            "a document states (an output names what the text of an indicator measuring it names: the rule and "
            "the indicator's quote are shown); no document links them."
        ]
        return Result(rows, [sparql], notes)

    return run


# ---------------------------------------------------------------- the runners


def _sdg_of_flagship(catalogue: Catalogue, things: Mapping[str, Thing]) -> Result:
    flagship = things["flagship"].ref.iri
    predicates = (ILOKG.servesGoal, ILOKG.servesTarget, ILOKG.servesIndicator)
    sparql = queries.links(
        _iris(*(str(p) for p in predicates)),
        subjects=_iris(flagship),
        chains=[(_THROUGH_OUTPUT, terms.iri(str(ILOKG.servesIndicator)))],
    )
    level = {str(ILOKG.servesGoal): "goal", str(ILOKG.servesTarget): "target", str(ILOKG.servesIndicator): "indicator"}
    rows: list[Row] = []
    for link in catalogue.links.read(sparql):
        rows.append(
            {
                "section": SERVES_SECTIONS[link.strength].replace(" it", ""),
                "level": level[link.predicate],
                "sdg": link.object,
                "why": link.why,
                "strength": link.strength,
                "evidence": link.steps,
            }
        )
    order = ["goal", "target", "indicator"]
    rows.sort(
        key=lambda r: (
            list(SERVES_SECTIONS).index(r["strength"]),
            order.index(r["level"]),
            natural_key(r["sdg"].id or ""),
        )
    )
    notes = ["Serves: stated by a document, or stated as a range of targets. Related: through a chain only."]
    return Result(rows, [sparql], notes)


def _standard_kind(quote: str) -> str:
    # GB.325/POL/7 heads the column "Principal ILO standards"; a few cells add "other relevant ... instruments".
    return "other relevant" if re.search(r"\bother relevant\b", quote, re.IGNORECASE) else "principal"


def _standards_of_flagship(catalogue: Catalogue, things: Mapping[str, Thing]) -> Result:
    flagship = things["flagship"].ref.iri
    sparql = queries.stated(_iris(str(ILOKG.principalStandard)), subjects=_iris(flagship))
    shared_sparql = queries.stated(
        _iris(str(ILOKG.principalStandard)), subject_classes=_iris(str(ILOKG.FlagshipProgramme))
    )
    sharing: dict[str, dict[str, Ref]] = defaultdict(dict)
    for link in catalogue.links.read(shared_sparql):
        if link.subject.iri != flagship:
            sharing[link.object.iri][link.subject.iri] = link.subject
    rows: list[Row] = []
    for link in catalogue.links.read(sparql):
        for step in link.steps:
            rows.append(
                {
                    "section": f"{step.evidence.document.label} ({(step.evidence.document.id or '')[9:]})",
                    "standard": link.object,
                    "kind": _standard_kind(step.evidence.quote),
                    "shared_with": sorted(sharing[link.object.iri].values(), key=lambda r: r.label or ""),
                    "strength": STATED,
                    "evidence": [step],
                }
            )
    rows.sort(key=lambda r: (r["section"], r["kind"] != "principal", natural_key(r["standard"].id or "")))
    notes = [
        "Kind: GB.325/POL/7 lists each programme's \u201cPrincipal ILO standards\u201d; where its words say "
        "\u201cother relevant \u2026 instruments\u201d the standard is shown as other relevant.",
        "Shared with: the other flagships that name the same standard as principal.",
    ]
    return Result(rows, [sparql, shared_sparql], notes)


def _flagships_of_standard(catalogue: Catalogue, things: Mapping[str, Thing]) -> Result:
    sparql = queries.stated(
        _iris(str(ILOKG.principalStandard)),
        objects=_iris(things["standard"].ref.iri),
        subject_classes=_iris(str(ILOKG.FlagshipProgramme)),
    )
    rows: list[Row] = []
    for link in catalogue.links.read(sparql):
        for step in link.steps:
            rows.append(
                {
                    "flagship": link.subject,
                    "kind": _standard_kind(step.evidence.quote),
                    "document": step.evidence.document,
                    "strength": STATED,
                    "evidence": [step],
                }
            )
    rows.sort(key=lambda r: ((r["flagship"].label or "").lower(), r["document"].iri))
    flagships = {r["flagship"].iri for r in rows}
    notes = [f"{len(flagships)} flagship(s) name this standard as principal."]
    return Result(rows, [sparql], notes)


def _shared_standards(catalogue: Catalogue, things: Mapping[str, Thing]) -> Result:
    sparql = queries.shared_standards(terms.iri(str(ILOKG.FlagshipProgramme)))
    by_standard: dict[str, list[LinkRow]] = defaultdict(list)
    for link in catalogue.links.read(sparql):
        by_standard[link.object.iri].append(link)
    rows: list[Row] = []
    for links in by_standard.values():
        flagships = sorted((link.subject for link in links), key=lambda r: r.label or "")
        rows.append(
            {
                "standard": links[0].object,
                "flagships": flagships,
                "count": len(flagships),
                "strength": STATED,
                "evidence": [step for link in links for step in link.steps],
            }
        )
    rows.sort(key=lambda r: (-r["count"], natural_key(r["standard"].id or "")))
    return Result(rows, [sparql], ["A standard is shared when two or more flagships name it as principal."])


def _outputs_of_outcome(catalogue: Catalogue, things: Mapping[str, Thing]) -> Result:
    sparql = queries.stated(_iris(str(ILOKG.outputOf)), objects=_iris(things["outcome"].ref.iri))
    rows: list[Row] = [
        {"output": link.subject, "strength": STATED, "evidence": link.steps} for link in catalogue.links.read(sparql)
    ]
    rows.sort(key=lambda r: natural_key(r["output"].id or ""))
    notes = [] if rows else ["No document names an output of this outcome."]
    return Result(rows, [sparql], notes)


_OUTPUT_NAMES = {
    str(ILOKG.promotesStandard): "Standards it names",
    str(ILOKG.reportsOn): "SDG indicators it reports on",
    str(ILOKG.servesIndicator): "SDG it serves",
    str(ILOKG.servesTarget): "SDG it serves",
    str(ILOKG.servesGoal): "SDG it serves",
    str(ILOKG.contributesToOutput): "Flagships",
    str(ILOKG.partner): "Partners",
    str(ILOKG.measuredBy): "Indicators that measure it",
    str(ILOKG.outputOf): "Outcome",
}


def _output_names(catalogue: Catalogue, things: Mapping[str, Thing]) -> Result:
    output = things["output"].ref.iri
    out_predicates = [p for p in _OUTPUT_NAMES if p != str(ILOKG.contributesToOutput)]
    named = queries.links(_iris(*out_predicates), subjects=_iris(output))
    flagships = queries.stated(
        _iris(str(ILOKG.contributesToOutput)), objects=_iris(output), subject_classes=_iris(*FLAGSHIP_CLASSES)
    )
    rows: list[Row] = []
    for link in catalogue.links.read(named):
        rows.append(
            {
                "section": _OUTPUT_NAMES[link.predicate],
                "thing": link.object,
                "why": link.why,
                "strength": link.strength,
                "evidence": link.steps,
            }
        )
    for link in catalogue.links.read(flagships):
        rows.append(
            {
                "section": GROUP_SECTION if _is_group(link.subject) else "Flagships",
                "thing": link.subject,
                "why": link.why,
                "strength": link.strength,
                "evidence": link.steps,
            }
        )
    order = list(dict.fromkeys([*_OUTPUT_NAMES.values(), GROUP_SECTION]))
    rows.sort(
        key=lambda r: (
            order.index(r["section"]),
            list(SERVES_SECTIONS).index(r["strength"]),
            natural_key(r["thing"].id or ""),
        )
    )
    return Result(
        rows, [named, flagships], ["Each row is a link stated by a document, or derived by a rule (see How)."]
    )


REGION_COLUMNS = {
    "africa": "Africa",
    "americas": "Americas",
    "arab-states": "Arab States",
    "asia-pacific": "Asia and the Pacific",
    "europe-central-asia": "Europe and Central Asia",
}
_COUNTED = re.compile(
    r"^number of (.+?)(?:\s+(?:with|that|which|where|whose|who|in|of|to|for|on|by|having)\b|[,.;(]|$)", re.IGNORECASE
)
_UNIT_IN_TEXT = re.compile(r"^\s*[\d.,]+\s*%?\s*([^\d.;]+?)\s*\.?\s*$")


def _as_printed(text: str | None, amount: float | None) -> str | None:
    """The cell as printed, where it says more than its number (80 **, a sentence); else None."""
    if text is None or (amount is not None and text.strip().replace(",", "") == _fmt(amount).replace(",", "")):
        return None
    return text


def indicator_unit(graph_unit: str | None, name: str | None, texts: Iterable[str]) -> tuple[str | None, str]:
    """The unit of an indicator's values and where it comes from: the graph, the value as printed, or the thing
    the indicator's name counts (the question indicator-results and the indicator's page say the same)."""
    counted = _COUNTED.match(" ".join((name or "").split()))
    if graph_unit:
        # The graph records the kind (count, percentage, cases); the name says what a count counts.
        return (f"count of {counted.group(1)}" if graph_unit == "count" and counted else graph_unit), "graph"
    for text in texts:
        match = _UNIT_IN_TEXT.match(text)
        if match and not match.group(1).strip().startswith(("*", "-", "–")) and match.group(1).strip():
            return match.group(1).strip(), "value"
    if counted:
        return counted.group(1), "name"
    return None, ""


def _indicator_results(catalogue: Catalogue, things: Mapping[str, Thing]) -> Result:
    sparql = queries.indicator_values(terms.iri(things["of"].ref.iri))
    found = catalogue.store.select(sparql)
    labels = catalogue.questions.labels({row["output"]["value"] for row in found if "output" in row})
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for row in found:
        indicator = row["indicator"]["value"]
        part = binding_value(row, "part") or ""
        cell = cells.setdefault(
            (indicator, part),
            {
                "indicator": catalogue.questions.ref(indicator, binding_value(row, "name")),
                "code": binding_value(row, "code") or "",
                "output": catalogue.questions.ref(row["output"]["value"], labels.get(row["output"]["value"]))
                if "output" in row
                else None,
                "part": part,
                "values": {},
                "texts": {},
                "unit": binding_value(row, "unit"),
                "steps": {},
            },
        )
        kind = row["kind"]["value"]
        region = (catalogue.ids.short_id(row["region"]["value"]) or "").partition(":")[2] if "region" in row else ""
        slot = f"{kind}:{region}"
        cell["values"][slot] = number_of(binding_value(row, "amount"))
        cell["texts"][slot] = row["text"]["value"]
        evidence = EvidenceItem(
            iri=row["evidence"]["value"],
            document=catalogue.questions.ref(row["document"]["value"], row["title"]["value"]),
            line=int(row["line"]["value"]),
            quote=row["quote"]["value"],
        )
        what = f"{kind}, {row['regionname']['value'] if 'regionname' in row else 'total'}" + (
            f" ({part})" if part else ""
        )
        cell["steps"][slot] = Step(
            subject=cell["indicator"],
            predicate=Ref(str(ILOKG.indicatorValue), None, what),
            object=None,
            value=row["text"]["value"],
            evidence=evidence,
        )
    rows: list[Row] = []
    mismatches: list[str] = []
    for (_, part), cell in sorted(cells.items(), key=lambda item: (natural_key(item[1]["code"]), item[0][1])):
        values, texts = cell["values"], cell["texts"]
        target, result = values.get("target:"), values.get("result:")
        regional = [values.get(f"result:{r}") for r in REGION_COLUMNS]
        numbers = [v for v in regional if v is not None]
        regions_sum = sum(numbers) if numbers else None
        name = cell["indicator"].label
        counts = fold(name or "").startswith("number of")
        if target is not None and result is not None and counts:
            assessment = "met" if result >= target else "missed"
        else:
            assessment = "not judged"
        unit, unit_from = indicator_unit(cell["unit"], name, [texts.get("target:", ""), texts.get("result:", "")])
        complete = result is not None and regions_sum is not None and len(numbers) == len(REGION_COLUMNS)
        if complete and abs((result or 0) - (regions_sum or 0)) > 1e-9:
            mismatches.append(f"{cell['code']}: total {result:g}, regions {regions_sum:g}")
        line: Row = {
            "indicator": cell["indicator"],
            "code": cell["code"],
            "output": cell["output"],
            "part": part or None,
            "target": target,
            "target_text": _as_printed(texts.get("target:"), target),
            "result": result,
            "result_text": _as_printed(texts.get("result:"), result),
            **{key.replace("-", "_"): values.get(f"result:{key}") for key in REGION_COLUMNS},
            "regions_sum": regions_sum if len(numbers) == len(REGION_COLUMNS) else None,
            "unit": unit,
            "unit_from": {"graph": "the graph", "value": "the value as printed", "name": "the indicator's name"}.get(
                unit_from
            ),
            "assessment": assessment,
            "strength": STATED,
            "evidence": sorted(cell["steps"].values(), key=lambda s: s.evidence.line),
        }
        rows.append(line)
    notes = [
        "Target and Total are the cells the report prints; the regions are its results by ILO region, and "
        "Sum of regions adds those five up.",
        "Met or missed: for indicators that count (their name starts \u201cNumber of\u201d), met where the total "
        "result is at least the target, else missed. Other indicators are not judged: the direction of their "
        "target is not a number to compare.",
        "Unit: the unit the graph records, else the unit printed with the value, else what the indicator's name "
        "counts (\u201cNumber of Member States \u2026\u201d: Member States).",
    ]
    if mismatches:
        notes.append("The printed total differs from the sum of the regions for " + "; ".join(mismatches) + ".")
    elif any(r["regions_sum"] is not None for r in rows):
        notes.append("Every printed total equals the sum of its regions.")
    if not rows:
        notes.append("The graph holds no target or result for this.")
    return Result(rows, [sparql], notes)


def _figure_rows(catalogue: Catalogue, sparql: str) -> list[Row]:
    found = catalogue.store.select(sparql)
    rows: list[Row] = []
    for row in found:
        subject = row["subject"]["value"]
        evidence = EvidenceItem(
            iri=row["figure"]["value"],
            document=catalogue.questions.ref(row["document"]["value"], row["title"]["value"]),
            line=int(row["line"]["value"]),
            quote=row["quote"]["value"],
        )
        rows.append(
            {
                "subject": catalogue.questions.ref(subject),
                "figure": catalogue.questions.ref(row["figure"]["value"]),
                "measure": row["measure"]["value"],
                "year": binding_value(row, "year"),
                "qualifier": binding_value(row, "qualifier"),
                "amount": number_of(row["amount"]["value"]),
                "unit": binding_value(row, "unit"),
                "document": evidence.document,
                "strength": STATED,
                "evidence": [
                    Step(
                        subject=catalogue.questions.ref(subject),
                        predicate=Ref(str(ILOKG.figure), None, "figure"),
                        object=None,
                        value=row["measure"]["value"],
                        evidence=evidence,
                    )
                ],
            }
        )
    return rows


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if value == int(value) else f"{value:,}"


def _flagship_figures(catalogue: Catalogue, things: Mapping[str, Thing]) -> Result:
    sparql = queries.figures(_iris(things["flagship"].ref.iri))
    rows = _figure_rows(catalogue, sparql)
    by_unit_year: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for row in rows:
        by_unit_year[(row["unit"] or "", row["year"] or "")].append(row)
    disagreements = 0
    for row in rows:
        others = [o for o in by_unit_year[(row["unit"] or "", row["year"] or "")] if o is not row]
        row["compare"] = "; ".join(
            f"{o['qualifier'] + ' ' if o['qualifier'] else ''}{_fmt(o['amount'])} ({o['measure']}; "
            f"{(o['document'].id or '')[9:]} line {o['evidence'][0].evidence.line})"
            for o in others
            if o["amount"] != row["amount"]
        )
        if row["compare"] and any(o["document"].iri != row["document"].iri for o in others):
            disagreements += 1
    rows.sort(key=lambda r: ((r["unit"] or "").lower(), natural_key(r["year"] or ""), r["measure"].lower()))
    notes = [
        "Figures of the same unit and year stand next to each other; Also for that year names the others with "
        "another amount, so that where documents (or one document's passages) differ both stay, each with its "
        "own line.",
        "A number stays as the document qualifies it (more than, about, at least).",
    ]
    return Result(rows, [sparql], notes)


def _strategic_resources(catalogue: Catalogue, things: Mapping[str, Thing]) -> Result:
    strategic = str(catalogue.ids.resolve("strategic-objective:2002-03/3").iri)
    objectives_sparql = queries.objectives_of(terms.iri(strategic))
    subjects = [row["s"]["value"] for row in catalogue.store.select(objectives_sparql)]
    if not subjects:
        raise UnknownResource("the graph holds no strategic objective 3 of 2002-03")
    measures = {
        "Proposed regular budget strategic resources": "regular_budget",
        "Estimated extra-budgetary expenditure": "extra_budgetary",
    }
    sparql = queries.figures(_iris(*subjects), [terms.literal(m) for m in measures])
    labels = catalogue.questions.labels(set(subjects))
    grouped: dict[tuple[str, str], Row] = {}
    for figure in _figure_rows(catalogue, sparql):
        subject = figure["subject"]
        key = (subject.iri, figure["year"] or "")
        row = grouped.setdefault(
            key,
            {
                "item": catalogue.questions.ref(subject.iri, labels.get(subject.iri)),
                "period": (figure["year"] or "").replace("-", "–"),
                "regular_budget": None,
                "extra_budgetary": None,
                "unit": figure["unit"],
                "strength": STATED,
                "evidence": [],
            },
        )
        row[measures[figure["measure"]]] = figure["amount"]
        row["evidence"].extend(figure["evidence"])
    rows = sorted(
        grouped.values(),
        key=lambda r: (r["period"] != "2002–03", (r["item"].id or "").count("/") == 0, natural_key(r["item"].id or "")),
    )
    parts = [r for r in rows if r["period"] == "2002–03" and "operational-objective" in (r["item"].id or "")]
    total = next((r for r in rows if r["period"] == "2002–03" and "strategic-objective" in (r["item"].id or "")), None)
    notes = ["Table 6 of the Programme and Budget 2002–03, in constant 2000–01 US dollars, as printed."]
    if total is not None and parts:
        for column, words in (("regular_budget", "regular budget"), ("extra_budgetary", "extra-budgetary")):
            added = sum(r[column] or 0 for r in parts)
            same = "equals" if abs(added - (total[column] or 0)) < 0.5 else "differs from"
            notes.append(
                f"The printed total of the {words} column ({_fmt(total[column])}) {same} the sum of the operational "
                f"objectives ({_fmt(added)})."
            )
    return Result(rows, [objectives_sparql, sparql], notes)


def _countries_and_partners(catalogue: Catalogue, things: Mapping[str, Thing]) -> Result:
    flagship = things["flagship"].ref.iri
    portfolio = [
        row["s"]["value"]
        for row in catalogue.store.select(question_queries.members_of(terms.iri(str(ILOKG.FlagshipPortfolio))))
    ]
    sparql = queries.stated(_iris(str(ILOKG.operatesIn), str(ILOKG.partner)), subjects=_iris(flagship, *portfolio))
    rows: list[Row] = []
    for link in catalogue.links.read(sparql):
        group = _is_group(link.subject)
        country = link.predicate == str(ILOKG.operatesIn)
        section = ("Countries" if country else "Partners") + (" of the flagships as a group" if group else "")
        rows.append({"section": section, "thing": link.object, "strength": STATED, "evidence": link.steps})
    order = ["Countries", "Partners", "Countries of the flagships as a group", "Partners of the flagships as a group"]
    rows.sort(key=lambda r: (order.index(r["section"]), (r["thing"].label or r["thing"].id or "").lower()))
    notes = [
        "Countries and partners each document names for the programme; what a document names for the flagships "
        "as a group is shown apart and is not counted for the programme."
    ]
    return Result(rows, [sparql], notes)


def _countries_of_flagship(catalogue: Catalogue, things: Mapping[str, Thing]) -> Result:
    flagship, indicator = things["flagship"].ref.iri, things["indicator"].ref.iri
    sparql = queries.stated(_iris(str(ILOKG.operatesIn)), subjects=_iris(flagship))
    links = catalogue.links.read(sparql)
    countries = Countries(catalogue.questions)
    data = countries.latest_values(indicator, (link.object.iri for link in links))
    m49 = countries.m49_codes(link.object.iri for link in links)
    rows: list[Row] = []
    for link in sorted(links, key=lambda link: (link.object.label or link.object.iri).casefold()):
        # A country the data has no value of the indicator for keeps its row, with the value cells empty.
        values: list[Observation | None] = [*data.by_area.get(link.object.iri, [])]
        for value in values or [None]:
            rows.append(
                {
                    "country": link.object,
                    "m49": m49.get(link.object.iri),
                    "series": value.series.notation if value else None,
                    "series_title": value.series.label if value else None,
                    "year": str(value.year) if value else None,
                    "value": number_of(value.value) if value else None,
                    "unit": value.unit.label if value else None,
                    "breakdown": value.breakdown_text() if value else None,
                    "nature": value.nature.label if value else None,
                    "strength": STATED,
                    "evidence": link.steps,
                }
            )
    notes = [
        "Countries: where a document states the flagship works (its quote). Value: for each data series of the "
        "indicator, its latest year in the country, for the whole population the series covers there (both sexes, "
        "every migratory status, activity and occupation, the widest age group); a country without a value has no "
        "data for the indicator in the database.",
        *(f"Data: {source.citation} ({source.licence})" for source in data.sources if source.citation),
    ]
    return Result(rows, [sparql, data.sparql], notes)


def _code_across_bienniums(catalogue: Catalogue, things: Mapping[str, Thing]) -> Result:
    code = things["code"].argument
    candidates: list[str] = []
    for biennium in catalogue.bienniums():
        for prefix in ("outcome", "output", "indicator"):
            try:
                candidates.append(str(catalogue.ids.resolve(f"{prefix}:{biennium}/{code}").iri))
            except IdError:
                continue
    if not candidates:
        raise UnknownResource(f"no biennium has an outcome, output or indicator {code}")
    sparql = queries.titles(_iris(*candidates))
    kinds = {
        str(ILOKG.PolicyOutcome): "policy outcome",
        str(ILOKG.EnablingOutcome): "enabling outcome",
        str(ILOKG.Output): "output",
        str(ILOKG.Indicator): "indicator",
    }
    rows: dict[tuple[str, str], Row] = {}
    for found in catalogue.store.select(sparql):
        thing = found["thing"]["value"]
        title = binding_value(found, "title")
        row = rows.setdefault(
            (thing, title or ""),
            {
                "biennium": catalogue.questions.ref(found["biennium"]["value"], None),
                "kind": kinds[found["kind"]["value"]],
                "thing": catalogue.questions.ref(thing, title),
                "title": title,
                "strength": STATED,
                "evidence": [],
            },
        )
        if "document" in found:
            row["evidence"].append(
                Step(
                    subject=row["thing"],
                    predicate=Ref(str(SKOS.prefLabel), None, "is named"),
                    object=None,
                    value=title,
                    evidence=EvidenceItem(
                        iri=thing,
                        document=catalogue.questions.ref(found["document"]["value"], found["doctitle"]["value"]),
                        line=int(found["line"]["value"]),
                        quote=found["quote"]["value"],
                    ),
                )
            )
    ordered = sorted(rows.values(), key=lambda r: (r["biennium"].iri, r["kind"]))
    for row in ordered:
        row["biennium"] = replace(row["biennium"], label=(row["biennium"].id or "").partition(":")[2].replace("-", "–"))
    titles = {r["title"] for r in ordered if r["title"]}
    notes = [
        f"{len(ordered)} {'thing' if len(ordered) == 1 else 'things'} with the code {code}, each in its own "
        f"biennium: the same code under {len(titles)} different title(s). They are different results and are "
        "never merged."
    ]
    return Result(ordered, [sparql], notes)


# ---------------------------------------------------------------- the registry


def _p(name: str, kind: str, label: str, example: str) -> Param:
    return Param(name, kind, label, example, KIND_HELP[kind])


FLAGSHIP = _p("flagship", "flagship", "Flagship", "IPEC+")

QUESTIONS: tuple[Question, ...] = (
    Question(
        "flagships-for-target",
        "Flagships serving an SDG target",
        "Which flagships serve SDG target {target}?",
        "The flagships a document states for the target, those that serve it through a stated range of targets, "
        "and those only related to it through a chain of stated links.",
        (_p("target", "sdg-target", "SDG target", "8.7"),),
        FLAGSHIP_COLUMNS,
        _flagships_for_sdg(str(ILOKG.servesTarget), "target"),
        (("8.7",), ("8.8",), ("8.b",), ("1.3",)),
    ),
    Question(
        "flagships-for-goal",
        "Flagships serving an SDG goal",
        "Which flagships serve SDG {goal}?",
        "The flagships a document states for the goal, or that serve one of its targets.",
        (_p("goal", "sdg-goal", "SDG goal", "8"),),
        FLAGSHIP_COLUMNS,
        _flagships_for_sdg(str(ILOKG.servesGoal), "goal"),
        (("8",), ("16",)),
    ),
    Question(
        "flagships-for-indicator",
        "Flagships serving an SDG indicator",
        "Which flagships serve SDG indicator {indicator}?",
        "The flagships a document states for the indicator, and those related to it through a P&B output that "
        "reports on it.",
        (_p("indicator", "sdg-indicator", "SDG indicator", "8.8.1"),),
        FLAGSHIP_COLUMNS,
        _flagships_for_sdg(str(ILOKG.servesIndicator), "indicator"),
        (("8.8.1",), ("8.7.1",)),
    ),
    Question(
        "sdg-of-flagship",
        "The SDG goals, targets and indicators of a flagship",
        "Which SDG goals, targets and indicators does {flagship} serve?",
        "Every SDG goal, target and indicator linked to the flagship, by strength.",
        (FLAGSHIP,),
        (
            SECTION,
            Column("level", "Level", "text", "goal, target or indicator"),
            Column("sdg", "SDG", "ref"),
            Column("why", "How", "text"),
            *COMMON_COLUMNS,
        ),
        _sdg_of_flagship,
        (("jobs-for-peace-resilience",), ("IPEC+",)),
    ),
    Question(
        "flagships-for-outcome",
        "Flagships contributing to a P&B outcome",
        "Which flagships contribute to {outcome}?",
        "The flagships a document states for the outcome, and those related to it through one of its outputs.",
        (_p("outcome", "outcome", "Outcome", "2022-23/8"),),
        FLAGSHIP_COLUMNS,
        _flagships_for_pb(
            str(ILOKG.contributesToOutcome),
            queries.Chain(
                "through an output of the outcome",
                (
                    ("?subject", terms.iri(str(ILOKG.contributesToOutput)), "?out"),
                    ("?out", terms.iri(str(ILOKG.outputOf)), "?object"),
                ),
            ),
            "outcome",
        ),
        (("2022-23/7",), ("2016-17/7",)),
    ),
    Question(
        "flagships-for-output",
        "Flagships contributing to a P&B output",
        "Which flagships contribute to {output}?",
        "The flagships a document states for the output (and what is stated of the flagships as a group), and "
        "those related to it through a principal standard the output names.",
        (_p("output", "output", "Output", "2022-23/7.1"),),
        FLAGSHIP_COLUMNS,
        _flagships_for_pb(
            str(ILOKG.contributesToOutput),
            queries.Chain(
                "through a principal standard the output names",
                (
                    ("?subject", terms.iri(str(ILOKG.principalStandard)), "?std"),
                    ("?object", terms.iri(str(ILOKG.promotesStandard)), "?std"),
                ),
            ),
            "output",
        ),
        (("2022-23/7.1",), ("2020-21/2.1",)),
    ),
    Question(
        "standards-of-flagship",
        "The standards of a flagship",
        "Which standards does {flagship} rest on?",
        "The international labour standards each document names for the flagship, in the document's own words, "
        "by kind (principal; other relevant), with the other flagships that share each.",
        (FLAGSHIP,),
        (
            SECTION,
            Column("standard", "Standard", "ref"),
            Column("kind", "Kind", "text", "principal, or other relevant in the document's words"),
            Column("shared_with", "Shared with", "refs", "Other flagships naming it as principal"),
            *COMMON_COLUMNS,
        ),
        _standards_of_flagship,
        (("IPEC+",), ("social-protection-floors",)),
    ),
    Question(
        "flagships-of-standard",
        "Flagships sharing a standard",
        "Which flagships rest on {standard}?",
        "The flagships whose principal standards include this one, each with the document's words.",
        (_p("standard", "instrument", "Standard", "C182"),),
        (
            Column("flagship", "Flagship", "ref"),
            Column("kind", "Kind", "text"),
            Column("document", "Document", "ref"),
            *COMMON_COLUMNS,
        ),
        _flagships_of_standard,
        (("C182",), ("C029",)),
    ),
    Question(
        "shared-standards",
        "Standards shared by several flagships",
        "Which standards do several flagships share?",
        "The standards that two or more flagships name as principal.",
        (),
        (
            Column("standard", "Standard", "ref"),
            Column("flagships", "Flagships", "refs"),
            Column("count", "Flagships", "number"),
            *COMMON_COLUMNS,
        ),
        _shared_standards,
        ((),),
    ),
    Question(
        "outputs-of-outcome",
        "The outputs of an outcome",
        "Which outputs does {outcome} have?",
        "The outputs the documents list under the outcome in its biennium.",
        (_p("outcome", "outcome", "Outcome", "2022-23/7"),),
        (Column("output", "Output", "ref"), *COMMON_COLUMNS),
        _outputs_of_outcome,
        (("2022-23/7",), ("2020-21/8",)),
    ),
    Question(
        "output-names",
        "What an output names",
        "What does {output} name?",
        "The standards, SDG indicators and targets, flagships, partners and indicators the output's text names.",
        (_p("output", "output", "Output", "2022-23/7.1"),),
        (SECTION, Column("thing", "Named", "ref"), Column("why", "How", "text"), *COMMON_COLUMNS),
        _output_names,
        (("2022-23/7.1",), ("2022-23/8.1",)),
    ),
    Question(
        "indicator-results",
        "Indicator targets and results",
        "What were the targets and results of {of}?",
        "Target and result of each indicator, in total and by region, met or missed, with units and the totals "
        "the report prints; for an outcome, every indicator of its outputs.",
        (_p("of", "pb-result", "Indicator, output or outcome", "2020-21/8.1.1"),),
        (
            Column("indicator", "Indicator", "ref"),
            Column("output", "Measures", "ref", "The output (or objective, or outcome) the indicator measures", True),
            Column("part", "Part", "text", "Which target or result of a cell that gives several"),
            Column("target", "Target", "number"),
            Column("result", "Total", "number", "The total result the report prints"),
            Column("assessment", "Met or missed", "text"),
            Column("unit", "Unit", "text"),
            *(Column(key.replace("-", "_"), name, "number") for key, name in REGION_COLUMNS.items()),
            Column("regions_sum", "Sum of regions", "number"),
            Column("target_text", "Target as printed", "text", "The target cell, where it says more than a number"),
            Column("result_text", "Total as printed", "text", "The total cell, where it says more than a number"),
            Column("unit_from", "Unit from", "text"),
            Column("code", "Code", "text"),
            *COMMON_COLUMNS,
        ),
        _indicator_results,
        (("2020-21/8.1.1",), ("2020-21/8",), ("2002-03/3b",)),
        Chart(label=("code", "part"), values=("target", "result")),
    ),
    Question(
        "flagship-figures",
        "The figures of a flagship",
        "What figures do the documents give for {flagship}?",
        "Every number a document gives about the flagship, by unit and year, side by side where they differ.",
        (FLAGSHIP,),
        (
            Column("measure", "Measure", "text"),
            Column("year", "Year", "text"),
            Column("qualifier", "Qualifier", "text"),
            Column("amount", "Amount", "number"),
            Column("unit", "Unit", "text"),
            Column("document", "Document", "ref"),
            Column("compare", "Also for that year", "text"),
            *COMMON_COLUMNS,
        ),
        _flagship_figures,
        (("Better Work",), ("IPEC+",)),
        Chart(label=("measure", "year"), values=("amount",), facet="unit"),
    ),
    Question(
        "countries-and-partners",
        "The countries and partners of a flagship",
        "Where does {flagship} work, and with whom?",
        "The countries and development partners the documents name for the flagship.",
        (FLAGSHIP,),
        (SECTION, Column("thing", "Country or partner", "ref"), *COMMON_COLUMNS),
        _countries_and_partners,
        (("Better Work",), ("JPR",)),
    ),
    Question(
        "countries-of-flagship",
        "Countries of a flagship with an SDG indicator's latest value",
        "Where does {flagship} work, and what is the latest value of SDG indicator {indicator} there?",
        "The countries a document states the flagship works in, each with the latest value of every data series of "
        "the SDG indicator there, from the UN Global SDG Indicators Database.",
        (FLAGSHIP, _p("indicator", "sdg-indicator", "SDG indicator", "8.7.1")),
        (
            Column("country", "Country", "ref"),
            Column("m49", "M49", "text", "The country's UN M49 code (its ISO 3166-1 numeric code)"),
            Column("series", "Series", "text", "The data series of the UN Global SDG Indicators Database"),
            Column("series_title", "What it measures", "text"),
            Column("year", "Year", "text", "The series' latest year in the country"),
            Column("value", "Value", "number"),
            Column("unit", "Unit", "text"),
            Column("breakdown", "Breakdown", "text", "The population the value covers (age, sex, ...)"),
            Column("nature", "Nature", "text", "How the value was obtained (country data, estimated, modelled, ...)"),
            *COMMON_COLUMNS,
        ),
        _countries_of_flagship,
        (("IPEC+", "8.7.1"), ("social-protection-floors", "1.3.1")),
    ),
    Question(
        "code-across-bienniums",
        "An outcome or output code across bienniums",
        "What is {code} in each biennium?",
        "Every outcome, output or indicator with this code, one per biennium with its own title: the same code "
        "names different results in different bienniums, and they are never merged.",
        (_p("code", "code", "Code", "7"),),
        (
            Column("biennium", "Biennium", "ref"),
            Column("kind", "Kind", "text"),
            Column("thing", "Result", "ref"),
            Column("title", "Title", "text"),
            *COMMON_COLUMNS,
        ),
        _code_across_bienniums,
        (("7",), ("7.2",)),
    ),
    Question(
        "strategic-resources-2002-03",
        "Strategic resources of P&B 2002–03",
        "What strategic resources did the Programme and Budget 2002–03 give social protection?",
        "Table 6: the regular budget and the estimated extra-budgetary expenditure by operational objective, "
        "with the printed totals.",
        (),
        (
            Column("item", "Objective", "ref"),
            Column("period", "Period", "text"),
            Column("regular_budget", "Regular budget", "number"),
            Column("extra_budgetary", "Extra-budgetary", "number"),
            Column("unit", "Unit", "text"),
            *COMMON_COLUMNS,
        ),
        _strategic_resources,
        ((),),
        Chart(label=("item", "period"), values=("regular_budget", "extra_budgetary")),
    ),
)
