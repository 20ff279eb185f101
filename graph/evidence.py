"""Finding a curated quote verbatim in its source document.

A quote matches when, with runs of white space folded into one space, it occurs
in the document text starting on the stated line. PDF extraction breaks lines
anywhere, so quotes may run over line ends; nothing else is forgiven.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_SPACE = re.compile(r"\s+")
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

    @classmethod
    def read(cls, key: str, path: Path) -> SourceText:
        return cls(key, tuple(path.read_text(encoding="utf-8").splitlines()))

    def line_count(self) -> int:
        return len(self.lines)

    def find(self, quote: str, line: int) -> str | None:
        """None when `quote` starts on `line`; otherwise what is wrong, in words a curator can act on."""
        if not 1 <= line <= len(self.lines):
            return f"line {line} is outside document {self.key!r} (it has {len(self.lines)} lines)"
        wanted = fold_space(quote)
        if not wanted:
            return "the quote is empty"
        if not fold_space(self.lines[line - 1]):
            return f"line {line} of {self.key!r} is blank; give the line where the quote starts"
        if self.starts_on(wanted, line):
            return None
        elsewhere = self.locate(wanted)
        hint = f"; it starts on line {elsewhere}" if elsewhere else "; it is nowhere in the document"
        return f"quote {quote!r} does not start on line {line} of {self.key!r}{hint}"

    def starts_on(self, wanted: str, line: int) -> bool:
        """Whether the folded quote `wanted` starts within line `line`."""
        first = fold_space(self.lines[line - 1])
        if not first:
            return False
        following = (fold_space(text) for text in self.lines[line : line + _MAX_LINES_SPANNED])
        window = " ".join([first, *(text for text in following if text)])
        start = window.find(wanted)
        while start != -1:
            if start < len(first):
                return True
            start = window.find(wanted, start + 1)
        return False

    def locate(self, quote: str) -> int | None:
        """The first line on which `quote` starts, if any (for error hints)."""
        wanted = fold_space(quote)
        return next((n for n in range(1, len(self.lines) + 1) if self.starts_on(wanted, n)), None)
