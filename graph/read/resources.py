"""Any resource of the graph described the same way: its types, names and every link out and in, each link with
the evidence that states it or the derivation that gives it.

Plain data for any presentation (JSON routes, HTML pages, the command line).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from graph import terms
from graph.ids import IdError
from graph.queries import questions as question_queries
from graph.queries import resources as queries
from graph.read.questions import DerivationItem, EvidenceItem, Questions, Ref, UnknownResource, why_text
from graph.read.strength import strength_of
from graph.read.wording import natural_key
from graph.store.formats import Binding, binding_value
from ontology.namespaces import ILOKG, RDF, SKOS

OUT = "out"
IN = "in"
DEFAULT_LINKS_PER_GROUP = 500
NAME_PREDICATES = {
    str(SKOS.prefLabel): "pref_label",
    str(SKOS.altLabel): "alt_labels",
    str(ILOKG.acronym): "acronyms",
    str(SKOS.notation): "notations",
}


@dataclass(frozen=True)
class LiteralValue:
    """A literal object of a link (a name, a number, a year)."""

    value: str
    datatype: str | None = None
    language: str | None = None


@dataclass
class Link:
    """One link of a resource: to (out) or from (in) another resource, or to a literal value."""

    predicate: Ref
    direction: str  # OUT or IN
    node: Ref | None
    value: LiteralValue | None
    graphs: list[str] = field(default_factory=list)
    evidence: list[EvidenceItem] = field(default_factory=list)
    derivations: list[DerivationItem] = field(default_factory=list)
    resource: str = ""  # the IRI of the resource whose link this is

    @property
    def stated(self) -> bool:
        """A source document (or reference file) states this link."""
        return bool(self.evidence)

    @property
    def derived(self) -> bool:
        """A rule gives this link."""
        return bool(self.derivations)

    @property
    def strength(self) -> str | None:
        """stated, range or chain, as every answer says it (graph/read/strength.py); None for a link neither
        stated nor derived (the ids' own facts, such as a type)."""
        return strength_of(self.stated, (d.rule.iri for d in self.derivations))

    @property
    def why(self) -> str:
        """The strength in words: stated; stated as the range 8.2-8.10, expanded by rule; related through ..."""
        strength = self.strength
        if strength is None:
            return ""
        derivation = next((d for d in self.derivations if d.strength == strength), None)
        premises = derivation.stated_premises() if derivation else []
        ranges = [p.object.label or p.object.iri for p in premises if p.predicate == str(ILOKG.servesTargetRange)]
        ends = {self.resource, self.node.iri if self.node else ""}
        return why_text(strength, ranges, derivation.via(ends) if derivation else [])


@dataclass
class LinkGroup:
    """The links of one predicate in one direction; `total` counts them all when `links` is cut short."""

    predicate: Ref
    direction: str
    total: int
    links: list[Link]


@dataclass
class Names:
    """What a resource is called."""

    pref_label: str | None = None
    alt_labels: list[str] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)
    notations: list[str] = field(default_factory=list)


@dataclass
class ResourceDescription:
    """A resource with its types, names and links grouped by predicate and direction."""

    resource: Ref
    types: list[Ref]
    names: Names
    outgoing: list[LinkGroup]
    incoming: list[LinkGroup]

    def links(self, predicate: str, direction: str = OUT) -> list[Link]:
        """The links of one predicate IRI in one direction (empty when there are none)."""
        groups = self.outgoing if direction == OUT else self.incoming
        return next((g.links for g in groups if g.predicate.iri == predicate), [])


def _term_key(term: dict[str, str]) -> tuple[str, ...]:
    return (term["type"], term["value"], term.get("xml:lang", ""), term.get("datatype", ""))


def property_words(iri: str) -> str:
    """A property no vocabulary labels, in words from its local name (`seeAlso` -> `see also`)."""
    local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()


