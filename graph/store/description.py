"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/)."""

from __future__ import annotations


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
    graph.add((default_graph, DCTERMS.description, Literal("the RDF merge of all named graphs (a set)", lang="en")))
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
