"""What the rest of the code sees of a store: the `GraphStore` protocol, its results and its errors."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from graph.store.formats import SPARQL_JSON, TURTLE, Binding
from graph.store.reader import DatasetScope, Limits, QueryDataset, QueryForm, ReadQuery, dataset_of, read_query

# A SPARQL server holds the build id in a graph of its own (see graph/store/remote.py).
BUILD_ID_GRAPH = "urn:ilokg:store"
BUILD_ID_PREDICATE = "urn:ilokg:buildId"


class QuerySyntaxError(ValueError):
    """The query does not parse; the message is the parser's."""


class StoreUnavailable(RuntimeError):
    """No graph is loaded (no build yet) or the store cannot be reached."""


class RemoteStoreError(RuntimeError):
    """The SPARQL server answered with an error or with something that is not a SPARQL result."""


class RemoteTimeout(RemoteStoreError):
    """The SPARQL server did not answer within the deadline, or stopped the query at its own limit."""


@dataclass(frozen=True)
class QueryResult:
    """A serialized query result."""

    form: QueryForm
    media_type: str
    body: bytes
    rows: int = 0
    truncated: bool = False


@dataclass(frozen=True)
class Counts:
    """The size of a build's dataset, each number named as what it is."""

    triples: int  # distinct triples: the default graph, the RDF merge of every graph
    quads: int  # triples in named graphs: a triple stated in two documents counts twice


class GraphStore(Protocol):
    """What the questions, paths, export and the HTTP service need from a store.

    `query()` runs a user's query, read once by graph.store.reader, on the dataset the reader chose;
    `select()` and `construct()` run the service's own queries (graph/queries.py), on the store's dataset.
    """

    @property
    def build_id(self) -> str: ...

    def counts(self) -> Counts: ...

    def graph_names(self) -> list[str]: ...

    def query(
        self, read: ReadQuery, dataset: QueryDataset, media_type: str, max_rows: int | None = None
    ) -> QueryResult: ...

    def select(self, sparql: str) -> list[Binding]: ...

    def construct(self, sparql: str, media_type: str) -> bytes: ...

    def export(self, media_type: str) -> Iterator[bytes]: ...


def query_text(
    store: GraphStore,
    text: str,
    media_type: str | None = None,
    scope: DatasetScope | None = None,
    max_rows: int | None = None,
    *,
    limits: Limits | None = None,
    base_iri: str | None = None,
) -> QueryResult:
    """Read `text` once and run it on `store` (QueryRefused, QuerySyntaxError, or what the store raises).

    The result comes as `media_type`, or SPARQL JSON for SELECT and ASK and Turtle for CONSTRUCT and DESCRIBE.
    """
    read = read_query(text, limits or Limits(len(text), 1 << 16), base_iri)
    chosen = media_type or (TURTLE if read.form is not None and read.form.returns_graph else SPARQL_JSON)
    return store.query(read, dataset_of(read, scope, store.graph_names()), chosen, max_rows)