class Resources:
    """Describes resources of one store (through the Questions over it, which know evidence and derivations)."""

    def __init__(self, questions: Questions) -> None:
        self.questions = questions
        self.store = questions.store

    def exists(self, iri: str) -> bool:
        """Whether the graph says anything about `iri` (InvalidTerm when it is not an IRI)."""
        return bool(self.store.select(queries.mentions(terms.iri(iri))))

    def rdf(self, iri: str, media_type: str) -> bytes:
        """The resource's triples, the links into it and their evidence and derivation nodes, serialized."""
        return self.store.construct(queries.description(terms.iri(iri)), media_type)

    def property_labels(self, iris: set[str]) -> dict[str, str]:
        """rdfs:label of each property (ontology or the standard vocabularies), else its local name."""
        if not iris:
            return {}
        found: dict[str, str] = {}
        for row in self.store.select(question_queries.rdfs_labels(terms.iri(i) for i in iris)):
            found.setdefault(row["s"]["value"], row["label"]["value"])
        return {iri: found.get(iri, property_words(iri)) for iri in iris}

    def describe(self, iri: str, links_per_group: int = DEFAULT_LINKS_PER_GROUP) -> ResourceDescription:
        """Everything the graph says of `iri`; UnknownResource when it says nothing."""
        resource = terms.iri(iri)
        outgoing = self.store.select(queries.outgoing(resource))
        incoming = self.store.select(queries.incoming(resource))
        if not outgoing and not incoming:
            raise UnknownResource(f"the graph says nothing about <{iri}>")
        ref_iris = {row["o"]["value"] for row in outgoing if row["o"]["type"] == "uri"}
        ref_iris |= {row["s"]["value"] for row in incoming if row["s"]["type"] == "uri"}
        names_of = self.questions.labels(ref_iris | {iri})
        predicates = {row["p"]["value"] for row in (*outgoing, *incoming)}
        predicate_labels = self.property_labels(predicates)

        def ref(term: dict[str, str]) -> Ref:
            return self.questions.ref(term["value"], names_of.get(term["value"]))

        def predicate_ref(p: str) -> Ref:
            return Ref(p, None, predicate_labels.get(p))

        out_links: dict[tuple[str, tuple[str, ...]], Link] = {}
        types: list[Ref] = []
        names = Names()
        for row in outgoing:
            p, o = row["p"]["value"], row["o"]
            if p == str(RDF.type):
                types.append(ref(o))
                continue
            # The names are the English ones (or codes); French and Spanish names are among the links.
            if p in NAME_PREDICATES and o["type"] == "literal" and o.get("xml:lang", "en").startswith("en"):
                slot = NAME_PREDICATES[p]
                if slot == "pref_label":
                    names.pref_label = names.pref_label or o["value"]
                elif o["value"] not in getattr(names, slot):
                    getattr(names, slot).append(o["value"])
            key = (p, _term_key(o))
            link = out_links.get(key)
            if link is None:
                node = ref(o) if o["type"] != "literal" else None
                value = (
                    LiteralValue(o["value"], o.get("datatype"), o.get("xml:lang")) if o["type"] == "literal" else None
                )
                link = out_links[key] = Link(predicate_ref(p), OUT, node, value, resource=iri)
            link.graphs.append(row["g"]["value"])
        in_links: dict[tuple[str, tuple[str, ...]], Link] = {}
        for row in incoming:
            p, s = row["p"]["value"], row["s"]
            key = (p, _term_key(s))
            link = in_links.get(key)
            if link is None:
                link = in_links[key] = Link(predicate_ref(p), IN, ref(s), None, resource=iri)
            link.graphs.append(row["g"]["value"])
        self._attach_evidence(iri, out_links, in_links)
        self._attach_derivations(iri, out_links, in_links)
        types.sort(key=lambda r: r.iri)
        return ResourceDescription(
            resource=self.questions.ref(iri, names_of.get(iri) or names.pref_label),
            types=types,
            names=names,
            outgoing=self._grouped(out_links.values(), OUT, links_per_group),
            incoming=self._grouped(in_links.values(), IN, links_per_group),
        )

    @staticmethod
    def _grouped(links: object, direction: str, limit: int) -> list[LinkGroup]:
        by_predicate: dict[str, list[Link]] = defaultdict(list)
        assert hasattr(links, "__iter__")
        for link in links:
            by_predicate[link.predicate.iri].append(link)
        groups: list[LinkGroup] = []
        for items in by_predicate.values():
            items.sort(key=lambda link: (not link.stated, _link_sort_key(link)))
            for link in items:
                link.graphs.sort()
            groups.append(LinkGroup(items[0].predicate, direction, len(items), items[:limit]))
        groups.sort(key=lambda g: (g.predicate.label or g.predicate.iri).lower())
        return groups

    def _attach_evidence(
        self,
        iri: str,
        out_links: dict[tuple[str, tuple[str, ...]], Link],
        in_links: dict[tuple[str, tuple[str, ...]], Link],
    ) -> None:
        rows = self.store.select(queries.evidence_of(terms.iri(iri)))
        seen: set[tuple[int, str]] = set()
        for row in rows:
            item = self.questions._evidence_item(row)
            for link in self._links_of(iri, row, out_links, in_links):
                if (id(link), item.iri) not in seen:
                    seen.add((id(link), item.iri))
                    link.evidence.append(item)

    def _attach_derivations(
        self,
        iri: str,
        out_links: dict[tuple[str, tuple[str, ...]], Link],
        in_links: dict[tuple[str, tuple[str, ...]], Link],
    ) -> None:
        rows = self.store.select(queries.derivations_of(terms.iri(iri)))
        explained = self.questions.explain([row["derivation"]["value"] for row in rows])
        for row in rows:
            item = explained.get(row["derivation"]["value"])
            if item is None:
                continue
            for link in self._links_of(iri, row, out_links, in_links):
                link.derivations.append(item)

    @staticmethod
    def _links_of(
        iri: str,
        row: Binding,
        out_links: dict[tuple[str, tuple[str, ...]], Link],
        in_links: dict[tuple[str, tuple[str, ...]], Link],
    ) -> list[Link]:
        found: list[Link] = []
        p = row["p"]["value"]
        if row["s"]["value"] == iri and (p, _term_key(row["o"])) in out_links:
            found.append(out_links[(p, _term_key(row["o"]))])
        if row["o"]["value"] == iri and (p, _term_key(row["s"])) in in_links:
            found.append(in_links[(p, _term_key(row["s"]))])
        return found


