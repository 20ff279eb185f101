"""A GraphStore over a SPARQL 1.1 server someone already runs (Virtuoso, Fuseki, GraphDB, ...).

The service behaves the same on it as on the embedded Oxigraph store:

- The default graph is the union of the build's named graphs. The server is told so on every
  query (SPARQL 1.1 Protocol `default-graph-uri` and `named-graph-uri`), so that graphs the
  server keeps for itself (Virtuoso's system graphs, other datasets) never leak into answers.
- Queries are parsed here first, with the same parser as the embedded store, and only standard
  SPARQL 1.1 is forwarded: no SERVICE (the server would call other endpoints) and no function of
  one vendor (Virtuoso's `bif:` and `sql:`, which reach into its SQL engine).
- Results are asked for in SPARQL JSON or N-Triples and serialized here with the embedded
  store's serializers, so a client gets byte-for-byte the same formats from both stores.
- What the server does wrong becomes an exception a caller can turn into a clear answer:
  StoreUnavailable (cannot reach it), RemoteTimeout (no answer in time), RemoteStoreError.

`ilokg load` writes a build into the server with the SPARQL 1.1 Graph Store Protocol and
records, in a small graph of its own, which build and which graphs the server now holds.
"""

from __future__ import annotations

import codecs
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from graph import terms
from graph.build.directory import BuildResult
from graph.build.exports import merge_file
from graph.queries import store as queries
from graph.settings import Settings
from graph.store.base import (
    BUILD_ID_GRAPH,
    BUILD_ID_PREDICATE,
    Counts,
    QueryResult,
    QuerySyntaxError,
    RemoteStoreError,
    RemoteTimeout,
    StoreUnavailable,
)
from graph.store.formats import (
    N_TRIPLES,
    RDF_FORMATS,
    SPARQL_JSON,
    Binding,
    serialize_boolean,
    serialize_solutions,
    serialize_triples,
)
from graph.store.reader import STORE_DATASET, QueryDataset, QueryForm, ReadQuery
from graph.store.streams import ChunkWriter

# The store metadata graph (BUILD_ID_GRAPH) names each graph of the build with this predicate.
LOADED_GRAPH_PREDICATE = "urn:ilokg:namedGraph"
# A graph name that never holds triples: "no graphs" in a query's dataset.
NO_GRAPH = "urn:ilokg:noGraph"
# The RDF merge of the build's graphs, loaded as a graph of its own: the default graph of a query that names none.
MERGED_GRAPH = "urn:ilokg:merge"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
FORM_URLENCODED = "application/x-www-form-urlencoded"
# A query answer larger than this is refused rather than held in memory (max_rows cuts far below it).
MAX_RESPONSE_BYTES = 256 << 20
# Triples sent in one Graph Store request while loading.
LOAD_CHUNK_TRIPLES = 50_000
CONNECT_TIMEOUT_S = 5.0
# What a server error message may add to ours.
MAX_SERVER_MESSAGE = 500

# Functions of one server that reach beyond SPARQL (Virtuoso: bif: built-ins, sql: procedures).
_VENDOR_IRI = re.compile(r"<\s*(bif:|sql:|java:|https?://www\.openlinksw\.com/)", flags=re.IGNORECASE)
# How servers say they ran out of time (Virtuoso: SQL state S1T00, "Transaction timed out").
_SERVER_TIMEOUT = re.compile(r"\bS1T00\b|timed? ?out|timeout", flags=re.IGNORECASE)


class NonPortableQuery(QuerySyntaxError):
    """The query uses something one server would run but the embedded store would not (SERVICE, bif:)."""


@dataclass(frozen=True)
class Endpoints:
    """Where the server answers queries and takes graphs, and who we are to it."""

    query_url: str
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = None
    auth_scheme: str = "basic"
    timeout_s: float = 30.0

    @classmethod
    def from_settings(cls, settings: Settings, query_url: str | None = None) -> Endpoints:
        url = query_url or settings.sparql_query_url
        if not url:
            raise StoreUnavailable(
                "the store is a SPARQL server but no query URL is set: set ILOKG_SPARQL_QUERY_URL "
                "(for Virtuoso, http://HOST:8890/sparql)"
            )
        password = settings.sparql_password.get_secret_value() if settings.sparql_password else None
        return cls(
            query_url=url,
            graph_store_url=settings.sparql_graph_store_url,
            user=settings.sparql_user,
            password=password,
            auth_scheme=settings.sparql_auth,
            timeout_s=settings.remote_timeout_s,
        )

    def client(self) -> httpx.Client:
        auth: httpx.Auth | None = None
        if self.user is not None:
            password = self.password or ""
            auth = (
                httpx.DigestAuth(self.user, password)
                if self.auth_scheme == "digest"
                else httpx.BasicAuth(self.user, password)
            )
        timeout = httpx.Timeout(self.timeout_s, connect=min(CONNECT_TIMEOUT_S, self.timeout_s))
        # trust_env=False: no proxy or netrc from the environment decides where queries go.
        return httpx.Client(auth=auth, timeout=timeout, trust_env=False, follow_redirects=False)


