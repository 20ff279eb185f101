"""What the graph holds and how a person finds things in it: counts by kind, the source documents and their
text, the build, a search over names and short ids, and the flow from flagships to the SDGs.

Plain data for any presentation (the HTML pages and their JSON routes).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from graph.ids import IdError
from graph.questions import PROLOGUE, EvidenceItem, Questions, Ref, binding_value
from graph.store import Binding
from ontology.namespaces import ILOKG, SDG_BASE, SDGO, SKOS

# The kinds a person asks about, in the order the home page lists them; SDG classes are not in our ontology.
KIND_LABELS: dict[str, str] = {
    str(ILOKG.FlagshipProgramme): "flagship programmes",
    str(ILOKG.Instrument): "labour standards",
    str(ILOKG.Outcome): "P&B outcomes",
    str(ILOKG.Output): "P&B outputs",
    str(ILOKG.Indicator): "P&B indicators",
    str(SDGO.Goal): "SDG goals",
    str(SDGO.Target): "SDG targets",
    str(SDGO.Indicator): "SDG indicators",
    str(ILOKG.Organization): "partners",
    str(ILOKG.Country): "countries",
    str(ILOKG.Figure): "figures",
    str(ILOKG.SourceDocument): "source documents",
    str(ILOKG.Evidence): "stated links (with a quote)",
    str(ILOKG.Derivation): "derived links",
}
# One name for a thing of each class, for search results and diagram legends.
CLASS_NAMES: dict[str, str] = {
    str(ILOKG.FlagshipProgramme): "flagship programme",
    str(ILOKG.FlagshipPortfolio): "flagship portfolio",
    str(ILOKG.Convention): "Convention",
    str(ILOKG.Protocol): "Protocol",
    str(ILOKG.Recommendation): "Recommendation",
    str(ILOKG.PolicyOutcome): "P&B policy outcome",
    str(ILOKG.EnablingOutcome): "P&B enabling outcome",
    str(ILOKG.Output): "P&B output",
    str(ILOKG.Indicator): "P&B indicator",
    str(ILOKG.StrategicObjective): "strategic objective",
    str(ILOKG.OperationalObjective): "operational objective",
    str(ILOKG.InFocusProgramme): "InFocus programme",
    str(ILOKG.Biennium): "biennium",
    str(SDGO.Goal): "SDG goal",
    str(SDGO.Target): "SDG target",
    str(SDGO.Indicator): "SDG indicator",
    str(ILOKG.Organization): "partner",
    str(ILOKG.Country): "country",
    str(ILOKG.Region): "ILO region",
    str(ILOKG.M49Region): "UN M49 region",
    str(ILOKG.Figure): "figure",
    str(ILOKG.SourceDocument): "source document",
}
NAME_PROPERTIES = (SKOS.prefLabel, SKOS.altLabel, ILOKG.acronym, SKOS.notation, ILOKG.shortId)
MAX_SEARCH_RESULTS = 50
MAX_SEARCH_TEXT = 200


class SearchTextError(ValueError):
    """A search text that cannot be searched (empty or too long); the message says what to write."""


@dataclass(frozen=True)
class KindCount:
    """How many things of one kind the graph holds."""

    class_iri: str
    label: str
    count: int


@dataclass(frozen=True)
class BuildInfo:
    """When and from what the current graph was built."""

    build_id: str
    created: str | None
    triples: int | None


@dataclass(frozen=True)
class SourceDocumentInfo:
    """A source document (or reference list) and how many stated links it gives."""

    ref: Ref
    key: str
    title: str
    file_name: str
    line_count: int
    sha256: str | None
    symbol: str | None
    issued: str | None
    publisher: str | None
    statements: int

    @property
    def is_reference(self) -> bool:
        """A reference list (SDG framework, instrument list) rather than an ILO document."""
        return not self.file_name.startswith("documents/")


@dataclass(frozen=True)
class StatedLink:
    """A link a document states, with the line and quote."""

    subject: Ref
    predicate: Ref
    object: Ref | None
    value: str | None
    evidence: EvidenceItem


@dataclass(frozen=True)
class DocumentText:
    """The lines of a source document, and whether they are still the ones the build checked quotes against."""

    document: SourceDocumentInfo
    lines: list[str]
    matches_build: bool


@dataclass(frozen=True)
class SearchHit:
    """A thing found by a search, with the name that matched."""

    ref: Ref
    kind: str | None
    matched: str
    exact: bool


@dataclass
class FlowNode:
    """A node of the flow diagram; `column` 0 flagships, 1 standards and P&B results, 2 the SDGs."""

    ref: Ref
    kind: str
    column: int


@dataclass
class FlowLink:
    """A link of the flow diagram: stated by a document (with evidence) or derived by a rule."""

    source: str
    target: str
    predicate: Ref
    stated: bool
    evidence: list[EvidenceItem] = field(default_factory=list)
    rules: list[Ref] = field(default_factory=list)


@dataclass
class Flow:
    """Flagships -> the standards and P&B results they rest on -> the SDG targets (or goals) they serve."""

    level: str
    nodes: list[FlowNode]
    links: list[FlowLink]


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


class Overview:
    """Summaries and lookups over one store, for the pages a person reads."""

    def __init__(self, questions: Questions, seeds_dir: Path) -> None:
        self.questions = questions
        self.store = questions.store
        self.ids = questions.ids
        self.seeds_dir = seeds_dir
        self._names: tuple[str, list[tuple[str, str, str]]] | None = None

    # ------------------------------------------------------------ what the graph holds

    def kind_counts(self) -> list[KindCount]:
        values = " ".join(f"<{iri}>" for iri in KIND_LABELS)
        rows = self.store.select(
            PROLOGUE
            + f"""SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  VALUES ?class {{ {values} }} ?s a/rdfs:subClassOf* ?class }} GROUP BY ?class"""
        )
        found = {row["class"]["value"]: int(row["n"]["value"]) for row in rows}
        return [KindCount(iri, label, found.get(iri, 0)) for iri, label in KIND_LABELS.items()]

    def build_info(self) -> BuildInfo:
        rows = self.store.select(
            PROLOGUE
            + """SELECT ?created ?triples WHERE { ?dataset a void:Dataset ; dcterms:created ?created .
  OPTIONAL { ?dataset void:triples ?triples } } ORDER BY DESC(?created) LIMIT 1"""
        )
        created = binding_value(rows[0], "created") if rows else None
        triples = binding_value(rows[0], "triples") if rows else None
        return BuildInfo(self.store.build_id, created, int(triples) if triples else None)

    def documents(self) -> list[SourceDocumentInfo]:
        """Every source document and reference list, ILO documents first, by key."""
        rows = self.store.select(
            PROLOGUE
            + """SELECT ?doc ?title ?file ?lines ?sha ?symbol ?issued ?publisher
       (COUNT(DISTINCT ?evidence) AS ?statements) WHERE {
  ?doc a ilokg:SourceDocument ; dcterms:title ?title ; ilokg:fileName ?file ; ilokg:lineCount ?lines .
  OPTIONAL { ?doc ilokg:sha256 ?sha } OPTIONAL { ?doc dcterms:identifier ?symbol }
  OPTIONAL { ?doc dcterms:issued ?issued } OPTIONAL { ?doc dcterms:publisher ?publisher }
  OPTIONAL { ?evidence a ilokg:Evidence ; dcterms:source ?doc }
} GROUP BY ?doc ?title ?file ?lines ?sha ?symbol ?issued ?publisher"""
        )
        documents = [self._document(row) for row in rows]
        return sorted(documents, key=lambda d: (d.is_reference, d.key))

    def _document(self, row: Binding) -> SourceDocumentInfo:
        ref = self.questions.ref(row["doc"]["value"], row["title"]["value"])
        key = (ref.id or "").removeprefix("document:")
        return SourceDocumentInfo(
            ref=ref,
            key=key,
            title=row["title"]["value"],
            file_name=row["file"]["value"],
            line_count=int(row["lines"]["value"]),
            sha256=binding_value(row, "sha"),
            symbol=binding_value(row, "symbol"),
            issued=binding_value(row, "issued"),
            publisher=binding_value(row, "publisher"),
            statements=int(row["statements"]["value"]),
        )

    def document(self, key: str) -> SourceDocumentInfo | None:
        return next((d for d in self.documents() if d.key == key), None)

    def document_text(self, document: SourceDocumentInfo) -> DocumentText:
        """The document's lines as the seeds hold them now (the build recorded their digest)."""
        path = (self.seeds_dir / document.file_name).resolve()
        if not path.is_relative_to(self.seeds_dir.resolve()) or not path.is_file():
            return DocumentText(document, [], False)
        data = path.read_bytes()
        matches = document.sha256 is None or hashlib.sha256(data).hexdigest() == document.sha256
        return DocumentText(document, data.decode("utf-8").splitlines(), matches)

    def stated_links(self, document: SourceDocumentInfo) -> list[StatedLink]:
        """Every link the document states, in the order of its lines."""
        rows = self.store.select(
            PROLOGUE
            + f"""SELECT ?evidence ?s ?p ?o ?line ?quote ?note ?plabel WHERE {{
  ?evidence a ilokg:Evidence ; dcterms:source <{document.ref.iri}> ; rdf:subject ?s ; rdf:predicate ?p ;
            rdf:object ?o ; ilokg:line ?line ; ilokg:quote ?quote .
  OPTIONAL {{ ?evidence rdfs:comment ?note }} OPTIONAL {{ ?p rdfs:label ?plabel }}
}} ORDER BY ?line ?evidence"""
        )
        names = self.questions.labels({row[k]["value"] for row in rows for k in ("s", "o") if row[k]["type"] == "uri"})
        links: list[StatedLink] = []
        for row in rows:
            obj = row["o"]
            evidence = EvidenceItem(
                iri=row["evidence"]["value"],
                document=document.ref,
                line=int(row["line"]["value"]),
                quote=row["quote"]["value"],
                note=binding_value(row, "note"),
            )
            links.append(
                StatedLink(
                    subject=self.questions.ref(row["s"]["value"], names.get(row["s"]["value"])),
                    predicate=Ref(row["p"]["value"], None, binding_value(row, "plabel") or _local(row["p"]["value"])),
                    object=self.questions.ref(obj["value"], names.get(obj["value"])) if obj["type"] == "uri" else None,
                    value=obj["value"] if obj["type"] != "uri" else None,
                    evidence=evidence,
                )
            )
        return links

    # ------------------------------------------------------------ search

    def _name_index(self) -> list[tuple[str, str, str]]:
        """(IRI, name, property) for every name and short id; read once per build."""
        if self._names is None or self._names[0] != self.store.build_id:
            values = " ".join(f"<{p}>" for p in NAME_PROPERTIES)
            rows = self.store.select(
                PROLOGUE
                + f"""SELECT DISTINCT ?s ?name ?p WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?name .
  FILTER(isIRI(?s)) FILTER NOT EXISTS {{ ?s a ilokg:Evidence }} FILTER NOT EXISTS {{ ?s a ilokg:Derivation }} }}"""
            )
            self._names = (self.store.build_id, [(r["s"]["value"], r["name"]["value"], r["p"]["value"]) for r in rows])
        return self._names[1]

    def kinds_of(self, iris: set[str]) -> dict[str, str]:
        """The most specific class name of each IRI that has one of the known classes."""
        if not iris:
            return {}
        values = " ".join(f"<{iri}>" for iri in sorted(iris))
        rows = self.store.select(f"SELECT ?s ?t WHERE {{ VALUES ?s {{ {values} }} ?s a ?t }}")
        order = list(CLASS_NAMES)
        kinds: dict[str, str] = {}
        for row in rows:
            t = row["t"]["value"]
            if t in CLASS_NAMES:
                s = row["s"]["value"]
                if s not in kinds or order.index(t) < order.index(kinds[s]):
                    kinds[s] = t
        return {s: CLASS_NAMES[t] for s, t in kinds.items()}

    def search(self, text: str, limit: int = MAX_SEARCH_RESULTS) -> list[SearchHit]:
        """Things whose short id, code, name or acronym matches `text`: exact ids first, then names."""
        wanted = _fold(text)
        if not wanted:
            raise SearchTextError("write a name, an acronym or a short id to search for, such as IPEC+, C182 or 8.7")
        if len(wanted) > MAX_SEARCH_TEXT:
            raise SearchTextError(f"the search text is longer than {MAX_SEARCH_TEXT} characters; write fewer words")
        scored: dict[str, tuple[int, str, bool]] = {}
        for rank, short_id in enumerate(self.ids.loose_candidates(text)):
            try:
                iri = str(self.ids.resolve(short_id).iri)
            except IdError:
                continue
            scored[iri] = (rank, short_id, True)
        words = wanted.split()
        for iri, name, _ in self._name_index():
            folded = _fold(name)
            if folded == wanted:
                score = 10
            elif folded.startswith(wanted):
                score = 20
            elif wanted in folded:
                score = 30
            elif all(word in folded for word in words):
                score = 40
            else:
                continue
            if iri not in scored or score < scored[iri][0]:
                scored[iri] = (score, name, score == 10)
        names = self.questions.labels(set(scored))
        known = {iri for iri in scored if iri in names or self._holds(iri)}
        kinds = self.kinds_of(known)
        ranked = sorted(known, key=lambda iri: (scored[iri][0], kinds.get(iri, "~"), (names.get(iri) or iri).lower()))
        return [
            SearchHit(self.questions.ref(iri, names.get(iri)), kinds.get(iri), scored[iri][1], scored[iri][2])
            for iri in ranked[:limit]
        ]

    def _holds(self, iri: str) -> bool:
        return bool(self.store.select(f"SELECT ?p WHERE {{ <{iri}> ?p ?o }} LIMIT 1"))

    # ------------------------------------------------------------ the flow from flagships to the SDGs

    def flow(self, level: str = "target", flagship: str | None = None, include_derived: bool = True) -> Flow:
        """Flagship -> principal standard / P&B outcome / P&B output -> SDG target (or goal), as the graph links them.

        A derived flagship-target link reached through a standard or an output is drawn through that standard or
        output, so the picture shows the route the rule took.
        """
        if level not in ("target", "goal"):
            raise ValueError("level is 'target' or 'goal'")
        scope = f"VALUES ?f {{ <{flagship}> }}" if flagship else ""
        middle = self.store.select(
            PROLOGUE
            + f"""SELECT DISTINCT ?f ?p ?m WHERE {{ {scope} ?f a ilokg:FlagshipProgramme ; ?p ?m .
  FILTER(?p IN (ilokg:principalStandard, ilokg:contributesToOutcome, ilokg:contributesToOutput)) }}"""
        )
        served = self.store.select(
            PROLOGUE
            + f"""SELECT DISTINCT ?f ?t WHERE {{ {scope} ?f a ilokg:FlagshipProgramme ; ilokg:servesTarget ?t }}"""
        )
        links: dict[tuple[str, str], FlowLink] = {}
        predicate_names = self._property_names()

        def link(source: str, target: str, predicate: str) -> FlowLink:
            key = (source, target)
            if key not in links:
                links[key] = FlowLink(source, target, Ref(predicate, None, predicate_names.get(predicate)), False)
            return links[key]

        for row in middle:
            f, p, m = row["f"]["value"], row["p"]["value"], row["m"]["value"]
            item = link(f, m, p)
            item.evidence.extend(e for _, e in self.questions.evidence_for(f, p, m))
            item.stated = item.stated or bool(item.evidence)
        serves = str(ILOKG.servesTarget)
        for row in served:
            f, t = row["f"]["value"], row["t"]["value"]
            evidence = [e for _, e in self.questions.evidence_for(f, serves, t)]
            if evidence:
                item = link(f, t, serves)
                item.evidence.extend(evidence)
                item.stated = True
            if not include_derived:
                continue
            for _, derivation in self.questions.derivations_for(f, serves, t):
                via = next(
                    (
                        premise.object.iri
                        for premise in derivation.premises
                        if premise.subject.iri == f
                        and premise.predicate in (str(ILOKG.principalStandard), str(ILOKG.contributesToOutput))
                    ),
                    None,
                )
                if evidence and via is None:
                    continue  # the direct link is already drawn as stated
                item = link(via or f, t, serves)
                if derivation.rule not in item.rules:
                    item.rules.append(derivation.rule)
        chosen = [item for item in links.values() if include_derived or item.stated]
        if level == "goal":
            chosen = self._to_goals(chosen)
        return self._flow(level, chosen)

    def _to_goals(self, links: list[FlowLink]) -> list[FlowLink]:
        targets = {item.target for item in links if item.target.startswith(SDG_BASE)}
        values = " ".join(f"<{iri}>" for iri in sorted(targets))
        rows = self.store.select(
            PROLOGUE + f"SELECT ?t ?g WHERE {{ VALUES ?t {{ {values} }} ?t a sdgo:Target ; skos:broader ?g }}"
        )
        goal_of = {row["t"]["value"]: row["g"]["value"] for row in rows}
        merged: dict[tuple[str, str], FlowLink] = {}
        for item in links:
            target = goal_of.get(item.target, item.target)
            key = (item.source, target)
            if key not in merged:
                merged[key] = FlowLink(item.source, target, item.predicate, item.stated)
            into = merged[key]
            into.stated = into.stated or item.stated
            into.evidence.extend(e for e in item.evidence if e not in into.evidence)
            into.rules.extend(r for r in item.rules if r not in into.rules)
        return list(merged.values())

    def _flow(self, level: str, links: list[FlowLink]) -> Flow:
        iris = {item.source for item in links} | {item.target for item in links}
        names = self.questions.labels(iris)
        kinds = self.kinds_of(iris)
        sources = {item.source for item in links}
        targets = {item.target for item in links}
        flagships = sources - targets
        nodes: list[FlowNode] = []
        for iri in iris:
            kind = kinds.get(iri, "")
            column = 0 if iri in flagships else 2 if kind.startswith("SDG") else 1
            nodes.append(FlowNode(self.questions.ref(iri, names.get(iri)), kind, column))
        nodes.sort(key=lambda n: (n.column, n.kind, _natural_key(n.ref.id or n.ref.iri)))
        order = {node.ref.iri: i for i, node in enumerate(nodes)}
        links.sort(key=lambda item: (order[item.source], order[item.target]))
        for item in links:
            item.evidence.sort(key=lambda e: (e.document.iri, e.line))
        return Flow(level, nodes, links)

    def _property_names(self) -> dict[str, str]:
        rows = self.store.select(
            PROLOGUE + "SELECT ?p (SAMPLE(?l) AS ?label) WHERE { ?p a owl:ObjectProperty ; rdfs:label ?l } GROUP BY ?p"
        )
        return {row["p"]["value"]: row["label"]["value"] for row in rows}


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _natural_key(text: str) -> list[tuple[int, str]]:
    return [(int(part), "") if part.isdigit() else (0, part) for part in re.split(r"(\d+)", text)]
