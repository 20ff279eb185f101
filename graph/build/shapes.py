"""Checking a dataset against the SHACL shapes of the ontology."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from graph.ids import IdScheme
from ontology.namespaces import PREFIXES, SH, SHAPES_FILE


@dataclass(frozen=True)
class Violation:
    """One SHACL violation: the focus node, the property path (None when it is not a plain IRI), the offending
    value (None when the shape counts values rather than judging one), and what is wrong in words."""

    focus: Node | None
    path: URIRef | None
    inverse: bool
    value: Node | None
    text: str


def load_shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def violations(dataset: Dataset | Graph, ids: IdScheme | None = None) -> list[Violation]:
    """Every shape violation of the union of the dataset's graphs, in a stable order."""
    from pyshacl import validate as shacl_validate

    # pyshacl validates a dataset as the union of its graphs (a class in one graph, a link in another);
    # handing it the dataset is faster than copying the union, but it sets default_union, so put it back.
    was_union = dataset.default_union if isinstance(dataset, Dataset) else False
    try:
        conforms, report, _ = shacl_validate(dataset, shacl_graph=load_shapes(), inference="none", advanced=False)
    finally:
        if isinstance(dataset, Dataset):
            dataset.default_union = was_union
    if conforms:
        return []
    assert isinstance(report, Graph)
    found: dict[str, Violation] = {}
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        inverse_of = report.value(path, SH.inversePath) if isinstance(path, BNode) else None
        message = report.value(result, SH.resultMessage)
        value = report.value(result, SH.value)
        shown_path = f"^{name(inverse_of, ids)}" if inverse_of is not None else name(path, ids)
        shown_value = f" {name(value, ids)}" if value is not None and value != focus else ""
        text = f"{name(focus, ids)} {shown_path}{shown_value}: {message}"
        plain = inverse_of if inverse_of is not None else path
        found[text] = Violation(
            focus, plain if isinstance(plain, URIRef) else None, inverse_of is not None, value, text
        )
    return [found[text] for text in sorted(found)]


def validate(dataset: Dataset | Graph, ids: IdScheme | None = None) -> list[str]:
    """Every shape violation of the union of the dataset's graphs, one readable line each."""
    return [violation.text for violation in violations(dataset, ids)]


def name(node: Node | None, ids: IdScheme | None = None) -> str:
    """A node as a person reads it: a short id, a prefixed name, <iri>, or a literal in quotes."""
    if node is None:
        return "-"
    if isinstance(node, Literal):
        suffix = f"@{node.language}" if node.language else (f"^^{name(node.datatype, None)}" if node.datatype else "")
        return f'"{node}"{suffix}'
    text = str(node)
    if ids is not None:
        short = ids.short_id(text)
        if short:
            return short
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return f"<{text}>"
