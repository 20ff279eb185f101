"""The embedded store: Oxigraph in this process, in memory or on disk, holding one build.

The store's default graph holds the RDF merge of the build's graphs (a set, written once when the build is
loaded, from the build's own merge file), and each named graph what one source says. A query without a dataset
of its own reads the default graph, so a triple stated by two documents is one solution, and `GRAPH ?g` still
tells who says so.
"""

from __future__ import annotations

import itertools
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.build.directory import BuildResult, current_build
from graph.build.exports import export_file, merge_file
from graph.queries.store import MERGE_INTO_DEFAULT_GRAPH
from graph.store.base import Counts, QueryResult, QuerySyntaxError, StoreUnavailable
from graph.store.formats import (
    EXPORT_PREFIXES,
    N_QUADS,
    N_TRIPLES,
    RDF_FORMATS,
    SPARQL_JSON,
    TRIG,
    TURTLE,
    Binding,
    serialize_boolean,
    serialize_solutions,
    serialize_triples,
    term_json,
)
from graph.store.reader import STORE_DATASET, QueryDataset, QueryForm, ReadQuery
from graph.store.streams import QueueWriter, file_chunks, streamed

STORE_MARKER_FILE = "ilokg-store.json"
# Exports a build writes beside its dataset (N-Quads is the dataset file itself).
FILED_EXPORTS = {N_QUADS: None, TURTLE: ox.RdfFormat.TURTLE, N_TRIPLES: ox.RdfFormat.N_TRIPLES, TRIG: ox.RdfFormat.TRIG}


def _dataset_options(dataset: QueryDataset, merge_of: frozenset[str] | None) -> dict[str, Any]:
    """pyoxigraph's keyword arguments for a query dataset (always given, so a query's own FROM never decides).

    `merge_of`: the graphs whose RDF merge the store's default graph holds, if it holds one. A default graph
    naming exactly those is that merge (the engine would otherwise read the graphs as a bag: a triple in two
    of them would count twice)."""
    options: dict[str, Any] = {}
    if dataset.default_graphs is None or (merge_of and set(dataset.default_graphs) == merge_of):
        options["default_graph"] = ox.DefaultGraph()
    else:
        options["default_graph"] = [ox.NamedNode(g) for g in dataset.default_graphs]
    if dataset.named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in dataset.named_graphs]
    return options


