"""seeds/ -> an RDF dataset with evidence for every asserted link, checked, then written atomically.

Named graphs (under {base}graph/):
- document/<key>: what one source document states, each triple with its Evidence node;
- reference: the SDG framework and the instrument list;
- identity: what follows from the ids themselves (types, short ids, bienniums, numbers);
- derived: links derived by rule, each with its Derivation node naming its premises;
- ontology: the vocabulary; meta: the VoID description of this build.

A build that finds any problem raises BuildError listing each one as file:line and what
to fix; nothing is written then, so the last good build stays current.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from graph.build.context import GraphNames
from graph.build.curated import CuratedError, Row, read_curated
from graph.build.derive import Derivation, Statement, derive
from graph.build.evidence import MIN_QUOTE_CHARS, SourceText, fold_space
from graph.build.observations import add_country_data
from graph.build.reference import ReferenceData, read_reference, read_sdg_indicator_iris
from graph.build.shapes import Violation, violations
from graph.build.shapes import name as shape_name
from graph.build.translations import add_sdg_translations
from graph.ids import INSTRUMENT_PATTERN, REGIONS, IdError, IdScheme, Resolved
from graph.settings import Settings
from ontology.namespaces import (
    DCTERMS,
    ILOKG,
    ONTOLOGY_FILE,
    PROV,
    RDF,
    RDFS,
    SKOS,
    XSD,
)

MAX_REPORTED_PROBLEMS = 200

REGION_LABELS = {
    "africa": "Africa",
    "americas": "Americas",
    "arab-states": "Arab States",
    "asia-pacific": "Asia and the Pacific",
    "europe-central-asia": "Europe and Central Asia",
}
assert tuple(REGION_LABELS) == REGIONS

# Reference files are sources too: derivations cite their lines.
REFERENCE_DOCUMENTS = {
    "sdg-goals": ("reference/sdg/goals.csv", "SDG global indicator framework: goals"),
    "sdg-targets": ("reference/sdg/targets.csv", "SDG global indicator framework: targets"),
    "sdg-indicators": ("reference/sdg/indicators.csv", "SDG global indicator framework: indicators"),
    "ilo-instruments": ("reference/ilo/standards_core.csv", "ILO instruments (partial reference list)"),
}


@dataclass(frozen=True)
class Link:
    """A link name of the curated files and the RDF property it stands for."""

    name: str
    predicate: URIRef
    literal: str | None  # "en" for an English label, an XSD datatype IRI, or None for a link to a thing


LABEL = "en"
LINKS: dict[str, Link] = {
    link.name: link
    for link in (
        Link("prefLabel", SKOS.prefLabel, LABEL),
        Link("altLabel", SKOS.altLabel, LABEL),
        Link("acronym", ILOKG.acronym, LABEL),
        Link("notation", SKOS.notation, str(XSD.string)),
        Link("principalStandard", ILOKG.principalStandard, None),
        Link("contributesToOutcome", ILOKG.contributesToOutcome, None),
        Link("contributesToOutput", ILOKG.contributesToOutput, None),
        Link("servesGoal", ILOKG.servesGoal, None),
        Link("servesTarget", ILOKG.servesTarget, None),
        Link("servesIndicator", ILOKG.servesIndicator, None),
        Link("servesTargetRange", ILOKG.servesTargetRange, str(XSD.string)),
        Link("partner", ILOKG.partner, None),
        Link("operatesIn", ILOKG.operatesIn, None),
        Link("outputOf", ILOKG.outputOf, None),
        Link("objectiveOf", ILOKG.objectiveOf, None),
        Link("servesObjective", ILOKG.servesObjective, None),
        Link("measuredBy", ILOKG.measuredBy, None),
        Link("promotesStandard", ILOKG.promotesStandard, None),
        Link("reportsOn", ILOKG.reportsOn, None),
        Link("protocolTo", ILOKG.protocolTo, None),
        Link("supplements", ILOKG.supplements, None),
        Link("adoptionYear", ILOKG.adoptionYear, str(XSD.gYear)),
        Link("member", SKOS.member, None),
        Link("coreStandard", ILOKG.coreStandard, None),
        Link("revisionOf", ILOKG.revisionOf, None),
        Link("addressedUnder", ILOKG.addressedUnder, None),
        Link("inStrategyOf", ILOKG.inStrategyOf, None),
        Link("about", ILOKG.about, None),
        Link("unit", ILOKG.unit, str(XSD.string)),
        Link("scope", ILOKG.scope, LABEL),
        Link("concern", ILOKG.concern, LABEL),
        Link("description", ILOKG.description, LABEL),
    )
}
VALUE_KINDS = ("target", "result", "baseline")
# Kinds whose ids are known without a prefLabel row: they exist by construction.
KNOWN_BY_CONSTRUCTION = ("region", "biennium", "document", "figure", "indicator-value")


class BuildError(Exception):
    """The seeds do not build; `problems` says where and what to fix, one line each."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:MAX_REPORTED_PROBLEMS]
        more = len(problems) - len(shown)
        text = "\n".join(shown) + (f"\n... and {more} more" if more > 0 else "")
        super().__init__(f"the build found {len(problems)} problem(s):\n{text}")
        self.problems = problems


