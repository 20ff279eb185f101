"""The store that answers queries: Oxigraph, embedded in memory or on disk.

`GraphStore` is what the rest of the code sees; results leave it already serialized
(SPARQL results or RDF bytes in a requested format), so that an isolated worker process
or a remote endpoint can stand behind the same interface.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import queue
import re
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from graph.build import BuildResult, current_build
from graph.settings import Settings
from ontology.namespaces import PREFIXES, SDG_BASE

# Media types of the result formats (SPARQL 1.1 Protocol and RDF 1.1 registrations).
SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
TRIG = "application/trig"
N_TRIPLES = "application/n-triples"
N_QUADS = "application/n-quads"
JSON_LD = "application/ld+json"
RDF_XML = "application/rdf+xml"

SOLUTION_FORMATS = (SPARQL_JSON, SPARQL_XML, CSV, TSV)
GRAPH_FORMATS = (TURTLE, N_TRIPLES, JSON_LD, RDF_XML)
DATASET_FORMATS = (TRIG, N_QUADS, JSON_LD, TURTLE, N_TRIPLES)

_RDF_FORMATS = {
    TURTLE: ox.RdfFormat.TURTLE,
    TRIG: ox.RdfFormat.TRIG,
    N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    N_QUADS: ox.RdfFormat.N_QUADS,
    JSON_LD: ox.RdfFormat.JSON_LD,
    RDF_XML: ox.RdfFormat.RDF_XML,
}
# Turtle and TriG exports abbreviate with the ontology's prefixes (plus the SDG ones).
EXPORT_PREFIXES = {**PREFIXES, "sdg": SDG_BASE}
_EXPORT_BATCH = 20_000
STORE_MARKER_FILE = "ilokg-store.json"
# A SPARQL server holds the build id in a graph of its own (see graph/remote.py).
BUILD_ID_GRAPH = "urn:ilokg:store"
BUILD_ID_PREDICATE = "urn:ilokg:buildId"


class QueryForm(StrEnum):
    """The four SPARQL query forms."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


class QuerySyntaxError(ValueError):
    """The query does not parse; the message is the parser's."""


class RemoteStoreError(RuntimeError):
    """The SPARQL server answered with an error or with something that is not a SPARQL result.

    Defined here, beside the other store errors, so that the service can name it without importing
    the HTTP client that only a remote store needs."""


class RemoteTimeout(RemoteStoreError):
    """The SPARQL server did not answer within the deadline, or stopped the query at its own limit."""


class StoreUnavailable(RuntimeError):
    """No graph is loaded (no build yet) or the store cannot be reached."""


@dataclass(frozen=True)
class QueryResult:
    """A serialized query result."""

    form: QueryForm
    media_type: str
    body: bytes
    rows: int = 0
    truncated: bool = False


@dataclass(frozen=True)
class DatasetScope:
    """The RDF dataset of a query (SPARQL Protocol default-graph-uri / named-graph-uri)."""

    default_graphs: Sequence[str] = field(default_factory=tuple)
    named_graphs: Sequence[str] = field(default_factory=tuple)


Binding = dict[str, dict[str, str]]  # one row of SPARQL JSON results: variable -> term


class GraphStore(Protocol):
    """What the questions, paths, export and the HTTP service need from a store."""

    @property
    def build_id(self) -> str: ...

    def triple_count(self) -> int: ...

    def graph_names(self) -> list[str]: ...

    def query(
        self,
        sparql: str,
        media_type: str | None = None,
        scope: DatasetScope | None = None,
        max_rows: int | None = None,
    ) -> QueryResult: ...

    def select(self, sparql: str) -> list[Binding]: ...

    def export(self, media_type: str) -> Iterator[bytes]: ...


# ---------------------------------------------------------------- serialization