def _link_sort_key(link: Link) -> list[tuple[int, str]]:
    """Codes in natural order (8.2 before 8.10), then names."""
    if link.node is not None:
        return natural_key(link.node.id or link.node.label or link.node.iri)
    return natural_key(link.value.value) if link.value else []


@dataclass
class Figure:
    """A number a document gives about a resource."""

    figure: Ref
    measure: str | None
    amount: str | None
    unit: str | None
    qualifier: str | None
    year: str | None
    evidence: list[EvidenceItem] = field(default_factory=list)


class Catalogue:
    """Lists and lookups of resources by class (flagships, instruments, P&B results, SDG items)."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        self.questions = resources.questions
        self.store = resources.store

    def members(self, class_iri: str, within: str | None = None) -> list[Ref]:
        """Every resource of a class (or a subclass), optionally in one biennium, ordered by short id."""
        scope = terms.iri(within) if within else None
        rows = self.store.select(queries.members(terms.iri(class_iri), scope))
        refs = [
            self.questions.ref(row["member"]["value"], row["label"]["value"] if "label" in row else None)
            for row in rows
        ]
        return sorted(refs, key=lambda r: natural_key(r.id or r.iri))

    def is_a(self, iri: str, class_iri: str) -> bool:
        return bool(self.store.select(question_queries.is_of_class(terms.iri(iri), terms.iri(class_iri))))

    def find(self, short_ids: list[str], class_iri: str, what: str, example: str) -> str:
        """The IRI of the first short id that names a resource of `class_iri`; UnknownResource otherwise."""
        for short_id in short_ids:
            try:
                iri = str(self.questions.ids.resolve(short_id).iri)
            except IdError:
                continue
            if self.is_a(iri, class_iri):
                return iri
        raise UnknownResource(f"there is no {what} {short_ids[0] if short_ids else ''!s}; {example}")

    def figures(self, iri: str) -> list[Figure]:
        """The figures documents give about `iri`, with their evidence."""
        rows = self.store.select(queries.figures(terms.iri(iri)))
        figures: dict[str, Figure] = {}
        for row in rows:
            figure_iri = row["figure"]["value"]
            if figure_iri in figures:
                continue
            figures[figure_iri] = Figure(
                figure=self.questions.ref(figure_iri),
                measure=binding_value(row, "measure"),
                amount=binding_value(row, "amount"),
                unit=binding_value(row, "unit"),
                qualifier=binding_value(row, "qualifier"),
                year=binding_value(row, "year"),
                evidence=[item for _, item in self.questions.evidence_for(iri, str(ILOKG.figure), figure_iri)],
            )
        return list(figures.values())
