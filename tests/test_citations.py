"""The document metadata a citation is made of: read from documents.csv into the graph, refused with the row to
fix when an address comes without its source, and cited as plain text and RIS."""

from __future__ import annotations

from conftest import ScratchBuild
from test_build import edited, failed_build, line_of, replace_once

from graph.build.reference import read_sdg_indicator_iris
from graph.ids import IdScheme
from graph.read.citations import Citations
from graph.read.questions import Questions
from graph.settings import Settings
from graph.store.embedded import OxigraphStore
from tests.pages import printed_symbols


def test_an_address_without_its_source_is_refused_with_the_row(scratch_build: ScratchBuild) -> None:
    path = scratch_build.settings.seeds_dir / "documents" / "documents.csv"
    line = line_of(path, "gb325-pol7,")
    row = path.read_text(encoding="utf-8").splitlines()[line - 1]
    without_source = row[: row.index(",https://")] + ",https://www.ilo.org/,"
    with edited(path, replace_once(row, without_source)):
        error = failed_build(scratch_build)
    assert error.problems == [
        f"documents/documents.csv:{line}: document 'gb325-pol7': url must be an https:// address, with url_source "
        "saying where it comes from (the document's text, or the address pattern)"
    ]


def test_every_document_is_cited_with_what_its_text_prints(
    built_store: OxigraphStore, built_settings: Settings
) -> None:
    ids = IdScheme(built_settings.base_iri, read_sdg_indicator_iris(built_settings.seeds_dir))
    citations = Citations(Questions(built_store, ids), built_settings.seeds_dir)
    records = {record.key: record for record in citations.records().values() if not record.is_reference}
    assert {key: record.symbol for key, record in records.items() if record.symbol} == printed_symbols()
    assert all(record.creator and record.issued and record.type for record in records.values())
    # The addresses come from the ILO's pattern for Governing Body papers, built from the symbol the text prints.
    for key, symbol in printed_symbols().items():
        session, section, _ = symbol.removeprefix("GB.").split("/")
        assert records[key].url == f"https://www.ilo.org/gb/GBSessions/GB{session}/{section.lower()}/lang--en/index.htm"
    assert not [key for key, record in records.items() if record.url and key not in printed_symbols()]
    paper = records["gb325-pol7"]
    assert paper.date == "November 2015" and paper.year == "2015"
