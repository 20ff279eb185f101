"""A view of each kind of thing, for the pages a person reads: a flagship's dossier, an instrument, an SDG goal,
target or indicator, a biennium's outline, a P&B outcome or output, a P&B indicator's table of targets and
results, a country, a partner, and the lists of each.

Plain data built from a resource's description (every link with its evidence or derivation) and a few lookups.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from graph import terms
from graph.ids import REGIONS
from graph.queries import views as queries
from graph.read.catalogue import Row
from graph.read.citations import Citations
from graph.read.countries import Countries, DataSeries, DataSource, SeriesHistory
from graph.read.named import GROUP_SECTION, indicator_unit, named_questions
from graph.read.questions import STRENGTHS, EvidenceItem, Ref
from graph.read.resources import IN, OUT, Catalogue, Figure, Link, LinkGroup, ResourceDescription, Resources
from graph.read.strength import STRENGTH_NOTES, STRENGTH_TITLES, Step, strength_of
from graph.read.wording import biennium_of, code_name, natural_key
from graph.store.formats import binding_value
from ontology.namespaces import DCTERMS, ILOKG, RDF, RDFS, SDGO, SKOS

# Which view shows a thing of each class (the most specific class decides; others get the general page).
VIEW_OF_CLASS: dict[str, str] = {
    str(ILOKG.FlagshipProgramme): "flagship",
    str(ILOKG.Convention): "instrument",
    str(ILOKG.Protocol): "instrument",
    str(ILOKG.Recommendation): "instrument",
    str(SDGO.Goal): "sdg",
    str(SDGO.Target): "sdg",
    str(SDGO.Indicator): "sdg",
    str(ILOKG.Biennium): "biennium",
    str(ILOKG.PolicyOutcome): "result",
    str(ILOKG.EnablingOutcome): "result",
    str(ILOKG.Output): "result",
    str(ILOKG.StrategicObjective): "result",
    str(ILOKG.OperationalObjective): "result",
    str(ILOKG.InFocusProgramme): "result",
    str(ILOKG.Indicator): "indicator",
    str(ILOKG.Country): "country",
    str(ILOKG.Organization): "agent",
    str(ILOKG.M49Region): "country",
    str(ILOKG.DocumentPart): "part",
    str(ILOKG.Programme): "programme",
}
# What a group of links into a thing is called where "from" and the property's label read badly.
INCOMING_TITLES = {str(ILOKG.about): "Parts of documents about it"}
NAME_KINDS = {str(SKOS.prefLabel): "name", str(SKOS.altLabel): "other name", str(ILOKG.acronym): "acronym"}
SERVES = (ILOKG.servesGoal, ILOKG.servesTarget, ILOKG.servesIndicator)
SDG_LINKS_LEFT_OUT = {str(SKOS.exactMatch), str(SKOS.inScheme), str(SDGO.hasTarget), str(SDGO.hasIndicator)}
# Links every page shows in its own place, never again among the "other links".
SHOWN_ELSEWHERE = {
    (str(RDF.type), OUT),
    (str(ILOKG.shortId), OUT),
    (str(SKOS.notation), OUT),
    (str(ILOKG.figure), OUT),
    (str(ILOKG.indicatorValue), OUT),
    (str(ILOKG.inBiennium), OUT),
    *((p, OUT) for p in NAME_KINDS),
}


# ------------------------------------------------------------------ shared pieces


@dataclass
class NameUse:
    """A name a thing goes by, and the documents (and so the years) that use it."""

    text: str
    what: str
    evidence: list[EvidenceItem]


@dataclass
class LinkSet:
    """Links grouped by how the graph knows them: stated by a document, or derived by a rule."""

    key: str
    title: str
    note: str
    links: list[Link]


@dataclass
class BienniumLinks:
    """The links of one biennium (P&B results are per biennium)."""

    biennium: str
    groups: list[tuple[str, list[Link]]]


@dataclass
class FigureTable:
    """The figures of one unit; one column per document that gives any, so documents that differ sit side by side."""

    unit: str
    documents: list[Ref]
    rows: list[tuple[Figure, str]]  # (figure, IRI of its document)

    @property
    def compared(self) -> bool:
        return len(self.documents) > 1


@dataclass
class QuotedGroup:
    """Links one set of quotes states together (the countries a sentence lists), shown once with those quotes."""

    links: list[Link]
    evidence: list[EvidenceItem]


def grouped_by_quote(links: list[Link]) -> list[QuotedGroup]:
    """Links grouped by the quotes that state them, in the order of their first link."""
    groups: dict[tuple[tuple[str, int, str], ...], QuotedGroup] = {}
    for link in links:
        key = tuple(sorted({(e.document.iri, e.line, e.quote) for e in link.evidence}))
        group = groups.get(key) if key else None
        if group is None:
            group = QuotedGroup([], list(link.evidence))
            groups[key or (("", len(groups), link.node.iri if link.node else ""),)] = group
        group.links.append(link)
    return list(groups.values())


class _Picker:
    """Takes links out of a description by predicate and direction, and gives what is left."""

    def __init__(self, description: ResourceDescription) -> None:
        self.description = description
        self.taken: set[tuple[str, str]] = set(SHOWN_ELSEWHERE)

    def take(self, predicate: object, direction: str = OUT) -> list[Link]:
        self.taken.add((str(predicate), direction))
        return list(self.description.links(str(predicate), direction))

    def many(self, predicates: tuple[object, ...], direction: str = OUT) -> list[Link]:
        return [link for predicate in predicates for link in self.take(predicate, direction)]

    def others(self) -> list[LinkGroup]:
        return [
            group
            for group in (*self.description.outgoing, *self.description.incoming)
            if (group.predicate.iri, group.direction) not in self.taken
        ]


def names_of(description: ResourceDescription, years: dict[str, str]) -> list[NameUse]:
    """Every name, acronym and other name, with one quote of each document that uses it; by the year of the
    first document that uses it (`years`: the year of each document IRI), then the name first."""
    uses: list[NameUse] = []
    for predicate, what in NAME_KINDS.items():
        for link in description.links(predicate):
            if link.value is None:
                continue
            one_each = {e.document.iri: e for e in sorted(link.evidence, key=lambda e: e.line, reverse=True)}
            evidence = sorted(one_each.values(), key=lambda e: (years.get(e.document.iri, "~"), e.document.iri))
            uses.append(NameUse(link.value.value, what, evidence))
    order = list(NAME_KINDS.values())

    def first_year(use: NameUse) -> str:
        return min((years.get(e.document.iri, "~") for e in use.evidence), default="~")

    return sorted(uses, key=lambda use: (first_year(use), order.index(use.what), use.text.lower()))


def strength_sets(links: list[Link]) -> list[LinkSet]:
    """Links grouped by how strong they are (stated, stated as a range, related through a chain), as every answer
    groups them (graph/read/strength.py)."""
    ordered = sorted(links, key=lambda link: natural_key(link.node.id or "" if link.node else ""))
    return [
        LinkSet(key, STRENGTH_TITLES[key], STRENGTH_NOTES[key], [link for link in ordered if link.strength == key])
        for key in STRENGTHS
    ]


@dataclass
class StrengthGroup:
    """The rows of a named question's answer that share a strength (or what is stated of the flagships as a group):
    each row a thing (an SDG goal, target or indicator; a flagship), how it is known in words, and its steps."""

    key: str
    title: str
    note: str
    rows: list[Row]

    @property
    def items(self) -> list[SharedRows]:
        """The rows, those that the same quotes carry in the same way (the targets of one stated range, a goal and
        a target one sentence names) shown once with those quotes, in the order of their first row."""
        items: dict[tuple[object, ...], SharedRows] = {}
        for row in self.rows:
            steps: list[Step] = row.get("evidence") or []
            quotes = tuple((s.evidence.document.iri, s.evidence.line, s.evidence.quote, s.derived) for s in steps)
            key = (row.get("why"), quotes) if quotes else (len(items),)
            items.setdefault(key, SharedRows([], row.get("why") or "", steps)).rows.append(row)
        return list(items.values())


@dataclass
class SharedRows:
    """Rows of an answer carried by the same quotes in the same way, shown once with them."""

    rows: list[Row]
    why: str
    steps: list[Step]


GROUP_NOTE = "stated by a document of the flagship programmes as a group, and never counted for any one of them"


def answer_groups(rows: list[Row]) -> list[StrengthGroup]:
    """A named question's rows by strength, in the order of the strengths, then what is stated of the group."""
    groups = [StrengthGroup(key, STRENGTH_TITLES[key], STRENGTH_NOTES[key], []) for key in STRENGTHS]
    group = StrengthGroup("group", GROUP_SECTION, GROUP_NOTE, [])
    for row in rows:
        if row.get("section") == GROUP_SECTION:
            group.rows.append(row)
        else:
            next(g for g in groups if g.key == row["strength"]).rows.append(row)
    return [*groups, group] if group.rows else groups


