"""Derived links follow by rule from stated ones, name their premises, and stay apart from what documents state."""

from __future__ import annotations

from graph.settings import Settings
from graph.store.embedded import OxigraphStore

PREFIXES = """
PREFIX ilokg: <https://w3id.org/ilokg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def rows(store: OxigraphStore, sparql: str) -> list[dict[str, str]]:
    return [{name: term["value"] for name, term in row.items()} for row in store.select(PREFIXES + sparql)]


def test_jpr_range_is_stated_as_a_literal_and_expanded_by_rule(
    built_store: OxigraphStore, built_settings: Settings
) -> None:
    jpr = f"{built_settings.base_iri}flagship/jobs-for-peace-resilience"
    stated = rows(
        built_store,
        f"""SELECT ?range ?evidence ?quote WHERE {{
             <{jpr}> ilokg:servesTargetRange ?range .
             ?evidence a ilokg:Evidence ; rdf:subject <{jpr}> ; rdf:predicate ilokg:servesTargetRange ;
                       rdf:object ?range ; ilokg:quote ?quote }}""",
    )
    assert [(r["range"], r["quote"]) for r in stated] == [("8.2-8.10", "all targets from 8.2 to 8.10;")]
    range_evidence = stated[0]["evidence"]
    derived = rows(
        built_store,
        f"""SELECT ?code ?premise WHERE {{
             GRAPH <{built_settings.base_iri}graph/derived> {{
               ?d a ilokg:Derivation ; ilokg:rule ilokg:rangeExpansion ; rdf:subject <{jpr}> ;
                  rdf:predicate ilokg:servesTarget ; rdf:object ?target ; prov:wasDerivedFrom ?premise .
               <{jpr}> ilokg:servesTarget ?target }}
             ?target skos:notation ?code }}""",
    )
    assert sorted((r["code"] for r in derived), key=lambda c: int(c.split(".")[1])) == [f"8.{n}" for n in range(2, 11)]
    assert {r["premise"] for r in derived} == {range_evidence}


def test_goals_follow_from_targets_with_the_hierarchy_as_premise(
    built_store: OxigraphStore, built_settings: Settings
) -> None:
    found = rows(
        built_store,
        """SELECT ?flagship ?goal (COUNT(?premise) AS ?premises) WHERE {
             ?d ilokg:rule ilokg:goalThroughTarget ; rdf:subject ?f ; rdf:object ?g ; prov:wasDerivedFrom ?premise .
             ?f ilokg:shortId ?flagship . ?g skos:notation ?goal } GROUP BY ?flagship ?goal ?d""",
    )
    assert found
    assert all(r["premises"] == "2" for r in found)
    # IPEC+ serves target 16.2 (GB.325 table), so it serves goal 16 by rule as well as by statement
    assert ("flagship:ipec-plus", "16") in {(r["flagship"], r["goal"]) for r in found}


def test_derived_only_links_are_not_in_any_document_graph(built_store: OxigraphStore, built_settings: Settings) -> None:
    base = built_settings.base_iri
    jpr = f"{base}flagship/jobs-for-peace-resilience"
    target_8_7 = "http://metadata.un.org/sdg/8.7"
    in_graphs = {
        r["g"]
        for r in rows(built_store, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{jpr}> ilokg:servesTarget <{target_8_7}> }} }}")
    }
    assert in_graphs == {f"{base}graph/derived"}


def test_every_rule_used_is_declared_with_a_label(built_store: OxigraphStore) -> None:
    used = rows(
        built_store,
        """SELECT DISTINCT ?rule ?label WHERE { ?d a ilokg:Derivation ; ilokg:rule ?rule .
             OPTIONAL { ?rule skos:prefLabel|<http://www.w3.org/2000/01/rdf-schema#label> ?label } }""",
    )
    assert {r["rule"].rsplit("#", 1)[1] for r in used} >= {"rangeExpansion", "goalThroughTarget"}
    assert all(r.get("label") for r in used), used


def test_every_target_link_reaches_its_goal_with_its_own_derivation(built_store: OxigraphStore) -> None:
    # Each derivation of a servesTarget link (there may be several of one link, from different premises)
    # is the premise of a goalThroughTarget derivation of its own: none is lost or merged with another.
    orphans = rows(
        built_store,
        """SELECT ?derivation WHERE {
  ?derivation a ilokg:Derivation ; rdf:predicate ilokg:servesTarget .
  FILTER NOT EXISTS { ?goal ilokg:rule ilokg:goalThroughTarget ; prov:wasDerivedFrom ?derivation }
}""",
    )
    assert orphans == []
    several = rows(
        built_store,
        """SELECT ?s ?o (COUNT(?d) AS ?n) WHERE {
  ?d a ilokg:Derivation ; rdf:subject ?s ; rdf:predicate ilokg:servesTarget ; rdf:object ?o
} GROUP BY ?s ?o HAVING (COUNT(?d) > 1)""",
    )
    assert several, "the seed build derives some target links in more than one way"
