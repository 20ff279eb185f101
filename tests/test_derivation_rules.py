"""What each derivation rule fires on, and what it never claims, checked against the document text.

Each test says what the documents state (read with regular expressions from seeds/documents) and what the build
may derive from it.
"""

from __future__ import annotations

from graph.store.embedded import OxigraphStore
from tests.documents import between, find, line_of, text

PREFIXES = """
PREFIX ilokg: <https://w3id.org/ilokg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX sdg: <http://metadata.un.org/sdg/>
"""
BASE = "https://w3id.org/ilokg/id/"


def rows(store: OxigraphStore, sparql: str) -> list[dict[str, str]]:
    return [{name: term["value"] for name, term in row.items()} for row in store.select(PREFIXES + sparql)]


def derivations(store: OxigraphStore, subject: str, target: str) -> list[dict[str, str]]:
    """Every derivation of `subject` serving SDG target `target`, with its rule and number of premises."""
    return rows(
        store,
        f"""SELECT ?d ?rule (COUNT(?p) AS ?premises) WHERE {{
  ?d a ilokg:Derivation ; rdf:subject <{BASE}{subject}> ; rdf:predicate ilokg:servesTarget ;
     rdf:object <http://metadata.un.org/sdg/{target}> ; ilokg:rule ?rule ; prov:wasDerivedFrom ?p .
}} GROUP BY ?d ?rule""",
    )


def test_chains_run_through_outputs_never_through_an_outcome(built_store: OxigraphStore) -> None:
    # PIR 2020-21 names C182 and SDG indicator 8.8.1 in its outcome 7 narrative, for the outcome as a whole.
    outcome_7 = line_of("pir-2020-21", r"\nOutcome 7\. Adequate") + 1
    outcome_8 = line_of("pir-2020-21", r"\nOutcome 8: Comprehensive") + 1
    for said in (r"universal ratification of Convention No\. 182 provides", r"report against SDG indicator 8\.8\.1"):
        assert outcome_7 < line_of("pir-2020-21", said) < outcome_8
    # IPEC+ rests on C182 (GB.325 table), but nothing follows from an outcome's text: no link of IPEC+ to 8.8.
    find("gb325-pol7", r"Conventions Nos 138,\s+182")
    assert derivations(built_store, "flagship/ipec-plus", "8.8") == []
    through_outcomes = rows(
        built_store,
        """SELECT ?d WHERE {
  ?d ilokg:rule ?rule ; prov:wasDerivedFrom ?premise . ?premise rdf:subject ?result . ?result a ilokg:Outcome .
  FILTER(?rule IN (ilokg:targetThroughStandard, ilokg:targetThroughOutput))
}""",
    )
    assert through_outcomes == []


def test_a_stated_link_is_not_derived_again(built_store: OxigraphStore) -> None:
    # GB.325 states Better Work for 8.8 and Social Protection Floor for 1.3; no rule gives them again.
    find("gb325-pol7", r"8\.8 \(protect\s+labour rights")
    find("gb325-pol7", r"to help achieve SDG target 1\.3")
    assert derivations(built_store, "flagship/better-work", "8.8") == []
    assert derivations(built_store, "flagship/social-protection-floors", "1.3") == []
    again = rows(
        built_store,
        """SELECT ?d WHERE {
  ?d a ilokg:Derivation ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  ?e a ilokg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
}""",
    )
    assert again == []


def test_a_stated_range_leaves_no_chain_and_a_target_outside_it_only_a_chain(built_store: OxigraphStore) -> None:
    first, last = (int(n) for n in find("gb325-pol7", r"all targets from\s+8\.(\d+) to 8\.(\d+)").groups())
    for number in range(first, last + 1):
        found = derivations(built_store, "flagship/jobs-for-peace-resilience", f"8.{number}")
        assert [row["rule"].rsplit("#", 1)[1] for row in found] == ["rangeExpansion"], number
    # 8.b is not in the range; P&B 2022-23 output 3.1 names C.122 (a principal standard of JPR) and 8.b.1
    output = between("pb-2022-23", r"Output 3\.1:", r"Output 3\.2:")
    assert "(No. 122)" in output and "SDG indicator 8.b.1" in output
    (chain,) = derivations(built_store, "flagship/jobs-for-peace-resilience", "8.b")
    assert chain["rule"].endswith("#targetThroughStandard") and chain["premises"] == "4"


def test_a_link_reached_several_ways_keeps_its_shortest_chain(built_store: OxigraphStore) -> None:
    # Output 7.1 of 2022-23 names Better Work, C87, C98 and C182 (all principal standards of Better Work) and
    # SDG indicator 8.7.1: one chain through the output (3 premises) and three through a standard (4 each).
    output = between("pb-2022-23", r"Output 7\.1:", r"Output 7\.2:")
    for named in (
        "Better Work flagship programme",
        "(No. 87)",
        "(No. 98)",
        "Convention No. 182",
        "SDG indicator 8.7.1",
    ):
        assert named in output, named
    assert find("gb325-pol7", r"Conventions Nos 29, 105,\s+87, 98, 100, 111, 138 and\s+182")
    (kept,) = derivations(built_store, "flagship/better-work", "8.7")
    assert kept["rule"].endswith("#targetThroughOutput") and kept["premises"] == "3"
    several = rows(
        built_store,
        """SELECT ?s ?p ?o WHERE { ?d a ilokg:Derivation ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }
GROUP BY ?s ?p ?o HAVING (COUNT(?d) > 1)""",
    )
    assert several == []


def test_nothing_stated_of_the_flagships_as_a_group_is_handed_to_one_of_them(built_store: OxigraphStore) -> None:
    # The brochure links the P&B 2022-23 outputs to "the flagship programmes" together.
    assert "What is the link between the flagship \nprogrammes and the outputs" in text("brochure-2020")
    group = f"{BASE}portfolio/flagships"
    handed = rows(
        built_store,
        f"""SELECT ?d WHERE {{
  ?d a ilokg:Derivation ; rdf:subject ?member ; prov:wasDerivedFrom+ ?premise .
  ?member a ilokg:FlagshipProgramme . ?premise rdf:subject <{group}> .
}}""",
    )
    assert handed == []
    own = rows(built_store, f"SELECT ?d WHERE {{ ?d a ilokg:Derivation ; rdf:subject <{group}> }}")
    assert own, "the group keeps what follows from what is stated of it"