def by_biennium(groups: list[tuple[str, list[Link]]]) -> list[BienniumLinks]:
    """Links to P&B results, per biennium (newest first), keeping the groups (outcomes, outputs) apart."""
    found: dict[str, dict[str, list[Link]]] = defaultdict(dict)
    for title, links in groups:
        for link in links:
            biennium = biennium_of(link.node) if link.node else None
            found[biennium or "other"].setdefault(title, []).append(link)
    return [
        BienniumLinks(biennium, [(title, found[biennium][title]) for title, _ in groups if title in found[biennium]])
        for biennium in sorted(found, reverse=True)
    ]


def figure_tables(figures: list[Figure]) -> list[FigureTable]:
    """Figures by unit (then measure and year), each with its document, so two documents' figures sit side by side."""
    by_unit: dict[str, list[tuple[Figure, str]]] = defaultdict(list)
    documents: dict[str, dict[str, Ref]] = defaultdict(dict)
    for figure in figures:
        unit = _unit_key(figure.unit)
        source = figure.evidence[0].document if figure.evidence else Ref("", None, None)
        by_unit[unit].append((figure, source.iri))
        documents[unit].setdefault(source.iri, source)
    tables = [
        FigureTable(
            unit,
            sorted(documents[unit].values(), key=lambda ref: ref.iri),
            sorted(rows, key=lambda row: ((row[0].measure or "").lower(), row[0].year or "")),
        )
        for unit, rows in by_unit.items()
    ]
    return sorted(tables, key=lambda table: (-len(table.rows), table.unit))


def _unit_key(unit: str | None) -> str:
    text = (unit or "").strip()
    return "per cent" if text.lower() in ("percent", "per cent", "%") else text or "(no unit)"


# ------------------------------------------------------------------ the kinds


