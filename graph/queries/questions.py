"""Queries of the named questions: labels, evidence and derivations of links."""

from __future__ import annotations

from collections.abc import Iterable

from graph.queries import PROLOGUE
from graph.terms import Iri, values


def labels(iris: Iterable[Iri]) -> str:
    """The English preferred label of each IRI that has one (SDG items and countries also have French and Spanish
    ones)."""
    return PROLOGUE + (
        f"SELECT ?s (SAMPLE(?l) AS ?label) WHERE {{ {values('s', iris)} ?s skos:prefLabel ?l "
        'FILTER(LANGMATCHES(LANG(?l), "en")) } GROUP BY ?s'
    )


def is_of_class(iri: Iri, class_iri: Iri) -> str:
    """One row when `iri` is typed with `class_iri` or a subclass of it."""
    return PROLOGUE + f"SELECT ?t WHERE {{ {iri} a/rdfs:subClassOf* {class_iri} BIND(1 AS ?t) }} LIMIT 1"


def members_of(class_iri: Iri) -> str:
    """Every resource typed with `class_iri`."""
    return PROLOGUE + f"SELECT ?s WHERE {{ ?s a {class_iri} }}"


def evidence_for(subject: Iri | None, predicate: Iri, obj: Iri) -> str:
    """Every evidence node stating `subject predicate obj` (any subject when None), with its source."""
    # No BIND(?subject AS ?subject) when any subject will do: Virtuoso then matches nothing.
    bind_subject = f"BIND({subject} AS ?subject)" if subject is not None else ""
    return (
        PROLOGUE
        + f"""SELECT ?subject ?evidence ?document ?title ?line ?quote ?note WHERE {{
  {bind_subject}
  ?evidence a ilokg:Evidence ; rdf:subject ?subject ; rdf:predicate {predicate} ; rdf:object {obj} ;
            dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
  ?document dcterms:title ?title .
  OPTIONAL {{ ?evidence rdfs:comment ?note }}
}} ORDER BY ?document ?line"""
    )


def derivations_for(subject: Iri | None, predicate: Iri, obj: Iri) -> str:
    """Every derivation node giving `subject predicate obj` (any subject when None)."""
    bind_subject = f"BIND({subject} AS ?subject)" if subject is not None else ""
    return (
        PROLOGUE
        + f"""SELECT ?subject ?derivation WHERE {{
  {bind_subject}
  ?derivation a ilokg:Derivation ; rdf:subject ?subject ; rdf:predicate {predicate} ; rdf:object {obj} .
}} ORDER BY ?derivation"""
    )


def premises(derivations: Iterable[Iri]) -> str:
    """The rule and the premises of each derivation, each premise with the link it states or gives."""
    # VALUES keeps each lookup bound: an OPTIONAL over every evidence node would scan all of them.
    return (
        PROLOGUE
        + f"""SELECT ?derivation ?rule ?premise ?kind ?s ?p ?o WHERE {{
  {values("derivation", derivations)}
  ?derivation ilokg:rule ?rule ; prov:wasDerivedFrom ?premise .
  ?premise a ?kind ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  FILTER(?kind IN (ilokg:Evidence, ilokg:Derivation))
}}"""
    )


def rdfs_labels(iris: Iterable[Iri]) -> str:
    """Every rdfs:label of each IRI (rules, properties, classes)."""
    return PROLOGUE + f"SELECT ?s ?label WHERE {{ {values('s', iris)} ?s rdfs:label ?label }}"


def evidence_sources(evidence: Iterable[Iri]) -> str:
    """Document, title, line and quote of each evidence node."""
    return (
        PROLOGUE
        + f"""SELECT ?premise ?document ?title ?line ?quote WHERE {{
  {values("premise", evidence)}
  ?premise dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
  ?document dcterms:title ?title
}}"""
    )
