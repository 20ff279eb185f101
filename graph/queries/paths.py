"""Queries that read the link graph of a build once, for paths and neighbourhoods."""

from __future__ import annotations

from collections.abc import Iterable

from graph.queries import PROLOGUE
from graph.terms import Iri, iri_list

_BOOKKEEPING = "ilokg:Evidence, ilokg:Derivation"


def links_in(graph: Iri) -> str:
    """Every link between two resources in one named graph (no type, literal or bookkeeping node); not the links
    to other vocabularies' names for a thing (exactMatch) or to pages about it (seeAlso)."""
    # One graph at a time: over every graph at once (GRAPH ?g, the excluded ones filtered out) Virtuoso runs past
    # two minutes once the SDG country data is in.
    return (
        PROLOGUE
        + f"""SELECT DISTINCT ?s ?p ?o WHERE {{
  GRAPH {graph} {{ ?s ?p ?o }}
  FILTER(isIRI(?s) && isIRI(?o) && ?p NOT IN (rdf:type, skos:exactMatch, skos:closeMatch, rdfs:seeAlso))
  FILTER NOT EXISTS {{ ?s a ?k FILTER(?k IN ({_BOOKKEEPING})) }}
  FILTER NOT EXISTS {{ ?o a ?k2 FILTER(?k2 IN ({_BOOKKEEPING})) }}
}}"""
    )


REASONS = (
    PROLOGUE
    + f"""SELECT ?node ?kind ?s ?p ?o WHERE {{
  ?node a ?kind ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  FILTER(?kind IN ({_BOOKKEEPING}) && isIRI(?o))
}}"""
)
# The English names: SDG items and countries also have French and Spanish ones.
PREFERRED_LABELS = (
    PROLOGUE
    + 'SELECT ?s (SAMPLE(?x) AS ?l) WHERE { ?s skos:prefLabel ?x FILTER(LANGMATCHES(LANG(?x), "en")) } GROUP BY ?s'
)
PROPERTY_LABELS = PROLOGUE + "SELECT ?p (SAMPLE(?x) AS ?l) WHERE { ?p rdfs:label ?x } GROUP BY ?p"


def hubs(classes: Iterable[Iri]) -> str:
    """The resources of the given classes (the hubs a path search avoids unless asked)."""
    return f"SELECT DISTINCT ?s WHERE {{ ?s a ?t FILTER(?t IN ({iri_list(classes)})) }}"
