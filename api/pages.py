"""The pages a person reads in a browser: home, search, the named question, the SPARQL editor, source documents,
the flow diagram, paths and every resource. Server-rendered HTML that reads without JavaScript; the pictures and
the editor are scripts from /static (installed from the npm registry at build time, never from a CDN).
"""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from api.links import local_href
from api.negotiation import GRAPH_OFFERS, SOLUTION_OFFERS
from api.problems import Problem
from api.routes.dependencies import LoadedGraph, get_graph, get_settings
from api.routes.models import EvidenceModel, RefModel
from graph.queries import PROLOGUE
from graph.read.overview import Flow, Overview, SearchTextError
from graph.read.paths import PathBoundExceeded
from graph.read.questions import Ref, UnknownResource
from graph.read.resources import ResourceDescription
from graph.settings import Settings
from ontology.namespaces import ILOKG, SKOS

API_DIR = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=API_DIR / "templates")
STATIC_DIR = API_DIR / "static"
PATH_MAX_LENGTH = 4
PATH_LIMIT = 10
NEIGHBOURHOOD_DEPTH = 1
FLAGSHIP = str(ILOKG.FlagshipProgramme)
# Headings of the name groups of a resource page (SKOS terms carry no label in the graph).
NAME_TITLES = {
    str(SKOS.prefLabel): "Name",
    str(SKOS.altLabel): "Other names",
    str(ILOKG.acronym): "Acronyms",
    str(SKOS.notation): "Codes as printed",
    str(ILOKG.shortId): "Short id",
}

