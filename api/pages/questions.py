"""The pages of the named questions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from api.pages.render import render
from api.routes.dependencies import LoadedGraph, get_graph, get_settings
from graph.read.questions import UnknownResource
from graph.settings import Settings

router = APIRouter(tags=["pages"])
GraphDep = Annotated[LoadedGraph, Depends(get_graph)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


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
