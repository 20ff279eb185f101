"""Readiness: 200 once the graph is loaded, with its size, its build id and the state of the query workers."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.problems import problem_doc
from api.routes.dependencies import LoadedGraph, get_graph
from api.routes.models import HealthModel
from graph.store.sandbox import SandboxedStore

router = APIRouter(tags=["service"])


@router.get("/health", summary="Whether the graph is loaded, and what is being repaired", responses=problem_doc())
def health(request: Request, graph: Annotated[LoadedGraph, Depends(get_graph)]) -> HealthModel:
    counts = graph.store.counts()
    reason, source = graph.store.health() if isinstance(graph.store, SandboxedStore) else (None, "off")
    return HealthModel(
        status="degraded" if reason else "ready",
        reason=reason,
        query_workers=source or "starting",
        triples=counts.triples,
        quads=counts.quads,
        build_id=graph.build_id,
        network=request.app.state.network,
    )
