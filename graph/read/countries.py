"""SDG indicator data by country, read for people: the latest value of an indicator's data series in each of
some countries (the named question countries-of-flagship, graph/read/named.py, asks it for the countries where
a flagship works), or of every indicator in one country (its page), with where the data comes from and how to
cite it.

The latest value of an indicator in a country is chosen per data series (8.7.1 has two: children in economic
activity, and in economic activity and household chores): the series' latest year there, for the whole
population the series covers (both sexes, every migratory status, every activity, every occupation with
ISCO-08 before ISCO-88, the widest age group). Plain data from SPARQL (graph/queries/countries.py) over any
GraphStore.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from graph import terms
from graph.build.observations import BREAKDOWNS
from graph.queries import countries as queries
from graph.read.questions import Questions
from graph.store.formats import Binding, binding_value

# The breakdown dimensions an observation may have, by the name the data gives each (sex, age, ...).
DIMENSIONS = {key: terms.iri(str(prop)) for key, prop in BREAKDOWNS.items()}
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

    @property
    def local(self) -> str:
        """The code as the data's files write it (bothsex, 10_17): the last segment of its IRI."""
        return self.iri.rsplit("/", 1)[-1]


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
    area: str
    indicator: str
    series: Code
    year: int
    value: str  # the decimal as the data gives it (12.8)
    unit: Code
    nature: Code
    dataset: str
    breakdown: dict[str, Code] = field(default_factory=dict)  # sex, age, migratory_status, activity, occupation

    def breakdown_text(self) -> str:
        """The breakdown in words, as the data labels its codes (10-17, both sexes)."""
        return ", ".join(code.label or code.notation or code.local for code in self.breakdown.values())


@dataclass
class LatestValues:
    """The latest value of each data series of an indicator in each area, the query that reads them, and the
    sources of the data."""

    sparql: str
    by_area: dict[str, list[Observation]]
    sources: list[DataSource]


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
        local = code.local if code else whole[0]
        key.append(whole.index(local) if local in whole else len(whole))
    age = observation.breakdown.get("age")
    key.append(_age_width(age.local) if age else (0.0, -math.inf))
    key.append(observation.iri)
    return tuple(key)


def latest(observations: list[Observation]) -> dict[str, list[Observation]]:
    """Per area, the headline observation of each series at its latest year, in the order of the series codes."""
    by_series: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for observation in observations:
        by_series[(observation.area, observation.series.iri)].append(observation)
    found: dict[str, list[Observation]] = defaultdict(list)
    for (area, _), group in sorted(by_series.items()):
        year = max(o.year for o in group)
        found[area].append(min((o for o in group if o.year == year), key=_headline_key))
    for values in found.values():
        values.sort(key=lambda o: o.series.notation or o.series.iri)
    return dict(found)


class Countries:
    """Reads the SDG indicator data by country from one store (through the Questions over it)."""

    def __init__(self, questions: Questions) -> None:
        self.questions = questions
        self.store = questions.store

    def latest_values(self, indicator: str, areas: Iterable[str]) -> LatestValues:
        """For each country or region IRI, the latest value of each data series of an indicator (IRI)."""
        chosen = sorted(set(areas))
        sparql = queries.observations(terms.iri(indicator), (terms.iri(a) for a in chosen), DIMENSIONS)
        observations = self._observations(sparql) if chosen else []
        return LatestValues(sparql, latest(observations), self.sources({o.dataset for o in observations}))

    def latest_in(self, area: str) -> LatestValues:
        """The latest value of each data series of every SDG indicator in one country or region (IRI)."""
        sparql = queries.observations(None, [terms.iri(area)], DIMENSIONS)
        observations = self._observations(sparql)
        return LatestValues(sparql, latest(observations), self.sources({o.dataset for o in observations}))

    def m49_codes(self, areas: Iterable[str]) -> dict[str, str]:
        """The UN M49 code of each country or region (IRI) that has one."""
        chosen = {terms.iri(a) for a in areas}
        if not chosen:
            return {}
        return {row["area"]["value"]: row["m49"]["value"] for row in self.store.select(queries.m49_codes(chosen))}

    def sources(self, datasets: set[str]) -> list[DataSource]:
        """The imports the data sets are part of: title, publisher, date, licence and citation."""
        if not datasets:
            return []
        return [
            DataSource(
                iri=row["import"]["value"],
                title=binding_value(row, "title"),
                publisher=binding_value(row, "publisher"),
                issued=binding_value(row, "issued"),
                licence=binding_value(row, "licence"),
                citation=binding_value(row, "citation"),
            )
            for row in self.store.select(queries.sources(terms.iri(d) for d in sorted(datasets)))
        ]

    def _observations(self, sparql: str) -> list[Observation]:
        rows = self.store.select(sparql)
        code_iris = {row[k]["value"] for row in rows for k in ("series", "unit", "nature", *DIMENSIONS) if k in row}
        codes = self._codes(code_iris)
        return [self._observation(row, codes) for row in rows]

    @staticmethod
    def _observation(row: Binding, codes: dict[str, Code]) -> Observation:
        return Observation(
            iri=row["obs"]["value"],
            area=row["area"]["value"],
            indicator=row["indicator"]["value"],
            series=codes[row["series"]["value"]],
            year=int(row["year"]["value"]),
            value=row["value"]["value"],
            unit=codes[row["unit"]["value"]],
            nature=codes[row["nature"]["value"]],
            dataset=row["dataset"]["value"],
            breakdown={name: codes[row[name]["value"]] for name in sorted(DIMENSIONS) if name in row},
        )

    def _codes(self, iris: set[str]) -> dict[str, Code]:
        if not iris:
            return {}
        rows = self.store.select(queries.codes(terms.iri(i) for i in iris))
        found = {
            row["code"]["value"]: Code(
                row["code"]["value"], binding_value(row, "notation"), binding_value(row, "label")
            )
            for row in rows
        }
        return {iri: found.get(iri, Code(iri, None, None)) for iri in iris}
