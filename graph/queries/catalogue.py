"""Queries of the named questions of the catalogue (graph/read/catalogue.py).

Each returns the rows of one answer with the evidence behind every row, so that the query a page shows runs
as it stands in the SPARQL editor. Link queries share one shape: a row per stated premise of each link, the
link's strength (`?how`: stated, range or chain) and what groups premises into one chain (`?why`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graph.queries import PROLOGUE
from graph.terms import Iri, Literal, values

# The variables every link query selects, in this order. ?ds ?dp ?do ?steprule ?steprulename: the link of a chain
# that no document states but a rule derives, when ?source is one of that derivation's stated premises.
LINK_VARIABLES = (
    "?subject ?predicate ?object ?how ?why ?rulename ?step ?source ?ps ?pp ?po ?document ?title ?line ?quote "
    "?ds ?dp ?do ?steprule ?steprulename"
)

_SOURCE = """?source rdf:subject ?ps ; rdf:predicate ?pp ; rdf:object ?po ;
          dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
  ?document dcterms:title ?title ."""


@dataclass(frozen=True)
class Chain:
    """A chain of stated links read at question time: `steps` of (subject, predicate, object) patterns.

    `?subject` starts the chain and `?object` ends it; other variables name the things in between. `name`
    says in words what the chain goes through ("through an output that reports on it").
    """

    name: str
    steps: Sequence[tuple[str, Iri, str]]
    where: str = ""  # further patterns on the things in between (their class)


def _stated_branch(predicates: str, scope: str) -> str:
    return f"""{{
    {scope}{predicates}
    ?why a ilokg:Evidence ; rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object .
    BIND(?why AS ?source) BIND("stated" AS ?how) BIND(0 AS ?step)
  }}"""


def _derived_branch(predicates: str, scope: str) -> str:
    # Every stated premise of the derivation, however deep: a derivation may rest on another.
    return f"""{{
    {scope}{predicates}
    ?why a ilokg:Derivation ; rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object ;
         ilokg:rule ?rule .
    ?why prov:wasDerivedFrom+ ?source . ?source a ilokg:Evidence .
    OPTIONAL {{ ?rule rdfs:label ?rulename }}
    BIND(IF(?rule = ilokg:rangeExpansion, "range", "chain") AS ?how) BIND(0 AS ?step)
  }}"""


def _chain_branch(chain: Chain, predicate: Iri, scope: str) -> str:
    # Each link of the chain is stated (an evidence node) or derived by a rule (a derivation node, such as an
    # output naming a standard its indicator's text names: upFromIndicator); a derived link is shown by its
    # stated premises, however deep, with its rule.
    patterns = []
    for number, (subject, link, obj) in enumerate(chain.steps, start=1):
        patterns.append(f"?n{number} rdf:subject {subject} ; rdf:predicate {link} ; rdf:object {obj} ; a ?k{number} .")
    count = len(chain.steps)
    kinds = " && ".join(f"?k{n} IN (ilokg:Evidence, ilokg:Derivation)" for n in range(1, count + 1))
    pick = f"?n{count}"
    for number in range(count - 1, 0, -1):
        pick = f"IF(?step = {number}, ?n{number}, {pick})"
    joined = ", ".join(f'STR(?n{n}), " "' for n in range(1, count + 1))
    name = chain.name.replace("\\", "").replace('"', "")
    return f"""{{
    {scope}BIND({predicate} AS ?predicate)
    {" ".join(patterns)}
    FILTER({kinds})
    {chain.where}
    FILTER NOT EXISTS {{ ?subject {predicate} ?object }}
    VALUES ?step {{ {" ".join(str(n) for n in range(1, count + 1))} }}
    BIND({pick} AS ?node)
    ?node prov:wasDerivedFrom* ?source . ?source a ilokg:Evidence .
    OPTIONAL {{
      ?node a ilokg:Derivation ; ilokg:rule ?steprule ; rdf:subject ?ds ; rdf:predicate ?dp ; rdf:object ?do .
      OPTIONAL {{ ?steprule rdfs:label ?steprulename }}
    }}
    BIND(CONCAT({joined}) AS ?why)
    BIND("chain" AS ?how) BIND("{name}" AS ?rulename)
  }}"""


def links(
    predicates: Iterable[Iri],
    *,
    subjects: Iterable[Iri] = (),
    objects: Iterable[Iri] = (),
    subject_classes: Iterable[Iri] = (),
    object_classes: Iterable[Iri] = (),
    chains: Sequence[tuple[Chain, Iri]] = (),
) -> str:
    """Every link of `predicates` (from `subjects`, to `objects`, of the given classes): stated ones with each
    quote, derived ones with every stated premise of their rule, and chains of stated links read now."""
    chosen = values("predicate", predicates)
    scope = _scope(subjects, objects)
    classes = _classes(subject_classes, object_classes, "a")
    branches = [_stated_branch(chosen, scope), _derived_branch(chosen, scope)]
    branches += [_chain_branch(chain, predicate, scope) for chain, predicate in chains]
    union = "\n  UNION\n  ".join(branches)
    return (
        PROLOGUE
        + f"""SELECT {LINK_VARIABLES} WHERE {{
  {union}
  {classes}{_SOURCE}
}} ORDER BY ?subject ?predicate ?object ?how ?why ?step ?document ?line"""
    )


def _scope(subjects: Iterable[Iri], objects: Iterable[Iri]) -> str:
    """VALUES fixing the subjects and the objects of the links, where given."""
    subjects, objects = list(subjects), list(objects)
    return (values("subject", subjects) + "\n    " if subjects else "") + (
        values("object", objects) + "\n    " if objects else ""
    )


def _classes(subject_classes: Iterable[Iri], object_classes: Iterable[Iri], subject_type: str) -> str:
    """Patterns keeping links whose subject (by `subject_type`: `a`, or `a/rdfs:subClassOf*`) and object are of
    the given classes, where given."""
    subject_classes, object_classes = list(subject_classes), list(object_classes)
    classes = ""
    if subject_classes:
        classes += f"{values('subjectclass', subject_classes)} ?subject {subject_type} ?subjectclass .\n  "
    if object_classes:
        classes += f"{values('objectclass', object_classes)} ?object a/rdfs:subClassOf* ?objectclass .\n  "
    return classes


def stated(
    predicates: Iterable[Iri],
    *,
    subjects: Iterable[Iri] = (),
    objects: Iterable[Iri] = (),
    subject_classes: Iterable[Iri] = (),
    object_classes: Iterable[Iri] = (),
) -> str:
    """Every stated link of `predicates` with its quotes (the same shape as `links`, stated rows only)."""
    chosen = values("predicate", predicates)
    scope = _scope(subjects, objects)
    classes = _classes(subject_classes, object_classes, "a/rdfs:subClassOf*")
    return (
        PROLOGUE
        + f"""SELECT {LINK_VARIABLES} WHERE {{
  {_stated_branch(chosen, scope)}
  {classes}{_SOURCE}
}} ORDER BY ?subject ?predicate ?object ?document ?line"""
    )


def shared_standards(flagship_class: Iri) -> str:
    """Standards that two or more flagships name as principal, with each statement."""
    return (
        PROLOGUE
        + f"""SELECT {LINK_VARIABLES} WHERE {{
  {{ SELECT ?object WHERE {{ ?f a {flagship_class} ; ilokg:principalStandard ?object }}
    GROUP BY ?object HAVING (COUNT(DISTINCT ?f) > 1) }}
  BIND(ilokg:principalStandard AS ?predicate)
  ?subject a {flagship_class} .
  ?why a ilokg:Evidence ; rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object .
  BIND(?why AS ?source) BIND("stated" AS ?how) BIND(0 AS ?step)
  {_SOURCE}
}} ORDER BY ?object ?subject ?document ?line"""
    )


def indicator_values(scope: Iri) -> str:
    """The targets and results of the indicators of an outcome, output, objective or of one indicator."""
    return (
        PROLOGUE
        + f"""SELECT ?indicator ?code ?name ?output ?value ?kind ?region ?regionname ?part ?amount ?text ?unit
       ?evidence ?document ?title ?line ?quote WHERE {{
  {{ VALUES ?scope {{ {scope} }} ?scope a ilokg:Indicator BIND(?scope AS ?indicator) }}
  UNION {{ VALUES ?scope {{ {scope} }} ?scope ilokg:measuredBy ?indicator BIND(?scope AS ?output) }}
  UNION {{ VALUES ?scope {{ {scope} }} ?output ilokg:outputOf|ilokg:objectiveOf ?scope ; ilokg:measuredBy ?indicator }}
  ?indicator ilokg:indicatorValue ?value .
  ?value ilokg:valueKind ?kind ; ilokg:valueText ?text .
  OPTIONAL {{ ?value ilokg:amount ?amount }}
  OPTIONAL {{ ?value ilokg:region ?region . ?region skos:prefLabel ?regionname }}
  OPTIONAL {{ ?value ilokg:valuePart ?part }}
  OPTIONAL {{ ?value ilokg:unit|^ilokg:indicatorValue/ilokg:unit ?unit }}
  OPTIONAL {{ ?indicator skos:notation ?code }}
  OPTIONAL {{ ?indicator skos:prefLabel ?name }}
  ?evidence a ilokg:Evidence ; rdf:subject ?indicator ; rdf:predicate ilokg:indicatorValue ; rdf:object ?value ;
            dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
  ?document dcterms:title ?title .
}} ORDER BY ?indicator ?part ?kind ?region"""
    )


def figures(subjects: Iterable[Iri], measures: Iterable[Literal] = ()) -> str:
    """The figures documents give about `subjects` (only those of `measures`, when given), with their quotes."""
    measures = list(measures)
    only = f"{values('measure', measures)}" if measures else ""
    return (
        PROLOGUE
        + f"""SELECT ?subject ?figure ?measure ?amount ?unit ?qualifier ?year ?document ?title ?line ?quote WHERE {{
  {values("subject", subjects)}
  {only}
  ?evidence a ilokg:Evidence ; rdf:subject ?subject ; rdf:predicate ilokg:figure ; rdf:object ?figure ;
            dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
  ?document dcterms:title ?title .
  ?figure ilokg:measure ?measure ; ilokg:amount ?amount .
  OPTIONAL {{ ?figure ilokg:unit ?unit }} OPTIONAL {{ ?figure ilokg:qualifier ?qualifier }}
  OPTIONAL {{ ?figure ilokg:referenceYear ?year }}
}} ORDER BY ?unit ?year ?measure ?document ?line"""
    )


def objectives_of(strategic: Iri) -> str:
    """A strategic objective and its operational objectives."""
    return (
        PROLOGUE + f"SELECT ?s WHERE {{ {{ BIND({strategic} AS ?s) }} UNION {{ ?s ilokg:objectiveOf {strategic} }} }}"
    )


def titles(things: Iterable[Iri]) -> str:
    """The titles documents give each thing (its prefLabel, with each quote) and its biennium."""
    return (
        PROLOGUE
        + f"""SELECT ?thing ?kind ?biennium ?title ?document ?doctitle ?line ?quote WHERE {{
  {values("thing", things)}
  ?thing a ?kind ; ilokg:inBiennium ?biennium .
  FILTER(?kind IN (ilokg:PolicyOutcome, ilokg:EnablingOutcome, ilokg:Output, ilokg:Indicator))
  OPTIONAL {{
    ?evidence a ilokg:Evidence ; rdf:subject ?thing ; rdf:predicate skos:prefLabel ; rdf:object ?title ;
              dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
    ?document dcterms:title ?doctitle .
  }}
}} ORDER BY ?biennium ?thing ?document ?line"""
    )


def names_of(classes: Iterable[Iri], properties: Iterable[Iri]) -> str:
    """Every name (of `properties`) of every resource of `classes`."""
    return (
        PROLOGUE
        + f"""SELECT ?s ?name WHERE {{ {values("class", classes)} ?s a ?class .
  {values("p", properties)} ?s ?p ?name }}"""
    )


def notations(class_iri: Iri) -> str:
    """The codes of every member of a class (the SDG goals, targets or indicators)."""
    return PROLOGUE + f"SELECT DISTINCT ?code WHERE {{ ?s a {class_iri} ; skos:notation ?code }}"
