"""Every stated link carries evidence found verbatim in its document; every derived link names its rule and premises."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from graph.build.evidence import SourceText
from graph.settings import Settings
from graph.store.embedded import OxigraphStore

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = ox.NamedNode(RDF_NS + "type")
RDF_SUBJECT = ox.NamedNode(RDF_NS + "subject")
RDF_PREDICATE = ox.NamedNode(RDF_NS + "predicate")
RDF_OBJECT = ox.NamedNode(RDF_NS + "object")
EVIDENCE = ox.NamedNode("https://w3id.org/ilokg/ontology#Evidence")
SOURCE_DOCUMENT = ox.NamedNode("https://w3id.org/ilokg/ontology#SourceDocument")

PREFIXES = """
PREFIX ilokg: <https://w3id.org/ilokg/ontology#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


def values(store: OxigraphStore, sparql: str) -> list[dict[str, str]]:
    return [{name: term["value"] for name, term in row.items()} for row in store.select(PREFIXES + sparql)]


def test_every_evidence_quote_starts_on_its_line_of_its_document(
    built_store: OxigraphStore, built_settings: Settings
) -> None:
    rows = values(
        built_store,
        """SELECT ?evidence ?file ?line ?quote WHERE {
             ?evidence a ilokg:Evidence ; dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
             ?document ilokg:fileName ?file }""",
    )
    texts: dict[str, SourceText] = {}
    misses = []
    for row in rows:
        file = row["file"]
        if file not in texts:
            texts[file] = SourceText.read(file, built_settings.seeds_dir / Path(file))
        problem = texts[file].find(row["quote"], int(row["line"]))
        if problem:
            misses.append(f"{row['evidence']}: {problem}")
    assert not misses, "\n".join(misses[:20])
    files = {row["file"] for row in rows}
    assert {"reference/sdg/targets.csv", "reference/sdg/indicators.csv"} <= files
    assert len([f for f in files if f.startswith("documents/")]) == 5
    assert len(rows) > 4000


def test_every_evidence_names_exactly_one_document_line_and_quote(built_store: OxigraphStore) -> None:
    rows = values(
        built_store,
        """SELECT ?evidence (COUNT(DISTINCT ?document) AS ?documents) (COUNT(DISTINCT ?line) AS ?lines)
                  (COUNT(DISTINCT ?quote) AS ?quotes) WHERE {
             ?evidence a ilokg:Evidence .
             OPTIONAL { ?evidence dcterms:source ?document . ?document a ilokg:SourceDocument }
             OPTIONAL { ?evidence ilokg:line ?line } OPTIONAL { ?evidence ilokg:quote ?quote }
           } GROUP BY ?evidence HAVING (?documents != 1 || ?lines != 1 || ?quotes != 1)""",
    )
    assert rows == []


def test_every_stated_triple_of_a_document_graph_has_evidence_in_that_graph(
    built_store: OxigraphStore, built_settings: Settings
) -> None:
    prefix = f"{built_settings.base_iri}graph/document/"
    by_graph: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in built_store.oxigraph.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value.startswith(prefix):
            by_graph[quad.graph_name.value].append(quad)
    assert len(by_graph) == 5
    unstated = []
    stated_total = 0
    for graph, quads in by_graph.items():
        typed = {q.subject for q in quads if q.predicate == RDF_TYPE}
        bookkeeping = {q.subject for q in quads if q.predicate == RDF_TYPE and q.object in (EVIDENCE, SOURCE_DOCUMENT)}
        parts: dict[ox.NamedNode | ox.BlankNode, dict[ox.NamedNode, object]] = defaultdict(dict)
        for q in quads:
            if q.subject in bookkeeping and q.predicate in (RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT):
                parts[q.subject][q.predicate] = q.object
        evidenced = {(p[RDF_SUBJECT], p[RDF_PREDICATE], p[RDF_OBJECT]) for p in parts.values() if len(p) == 3}
        for q in quads:
            if q.subject in bookkeeping:
                continue
            stated_total += 1
            if (q.subject, q.predicate, q.object) not in evidenced:
                unstated.append(f"{graph}: {q.subject} {q.predicate} {q.object}")
        assert typed  # every document graph states something
    assert unstated == [], "\n".join(unstated[:20])
    assert stated_total > 3500


def test_evidence_in_a_document_graph_cites_that_document(built_store: OxigraphStore, built_settings: Settings) -> None:
    base = built_settings.base_iri
    wrong = values(
        built_store,
        f"""SELECT ?graph ?evidence ?document WHERE {{
             GRAPH ?graph {{ ?evidence a ilokg:Evidence ; dcterms:source ?document }}
             FILTER(STRSTARTS(STR(?graph), "{base}graph/document/"))
             FILTER(STRAFTER(STR(?graph), "graph/document/") != STRAFTER(STR(?document), "document/"))
           }} LIMIT 5""",
    )
    assert wrong == []


def test_every_sdg_hierarchy_link_has_reference_evidence(built_store: OxigraphStore, built_settings: Settings) -> None:
    base = built_settings.base_iri
    rows = values(
        built_store,
        f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
           SELECT ?child ?parent WHERE {{
             GRAPH <{base}graph/reference> {{ ?child skos:broader ?parent }}
             FILTER NOT EXISTS {{ GRAPH <{base}graph/reference> {{
               ?evidence a ilokg:Evidence ; rdf:subject ?child ; rdf:predicate skos:broader ; rdf:object ?parent }} }}
           }} LIMIT 5""",
    )
    assert rows == []


def test_every_derivation_has_a_rule_and_existing_premises(
    built_store: OxigraphStore, built_settings: Settings
) -> None:
    base = built_settings.base_iri
    broken = values(
        built_store,
        """SELECT ?derivation WHERE {
             ?derivation a ilokg:Derivation .
             FILTER (NOT EXISTS { ?derivation ilokg:rule ?rule . ?rule a ilokg:DerivationRule }
                     || NOT EXISTS { ?derivation prov:wasDerivedFrom ?premise }
                     || EXISTS { ?derivation prov:wasDerivedFrom ?premise .
                                 FILTER NOT EXISTS { ?premise a ilokg:Evidence }
                                 FILTER NOT EXISTS { ?premise a ilokg:Derivation } })
           }""",
    )
    assert broken == []
    unexplained = values(
        built_store,
        f"""SELECT ?s ?p ?o WHERE {{
             GRAPH <{base}graph/derived> {{ ?s ?p ?o }}
             FILTER NOT EXISTS {{ GRAPH <{base}graph/derived> {{ ?s a ilokg:Derivation }} }}
             FILTER NOT EXISTS {{ GRAPH <{base}graph/derived> {{
               ?derivation a ilokg:Derivation ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }} }}
           }} LIMIT 5""",
    )
    assert unexplained == []
    count = values(built_store, "SELECT (COUNT(?d) AS ?n) WHERE { ?d a ilokg:Derivation }")
    assert int(count[0]["n"]) > 0
