"""How much of each source document the curated rows cite, section by section, and what is still unread.

A line is *cited* when the quote of at least one curated row (links, figures or indicator values)
runs over it. Sections come from the headings the documents print, found by the rules of
`HEADING_RULES` (parts, outcomes and outputs, boxes, tables and figures, numbered headings, the
question headings of the brochure, the appendix tables). A section runs from its heading to the
next heading of the same or a higher level; the text does not say where a box or a table ends, so
the lines after one count with it until the next heading. The report also lists every line that
names an ILO instrument, an SDG code, a Programme and Budget code or a flagship (`MENTION_RULES`)
and that no row cites: what a curator still has to read. Plain data; no RDF, no HTTP.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graph.build.curated import CuratedError, Row, read_curated
from graph.build.evidence import fold_space

# How far past its first line a quote may run (as in graph.evidence).
_MAX_LINES_SPANNED = 60

# What counts as naming an instrument, an SDG code, a P&B code or a flagship, by kind.
MENTION_RULES: dict[str, tuple[re.Pattern[str], ...]] = {
    "instrument": tuple(
        re.compile(pattern)
        for pattern in (
            r"\b[CRP]\.\s?\d{1,3}\b",  # C.155, R.164
            r"\b[CRP]\d{3}\b",  # R205 (in a NORMLEX address)
            r"\(No\.\s?\d{1,3}\)",  # Convention, 1999 (No. 182)
            r"\b(?:Convention|Recommendation|Protocol)s?,?\s+Nos?\.?\s?\d{1,3}",  # Convention No. 190, Nos 29
            r"\b(?:Convention|Protocol)\s\d{2,3}\b",  # Convention 182, Protocol 155
            r"\bProtocol of 2014\b",
        )
    ),
    "sdg": tuple(
        re.compile(pattern)
        for pattern in (
            r"\bSDGs?\s+(?:[Tt]argets?\s+|[Ii]ndicators?\s+|[Gg]oals?\s+)?\d{1,2}(?:\.(?:\d{1,2}|[a-z]))*\b",
            r"\b[Gg]oals?\s+\d{1,2}\b",  # Goal 8, Goals 8 (decent work), 11
            r"\b[Tt]argets?\s+\d{1,2}\.(?:\d{1,2}|[a-z])\b",  # target 8.7, targets 8.2
        )
    ),
    "pb": tuple(
        re.compile(pattern)
        for pattern in (
            r"\b[Oo]utcomes?\s+(?:\d{1,2}|[A-C])\b",  # Outcome 7, outcomes 1 (outputs 1.3 ...), outcome C
            r"\b[Oo]utputs?\s+(?:\d|[A-C])\.\d\b",  # output 2.1, Output A.1
            r"(?<!SDG )\b[Ii]ndicators?\s+(?:\d{1,2}[a-z]?|[A-C])\.\d(?:\.\d)?\b",  # indicator 7.1.2, Indicator 3a.1
            r"\b[Oo]perational objective\s+\d[a-z]\b",
            r"\b[Ss]trategic objective\s+No\.\s?\d\b",
            r"^\s*(?:\d|[A-C])\.\d\.(?:\d\.)?\s+\S",  # an appendix row: 1.1. Increased ..., 1.1.1. Number of ...
            r"^\s*\d[a-z](?:\.\d)?\s",  # a row of P&B 2002-03 Table 6: 3a Social security
        )
    ),
    "flagship": tuple(
        re.compile(pattern)
        for pattern in (
            r"Better Work",
            r"IPEC\+",
            r"Safety \+ Health for All",
            r"Safety and Health (?:\+ |for )All",
            r"OSH[–-]GAP",
            r"Global Action for Prevention",
            r"Jobs for Peace and Resilience",
            r"\bJPR\b",
            r"Social Protection Floors? for All",
            r"Social Protection for All",
            r"Social Protection Floor\b",
            r"\bSPF\b",
        )
    ),
}

# A flagship's name alone on a line (with its acronym, or "and" a partner) heads a part of the brochure.
_FLAGSHIP_HEADING = re.compile(
    r"\s*(?:Better Work|IPEC\+|OSH[–-]GAP|Safety \+ Health for All|Safety and Health for All|JPR"
    r"|Jobs for Peace and Resilience|Social Protection (?:Floors )?for All|International Programme for the Elimination)"
    r"(?: \([A-Z+]+\))?(?: and .{1,50})?\s*"
)


@dataclass(frozen=True)
class HeadingRule:
    """A kind of heading: how to see it, how deep it sits, and whether its title is on the next line."""

    kind: str
    level: int  # 1 is the outermost
    pattern: re.Pattern[str]
    title_on_next_line: bool = False
    inside: str | None = None  # applies only inside a section of this kind (appendix rows)


HEADING_RULES: tuple[HeadingRule, ...] = (
    HeadingRule("part", 1, re.compile(r"\s*Part ([IVX]+)\b(?::\s*.*)?\s*")),
    HeadingRule("part", 1, re.compile(r"\s*([IVX]+)\.\s*"), title_on_next_line=True),
    HeadingRule("part", 1, re.compile(r" ?\tX\s+(.+)")),  # the question headings of the brochure
    HeadingRule("part", 1, re.compile(r"\s*Strategic objective No\. (\d+):.*")),
    HeadingRule("appendix", 1, re.compile(r"\s*((?:Policy|Enabling) outcomes, outputs and indicators): .*")),
    # four words or more and no closing ; or . : a heading, not a cell of a table listing outcomes
    HeadingRule("outcome", 2, re.compile(r"\s*Outcome ([1-9]|[A-C])[:.]\s*(?:\S+\s+){3,}\S*[^;.\s]\s*")),
    HeadingRule("outcome", 2, re.compile(r"\s*Operational objective (\d[a-z]):.*")),
    HeadingRule("outcome", 2, re.compile(r"([1-8]|[A-C])\. [A-Z][a-z]+.*"), inside="appendix"),
    HeadingRule("section", 2, re.compile(r"\s*(\d{1,2}|[A-D])\.\s*"), title_on_next_line=True),
    HeadingRule("section", 2, _FLAGSHIP_HEADING),
    HeadingRule("output", 3, re.compile(r"\s*Output ((?:\d|[A-C])\.\d)[:.]\s*.*")),
    HeadingRule("indicator", 3, re.compile(r"\s*Indicator (\d[a-z]\.\d):.*")),
    HeadingRule("box", 4, re.compile(r"\s*(?:X\s+)?(Box|Table|Figure) (\d+|[IVX]+\.\d+)\.\s.*")),
)


@dataclass
class Section:
    """A part of a document between two headings, with how many of its lines the rows cite."""

    title: str
    kind: str
    key: str  # what the heading numbers (II, 7, Box 3): a running header repeats the key of its part
    level: int
    first: int  # 1-based line of the heading
    last: int = 0
    lines: int = 0  # lines that are not blank
    cited: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.cited / self.lines if self.lines else 100.0


@dataclass(frozen=True)
class Uncited:
    """A line that names an instrument, an SDG code, a P&B code or a flagship, and that no row cites."""

    file: str
    line: int
    text: str
    kinds: tuple[str, ...]


@dataclass
class DocumentCoverage:
    """One document: its lines, the lines cited, its sections and the uncited lines naming codes."""

    key: str
    file: str
    lines: int = 0
    cited: int = 0
    rows: int = 0
    sections: list[Section] = field(default_factory=list)
    uncited: list[Uncited] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.cited / self.lines if self.lines else 100.0


def mentions(text: str) -> tuple[str, ...]:
    """The kinds of code or name `text` holds (instrument, sdg, pb, flagship), in that order."""
    return tuple(kind for kind, patterns in MENTION_RULES.items() if any(p.search(text) for p in patterns))


def quoted_lines(lines: tuple[str, ...], line: int, quote: str) -> range:
    """The lines (1-based) a quote starting on `line` runs over; empty when it does not start there."""
    wanted = fold_space(quote)
    if not wanted or not 1 <= line <= len(lines) or not fold_space(lines[line - 1]):
        return range(0)
    parts: list[str] = []
    numbers: list[int] = []
    for number in range(line, min(len(lines), line + _MAX_LINES_SPANNED) + 1):
        folded = fold_space(lines[number - 1])
        if folded:
            parts.append(folded)
            numbers.append(number)
    joined = " ".join(parts)
    found = joined.find(wanted)
    if found < 0 or found >= len(parts[0]):
        return range(0)
    end = found + len(wanted)
    offset = 0
    last = line
    for part, number in zip(parts, numbers, strict=True):
        if offset >= end:
            break
        last = number
        offset += len(part) + 1
    return range(line, last + 1)


def headings(lines: tuple[str, ...]) -> list[Section]:
    """The sections of a document, in order, each from its heading to the next of its level or higher."""
    found: list[Section] = []
    open_by_level: dict[int, Section] = {}
    previous_blank = True
    skip_next = False
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\n")
        if skip_next and line.strip():
            skip_next = False
            previous_blank = False
            continue
        matched = _heading(line, number, lines, open_by_level, previous_blank)
        previous_blank = not line.strip()
        if matched is None:
            continue
        section, rule = matched
        outer = open_by_level.get(section.level)
        if outer is not None and (outer.kind, outer.key) == (section.kind, section.key):
            continue  # a running header repeats the heading of the part it is in
        found.append(section)
        open_by_level[section.level] = section
        for deeper in [level for level in open_by_level if level > section.level]:
            del open_by_level[deeper]
        skip_next = rule.title_on_next_line  # the title line is not a heading of its own
    first = next((n for n, text in enumerate(lines, 1) if text.strip()), 1)
    if not found or found[0].first > first:
        found.insert(0, Section(title="(before the first heading)", kind="front", key="", level=1, first=first))
    for index, section in enumerate(found):
        following = (s.first for s in found[index + 1 :] if s.level <= section.level or section.kind == "front")
        section.last = next(following, len(lines) + 1) - 1
    return found


def _heading(
    line: str, number: int, lines: tuple[str, ...], open_by_level: dict[int, Section], previous_blank: bool
) -> tuple[Section, HeadingRule] | None:
    for rule in HEADING_RULES:
        if rule.inside is not None and not any(s.kind == rule.inside for s in open_by_level.values()):
            continue
        match = rule.pattern.fullmatch(line)
        if match is None:
            continue
        # a name opens a block: after a blank line, or on a line a page break indents
        if rule.pattern is _FLAGSHIP_HEADING and not (previous_blank or line.startswith(" ")):
            continue
        title = fold_space(line.replace("\tX", " "))
        if rule.title_on_next_line:
            following = next((fold_space(text) for text in lines[number:] if text.strip()), "")
            if not following or len(following) > 80 or following[:1].islower():
                continue
            title = f"{title} {following}"
        title = re.sub(r"^X\s+", "", title)
        key = " ".join(group for group in match.groups() if group) or title
        return Section(title=title, kind=rule.kind, key=key, level=rule.level, first=number), rule
    return None


def cited_lines(rows: Iterable[Row], texts: dict[str, tuple[str, ...]]) -> dict[str, set[int]]:
    """Document key -> the lines the rows' quotes run over (rows citing an unknown document are skipped)."""
    cited: dict[str, set[int]] = {key: set() for key in texts}
    for row in rows:
        key = row["document"]
        if key not in texts:
            continue
        try:
            line = row.source_line()
        except CuratedError:
            continue
        cited[key].update(quoted_lines(texts[key], line, row["quote"]))
    return cited


