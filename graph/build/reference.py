"""The reference data: the SDG framework and the ILO instrument list, as RDF.

Hierarchy links (target -> goal, indicator -> target) get evidence naming the
reference file and its line, so derivations can cite them as premises.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef

from graph.ids import INSTRUMENT_PATTERN, IdScheme
from ontology.namespaces import DCTERMS, ILOKG, RDF, RDFS, SDGO, SKOS, XSD

SDG_DIR = Path("reference") / "sdg"
INSTRUMENTS_FILE = Path("reference") / "ilo" / "standards_core.csv"

Triple = tuple[URIRef, URIRef, URIRef | Literal]


@dataclass(frozen=True)
class ReferenceRow:
    """A row of a reference file, for evidence: which file (relative to seeds/) and which line."""

    file: str
    line: int
    text: str


@dataclass
class ReferenceData:
    """Everything read from seeds/reference, ready to become triples."""

    sdg_indicator_iris: dict[str, str] = field(default_factory=dict)
    sdg_target_of_indicator: dict[str, list[str]] = field(default_factory=dict)
    triples: list[Triple] = field(default_factory=list)
    # (subject, predicate, object) -> the row that states it, for the hierarchy links
    hierarchy: dict[Triple, ReferenceRow] = field(default_factory=dict)
    instrument_ids: set[str] = field(default_factory=set)
    labelled: set[URIRef] = field(default_factory=set)


def _rows(path: Path) -> Iterator[tuple[int, dict[str, str], str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = handle.read().splitlines()
    reader = csv.DictReader(lines)
    # A reader over a list of lines yields rows in order; line_num counts physical lines.
    for row in reader:
        yield reader.line_num, row, lines[reader.line_num - 1]


def read_sdg_indicator_iris(seeds_dir: Path) -> dict[str, str]:
    """SDG indicator code (8.7.1) -> its UN KOS IRI."""
    return {row["code"]: row["uri"] for _, row, _ in _rows(seeds_dir / SDG_DIR / "indicators.csv")}


def read_reference(seeds_dir: Path, ids: IdScheme) -> ReferenceData:
    """Read the SDG goals, targets and indicators and the instrument list."""
    data = ReferenceData(sdg_indicator_iris=read_sdg_indicator_iris(seeds_dir))
    add = data.triples.append

    def hierarchy(triple: Triple, file: str, line: int, text: str) -> None:
        add(triple)
        data.hierarchy[triple] = ReferenceRow(file, line, text)

    goals_file = SDG_DIR / "goals.csv"
    for _, row, _ in _rows(seeds_dir / goals_file):
        goal = URIRef(row["uri"])
        add((goal, RDF.type, SDGO.Goal))
        add((goal, SKOS.prefLabel, Literal(row["title"], lang="en")))
        add((goal, SKOS.altLabel, Literal(row["short_title"], lang="en")))
        add((goal, SKOS.notation, Literal(row["code"])))
        add((goal, ILOKG.shortId, Literal("sdg:" + row["code"])))
        data.labelled.add(goal)
        for column in ("sdgio_uri", "wikidata_uri"):
            if row[column]:
                add((goal, SKOS.exactMatch, URIRef(row[column])))

    targets_file = SDG_DIR / "targets.csv"
    for line, row, text in _rows(seeds_dir / targets_file):
        target = URIRef(row["uri"])
        goal = ids.resolve("sdg:" + row["goal"]).iri
        add((target, RDF.type, SDGO.Target))
        add((target, SKOS.prefLabel, Literal(row["title"], lang="en")))
        add((target, SKOS.notation, Literal(row["code"])))
        add((target, ILOKG.shortId, Literal("sdg:" + row["code"])))
        add((goal, SDGO.hasTarget, target))
        hierarchy((target, SKOS.broader, goal), str(targets_file), line, text)
        data.labelled.add(target)
        if row["sdgio_uri"]:
            add((target, SKOS.exactMatch, URIRef(row["sdgio_uri"])))

    indicators_file = SDG_DIR / "indicators.csv"
    for line, row, text in _rows(seeds_dir / indicators_file):
        indicator = URIRef(row["uri"])
        target = ids.resolve("sdg:" + row["target"]).iri
        data.sdg_target_of_indicator.setdefault(row["code"], []).append(row["target"])
        add((indicator, RDF.type, SDGO.Indicator))
        # A repeated indicator (1.5.1 = 11.5.1 = 13.1.1) is one IRI with one title and several codes.
        if indicator not in data.labelled:
            add((indicator, SKOS.prefLabel, Literal(row["title"], lang="en")))
            data.labelled.add(indicator)
        add((indicator, SKOS.notation, Literal(row["code"])))
        add((indicator, ILOKG.shortId, Literal("sdg:" + row["code"])))
        add((target, SDGO.hasIndicator, indicator))
        hierarchy((indicator, SKOS.broader, target), str(indicators_file), line, text)
        if row["sdgio_uri"]:
            add((indicator, SKOS.exactMatch, URIRef(row["sdgio_uri"])))
        if row["custodian_agency_2019"]:
            add((indicator, SDGO.custodianAgency, Literal(row["custodian_agency_2019"])))

    for _, row, _ in _rows(seeds_dir / INSTRUMENTS_FILE):
        code = row["code"]
        if not INSTRUMENT_PATTERN.fullmatch(code):
            raise ValueError(f"{INSTRUMENTS_FILE}: instrument code {code!r} is not like C029, P029 or R202")
        instrument = ids.resolve(code).iri
        data.instrument_ids.add(code)
        data.labelled.add(instrument)
        add((instrument, SKOS.prefLabel, Literal(row["short_title"], lang="en")))
        add((instrument, ILOKG.adoptionYear, Literal(row["adoption_year"], datatype=XSD.gYear)))
        if row["status"]:
            add((instrument, ILOKG.instrumentStatus, Literal(row["status"])))
        if row["normlex_url"]:
            add((instrument, RDFS.seeAlso, URIRef(row["normlex_url"])))
        add((instrument, DCTERMS.source, Literal(row["source"])))
    return data
