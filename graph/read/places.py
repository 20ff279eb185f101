"""Where a document's own text places a line: its numbered paragraph, the table or box it sits in, its appendix,
the Programme and Budget heading it falls under. Read by rule from the text around the line, so a citation can
say "para. 14" or "Box 12" where the document prints one, and says nothing where it prints none.

The rules, in the order a reader meets the text:

- **numbered paragraphs**: lines that open with a number and a full stop (`14. The five…`, `- 102. The need…`),
  where the numbers run on (n, n+1, …) for at least five paragraphs that read as prose (the run's typical line
  is long); a list (`1. Building…`, `2. Closing…`) or the numbered rows of a table are not paragraphs. A
  paragraph runs to the next numbered paragraph or heading.
- **tables and boxes**: a caption line (`Table 6. Strategic resources…`, `Box 12. Ratification…`, the `X` a PDF
  leaves for an icon allowed before it) places the caption and the first block of text after it (up to a blank
  line, or a line opening with a space, which starts the next section); a figure's caption places only itself
  (a figure's content is not in the text).
- **appendices**: a heading `Appendix II` / `Annex 1` (alone or followed by `.` or `:` and a title) places every
  line after it up to the next appendix heading.
- **headings of the Programme and Budget**: `Outcome 7:`, `Output 1.1:`, `Output A.1.`, `Indicator 3a.1:`,
  `Operational objective 3a:`, `Strategic objective No. 3:` at the start of a line that opens a block (the line
  before it is blank or ends a sentence). Where the codes
  of one heading word repeat (`Outcome 7:` twice), those lines are the cells of a table, not the text's
  headings, and none of them counts. A heading places the lines after it up to the next heading, numbered
  paragraph, part or section.
- **parts and titled sections**: `Part III: Lessons learned…` places what follows as Part III. A section title
  set apart in the text places what follows by its words: a line of at most 80 characters opening with one
  space and a capital, with no closing punctuation, before a line that opens with a capital; only in a text
  whose body lines do not open with a space (fewer than one in ten lines of 60 characters or more), and only a
  title printed once (a line repeated is a running head).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

MIN_PARAGRAPH_RUN = 5
MIN_PROSE_LENGTH = 50
MAX_TITLE_LENGTH = 80
BODY_LINE_LENGTH = 60
MAX_INDENTED_BODY_SHARE = 0.1

_PARAGRAPH = re.compile(r"^\s*(?:[-\u2013\u2022]\s+)?(\d{1,3})\.\s+\S")
_CAPTION = re.compile(r"^\s*(?:X\s+)?(Table|Box|Figure)\s+((?:[IVX]+\.)?\d+)\.\s+\S")
_APPENDIX = re.compile(r"^\s*(?:X\s+)?(Appendix|Annex)\s+([IVX]+|\d+|[A-Z])\s*(?:[.:]\s*\S.*)?$")
_HEADING = re.compile(
    r"^\s*(Outcome|Output|Indicator|Operational objective|Strategic objective)\s+(?:No\.\s*)?"
    r"(\d{1,2}[a-z]?(?:\.\d{1,2})*|[A-C](?:\.\d{1,2})*)\s*[:.](?:\s|$)"
)
_PART = re.compile(r"^\s*Part\s+([IVX]+)\s*[:.]\s*\S")
_TITLE = re.compile(r"^ (?!X )[A-Z][^.;!?]*[^.;:,!?\s]\s*$")


@dataclass(frozen=True)
class Place:
    """Where the text places a line: any of a paragraph number, a container (table, box, figure, appendix) and a
    heading or section it falls under."""

    paragraph: str | None = None
    container: str | None = None
    heading: str | None = None

    def __bool__(self) -> bool:
        return bool(self.paragraph or self.container or self.heading)

    @property
    def text(self) -> str:
        """`Appendix II, Table 3`, `para. 14`, `Output 7.1`, joined as a citation prints them."""
        parts = [part for part in (self.heading, self.container) if part]
        if self.paragraph:
            parts.append(f"para. {self.paragraph}")
        return ", ".join(parts)


@dataclass(frozen=True)
class _Marker:
    line: int  # 1-based
    kind: str  # paragraph, caption, figure, appendix, heading, part, title
    name: str
    last: int  # the last line the marker itself places (captions); 0 for "until the next marker"


def _paragraphs(lines: list[str]) -> list[_Marker]:
    """Numbered paragraphs: runs of consecutive numbers of at least MIN_PARAGRAPH_RUN prose lines."""
    runs: list[list[tuple[int, int]]] = []
    open_runs: dict[int, list[tuple[int, int]]] = {}
    for index, text in enumerate(lines, start=1):
        match = _PARAGRAPH.match(text)
        if not match:
            continue
        value = int(match.group(1))
        run = open_runs.pop(value, None)
        if run is None:
            run = []
            runs.append(run)
        run.append((index, value))
        open_runs[value + 1] = run
    found: list[_Marker] = []
    for run in runs:
        if len(run) < MIN_PARAGRAPH_RUN:
            continue
        if statistics.median(len(lines[index - 1].strip()) for index, _ in run) < MIN_PROSE_LENGTH:
            continue
        found.extend(_Marker(index, "paragraph", str(value), 0) for index, value in run)
    return found


def _block_end(lines: list[str], caption: int) -> int:
    """The last line of the first block of text after a caption (blank lines right after it skipped); a line
    opening with a space ends the block."""
    index = caption + 1
    while index <= len(lines) and not lines[index - 1].strip():
        index += 1
    first = index
    while index <= len(lines) and lines[index - 1].strip() and (index == first or not lines[index - 1][:1].isspace()):
        index += 1
    return index - 1


def _opens_block(lines: list[str], index: int) -> bool:
    before = lines[index - 2].strip() if index > 1 else ""
    return not before or before.endswith((".", ":", "?", "!"))


def _headings(lines: list[str]) -> list[_Marker]:
    """P&B headings that open a block, of the heading words whose codes the text gives once each."""
    seen: dict[str, list[str]] = {}
    candidates: list[tuple[int, str, str]] = []
    for index, text in enumerate(lines, start=1):
        match = _HEADING.match(text)
        if not match:
            continue
        seen.setdefault(match.group(1), []).append(match.group(2))
        if _opens_block(lines, index):
            candidates.append((index, match.group(1), match.group(2)))
    structural = {word for word, codes in seen.items() if len(codes) == len(set(codes))}
    return [_Marker(index, "heading", f"{word} {code}", 0) for index, word, code in candidates if word in structural]


def _titles(lines: list[str]) -> list[_Marker]:
    """Section titles set apart by an opening space, where body lines do not open with one."""
    body = [line for line in lines if len(line.strip()) >= BODY_LINE_LENGTH and not line.startswith(" X ")]
    indented = sum(1 for line in body if line.startswith(" "))
    if not body or indented / len(body) >= MAX_INDENTED_BODY_SHARE:
        return []
    found: list[tuple[int, str]] = []
    for index, text in enumerate(lines, start=1):
        if len(text.strip()) > MAX_TITLE_LENGTH or not _TITLE.match(text):
            continue
        following = next((line.strip() for line in lines[index:] if line.strip()), "")
        if following[:1].isupper():
            found.append((index, text.strip()))
    counts: dict[str, int] = {}
    for _, title in found:
        counts[title] = counts.get(title, 0) + 1
    return [_Marker(index, "title", title, 0) for index, title in found if counts[title] == 1]


def _markers(lines: list[str]) -> list[_Marker]:
    found = [*_paragraphs(lines), *_headings(lines), *_titles(lines)]
    for index, text in enumerate(lines, start=1):
        if match := _CAPTION.match(text):
            kind = "figure" if match.group(1) == "Figure" else "caption"
            last = index if kind == "figure" else _block_end(lines, index)
            found.append(_Marker(index, kind, f"{match.group(1)} {match.group(2)}", last))
        elif match := _APPENDIX.match(text):
            found.append(_Marker(index, "appendix", f"{match.group(1)} {match.group(2)}", 0))
        elif match := _PART.match(text):
            found.append(_Marker(index, "part", f"Part {match.group(1)}", 0))
    # One marker per line: a part or caption line that also reads as a title is the part or caption.
    kinds_first = ("paragraph", "caption", "figure", "appendix", "heading", "part", "title")
    by_line: dict[int, _Marker] = {}
    for marker in sorted(found, key=lambda m: (m.line, kinds_first.index(m.kind))):
        by_line.setdefault(marker.line, marker)
    return [by_line[line] for line in sorted(by_line)]


class Places:
    """The places of every line of one document's text."""

    def __init__(self, lines: list[str]) -> None:
        self._places: list[Place] = [Place()] * (len(lines) + 1)
        paragraph: str | None = None
        heading: str | None = None
        appendix: str | None = None
        caption: tuple[str, int] | None = None
        markers = iter(_markers(lines))
        upcoming = next(markers, None)
        for index in range(1, len(lines) + 1):
            while upcoming is not None and upcoming.line == index:
                if upcoming.kind == "paragraph":
                    paragraph = upcoming.name
                elif upcoming.kind == "figure":
                    caption = (upcoming.name, upcoming.last)
                elif upcoming.kind == "caption":  # a table or box is not part of the paragraph before it
                    caption, paragraph = (upcoming.name, upcoming.last), None
                elif upcoming.kind == "appendix":
                    appendix, paragraph, heading = upcoming.name, None, None
                elif upcoming.kind in ("heading", "part"):
                    heading, paragraph = upcoming.name, None
                else:  # a titled section
                    heading, paragraph = f"section \u201c{upcoming.name}\u201d", None
                upcoming = next(markers, None)
            if caption is not None and index > caption[1]:
                caption = None
            container = ", ".join(part for part in (appendix, caption[0] if caption else None) if part) or None
            self._places[index] = Place(paragraph, container, heading)

    def at(self, line: int) -> Place:
        """The place of a 1-based line (an empty Place where the text prints none)."""
        return self._places[line] if 0 < line < len(self._places) else Place()
