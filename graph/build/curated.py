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
    """A problem in a curated file, located at file:line; `whole_file` when the file could not be read at all."""

    def __init__(self, where: str, message: str, *, whole_file: bool = False) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message
        self.whole_file = whole_file


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


def read_curated(curated_dir: Path, relative_to: Path, problems: list[CuratedError] | None = None) -> list[Row]:
    """Every row of every curated CSV file, in file order.

    Without `problems`, the first malformed file or row raises CuratedError. With it, each one is recorded there
    and left out, and reading goes on, so that one run reports every problem: a row
    with too few or too many cells, a file with a wrong header or not in UTF-8 (left out whole), text that is
    not valid CSV (the rest of that file is left out: where its rows start is no longer known).
    """
    rows: list[Row] = []
    for folder, columns in FOLDERS.items():
        for path in sorted((curated_dir / folder).glob("*.csv")):
            name = str(path.relative_to(relative_to))
            rows.extend(_read_file(path, name, folder, columns, problems))
    return rows


def _read_file(
    path: Path, name: str, folder: str, columns: tuple[str, ...], problems: list[CuratedError] | None
) -> list[Row]:
    def found(error: CuratedError) -> None:
        if problems is None:
            raise error
        problems.append(error)

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        found(CuratedError(f"{name}:1", f"the file is not UTF-8 ({error.reason}); save it as UTF-8", whole_file=True))
        return []
    except OSError as error:
        found(CuratedError(f"{name}:1", f"the file cannot be read ({error.strerror or error})", whole_file=True))
        return []
    reader = csv.reader(text.splitlines(keepends=True), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        found(CuratedError(f"{name}:1", f"the header row is not valid CSV ({error})", whole_file=True))
        return []
    if header is None:
        found(CuratedError(f"{name}:1", f"the file is empty; it needs the header {','.join(columns)}", whole_file=True))
        return []
    header = [cell.strip().lstrip("\ufeff") for cell in header]
    if tuple(header) != columns:
        found(
            CuratedError(
                f"{name}:1", f"the header is {','.join(header)}; it must be {','.join(columns)}", whole_file=True
            )
        )
        return []
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
            found(CuratedError(f"{name}:{start}", f"not valid CSV ({error}){reached}; check the quotes of this row"))
            break
        start = line + 1
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(columns):
            found(
                CuratedError(
                    f"{name}:{start}",
                    f"the row has {len(cells)} cells; it needs {len(columns)} ({','.join(columns)})"
                    + ("; a cell holding a comma must be in double quotes" if len(cells) > len(columns) else ""),
                )
            )
            continue
        rows.append(Row(folder, name, start, {c: v.strip() for c, v in zip(columns, cells, strict=True)}))
    return rows
