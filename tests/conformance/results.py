"""Query results, read from the suite's files, from the endpoint's answers and from the engine, and compared.

The comparison follows the W3C test suite: solutions are compared as multisets, blank nodes
matched up to a one-to-one renaming; order counts only when the query has ORDER BY (then the
sequence of its keys must match, or the sequence of whole rows when a key is an expression);
ASK results compare their booleans; CONSTRUCT results compare as RDF graphs (isomorphism).

RDF terms compare by their lexical form, datatype and language (language tags ignoring case), with
one leniency: literals of xsd:boolean, xsd:integer, xsd:decimal, xsd:double and xsd:float compare by
value when their datatypes are the same. The engine keeps such literals in canonical form whatever
the data file wrote ("0"^^xsd:boolean comes back as "false", "01"^^xsd:integer as "1"), and the
suite's expected files and engines write numbers differently ("2.0" or "2", "1.0E0" or "1e0"). A
datatype never changes under this rule ("-3"^^xsd:negativeInteger is not "-3"^^xsd:integer). RDF is
read with pyoxigraph, which keeps lexical forms as written (rdflib would normalise them when parsing).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic

from graph.store.reader import QueryRefused, tokens

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SRX = "{http://www.w3.org/2005/sparql-results#}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True, order=True)
class Term:
    """An RDF term: kind is uri, bnode or literal (or cell, for a CSV cell, which has no type)."""

    kind: str
    value: str
    datatype: str = ""
    language: str = ""

    def __str__(self) -> str:
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        if self.kind == "cell":
            return repr(self.value)
        if self.language:
            return f"{json.dumps(self.value, ensure_ascii=False)}@{self.language}"
        if self.datatype == XSD + "string":
            return json.dumps(self.value, ensure_ascii=False)
        return f"{json.dumps(self.value, ensure_ascii=False)}^^<{self.datatype}>"


def uri(value: str) -> Term:
    return Term("uri", value)


def bnode(value: str) -> Term:
    return Term("bnode", value)


def literal(value: str, datatype: str | None = None, language: str | None = None) -> Term:
    """A literal in the RDF 1.1 form (simple literals are xsd:string), the lenient datatypes by value."""
    if language:
        return Term("literal", value, RDF_LANG_STRING, language.lower())
    datatype = datatype or XSD + "string"
    return Term("literal", _canonical_value(value, datatype), datatype)


def _canonical_value(value: str, datatype: str) -> str:
    """The canonical lexical form of a literal of the lenient datatypes; any other literal as written."""
    stripped = value.strip()
    try:
        if datatype == XSD + "boolean":
            return {"1": "true", "0": "false", "true": "true", "false": "false"}.get(stripped, value)
        if datatype == XSD + "integer":
            return str(int(stripped)) if re.fullmatch(r"[+-]?[0-9]+", stripped) else value
        if datatype == XSD + "decimal":
            number = Decimal(stripped)
            if not number.is_finite():
                return value
            text = format(number.normalize(), "f")
            text = text if "." in text else text + ".0"
            return "0.0" if text in ("-0.0", "0.0") else text
        if datatype in (XSD + "double", XSD + "float"):
            if stripped in ("INF", "+INF", "-INF", "NaN"):
                return stripped.removeprefix("+")
            parsed = float(stripped)
            return "NaN" if math.isnan(parsed) else repr(parsed)
    except (InvalidOperation, ValueError):
        return value  # an ill-typed literal compares as written
    return value


Row = dict[str, Term]
Triple = tuple[Term, Term, Term]


@dataclass
class Answer:
    """A query result: solutions (with their variables), a boolean, or a graph."""

    variables: list[str] | None = None
    rows: list[Row] | None = None
    boolean: bool | None = None
    triples: list[Triple] | None = None

    def describe(self) -> str:
        if self.boolean is not None:
            return f"boolean {str(self.boolean).lower()}"
        if self.triples is not None:
            return f"{len(self.triples)} triples"
        return f"{len(self.rows or [])} solutions"


# ---------------------------------------------------------------- reading results


def from_oxigraph(term: Any) -> Term:
    """A pyoxigraph term."""
    if isinstance(term, ox.NamedNode):
        return uri(term.value)
    if isinstance(term, ox.BlankNode):
        return bnode(term.value)
    if isinstance(term, ox.Literal):
        return literal(term.value, term.datatype.value, term.language)
    raise ValueError(f"no RDF term: {term!r}")


def from_json_term(term: Mapping[str, str]) -> Term:
    """A term of SPARQL 1.1 JSON results (and the typed-literal of the older format)."""
    kind = term["type"]
    if kind == "uri":
        return uri(term["value"])
    if kind == "bnode":
        return bnode(term["value"])
    if kind in ("literal", "typed-literal"):
        return literal(term["value"], term.get("datatype"), term.get("xml:lang"))
    raise ValueError(f"unknown term type {kind!r} in SPARQL JSON results")


def read_json(text: str | bytes) -> Answer:
    """SPARQL 1.1 Query Results JSON."""
    document = json.loads(text)
    if "boolean" in document:
        return Answer(boolean=bool(document["boolean"]))
    variables = list(document.get("head", {}).get("vars", []))
    rows = [{name: from_json_term(value) for name, value in row.items()} for row in document["results"]["bindings"]]
    return Answer(variables, rows)


def read_xml(text: str | bytes) -> Answer:
    """SPARQL Query Results XML."""
    root = ET.fromstring(text)
    boolean = root.find(f"{SRX}boolean")
    if boolean is not None:
        return Answer(boolean=(boolean.text or "").strip() == "true")
    head = root.find(f"{SRX}head")
    variables = [v.attrib["name"] for v in head.findall(f"{SRX}variable")] if head is not None else []
    rows: list[Row] = []
    for result in root.iter(f"{SRX}result"):
        row: Row = {}
        for binding in result.findall(f"{SRX}binding"):
            value = binding[0]
            tag = value.tag.removeprefix(SRX)
            content = value.text or ""
            if tag == "uri":
                row[binding.attrib["name"]] = uri(content.strip())
            elif tag == "bnode":
                row[binding.attrib["name"]] = bnode(content.strip())
            else:
                row[binding.attrib["name"]] = literal(content, value.attrib.get("datatype"), value.attrib.get(XML_LANG))
        rows.append(row)
    return Answer(variables, rows)


_TSV_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_TSV_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$', flags=re.DOTALL)
_INTEGER = re.compile(r"[+-]?[0-9]+$")
_DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+$")
_DOUBLE = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+$")


def _tsv_unescape(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape[0] in "uU":
            return chr(int(escape[1:], 16))
        return _TSV_ESCAPES.get(escape, "\\" + escape)

    return re.sub(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", one, text)


def _tsv_term(cell: str) -> Term | None:
    """A TSV cell: an RDF term in Turtle syntax (SPARQL 1.1 Query Results CSV and TSV Formats, section 3)."""
    cell = cell.strip(" ")
    if not cell:
        return None
    if cell.startswith("<") and cell.endswith(">"):
        return uri(_tsv_unescape(cell[1:-1]))
    if cell.startswith("_:"):
        return bnode(cell[2:])
    match = _TSV_LITERAL.match(cell)
    if match:
        return literal(_tsv_unescape(match.group(1)), match.group(3), match.group(2))
    if cell in ("true", "false"):
        return literal(cell, XSD + "boolean")
    for pattern, datatype in ((_INTEGER, "integer"), (_DECIMAL, "decimal"), (_DOUBLE, "double")):
        if pattern.match(cell):
            return literal(cell, XSD + datatype)
    raise ValueError(f"TSV cell {cell!r} is not an RDF term")


def read_tsv(text: str) -> Answer:
    """SPARQL 1.1 Query Results TSV."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    variables = [name.strip().lstrip("?$") for name in lines[0].rstrip("\r").split("\t")] if lines else []
    rows: list[Row] = []
    for line in lines[1:]:
        cells = line.rstrip("\r").split("\t")
        row: Row = {}
        for name, cell in zip(variables, cells, strict=False):
            term = _tsv_term(cell)
            if term is not None:
                row[name] = term
        rows.append(row)
    return Answer(variables, rows)