@dataclass
class FlagshipDossier:
    """A flagship programme: names by document and year, standards, SDGs by how they are known, P&B results by
    biennium, figures, partners, countries."""

    description: ResourceDescription
    names: list[NameUse]
    standards: list[Link]
    sdg: list[StrengthGroup]
    target_ranges: list[Link]
    results: list[BienniumLinks]
    figures: list[FigureTable]
    partners: list[Link]
    countries: list[Link]
    others: list[LinkGroup]

    @property
    def figure_count(self) -> int:
        return sum(len(table.rows) for table in self.figures)

    @property
    def partner_groups(self) -> list[QuotedGroup]:
        return grouped_by_quote(self.partners)

    @property
    def country_groups(self) -> list[QuotedGroup]:
        return grouped_by_quote(self.countries)


@dataclass
class InstrumentView:
    """An international labour standard and what rests on it."""

    description: ResourceDescription
    kind: str | None
    adoption_year: str | None
    normlex: str | None
    names: list[NameUse]
    flagships: list[Link]
    promoted_by: list[BienniumLinks]
    related: list[tuple[str, list[Link]]]
    figures: list[FigureTable]
    others: list[LinkGroup]


@dataclass
class TargetRow:
    """A target of a goal, and the flagships linked to it by strength: stated, stated as a range, related through a
    chain."""

    target: Ref
    flagships: dict[str, list[Ref]] = field(default_factory=lambda: {key: [] for key in STRENGTHS})


@dataclass
class SdgView:
    """An SDG goal, target or indicator: its code, its text, and what serves it."""

    description: ResourceDescription
    level: str  # goal, target, indicator
    code: str
    broader: list[Link]
    narrower: list[Link]
    flagships: list[StrengthGroup]
    results: list[Link]
    reported_by: list[Link]
    targets: list[TargetRow]
    others: list[LinkGroup]
    series: list[DataSeries] = field(default_factory=list)  # an indicator's data series by country
    custodians: list[str] = field(default_factory=list)  # an indicator's custodian agencies, as the framework has them


@dataclass
class IndicatorValue:
    """A target, result or baseline of a P&B indicator, as its cell prints it."""

    kind: str
    region: Ref | None
    part: str | None
    amount: str | None
    text: str | None
    evidence: EvidenceItem | None

    @property
    def number(self) -> Decimal | None:
        try:
            return Decimal(self.amount) if self.amount is not None else None
        except InvalidOperation:
            return None


@dataclass
class ValueRow:
    """Target and result of one region (None: the total)."""

    region: Ref | None
    target: IndicatorValue | None
    result: IndicatorValue | None


@dataclass
class IndicatorTable:
    """A P&B indicator's targets and results: total and by region, and whether the result met the target."""

    unit: str | None
    rows: list[ValueRow]
    other_values: list[IndicatorValue]
    verdict: str | None  # met, missed, or None where the table cannot say

    @property
    def largest(self) -> Decimal:
        amounts = [
            value.number
            for row in self.rows
            for value in (row.target, row.result)
            if value is not None and value.number is not None
        ]
        return max([Decimal(1), *amounts])


@dataclass
class IndicatorView:
    """A P&B indicator: what it measures, and its table."""

    description: ResourceDescription
    biennium: str | None
    measures: list[Link]
    table: IndicatorTable
    unit: list[Link]  # the kind of unit the graph gives it (count, cases, percentage), with its quote
    standards: list[Link]  # what its text names, which the output it measures names too (rule upFromIndicator)
    reports_on: list[Link]
    others: list[LinkGroup]


@dataclass
class ResultView:
    """A P&B outcome, output, objective or InFocus programme, and what links to it."""

    description: ResourceDescription
    biennium: str | None
    parents: list[tuple[str, list[Link]]]
    children: list[tuple[str, list[Link]]]
    indicators: list[tuple[Link, IndicatorTable]]
    flagships: list[Link]
    standards: list[Link]
    sdg: list[LinkSet]
    reports_on: list[Link]
    partners: list[Link]
    figures: list[FigureTable]
    others: list[LinkGroup]


@dataclass
class OutlineItem:
    """A line of a biennium's outline, with the lines under it."""

    ref: Ref
    kind: str
    children: list[OutlineItem] = field(default_factory=list)
    table: IndicatorTable | None = None


@dataclass
class BienniumView:
    """A biennium as an outline: outcome -> output -> indicator (objective -> objective -> indicator in 2002-03)."""

    description: ResourceDescription
    biennium: str
    outline: list[OutlineItem]
    counts: list[tuple[str, int]]
    others: list[LinkGroup] = field(default_factory=list)  # the outline shows every link of a biennium


@dataclass
class AgentView:
    """A partner: who works with it, each with its quote."""

    description: ResourceDescription
    kind: str
    groups: list[tuple[str, list[Link]]]
    others: list[LinkGroup]

    @staticmethod
    def grouped(links: list[Link]) -> list[QuotedGroup]:
        return grouped_by_quote(links)


@dataclass
class PartnerHere:
    """A partner of a programme that a document names in the passage placing that programme in a country."""

    partner: Ref
    programme: Ref
    evidence: list[EvidenceItem]


@dataclass
class IndicatorData:
    """The data series of one SDG indicator in a country: each with its latest value and its values year by year."""

    indicator: Ref
    series: list[SeriesHistory]


