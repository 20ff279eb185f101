"""Parts of a document: its tables, figures and boxes, and the parts it is divided into, named as printed.

Learns from: the document only (a part's id is the document's own: `part:<document>/<slug>`).
Finds: captions at the start of a line, `Table 1. <title>`, `Figure I.4. <title>`, `Box 37. <title>` (a
title broken over lines is read whole: the next line is short and goes on in lower case, or the line ends
in a comma or a colon), and the headings of the document's divisions, `Part II: <title>`. A part's prefLabel is its
heading as printed, its notation the label (`Table 1`), its slug the label's (`table-1`, `figure-i-4`).
A part gets rows only when the document states something about it, as the curated model names a part
only then: its heading names a thing the graph knows (an outcome, output, indicator, instrument, flagship,
programme, SDG goal or target, organization: `about`; an SDG indicator: `reportsOn`), or the cells of a
table name SDG indicators (`reportsOn`). A caption that names none (`Figure 1. Working time and
employment loss in 2020`) is left to the curator; a country in a caption (`Box 28. ... in Qatar`) says
where a case comes from, not what the part is about.
A division's heading (`Part II: ...`) also closes the sections above it (see linking).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.build.propose.document import Document
from graph.build.propose.knowledge import Knowledge
from graph.build.propose.mentions import (
    FLAGSHIP,
    INDICATOR,
    INSTRUMENT,
    ORGANIZATION,
    OUTCOME,
    OUTPUT,
    PART,
    PROGRAMME,
    SDG_GOAL,
    SDG_INDICATOR,
    SDG_TARGET,
    Found,
    Mention,
    slugify,
)
from graph.build.propose.rows import Proposal, make

RECOGNIZER = "parts"
# `X ` before a caption is the icon the extraction left in front of it.
_CAPTION = re.compile(r"(?:X )?(?P<label>(?:Table|Figure|Box) (?:[IVX]+\.)?\d{1,3})[.:] (?=\S)")
_DIVISION = re.compile(r"(?P<label>(?:Part|Chapter) (?:[IVX]+|\d{1,2}))[:.] (?=[A-Z])")
_ABOUT = {
    OUTCOME: "about",
    OUTPUT: "about",
    INDICATOR: "about",
    INSTRUMENT: "about",
    FLAGSHIP: "about",
    PROGRAMME: "about",
    SDG_GOAL: "about",
    SDG_TARGET: "about",
    ORGANIZATION: "about",
    SDG_INDICATOR: "reportsOn",
}
_FUNCTION_END = re.compile(r"\b(?:of|in|on|for|and|the|to|by|with|from|at|a|an)$")
# A table's cells are short lines; running text (a long line), its source or notes, or the next caption end it.
_TABLE_END = re.compile(r"(?:Source|Sources|Notes?)\b")
_RUNNING_TEXT = 90
_TABLE_LINES = 250


@dataclass(frozen=True)
class Caption:
    """A part's heading: its id, its label (`Box 3`), where the heading and, for a table, its cells lie."""

    id: str
    label: str
    start: int  # the label's start in the clean text
    end: int  # the heading's end
    label_end: int
    body: tuple[int, int]  # a table's cells ([start, end) in the clean text), else empty
    division: bool


def _line_text(document: Document, line: int) -> tuple[str, int] | None:
    span = document.line_span(line)
    if span is None:
        return None
    return document.text[span.start : span.end].rstrip(), span.start


def _heading_end(document: Document, line: int, end: int) -> int:
    """Where a heading that starts on `line` ends: it goes on over lines that continue it (up to three)."""
    for following in range(line + 1, line + 4):
        current = document.text[max(0, end - 60) : end].rstrip()
        nxt = _line_text(document, following)
        if nxt is None or not nxt[0] or _CAPTION.match(nxt[0]):
            break
        # A heading's next line is short; a long one, or one where a sentence ends, is the running text around a
        # caption the extraction put in the middle of a paragraph.
        heading_like = len(nxt[0]) < _RUNNING_TEXT and not re.search(r"[.;!?] ", nxt[0])
        continues = nxt[0][:1].islower() or current.endswith((",", ":")) or _FUNCTION_END.search(current)
        if not (heading_like and continues):
            break
        end = nxt[1] + len(nxt[0])
    return end


