"""What the graph holds and how a person finds things in it: counts by kind, the source documents and their
text, the build, a search over names and short ids, and the flow from flagships to the SDGs.

Plain data for any presentation (the HTML pages and their JSON routes).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from graph import terms
from graph.queries import overview as queries
from graph.read.citations import Citations
from graph.read.questions import EvidenceItem, Questions, Ref
from graph.read.search import MAX_SEARCH_RESULTS, Search, SearchHit
from graph.read.search import SearchTextError as SearchTextError  # where the pages have always found it
from graph.read.strength import strength_of
from graph.read.wording import natural_key
from graph.store.formats import Binding, binding_value
from ontology.namespaces import ILOKG, SDG_BASE, SDGO

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
    str(ILOKG.Programme): "ILO programme",
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
    str(ILOKG.DocumentPart): "part of a document",
}


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


@dataclass
class FlowNode:
    """A node of the flow diagram; `column` 0 flagships, 1 standards and P&B results, 2 the SDGs."""

    ref: Ref
    kind: str
    column: int


@dataclass
class FlowLink:
    """A link of the flow diagram: stated by a document (with evidence), or derived by a rule: from a stated range
    of targets, or through a chain (drawn through the standard or output the chain goes through)."""

    source: str
    target: str
    predicate: Ref
    stated: bool
    evidence: list[EvidenceItem] = field(default_factory=list)
    rules: list[Ref] = field(default_factory=list)

    @property
    def strength(self) -> str | None:
        """stated, range or chain, as every answer says it (graph/read/strength.py)."""
        return strength_of(self.stated, (rule.iri for rule in self.rules))


@dataclass
class Flow:
    """Flagships -> the standards and P&B results they rest on -> the SDG targets (or goals) they serve."""

    level: str
    nodes: list[FlowNode]
    links: list[FlowLink]


class Overview:
    """Summaries and lookups over one store, for the pages a person reads."""

    def __init__(self, questions: Questions, seeds_dir: Path) -> None:
        self.questions = questions
        self.store = questions.store
        self.ids = questions.ids
        self.seeds_dir = seeds_dir
        self.finder = Search(questions, CLASS_NAMES)
        self.citations = Citations(questions, seeds_dir)

    # ------------------------------------------------------------ what the graph holds

    def kind_counts(self) -> list[KindCount]:
        rows = self.store.select(queries.kind_counts(terms.iri(c) for c in KIND_LABELS))
        found = {row["class"]["value"]: int(row["n"]["value"]) for row in rows}
        return [KindCount(iri, label, found.get(iri, 0)) for iri, label in KIND_LABELS.items()]

    def build_info(self) -> BuildInfo:
        rows = self.store.select(queries.BUILD_INFO)
        created = binding_value(rows[0], "created") if rows else None
        triples = binding_value(rows[0], "triples") if rows else None
        return BuildInfo(self.store.build_id, created, int(triples) if triples else None)

    def documents(self) -> list[SourceDocumentInfo]:
        """Every source document and reference list, ILO documents first, by key."""
        rows = self.store.select(queries.DOCUMENTS)
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
        rows = self.store.select(queries.stated_links(terms.iri(document.ref.iri)))
        iris = {row[k]["value"] for row in rows for k in ("s", "o") if row[k]["type"] == "uri"}
        # Figures and indicator values have no name: they read as their words instead of their ids.
        names = self.finder.titles(iris) | self.questions.labels(iris)
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

    def kinds_of(self, iris: set[str]) -> dict[str, str]:
        """The most specific class name of each IRI that has one of the known classes."""
        if not iris:
            return {}
        rows = self.store.select(queries.types(terms.iri(i) for i in iris))
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
        """Things whose id, code, name or acronym matches `text`, best first (see graph.read.search)."""
        return self.finder.search(text, limit)

    # ------------------------------------------------------------ the flow from flagships to the SDGs

    def flow(self, level: str = "target", flagship: str | None = None, include_derived: bool = True) -> Flow:
        """Flagship -> principal standard / P&B outcome / P&B output -> SDG target (or goal), as the graph links them.

        A derived flagship-target link reached through a standard or an output is drawn through that standard or
        output, so the picture shows the route the rule took.
        """
        if level not in ("target", "goal"):
            raise ValueError("level is 'target' or 'goal'")
        chosen_flagship = terms.iri(flagship) if flagship else None
        middle = self.store.select(queries.flow_middle(chosen_flagship))
        served = self.store.select(queries.flow_served(chosen_flagship))
        links: dict[tuple[str, str], FlowLink] = {}
        predicate_names = self.property_names()

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
        rows = self.store.select(queries.goals_of_targets(terms.iri(t) for t in targets)) if targets else []
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
        nodes.sort(key=lambda n: (n.column, n.kind, natural_key(n.ref.id or n.ref.iri)))
        order = {node.ref.iri: i for i, node in enumerate(nodes)}
        links.sort(key=lambda item: (order[item.source], order[item.target]))
        for item in links:
            item.evidence.sort(key=lambda e: (e.document.iri, e.line))
        return Flow(level, nodes, links)

    def property_names(self) -> dict[str, str]:
        """The label of every object property of the ontology."""
        rows = self.store.select(queries.OBJECT_PROPERTY_LABELS)
        return {row["p"]["value"]: row["label"]["value"] for row in rows}


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
