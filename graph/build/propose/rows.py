"""Proposed rows: the curated columns plus a confidence, a kind and the reason, and how they are written."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, replace

from graph.build.curated import LINK_COLUMNS
from graph.build.propose.document import Document

# What a proposal is, for the curator and for the evaluation: a name or code the document prints,
# a link between two things it names together, or a topic the Aurora queries suggest.
NAMES = "names"
CODES = "codes"
LINKS = "links"
TOPICS = "topics"
KINDS = (NAMES, CODES, LINKS, TOPICS)
NAME_LINKS = frozenset({"prefLabel", "altLabel", "acronym"})
CODE_LINKS = frozenset({"notation", "outputOf", "measuredBy", "objectiveOf", "protocolTo", "adoptionYear"})
TOPIC_LINK = "aboutTarget"
OUTPUT_COLUMNS = (*LINK_COLUMNS, "confidence", "kind", "recognizer", "reason")
QUOTE_LIMIT = 240


def kind_of_link(link: str) -> str:
    if link in NAME_LINKS:
        return NAMES
    if link in CODE_LINKS:
        return CODES
    if link == TOPIC_LINK:
        return TOPICS
    return LINKS


@dataclass(frozen=True)
class Proposal:
    """One proposed curated row, with where else the document says it."""

    subject: str
    link: str
    object: str
    document: str
    line: int
    quote: str
    confidence: float
    recognizer: str
    reason: str
    also_lines: tuple[int, ...] = ()

    @property
    def kind(self) -> str:
        return kind_of_link(self.link)

    @property
    def triple(self) -> tuple[str, str, str]:
        return (self.subject, self.link, self.object)

    @property
    def lines(self) -> tuple[int, ...]:
        return (self.line, *self.also_lines)

    @property
    def note(self) -> str:
        if not self.also_lines:
            return ""
        shown = ", ".join(str(n) for n in self.also_lines[:12])
        more = f" and {len(self.also_lines) - 12} more" if len(self.also_lines) > 12 else ""
        return f"also line{'s' if len(self.also_lines) > 1 else ''} {shown}{more}"

    def as_row(self) -> dict[str, str]:
        return {
            "subject": self.subject,
            "link": self.link,
            "object": self.object,
            "document": self.document,
            "line": str(self.line),
            "quote": self.quote,
            "note": self.note,
            "confidence": f"{self.confidence:.2f}",
            "kind": self.kind,
            "recognizer": self.recognizer,
            "reason": self.reason,
        }


def make(
    document: Document,
    subject: str,
    link: str,
    obj: str,
    start: int,
    end: int,
    confidence: float,
    recognizer: str,
    reason: str,
) -> Proposal:
    """A proposal whose quote is the document's text of the clean span [start, end), cut to a readable length."""
    if end - start > QUOTE_LIMIT:  # cut at a word's end
        cut = document.text.rfind(" ", start, start + QUOTE_LIMIT)
        end = cut if cut > start else start + QUOTE_LIMIT
    quote = document.quote(start, end).rstrip(" ,;:")
    return Proposal(subject, link, obj, document.key, document.line_at(start), quote, confidence, recognizer, reason)


def merge(proposals: Iterable[Proposal]) -> list[Proposal]:
    """One proposal per (subject, link, object): the most confident evidence, the other lines noted."""
    grouped: dict[tuple[str, str, str], list[Proposal]] = {}
    for proposal in proposals:
        grouped.setdefault(proposal.triple, []).append(proposal)
    merged = []
    for group in grouped.values():
        best = max(group, key=lambda p: (p.confidence, -p.line))
        lines = sorted({line for p in group for line in p.lines} - {best.line})
        merged.append(replace(best, also_lines=tuple(lines)))
    return sorted(merged, key=lambda p: (KINDS.index(p.kind), p.line, p.triple))


def to_csv(proposals: Iterable[Proposal]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=OUTPUT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for proposal in proposals:
        writer.writerow(proposal.as_row())
    return buffer.getvalue()
