"""The W3C SPARQL 1.1 test manifests (Turtle, read with rdflib), turned into test cases.

The suite is copied unchanged under `w3c/`; its files are named by the IRIs the W3C gives them
(`http://www.w3.org/2009/sparql/docs/tests/data-sparql11/<folder>/<file>`), so relative IRIs in
manifests, queries, data and results resolve the same way everywhere. Those IRIs are names only:
nothing here fetches them, each maps to its file under `w3c/`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from graph.store.reader import Limits, QueryRefused, RefusalReason, read_query

SUITE_DIR = Path(__file__).resolve().parent / "w3c" / "sparql" / "sparql11"
SUITE_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")

# Folders of manifest-all.ttl that are not copied, and why they do not apply to a read-only query endpoint.
NOT_APPLICABLE = {
    "entailment": "entailment regimes: the endpoint answers under simple entailment only",
    "graph-store-protocol": "Graph Store HTTP Protocol: the endpoint has none (read-only)",
}
# Tests whose query uses SERVICE (SPARQL 1.1 Federated Query) are counted, never run: not by the service,
# which refuses SERVICE by design, nor by the engine, which would call out.
SERVICE_SKIP = "SERVICE: the endpoint makes no outbound calls and refuses SERVICE by design (400 service-refused)"


class Kind(StrEnum):
    """What a test checks, and so how it is run."""

    EVALUATION = "evaluation"  # mf:QueryEvaluationTest: a query over a dataset, compared with its result
    CSV = "csv"  # mf:CSVResultFormatTest: the same, compared as CSV text
    SYNTAX = "syntax"  # mf:PositiveSyntaxTest11 / mf:NegativeSyntaxTest11 on a query
    UPDATE = "update"  # every update test: the read-only endpoint must refuse it
    PROTOCOL = "protocol"  # mf:ProtocolTest: HTTP exchanges
    DESCRIPTION = "description"  # mf:ServiceDescriptionTest


@dataclass(frozen=True)
class SuiteFile:
    """A file of the suite: its W3C IRI (the base of its relative IRIs) and where it is here."""

    iri: str
    path: Path

    @classmethod
    def of(cls, node: Node | None) -> SuiteFile:
        if node is None:
            raise ValueError("the manifest names no file where the test needs one")
        iri = str(node)
        if not iri.startswith(SUITE_BASE):
            raise ValueError(f"{iri} is not a file of the suite")
        return cls(iri, SUITE_DIR / iri.removeprefix(SUITE_BASE))

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class Dataset:
    """An RDF dataset: files merged into the default graph, and named graphs (a name and its file, or
    None for a graph the test names but gives no data for, which is served empty)."""

    default: tuple[SuiteFile, ...] = ()
    named: tuple[tuple[str, SuiteFile | None], ...] = ()


EMPTY = Dataset()


@dataclass(frozen=True)
class Case:
    """One test of the suite."""

    iri: str
    folder: str
    kind: Kind
    title: str
    positive: bool = True  # syntax tests: whether the text is valid SPARQL
    text: SuiteFile | None = None  # the query (or the update) the test sends
    dataset: Dataset = EMPTY
    result: SuiteFile | None = None
    skip: str | None = None  # why it is not run
    graph: Graph | None = field(default=None, compare=False, repr=False)  # the manifest (protocol tests)

    @property
    def name(self) -> str:
        return self.iri.rpartition("#")[2]

    @property
    def label(self) -> str:
        return f"{self.folder}/{self.name}"


def folders() -> list[str]:
    """The folders manifest-all.ttl includes, in its order."""
    graph = Graph().parse(SUITE_DIR / "manifest-all.ttl", publicID=SUITE_BASE + "manifest-all.ttl")
    found: list[str] = []
    for manifest in graph.subjects(RDF.type, MF.Manifest):
        head = graph.value(manifest, MF.include)
        if head is not None:
            found += [str(item).removeprefix(SUITE_BASE).partition("/")[0] for item in Collection(graph, head)]
    return found


def read_folder(folder: str) -> list[Case]:
    """The tests of one folder's manifest.ttl, in the order of its mf:entries."""
    iri = f"{SUITE_BASE}{folder}/manifest.ttl"
    graph = Graph().parse(SUITE_DIR / folder / "manifest.ttl", format="turtle", publicID=iri)
    cases: list[Case] = []
    for manifest in graph.subjects(RDF.type, MF.Manifest):
        head = graph.value(manifest, MF.entries)
        if head is None:
            continue
        for entry in Collection(graph, head):
            cases.append(_case(graph, folder, entry))
    return cases


