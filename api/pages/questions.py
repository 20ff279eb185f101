"""The named questions: one route each (`GET /questions/{name}`), the list of them (`GET /questions`) and asking
in plain words (`GET /ask?q=`). A browser gets a page (a table, a chart where the answer is numbers, the SPARQL
the answer runs); a program gets JSON or CSV of the same rows (api/routes/catalogue.py).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.negotiation import HTML, JSON, body_content
from api.pages.render import render
from api.problems import Problem, problem_doc, problem_for
from api.routes.catalogue import (
    answer_csv,
    answer_data,
    answer_links,
    ask_data,
    media_type,
    question_url,
    questions_data,
    reading_data,
    search_hits,
)
from api.routes.dependencies import LoadedGraph, cached_answer, get_graph
from api.routes.models import AskModel, QuestionModel, answer_model
from graph.read.asking import Asker, QuestionTextError
from graph.read.catalogue import Answer, ArgumentError, Question
from graph.read.named import QUESTIONS, named_questions
from graph.read.questions import UnknownResource
from graph.read.strength import STRENGTH_FILTERS
from graph.store.formats import CSV

router = APIRouter(tags=["named questions"])
GraphDep = Annotated[LoadedGraph, Depends(get_graph)]
STRENGTH_CHOICES = {
    "any": "every strength",
    "serves": "serves: stated, or stated as a range",
    "stated": "stated by a document",
    "range": "stated as a range, expanded by rule",
    "chain": "related through a chain",
}
assert set(STRENGTH_CHOICES) == set(STRENGTH_FILTERS)


# ---------------------------------------------------------------- pages


def row_key(answer: Answer, row: dict[str, Any]) -> str:
    """What names a row: the id of its first thing (as the CSV's first id column gives it)."""
    column = next((c for c in answer.columns if c.kind == "ref"), None)
    ref = row.get(column.key) if column else None
    return (ref.id or ref.iri) if ref is not None else ""


def _sections(answer: Answer) -> list[tuple[str | None, list[tuple[dict[str, Any], str]]]]:
    """The rows in the page's groups (the `section` column), in the order of the rows, each with its key."""
    groups: list[tuple[str | None, list[tuple[dict[str, Any], str]]]] = []
    for row in answer.rows:
        section = row.get("section")
        if not groups or groups[-1][0] != section:
            groups.append((section, []))
        groups[-1][1].append((row, row_key(answer, row)))
    return groups


def render_question(
    request: Request,
    graph: LoadedGraph,
    question: Question,
    arguments: Mapping[str, str],
    strength: str,
    *,
    reading: dict[str, Any] | None = None,
    readings: list[dict[str, Any]] | None = None,
) -> HTMLResponse:
    """A question's page: the form, then (when its arguments are given) the answer or what is wrong with them."""
    context: dict[str, Any] = {
        "question": question,
        "arguments": dict(arguments),
        "strength": strength,
        "strengths": STRENGTH_CHOICES,
        "answer": None,
        "error": None,
        "reading": reading,
        "readings": readings or [],
    }
    if not arguments and question.params:
        return render(request, graph, "question.html", context)
    try:
        answer = named_questions(graph.questions).answer(question.name, arguments, strength)
    except (ArgumentError, UnknownResource, Problem) as error:
        found = problem_for(error, request)
        context["error"] = found.detail
        return render(request, graph, "question.html", context, status_code=found.status)
    numbers = [c.key for c in answer.columns if c.kind == "number"]
    context |= {
        "answer": answer,
        "sections": _sections(answer),
        "links": answer_links(answer),
        # Columns no row fills stay in the JSON and the CSV, not on the page.
        "shown": [
            c
            for c in answer.columns
            if c.kind != "section" and any(row.get(c.key) not in (None, "", []) for row in answer.rows)
        ],
        "has_numbers": bool(numbers) and any(row.get(k) is not None for row in answer.rows for k in numbers),
    }
    return render(request, graph, "question.html", context)


def render_index(request: Request, graph: LoadedGraph, questions: list[dict[str, Any]]) -> HTMLResponse:
    return render(request, graph, "questions.html", {"questions": questions})


def render_ask(request: Request, graph: LoadedGraph, text: str) -> HTMLResponse:
    """The page of a plain-words question: the answer it was read as, or the closest readings and search hits."""
    if not text.strip():
        return render(request, graph, "ask.html", {"q": text, "understanding": None, "error": None, "hits": []})
    try:
        understanding = Asker(named_questions(graph.questions)).understand(text)
    except QuestionTextError as error:
        failed: dict[str, Any] = {"q": text, "understanding": None, "error": str(error), "hits": []}
        return render(request, graph, "ask.html", failed, status_code=400)
    best = understanding.best
    if understanding.sure and best is not None:
        others = [reading_data(r) for r in understanding.readings[1:]]
        return render_question(
            request,
            graph,
            best.question,
            best.arguments,
            best.strength,
            reading={**reading_data(best), "text": text},
            readings=others,
        )
    context: dict[str, Any] = {
        "q": text,
        "understanding": understanding,
        "readings": [reading_data(r) for r in understanding.readings],
        "hits": search_hits(graph, text),
        "error": None,
    }
    return render(request, graph, "ask.html", context)


# ---------------------------------------------------------------- routes

# The JSON entry comes from each route's response model; the other formats are text.
_CONTENT = body_content([CSV, HTML])
StrengthQuery = Annotated[
    str,
    Query(description="Keep rows of one strength: any, serves (stated or range), stated, range or chain"),
]
FormatQuery = Annotated[str | None, Query(description="html, json or csv (overrides Accept)")]


def _varies(response: Response) -> Response:
    """One address, several formats by Accept: caches must keep them apart."""
    response.headers["Vary"] = "Accept"
    return response


def _add_question_route(question: Question) -> None:
    model = answer_model(question)

    async def answer_question(request: Request, graph: LoadedGraph, **values: Any) -> Response:
        strength: str = values.pop("strength")
        format: str | None = values.pop("format")
        arguments = {name: value for name, value in values.items() if value is not None}
        chosen = media_type(request, format)
        if chosen == HTML:
            return _varies(await run_in_threadpool(render_question, request, graph, question, arguments, strength))
        catalogue = named_questions(graph.questions)
        if chosen == CSV:
            answer = await run_in_threadpool(catalogue.answer, question.name, arguments, strength)
            return Response(
                answer_csv(answer),
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{question.name}.csv"', "Vary": "Accept"},
            )
        return _varies(
            await cached_answer(
                request, graph, model, lambda: answer_data(catalogue.answer(question.name, arguments, strength))
            )
        )

    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter("request", keyword, annotation=Request),
        inspect.Parameter("graph", keyword, annotation=GraphDep),
    ]
    for param in question.params:
        described = Query(description=f"{param.label}: {param.description}", examples=[param.example])
        parameters.append(
            inspect.Parameter(param.name, keyword, annotation=Annotated[str | None, described], default=None)
        )
    parameters.append(inspect.Parameter("strength", keyword, annotation=StrengthQuery, default="any"))
    parameters.append(inspect.Parameter("format", keyword, annotation=FormatQuery, default=None))
    # FastAPI reads the route's parameters from its signature: one query parameter per parameter of the question.
    answer_question.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    router.add_api_route(
        f"/questions/{question.name}",
        answer_question,
        methods=["GET"],
        summary=question.title,
        description=f"{question.summary}\n\nEvery row carries its strength and the stated links behind it. "
        "A browser gets the page; `Accept: text/csv` or `?format=csv` the same rows as CSV.",
        response_model=model,
        responses={**problem_doc(400, 404, 406), 200: {"description": question.title, "content": _CONTENT}},
        operation_id=f"question_{question.name.replace('-', '_')}",
        name=f"question-{question.name}",
    )


