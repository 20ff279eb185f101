"""The named questions of the catalogue as data: an answer as JSON (validated by its question's model) or CSV,
the URLs of an answer, a plain-words reading as JSON, and how a route chooses between HTML, JSON and CSV.

The routes (api/pages/questions.py) answer each question at `GET /questions/{name}` with an HTML page for a
browser, JSON or CSV, all from the same rows, so the page, the JSON and the download never differ.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from api.negotiation import HTML, JSON, NotAcceptable, Offer, negotiate, wants_html
from api.problems import Problem
from api.routes.dependencies import LoadedGraph
from api.routes.models import answer_model
from graph.read.asking import Reading, Understanding
from graph.read.catalogue import Answer, Column
from graph.read.named import QUESTIONS, named_questions
from graph.read.questions import Ref
from graph.read.strength import Step
from graph.store.formats import CSV

FORMATS = {"html": HTML, "json": JSON, "csv": CSV}
DATA_OFFERS = (Offer(JSON), Offer(CSV, ("application/csv",)))
MAX_SEARCH_HITS = 10


# ---------------------------------------------------------------- answers as data


def question_url(name: str, arguments: Mapping[str, str], strength: str = "any", **extra: str) -> str:
    """Where a question is answered: its route with its arguments (and the strength filter, when not any)."""
    query = {**arguments, **({"strength": strength} if strength != "any" else {}), **extra}
    return f"/questions/{name}" + (f"?{urlencode(query)}" if query else "")


def editor_url(sparql: str) -> str:
    """The SPARQL editor opened with `sparql`."""
    return "/query?" + urlencode({"query": sparql})


def answer_links(answer: Answer) -> dict[str, Any]:
    name = answer.question.name
    return {
        "page": question_url(name, answer.arguments, answer.strength),
        "json": question_url(name, answer.arguments, answer.strength, format="json"),
        "csv": question_url(name, answer.arguments, answer.strength, format="csv"),
        "editor": [editor_url(text) for text in answer.sparql],
    }


def answer_data(answer: Answer) -> dict[str, Any]:
    """The answer as the JSON route gives it (validated by the question's answer model)."""
    return {
        "question": answer.question.name,
        "title": answer.question.title,
        "heading": answer.heading,
        "arguments": answer.arguments,
        "things": answer.things,
        "strength": answer.strength,
        "total": answer.total,
        "columns": [
            {"key": c.key, "title": c.title, "kind": c.kind, "description": c.description}
            for c in answer.question.columns
        ],
        "rows": [{c.key: row.get(c.key) for c in answer.question.columns} for row in answer.rows],
        "notes": answer.notes,
        "sparql": answer.sparql,
        "links": answer_links(answer),
    }


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value == int(value) else repr(value)


def _step_text(step: Step) -> str:
    key = (step.evidence.document.id or step.evidence.document.iri).removeprefix("document:")
    text = f"{key} line {step.evidence.line}: \u201c{step.evidence.quote}\u201d"
    return f"{derived_text(step)}: {text}" if step.derived else text


def derived_text(step: Step) -> str:
    """The derived link a stated link is a premise of, in words (for the CSV and the command line)."""
    derived = step.derived
    if derived is None:
        return ""
    link = f"{_name(derived.subject)} {derived.predicate.label} {_name(derived.object)}"
    return f"{link} (by rule \u201c{derived.rule.label}\u201d, from {_name(step.subject)} {step.predicate.label} " + (
        f"{_name(step.object)})" if step.object else f"\u201c{step.value}\u201d)"
    )


def _name(ref: Ref) -> str:
    return ref.id or ref.label or ref.iri


def csv_header(columns: tuple[Column, ...]) -> list[str]:
    header: list[str] = []
    for column in columns:
        if column.kind in ("ref", "refs"):
            header += [column.title, f"{column.title} id"]
        else:
            header.append(column.title)
    return header


def csv_cells(columns: tuple[Column, ...], row: Mapping[str, Any]) -> list[str]:
    cells: list[str] = []
    for column in columns:
        value = row.get(column.key)
        if column.kind == "ref":
            ref: Ref | None = value
            cells += [ref.label or "" if ref else "", (ref.id or ref.iri) if ref else ""]
        elif column.kind == "refs":
            refs: list[Ref] = value or []
            cells += ["; ".join(r.label or r.id or r.iri for r in refs), "; ".join(r.id or r.iri for r in refs)]
        elif column.kind == "number":
            cells.append(_number(value))
        elif column.kind == "steps":
            cells.append(" | ".join(_step_text(step) for step in value or []))
        else:
            cells.append("" if value is None else str(value))
    return cells


def answer_csv(answer: Answer) -> str:
    """The answer's rows as CSV (RFC 4180): the page's rows, a thing as its name and its id."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_header(answer.question.columns))
    for row in answer.rows:
        writer.writerow(csv_cells(answer.question.columns, row))
    return out.getvalue()


def reading_data(reading: Reading) -> dict[str, Any]:
    return {
        "question": reading.question.name,
        "sentence": reading.sentence(),
        "explanation": reading.explanation(),
        "arguments": reading.arguments,
        "strength": reading.strength,
        "complete": reading.complete,
        "missing": reading.missing,
        "url": question_url(reading.question.name, reading.arguments, reading.strength),
    }


# ---------------------------------------------------------------- choosing the format


def media_type(request: Request, format: str | None) -> str:
    """HTML for a browser, else JSON or CSV by Accept; `format` (html, json, csv) overrides both."""
    if format is not None:
        chosen = FORMATS.get(format.lower())
        if chosen is None:
            raise Problem(400, "invalid-parameter", f"format {format!r} is not one of html, json, csv")
        return chosen
    accept = request.headers.get("accept")
    if wants_html(accept):
        return HTML
    try:
        return negotiate(accept, DATA_OFFERS)
    except NotAcceptable as error:
        raise Problem(406, "not-acceptable", str(error), available=[HTML, *error.available]) from error


# ---------------------------------------------------------------- the list of questions


def questions_data() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for question in QUESTIONS:
        examples = [
            question_url(question.name, dict(zip((p.name for p in question.params), e, strict=True)))
            for e in question.examples
        ]
        found.append(
            {
                "name": question.name,
                "title": question.title,
                "summary": question.summary,
                "params": [p.__dict__ for p in question.params],
                "url": f"/questions/{question.name}",
                "examples": examples,
            }
        )
    return found


# ---------------------------------------------------------------- asking in plain words


def ask_data(graph: LoadedGraph, understanding: Understanding) -> dict[str, Any]:
    """The reading of a plain-words question: its answer when the reader is sure, else the closest readings
    and what a search of the names finds."""
    best = understanding.best
    answer: dict[str, Any] | None = None
    if understanding.sure and best is not None:
        found = named_questions(graph.questions).answer(best.question.name, best.arguments, best.strength)
        answer = (
            answer_model(found.question)
            .model_validate(answer_data(found), from_attributes=True)
            .model_dump(mode="json", by_alias=True)
        )
    return {
        "text": understanding.text,
        "sure": understanding.sure,
        "reading": reading_data(best) if understanding.sure and best is not None else None,
        "readings": [reading_data(r) for r in understanding.readings],
        "answer": answer,
        "search": [] if understanding.sure else search_hits(graph, understanding.text),
    }


def search_hits(graph: LoadedGraph, text: str) -> list[dict[str, Any]]:
    try:
        hits = graph.overview.search(text, limit=MAX_SEARCH_HITS)
    except ValueError:  # a text the search cannot take (too long): no hits, the readings still stand
        return []
    return [{"ref": hit.ref, "kind": hit.kind, "matched": hit.matched} for hit in hits]