@dataclass
class BuildOutput:
    """A checked dataset and what is known about it."""

    dataset: Dataset
    statements: list[Statement]
    derivations: list[Derivation]
    counts: dict[str, int] = field(default_factory=dict)
    # N-Quads lines written with the dataset but never held by rdflib (the SDG country data's observations)
    quads: list[str] = field(default_factory=list)


class _Builder:
    """Turns the seeds into quads, collecting every problem instead of stopping at the first."""

    def __init__(self, settings: Settings) -> None:
        self.seeds = settings.seeds_dir
        self.names = GraphNames(settings.base_iri)
        self.ids = IdScheme(settings.base_iri, read_sdg_indicator_iris(self.seeds))
        self.dataset = Dataset()
        self.problems: list[str] = []
        self.statements: list[Statement] = []
        self.documents: dict[str, SourceText] = {}
        self.document_iris: dict[str, URIRef] = {}
        self.used: dict[str, tuple[Resolved, str]] = {}  # short id -> (resolved, where first used)
        self.labelled: dict[URIRef, str] = {}  # entity -> where its prefLabel is
        self.pref_texts: dict[URIRef, str] = {}  # entity -> its curated prefLabel text
        self.other_names: list[tuple[URIRef, str, str, str]] = []  # (entity, link, text, where)
        self.keys_seen: dict[str, str] = {}
        self.rows_left_out = False  # curated rows that could not be read (their problems are reported)
        self.rows_seen: dict[tuple[str, ...], str] = {}

    def graph(self, iri: URIRef) -> Graph:
        return self.dataset.graph(iri)

    # ------------------------------------------------------------ documents

    def read_documents(self) -> None:
        registry = self.seeds / "documents" / "documents.csv"
        with registry.open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                path = self.seeds / "documents" / row["file"]
                try:
                    text = SourceText.read(row["key"], path)
                except (OSError, UnicodeDecodeError) as error:
                    reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
                    self.problems.append(
                        f"documents/documents.csv:{number}: document {row['key']!r}: cannot read {row['file']} "
                        f"({reason}); add the file to seeds/documents/ or correct the row"
                    )
                    continue
                self.documents[row["key"]] = text
                iri = self.describe_document(row["key"], f"documents/{row['file']}", row["title"], text)
                meta = self.graph(self.names.document(row["key"]))
                if row["symbol"]:
                    meta.add((iri, DCTERMS.identifier, Literal(row["symbol"])))
                if row["issued"]:
                    meta.add((iri, DCTERMS.issued, Literal(row["issued"])))
                if row["publisher"]:
                    meta.add((iri, DCTERMS.publisher, Literal(row["publisher"])))
                if row.get("creator"):
                    meta.add((iri, DCTERMS.creator, Literal(row["creator"])))
                if row.get("type"):
                    meta.add((iri, DCTERMS.type, Literal(row["type"], lang="en")))
                self.official_address(number, row, iri, meta)
        for key, (file, title) in REFERENCE_DOCUMENTS.items():
            path = self.seeds / file
            self.documents[key] = SourceText.read(key, path)
            self.describe_document(key, file, title, self.documents[key])

    def official_address(self, number: int, row: dict[str, str], iri: URIRef, meta: Graph) -> None:
        """The official publication's address (rdfs:seeAlso, as instruments link to NORMLEX), with its source."""
        url = (row.get("url") or "").strip()
        if not url:
            return
        if not re.fullmatch(r"https://[^\s<>\"{}|\\^`]+", url) or not (row.get("url_source") or "").strip():
            self.problems.append(
                f"documents/documents.csv:{number}: document {row['key']!r}: url must be an https:// address, "
                "with url_source saying where it comes from (the document's text, or the address pattern)"
            )
            return
        meta.add((iri, RDFS.seeAlso, URIRef(url)))

    def describe_document(self, key: str, file: str, title: str, text: SourceText) -> URIRef:
        iri = self.ids.resolve(f"document:{key}").iri
        self.document_iris[key] = iri
        graph = (
            self.graph(self.names.document(key))
            if not key.startswith(("sdg-", "ilo-"))
            else self.graph(self.names.reference)
        )
        digest = hashlib.sha256((self.seeds / file).read_bytes()).hexdigest()
        for triple in (
            (iri, RDF.type, ILOKG.SourceDocument),
            (iri, RDF.type, PROV.Entity),
            (iri, DCTERMS.title, Literal(title, lang="en")),
            (iri, SKOS.prefLabel, Literal(title, lang="en")),
            (iri, ILOKG.fileName, Literal(file)),
            (iri, ILOKG.lineCount, Literal(text.line_count())),
            (iri, ILOKG.sha256, Literal(digest)),
            (iri, ILOKG.shortId, Literal(f"document:{key}")),
        ):
            graph.add(triple)
        return iri

    # ------------------------------------------------------------ ids and evidence

    def use(self, short_id: str, where: str) -> Resolved | None:
        try:
            resolved = self.ids.resolve(short_id)
        except IdError as error:
            self.problems.append(f"{where}: {error}")
            return None
        self.used.setdefault(resolved.short_id, (resolved, where))
        return resolved

    def check_quote(self, row: Row) -> tuple[str, int] | None:
        """The row's document key and line when its quote is found there; else records the problem."""
        key = row["document"]
        if key not in self.documents or key in REFERENCE_DOCUMENTS:
            known = ", ".join(k for k in self.documents if k not in REFERENCE_DOCUMENTS)
            self.problems.append(f"{row.where}: unknown document {key!r}; use one of {known}")
            return None
        try:
            line = row.source_line()
        except CuratedError as error:
            self.problems.append(str(error))
            return None
        short = self.short_quote(row, line)
        if short:
            self.problems.append(f"{row.where}: {short}")
            return None
        problem = self.documents[key].find(row["quote"], line)
        if problem:
            self.problems.append(f"{row.where}: {problem}")
            return None
        return key, line

    def short_quote(self, row: Row, line: int) -> str | None:
        """What is wrong when the row's quote is too short to identify its statement (MIN_QUOTE_CHARS), else None."""
        quote = fold_space(row["quote"])
        if not quote or len(quote) >= MIN_QUOTE_CHARS:
            return None  # an empty quote, and whether a long one is there, are the document's check
        whole = self.documents[row["document"]].is_whole_line(quote, line)
        if row.folder == "indicator-values":
            # A table cell is quoted as it stands: the whole line, and the number or the text the row records.
            if whole and quote in (row["amount"], fold_space(row["value_text"])):
                return None
            return (
                f"quote {quote!r} is too short to identify a value: quote at least {MIN_QUOTE_CHARS} characters, "
                "or a table cell whole: its line must hold nothing else and the quote must be the row's amount "
                "or value_text"
            )
        if whole and any(character.isalnum() for character in quote):
            return None
        return (
            f"quote {quote!r} is too short to identify what line {line} states: quote at least {MIN_QUOTE_CHARS} "
            "characters (the words that state it), or the whole line where it holds nothing else (a heading, "
            "a table cell)"
        )

    def state(self, subject: URIRef, predicate: URIRef, obj: Node, key: str, line: int, row: Row) -> None:
        """Add a stated triple to its document's graph, with the evidence that states it."""
        quote = fold_space(row["quote"])
        digest = hashlib.sha256(f"{subject} {predicate} {obj} {line}".encode()).hexdigest()[:16]
        evidence = self.ids.resolve(f"evidence:{key}/{digest}").iri
        graph = self.graph(self.names.document(key))
        graph.add((subject, predicate, obj))
        graph.add((evidence, RDF.type, ILOKG.Evidence))
        graph.add((evidence, RDF.subject, subject))
        graph.add((evidence, RDF.predicate, predicate))
        graph.add((evidence, RDF.object, obj))
        graph.add((evidence, DCTERMS.source, self.document_iris[key]))
        graph.add((evidence, ILOKG.line, Literal(line, datatype=XSD.integer)))
        graph.add((evidence, ILOKG.quote, Literal(quote)))
        if row["note"]:
            graph.add((evidence, RDFS.comment, Literal(row["note"], lang="en")))
        self.statements.append(Statement((subject, predicate, obj), evidence, key, row.where))

    def once(self, key: tuple[str, ...], where: str, what: str) -> bool:
        """False (and a problem recorded) when `key` was already seen."""
        earlier = self.rows_seen.get(key)
        if earlier is not None:
            self.problems.append(f"{where}: {what} repeats {earlier}; remove one of the two rows")
            return False
        self.rows_seen[key] = where
        return True

    # ------------------------------------------------------------ curated rows

    def add_link_row(self, row: Row) -> None:
        link = LINKS.get(row["link"])
        if link is None:
            self.problems.append(f"{row.where}: unknown link {row['link']!r}; use one of {', '.join(LINKS)}")
            return
        subject = self.use(row["subject"], row.where)
        found = self.check_quote(row)
        obj: Node | None
        if link.literal is None:
            target = self.use(row["object"], row.where)
            obj = target.iri if target else None
        else:
            obj = self.literal(row, link)
        if subject is None or found is None or obj is None:
            return
        key, line = found
        if not self.once((row["subject"], row["link"], row["object"], key, str(line)), row.where, "this row"):
            return
        if link.name == "prefLabel":
            # Several documents may state the same name; an id still has one prefLabel text.
            earlier = self.labelled.get(subject.iri)
            if earlier is not None and self.pref_texts.get(subject.iri) != str(obj):
                self.problems.append(
                    f"{row.where}: {row['subject']} already has a prefLabel at {earlier}; "
                    "an id has one prefLabel: write further names as altLabel or acronym"
                )
                return
            self.labelled.setdefault(subject.iri, row.where)
            self.pref_texts[subject.iri] = str(obj)
        elif link.name in ("altLabel", "acronym"):
            self.other_names.append((subject.iri, link.name, str(obj), row.where))
        self.state(subject.iri, link.predicate, obj, key, line, row)

    def literal(self, row: Row, link: Link) -> Literal | None:
        text = fold_space(row["object"])
        if not text:
            self.problems.append(f"{row.where}: the {link.name} text is empty")
            return None
        if link.literal == LABEL:
            return Literal(text, lang="en")
        if link.literal == str(XSD.gYear):
            if not (len(text) == 4 and text.isdigit()):
                self.problems.append(f"{row.where}: {link.name} {text!r} must be a four-digit year such as 1999")
                return None
            return Literal(text, datatype=XSD.gYear)
        if link.name == "servesTargetRange" and not self.valid_range(text):
            self.problems.append(
                f"{row.where}: target range {text!r} must be two targets of one goal, first-last, such as 8.2-8.10"
            )
            return None
        return Literal(text)

    @staticmethod
    def valid_range(text: str) -> bool:
        first, sep, last = text.partition("-")
        if not sep:
            return False
        goal_a, _, number_a = first.partition(".")
        goal_b, _, number_b = last.partition(".")
        return goal_a == goal_b and number_a.isdigit() and number_b.isdigit() and int(number_a) < int(number_b)

    def add_figure_row(self, row: Row) -> None:
        figure = self.use(row["figure"], row.where)
        subject = self.use(row["subject"], row.where)
        found = self.check_quote(row)
        amount = self.decimal(row, "amount", required=True)
        if figure is None or subject is None or found is None or amount is None:
            return
        if figure.rdf_class != ILOKG.Figure:
            self.problems.append(
                f"{row.where}: figure id {row['figure']!r} must be like figure:better-work-factories-2020"
            )
            return
        if not self.once(("figure", row["figure"]), row.where, f"figure id {row['figure']}"):
            return
        if not row["measure"]:
            self.problems.append(f"{row.where}: the measure is empty; say what is counted (factories, workers)")
            return
        key, line = found
        self.state(subject.iri, ILOKG.figure, figure.iri, key, line, row)
        self.state(figure.iri, ILOKG.measure, Literal(row["measure"]), key, line, row)
        self.state(figure.iri, ILOKG.amount, Literal(amount, datatype=XSD.decimal), key, line, row)
        for column, predicate in (("unit", ILOKG.unit), ("qualifier", ILOKG.qualifier), ("year", ILOKG.referenceYear)):
            if row[column]:
                self.state(figure.iri, predicate, Literal(row[column]), key, line, row)

    def add_value_row(self, row: Row) -> None:
        indicator = self.use(row["indicator"], row.where)
        found = self.check_quote(row)
        kind = row["kind"]
        if kind not in VALUE_KINDS:
            self.problems.append(f"{row.where}: kind {kind!r} must be one of {', '.join(VALUE_KINDS)}")
            return
        region = self.use(row["region"], row.where) if row["region"] else None
        if row["region"] and (region is None or region.rdf_class != ILOKG.Region):
            self.problems.append(f"{row.where}: region {row['region']!r} must be region:{'|'.join(REGIONS)} or blank")
            return
        amount = self.decimal(row, "amount", required=False)
        if indicator is None or found is None or (row["amount"] and amount is None):
            return
        if indicator.rdf_class != ILOKG.Indicator:
            self.problems.append(
                f"{row.where}: {row['indicator']!r} is not an indicator id like indicator:2020-21/6.3.1"
            )
            return
        if amount is None and not row["value_text"]:
            self.problems.append(f"{row.where}: give the amount or, for a cell that is not a number, the value_text")
            return
        local = indicator.short_id.partition(":")[2]
        region_name = row["region"].partition(":")[2] if row["region"] else "total"
        part = fold_space(row["part"])
        part_slug = re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-")
        value_id = f"indicator-value:{local}/{kind}/{region_name}" + (f"/{part_slug}" if part_slug else "")
        what = f"the {kind} of {row['indicator']} for {region_name}" + (f" ({part})" if part else "")
        if not self.once(("value", value_id), row.where, what + "; a cell with several values needs a part for each"):
            return
        value = self.use(value_id, row.where)
        if value is None:
            return
        key, line = found
        self.state(indicator.iri, ILOKG.indicatorValue, value.iri, key, line, row)
        self.state(value.iri, ILOKG.valueKind, Literal(kind), key, line, row)
        if amount is not None:
            self.state(value.iri, ILOKG.amount, Literal(amount, datatype=XSD.decimal), key, line, row)
        text = row["value_text"] or row["quote"]
        self.state(value.iri, ILOKG.valueText, Literal(fold_space(text)), key, line, row)
        if region is not None:
            self.state(value.iri, ILOKG.region, region.iri, key, line, row)
        if part:
            self.state(value.iri, ILOKG.valuePart, Literal(part), key, line, row)

    def decimal(self, row: Row, column: str, *, required: bool) -> Decimal | None:
        text = row[column]
        if not text:
            if required:
                self.problems.append(f"{row.where}: the {column} is empty; write the number in digits")
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.problems.append(
                f"{row.where}: {column} {text!r} is not a number; write digits with '.' for decimals "
                "and no thousands separators (1500, 2.5)"
            )
            return None
        if not value.is_finite():
            self.problems.append(f"{row.where}: {column} {text!r} is not a finite number")
            return None
        return value

    # ------------------------------------------------------------ identity, reference, checks

    def add_reference(self, data: ReferenceData) -> None:
        graph = self.graph(self.names.reference)
        for triple in data.triples:
            graph.add(triple)
        for triple, source in data.hierarchy.items():
            key = next(k for k, (file, _) in REFERENCE_DOCUMENTS.items() if file == source.file)
            digest = hashlib.sha256(f"{triple[0]} {triple[1]} {triple[2]} {source.line}".encode()).hexdigest()[:16]
            evidence = self.ids.resolve(f"evidence:{key}/{digest}").iri
            for fact in (
                (evidence, RDF.type, ILOKG.Evidence),
                (evidence, RDF.subject, triple[0]),
                (evidence, RDF.predicate, triple[1]),
                (evidence, RDF.object, triple[2]),
                (evidence, DCTERMS.source, self.document_iris[key]),
                (evidence, ILOKG.line, Literal(source.line, datatype=XSD.integer)),
                (evidence, ILOKG.quote, Literal(fold_space(source.text))),
            ):
                graph.add(fact)
            self.statements.append(Statement(triple, evidence, key))
        for code in data.instrument_ids:
            self.use(code, str(REFERENCE_DOCUMENTS["ilo-instruments"][0]))
            self.labelled.setdefault(self.ids.resolve(code).iri, REFERENCE_DOCUMENTS["ilo-instruments"][0])
        for iri in data.labelled:
            self.labelled.setdefault(iri, "reference data")

    def add_identity(self) -> None:
        """Types, short ids and what else each id says of itself, for every id used."""
        graph = self.graph(self.names.identity)
        for short_id, (resolved, _) in list(self.used.items()):
            iri = resolved.iri
            if short_id.startswith("sdg:"):
                continue  # the reference graph describes SDG things
            graph.add((iri, RDF.type, resolved.rdf_class))
            graph.add((iri, ILOKG.shortId, Literal(short_id)))
            prefix, _, local = short_id.partition(":")
            match = INSTRUMENT_PATTERN.fullmatch(short_id)
            if match:
                graph.add((iri, ILOKG.instrumentNumber, Literal(int(match.group(2)))))
                graph.add((iri, SKOS.notation, Literal(short_id)))
                if match.group(1) == "P":
                    convention = self.ids.resolve("C" + match.group(2))
                    if convention.iri in self.labelled:
                        graph.add((iri, ILOKG.protocolTo, convention.iri))
            elif prefix == "country":
                graph.add((iri, ILOKG.isoCode, Literal(local)))
            elif prefix == "region":
                graph.add((iri, SKOS.prefLabel, Literal(REGION_LABELS.get(local, local), lang="en")))
            elif prefix == "biennium":
                graph.add((iri, SKOS.prefLabel, Literal(local.replace("-", "–"), lang="en")))
            elif prefix == "part":
                self.add_part_of(iri, short_id, local.partition("/")[0])
            if "/" in local and prefix in (
                "outcome",
                "output",
                "indicator",
                "strategic-objective",
                "operational-objective",
                "infocus-programme",
            ):
                biennium = self.use(f"biennium:{local.partition('/')[0]}", "id " + short_id)
                if biennium is not None:
                    graph.add((iri, ILOKG.inBiennium, biennium.iri))
                    graph.add((biennium.iri, RDF.type, ILOKG.Biennium))
                    graph.add((biennium.iri, ILOKG.shortId, Literal(biennium.short_id)))
                    graph.add(
                        (biennium.iri, SKOS.prefLabel, Literal(local.partition("/")[0].replace("-", "–"), lang="en"))
                    )

    def add_part_of(self, part: URIRef, short_id: str, key: str) -> None:
        """A part of a document is part of the document its id names (part:<document key>/<slug>)."""
        if key not in self.document_iris or key in REFERENCE_DOCUMENTS:
            known = ", ".join(k for k in self.document_iris if k not in REFERENCE_DOCUMENTS)
            self.problems.append(f"{self.used[short_id][1]}: {short_id} names no document {key!r}; use one of {known}")
            return
        self.graph(self.names.identity).add((part, DCTERMS.isPartOf, self.document_iris[key]))

    def check_names(self) -> None:
        """SKOS keeps a thing's preferred and other names apart: a name stated again is a prefLabel row."""
        for iri, link, text, where in self.other_names:
            if self.pref_texts.get(iri) == text:
                self.problems.append(
                    f"{where}: {text!r} is already the prefLabel of {self.ids.short_id(str(iri))}; "
                    f"write this row as prefLabel instead of {link} (the same name, stated by this document too)"
                )

    def check_known(self) -> None:
        for short_id, (resolved, where) in sorted(self.used.items(), key=lambda item: item[1][1]):
            prefix = short_id.partition(":")[0]
            if prefix in KNOWN_BY_CONSTRUCTION or prefix in ("evidence", "derivation", "graph"):
                continue
            if prefix == "region" and short_id.partition(":")[2] not in REGIONS:
                self.problems.append(f"{where}: unknown region {short_id!r}; use region:{'|region:'.join(REGIONS)}")
            elif resolved.iri not in self.labelled and prefix != "region":
                self.problems.append(
                    f"{where}: unknown id {short_id!r}: no curated file gives it a prefLabel "
                    "and the reference data does not hold it; add a prefLabel row or correct the id"
                    + (" (or fix a row left out above: it may be the prefLabel)" if self.rows_left_out else "")
                )

    def add_ontology(self) -> None:
        graph = self.graph(self.names.ontology)
        graph.parse(ONTOLOGY_FILE, format="turtle")

    def add_derivations(self, derivations: Iterable[Derivation]) -> None:
        graph = self.graph(self.names.derived)
        for item in derivations:
            node = self.ids.resolve(f"derivation:{item.digest}").iri
            item.iri = node
        for item in derivations:
            assert item.iri is not None
            graph.add(item.triple)
            graph.add((item.iri, RDF.type, ILOKG.Derivation))
            graph.add((item.iri, RDF.subject, item.triple[0]))
            graph.add((item.iri, RDF.predicate, item.triple[1]))
            graph.add((item.iri, RDF.object, item.triple[2]))
            graph.add((item.iri, ILOKG.rule, item.rule))
            for premise in item.premises:
                premise_iri = premise.iri if isinstance(premise, Derivation) else premise
                assert premise_iri is not None, "every derivation is named before any is written"
                graph.add((item.iri, PROV.wasDerivedFrom, premise_iri))