@dataclass
class CountryView:
    """A country: the programmes a document places there (with the quotes), the partners the same passages name,
    and the latest value and the history of each SDG indicator data series there, with the data's source."""

    description: ResourceDescription
    m49: str | None
    iso: str | None
    programmes: list[Link]
    partners: list[PartnerHere]
    data: list[IndicatorData]
    sources: list[DataSource]
    others: list[LinkGroup]

    @property
    def programme_groups(self) -> list[QuotedGroup]:
        return grouped_by_quote(self.programmes)

    @property
    def flagships(self) -> list[Ref]:
        """The flagships working here, each once, for links to the questions about them."""
        found = {link.node.iri: link.node for link in self.programmes if link.node and _is_flagship(link)}
        return sorted(found.values(), key=lambda ref: ref.label or ref.iri)


# A partner counts as named with a programme in a country when its quote starts within this many lines of the quote
# that places the programme there (the documents' sentences run over two or three lines).
PASSAGE_LINES = 2


@dataclass(frozen=True)
class Count:
    """A number of things, with the words for one and for several (`{n} target`, `{n} targets`), so that a page can
    say it in its language."""

    n: int
    one: str
    many: str

    @property
    def text(self) -> str:
        return (self.one if self.n == 1 else self.many).format(n=self.n)


@dataclass
class PartView:
    """A part of a document (a table, a figure, a box, a part): the document and line it opens on, its label as
    printed, what it is about, and the SDGs it names."""

    description: ResourceDescription
    document: Ref | None
    heading: EvidenceItem | None  # where the document prints its heading
    notation: str | None
    about: list[tuple[str, list[Link]]]  # by kind of thing
    reports_on: list[Link]
    sdg: list[LinkSet]
    others: list[LinkGroup]


@dataclass
class ProgrammeView:
    """An ILO programme that is not a flagship: its names and description by document, the P&B indicators whose
    strategy names it, the programme it was revised as, the parts of documents about it."""

    description: ResourceDescription
    names: list[NameUse]
    descriptions: list[Link]
    in_strategy_of: list[BienniumLinks]
    revised_as: list[Link]
    about_it: list[Link]
    others: list[LinkGroup]


@dataclass
class ListItem:
    """A line of a list page: a thing, and how many things link to it."""

    ref: Ref
    counts: list[Count] = field(default_factory=list)

    @property
    def note(self) -> str:
        return ", ".join(count.text for count in self.counts)


@dataclass
class ListView:
    """The things of one kind, in sections headed by words or by a thing (the goal of a list of targets)."""

    key: str
    title: str
    lead: str | Count
    sections: list[tuple[str | Ref, list[ListItem]]]


# Heading of each class in an outline, and the order of the outline's levels.
OUTLINE_KINDS = {
    str(ILOKG.StrategicObjective): "strategic objective",
    str(ILOKG.OperationalObjective): "operational objective",
    str(ILOKG.InFocusProgramme): "InFocus programme",
    str(ILOKG.PolicyOutcome): "policy outcome",
    str(ILOKG.EnablingOutcome): "enabling outcome",
    str(ILOKG.Output): "output",
    str(ILOKG.Indicator): "indicator",
}
# What a part of a document is about, by the kind of the thing (its id's prefix), in this order.
ABOUT_KINDS = {
    "flagship": "Flagship programmes",
    "portfolio": "The flagships as a group",
    "programme": "Other ILO programmes",
    "instrument": "International labour standards",
    "outcome": "P&B outcomes",
    "output": "P&B outputs",
    "indicator": "P&B indicators",
    "strategic-objective": "Strategic objectives",
    "operational-objective": "Operational objectives",
    "sdg": "SDG goals, targets and indicators",
    "organization": "Organizations",
    "country": "Countries",
    "region": "ILO regions",
}


def _kind_order(item: tuple[str, list[Link]]) -> int:
    return list(ABOUT_KINDS).index(item[0]) if item[0] in ABOUT_KINDS else len(ABOUT_KINDS)


# child --predicate--> parent: how the outline hangs together.
OUTLINE_UP = {str(ILOKG.outputOf), str(ILOKG.objectiveOf), str(ILOKG.servesObjective)}
LISTS = {
    "flagships": "Flagship programmes",
    "instruments": "International labour standards",
    "bienniums": "Programme and Budget bienniums",
    "sdg-goals": "SDG goals",
    "partners": "Partners",
    "countries": "Countries and territories",
}


