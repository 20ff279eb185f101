"""A build refuses bad seeds with a file:line message and leaves the last good build current."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import ScratchBuild, SessionBuild

from graph.build.directory import build, current_build
from graph.build.seeds import BuildError


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


def test_a_broken_shape_fails_naming_the_rows_and_ids(scratch_build: ScratchBuild) -> None:
    path = curated(scratch_build, "links/pb-2022-23.csv")
    wrong_class = "output:2022-23/1.1,outputOf,outcome:2022-23/1,"
    second_parent = "output:2022-23/1.3,outputOf,outcome:2022-23/2,pb-2022-23,294,Output 1.3:,a second outcome"
    wrong_line = line_of(path, wrong_class)
    with (
        edited(path, replace_once(wrong_class, "output:2022-23/1.1,outputOf,output:2022-23/1.2,")),
        edited(path, append_row(second_parent)),
    ):
        added_line = len(path.read_text(encoding="utf-8").splitlines())
        error = failed_build(scratch_build)
    text = str(error)
    assert len(error.problems) == 2, text
    assert (
        f"curated/links/pb-2022-23.csv:{wrong_line}: shape violation: output:2022-23/1.1 ilokg:outputOf: "
        "an output belongs to exactly one outcome (outputOf)"
    ) in text
    assert "shape violation: output:2022-23/1.3 ilokg:outputOf" in text
    assert f"curated/links/pb-2022-23.csv:{added_line}" in text


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
        "it must be subject,link,object,document,line,quote,note"
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
