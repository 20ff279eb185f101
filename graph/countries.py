"""Countries, read for people: where a flagship works (with the quotes that say so) and what the SDG indicator
data says there, its latest value and every value over the years.

Plain data (dataclasses) from SPARQL over any GraphStore, for the command line, the JSON routes and the pages.
Ids and codes from users are checked against the id scheme, and the IRIs made of them with `is_iri`, before they
go into a query.

The latest value of an indicator in a country is chosen per data series (8.7.1 has two: children in economic
activity, and in economic activity and household chores): the series' latest year, for the whole population
the series covers there (both sexes, every migratory status, every activity, every occupation with ISCO-08
before ISCO-88, the widest age group). The observations of that breakdown over the years are its time series.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from graph.guard import is_iri
from graph.ids import IdError
from graph.observations import BREAKDOWNS
from graph.questions import PROLOGUE, EvidenceItem, Questions, Ref, UnknownResource, binding_value
from ontology.namespaces import ILOKG, SDG_BASE, SDGO

SERIES_CODE = re.compile(r"[A-Z][A-Z0-9_]{1,40}")
BREAKDOWN_OF = {str(prop): key for key, prop in BREAKDOWNS.items()}
# The code of each breakdown that covers everyone; an observation with it is preferred as the headline value.
WHOLE = {
    "sex": ("bothsex",),
    "migratory_status": ("t",),
    "activity": ("total",),
    "type_of_occupation": ("isco08", "isco88"),
}


@dataclass(frozen=True)
class Code:
    """A code of the data (a series, a unit, the nature of a value, a breakdown): IRI, code as written, label."""

    iri: str
    notation: str | None
    label: str | None


@dataclass(frozen=True)
class DataSource:
    """Where the data comes from and how to cite it."""

    iri: str
    title: str | None
    publisher: str | None
    issued: str | None
    licence: str | None
    citation: str | None


@dataclass
class Observation:
    """One value of an SDG data series for a country or region and a year, with its breakdown (sex, age, ...)."""

    iri: str
    area: Ref
    indicator: Ref
    series: Code
    year: int
    value: str  # the decimal as the data gives it (12.8)
    unit: Code
    nature: Code
    breakdown: dict[str, Code] = field(default_factory=dict)  # sex, age, migratory_status, activity, occupation
    dataset: str = ""
    headline: bool = False  # of the breakdown the latest value is chosen from (see the module text)


@dataclass
class CountryValues:
    """A country where a flagship works, the quotes that say so, and the latest value of each data series."""

    country: Ref
    m49: str | None
    evidence: list[EvidenceItem]
    latest: list[Observation]


@dataclass
class CountriesOfFlagship:
    """The countries where a flagship works, each with an indicator's latest values there."""

    flagship: Ref
    indicator: Ref | None
    countries: list[CountryValues]
    sources: list[DataSource]


@dataclass
class CountryObservations:
    """Every value of an indicator for one country, by series and breakdown, oldest first."""

    country: Ref
    indicator: Ref
    observations: list[Observation]
    sources: list[DataSource]


def _values(iris: Iterable[str]) -> str:
    checked = sorted(set(iris))
    assert all(is_iri(iri) for iri in checked), "only IRIs of the graph go into a query"
    return " ".join(f"<{iri}>" for iri in checked)


def _age_width(code: str) -> tuple[float, float]:
    """Sort key of an age group, widest first: 5_17 before 5_14, 15 (15+) before 15_24; other codes last."""
    match = re.fullmatch(r"(\d+)(?:_(\d+))?", code)
    if match is None:
        return (math.inf, 0.0)
    upper = float(match.group(2)) if match.group(2) else math.inf
    return (float(match.group(1)), -upper)


def _headline_key(observation: Observation) -> tuple[object, ...]:
    """Sort key of the observations of one series and year: the one covering everyone first."""
    key: list[object] = []
    for name, whole in WHOLE.items():
        code = observation.breakdown.get(name)
        local = code.iri.rsplit("/", 1)[-1] if code else whole[0]
        key.append(whole.index(local) if local in whole else len(whole))
    age = observation.breakdown.get("age")
    key.append(_age_width(age.iri.rsplit("/", 1)[-1]) if age else (0.0, -math.inf))
    key.append(observation.iri)
    return tuple(key)