def term_json(term: Any) -> dict[str, str]:
    """A pyoxigraph term as a SPARQL 1.1 JSON results term."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "literal", "value": str(term)}


def _csv_cell(term: dict[str, str] | None) -> str:
    if term is None:
        return ""
    value = term["value"]
    if term["type"] == "bnode":
        value = "_:" + value
    if any(ch in value for ch in ',"\r\n'):
        value = '"' + value.replace('"', '""') + '"'
    return value


def _tsv_cell(term: dict[str, str] | None) -> str:
    if term is None:
        return ""
    value = term["value"]
    if term["type"] == "uri":
        return f"<{value}>"
    if term["type"] == "bnode":
        return f"_:{value}"
    escaped = (
        value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    if "xml:lang" in term:
        return f'"{escaped}"@{term["xml:lang"]}'
    if "datatype" in term:
        return f'"{escaped}"^^<{term["datatype"]}>'
    return f'"{escaped}"'


def serialize_solutions(variables: list[str], rows: list[Binding], media_type: str) -> bytes:
    """SELECT results in one of the four SPARQL results formats."""
    if media_type == SPARQL_JSON:
        document = {"head": {"vars": variables}, "results": {"bindings": rows}}
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
    if media_type == CSV:
        lines = [",".join(variables)] + [",".join(_csv_cell(row.get(v)) for v in variables) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode()
    if media_type == TSV:
        lines = ["\t".join("?" + v for v in variables)] + [
            "\t".join(_tsv_cell(row.get(v)) for v in variables) for row in rows
        ]
        return ("\n".join(lines) + "\n").encode()
    if media_type == SPARQL_XML:
        out = io.StringIO()
        out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>')
        for variable in variables:
            out.write(f"<variable name={quoteattr(variable)}/>")
        out.write("</head><results>")
        for row in rows:
            out.write("<result>")
            for variable, term in row.items():
                out.write(f"<binding name={quoteattr(variable)}>{_xml_term(term)}</binding>")
            out.write("</result>")
        out.write("</results></sparql>\n")
        return out.getvalue().encode()
    raise ValueError(f"no SELECT result format {media_type!r}")


def _xml_term(term: dict[str, str]) -> str:
    value = escape(term["value"])
    if term["type"] == "uri":
        return f"<uri>{value}</uri>"
    if term["type"] == "bnode":
        return f"<bnode>{value}</bnode>"
    if "xml:lang" in term:
        return f"<literal xml:lang={quoteattr(term['xml:lang'])}>{value}</literal>"
    if "datatype" in term:
        return f"<literal datatype={quoteattr(term['datatype'])}>{value}</literal>"
    return f"<literal>{value}</literal>"


def serialize_boolean(value: bool, media_type: str) -> bytes:
    """ASK results in one of the four SPARQL results formats."""
    if media_type == SPARQL_JSON:
        return json.dumps({"head": {}, "boolean": value}).encode()
    if media_type == SPARQL_XML:
        word = "true" if value else "false"
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{word}</boolean></sparql>\n"
        ).encode()
    if media_type == CSV:
        return f"_askResult\r\n{'true' if value else 'false'}\r\n".encode()
    if media_type == TSV:
        return f"?_askResult\n{'true' if value else 'false'}\n".encode()
    raise ValueError(f"no ASK result format {media_type!r}")


def query_form(sparql: str) -> QueryForm:
    """The form of a query, read from the parsed query (comments and prologue skipped)."""
    try:
        parsed = ox.Store().query(sparql)
    except SyntaxError as error:
        raise QuerySyntaxError(str(error)) from error
    if isinstance(parsed, ox.QueryBoolean):
        return QueryForm.ASK
    if isinstance(parsed, ox.QuerySolutions):
        return QueryForm.SELECT
    return _graph_form(sparql)


def _graph_form(sparql: str) -> QueryForm:
    # CONSTRUCT and DESCRIBE both return triples; the keyword after the prologue tells them apart.
    text = re.sub(r"#[^\n]*", " ", sparql)
    text = re.sub(r"<[^>]*>", "<>", text)
    match = re.search(r"\b(CONSTRUCT|DESCRIBE)\b", text, flags=re.IGNORECASE)
    return QueryForm(match.group(1).upper()) if match else QueryForm.CONSTRUCT


# ---------------------------------------------------------------- the embedded store


class OxigraphStore:
    """Oxigraph in this process, in memory or on disk, holding one build."""

    def __init__(self, store: ox.Store, build_id: str, build: BuildResult | None = None) -> None:
        self._store = store
        self._build_id = build_id
        # The build's files, when known: its dataset file is the N-Quads export, its directory caches other exports.
        self._build = build if build is not None and build.build_id == build_id else None
        self._triple_count: int | None = None

    @classmethod
    def in_memory(cls, build: BuildResult) -> OxigraphStore:
        store = ox.Store()
        store.bulk_load(path=str(build.dataset_file), format=ox.RdfFormat.N_QUADS)
        return cls(store, build.build_id, build)

    @classmethod
    def on_disk(cls, path: Path, build: BuildResult | None) -> OxigraphStore:
        """Open the store at `path`, (re)loading it when it does not hold `build`."""
        if build is None and not path.exists():
            raise StoreUnavailable(f"no store at {path} and no build to load into it; run `ilokg build` first")
        held, count = _read_marker(path)
        if build is not None and held != build.build_id:
            shutil.rmtree(path, ignore_errors=True)
            store = ox.Store(str(path))
            store.bulk_load(path=str(build.dataset_file), format=ox.RdfFormat.N_QUADS)
            store.optimize()
            store.flush()
            held, count = build.build_id, len(store)
            _write_marker(path, held, count)
        else:
            store = ox.Store(str(path))
        if held is None:
            raise StoreUnavailable(f"the store at {path} holds no build; run `ilokg build` first")
        opened = cls(store, held, build)
        opened._triple_count = count
        return opened

    @classmethod
    def open_read_only(cls, path: Path) -> OxigraphStore:
        """Open an on-disk store that another process keeps (for query workers)."""
        held, count = _read_marker(path)
        store = ox.Store.read_only(str(path))
        if held is None:
            raise StoreUnavailable(f"the store at {path} holds no build")
        opened = cls(store, held)
        opened._triple_count = count
        return opened

    @property
    def build_id(self) -> str:
        return self._build_id

    @property
    def oxigraph(self) -> ox.Store:
        return self._store

    def triple_count(self) -> int:
        # Counting scans the whole store (a quarter of a second at a million triples); a store holds one
        # build and never changes, so count once (an on-disk store keeps the count in its marker).
        if self._triple_count is None:
            self._triple_count = len(self._store)
        return self._triple_count

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def _run(self, sparql: str, scope: DatasetScope | None) -> Any:
        kwargs: dict[str, Any] = {}
        if scope and (scope.default_graphs or scope.named_graphs):
            if scope.default_graphs:
                kwargs["default_graph"] = [ox.NamedNode(g) for g in scope.default_graphs]
            if scope.named_graphs:
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in scope.named_graphs]
            elif scope.default_graphs:
                kwargs["named_graphs"] = []
        else:
            kwargs["use_default_graph_as_union"] = True
        try:
            return self._store.query(sparql, **kwargs)
        except SyntaxError as error:
            raise QuerySyntaxError(str(error)) from error

    def query(
        self,
        sparql: str,
        media_type: str | None = None,
        scope: DatasetScope | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run a query and serialize its result (the first `max_rows` rows or triples)."""
        result = self._run(sparql, scope)
        if isinstance(result, ox.QueryBoolean):
            chosen = media_type or SPARQL_JSON
            return QueryResult(QueryForm.ASK, chosen, serialize_boolean(bool(result), chosen), rows=1)
        if isinstance(result, ox.QuerySolutions):
            chosen = media_type or SPARQL_JSON
            variables = [v.value for v in result.variables]
            rows: list[Binding] = []
            truncated = False
            for solution in result:
                if max_rows is not None and len(rows) >= max_rows:
                    truncated = True
                    break
                rows.append({v: term_json(solution[v]) for v in variables if solution[v] is not None})
            body = serialize_solutions(variables, rows, chosen)
            return QueryResult(QueryForm.SELECT, chosen, body, rows=len(rows), truncated=truncated)
        chosen = media_type or TURTLE
        triples: list[ox.Triple] = []
        truncated = False
        for triple in result:
            if max_rows is not None and len(triples) >= max_rows:
                truncated = True
                break
            triples.append(triple)
        body = ox.serialize(triples, format=_RDF_FORMATS[chosen]) or b""
        return QueryResult(_graph_form(sparql), chosen, body, rows=len(triples), truncated=truncated)

    def select(self, sparql: str) -> list[Binding]:
        """Rows of a SELECT query as SPARQL JSON terms (for questions and paths)."""
        result = self._run(sparql, None)
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("select() takes a SELECT query")
        variables = [v.value for v in result.variables]
        return [{v: term_json(s[v]) for v in variables if s[v] is not None} for s in result]

    def export(self, media_type: str) -> Iterator[bytes]:
        """The whole dataset, all named graphs, in chunks (triples formats merge the graphs)."""
        rdf_format = _RDF_FORMATS[media_type]
        if rdf_format == ox.RdfFormat.N_QUADS and self._build is not None and self._build.dataset_file.is_file():
            # The build's own file holds exactly the quads of the store.
            yield from _file_chunks(self._build.dataset_file)
            return
        if media_type in FILED_EXPORTS:
            # A build never changes: `ilokg build` writes these exports beside the dataset, and a build
            # without them (an older one) gets each written while it is first streamed, then read back.
            cache = self._export_cache(rdf_format)
            if cache is not None and cache.is_file():
                yield from _file_chunks(cache)
                return
            yield from _tee(self._dump_graphs(rdf_format), cache)
            return
        quads = self._store.quads_for_pattern(None, None, None, None)
        items: Iterator[Any] = quads if rdf_format.supports_datasets else (q.triple for q in quads)
        if rdf_format in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
            # Line formats: each batch is complete on its own, so the export streams in constant memory.
            while batch := list(itertools.islice(items, _EXPORT_BATCH)):
                yield ox.serialize(batch, format=rdf_format) or b""
            return
        buffer = _ChunkWriter()
        prefixes = EXPORT_PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        ox.serialize(items, buffer, rdf_format, prefixes=prefixes)  # type: ignore[arg-type]
        yield from buffer.drain()

    def _export_cache(self, rdf_format: ox.RdfFormat) -> Path | None:
        if self._build is None:
            return None
        return export_file(self._build.directory, rdf_format)

    def _dump_graphs(self, rdf_format: ox.RdfFormat) -> Iterator[bytes]:
        """Dumped by Oxigraph's own serializer (no Python object per triple), streamed from a thread.

        Triples formats get each graph in turn (their union); dataset formats get the dataset whole.
        """
        prefixes = EXPORT_PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
        if rdf_format.supports_datasets:

            def dump_dataset(sink: _QueueWriter) -> None:
                self._store.dump(sink, rdf_format, prefixes=prefixes)  # type: ignore[arg-type]

            return _streamed(dump_dataset)
        named = list(self._store.named_graphs())
        graphs: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = [ox.DefaultGraph(), *sorted(named, key=str)]

        def dump(sink: _QueueWriter) -> None:
            # Repeated @prefix lines between graphs are valid Turtle; every graph is complete on its own.
            for graph in graphs:
                self._store.dump(sink, rdf_format, from_graph=graph, prefixes=prefixes)  # type: ignore[arg-type]

        return _streamed(dump)


