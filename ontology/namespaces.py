"""Every term of the ontology, named once.

`ILOKG` is closed over the terms that `ilokg.ttl` declares, so code cannot use a
term the ontology does not define. The other namespaces are the standards the
graph reuses.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD, ClosedNamespace

ONTOLOGY_DIR = Path(__file__).resolve().parent
ONTOLOGY_FILE = ONTOLOGY_DIR / "ilokg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"

ILOKG_IRI = "https://w3id.org/ilokg/ontology#"
ONTOLOGY_IRI = URIRef("https://w3id.org/ilokg/ontology")
SDG_BASE = "http://metadata.un.org/sdg/"

SDG = Namespace(SDG_BASE)
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
SH = Namespace("http://www.w3.org/ns/shacl#")
# W3C Data Cube and the SDMX-RDF components it is used with (the SDG country data).
QB = Namespace("http://purl.org/linked-data/cube#")
SDMX_DIMENSION = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
SDMX_ATTRIBUTE = Namespace("http://purl.org/linked-data/sdmx/2009/attribute#")
SDMX_MEASURE = Namespace("http://purl.org/linked-data/sdmx/2009/measure#")
SDMX_CODE = Namespace("http://purl.org/linked-data/sdmx/2009/code#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


def _declared_terms() -> list[str]:
    graph = Graph().parse(ONTOLOGY_FILE, format="turtle")
    return sorted(str(s)[len(ILOKG_IRI) :] for s in set(graph.subjects()) if str(s).startswith(ILOKG_IRI))


ILOKG = ClosedNamespace(ILOKG_IRI, _declared_terms())

PREFIXES: dict[str, str] = {
    "ilokg": ILOKG_IRI,
    "sdgo": str(SDGO),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "void": str(VOID),
    "qb": str(QB),
    "sdmx-dimension": str(SDMX_DIMENSION),
    "sdmx-attribute": str(SDMX_ATTRIBUTE),
    "sdmx-measure": str(SDMX_MEASURE),
}

__all__ = [
    "DCTERMS",
    "ILOKG",
    "ILOKG_IRI",
    "ONTOLOGY_FILE",
    "ONTOLOGY_IRI",
    "OWL",
    "PREFIXES",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "SD",
    "SDG",
    "SDGO",
    "SDG_BASE",
    "SDMX_ATTRIBUTE",
    "SDMX_CODE",
    "SDMX_DIMENSION",
    "SDMX_MEASURE",
    "SH",
    "SHAPES_FILE",
    "SKOS",
    "VOID",
    "XSD",
]
