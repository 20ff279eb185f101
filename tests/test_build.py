"""A build refuses bad seeds with a file:line message and leaves the last good build current."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ScratchBuild, SessionBuild

from graph.build.directory import build, current_build
from graph.build.evidence import MIN_QUOTE_CHARS, SourceText
from graph.build.seeds import LINKS, BuildError, build_dataset
from ontology.namespaces import ILOKG


@contextmanager
def edited(path: Path, change: Callable[[str], str]) -> Iterator[None]:
    """The file changed by `change` for the duration of the block, then restored byte for byte."""
    original = path.read_bytes()
    text = original.decode("utf-8")
    changed = change(text)
    assert changed != text, f"the edit of {path.name} changed nothing"
    path.write_bytes(changed.encode("utf-8"))
    try:
        yield
    finally:
        path.write_bytes(original)


def replace_once(old: str, new: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        assert text.count(old) == 1, f"{old!r} is not in the file exactly once"
        return text.replace(old, new)

    return change


def append_row(row: str) -> Callable[[str], str]:
    def change(text: str) -> str:
        ending = "\r\n" if "\r\n" in text else "\n"
        return text + ("" if text.endswith(("\n", "\r")) else ending) + row + ending

    return change


def line_of(path: Path, starting: str) -> int:
    """The 1-based line of the file that starts with `starting`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    matches = [n for n, line in enumerate(lines, 1) if line.startswith(starting)]
    assert len(matches) == 1, f"{starting!r} starts {len(matches)} lines of {path.name}"
    return matches[0]


def failed_build(scratch: ScratchBuild) -> BuildError:
    """Build the edited seeds; it must fail and leave the last good build current, byte for byte."""
    before = current_build(scratch.settings.data_dir)
    assert before is not None and before.build_id == scratch.first.build_id
    dataset_bytes = before.dataset_file.read_bytes()
    with pytest.raises(BuildError) as caught:
        build(scratch.settings)
    current = current_build(scratch.settings.data_dir)
    assert current is not None
    assert current.build_id == scratch.first.build_id
    assert current.dataset_file.read_bytes() == dataset_bytes
    return caught.value


def curated(scratch: ScratchBuild, relative: str) -> Path:
    return scratch.settings.seeds_dir / "curated" / relative


