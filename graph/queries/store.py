"""Queries a SPARQL server store asks about itself: which build it holds, its sizes, a graph's triples."""

from __future__ import annotations

from graph.terms import Iri

# The RDF merge of every named graph, written into the default graph (which holds nothing else then).
MERGE_INTO_DEFAULT_GRAPH = "INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
COUNT_DEFAULT_GRAPH = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
COUNT_NAMED_GRAPHS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def metadata(graph: Iri) -> str:
    """What the store's own graph records (the build id and the build's graphs)."""
    return f"SELECT ?p ?o WHERE {{ {graph} ?p ?o }}"


def graph_triples(graph: Iri) -> str:
    """Every triple of one named graph."""
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"


def count_graph(graph: Iri) -> str:
    """The number of triples of one named graph."""
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
