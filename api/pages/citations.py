"""A quote's citation to download: RIS for reference managers, or plain text."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from api.negotiation import body_content
from api.problems import problem_doc
from api.routes.dependencies import LoadedGraph, get_graph
from graph import terms
from graph.read.questions import UnknownResource

router = APIRouter(tags=["pages"])
GraphDep = Annotated[LoadedGraph, Depends(get_graph)]
RIS = "application/x-research-info-systems"


@router.get(
    "/cite/{document}/{digest}.{format}",
    summary="The citation of a quote (an evidence node): RIS or plain text",
    response_class=Response,
    responses={**problem_doc(404), 200: {"content": body_content([RIS, "text/plain"]), "description": "The citation"}},
)
def citation(
    request: Request,
    graph: GraphDep,
    document: Annotated[str, Path(description="The document's key: gb325-pol7")],
    digest: Annotated[str, Path(description="The evidence node's digest, as in its IRI")],
    format: Literal["ris", "txt"],
) -> Response:
    iri = terms.iri(f"{graph.ids.base_iri}evidence/{document}/{digest}").value
    found = graph.overview.citations.evidence([iri]).get(iri)
    if found is None:
        raise UnknownResource(f"there is no quote evidence/{document}/{digest} in the graph")
    cited = graph.overview.citations.cite(found)
    service = str(request.base_url)
    if format == "ris":
        return Response(
            cited.ris(service),
            media_type=RIS,
            headers={"Content-Disposition": f'attachment; filename="{document}-{digest}.ris"'},
        )
    return Response(cited.text(service) + "\n", media_type="text/plain; charset=utf-8")
