"""The JSON shapes of the question and resource routes, as pydantic models (the OpenAPI schemas)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


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
    """A flagship serving the asked target: stated (with evidence) and/or derived (with its premises)."""

    flagship: RefModel
    stated: bool
    evidence: list[EvidenceModel]
    derivations: list[DerivationModel]


class FlagshipsForTargetModel(Model):
    """The flagships that serve an SDG target: those the documents state, and those reached only by a rule."""

    target: RefModel
    stated: list[FlagshipAnswerModel]
    derived_only: list[FlagshipAnswerModel]


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
    values: list[LinkModel] = Field(description="Targets and results of an indicator.")
    other_links: list[LinkGroupModel]


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
