"""Build directories: a checked dataset written under data_dir/builds/<build id>, and `current` pointing at it.

A build id is the digest of the dataset's content, so the same seeds give the same id and the same bytes. A
build whose directory already exists whole is not written again: `current` is pointed at it, and the directory
that is being served is never removed. Each build is written in a staging directory and renamed into place in
one step; staging directories of builds that died are removed by the next build. A build that cannot be written
(a full disk, a read-only directory) raises BuildError and leaves `current` as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from graph.build.context import GraphNames
from graph.build.exports import write_exports
from graph.build.seeds import BuildError, BuildOutput, build_dataset
from graph.settings import Settings
from ontology.namespaces import DCTERMS, ILOKG, ONTOLOGY_IRI, PROV, RDF, VOID, XSD

DATASET_FILE = "dataset.nq"
MANIFEST_FILE = "manifest.json"
CURRENT_LINK = "current"
BUILDS_DIR = "builds"
_STAGING_PREFIX = ".staging-"
DEFAULT_GRAPH_IS_MERGE = "merge"


@dataclass(frozen=True)
class BuildResult:
    """A build written to disk."""

    build_id: str
    directory: Path
    dataset_file: Path
    manifest: dict[str, object]

    @property
    def triples(self) -> int:
        """Distinct triples of the dataset (its RDF merge), as the manifest records them."""
        return int(str(self.manifest.get("triples", 0)))

    @property
    def quads(self) -> int:
        """Triples in named graphs (a triple stated in two documents counts twice)."""
        return int(str(self.manifest.get("quads", 0)))

    @property
    def default_graph_is_merge(self) -> bool:
        """Whether the build's default graph file holds the RDF merge of its named graphs (a build's does)."""
        return self.manifest.get("default_graph") == DEFAULT_GRAPH_IS_MERGE


@dataclass(frozen=True)
class FinishedBuild:
    """A checked dataset, described (VoID, PROV) and serialized: what a build directory holds."""

    build_id: str
    created: str
    content: bytes  # sorted N-Quads: the same seeds give the same bytes
    graphs: dict[str, int]
    triples: int
    statements: int
    derivations: int

    @property
    def quads(self) -> int:
        return sum(self.graphs.values())


def serialize(output: BuildOutput) -> tuple[str, bytes]:
    """The build id and the dataset as sorted N-Quads (before the meta graph, which names the id)."""
    serialized = output.dataset.serialize(format="nquads", encoding="utf-8")
    lines = [line for line in serialized.splitlines(keepends=True) if line.strip()]
    # Sorted lines: rdflib's order varies with the hash seed, and the same seeds must give the same build id. The
    # SDG country data's observations come as N-Quads lines of their own (never held by rdflib).
    content = b"".join(sorted([*lines, *(quad.encode() for quad in output.quads)]))
    return hashlib.sha256(content).hexdigest()[:16], content


def finish(output: BuildOutput, settings: Settings, serialized: tuple[str, bytes] | None = None) -> FinishedBuild:
    """Give the dataset its description (a meta graph naming its id and counts) and its bytes."""
    names = GraphNames(settings.base_iri)
    build_id, content = serialized or serialize(output)
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    graphs = {str(graph.identifier): len(graph) for graph in output.dataset.graphs() if len(graph)}
    distinct = {triple for graph in output.dataset.graphs() for triple in graph}
    # Each observation is a subject of its own, stated in one graph: its quads are distinct triples of the merge.
    cube = str(names.sdg_country_data)
    if output.quads:
        graphs[cube] = graphs.get(cube, 0) + len(output.quads)
    meta = output.dataset.graph(names.meta)
    _describe(meta, output, settings, build_id, created, graphs)
    # The meta graph speaks of the dataset and of this build (an import's graph may say it too: it is a
    # void:Dataset), and its size does not depend on the numbers it holds, so the counts it gives include it.
    graphs[str(names.meta)] = len(meta)
    triples = len(distinct) + len(output.quads) + sum(1 for triple in meta if triple not in distinct)
    meta.set((URIRef(f"{settings.base_iri}dataset"), VOID.triples, Literal(triples)))
    meta_lines = b"".join(
        line[:-2] + b" <" + str(names.meta).encode() + b"> .\n"
        for line in sorted(meta.serialize(format="nt", encoding="utf-8").splitlines(keepends=True))
        if line.strip()
    )
    return FinishedBuild(
        build_id,
        created,
        content + meta_lines,
        graphs,
        triples,
        len(output.statements),
        len(output.derivations),
    )


def _describe(
    meta: Graph, output: BuildOutput, settings: Settings, build_id: str, created: str, graphs: dict[str, int]
) -> None:
    dataset_iri = URIRef(f"{settings.base_iri}dataset")
    activity = URIRef(f"{settings.base_iri}build/{build_id}")
    meta.add((dataset_iri, RDF.type, VOID.Dataset))
    meta.add((dataset_iri, DCTERMS.title, Literal("ILO development cooperation knowledge graph", lang="en")))
    meta.add((dataset_iri, DCTERMS.created, Literal(created, datatype=XSD.dateTime)))
    meta.add((dataset_iri, DCTERMS.identifier, Literal(build_id)))
    meta.add((dataset_iri, VOID.triples, Literal(0)))  # set once the meta graph's own size is known
    meta.add((dataset_iri, VOID.vocabulary, ONTOLOGY_IRI))
    meta.add((dataset_iri, PROV.wasGeneratedBy, activity))
    meta.add((activity, RDF.type, PROV.Activity))
    meta.add((activity, PROV.endedAtTime, Literal(created, datatype=XSD.dateTime)))
    for graph_iri, count in sorted(graphs.items()):
        subset = URIRef(graph_iri)
        meta.add((dataset_iri, VOID.subset, subset))
        meta.add((subset, RDF.type, VOID.Dataset))
        meta.add((subset, VOID.triples, Literal(count)))
    for document in output.dataset.subjects(RDF.type, ILOKG.SourceDocument):
        meta.add((dataset_iri, DCTERMS.source, document))
        meta.add((activity, PROV.used, document))


def write_build(output: BuildOutput, settings: Settings) -> BuildResult:
    """Write the dataset into its build directory (unless it is there whole), then point `current` at it."""
    builds = settings.data_dir / BUILDS_DIR
    try:
        builds.mkdir(parents=True, exist_ok=True)
        _remove_dead_staging(builds)
        serialized = serialize(output)
        existing = _read_build(builds / serialized[0])
        if existing is not None:  # the same seeds: the same bytes are there already, and may be being served
            _point_current(settings.data_dir, existing.directory)
            return existing
        finished = finish(output, settings, serialized)
        directory = builds / finished.build_id
        staging = Path(tempfile.mkdtemp(prefix=f"{_STAGING_PREFIX}{os.getpid()}-", dir=builds))
        try:
            (staging / DATASET_FILE).write_bytes(finished.content)
            write_exports(staging / DATASET_FILE, staging)  # so that /export streams a file from the first request
            manifest: dict[str, object] = {
                "build_id": finished.build_id,
                "created": finished.created,
                "base_iri": settings.base_iri,
                "triples": finished.triples,
                "quads": finished.quads,
                "default_graph": DEFAULT_GRAPH_IS_MERGE,
                "graphs": finished.graphs,
                "statements": finished.statements,
                "derivations": finished.derivations,
            }
            (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
            os.replace(staging, directory)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        _point_current(settings.data_dir, directory)
    except OSError as error:
        where = error.filename or builds
        raise BuildError(
            [f"{where}: the build could not be written ({error.strerror or error}); nothing changed"]
        ) from error
    result = _read_build(directory)
    assert result is not None
    return result


def _remove_dead_staging(builds: Path) -> None:
    """Remove the staging directories of builds whose process is gone."""
    for staging in builds.glob(f"{_STAGING_PREFIX}*"):
        pid_text = staging.name.removeprefix(_STAGING_PREFIX).partition("-")[0]
        if pid_text.isdigit() and not _alive(int(pid_text)):
            shutil.rmtree(staging, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _point_current(data_dir: Path, directory: Path) -> None:
    link = data_dir / CURRENT_LINK
    temporary = data_dir / f".{CURRENT_LINK}.{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    temporary.symlink_to(directory.relative_to(data_dir))
    os.replace(temporary, link)


def _read_build(directory: Path) -> BuildResult | None:
    """The build in `directory` when it is whole (its manifest is written last), else None."""
    manifest_path = directory / MANIFEST_FILE
    if not manifest_path.is_file():
        return None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        build_id = str(manifest["build_id"])
    except (ValueError, KeyError, OSError):
        return None
    if not (directory / DATASET_FILE).is_file():
        return None
    return BuildResult(build_id, directory.resolve(), directory.resolve() / DATASET_FILE, manifest)


def current_build(data_dir: Path) -> BuildResult | None:
    """The last good build, if any."""
    return _read_build(data_dir / CURRENT_LINK)


def build(settings: Settings) -> BuildResult:
    """Build from the seeds and make it current; on BuildError the current build is untouched."""
    return write_build(build_dataset(settings), settings)