def read_suite() -> Iterator[Case]:
    """Every applicable test of the copied suite, folder by folder."""
    for folder in folders():
        if folder not in NOT_APPLICABLE:
            yield from read_folder(folder)


def _case(graph: Graph, folder: str, entry: Node) -> Case:
    test_type = str(graph.value(entry, RDF.type)).rpartition("#")[2]
    iri, title = str(entry), str(graph.value(entry, MF.name) or "")
    action = graph.value(entry, MF.action)
    if test_type in ("QueryEvaluationTest", "CSVResultFormatTest") and action is not None:
        query = SuiteFile.of(graph.value(action, QT.query))
        result = graph.value(entry, MF.result)
        federated = graph.value(action, QT.serviceData) is not None or _uses_service(query)
        return Case(
            iri,
            folder,
            Kind.EVALUATION if test_type == "QueryEvaluationTest" else Kind.CSV,
            title,
            text=query,
            dataset=_dataset(graph, action, QT),
            result=SuiteFile.of(result) if result is not None else None,
            skip=SERVICE_SKIP if federated else None,
        )
    if test_type in ("PositiveSyntaxTest11", "NegativeSyntaxTest11") and action is not None:
        text = SuiteFile.of(action)
        # A negative syntax test on an update (.ru) is an update text: refused like every update.
        kind = Kind.UPDATE if text.path.suffix == ".ru" else Kind.SYNTAX
        skip = SERVICE_SKIP if kind is Kind.SYNTAX and _uses_service(text) else None
        return Case(iri, folder, kind, title, positive=test_type.startswith("Positive"), text=text, skip=skip)
    if test_type in ("PositiveUpdateSyntaxTest11", "NegativeUpdateSyntaxTest11") and action is not None:
        positive = test_type.startswith("Positive")
        return Case(iri, folder, Kind.UPDATE, title, positive=positive, text=SuiteFile.of(action))
    if test_type == "UpdateEvaluationTest" and action is not None:
        request = graph.value(action, UT.request)
        return Case(iri, folder, Kind.UPDATE, title, text=SuiteFile.of(request) if request is not None else None)
    if test_type == "ProtocolTest":
        return Case(iri, folder, Kind.PROTOCOL, title, dataset=_dataset(graph, entry, UT), graph=graph)
    if test_type == "ServiceDescriptionTest":
        return Case(iri, folder, Kind.DESCRIPTION, title)
    raise ValueError(f"{iri}: a test of type {test_type} the harness does not know how to run")


def _uses_service(query: SuiteFile) -> bool:
    try:
        read_query(query.text(), Limits(max_length=1 << 20, max_depth=1 << 10))
    except QueryRefused as refused:
        return refused.reason is RefusalReason.SERVICE
    return False


def _dataset(graph: Graph, node: Node, vocabulary: Namespace) -> Dataset:
    """qt:data / ut:data (the default graph) and qt:graphData / ut:graphData (named graphs).

    A graphData value is the file itself, named by its IRI, or a node giving the file (ut:graph or
    qt:graph) and the graph's name (rdfs:label)."""
    default = tuple(sorted((SuiteFile.of(f) for f in graph.objects(node, vocabulary.data)), key=lambda f: f.iri))
    named: list[tuple[str, SuiteFile | None]] = []
    for value in graph.objects(node, vocabulary.graphData):
        if isinstance(value, URIRef):
            named.append((str(value), SuiteFile.of(value)))
            continue
        source = graph.value(value, vocabulary.graph)
        name = graph.value(value, RDFS.label)
        if source is None or name is None:
            raise ValueError(f"graphData of {node} names no graph file or no graph name")
        named.append((str(name), SuiteFile.of(source)))
    return Dataset(default, tuple(sorted(named, key=lambda item: item[0])))
