"""The `ilokg` command, run as a real subprocess: build, validate, export, query, ask."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ScratchBuild
from rdflib import Dataset, Graph

from graph.build.directory import current_build
from graph.build.reference import read_sdg_indicator_iris
from graph.build.shapes import validate
from graph.ids import IdScheme
from graph.settings import Settings
from graph.store.embedded import OxigraphStore

TIMEOUT_S = 120


def ilokg(settings: Settings, *args: str, hash_seed: str = "0") -> subprocess.CompletedProcess[str]:
    """Run `ilokg ARGS` in a fresh interpreter with the given seeds and data dirs."""
    env = {
        **os.environ,
        "ILOKG_SEEDS_DIR": str(settings.seeds_dir),
        "ILOKG_DATA_DIR": str(settings.data_dir),
        "PYTHONHASHSEED": hash_seed,
    }
    env.pop("ILOKG_STORE", None)
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT_S,
        check=False,
    )


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, built_settings: Settings) -> dict[str, Path]:
    """The session build exported by the CLI as Turtle and TriG files."""
    directory = tmp_path_factory.mktemp("export")
    files = {}
    for name in ("turtle", "trig"):
        path = directory / f"export.{'ttl' if name == 'turtle' else name}"
        done = ilokg(built_settings, "export", "--format", name, "-o", str(path))
        assert done.returncode == 0, done.stderr
        files[name] = path
    return files


def test_turtle_export_parses_and_the_cli_finds_it_conforms(
    exported: dict[str, Path], built_store: OxigraphStore, built_settings: Settings
) -> None:
    graph = Graph().parse(exported["turtle"], format="turtle")
    distinct = {(q.subject, q.predicate, q.object) for q in built_store.oxigraph.quads_for_pattern(None, None, None)}
    assert len(graph) == len(distinct)
    assert len(graph) == built_store.counts().triples
    # `ilokg validate` runs graph.shapes.validate on the file: the export as a whole conforms.
    done = ilokg(built_settings, "validate", "--format", "turtle", str(exported["turtle"]))
    assert done.returncode == 0, done.stderr[:2000]
    assert "conforms to the shapes" in done.stdout


def test_trig_export_keeps_every_quad_and_graph(exported: dict[str, Path], built_store: OxigraphStore) -> None:
    dataset = Dataset()
    dataset.parse(exported["trig"], format="trig")
    assert len(list(dataset.quads((None, None, None, None)))) == built_store.counts().quads
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} >= set(built_store.graph_names())


def test_shapes_reject_a_graph_that_breaks_one(tmp_path: Path, built_settings: Settings) -> None:
    base = built_settings.base_iri
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        f"""@prefix ilokg: <https://w3id.org/ilokg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{base}output/2022-23/1.1> a ilokg:Output ; skos:prefLabel "An output"@en ; ilokg:shortId "output:2022-23/1.1" ;
    ilokg:inBiennium <{base}biennium/2022-23> ; ilokg:outputOf <{base}output/2022-23/1.2> .
<{base}output/2022-23/1.2> a ilokg:Output .
<{base}biennium/2022-23> a ilokg:Biennium ; skos:prefLabel "2022–23"@en ; ilokg:shortId "biennium:2022-23" .
""",
        encoding="utf-8",
    )
    ids = IdScheme(base, read_sdg_indicator_iris(built_settings.seeds_dir))
    problems = validate(Graph().parse(broken, format="turtle"), ids)
    assert "output:2022-23/1.1 ilokg:outputOf: an output belongs to exactly one outcome (outputOf)" in problems
    done = ilokg(built_settings, "validate", "--format", "turtle", str(broken))
    assert done.returncode == 1
    assert "shape violation: output:2022-23/1.1 ilokg:outputOf" in done.stderr


def test_build_is_the_same_in_another_process_and_a_failed_build_keeps_it(scratch_build: ScratchBuild) -> None:
    settings = scratch_build.settings
    done = ilokg(settings, "build", hash_seed="12345")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"build {scratch_build.first.build_id}:"), done.stdout

    path = settings.seeds_dir / "curated" / "links" / "gb325-pol7.csv"
    original = path.read_bytes()
    path.write_bytes(original.replace(b"Goal 5: gender equality,", b"Goal 5: gender parity,", 1))
    try:
        failed = ilokg(settings, "build")
    finally:
        path.write_bytes(original)
    assert failed.returncode == 1
    assert "curated/links/gb325-pol7.csv:" in failed.stderr
    assert "'Goal 5: gender parity' does not start on line 260 of 'gb325-pol7'" in failed.stderr
    assert "the last good build is still current" in failed.stderr
    current = current_build(settings.data_dir)
    assert current is not None and current.build_id == scratch_build.first.build_id


def test_query_prints_csv(built_settings: Settings) -> None:
    sparql = (
        "PREFIX ilokg: <https://w3id.org/ilokg/ontology#> "
        "SELECT ?flagship WHERE { ?flagship a ilokg:FlagshipProgramme } ORDER BY ?flagship"
    )
    done = ilokg(built_settings, "query", sparql, "--format", "csv")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].strip() == "flagship"
    assert [line.strip().rsplit("/", 1)[-1] for line in lines[1:]] == [
        "better-work",
        "ipec-plus",
        "jobs-for-peace-resilience",
        "safety-health-for-all",
        "social-protection-floors",
    ]


def test_query_with_a_syntax_error_exits_2(built_settings: Settings) -> None:
    done = ilokg(built_settings, "query", "SELEC ?x WHERE {}")
    assert done.returncode == 2
    assert done.stderr.startswith("ilokg: ")


def test_ask_flagships_for_target_8_7(built_settings: Settings) -> None:
    done = ilokg(built_settings, "ask", "flagships-for-target", "8.7")
    assert done.returncode == 0, done.stderr
    sections = done.stdout.split("\n\n")
    stated = next(s for s in sections if s.startswith("Serve it: stated by a document"))
    ranged = next(s for s in sections if s.startswith("Serve it: stated as a range"))
    related = next(s for s in sections if s.startswith("Related to it only through a chain"))
    assert "(flagship:ipec-plus)" in stated
    assert "gb325-pol7 line 281: \u201ctarget 8.7 (child labour and forced labour);\u201d" in stated
    # JPR serves 8.7 through the range 8.2-8.10 the 2015 table states.
    assert "(flagship:jobs-for-peace-resilience)" in ranged
    assert "\u201call targets from 8.2 to 8.10;\u201d" in ranged
    # Better Work is only related to it, through output 7.1 of 2022-23.
    assert "(flagship:better-work)" in related
    assert "(flagship:better-work)" not in stated + ranged


def test_ask_an_unknown_target_exits_2(built_settings: Settings) -> None:
    done = ilokg(built_settings, "ask", "flagships-for-target", "8.99")
    assert done.returncode == 2
    assert done.stderr.startswith("ilokg: ")
