"""`ilokg coverage`: lines cited per document and section, and the uncited lines naming codes or flagships."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_cli import ilokg

from api.cli import main
from graph.settings import PROJECT_DIR, Settings

DOCUMENT = """Part I: Results of the year

Outcome 2: International labour standards and supervision
The Convention No. 182 is named here.
Better Work works with factories.
Plain text with no code.

X Table 1. A table of figures
SDG indicator 8.7.1 is in this table.
"""
HEADER = "subject,link,object,document,line,quote,note\n"
CITE_LINE_4 = "C182,altLabel,Convention No. 182,doc,4,The Convention No. 182 is named here.,\n"


def seeds(root: Path, links: str) -> Settings:
    """A seeds dir with one document and one links file; the coverage command reads nothing else."""
    (root / "documents").mkdir(parents=True)
    (root / "documents" / "documents.csv").write_text(
        "key,file,title,symbol,issued,publisher\ndoc,doc.txt,A document,,2021,\n", encoding="utf-8"
    )
    (root / "documents" / "doc.txt").write_text(DOCUMENT, encoding="utf-8")
    (root / "curated" / "links").mkdir(parents=True)
    (root / "curated" / "links" / "doc.csv").write_text(HEADER + links, encoding="utf-8")
    return Settings(seeds_dir=root, data_dir=root / "data")


def test_coverage_counts_sections_and_lists_uncited_lines_naming_codes(tmp_path: Path) -> None:
    done = ilokg(seeds(tmp_path / "seeds", CITE_LINE_4), "coverage")
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[0] == "doc (doc.txt): 1 of 7 lines cited (14 %) by 1 rows; 3 uncited lines name a code or a flagship"
    # sections from the headings, nested, each with its lines and cited lines
    assert "  Part I: Results of the year [lines 1-9]: 1/7 (14 %)" in out
    assert "    Outcome 2: International labour standards and supervision [lines 3-9]: 1/6 (17 %)" in out
    assert "        Table 1. A table of figures [lines 8-9]: 0/2 (0 %)" in out
    uncited = [line for line in out if line.startswith("doc.txt:")]
    assert uncited == [
        "doc.txt:3: [pb] Outcome 2: International labour standards and supervision",
        "doc.txt:5: [flagship] Better Work works with factories.",
        "doc.txt:9: [sdg] SDG indicator 8.7.1 is in this table.",
    ]


def test_a_row_citing_a_line_takes_it_off_the_list(tmp_path: Path) -> None:
    cite_line_5 = "flagship:better-work,prefLabel,Better Work,doc,5,Better Work works,\n"
    done = ilokg(seeds(tmp_path / "seeds", CITE_LINE_4 + cite_line_5), "coverage")
    assert done.returncode == 0, done.stderr
    assert "doc.txt:5:" not in done.stdout
    assert "doc.txt:3:" in done.stdout and "doc.txt:9:" in done.stdout
    assert done.stdout.startswith("doc (doc.txt): 2 of 7 lines cited (29 %) by 2 rows; 2 uncited lines")


def test_a_malformed_curated_file_is_reported_with_its_line(tmp_path: Path) -> None:
    done = ilokg(seeds(tmp_path / "seeds", 'C182,promotesStandard,C182,doc,4,"The Convention\n'), "coverage")
    assert done.returncode == 1
    assert "curated/links/doc.csv:2: not valid CSV" in done.stderr
    assert "Traceback" not in done.stderr


def readme_exceptions() -> set[str]:
    """The uncited lines README.md lists, with its reason, under the coverage summary."""
    text = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    part = text[text.index("## Coverage of the documents") :]
    part = part[: part.index("\n## ", 1)]
    return set(re.findall(r"`([\w.-]+\.txt:\d+)`", part))


def test_the_project_seeds_leave_no_uncited_line_but_those_the_readme_explains(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["coverage"]) == 0
    out = capsys.readouterr().out
    listed = {line.split(": [", 1)[0] for line in out.splitlines() if re.match(r"[\w.-]+\.txt:\d+: \[", line)}
    assert listed == readme_exceptions()
    assert len(re.findall(r"^\S+ \(\S+\.txt\): \d+ of \d+ lines cited", out, re.M)) == 5
