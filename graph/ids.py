"""Short ids (as written in curated files, URLs and searches) and the IRIs they stand for.

`flagship:ipec-plus` -> <{base}flagship/ipec-plus>, `C182` -> <{base}instrument/C182>,
`sdg:8.7` -> <http://metadata.un.org/sdg/8.7>, `sdg:8.7.1` -> <http://metadata.un.org/sdg/C080701>.
The kind of a thing follows from its id, so curated files never state types.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import URIRef

from ontology.namespaces import ILOKG, SDG_BASE, SDGO


class IdError(ValueError):
    """An id that does not follow the id scheme; the message says what a valid one looks like."""


@dataclass(frozen=True)
class Kind:
    """A kind of thing with its own id prefix, IRI path segment and class."""

    prefix: str
    pattern: re.Pattern[str]
    example: str
    rdf_class: URIRef


_BIENNIUM = r"(?:19|20)\d\d-\d\d"
_SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"

KINDS: dict[str, Kind] = {
    kind.prefix: kind
    for kind in (
        Kind("flagship", re.compile(_SLUG), "flagship:ipec-plus", ILOKG.FlagshipProgramme),
        Kind("portfolio", re.compile(_SLUG), "portfolio:flagships", ILOKG.FlagshipPortfolio),
        Kind("biennium", re.compile(_BIENNIUM), "biennium:2022-23", ILOKG.Biennium),
        Kind("outcome", re.compile(_BIENNIUM + r"/(?:\d+|[A-Z])"), "outcome:2022-23/A", ILOKG.Outcome),
        Kind("output", re.compile(_BIENNIUM + r"/(?:\d+|[A-Z])\.\d+"), "output:2022-23/7.1", ILOKG.Output),
        Kind(
            "indicator",
            re.compile(_BIENNIUM + r"/(?:\d+[a-z]?|[A-Z])(?:\.\d+){1,2}"),
            "indicator:2020-21/6.3.1",
            ILOKG.Indicator,
        ),
        Kind(
            "strategic-objective",
            re.compile(_BIENNIUM + r"/\d+"),
            "strategic-objective:2002-03/3",
            ILOKG.StrategicObjective,
        ),
        Kind(
            "operational-objective",
            re.compile(_BIENNIUM + r"/\d+[a-z]"),
            "operational-objective:2002-03/3a",
            ILOKG.OperationalObjective,
        ),
        Kind(
            "infocus-programme",
            re.compile(_BIENNIUM + "/" + _SLUG),
            "infocus-programme:2002-03/safework",
            ILOKG.InFocusProgramme,
        ),
        Kind("organization", re.compile(_SLUG), "organization:alliance-8-7", ILOKG.Organization),
        Kind("programme", re.compile(_SLUG), "programme:ipec", ILOKG.Programme),
        Kind("part", re.compile(_SLUG + "/" + _SLUG), "part:pir-2020-21/table-1", ILOKG.DocumentPart),
        Kind("country", re.compile(r"[A-Z]{3}"), "country:BGD", ILOKG.Country),
        Kind("region", re.compile(_SLUG), "region:africa", ILOKG.Region),
        Kind("m49-region", re.compile(r"\d{3}"), "m49-region:202", ILOKG.M49Region),
        Kind("figure", re.compile(_SLUG + r"(?:/" + _SLUG + r")*"), "figure:better-work-factories-2020", ILOKG.Figure),
        Kind(
            "indicator-value",
            re.compile(r"[A-Za-z0-9./-]+"),
            "indicator-value:2020-21/6.3.1/result/africa",
            ILOKG.IndicatorValue,
        ),
        Kind("document", re.compile(_SLUG), "document:gb325-pol7", ILOKG.SourceDocument),
        Kind("evidence", re.compile(_SLUG + r"/[0-9a-f]+"), "evidence:gb325-pol7/0123456789ab", ILOKG.Evidence),
        Kind("derivation", re.compile(r"[0-9a-f]+"), "derivation:0123456789ab", ILOKG.Derivation),
        Kind("graph", re.compile(_SLUG + r"(?:/" + _SLUG + r")*"), "graph:derived", ILOKG.SourceDocument),
    )
}

INSTRUMENT_PATTERN = re.compile(r"([CPR])(\d{3})")
INSTRUMENT_CLASSES = {"C": ILOKG.Convention, "P": ILOKG.Protocol, "R": ILOKG.Recommendation}
SDG_GOAL = re.compile(r"[1-9]|1[0-7]")
SDG_TARGET = re.compile(r"(?:[1-9]|1[0-7])\.(?:\d{1,2}|[a-z])")
SDG_INDICATOR = re.compile(r"(?:[1-9]|1[0-7])\.(?:\d{1,2}|[a-z])\.\d{1,2}")
REGIONS = ("africa", "americas", "arab-states", "asia-pacific", "europe-central-asia")


def instrument_id(kind_letter: str, number: int) -> str:
    """The canonical id of an instrument: C029, P155, R202."""
    return f"{kind_letter}{number:03d}"


@dataclass(frozen=True)
class Resolved:
    """What a short id stands for."""

    short_id: str
    iri: URIRef
    rdf_class: URIRef


class IdScheme:
    """Turns short ids into IRIs and back, for one base IRI and one SDG indicator list."""

    def __init__(self, base_iri: str, sdg_indicator_iris: Mapping[str, str]) -> None:
        if not base_iri.endswith(("/", "#")):
            raise IdError(f"the base IRI {base_iri!r} must end with '/' or '#'")
        self.base_iri = base_iri
        self.sdg_indicator_iris = dict(sdg_indicator_iris)
        self._indicator_codes = {iri: code for code, iri in self.sdg_indicator_iris.items()}

    def resolve(self, short_id: str) -> Resolved:
        """The IRI and class of a short id; IdError says how a valid id looks."""
        text = short_id.strip()
        match = INSTRUMENT_PATTERN.fullmatch(text)
        if match:
            return Resolved(text, URIRef(f"{self.base_iri}instrument/{text}"), INSTRUMENT_CLASSES[match.group(1)])
        prefix, sep, local = text.partition(":")
        if not sep:
            raise IdError(
                f"{short_id!r} is not an id: write an instrument code (C029, P029, R202) "
                "or prefix:local such as flagship:ipec-plus or sdg:8.7"
            )
        if prefix == "sdg":
            return self._resolve_sdg(text, local)
        kind = KINDS.get(prefix)
        if kind is None:
            known = ", ".join(["sdg", *KINDS])
            raise IdError(f"{short_id!r} has an unknown prefix {prefix!r}; known prefixes: {known}")
        if not kind.pattern.fullmatch(local):
            raise IdError(f"{short_id!r} is not a valid {prefix} id; write it like {kind.example}")
        rdf_class = kind.rdf_class
        if prefix == "outcome":
            rdf_class = ILOKG.EnablingOutcome if local.rsplit("/", 1)[1].isalpha() else ILOKG.PolicyOutcome
        return Resolved(text, URIRef(f"{self.base_iri}{prefix}/{local}"), rdf_class)

    def _resolve_sdg(self, text: str, code: str) -> Resolved:
        if SDG_GOAL.fullmatch(code) or SDG_TARGET.fullmatch(code):
            rdf_class = SDGO.Goal if SDG_GOAL.fullmatch(code) else SDGO.Target
            return Resolved(text, URIRef(SDG_BASE + code), rdf_class)
        if SDG_INDICATOR.fullmatch(code):
            iri = self.sdg_indicator_iris.get(code)
            if iri is None:
                raise IdError(f"{text!r}: there is no SDG indicator {code} in the SDG framework")
            return Resolved(text, URIRef(iri), SDGO.Indicator)
        raise IdError(f"{text!r} is not an SDG code; write sdg:8 (goal), sdg:8.7 (target) or sdg:8.7.1 (indicator)")

    def short_id(self, iri: str) -> str | None:
        """The short id of an IRI the scheme mints or knows, else None."""
        if iri.startswith(self.base_iri):
            path = iri[len(self.base_iri) :]
            prefix, _, local = path.partition("/")
            if prefix == "instrument":
                return local
            return f"{prefix}:{local}" if prefix in KINDS and local else None
        if iri.startswith(SDG_BASE):
            code = iri[len(SDG_BASE) :]
            if code in self._indicator_codes.values() or iri in self._indicator_codes:
                return "sdg:" + self._indicator_codes[iri]
            if SDG_GOAL.fullmatch(code) or SDG_TARGET.fullmatch(code):
                return "sdg:" + code
        return None

    def loose_candidates(self, text: str) -> list[str]:
        """Short ids a person may mean by `text` (`8.7`, `c182`, `ipec-plus`, an IRI), most likely first."""
        value = text.strip()
        if value.startswith(("http://", "https://")):
            found = self.short_id(value)
            return [found] if found else []
        upper = value.upper()
        match = re.fullmatch(r"([CPR])\.?\s*0*(\d{1,3})", upper)
        if match:
            return [instrument_id(match.group(1), int(match.group(2)))]
        if ":" in value:
            return [value]
        if SDG_GOAL.fullmatch(value) or SDG_TARGET.fullmatch(value) or SDG_INDICATOR.fullmatch(value):
            return ["sdg:" + value]
        prefixes = ("flagship", "organization", "programme", "region", "document", "portfolio")
        return [f"{prefix}:{value}" for prefix in prefixes] + (
            [f"country:{upper}"] if re.fullmatch(r"[A-Za-z]{3}", value) else []
        )