router = APIRouter(tags=["pages"])
GraphDep = Annotated[LoadedGraph, Depends(get_graph)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

# Example queries of the editor: (title, query); each runs on this graph and returns rows.
EXAMPLE_QUERIES: list[tuple[str, str]] = [
    (
        "Flagships and their principal standards",
        """SELECT ?flagship ?name ?standard ?title WHERE {
  ?flagship a ilokg:FlagshipProgramme ; skos:prefLabel ?name ;
            ilokg:principalStandard ?standard .
  ?standard skos:prefLabel ?title .
} ORDER BY ?name ?standard""",
    ),
    (
        "Which flagships serve SDG target 8.7, with the quote",
        """SELECT ?flagship ?document ?line ?quote WHERE {
  ?evidence a ilokg:Evidence ; rdf:subject ?flagship ;
            rdf:predicate ilokg:servesTarget ; rdf:object <http://metadata.un.org/sdg/8.7> ;
            dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
  ?flagship a ilokg:FlagshipProgramme .
} ORDER BY ?flagship ?line""",
    ),
    (
        "Links derived by rule, and the rule",
        """SELECT ?subject ?predicate ?object ?rule WHERE {
  ?derivation a ilokg:Derivation ; rdf:subject ?subject ; rdf:predicate ?predicate ;
              rdf:object ?object ; ilokg:rule/rdfs:label ?rule .
} LIMIT 100""",
    ),
    (
        "How many things of each kind",
        """SELECT ?class (COUNT(?thing) AS ?count) WHERE {
  ?thing a ?class .
} GROUP BY ?class ORDER BY DESC(?count)""",
    ),
    (
        "The named graphs and their sizes (CONSTRUCT)",
        """CONSTRUCT { ?graph void:triples ?triples } WHERE {
  ?graph a void:Dataset ; void:triples ?triples .
}""",
    ),
]


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
    evidence: list[EvidenceModel]
    rules: list[RefModel]


class FlowModel(BaseModel):
    """Flagships -> principal standards and P&B results -> the SDG targets (or goals) they serve."""

    level: str = Field(description="target or goal: which SDG level the right-hand column shows.")
    nodes: list[FlowNodeModel]
    links: list[FlowLinkModel]


def overview(request: Request, graph: LoadedGraph, settings: Settings) -> Overview:
    """The Overview of the graph in service (kept while that graph is current, since it caches the name index)."""
    kept: tuple[LoadedGraph, Overview] | None = getattr(request.app.state, "page_overview", None)
    if kept is None or kept[0] is not graph:
        kept = (graph, Overview(graph.questions, settings.seeds_dir))
        request.app.state.page_overview = kept
    return kept[1]


def page_href(graph: LoadedGraph, ref: Ref) -> str:
    """Where a person reads about `ref` on this service."""
    return local_href(graph.ids, ref.iri)


def document_key(ref: Ref) -> str:
    """The key of a source document (`gb325-pol7`) from its ref."""
    return (ref.id or ref.iri.rsplit("/", 1)[-1]).removeprefix("document:")


def render(
    request: Request, graph: LoadedGraph | None, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page: the template with what every page needs (links to resources and source lines, the build)."""

    def href(ref: Ref) -> str:
        return page_href(graph, ref) if graph is not None else ref.iri

    def line_href(document: Ref, line: int) -> str:
        return f"/documents/{document_key(document)}#L{line}"

    base = {
        "href": href,
        "line_href": line_href,
        "build_id": graph.build_id if graph else None,
        "base_iri": graph.ids.base_iri if graph else "",
        "path": request.url.path,
    }
    return TEMPLATES.TemplateResponse(request, template, base | context, status_code=status_code)


def _problem_page(request: Request, graph: LoadedGraph | None, status: int, title: str, detail: str) -> HTMLResponse:
    return render(request, graph, "problem.html", {"title": title, "detail": detail}, status_code=status)


def problem_page(request: Request, problem: Problem) -> HTMLResponse:
    """An error as a page, for a browser (the service's error table decides status and words)."""
    graph: LoadedGraph | None = request.app.state.graph.current
    title = problem.title or HTTPStatus(problem.status).phrase
    return _problem_page(request, graph, problem.status, title, problem.detail)


# ---------------------------------------------------------------- home and search


@router.get("/", response_class=HTMLResponse, summary="Home page: what the graph holds, questions, search")
def home(request: Request, graph: GraphDep, settings: SettingsDep) -> HTMLResponse:
    view = overview(request, graph, settings)
    flagships = graph.catalogue.members(FLAGSHIP)
    return render(
        request,
        graph,
        "home.html",
        {
            "counts": view.kind_counts(),
            "documents": view.documents(),
            "info": view.build_info(),
            "flagships": flagships,
        },
    )


@router.get("/search", response_class=HTMLResponse, summary="Search names, acronyms, codes and short ids")
def search(
    request: Request,
    graph: GraphDep,
    settings: SettingsDep,
    q: Annotated[str, Query(description="A name, acronym or short id: IPEC+, child labour, C182, 8.7")] = "",
) -> HTMLResponse:
    if not q.strip():
        return render(request, graph, "search.html", {"q": q, "hits": [], "error": None})
    view = overview(request, graph, settings)
    try:
        hits = view.search(q)
    except SearchTextError as error:
        return render(request, graph, "search.html", {"q": q, "hits": [], "error": str(error)}, status_code=400)
    return render(request, graph, "search.html", {"q": q, "hits": hits, "error": None})


@router.get(
    "/questions/flagships-for-target",
    response_class=HTMLResponse,
    summary="Which flagships serve an SDG target (HTML page of the named question)",
)
def flagships_for_target_page(
    request: Request,
    graph: GraphDep,
    target: Annotated[str, Query(description="SDG target code: 8.7, 1.3, 16.2")] = "",
) -> HTMLResponse:
    if not target.strip():
        return render(request, graph, "answer.html", {"target": target, "answer": None, "error": None}, status_code=200)
    try:
        answer = graph.questions.flagships_for_target(target)
    except UnknownResource as error:
        return render(
            request, graph, "answer.html", {"target": target, "answer": None, "error": str(error)}, status_code=404
        )
    return render(request, graph, "answer.html", {"target": target, "answer": answer, "error": None})


# ---------------------------------------------------------------- the SPARQL editor


@router.get("/query", response_class=HTMLResponse, summary="SPARQL editor")
def query_editor(request: Request, graph: GraphDep) -> HTMLResponse:
    prefixes = "".join(line for line in PROLOGUE.splitlines(keepends=True))
    examples = [(title, prefixes + "\n" + text) for title, text in EXAMPLE_QUERIES]
    return render(
        request,
        graph,
        "editor.html",
        {
            "examples": examples,
            "query": examples[0][1],
            "solution_formats": [offer.media_type for offer in SOLUTION_OFFERS],
            "graph_formats": [offer.media_type for offer in GRAPH_OFFERS],
        },
    )


# ---------------------------------------------------------------- source documents


@router.get("/documents", response_class=HTMLResponse, summary="The source documents")
def documents(request: Request, graph: GraphDep, settings: SettingsDep) -> HTMLResponse:
    return render(request, graph, "documents.html", {"documents": overview(request, graph, settings).documents()})


@router.get("/documents/{key}", response_class=HTMLResponse, summary="A source document: its text, line by line")
def document(request: Request, graph: GraphDep, settings: SettingsDep, key: str) -> HTMLResponse:
    view = overview(request, graph, settings)
    info = view.document(key)
    if info is None:
        known = ", ".join(d.key for d in view.documents())
        return _problem_page(request, graph, 404, "No such document", f"there is no document {key!r}; known: {known}")
    text = view.document_text(info)
    links = view.stated_links(info)
    by_line: dict[int, int] = {}
    for link in links:
        by_line[link.evidence.line] = by_line.get(link.evidence.line, 0) + 1
    return render(request, graph, "document.html", {"doc": info, "text": text, "links": links, "by_line": by_line})


# ---------------------------------------------------------------- pictures: flow and paths


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
    return _flow_model(graph, _flow(graph, overview(request, graph, settings), level, flagship, derived))


@router.get("/flow", response_class=HTMLResponse, summary="Flow diagram page")
def flow_page(
    request: Request,
    graph: GraphDep,
    settings: SettingsDep,
    level: LevelQuery = "target",
    flagship: FlagshipQuery = "",
    derived: DerivedQuery = True,
) -> HTMLResponse:
    view = overview(request, graph, settings)
    try:
        flow = _flow(graph, view, level, flagship, derived)
    except UnknownResource as error:
        return _problem_page(request, graph, 404, "No such flagship", str(error))
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
    from_: Annotated[str, Query(alias="from", description="Start: C182, 8.7, ipec-plus, prefix:local")] = "",
    to: Annotated[str, Query(description="End, written the same ways")] = "",
) -> HTMLResponse:
    context: dict[str, Any] = {"from_": from_, "to": to, "answer": None, "error": None}
    if not from_.strip() or not to.strip():
        return render(request, graph, "path.html", context)
    try:
        context["answer"] = graph.path_index().paths(from_, to, PATH_MAX_LENGTH, PATH_LIMIT)
    except UnknownResource as error:
        context["error"] = str(error)
        return render(request, graph, "path.html", context, status_code=404)
    except PathBoundExceeded as error:
        context["error"] = str(error)
        return render(request, graph, "path.html", context, status_code=422)
    return render(request, graph, "path.html", context)


# ---------------------------------------------------------------- resource pages


def render_resource(request: Request, graph: LoadedGraph, description: ResourceDescription) -> HTMLResponse:
    """The page of any resource: names, every link in and out grouped by kind, with evidence and derivations."""
    iri = description.resource.iri
    kinds = overview(request, graph, request.app.state.settings).kinds_of({iri})
    figures = graph.catalogue.figures(iri)
    is_document = description.resource.id is not None and description.resource.id.startswith("document:")
    names = {str(SKOS.prefLabel), str(SKOS.altLabel), str(ILOKG.acronym), str(SKOS.notation), str(ILOKG.shortId)}
    name_groups = [g for g in description.outgoing if g.predicate.iri in names]
    value_groups = [
        g for g in description.outgoing if g.predicate.iri not in names and all(link.node is None for link in g.links)
    ]
    # Figures have their own list under Facts, with their numbers.
    out_groups = [
        g
        for g in description.outgoing
        if g not in name_groups and g not in value_groups and g.predicate.iri != str(ILOKG.figure)
    ]
    response = render(
        request,
        graph,
        "resource.html",
        {
            "d": description,
            "name_groups": name_groups,
            "name_titles": NAME_TITLES,
            "value_groups": value_groups,
            "out_groups": out_groups,
            "kind": kinds.get(iri),
            "figures": figures,
            "document_key": document_key(description.resource) if is_document else None,
            "neighbourhood_id": description.resource.id or iri,
            "neighbourhood_depth": NEIGHBOURHOOD_DEPTH,
        },
    )
    response.headers["Vary"] = "Accept"
    return response


def install_pages(app: FastAPI) -> None:
    """Add the pages and their static files (styles, scripts, the vendored editor and drawing libraries)."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=308)