# ---------------------------------------------------------------- checks before forwarding


def check_portable(read: ReadQuery) -> None:
    """Refuse (NonPortableQuery, or the embedded store's syntax error) what only one server would run."""
    vendor = next((i for i in read.iris if _VENDOR_IRI.match(f"<{i}")), None)
    if vendor is not None:
        raise NonPortableQuery(
            f"the query uses <{vendor}>, a function of one SPARQL server; use the standard SPARQL 1.1 functions instead"
        )
    try:  # the embedded store's parser, on an empty store: the same syntax errors from both stores
        ox.Store().query(read.text, base_iri=read.base_iri, prefixes=dict(read.default_prefixes) or None)
    except SyntaxError as error:
        raise QuerySyntaxError(str(error)) from error


# ---------------------------------------------------------------- terms and results


def normalize_term(term: dict[str, Any]) -> dict[str, str]:
    """A SPARQL JSON term as the embedded store writes it (servers differ in small ways)."""
    kind = term.get("type")
    value = str(term.get("value", ""))
    if kind == "uri":
        return {"type": "uri", "value": value}
    if kind == "bnode":
        return {"type": "bnode", "value": value.removeprefix("_:")}
    out = {"type": "literal", "value": value}
    language = term.get("xml:lang") or term.get("lang")
    datatype = term.get("datatype")
    if language:
        out["xml:lang"] = str(language)
    elif datatype and datatype != XSD_STRING:
        out["datatype"] = str(datatype)
    return out


