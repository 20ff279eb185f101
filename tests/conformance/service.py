"""The service under test: the real app (create_app) in a real uvicorn on 127.0.0.1, started once, whose
dataset is swapped between tests through its GraphHolder, as a reload swaps in a new build."""

from __future__ import annotations

import gc
import hashlib
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyoxigraph as ox

from api.app import create_app
from api.routes.dependencies import GraphHolder, LoadedGraph
from graph.build.directory import MANIFEST_FILE, BuildResult
from graph.build.exports import merge_file
from graph.build.reference import read_sdg_indicator_iris
from graph.ids import IdScheme
from graph.settings import Settings
from graph.store.base import GraphStore
from graph.store.embedded import OxigraphStore
from graph.store.sandbox import SandboxedStore, materialise
from tests.conformance.manifest import Dataset, SuiteFile
from tests.live import running

_RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML}
REQUEST_TIMEOUT_S = 30.0


def rdf_format(file: SuiteFile) -> ox.RdfFormat:
    return _RDF_FORMATS[file.path.suffix]


def load_dataset(dataset: Dataset) -> ox.Store:
    """An in-memory Oxigraph store holding `dataset`: qt:data in the default graph, qt:graphData as named graphs.

    Each file is parsed on its own, with its IRI as base, so its blank nodes are its own."""
    store = ox.Store()
    for file in dataset.default:
        store.load(path=file.path, format=rdf_format(file), base_iri=file.iri, to_graph=ox.DefaultGraph())
    for name, source in dataset.named:
        if source is None:
            store.add_graph(ox.NamedNode(name))
        else:
            store.load(path=source.path, format=rdf_format(source), base_iri=source.iri, to_graph=ox.NamedNode(name))
    return store


@dataclass
class LiveService:
    """The running service and what it needs to take another dataset."""

    base_url: str
    holder: GraphHolder
    settings: Settings
    ids: IdScheme
    scratch: Path
    serving: Dataset | None = None

    @property
    def endpoint(self) -> str:
        return self.base_url + "/sparql"


def serve_dataset(service: LiveService, dataset: Dataset) -> str:
    """Put `dataset` behind the running service's /sparql and return that URL.

    The one place that knows how a store holds a test's dataset: the test's default graph is the
    store's default graph, its named graphs are named graphs (SPARQL 1.1 dataset semantics). The
    store is served the way `ilokg serve` serves a build: with the sandbox (the default), users'
    queries run in worker processes over the build's on-disk store.
    """
    if service.serving == dataset:
        return service.endpoint
    memory = load_dataset(dataset)
    store: GraphStore
    if service.settings.sandbox_queries:
        build = _as_build(memory, service.scratch)
        path = materialise(build, service.settings.data_dir)
        empty = [ox.NamedNode(name) for name, source in dataset.named if source is None]
        if empty:  # N-Quads cannot say that a graph exists but is empty
            _add_graphs(path, empty)
        store = SandboxedStore(build, service.settings, OxigraphStore.open_read_only(path, build))
    else:
        store = OxigraphStore(memory, "w3c-in-memory")
    previous = service.holder.current
    service.holder.replace(LoadedGraph.open(store, service.ids, service.settings))
    service.serving = dataset
    if previous is not None:
        close = getattr(previous.store, "close", None)  # the sandbox's workers; no request is in flight
        if close is not None:
            close()
    return service.endpoint


def _as_build(store: ox.Store, scratch: Path) -> BuildResult:
    """The dataset written as a build: its named graphs as the N-Quads file, its default graph as the file a
    store loads as its default graph (for a build, the merge; here, the test's own default graph)."""
    named = [q for q in store if not isinstance(q.graph_name, ox.DefaultGraph)]
    default = [q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    quads = ox.serialize(named, format=ox.RdfFormat.N_QUADS) or b""
    triples = ox.serialize(default, format=ox.RdfFormat.N_TRIPLES) or b""
    build_id = "w3c-" + hashlib.sha256(quads + b"\n--\n" + triples).hexdigest()[:16]
    directory = scratch / "builds" / build_id
    directory.mkdir(parents=True, exist_ok=True)
    dataset_file = directory / "dataset.nq"
    dataset_file.write_bytes(quads)
    merge_file(directory).parent.mkdir(exist_ok=True)
    merge_file(directory).write_bytes(triples)
    # No "default_graph": "merge" here: the test's default graph is its own, not the merge of its named graphs.
    manifest = {"build_id": build_id}
    (directory / MANIFEST_FILE).write_text(json.dumps(manifest), encoding="utf-8")
    return BuildResult(build_id, directory, dataset_file, manifest)


def _add_graphs(path: Path, graphs: list[ox.NamedNode]) -> None:
    writer = ox.Store(str(path))
    for graph in graphs:
        writer.add_graph(graph)
    writer.flush()
    del writer
    gc.collect()  # close the read-write handle before the workers open the store


@contextmanager
def live_service() -> Iterator[LiveService]:
    """The service in uvicorn on 127.0.0.1, over scratch space that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="ilokg-w3c-") as scratch_dir:
        scratch = Path(scratch_dir)
        # One query worker: the answers do not depend on how many there are, and each swap starts them anew.
        settings = Settings(data_dir=scratch / "data", query_workers=1)
        ids = IdScheme(settings.base_iri, read_sdg_indicator_iris(settings.seeds_dir))
        app = create_app(settings, store=OxigraphStore(ox.Store(), "w3c-empty"))
        with running(app) as base_url:  # at shutdown the app stops the workers of the graph it serves
            yield LiveService(base_url, app.state.graph, settings, ids, scratch)


def client() -> httpx.Client:
    """An HTTP client for the service: loopback only, no proxy from the environment, bounded in time."""
    return httpx.Client(
        timeout=REQUEST_TIMEOUT_S,
        trust_env=False,
        follow_redirects=False,
        event_hooks={"request": [_loopback_only]},
    )


def _loopback_only(request: httpx.Request) -> None:
    """The harness never sends a request anywhere but this machine's loopback."""
    if request.url.host != "127.0.0.1":
        raise ValueError(f"the conformance harness only talks to 127.0.0.1, not {request.url.host}")
