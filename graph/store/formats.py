"""The result and RDF formats the stores write: media types, SPARQL results serializers, RDF formats.

Results leave a store already serialized, so that a worker process or a remote endpoint can stand behind the
same interface and every store sends the same bytes.
"""

from __future__ import annotations

import io
import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

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

RDF_FORMATS = {
    TURTLE: ox.RdfFormat.TURTLE,
    TRIG: ox.RdfFormat.TRIG,
    N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    N_QUADS: ox.RdfFormat.N_QUADS,
    JSON_LD: ox.RdfFormat.JSON_LD,
    RDF_XML: ox.RdfFormat.RDF_XML,
}
# Turtle and TriG abbreviate with the ontology's prefixes (plus the SDG ones).
EXPORT_PREFIXES = {**PREFIXES, "sdg": SDG_BASE}

Binding = dict[str, dict[str, str]]  # one row of SPARQL JSON results: variable -> term


def binding_value(row: Binding, name: str) -> str | None:
    """The value of a variable of a SPARQL JSON row, or None when it is unbound."""
    term = row.get(name)
    return term["value"] if term else None


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


def serialize_triples(triples: list[ox.Triple], media_type: str) -> bytes:
    """CONSTRUCT and DESCRIBE results in an RDF format."""
    return ox.serialize(triples, format=RDF_FORMATS[media_type]) or b""