def _breakdown_key(observation: Observation) -> tuple[str, ...]:
    return tuple(sorted(f"{name}={code.iri}" for name, code in observation.breakdown.items()))


class Countries:
    """Reads countries and their SDG data from one store (through the Questions over it)."""

    def __init__(self, questions: Questions) -> None:
        self.questions = questions
        self.store = questions.store
        self.ids = questions.ids

    # ------------------------------------------------------------ ids from users

    def _resolve(self, short_id: str, rdf_class: str, what: str, example: str) -> str:
        """The IRI of `short_id` when the graph holds it as a `rdf_class`; UnknownResource saying what to write."""
        code = short_id.partition(":")[2]
        try:
            iri = str(self.ids.resolve(short_id).iri)
        except IdError as error:
            raise UnknownResource(f"{code!r} is no {what}; write it like {example}") from error
        if not is_iri(iri):
            raise UnknownResource(f"{code!r} is no {what}; write it like {example}")
        found = self.store.select(PROLOGUE + f"SELECT ?s WHERE {{ BIND(<{iri}> AS ?s) ?s a <{rdf_class}> }} LIMIT 1")
        if not found:
            raise UnknownResource(f"the graph holds no {what} {code}; write it like {example}")
        return iri

    def flagship(self, text: str) -> str:
        """The IRI of a flagship given as ipec-plus or flagship:ipec-plus."""
        value = text.strip()
        short_id = value if value.startswith("flagship:") else f"flagship:{value}"
        return self._resolve(short_id, str(ILOKG.FlagshipProgramme), "flagship programme", "ipec-plus or better-work")

    def indicator(self, text: str) -> str:
        """The IRI of an SDG indicator given as 8.7.1 or sdg:8.7.1."""
        value = text.strip().removeprefix("sdg:")
        return self._resolve(f"sdg:{value}", str(SDGO.Indicator), "SDG indicator", "8.7.1 or 1.3.1")

    def country(self, text: str) -> str:
        """The IRI of a country given as BGD, bgd or country:BGD."""
        value = text.strip()
        code = value.partition(":")[2] if value.startswith("country:") else value
        return self._resolve(f"country:{code.upper()}", str(ILOKG.Country), "country", "BGD (ISO 3166-1 alpha-3)")

    def series(self, code: str, indicator: str) -> str:
        """The IRI of a data series (SL_TLF_CHLDEC) of the indicator."""
        text = code.strip().upper()
        iri = SDG_BASE + text
        if not SERIES_CODE.fullmatch(text) or not is_iri(iri):
            raise UnknownResource(f"{code!r} is not a data series code; write it like SL_TLF_CHLDEC")
        found = self.store.select(
            PROLOGUE + f"SELECT ?s WHERE {{ BIND(<{iri}> AS ?s) ?s a sdgo:Series ; skos:broader <{indicator}> }}"
        )
        if not found:
            raise UnknownResource(f"the indicator has no data series {text}")
        return iri

    # ------------------------------------------------------------ the questions

    def countries_of_flagship(
        self, flagship: str, indicator: str | None = None, series: str | None = None
    ) -> CountriesOfFlagship:
        """The countries where a flagship works (stated, with evidence) and, for an SDG indicator, its latest value
        there for each data series (or for the one series asked for)."""
        flagship_iri = self.flagship(flagship)
        indicator_iri = self.indicator(indicator) if indicator else None
        series_iri = self.series(series, indicator_iri) if series and indicator_iri else None
        if series and not indicator_iri:
            raise UnknownResource("a data series is asked for with its indicator (--indicator 8.7.1)")
        rows = self.store.select(
            PROLOGUE
            + f"""SELECT ?country ?m49 ?evidence ?document ?title ?line ?quote ?note WHERE {{
  <{flagship_iri}> ilokg:operatesIn ?country .
  ?evidence a ilokg:Evidence ; rdf:subject <{flagship_iri}> ; rdf:predicate ilokg:operatesIn ; rdf:object ?country ;
            dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
  ?document dcterms:title ?title .
  OPTIONAL {{ ?country ilokg:m49Code ?m49 }}
  OPTIONAL {{ ?evidence rdfs:comment ?note }}
}} ORDER BY ?country ?document ?line"""
        )
        evidence: dict[str, list[EvidenceItem]] = defaultdict(list)
        m49: dict[str, str | None] = {}
        for row in rows:
            country = row["country"]["value"]
            m49[country] = binding_value(row, "m49")
            item = self.questions._evidence_item(row)
            if item not in evidence[country]:
                evidence[country].append(item)
        latest: dict[str, list[Observation]] = {}
        observations: list[Observation] = []
        if indicator_iri is not None and evidence:
            observations = self._observations(indicator_iri, list(evidence), series_iri)
            latest = self._latest(observations)
        names = self.questions.labels({flagship_iri, *evidence, *([indicator_iri] if indicator_iri else [])})
        countries = [
            CountryValues(self.questions.ref(c, names.get(c)), m49[c], evidence[c], latest.get(c, []))
            for c in sorted(evidence, key=lambda c: (names.get(c) or c).casefold())
        ]
        return CountriesOfFlagship(
            flagship=self.questions.ref(flagship_iri, names.get(flagship_iri)),
            indicator=self.questions.ref(indicator_iri, names.get(indicator_iri)) if indicator_iri else None,
            countries=countries,
            sources=self._sources({o.dataset for o in observations}),
        )

    def latest_values(self, indicator: str, areas: Iterable[str]) -> dict[str, list[Observation]]:
        """For each country or region IRI, the latest value of each data series of an indicator (IRI)."""
        return self._latest(self._observations(indicator, list(areas), None))

    def observations(self, country: str, indicator: str, series: str | None = None) -> CountryObservations:
        """Every value of an SDG indicator in a country, by series, breakdown and year (a time series each);
        the headline breakdown of each series is marked."""
        country_iri = self.country(country)
        indicator_iri = self.indicator(indicator)
        series_iri = self.series(series, indicator_iri) if series else None
        found = self._observations(indicator_iri, [country_iri], series_iri)
        self._latest(found)
        found.sort(key=lambda o: (o.series.notation or o.series.iri, not o.headline, _breakdown_key(o), o.year))
        names = self.questions.labels({country_iri, indicator_iri})
        return CountryObservations(
            country=self.questions.ref(country_iri, names.get(country_iri)),
            indicator=self.questions.ref(indicator_iri, names.get(indicator_iri)),
            observations=found,
            sources=self._sources({o.dataset for o in found}),
        )

    # ------------------------------------------------------------ reading observations

    def _observations(self, indicator: str, areas: list[str], series: str | None) -> list[Observation]:
        """Every observation of the indicator (and series) for the areas, with labels and breakdowns."""
        if not areas:
            return []
        area_values = _values(areas)
        scope = f"BIND(<{series}> AS ?series)" if series else ""
        pattern = f"""VALUES ?area {{ {area_values} }}
  ?obs sdmx-dimension:refArea ?area ; ilokg:sdgIndicator <{indicator}> ; ilokg:sdgSeries ?series ."""
        rows = self.store.select(
            PROLOGUE
            + f"""SELECT ?obs ?area ?series ?year ?value ?unit ?nature ?dataset WHERE {{
  {scope}
  {pattern}
  ?obs ilokg:refYear ?year ; sdmx-measure:obsValue ?value ; sdmx-attribute:unitMeasure ?unit ;
       ilokg:valueNature ?nature ; qb:dataSet ?dataset .
}}"""
        )
        dimensions = _values(BREAKDOWN_OF)
        breakdowns: dict[str, dict[str, str]] = defaultdict(dict)
        for row in self.store.select(
            PROLOGUE
            + f"""SELECT ?obs ?dimension ?code WHERE {{
  {scope}
  {pattern}
  VALUES ?dimension {{ {dimensions} }}
  ?obs ?dimension ?code .
}}"""
        ):
            breakdowns[row["obs"]["value"]][BREAKDOWN_OF[row["dimension"]["value"]]] = row["code"]["value"]
        code_iris = {row[k]["value"] for row in rows for k in ("series", "unit", "nature")}
        code_iris |= {code for codes in breakdowns.values() for code in codes.values()}
        codes = self._codes(code_iris)
        names = self.questions.labels({row["area"]["value"] for row in rows} | {indicator})
        indicator_ref = self.questions.ref(indicator, names.get(indicator))
        observations = []
        for row in rows:
            iri, area = row["obs"]["value"], row["area"]["value"]
            observations.append(
                Observation(
                    iri=iri,
                    area=self.questions.ref(area, names.get(area)),
                    indicator=indicator_ref,
                    series=codes[row["series"]["value"]],
                    year=int(row["year"]["value"]),
                    value=row["value"]["value"],
                    unit=codes[row["unit"]["value"]],
                    nature=codes[row["nature"]["value"]],
                    breakdown={name: codes[code] for name, code in sorted(breakdowns[iri].items())},
                    dataset=row["dataset"]["value"],
                )
            )
        return observations

    def _codes(self, iris: set[str]) -> dict[str, Code]:
        if not iris:
            return {}
        rows = self.store.select(
            PROLOGUE
            + f"""SELECT ?code (SAMPLE(?n) AS ?notation) (SAMPLE(?l) AS ?label) WHERE {{
  VALUES ?code {{ {_values(iris)} }}
  OPTIONAL {{ ?code skos:notation ?n }}
  OPTIONAL {{ ?code skos:prefLabel ?l FILTER(LANGMATCHES(LANG(?l), "en")) }}
}} GROUP BY ?code"""
        )
        found = {
            row["code"]["value"]: Code(
                row["code"]["value"], binding_value(row, "notation"), binding_value(row, "label")
            )
            for row in rows
        }
        return {iri: found.get(iri, Code(iri, None, None)) for iri in iris}

    @staticmethod
    def _latest(observations: list[Observation]) -> dict[str, list[Observation]]:
        """Per area, the headline observation of each series at its latest year; marks the headline breakdowns."""
        by_series: dict[tuple[str, str], list[Observation]] = defaultdict(list)
        for observation in observations:
            by_series[(observation.area.iri, observation.series.iri)].append(observation)
        latest: dict[str, list[Observation]] = defaultdict(list)
        for (area, _), group in sorted(by_series.items()):
            year = max(o.year for o in group)
            chosen = min((o for o in group if o.year == year), key=_headline_key)
            for observation in group:
                observation.headline = _breakdown_key(observation) == _breakdown_key(chosen)
            latest[area].append(chosen)
        for values in latest.values():
            values.sort(key=lambda o: o.series.notation or o.series.iri)
        return dict(latest)

    def _sources(self, datasets: set[str]) -> list[DataSource]:
        """The imports the data sets are part of: title, publisher, date, licence and citation."""
        if not datasets:
            return []
        rows = self.store.select(
            PROLOGUE
            + f"""SELECT DISTINCT ?import ?title ?publisher ?issued ?licence ?citation WHERE {{
  VALUES ?dataset {{ {_values(datasets)} }}
  ?dataset dcterms:isPartOf ?import .
  OPTIONAL {{ ?import dcterms:title ?title }} OPTIONAL {{ ?import dcterms:publisher ?publisher }}
  OPTIONAL {{ ?import dcterms:issued ?issued }} OPTIONAL {{ ?import dcterms:license ?licence }}
  OPTIONAL {{ ?import dcterms:bibliographicCitation ?citation }}
}} ORDER BY ?import"""
        )
        return [
            DataSource(
                iri=row["import"]["value"],
                title=binding_value(row, "title"),
                publisher=binding_value(row, "publisher"),
                issued=binding_value(row, "issued"),
                licence=binding_value(row, "licence"),
                citation=binding_value(row, "citation"),
            )
            for row in rows
        ]