# Exports written once per build, beside its dataset file (N-Quads is the dataset file itself).
FILED_EXPORTS = (TURTLE, N_TRIPLES, TRIG)
EXPORTS_DIR = "exports"


def export_file(build_directory: Path, rdf_format: ox.RdfFormat) -> Path:
    """Where a build keeps its export in `rdf_format`."""
    return build_directory / EXPORTS_DIR / f"dataset.{rdf_format.file_extension}"


def write_exports(dataset_file: Path, build_directory: Path) -> None:
    """Write the Turtle, N-Triples and TriG exports of a build's dataset file into build_directory/exports.

    Run once when a build is written, so that every /export of it streams a file.
    """
    store = ox.Store()
    store.bulk_load(path=str(dataset_file), format=ox.RdfFormat.N_QUADS)
    writer = OxigraphStore(store, "")
    (build_directory / EXPORTS_DIR).mkdir(exist_ok=True)
    for media_type in FILED_EXPORTS:
        rdf_format = _RDF_FORMATS[media_type]
        for _ in _tee(writer._dump_graphs(rdf_format), export_file(build_directory, rdf_format)):
            pass


_STREAM_CHUNK = 1 << 16
_STREAM_DEPTH = 64  # chunks in flight between the serializer thread and the reader: bounds the memory of an export