@router.get(
    "/questions",
    summary="The named questions: what each asks, its parameters and examples",
    response_model=list[QuestionModel],
    responses={**problem_doc(400, 406), 200: {"description": "The questions", "content": body_content([HTML])}},
)
async def list_questions(request: Request, graph: GraphDep, format: FormatQuery = None) -> Response:
    chosen = media_type(request, format)
    if chosen == HTML:
        return _varies(render_index(request, graph, questions_data()))
    if chosen == CSV:
        raise Problem(406, "not-acceptable", "the list of questions is HTML or JSON", available=[HTML, JSON])
    return _varies(await cached_answer(request, graph, list[QuestionModel], questions_data))


for _question in QUESTIONS:
    _add_question_route(_question)


@router.get(
    "/ask",
    summary="A question in plain words, read as a named question",
    response_model=AskModel,
    responses={**problem_doc(400, 406), 200: {"description": "The reading", "content": body_content([HTML])}},
)
async def ask(
    request: Request,
    graph: GraphDep,
    q: Annotated[str, Query(description="The question: which flagships serve 8.7?", max_length=1000)] = "",
    format: FormatQuery = None,
) -> Response:
    chosen = media_type(request, format)
    if chosen == HTML:
        return _varies(await run_in_threadpool(render_ask, request, graph, q))
    if chosen == CSV:
        raise Problem(406, "not-acceptable", "a reading is HTML or JSON", available=[HTML, JSON])
    understanding = await run_in_threadpool(Asker(named_questions(graph.questions)).understand, q)
    return _varies(await cached_answer(request, graph, AskModel, lambda: ask_data(graph, understanding)))


__all__ = ["question_url", "render_ask", "render_index", "render_question", "router"]
