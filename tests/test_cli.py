"""The `ilokg` command, run as a real subprocess: build, validate, export, query, ask."""

from __future__ import annotations

import io
import os
import shutil
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
from graph.queries import PROLOGUE
from graph.settings import Settings
from graph.store.embedded import OxigraphStore
from ontology.namespaces import PREFIXES

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
    expected = (
        "output:2022-23/1.1 ilokg:outputOf output:2022-23/1.2: an output belongs to exactly one outcome (outputOf)"
    )
    assert expected in problems
    done = ilokg(built_settings, "validate", "--format", "turtle", str(broken))
    assert done.returncode == 1
    assert f"shape violation: {expected}" in done.stderr


def test_validate_names_a_literal_of_the_wrong_datatype(tmp_path: Path, built_settings: Settings) -> None:
    base = built_settings.base_iri
    broken = tmp_path / "year.ttl"
    broken.write_text(
        f"""@prefix ilokg: <https://w3id.org/ilokg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{base}instrument/C182> a ilokg:Instrument ; skos:prefLabel "Worst Forms of Child Labour Convention"@en ;
    ilokg:shortId "C182" ; ilokg:instrumentNumber 182 ; ilokg:adoptionYear "1999" .
""",
        encoding="utf-8",
    )
    done = ilokg(built_settings, "validate", "--format", "turtle", str(broken))
    assert done.returncode == 1
    assert 'shape violation: C182 ilokg:adoptionYear "1999": ' in done.stderr, done.stderr


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "cannot read it (No such file or directory)"),
        ("<a> <b> .", "not valid turtle (at line 1"),
    ],
)
def test_validate_a_file_it_cannot_read_or_parse_says_so(
    tmp_path: Path, built_settings: Settings, content: str | None, expected: str
) -> None:
    path = tmp_path / "file.ttl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    done = ilokg(built_settings, "validate", "--format", "turtle", str(path))
    assert done.returncode == 2
    assert done.stderr.startswith(f"ilokg: {path}: {expected}"), done.stderr
    assert "Traceback" not in done.stderr


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
    assert f"the last good build is still current ({scratch_build.first.build_id})" in failed.stderr
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


