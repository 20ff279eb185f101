"""Where a document's text places a line (paragraph, table, box, appendix, heading), read by rule from the text:
checked against the five texts (expectations read from them with regexes) and against small texts that isolate
each rule."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.read.places import Place, Places

DOCUMENTS = Path(__file__).resolve().parent.parent / "seeds" / "documents"


def lines_of(file: str) -> list[str]:
    return (DOCUMENTS / file).read_text(encoding="utf-8").splitlines()


def line_of(lines: list[str], pattern: str, after: int = 0) -> int:
    """The 1-based number of the first line (after line `after`) matching `pattern`."""
    return next(n for n, text in enumerate(lines, 1) if n > after and re.search(pattern, text))


@pytest.fixture(scope="module")
def gb325() -> tuple[list[str], Places]:
    lines = lines_of("gb325-pol7-flagship-programmes-2015.txt")
    return lines, Places(lines)


def test_a_line_is_in_the_numbered_paragraph_before_it(gb325: tuple[list[str], Places]) -> None:
    lines, places = gb325
    numbered = [(n, m.group(1)) for n, text in enumerate(lines, 1) if (m := re.match(r"(\d+)\. [A-Z]", text))]
    assert [int(number) for _, number in numbered] == list(range(1, len(numbered) + 1))  # the text runs 1, 2, 3, ...
    for (start, number), (end, _) in zip(numbered, [*numbered[1:], (len(lines) + 1, "")], strict=True):
        for line in (start, (start + end) // 2, end - 1):
            assert places.at(line).paragraph == number, (line, lines[line - 1])


def test_the_cells_of_a_table_are_not_headings(gb325: tuple[list[str], Places]) -> None:
    # The table of paragraph 14 lists P&B outcomes by number ("Outcome 7: Workplace" in two rows).
    lines, places = gb325
    cell = line_of(lines, r"^Outcome 2: International labour")
    assert len([text for text in lines if text.startswith("Outcome 7:")]) > 1
    assert places.at(cell) == Place(paragraph="14")
    assert places.at(cell + 1).heading is None


def test_a_list_is_not_numbered_paragraphs() -> None:
    lines = lines_of("flagships-brochure-2020.txt")
    places = Places(lines)
    item = line_of(lines, r"^1\. Building social protection systems")
    assert places.at(item).paragraph is None and places.at(item + 3).paragraph is None


def test_pb_2002_03_tables_headings_and_paragraphs() -> None:
    lines = lines_of("pb-2002-03-social-protection.txt")
    places = Places(lines)
    caption = line_of(lines, r"^Table 6\. ")
    row = line_of(lines, r"^3a Social security\t")
    assert places.at(caption).container == "Table 6" and places.at(row).container == "Table 6"
    assert places.at(row).paragraph is None  # the table is not part of the paragraph before it
    after = line_of(lines, r"^106\. ")
    assert places.at(after) == Place(paragraph="106", heading="Strategic objective 3")
    indicator = line_of(lines, r"^Indicator 3a\.1:")
    target = line_of(lines, r"member States\.$", after=indicator)
    assert places.at(target) == Place(heading="Indicator 3a.1")
    strategy = line_of(lines, r"^- 110\. ", after=indicator)
    assert places.at(strategy) == Place(paragraph="110", heading="Indicator 3a.1")


def test_pir_boxes_outcomes_and_appendix_tables() -> None:
    lines = lines_of("programme-implementation-2020-21.txt")
    places = Places(lines)
    box = line_of(lines, r"^Box 12\. Ratification of fundamental Conventions")
    inside = line_of(lines, r"^On 20 April 2021, the Republic of Korea", after=box)
    assert places.at(inside).container == "Box 12" and places.at(inside).heading == "Outcome 2"
    after_box = line_of(lines, r"^$", after=inside) + 1  # the box is one block: the text after it is not in it
    assert places.at(after_box).container is None
    box27 = line_of(lines, r"^Box 27\. Global estimates")
    resumed = line_of(lines, r"^ The growth in demands", after=box27)  # a line opening with a space ends a box
    assert places.at(resumed - 1).container == "Box 27" and places.at(resumed).container is None
    outcome3 = line_of(lines, r"^Outcome 3: Economic, social")  # a heading whose title runs on with a comma
    assert places.at(outcome3 + 40).heading == "Outcome 3"
    title = line_of(lines, r"^ Policy outcomes, outputs and indicators: Targets and results achieved$")
    row = line_of(lines, r"^7\.1\.2\. Number of Member", after=title)
    assert (
        places.at(row).heading
        == "section \u201cPolicy outcomes, outputs and indicators: Targets and results achieved\u201d"
    )
    enabling = line_of(lines, r"^ Enabling outcomes, outputs and indicators: Targets and results achieved$")
    assert "Enabling outcomes" in (places.at(len(lines)).heading or "") and enabling < len(lines)


def test_pb_2022_23_outputs() -> None:
    lines = lines_of("pb-2022-23-preview.txt")
    places = Places(lines)
    output = line_of(lines, r"^Output 7\.1: ")
    next_output = line_of(lines, r"^Output 7\.2: ")
    assert {places.at(n).heading for n in range(output, next_output)} == {"Output 7.1"}
    assert places.at(line_of(lines, r"^Output A\.2\. ")).heading == "Output A.2"


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        # An appendix heading places everything after it; a table inside it adds itself.
        ("Intro.\n\nAppendix II. Tables\nsome text\n\nTable 3. Results\nrow one\n\nafter", 4, "Appendix II"),
        ("Intro.\n\nAppendix II. Tables\nsome text\n\nTable 3. Results\nrow one\n\nafter", 7, "Appendix II, Table 3"),
        ("Intro.\n\nAppendix II. Tables\nsome text\n\nTable 3. Results\nrow one\n\nafter", 9, "Appendix II"),
        # Running text that names an appendix is no heading.
        ("Appendix II contains a table with the results.\nmore", 2, ""),
        # A figure's caption places only itself.
        ("X Figure 4. Budget\nBody text after the figure.", 1, "Figure 4"),
        ("X Figure 4. Budget\nBody text after the figure.", 2, ""),
    ],
)
def test_each_rule_on_a_small_text(text: str, line: int, expected: str) -> None:
    assert Places(text.splitlines()).at(line).text == expected


def test_a_line_outside_the_text_has_no_place() -> None:
    places = Places(["1. One"])
    assert not places.at(0) and not places.at(2)
