"""Queries of the overview: what the graph holds, its documents, the names search reads, the flow diagram."""

from __future__ import annotations

from collections.abc import Iterable

from graph.queries import PROLOGUE
from graph.terms import Iri, values


def kind_counts(classes: Iterable[Iri]) -> str:
    """How many resources of each class (or a subclass)."""
    return (
        PROLOGUE
        + f"""SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  {values("class", classes)} ?s a/rdfs:subClassOf* ?class }} GROUP BY ?class"""
    )


BUILD_INFO = (
    PROLOGUE
    + """SELECT ?created ?triples WHERE { ?dataset a void:Dataset ; dcterms:created ?created .
  OPTIONAL { ?dataset void:triples ?triples } } ORDER BY DESC(?created) LIMIT 1"""
)

DOCUMENTS = (
    PROLOGUE
    + """SELECT ?doc ?title ?file ?lines ?sha ?symbol ?issued ?publisher
       (COUNT(DISTINCT ?evidence) AS ?statements) WHERE {
  ?doc a ilokg:SourceDocument ; dcterms:title ?title ; ilokg:fileName ?file ; ilokg:lineCount ?lines .
  OPTIONAL { ?doc ilokg:sha256 ?sha } OPTIONAL { ?doc dcterms:identifier ?symbol }
  OPTIONAL { ?doc dcterms:issued ?issued } OPTIONAL { ?doc dcterms:publisher ?publisher }
  OPTIONAL { ?evidence a ilokg:Evidence ; dcterms:source ?doc }
} GROUP BY ?doc ?title ?file ?lines ?sha ?symbol ?issued ?publisher"""
)


def stated_links(document: Iri) -> str:
    """Every link a document states, in the order of its lines."""
    return (
        PROLOGUE
        + f"""SELECT ?evidence ?s ?p ?o ?line ?quote ?note ?plabel WHERE {{
  ?evidence a ilokg:Evidence ; dcterms:source {document} ; rdf:subject ?s ; rdf:predicate ?p ;
            rdf:object ?o ; ilokg:line ?line ; ilokg:quote ?quote .
  OPTIONAL {{ ?evidence rdfs:comment ?note }} OPTIONAL {{ ?p rdfs:label ?plabel }}
}} ORDER BY ?line ?evidence"""
    )


def names(properties: Iterable[Iri]) -> str:
    """Every name and short id of every resource (not of evidence or derivation nodes), with its language."""
    return (
        PROLOGUE
        + f"""SELECT DISTINCT ?s ?name ?p (LANG(?name) AS ?lang) WHERE {{ {values("p", properties)} ?s ?p ?name .
  FILTER(isIRI(?s)) FILTER NOT EXISTS {{ ?s a ilokg:Evidence }} FILTER NOT EXISTS {{ ?s a ilokg:Derivation }} }}"""
    )


def types(resources: Iterable[Iri]) -> str:
    """Every class of each resource."""
    return f"SELECT ?s ?t WHERE {{ {values('s', resources)} ?s a ?t }}"


def holds(resource: Iri) -> str:
    """One row when `resource` has any link out."""
    return f"SELECT ?p WHERE {{ {resource} ?p ?o }} LIMIT 1"


def flow_middle(flagship: Iri | None) -> str:
    """Flagships and the standards, outcomes and outputs they rest on or contribute to."""
    scope = values("f", [flagship]) if flagship is not None else ""
    return (
        PROLOGUE
        + f"""SELECT DISTINCT ?f ?p ?m WHERE {{ {scope} ?f a ilokg:FlagshipProgramme ; ?p ?m .
  FILTER(?p IN (ilokg:principalStandard, ilokg:contributesToOutcome, ilokg:contributesToOutput)) }}"""
    )


def flow_served(flagship: Iri | None) -> str:
    """Flagships and the SDG targets they serve (stated or derived)."""
    scope = values("f", [flagship]) if flagship is not None else ""
    return (
        PROLOGUE + f"""SELECT DISTINCT ?f ?t WHERE {{ {scope} ?f a ilokg:FlagshipProgramme ; ilokg:servesTarget ?t }}"""
    )


def goals_of_targets(targets: Iterable[Iri]) -> str:
    """The goal of each SDG target."""
    return PROLOGUE + f"SELECT ?t ?g WHERE {{ {values('t', targets)} ?t a sdgo:Target ; skos:broader ?g }}"


OBJECT_PROPERTY_LABELS = (
    PROLOGUE + "SELECT ?p (SAMPLE(?l) AS ?label) WHERE { ?p a owl:ObjectProperty ; rdfs:label ?l } GROUP BY ?p"
)
