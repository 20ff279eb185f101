"""The benchmark generator grows the seed graph into data that is valid, traceable and clearly synthetic."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import pytest
from rdflib import Dataset

from benchmarks.generate import SYNTHETIC_GRAPH, GeneratedGraph, generate, parse_size
from graph.build.evidence import SourceText
from graph.build.reference import read_sdg_indicator_iris
from graph.build.shapes import validate
from graph.ids import IdScheme
from graph.read.questions import Questions
from graph.settings import Settings
from graph.store.embedded import OxigraphStore

if TYPE_CHECKING:
    from conftest import SessionBuild

# The seed graph alone has some 43k triples; grow it by about 15k, enough for every kind of synthetic thing.
GROWTH = 15_000
PREFIXES = """PREFIX ilokg: <https://w3id.org/ilokg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""


@dataclass(frozen=True)
class Generated:
    graph: GeneratedGraph
    store: ox.Store
    target: int
    settings: Settings


@pytest.fixture(scope="module")
def generated(session_build: SessionBuild, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    target = session_build.result.quads + GROWTH
    graph = generate(target, tmp_path_factory.mktemp("bench") / "small", settings=session_build.settings)
    store = ox.Store()
    store.bulk_load(path=str(graph.build.dataset_file), format=ox.RdfFormat.N_QUADS)
    return Generated(graph, store, target, session_build.settings)


def rows(store: ox.Store, sparql: str) -> list[list[str]]:
    result = store.query(PREFIXES + sparql, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    return [[term.value if term is not None else "" for term in row] for row in result]


def test_reaches_the_requested_size_and_counts_it_right(generated: Generated) -> None:
    assert len(generated.store) == generated.graph.quads
    assert abs(generated.graph.quads - generated.target) <= 0.05 * GROWTH
    manifest = json.loads((generated.graph.build.directory / "manifest.json").read_text())
    assert manifest["quads"] == generated.graph.quads
    merged = {quad.triple for quad in generated.store}
    assert manifest["triples"] == generated.graph.triples == len(merged)
    assert manifest["programmes"] >= 1 and manifest["derivations"] >= 1


def test_output_conforms_to_the_shapes(generated: Generated) -> None:
    dataset = Dataset()
    dataset.parse(str(generated.graph.build.dataset_file), format="nquads")
    assert validate(dataset) == []


def test_seed_is_kept_whole_and_everything_new_is_in_the_synthetic_graph(
    generated: Generated, session_build: SessionBuild
) -> None:
    seed = set(session_build.result.dataset_file.read_text(encoding="utf-8").splitlines())
    grown = generated.graph.build.dataset_file.read_text(encoding="utf-8").splitlines()
    assert seed <= set(grown)
    synthetic_graph = f"<{generated.settings.base_iri}{SYNTHETIC_GRAPH}> ."
    new = [line for line in grown if line not in seed]
    assert len(new) == generated.graph.synthetic_triples
    assert all(line.endswith(synthetic_graph) for line in new)
    labels = rows(
        generated.store,
        f"SELECT ?label WHERE {{ GRAPH <{generated.settings.base_iri}{SYNTHETIC_GRAPH}> "
        "{ ?s a ilokg:FlagshipProgramme ; skos:prefLabel ?label } }",
    )
    assert labels and all("Synthetic" in label for (label,) in labels)


def test_every_synthetic_quote_is_found_at_its_line_of_its_synthetic_document(generated: Generated) -> None:
    directory = generated.graph.build.directory
    documents = rows(
        generated.store,
        f"SELECT ?d ?file ?lines ?sha WHERE {{ GRAPH <{generated.settings.base_iri}{SYNTHETIC_GRAPH}> "
        "{ ?d a ilokg:SourceDocument ; ilokg:fileName ?file ; ilokg:lineCount ?lines ; ilokg:sha256 ?sha } }",
    )
    assert len(documents) >= 2
    texts: dict[str, SourceText] = {}
    for document, file, lines, sha in documents:
        path = directory / file
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha
        texts[document] = SourceText.read(file, path)
        assert texts[document].line_count() == int(lines)
    evidence = rows(
        generated.store,
        f"SELECT ?d ?line ?quote WHERE {{ GRAPH <{generated.settings.base_iri}{SYNTHETIC_GRAPH}> "
        "{ ?e a ilokg:Evidence ; dcterms:source ?d ; ilokg:line ?line ; ilokg:quote ?quote } }",
    )
    assert len(evidence) > 1000
    problems = [
        (document, line, quote)
        for document, line, quote in evidence
        if document not in texts or texts[document].find(quote, int(line)) is not None
    ]
    assert problems == []


def test_same_seed_gives_the_same_bytes(generated: Generated, tmp_path: Path) -> None:
    again = generate(generated.target, tmp_path / "again", settings=generated.settings)
    assert again.build.build_id == generated.graph.build.build_id
    assert again.build.dataset_file.read_bytes() == generated.graph.build.dataset_file.read_bytes()


def test_named_question_answers_synthetic_programmes_with_their_evidence(generated: Generated) -> None:
    synthetic = f"<{generated.settings.base_iri}{SYNTHETIC_GRAPH}>"
    stated = rows(
        generated.store,
        f"SELECT ?p ?t WHERE {{ GRAPH {synthetic} {{ ?p a ilokg:FlagshipProgramme . "
        "?e a ilokg:Evidence ; rdf:subject ?p ; rdf:predicate ilokg:servesTarget ; rdf:object ?t } } "
        "ORDER BY ?p ?t LIMIT 1",
    )
    derived = rows(
        generated.store,
        f"SELECT ?p ?t WHERE {{ GRAPH {synthetic} {{ ?p a ilokg:FlagshipProgramme . "
        "?d a ilokg:Derivation ; rdf:subject ?p ; rdf:predicate ilokg:servesTarget ; rdf:object ?t } "
        "FILTER NOT EXISTS { ?e a ilokg:Evidence ; rdf:subject ?p ; rdf:predicate ilokg:servesTarget ; rdf:object ?t } "
        "} ORDER BY ?p ?t LIMIT 1",
    )
    store = OxigraphStore.in_memory(generated.graph.build)
    questions = Questions(
        store, IdScheme(generated.settings.base_iri, read_sdg_indicator_iris(generated.settings.seeds_dir))
    )

    programme, target = stated[0]
    answer = questions.flagships_for_target(target.rsplit("/", 1)[1])
    found = {item.flagship.iri: item for item in answer.stated}
    assert programme in found
    assert all(e.document.id and e.document.id.startswith("document:synthetic-") for e in found[programme].evidence)

    programme, target = derived[0]
    answer = questions.flagships_for_target(target.rsplit("/", 1)[1])
    reached = {item.flagship.iri: item for item in answer.derived_only}
    assert programme in reached
    assert all(derivation.premises for derivation in reached[programme].derivations)


def test_refuses_a_size_below_the_seed(session_build: SessionBuild, tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="below the seed graph"):
        generate(10_000, tmp_path / "tiny", settings=session_build.settings)


@pytest.mark.parametrize(("text", "count"), [("100k", 100_000), ("1M", 1_000_000), ("2.5m", 2_500_000), ("1234", 1234)])
def test_parses_sizes(text: str, count: int) -> None:
    assert parse_size(text) == count
