"""What a SPARQL request text is, read without running it: a query of some form, or an update.

The service is read-only, so updates are refused before anything runs. The form is read
lexically (comments, strings and IRIs skipped, then the prologue), because parsing a text
with a store would evaluate it; the store's own parser still checks the syntax when the
query runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.store import QueryForm

UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
QUERY_KEYWORDS = tuple(form.value for form in QueryForm)

# Strings (long and short), IRIs and comments: their text never decides the form.
_SKIPPED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|#[^\n]*",
    flags=re.DOTALL,
)
# A keyword is a bare word: not a variable (?x, $x) and not part of a prefixed name (ex:select, select:x).
_KEYWORD = re.compile(
    r"(?<![\w?$:.-])(" + "|".join((*QUERY_KEYWORDS, *UPDATE_KEYWORDS, "SERVICE")) + r")(?![\w:-])",
    flags=re.IGNORECASE,
)


class UpdateRefused(ValueError):
    """The text is a SPARQL update; the message says the service is read-only."""


class ServiceRefused(ValueError):
    """The query calls a remote endpoint (SERVICE); the service makes no outbound calls."""


@dataclass(frozen=True)
class Operation:
    """What a request text asks for."""

    form: QueryForm | None  # None when no query form keyword was found (the parser will say why)
    is_update: bool
    uses_service: bool


def _code_only(text: str) -> str:
    return _SKIPPED.sub(" ", text)


def read_operation(text: str) -> Operation:
    """The form of the first operation in `text`, whether it is an update and whether it uses SERVICE."""
    keywords = [match.group(1).upper() for match in _KEYWORD.finditer(_code_only(text))]
    first = next((word for word in keywords if word != "SERVICE"), None)
    return Operation(
        form=QueryForm(first) if first in QUERY_KEYWORDS else None,
        is_update=first in UPDATE_KEYWORDS,
        uses_service="SERVICE" in keywords,
    )


def check_read_only_query(text: str) -> Operation:
    """The operation of `text` when it is a query that reads only this dataset; else UpdateRefused/ServiceRefused."""
    operation = read_operation(text)
    if operation.is_update:
        raise UpdateRefused(
            "this is a SPARQL update (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE or ADD); "
            "the service is read-only: send a SELECT, ASK, CONSTRUCT or DESCRIBE query"
        )
    if operation.uses_service:
        raise ServiceRefused(
            "SERVICE calls another endpoint; this service answers only from its own dataset: remove the SERVICE clause"
        )
    return operation


def service_description(endpoint: str, graph_names: list[str], result_formats: list[str], media_type: str) -> bytes:
    """The SPARQL 1.1 Service Description of the endpoint, serialized as `media_type` (an RDF format)."""
    from rdflib import BNode, Graph, Literal, URIRef

    from ontology.namespaces import DCTERMS, RDF, SD

    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("dcterms", DCTERMS)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, DCTERMS.title, Literal("ILO development cooperation knowledge graph (read-only)", lang="en")))
    for media in result_formats:
        graph.add((service, SD.resultFormat, URIRef(_FORMAT_IRIS.get(media, f"urn:media-type:{media}"))))
    dataset = BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    default_graph = BNode()
    graph.add((dataset, SD.defaultGraph, default_graph))
    graph.add((default_graph, RDF.type, SD.Graph))
    graph.add((default_graph, DCTERMS.description, Literal("the union of all named graphs", lang="en")))
    for name in graph_names:
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
    return graph.serialize(format=_RDFLIB_FORMATS[media_type], encoding="utf-8")


# The W3C format IRIs (https://www.w3.org/ns/formats/) of the media types the endpoint sends.
_FORMAT_IRIS = {
    "application/sparql-results+json": "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "application/sparql-results+xml": "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "text/csv": "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "text/tab-separated-values": "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
    "application/rdf+xml": "http://www.w3.org/ns/formats/RDF_XML",
}
_RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
}
