"""The on-disk store answers as the in-memory one, reopens without reloading, and exports stream."""

from __future__ import annotations

import dataclasses
import gc
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
import pytest

from graph.build.directory import BuildResult
from graph.build.reference import read_sdg_indicator_iris
from graph.ids import IdScheme
from graph.read.questions import Questions
from graph.store.base import query_text
from graph.store.embedded import OxigraphStore
from graph.store.formats import N_QUADS, N_TRIPLES, TURTLE

if TYPE_CHECKING:
    from conftest import SessionBuild

QUERIES = [
    """PREFIX ilokg: <https://w3id.org/ilokg/ontology#>
SELECT ?flagship ?target WHERE { ?flagship a ilokg:FlagshipProgramme ; ilokg:servesTarget ?target }
ORDER BY ?flagship ?target""",
    """PREFIX ilokg: <https://w3id.org/ilokg/ontology#>
SELECT ?kind (COUNT(?value) AS ?n) WHERE { ?value ilokg:valueKind ?kind } GROUP BY ?kind ORDER BY ?kind""",
    """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?indicator ?goal WHERE { ?indicator skos:broader/skos:broader ?goal } ORDER BY ?indicator ?goal LIMIT 50""",
    "ASK { ?s ?p ?o }",
    "ASK { <urn:nothing> ?p ?o }",
]
CONSTRUCT = """PREFIX ilokg: <https://w3id.org/ilokg/ontology#>
CONSTRUCT { ?f ilokg:principalStandard ?s } WHERE { ?f ilokg:principalStandard ?s }"""
TARGETS = ["8.7", "1.3", "8.8", "16.2"]


@pytest.fixture(scope="module")
def stores(
    session_build: SessionBuild, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[OxigraphStore, OxigraphStore]]:
    memory = OxigraphStore.in_memory(session_build.result)
    disk = OxigraphStore.on_disk(tmp_path_factory.mktemp("store") / "oxigraph", session_build.result)
    yield memory, disk


def test_on_disk_and_in_memory_answer_the_same(stores: tuple[OxigraphStore, OxigraphStore]) -> None:
    memory, disk = stores
    assert disk.build_id == memory.build_id
    assert disk.counts() == memory.counts()
    assert disk.graph_names() == memory.graph_names()
    for query in QUERIES:
        assert json.loads(query_text(disk, query).body) == json.loads(query_text(memory, query).body), query
    graphs = [ox.Store() for _ in range(2)]
    for graph, store in zip(graphs, stores, strict=True):
        graph.load(query_text(store, CONSTRUCT, N_TRIPLES).body, format=ox.RdfFormat.N_TRIPLES)
    assert len(graphs[0]) > 0
    assert set(graphs[0]) == set(graphs[1])


