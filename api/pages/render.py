"""What every page needs: the templates, links to resources and to source lines, words for codes and numbers,
citations of quotes, and error pages."""

from __future__ import annotations

import re
import unicodedata
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

from api.i18n import (
    COOKIE,
    COOKIE_MAX_AGE,
    LANGUAGE_NAMES,
    format_number,
    gettext,
    ngettext,
    page_language,
    switch_links,
)
from api.links import local_href
from api.negotiation import add_vary, wants_html
from api.problems import Problem
from api.routes.dependencies import PAGE_ROUTES, LoadedGraph
from graph.read.citations import Cited, DocumentRecord
from graph.read.languages import ENGLISH, localized
from graph.read.questions import STRENGTH_LABELS, EvidenceItem, Ref
from graph.read.resources import property_words
from graph.read.views import INCOMING_TITLES
from graph.read.wording import (
    CODE_WORDS,
    SDG_WORDS,
    amount_text,
    biennium_of,
    biennium_text,
    code_name,
    natural_key,
    short_name,
    title,
)

API_DIR = Path(__file__).resolve().parent.parent
TEMPLATES = Jinja2Templates(directory=API_DIR / "templates")
STATIC_DIR = API_DIR / "static"

# The graph and the service's address of the page being rendered: the macros every template imports (quotes
# with their citations) read them, whether or not the importing template passes its context on.
_PAGE: ContextVar[tuple[LoadedGraph | None, str]] = ContextVar("page", default=(None, "/"))
# The language of the page being rendered: the words of the templates and the filters follow it.
_LANGUAGE: ContextVar[str] = ContextVar("language", default=ENGLISH)
# The words a code is printed under (Target 8.7, Output 7.1), longest first, so that each is translated whole.
_CODE_PREFIXES = sorted({*CODE_WORDS.values(), *SDG_WORDS, "Biennium"}, key=len, reverse=True)


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
        return property_words(iri)
    labels = _PREDICATE_LABELS.get(graph.build_id)
    if labels is None:
        labels = _PREDICATE_LABELS.setdefault(graph.build_id, graph.overview.property_names())
    return labels.get(iri) or property_words(iri)


def translate(text: str) -> str:
    """The English words `text` in the language of the page being rendered (`_` in the templates)."""
    return gettext(_LANGUAGE.get(), text)


def colon() -> str:
    """A colon as the page's language writes it after words (French puts a no-break space before it)."""
    return "\u00a0:" if _LANGUAGE.get() == "fr" else ":"


def translate_count(count: int, singular: str, plural: str, **values: Any) -> str:
    """`{n} row` or `{n} rows` as the page's language says it for `count` (`n_` in the templates)."""
    return ngettext(_LANGUAGE.get(), count, singular, plural, **values)


def _coded(text: str | None) -> str | None:
    """A name that starts with the words of a code (Target 8.7), with those words in the page's language."""
    language = _LANGUAGE.get()
    if text is None or language == ENGLISH:
        return text
    for prefix in _CODE_PREFIXES:
        if text.startswith(prefix + " "):
            return gettext(language, prefix) + text[len(prefix) :]
    return text


def _code_name(ref: Ref) -> str | None:
    return _coded(code_name(ref))


def _short_name(ref: Ref) -> str:
    found = short_name(ref)
    return (_coded(found) or found) if code_name(ref) else found


def _title(ref: Ref) -> str:
    found = title(ref)
    return (_coded(found) or found) if code_name(ref) else found


def _number(amount: Any) -> str:
    return format_number(str(amount), _LANGUAGE.get())


def _amount(item: Any) -> str:
    text = amount_text(item.amount, getattr(item, "unit", None), getattr(item, "qualifier", None))
    language = _LANGUAGE.get()
    if language == ENGLISH or item.amount is None:
        return text
    english = amount_text(item.amount, None)
    return text.replace(english, format_number(item.amount, language), 1).replace(
        " per cent", " " + translate("per cent")
    )


def _folded(text: str) -> str:
    """A name as sorted: case and accents folded (Égypte with the E)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def _by_name(items: list[Any], attribute: str) -> list[Any]:
    """Items in the order of the names of their `attribute` ref, as the page's language writes them."""
    return sorted(items, key=lambda item: _folded(getattr(item, attribute).label or getattr(item, attribute).iri))


_WHY_RANGE = re.compile(r"^stated as the range (.+), expanded by rule$")
_WHY_CHAIN = re.compile(r"^related through (.+)$")
# The words the things of a chain are named with (graph/read/strength.py), longest first.
_CHAIN_WORDS = ("SDG indicator", "SDG target", "output", "outcome", "indicator")
_MATCHED_NAME = re.compile(r"^(.+?) “(.*)”$")
_MATCHED_LINK = re.compile(r"^linked to (.+) \((.+)\)$")


