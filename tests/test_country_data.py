"""SDG indicator data by country, country names and French and Spanish SDG names, checked against the real files.

Expected values are read here from the files themselves (the DDF CSVs, the ISO 3166 table, the YAML texts, the
documents' text), never from what the build made of them.
"""

from __future__ import annotations

import csv
import re
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
import yaml
from conftest import ScratchBuild, SessionBuild
from test_build import append_row, edited, failed_build, replace_once
from test_cli import ilokg

from graph.build.directory import BuildResult, build
from graph.build.evidence import fold_space
from graph.build.reference import read_sdg_indicator_iris
from graph.build.seeds import BuildError
from graph.build.shapes import validate
from graph.ids import IdScheme
from graph.queries import PROLOGUE
from graph.read.catalogue import Answer, Catalogue
from graph.read.named import named_questions
from graph.read.questions import Questions, UnknownResource
from graph.read.resources import Resources
from graph.settings import Settings
from graph.store.embedded import OxigraphStore

SEEDS = Settings().seeds_dir
DATA = SEEDS / "reference" / "sdg-country-data"
ISO = SEEDS / "reference" / "iso-3166" / "countries.csv"
TRANSLATIONS = SEEDS / "reference" / "sdg" / "translations"
BROCHURE = SEEDS / "documents" / "flagships-brochure-2020.txt"


# ---------------------------------------------------------------- reading the files as they are


def csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            yield reader.line_num, row


@cache
def series_files() -> dict[str, Path]:
    """Series code (SL_TLF_CHLDEC) -> its datapoints file."""
    files = {}
    for path in sorted(DATA.glob("ddf--datapoints--*.csv")):
        files[path.name.split("--")[2].upper()] = path
    return files


@cache
def series_of_indicator() -> dict[str, list[str]]:
    """SDG indicator code -> the series codes the data has for it (ddf--concepts--continuous.csv)."""
    found: dict[str, list[str]] = defaultdict(list)
    for _, row in csv_rows(DATA / "ddf--concepts--continuous.csv"):
        if row["name"] in series_files():
            found[row["indicator"]].append(row["name"])
    return dict(found)


@cache
def entity_names(key: str) -> dict[str, str]:
    return {row[key]: row["name"] for _, row in csv_rows(DATA / f"ddf--entities--{key}.csv")}


@cache
def iso_countries() -> dict[str, dict[str, str]]:
    """ISO 3166-1 alpha-3 -> its row of the ISO table."""
    return {row["alpha_3"]: row for _, row in csv_rows(ISO)}


def m49_of(alpha_3: str) -> str:
    return iso_countries()[alpha_3]["numeric"]


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", fold_space(text))


@dataclass(frozen=True)
class FullBuild:
    """The project seeds built with the whole SDG country data (the rest of the suite builds three series)."""

    settings: Settings
    result: BuildResult
    store: OxigraphStore
    seconds: float


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> FullBuild:
    settings = Settings(data_dir=tmp_path_factory.mktemp("full"), sdg_series="all")
    started = time.perf_counter()
    result = build(settings)
    return FullBuild(settings, result, OxigraphStore.in_memory(result), time.perf_counter() - started)


@pytest.fixture(scope="module")
def store(full: FullBuild) -> OxigraphStore:
    return full.store


@pytest.fixture(scope="module")
def catalogue(full: FullBuild) -> Catalogue:
    ids = IdScheme(full.settings.base_iri, read_sdg_indicator_iris(full.settings.seeds_dir))
    return named_questions(Questions(full.store, ids))


def select(store: OxigraphStore, sparql: str) -> list[dict[str, str]]:
    return [{name: term["value"] for name, term in row.items()} for row in store.select(PROLOGUE + sparql)]


def graph_values(store: OxigraphStore, series: str, m49: str, year: str, codes: list[str]) -> list[str]:
    """The values the graph holds for one row of a series file, found by its codes as the data writes them."""
    breakdown = " ".join(f'?o ?d{i} ?c{i} . ?c{i} skos:notation "{code}" .' for i, code in enumerate(codes))
    rows = select(
        store,
        f"""SELECT ?value WHERE {{
  ?o ilokg:sdgSeries/skos:notation "{series}" ; ilokg:refYear "{year}"^^xsd:gYear ;
     sdmx-dimension:refArea/ilokg:m49Code "{m49}" ; sdmx-measure:obsValue ?value .
  {breakdown}
}}""",
    )
    return [row["value"] for row in rows]