def test_users_queries_see_only_the_builds_quads(
    session_build: SessionBuild, stores: tuple[OxigraphStore, OxigraphStore]
) -> None:
    # The build id an on-disk store holds is kept out of the graph: counting over the union of all
    # graphs gives exactly the build's own quads, on disk as in memory.
    expected = sum(1 for line in session_build.result.dataset_file.read_bytes().splitlines() if line.strip())
    for store in stores:
        body = json.loads(query_text(store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").body)
        assert int(body["results"]["bindings"][0]["n"]["value"]) == expected
        assert store.counts().quads == expected


def test_named_questions_answer_the_same_on_disk(
    stores: tuple[OxigraphStore, OxigraphStore], session_build: SessionBuild
) -> None:
    settings = session_build.settings
    ids = IdScheme(settings.base_iri, read_sdg_indicator_iris(settings.seeds_dir))
    memory, disk = (Questions(store, ids) for store in stores)
    for target in TARGETS:
        answer = dataclasses.asdict(memory.flagships_for_target(target))
        assert answer == dataclasses.asdict(disk.flagships_for_target(target)), target
    assert dataclasses.asdict(memory.flagships_for_target("8.7"))["stated"]


def test_on_disk_store_reopens_without_reloading_and_reloads_for_another_build(
    session_build: SessionBuild, tmp_path: Path
) -> None:
    path = tmp_path / "oxigraph"
    build = session_build.result
    first = OxigraphStore.on_disk(path, build)
    count = first.counts()
    # A mark that only this store directory holds: a reload from the build file would lose it.
    mark = ox.Quad(
        ox.NamedNode("urn:test:mark"), ox.NamedNode("urn:test:kept"), ox.Literal("yes"), ox.NamedNode("urn:test:g")
    )
    first.oxigraph.add(mark)
    del first
    gc.collect()  # closes the store, so that it can be opened again

    again = OxigraphStore.on_disk(path, build)
    assert again.build_id == build.build_id
    assert mark in again.oxigraph  # not reloaded: the directory's own quad is still there
    assert again.counts() == count  # the count recorded when the store was loaded (no scan)
    del again
    gc.collect()

    reopened = OxigraphStore.on_disk(path, None)  # no build given: whatever the store holds
    assert reopened.build_id == build.build_id and mark in reopened.oxigraph
    del reopened
    gc.collect()

    other_directory = tmp_path / "other-build"
    other_directory.mkdir()
    other_file = other_directory / "dataset.nq"
    other_file.write_text("<urn:a> <urn:b> <urn:c> <urn:g> .\n<urn:a> <urn:b> <urn:d> <urn:g> .\n", encoding="utf-8")
    other = BuildResult("0123456789abcdef", other_directory, other_file, {"build_id": "0123456789abcdef"})
    reloaded = OxigraphStore.on_disk(path, other)
    assert reloaded.build_id == other.build_id
    assert reloaded.counts().quads == 2
    assert reloaded.graph_names() == ["urn:g"]
    assert mark not in reloaded.oxigraph


def test_exports_hold_every_triple_and_the_nquads_export_every_quad(
    stores: tuple[OxigraphStore, OxigraphStore], session_build: SessionBuild
) -> None:
    memory, disk = stores
    expected_quads = set(ox.parse(path=str(session_build.result.dataset_file), format=ox.RdfFormat.N_QUADS))
    # Oxigraph keeps literals in canonical form (a dateTime's +00:00 becomes Z), so the triple formats are
    # compared with what the store holds, the N-Quads export (the build's own file) with the file.
    expected_triples = {quad.triple for quad in memory.oxigraph}
    for store in (memory, disk):
        for media_type, rdf_format in ((TURTLE, ox.RdfFormat.TURTLE), (N_TRIPLES, ox.RdfFormat.N_TRIPLES)):
            for _ in range(2):  # the second export is read back from the build's copy
                body = b"".join(store.export(media_type))
                assert {q.triple for q in ox.parse(body, format=rdf_format)} == expected_triples
        quads = set(ox.parse(b"".join(store.export(N_QUADS)), format=ox.RdfFormat.N_QUADS))
        assert quads == expected_quads  # the store's own build-id record stays out


def test_an_export_abandoned_by_its_reader_stops_its_serializer(tmp_path: Path) -> None:
    directory = tmp_path / "build"
    directory.mkdir()
    dataset = directory / "dataset.nq"
    with dataset.open("w", encoding="utf-8") as out:
        for n in range(60_000):
            out.write(f'<urn:s{n}> <urn:p> "a literal long enough to fill chunks {n}" <urn:g{n % 3}> .\n')
    store = OxigraphStore.in_memory(BuildResult("fedcba9876543210", directory, dataset, {}))
    chunks = store.export(TURTLE)  # a directory without the build's exports: serialized while it is read
    first = next(chunks)
    assert first.startswith(b"@prefix") or first.startswith(b"<urn:s")
    assert any(thread.name == "ilokg-export" for thread in threading.enumerate())
    chunks.close()
    assert not any(thread.name == "ilokg-export" for thread in threading.enumerate())
    whole = b"".join(store.export(TURTLE))
    assert len(list(ox.parse(whole, format=ox.RdfFormat.TURTLE))) == 60_000
