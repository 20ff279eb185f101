"""Queries that describe one resource: its links out and in, their evidence and derivations, its figures; and
the lists of resources by class."""

from __future__ import annotations

from graph.queries import PROLOGUE
from graph.terms import Iri

_BOOKKEEPING = "ilokg:Evidence, ilokg:Derivation"
# Not shown as links into a resource: evidence and derivation nodes (shown with the links they explain) and the SDG
# country data's observations (tens of thousands point at one SDG indicator or country; graph/read/countries.py
# reads them).
_NOT_LINKS_IN = f"{_BOOKKEEPING}, qb:Observation"


def mentions(resource: Iri) -> str:
    """One row when the graph says anything about `resource` (as subject or object)."""
    return f"SELECT ?p WHERE {{ {{ {resource} ?p ?o }} UNION {{ ?s ?p {resource} }} }} LIMIT 1"


def outgoing(resource: Iri) -> str:
    """Every link out of `resource`, with the graph that holds it."""
    return f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {resource} ?p ?o }} }}"


def incoming(resource: Iri) -> str:
    """Every link into `resource` from a resource (not from an evidence, derivation or observation node), with its
    graph."""
    return (
        PROLOGUE
        + f"""SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {resource} }}
  FILTER NOT EXISTS {{ ?s a ?bookkeeping FILTER(?bookkeeping IN ({_NOT_LINKS_IN})) }} }}"""
    )


def evidence_of(resource: Iri) -> str:
    """Every evidence node of a link from or to `resource`, with its source, line, quote and note."""
    return (
        PROLOGUE
        + f"""SELECT ?evidence ?s ?p ?o ?document ?title ?line ?quote ?note WHERE {{
  {{ ?evidence rdf:subject {resource} BIND({resource} AS ?s) }}
  UNION {{ ?evidence rdf:object {resource} BIND({resource} AS ?o) }}
  ?evidence a ilokg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
            dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
  OPTIONAL {{ ?document dcterms:title ?title }}
  OPTIONAL {{ ?evidence rdfs:comment ?note }}
}} ORDER BY ?document ?line ?evidence"""
    )


def derivations_of(resource: Iri) -> str:
    """Every derivation node of a link from or to `resource`."""
    return (
        PROLOGUE
        + f"""SELECT DISTINCT ?derivation ?s ?p ?o WHERE {{
  {{ ?derivation rdf:subject {resource} BIND({resource} AS ?s) }}
  UNION {{ ?derivation rdf:object {resource} BIND({resource} AS ?o) }}
  ?derivation a ilokg:Derivation ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
}} ORDER BY ?derivation"""
    )


def members(class_iri: Iri, within: Iri | None) -> str:
    """Every resource of a class or a subclass (in one biennium, when given), with its English preferred label."""
    scope = f"?member ilokg:inBiennium {within} ." if within is not None else ""
    return (
        PROLOGUE
        + f"""SELECT ?member (SAMPLE(?name) AS ?label) WHERE {{
  ?member a/rdfs:subClassOf* {class_iri} . {scope}
  OPTIONAL {{ ?member skos:prefLabel ?name FILTER(LANGMATCHES(LANG(?name), "en")) }}
}} GROUP BY ?member"""
    )


def figures(resource: Iri) -> str:
    """The figures documents give about `resource`."""
    return (
        PROLOGUE
        + f"""SELECT ?figure ?measure ?amount ?unit ?qualifier ?year WHERE {{
  {resource} ilokg:figure ?figure .
  OPTIONAL {{ ?figure ilokg:measure ?measure }} OPTIONAL {{ ?figure ilokg:amount ?amount }}
  OPTIONAL {{ ?figure ilokg:unit ?unit }} OPTIONAL {{ ?figure ilokg:qualifier ?qualifier }}
  OPTIONAL {{ ?figure ilokg:referenceYear ?year }}
}} ORDER BY ?figure"""
    )


def description(resource: Iri) -> str:
    """The resource as RDF: its triples, the links into it (not the observations about it), and the evidence and
    derivation nodes of each."""
    return (
        PROLOGUE
        + f"""CONSTRUCT {{ {resource} ?p ?o . ?s ?q {resource} . ?why ?wp ?wo }} WHERE {{
  {{ {resource} ?p ?o }}
  UNION {{ ?s ?q {resource} FILTER NOT EXISTS {{ ?s a qb:Observation }} }}
  UNION {{ ?why rdf:subject|rdf:object {resource} ; ?wp ?wo .
           FILTER EXISTS {{ ?why a ?kind FILTER(?kind IN ({_BOOKKEEPING})) }} }}
}}"""
    )