class _ExportCancelled(Exception):
    """The reader of an export went away; the serializer stops."""


class _QueueWriter(io.RawIOBase):
    """A file-like sink that hands serializer output to a reader in another thread, in bounded chunks."""

    def __init__(self, chunks: queue.Queue[bytes | BaseException | None], cancelled: threading.Event) -> None:
        super().__init__()
        self.chunks = chunks
        self.cancelled = cancelled
        self.pending = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.pending += data
        if len(self.pending) >= _STREAM_CHUNK:
            self.send(bytes(self.pending))
            self.pending.clear()
        return len(data)

    def send(self, item: bytes | BaseException | None) -> None:
        while True:
            if self.cancelled.is_set():
                raise _ExportCancelled
            try:
                self.chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue


def _streamed(produce: Callable[[_QueueWriter], None]) -> Iterator[bytes]:
    """Run `produce` in a thread and yield what it writes, holding at most a few chunks in memory."""
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=_STREAM_DEPTH)
    cancelled = threading.Event()
    sink = _QueueWriter(chunks, cancelled)

    def run() -> None:
        try:
            produce(sink)
            if sink.pending:
                sink.send(bytes(sink.pending))
            sink.send(None)
        except _ExportCancelled:
            return
        except BaseException as error:  # handed to the reader, which raises it
            try:
                sink.send(error)
            except _ExportCancelled:
                return

    thread = threading.Thread(target=run, name="ilokg-export", daemon=True)
    thread.start()
    try:
        while (item := chunks.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        cancelled.set()
        thread.join()


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk


def _tee(chunks: Iterator[bytes], target: Path | None) -> Iterator[bytes]:
    """Yield `chunks`, also writing them to `target`, which appears only once the whole export is written."""
    if target is None:
        yield from chunks
        return
    partial = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        target.parent.mkdir(exist_ok=True)
        handle = partial.open("wb")
    except OSError:  # a read-only build directory: stream without keeping a copy
        yield from chunks
        return
    complete = False
    try:
        for chunk in chunks:
            handle.write(chunk)
            yield chunk
        complete = True
    finally:
        handle.close()
        if complete:
            os.replace(partial, target)
        else:
            partial.unlink(missing_ok=True)


class _ChunkWriter(io.RawIOBase):
    """A file-like sink that collects serializer output as chunks."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def drain(self) -> Iterator[bytes]:
        pending = bytearray()
        for chunk in self.chunks:
            pending += chunk
            if len(pending) >= 1 << 16:
                yield bytes(pending)
                pending.clear()
        if pending:
            yield bytes(pending)


def _read_marker(path: Path) -> tuple[str | None, int | None]:
    """The build an on-disk store holds and its quad count, from the marker file beside its data.

    Kept out of the graph, so that users' queries over the union of all graphs see only the build's
    own quads. A store whose loading was cut short has no marker and is loaded again."""
    marker = path / STORE_MARKER_FILE
    if not marker.is_file():
        return None, None
    try:
        content = json.loads(marker.read_text(encoding="utf-8"))
        return str(content["build_id"]), int(content["quads"])
    except (ValueError, KeyError, TypeError):
        return None, None


def stored_build_id(path: Path) -> str | None:
    """The build an on-disk store directory holds, if it is a complete store this code wrote."""
    return _read_marker(path)[0]


def _write_marker(path: Path, build_id: str, quads: int) -> None:
    marker = path / STORE_MARKER_FILE
    staging = marker.with_suffix(".tmp")
    staging.write_text(json.dumps({"build_id": build_id, "quads": quads}), encoding="utf-8")
    staging.replace(marker)


def connect(settings: Settings) -> GraphStore:
    """The store the settings name: embedded Oxigraph (the default) or a SPARQL 1.1 server."""
    if settings.store_kind == "sparql":
        from graph.remote import RemoteSparqlStore

        return RemoteSparqlStore.from_settings(settings)
    return open_store(settings.data_dir, settings.store)


def open_store(data_dir: Path, store_path: Path | None = None) -> OxigraphStore:
    """The store of the current build: in memory, or on disk at `store_path`."""
    build = current_build(data_dir)
    if store_path is not None:
        return OxigraphStore.on_disk(store_path, build)
    if build is None:
        raise StoreUnavailable(f"there is no build in {data_dir}; run `ilokg build` first")
    return OxigraphStore.in_memory(build)
