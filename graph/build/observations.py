"""SDG indicator data by country as W3C Data Cube observations, and the countries and regions they are about.

seeds/reference/sdg-country-data holds the UN Global SDG Indicators Database's data for the ILO-custodian
series as published (DDF: one CSV of datapoints per series, the codes of each dimension in
ddf--entities--<dimension>.csv, the series in ddf--concepts--continuous.csv). Each datapoint becomes a
qb:Observation in the named graph {base}graph/sdg-country-data: the SDG indicator (its UN SDG KOS IRI), the
series, the country or region, the year, the breakdowns (sex, age, ...), the value, its unit and its nature.

Areas come as UN M49 codes. A code that ISO 3166-1 gives to a country (seeds/reference/iso-3166) is that
country, `country:<alpha-3>`; any other (World, Sub-Saharan Africa, Least Developed Countries) is an M49
region, `m49-region:<code>`, named as the database names it. Countries get their M49 code and their names in
English, French and Spanish; the English name a document gives stays the preferred one.

A row that cannot become an observation is a problem `file:line: what to fix`, like a curated row.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Literal, URIRef

from graph.build.context import BuildContext
from graph.build.evidence import fold_space
from graph.build.reference import Triple
from graph.ids import IdError, IdScheme
from ontology.namespaces import (
    DCTERMS,
    ILOKG,
    QB,
    RDF,
    RDFS,
    SDG_BASE,
    SDGO,
    SDMX_ATTRIBUTE,
    SDMX_CODE,
    SDMX_DIMENSION,
    SDMX_MEASURE,
    SKOS,
    VOID,
    XSD,
)

DATA_DIR = Path("reference") / "sdg-country-data"
ISO_FILE = Path("reference") / "iso-3166" / "countries.csv"
DATAPOINTS = re.compile(r"ddf--datapoints--([a-z0-9_]+)--by--([a-z0-9_-]+)\.csv")
SERIES_FILE = "ddf--concepts--continuous.csv"
DIMENSION_NAMES_FILE = "ddf--concepts--discrete.csv"
GEO_FILE = "ddf--entities--geo_area.csv"

# What SOURCE.md says of the import (the citation itself is read from SOURCE.md).
LICENCE = URIRef("https://creativecommons.org/licenses/by/4.0/")
SOURCE = URIRef("https://github.com/open-numbers/ddf--unstats--sdg_indicators")
PUBLISHER = "United Nations Statistics Division"
ISSUED = "2020-10-19"
TITLE = "SDG indicator data by country: UN Global SDG Indicators Database (October 2020), ILO-custodian series"
CITATION = re.compile(r'Cite as:\s*"([^"]+)"')

# The breakdowns a series may have (DDF key -> Data Cube dimension), in the order of the DDF keys.
BREAKDOWNS: dict[str, URIRef] = {
    "activity": ILOKG.economicActivity,
    "age": SDMX_DIMENSION.age,
    "migratory_status": ILOKG.migratoryStatus,
    "sex": SDMX_DIMENSION.sex,
    "type_of_occupation": SDMX_DIMENSION.occupation,
}
ATTRIBUTES: dict[str, URIRef] = {"nature": ILOKG.valueNature, "units": SDMX_ATTRIBUTE.unitMeasure}
REQUIRED_KEYS = ("geo_area", "year", *ATTRIBUTES)
# Labels of the SDMX-RDF components the graph uses, as the SDMX-RDF vocabulary names them.
SDMX_LABELS = {
    SDMX_DIMENSION.refArea: "Reference Area",
    SDMX_DIMENSION.sex: "Sex",
    SDMX_DIMENSION.age: "Age",
    SDMX_DIMENSION.occupation: "Occupation",
    SDMX_MEASURE.obsValue: "Observation Value",
    SDMX_ATTRIBUTE.unitMeasure: "Unit of Measure",
}
# English labels of the codes whose meaning the sources state (SOURCE.md for the nature of a value, the series
# descriptions for the units, SDMX for sex); every other code is labelled as the database writes it (5-17, 15+).
CODE_LABELS = {
    ("nature", "c"): "country data",
    ("nature", "ca"): "country adjusted data",
    ("nature", "e"): "estimated",
    ("nature", "g"): "global monitoring data",
    ("nature", "m"): "modelled",
    ("nature", "n"): "non-relevant",
    ("units", "percent"): "percent",
    ("units", "per_100000_emp"): "per 100,000 employees",
    ("units", "cur_lcu"): "local currency",
    ("units", "score"): "score",
    ("sex", "bothsex"): "both sexes",
    ("sex", "female"): "female",
    ("sex", "male"): "male",
}
SDMX_SEX = {"bothsex": SDMX_CODE["sex-T"], "female": SDMX_CODE["sex-F"], "male": SDMX_CODE["sex-M"]}
CODE = re.compile(r"[a-z0-9_]+")
YEAR = re.compile(r"(?:19|20)\d\d")
SHOWN_CODES = 12


@dataclass(frozen=True)
class IsoCountry:
    """A country of ISO 3166-1: its numeric (= UN M49) and alpha-3 codes and its names."""

    m49: str
    alpha_3: str
    name: str
    common_name: str
    name_fr: str
    name_es: str


@dataclass
class Area:
    """A country or region the data is about, and the first row that names it."""

    m49: str
    name: str
    country: IsoCountry | None
    where: str


@dataclass
class Series:
    """A data series of the database and the SDG indicator it measures."""

    code: str
    iri: URIRef
    indicator: URIRef
    title: str


@dataclass
class CountryData:
    """What seeds/reference/sdg-country-data gives, ready to become triples; problems say where and what to fix."""

    triples: list[Triple] = field(default_factory=list)  # the import, its structure, series and codes
    quads: list[str] = field(default_factory=list)  # the observations, as N-Quads lines in the import's graph
    areas: dict[str, Area] = field(default_factory=dict)  # M49 code (three digits) -> area
    area_names: dict[str, str] = field(default_factory=dict)  # M49 code -> the database's English name
    countries: dict[str, IsoCountry] = field(default_factory=dict)  # alpha-3 -> country
    count: int = 0  # observations
    problems: list[str] = field(default_factory=list)


def _lines(path: Path, relative: str, problems: list[str]) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of each row after the header; the header is line 1 and comes first."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = handle.read().splitlines()
    reader = csv.reader(lines)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as error:
        problems.append(f"{relative}:{reader.line_num}: not valid CSV ({error}); check the quotes")


ISO_COLUMNS = ["numeric", "alpha_3", "alpha_2", "name", "common_name", "name_fr", "name_es"]


def read_iso_countries(seeds_dir: Path, problems: list[str]) -> dict[str, IsoCountry]:
    """ISO 3166-1 countries by alpha-3 code."""
    countries: dict[str, IsoCountry] = {}
    for line, cells in _lines(seeds_dir / ISO_FILE, str(ISO_FILE), problems):
        if line == 1:
            if cells != ISO_COLUMNS:
                problems.append(f"{ISO_FILE}:1: the header is {','.join(cells)}; it must be {','.join(ISO_COLUMNS)}")
                return {}
            continue
        row = dict(zip(ISO_COLUMNS, cells, strict=False))
        if (
            len(cells) != len(ISO_COLUMNS)
            or not re.fullmatch(r"\d{3}", row["numeric"])
            or not re.fullmatch(r"[A-Z]{3}", row["alpha_3"])
        ):
            problems.append(f"{ISO_FILE}:{line}: a row is a three-digit numeric code, an alpha-3 code and names")
            continue
        countries[row["alpha_3"]] = IsoCountry(
            row["numeric"], row["alpha_3"], row["name"], row["common_name"], row["name_fr"], row["name_es"]
        )
    return countries


def m49_code(text: str) -> str:
    """The three-digit form of an M49 code (50 -> 050)."""
    return text.zfill(3)


class _Reader:
    """Reads the DDF files into triples, collecting every problem instead of stopping at the first."""

    def __init__(self, seeds_dir: Path, ids: IdScheme, graph_iri: URIRef, series: str) -> None:
        self.seeds = seeds_dir
        self.ids = ids
        self.base = ids.base_iri
        self.data = CountryData()
        self.data.countries = read_iso_countries(seeds_dir, self.data.problems)
        self.by_m49 = {country.m49: country for country in self.data.countries.values()}
        self.codes: dict[str, dict[str, str]] = {}  # DDF key -> code -> the database's name of it
        self.used_codes: dict[str, set[str]] = {}
        self.dimension_names: dict[str, str] = {}
        self.structures: dict[tuple[str, ...], URIRef] = {}
        self.import_iri = graph_iri  # the named graph of the import also names the import as a whole
        self.wanted = None if series.strip() == "all" else {code.strip().upper() for code in series.split(",")}
        self.terms: dict[str, URIRef] = {}

    def relative(self, name: str) -> str:
        return str(DATA_DIR / name)

    def problem(self, text: str) -> None:
        self.data.problems.append(text)

    def add(self, triple: Triple) -> None:
        self.data.triples.append(triple)

    def iri(self, path: str) -> URIRef:
        """An IRI under the base, made once (the same codes and areas recur in every row)."""
        term = self.terms.get(path)
        if term is None:
            term = self.terms[path] = URIRef(self.base + path)
        return term

    # ------------------------------------------------------------ code lists and series

    def read_codes(self, key: str) -> dict[str, str] | None:
        """The codes of one dimension (code -> the database's name), or None when its file is missing."""
        if key in self.codes:
            return self.codes[key]
        name = f"ddf--entities--{key}.csv"
        path = self.seeds / DATA_DIR / name
        if not path.is_file():
            return None
        codes: dict[str, str] = {}
        for line, cells in _lines(path, self.relative(name), self.data.problems):
            if line == 1:
                continue
            if len(cells) != 2 or not CODE.fullmatch(cells[0]):
                self.problem(
                    f"{self.relative(name)}:{line}: a code row is {key},name with a code of lower-case letters, "
                    "digits and _ (5_17, bothsex)"
                )
                continue
            codes[cells[0]] = cells[1]
        self.codes[key] = codes
        return codes

    def read_geo(self) -> None:
        codes = self.read_codes("geo_area") or {}
        self.data.area_names = {m49_code(code): name for code, name in codes.items() if code.isdigit()}

    def read_dimension_names(self) -> None:
        path = self.seeds / DATA_DIR / DIMENSION_NAMES_FILE
        for line, cells in _lines(path, self.relative(DIMENSION_NAMES_FILE), self.data.problems):
            if line > 1 and len(cells) == 3:
                self.dimension_names[cells[0]] = cells[2]

    def read_series(self) -> dict[str, tuple[int, dict[str, str]]]:
        """Series concept (sl_tlf_chldec) -> (line, its row) of ddf--concepts--continuous.csv."""
        found: dict[str, tuple[int, dict[str, str]]] = {}
        header: list[str] = []
        for line, cells in _lines(self.seeds / DATA_DIR / SERIES_FILE, self.relative(SERIES_FILE), self.data.problems):
            if line == 1:
                header = cells
                if not {"concept", "name", "indicator", "description"} <= set(header):
                    self.problem(
                        f"{self.relative(SERIES_FILE)}:1: the header {','.join(header)} must name the columns "
                        "concept, name, indicator and description"
                    )
                    return found
                continue
            if len(cells) == len(header):
                row = dict(zip(header, cells, strict=True))
                found[row["concept"]] = (line, row)
        return found

    def series(self, concept: str, described: dict[str, tuple[int, dict[str, str]]], file: str) -> Series | None:
        if concept not in described:
            self.problem(f"{file}:1: the series {concept!r} is not described in {self.relative(SERIES_FILE)}")
            return None
        line, row = described[concept]
        where = f"{self.relative(SERIES_FILE)}:{line}"
        code = row.get("name", "")
        if not re.fullmatch(r"[A-Z0-9_]+", code) or code.lower() != concept:
            self.problem(f"{where}: the series name {code!r} must be the concept {concept!r} in capitals")
            return None
        try:
            indicator = self.ids.resolve("sdg:" + row.get("indicator", "")).iri
        except IdError as error:
            self.problem(f"{where}: the indicator of series {code}: {error}")
            return None
        # The UN SDG KOS names a series as it names goals and targets: http://metadata.un.org/sdg/SL_TLF_CHLDEC.
        return Series(code, URIRef(SDG_BASE + code), indicator, fold_space(row["description"]))

    # ------------------------------------------------------------ observations

    def read(self) -> CountryData:
        self.read_geo()
        self.read_dimension_names()
        described = self.read_series()
        files = sorted(p.name for p in (self.seeds / DATA_DIR).glob("ddf--datapoints--*.csv"))
        if not files:
            self.problem(f"{DATA_DIR}: there is no ddf--datapoints--*.csv file; copy the data files into this folder")
        if self.wanted is not None:
            held = {name.split("--")[2].upper(): name for name in files}
            unknown = sorted(self.wanted - set(held))
            if unknown:
                self.problem(
                    f"ILOKG_SDG_SERIES names {', '.join(unknown)}, which {DATA_DIR} has no file for; "
                    f"write all or codes among {', '.join(sorted(held))}"
                )
            files = [name for code, name in sorted(held.items()) if code in self.wanted]
        for name in files:
            self.read_datapoints(name, described)
        self.describe_import()
        return self.data

    def read_datapoints(self, name: str, described: dict[str, tuple[int, dict[str, str]]]) -> None:
        file = self.relative(name)
        match = DATAPOINTS.fullmatch(name)
        if match is None:
            self.problem(f"{file}:1: the file name must be ddf--datapoints--<series>--by--<key>--<key>.csv")
            return
        concept, keys = match.group(1), match.group(2).split("--")
        unknown = [k for k in keys if k not in (*REQUIRED_KEYS, *BREAKDOWNS)]
        missing = [k for k in REQUIRED_KEYS if k not in keys]
        if unknown or missing:
            self.problem(
                f"{file}:1: the keys of a series file are {', '.join(REQUIRED_KEYS)} and any of "
                f"{', '.join(BREAKDOWNS)}; this file has {', '.join(keys)}"
            )
            return
        series = self.series(concept, described, file)
        code_lists = {k: self.read_codes(k) for k in keys if k not in ("geo_area", "year")}
        for key, codes in code_lists.items():
            if codes is None:
                self.problem(f"{file}:1: there is no ddf--entities--{key}.csv listing the {key} codes")
                return
        rows = _lines(self.seeds / DATA_DIR / name, file, self.data.problems)
        header = next(rows, (1, []))[1]
        if sorted(header) != sorted([*keys, concept]):
            self.problem(f"{file}:1: the header is {','.join(header)}; it must name {', '.join([*keys, concept])}")
            return
        if series is None:
            return
        self.read_rows(file, series, header, [k for k in keys if k in BREAKDOWNS], code_lists, rows)

    def read_rows(
        self,
        file: str,
        series: Series,
        header: list[str],
        breakdowns: list[str],
        code_lists: dict[str, dict[str, str] | None],
        rows: Iterator[tuple[int, list[str]]],
    ) -> None:
        column = {name: i for i, name in enumerate(header)}
        value_at, geo_at, year_at = column[series.code.lower()], column["geo_area"], column["year"]
        coded = [(key, column[key], code_lists[key] or {}) for key in (*breakdowns, *ATTRIBUTES)]
        dataset = self.iri(f"sdg-dataset/{series.code}")
        structure = self.structure(tuple(breakdowns))
        self.describe_dataset(dataset, series, structure, file)
        seen: dict[str, int] = {}
        # The observations are written as N-Quads lines, not rdflib terms: half a million triples cost seconds
        # more as terms in rdflib's store and again to serialize them. Every part is a checked code or number.
        graph = f" <{self.import_iri}> .\n"
        common = (
            f" <{RDF.type}> <{QB.Observation}>{graph}",
            f" <{QB.dataSet}> <{dataset}>{graph}",
            f" <{ILOKG.sdgIndicator}> <{series.indicator}>{graph}",
            f" <{ILOKG.sdgSeries}> <{series.iri}>{graph}",
        )
        quads = self.data.quads
        count = 0
        for line, cells in rows:
            where = f"{file}:{line}"
            if len(cells) != len(header):
                self.problem(f"{where}: the row has {len(cells)} cells; it needs {len(header)} ({','.join(header)})")
                continue
            problems_before = len(self.data.problems)
            value = self.value(cells[value_at], series.code, where)
            area = self.area(cells[geo_at], where)
            year = cells[year_at]
            if not YEAR.fullmatch(year):
                self.problem(f"{where}: year {year!r} must be a four-digit year such as 2019")
            codes: list[tuple[str, str]] = []
            for key, at, known in coded:
                code = cells[at]
                if code not in known:
                    shown = ", ".join(sorted(known)[:SHOWN_CODES]) + (", ..." if len(known) > SHOWN_CODES else "")
                    self.problem(f"{where}: {key} {code!r} is not in ddf--entities--{key}.csv; use one of {shown}")
                codes.append((key, code))
            if len(self.data.problems) > problems_before or value is None or area is None:
                continue
            slug = "-".join(code for key, code in codes if key in BREAKDOWNS)
            area_segment = area.country.alpha_3 if area.country else area.m49
            local = f"observation/{series.code}/{area_segment}/{year}" + (f"/{slug}" if slug else "")
            earlier = seen.get(local)
            if earlier is not None:
                self.problem(
                    f"{where}: this observation repeats line {earlier} (same area, year and breakdown); "
                    "remove one of the two rows"
                )
                continue
            seen[local] = line
            subject = f"<{self.base}{local}>"
            quads.extend(subject + tail for tail in common)
            quads.append(f"{subject} <{SDMX_DIMENSION.refArea}> <{self.area_iri(area)}>{graph}")
            quads.append(f'{subject} <{ILOKG.refYear}> "{year}"^^<{XSD.gYear}>{graph}')
            quads.append(f'{subject} <{SDMX_MEASURE.obsValue}> "{format(value, "f")}"^^<{XSD.decimal}>{graph}')
            for key, code in codes:
                prop = BREAKDOWNS.get(key) or ATTRIBUTES[key]
                quads.append(f"{subject} <{prop}> <{self.base}sdg-code/{key}/{code}>{graph}")
                self.used_codes.setdefault(key, set()).add(code)
            count += 1
        self.data.count += count

    def value(self, text: str, series: str, where: str) -> Decimal | None:
        cell = text.strip()
        if not cell:
            self.problem(f"{where}: the value of {series} is empty; write the number, or remove the row")
            return None
        try:
            value = Decimal(cell)
        except InvalidOperation:
            self.problem(
                f"{where}: the value {cell!r} of {series} is not a number; write digits with '.' for decimals (12.8)"
            )
            return None
        if not value.is_finite():
            self.problem(f"{where}: the value {cell!r} of {series} is not a finite number")
            return None
        return value

    def area(self, text: str, where: str) -> Area | None:
        code = m49_code(text) if text.isdigit() else text
        known = self.data.areas.get(code)
        if known is not None:
            return known
        name = self.data.area_names.get(code)
        if name is None:
            self.problem(
                f"{where}: geo_area {text!r} is not in {GEO_FILE}; use the UN M49 code of a country or region "
                "listed there (50 for Bangladesh, 1 for World)"
            )
            return None
        area = self.data.areas[code] = Area(code, name, self.by_m49.get(code), where)
        return area

    def area_iri(self, area: Area) -> URIRef:
        if area.country is not None:
            return self.iri(f"country/{area.country.alpha_3}")
        return self.iri(f"m49-region/{area.m49}")

    # ------------------------------------------------------------ structure and provenance

    def structure(self, breakdowns: tuple[str, ...]) -> URIRef:
        """The data structure definition of series with these breakdowns, described the first time it is asked for."""
        known = self.structures.get(breakdowns)
        if known is not None:
            return known
        dsd = self.structures[breakdowns] = self.iri("sdg-structure/" + "-".join(("area", "year", *breakdowns)))
        self.add((dsd, RDF.type, QB.DataStructureDefinition))
        components: list[tuple[str, URIRef, URIRef]] = [
            ("indicator", QB.dimension, ILOKG.sdgIndicator),
            ("series", QB.dimension, ILOKG.sdgSeries),
            ("area", QB.dimension, SDMX_DIMENSION.refArea),
            ("year", QB.dimension, ILOKG.refYear),
            *((key, QB.dimension, BREAKDOWNS[key]) for key in breakdowns),
            ("value", QB.measure, SDMX_MEASURE.obsValue),
            *((key, QB.attribute, prop) for key, prop in ATTRIBUTES.items()),
        ]
        for order, (key, role, prop) in enumerate(components, 1):
            spec = URIRef(f"{dsd}/{key}")
            self.add((dsd, QB.component, spec))
            self.add((spec, RDF.type, QB.ComponentSpecification))
            self.add((spec, role, prop))
            if role == QB.dimension:
                self.add((spec, QB.order, Literal(order)))
            if role == QB.attribute:
                self.add((spec, QB.componentRequired, Literal(True)))
        return dsd

    def describe_dataset(self, dataset: URIRef, series: Series, structure: URIRef, file: str) -> None:
        digest = hashlib.sha256((self.seeds / file).read_bytes()).hexdigest()
        for triple in (
            (dataset, RDF.type, QB.DataSet),
            (dataset, DCTERMS.title, Literal(series.title, lang="en")),
            (dataset, QB.structure, structure),
            (dataset, DCTERMS.isPartOf, self.import_iri),
            (dataset, DCTERMS.license, LICENCE),
            (dataset, ILOKG.fileName, Literal(file)),
            (dataset, ILOKG.sha256, Literal(digest)),
            (series.iri, RDF.type, SDGO.Series),
            (series.iri, SKOS.notation, Literal(series.code)),
            (series.iri, SKOS.prefLabel, Literal(series.title, lang="en")),
            (series.iri, SKOS.broader, series.indicator),
        ):
            self.add(triple)

    def describe_import(self) -> None:
        """The import as a whole (source, licence, citation), its components and the codes the observations use."""
        source_file = DATA_DIR / "SOURCE.md"
        found = CITATION.search((self.seeds / source_file).read_text(encoding="utf-8"))
        imported = self.import_iri
        if found is None:
            self.problem(f'{source_file}:1: no citation; write how to cite the data as Cite as: "..."')
        else:
            self.add((imported, DCTERMS.bibliographicCitation, Literal(fold_space(found.group(1)))))
        for triple in (
            (imported, RDF.type, VOID.Dataset),
            (imported, DCTERMS.title, Literal(TITLE, lang="en")),
            (imported, DCTERMS.publisher, Literal(PUBLISHER)),
            (imported, DCTERMS.source, SOURCE),
            (imported, DCTERMS.license, LICENCE),
            (imported, DCTERMS.issued, Literal(ISSUED, datatype=XSD.date)),
            (imported, VOID.vocabulary, URIRef(str(QB))),
        ):
            self.add(triple)
        for prop, label in SDMX_LABELS.items():
            self.add((prop, RDFS.label, Literal(label, lang="en")))
        for prop in (ILOKG.sdgIndicator, ILOKG.sdgSeries, ILOKG.refYear, SDMX_DIMENSION.refArea, *BREAKDOWNS.values()):
            self.add((prop, RDF.type, QB.DimensionProperty))
        self.add((SDMX_MEASURE.obsValue, RDF.type, QB.MeasureProperty))
        for key, prop in (*BREAKDOWNS.items(), *ATTRIBUTES.items()):
            if key not in self.used_codes:
                continue
            scheme = self.iri(f"sdg-code/{key}")
            self.add((prop, RDF.type, QB.CodedProperty))
            self.add((prop, QB.codeList, scheme))
            name = self.dimension_names.get(key, key)
            self.add((scheme, RDF.type, SKOS.ConceptScheme))
            self.add((scheme, SKOS.prefLabel, Literal(f"{name} (UN Global SDG Indicators Database)", lang="en")))
            for code in sorted(self.used_codes[key]):
                concept = self.iri(f"sdg-code/{key}/{code}")
                written = self.codes[key][code]
                self.add((concept, RDF.type, SKOS.Concept))
                self.add((concept, SKOS.inScheme, scheme))
                self.add((concept, SKOS.notation, Literal(written)))
                self.add((concept, SKOS.prefLabel, Literal(CODE_LABELS.get((key, code), written), lang="en")))
                if key == "sex" and code in SDMX_SEX:
                    self.add((concept, SKOS.exactMatch, SDMX_SEX[code]))
        for prop in ATTRIBUTES.values():
            self.add((prop, RDF.type, QB.AttributeProperty))


def read_country_data(seeds_dir: Path, ids: IdScheme, graph_iri: URIRef, series: str = "all") -> CountryData:
    """The observations of seeds/reference/sdg-country-data as triples, the areas they are about, and the problems.

    `graph_iri` is the named graph they go into; it also names the import (source, licence, citation). `series` is
    all, or the codes of the series to read, separated by commas.
    """
    return _Reader(seeds_dir, ids, graph_iri, series).read()


def add_country_data(builder: BuildContext, series: str = "all") -> CountryData:
    """Describe the import in its named graph and name every country and region of the graph.

    Runs after the curated rows, so that a country a document names keeps the document's English name and a
    country code no ISO 3166-1 country has is reported where it is used. The observations themselves are
    `data.quads`, which the build writes beside the dataset once the rest has passed the shapes.
    """
    data = read_country_data(builder.seeds, builder.ids, builder.names.sdg_country_data, series)
    builder.problems.extend(data.problems)
    cube = builder.graph(builder.names.sdg_country_data)
    reference = builder.graph(builder.names.reference)
    for triple in data.triples:
        cube.add(triple)
    countries: dict[str, str] = {}  # alpha-3 -> where it is first used
    for short_id, (_, where) in builder.used.items():
        if short_id.startswith("country:"):
            countries.setdefault(short_id.partition(":")[2], where)
    for area in data.areas.values():
        if area.country is not None:
            countries.setdefault(area.country.alpha_3, area.where)
            builder.use(f"country:{area.country.alpha_3}", area.where)
            continue
        region = builder.use(f"m49-region:{area.m49}", area.where)
        if region is not None:
            cube.add((region.iri, SKOS.prefLabel, Literal(area.name, lang="en")))
            cube.add((region.iri, ILOKG.m49Code, Literal(area.m49)))
            builder.labelled.setdefault(region.iri, area.where)
    for alpha_3, where in sorted(countries.items()):
        country = data.countries.get(alpha_3)
        if country is None:
            builder.problems.append(
                f"{where}: country:{alpha_3} is not an ISO 3166-1 alpha-3 code ({ISO_FILE} lists them); "
                "correct the code"
            )
            continue
        iri = builder.ids.resolve(f"country:{alpha_3}").iri
        reference.add((iri, ILOKG.m49Code, Literal(country.m49)))
        database_name = data.area_names.get(country.m49)
        english = builder.pref_texts.get(iri)
        if english is None:
            # No document names it: the database's name, else the ISO 3166 one.
            english = database_name or country.name
            graph = cube if database_name else reference
            graph.add((iri, SKOS.prefLabel, Literal(english, lang="en")))
            builder.labelled.setdefault(iri, where)
        others = {database_name: cube, country.name: reference, country.common_name: reference}
        for name, graph in others.items():
            if name and name != english:
                graph.add((iri, SKOS.altLabel, Literal(name, lang="en")))
        for name, language in ((country.name_fr, "fr"), (country.name_es, "es")):
            if name:
                reference.add((iri, SKOS.prefLabel, Literal(name, lang=language)))
    return data
