"""Pictures: the flow diagram from flagships to the SDGs, and paths between two things drawn as chains."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from api.pages.render import page_href, problem_html, render
from api.routes.dependencies import LoadedGraph, get_graph, get_settings
from api.routes.models import EvidenceModel, RefModel
from graph.ids import IdError
from graph.read.overview import Flow, Overview
from graph.read.paths import PathBoundExceeded
from graph.read.questions import UnknownResource
from graph.read.search import SearchTextError
from graph.settings import Settings
from ontology.namespaces import ILOKG

router = APIRouter(tags=["pages"])
GraphDep = Annotated[LoadedGraph, Depends(get_graph)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
FLAGSHIP = str(ILOKG.FlagshipProgramme)
PATH_MAX_LENGTH = 4
PATH_LIMIT = 10
PATH_NAME_HITS = 5


class FlowNodeModel(BaseModel):
    """A node of the flow diagram."""

    ref: RefModel
    kind: str = Field(description="What it is: flagship programme, Convention, P&B output, SDG target, ...")
    column: int = Field(description="0 flagships, 1 standards and P&B results, 2 SDG targets or goals.")
    href: str = Field(description="The page of the node on this service.")


class FlowLinkModel(BaseModel):
    """A link of the flow diagram."""

    source: str = Field(description="IRI of the node the link starts from.")
    target: str = Field(description="IRI of the node the link goes to.")
    predicate: RefModel
    stated: bool = Field(description="A document states it (see evidence); else a rule derives it (see rules).")
    strength: Literal["stated", "range", "chain"] | None = Field(
        description="stated; range (a stated range of targets, expanded by rule); chain (reached through the standard "
        "or output it is drawn from), as every answer says it"
    )
    evidence: list[EvidenceModel]
    rules: list[RefModel]


class FlowModel(BaseModel):
    """Flagships -> principal standards and P&B results -> the SDG targets (or goals) they serve."""

    level: str = Field(description="target or goal: which SDG level the right-hand column shows.")
    nodes: list[FlowNodeModel]
    links: list[FlowLinkModel]


def _flow(graph: LoadedGraph, view: Overview, level: str, flagship: str, derived: bool) -> Flow:
    if not flagship:
        return view.flow(level, None, derived)
    candidates = graph.ids.loose_candidates(flagship)
    iri = graph.catalogue.find(candidates, FLAGSHIP, "flagship", "write a flagship id such as ipec-plus or better-work")
    return view.flow(level, iri, derived)


def _flow_model(graph: LoadedGraph, flow: Flow) -> FlowModel:
    return FlowModel(
        level=flow.level,
        nodes=[
            FlowNodeModel(
                ref=RefModel.model_validate(node.ref, from_attributes=True),
                kind=node.kind,
                column=node.column,
                href=page_href(graph, node.ref),
            )
            for node in flow.nodes
        ],
        links=[FlowLinkModel.model_validate(link, from_attributes=True) for link in flow.links],
    )


LevelQuery = Annotated[str, Query(pattern="^(target|goal)$", description="SDG level on the right: target or goal")]
FlagshipQuery = Annotated[str, Query(description="Only this flagship (ipec-plus, better-work, ...); all when empty")]
DerivedQuery = Annotated[bool, Query(description="Also draw links derived by rule")]


@router.get("/diagrams/flow", summary="Data of the flow diagram: flagships -> standards and P&B results -> SDGs")
def flow_data(
    request: Request,
    graph: GraphDep,
    settings: SettingsDep,
    level: LevelQuery = "target",
    flagship: FlagshipQuery = "",
    derived: DerivedQuery = True,
) -> FlowModel:
    return _flow_model(graph, _flow(graph, graph.overview, level, flagship, derived))


@router.get("/flow", response_class=HTMLResponse, summary="Flow diagram page")
def flow_page(
    request: Request,
    graph: GraphDep,
    settings: SettingsDep,
    level: LevelQuery = "target",
    flagship: FlagshipQuery = "",
    derived: DerivedQuery = True,
) -> HTMLResponse:
    view = graph.overview
    try:
        flow = _flow(graph, view, level, flagship, derived)
    except UnknownResource as error:
        return problem_html(request, graph, 404, "No such flagship", str(error))
    nodes = {node.ref.iri: node for node in flow.nodes}
    flagships = graph.catalogue.members(FLAGSHIP)
    data_url = "/diagrams/flow?" + urlencode(
        {"level": level, "flagship": flagship, "derived": "true" if derived else "false"}
    )
    return render(
        request,
        graph,
        "flow.html",
        {
            "flow": flow,
            "nodes": nodes,
            "level": level,
            "flagship": flagship,
            "derived": derived,
            "flagships": flagships,
            "data_url": data_url,
        },
    )


@router.get("/path", response_class=HTMLResponse, summary="Paths between two things, drawn as chains")
def path_page(
    request: Request,
    graph: GraphDep,
    from_: Annotated[str, Query(alias="from", description="Start: a name, acronym or code, as search reads them")] = "",
    to: Annotated[str, Query(description="End, written the same ways")] = "",
    hubs: Annotated[
        bool, Query(description="Also go through hubs: SDG goals, bienniums, the portfolio, regions")
    ] = False,
) -> HTMLResponse:
    context: dict[str, Any] = {"from_": from_, "to": to, "hubs": hubs, "answer": None, "error": None}
    if not from_.strip() or not to.strip():
        return render(request, graph, "path.html", context)

    def by_name(text: str) -> list[str]:
        try:
            return [hit.ref.iri for hit in graph.overview.search(text, PATH_NAME_HITS)]
        except SearchTextError:
            return []

    try:
        answer = graph.path_index().paths(
            from_, to, PATH_MAX_LENGTH, PATH_LIMIT, avoid_hubs=not hubs, by_strength=True, lookup=by_name
        )
    except UnknownResource as error:
        context["error"] = str(error)
        return render(request, graph, "path.html", context, status_code=404)
    except PathBoundExceeded as error:
        context["error"] = str(error)
        return render(request, graph, "path.html", context, status_code=422)
    hops = [hop for path in answer.paths for hop in path.hops]
    context["answer"] = answer
    # Where a text was read as a name (not an id), the page says which thing it was read as.
    context["read_as"] = {
        "from": not _names_by_id(graph, from_, answer.source.iri),
        "to": not _names_by_id(graph, to, answer.target.iri),
    }
    context["quotes"] = graph.overview.citations.evidence(iri for hop in hops for iri in hop.evidence[:1])
    context["rules"] = {
        iri: item.rule
        for iri, item in graph.questions.explain(sorted({d for hop in hops for d in hop.derivations})).items()
    }
    return render(request, graph, "path.html", context)


def _names_by_id(graph: LoadedGraph, text: str, iri: str) -> bool:
    """Whether `text` is an id (or code, or IRI) of `iri`, rather than a name search found it by."""
    if text.strip() == iri:
        return True
    for short_id in graph.ids.loose_candidates(text):
        try:
            if str(graph.ids.resolve(short_id).iri) == iri:
                return True
        except IdError:
            continue
    return False
