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

from graph.build import BuildResult
from graph.settings import Settings
from graph.store import (
    _RDF_FORMATS,
    BUILD_ID_GRAPH,
    BUILD_ID_PREDICATE,
    N_TRIPLES,
    SPARQL_JSON,
    TURTLE,
    Binding,
    DatasetScope,
    QueryForm,
    QueryResult,
    QuerySyntaxError,
    RemoteStoreError,
    RemoteTimeout,
    StoreUnavailable,
    _ChunkWriter,
    query_form,
    serialize_boolean,
    serialize_solutions,
)

# The store metadata graph (BUILD_ID_GRAPH) names each graph of the build with this predicate.
LOADED_GRAPH_PREDICATE = "urn:ilokg:namedGraph"
# A graph name that never holds triples: "no named graphs" in a query's dataset.
NO_GRAPH = "urn:ilokg:noGraph"
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
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Strings and comments: their text is data, not code.
_STRINGS_AND_COMMENTS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|#[^\n]*",
    flags=re.DOTALL,
)
# How servers say they ran out of time (Virtuoso: SQL state S1T00, "Transaction timed out").
_SERVER_TIMEOUT = re.compile(r"\bS1T00\b|timed? ?out|timeout", flags=re.IGNORECASE)
_SERVICE = re.compile(r"(?<![\w?$:.-])SERVICE(?![\w:-])", flags=re.IGNORECASE)


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


def check_portable(sparql: str) -> QueryForm:
    """The form of a standard SPARQL 1.1 query that reads only this dataset; else QuerySyntaxError."""
    text = _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)
    code = _STRINGS_AND_COMMENTS.sub(" ", text)
    vendor = _VENDOR_IRI.search(code)
    if vendor:
        raise NonPortableQuery(
            f"the query uses <{vendor.group(1)}...>, a function of one SPARQL server; "
            "use the standard SPARQL 1.1 functions instead"
        )
    if _SERVICE.search(re.sub(r"<[^<>\s]*>", "<>", code)):
        raise NonPortableQuery(
            "SERVICE calls another endpoint; this service answers only from its own dataset: remove the SERVICE clause"
        )
    return query_form(sparql)  # the embedded store's parser: the same syntax errors on both stores


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