def load_into(store: ox.Store, build: BuildResult) -> bool:
    """Load a build into an empty store: its named graphs, and its default graph file (for a build, the merge of
    its graphs; merged here when a dataset file comes without it). True when the default graph is that merge."""
    store.bulk_load(path=str(build.dataset_file), format=ox.RdfFormat.N_QUADS)
    default = merge_file(build.directory)
    if default.is_file():
        store.bulk_load(path=str(default), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        return build.default_graph_is_merge
    store.update(MERGE_INTO_DEFAULT_GRAPH)
    return True


class OxigraphStore:
    """Oxigraph in this process, in memory or on disk."""

    def __init__(
        self,
        store: ox.Store,
        build_id: str,
        build: BuildResult | None = None,
        counts: Counts | None = None,
        *,
        merged: bool = False,
    ) -> None:
        self._store = store
        self._build_id = build_id
        # The build's files, when known: its dataset file is the N-Quads export, its directory holds the others.
        self._build = build if build is not None and build.build_id == build_id else None
        self._counts = counts
        if counts is None and self._build is not None and self._build.quads:
            self._counts = Counts(self._build.triples, self._build.quads)
        # Whether the default graph holds the RDF merge of every named graph (a build's does).
        self._merged = merged
        self._merge_of: frozenset[str] | None = None

    @classmethod
    def in_memory(cls, build: BuildResult) -> OxigraphStore:
        store = ox.Store()
        merged = load_into(store, build)
        return cls(store, build.build_id, build, merged=merged)

    @classmethod
    def on_disk(cls, path: Path, build: BuildResult | None) -> OxigraphStore:
        """Open the store at `path`, (re)loading it when it does not hold `build`."""
        if build is None and not path.exists():
            raise StoreUnavailable(f"no store at {path} and no build to load into it; run `ilokg build` first")
        marker = read_marker(path)
        if build is not None and (marker is None or marker.build_id != build.build_id):
            shutil.rmtree(path, ignore_errors=True)
            store = ox.Store(str(path))
            merged = load_into(store, build)
            store.optimize()
            store.flush()
            marker = Marker(build.build_id, _count(store), merged)
            write_marker(path, marker)
        else:
            store = ox.Store(str(path))
        if marker is None:
            raise StoreUnavailable(f"the store at {path} holds no build; run `ilokg build` first")
        return cls(store, marker.build_id, build, marker.counts, merged=marker.merged)

    @classmethod
    def open_read_only(cls, path: Path, build: BuildResult | None = None) -> OxigraphStore:
        """Open an on-disk store that another process keeps (`build`, when given, names its exports' files).

        A damaged store (a truncated or missing SST file, a garbage CURRENT) fails here, with the engine's
        RuntimeError."""
        marker = read_marker(path)
        if marker is None:
            raise StoreUnavailable(f"the store at {path} holds no build")
        return cls(ox.Store.read_only(str(path)), marker.build_id, build, marker.counts, merged=marker.merged)

    @property
    def build_id(self) -> str:
        return self._build_id

    @property
    def oxigraph(self) -> ox.Store:
        return self._store

    def counts(self) -> Counts:
        # Counting scans the store (a quarter of a second at a million triples); a store holds one build and
        # never changes, so count once (a build's manifest and an on-disk store's marker keep the counts).
        if self._counts is None:
            self._counts = _count(self._store)
        return self._counts

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def _merge(self) -> frozenset[str] | None:
        if self._merged and self._merge_of is None:
            self._merge_of = frozenset(self.graph_names())
        return self._merge_of

    def _run(
        self, sparql: str, dataset: QueryDataset, base_iri: str | None, prefixes: dict[str, str] | None = None
    ) -> Any:
        try:
            options = _dataset_options(dataset, self._merge())
            return self._store.query(sparql, base_iri=base_iri, prefixes=prefixes, **options)
        except SyntaxError as error:
            raise QuerySyntaxError(str(error)) from error

    def query(
        self, read: ReadQuery, dataset: QueryDataset, media_type: str, max_rows: int | None = None
    ) -> QueryResult:
        """Run a user's query on `dataset` and serialize its result (the first `max_rows` rows or triples)."""
        result = self._run(read.text, dataset, read.base_iri, dict(read.default_prefixes) or None)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(QueryForm.ASK, media_type, serialize_boolean(bool(result), media_type), rows=1)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            solutions = itertools.islice(result, max_rows + 1) if max_rows is not None else iter(result)
            if media_type == SPARQL_JSON:
                body, count = _solutions_json(variables, solutions, max_rows)
            else:
                rows = _rows(variables, solutions)
                count = len(rows)
                body = serialize_solutions(variables, rows[:max_rows] if max_rows is not None else rows, media_type)
            truncated = max_rows is not None and count > max_rows
            rows_sent = min(count, max_rows) if max_rows is not None else count
            return QueryResult(QueryForm.SELECT, media_type, body, rows=rows_sent, truncated=truncated)
        triples: list[ox.Triple] = []
        truncated = False
        for triple in result:
            if max_rows is not None and len(triples) >= max_rows:
                truncated = True
                break
            triples.append(triple)
        form = read.form if read.form is not None and read.form.returns_graph else QueryForm.CONSTRUCT
        return QueryResult(form, media_type, serialize_triples(triples, media_type), len(triples), truncated)

    def select(self, sparql: str) -> list[Binding]:
        """Rows of one of the service's own SELECT queries, as SPARQL JSON terms."""
        result = self._run(sparql, STORE_DATASET, None)
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("select() takes a SELECT query")
        variables = [v.value for v in result.variables]
        return [{v: term_json(s[v]) for v in variables if s[v] is not None} for s in result]

    def construct(self, sparql: str, media_type: str) -> bytes:
        """The triples of one of the service's own CONSTRUCT queries, serialized."""
        result = self._run(sparql, STORE_DATASET, None)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError("construct() takes a CONSTRUCT query")
        return serialize_triples(list(result), media_type)

    def export(self, media_type: str) -> Iterator[bytes]:
        """The dataset: dataset formats give the named graphs, triple formats their RDF merge."""
        path = self._export_path(media_type)
        if path is not None:
            yield from file_chunks(path)
            return
        # No file for this format (JSON-LD, or a store opened without its build's files): serialized here,
        # streamed from a thread in bounded chunks.
        rdf_format = RDF_FORMATS[media_type]
        prefixes = EXPORT_PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None

        def produce(sink: QueueWriter) -> None:
            if rdf_format.supports_datasets:
                quads = self._store.quads_for_pattern(None, None, None)
                named = (q for q in quads if not isinstance(q.graph_name, ox.DefaultGraph))
                ox.serialize(named, sink, rdf_format, prefixes=prefixes)  # type: ignore[arg-type]
            else:
                self._store.dump(sink, rdf_format, from_graph=ox.DefaultGraph(), prefixes=prefixes)  # type: ignore[arg-type]

        yield from streamed(produce)

    def _export_path(self, media_type: str) -> Path | None:
        if self._build is None or media_type not in FILED_EXPORTS:
            return None
        rdf_format = FILED_EXPORTS[media_type]
        path = self._build.dataset_file if rdf_format is None else export_file(self._build.directory, rdf_format)
        return path if path.is_file() else None


def _rows(variables: list[str], solutions: Iterator[ox.QuerySolution]) -> list[Binding]:
    """Solutions as SPARQL JSON rows."""
    rows: list[Binding] = []
    terms: dict[Any, dict[str, str]] = {}  # a term met again is converted once
    for solution in solutions:
        row: Binding = {}
        for variable, term in zip(variables, solution, strict=True):
            if term is not None:
                converted = terms.get(term)
                if converted is None:
                    converted = terms[term] = term_json(term)
                row[variable] = converted
        rows.append(row)
    return rows


def _solutions_json(
    variables: list[str], solutions: Iterator[ox.QuerySolution], max_rows: int | None
) -> tuple[bytes, int]:
    """SPARQL JSON results, byte for byte what serialize_solutions writes, built from each term's JSON once (the
    results of a large SELECT are mostly the same terms again). Returns the body (at most `max_rows` rows) and the
    number of solutions read (one more than `max_rows` when the result is cut)."""
    keys = [json.dumps(v, ensure_ascii=False) + ":" for v in variables]
    fragments: dict[Any, str] = {}
    rows: list[str] = []
    for solution in solutions:
        cells = []
        for key, term in zip(keys, solution, strict=True):
            if term is not None:
                fragment = fragments.get(term)
                if fragment is None:
                    fragment = fragments[term] = json.dumps(term_json(term), ensure_ascii=False, separators=(",", ":"))
                cells.append(key + fragment)
        rows.append("{" + ",".join(cells) + "}")
    count = len(rows)
    if max_rows is not None:
        rows = rows[:max_rows]
    head = json.dumps({"vars": variables}, ensure_ascii=False, separators=(",", ":"))
    return ('{"head":' + head + ',"results":{"bindings":[' + ",".join(rows) + "]}}").encode(), count


def _count(store: ox.Store) -> Counts:
    triples = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    return Counts(triples=triples, quads=len(store) - triples)


@dataclass(frozen=True)
class Marker:
    """What an on-disk store holds, recorded beside its data when its loading finished."""

    build_id: str
    counts: Counts
    merged: bool  # its default graph is the merge of its named graphs


def read_marker(path: Path) -> Marker | None:
    """The marker of an on-disk store, or None for a store whose loading was cut short (it is loaded again).

    Kept out of the graph, so that users' queries see only the build's own triples."""
    try:
        content = json.loads((path / STORE_MARKER_FILE).read_text(encoding="utf-8"))
        counts = Counts(int(content["triples"]), int(content["quads"]))
        return Marker(str(content["build_id"]), counts, bool(content.get("merged", False)))
    except (ValueError, KeyError, TypeError, OSError):
        return None


def write_marker(path: Path, marker: Marker) -> None:
    staging = (path / STORE_MARKER_FILE).with_suffix(".tmp")
    content = {"build_id": marker.build_id, "triples": marker.counts.triples, "quads": marker.counts.quads}
    staging.write_text(json.dumps({**content, "merged": marker.merged}), encoding="utf-8")
    staging.replace(path / STORE_MARKER_FILE)


def open_store(data_dir: Path, store_path: Path | None = None) -> OxigraphStore:
    """The store of the current build: in memory, or on disk at `store_path`."""
    build = current_build(data_dir)
    if store_path is not None:
        return OxigraphStore.on_disk(store_path, build)
    if build is None:
        raise StoreUnavailable(f"there is no build in {data_dir}; run `ilokg build` first")
    return OxigraphStore.in_memory(build)
