"""The files a build writes beside its dataset, so that every export and every store opens from a file.

- `dataset.nq` (the build's own file): every named graph, as N-Quads;
- `exports/dataset.nt` and `exports/dataset.ttl`: the RDF merge of every graph (a set: a triple stated by two
  documents is there once), which is also what a store loads as its default graph;
- `exports/dataset.trig`: every named graph, as TriG.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ontology.namespaces import PREFIXES, SDG_BASE

EXPORTS_DIR = "exports"
# Turtle and TriG abbreviate with the ontology's prefixes (plus the SDG ones).
PREFIXES_OF_EXPORTS = {**PREFIXES, "sdg": SDG_BASE}
MERGE_INTO_DEFAULT_GRAPH = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


def export_file(build_directory: Path, rdf_format: ox.RdfFormat) -> Path:
    """Where a build keeps its export in `rdf_format` (N-Triples and Turtle: the merge; TriG: the named graphs)."""
    return build_directory / EXPORTS_DIR / f"dataset.{rdf_format.file_extension}"


def merge_file(build_directory: Path) -> Path:
    """The RDF merge of a build's graphs, as N-Triples: what a store loads as its default graph."""
    return export_file(build_directory, ox.RdfFormat.N_TRIPLES)


def write_exports(dataset_file: Path, build_directory: Path) -> int:
    """Write the exports of a build's dataset file into build_directory/exports; the number of distinct triples.

    Each file appears whole or not at all (written beside, then renamed), so a reader never sees half of one.
    """
    store = ox.Store()
    store.bulk_load(path=str(dataset_file), format=ox.RdfFormat.N_QUADS)
    folder = build_directory / EXPORTS_DIR
    folder.mkdir(exist_ok=True)
    _dump(store, ox.RdfFormat.TRIG, export_file(build_directory, ox.RdfFormat.TRIG), None)
    store.update(MERGE_INTO_DEFAULT_GRAPH)  # into the default graph, which holds nothing else: the merge, a set
    for rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE):
        _dump(store, rdf_format, export_file(build_directory, rdf_format), ox.DefaultGraph())
    return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def _dump(store: ox.Store, rdf_format: ox.RdfFormat, target: Path, graph: ox.DefaultGraph | None) -> None:
    partial = target.with_name(f".{target.name}.partial")
    prefixes = PREFIXES_OF_EXPORTS if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    if graph is None:
        store.dump(str(partial), rdf_format, prefixes=prefixes)
    else:
        store.dump(str(partial), rdf_format, from_graph=graph, prefixes=prefixes)
    partial.replace(target)
