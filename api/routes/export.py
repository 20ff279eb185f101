"""The whole dataset in one RDF format, streamed, with the build id as its ETag."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse

from api.negotiation import DATASET_OFFERS, FORMAT_NAMES, NotAcceptable, body_content, negotiate
from api.problems import Problem, problem_doc
from api.routes.dependencies import LoadedGraph, get_graph

router = APIRouter(tags=["export"])

_EXTENSIONS = {
    "text/turtle": "ttl",
    "application/trig": "trig",
    "application/n-triples": "nt",
    "application/n-quads": "nq",
    "application/ld+json": "jsonld",
}


def _etag(build_id: str, media_type: str) -> str:
    return f'"{build_id}-{_EXTENSIONS[media_type]}"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return "*" in tags or etag in tags


@router.get(
    "/export",
    summary="The whole dataset (named graphs where the format holds them)",
    responses={
        **problem_doc(400, 406),
        304: {"description": "Not modified: the If-None-Match ETag is the current build's"},
        200: {
            "description": "The dataset",
            "content": body_content(offer.media_type for offer in DATASET_OFFERS),
        },
    },
    response_class=Response,
)
def export(
    request: Request,
    graph: Annotated[LoadedGraph, Depends(get_graph)],
    format: Annotated[
        str | None, Query(description="turtle, trig, ntriples, nquads or jsonld; overrides the Accept header.")
    ] = None,
) -> Response:
    if format is not None:
        media_type = FORMAT_NAMES.get(format.lower())
        if media_type not in _EXTENSIONS:
            raise Problem(
                400, "invalid-parameter", f"format {format!r} is not one of turtle, trig, ntriples, nquads, jsonld"
            )
    else:
        try:
            media_type = negotiate(request.headers.get("accept"), DATASET_OFFERS)
        except NotAcceptable as error:
            raise Problem(406, "not-acceptable", str(error), available=error.available) from error
    assert media_type is not None
    etag = _etag(graph.build_id, media_type)
    headers = {"ETag": etag, "Vary": "Accept", "Cache-Control": "no-cache"}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    headers["Content-Disposition"] = f'inline; filename="ilokg-{graph.build_id}.{_EXTENSIONS[media_type]}"'
    return StreamingResponse(graph.store.export(media_type), media_type=media_type, headers=headers)
