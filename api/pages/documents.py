"""The source documents, line by line, with the links each line states."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from api.i18n import language_query
from api.pages.render import problem_html, render
from api.routes.dependencies import LoadedGraph, get_graph, get_settings
from graph.settings import Settings

router = APIRouter(tags=["pages"], dependencies=[Depends(language_query)])
GraphDep = Annotated[LoadedGraph, Depends(get_graph)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@router.get("/documents", response_class=HTMLResponse, summary="The source documents")
def documents(request: Request, graph: GraphDep, settings: SettingsDep) -> HTMLResponse:
    return render(request, graph, "documents.html", {"documents": graph.overview.documents()})


@router.get("/documents/{key}", response_class=HTMLResponse, summary="A source document: its text, line by line")
def document(request: Request, graph: GraphDep, settings: SettingsDep, key: str) -> HTMLResponse:
    view = graph.overview
    info = view.document(key)
    if info is None:
        known = ", ".join(d.key for d in view.documents())
        return problem_html(request, graph, 404, "No such document", f"there is no document {key!r}; known: {known}")
    text = view.document_text(info)
    links = view.stated_links(info)
    by_line: dict[int, int] = {}
    for link in links:
        by_line[link.evidence.line] = by_line.get(link.evidence.line, 0) + 1
    return render(request, graph, "document.html", {"doc": info, "text": text, "links": links, "by_line": by_line})
