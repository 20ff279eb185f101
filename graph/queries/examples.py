"""The example queries the SPARQL editor offers: users' queries, run like any other through /sparql."""

from __future__ import annotations

# Example queries of the editor: (title, query); each runs on this graph and returns rows.
EXAMPLE_QUERIES: list[tuple[str, str]] = [
    (
        "Flagships and their principal standards",
        """SELECT ?flagship ?name ?standard ?title WHERE {
  ?flagship a ilokg:FlagshipProgramme ; skos:prefLabel ?name ;
            ilokg:principalStandard ?standard .
  ?standard skos:prefLabel ?title .
} ORDER BY ?name ?standard""",
    ),
    (
        "Which flagships serve SDG target 8.7, with the quote",
        """SELECT ?flagship ?document ?line ?quote WHERE {
  ?evidence a ilokg:Evidence ; rdf:subject ?flagship ;
            rdf:predicate ilokg:servesTarget ; rdf:object <http://metadata.un.org/sdg/8.7> ;
            dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
  ?flagship a ilokg:FlagshipProgramme .
} ORDER BY ?flagship ?line""",
    ),
    (
        "Links derived by rule, and the rule",
        """SELECT DISTINCT ?subject ?predicate ?object ?rule WHERE {
  ?derivation a ilokg:Derivation ; rdf:subject ?subject ; rdf:predicate ?predicate ;
              rdf:object ?object ; ilokg:rule/rdfs:label ?rule .
} LIMIT 100""",
    ),
    (
        "How many things of each kind",
        """SELECT ?class (COUNT(?thing) AS ?count) WHERE {
  ?thing a ?class .
} GROUP BY ?class ORDER BY DESC(?count)""",
    ),
    (
        "The named graphs and their sizes (CONSTRUCT)",
        """CONSTRUCT { ?graph void:triples ?triples } WHERE {
  ?graph a void:Dataset ; void:triples ?triples .
}""",
    ),
]
