"""Readiness: 200 once the graph is loaded, with its size and build id."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.problems import problem_doc
from api.routes.dependencies import LoadedGraph, get_graph
from api.routes.models import HealthModel

router = APIRouter(tags=["service"])


@router.get("/health", summary="Whether the graph is loaded", responses=problem_doc())
def health(request: Request, graph: Annotated[LoadedGraph, Depends(get_graph)]) -> HealthModel:
    counts = graph.store.counts()
    return HealthModel(
        status="ready",
        triples=counts.triples,
        quads=counts.quads,
        build_id=graph.build_id,
        network=request.app.state.network,
    )