def read_csv(text: str) -> Answer:
    """SPARQL 1.1 Query Results CSV: cells are strings without types; `_:` cells are blank nodes."""
    records = list(csv.reader(io.StringIO(text, newline="")))
    variables = records[0] if records else []
    rows: list[Row] = []
    for record in records[1:]:
        row: Row = {}
        for name, cell in zip(variables, record, strict=False):
            if cell:
                row[name] = bnode(cell[2:]) if cell.startswith("_:") else Term("cell", cell)
        rows.append(row)
    return Answer(variables, rows)


def read_triples(data: bytes, rdf_format: ox.RdfFormat, base_iri: str | None = None) -> list[Triple]:
    """The triples of an RDF document (lexical forms kept as written)."""
    return [
        (from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object))
        for q in ox.parse(data, rdf_format, base_iri=base_iri)
    ]


def read_result_graph(triples: list[Triple]) -> Answer:
    """A graph that is either a CONSTRUCT result or a result set in the rs: vocabulary of the suite."""
    result_sets = [s for s, p, o in triples if p == uri(RDF_TYPE) and o == uri(RS + "ResultSet")]
    if not result_sets:
        return Answer(triples=triples)
    by_subject: dict[Term, list[tuple[Term, Term]]] = {}
    for s, p, o in triples:
        by_subject.setdefault(s, []).append((p, o))

    def values(subject: Term, predicate: str) -> list[Term]:
        return [o for p, o in by_subject.get(subject, []) if p == uri(RS + predicate)]

    result_set = result_sets[0]
    booleans = values(result_set, "boolean")
    if booleans:
        return Answer(boolean=booleans[0].value == "true")
    variables = [v.value for v in values(result_set, "resultVariable")]
    indexed: list[tuple[int, Row]] = []
    for solution in values(result_set, "solution"):
        row: Row = {}
        for binding in values(solution, "binding"):
            row[values(binding, "variable")[0].value] = values(binding, "value")[0]
        index = values(solution, "index")
        indexed.append((int(index[0].value) if index else 0, row))
    return Answer(variables, [row for _, row in sorted(indexed, key=lambda item: item[0])])