class _ResponseReader(io.RawIOBase):
    """A streamed HTTP response body as a file, for the streaming RDF parser."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


# ---------------------------------------------------------------- the store


class RemoteSparqlStore:
    """A build held by a SPARQL 1.1 server, queried over the SPARQL 1.1 Protocol."""

    def __init__(
        self, endpoints: Endpoints, query_timeout_s: float | None = None, *, require_build: bool = True
    ) -> None:
        self.endpoints = endpoints
        self._client = endpoints.client()
        self._query_timeout_s = query_timeout_s or endpoints.timeout_s
        self._counts: Counts | None = None
        self._graphs: list[str] = []
        build_id, graphs = self._read_store_metadata()
        if build_id is None and require_build:
            self.close()
            raise StoreUnavailable(
                f"the SPARQL server at {endpoints.query_url} holds no build; "
                f"push one with `ilokg load --to {endpoints.query_url} --graph-store URL`"
            )
        self._build_id = build_id or ""
        self._graphs = graphs

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteSparqlStore:
        return cls(Endpoints.from_settings(settings), query_timeout_s=settings.query_timeout_s)

    def close(self) -> None:
        self._client.close()

    # ------------------------------------------------------------ what the store holds

    @property
    def build_id(self) -> str:
        return self._build_id

    def graph_names(self) -> list[str]:
        return list(self._graphs)

    def counts(self) -> Counts:
        if self._counts is None:
            triples = self._select_rows(queries.COUNT_DEFAULT_GRAPH, STORE_DATASET)
            quads = self._select_rows(queries.COUNT_NAMED_GRAPHS, STORE_DATASET)
            self._counts = Counts(_count_of(triples), _count_of(quads))
        return self._counts

    def _read_store_metadata(self) -> tuple[str | None, list[str]]:
        rows = self._select_rows(queries.metadata(terms.iri(BUILD_ID_GRAPH)), QueryDataset((BUILD_ID_GRAPH,), ()))
        build_id = next((r["o"]["value"] for r in rows if r["p"]["value"] == BUILD_ID_PREDICATE), None)
        graphs = sorted(r["o"]["value"] for r in rows if r["p"]["value"] == LOADED_GRAPH_PREDICATE)
        return build_id, graphs

    # ------------------------------------------------------------ queries

    def _dataset_params(self, dataset: QueryDataset) -> list[tuple[str, str]]:
        """The query's dataset as SPARQL Protocol parameters, so the server's own graphs and defaults never count."""
        every = dataset.default_graphs is not None and set(dataset.default_graphs) == set(self._graphs)
        # Every graph of the build as the default graph is their merge, a set (the server may read them as a bag).
        default = [MERGED_GRAPH] if dataset.default_graphs is None or every else list(dataset.default_graphs)
        named = self._graphs if dataset.named_graphs is None else list(dataset.named_graphs)
        # Some servers read "none given" as "all": a graph that never holds anything stands for "none".
        params = [("default-graph-uri", g) for g in default or [NO_GRAPH]]
        return params + [("named-graph-uri", g) for g in named or [NO_GRAPH]]

    def _post_query(
        self, sparql: str, dataset: QueryDataset, accept: str, consume: Callable[[Iterator[bytes]], Any]
    ) -> Any:
        data = [("query", sparql), *self._dataset_params(dataset)]
        try:
            with self._client.stream(
                "POST",
                self.endpoints.query_url,
                content=urlencode(data).encode(),
                headers={"Accept": accept, "Content-Type": FORM_URLENCODED},
                timeout=httpx.Timeout(self._query_timeout_s, connect=min(CONNECT_TIMEOUT_S, self._query_timeout_s)),
            ) as response:
                if response.status_code >= 400:
                    message = _server_message(response.read())
                    if response.status_code >= 500 and _SERVER_TIMEOUT.search(message):
                        raise RemoteTimeout(f"the SPARQL server stopped the query at its time limit: {message}")
                    raise RemoteStoreError(
                        f"the SPARQL server refused the query (HTTP {response.status_code}): {message}"
                    )
                if response.headers.get("X-SQL-State"):
                    # Virtuoso's "anytime" answers: a partial result cut at the server's own time limit.
                    raise RemoteTimeout(
                        "the SPARQL server stopped the query at its time limit and returned a partial result; "
                        "narrow the query"
                    )
                return consume(_limited(response.iter_bytes()))
        except httpx.TimeoutException as error:
            raise RemoteTimeout(
                f"the SPARQL server did not answer within {self._query_timeout_s:g} s; narrow the query"
            ) from error
        except httpx.TransportError as error:
            raise StoreUnavailable(f"cannot reach the SPARQL server at {self.endpoints.query_url}: {error}") from error

    def _solutions(self, sparql: str, dataset: QueryDataset) -> dict[str, Any]:
        def read(chunks: Iterator[bytes]) -> Any:
            body = b"".join(chunks)
            try:
                return json.loads(body)
            except ValueError as error:
                raise RemoteStoreError(
                    f"the SPARQL server did not answer in SPARQL JSON: {_server_message(body)}"
                ) from error

        document = self._post_query(sparql, dataset, SPARQL_JSON, read)
        if not isinstance(document, dict):
            raise RemoteStoreError("the SPARQL server did not answer in SPARQL JSON")
        return document

    def _select_rows(self, sparql: str, dataset: QueryDataset) -> list[Binding]:
        document = self._solutions(sparql, dataset)
        bindings = document.get("results", {}).get("bindings", [])
        return [{name: normalize_term(term) for name, term in row.items()} for row in bindings]

    def _triples(self, sparql: str, dataset: QueryDataset, consume: Callable[[Iterator[ox.Triple]], Any]) -> Any:
        def read(chunks: Iterator[bytes]) -> Any:
            try:
                return consume(
                    q.triple
                    for q in ox.parse(_ResponseReader(chunks), format=ox.RdfFormat.N_TRIPLES)  # type: ignore[arg-type]
                )
            except SyntaxError as error:
                raise RemoteStoreError(f"the SPARQL server did not answer in N-Triples: {error}") from error

        return self._post_query(sparql, dataset, N_TRIPLES, read)

    def query(
        self, read: ReadQuery, dataset: QueryDataset, media_type: str, max_rows: int | None = None
    ) -> QueryResult:
        """Run a user's query on the server and serialize its result here (the first `max_rows` rows or triples)."""
        check_portable(read)
        # The server has no base IRI of ours: a BASE first resolves the query's relative IRIs as the embedded
        # store does (a BASE of the query's own still resolves against it, as SPARQL says).
        # The dataset goes as protocol parameters only: a server may combine a query's FROM with them.
        text = read.without_dataset_clauses() if read.dataset_clauses else read.text
        sparql = read.undeclared_prefixes() + (f"BASE <{read.base_iri}>\n{text}" if read.base_iri else text)
        form = read.form or QueryForm.SELECT
        if form == QueryForm.ASK:
            document = self._solutions(sparql, dataset)
            if not isinstance(document.get("boolean"), bool):
                raise RemoteStoreError("the SPARQL server answered an ASK query without a boolean")
            return QueryResult(QueryForm.ASK, media_type, serialize_boolean(document["boolean"], media_type), rows=1)
        if form == QueryForm.SELECT:
            document = self._solutions(sparql, dataset)
            variables = [str(v) for v in document.get("head", {}).get("vars", [])]
            bindings = document.get("results", {}).get("bindings", [])
            truncated = max_rows is not None and len(bindings) > max_rows
            rows = [
                {name: normalize_term(term) for name, term in row.items()}
                for row in (bindings[:max_rows] if max_rows is not None else bindings)
            ]
            body = serialize_solutions(variables, rows, media_type)
            return QueryResult(QueryForm.SELECT, media_type, body, rows=len(rows), truncated=truncated)

        def collect(triples: Iterator[ox.Triple]) -> tuple[list[ox.Triple], bool]:
            kept: list[ox.Triple] = []
            for triple in triples:
                if max_rows is not None and len(kept) >= max_rows:
                    return kept, True
                kept.append(triple)
            return kept, False

        kept, truncated = self._triples(sparql, dataset, collect)
        return QueryResult(form, media_type, serialize_triples(kept, media_type), rows=len(kept), truncated=truncated)

    def select(self, sparql: str) -> list[Binding]:
        """Rows of one of the service's own SELECT queries, on the store's dataset."""
        return self._select_rows(sparql, STORE_DATASET)

    def construct(self, sparql: str, media_type: str) -> bytes:
        """The triples of one of the service's own CONSTRUCT queries, serialized."""
        return serialize_triples(self._triples(sparql, STORE_DATASET, list), media_type)

    # ------------------------------------------------------------ export

    def _graph_triples(self, graph: str, sink: Callable[[Iterator[ox.Triple]], int]) -> int:
        return int(self._triples(queries.graph_triples(terms.iri(graph)), QueryDataset((), (graph,)), sink))

    def export(self, media_type: str) -> Iterator[bytes]:
        """Dataset formats: every named graph; triple formats: their RDF merge. Each graph checked complete."""
        rdf_format = RDF_FORMATS[media_type]
        graphs = self._graphs if rdf_format.supports_datasets else [MERGED_GRAPH]
        # N-Triples, N-Quads, Turtle and TriG written graph by graph concatenate into one valid document.
        streamable = rdf_format in (
            ox.RdfFormat.N_TRIPLES,
            ox.RdfFormat.N_QUADS,
            ox.RdfFormat.TURTLE,
            ox.RdfFormat.TRIG,
        )
        held: list[ox.Quad] = []
        for graph in graphs:
            expected = self._count_graph(graph)
            buffer = ChunkWriter()
            name = ox.NamedNode(graph)

            def sink(triples: Iterator[ox.Triple], buffer: ChunkWriter = buffer, name: ox.NamedNode = name) -> int:
                counted = _Counter(triples)
                if not streamable:
                    held.extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in counted)
                elif rdf_format.supports_datasets:
                    quads = (ox.Quad(t.subject, t.predicate, t.object, name) for t in counted)
                    ox.serialize(quads, buffer, rdf_format)  # type: ignore[arg-type]
                else:
                    ox.serialize(counted, buffer, rdf_format)  # type: ignore[arg-type]
                return counted.count

            received = self._graph_triples(graph, sink)
            if received != expected:
                raise RemoteStoreError(
                    f"the SPARQL server returned {received} of the {expected} triples of graph <{graph}>; "
                    "raise its result size limit (Virtuoso: ResultSetMaxRows in [SPARQL] of virtuoso.ini)"
                )
            yield from buffer.drain()
        if not streamable:
            buffer = ChunkWriter()
            if rdf_format.supports_datasets:
                ox.serialize(held, buffer, rdf_format)  # type: ignore[arg-type]
            else:
                ox.serialize((q.triple for q in held), buffer, rdf_format)  # type: ignore[arg-type]
            yield from buffer.drain()

    def _count_graph(self, graph: str) -> int:
        return _count_of(self._select_rows(queries.count_graph(terms.iri(graph)), QueryDataset((), (graph,))))