def test_build_duration_is_reported(session_build: SessionBuild, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = session_build.result.manifest
    with capsys.disabled():
        print(
            f"\nbuild of the seeds: {session_build.seconds:.2f} s, {manifest['triples']} triples, "
            f"{manifest['statements']} stated links, {manifest['derivations']} derived links"
        )
    assert manifest["statements"] > 4000
    assert manifest["derivations"] > 0


def test_a_tampered_quote_fails_naming_file_and_line(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/gb325-pol7.csv")
    row = "flagship:better-work,servesGoal,sdg:5,gb325-pol7,260,Goal 5: gender equality,"
    line = line_of(path, row)
    with edited(path, replace_once(row, row.replace("gender equality", "gender equity"))):
        error = failed_build(scratch_build)
    assert len(error.problems) == 1
    problem = error.problems[0]
    assert problem.startswith(f"curated/links/gb325-pol7.csv:{line}: ")
    assert "'Goal 5: gender equity' does not start on line 260 of 'gb325-pol7'" in problem
    assert "nowhere in the document" in problem


def test_a_quote_on_the_wrong_line_fails_saying_where_it_is(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/gb325-pol7.csv")
    row = "flagship:better-work,servesGoal,sdg:5,gb325-pol7,260,"
    with edited(path, replace_once(row, row.replace(",260,", ",262,"))):
        error = failed_build(scratch_build)
    assert len(error.problems) == 1
    assert "does not start on line 262 of 'gb325-pol7'; it starts on line 260" in error.problems[0]


def test_a_broken_shape_fails_naming_the_rows_ids_and_values(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/pb-2022-23.csv")
    wrong_class = "output:2022-23/1.1,outputOf,outcome:2022-23/1,"
    second_parent = "output:2022-23/1.3,outputOf,outcome:2022-23/2,pb-2022-23,294,Output 1.3:,a second outcome"
    first_parent = line_of(path, "output:2022-23/1.3,outputOf,outcome:2022-23/1,")
    wrong_line = line_of(path, wrong_class)
    with (
        edited(path, replace_once(wrong_class, "output:2022-23/1.1,outputOf,output:2022-23/1.2,")),
        edited(path, append_row(second_parent)),
    ):
        added_line = len(path.read_text(encoding="utf-8").splitlines())
        error = failed_build(scratch_build)
    assert len(error.problems) == 2, str(error)
    wrong, twice = sorted(error.problems, key=lambda problem: "1.3" in problem)
    # A value of the wrong class: the problem names the row that states it and the value itself.
    assert wrong.startswith(
        f"curated/links/pb-2022-23.csv:{wrong_line}: shape violation: "
        "output:2022-23/1.1 ilokg:outputOf output:2022-23/1.2: "
    ), wrong
    # Two values where one is allowed: each value, with the row that states it.
    assert twice.startswith(f"curated/links/pb-2022-23.csv:{first_parent}: shape violation: output:2022-23/1.3 ")
    assert "an output belongs to exactly one outcome (outputOf)" in twice
    assert f"outcome:2022-23/1 at curated/links/pb-2022-23.csv:{first_parent}" in twice
    assert f"outcome:2022-23/2 at curated/links/pb-2022-23.csv:{added_line}" in twice


def test_a_link_to_a_thing_of_the_wrong_class_fails_but_subclasses_pass(scratch_build: ScratchBuild) -> None:
    """principalStandard wants an Instrument: a Convention (subclass) conforms, an outcome does not."""
    path = curated(scratch_build, "links/gb325-pol7.csv")
    row = "flagship:jpr-test,principalStandard,outcome:2016-17/1,gb325-pol7,345,"
    rows = [
        "flagship:jpr-test,prefLabel,Jobs for Peace and Resilience,gb325-pol7,79,(4) Jobs for Peace and Resilience;,",
        row + '"Outcome 1, More and better jobs;",',
        "flagship:jpr-test,principalStandard,C122,gb325-pol7,336,C.122 employment policy Convention,",
    ]
    with edited(path, append_row("\n".join(rows))):
        error = failed_build(scratch_build)
    assert [p for p in error.problems if "shape violation" in p] == error.problems
    assert any("flagship:jpr-test ilokg:principalStandard" in p for p in error.problems), error.problems
    assert len(error.problems) == 1, "C122 is a Convention, hence an Instrument: only the outcome is wrong"


def test_a_dangling_id_fails(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/gb325-pol7.csv")
    row = (
        "flagship:better-work,partner,organization:no-such-fund,gb325-pol7,121,"
        "Better Work is a partnership between the ILO and the International Finance Corporation (IFC),"
    )
    with edited(path, append_row(row)):
        line = len(path.read_text(encoding="utf-8").splitlines())
        error = failed_build(scratch_build)
    assert error.problems == [
        f"curated/links/gb325-pol7.csv:{line}: unknown id 'organization:no-such-fund': no curated file gives it "
        "a prefLabel and the reference data does not hold it; add a prefLabel row or correct the id"
    ]


def test_an_id_that_breaks_the_scheme_fails(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/gb325-pol7.csv")
    with edited(path, append_row("flagship:better-work,servesTarget,sdg:8.99.9,gb325-pol7,75,(1) Better Work;,")):
        error = failed_build(scratch_build)
    assert "'sdg:8.99.9': there is no SDG indicator 8.99.9 in the SDG framework" in str(error)


def test_a_repeated_figure_id_fails(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "figures/gb325-pol7.csv")
    row = (
        "figure:better-work-workers-2014,flagship:better-work,workers,1000000,workers,more than,2014,gb325-pol7,128,"
        "Over 1 million workers,"
    )
    with edited(path, append_row(row)):
        line = len(path.read_text(encoding="utf-8").splitlines())
        error = failed_build(scratch_build)
    assert len(error.problems) == 1
    assert error.problems[0].startswith(f"curated/figures/gb325-pol7.csv:{line}: figure id ")
    assert "repeats curated/figures/gb325-pol7.csv:2" in error.problems[0]


def test_a_second_pref_label_fails(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/gb325-pol7.csv")
    # IPEC+ has its one prefLabel in this file; stating another name as prefLabel is refused.
    row = (
        "flagship:ipec-plus,prefLabel,IPEC,gb325-pol7,140,"
        "The International Programme on the Elimination of Child Labour (IPEC),"
    )
    first = line_of(path, "flagship:ipec-plus,prefLabel,")
    with edited(path, append_row(row)):
        error = failed_build(scratch_build)
    assert len(error.problems) == 1
    assert f"already has a prefLabel at curated/links/gb325-pol7.csv:{first}" in error.problems[0]


def test_an_other_name_equal_to_the_pref_label_is_refused(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/gb325-pol7.csv")
    row = (
        "flagship:jobs-for-peace-resilience,altLabel,Jobs for Peace and Resilience,gb325-pol7,180,"
        "Jobs for Peace and Resilience (JPR),"
    )
    with edited(path, append_row(row)):
        error = failed_build(scratch_build)
    assert "is already the prefLabel of flagship:jobs-for-peace-resilience; write this row as prefLabel" in str(error)


def test_a_repeated_row_fails(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/gb325-pol7.csv")
    row = "flagship:better-work,servesGoal,sdg:5,gb325-pol7,260,Goal 5: gender equality,again"
    with edited(path, append_row(row)):
        error = failed_build(scratch_build)
    assert "this row repeats curated/links/gb325-pol7.csv:" in str(error)


def test_a_wrong_header_fails_on_line_1(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/gb325-pol7.csv")
    with edited(path, replace_once("subject,link,object,", "subject,relation,object,")):
        error = failed_build(scratch_build)
    assert error.problems == [
        "curated/links/gb325-pol7.csv:1: the header is subject,relation,object,document,line,quote,note; "
        "it must be subject,link,object,document,line,quote,note",
        # The names the file gives are not read, so the ids it names cannot be told known: no cascade of those.
        "ids were not checked for a prefLabel: curated/links/gb325-pol7.csv could not be read; fix the problems "
        "above and build again",
    ]


def test_an_unclosed_quote_fails_on_the_row_that_opens_it(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/gb325-pol7.csv")
    row = 'flagship:better-work,servesGoal,sdg:5,gb325-pol7,260,"Goal 5: gender equality,'
    with edited(path, append_row(row)):
        line = len(path.read_text(encoding="utf-8").splitlines())
        error = failed_build(scratch_build)
    assert len(error.problems) == 1
    assert error.problems[0].startswith(f"curated/links/gb325-pol7.csv:{line}: not valid CSV")
    assert "check the quotes" in error.problems[0]


def test_a_row_with_too_few_cells_fails(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/gb325-pol7.csv")
    with edited(path, append_row("flagship:better-work,servesGoal,sdg:5")):
        line = len(path.read_text(encoding="utf-8").splitlines())
        error = failed_build(scratch_build)
    assert error.problems == [
        f"curated/links/gb325-pol7.csv:{line}: the row has 3 cells; it needs 7 "
        "(subject,link,object,document,line,quote,note)"
    ]


def test_short_and_long_rows_do_not_hide_the_other_problems(scratch_build: ScratchBuild) -> None:
    """Rows with the wrong number of cells are reported with everything else the same run finds."""
    links = curated(scratch_build, "links/gb325-pol7.csv")
    figures = curated(scratch_build, "figures/gb325-pol7.csv")
    rows = "\n".join(
        [
            "flagship:better-work,servesGoal,sdg:5",
            "flagship:better-work,servesGoal,sdg:5,gb325-pol7,260,Goal 5: gender, equality,",
            "flagship:better-work,speaksTo,sdg:5,gb325-pol7,260,Goal 5: gender equality,",
        ]
    )
    figure = "figure:test-short,flagship:better-work,workers,5"
    with edited(links, append_row(rows)), edited(figures, append_row(figure)):
        last = len(links.read_text(encoding="utf-8").splitlines())
        figure_line = len(figures.read_text(encoding="utf-8").splitlines())
        error = failed_build(scratch_build)
    assert sorted(error.problems) == sorted(
        [
            f"curated/links/gb325-pol7.csv:{last - 2}: the row has 3 cells; it needs 7 "
            "(subject,link,object,document,line,quote,note)",
            f"curated/links/gb325-pol7.csv:{last - 1}: the row has 8 cells; it needs 7 "
            "(subject,link,object,document,line,quote,note); a cell holding a comma must be in double quotes",
            f"curated/figures/gb325-pol7.csv:{figure_line}: the row has 4 cells; it needs 11 "
            "(figure,subject,measure,amount,unit,qualifier,year,document,line,quote,note)",
            f"curated/links/gb325-pol7.csv:{last}: unknown link 'speaksTo'; use one of " + ", ".join(LINKS),
        ]
    ), str(error)


def test_a_file_with_a_wrong_header_does_not_hide_the_other_files(scratch_build: ScratchBuild) -> None:
    links = curated(scratch_build, "links/gb325-pol7.csv")
    figures = curated(scratch_build, "figures/gb325-pol7.csv")
    row = "flagship:better-work,speaksTo,sdg:5,gb325-pol7,260,Goal 5: gender equality,"
    with edited(figures, replace_once("figure,subject,", "figure,thing,")), edited(links, append_row(row)):
        line = len(links.read_text(encoding="utf-8").splitlines())
        error = failed_build(scratch_build)
    problems = str(error)
    assert "curated/figures/gb325-pol7.csv:1: the header is figure,thing," in problems
    assert f"curated/links/gb325-pol7.csv:{line}: unknown link 'speaksTo'" in problems


# ------------------------------------------------------------------ quotes long enough to identify their statement


def document_lines(scratch: ScratchBuild, file: str) -> list[str]:
    return (scratch.settings.seeds_dir / "documents" / file).read_text(encoding="utf-8").splitlines()


def test_a_quote_too_short_to_identify_its_statement_fails(scratch_build: ScratchBuild) -> None:
    """`(` is on the cited line, so finding it there passes the evidence check, and proves nothing."""
    lines = document_lines(scratch_build, "gb325-pol7-flagship-programmes-2015.txt")
    cited = next(n for n, text in enumerate(lines, 1) if "(" in text and len(text.strip()) > 1)
    source = SourceText("gb325-pol7", tuple(lines))
    assert source.find("(", cited) is None  # the quote is there: only its length makes it refused
    path = curated(scratch_build, "links/gb325-pol7.csv")
    with edited(path, append_row(f"flagship:better-work,servesGoal,sdg:5,gb325-pol7,{cited},(,")):
        line = len(path.read_text(encoding="utf-8").splitlines())
        error = failed_build(scratch_build)
    assert error.problems == [
        f"curated/links/gb325-pol7.csv:{line}: quote '(' is too short to identify what line {cited} states: "
        f"quote at least {MIN_QUOTE_CHARS} characters (the words that state it), or the whole line where it holds "
        "nothing else (a heading, a table cell)"
    ]


def test_a_short_quote_is_accepted_as_its_whole_line_with_a_letter_or_digit(scratch_build: ScratchBuild) -> None:
    """A heading alone on its line (JPR) identifies what it states; a bullet alone on its line (■) does not."""
    brochure = document_lines(scratch_build, "flagships-brochure-2020.txt")
    heading = next(n for n, text in enumerate(brochure, 1) if text.strip() == "JPR")
    report = document_lines(scratch_build, "gb325-pol7-flagship-programmes-2015.txt")
    bullet = next(n for n, text in enumerate(report, 1) if text.strip() == "\u25a0")
    links = curated(scratch_build, "links/brochure-2020.csv")
    row = f"flagship:jobs-for-peace-resilience,acronym,JPR,brochure-2020,{heading},JPR,"
    if row in links.read_text(encoding="utf-8"):  # the curators quote the heading already
        output = build_dataset(scratch_build.settings)
    else:
        with edited(links, append_row(row)):
            output = build_dataset(scratch_build.settings)  # checks only: the current build stays as it is
    lines = {int(line) for _, _, line, _ in output.dataset.quads((None, ILOKG.line, None, None))}
    quotes = {str(quote) for _, _, quote, _ in output.dataset.quads((None, ILOKG.quote, None, None))}
    assert "JPR" in quotes and heading in lines
    path = curated(scratch_build, "links/gb325-pol7.csv")
    with edited(path, append_row(f"flagship:better-work,servesGoal,sdg:5,gb325-pol7,{bullet},\u25a0,")):
        error = failed_build(scratch_build)
    assert len(error.problems) == 1 and "quote '\u25a0' is too short" in error.problems[0]


def test_a_table_cell_quote_must_be_the_value_it_records(scratch_build: ScratchBuild) -> None:
    """A cell is quoted as it stands: `25` alone on its line holds the value 25, and no other."""
    lines = document_lines(scratch_build, "programme-implementation-2020-21.txt")
    path = curated(scratch_build, "indicator-values/pir-2020-21-outcomes-1-4.csv")
    row = "indicator:2020-21/1.1.1,target,,,25,25,pir-2020-21,3709,25,"
    assert lines[3709 - 1].strip() == "25"
    with edited(path, replace_once(row, row.replace(",,,25,25,", ",,,26,26,"))):
        line = line_of(path, "indicator:2020-21/1.1.1,target,,,26,26,")
        error = failed_build(scratch_build)
    assert error.problems == [
        f"curated/indicator-values/pir-2020-21-outcomes-1-4.csv:{line}: quote '25' is too short to identify a "
        f"value: quote at least {MIN_QUOTE_CHARS} characters, or a table cell whole: its line must hold nothing "
        "else and the quote must be the row's amount or value_text"
    ]


def test_the_bound_rejects_no_quote_the_documents_state_links_with(project_seeds: Path) -> None:
    """The bound is the length of the shortest name or code a document states a link with: four characters."""
    lines = (project_seeds / "documents" / "flagships-brochure-2020.txt").read_text(encoding="utf-8").splitlines()
    assert any(re.search(r"\bPeru\b", line) for line in lines)
    assert len("Peru") == MIN_QUOTE_CHARS
    # Shorter text is on hundreds of lines of the documents: finding it on a cited line shows nothing.
    every_line = [
        line
        for document in sorted((project_seeds / "documents").glob("*.txt"))
        for line in document.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    for fragment in ("(", "ILO", "the"):
        assert sum(fragment in line for line in every_line) > 400, fragment


# ------------------------------------------------------------------ files: a message, never a traceback


def test_a_listed_document_that_is_missing_is_named_with_its_registry_line(scratch_build: ScratchBuild) -> None:
    registry = scratch_build.settings.seeds_dir / "documents" / "documents.csv"
    row = "ilo-missing,ilo-missing-report.txt,A report that is not there,,2024,International Labour Office"
    with edited(registry, append_row(row)):
        line = line_of(registry, "ilo-missing,")
        error = failed_build(scratch_build)
    assert error.problems == [
        f"documents/documents.csv:{line}: document 'ilo-missing': cannot read ilo-missing-report.txt "
        "(No such file or directory); add the file to seeds/documents/ or correct the row"
    ]


def test_a_bad_amount_and_a_bad_year_fail(scratch_build: ScratchBuild) -> None:
    figures = curated(scratch_build, "figures/gb325-pol7.csv")
    links = curated(scratch_build, "links/gb325-pol7.csv")
    figure = (
        'figure:test-amount,flagship:better-work,workers,"1,000,000",workers,,2014,gb325-pol7,128,'
        "Over 1 million workers,"
    )
    year = 'P029,adoptionYear,"2014 ",gb325-pol7,271,the 2014 Protocol to C.29.,'
    with edited(figures, append_row(figure)), edited(links, append_row(year.replace('"2014 "', "14"))):
        error = failed_build(scratch_build)
    text = str(error)
    assert "amount '1,000,000' is not a number" in text
    assert "adoptionYear '14' must be a four-digit year" in text


def test_several_problems_are_all_reported(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/gb325-pol7.csv")
    rows = "\n".join(
        [
            "flagship:better-work,partner,organization:no-such-fund,gb325-pol7,121,Better Work,",
            "flagship:better-work,servesGoal,sdg:5,gb325-pol7,261,Goal 5: gender equality,",
            "flagship:better-work,speaksTo,sdg:5,gb325-pol7,260,Goal 5: gender equality,",
        ]
    )
    with edited(path, append_row(rows)):
        error = failed_build(scratch_build)
    text = str(error)
    assert len(error.problems) == 3, text
    assert "unknown id 'organization:no-such-fund'" in text
    assert "does not start on line 261" in text
    assert "unknown link 'speaksTo'" in text
