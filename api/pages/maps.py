"""The world map of the SDG indicator data: a page (`/map`) with the map drawn in the browser and the same data as
a table rendered on the server, and its data as JSON (`/diagrams/map`).

The map is world-atlas's TopoJSON of the countries (1:50m), drawn with d3-geo and topojson-client, all installed
from the npm registry and served from /static/vendor. The atlas names each country's shape by its ISO 3166-1
numeric code, which is the country's UN M49 code in the graph (`ilokg:m49Code`): the map joins on it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.i18n import language_query
from api.pages.render import page_href, render
from api.problems import problem_doc
from api.routes.catalogue import question_url
from api.routes.dependencies import LoadedGraph, cached_answer, get_graph
from api.routes.models import RefModel, StepModel
from graph.read.catalogue import number_of
from graph.read.countries import Observation
from graph.read.maps import QUESTION, Maps, WorldMap
from ontology.namespaces import ILOKG

router = APIRouter(tags=["pages"], dependencies=[Depends(language_query)])
GraphDep = Annotated[LoadedGraph, Depends(get_graph)]
ATLAS = "/static/vendor/world-atlas/countries-50m.json"
DEFAULT_INDICATOR = "8.7.1"
IndicatorQuery = Annotated[
    str,
    Query(
        description="An SDG indicator code (8.7.1); the indicators with data are listed in the answer's choices",
        max_length=200,
    ),
]
SeriesQuery = Annotated[
    str, Query(description="A data series of the indicator (SL_TLF_CHLDEC); its first when empty", max_length=200)
]
FlagshipQuery = Annotated[
    str,
    Query(
        description="Mark the countries where this flagship works (IPEC+, ipec-plus, ...); none when empty",
        max_length=200,
    ),
]


class MapValueModel(BaseModel):
    """The latest value of the series in a country."""

    value: float = Field(description="The value (a number)")
    text: str = Field(description="The value as the database writes it (12.8)")
    year: int = Field(description="The series' latest year in the country")
    unit: str | None = None
    breakdown: str = Field(description="The population the value covers (age, sex, ...)")
    nature: str | None = Field(None, description="How the value was obtained (country data, estimated, modelled, ...)")


class MapCountryModel(BaseModel):
    """A country of the map."""

    ref: RefModel
    m49: str | None = Field(
        description="The UN M49 code, which for a country is its ISO 3166-1 numeric code: the id of its shape in "
        "world-atlas"
    )
    iso: str = Field(description="ISO 3166-1 alpha-3 code")
    href: str = Field(description="The country's page on this service")
    latest: MapValueModel | None = Field(description="The latest value of the series (null: the data has none)")
    flagship_here: bool = Field(description="A document states that the flagship asked for works here")
    evidence: list[StepModel] = Field(description="The quotes that place the flagship here")


class MapSeriesModel(BaseModel):
    iri: str
    code: str
    title: str | None


class MapChoiceModel(BaseModel):
    """An SDG indicator the data has, with its series."""

    indicator: RefModel
    series: list[MapSeriesModel]


class MapSourceModel(BaseModel):
    iri: str
    title: str | None
    publisher: str | None
    issued: str | None
    licence: str | None
    citation: str | None


class MapModel(BaseModel):
    """One data series of an SDG indicator in every country that has a value, and the countries of a flagship."""

    indicator: RefModel
    series: MapSeriesModel
    flagship: RefModel | None
    countries: list[MapCountryModel] = Field(
        description="Every country with a value of the series, and every country where the flagship works"
    )
    choices: list[MapChoiceModel] = Field(description="The SDG indicators the data has, each with its series")
    sources: list[MapSourceModel] = Field(description="Where the data comes from, and how to cite it")
    question: str | None = Field(description="The named question countries-of-flagship for this flagship and indicator")
    atlas: str = Field(description="The TopoJSON of the countries the page draws (world-atlas, 1:50m)")


# The latest values of a series take up to a second to read at the whole import: kept per build, map and language.
_MAPS: OrderedDict[tuple[str, str, str, str], WorldMap] = OrderedDict()
_MAPS_LOCK = threading.Lock()
MAPS_KEPT = 32


def world_map(graph: LoadedGraph, indicator: str, series: str, flagship: str) -> WorldMap:
    key = (graph.build_id, indicator.strip(), series.strip().upper(), flagship.strip())
    with _MAPS_LOCK:
        found = _MAPS.get(key)
        if found is not None:
            _MAPS.move_to_end(key)
            return found
    found = Maps(graph.questions).world(indicator, series, flagship)
    with _MAPS_LOCK:
        _MAPS[key] = found
        while len(_MAPS) > MAPS_KEPT:
            _MAPS.popitem(last=False)
    return found


def _value(observation: Observation | None) -> MapValueModel | None:
    if observation is None:
        return None
    return MapValueModel(
        value=number_of(observation.value) or 0.0,
        text=observation.value,
        year=observation.year,
        unit=observation.unit.label,
        breakdown=observation.breakdown_text(),
        nature=observation.nature.label,
    )


def question_link(world: WorldMap) -> str | None:
    if world.flagship is None:
        return None
    flagship = (world.flagship.id or "").partition(":")[2]
    return question_url(QUESTION, {"flagship": flagship, "indicator": (world.indicator.id or "").removeprefix("sdg:")})


def map_model(graph: LoadedGraph, world: WorldMap) -> MapModel:
    return MapModel(
        indicator=RefModel.model_validate(world.indicator, from_attributes=True),
        series=MapSeriesModel(iri=world.series.iri, code=world.series.code, title=world.series.title),
        flagship=RefModel.model_validate(world.flagship, from_attributes=True) if world.flagship else None,
        countries=[
            MapCountryModel(
                ref=RefModel.model_validate(c.country, from_attributes=True),
                m49=c.m49,
                iso=c.iso,
                href=page_href(graph, c.country),
                latest=_value(c.value),
                flagship_here=c.flagship_here,
                evidence=[StepModel.model_validate(step, from_attributes=True) for step in c.evidence],
            )
            for c in world.countries
        ],
        choices=[
            MapChoiceModel(
                indicator=RefModel.model_validate(choice.indicator, from_attributes=True),
                series=[MapSeriesModel(iri=s.iri, code=s.code, title=s.title) for s in choice.series],
            )
            for choice in world.choices
        ],
        sources=[MapSourceModel.model_validate(source, from_attributes=True) for source in world.sources],
        question=question_link(world),
        atlas=ATLAS,
    )


def data_url(world: WorldMap) -> str:
    """The address of the map's data (JSON); the page adds its language."""
    query = {
        "indicator": (world.indicator.id or "").removeprefix("sdg:"),
        "series": world.series.code,
        "flagship": (world.flagship.id or "").partition(":")[2] if world.flagship else "",
    }
    return "/diagrams/map?" + urlencode({key: value for key, value in query.items() if value})


