"""A plain-text document as the recognizers read it: one clean text, its lines, sentences and headings.

The clean text is the document's lines with white space folded (as `graph.evidence` folds quotes),
joined by one space; two PDF accidents are undone so that names can be matched: a word broken by a
hyphen at a line end is joined again (`Co-` + `operation`), and letter-spaced words are closed up
(`G e r m a n y`). Every clean offset maps back to the folded text, so a quote taken from a span
is the document's own text and starts on the line the span starts on.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from graph.build.evidence import fold_space

_FOLD = str.maketrans({"–": "-", "—": "-", "‑": "-", "’": "'", "‘": "'", "“": '"', "”": '"'})


def fold_chars(text: str) -> str:
    """`text` with typographic dashes, apostrophes and quotes as plain ASCII (same length)."""
    return text.translate(_FOLD)


class InputError(ValueError):
    """A document that cannot be read as plain text; the message says what to do."""


@dataclass(frozen=True)
class Span:
    """A stretch of the clean text, [start, end)."""

    start: int
    end: int


# Single letters spaced out by single spaces, words kept apart by two or more (a PDF letter-spacing effect).
_SPACED_TOKEN = re.compile(r"\S+")
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
        "its",
        "their",
        "our",
        "his",
        "her",
        "whose",
        "which",
        "that",
        "than",
        "between",
        "through",
        "such",
    ]
)
_BULLET = re.compile(r"^(?:[■•◆♦▪X–—-]\s|\(\w{1,3}\)\s|\d{1,3}\.\s|[ivx]+\)\s)")
_ROW_CODE = re.compile(r"(?:^| )((?:\d{1,2}|[A-C])(?:\.\d{1,2})+)$")
_RESULT_HEAD = re.compile(r"(?:Outcome|Output|Operational objective|Strategic objective|Indicator) [\dA-C]")
_ABBREVIATIONS = frozenset(
    [
        "no",
        "nos",
        "art",
        "para",
        "e.g",
        "i.e",
        "mr",
        "ms",
        "dr",
        "st",
        "vs",
        "cf",
        "fig",
        "ibid",
        "op",
        "ed",
        "eds",
        "vol",
        "pp",
        "p",
        "inc",
        "co",
    ]
)


def _close_letter_spacing(raw: str) -> tuple[str, list[int]]:
    """`raw` with letter-spaced words closed up, and the raw index of each kept character."""
    tokens = [(m.start(), m.end()) for m in _SPACED_TOKEN.finditer(raw)]
    drop: set[int] = set()
    run: list[int] = []

    def close(run: list[int]) -> None:
        singles = sum(1 for i in run if tokens[i][1] - tokens[i][0] == 1 and raw[tokens[i][0]].isalpha())
        if singles >= 4:
            for i in run[1:]:
                drop.update(range(tokens[i - 1][1], tokens[i][0]))

    for index, (start, end) in enumerate(tokens):
        short = end - start <= 2
        joined = bool(run) and start - tokens[run[-1]][1] == 1
        if short and joined:
            run.append(index)
            continue
        close(run)
        run = [index] if short else []
    close(run)
    kept = [i for i in range(len(raw)) if i not in drop]
    return "".join(raw[i] for i in kept), kept


def _fold_with_map(text: str, positions: list[int]) -> tuple[str, list[int]]:
    """`text` with white space runs folded to one space and the ends stripped; positions carried along."""
    out: list[str] = []
    mapped: list[int] = []
    pending = False
    for char, position in zip(text, positions, strict=True):
        if char.isspace():
            pending = bool(out)
            continue
        if pending:
            out.append(" ")
            mapped.append(position)
            pending = False
        out.append(char)
        mapped.append(position)
    return "".join(out), mapped


def _raw_to_folded(raw: str) -> list[int]:
    """For each index of `raw`, the index of its character in fold_space(raw); a space maps to what follows it."""
    result: list[int] = []
    emitted = 0
    seen = False
    gap = False
    for char in raw:
        if char.isspace():
            gap = seen
            result.append(emitted + (1 if gap else 0))
            continue
        if gap:
            emitted += 1
            gap = False
        result.append(emitted)
        emitted += 1
        seen = True
    return result


@dataclass
class Document:
    """One document: its key, raw lines, clean text and the maps between them."""

    key: str
    lines: tuple[str, ...]
    title: str = ""
    text: str = field(init=False)
    folded: str = field(init=False)
    _to_folded: list[int] = field(init=False, repr=False)
    _line_starts: list[int] = field(init=False, repr=False)
    _line_numbers: list[int] = field(init=False, repr=False)
    sentences: list[Span] = field(init=False, repr=False)
    _sentence_starts: list[int] = field(init=False, repr=False)
    headings: list[Span] = field(init=False, repr=False)
    name_text: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        clean_parts: list[str] = []
        to_folded: list[int] = []
        folded_parts: list[str] = []
        folded_offset = 0
        offset = 0
        line_starts: list[int] = []
        line_numbers: list[int] = []
        for number, raw in enumerate(self.lines, 1):
            folded_line = fold_space(raw)
            if not folded_line:
                continue
            closed, kept = _close_letter_spacing(raw)
            clean_line, raw_positions = _fold_with_map(closed, kept)
            raw_map = _raw_to_folded(raw)
            if clean_parts:
                previous = clean_parts[-1]
                # A word broken at the line end by a hyphen is joined again (`Co-` + `operation`).
                rejoin = (
                    len(previous) > 1 and previous[-1] == "-" and previous[-2].isalnum() and clean_line[0].islower()
                )
                if not rejoin:
                    clean_parts.append(" ")
                    to_folded.append(folded_offset - 1)
                    offset += 1
            line_starts.append(offset)
            line_numbers.append(number)
            clean_parts.append(clean_line)
            to_folded.extend(folded_offset + raw_map[p] for p in raw_positions)
            offset += len(clean_line)
            folded_parts.append(folded_line)
            folded_offset += len(folded_line) + 1
        self.text = "".join(clean_parts)
        self.folded = " ".join(folded_parts)
        self._to_folded = to_folded
        self._line_starts = line_starts
        self._line_numbers = line_numbers
        self.headings = self._find_headings()
        self.sentences = self._split_sentences()
        self._sentence_starts = [s.start for s in self.sentences]
        # For capitalized-name patterns: the clean text with plain dashes and quotes, and a line feed where a
        # sentence or heading ends, so that a name never runs from a heading into the text below it.
        chars = list(fold_chars(self.text))
        for span in self.sentences:
            if 0 < span.start <= len(chars) and chars[span.start - 1] == " ":
                chars[span.start - 1] = "\n"
        self.name_text = "".join(chars)

    # ---------------------------------------------------------------- positions

    def line_at(self, offset: int) -> int:
        """The 1-based line that holds clean offset `offset`."""
        index = bisect_right(self._line_starts, offset) - 1
        return self._line_numbers[max(index, 0)]

    def line_span(self, line: int) -> Span | None:
        """The clean span of a line, or None when it is blank."""
        try:
            index = self._line_numbers.index(line)
        except ValueError:
            return None
        end = self._line_starts[index + 1] - 1 if index + 1 < len(self._line_starts) else len(self.text)
        start = self._line_starts[index]
        # A rejoined hyphenated word has no separating space: the next line starts right at `end + 1`.
        if index + 1 < len(self._line_starts) and self.text[end : end + 1] != " ":
            end += 1
        return Span(start, end)

    def quote(self, start: int, end: int) -> str:
        """The folded document text of the clean span [start, end): what a curated quote holds."""
        end = max(end, start + 1)
        return self.folded[self._to_folded[start] : self._to_folded[end - 1] + 1]

    def sentence_at(self, offset: int) -> Span:
        index = bisect_right(self._sentence_starts, offset) - 1
        return self.sentences[max(index, 0)]

    def sentence_index(self, offset: int) -> int:
        return max(bisect_right(self._sentence_starts, offset) - 1, 0)

    # ---------------------------------------------------------------- structure

    def _line_texts(self) -> list[tuple[int, str, int]]:
        """(line number, clean text, clean start) of every non-blank line."""
        out = []
        for index, start in enumerate(self._line_starts):
            end = self._line_starts[index + 1] - 1 if index + 1 < len(self._line_starts) else len(self.text)
            out.append((self._line_numbers[index], self.text[start:end].strip(), start))
        return out

    def _find_headings(self) -> list[Span]:
        """Runs of short lines without final punctuation that stand before a capitalized line: headings.

        A table cell or a section title in the extracted text looks like this; a sentence broken over
        lines ends in punctuation, a comma or a function word, or goes on in lower case.
        """
        lines = self._line_texts()
        blank_before = {self._line_numbers[0]}
        for previous, current in zip(self._line_numbers, self._line_numbers[1:], strict=False):
            if current - previous > 1:
                blank_before.add(current)
        headings: list[Span] = []
        run_start: int | None = None
        run_short = False
        for index, (number, text, start) in enumerate(lines):
            following = lines[index + 1][1] if index + 1 < len(lines) else ""
            before = lines[index - 1][1] if index else ""
            if run_start is None:
                # A heading follows a blank line or a bare number (`2.`, `II.`); after a sentence's end only a
                # results heading or a short line can start one (a long one is the paragraph going on).
                if index == 0 or number in blank_before or re.fullmatch(r"[\dIVX]{1,4}\.?", before):
                    run_start, run_short = start, False
                elif _ends_sentence(before):
                    run_start, run_short = start, _RESULT_HEAD.match(text) is None
            if run_start is None or not (
                text[:1].isupper() or text[:1].isdigit() or _BULLET.match(text) or start > run_start
            ):
                run_start = None
                continue
            continues = following[:1].islower()
            if len(text) > 110 or _ends_sentence(text) or (text.endswith(",") and not continues):
                run_start = None
                continue
            if continues and len(self.text[run_start : start + len(text)]) < 300:
                continue
            opens = (
                not following
                or following[:1].isupper()
                or following[:1].isdigit()
                or following[:1] in '“"■•◆♦'
                or re.match(r"\((?:\d+|[ivx]+|[a-z])\)", following)
            )
            short_enough = not run_short or start + len(text) - run_start <= 40 or _title_like(self.text, run_start)
            if (
                opens
                and short_enough
                and text.rsplit(" ", 1)[-1].lower() not in _FUNCTION_WORDS
                and not text.endswith(",")
            ):
                headings.append(Span(run_start, start + len(text)))
            run_start = None
        return headings

    def _split_sentences(self) -> list[Span]:
        text = self.text
        cuts = {0}
        for heading in self.headings:
            cuts.add(heading.start)
            if self._ends_at(heading.end):
                cuts.add(min(len(text), heading.end + 1))
        line_starts = set(self._line_starts)
        for match in re.finditer(r"[.!?;](?:[”’\")\]]*)\s+(?=[\"“(‘A-Z0-9■•◆♦–—-])", text):
            before = text[max(0, match.start() - 6) : match.start()].rsplit(" ", 1)[-1].lower().lstrip("(")
            if text[match.start()] == "." and before.rstrip(".") in _ABBREVIATIONS:
                continue
            # The code that opens a row of a results table (`6.3.1. Number of ...`) does not end a sentence.
            code = _ROW_CODE.search(text, max(0, match.start() - 12), match.start())
            if text[match.start()] == "." and code and match.start() - len(code.group(1)) in line_starts:
                continue
            cuts.add(match.end())
        # List items and numbered paragraphs at the start of a line begin a new sentence.
        for number, line_text, start in self._line_texts():
            del number
            if _BULLET.match(line_text) or re.match(
                r"^(?:Outcome|Output|Indicator|Operational objective)\b", line_text
            ):
                cuts.add(start)
        ordered = sorted(c for c in cuts if c < len(text))
        spans = []
        for begin, finish in zip(ordered, [*ordered[1:], len(text)], strict=True):
            stripped_end = finish
            while stripped_end > begin and text[stripped_end - 1] == " ":
                stripped_end -= 1
            if stripped_end > begin:
                spans.append(Span(begin, stripped_end))
        return spans

    def _ends_at(self, end: int) -> bool:
        """Whether the text after a heading starts anew: its second word is not capitalized (`Development
        partners have ...`). A capitalized one (`Federal Department of ...`) may be a name broken over lines."""
        if end + 1 >= len(self.text) or self.line_at(end + 1) - self.line_at(end - 1) > 1:
            return True  # a blank line after the heading
        words = self.text[end + 1 : end + 60].split()
        return len(words) < 2 or not words[1][:1].isupper()

    def heading_at(self, offset: int) -> Span | None:
        for heading in self.headings:
            if heading.start <= offset < heading.end:
                return heading
        return None


def _title_like(text: str, start: int) -> bool:
    """Whether the line at `start` is in title case (most words capitalized), as a heading's first line is."""
    line = text[start : start + 60].split("  ")[0]
    words = [w for w in re.findall(r"[A-Za-z][\w’'+-]*", line) if w.lower() not in _FUNCTION_WORDS]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[.;:!?][”’\")\]]*$", text.rstrip()))


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return True
    sample = data[:8192]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return bool(sample) and controls / len(sample) > 0.05


def read_document(path: Path, key: str, title: str = "") -> Document:
    """Read a plain-text document; InputError says what is wrong with a file that is not one."""
    if not path.is_file():
        raise InputError(f"{path}: no such file; give the path of a plain-text (.txt) document")
    data = path.read_bytes()
    if _looks_binary(data):
        raise InputError(f"{path}: this is a binary file, not plain text; extract the document's text first (UTF-8)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            f"{path}:{line}: not UTF-8 (byte {data[error.start]:#04x} at offset {error.start}); "
            "save the file as UTF-8 text"
        ) from error
    if not text.strip():
        raise InputError(f"{path}: the file is empty; give a document with text")
    return Document(key, tuple(text.splitlines()), title)
