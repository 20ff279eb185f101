"""Queries of the citations: what each source document is (symbol, title, date, publisher, address), and the
source, line and quote of given evidence nodes."""

from __future__ import annotations

from collections.abc import Iterable

from graph.queries import PROLOGUE
from graph.terms import Iri, values

DOCUMENT_RECORDS = (
    PROLOGUE
    + """SELECT ?doc ?title ?file ?sha ?symbol ?issued ?publisher ?creator ?type ?url WHERE {
  ?doc a ilokg:SourceDocument ; dcterms:title ?title ; ilokg:fileName ?file .
  OPTIONAL { ?doc ilokg:sha256 ?sha } OPTIONAL { ?doc dcterms:identifier ?symbol }
  OPTIONAL { ?doc dcterms:issued ?issued } OPTIONAL { ?doc dcterms:publisher ?publisher }
  OPTIONAL { ?doc dcterms:creator ?creator } OPTIONAL { ?doc dcterms:type ?type }
  OPTIONAL { ?doc rdfs:seeAlso ?url }
}"""
)


def evidence_items(evidence: Iterable[Iri]) -> str:
    """Source, title, line, quote and note of each evidence node."""
    return (
        PROLOGUE
        + f"""SELECT ?evidence ?document ?title ?line ?quote ?note WHERE {{
  {values("evidence", evidence)}
  ?evidence a ilokg:Evidence ; dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
  ?document dcterms:title ?title .
  OPTIONAL {{ ?evidence rdfs:comment ?note }}
}}"""
    )