def _why(text: str) -> str:
    """How strong a link is, in words (stated; stated as the range 8.2-8.10, expanded by rule; related through
    output 2022-23/7.1 and SDG indicator 8.7.1), in the page's language."""
    language = _LANGUAGE.get()
    if language == ENGLISH or not text:
        return text
    found = _WHY_RANGE.match(text)
    if found:
        return translate("stated as the range {range}, expanded by rule").format(range=found.group(1))
    found = _WHY_CHAIN.match(text)
    if found and text != "related through a chain":
        things = re.sub(r"\b(" + "|".join(_CHAIN_WORDS) + r") ", lambda m: translate(m.group(1)) + " ", found.group(1))
        things = things.replace(" and ", " " + translate("and") + " ")
        return translate("related through {things}").format(things=things)
    return translate(text)


def _matched(text: str) -> str:
    """What a search matched besides the name it shows (acronym “SPF”; linked to IPEC+ (partner)), in the page's
    language."""
    found = _MATCHED_LINK.match(text)
    if found:
        return translate("linked to {name} ({link})").format(name=found.group(1), link=translate(found.group(2)))
    found = _MATCHED_NAME.match(text)
    if found:
        return f"{translate(found.group(1))} “{found.group(2)}”"
    return translate(text)


def _parts(text: str) -> str:
    """Words listed with commas (10-17, both sexes), each in the page's language."""
    return ", ".join(translate(part) for part in str(text).split(", "))


def _breakdown(observation: Any) -> str:
    """The population a value covers (10-17, both sexes), in the page's language."""
    return ", ".join(translate(code.label or code.notation or code.local) for code in observation.breakdown.values())


SPARK_WIDTH, SPARK_HEIGHT, SPARK_PAD = 96, 28, 3


def _sparkline(points: list[Any]) -> dict[str, Any]:
    """Where a small line of values (oldest first, each with .year and .value) goes in a 96 by 28 picture: the
    years along, the values up (from the lowest to the highest value shown)."""
    values = [float(p.value) for p in points]
    years = [p.year for p in points]
    low, high = min(values), max(values)
    first, last = min(years), max(years)

    def place(year: int, value: float) -> tuple[float, float]:
        x = SPARK_PAD + (SPARK_WIDTH - 2 * SPARK_PAD) * ((year - first) / (last - first) if last > first else 1.0)
        y = (
            SPARK_HEIGHT
            - SPARK_PAD
            - (SPARK_HEIGHT - 2 * SPARK_PAD) * ((value - low) / (high - low) if high > low else 0.5)
        )
        return round(x, 1), round(y, 1)

    placed = [place(year, value) for year, value in zip(years, values, strict=True)]
    line = " ".join(f"{x},{y}" for x, y in placed) if len(placed) > 1 else ""
    return {"width": SPARK_WIDTH, "height": SPARK_HEIGHT, "line": line, "last": placed[-1]}


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
    incoming_titles=INCOMING_TITLES,
    document_record=document_record,
    _=translate,
    n_=translate_count,
    colon=colon,
)
TEMPLATES.env.filters.update(
    amount=_amount,
    number=_number,
    biennium=biennium_text,
    biennium_of=biennium_of,
    code_name=_code_name,
    short_name=_short_name,
    title=_title,
    natural=_natural,
    by_name=_by_name,
    breakdown=_breakdown,
    sparkline=_sparkline,
    tparts=_parts,
    why=_why,
    matched=_matched,
    t=translate,
)


def render(
    request: Request, graph: LoadedGraph | None, template: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """A page: the template with what every page needs (links to resources and source lines, the build)."""

    def href(ref: Ref) -> str:
        return page_href(graph, ref) if graph is not None else ref.iri

    def line_href(document: Ref, line: int) -> str:
        return f"/documents/{document_key(document)}#L{line}"

    choice = page_language(request)
    base = {
        "href": href,
        "line_href": line_href,
        "build_id": graph.build_id if graph else None,
        "base_iri": graph.ids.base_iri if graph else "",
        "path": request.url.path,
        "lang": choice.language,
        "languages": LANGUAGE_NAMES,
        "switch": switch_links(request),
        "language_refused": choice.refused,
    }
    # The things of the page carry their names in the page's language where the graph has them.
    context = localized(context, graph.names(choice.language) if graph is not None else {})
    token = _PAGE.set((graph, str(request.base_url)))
    language = _LANGUAGE.set(choice.language)
    try:  # the template is rendered here, while the page's graph and language are set
        response = TEMPLATES.TemplateResponse(request, template, base | context, status_code=status_code)
    finally:
        _LANGUAGE.reset(language)
        _PAGE.reset(token)
    response.headers["Content-Language"] = choice.language
    add_vary(response, "Accept-Language", "Cookie")
    if choice.source == "query" and status_code < 400:
        # The language a person picked holds for the pages they go on to (the links carry no ?lang=).
        response.set_cookie(COOKIE, choice.language, max_age=COOKIE_MAX_AGE, path="/", samesite="lax", httponly=True)
    return response


def problem_html(request: Request, graph: LoadedGraph | None, status: int, title: str, detail: str) -> HTMLResponse:
    return render(request, graph, "problem.html", {"title": title, "detail": detail}, status_code=status)


def problem_page(request: Request, problem: Problem) -> HTMLResponse:
    """An error as a page, for a browser (the service's error table decides status and words)."""
    graph: LoadedGraph | None = request.app.state.graph.current
    title = problem.title or HTTPStatus(problem.status).phrase
    return problem_html(request, graph, problem.status, title, problem.detail)
