"""Lists of each kind of thing, and pages for a browser at the addresses of the JSON routes.

`/flagships`, `/instruments`, `/bienniums` and `/sdg/...` answer JSON for programs; a browser (a GET whose Accept
asks for HTML) gets the kind's list there, or is sent to the thing's own page. `/partners`, `/countries` and
`/browse` are pages only.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.i18n import language_query
from api.links import local_href
from api.negotiation import add_vary
from api.pages.render import BrowserRoute, render
from api.routes.dependencies import LoadedGraph, get_graph
from graph.read.views import LISTS, Count, ListItem, ListView, Views
from graph.read.wording import natural_key
from ontology.namespaces import ILOKG, SDGO

router = APIRouter(tags=["pages"], include_in_schema=False, dependencies=[Depends(language_query)])
browsers = APIRouter(
    tags=["pages"], route_class=BrowserRoute, include_in_schema=False, dependencies=[Depends(language_query)]
)
GraphDep = Annotated[LoadedGraph, Depends(get_graph)]
RESULT_KINDS = {"outcomes": ("outcome", ILOKG.Outcome), "outputs": ("output", ILOKG.Output)}
RESULT_KINDS["indicators"] = ("indicator", ILOKG.Indicator)
SDG_CLASSES = {"goals": SDGO.Goal, "targets": SDGO.Target, "indicators": SDGO.Indicator}


def _list_page(request: Request, graph: LoadedGraph, view: ListView, json_href: str | None) -> HTMLResponse:
    response = render(request, graph, "list.html", {"v": view, "json_href": json_href})
    add_vary(response, "Accept")
    return response


def _views(graph: LoadedGraph) -> Views:
    return Views(graph.resources, graph.catalogue, graph.overview.citations)


def _see(graph: LoadedGraph, iri: str, fragment: str = "") -> RedirectResponse:
    response = RedirectResponse(local_href(graph.ids, iri) + fragment, status_code=303)
    add_vary(response, "Accept")
    return response


@router.get("/browse", response_class=HTMLResponse, summary="Every kind of thing, each with its list")
def browse(request: Request, graph: GraphDep) -> HTMLResponse:
    counts = {c.class_iri: c.count for c in graph.overview.kind_counts()}
    bienniums = len(graph.catalogue.members(str(ILOKG.Biennium)))
    lists = [
        ("/flagships", LISTS["flagships"], counts.get(str(ILOKG.FlagshipProgramme), 0), ""),
        ("/instruments", LISTS["instruments"], counts.get(str(ILOKG.Instrument), 0), "Conventions, Protocols and more"),
        ("/bienniums", LISTS["bienniums"], bienniums, "outcomes, outputs and indicators of each"),
        ("/sdg/goals", LISTS["sdg-goals"], counts.get(str(SDGO.Goal), 0), "with their targets and indicators"),
        ("/sdg/targets", "SDG targets", counts.get(str(SDGO.Target), 0), ""),
        ("/partners", LISTS["partners"], counts.get(str(ILOKG.Organization), 0), ""),
        ("/countries", LISTS["countries"], counts.get(str(ILOKG.Country), 0), ""),
        ("/documents", "Source documents", counts.get(str(ILOKG.SourceDocument), 0), "read line by line"),
    ]
    return render(request, graph, "browse.html", {"lists": lists})


@router.get("/partners", response_class=HTMLResponse, summary="The partners the documents name")
def partners(request: Request, graph: GraphDep) -> HTMLResponse:
    return _list_page(request, graph, _views(graph).list_of("partners"), None)


@router.get("/countries", response_class=HTMLResponse, summary="The countries the documents name")
def countries(request: Request, graph: GraphDep) -> HTMLResponse:
    return _list_page(request, graph, _views(graph).list_of("countries"), None)


# ---------------------------------------------------------------- the JSON routes' addresses, for a browser


@browsers.get("/flagships")
def flagships_page(request: Request, graph: GraphDep) -> HTMLResponse:
    return _list_page(request, graph, _views(graph).list_of("flagships"), None)


@browsers.get("/flagships/{id}")
def flagship_page(graph: GraphDep, id: str) -> RedirectResponse:
    text = id.strip()
    iri = graph.catalogue.find(
        [text if text.startswith("flagship:") else f"flagship:{text}"],
        str(ILOKG.FlagshipProgramme),
        "flagship",
        "the list at /flagships names them (better-work, ipec-plus, safety-health-for-all, ...)",
    )
    return _see(graph, iri)


@browsers.get("/instruments")
def instruments_page(request: Request, graph: GraphDep) -> HTMLResponse:
    return _list_page(request, graph, _views(graph).list_of("instruments"), None)


@browsers.get("/instruments/{id}")
def instrument_page(graph: GraphDep, id: str) -> RedirectResponse:
    iri = graph.catalogue.find(
        graph.ids.loose_candidates(id), str(ILOKG.Instrument), "instrument", "write an ILO code such as C182 or R202"
    )
    return _see(graph, iri)


@browsers.get("/bienniums")
def bienniums_page(request: Request, graph: GraphDep) -> HTMLResponse:
    return _list_page(request, graph, _views(graph).list_of("bienniums"), None)


def _biennium(graph: LoadedGraph, biennium: str) -> str:
    return graph.catalogue.find(
        [f"biennium:{biennium}"], str(ILOKG.Biennium), "biennium", "the list at /bienniums names them (e.g. 2022-23)"
    )


@browsers.get("/bienniums/{biennium}")
def biennium_page(graph: GraphDep, biennium: str) -> RedirectResponse:
    return _see(graph, _biennium(graph, biennium))


@browsers.get("/bienniums/{biennium}/{kind}")
def biennium_kind_page(
    graph: GraphDep, biennium: str, kind: Literal["outcomes", "outputs", "indicators"]
) -> RedirectResponse:
    return _see(graph, _biennium(graph, biennium), "#outline")


@browsers.get("/bienniums/{biennium}/{kind}/{code}")
def result_page(
    graph: GraphDep, biennium: str, kind: Literal["outcomes", "outputs", "indicators"], code: str
) -> RedirectResponse:
    singular, cls = RESULT_KINDS[kind]
    iri = graph.catalogue.find(
        [f"{singular}:{biennium}/{code}"],
        str(cls),
        f"{singular} {code} in biennium",
        f"the biennium's page (/bienniums/{biennium}) lists them",
    )
    return _see(graph, iri)


@browsers.get("/sdg/{kind}")
def sdg_list_page(request: Request, graph: GraphDep, kind: Literal["goals", "targets", "indicators"]) -> HTMLResponse:
    if kind == "goals":
        return _list_page(request, graph, _views(graph).list_of("sdg-goals"), None)
    items = graph.catalogue.members(str(SDG_CLASSES[kind]))
    goals = {ref.id: ref for ref in graph.catalogue.members(str(SDGO.Goal))}
    sections: dict[str, list[ListItem]] = {}
    for ref in items:
        goal = (ref.id or "").removeprefix("sdg:").split(".", 1)[0]
        sections.setdefault(goal, []).append(ListItem(ref))
    singular = kind.removesuffix("s")
    view = ListView(
        f"sdg-{kind}",
        f"SDG {kind}",
        Count(
            len(items),
            f"The {{n}} {singular} of the SDG framework, by goal.",
            f"The {{n}} {kind} of the SDG framework, by goal.",
        ),
        [(goals.get(f"sdg:{goal}") or f"Goal {goal}", sections[goal]) for goal in sorted(sections, key=natural_key)],
    )
    return _list_page(request, graph, view, None)


@browsers.get("/sdg/targets/{code}/flagships")
def target_question_page(code: str) -> RedirectResponse:
    return RedirectResponse("/questions/flagships-for-target?" + urlencode({"target": code}), status_code=303)


@browsers.get("/sdg/{kind}/{code}")
def sdg_page(graph: GraphDep, kind: Literal["goals", "targets", "indicators"], code: str) -> RedirectResponse:
    text = code.strip().removeprefix("sdg:")
    iri = graph.catalogue.find(
        [f"sdg:{text}"], str(SDG_CLASSES[kind]), f"SDG {kind[:-1]}", f"write its UN code (the list at /sdg/{kind})"
    )
    return _see(graph, iri)


@browsers.get("/paths")
def paths_page(from_: Annotated[str, Query(alias="from")] = "", to: str = "") -> RedirectResponse:
    return RedirectResponse("/path?" + urlencode({"from": from_, "to": to}), status_code=303)
