"""Grow the seed graph with synthetic, clearly marked data to a chosen size, for benchmarks.

The synthetic part follows the same ontology and the same rules as the real build:
- fictional bienniums (2050–51 to 2098–99), each with policy outcomes, outputs (outputOf,
  reportsOn an SDG indicator, promotesStandard, partner, measuredBy), indicators and
  indicator values (baseline, target, result, by region and by part);
- synthetic programmes (ilokg:FlagshipProgramme "Synthetic programme 0001", ...) with
  principal standards, outputs they contribute to, SDG targets they serve, partners and
  countries (ISO 3166 user-assigned codes XAA–XZZ, QMA–QZZ, so none is a real country);
- every stated link carries an Evidence node whose quote is a line of a synthetic source
  document; the generator writes those documents' text next to the dataset, so the build's
  evidence invariant (each quote is found verbatim at its line) still holds and can be checked;
- the links that follow by rule are derived by the build's own rules (graph.derive) over the
  seed's and the synthetic statements together, so synthetic premises can reach real
  flagships too, as new curated rows would.

Everything synthetic sits in one named graph, {base}graph/synthetic, described there as
generated data, and every label says "synthetic", so nobody mistakes it for ILO data.
The output is laid out like a build directory (builds/<id>/dataset.nq + manifest.json and a
`current` link), so `ILOKG_DATA_DIR=<out> ilokg serve --store ...` serves it unchanged.
Deterministic: the same seed build, size and --seed give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox
from rdflib import Literal, URIRef

from graph.build.derive import Derivation, Statement, derive
from graph.build.directory import (
    CURRENT_LINK,
    DATASET_FILE,
    DEFAULT_GRAPH_IS_MERGE,
    MANIFEST_FILE,
    BuildResult,
    current_build,
)
from graph.build.exports import write_exports
from graph.build.reference import read_sdg_indicator_iris
from graph.ids import REGIONS, IdScheme
from graph.settings import Settings, get_settings
from ontology.namespaces import DCTERMS, ILOKG, PROV, RDF, SKOS, VOID, XSD

GENERATOR_VERSION = "3"
SYNTHETIC_GRAPH = "graph/synthetic"
DOCUMENTS_DIR = "documents"
REGISTER_KEY = "synthetic-programme-register"
BIENNIUMS = tuple(f"{year}-{(year + 1) % 100:02d}" for year in range(2050, 2100, 2))
COUNTRY_CODES = tuple(f"X{a}{b}" for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ") + tuple(
    f"Q{a}{b}" for a in "MNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
)
VALUE_PARTS = ("women", "men", "youth", "rural", "urban", "informal economy")
# Predicates the derivation rules read; only these statements are kept in memory for derive().
RULE_PREDICATES = frozenset(
    str(p)
    for p in (
        ILOKG.servesTarget,
        ILOKG.servesTargetRange,
        ILOKG.servesIndicator,
        ILOKG.reportsOn,
        ILOKG.contributesToOutput,
        ILOKG.promotesStandard,
        ILOKG.principalStandard,
        SKOS.broader,
    )
)
SIZE_SUFFIXES = {"k": 1_000, "m": 1_000_000}


def parse_size(text: str) -> int:
    """`100k`, `1M`, `5m` or `250000` -> a triple count."""
    value = text.strip().lower().replace("_", "")
    factor = SIZE_SUFFIXES.get(value[-1:], 1)
    number = value[:-1] if value[-1:] in SIZE_SUFFIXES else value
    try:
        count = int(float(number) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"size {text!r} must be a number of triples such as 100k, 1M or 250000"
        ) from None
    if count <= 0:
        raise argparse.ArgumentTypeError(f"size {text!r} must be positive")
    return count


def size_label(count: int) -> str:
    """250000 -> `250k`, 1000000 -> `1M`."""
    if count >= 1_000_000 and count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    if count >= 1_000 and count % 1_000 == 0:
        return f"{count // 1_000}k"
    return str(count)


# ---------------------------------------------------------------- N-Quads terms


def iri(value: str) -> str:
    return f"<{value}>"


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def text_en(text: str) -> str:
    return f'"{_escape(text)}"@en'


def plain(text: str) -> str:
    return f'"{_escape(text)}"'


def typed(text: str, datatype: URIRef) -> str:
    return f'"{_escape(text)}"^^<{datatype}>'


def _rdflib_term(term: str) -> URIRef | Literal:
    """An N-Quads term written here back as an rdflib term (only IRIs and plain literals reach the rules)."""
    if term.startswith("<"):
        return URIRef(term[1:-1])
    return Literal(term[1:-1].replace('\\"', '"').replace("\\\\", "\\"))


# ---------------------------------------------------------------- what the seed holds


@dataclass
class SeedFacts:
    """What the generator reads from the seed build to link synthetic data into it."""

    triples: int
    instruments: list[str]
    promoted_instruments: list[str]
    principal_instruments: list[str]
    sdg_indicators: list[str]
    reported_indicators: list[str]
    served_targets: list[str]
    rule_statements: list[Statement]
    derivations: set[str]


def read_seed(build: BuildResult) -> SeedFacts:
    store = ox.Store()
    store.bulk_load(path=str(build.dataset_file), format=ox.RdfFormat.N_QUADS)

    def column(sparql: str) -> list[str]:
        rows = store.query(
            "PREFIX ilokg: <https://w3id.org/ilokg/ontology#>\nPREFIX sdgo: <http://metadata.un.org/sdg/ontology#>\n"
            + sparql,
            use_default_graph_as_union=True,
        )
        assert isinstance(rows, ox.QuerySolutions)
        return sorted({row[0].value for row in rows if row[0] is not None})

    statements: list[Statement] = []
    rows = store.query(
        "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\nPREFIX ilokg: <https://w3id.org/ilokg/ontology#>\n"
        "SELECT ?e ?s ?p ?o WHERE { ?e a ilokg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o }",
        use_default_graph_as_union=True,
    )
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        e, s, p, o = (row[i] for i in range(4))
        if p is None or p.value not in RULE_PREDICATES or s is None or e is None or o is None:
            continue
        obj: URIRef | Literal = URIRef(o.value) if isinstance(o, ox.NamedNode) else Literal(o.value)
        statements.append(Statement((URIRef(s.value), URIRef(p.value), obj), URIRef(e.value), "seed"))
    statements.sort(key=lambda st: str(st.evidence))
    return SeedFacts(
        triples=len(store),
        instruments=column("SELECT ?i WHERE { ?i ilokg:instrumentNumber ?n }"),
        promoted_instruments=column("SELECT ?i WHERE { ?x ilokg:promotesStandard ?i }"),
        principal_instruments=column("SELECT ?i WHERE { ?x ilokg:principalStandard ?i }"),
        sdg_indicators=column("SELECT ?i WHERE { ?i a sdgo:Indicator }"),
        reported_indicators=column("SELECT ?i WHERE { ?x ilokg:reportsOn ?i }"),
        served_targets=column("SELECT ?t WHERE { ?f a ilokg:FlagshipProgramme ; ilokg:servesTarget ?t }"),
        rule_statements=statements,
        derivations=set(column("SELECT ?d WHERE { ?d a ilokg:Derivation }")),
    )


# ---------------------------------------------------------------- writing


@dataclass
class SyntheticDocument:
    """A synthetic source document: one line per statement it makes."""

    key: str
    title: str
    lines: list[str] = field(default_factory=list)

    def add(self, text: str) -> int:
        self.lines.append(text)
        return len(self.lines)

    @property
    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


class _Generator:
    def __init__(self, settings: Settings, seed: SeedFacts, out: TextIO, rng: random.Random) -> None:
        self.base = settings.base_iri
        self.ids = IdScheme(settings.base_iri, read_sdg_indicator_iris(settings.seeds_dir))
        self.seed = seed
        self.out = out
        self.rng = rng
        self.graph = iri(self.base + SYNTHETIC_GRAPH)
        self.written = 0
        self.known: set[str] = set()
        self.rule_statements: list[Statement] = []
        self.stated_rule_triples: set[tuple[str, str, str]] = set()
        self.documents: dict[str, SyntheticDocument] = {}
        self.register = self.document(REGISTER_KEY, "Synthetic programme register (generated for benchmarks)")
        self.outputs: list[str] = []  # short ids of synthetic outputs, in creation order
        self.indicators: list[str] = []
        self.units = 0
        self.programmes = 0
        self.organizations = 0
        self.countries = 0

    # ------------------------------------------------------------ low level

    def quad(self, s: str, p: str, o: str) -> None:
        self.out.write(f"{s} {p} {o} {self.graph} .\n")
        self.written += 1

    def ref(self, short_id: str) -> str:
        return iri(str(self.ids.resolve(short_id).iri))

    def document(self, key: str, title: str) -> SyntheticDocument:
        if key not in self.documents:
            self.documents[key] = SyntheticDocument(key, title)
        return self.documents[key]

    def identity(self, short_id: str) -> str:
        """Type and short id of a synthetic thing, written once, as the build's identity graph does."""
        resolved = self.ids.resolve(short_id)
        node = iri(str(resolved.iri))
        if short_id not in self.known:
            self.known.add(short_id)
            self.quad(node, iri(str(RDF.type)), iri(str(resolved.rdf_class)))
            self.quad(node, iri(str(ILOKG.shortId)), plain(short_id))
            prefix, _, local = short_id.partition(":")
            if prefix == "country":
                self.quad(node, iri(str(ILOKG.isoCode)), plain(local))
            if "/" in local and prefix in ("outcome", "output", "indicator"):
                self.quad(node, iri(str(ILOKG.inBiennium)), self.biennium(local.partition("/")[0]))
        return node

    def biennium(self, code: str) -> str:
        short_id = f"biennium:{code}"
        node = self.ref(short_id)
        if short_id not in self.known:
            self.known.add(short_id)
            self.quad(node, iri(str(RDF.type)), iri(str(ILOKG.Biennium)))
            self.quad(node, iri(str(ILOKG.shortId)), plain(short_id))
            self.quad(node, iri(str(SKOS.prefLabel)), text_en(code.replace("-", "–") + " (synthetic)"))
        return node

    def state(self, s: str, p: URIRef, o: str, document: SyntheticDocument, line: int) -> None:
        """A stated triple and its Evidence node, quoting line `line` of `document`."""
        predicate = iri(str(p))
        digest = hashlib.sha256(f"{s} {predicate} {o} {line}".encode()).hexdigest()[:16]
        evidence = self.ref(f"evidence:{document.key}/{digest}")
        self.quad(s, predicate, o)
        self.quad(evidence, iri(str(RDF.type)), iri(str(ILOKG.Evidence)))
        self.quad(evidence, iri(str(RDF.subject)), s)
        self.quad(evidence, iri(str(RDF.predicate)), predicate)
        self.quad(evidence, iri(str(RDF.object)), o)
        self.quad(evidence, iri(str(DCTERMS.source)), self.ref(f"document:{document.key}"))
        self.quad(evidence, iri(str(ILOKG.line)), typed(str(line), XSD.integer))
        self.quad(evidence, iri(str(ILOKG.quote)), plain(document.lines[line - 1]))
        if str(p) in RULE_PREDICATES:
            self.stated_rule_triples.add((s, predicate, o))
            triple = (URIRef(s[1:-1]), URIRef(str(p)), _rdflib_term(o))
            self.rule_statements.append(Statement(triple, URIRef(evidence[1:-1]), document.key))

    def named(self, short_id: str, label: str, document: SyntheticDocument) -> str:
        node = self.identity(short_id)
        line = document.add(f"{label} ({short_id}).")
        self.state(node, SKOS.prefLabel, text_en(label), document, line)
        return node

    # ------------------------------------------------------------ things

    def organization(self) -> str:
        # The pool of partners grows with the graph: new partners appear, old ones recur.
        pool = 8 + self.units // 2
        number = self.rng.randrange(pool) + 1
        short_id = f"organization:synthetic-partner-{number:05d}"
        if short_id not in self.known:
            self.organizations += 1
            return self.named(short_id, f"Synthetic partner organization {number:05d}", self.register)
        return self.ref(short_id)

    def country(self) -> str:
        code = COUNTRY_CODES[self.rng.randrange(min(len(COUNTRY_CODES), 20 + self.units))]
        short_id = f"country:{code}"
        if short_id not in self.known:
            self.countries += 1
            return self.named(short_id, f"Synthetic country {code}", self.register)
        return self.ref(short_id)

    def sdg_indicator(self) -> str:
        pool = self.seed.reported_indicators if self.rng.random() < 0.6 else self.seed.sdg_indicators
        return iri(self.rng.choice(pool))

    def instrument(self, preferred: list[str]) -> str:
        pool = preferred if preferred and self.rng.random() < 0.5 else self.seed.instruments
        return iri(self.rng.choice(pool))

    def unit(self) -> None:
        """One policy outcome of a synthetic biennium, with its outputs, indicators and values."""
        biennium = BIENNIUMS[self.units % len(BIENNIUMS)]
        number = self.units // len(BIENNIUMS) + 1
        self.units += 1
        document = self.document(
            f"synthetic-report-{biennium}",
            f"Synthetic programme implementation report {biennium} (generated for benchmarks, not an ILO document)",
        )
        self.biennium(biennium)
        outcome = self.named(
            f"outcome:{biennium}/{number}", f"Synthetic policy outcome {number} of {biennium}", document
        )
        for j in range(1, self.rng.randint(3, 6) + 1):
            code = f"{biennium}/{number}.{j}"
            output = self.named(f"output:{code}", f"Synthetic output {code}", document)
            self.outputs.append(f"output:{code}")
            line = document.add(f"Output {code} is an output of outcome {biennium}/{number}.")
            self.state(output, ILOKG.outputOf, outcome, document, line)
            for indicator in self.distinct(self.rng.randint(1, 2), self.sdg_indicator):
                line = document.add(f"Output {code} reports on SDG indicator {indicator}.")
                self.state(output, ILOKG.reportsOn, indicator, document, line)
            if self.rng.random() < 0.7:
                standard = self.instrument(self.seed.promoted_instruments)
                line = document.add(f"Output {code} promotes the standard {standard}.")
                self.state(output, ILOKG.promotesStandard, standard, document, line)
            if self.rng.random() < 0.5:
                partner = self.organization()
                line = document.add(f"Output {code} works with {partner}.")
                self.state(output, ILOKG.partner, partner, document, line)
            for i in range(1, self.rng.randint(2, 4) + 1):
                self.indicator(f"{code}.{i}", output, document)

    def indicator(self, code: str, output: str, document: SyntheticDocument) -> None:
        short_id = f"indicator:{code}"
        node = self.named(short_id, f"Synthetic indicator {code}", document)
        self.indicators.append(short_id)
        line = document.add(f"Output {code.rpartition('.')[0]} is measured by indicator {code}.")
        self.state(output, ILOKG.measuredBy, node, document, line)
        regions = ["total", *REGIONS]
        for kind in ("baseline", "target", "result"):
            for region in self.rng.sample(regions, self.rng.randint(1, 4)):
                self.value(short_id, kind, region, None, document)

    def value(self, indicator: str, kind: str, region: str, part: str | None, document: SyntheticDocument) -> None:
        local = indicator.partition(":")[2]
        value_id = f"indicator-value:{local}/{kind}/{region}" + (f"/{part.replace(' ', '-')}" if part else "")
        if value_id in self.known:
            return
        node = self.identity(value_id)
        amount = self.rng.randint(1, 400)
        text = f"{amount} member States (synthetic)"
        where = "in total" if region == "total" else f"in region {region}"
        line = document.add(f"Indicator {local}, {kind} {where}" + (f", {part}" if part else "") + f": {text}.")
        self.state(self.ref(indicator), ILOKG.indicatorValue, node, document, line)
        self.state(node, ILOKG.valueKind, plain(kind), document, line)
        self.state(node, ILOKG.amount, typed(str(amount), XSD.decimal), document, line)
        self.state(node, ILOKG.valueText, plain(text), document, line)
        if region != "total":
            self.state(node, ILOKG.region, self.ref(f"region:{region}"), document, line)
        if part:
            self.state(node, ILOKG.valuePart, plain(part), document, line)

    def distinct(self, count: int, pick: Callable[[], str]) -> list[str]:
        """Up to `count` different picks (a repeated pick is dropped, as a curator would not state it twice)."""
        return list(dict.fromkeys(pick() for _ in range(count)))

    def programme(self) -> None:
        self.programmes += 1
        number = self.programmes
        short_id = f"flagship:synthetic-programme-{number:04d}"
        document = self.register
        node = self.named(short_id, f"Synthetic programme {number:04d}", document)
        name = f"Programme {number:04d}"
        for standard in self.distinct(self.rng.randint(1, 2), lambda: self.instrument(self.seed.principal_instruments)):
            self.state(node, ILOKG.principalStandard, standard, document, document.add(f"{name} rests on {standard}."))
        recent = self.outputs[-40:]
        for output in self.rng.sample(recent, min(len(recent), self.rng.randint(2, 5))):
            line = document.add(f"{name} contributes to {output}.")
            self.state(node, ILOKG.contributesToOutput, self.ref(output), document, line)
        for target in self.rng.sample(self.seed.served_targets, self.rng.randint(1, 3)):
            self.state(
                node, ILOKG.servesTarget, iri(target), document, document.add(f"{name} serves SDG target {target}.")
            )
        for partner in self.distinct(self.rng.randint(1, 3), self.organization):
            self.state(node, ILOKG.partner, partner, document, document.add(f"{name} works with {partner}."))
        for country in self.distinct(self.rng.randint(2, 8), self.country):
            self.state(node, ILOKG.operatesIn, country, document, document.add(f"{name} operates in {country}."))

    def fill(self, budget: int) -> None:
        """Disaggregated indicator values (by part) until `budget` triples are written: they add no derivations."""
        regions = ["total", *REGIONS]
        combinations = (
            (indicator, kind, region, part)
            for part in VALUE_PARTS
            for kind in ("baseline", "target", "result")
            for region in regions
            for indicator in self.indicators
        )
        for indicator, kind, region, part in combinations:
            if self.written >= budget:
                return
            biennium = indicator.partition(":")[2].partition("/")[0]
            self.value(indicator, kind, region, part, self.documents[f"synthetic-report-{biennium}"])

    def derivations(self) -> Iterator[Derivation]:
        """The build's rules over seed and synthetic statements: the derivations the seed does not hold."""
        statements = [*self.seed.rule_statements, *self.rule_statements]
        found = derive(statements)
        for item in found:
            item.iri = self.ids.resolve(f"derivation:{item.digest}").iri
        for item in found:
            if str(item.iri) not in self.seed.derivations:
                yield item

    def write_derivation(self, item: Derivation) -> None:
        assert item.iri is not None
        s, p, o = (iri(str(term)) for term in item.triple)
        if (s, p, o) not in self.stated_rule_triples:
            self.stated_rule_triples.add((s, p, o))
            self.quad(s, p, o)
        node = iri(str(item.iri))
        self.quad(node, iri(str(RDF.type)), iri(str(ILOKG.Derivation)))
        self.quad(node, iri(str(RDF.subject)), s)
        self.quad(node, iri(str(RDF.predicate)), p)
        self.quad(node, iri(str(RDF.object)), o)
        self.quad(node, iri(str(ILOKG.rule)), iri(str(item.rule)))
        for premise in sorted({str(x.iri) if isinstance(x, Derivation) else str(x) for x in item.premises}):
            self.quad(node, iri(str(PROV.wasDerivedFrom)), iri(premise))

    def describe_documents(self, directory: Path) -> None:
        for document in self.documents.values():
            if not document.lines:
                continue
            text = document.text
            file = f"{DOCUMENTS_DIR}/{document.key}.txt"
            (directory / file).write_text(text, encoding="utf-8")
            node = self.identity(f"document:{document.key}")
            self.quad(node, iri(str(RDF.type)), iri(str(PROV.Entity)))
            self.quad(node, iri(str(DCTERMS.title)), text_en(document.title))
            self.quad(node, iri(str(SKOS.prefLabel)), text_en(document.title))
            self.quad(node, iri(str(ILOKG.fileName)), plain(file))
            self.quad(node, iri(str(ILOKG.lineCount)), typed(str(len(document.lines)), XSD.integer))
            self.quad(node, iri(str(ILOKG.sha256)), plain(hashlib.sha256(text.encode()).hexdigest()))

    def describe_graph(self, total: int) -> None:
        node = self.graph
        self.quad(node, iri(str(RDF.type)), iri(str(VOID.Dataset)))
        self.quad(node, iri(str(DCTERMS.title)), text_en("Synthetic data generated for benchmarks"))
        self.quad(
            node,
            iri(str(DCTERMS.description)),
            text_en(
                "Generated by benchmarks/generate.py to measure the service at scale. Not ILO data: every "
                "programme, output, indicator, value, partner and country in this graph is invented."
            ),
        )
        self.quad(node, iri(str(VOID.triples)), typed(str(total), XSD.integer))