_RDF_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".rdf": ox.RdfFormat.RDF_XML}


def read_expected(path_suffix: str, data: bytes, base_iri: str) -> Answer:
    """An expected result of the suite, by its file extension."""
    if path_suffix == ".srx":
        return read_xml(data)
    if path_suffix == ".srj":
        return read_json(data)
    if path_suffix == ".tsv":
        return read_tsv(data.decode("utf-8"))
    if path_suffix == ".csv":
        return read_csv(data.decode("utf-8"))
    if path_suffix in _RDF_FORMATS:
        return read_result_graph(read_triples(data, _RDF_FORMATS[path_suffix], base_iri))
    raise ValueError(f"no reader for expected results {path_suffix}")


# ---------------------------------------------------------------- the order a query asks for


@dataclass(frozen=True)
class Order:
    """ORDER BY of a query: its key variables, or None when a key is an expression (then whole rows count)."""

    keys: tuple[str, ...] | None


def ordering(query: str) -> Order | None:
    """The top-level ORDER BY of `query` (outside every group, so not a subquery's), or None."""
    try:
        found = list(tokens(query))
    except QueryRefused:
        return None
    depth = 0
    for index, token in enumerate(found):
        if token.text == "{":
            depth += 1
        elif token.text == "}":
            depth -= 1
        elif (
            depth == 0
            and token.kind == "word"
            and token.text.upper() == "ORDER"
            and index + 1 < len(found)
            and found[index + 1].text.upper() == "BY"
        ):
            return Order(_order_keys([t.text for t in found[index + 2 :]]))
    return None


def _order_keys(words: list[str]) -> tuple[str, ...] | None:
    keys: list[str] = []
    position = 0
    while position < len(words) and words[position].upper() not in ("LIMIT", "OFFSET", "VALUES"):
        word = words[position]
        if word[0] in "?$":
            keys.append(word[1:])
            position += 1
        elif (
            word.upper() in ("ASC", "DESC")
            and words[position + 1 : position + 2] == ["("]
            and words[position + 2 : position + 3]
            and words[position + 2][0] in "?$"
            and words[position + 3 : position + 4] == [")"]
        ):
            keys.append(words[position + 2][1:])
            position += 4
        else:
            return None
    return tuple(keys)


# ---------------------------------------------------------------- comparing


def compare(expected: Answer, actual: Answer, order: Order | None = None) -> str | None:
    """None when `actual` is the answer `expected` gives; otherwise what differs."""
    if expected.boolean is not None or actual.boolean is not None:
        if expected.boolean == actual.boolean:
            return None
        return f"expected {expected.describe()}, got {actual.describe()}"
    if expected.triples is not None or actual.triples is not None:
        if expected.triples is None or actual.triples is None:
            return f"expected {expected.describe()}, got {actual.describe()}"
        if isomorphic(_rdflib_graph(expected.triples), _rdflib_graph(actual.triples)):
            return None
        return _graph_difference(expected.triples, actual.triples)
    expected_rows, actual_rows = expected.rows or [], actual.rows or []
    if not _same_solutions(expected_rows, actual_rows):
        return _rows_difference(expected_rows, actual_rows)
    if order is not None:
        if order.keys is None:
            if not _same_sequence(expected_rows, actual_rows):
                return "the solutions are right but not in the order of ORDER BY"
        elif _key_sequence(expected_rows, order.keys) != _key_sequence(actual_rows, order.keys):
            return f"the solutions are right but not ordered by {', '.join('?' + k for k in order.keys)}"
    return None


def compare_header(expected: Answer, actual: Answer) -> str | None:
    """For CSV, whose cells carry no variable: the header must name the same variables too.

    Their order is free: SPARQL 1.1 leaves the order of the variables of SELECT * to the implementation."""
    if sorted(expected.variables or []) != sorted(actual.variables or []):
        return f"expected the header {expected.variables}, got {actual.variables}"
    return compare(expected, actual)