class Views:
    """Builds the view of any resource, over one graph."""

    def __init__(self, resources: Resources, catalogue: Catalogue, citations: Citations) -> None:
        self.resources = resources
        self.catalogue = catalogue
        self.citations = citations
        self.questions = resources.questions
        self.store = resources.store
        self.named = named_questions(self.questions)

    def _years(self) -> dict[str, str]:
        """The year each source document was issued, by its IRI."""
        return {iri: record.year for iri, record in self.citations.records().items() if record.year}

    def view_kind(self, description: ResourceDescription) -> str | None:
        """Which view shows this resource (None: the general page)."""
        kinds = {VIEW_OF_CLASS[t.iri] for t in description.types if t.iri in VIEW_OF_CLASS}
        return next(iter(sorted(kinds))) if len(kinds) == 1 else None

    # ---------------------------------------------------------------- flagship

    def flagship(self, description: ResourceDescription) -> FlagshipDossier:
        pick = _Picker(description)
        pick.many(SERVES)  # the SDG links: shown by strength, as the question's rows, never among the others
        return FlagshipDossier(
            description=description,
            names=names_of(description, self._years()),
            standards=pick.take(ILOKG.principalStandard),
            sdg=self._sdg_of(description),
            target_ranges=pick.take(ILOKG.servesTargetRange),
            results=by_biennium(
                [
                    ("Outcomes", pick.take(ILOKG.contributesToOutcome)),
                    ("Outputs", pick.take(ILOKG.contributesToOutput)),
                ]
            ),
            figures=figure_tables(self.catalogue.figures(description.resource.iri)),
            partners=pick.take(ILOKG.partner),
            countries=pick.take(ILOKG.operatesIn),
            others=pick.others(),
        )

    def _sdg_of(self, description: ResourceDescription) -> list[StrengthGroup]:
        """The SDG goals, targets and indicators of a flagship by strength: the rows of the question
        sdg-of-flagship, so the dossier has the same model, rows and words as its page, JSON and CSV."""
        flagship = (description.resource.id or "").partition(":")[2]
        return answer_groups(self.named.answer("sdg-of-flagship", {"flagship": flagship}).rows)

    # ---------------------------------------------------------------- instrument

    def instrument(self, description: ResourceDescription) -> InstrumentView:
        pick = _Picker(description)
        kind = next((t.label or t.iri.rsplit("#", 1)[-1] for t in description.types if "Instrument" not in t.iri), None)
        years = [link.value.value for link in pick.take(ILOKG.adoptionYear) if link.value]
        normlex = [link.node.iri for link in pick.take(RDFS.seeAlso) if link.node]
        pick.take(ILOKG.instrumentNumber)
        return InstrumentView(
            description=description,
            kind=kind,
            adoption_year=years[0] if years else None,
            normlex=normlex[0] if normlex else None,
            names=names_of(description, self._years()),
            flagships=pick.take(ILOKG.principalStandard, IN),
            promoted_by=by_biennium([("Promoted by", pick.take(ILOKG.promotesStandard, IN))]),
            related=[
                (title, links)
                for title, links in (
                    ("Protocol to", pick.take(ILOKG.protocolTo)),
                    ("Its protocols", pick.take(ILOKG.protocolTo, IN)),
                    ("Supplements", pick.take(ILOKG.supplements)),
                    ("Supplemented by", pick.take(ILOKG.supplements, IN)),
                )
                if links
            ],
            figures=figure_tables(self.catalogue.figures(description.resource.iri)),
            others=pick.others(),
        )

    # ---------------------------------------------------------------- SDG

    def sdg(self, description: ResourceDescription) -> SdgView:
        pick = _Picker(description)
        code = (description.resource.id or "").removeprefix("sdg:")
        level = ("goal", "target", "indicator")[min(code.count("."), 2)]
        serving = pick.many(SERVES, IN)
        flagships = [link for link in serving if link.node and (link.node.id or "").startswith("flagship:")]
        results = [link for link in serving if link not in flagships]
        # The flagships by strength are the rows of the question flagships-for-<level> (stated, stated as a range,
        # related through a chain, and what is stated of the flagships as a group).
        answer = self.named.answer(f"flagships-for-{level}", {level: code})
        targets: list[TargetRow] = []
        if level == "goal":
            targets = self._targets_of(description.resource.iri)
        return SdgView(
            description=description,
            level=level,
            code=code,
            broader=pick.take(SKOS.broader),
            narrower=sorted(
                pick.take(SKOS.broader, IN), key=lambda link: natural_key(link.node.id or "" if link.node else "")
            ),
            flagships=answer_groups(answer.rows),
            results=results,
            reported_by=pick.take(ILOKG.reportsOn, IN),
            targets=targets,
            custodians=[  # the framework writes several as "ILO;UNICEF"
                name.strip()
                for link in pick.take(SDGO.custodianAgency)
                if link.value
                for name in link.value.value.split(";")
                if name.strip()
            ],
            # the KOS's mappings, and its own links that say again what broader and narrower show
            others=[g for g in pick.others() if g.predicate.iri not in SDG_LINKS_LEFT_OUT],
            series=[s for s in Countries(self.questions).data_series() if s.indicator == description.resource.iri]
            if level == "indicator"
            else [],
        )

    def _targets_of(self, goal: str) -> list[TargetRow]:
        rows = self.store.select(queries.targets_served(terms.iri(goal)))
        iris = {row["target"]["value"] for row in rows} | {
            row["flagship"]["value"] for row in rows if "flagship" in row
        }
        names = self.questions.labels(iris)
        found: dict[str, TargetRow] = {}
        for row in rows:
            target = row["target"]["value"]
            item = found.setdefault(target, TargetRow(self.questions.ref(target, names.get(target))))
            if "flagship" in row:
                flagship = self.questions.ref(row["flagship"]["value"], names.get(row["flagship"]["value"]))
                rules = (binding_value(row, "rules") or "").split()
                strength = strength_of(int(row["quotes"]["value"]) > 0, rules)
                if strength is not None:
                    item.flagships[strength].append(flagship)
        for item in found.values():
            for refs in item.flagships.values():
                refs.sort(key=lambda ref: ref.label or "")
        return sorted(found.values(), key=lambda item: natural_key(item.target.id or item.target.iri))

    # ---------------------------------------------------------------- P&B

    def indicator_tables(self, indicators: list[Ref]) -> dict[str, IndicatorTable]:
        """The table of targets and results of each indicator."""
        if not indicators:
            return {}
        rows = self.store.select(queries.indicator_values(terms.iri(r.iri) for r in indicators))
        values: dict[str, dict[str, IndicatorValue]] = defaultdict(dict)
        for row in rows:
            value_iri = row["value"]["value"]
            region = row.get("region")
            evidence = None
            if "evidence" in row:
                evidence = EvidenceItem(
                    iri=row["evidence"]["value"],
                    document=self.questions.ref(row["document"]["value"], row["title"]["value"]),
                    line=int(row["line"]["value"]),
                    quote=row["quote"]["value"],
                    note=binding_value(row, "note"),
                )
            values[row["indicator"]["value"]].setdefault(
                value_iri,
                IndicatorValue(
                    kind=row["kind"]["value"],
                    region=self.questions.ref(region["value"], binding_value(row, "regionLabel")) if region else None,
                    part=binding_value(row, "part"),
                    amount=binding_value(row, "amount"),
                    text=binding_value(row, "text"),
                    evidence=evidence,
                ),
            )
        units = {
            row["indicator"]["value"]: row["unit"]["value"]
            for row in self.store.select(queries.units(terms.iri(r.iri) for r in indicators))
        }
        return {
            ref.iri: self._table(ref, list(values.get(ref.iri, {}).values()), units.get(ref.iri)) for ref in indicators
        }

    @staticmethod
    def _table(indicator: Ref, values: list[IndicatorValue], graph_unit: str | None) -> IndicatorTable:
        # Met or missed is judged for counts only, as the question indicator-results judges it.
        counted = (indicator.label or "").casefold().startswith("number of")
        plain = [v for v in values if v.part is None and v.number is not None]
        others = [v for v in values if v not in plain]
        region_order = {f"region/{slug}": i for i, slug in enumerate(REGIONS)}

        def order(region: Ref | None) -> int:
            if region is None:
                return -1
            return next((i for key, i in region_order.items() if region.iri.endswith(key)), len(REGIONS))

        regions: dict[str, ValueRow] = {}
        for value in sorted(plain, key=lambda v: order(v.region)):
            key = value.region.iri if value.region else ""
            row = regions.setdefault(key, ValueRow(value.region, None, None))
            if value.kind == "target":
                row.target = value
            elif value.kind == "result":
                row.result = value
            else:
                others.append(value)
        total = regions.get("")
        verdict = None
        if counted and total and total.target and total.result and total.target.number is not None:
            result = total.result.number
            verdict = "met" if result is not None and result >= total.target.number else "missed"
        others.sort(key=lambda v: (v.kind != "target", v.part or "", order(v.region)))
        texts = [v.text or "" for row in regions.values() if row.region is None for v in (row.target, row.result) if v]
        unit, _ = indicator_unit(graph_unit, indicator.label, texts)
        return IndicatorTable(unit, list(regions.values()), others, verdict)

    def indicator(self, description: ResourceDescription) -> IndicatorView:
        pick = _Picker(description)
        table = self.indicator_tables([description.resource])[description.resource.iri]
        return IndicatorView(
            description=description,
            biennium=biennium_of(description.resource),
            measures=pick.take(ILOKG.measuredBy, IN),
            table=table,
            unit=pick.take(ILOKG.unit),
            standards=_natural(pick.take(ILOKG.promotesStandard)),
            reports_on=_natural(pick.take(ILOKG.reportsOn)),
            others=pick.others(),
        )

    def result(self, description: ResourceDescription) -> ResultView:
        pick = _Picker(description)
        indicators = pick.take(ILOKG.measuredBy)
        tables = self.indicator_tables([link.node for link in indicators if link.node])
        parents = [
            ("Output of", pick.take(ILOKG.outputOf)),
            ("Objective of", pick.take(ILOKG.objectiveOf)),
            ("Serves the objective", pick.take(ILOKG.servesObjective)),
            ("Contributes to", pick.take(ILOKG.contributesToOutcome)),
        ]
        children = [
            ("Outputs", pick.take(ILOKG.outputOf, IN)),
            ("Operational objectives", pick.take(ILOKG.objectiveOf, IN)),
            ("InFocus programmes", pick.take(ILOKG.servesObjective, IN)),
            ("Contributing", [link for link in pick.take(ILOKG.contributesToOutcome, IN) if not _is_flagship(link)]),
        ]
        flagships = [
            link
            for link in (
                *description.links(str(ILOKG.contributesToOutcome), IN),
                *pick.take(ILOKG.contributesToOutput, IN),
            )
            if _is_flagship(link)
        ]
        pick.take(ILOKG.inBiennium)
        return ResultView(
            description=description,
            biennium=biennium_of(description.resource),
            parents=[(title, links) for title, links in parents if links],
            children=[(title, _natural(links)) for title, links in children if links],
            indicators=[
                (link, tables[link.node.iri]) for link in _natural(indicators) if link.node and link.node.iri in tables
            ],
            flagships=flagships,
            standards=pick.take(ILOKG.promotesStandard),
            sdg=strength_sets(pick.many(SERVES)),
            reports_on=pick.take(ILOKG.reportsOn),
            partners=pick.take(ILOKG.partner),
            figures=figure_tables(self.catalogue.figures(description.resource.iri)),
            others=pick.others(),
        )

    def biennium(self, description: ResourceDescription) -> BienniumView:
        iri = description.resource.iri
        members = self.store.select(queries.biennium_members(terms.iri(iri)))
        kinds: dict[str, str] = {}
        labels: dict[str, str] = {}
        for row in members:
            member, cls = row["member"]["value"], row["class"]["value"]
            if cls in OUTLINE_KINDS:
                kinds[member] = OUTLINE_KINDS[cls]
            if "label" in row:
                labels[member] = row["label"]["value"]
        items = {m: OutlineItem(self.questions.ref(m, labels.get(m)), kind) for m, kind in kinds.items()}
        has_parent: set[str] = set()
        for row in self.store.select(queries.biennium_structure(terms.iri(iri))):
            s, p, o = row["s"]["value"], row["p"]["value"], row["o"]["value"]
            child, parent = (s, o) if p in OUTLINE_UP else (o, s)  # measuredBy points down
            if child in items and parent in items and child not in has_parent:
                items[parent].children.append(items[child])
                has_parent.add(child)
        indicators = [item.ref for item in items.values() if item.kind == "indicator"]
        tables = self.indicator_tables(indicators)
        for item in items.values():
            item.table = tables.get(item.ref.iri)
            item.children.sort(key=_outline_order)
        outline = sorted((item for m, item in items.items() if m not in has_parent), key=_outline_order)
        counted: dict[str, int] = defaultdict(int)
        for kind in kinds.values():
            counted[kind] += 1
        counts = [(kind, counted[kind]) for kind in OUTLINE_KINDS.values() if counted[kind]]
        return BienniumView(description, (description.resource.id or "").removeprefix("biennium:"), outline, counts)

    # ---------------------------------------------------------------- countries and partners

    def agent(self, description: ResourceDescription) -> AgentView:
        pick = _Picker(description)
        partnering = pick.take(ILOKG.partner, IN)
        groups = [
            ("Flagship programmes it works with", [link for link in partnering if _is_flagship(link)]),
            ("P&B results and groups it works with", [link for link in partnering if not _is_flagship(link)]),
        ]
        return AgentView(
            description=description,
            kind="partner",
            groups=[(title, links) for title, links in groups if links],
            others=pick.others(),
        )

    # ---------------------------------------------------------------- parts of documents and programmes

    def part(self, description: ResourceDescription) -> PartView:
        pick = _Picker(description)
        documents = [link.node for link in pick.take(DCTERMS.isPartOf) if link.node]
        headings = [e for link in description.links(str(SKOS.prefLabel)) for e in link.evidence]
        notations = [link.value.value for link in description.links(str(SKOS.notation)) if link.value]
        about: dict[str, list[Link]] = defaultdict(list)
        for link in _natural(pick.take(ILOKG.about)):
            ident = (link.node.id or "") if link.node else ""
            about[ident.partition(":")[0] if ":" in ident else "instrument"].append(link)  # C182 has no prefix
        return PartView(
            description=description,
            document=documents[0] if documents else None,
            heading=min(headings, key=lambda e: e.line) if headings else None,
            notation=notations[0] if notations else None,
            about=[
                (ABOUT_KINDS.get(kind, "Other things"), links) for kind, links in sorted(about.items(), key=_kind_order)
            ],
            reports_on=_natural(pick.take(ILOKG.reportsOn)),
            sdg=strength_sets(pick.many(SERVES)),
            others=pick.others(),
        )

    def programme(self, description: ResourceDescription) -> ProgrammeView:
        pick = _Picker(description)
        return ProgrammeView(
            description=description,
            names=names_of(description, self._years()),
            descriptions=pick.take(ILOKG.description),
            in_strategy_of=by_biennium([("P&B indicators", pick.take(ILOKG.inStrategyOf))]),
            revised_as=pick.take(ILOKG.revisionOf, IN),
            about_it=pick.take(ILOKG.about, IN),
            others=pick.others(),
        )

    def country(self, description: ResourceDescription) -> CountryView:
        pick = _Picker(description)
        iri = description.resource.iri
        codes = {str(ILOKG.isoCode): "", str(ILOKG.m49Code): ""}
        for predicate in codes:
            codes[predicate] = next((link.value.value for link in pick.take(predicate) if link.value), "")
        countries = Countries(self.questions)
        series, sources = countries.histories(iri)
        indicators = {s.iri: s.indicator for s in countries.data_series()}
        by_indicator: dict[str, list[SeriesHistory]] = defaultdict(list)
        for history in series:
            by_indicator[indicators.get(history.series.iri, "")].append(history)
        names = self.questions.labels(set(by_indicator) - {""})
        data = [
            IndicatorData(self.questions.ref(indicator, names.get(indicator)), found)
            for indicator, found in by_indicator.items()
            if indicator
        ]
        data.sort(key=lambda item: natural_key(item.indicator.id or item.indicator.iri))
        return CountryView(
            description=description,
            m49=codes[str(ILOKG.m49Code)] or None,
            iso=codes[str(ILOKG.isoCode)] or None,
            programmes=pick.take(ILOKG.operatesIn, IN),
            partners=self._partners_near(iri),
            data=data,
            sources=sources,
            others=pick.others(),
        )

    def _partners_near(self, country: str) -> list[PartnerHere]:
        rows = self.store.select(queries.partners_near(terms.iri(country), PASSAGE_LINES))
        names = self.questions.labels({row[k]["value"] for row in rows for k in ("programme", "partner")})
        found: dict[tuple[str, str], PartnerHere] = {}
        for row in rows:
            partner, programme = row["partner"]["value"], row["programme"]["value"]
            item = found.setdefault(
                (partner, programme),
                PartnerHere(
                    self.questions.ref(partner, names.get(partner)),
                    self.questions.ref(programme, names.get(programme)),
                    [],
                ),
            )
            item.evidence.append(
                EvidenceItem(
                    iri=row["evidence"]["value"],
                    document=self.questions.ref(row["document"]["value"], row["title"]["value"]),
                    line=int(row["line"]["value"]),
                    quote=row["quote"]["value"],
                )
            )
        return sorted(found.values(), key=lambda p: ((p.partner.label or "").casefold(), p.programme.label or ""))

    # ---------------------------------------------------------------- lists

    def list_of(self, key: str) -> ListView:
        """The things of one kind (a key of LISTS)."""
        if key == "flagships":
            items = [ListItem(ref) for ref in self.catalogue.members(str(ILOKG.FlagshipProgramme))]
            return ListView(key, LISTS[key], "The five ILO flagship programmes.", [("", items)])
        if key == "instruments":
            return self._instruments()
        if key == "bienniums":
            return self._bienniums()
        if key == "sdg-goals":
            sections = []
            for row in self.store.select(queries.SDG_GOALS):
                ref = self.questions.ref(row["goal"]["value"], binding_value(row, "label"))
                flagships = int(row["flagships"]["value"])
                counts = [Count(int(row["targets"]["value"]), "{n} target", "{n} targets")]
                if flagships:
                    counts.append(Count(flagships, "{n} flagship serves it", "{n} flagships serve it"))
                sections.append(ListItem(ref, counts))
            sections.sort(key=lambda item: natural_key(item.ref.id or ""))
            return ListView(
                key, LISTS[key], "The 17 Sustainable Development Goals and their targets.", [("", sections)]
            )
        predicate, one, many = (
            (ILOKG.partner, "{n} programme or result", "{n} programmes or results")
            if key == "partners"
            else (ILOKG.operatesIn, "{n} programme working there", "{n} programmes working there")
        )
        class_iri = ILOKG.Organization if key == "partners" else ILOKG.Country
        listed = []
        for row in self.store.select(queries.members_linked(terms.iri(str(class_iri)), terms.iri(str(predicate)))):
            count = int(row["links"]["value"])
            ref = self.questions.ref(row["member"]["value"], binding_value(row, "label"))
            listed.append(ListItem(ref, [Count(count, one, many)] if count else []))
        listed.sort(key=lambda item: (item.ref.label or item.ref.id or "").lower())
        if key == "partners":
            lead = "Governments, agencies, funds and initiatives the documents name as partners."
            return ListView(key, LISTS[key], lead, [("", listed)])
        # The SDG indicator data by country names every country it has values for, where no programme may work.
        lead = (
            "The countries and territories the documents name as places where programmes work, then the others "
            "the SDG indicator data by country has values for."
        )
        groups = [
            ("Where programmes work", [item for item in listed if item.counts]),
            ("Other countries with SDG indicator data", [item for item in listed if not item.counts]),
        ]
        return ListView(key, LISTS[key], lead, [(title, items) for title, items in groups if items])

    def _instruments(self) -> ListView:
        sections: dict[str, list[ListItem]] = defaultdict(list)
        labels = self.questions.labels
        rows = self.store.select(queries.INSTRUMENTS)
        class_names = labels({row["class"]["value"] for row in rows})
        for row in rows:
            ref = self.questions.ref(row["instrument"]["value"], binding_value(row, "label"))
            flagships, results = int(row["flagships"]["value"]), int(row["results"]["value"])
            counts = [
                count
                for count in (
                    Count(flagships, "principal standard of {n} flagship", "principal standard of {n} flagships"),
                    Count(results, "promoted by {n} P&B result", "promoted by {n} P&B results"),
                )
                if count.n
            ]
            kind = class_names.get(row["class"]["value"]) or row["class"]["value"].rsplit("#", 1)[-1]
            sections[kind].append(ListItem(ref, counts))
        for items in sections.values():
            items.sort(key=lambda item: natural_key(item.ref.id or ""))
        order = ["Convention", "Protocol", "Recommendation"]
        return ListView(
            "instruments",
            LISTS["instruments"],
            "The Conventions, Protocols and Recommendations the graph holds, with what rests on each.",
            [(f"{kind}s", sections[kind]) for kind in sorted(sections, key=lambda k: (k not in order, k))],
        )

    def _bienniums(self) -> ListView:
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        refs: dict[str, Ref] = {}
        for row in self.store.select(queries.BIENNIUMS):
            iri = row["biennium"]["value"]
            refs[iri] = self.questions.ref(iri, binding_value(row, "label"))
            cls = binding_value(row, "class")
            if cls in OUTLINE_KINDS:
                kind = OUTLINE_KINDS[cls]
                counts[iri][kind] = counts[iri].get(kind, 0) + int(row["n"]["value"])
        items = [
            ListItem(refs[iri], [Count(n, "{n} " + kind, "{n} " + kind + "s") for kind, n in counts[iri].items()])
            for iri in sorted(refs, key=lambda i: refs[i].id or i, reverse=True)
        ]
        return ListView(
            "bienniums",
            LISTS["bienniums"],
            "The Programme and Budget periods the documents cover, each with its results.",
            [("", items)],
        )


def _is_flagship(link: Link) -> bool:
    return bool(link.node and (link.node.id or "").startswith("flagship:"))


def _natural(links: list[Link]) -> list[Link]:
    return sorted(links, key=lambda link: natural_key(link.node.id or "" if link.node else ""))


def _outline_order(item: OutlineItem) -> tuple[int, list[tuple[int, str]]]:
    level = list(OUTLINE_KINDS.values()).index(item.kind)
    return (level if item.kind != "InFocus programme" else len(OUTLINE_KINDS), natural_key(code_name(item.ref) or ""))