@dataclass(frozen=True)
class GeneratedGraph:
    """A generated dataset laid out as a build under `data_dir`."""

    data_dir: Path
    build: BuildResult
    quads: int  # what the generator grows: triples in named graphs
    synthetic_triples: int

    @property
    def triples(self) -> int:
        """Distinct triples (the RDF merge the store's default graph holds)."""
        return self.build.triples


def generate(target: int, out_dir: Path, *, settings: Settings | None = None, rng_seed: int = 1) -> GeneratedGraph:
    """Seed build + synthetic data to about `target` triples, as a build under `out_dir` (replaced if present)."""
    settings = settings or get_settings()
    seed_build = current_build(settings.data_dir)
    if seed_build is None:
        raise SystemExit(f"no seed build in {settings.data_dir}; run `ilokg build` first")
    seed = read_seed(seed_build)
    if target < seed.triples:
        raise SystemExit(
            f"size {target} is below the seed graph's own {seed.triples} triples; the generator only grows it"
        )
    build_id = hashlib.sha256(f"{seed_build.build_id} {target} {rng_seed} {GENERATOR_VERSION}".encode()).hexdigest()[
        :16
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".generate-", dir=out_dir))
    try:
        (staging / DOCUMENTS_DIR).mkdir()
        with (staging / DATASET_FILE).open("w", encoding="utf-8") as out:
            with seed_build.dataset_file.open(encoding="utf-8") as seed_file:
                shutil.copyfileobj(seed_file, out)
            generator = _Generator(settings, seed, out, random.Random(rng_seed))
            room = target - seed.triples
            # Derivations and document descriptions come last; stop the stated data short of the budget for them.
            while generator.written < room * 0.85:
                generator.unit()
                if generator.units % 3 == 0:
                    generator.programme()
            derivations = list(generator.derivations())
            per_derivation = 9
            generator.fill(room - len(derivations) * per_derivation - 10 * (len(generator.documents) + 1))
            for item in derivations:
                generator.write_derivation(item)
            generator.describe_documents(staging)
            total = seed.triples + generator.written + 4
            generator.describe_graph(total)
        manifest: dict[str, object] = {
            "build_id": build_id,
            "base_iri": settings.base_iri,
            "quads": total,
            "default_graph": DEFAULT_GRAPH_IS_MERGE,
            "seed_build_id": seed_build.build_id,
            "seed_triples": seed.triples,
            "synthetic_triples": total - seed.triples,
            "synthetic_graph": settings.base_iri + SYNTHETIC_GRAPH,
            "target_triples": target,
            "rng_seed": rng_seed,
            "generator_version": GENERATOR_VERSION,
            "units": generator.units,
            "programmes": generator.programmes,
            "organizations": generator.organizations,
            "countries": generator.countries,
            "derivations": len(derivations),
            "documents": {d.key: f"{DOCUMENTS_DIR}/{d.key}.txt" for d in generator.documents.values() if d.lines},
        }
        # As `ilokg build` does: /export streams these files, and a store loads the merge as its default graph.
        manifest["triples"] = write_exports(staging / DATASET_FILE, staging)
        (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        builds = out_dir / "builds"
        builds.mkdir(exist_ok=True)
        directory = builds / build_id
        if directory.exists():
            shutil.rmtree(directory)
        os.replace(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    link = out_dir / CURRENT_LINK
    temporary = out_dir / f".{CURRENT_LINK}.{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(directory.relative_to(out_dir))
    os.replace(temporary, link)
    build = BuildResult(build_id, directory, directory / DATASET_FILE, manifest)
    return GeneratedGraph(out_dir, build, total, total - seed.triples)


def main(argv: list[str] | None = None) -> int:
    top = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.split("\n\n")[0])
    top.add_argument("sizes", nargs="+", type=parse_size, help="triple counts, e.g. 100k 1M 5M")
    top.add_argument("--out", type=Path, default=Path("var/bench"), help="where to write <size>/ (default var/bench)")
    top.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = top.parse_args(argv)
    for size in args.sizes:
        result = generate(size, args.out / size_label(size), rng_seed=args.seed)
        print(
            f"{size_label(size)}: {result.triples} triples ({result.synthetic_triples} synthetic) in {result.data_dir}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
