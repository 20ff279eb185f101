"""The layout shows the architecture: dependencies point one way (api -> graph -> ontology), and no module
imports itself back through others, within a package or across them."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PROJECT = Path(__file__).resolve().parent.parent
PACKAGES = ("api", "graph", "ontology")
# What each package may import of the others.
ALLOWED = {"api": {"api", "graph", "ontology"}, "graph": {"graph", "ontology"}, "ontology": {"ontology"}}


def _module(path: Path) -> str:
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The project modules a file imports (a name imported from a package counts as its module when it is one)."""
    found: set[str] = set()
    package = _module(path) if path.name == "__init__.py" else _module(path).rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name in modules}


def import_graph() -> nx.DiGraph:
    files = [path for package in PACKAGES for path in (PROJECT / package).rglob("*.py")]
    modules = {_module(path) for path in files}
    graph = nx.DiGraph()
    graph.add_nodes_from(modules)
    for path in files:
        for target in _imports(path, modules):
            if target != _module(path):
                graph.add_edge(_module(path), target)
    return graph


def test_dependencies_point_from_api_to_graph_to_ontology() -> None:
    graph = import_graph()
    wrong = [
        f"{source} imports {target}"
        for source, target in graph.edges
        if target.split(".")[0] not in ALLOWED[source.split(".")[0]]
    ]
    assert graph.number_of_edges() > 100 and wrong == []


def test_no_import_cycles() -> None:
    graph = import_graph()
    # A package's __init__ importing its own modules is how a package offers them; it is no cycle of logic.
    for module in list(graph.nodes):
        for target in list(graph.successors(module)):
            if target.startswith(module + "."):
                graph.remove_edge(module, target)
    cycles = list(nx.simple_cycles(graph, length_bound=8))
    assert cycles == []
