"""A world map of an SDG indicator: the latest value of one of its data series in every country, and the countries
where a flagship works (as the named question countries-of-flagship answers it, with the quotes placing it there).

Plain data for the map page, its JSON and its table. Countries are given with their UN M49 code, which for a
country is its ISO 3166-1 numeric code: the code a world atlas names its shapes by.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.queries import countries as queries
from graph.read.catalogue import ArgumentError, Catalogue
from graph.read.countries import Countries, DataSeries, DataSource, Observation
from graph.read.named import named_questions
from graph.read.questions import Questions, Ref, UnknownResource
from graph.read.strength import Step
from graph.read.wording import natural_key
from graph.store.formats import binding_value

QUESTION = "countries-of-flagship"


@dataclass
class IndicatorChoice:
    """An SDG indicator the data has, and its data series."""

    indicator: Ref
    series: list[DataSeries]


@dataclass
class MapCountry:
    """A country on the map: its latest value of the series (None: no value), and whether the flagship works there
    (with the quotes that say so)."""

    country: Ref
    m49: str | None
    iso: str
    value: Observation | None
    flagship_here: bool = False
    evidence: list[Step] = field(default_factory=list)


@dataclass
class WorldMap:
    """One data series of an SDG indicator in every country, and a flagship's countries."""

    choices: list[IndicatorChoice]
    indicator: Ref
    series: DataSeries
    flagship: Ref | None
    countries: list[MapCountry]  # the countries with a value, and the flagship's countries, by name
    sources: list[DataSource]
    sparql: list[str]

    @property
    def values(self) -> list[Observation]:
        return [c.value for c in self.countries if c.value is not None]


class Maps:
    """Builds world maps of the SDG indicator data over one store."""

    def __init__(self, questions: Questions) -> None:
        self.questions = questions
        self.catalogue: Catalogue = named_questions(questions)
        self.countries = Countries(questions)

    def choices(self) -> list[IndicatorChoice]:
        """Every SDG indicator the data has, in the order of their codes, each with its series."""
        series = self.countries.data_series()
        indicators = {s.indicator for s in series}
        names = self.questions.labels(indicators)
        found = [
            IndicatorChoice(self.questions.ref(i, names.get(i)), [s for s in series if s.indicator == i])
            for i in indicators
        ]
        return sorted(found, key=lambda choice: natural_key(choice.indicator.id or choice.indicator.iri))

    def world(self, indicator: str, series: str = "", flagship: str = "") -> WorldMap:
        """The map of an SDG indicator (its code: 8.7.1), one of its series (its code: SL_TLF_CHLDEC; the first one
        when empty) and a flagship (any name the named questions read; none when empty)."""
        question = self.catalogue.get(QUESTION)
        asked = self.catalogue.read(question.param("indicator"), indicator)
        choices = self.choices()
        choice = next((c for c in choices if c.indicator.iri == asked.ref.iri), None)
        if choice is None:
            held = ", ".join((c.indicator.id or "").removeprefix("sdg:") for c in choices)
            raise UnknownResource(f"the data has no values of SDG indicator {asked.argument}; it has {held}")
        chosen = choice.series[0]
        if series.strip():
            code = series.strip().upper()
            found = next((s for s in choice.series if s.code == code), None)
            if found is None:
                codes = ", ".join(s.code for s in choice.series)
                raise ArgumentError(
                    f"series {series.strip()!r} is not a data series of SDG indicator {asked.argument}; "
                    f"its series are {codes}"
                )
            chosen = found
        latest = self.countries.series_values(chosen.iri)
        sparql = [latest.sparql]
        here: dict[str, list[Step]] = {}
        flagship_ref = None
        if flagship.strip():
            answer = self.catalogue.answer(QUESTION, {"flagship": flagship, "indicator": asked.argument})
            flagship_ref = answer.things["flagship"]
            sparql.extend(answer.sparql)
            for row in answer.rows:
                here.setdefault(row["country"].iri, row["evidence"])
        rows = self.questions.store.select(queries.countries())
        shown: list[MapCountry] = []
        for row in rows:
            iri = row["country"]["value"]
            values = latest.by_area.get(iri, [])
            if not values and iri not in here:
                continue
            shown.append(
                MapCountry(
                    country=self.questions.ref(iri, binding_value(row, "label")),
                    m49=binding_value(row, "m49"),
                    iso=row["iso"]["value"],
                    value=values[0] if values else None,
                    flagship_here=iri in here,
                    evidence=here.get(iri, []),
                )
            )
        shown.sort(key=lambda c: (c.country.label or c.iso).casefold())
        return WorldMap(choices, choice.indicator, chosen, flagship_ref, shown, latest.sources, sparql)