def _has_bnode(row: Mapping[str, Term]) -> bool:
    return any(term.kind == "bnode" for term in row.values())


def _ground_key(row: Mapping[str, Term]) -> tuple[tuple[str, Term], ...]:
    return tuple(sorted(row.items()))


def _same_solutions(expected: list[Row], actual: list[Row]) -> bool:
    if len(expected) != len(actual):
        return False
    ground = Counter(_ground_key(r) for r in expected if not _has_bnode(r))
    if ground != Counter(_ground_key(r) for r in actual if not _has_bnode(r)):
        return False
    return _match([r for r in expected if _has_bnode(r)], [r for r in actual if _has_bnode(r)], 0, set(), {}, {})


def _extend(
    expected: Row, actual: Row, forward: dict[str, str], backward: dict[str, str]
) -> tuple[dict[str, str], dict[str, str]] | None:
    """The blank node renaming extended so that `expected` maps to `actual`, or None."""
    if expected.keys() != actual.keys():
        return None
    forward, backward = dict(forward), dict(backward)
    for name, term in expected.items():
        other = actual[name]
        if term.kind != "bnode" or other.kind != "bnode":
            if term != other:
                return None
            continue
        if forward.setdefault(term.value, other.value) != other.value:
            return None
        if backward.setdefault(other.value, term.value) != term.value:
            return None
    return forward, backward


def _match(
    expected: list[Row],
    actual: list[Row],
    position: int,
    used: set[int],
    forward: dict[str, str],
    backward: dict[str, str],
) -> bool:
    """Whether the rows with blank nodes pair off one to one under a single blank node renaming."""
    if position == len(expected):
        return True
    for index, candidate in enumerate(actual):
        if index in used:
            continue
        extended = _extend(expected[position], candidate, forward, backward)
        if extended is not None and _match(expected, actual, position + 1, used | {index}, *extended):
            return True
    return False


def _same_sequence(expected: list[Row], actual: list[Row]) -> bool:
    mapping: tuple[dict[str, str], dict[str, str]] | None = ({}, {})
    for left, right in zip(expected, actual, strict=True):
        assert mapping is not None
        mapping = _extend(left, right, *mapping)
        if mapping is None:
            return False
    return True


def _key_sequence(rows: list[Row], keys: tuple[str, ...]) -> list[tuple[Term | None, ...]]:
    # Blank nodes are told apart by the renaming already checked; here only their place in the order counts.
    return [tuple(_blank_as_one(row.get(key)) for key in keys) for row in rows]


def _blank_as_one(term: Term | None) -> Term | None:
    return bnode("") if term is not None and term.kind == "bnode" else term


def _rows_difference(expected: list[Row], actual: list[Row]) -> str:
    shown_expected = Counter(_show_row(r) for r in expected)
    shown_actual = Counter(_show_row(r) for r in actual)
    missing = list((shown_expected - shown_actual).elements())
    extra = list((shown_actual - shown_expected).elements())
    text = f"expected {len(expected)} solutions, got {len(actual)}"
    if missing:
        text += "; missing " + _first(missing)
    if extra:
        text += "; unexpected " + _first(extra)
    if not missing and not extra:
        text += "; they differ in their blank nodes: no one-to-one renaming maps the expected ones onto the answer's"
    return text


def _show_row(row: Mapping[str, Term]) -> str:
    return "{" + ", ".join(f"?{k}={'_:b' if v.kind == 'bnode' else v}" for k, v in sorted(row.items())) + "}"


def _first(items: list[str], count: int = 3) -> str:
    shown = " ".join(items[:count])
    return shown + (f" (and {len(items) - count} more)" if len(items) > count else "")


def _rdflib_term(term: Term) -> URIRef | BNode | Literal:
    if term.kind == "uri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return Literal(term.value, datatype=URIRef(term.datatype), normalize=False)  # lexical forms compare as written


def _rdflib_graph(triples: Iterable[Triple]) -> Graph:
    graph = Graph()
    for s, p, o in triples:
        graph.add((_rdflib_term(s), _rdflib_term(p), _rdflib_term(o)))
    return graph


def _graph_difference(expected: list[Triple], actual: list[Triple]) -> str:
    def ground(triples: list[Triple]) -> set[str]:
        return {" ".join(str(t) for t in triple) for triple in triples if all(t.kind != "bnode" for t in triple)}

    missing, extra = sorted(ground(expected) - ground(actual)), sorted(ground(actual) - ground(expected))
    text = f"the graphs differ: expected {len(set(expected))} triples, got {len(set(actual))}"
    if missing:
        text += "; missing " + _first(missing, 2)
    if extra:
        text += "; unexpected " + _first(extra, 2)
    return text