def test_query_knows_the_prefixes_the_editor_declares(built_settings: Settings) -> None:
    """No PREFIX lines needed for the project's own prefixes: the same list the editor's queries declare."""
    assert "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items()) == PROLOGUE
    uses = " ".join(f"OPTIONAL {{ ?flagship {name}:p{n} ?o{n} }}" for n, name in enumerate(PREFIXES))
    sparql = f"SELECT ?flagship WHERE {{ ?flagship a ilokg:FlagshipProgramme {uses} }} ORDER BY ?flagship"
    done = ilokg(built_settings, "query", sparql, "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.strip().splitlines()) == 1 + 5


def test_a_query_declaring_a_project_prefix_otherwise_keeps_its_own(built_settings: Settings) -> None:
    sparql = "PREFIX ilokg: <urn:other#> SELECT ?s WHERE { ?s a ilokg:FlagshipProgramme }"
    done = ilokg(built_settings, "query", sparql, "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines() == ["s"]


def test_an_undeclared_prefix_is_named_in_one_line(built_settings: Settings) -> None:
    sparql = "SELECT ?s\nWHERE { ?s a lov:Thing }"
    done = ilokg(built_settings, "query", sparql)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("ilokg: line 2, column 14: the prefix lov: is not declared; add PREFIX lov: <...>")
    assert "known without declaring: " + ", ".join(PREFIXES) in done.stderr


@pytest.mark.parametrize(
    "sparql, expected",
    [
        ("SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) }", "ilokg: line 3, column "),
        ("SELECT ?s WHERE { ?s ?p <x> OPTIONAL }", "ilokg: line 1, column 28: IRI parsing failed, after "),
        ('SELECT ?s WHERE {\n ?s ?p "open }', "ilokg: unexpected '\"' at line 2, column 8: "),
        ("   ", "ilokg: the query is empty"),
    ],
)
def test_a_parse_error_says_where_and_what_in_one_line(built_settings: Settings, sparql: str, expected: str) -> None:
    """Positions count in the query as written, though the command adds the prefixes before it."""
    done = ilokg(built_settings, "query", sparql)
    assert done.returncode == 2
    assert done.stderr.startswith(expected), done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert "\\u{" not in done.stderr  # none of the parser's character ranges


def test_table_keeps_the_query_column_order_when_the_first_row_leaves_one_unbound(built_settings: Settings) -> None:
    sparql = "SELECT ?second ?first WHERE { VALUES (?first ?second) { (1 UNDEF) (2 3) } }"
    done = ilokg(built_settings, "query", sparql)
    assert done.returncode == 0, done.stderr
    header, _rule, first, second, count = done.stdout.splitlines()
    assert header.split() == ["second", "first"]
    assert first.split() == ["1"] and first.index("1") == header.index("first")
    assert second.split() == ["3", "2"]
    assert count == "(2 rows)"


def test_query_formats_are_every_format_the_endpoint_speaks() -> None:
    """The command's --format names, against the media types the endpoint negotiates (read in a fresh process,
    where `api` is the project's package)."""
    check = (
        "from api.cli import GRAPH_FORMATS, SOLUTION_FORMATS\n"
        "from api.negotiation import GRAPH_OFFERS, SOLUTION_OFFERS\n"
        "assert sorted(SOLUTION_FORMATS.values()) == sorted(o.media_type for o in SOLUTION_OFFERS)\n"
        "assert sorted(GRAPH_FORMATS.values()) == sorted(o.media_type for o in GRAPH_OFFERS)\n"
    )
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, timeout=TIMEOUT_S)
    assert done.returncode == 0, done.stderr


SELECT_FLAGSHIPS = "SELECT ?flagship WHERE { ?flagship a ilokg:FlagshipProgramme }"
CONSTRUCT_FLAGSHIPS = "CONSTRUCT WHERE { ?flagship a ilokg:FlagshipProgramme }"


@pytest.mark.parametrize("name", ["json", "xml", "csv", "tsv"])
def test_select_in_every_result_format(built_settings: Settings, name: str) -> None:
    from rdflib.query import Result

    done = ilokg(built_settings, "query", SELECT_FLAGSHIPS, "--format", name)
    assert done.returncode == 0, done.stderr
    parsed = Result.parse(io.BytesIO(done.stdout.encode()), format=name)
    assert len(list(parsed)) == 5


@pytest.mark.parametrize(
    "name, rdflib_format", [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld"), ("rdfxml", "xml")]
)
def test_construct_in_every_graph_format(built_settings: Settings, name: str, rdflib_format: str) -> None:
    done = ilokg(built_settings, "query", CONSTRUCT_FLAGSHIPS, "--format", name)
    assert done.returncode == 0, done.stderr
    assert len(Graph().parse(data=done.stdout, format=rdflib_format)) == 5


def test_a_format_that_does_not_fit_the_query_says_which_do(built_settings: Settings) -> None:
    done = ilokg(built_settings, "query", CONSTRUCT_FLAGSHIPS, "--format", "csv")
    assert done.returncode == 2
    assert done.stderr == (
        "ilokg: --format csv is for SELECT and ASK results; a CONSTRUCT query gives a graph: "
        "use --format turtle, ntriples, jsonld, rdfxml (table writes Turtle)\n"
    )
    done = ilokg(built_settings, "query", SELECT_FLAGSHIPS, "--format", "turtle")
    assert done.returncode == 2
    assert "use --format table, json, xml, csv, tsv" in done.stderr


def test_build_from_a_seeds_directory_given_on_the_command_line(tmp_path: Path, project_seeds: Path) -> None:
    shutil.copytree(project_seeds, tmp_path / "my-seeds")
    settings = Settings(seeds_dir=tmp_path / "elsewhere", data_dir=tmp_path / "data")
    done = ilokg(settings, "build", "--seeds", str(tmp_path / "my-seeds"))
    assert done.returncode == 0, done.stderr
    current = current_build(tmp_path / "data")
    assert current is not None and done.stdout.startswith(f"build {current.build_id}:")
    missing = ilokg(settings, "build", "--seeds", str(tmp_path / "nothing"))
    assert missing.returncode == 2
    assert missing.stderr.startswith(f"ilokg: {tmp_path / 'nothing'}: not a seeds directory; it needs curated/")


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


@pytest.mark.parametrize(
    "code, expected",
    [
        ("99.9", "there is no SDG target 99.9; the SDG framework has targets 1.1 to 17.19"),
        ("8.99", "there is no SDG target 8.99; the SDG framework has targets 1.1 to 17.19"),
        ("8.7.1", "'8.7.1' is not an SDG target code; write it like 8.7 or 1.a"),
        ("eight", "'eight' is not an SDG target code; write it like 8.7 or 1.a"),
    ],
)
def test_ask_tells_a_code_not_in_the_framework_from_a_malformed_one(
    built_settings: Settings, code: str, expected: str
) -> None:
    done = ilokg(built_settings, "ask", "flagships-for-target", code)
    assert done.returncode == 2
    assert done.stderr == f"ilokg: {expected}\n"
