"""Queries the search index reads once per build: the class of every named thing, the figures with their words,
and the links along which a search reaches things related to what it found."""

from __future__ import annotations

from collections.abc import Iterable

from graph.queries import PROLOGUE
from graph.terms import Iri, iri_list


def classes(known: Iterable[Iri]) -> str:
    """The known classes of every resource that has one."""
    return f"SELECT ?s ?t WHERE {{ ?s a ?t FILTER(?t IN ({iri_list(known)})) }}"


FIGURES = (
    PROLOGUE
    + """SELECT ?figure ?subject ?label ?measure ?amount ?unit ?qualifier ?year WHERE {
  ?subject ilokg:figure ?figure .
  OPTIONAL { ?subject skos:prefLabel ?label }
  OPTIONAL { ?figure ilokg:measure ?measure } OPTIONAL { ?figure ilokg:amount ?amount }
  OPTIONAL { ?figure ilokg:unit ?unit } OPTIONAL { ?figure ilokg:qualifier ?qualifier }
  OPTIONAL { ?figure ilokg:referenceYear ?year }
}"""
)


def links(predicates: Iterable[Iri]) -> str:
    """Every link of the given predicates between two resources."""
    return f"SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(isIRI(?o) && ?p IN ({iri_list(predicates)})) }}"
