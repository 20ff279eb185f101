"""Questions as JSON: which flagships serve an SDG target, and each flagship, instrument, P&B result and SDG item
with every link and its evidence."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from api.i18n import language_query
from api.problems import problem_doc
from api.routes.dependencies import NOT_MODIFIED, LoadedGraph, cached_answer, get_graph
from api.routes.models import (
    BienniumModel,
    FigureModel,
    FlagshipModel,
    FlagshipsForTargetModel,
    IndicatorValueModel,
    InstrumentModel,
    LinkGroupModel,
    LinkModel,
    NamesModel,
    RefModel,
    ResultModel,
    SdgModel,
)
from graph.read.named import named_questions
from graph.read.resources import IN, NAME_PREDICATES, OUT, Link, ResourceDescription
from ontology.namespaces import ILOKG, RDF, SDGO, SKOS

router = APIRouter(dependencies=[Depends(language_query)])
GraphDep = Annotated[LoadedGraph, Depends(get_graph)]
NOT_FOUND = problem_doc(404)

SDG_KINDS = {
    "goals": ("goal", SDGO.Goal),
    "targets": ("target", SDGO.Target),
    "indicators": ("indicator", SDGO.Indicator),
}
RESULT_KINDS = {
    "outcomes": ("outcome", ILOKG.Outcome),
    "outputs": ("output", ILOKG.Output),
    "indicators": ("indicator", ILOKG.Indicator),
}
_ALWAYS_SHOWN = {str(RDF.type), str(ILOKG.shortId), *NAME_PREDICATES}


class _View:
    """Picks links out of a description by predicate and direction, remembering which were taken."""

    def __init__(self, description: ResourceDescription) -> None:
        self.description = description
        self.taken: set[tuple[str, str]] = set()

    def links(self, predicate: object, direction: str = OUT) -> list[LinkModel]:
        self.taken.add((str(predicate), direction))
        return [LinkModel.model_validate(link) for link in self.description.links(str(predicate), direction)]

    def skip(self, predicate: object, direction: str = OUT) -> None:
        """Leave these links out of `others()` (shown another way)."""
        self.taken.add((str(predicate), direction))

    def many(self, predicates: Iterable[object], direction: str = OUT) -> list[LinkModel]:
        return [link for predicate in predicates for link in self.links(predicate, direction)]

    def others(self) -> list[LinkGroupModel]:
        groups = [
            *(g for g in self.description.outgoing if (g.predicate.iri, OUT) not in self.taken),
            *(g for g in self.description.incoming if (g.predicate.iri, IN) not in self.taken),
        ]
        return [LinkGroupModel.model_validate(g) for g in groups if g.predicate.iri not in _ALWAYS_SHOWN]

    def names(self) -> NamesModel:
        return NamesModel.model_validate(self.description.names)


def _biennium_of(link: LinkModel) -> str:
    local = (link.node.id or "").partition(":")[2] if link.node else ""
    return local.partition("/")[0] if "/" in local else "other"


def by_biennium(links: list[LinkModel]) -> dict[str, list[LinkModel]]:
    grouped: dict[str, list[LinkModel]] = {}
    for link in links:
        grouped.setdefault(_biennium_of(link), []).append(link)
    return dict(sorted(grouped.items()))


def _first_value(links: list[Link]) -> str | None:
    return next((link.value.value for link in links if link.value), None)


def _members(graph: LoadedGraph, rdf_class: str, within: str | None = None) -> list[RefModel]:
    """The things of a class (within a biennium, when given), as the list routes show them."""
    return [RefModel.model_validate(r) for r in graph.catalogue.members(rdf_class, within=within)]


# ---------------------------------------------------------------- the SDG target question


@router.get(
    "/sdg/targets/{code}/flagships",
    tags=["questions"],
    summary="Flagships serving an SDG target (stated, or as a stated range), and those related only through a chain",
    responses=NOT_FOUND | NOT_MODIFIED,
    response_model=FlagshipsForTargetModel,
)
async def flagships_for_target(
    request: Request,
    graph: GraphDep,
    code: Annotated[str, Path(description="SDG target code, e.g. 8.7 or 1.a", examples=["8.7"])],
) -> Response:
    return await cached_answer(request, graph, FlagshipsForTargetModel, lambda: _flagships_for_target(graph, code))


def _flagships_for_target(graph: LoadedGraph, code: str) -> FlagshipsForTargetModel:
    return FlagshipsForTargetModel.model_validate(graph.questions.flagships_for_target(code))


# ---------------------------------------------------------------- flagships


@router.get(
    "/flagships",
    tags=["flagships"],
    summary="The flagship programmes",
    responses=problem_doc() | NOT_MODIFIED,
    response_model=list[RefModel],
)
async def list_flagships(request: Request, graph: GraphDep) -> Response:
    return await cached_answer(request, graph, list[RefModel], lambda: _list_flagships(graph))


def _list_flagships(graph: LoadedGraph) -> list[RefModel]:
    return _members(graph, str(ILOKG.FlagshipProgramme))


@router.get(
    "/flagships/{id}",
    tags=["flagships"],
    summary="A flagship programme and its links",
    responses=NOT_FOUND | NOT_MODIFIED,
    response_model=FlagshipModel,
)
async def get_flagship(
    request: Request,
    graph: GraphDep,
    id: Annotated[str, Path(description="Flagship slug or id: ipec-plus, flagship:better-work")],
) -> Response:
    return await cached_answer(request, graph, FlagshipModel, lambda: _get_flagship(graph, id))


def _get_flagship(
    graph: LoadedGraph,
    id: str,
) -> FlagshipModel:
    text = id.strip()
    iri = graph.catalogue.find(
        [text if text.startswith("flagship:") else f"flagship:{text}"],
        str(ILOKG.FlagshipProgramme),
        "flagship",
        "GET /flagships lists them (better-work, ipec-plus, safety-health-for-all, ...)",
    )
    view = _View(graph.resources.describe(iri))
    view.skip(ILOKG.figure)  # shown with their numbers under `figures`
    return FlagshipModel(
        flagship=RefModel.model_validate(view.description.resource),
        names=view.names(),
        standards=view.links(ILOKG.principalStandard),
        outcomes=by_biennium(view.links(ILOKG.contributesToOutcome)),
        outputs=by_biennium(view.links(ILOKG.contributesToOutput)),
        sdg_goals=view.links(ILOKG.servesGoal),
        sdg_targets=view.links(ILOKG.servesTarget),
        sdg_indicators=view.links(ILOKG.servesIndicator),
        sdg_target_ranges=view.links(ILOKG.servesTargetRange),
        partners=view.links(ILOKG.partner),
        countries=view.links(ILOKG.operatesIn),
        figures=[FigureModel.model_validate(f) for f in graph.catalogue.figures(iri)],
        other_links=view.others(),
    )


# ---------------------------------------------------------------- instruments


@router.get(
    "/instruments",
    tags=["instruments"],
    summary="The international labour standards",
    responses=problem_doc() | NOT_MODIFIED,
    response_model=list[RefModel],
)
async def list_instruments(request: Request, graph: GraphDep) -> Response:
    return await cached_answer(request, graph, list[RefModel], lambda: _list_instruments(graph))


def _list_instruments(graph: LoadedGraph) -> list[RefModel]:
    return _members(graph, str(ILOKG.Instrument))


@router.get(
    "/instruments/{id}",
    tags=["instruments"],
    summary="An instrument and what links to it",
    responses=NOT_FOUND | NOT_MODIFIED,
    response_model=InstrumentModel,
)
async def get_instrument(
    request: Request,
    graph: GraphDep,
    id: Annotated[str, Path(description="ILO code: C182, P029, R202 (c182 and C 182 work too)")],
) -> Response:
    return await cached_answer(request, graph, InstrumentModel, lambda: _get_instrument(graph, id))


def _get_instrument(graph: LoadedGraph, id: str) -> InstrumentModel:
    iri = graph.catalogue.find(
        graph.ids.loose_candidates(id), str(ILOKG.Instrument), "instrument", "write an ILO code such as C182 or R202"
    )
    description = graph.resources.describe(iri)
    view = _View(description)
    return InstrumentModel(
        instrument=RefModel.model_validate(description.resource),
        types=[RefModel.model_validate(t) for t in description.types],
        names=view.names(),
        adoption_year=_first_value(description.links(str(ILOKG.adoptionYear))),
        flagships=view.links(ILOKG.principalStandard, IN),
        promoted_by=by_biennium(view.links(ILOKG.promotesStandard, IN)),
        protocol_to=view.links(ILOKG.protocolTo),
        protocols=view.links(ILOKG.protocolTo, IN),
        supplements=view.links(ILOKG.supplements),
        supplemented_by=view.links(ILOKG.supplements, IN),
        other_links=view.others(),
    )


# ---------------------------------------------------------------- Programme and Budget


def _biennium_iri(graph: LoadedGraph, biennium: str) -> str:
    return graph.catalogue.find(
        [f"biennium:{biennium}"], str(ILOKG.Biennium), "biennium", "GET /bienniums lists them (e.g. 2022-23)"
    )


@router.get(
    "/bienniums",
    tags=["programme and budget"],
    summary="The P&B bienniums",
    responses=problem_doc() | NOT_MODIFIED,
    response_model=list[RefModel],
)
async def list_bienniums(request: Request, graph: GraphDep) -> Response:
    return await cached_answer(request, graph, list[RefModel], lambda: _list_bienniums(graph))


def _list_bienniums(graph: LoadedGraph) -> list[RefModel]:
    return _members(graph, str(ILOKG.Biennium))


@router.get(
    "/bienniums/{biennium}",
    tags=["programme and budget"],
    summary="The outcomes, outputs and indicators of a biennium",
    responses=NOT_FOUND | NOT_MODIFIED,
    response_model=BienniumModel,
)
async def get_biennium(
    request: Request, graph: GraphDep, biennium: Annotated[str, Path(description="e.g. 2022-23", examples=["2022-23"])]
) -> Response:
    return await cached_answer(request, graph, BienniumModel, lambda: _get_biennium(graph, biennium))


def _get_biennium(graph: LoadedGraph, biennium: str) -> BienniumModel:
    iri = _biennium_iri(graph, biennium)
    members = {name: _members(graph, str(cls), within=iri) for name, (_, cls) in RESULT_KINDS.items()}
    return BienniumModel(
        biennium=RefModel.model_validate(graph.questions.ref(iri, graph.questions.labels({iri}).get(iri))), **members
    )


@router.get(
    "/bienniums/{biennium}/{kind}",
    tags=["programme and budget"],
    summary="The outcomes, outputs or indicators of a biennium",
    responses=NOT_FOUND | NOT_MODIFIED,
    response_model=list[RefModel],
)
async def list_results(
    request: Request, graph: GraphDep, biennium: str, kind: Literal["outcomes", "outputs", "indicators"]
) -> Response:
    return await cached_answer(request, graph, list[RefModel], lambda: _list_results(graph, biennium, kind))


def _list_results(
    graph: LoadedGraph, biennium: str, kind: Literal["outcomes", "outputs", "indicators"]
) -> list[RefModel]:
    iri = _biennium_iri(graph, biennium)
    return _members(graph, str(RESULT_KINDS[kind][1]), within=iri)


@router.get(
    "/bienniums/{biennium}/{kind}/{code}",
    tags=["programme and budget"],
    summary="A P&B outcome, output or indicator and its links",
    responses=NOT_FOUND | NOT_MODIFIED,
    response_model=ResultModel,
)
async def get_result(
    request: Request,
    graph: GraphDep,
    biennium: Annotated[str, Path(examples=["2022-23"])],
    kind: Literal["outcomes", "outputs", "indicators"],
    code: Annotated[str, Path(description="The code as printed: 7, A, 7.1, 6.3.1, 3a.1", examples=["7.1"])],
) -> Response:
    return await cached_answer(request, graph, ResultModel, lambda: _get_result(graph, biennium, kind, code))


def _get_result(
    graph: LoadedGraph,
    biennium: str,
    kind: Literal["outcomes", "outputs", "indicators"],
    code: str,
) -> ResultModel:
    singular, cls = RESULT_KINDS[kind]
    iri = graph.catalogue.find(
        [f"{singular}:{biennium}/{code}"],
        str(cls),
        f"{singular} {code} in biennium",
        f"GET /bienniums/{biennium}/{kind} lists them",
    )
    description = graph.resources.describe(iri)
    view = _View(description)
    view.skip(ILOKG.inBiennium)  # the biennium is in the path
    return ResultModel(
        result=RefModel.model_validate(description.resource),
        kind=singular,
        biennium=biennium,
        types=[RefModel.model_validate(t) for t in description.types],
        names=view.names(),
        outcome=view.links(ILOKG.outputOf),
        outputs=view.links(ILOKG.outputOf, IN),
        indicators=view.links(ILOKG.measuredBy),
        measures=view.links(ILOKG.measuredBy, IN),
        flagships=view.many((ILOKG.contributesToOutcome, ILOKG.contributesToOutput), IN),
        standards=view.links(ILOKG.promotesStandard),
        sdg=view.many((ILOKG.servesGoal, ILOKG.servesTarget, ILOKG.servesIndicator, ILOKG.reportsOn)),
        partners=view.links(ILOKG.partner),
        values=_values(graph, iri, view) if singular == "indicator" else [],
        other_links=view.others(),
    )


def _values(graph: LoadedGraph, iri: str, view: _View) -> list[IndicatorValueModel]:
    """The targets and results of an indicator: the region by name, the amount, the cell as printed, the quote."""
    view.skip(ILOKG.indicatorValue)
    return [IndicatorValueModel.model_validate(v) for v in named_questions(graph.questions).indicator_values(iri)]


# ---------------------------------------------------------------- SDG


@router.get(
    "/sdg/{kind}",
    tags=["SDG"],
    summary="The SDG goals, targets or indicators",
    responses=problem_doc() | NOT_MODIFIED,
    response_model=list[RefModel],
)
async def list_sdg(request: Request, graph: GraphDep, kind: Literal["goals", "targets", "indicators"]) -> Response:
    return await cached_answer(request, graph, list[RefModel], lambda: _list_sdg(graph, kind))


def _list_sdg(graph: LoadedGraph, kind: Literal["goals", "targets", "indicators"]) -> list[RefModel]:
    return _members(graph, str(SDG_KINDS[kind][1]))


@router.get(
    "/sdg/{kind}/{code}",
    tags=["SDG"],
    summary="An SDG goal, target or indicator and what serves it",
    responses=NOT_FOUND | NOT_MODIFIED,
    response_model=SdgModel,
)
async def get_sdg(
    request: Request,
    graph: GraphDep,
    kind: Literal["goals", "targets", "indicators"],
    code: Annotated[str, Path(description="UN code: 8, 8.7, 8.7.1", examples=["8.7"])],
) -> Response:
    return await cached_answer(request, graph, SdgModel, lambda: _get_sdg(graph, kind, code))


def _get_sdg(
    graph: LoadedGraph,
    kind: Literal["goals", "targets", "indicators"],
    code: str,
) -> SdgModel:
    singular, cls = SDG_KINDS[kind]
    text = code.strip().removeprefix("sdg:")
    iri = graph.catalogue.find(
        [f"sdg:{text}"], str(cls), f"SDG {singular}", f"write its UN code (GET /sdg/{kind} lists them)"
    )
    description = graph.resources.describe(iri)
    view = _View(description)
    return SdgModel(
        sdg=RefModel.model_validate(description.resource),
        kind=singular,
        names=view.names(),
        broader=view.links(SKOS.broader),
        narrower=view.links(SKOS.broader, IN),
        served_by=view.many((ILOKG.servesGoal, ILOKG.servesTarget, ILOKG.servesIndicator), IN),
        reported_by=view.links(ILOKG.reportsOn, IN),
    )
