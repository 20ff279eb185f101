"""Any resource of the graph described the same way: its types, names and every link out and in, each link with
the evidence that states it or the derivation that gives it.

Plain data for any presentation (JSON routes, HTML pages, the command line).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from graph.ids import IdError
from graph.questions import PROLOGUE, DerivationItem, EvidenceItem, Questions, Ref, UnknownResource
from graph.store import Binding
from ontology.namespaces import ILOKG, QB, RDF, SKOS

OUT = "out"
IN = "in"
DEFAULT_LINKS_PER_GROUP = 500
NAME_PREDICATES = {
    str(SKOS.prefLabel): "pref_label",
    str(SKOS.altLabel): "alt_labels",
    str(ILOKG.acronym): "acronyms",
    str(SKOS.notation): "notations",
}
# Not shown as links into a resource: evidence and derivation nodes (shown with the links they explain) and
# observations (thousands point at one SDG indicator or country; graph/countries.py reads them).
_BOOKKEEPING = f"<{ILOKG.Evidence}>, <{ILOKG.Derivation}>, <{QB.Observation}>"


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

    @property
    def stated(self) -> bool:
        """A source document (or reference file) states this link."""
        return bool(self.evidence)

    @property
    def derived(self) -> bool:
        """A rule gives this link."""
        return bool(self.derivations)


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


def _local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


class Resources:
    """Describes resources of one store (through the Questions over it, which know evidence and derivations)."""

    def __init__(self, questions: Questions) -> None:
        self.questions = questions
        self.store = questions.store

    def exists(self, iri: str) -> bool:
        rows = self.store.select(f"SELECT ?p WHERE {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }} LIMIT 1")
        return bool(rows)

    def property_labels(self, iris: set[str]) -> dict[str, str]:
        """rdfs:label of each property (ontology or the standard vocabularies), else its local name."""
        if not iris:
            return {}
        values = " ".join(f"<{iri}>" for iri in sorted(iris))
        rows = self.store.select(
            PROLOGUE + f"SELECT ?p (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?p {{ {values} }} ?p rdfs:label ?l }} "
            "GROUP BY ?p"
        )
        found = {row["p"]["value"]: row["label"]["value"] for row in rows}
        return {iri: found.get(iri, _local_name(iri)) for iri in iris}

    def describe(self, iri: str, links_per_group: int = DEFAULT_LINKS_PER_GROUP) -> ResourceDescription:
        """Everything the graph says of `iri`; UnknownResource when it says nothing."""
        outgoing = self.store.select(f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }}")
        incoming = self.store.select(
            PROLOGUE
            + f"""SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }}
  FILTER NOT EXISTS {{ ?s a ?bookkeeping FILTER(?bookkeeping IN ({_BOOKKEEPING})) }} }}"""
        )
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
                link = out_links[key] = Link(predicate_ref(p), OUT, node, value)
            link.graphs.append(row["g"]["value"])
        in_links: dict[tuple[str, tuple[str, ...]], Link] = {}
        for row in incoming:
            p, s = row["p"]["value"], row["s"]
            key = (p, _term_key(s))
            link = in_links.get(key)
            if link is None:
                link = in_links[key] = Link(predicate_ref(p), IN, ref(s), None)
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
        rows = self.store.select(
            PROLOGUE
            + f"""SELECT ?evidence ?s ?p ?o ?document ?title ?line ?quote ?note WHERE {{
  {{ ?evidence rdf:subject <{iri}> BIND(<{iri}> AS ?s) }}
  UNION {{ ?evidence rdf:object <{iri}> BIND(<{iri}> AS ?o) }}
  ?evidence a ilokg:Evidence ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ;
            dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
  OPTIONAL {{ ?document dcterms:title ?title }}
  OPTIONAL {{ ?evidence rdfs:comment ?note }}
}} ORDER BY ?document ?line ?evidence"""
        )
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
        rows = self.store.select(
            PROLOGUE
            + f"""SELECT DISTINCT ?derivation ?s ?p ?o WHERE {{
  {{ ?derivation rdf:subject <{iri}> BIND(<{iri}> AS ?s) }}
  UNION {{ ?derivation rdf:object <{iri}> BIND(<{iri}> AS ?o) }}
  ?derivation a ilokg:Derivation ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
}} ORDER BY ?derivation"""
        )
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


def _link_sort_key(link: Link) -> str:
    if link.node is not None:
        return (link.node.id or link.node.label or link.node.iri).lower()
    return link.value.value.lower() if link.value else ""


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


def _members_query(class_iri: str, within: str | None) -> str:
    scope = f"?member ilokg:inBiennium <{within}> ." if within else ""
    return (
        PROLOGUE
        + f"""SELECT ?member (SAMPLE(?name) AS ?label) WHERE {{
  ?member a/rdfs:subClassOf* <{class_iri}> . {scope}
  OPTIONAL {{ ?member skos:prefLabel ?name FILTER(LANGMATCHES(LANG(?name), "en")) }}
}} GROUP BY ?member"""
    )


class Catalogue:
    """Lists and lookups of resources by class (flagships, instruments, P&B results, SDG items)."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        self.questions = resources.questions
        self.store = resources.store

    def members(self, class_iri: str, within: str | None = None) -> list[Ref]:
        """Every resource of a class (or a subclass), optionally in one biennium, ordered by short id."""
        rows = self.store.select(_members_query(class_iri, within))
        refs = [
            self.questions.ref(row["member"]["value"], row["label"]["value"] if "label" in row else None)
            for row in rows
        ]
        return sorted(refs, key=lambda r: _natural_key(r.id or r.iri))

    def is_a(self, iri: str, class_iri: str) -> bool:
        return bool(
            self.store.select(
                PROLOGUE + f"SELECT ?t WHERE {{ <{iri}> a/rdfs:subClassOf* <{class_iri}> BIND(1 AS ?t) }} LIMIT 1"
            )
        )

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
        rows = self.store.select(
            PROLOGUE
            + f"""SELECT ?figure ?measure ?amount ?unit ?qualifier ?year WHERE {{
  <{iri}> ilokg:figure ?figure .
  OPTIONAL {{ ?figure ilokg:measure ?measure }} OPTIONAL {{ ?figure ilokg:amount ?amount }}
  OPTIONAL {{ ?figure ilokg:unit ?unit }} OPTIONAL {{ ?figure ilokg:qualifier ?qualifier }}
  OPTIONAL {{ ?figure ilokg:referenceYear ?year }}
}} ORDER BY ?figure"""
        )
        figures: dict[str, Figure] = {}
        for row in rows:
            figure_iri = row["figure"]["value"]
            if figure_iri in figures:
                continue
            figures[figure_iri] = Figure(
                figure=self.questions.ref(figure_iri),
                measure=_opt(row, "measure"),
                amount=_opt(row, "amount"),
                unit=_opt(row, "unit"),
                qualifier=_opt(row, "qualifier"),
                year=_opt(row, "year"),
                evidence=[item for _, item in self.questions.evidence_for(iri, str(ILOKG.figure), figure_iri)],
            )
        return list(figures.values())


def _opt(row: Binding, name: str) -> str | None:
    term = row.get(name)
    return term["value"] if term else None


def _natural_key(text: str) -> list[tuple[int, str]]:
    """Order 8.10 after 8.9 and C029 before C182."""
    return [(int(part), "") if part.isdigit() else (0, part) for part in re.split(r"(\d+)", text)]