# ---------------------------------------------------------------- values against the CSV


def sampled_rows() -> Iterator[tuple[str, int, dict[str, str]]]:
    """The first, a middle and the last row of every series file."""
    for series, path in series_files().items():
        rows = list(csv_rows(path))
        for line, row in (rows[0], rows[len(rows) // 2], rows[-1]):
            yield series, line, row


def test_values_match_the_csv_rows(store: OxigraphStore) -> None:
    checked = 0
    for series, line, row in sampled_rows():
        codes = [
            entity_names(key)[code] for key, code in row.items() if key not in ("geo_area", "year", series.lower())
        ]
        m49 = row["geo_area"].zfill(3)
        found = graph_values(store, series, m49, row["year"], codes)
        where = f"{series_files()[series].name}:{line}"
        assert len(found) == 1, f"{where}: the graph has {len(found)} observations for this row"
        assert Decimal(found[0]) == Decimal(row[series.lower()]), where
        checked += 1
    assert checked == 3 * len(series_files()) >= 60


def test_every_row_is_an_observation(store: OxigraphStore) -> None:
    expected = {series: sum(1 for _ in csv_rows(path)) for series, path in series_files().items()}
    rows = select(
        store,
        "SELECT ?code (COUNT(?o) AS ?n) WHERE { ?o a qb:Observation ; ilokg:sdgSeries/skos:notation ?code } "
        "GROUP BY ?code",
    )
    assert {row["code"]: int(row["n"]) for row in rows} == expected


def test_an_observation_carries_indicator_series_area_year_breakdown_unit_and_nature(store: OxigraphStore) -> None:
    # Pakistan, children in economic activity and household chores, 2017, ages 10-17, both sexes
    line, row = next(
        (line, row)
        for line, row in csv_rows(series_files()["SL_TLF_CHLDEC"])
        if row["geo_area"] == str(int(m49_of("PAK"))) and row["sex"] == "bothsex" and row["age"] == "10_17"
    )
    found = select(
        store,
        f"""SELECT ?indicator ?dataset ?area ?unit ?nature ?sex ?age ?value WHERE {{
  ?o ilokg:sdgSeries/skos:notation "SL_TLF_CHLDEC" ; ilokg:refYear "{row["year"]}"^^xsd:gYear ;
     sdmx-dimension:refArea ?a ; ilokg:sdgIndicator/skos:notation ?indicator ; qb:dataSet ?dataset ;
     sdmx-dimension:sex/skos:notation ?sex ; sdmx-dimension:age/skos:notation ?age ;
     sdmx-attribute:unitMeasure/skos:notation ?unit ; ilokg:valueNature/skos:notation ?nature ;
     sdmx-measure:obsValue ?value .
  ?a ilokg:isoCode ?area ; ilokg:m49Code "{m49_of("PAK")}" .
  FILTER(?age = "10-17" && ?sex = "BOTHSEX")
}}""",
    )
    assert len(found) == 1, f"line {line}"
    observation = found[0]
    assert observation["indicator"] == "8.7.1"
    assert observation["area"] == "PAK"
    assert (observation["unit"], observation["nature"]) == (
        entity_names("units")[row["units"]],
        entity_names("nature")[row["nature"]],
    )
    assert Decimal(observation["value"]) == Decimal(row["sl_tlf_chldec"])


def test_regions_are_m49_regions_named_as_the_database_names_them(store: OxigraphStore) -> None:
    geo_names = {code.zfill(3): name for code, name in entity_names("geo_area").items()}
    iso_numeric = {row["numeric"] for row in iso_countries().values()}
    used = {row["geo_area"].zfill(3) for path in series_files().values() for _, row in csv_rows(path)}
    regions = {
        row["m49"]: row["label"]
        for row in select(
            store,
            "SELECT ?m49 ?label WHERE { ?r a ilokg:M49Region ; ilokg:m49Code ?m49 ; skos:prefLabel ?label "
            'FILTER(LANG(?label) = "en") }',
        )
    }
    assert regions == {code: geo_names[code] for code in used - iso_numeric}
    assert regions["001"] == "World" and regions["202"] == "Sub-Saharan Africa"
    world = select(store, 'SELECT ?o WHERE { ?o sdmx-dimension:refArea/ilokg:m49Code "001" } LIMIT 1')
    assert world, "the World has observations"


# ---------------------------------------------------------------- countries: M49 -> ISO 3166-1 and names


def test_every_country_the_graph_holds_maps_to_its_m49_code(store: OxigraphStore) -> None:
    rows = select(
        store,
        "SELECT ?c ?iso ?m49 WHERE { ?c a ilokg:Country ; ilokg:isoCode ?iso . OPTIONAL { ?c ilokg:m49Code ?m49 } }",
    )
    assert len(rows) > 150
    held = {row["iso"]: row.get("m49") for row in rows}
    assert held == {iso: m49_of(iso) for iso in held}, "each country's M49 code is its ISO 3166-1 numeric code"
    # every country area of the data is attached to the country with that code
    data_areas = {row["geo_area"].zfill(3) for path in series_files().values() for _, row in csv_rows(path)} & {
        row["numeric"] for row in iso_countries().values()
    }
    attached = select(
        store,
        "SELECT DISTINCT ?m49 WHERE { ?o sdmx-dimension:refArea ?c . ?c a ilokg:Country ; ilokg:m49Code ?m49 }",
    )
    assert {row["m49"] for row in attached} == data_areas


def test_the_countries_the_documents_name_keep_their_names_and_match_the_iso_and_un_names(
    store: OxigraphStore,
) -> None:
    geo_names = {code.zfill(3): name for code, name in entity_names("geo_area").items()}
    rows = select(
        store,
        """SELECT ?iso ?label ?file WHERE { ?c a ilokg:Country ; ilokg:isoCode ?iso ; skos:prefLabel ?label .
             FILTER(LANG(?label) = "en")
             ?e a ilokg:Evidence ; rdf:subject ?c ; rdf:predicate skos:prefLabel ;
                dcterms:source/ilokg:fileName ?file }""",
    )
    named = {row["iso"]: row["label"] for row in rows}
    assert len(named) >= 40
    for row in rows:  # the name is the one a document gives, in its words
        assert row["label"] in fold_space((SEEDS / row["file"]).read_text(encoding="utf-8")), row
    for iso, label in named.items():
        entry = iso_countries()[iso]
        # a wrong M49 -> ISO join would pair names that share no word
        iso_words = words(f"{entry['name']} {entry['common_name']}")
        assert words(label) & iso_words, f"{iso}: the document's {label!r} and ISO's {entry['name']!r}"
        un_name = geo_names[entry["numeric"]]
        assert words(un_name) & iso_words, f"{iso}: the database's {un_name!r} and ISO's {entry['name']!r}"


def test_countries_have_french_and_spanish_names_from_the_iso_table(store: OxigraphStore) -> None:
    rows = select(
        store,
        "SELECT ?iso ?label (LANG(?label) AS ?lang) WHERE { ?c a ilokg:Country ; ilokg:isoCode ?iso ; "
        'skos:prefLabel ?label FILTER(LANG(?label) != "en") }',
    )
    names = {(row["iso"], row["lang"]): row["label"] for row in rows}
    for iso in {row["iso"] for row in rows}:
        entry = iso_countries()[iso]
        assert names.get((iso, "fr")) == (entry["name_fr"] or None)
        assert names.get((iso, "es")) == (entry["name_es"] or None)
    assert names[("BGD", "es")] == iso_countries()["BGD"]["name_es"] != "Bangladesh"


def test_a_country_only_the_data_names_gets_the_database_name_and_the_iso_names(store: OxigraphStore) -> None:
    france = select(
        store,
        'SELECT ?label (LANG(?label) AS ?lang) ?p WHERE { ?c ilokg:isoCode "FRA" ; ?p ?label '
        "FILTER(?p IN (skos:prefLabel, skos:altLabel)) }",
    )
    names = {(row["p"].rsplit("#", 1)[1], row["lang"]): row["label"] for row in france}
    assert names[("prefLabel", "en")] == entity_names("geo_area")[str(int(m49_of("FRA")))]
    assert names[("prefLabel", "fr")] == iso_countries()["FRA"]["name_fr"]


# ---------------------------------------------------------------- the question: countries of a flagship


def brochure_countries(before: str, after: str) -> list[str]:
    """The country names the brochure lists between two phrases (split on commas and 'and')."""
    text = fold_space(BROCHURE.read_text(encoding="utf-8"))
    listed = text.split(before, 1)[1].split(after, 1)[0]
    return [name.strip() for name in re.split(r",|\band\b", listed) if name.strip()]


def expected_latest(m49: str, series: str) -> tuple[int, Decimal] | None:
    """From the CSV: a series' latest year in a country, and its value there for both sexes (when the series has
    them) and the widest age group."""
    rows = [row for _, row in csv_rows(series_files()[series]) if row["geo_area"] == str(int(m49))]
    if not rows:
        return None
    year = max(row["year"] for row in rows)

    def whole_first(row: dict[str, str]) -> tuple[bool, int, float]:
        low, _, high = row.get("age", "0").partition("_")  # a series without ages covers every age
        return (row.get("sex", "bothsex") != "bothsex", int(low), -float(high) if high else -float("inf"))

    best = min((row for row in rows if row["year"] == year), key=whole_first)
    return int(year), Decimal(best[series.lower()])


def rows_by_country(answer: Answer) -> dict[str, list[dict[str, object]]]:
    found: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in answer.rows:
        country = row["country"]
        assert country.id is not None
        found[country.id].append(row)
    return dict(found)


def test_ipec_plus_countries_with_their_latest_child_labour_values(catalogue: Catalogue) -> None:
    answer = catalogue.answer("countries-of-flagship", {"flagship": "IPEC+", "indicator": "8.7.1"})
    assert answer.things["indicator"].id == "sdg:8.7.1"
    by_country = rows_by_country(answer)
    labels = {rows[0]["country"].label for rows in by_country.values()}
    assert set(brochure_countries("protect children from exploitation in", ", with the support")) <= labels
    for country, rows in by_country.items():
        m49 = m49_of(country.partition(":")[2])
        for row in rows:
            assert row["strength"] == "stated" and row["evidence"]
            assert all(row["country"].label in step.evidence.quote for step in row["evidence"])
            assert row["m49"] == m49
        expected = {
            series: found
            for series in series_of_indicator()["8.7.1"]
            if (found := expected_latest(m49, series)) is not None
        }
        got = {row["series"]: (int(str(row["year"])), Decimal(str(row["value"]))) for row in rows if row["series"]}
        assert got == expected, country
        assert all(row["series"] is None for row in rows) == (not expected)
    pakistan = by_country["country:PAK"]
    assert {row["series"] for row in pakistan} == set(series_of_indicator()["8.7.1"])
    assert all("both sexes" in str(row["breakdown"]) and row["unit"] == "percent" for row in pakistan)
    assert any("Global SDG Indicators Database" in note and "CC BY 4.0" in note for note in answer.notes)


@pytest.mark.parametrize(
    ("flagship", "indicator", "says"),
    [
        ("no-such-flagship", "8.7.1", "names no flagship programme"),
        ("ipec-plus", "8.99.1", "there is no SDG indicator 8.99.1"),
        ("ipec-plus", "8.7", "is not an SDG indicator code"),
        ("ipec-plus", "8.7.1> } SELECT * { ?s ?p ?o", "is not an SDG indicator code"),
        ("ipec-plus> ?p ?o } #", "8.7.1", "names no flagship programme"),
    ],
)
def test_bad_input_is_refused_saying_what_to_write(
    catalogue: Catalogue, flagship: str, indicator: str, says: str
) -> None:
    with pytest.raises(UnknownResource) as refused:
        catalogue.answer("countries-of-flagship", {"flagship": flagship, "indicator": indicator})
    assert says in str(refused.value)


def test_the_command_line_answers(session_build: SessionBuild) -> None:
    # The session's build imports both series of 8.7.1: a process loads it in a second, the whole import in four.
    chosen = session_build.settings.sdg_series
    assert chosen == "all" or {"SL_TLF_CHLDEA", "SL_TLF_CHLDEC"} <= set(chosen.split(","))
    done = ilokg(session_build.settings, "ask", "countries-of-flagship", "ipec-plus", "8.7.1")
    assert done.returncode == 0, done.stderr
    year, value = expected_latest(m49_of("PAK"), "SL_TLF_CHLDEC") or (0, Decimal(0))
    pakistan = [
        line for line in done.stdout.splitlines() if line.startswith(f"  Pakistan (country:PAK) · M49: {m49_of('PAK')}")
    ]
    title = next(
        row["description"]
        for _, row in csv_rows(DATA / "ddf--concepts--continuous.csv")
        if row["name"] == "SL_TLF_CHLDEC"
    )
    line = next(line for line in pakistan if "SL_TLF_CHLDEC" in line)
    assert f"What it measures: {fold_space(title)}" in line
    assert f"Year: {year} · Value {value} · Unit: percent" in line
    assert "CC BY 4.0" in done.stdout
    refused = ilokg(session_build.settings, "ask", "countries-of-flagship", "ipec-plus", "8.99.1")
    assert refused.returncode == 2
    assert refused.stderr.startswith("ilokg: ") and "there is no SDG indicator 8.99.1" in refused.stderr


# ---------------------------------------------------------------- French and Spanish SDG names


@cache
def yaml_texts(language: str, level: str) -> dict[str, str]:
    loaded = yaml.safe_load((TRANSLATIONS / f"{language}-global_{level}.yml").read_text(encoding="utf-8"))
    return {key: nfc(text) for key, text in loaded.items()}


@pytest.mark.parametrize("language", ["fr", "es"])
def test_sdg_names_in_french_and_spanish_are_the_current_texts(store: OxigraphStore, language: str) -> None:
    labels = {
        row["s"]: row["label"]
        for row in select(
            store,
            f"""SELECT ?s ?label WHERE {{ ?s a ?kind ; skos:prefLabel ?label .
                 FILTER(?kind IN (sdgo:Goal, sdgo:Target, sdgo:Indicator) && LANG(?label) = "{language}") }}""",
        )
    }
    checked = 0
    for level in ("goals", "targets", "indicators"):
        texts = yaml_texts(language, level)
        first_code: dict[str, str] = {}  # a repeated indicator (1.5.1 = 11.5.1 = 13.1.1) is named by its first row
        for _, row in csv_rows(SEEDS / "reference" / "sdg" / f"{level}.csv"):
            first_code.setdefault(row["uri"], row["code"])
        for iri, code in first_code.items():
            key = code.replace(".", "-") + "-title"
            if key in texts:
                assert labels[iri] == texts[key], code
                checked += 1
    assert checked > 400


def test_english_names_stay_as_the_reference_files_give_them(store: OxigraphStore, catalogue: Catalogue) -> None:
    titles = {row["uri"]: row["title"] for _, row in csv_rows(SEEDS / "reference" / "sdg" / "targets.csv")}
    assert catalogue.questions.labels(set(titles)) == titles
    resources = Resources(catalogue.questions)
    target = resources.describe("http://metadata.un.org/sdg/8.7")
    assert target.names.pref_label == titles["http://metadata.un.org/sdg/8.7"]
    names = target.links("http://www.w3.org/2004/02/skos/core#prefLabel")
    assert {link.value.language for link in names if link.value} == {"en", "fr", "es"}


def test_the_kos_wording_is_kept_where_it_differs(store: OxigraphStore) -> None:
    kos = (SEEDS / "reference" / "sdg" / "sdg-kos-goals-targets-indicators.ttl").read_text(encoding="utf-8")
    rows = select(
        store,
        """SELECT ?s ?alt ?pref WHERE { ?s a sdgo:Indicator ; skos:altLabel ?alt ; skos:prefLabel ?pref .
             FILTER(LANG(?alt) = "fr" && LANG(?pref) = "fr") }""",
    )
    assert rows
    for row in rows:
        assert row["alt"] != row["pref"]
        assert nfc(row["alt"]) in nfc(kos.replace('"', " "))


# ---------------------------------------------------------------- the import: source, licence, citation, VoID


def test_the_import_says_its_source_licence_and_citation(store: OxigraphStore, full: FullBuild) -> None:
    citation = re.search(r'Cite as:\s*"([^"]+)"', (DATA / "SOURCE.md").read_text(encoding="utf-8"))
    assert citation is not None
    base = full.settings.base_iri
    rows = select(
        store,
        f"""SELECT ?licence ?citation ?source ?issued ?count WHERE {{
  GRAPH <{base}graph/sdg-country-data> {{
    <{base}graph/sdg-country-data> dcterms:license ?licence ; dcterms:bibliographicCitation ?citation ;
        dcterms:source ?source ; dcterms:issued ?issued }}
  GRAPH <{base}graph/meta> {{ <{base}dataset> void:subset <{base}graph/sdg-country-data> .
    <{base}graph/sdg-country-data> void:triples ?count }}
}}""",
    )
    assert len(rows) == 1
    assert rows[0]["licence"] == "https://creativecommons.org/licenses/by/4.0/"
    assert rows[0]["citation"] == fold_space(citation.group(1))
    triples = full.result.manifest["graphs"]
    assert isinstance(triples, dict) and int(rows[0]["count"]) == triples[f"{base}graph/sdg-country-data"]
    datasets = select(store, "SELECT ?d WHERE { ?d a qb:DataSet ; qb:structure/a qb:DataStructureDefinition }")
    assert len(datasets) == len(series_files())


def test_the_observation_shape_accepts_the_data_and_refuses_a_broken_observation(session_build: SessionBuild) -> None:
    """The build checks observations as it reads them; the qb:Observation shape states the same for any copy (here
    the session's build, which imports SL_TLF_CHLDEC among its series: rdflib parses it many times faster)."""
    from rdflib import Dataset, Literal, URIRef

    from ontology.namespaces import QB, RDF, SDMX_MEASURE

    base = session_build.settings.base_iri
    keep = f"<{base}observation/SL_TLF_CHLDEC/"
    lines = [
        line
        for line in session_build.result.dataset_file.read_text(encoding="utf-8").splitlines()
        if not line.startswith(f"<{base}observation/") or line.startswith(keep)
    ]
    dataset = Dataset()
    dataset.parse(data="\n".join(lines), format="nquads")
    cube = dataset.graph(URIRef(f"{base}graph/sdg-country-data"))
    broken = URIRef(f"{base}observation/SL_TLF_CHLDEC/PAK/2017/10_17-bothsex")
    cube.remove((broken, SDMX_MEASURE.obsValue, None))
    cube.add((broken, SDMX_MEASURE.obsValue, Literal("twelve")))
    # the only problem is the broken value: the rest, some 250 observations among them, conforms
    problems = validate(dataset)
    assert len(problems) == 1 and "obsValue" in problems[0] and "SL_TLF_CHLDEC/PAK/2017" in problems[0]
    assert sum(1 for _ in cube.subjects(RDF.type, QB.Observation)) == sum(
        1 for _ in csv_rows(series_files()["SL_TLF_CHLDEC"])
    )


# ---------------------------------------------------------------- malformed rows fail the build


def test_malformed_rows_fail_the_build_naming_file_and_line(scratch_build: ScratchBuild) -> None:
    name = next(p.name for p in series_files().values() if "sl_tlf_chldec" in p.name)
    path = scratch_build.settings.seeds_dir / "reference" / "sdg-country-data" / name
    first = next(csv_rows(path))[1]
    header = list(first)
    good = dict(first)

    def row(**changes: str) -> str:
        return ",".join({**good, **changes}[column] for column in header)

    rows = [
        row(sl_tlf_chldec=""),
        row(sl_tlf_chldec="n/a", year="2001"),
        row(geo_area="999", year="2002"),
        row(year="20x9"),
        row(sex="both", year="2003"),
        row(),
    ]
    with edited(path, append_row("\n".join(rows))):
        total = len(path.read_text(encoding="utf-8").splitlines())
        error = failed_build(scratch_build)
    file = f"reference/sdg-country-data/{name}"
    start = total - len(rows) + 1
    assert error.problems == [
        f"{file}:{start}: the value of SL_TLF_CHLDEC is empty; write the number, or remove the row",
        f"{file}:{start + 1}: the value 'n/a' of SL_TLF_CHLDEC is not a number; write digits with '.' for "
        "decimals (12.8)",
        f"{file}:{start + 2}: geo_area '999' is not in ddf--entities--geo_area.csv; use the UN M49 code of a "
        "country or region listed there (50 for Bangladesh, 1 for World)",
        f"{file}:{start + 3}: year '20x9' must be a four-digit year such as 2019",
        f"{file}:{start + 4}: sex 'both' is not in ddf--entities--sex.csv; use one of bothsex, female, male, "
        "notspec, u, x",
        f"{file}:{start + 5}: this observation repeats line 2 (same area, year and breakdown); "
        "remove one of the two rows",
    ]


def test_a_wrong_header_fails_on_line_1(scratch_build: ScratchBuild) -> None:
    name = series_files()["SL_TLF_CHLDEA"].name
    path = scratch_build.settings.seeds_dir / "reference" / "sdg-country-data" / name
    with edited(path, replace_once("age,geo_area,", "age,area,")):
        error = failed_build(scratch_build)
    assert len(error.problems) == 1
    assert error.problems[0].startswith(f"reference/sdg-country-data/{name}:1: the header is age,area,")


def test_a_country_code_iso_3166_does_not_have_fails_where_it_is_used(scratch_build: ScratchBuild) -> None:
    path = scratch_build.settings.seeds_dir / "curated" / "links" / "brochure-2020.csv"
    rows = [
        "country:XKX,prefLabel,Kosovo,brochure-2020,957,Burkina Faso,a code ISO 3166-1 does not give",
        "flagship:ipec-plus,operatesIn,country:XKX,brochure-2020,956,This four-year project works in Burkina Faso,",
    ]
    with edited(path, append_row("\n".join(rows))):
        total = len(path.read_text(encoding="utf-8").splitlines())
        error = failed_build(scratch_build)
    assert error.problems == [
        f"curated/links/brochure-2020.csv:{total - 1}: country:XKX is not an ISO 3166-1 alpha-3 code "
        "(reference/iso-3166/countries.csv lists them); correct the code"
    ]


def test_a_citation_missing_from_source_md_fails(scratch_build: ScratchBuild) -> None:
    path = scratch_build.settings.seeds_dir / "reference" / "sdg-country-data" / "SOURCE.md"
    with edited(path, replace_once("Cite as:", "Cite it as you like:")):
        error = failed_build(scratch_build)
    assert error.problems == [
        'reference/sdg-country-data/SOURCE.md:1: no citation; write how to cite the data as Cite as: "..."'
    ]


def test_the_whole_import_and_its_build_time_are_reported(full: FullBuild, capsys: pytest.CaptureFixture[str]) -> None:
    graphs = full.result.manifest["graphs"]
    assert isinstance(graphs, dict)
    observations = graphs[f"{full.settings.base_iri}graph/sdg-country-data"]
    with capsys.disabled():
        print(
            f"\nbuild of the seeds with the whole SDG country data: {full.seconds:.2f} s, "
            f"{full.result.manifest['triples']} triples, {observations} in graph/sdg-country-data"
        )
    rows = sum(1 for path in series_files().values() for _ in csv_rows(path))
    assert observations > 10 * rows


def test_a_build_can_import_some_series_only(session_build: SessionBuild, scratch_build: ScratchBuild) -> None:
    """ILOKG_SDG_SERIES chooses the series: the suite's own builds import three (see conftest.py)."""
    store = OxigraphStore.in_memory(session_build.result)
    held = select(store, "SELECT DISTINCT ?code WHERE { ?o a qb:Observation ; ilokg:sdgSeries/skos:notation ?code }")
    chosen = set(session_build.settings.sdg_series.split(","))
    assert {row["code"] for row in held} == chosen < set(series_files())
    settings = scratch_build.settings.model_copy(update={"sdg_series": "SL_TLF_CHLDEC,SL_NO_SUCH"})
    with pytest.raises(BuildError) as caught:
        build(settings)
    assert caught.value.problems == [
        "ILOKG_SDG_SERIES names SL_NO_SUCH, which reference/sdg-country-data has no file for; write all or codes "
        "among " + ", ".join(sorted(series_files()))
    ]


@pytest.mark.parametrize(("path", "m49"), [("/id/country/BGD", m49_of("BGD")), ("/id/m49-region/001", "001")])
def test_a_countrys_page_gives_the_latest_value_of_each_series(
    live_server: str, session_build: SessionBuild, path: str, m49: str
) -> None:
    """The page of a country, or of a region (the World), lists its SDG indicator data: each series' latest value
    there, as the CSV has it."""
    import httpx

    page = httpx.get(f"{live_server}{path}", headers={"Accept": "text/html"}, timeout=30).text
    section = page.split('<h2 id="sdg-data">', 1)[1].split("</main>", 1)[0]  # the data section is the last
    chosen = session_build.settings.sdg_series
    held = set(series_files()) if chosen == "all" else set(chosen.split(","))
    checked = 0
    for series in sorted(held):
        expected = expected_latest(m49, series)
        row = re.search(rf'<tr data-series="{series}">(.*?)<td>(?:(?!</td>).)*<svg', section, re.S)
        if expected is None:
            assert row is None, series
            continue
        assert row is not None, series
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
        value = re.sub(r"<[^>]+>", "", cells[0]).replace(",", "")
        assert Decimal(value) == expected[1] and cells[1] == str(expected[0]), series
        checked += 1
    assert checked >= 1 and "Global SDG Indicators Database" in section