def _count_of(rows: list[Binding]) -> int:
    return int(rows[0]["n"]["value"]) if rows else 0


class _Counter:
    """Counts what passes through an iterator."""

    def __init__(self, items: Iterable[ox.Triple]) -> None:
        self._items = iter(items)
        self.count = 0

    def __iter__(self) -> Iterator[ox.Triple]:
        for item in self._items:
            self.count += 1
            yield item


def _limited(chunks: Iterator[bytes]) -> Iterator[bytes]:
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_RESPONSE_BYTES:
            raise RemoteStoreError(
                f"the SPARQL server's answer is larger than {MAX_RESPONSE_BYTES >> 20} MiB; narrow the query"
            )
        yield chunk


def _server_message(body: bytes) -> str:
    text = codecs.decode(body[: MAX_SERVER_MESSAGE * 4], "utf-8", errors="replace")
    text = re.sub(r"<[^>]+>", " ", text)  # servers answer errors in HTML too
    text = " ".join(text.split())
    return text[:MAX_SERVER_MESSAGE] or "(no message)"


# ---------------------------------------------------------------- loading a build


@dataclass(frozen=True)
class LoadReport:
    """What `load_build` wrote."""

    build_id: str
    graphs: dict[str, int]
    dropped: list[str]


def load_build(build: BuildResult, endpoints: Endpoints, chunk_triples: int = LOAD_CHUNK_TRIPLES) -> LoadReport:
    """Replace what the server holds with `build`: each named graph by Graph Store PUT (then POSTs), build id last.

    The store metadata graph is removed first, so that while loading the server holds "no build"
    rather than a build id that does not match its graphs.
    """
    if not endpoints.graph_store_url:
        raise StoreUnavailable(
            "loading needs the server's Graph Store Protocol URL: pass --graph-store URL or set "
            "ILOKG_SPARQL_GRAPH_STORE_URL (for Virtuoso, http://HOST:8890/sparql-graph-crud-auth)"
        )
    graph_store = endpoints.graph_store_url
    held = RemoteSparqlStore(endpoints, require_build=False)
    previous = held.graph_names()
    held.close()
    # Read through an embedded store, so the server gets the literals in the form the embedded store
    # keeps them (xsd:positiveInteger as xsd:integer, "1.50" as "1.5"): both then answer alike.
    canonical = ox.Store()
    canonical.bulk_load(path=str(build.dataset_file), format=ox.RdfFormat.N_QUADS)
    canonical.bulk_load(
        path=str(merge_file(build.directory)), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph()
    )
    by_graph: dict[str, list[ox.Triple]] = {}
    merged: list[ox.Triple] = []
    for quad in canonical.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, ox.NamedNode):
            by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
        else:
            merged.append(quad.triple)
    with endpoints.client() as client:
        _graph_store_call(client, "DELETE", graph_store, BUILD_ID_GRAPH, None, missing_ok=True)
        for graph in previous:
            if graph not in by_graph:
                _graph_store_call(client, "DELETE", graph_store, graph, None, missing_ok=True)
        for graph, triples in [*sorted(by_graph.items()), (MERGED_GRAPH, merged)]:
            for start in range(0, max(len(triples), 1), chunk_triples):
                body = ox.serialize(triples[start : start + chunk_triples], format=ox.RdfFormat.N_TRIPLES) or b""
                _graph_store_call(client, "PUT" if start == 0 else "POST", graph_store, graph, body)
        metadata = [
            ox.Triple(ox.NamedNode(BUILD_ID_GRAPH), ox.NamedNode(BUILD_ID_PREDICATE), ox.Literal(build.build_id))
        ]
        metadata += [
            ox.Triple(ox.NamedNode(BUILD_ID_GRAPH), ox.NamedNode(LOADED_GRAPH_PREDICATE), ox.NamedNode(graph))
            for graph in sorted(by_graph)
        ]
        body = ox.serialize(metadata, format=ox.RdfFormat.N_TRIPLES) or b""
        _graph_store_call(client, "PUT", graph_store, BUILD_ID_GRAPH, body)
    return LoadReport(
        build.build_id,
        {graph: len(triples) for graph, triples in sorted(by_graph.items())},
        sorted(set(previous) - set(by_graph)),
    )


def _graph_store_call(
    client: httpx.Client, method: str, url: str, graph: str, body: bytes | None, *, missing_ok: bool = False
) -> None:
    headers = {"Content-Type": N_TRIPLES} if body is not None else {}
    try:
        response = client.request(method, url, params={"graph": graph}, content=body, headers=headers)
    except httpx.TimeoutException as error:
        raise RemoteTimeout(f"the graph store at {url} did not answer {method} <{graph}> in time") from error
    except httpx.TransportError as error:
        raise StoreUnavailable(f"cannot reach the graph store at {url}: {error}") from error
    if response.status_code == 404 and missing_ok:
        return
    if response.status_code >= 400:
        hint = (
            " (check ILOKG_SPARQL_USER, ILOKG_SPARQL_PASSWORD and ILOKG_SPARQL_AUTH)"
            if response.status_code
            in (
                401,
                403,
            )
            else ""
        )
        raise RemoteStoreError(
            f"the graph store refused {method} <{graph}> (HTTP {response.status_code}){hint}: "
            f"{_server_message(response.content)}"
        )
