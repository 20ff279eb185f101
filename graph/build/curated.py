"""Reading the curated CSV files (seeds/curated/) into rows that know their file and line."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

LINK_COLUMNS = ("subject", "link", "object", "document", "line", "quote", "note")
FIGURE_COLUMNS = (
    "figure",
    "subject",
    "measure",
    "amount",
    "unit",
    "qualifier",
    "year",
    "document",
    "line",
    "quote",
    "note",
)
VALUE_COLUMNS = ("indicator", "kind", "region", "part", "amount", "value_text", "document", "line", "quote", "note")

FOLDERS: dict[str, tuple[str, ...]] = {
    "links": LINK_COLUMNS,
    "figures": FIGURE_COLUMNS,
    "indicator-values": VALUE_COLUMNS,
}


class CuratedError(ValueError):
    """A problem in a curated file, located at file:line."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass(frozen=True)
class Row:
    """One curated row: its values by column, and where it stands."""

    folder: str
    file: str
    line: int
    values: dict[str, str]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def __getitem__(self, column: str) -> str:
        return self.values[column]

    def source_line(self) -> int:
        """The document line the row cites, or a CuratedError saying what to write."""
        text = self.values["line"]
        if not text.isdigit() or int(text) < 1:
            raise CuratedError(self.where, f"line {text!r} must be a positive whole number (the document line)")
        return int(text)


def read_curated(curated_dir: Path, relative_to: Path) -> list[Row]:
    """Every row of every curated CSV file, in file order; a malformed file raises CuratedError."""
    rows: list[Row] = []
    for folder, columns in FOLDERS.items():
        for path in sorted((curated_dir / folder).glob("*.csv")):
            name = str(path.relative_to(relative_to))
            rows.extend(_read_file(path, name, folder, columns))
    return rows


def _read_file(path: Path, name: str, folder: str, columns: tuple[str, ...]) -> list[Row]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise CuratedError(f"{name}:1", f"the file is not UTF-8 ({error.reason}); save it as UTF-8") from error
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise CuratedError(f"{name}:1", f"the header row is not valid CSV ({error})") from error
    if header is None:
        raise CuratedError(f"{name}:1", f"the file is empty; it needs the header {','.join(columns)}")
    header = [cell.strip().lstrip("\ufeff") for cell in header]
    if tuple(header) != columns:
        raise CuratedError(f"{name}:1", f"the header is {','.join(header)}; it must be {','.join(columns)}")
    rows = []
    line = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            # The row starts after the last good one; an open quote makes the reader fail lines later.
            start = line + 1
            reached = f" (read on to line {reader.line_num})" if reader.line_num > start else ""
            raise CuratedError(
                f"{name}:{start}", f"not valid CSV ({error}){reached}; check the quotes of this row"
            ) from error
        start = line + 1
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            raise CuratedError(
                f"{name}:{start}", f"the row has {len(cells)} cells; it needs {len(columns)} ({','.join(columns)})"
            )
        rows.append(Row(folder, name, start, {c: v.strip() for c, v in zip(columns, cells, strict=True)}))
    return rows
