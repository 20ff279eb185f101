"""Paths between resources and the neighbourhood of one, over the links of the graph."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from api.i18n import language_query
from api.problems import Problem, problem_doc
from api.routes.dependencies import NOT_MODIFIED, LoadedGraph, cached_answer, get_graph, get_settings
from api.routes.models import NeighbourhoodModel, PathAnswerModel
from graph.settings import Settings

router = APIRouter(tags=["paths"], dependencies=[Depends(language_query)])
GraphDep = Annotated[LoadedGraph, Depends(get_graph)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def _within(name: str, value: int, bound: int, setting: str) -> None:
    if value > bound:
        raise Problem(
            422,
            "bound-exceeded",
            f"{name}={value} is over the bound of {bound} ({setting}); ask for {name} of at most {bound}",
            bound=bound,
        )


@router.get(
    "/paths",
    summary="Shortest path and all simple paths up to a length between two resources",
    responses=problem_doc(400, 404) | NOT_MODIFIED,
    response_model=PathAnswerModel,
)
async def find_paths(
    request: Request,
    graph: GraphDep,
    settings: SettingsDep,
    from_: Annotated[str, Query(alias="from", description="Start: C182, 8.7, ipec-plus, prefix:local or an IRI")],
    to: Annotated[str, Query(description="End, written the same ways")],
    max_length: Annotated[int, Query(ge=1, description="Longest path to list, in hops")] = 3,
    limit: Annotated[int, Query(ge=1, description="Most paths to list (shortest first)")] = 20,
) -> Response:
    _within("max_length", max_length, settings.max_path_length, "ILOKG_MAX_PATH_LENGTH")
    _within("limit", limit, settings.max_paths, "ILOKG_MAX_PATHS")
    return await cached_answer(
        request, graph, PathAnswerModel, lambda: graph.path_index().paths(from_, to, max_length, limit)
    )


@router.get(
    "/resources/{id:path}/neighbourhood",
    summary="The resources within a few links of one, and the links between them",
    responses=problem_doc(404) | NOT_MODIFIED,
    response_model=NeighbourhoodModel,
)
async def neighbourhood(
    request: Request,
    graph: GraphDep,
    settings: SettingsDep,
    id: Annotated[str, Path(description="C182, 8.7, ipec-plus, prefix:local or an IRI")],
    depth: Annotated[int, Query(ge=1, description="How many links away")] = 1,
) -> Response:
    _within("depth", depth, settings.max_neighbourhood_depth, "ILOKG_MAX_NEIGHBOURHOOD_DEPTH")
    return await cached_answer(request, graph, NeighbourhoodModel, lambda: graph.path_index().neighbourhood(id, depth))