def build_dataset(settings: Settings) -> BuildOutput:
    """Read the seeds, check them, derive, validate; BuildError lists every problem found."""
    try:
        return _checked_dataset(settings)
    except OSError as error:  # a seeds file that cannot be read (missing, unreadable): which one, not a traceback
        path = Path(error.filename) if error.filename else settings.seeds_dir
        where = path.relative_to(settings.seeds_dir) if path.is_relative_to(settings.seeds_dir) else path
        raise BuildError(
            [f"{where}: cannot read it ({error.strerror or error}); the seeds directory is {settings.seeds_dir}"]
        ) from error


def _checked_dataset(settings: Settings) -> BuildOutput:
    builder = _Builder(settings)
    # Malformed rows are reported and left out; the other rows are still checked, so one run says everything.
    left_out: list[CuratedError] = []
    rows = read_curated(settings.seeds_dir / "curated", settings.seeds_dir, left_out)
    builder.problems.extend(str(problem) for problem in left_out)
    builder.rows_left_out = bool(left_out)
    files_left_out = [problem.where.partition(":")[0] for problem in left_out if problem.whole_file]
    builder.read_documents()
    reference = read_reference(settings.seeds_dir, builder.ids)
    builder.add_reference(reference)
    add_sdg_translations(builder)
    handlers = {
        "links": builder.add_link_row,
        "figures": builder.add_figure_row,
        "indicator-values": builder.add_value_row,
    }
    for row in rows:
        handlers[row.folder](row)
    # After the curated rows: a country a document names keeps the document's English name.
    country_data = add_country_data(builder, settings.sdg_series)
    if files_left_out:
        # The names a left-out file gives are unknown, so every id it names would be reported as unknown.
        builder.problems.append(
            f"ids were not checked for a prefLabel: {', '.join(files_left_out)} could not be read; fix "
            "the problems above and build again"
        )
    else:
        builder.check_known()
    builder.check_names()
    builder.add_identity()
    if builder.problems:
        raise BuildError(builder.problems)
    builder.add_ontology()
    derivations = derive(builder.statements)
    builder.add_derivations(derivations)
    # The observations are checked row by row as they are read (graph/build/observations.py), not by the shapes.
    found = violations(builder.dataset, builder.ids)
    if found:
        raise BuildError([_locate(violation, builder.statements, builder.ids) for violation in found])
    counts = {str(g.identifier): len(g) for g in builder.dataset.graphs() if len(g)}
    cube = str(builder.names.sdg_country_data)
    counts[cube] = counts.get(cube, 0) + len(country_data.quads)
    return BuildOutput(builder.dataset, builder.statements, derivations, counts, country_data.quads)


def _locate(violation: Violation, statements: list[Statement], ids: IdScheme) -> str:
    """A shape violation as `file:line: shape violation: ...`, naming the curated row that states the offending
    value, or, where the shape counts values (one outcome per output), each row that states one."""
    stating = [
        statement
        for statement in statements
        if statement.where
        and statement.triple[1] == violation.path
        and (statement.triple[2] if violation.inverse else statement.triple[0]) == violation.focus
    ]
    if violation.value is not None:
        exact = [s for s in stating if (s.triple[0] if violation.inverse else s.triple[2]) == violation.value]
        stating = exact or stating
    rows = sorted({statement.where for statement in stating if statement.where})
    text = f"shape violation: {violation.text}"
    if violation.value is None and len(stating) > 1:
        values = sorted(
            {(shape_name(s.triple[0] if violation.inverse else s.triple[2], ids), str(s.where)) for s in stating}
        )
        text += " (stated: " + ", ".join(f"{value} at {where}" for value, where in values) + ")"
        return f"{rows[0]}: {text}"
    if not rows:
        return text
    return f"{rows[0]}: {text}" + (f" (also stated at {', '.join(rows[1:])})" if len(rows) > 1 else "")
