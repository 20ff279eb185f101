"""The examples for data people (examples/) run against the live service and give one answer three ways.

The expected statement comes from the document: the 2015 table says IPEC+ serves "target 8.7 (child labour and
forced labour);" on the line where that text starts.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.documents import find

PROJECT_DIR = Path(__file__).resolve().parent.parent
EXAMPLES = PROJECT_DIR / "examples"
QUOTE = "target 8.7 (child labour and forced labour);"


def run(live_server: str, *command: str) -> str:
    done = subprocess.run(
        command,
        env={**os.environ, "ILOKG_URL": live_server},
        cwd=EXAMPLES,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def statement_line(project_seeds: Path) -> int:
    """The line of the 2015 document on which the quote starts (it runs over a line end)."""
    text = (project_seeds / "documents" / "gb325-pol7-flagship-programmes-2015.txt").read_text(encoding="utf-8")
    found = list(re.finditer(r"\s+".join(re.escape(word) for word in QUOTE.split()), text))
    assert len(found) == 1
    return text.count("\n", 0, found[0].start()) + 1


def rows(csv_text: str) -> set[tuple[str, str, str, str]]:
    return {
        (row["flagship"].rsplit("/", 1)[-1], row["document"], row["line"], row["quote"])
        for row in csv.DictReader(io.StringIO(csv_text))
    }


@pytest.fixture(scope="module")
def sparqlwrapper_rows(live_server: str) -> set[tuple[str, str, str, str]]:
    return rows(run(live_server, sys.executable, str(EXAMPLES / "sparql_query.py")))


def test_the_sparqlwrapper_example_finds_the_statement(
    sparqlwrapper_rows: set[tuple[str, str, str, str]], statement_line: int
) -> None:
    assert ("ipec-plus", "document:gb325-pol7", str(statement_line), QUOTE) in sparqlwrapper_rows


def test_the_curl_line_gives_the_same_rows(
    live_server: str, sparqlwrapper_rows: set[tuple[str, str, str, str]]
) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    assert rows(run(live_server, "sh", str(EXAMPLES / "flagships-for-target.sh"))) == sparqlwrapper_rows


def test_the_json_api_example_states_the_same_evidence_and_each_flagship_by_strength(
    live_server: str, sparqlwrapper_rows: set[tuple[str, str, str, str]], statement_line: int
) -> None:
    out = run(live_server, sys.executable, str(EXAMPLES / "json_api.py"), "8.7")
    stated: set[tuple[str, str, str, str]] = set()
    flagship = ""
    for line in out.splitlines():
        if heading := re.fullmatch(r"stated: .* \[flagship:(.+)\]", line):
            flagship = heading.group(1)
        elif evidence := re.fullmatch(r"  (document:\S+) line (\d+): \u201c(.*)\u201d", line):
            stated.add((flagship, evidence.group(1), evidence.group(2), evidence.group(3)))
    assert stated == sparqlwrapper_rows
    assert f"  document:gb325-pol7 line {statement_line}: \u201c{QUOTE}\u201d" in out
    # JPR serves 8.7 through the range 8.2-8.10 the 2015 table states; Better Work is only related to it.
    assert find("gb325-pol7", r"all targets from\s+8\.2 to 8\.10")
    assert re.search(
        r"^stated as a range: .* \[flagship:jobs-for-peace-resilience\]: "
        r"stated as the range 8\.2-8\.10, expanded by rule$",
        out,
        re.MULTILINE,
    )
    assert re.search(r"^related: Better Work \[flagship:better-work\]: related through ", out, re.MULTILINE)


def test_the_json_api_example_prints_the_services_problem(live_server: str) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "json_api.py"), "99.9"],
        env={**os.environ, "ILOKG_URL": live_server},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr == "404: there is no SDG target 99.9; the SDG framework has targets 1.1 to 17.19\n"
