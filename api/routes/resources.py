"""Resources on the web: every minted IRI dereferences here (HTML for a browser, RDF otherwise), and short ids
redirect to them."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.i18n import language_query
from api.links import local_href
from api.negotiation import FORMAT_NAMES, GRAPH_OFFERS, HTML, NotAcceptable, body_content, negotiate, wants_html
from api.pages import render_resource
from api.problems import Problem, problem_doc
from api.routes.dependencies import LoadedGraph, get_graph
from graph import terms
from graph.ids import IdError
from graph.read.questions import UnknownResource

router = APIRouter(tags=["resources"], dependencies=[Depends(language_query)])
GraphDep = Annotated[LoadedGraph, Depends(get_graph)]

_CONTENT = body_content([HTML, *(o.media_type for o in GRAPH_OFFERS)])
_RESPONSES = {**problem_doc(404, 406), 200: {"description": "The resource as HTML or RDF", "content": _CONTENT}}


def _represent(request: Request, graph: LoadedGraph, iri: str, format: str | None) -> Response:
    resource = terms.iri(iri).value  # InvalidTerm (400) for anything that is not an IRI
    if format is not None:
        media_type = FORMAT_NAMES.get(format.lower())
        if media_type is None or media_type not in (HTML, *(o.media_type for o in GRAPH_OFFERS)):
            raise Problem(
                400, "invalid-parameter", f"format {format!r} is not one of html, turtle, ntriples, jsonld, rdfxml"
            )
    elif wants_html(request.headers.get("accept")):
        media_type = HTML
    else:
        try:
            media_type = negotiate(request.headers.get("accept"), GRAPH_OFFERS)
        except NotAcceptable as error:
            raise Problem(406, "not-acceptable", str(error), available=[HTML, *error.available]) from error
    if media_type == HTML:
        return render_resource(request, graph, graph.resources.describe(resource))
    if not graph.resources.exists(resource):
        raise UnknownResource(f"the graph says nothing about <{resource}>")
    body = graph.resources.rdf(resource, media_type)
    return Response(body, media_type=media_type, headers={"Vary": "Accept"})


@router.get(
    "/id/{kind}/{local:path}",
    summary="A resource the graph mints (its IRI)",
    responses=_RESPONSES,
    response_class=Response,
)
def dereference(
    request: Request,
    graph: GraphDep,
    kind: Annotated[str, Path(description="flagship, instrument, outcome, evidence, ...")],
    local: Annotated[str, Path(description="The rest of the IRI: ipec-plus, C182, 2022-23/7.1")],
    format: Annotated[
        str | None, Query(description="html, turtle, ntriples, jsonld or rdfxml (overrides Accept)")
    ] = None,
) -> Response:
    return _represent(request, graph, f"{graph.ids.base_iri}{kind}/{local}", format)


@router.get(
    "/id/{name}",
    summary="A resource the graph mints at the top of its IRI space (the dataset)",
    responses=_RESPONSES,
    response_class=Response,
)
def dereference_top(
    request: Request,
    graph: GraphDep,
    name: Annotated[str, Path(description="dataset")],
    format: Annotated[
        str | None, Query(description="html, turtle, ntriples, jsonld or rdfxml (overrides Accept)")
    ] = None,
) -> Response:
    return _represent(request, graph, f"{graph.ids.base_iri}{name}", format)


@router.get(
    "/resources/{id:path}",
    summary="A resource by short id: redirects to its IRI, or shows it",
    responses={**_RESPONSES, 303: {"description": "See the resource at its IRI"}},
    response_class=Response,
)
def resource_by_id(
    request: Request,
    graph: GraphDep,
    id: Annotated[str, Path(description="C182, sdg:8.7, 8.7, ipec-plus, flagship:better-work or an IRI")],
    format: Annotated[str | None, Query(description="html, turtle, ntriples, jsonld or rdfxml")] = None,
) -> Response:
    candidates: list[str] = []
    if id.startswith(("http://", "https://")):
        candidates.append(terms.iri(id).value)  # checked before any query: InvalidTerm (400) otherwise
    for short_id in graph.ids.loose_candidates(id):
        try:
            candidates.append(str(graph.ids.resolve(short_id).iri))
        except IdError:
            continue
    iri = next((c for c in candidates if graph.resources.exists(c)), None)
    if iri is None:
        raise UnknownResource(
            f"{id!r} names nothing in the graph; write an id such as C182, 8.7, ipec-plus, flagship:better-work "
            "or a full IRI"
        )
    if iri.startswith(graph.ids.base_iri):
        target = local_href(graph.ids, iri) + (f"?format={quote(format)}" if format else "")
        return RedirectResponse(target, status_code=303)
    return _represent(request, graph, iri, format)
