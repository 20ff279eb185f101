"""Named questions over the graph, answered with the evidence or the chain of premises behind each answer.

All answers are plain data (dataclasses) built from SPARQL over any GraphStore, so the
command line and the HTTP service print the same thing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from graph.ids import IdError, IdScheme
from graph.store import Binding, GraphStore
from ontology.namespaces import ILOKG, PREFIXES, SDG_BASE

PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())
MAX_PREMISE_DEPTH = 8


class UnknownResource(LookupError):
    """An id or code the graph does not hold; the message says so in words a person can act on."""


@dataclass(frozen=True)
class Ref:
    """A thing in the graph, by IRI, short id and label."""

    iri: str
    id: str | None
    label: str | None


@dataclass(frozen=True)
class EvidenceItem:
    """Where a document (or reference file) states a link."""

    iri: str
    document: Ref
    line: int
    quote: str
    note: str | None = None


@dataclass
class Premise:
    """One premise of a derivation: a stated link (with its evidence) or another derivation."""

    iri: str
    subject: Ref
    predicate: str
    object: Ref
    evidence: EvidenceItem | None = None
    derivation: DerivationItem | None = None


@dataclass
class DerivationItem:
    """A link derived by a rule, with the premises it came from."""

    iri: str
    rule: Ref
    premises: list[Premise] = field(default_factory=list)


@dataclass
class FlagshipAnswer:
    """A flagship that serves the asked thing: stated (with evidence) and/or derived (with derivations)."""

    flagship: Ref
    stated: bool
    evidence: list[EvidenceItem] = field(default_factory=list)
    derivations: list[DerivationItem] = field(default_factory=list)


@dataclass
class FlagshipsForTarget:
    """Which flagships serve an SDG target, and why."""

    target: Ref
    stated: list[FlagshipAnswer]
    derived_only: list[FlagshipAnswer]


def binding_value(row: Binding, name: str) -> str | None:
    """The value of a variable of a SPARQL JSON row, or None when it is unbound."""
    term = row.get(name)
    return term["value"] if term else None


class Questions:
    """The named questions, over one store."""

    def __init__(self, store: GraphStore, ids: IdScheme) -> None:
        self.store = store
        self.ids = ids

    # ------------------------------------------------------------ refs and labels

    def ref(self, iri: str, label: str | None = None) -> Ref:
        return Ref(iri, self.ids.short_id(iri), label)

    def labels(self, iris: set[str]) -> dict[str, str]:
        """English prefLabel of each IRI that has one (SDG items and countries also have French and Spanish ones)."""
        if not iris:
            return {}
        values = " ".join(f"<{iri}>" for iri in sorted(iris))
        rows = self.store.select(
            PROLOGUE + f"SELECT ?s (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?s {{ {values} }} ?s skos:prefLabel ?l "
            'FILTER(LANGMATCHES(LANG(?l), "en")) } GROUP BY ?s'
        )
        return {row["s"]["value"]: row["label"]["value"] for row in rows}

    def resolve_target(self, code: str) -> str:
        """The IRI of SDG target `code` (8.7), or UnknownResource."""
        text = code.strip().removeprefix("sdg:")
        try:
            resolved = self.ids.resolve("sdg:" + text)
        except IdError as error:
            raise UnknownResource(f"{code!r} is not an SDG target code; write it like 8.7 or 1.a") from error
        if not str(resolved.iri).startswith(SDG_BASE) or text.count(".") != 1:
            raise UnknownResource(f"{code!r} is not an SDG target code; write it like 8.7 or 1.a")
        found = self.store.select(PROLOGUE + f"SELECT ?s WHERE {{ BIND(<{resolved.iri}> AS ?s) ?s a sdgo:Target }}")
        if not found:
            raise UnknownResource(f"there is no SDG target {text}; the SDG framework has targets 1.1 to 17.19")
        return str(resolved.iri)

    # ------------------------------------------------------------ evidence and derivations

    def evidence_for(self, subject: str | None, predicate: str, obj: str) -> list[tuple[str, EvidenceItem]]:
        """(subject IRI, evidence) for every stated link `subject predicate obj` (subject None: any)."""
        # No BIND(?subject AS ?subject) when any subject will do: Virtuoso then matches nothing.
        bind_subject = f"BIND(<{subject}> AS ?subject)" if subject else ""
        rows = self.store.select(
            PROLOGUE
            + f"""SELECT ?subject ?evidence ?document ?title ?line ?quote ?note WHERE {{
  {bind_subject}
  ?evidence a ilokg:Evidence ; rdf:subject ?subject ; rdf:predicate <{predicate}> ; rdf:object <{obj}> ;
            dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
  ?document dcterms:title ?title .
  OPTIONAL {{ ?evidence rdfs:comment ?note }}
}} ORDER BY ?document ?line"""
        )
        return [(row["subject"]["value"], self._evidence_item(row)) for row in rows]

    def _evidence_item(self, row: Binding) -> EvidenceItem:
        return EvidenceItem(
            iri=row["evidence"]["value"],
            document=self.ref(row["document"]["value"], binding_value(row, "title")),
            line=int(row["line"]["value"]),
            quote=row["quote"]["value"],
            note=binding_value(row, "note"),
        )

    def derivations_for(self, subject: str | None, predicate: str, obj: str) -> list[tuple[str, DerivationItem]]:
        """(subject IRI, derivation with its premises) for every derived link `subject predicate obj`."""
        # No BIND(?subject AS ?subject) when any subject will do: Virtuoso then matches nothing.
        bind_subject = f"BIND(<{subject}> AS ?subject)" if subject else ""
        rows = self.store.select(
            PROLOGUE
            + f"""SELECT ?subject ?derivation WHERE {{
  {bind_subject}
  ?derivation a ilokg:Derivation ; rdf:subject ?subject ; rdf:predicate <{predicate}> ; rdf:object <{obj}> .
}} ORDER BY ?derivation"""
        )
        items = self.explain([row["derivation"]["value"] for row in rows])
        return [(row["subject"]["value"], items[row["derivation"]["value"]]) for row in rows]

    def explain(self, derivations: list[str], depth: int = 0) -> dict[str, DerivationItem]:
        """Each derivation with its rule and premises, premises explained down to the stated evidence."""
        if not derivations:
            return {}
        values = " ".join(f"<{iri}>" for iri in sorted(set(derivations)))
        # Three small queries rather than one with OPTIONALs: an OPTIONAL over every evidence node
        # costs a scan of all of them (seconds at a million triples); VALUES keeps each lookup bound.
        rows = self.store.select(
            PROLOGUE
            + f"""SELECT ?derivation ?rule ?premise ?kind ?s ?p ?o WHERE {{
  VALUES ?derivation {{ {values} }}
  ?derivation ilokg:rule ?rule ; prov:wasDerivedFrom ?premise .
  ?premise a ?kind ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  FILTER(?kind IN (ilokg:Evidence, ilokg:Derivation))
}}"""
        )
        rule_labels = self._rule_labels({row["rule"]["value"] for row in rows})
        sources = self._evidence_sources(
            {row["premise"]["value"] for row in rows if row["kind"]["value"] == str(ILOKG.Evidence)}
        )
        nested = [row["premise"]["value"] for row in rows if row["kind"]["value"] == str(ILOKG.Derivation)]
        deeper = self.explain(nested, depth + 1) if depth < MAX_PREMISE_DEPTH else {}
        names = self.labels({row[k]["value"] for row in rows for k in ("s", "o") if row[k]["type"] == "uri"})
        items: dict[str, DerivationItem] = {}
        for row in rows:
            iri = row["derivation"]["value"]
            rule = row["rule"]["value"]
            item = items.setdefault(iri, DerivationItem(iri, self.ref(rule, rule_labels.get(rule))))
            premise = Premise(
                iri=row["premise"]["value"],
                subject=self.ref(row["s"]["value"], names.get(row["s"]["value"])),
                predicate=row["p"]["value"],
                object=self.ref(row["o"]["value"], names.get(row["o"]["value"], row["o"]["value"])),
            )
            source = sources.get(premise.iri) if row["kind"]["value"] == str(ILOKG.Evidence) else None
            if source is not None:
                premise.evidence = EvidenceItem(
                    iri=premise.iri,
                    document=self.ref(source["document"]["value"], binding_value(source, "title")),
                    line=int(source["line"]["value"]),
                    quote=source["quote"]["value"],
                )
            else:
                premise.derivation = deeper.get(premise.iri)
            item.premises.append(premise)
        for item in items.values():
            item.premises.sort(key=lambda p: (p.evidence is None, p.predicate, p.iri))
        return items

    def _rule_labels(self, rules: set[str]) -> dict[str, str]:
        if not rules:
            return {}
        values = " ".join(f"<{iri}>" for iri in sorted(rules))
        rows = self.store.select(
            PROLOGUE + f"SELECT ?rule ?label WHERE {{ VALUES ?rule {{ {values} }} ?rule rdfs:label ?label }}"
        )
        labels: dict[str, str] = {}
        for row in rows:
            labels.setdefault(row["rule"]["value"], row["label"]["value"])
        return labels

    def _evidence_sources(self, evidence: set[str]) -> dict[str, Binding]:
        """Document, title, line and quote of each evidence node."""
        if not evidence:
            return {}
        values = " ".join(f"<{iri}>" for iri in sorted(evidence))
        rows = self.store.select(
            PROLOGUE
            + f"""SELECT ?premise ?document ?title ?line ?quote WHERE {{
  VALUES ?premise {{ {values} }}
  ?premise dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
  ?document dcterms:title ?title
}}"""
        )
        sources: dict[str, Binding] = {}
        for row in rows:
            sources.setdefault(row["premise"]["value"], row)
        return sources

    # ------------------------------------------------------------ the questions

    def flagships_for_target(self, code: str) -> FlagshipsForTarget:
        """Which flagships serve SDG target `code`: those the documents state, and those reached only by rule."""
        target = self.resolve_target(code)
        predicate = str(ILOKG.servesTarget)
        flagships = {
            row["f"]["value"]
            for row in self.store.select(PROLOGUE + "SELECT ?f WHERE { ?f a ilokg:FlagshipProgramme }")
        }
        evidence: dict[str, list[EvidenceItem]] = defaultdict(list)
        for subject, item in self.evidence_for(None, predicate, target):
            if subject in flagships:
                evidence[subject].append(item)
        derivations: dict[str, list[DerivationItem]] = defaultdict(list)
        for subject, derivation in self.derivations_for(None, predicate, target):
            if subject in flagships:
                derivations[subject].append(derivation)
        names = self.labels({target, *evidence, *derivations})
        answers = [
            FlagshipAnswer(self.ref(f, names.get(f)), f in evidence, evidence.get(f, []), derivations.get(f, []))
            for f in sorted({*evidence, *derivations}, key=lambda f: names.get(f, f))
        ]
        return FlagshipsForTarget(
            target=self.ref(target, names.get(target)),
            stated=[a for a in answers if a.stated],
            derived_only=[a for a in answers if not a.stated],
        )
