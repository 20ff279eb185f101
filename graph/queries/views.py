"""Queries of the views of each kind of thing: indicator values, the outline of a biennium, what serves the
targets of an SDG goal, and the lists of partners, countries, instruments and bienniums."""

from __future__ import annotations

from collections.abc import Iterable

from graph.queries import PROLOGUE
from graph.terms import Iri, values


def indicator_values(indicators: Iterable[Iri]) -> str:
    """Every target, result and baseline of the given indicators, with region, part, amount, text and the evidence
    of the value (the line of its cell)."""
    return (
        PROLOGUE
        + f"""SELECT ?indicator ?value ?kind ?region ?regionLabel ?part ?amount ?text
       ?evidence ?document ?title ?line ?quote ?note WHERE {{
  {values("indicator", indicators)}
  ?indicator ilokg:indicatorValue ?value .
  ?value ilokg:valueKind ?kind .
  OPTIONAL {{ ?value ilokg:region ?region OPTIONAL {{ ?region skos:prefLabel ?regionLabel }} }}
  OPTIONAL {{ ?value ilokg:valuePart ?part }}
  OPTIONAL {{ ?value ilokg:amount ?amount }}
  OPTIONAL {{ ?value ilokg:valueText ?text }}
  OPTIONAL {{
    ?evidence a ilokg:Evidence ; rdf:subject ?indicator ; rdf:predicate ilokg:indicatorValue ; rdf:object ?value ;
              dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
    ?document dcterms:title ?title .
    OPTIONAL {{ ?evidence rdfs:comment ?note }}
  }}
}}"""
    )


def units(indicators: Iterable[Iri]) -> str:
    """The unit the graph gives each indicator (count, cases, percentage)."""
    return (
        PROLOGUE + f"SELECT ?indicator ?unit WHERE {{ {values('indicator', indicators)} ?indicator ilokg:unit ?unit }}"
    )


def biennium_members(biennium: Iri) -> str:
    """Everything of one biennium with its most specific class, name and code."""
    return (
        PROLOGUE
        + f"""SELECT ?member ?class ?label WHERE {{
  ?member ilokg:inBiennium {biennium} ; a ?class .
  OPTIONAL {{ ?member skos:prefLabel ?label }}
}}"""
    )


def biennium_structure(biennium: Iri) -> str:
    """The links that make a biennium's outline: output of, objective of, serves objective, measured by."""
    return (
        PROLOGUE
        + f"""SELECT DISTINCT ?s ?p ?o WHERE {{
  ?s ilokg:inBiennium {biennium} ; ?p ?o .
  FILTER(?p IN (ilokg:outputOf, ilokg:objectiveOf, ilokg:servesObjective, ilokg:measuredBy))
}}"""
    )


def targets_served(goal: Iri) -> str:
    """The targets of a goal, and each flagship serving one with how many quotes state it (0: derived only) and the
    rules that derive it."""
    # The evidence is looked up from the bound target and flagship: an EXISTS over every evidence node is slow.
    return (
        PROLOGUE
        + f"""SELECT ?target ?flagship (COUNT(DISTINCT ?evidence) AS ?quotes)
       (GROUP_CONCAT(DISTINCT STR(?rule); SEPARATOR=" ") AS ?rules) WHERE {{
  ?target skos:broader {goal} ; a sdgo:Target .
  OPTIONAL {{
    ?flagship ilokg:servesTarget ?target ; a ilokg:FlagshipProgramme .
    OPTIONAL {{ ?evidence rdf:object ?target ; rdf:subject ?flagship ; rdf:predicate ilokg:servesTarget ;
                          a ilokg:Evidence }}
    OPTIONAL {{ ?derivation rdf:object ?target ; rdf:subject ?flagship ; rdf:predicate ilokg:servesTarget ;
                            a ilokg:Derivation ; ilokg:rule ?rule }}
  }}
}} GROUP BY ?target ?flagship"""
    )


def members_linked(class_iri: Iri, predicate: Iri) -> str:
    """Every member of a class with its English name and how many things link to it by `predicate`."""
    return (
        PROLOGUE
        + f"""SELECT ?member (SAMPLE(?name) AS ?label) (COUNT(DISTINCT ?s) AS ?links) WHERE {{
  ?member a {class_iri} .
  OPTIONAL {{ ?member skos:prefLabel ?name FILTER(LANGMATCHES(LANG(?name), "en")) }}
  OPTIONAL {{ ?s {predicate} ?member }}
}} GROUP BY ?member"""
    )


INSTRUMENTS = (
    PROLOGUE
    + """SELECT ?instrument ?label ?class ?year (COUNT(DISTINCT ?flagship) AS ?flagships)
       (COUNT(DISTINCT ?result) AS ?results) WHERE {
  ?instrument a ?class . ?class rdfs:subClassOf ilokg:Instrument .
  OPTIONAL { ?instrument skos:prefLabel ?label }
  OPTIONAL { ?instrument ilokg:adoptionYear ?year }
  OPTIONAL { ?flagship ilokg:principalStandard ?instrument }
  OPTIONAL { ?result ilokg:promotesStandard ?instrument }
} GROUP BY ?instrument ?label ?class ?year"""
)

BIENNIUMS = (
    PROLOGUE
    + """SELECT ?biennium ?label ?class (COUNT(DISTINCT ?member) AS ?n) WHERE {
  ?biennium a ilokg:Biennium .
  OPTIONAL { ?biennium skos:prefLabel ?label }
  OPTIONAL { ?member ilokg:inBiennium ?biennium ; a ?class }
} GROUP BY ?biennium ?label ?class"""
)

SDG_GOALS = (
    PROLOGUE
    + """SELECT ?goal ?label (COUNT(DISTINCT ?target) AS ?targets) (COUNT(DISTINCT ?flagship) AS ?flagships) WHERE {
  ?goal a sdgo:Goal .
  OPTIONAL { ?goal skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), "en")) }
  OPTIONAL { ?target skos:broader ?goal ; a sdgo:Target }
  OPTIONAL { ?flagship a ilokg:FlagshipProgramme ; ilokg:servesGoal ?goal }
} GROUP BY ?goal ?label"""
)


def partners_near(country: Iri, lines: int) -> str:
    """The partners of a programme that a document names within `lines` lines of a quote placing that programme in
    the country: the programme, the partner, and the partner's quote."""
    return (
        PROLOGUE
        + f"""SELECT DISTINCT ?programme ?partner ?evidence ?document ?title ?line ?quote WHERE {{
  ?placed a ilokg:Evidence ; rdf:subject ?programme ; rdf:predicate ilokg:operatesIn ; rdf:object {country} ;
          dcterms:source ?document ; ilokg:line ?near .
  ?evidence a ilokg:Evidence ; rdf:subject ?programme ; rdf:predicate ilokg:partner ; rdf:object ?partner ;
            dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
  FILTER(ABS(?line - ?near) <= {lines})
  ?document dcterms:title ?title .
}} ORDER BY ?partner ?programme ?document ?line"""
    )
