"""What every page needs: the templates, links to resources and to source lines, words for codes and numbers,
citations of quotes, and error pages."""

from __future__ import annotations

from contextvars import ContextVar
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.datastructures import Headers
from starlette.routing import Match
from starlette.types import Scope

from api.links import local_href
from api.negotiation import wants_html
from api.problems import Problem
from api.routes.dependencies import PAGE_ROUTES, LoadedGraph
from graph.read.citations import Cited, DocumentRecord
from graph.read.questions import EvidenceItem, Ref
from graph.read.strength import STRENGTH_LABELS
from graph.read.wording import (
    amount_text,
    biennium_of,
    biennium_text,
    code_name,
    natural_key,
    number,
    short_name,
    title,
)

API_DIR = Path(__file__).resolve().parent.parent
TEMPLATES = Jinja2Templates(directory=API_DIR / "templates")
STATIC_DIR = API_DIR / "static"

# The graph and the service's address of the page being rendered: the macros every template imports (quotes
# with their citations) read them, whether or not the importing template passes its context on.
_PAGE: ContextVar[tuple[LoadedGraph | None, str]] = ContextVar("page", default=(None, "/"))


class BrowserRoute(APIRoute):
    """A route that answers only a browser (a GET or HEAD whose Accept asks for HTML): the same address keeps
    its JSON, RDF or SPARQL answer for programs, and a person gets a page."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        PAGE_ROUTES.append(self)  # the JSON answer at an address a page shares says it varies by Accept

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD"):
            return Match.NONE, {}
        if not wants_html(Headers(scope=scope).get("accept")):
            return Match.NONE, {}
        return super().matches(scope)


def page_href(graph: LoadedGraph, ref: Ref) -> str:
    """Where a person reads about `ref` on this service."""
    return local_href(graph.ids, ref.iri)


def document_key(ref: Ref) -> str:
    """The key of a source document (`gb325-pol7`) from its ref."""
    return (ref.id or ref.iri.rsplit("/", 1)[-1]).removeprefix("document:")


def cite(evidence: EvidenceItem) -> Cited | None:
    """The citation of a quote on the page being rendered (None where no graph is loaded)."""
    graph, _ = _PAGE.get()
    return graph.overview.citations.cite(evidence) if graph is not None else None


def document_record(ref: Ref) -> DocumentRecord | None:
    """What a citation says of a source document (symbol, date, publisher, official address)."""
    graph, _ = _PAGE.get()
    return graph.overview.citations.records().get(ref.iri) if graph is not None else None


def service_address() -> str:
    """This service's address as the page's request reached it (for permalinks in citations)."""
    return _PAGE.get()[1]


def citation_path(evidence: EvidenceItem) -> str:
    """Where the RIS and plain-text citation of a quote can be downloaded."""
    graph, _ = _PAGE.get()
    base = graph.ids.base_iri if graph is not None else ""
    local = evidence.iri[len(base) :] if base and evidence.iri.startswith(base) else ""
    return "/cite/" + local.removeprefix("evidence/") if local.startswith("evidence/") else ""


_PREDICATE_LABELS: dict[str, dict[str, str]] = {}


def predicate_label(iri: str) -> str:
    """The label of a property (`principal standard`), read once per build."""
    graph, _ = _PAGE.get()
    if graph is None:
        return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    labels = _PREDICATE_LABELS.get(graph.build_id)
    if labels is None:
        labels = _PREDICATE_LABELS.setdefault(graph.build_id, graph.overview.property_names())
    return labels.get(iri) or iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _amount(item: Any) -> str:
    return amount_text(item.amount, getattr(item, "unit", None), getattr(item, "qualifier", None))


def _natural(items: list[Any], attribute: str = "") -> list[Any]:
    def key(item: Any) -> list[tuple[int, str]]:
        value = item
        for part in attribute.split(".") if attribute else []:
            value = getattr(value, part) if value is not None else None
        return natural_key(str(value or ""))

    return sorted(items, key=key)


TEMPLATES.env.globals.update(
    strength_labels=STRENGTH_LABELS,
    cite=cite,
    service_address=service_address,
    citation_path=citation_path,
    predicate_label=predicate_label,
    document_record=document_record,
)
TEMPLATES.env.filters.update(
    amount=_amount,
    number=number,
    biennium=biennium_text,
    biennium_of=biennium_of,
    code_name=code_name,
    short_name=short_name,
    title=title,
    natural=_natural,
)


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
    token = _PAGE.set((graph, str(request.base_url)))
    try:  # the template is rendered here, while the page's graph is set
        return TEMPLATES.TemplateResponse(request, template, base | context, status_code=status_code)
    finally:
        _PAGE.reset(token)


def problem_html(request: Request, graph: LoadedGraph | None, status: int, title: str, detail: str) -> HTMLResponse:
    return render(request, graph, "problem.html", {"title": title, "detail": detail}, status_code=status)


def problem_page(request: Request, problem: Problem) -> HTMLResponse:
    """An error as a page, for a browser (the service's error table decides status and words)."""
    graph: LoadedGraph | None = request.app.state.graph.current
    title = problem.title or HTTPStatus(problem.status).phrase
    return problem_html(request, graph, problem.status, title, problem.detail)
