"""Checking a dataset against the SHACL shapes of the ontology."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.term import Node

from graph.ids import IdScheme
from ontology.namespaces import PREFIXES, SH, SHAPES_FILE


@dataclass(frozen=True)
class Violation:
    """One SHACL violation: the focus node, the property path (None when it is not a plain IRI), what is wrong."""

    focus: Node | None
    path: URIRef | None
    inverse: bool
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
        shown_path = f"^{_name(inverse_of, ids)}" if inverse_of is not None else _name(path, ids)
        text = f"{_name(focus, ids)} {shown_path}: {message}"
        plain = inverse_of if inverse_of is not None else path
        found[text] = Violation(focus, plain if isinstance(plain, URIRef) else None, inverse_of is not None, text)
    return [found[text] for text in sorted(found)]


def validate(dataset: Dataset | Graph, ids: IdScheme | None = None) -> list[str]:
    """Every shape violation of the union of the dataset's graphs, one readable line each."""
    return [violation.text for violation in violations(dataset, ids)]


def _name(node: Node | None, ids: IdScheme | None) -> str:
    if node is None:
        return "-"
    text = str(node)
    if ids is not None:
        short = ids.short_id(text)
        if short:
            return short
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return f"<{text}>"