@router.get(
    "/diagrams/map",
    summary="Data of the world map: an SDG indicator's latest value in every country, and a flagship's countries",
    response_model=MapModel,
    responses=problem_doc(400, 404),
)
async def map_data(
    request: Request,
    graph: GraphDep,
    indicator: IndicatorQuery = DEFAULT_INDICATOR,
    series: SeriesQuery = "",
    flagship: FlagshipQuery = "",
) -> Response:
    def produce() -> MapModel:
        return map_model(graph, world_map(graph, indicator, series, flagship))

    return await cached_answer(request, graph, MapModel, produce)


@router.get("/map", response_class=HTMLResponse, summary="World map of the SDG indicator data by country")
async def map_page(
    request: Request,
    graph: GraphDep,
    indicator: IndicatorQuery = DEFAULT_INDICATOR,
    series: SeriesQuery = "",
    flagship: FlagshipQuery = "",
) -> HTMLResponse:
    # A series left over from another indicator (the form sends both) gives way to the indicator's first series.
    choices = await run_in_threadpool(Maps(graph.questions).choices)
    chosen = next((c for c in choices if (c.indicator.id or "") == "sdg:" + indicator.strip()), None)
    if chosen is not None and series.strip().upper() not in {s.code for s in chosen.series}:
        series = ""
    world = await run_in_threadpool(world_map, graph, indicator, series, flagship)
    flagships = graph.catalogue.members(str(ILOKG.FlagshipProgramme))
    context: dict[str, Any] = {
        "world": world,
        "flagships": flagships,
        "flagship_slug": (world.flagship.id or "").partition(":")[2] if world.flagship else "",
        "question": question_link(world),
        "data_url": data_url(world),
        "atlas": ATLAS,
    }
    return render(request, graph, "map.html", context)