def document_coverage(seeds_dir: Path) -> list[DocumentCoverage]:
    """Coverage of every registered source document by the curated rows, in registry order."""
    registry = seeds_dir / "documents" / "documents.csv"
    with registry.open(encoding="utf-8", newline="") as handle:
        files = {row["key"]: row["file"] for row in csv.DictReader(handle)}
    texts = {
        key: tuple((seeds_dir / "documents" / file).read_text(encoding="utf-8").splitlines())
        for key, file in files.items()
    }
    rows = read_curated(seeds_dir / "curated", seeds_dir)
    cited = cited_lines(rows, texts)
    report: list[DocumentCoverage] = []
    for key, file in files.items():
        lines = texts[key]
        document = DocumentCoverage(key, file, rows=sum(1 for row in rows if row["document"] == key))
        document.sections = headings(lines)
        for number, text in enumerate(lines, 1):
            if not text.strip():
                continue
            is_cited = number in cited[key]
            document.lines += 1
            document.cited += is_cited
            for section in document.sections:
                if section.first <= number <= section.last:
                    section.lines += 1
                    section.cited += is_cited
            if not is_cited:
                kinds = mentions(text)
                if kinds:
                    document.uncited.append(Uncited(file, number, fold_space(text), kinds))
        report.append(document)
    return report


def render(report: list[DocumentCoverage]) -> str:
    """The report as text: per document, per section (indented by depth), then the uncited lines."""
    out: list[str] = []
    for document in report:
        out.append(
            f"{document.key} ({document.file}): {document.cited} of {document.lines} lines cited "
            f"({document.percent:.0f} %) by {document.rows} rows; "
            f"{len(document.uncited)} uncited lines name a code or a flagship"
        )
        for section in document.sections:
            indent = "  " * section.level
            title = section.title if len(section.title) <= 70 else section.title[:69] + "…"
            out.append(
                f"{indent}{title} [lines {section.first}-{section.last}]: "
                f"{section.cited}/{section.lines} ({section.percent:.0f} %)"
            )
        out.append("")
    uncited = [item for document in report for item in document.uncited]
    out.append(f"Uncited lines naming an instrument, an SDG code, a P&B code or a flagship: {len(uncited)}")
    for item in uncited:
        out.append(f"{item.file}:{item.line}: [{', '.join(item.kinds)}] {item.text}")
    return "\n".join(out) + "\n"
