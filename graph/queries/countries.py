"""Queries of the SDG indicator data by country (W3C Data Cube observations, graph/read/countries.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from graph.queries import PROLOGUE
from graph.terms import Iri, values


def _observations(where: str, breakdowns: Mapping[str, Iri]) -> str:
    """Observations bound by `where` (on ?obs, ?area or ?series): series, year, value, unit, nature, data set, and
    the code on each breakdown dimension (`breakdowns`: variable name -> dimension) an observation has."""
    optional = "\n  ".join(f"OPTIONAL {{ ?obs {dimension} ?{name} }}" for name, dimension in breakdowns.items())
    return (
        PROLOGUE
        + f"""SELECT ?obs ?area ?series ?year ?value ?unit ?nature ?dataset {" ".join("?" + n for n in breakdowns)}
WHERE {{
  {where}
  ?obs sdmx-dimension:refArea ?area ; ilokg:sdgSeries ?series ;
       ilokg:refYear ?year ; sdmx-measure:obsValue ?value ; sdmx-attribute:unitMeasure ?unit ;
       ilokg:valueNature ?nature ; qb:dataSet ?dataset .
  {optional}
}} ORDER BY ?area ?series ?year ?obs"""
    )


def observations(indicator: Iri, areas: Iterable[Iri], breakdowns: Mapping[str, Iri]) -> str:
    """Every observation of an SDG indicator for the given countries or regions: its series, year, value, unit,
    nature, data set, and its code on each breakdown dimension (`breakdowns`: variable name -> dimension) it has."""
    return _observations(f"{values('area', areas)}\n  ?obs ilokg:sdgIndicator {indicator} .", breakdowns)


def series_observations(series: Iri, breakdowns: Mapping[str, Iri]) -> str:
    """Every observation of one data series in a country (regions left out), as `observations` gives them."""
    return _observations(
        f"{values('series', [series])}\n  ?obs ilokg:sdgSeries ?series ; sdmx-dimension:refArea ?area .\n"
        "  ?area a ilokg:Country .",
        breakdowns,
    )


def area_observations(area: Iri, breakdowns: Mapping[str, Iri]) -> str:
    """Every observation of every data series for one country or region, as `observations` gives them."""
    return _observations(f"{values('area', [area])}", breakdowns)


def data_series() -> str:
    """Every data series the build imported: its code, English title and the SDG indicator it measures."""
    return (
        PROLOGUE
        + """SELECT ?series ?code ?title ?indicator WHERE {
  ?series a sdgo:Series ; skos:notation ?code ; skos:broader ?indicator .
  OPTIONAL { ?series skos:prefLabel ?title FILTER(LANGMATCHES(LANG(?title), "en")) }
} ORDER BY ?code"""
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


def countries() -> str:
    """Every country the graph holds, with its ISO 3166-1 alpha-3 and UN M49 codes and its English name."""
    return (
        PROLOGUE
        + """SELECT ?country ?iso ?m49 (SAMPLE(?name) AS ?label) WHERE {
  ?country a ilokg:Country ; ilokg:isoCode ?iso .
  OPTIONAL { ?country ilokg:m49Code ?m49 }
  OPTIONAL { ?country skos:prefLabel ?name FILTER(LANGMATCHES(LANG(?name), "en")) }
} GROUP BY ?country ?iso ?m49"""
    )
