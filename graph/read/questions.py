"""Named questions over the graph, answered with the evidence or the chain of premises behind each answer.

All answers are plain data (dataclasses) built from SPARQL over any GraphStore, so the
command line and the HTTP service print the same thing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from graph import terms
from graph.ids import IdError, IdScheme
from graph.queries import questions as queries
from graph.store.base import GraphStore
from graph.store.formats import Binding, binding_value
from ontology.namespaces import ILOKG, SDG_BASE, SDGO, SKOS

MAX_PREMISE_DEPTH = 8

_TARGET_SHAPE = re.compile(r"\d+\.(?:\d+|[a-z])")  # goal.number or goal.letter, as the UN writes targets


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

    @property
    def strength(self) -> str:
        """`range` for a stated range expanded by rule, `chain` for a link reached through stated links."""
        return RANGE if self.rule.iri == str(ILOKG.rangeExpansion) else CHAIN

    def stated_premises(self) -> list[Premise]:
        """The stated links the derivation rests on, however deep, each once, in the order of the chain."""
        found: dict[str, Premise] = {}
        for premise in self.premises:
            if premise.evidence is not None:
                found.setdefault(premise.iri, premise)
            elif premise.derivation is not None:
                for deeper in premise.derivation.stated_premises():
                    found.setdefault(deeper.iri, deeper)
        return sorted(found.values(), key=lambda p: chain_rank(p.predicate, p.subject.id))

    def via(self, ends: set[str]) -> list[Ref]:
        """The things the chain goes through, leaving out its two ends."""
        seen: dict[str, Ref] = {}
        for premise in self.stated_premises():
            for ref in (premise.subject, premise.object):
                if ref.iri not in ends and ref.iri.startswith(("http://", "https://")):
                    seen.setdefault(ref.iri, ref)
        return list(seen.values())


STATED = "stated"
RANGE = "range"
CHAIN = "chain"
STRENGTHS = (STATED, RANGE, CHAIN)
# The strengths in words (graph/read/strength.py groups links by them).
STRENGTH_LABELS = {
    STATED: "stated",
    RANGE: "stated as a range, expanded by rule",
    CHAIN: "related through a chain",
}


def why_text(strength: str, ranges: list[str], via: list[Ref]) -> str:
    """The strength in words: stated; stated as the range 8.2-8.10, expanded by rule; related through the things
    in between."""
    if strength == STATED:
        return "stated"
    if strength == RANGE:
        return f"stated as the range {ranges[0]}, expanded by rule" if ranges else STRENGTH_LABELS[RANGE]
    names = [_short(ref) for ref in via]
    if not names:
        return "related through a chain"
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"related through {joined}"


def _short(ref: Ref) -> str:
    ident = ref.id or ""
    if ident.startswith("sdg:"):
        return f"SDG {'indicator' if ident.count('.') == 2 else 'target'} {ident[4:]}"
    if ":" in ident:
        kind, _, local = ident.partition(":")
        return f"{kind} {local}"
    return ident or ref.label or ref.iri


# The order in which the links of a chain are read, from the programme to the SDG goal.
_CHAIN_ORDER = {
    str(ILOKG.principalStandard): 0,
    str(ILOKG.contributesToOutput): 1,
    str(ILOKG.contributesToOutcome): 1,
    str(ILOKG.promotesStandard): 2,
    str(ILOKG.outputOf): 3,
    str(ILOKG.reportsOn): 3,
    str(ILOKG.servesIndicator): 3,
    str(ILOKG.servesTargetRange): 3,
    str(ILOKG.servesTarget): 4,
    str(SKOS.broader): 5,
}


def chain_rank(predicate: str, subject_id: str | None) -> int:
    """Where a link stands in a chain read from the programme to the SDG goal."""
    rank = _CHAIN_ORDER.get(predicate, 7)
    if predicate == str(SKOS.broader) and (subject_id or "").count(".") != 2:
        rank += 1  # an indicator's target comes before a target's goal
    return rank


@dataclass
class FlagshipAnswer:
    """A flagship linked to the asked target: stated (with evidence), or stated as a range or reached through a
    chain (with its one derivation); `why` says which in words."""

    flagship: Ref
    stated: bool
    evidence: list[EvidenceItem] = field(default_factory=list)
    derivations: list[DerivationItem] = field(default_factory=list)
    strength: str = STATED
    why: str = "stated"


@dataclass
class FlagshipsForTarget:
    """Which flagships serve an SDG target (stated, or stated as a range), which are only related to it through
    a chain of stated links, and what is stated of the flagships as a group (never handed to one of them)."""

    target: Ref
    stated: list[FlagshipAnswer]
    stated_as_range: list[FlagshipAnswer] = field(default_factory=list)
    related: list[FlagshipAnswer] = field(default_factory=list)
    group: list[FlagshipAnswer] = field(default_factory=list)

    @property
    def derived_only(self) -> list[FlagshipAnswer]:
        """The flagships no document states for the target: by a stated range, or through a chain."""
        return [*self.stated_as_range, *self.related]


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
        rows = self.store.select(queries.labels(terms.iri(i) for i in iris))
        return {row["s"]["value"]: row["label"]["value"] for row in rows}

    def resolve_target(self, code: str) -> str:
        """The IRI of SDG target `code` (8.7), or UnknownResource."""
        text = code.strip().removeprefix("sdg:")
        # A code written like a target (99.9, 8.99) is well formed: it is simply not in the framework.
        absent = f"there is no SDG target {text}; the SDG framework has targets 1.1 to 17.19"
        malformed = (
            absent if _TARGET_SHAPE.fullmatch(text) else f"{code!r} is not an SDG target code; write it like 8.7 or 1.a"
        )
        try:
            resolved = self.ids.resolve("sdg:" + text)
        except IdError as error:
            raise UnknownResource(malformed) from error
        if not str(resolved.iri).startswith(SDG_BASE) or text.count(".") != 1:
            raise UnknownResource(malformed)
        if not self.store.select(queries.is_of_class(terms.iri(str(resolved.iri)), terms.iri(str(SDGO.Target)))):
            raise UnknownResource(absent)
        return str(resolved.iri)

    # ------------------------------------------------------------ evidence and derivations

    def evidence_for(self, subject: str | None, predicate: str, obj: str) -> list[tuple[str, EvidenceItem]]:
        """(subject IRI, evidence) for every stated link `subject predicate obj` (subject None: any)."""
        rows = self.store.select(
            queries.evidence_for(terms.iri(subject) if subject else None, terms.iri(predicate), terms.iri(obj))
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
        rows = self.store.select(
            queries.derivations_for(terms.iri(subject) if subject else None, terms.iri(predicate), terms.iri(obj))
        )
        items = self.explain([row["derivation"]["value"] for row in rows])
        return [(row["subject"]["value"], items[row["derivation"]["value"]]) for row in rows]

    def explain(self, derivations: list[str], depth: int = 0) -> dict[str, DerivationItem]:
        """Each derivation with its rule and premises, premises explained down to the stated evidence."""
        if not derivations:
            return {}
        # Three small queries rather than one with OPTIONALs: an OPTIONAL over every evidence node
        # costs a scan of all of them (seconds at a million triples).
        rows = self.store.select(queries.premises(terms.iri(d) for d in derivations))
        rule_labels = self.rdfs_labels({row["rule"]["value"] for row in rows})
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

    def rdfs_labels(self, iris: set[str]) -> dict[str, str]:
        """An rdfs:label of each IRI that has one (rules, properties, classes)."""
        if not iris:
            return {}
        rows = self.store.select(queries.rdfs_labels(terms.iri(r) for r in iris))
        labels: dict[str, str] = {}
        for row in rows:
            labels.setdefault(row["s"]["value"], row["label"]["value"])
        return labels

    def _evidence_sources(self, evidence: set[str]) -> dict[str, Binding]:
        """Document, title, line and quote of each evidence node."""
        if not evidence:
            return {}
        rows = self.store.select(queries.evidence_sources(terms.iri(e) for e in evidence))
        sources: dict[str, Binding] = {}
        for row in rows:
            sources.setdefault(row["premise"]["value"], row)
        return sources

    # ------------------------------------------------------------ the questions

    def flagships_for_target(self, code: str) -> FlagshipsForTarget:
        """Which flagships serve SDG target `code`: stated, stated as a range, or only related through a chain."""
        target = self.resolve_target(code)
        predicate = str(ILOKG.servesTarget)
        flagships = {
            row["s"]["value"] for row in self.store.select(queries.members_of(terms.iri(str(ILOKG.FlagshipProgramme))))
        }
        groups = {
            row["s"]["value"] for row in self.store.select(queries.members_of(terms.iri(str(ILOKG.FlagshipPortfolio))))
        }
        evidence: dict[str, list[EvidenceItem]] = defaultdict(list)
        for subject, item in self.evidence_for(None, predicate, target):
            if subject in flagships | groups:
                evidence[subject].append(item)
        derivations: dict[str, list[DerivationItem]] = defaultdict(list)
        for subject, derivation in self.derivations_for(None, predicate, target):
            if subject in flagships | groups:
                derivations[subject].append(derivation)
        names = self.labels({target, *evidence, *derivations})
        answers: list[FlagshipAnswer] = []
        for subject in sorted({*evidence, *derivations}, key=lambda f: names.get(f, f)):
            answer = FlagshipAnswer(
                self.ref(subject, names.get(subject)),
                subject in evidence,
                evidence.get(subject, []),
                derivations.get(subject, []),
            )
            if not answer.stated:
                answer.strength = min((d.strength for d in answer.derivations), key=(RANGE, CHAIN).index)
                answer.why = self._why(answer, target)
            answers.append(answer)
        members = [a for a in answers if a.flagship.iri in flagships]
        return FlagshipsForTarget(
            target=self.ref(target, names.get(target)),
            stated=[a for a in members if a.strength == STATED],
            stated_as_range=[a for a in members if a.strength == RANGE],
            related=[a for a in members if a.strength == CHAIN],
            group=[a for a in answers if a.flagship.iri in groups],
        )

    @staticmethod
    def _why(answer: FlagshipAnswer, target: str) -> str:
        derivation = next(d for d in answer.derivations if d.strength == answer.strength)
        ranges = [p.object.label or p.object.iri for p in derivation.stated_premises()]
        return why_text(answer.strength, ranges, derivation.via({answer.flagship.iri, target}))
