"""The home page, search, the SPARQL editor and the favicon."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.i18n import language_query
from api.negotiation import GRAPH_OFFERS, SOLUTION_OFFERS, add_vary
from api.pages.render import BrowserRoute, render
from api.routes.dependencies import LoadedGraph, get_graph, get_settings
from graph.queries import PROLOGUE
from graph.queries.examples import EXAMPLE_QUERIES
from graph.read.overview import SearchTextError
from graph.settings import Settings
from ontology.namespaces import ILOKG, SDGO

router = APIRouter(tags=["pages"], dependencies=[Depends(language_query)])
browsers = APIRouter(
    tags=["pages"], route_class=BrowserRoute, include_in_schema=False, dependencies=[Depends(language_query)]
)
GraphDep = Annotated[LoadedGraph, Depends(get_graph)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
FLAGSHIP = str(ILOKG.FlagshipProgramme)


@router.get("/", response_class=HTMLResponse, summary="Home page: what the graph holds, questions, search")
def home(request: Request, graph: GraphDep, settings: SettingsDep) -> HTMLResponse:
    view = graph.overview
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
            "list_urls": LIST_URLS,
        },
    )


# The list page of each kind the home page counts.
LIST_URLS = {
    str(ILOKG.FlagshipProgramme): "/flagships",
    str(ILOKG.Instrument): "/instruments",
    str(ILOKG.Outcome): "/bienniums",
    str(ILOKG.Output): "/bienniums",
    str(ILOKG.Indicator): "/bienniums",
    str(SDGO.Goal): "/sdg/goals",
    str(SDGO.Target): "/sdg/targets",
    str(SDGO.Indicator): "/sdg/indicators",
    str(ILOKG.Organization): "/partners",
    str(ILOKG.Country): "/countries",
    str(ILOKG.SourceDocument): "/documents",
}


@router.get("/search", response_class=HTMLResponse, summary="Search names, acronyms, codes and short ids")
def search(
    request: Request,
    graph: GraphDep,
    settings: SettingsDep,
    q: Annotated[str, Query(description="A name, acronym or short id: IPEC+, child labour, C182, 8.7")] = "",
) -> HTMLResponse:
    if not q.strip():
        return render(request, graph, "search.html", {"q": q, "hits": [], "error": None})
    view = graph.overview
    try:
        hits = view.search(q)
    except SearchTextError as error:
        return render(request, graph, "search.html", {"q": q, "hits": [], "error": str(error)}, status_code=400)
    return render(request, graph, "search.html", {"q": q, "hits": hits, "error": None})


def _editor(request: Request, graph: LoadedGraph, query: str) -> HTMLResponse:
    prefixes = "".join(line for line in PROLOGUE.splitlines(keepends=True))
    examples = [(title, prefixes + "\n" + text) for title, text in EXAMPLE_QUERIES]
    response = render(
        request,
        graph,
        "editor.html",
        {
            "examples": examples,
            # The editor only shows the text; the endpoint checks it when it runs, so a long one is cut, not refused.
            "query": query[: request.app.state.settings.max_query_length] if query.strip() else examples[0][1],
            "solution_formats": [offer.media_type for offer in SOLUTION_OFFERS],
            "graph_formats": [offer.media_type for offer in GRAPH_OFFERS],
        },
    )
    add_vary(response, "Accept")
    return response


QueryText = Annotated[str, Query(description="A query to open in the editor")]


@router.get("/query", response_class=HTMLResponse, summary="SPARQL editor")
def query_editor(request: Request, graph: GraphDep, query: QueryText = "") -> HTMLResponse:
    return _editor(request, graph, query)


@browsers.get("/sparql", response_class=HTMLResponse)
def sparql_in_a_browser(request: Request, graph: GraphDep, query: QueryText = "") -> HTMLResponse:
    """A browser opening the endpoint gets the editor (with the query of the address, if any); programs get the
    service description or the answer, as the SPARQL 1.1 Protocol says."""
    return _editor(request, graph, query)


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=308)
