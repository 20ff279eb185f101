"""What every page needs: the templates, links to resources and to source lines, and error pages."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.links import local_href
from api.problems import Problem
from api.routes.dependencies import LoadedGraph
from graph.read.questions import Ref

API_DIR = Path(__file__).resolve().parent.parent
TEMPLATES = Jinja2Templates(directory=API_DIR / "templates")
STATIC_DIR = API_DIR / "static"


def page_href(graph: LoadedGraph, ref: Ref) -> str:
    """Where a person reads about `ref` on this service."""
    return local_href(graph.ids, ref.iri)


def document_key(ref: Ref) -> str:
    """The key of a source document (`gb325-pol7`) from its ref."""
    return (ref.id or ref.iri.rsplit("/", 1)[-1]).removeprefix("document:")


def render(
    request: Request, graph: LoadedGraph | None, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page: the template with what every page needs (links to resources and source lines, the build)."""

    def href(ref: Ref) -> str:
        return page_href(graph, ref) if graph is not None else ref.iri

    def line_href(document: Ref, line: int) -> str:
        return f"/documents/{document_key(document)}#L{line}"

    base = {
        "href": href,
        "line_href": line_href,
        "build_id": graph.build_id if graph else None,
        "base_iri": graph.ids.base_iri if graph else "",
        "path": request.url.path,
    }
    return TEMPLATES.TemplateResponse(request, template, base | context, status_code=status_code)


def problem_html(request: Request, graph: LoadedGraph | None, status: int, title: str, detail: str) -> HTMLResponse:
    return render(request, graph, "problem.html", {"title": title, "detail": detail}, status_code=status)


def problem_page(request: Request, problem: Problem) -> HTMLResponse:
    """An error as a page, for a browser (the service's error table decides status and words)."""
    graph: LoadedGraph | None = request.app.state.graph.current
    title = problem.title or HTTPStatus(problem.status).phrase
    return problem_html(request, graph, problem.status, title, problem.detail)
