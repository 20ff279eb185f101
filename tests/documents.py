"""The source documents as the tests read them: their text, and where a regular expression first matches.

Expectations about what the documents say come from here (the text itself), never from the curated rows.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

DOCUMENTS_DIR = Path(__file__).resolve().parent.parent / "seeds" / "documents"


@cache
def text(key: str) -> str:
    """The whole text of the document registered under `key` (gb325-pol7, pir-2020-21, ...)."""
    with (DOCUMENTS_DIR / "documents.csv").open(encoding="utf-8", newline="") as handle:
        files = {row["key"]: row["file"] for row in csv.DictReader(handle)}
    return (DOCUMENTS_DIR / files[key]).read_text(encoding="utf-8")


def find(key: str, pattern: str, start: int = 0) -> re.Match[str]:
    """The first match of `pattern` in the document from character `start` (white space in the pattern may run
    over line breaks: write it as \\s+)."""
    match = re.compile(pattern).search(text(key), start)
    assert match is not None, f"{key} does not say {pattern!r}"
    return match


def line_of(key: str, pattern: str, start: int = 0) -> int:
    """The 1-based line where the first match of `pattern` starts."""
    match = find(key, pattern, start)
    return text(key).count("\n", 0, match.start()) + 1


def between(key: str, first: str, last: str) -> str:
    """The text from the first match of `first` up to the next match of `last`."""
    opening = find(key, first)
    closing = find(key, last, opening.end())
    return text(key)[opening.start() : closing.start()]
