"""Finding a curated quote verbatim in its source document.

A quote matches when, with runs of white space folded into one space, it occurs
in the document text starting on the stated line. PDF extraction breaks lines
anywhere, so quotes may run over line ends; nothing else is forgiven.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

_SPACE = re.compile(r"\s+")
# The shortest quote that identifies its statement (seeds/curated/README.md, "Quotes"): the shortest names and
# codes the documents state links with have four characters (Peru, DFID, 5.1.); shorter text, such as `(`, `the`
# or `ILO`, is found on hundreds of lines, so finding it on the stated line proves nothing. A shorter quote is
# accepted only as the whole text of its line (a heading, a table cell): then nothing else on the line is meant.
MIN_QUOTE_CHARS = 4
# How far past its first line a quote may run (table cells spread over many lines).
_MAX_LINES_SPANNED = 60


def fold_space(text: str) -> str:
    """Fold every run of white space into a single space and strip the ends."""
    return _SPACE.sub(" ", text).strip()


@dataclass(frozen=True)
class SourceText:
    """A source document's lines, for checking quotes against it."""

    key: str
    lines: tuple[str, ...]
    # The folded non-blank lines joined by one space, and where each line starts in it (-1 when blank):
    # quotes are found by one search in this text instead of refolding a window of lines per quote.
    _joined: str = field(init=False, repr=False, compare=False)
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _line_offsets: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _line_numbers: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        parts: list[str] = []
        starts: list[int] = []
        offset = 0
        for line in self.lines:
            folded = fold_space(line)
            if not folded:
                starts.append(-1)
                continue
            starts.append(offset)
            parts.append(folded)
            offset += len(folded) + 1
        object.__setattr__(self, "_joined", " ".join(parts))
        object.__setattr__(self, "_starts", tuple(starts))
        object.__setattr__(self, "_line_offsets", tuple(s for s in starts if s >= 0))
        object.__setattr__(self, "_line_numbers", tuple(n for n, s in enumerate(starts, 1) if s >= 0))

    @classmethod
    def read(cls, key: str, path: Path) -> SourceText:
        return cls(key, tuple(path.read_text(encoding="utf-8").splitlines()))

    def line_count(self) -> int:
        return len(self.lines)

    def is_whole_line(self, quote: str, line: int) -> bool:
        """Whether `quote` is all the text of line `line` (white space folded)."""
        return 1 <= line <= len(self.lines) and fold_space(self.lines[line - 1]) == fold_space(quote)

    def find(self, quote: str, line: int) -> str | None:
        """None when `quote` starts on `line`; otherwise what is wrong, in words a curator can act on."""
        if not 1 <= line <= len(self.lines):
            return f"line {line} is outside document {self.key!r} (it has {len(self.lines)} lines)"
        wanted = fold_space(quote)
        if not wanted:
            return "the quote is empty"
        if self._starts[line - 1] < 0:
            return f"line {line} of {self.key!r} is blank; give the line where the quote starts"
        if self.starts_on(wanted, line):
            return None
        elsewhere = self.locate(wanted)
        hint = f"; it starts on line {elsewhere}" if elsewhere else "; it is nowhere in the document"
        return f"quote {quote!r} does not start on line {line} of {self.key!r}{hint}"

    def starts_on(self, wanted: str, line: int) -> bool:
        """Whether the folded quote `wanted` starts within line `line` (and ends within the lines it may span)."""
        start = self._starts[line - 1]
        if start < 0:
            return False
        first_end = start + len(fold_space(self.lines[line - 1]))
        found = self._joined.find(wanted, start, self._window_end(line))
        return start <= found < first_end

    def _window_end(self, line: int) -> int:
        """Where the text a quote starting on `line` may span ends (exclusive)."""
        last = min(len(self.lines), line + _MAX_LINES_SPANNED)
        following = next((s for s in self._starts[last:] if s >= 0), None)
        return len(self._joined) if following is None else following - 1

    def locate(self, quote: str) -> int | None:
        """The first line on which `quote` starts, if any (for error hints)."""
        wanted = fold_space(quote)
        if not wanted:
            return None
        found = self._joined.find(wanted)
        while found != -1:
            line = self._line_at(found)
            if line is not None and self.starts_on(wanted, line):
                return line
            found = self._joined.find(wanted, found + 1)
        return None

    def _line_at(self, offset: int) -> int | None:
        """The 1-based line whose folded text holds `offset` of the joined text."""
        index = bisect_right(self._line_offsets, offset) - 1
        return self._line_numbers[index] if index >= 0 else None