def _table_body(document: Document, line: int) -> tuple[int, int]:
    """The cells under a table's caption: the lines up to running text, its source or notes, or another caption."""
    first = document.line_span(line)
    start = end = first.end if first is not None else 0
    for following in range(line + 1, line + _TABLE_LINES):
        if following > len(document.lines):
            break
        found = _line_text(document, following)
        if found is None:
            continue
        text, at = found
        if len(text) >= _RUNNING_TEXT or _TABLE_END.match(text) or _CAPTION.match(text) or _DIVISION.match(text):
            break
        end = at + len(text)
    return start, end


def captions(document: Document) -> list[Caption]:
    """Every caption and division heading that starts a line, in the order of the document."""
    found: list[Caption] = []
    for line in range(1, len(document.lines) + 1):
        located = _line_text(document, line)
        if located is None:
            continue
        text, at = located
        match = _CAPTION.match(text) or _DIVISION.match(text)
        if match is None:
            continue
        label = match.group("label")
        start = at + match.start("label")
        end = _heading_end(document, line, at + len(text))
        division = match.re is _DIVISION
        body = _table_body(document, line) if label.startswith("Table") else (end, end)
        short_id = f"part:{document.key}/{slugify(label)}"
        found.append(Caption(short_id, label, start, end, start + len(label), body, division))
    return found


def recognize(document: Document, known: Knowledge) -> Found:
    """The parts as mentions (a division's heading opens a new top-level stretch: heading_level -1)."""
    del known  # a part's id is the document's own; nothing is looked up
    found = Found()
    for caption in captions(document):
        found.mentions.append(
            Mention(
                caption.id,
                PART,
                caption.start,
                caption.label_end,
                caption.label,
                0.8,
                "a division of the document" if caption.division else "a caption",
                RECOGNIZER,
                heading_level=-1 if caption.division else None,
            )
        )
    return found


def rows(document: Document, mentions: list[Mention]) -> list[Proposal]:
    """Name, notation and what each part is about, for the parts whose heading or cells name a known thing."""
    proposals: list[Proposal] = []
    for caption in captions(document):
        stated: dict[tuple[str, str], Mention] = {}
        for mention in mentions:
            in_heading = caption.label_end <= mention.start < caption.end
            in_cells = caption.body[0] <= mention.start < caption.body[1] and mention.kind == SDG_INDICATOR
            if (in_heading or in_cells) and mention.kind in _ABOUT and mention.id != caption.id:
                stated.setdefault((_ABOUT[mention.kind], mention.id), mention)
        if not stated:
            continue
        heading = document.text[caption.start : caption.end]
        proposals.append(
            make(
                document,
                caption.id,
                "prefLabel",
                re.sub(r"\s+", " ", heading),
                caption.start,
                caption.end,
                0.8,
                RECOGNIZER,
                f"the heading of {caption.label} as printed",
            )
        )
        proposals.append(
            make(
                document,
                caption.id,
                "notation",
                caption.label,
                caption.start,
                caption.end,
                0.8,
                RECOGNIZER,
                "the label the document gives the part",
            )
        )
        for (link, obj), mention in stated.items():
            if caption.start <= mention.start < caption.end:
                begin, finish, where = caption.start, caption.end, "its heading"
            else:
                line = document.line_span(document.line_at(mention.start))
                begin, finish = (line.start, line.end) if line is not None else (mention.start, mention.end)
                where = "a cell of the table"
            proposals.append(
                make(
                    document,
                    caption.id,
                    link,
                    obj,
                    begin,
                    finish,
                    0.75 if where == "its heading" else 0.7,
                    RECOGNIZER,
                    f"{where} names “{mention.text}”",
                )
            )
    return proposals