def _rdf_term(term: dict[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if term["type"] == "uri":
        return ox.NamedNode(term["value"])
    if term["type"] == "bnode":
        return ox.BlankNode(term["value"])
    if "xml:lang" in term:
        return ox.Literal(term["value"], language=term["xml:lang"])
    if "datatype" in term:
        return ox.Literal(term["value"], datatype=ox.NamedNode(term["datatype"]))
    return ox.Literal(term["value"])


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
        self._triple_count: int | None = None
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

    def triple_count(self) -> int:
        if self._triple_count is None:
            rows = self._select_rows(
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", DatasetScope((), self._graphs)
            )
            self._triple_count = int(rows[0]["n"]["value"]) if rows else 0
        return self._triple_count

    def _read_store_metadata(self) -> tuple[str | None, list[str]]:
        rows = self._select_rows(
            f"SELECT ?p ?o WHERE {{ <{BUILD_ID_GRAPH}> ?p ?o }}",
            DatasetScope((BUILD_ID_GRAPH,), ()),
        )
        build_id = next((r["o"]["value"] for r in rows if r["p"]["value"] == BUILD_ID_PREDICATE), None)
        graphs = sorted(r["o"]["value"] for r in rows if r["p"]["value"] == LOADED_GRAPH_PREDICATE)
        return build_id, graphs

    # ------------------------------------------------------------ queries

    def _dataset_params(self, scope: DatasetScope | None) -> list[tuple[str, str]]:
        if scope and (scope.default_graphs or scope.named_graphs):
            default, named = list(scope.default_graphs), list(scope.named_graphs)
        else:
            # The embedded store's default: the union of all named graphs, and all of them by name.
            default, named = self._graphs, self._graphs
        params = [("default-graph-uri", g) for g in default]
        params += [("named-graph-uri", g) for g in named]
        if default and not named:
            # SPARQL Protocol: the named graphs are then none. Some servers read "none given" as
            # "all"; naming one graph that never holds anything keeps GRAPH ?g from seeing the rest.
            params += [("named-graph-uri", NO_GRAPH)]
        return params

    def _post_query(
        self, sparql: str, scope: DatasetScope | None, accept: str, consume: Callable[[Iterator[bytes]], Any]
    ) -> Any:
        data = [("query", sparql), *self._dataset_params(scope)]
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

    def _solutions(self, sparql: str, scope: DatasetScope | None) -> dict[str, Any]:
        def read(chunks: Iterator[bytes]) -> Any:
            body = b"".join(chunks)
            try:
                return json.loads(body)
            except ValueError as error:
                raise RemoteStoreError(
                    f"the SPARQL server did not answer in SPARQL JSON: {_server_message(body)}"
                ) from error

        document = self._post_query(sparql, scope, SPARQL_JSON, read)
        if not isinstance(document, dict):
            raise RemoteStoreError("the SPARQL server did not answer in SPARQL JSON")
        return document

    def _select_rows(self, sparql: str, scope: DatasetScope | None) -> list[Binding]:
        document = self._solutions(sparql, scope)
        bindings = document.get("results", {}).get("bindings", [])
        return [{name: normalize_term(term) for name, term in row.items()} for row in bindings]

    def _triples(self, sparql: str, scope: DatasetScope | None, consume: Callable[[Iterator[ox.Triple]], Any]) -> Any:
        def read(chunks: Iterator[bytes]) -> Any:
            try:
                return consume(
                    q.triple
                    for q in ox.parse(_ResponseReader(chunks), format=ox.RdfFormat.N_TRIPLES)  # type: ignore[arg-type]
                )
            except SyntaxError as error:
                raise RemoteStoreError(f"the SPARQL server did not answer in N-Triples: {error}") from error

        return self._post_query(sparql, scope, N_TRIPLES, read)

    def query(
        self,
        sparql: str,
        media_type: str | None = None,
        scope: DatasetScope | None = None,
        max_rows: int | None = None,
    ) -> QueryResult:
        """Run a query on the server and serialize its result here (the first `max_rows` rows or triples)."""
        form = check_portable(sparql)
        if form == QueryForm.ASK:
            chosen = media_type or SPARQL_JSON
            document = self._solutions(sparql, scope)
            if not isinstance(document.get("boolean"), bool):
                raise RemoteStoreError("the SPARQL server answered an ASK query without a boolean")
            return QueryResult(QueryForm.ASK, chosen, serialize_boolean(document["boolean"], chosen), rows=1)
        if form == QueryForm.SELECT:
            chosen = media_type or SPARQL_JSON
            document = self._solutions(sparql, scope)
            variables = [str(v) for v in document.get("head", {}).get("vars", [])]
            bindings = document.get("results", {}).get("bindings", [])
            truncated = max_rows is not None and len(bindings) > max_rows
            rows = [
                {name: normalize_term(term) for name, term in row.items()}
                for row in (bindings[:max_rows] if max_rows is not None else bindings)
            ]
            body = serialize_solutions(variables, rows, chosen)
            return QueryResult(QueryForm.SELECT, chosen, body, rows=len(rows), truncated=truncated)
        chosen = media_type or TURTLE

        def collect(triples: Iterator[ox.Triple]) -> tuple[list[ox.Triple], bool]:
            kept: list[ox.Triple] = []
            for triple in triples:
                if max_rows is not None and len(kept) >= max_rows:
                    return kept, True
                kept.append(triple)
            return kept, False

        kept, truncated = self._triples(sparql, scope, collect)
        body = ox.serialize(kept, format=_RDF_FORMATS[chosen]) or b""
        return QueryResult(form, chosen, body, rows=len(kept), truncated=truncated)

    def select(self, sparql: str) -> list[Binding]:
        """Rows of a SELECT query as SPARQL JSON terms (for questions and paths)."""
        if check_portable(sparql) != QueryForm.SELECT:
            raise ValueError("select() takes a SELECT query")
        return self._select_rows(sparql, None)

    # ------------------------------------------------------------ export

    def _graph_triples(self, graph: str, sink: Callable[[Iterator[ox.Triple]], int]) -> int:
        return int(
            self._triples(
                f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                DatasetScope((), (graph,)),
                sink,
            )
        )

    def export(self, media_type: str) -> Iterator[bytes]:
        """The whole dataset, graph by graph (triples formats merge the graphs), checked complete."""
        rdf_format = _RDF_FORMATS[media_type]
        # N-Triples, N-Quads, Turtle and TriG written graph by graph concatenate into one valid document.
        streamable = rdf_format in (
            ox.RdfFormat.N_TRIPLES,
            ox.RdfFormat.N_QUADS,
            ox.RdfFormat.TURTLE,
            ox.RdfFormat.TRIG,
        )
        held: list[ox.Quad] = []
        for graph in self._graphs:
            expected = self._count_graph(graph)
            buffer = _ChunkWriter()
            name = ox.NamedNode(graph)

            def sink(triples: Iterator[ox.Triple], buffer: _ChunkWriter = buffer, name: ox.NamedNode = name) -> int:
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
            buffer = _ChunkWriter()
            if rdf_format.supports_datasets:
                ox.serialize(held, buffer, rdf_format)  # type: ignore[arg-type]
            else:
                ox.serialize((q.triple for q in held), buffer, rdf_format)  # type: ignore[arg-type]
            yield from buffer.drain()

    def _count_graph(self, graph: str) -> int:
        rows = self._select_rows(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", DatasetScope((), (graph,))
        )
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
    by_graph: dict[str, list[ox.Triple]] = {}
    for quad in canonical.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, ox.NamedNode):
            by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
    with endpoints.client() as client:
        _graph_store_call(client, "DELETE", graph_store, BUILD_ID_GRAPH, None, missing_ok=True)
        for graph in previous:
            if graph not in by_graph:
                _graph_store_call(client, "DELETE", graph_store, graph, None, missing_ok=True)
        for graph, triples in sorted(by_graph.items()):
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
