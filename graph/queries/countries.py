"""Queries of the SDG indicator data by country (W3C Data Cube observations, graph/read/countries.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graph.queries import PROLOGUE
from graph.terms import Iri, values


def observations(indicator: Iri | None, areas: Iterable[Iri], breakdowns: Mapping[str, Iri]) -> str:
    """Every observation of an SDG indicator (of any, when None) for the given countries or regions: its indicator,
    series, year, value, unit, nature, data set, and its code on each breakdown dimension (`breakdowns`: variable
    name -> dimension) it has."""
    optional = "\n  ".join(f"OPTIONAL {{ ?obs {dimension} ?{name} }}" for name, dimension in breakdowns.items())
    chosen = values("indicator", [indicator]) if indicator is not None else ""
    codes = " ".join("?" + name for name in breakdowns)
    return (
        PROLOGUE
        + f"""SELECT ?obs ?area ?indicator ?series ?year ?value ?unit ?nature ?dataset {codes}
WHERE {{
  {values("area", areas)} {chosen}
  ?obs sdmx-dimension:refArea ?area ; ilokg:sdgIndicator ?indicator ; ilokg:sdgSeries ?series ;
       ilokg:refYear ?year ; sdmx-measure:obsValue ?value ; sdmx-attribute:unitMeasure ?unit ;
       ilokg:valueNature ?nature ; qb:dataSet ?dataset .
  {optional}
}} ORDER BY ?area ?series ?year ?obs"""
    )


def codes(iris: Iterable[Iri]) -> str:
    """The notation (as the database writes the code) and English label of each code, series or unit."""
    return (
        PROLOGUE
        + f"""SELECT ?code (SAMPLE(?n) AS ?notation) (SAMPLE(?l) AS ?label) WHERE {{
  {values("code", iris)}
  OPTIONAL {{ ?code skos:notation ?n }}
  OPTIONAL {{ ?code skos:prefLabel ?l FILTER(LANGMATCHES(LANG(?l), "en")) }}
}} GROUP BY ?code"""
    )


def m49_codes(areas: Iterable[Iri]) -> str:
    """The UN M49 code of each country or region that has one."""
    return PROLOGUE + f"SELECT ?area ?m49 WHERE {{ {values('area', areas)} ?area ilokg:m49Code ?m49 }}"


def sources(datasets: Iterable[Iri]) -> str:
    """The imports the data sets are part of: title, publisher, date, licence and how to cite them."""
    return (
        PROLOGUE
        + f"""SELECT DISTINCT ?import ?title ?publisher ?issued ?licence ?citation WHERE {{
  {values("dataset", datasets)}
  ?dataset dcterms:isPartOf ?import .
  OPTIONAL {{ ?import dcterms:title ?title }} OPTIONAL {{ ?import dcterms:publisher ?publisher }}
  OPTIONAL {{ ?import dcterms:issued ?issued }} OPTIONAL {{ ?import dcterms:license ?licence }}
  OPTIONAL {{ ?import dcterms:bibliographicCitation ?citation }}
}} ORDER BY ?import"""
    )
