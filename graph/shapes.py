"""Checking a dataset against the SHACL shapes of the ontology."""

from __future__ import annotations

from rdflib import Dataset, Graph
from rdflib.term import Node

from graph.ids import IdScheme
from ontology.namespaces import SH, SHAPES_FILE


def load_shapes() -> Graph:
    return Graph().parse(SHAPES_FILE, format="turtle")


def validate(dataset: Dataset | Graph, ids: IdScheme | None = None) -> list[str]:
    """Every shape violation of the union of the dataset's graphs, one readable line each."""
    from pyshacl import validate as shacl_validate

    union = Graph()
    for triple in (
        dataset.triples((None, None, None))
        if isinstance(dataset, Graph) and not isinstance(dataset, Dataset)
        else dataset.quads((None, None, None, None))
    ):
        union.add(triple[:3])
    conforms, report, _ = shacl_validate(union, shacl_graph=load_shapes(), inference="none", advanced=False)
    if conforms:
        return []
    assert isinstance(report, Graph)
    lines = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        lines.append(f"{_name(focus, ids)} {_name(path, ids)}: {message}")
    return sorted(set(lines))


def _name(node: Node | None, ids: IdScheme | None) -> str:
    if node is None:
        return "-"
    text = str(node)
    if ids is not None:
        short = ids.short_id(text)
        if short:
            return short
    return f"<{text}>"
