"""The JSON shapes of the question and resource routes, as pydantic models (the OpenAPI schemas)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from graph.read.catalogue import Column, Question

Strength = Literal["stated", "range", "chain"]


class Model(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RefModel(Model):
    """A resource by IRI, short id and label."""

    iri: str
    id: str | None = Field(None, description="Short id (C182, sdg:8.7, flagship:ipec-plus) when the IRI has one.")
    label: str | None = None


class EvidenceModel(Model):
    """Where a document states a link: the document, the line and the verbatim quote."""

    iri: str
    document: RefModel
    line: int
    quote: str
    note: str | None = None


class PremiseModel(Model):
    """A premise of a derivation: a stated link with its evidence, or another derivation."""

    iri: str
    subject: RefModel
    predicate: str
    object: RefModel
    evidence: EvidenceModel | None = None
    derivation: DerivationModel | None = None


class DerivationModel(Model):
    """A link given by a rule, with the premises it follows from."""

    iri: str
    rule: RefModel
    premises: list[PremiseModel]


class LiteralModel(Model):
    value: str
    datatype: str | None = None
    language: str | None = None


class LinkModel(Model):
    """A link to (out) or from (in) another resource, or to a value, with why the graph holds it."""

    predicate: RefModel
    direction: Literal["out", "in"]
    node: RefModel | None = Field(None, description="The resource at the other end (None for a value).")
    value: LiteralModel | None = None
    stated: bool = Field(description="A document (or reference file) states it: see evidence.")
    derived: bool = Field(description="A rule gives it: see derivations.")
    graphs: list[str] = Field(description="The named graphs that hold the link.")
    evidence: list[EvidenceModel]
    derivations: list[DerivationModel]

    strength: Strength | None = Field(
        None,
        description="stated (a document states it), range (a stated range of targets, expanded by rule) or "
        "chain (reached only through a chain of stated links), as every answer says it",
    )
    why: str = Field("", description="The strength in words: stated; stated as the range 8.2-8.10; related through …")


class LinkGroupModel(Model):
    predicate: RefModel
    direction: Literal["out", "in"]
    total: int = Field(description="How many links there are (links may be cut short).")
    links: list[LinkModel]


class NamesModel(Model):
    pref_label: str | None = None
    alt_labels: list[str]
    acronyms: list[str]
    notations: list[str]


class ResourceModel(Model):
    """Any resource: types, names and every link out and in, each with its evidence or derivation."""

    resource: RefModel
    types: list[RefModel]
    names: NamesModel
    outgoing: list[LinkGroupModel]
    incoming: list[LinkGroupModel]


class FigureModel(Model):
    """A number a document gives."""

    figure: RefModel
    measure: str | None = None
    amount: str | None = None
    unit: str | None = None
    qualifier: str | None = None
    year: str | None = None
    evidence: list[EvidenceModel]


class FlagshipAnswerModel(Model):
    """A flagship linked to the asked target, and how strongly: stated (its quotes), stated as a range (the
    derivation from the range, with its quote) or related through a chain (the derivation, its shortest chain)."""

    flagship: RefModel
    strength: Strength = Field(description="stated, range (stated as a range, expanded by rule) or chain")
    why: str = Field(description="The strength in words: stated; stated as the range 8.2-8.10; related through ...")
    stated: bool = Field(description="A document states the link: see evidence.")
    evidence: list[EvidenceModel]
    derivations: list[DerivationModel]


class FlagshipsForTargetModel(Model):
    """The flagships linked to an SDG target. Those that serve it: stated by a document, or stated as a range of
    targets. Those only related to it through a chain of stated links. What is stated of the flagships as a
    group (never handed to one of them)."""

    target: RefModel
    stated: list[FlagshipAnswerModel]
    stated_as_range: list[FlagshipAnswerModel]
    related: list[FlagshipAnswerModel]
    group: list[FlagshipAnswerModel]


class FlagshipModel(Model):
    """A flagship programme and everything linked to it, each link with its evidence or derivation."""

    flagship: RefModel
    names: NamesModel
    standards: list[LinkModel] = Field(description="Principal international labour standards.")
    outcomes: dict[str, list[LinkModel]] = Field(description="P&B outcomes it contributes to, by biennium.")
    outputs: dict[str, list[LinkModel]] = Field(description="P&B outputs it contributes to, by biennium.")
    sdg_goals: list[LinkModel]
    sdg_targets: list[LinkModel]
    sdg_indicators: list[LinkModel]
    sdg_target_ranges: list[LinkModel]
    partners: list[LinkModel]
    countries: list[LinkModel]
    figures: list[FigureModel]
    other_links: list[LinkGroupModel] = Field(description="Links not listed in the fields above.")


class InstrumentModel(Model):
    """An international labour standard and what links to it."""

    instrument: RefModel
    types: list[RefModel]
    names: NamesModel
    adoption_year: str | None = None
    flagships: list[LinkModel] = Field(description="Flagships with it as a principal standard.")
    promoted_by: dict[str, list[LinkModel]] = Field(description="P&B results that name it, by biennium.")
    protocol_to: list[LinkModel]
    protocols: list[LinkModel]
    supplements: list[LinkModel]
    supplemented_by: list[LinkModel]
    other_links: list[LinkGroupModel]


class ResultModel(Model):
    """A Programme and Budget outcome, output or indicator of one biennium."""

    result: RefModel
    kind: Literal["outcome", "output", "indicator"]
    biennium: str
    types: list[RefModel]
    names: NamesModel
    outcome: list[LinkModel] = Field(description="The outcome an output belongs to.")
    outputs: list[LinkModel] = Field(description="The outputs of an outcome.")
    indicators: list[LinkModel] = Field(description="Indicators that measure it.")
    measures: list[LinkModel] = Field(description="What an indicator measures.")
    flagships: list[LinkModel] = Field(description="Flagships that contribute to it.")
    standards: list[LinkModel] = Field(description="Instruments its text names.")
    sdg: list[LinkModel] = Field(description="SDG goals, targets and indicators it serves or reports on.")
    partners: list[LinkModel]
    values: list[IndicatorValueModel] = Field(description="Targets and results of an indicator, each as printed.")
    other_links: list[LinkGroupModel]


class IndicatorValueModel(Model):
    """A target, result or baseline of an indicator, in total or for one region, as the document prints it."""

    value: RefModel
    kind: str = Field(description="target, result or baseline")
    region: RefModel | None = Field(None, description="The ILO region; none for the total")
    part: str | None = Field(None, description="Which of several targets or results of one cell")
    amount: float | None = Field(None, description="The number, where the cell is one")
    text: str = Field(description="The cell as printed")
    evidence: list[EvidenceModel]


class SdgModel(Model):
    """An SDG goal, target or indicator, and what serves it."""

    sdg: RefModel
    kind: Literal["goal", "target", "indicator"]
    names: NamesModel
    broader: list[LinkModel] = Field(description="The goal of a target, the target of an indicator.")
    narrower: list[LinkModel] = Field(description="The targets of a goal, the indicators of a target.")
    served_by: list[LinkModel] = Field(description="Flagships and P&B results serving it, stated or derived.")
    reported_by: list[LinkModel] = Field(description="P&B results whose text names this SDG indicator.")


class BienniumModel(Model):
    biennium: RefModel
    outcomes: list[RefModel]
    outputs: list[RefModel]
    indicators: list[RefModel]


class HealthModel(Model):
    status: Literal["ready", "degraded"] = Field(
        description="ready: everything answers as it should; degraded: the graph is served, but `reason` says "
        "what is being repaired or cannot start."
    )
    reason: str | None = Field(None, description="Why the service is degraded (absent when ready).")
    query_workers: Literal["memory", "disk", "starting", "off"] = Field(
        description="What users' SPARQL queries read now: memory (workers forked from the in-memory store), "
        "disk (the on-disk store, while the in-memory one loads, or by ILOKG_QUERY_STORE=disk), starting "
        "(no worker yet: queries wait for one), off (no sandbox: a SPARQL server, or ILOKG_SANDBOX_QUERIES=false)."
    )
    triples: int = Field(description="Distinct triples: the default graph, the RDF merge of every graph.")
    quads: int = Field(description="Triples in named graphs (a triple stated by two documents counts twice).")
    build_id: str
    network: Literal["isolated", "not-allowed", "off"] = Field(
        description="isolated: the server process can open no connection (an empty network namespace); "
        "not-allowed: the system refused one; off: turned off, or the store is a SPARQL server."
    )


class HopModel(Model):
    source: RefModel
    target: RefModel
    link: RefModel
    direction: Literal["forward", "backward"] = Field(description="forward: source -> target as stored.")
    stated: bool
    evidence: list[str] = Field(description="IRIs of the evidence nodes (dereferenceable).")
    derivations: list[str] = Field(description="IRIs of the derivation nodes (dereferenceable).")


class PathModel(Model):
    length: int
    hops: list[HopModel]


class PathAnswerModel(Model):
    source: RefModel
    target: RefModel
    max_length: int
    limit: int
    shortest: PathModel | None = None
    paths: list[PathModel]
    truncated: bool = Field(description="More paths exist than `limit`.")


class NeighbourNodeModel(Model):
    node: RefModel
    depth: int


class NeighbourEdgeModel(Model):
    source: str
    target: str
    link: RefModel
    stated: bool
    derived: bool


class NeighbourhoodModel(Model):
    centre: RefModel
    depth: int
    nodes: list[NeighbourNodeModel]
    edges: list[NeighbourEdgeModel]
    truncated: bool
    max_nodes: int


PremiseModel.model_rebuild()


# ---------------------------------------------------------------- the named questions of the catalogue


class DerivedLinkModel(Model):
    """A link of a chain that no document states and a rule derives from stated links."""

    subject: RefModel
    predicate: RefModel
    object: RefModel
    rule: RefModel = Field(description="The rule that derives it (up from indicator: what an indicator's text names)")


class StepModel(Model):
    """A stated link behind a row: the link, and the document, line and quote that state it."""

    subject: RefModel
    predicate: RefModel
    object: RefModel | None = None
    value: str | None = Field(None, description="The literal end of the link (a range, a value as printed)")
    evidence: EvidenceModel
    derived: DerivedLinkModel | None = Field(
        None, description="In a chain: the derived link this stated link is a premise of, when it is not stated itself"
    )


class ColumnModel(Model):
    key: str
    title: str
    kind: Literal["ref", "refs", "text", "number", "strength", "steps", "section"]
    description: str


class ParameterModel(Model):
    name: str
    kind: str
    label: str
    example: str
    description: str


class QuestionModel(Model):
    """A named question: what it asks, its parameters, and where it is answered."""

    name: str
    title: str
    summary: str
    params: list[ParameterModel]
    url: str = Field(description="Its route: HTML for a browser, JSON, or CSV (Accept: text/csv or ?format=csv)")
    examples: list[str] = Field(description="URLs of example answers")


class AnswerLinksModel(Model):
    page: str
    json_: str = Field(alias="json")
    csv: str
    editor: list[str] = Field(description="The SPARQL editor opened with each query of the answer")


def _row_fields(columns: tuple[Column, ...]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for column in columns:
        described = column.description or column.title
        if column.kind == "refs":
            fields[column.key] = (list[RefModel], Field(default_factory=list, description=described))
        elif column.kind == "steps":
            fields[column.key] = (list[StepModel], Field(default_factory=list, description=described))
        elif column.kind == "strength":
            fields[column.key] = (Strength, Field(description=described))
        elif column.kind == "ref":
            fields[column.key] = (RefModel | None, Field(None, description=described))
        elif column.kind == "number":
            fields[column.key] = (float | None, Field(None, description=described))
        else:
            fields[column.key] = (str | None, Field(None, description=described))
    return fields


class AnswerModel(Model):
    """A named question answered: the rows, each with its strength and the stated links behind it."""

    question: str
    title: str
    heading: str = Field(description="The question asked, with the things it names")
    arguments: dict[str, str] = Field(description="The arguments as the question reads them")
    things: dict[str, RefModel] = Field(description="What each argument names")
    strength: str = Field(description="The strength filter applied: any, serves, stated, range or chain")
    total: int = Field(description="Rows before the strength filter")
    columns: list[ColumnModel]
    rows: list[dict[str, Any]]
    notes: list[str] = Field(description="The rules the answer applied, in words")
    sparql: list[str] = Field(description="The SPARQL queries the answer runs")
    links: AnswerLinksModel


_ANSWER_MODELS: dict[str, type[AnswerModel]] = {}


def answer_model(question: Question) -> type[AnswerModel]:
    """The JSON shape of one question's answer: its rows typed by the question's columns (for OpenAPI)."""
    found = _ANSWER_MODELS.get(question.name)
    if found is None:
        camel = "".join(part.capitalize() for part in question.name.replace("-", " ").split())
        row: type[BaseModel] = create_model(f"{camel}Row", __base__=Model, **_row_fields(question.columns))
        found = create_model(
            f"{camel}Answer",
            __base__=AnswerModel,
            __doc__=f"{question.title}: {question.summary}",
            rows=(list[row], ...),
        )
        _ANSWER_MODELS[question.name] = found
    return found


class ReadingModel(Model):
    """One way the plain-words reader read a question."""

    question: str
    sentence: str = Field(description="The named question, with the things found")
    explanation: str = Field(description="What the reader found in the words")
    arguments: dict[str, str]
    strength: str
    complete: bool = Field(description="Every parameter of the question is filled")
    missing: list[str]
    url: str


class SearchHitModel(Model):
    ref: RefModel
    kind: str | None = None
    matched: str


class AskModel(Model):
    """A question in plain words, as read: the reading (when sure) and its answer, or the closest readings and
    the search results."""

    text: str
    sure: bool
    reading: ReadingModel | None = None
    readings: list[ReadingModel]
    answer: AnswerModel | None = None
    search: list[SearchHitModel]
