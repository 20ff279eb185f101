"""Search that reads ILO writing, over the session build: every case a person met (dashes, instrument phrasings,
ranking, precise codes, figures in words)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph.build.reference import read_sdg_indicator_iris
from graph.ids import IdScheme
from graph.read.overview import Overview
from graph.read.questions import Questions
from graph.read.search import SearchHit, SearchTextError, compact, fold
from graph.settings import Settings
from graph.store.embedded import OxigraphStore

DOCUMENTS = Path(__file__).resolve().parent.parent / "seeds" / "documents"


@pytest.fixture(scope="module")
def overview(built_store: OxigraphStore, built_settings: Settings) -> Overview:
    ids = IdScheme(built_settings.base_iri, read_sdg_indicator_iris(built_settings.seeds_dir))
    return Overview(Questions(built_store, ids), built_settings.seeds_dir)


def ids_of(hits: list[SearchHit]) -> list[str | None]:
    return [hit.ref.id for hit in hits]


def test_folding_of_dashes_quotes_and_spaces() -> None:
    assert fold("OSH\u2013GAP") == fold("osh-gap") == fold("OSH \u2014 GAP") == fold("OSH\u2212GAP") == "osh-gap"
    assert fold("workers\u2019  organizations") == fold("workers' organizations") == "workers organizations"
    assert compact("OSH GAP") == compact("OSH\u2013GAP") == "oshgap"
    assert compact("IPEC+") != compact("IPEC")


def test_a_hyphen_finds_the_en_dash_the_documents_print(overview: Overview) -> None:
    paper = (DOCUMENTS / "gb325-pol7-flagship-programmes-2015.txt").read_text(encoding="utf-8")
    assert "OSH\u2013GAP" in paper and "OSH-GAP" not in paper  # the text writes an en dash
    for typed in ("OSH-GAP", "osh gap", "OSH\u2013GAP"):
        first = overview.search(typed)[0]
        assert first.ref.id == "flagship:safety-health-for-all", typed
        assert first.exact


@pytest.mark.parametrize("typed", ["Convention No. 182", "No. 182", "C.182", "C182", "Convention 182", "c 182"])
def test_every_phrasing_of_an_instrument_finds_it_first(overview: Overview, typed: str) -> None:
    assert overview.search(typed)[0].ref.id == "C182"


def test_an_instruments_title_finds_it_first(overview: Overview) -> None:
    pir = (DOCUMENTS / "programme-implementation-2020-21.txt").read_text(encoding="utf-8")
    title = re.search(r"(Worst Forms of Child Labour Convention), 1999 \(No\. 182\)", pir)
    assert title is not None
    for typed in (title.group(0), title.group(1), title.group(1).lower()):
        assert overview.search(typed)[0].ref.id == "C182", typed


def test_child_labour_ranks_the_programme_first_and_reaches_its_standards_and_output(overview: Overview) -> None:
    hits = ids_of(overview.search("child labour"))
    assert hits[0] == "flagship:ipec-plus"
    assert "C138" in hits and "C182" in hits
    assert any(re.fullmatch(r"output:\d{4}-\d\d/7\.1", hit or "") for hit in hits)
    # Names that hold the words come before things found through a link to them.
    assert hits.index("C182") < hits.index("C138")


def test_a_code_finds_that_code_first_and_never_a_longer_one(overview: Overview) -> None:
    hits = overview.search("7.1")
    outputs = [hit for hit in hits if re.fullmatch(r"output:\d{4}-\d\d/7\.1", hit.ref.id or "")]
    assert len(outputs) >= 2  # output 7.1 of each biennium that has one
    assert hits[: len(outputs)] == outputs
    coded = re.compile(r"(?:sdg|outcome|output|indicator):(?:\d{4}-\d\d/)?(.+)")
    for hit in hits:
        code = coded.fullmatch(hit.ref.id or "")
        if code:  # a thing with a code: that code, or one under it
            assert code.group(1) == "7.1" or code.group(1).startswith("7.1."), hit.ref.id
        else:  # anything else names the code as a whole token (a figure of outputs 7.1, 7.2 and 7.3)
            assert re.search(r"(?<![\d.])7\.1(?![.\d])", hit.title), hit.title
    assert "sdg:17.1" not in ids_of(hits) and "sdg:11.7.1" not in ids_of(hits)


def test_a_kind_and_a_code_find_those_things_before_a_part_whose_title_mentions_them(overview: Overview) -> None:
    pir = (DOCUMENTS / "programme-implementation-2020-21.txt").read_text(encoding="utf-8")
    caption = re.search(r"Figure 23\. Results achieved under Outcome 7 \(outputs 7\.1, 7\.2 and 7\.3\)", pir)
    assert caption is not None  # a document part whose title names output 7.1 among others
    for typed in ("output 7.1", "Output 7.1", "outputs 7.1"):
        hits = overview.search(typed)
        outputs = [hit for hit in hits if re.fullmatch(r"output:\d{4}-\d\d/7\.1", hit.ref.id or "")]
        assert len(outputs) >= 2 and hits[: len(outputs)] == outputs and all(hit.exact for hit in outputs), typed
        assert "part:pir-2020-21/figure-23" in ids_of(hits[len(outputs) :]), typed
    assert ids_of(overview.search("outcome 7"))[:3] == ["outcome:2016-17/7", "outcome:2020-21/7", "outcome:2022-23/7"]
    indicator = overview.search("indicator 2.1.1")
    assert indicator[0].ref.id == "indicator:2020-21/2.1.1" and indicator[0].exact
    assert overview.search("SDG target 8.7")[0].ref.id == "sdg:8.7"


def test_words_are_found_at_the_start_of_words_and_in_english(overview: Overview) -> None:
    # "table" is not a word of "preventable" (SDG target 3.2), nor of the French "équitable" of 5.6.2
    assert not {"sdg:3.2", "sdg:5.6.2"} & set(ids_of(overview.search("table 1")))
    assert "flagship:ipec-plus" in ids_of(overview.search("child lab"))


def test_an_acronym_ranks_its_programme_first_and_figures_read_as_words(overview: Overview) -> None:
    hits = overview.search("SPF")
    assert hits[0].ref.id == "flagship:social-protection-floors"
    assert not any("figure:" in hit.title for hit in hits)
    figures = [hit for hit in overview.search("factories") if hit.kind == "figure"]
    assert figures and all(re.search(r"\d", hit.title) and ":" in hit.title for hit in figures)
    assert any("1,500 factories" in hit.title for hit in figures)  # thousands separated, unit in words


def test_an_apostrophe_finds_a_typographic_one(overview: Overview) -> None:
    hits = overview.search("workers' organizations")
    assert any("workers\u2019 organizations" in (hit.ref.label or "") for hit in hits[:3])


def test_a_search_says_what_to_write(overview: Overview) -> None:
    with pytest.raises(SearchTextError, match="write a name"):
        overview.search("   ")
    with pytest.raises(SearchTextError, match="longer than"):
        overview.search("x" * 300)
