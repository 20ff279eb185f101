"""Links that follow by rule from what the documents state, each naming its premises.

Rules (declared as ilokg:DerivationRule in the ontology):
- rangeExpansion: a stated range "8.2-8.10" serves every numbered target from 8.2 to 8.10;
- targetThroughIndicator: serving an SDG indicator serves its target;
- targetThroughOutput: contributing to an output that reports on an SDG indicator serves its target;
- targetThroughStandard: a principal standard promoted by an output that reports on an SDG
  indicator serves that indicator's target;
- goalThroughTarget: serving a target serves its goal;
- upFromIndicator: a standard or an SDG indicator the text of a P&B indicator names is named by the output
  or objective the indicator measures (and so feeds targetThroughOutput and targetThroughStandard).
A premise is the evidence node of a stated link (documents or reference data) or another derivation.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from ontology.namespaces import ILOKG, SDG_BASE, SKOS


@dataclass(frozen=True)
class Statement:
    """An asserted triple and the evidence node that says where a document states it."""

    triple: tuple[URIRef, URIRef, Node]
    evidence: URIRef
    document: str
    where: str = ""  # the curated row (file:line) that states it; blank for reference data


@dataclass(eq=False)
class Derivation:
    """A derived triple, the rule that gave it and its premises."""

    triple: tuple[URIRef, URIRef, URIRef]
    rule: URIRef
    premises: list[URIRef | Derivation]
    iri: URIRef | None = field(default=None)

    @property
    def digest(self) -> str:
        """Stable id: the same triple from the same rule and premises is the same derivation."""
        premise_ids = sorted(p.digest if isinstance(p, Derivation) else str(p) for p in self.premises)
        text = " ".join([*map(str, self.triple), str(self.rule), *premise_ids])
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class _Derivations:
    def __init__(self) -> None:
        self.items: list[Derivation] = []
        self.seen: set[str] = set()

    def add(self, triple: tuple[URIRef, URIRef, URIRef], rule: URIRef, premises: Sequence[URIRef | Derivation]) -> None:
        item = Derivation(triple, rule, list(premises))
        if item.digest not in self.seen:
            self.seen.add(item.digest)
            self.items.append(item)


def _targets_in_range(text: str) -> list[str]:
    first, _, last = text.partition("-")
    goal, _, start = first.partition(".")
    end = last.partition(".")[2]
    return [f"{goal}.{number}" for number in range(int(start), int(end) + 1)]


def derive(statements: Sequence[Statement]) -> list[Derivation]:
    """Apply every rule to the stated links (documents and reference data); derivations in a stable order."""

    by_predicate: dict[URIRef, list[tuple[URIRef, Node, URIRef]]] = defaultdict(list)
    broader: dict[URIRef, list[tuple[URIRef, URIRef]]] = defaultdict(list)  # child -> [(parent, evidence)]
    for statement in statements:
        subject, predicate, obj = statement.triple
        if predicate == SKOS.broader and isinstance(obj, URIRef):
            broader[subject].append((obj, statement.evidence))
        else:
            by_predicate[predicate].append((subject, obj, statement.evidence))

    out = _Derivations()
    serves_target: list[tuple[URIRef, URIRef, URIRef | Derivation]] = [
        (s, o, ev) for s, o, ev in by_predicate[ILOKG.servesTarget] if isinstance(o, URIRef)
    ]

    for subject, text, evidence in by_predicate[ILOKG.servesTargetRange]:
        assert isinstance(text, Literal)
        for code in _targets_in_range(str(text)):
            target = URIRef(SDG_BASE + code)
            if target in broader:  # only targets the SDG framework holds
                out.add((subject, ILOKG.servesTarget, target), ILOKG.rangeExpansion, [evidence])

    for subject, indicator, evidence in by_predicate[ILOKG.servesIndicator]:
        assert isinstance(indicator, URIRef)
        for target, hierarchy in broader[indicator]:
            out.add((subject, ILOKG.servesTarget, target), ILOKG.targetThroughIndicator, [evidence, hierarchy])

    reports_on: dict[URIRef, list[tuple[URIRef, URIRef | Derivation]]] = defaultdict(
        list
    )  # output -> [(SDG ind., premise)]
    for output, indicator, evidence in by_predicate[ILOKG.reportsOn]:
        assert isinstance(indicator, URIRef)
        reports_on[output].append((indicator, evidence))
    promoted_by: dict[URIRef, list[tuple[URIRef, URIRef | Derivation]]] = defaultdict(
        list
    )  # standard -> [(output, p.)]
    for output, standard, evidence in by_predicate[ILOKG.promotesStandard]:
        assert isinstance(standard, URIRef)
        promoted_by[standard].append((output, evidence))
    for item in _up_from_indicators(by_predicate, out):
        measurer, predicate, named = item.triple
        if predicate == ILOKG.reportsOn:
            reports_on[measurer].append((named, item))
        else:
            promoted_by[named].append((measurer, item))

    for subject, contributed, contributes in by_predicate[ILOKG.contributesToOutput]:
        assert isinstance(contributed, URIRef)
        for indicator, reports in reports_on[contributed]:
            for target, hierarchy in broader[indicator]:
                out.add(
                    (subject, ILOKG.servesTarget, target),
                    ILOKG.targetThroughOutput,
                    [contributes, reports, hierarchy],
                )

    for flagship, standard, principal in by_predicate[ILOKG.principalStandard]:
        assert isinstance(standard, URIRef)
        for output, promotes in promoted_by[standard]:
            for indicator, reports in reports_on[output]:
                for target, hierarchy in broader[indicator]:
                    out.add(
                        (flagship, ILOKG.servesTarget, target),
                        ILOKG.targetThroughStandard,
                        [principal, promotes, reports, hierarchy],
                    )

    derived_targets: list[tuple[URIRef, URIRef, URIRef | Derivation]] = [
        (item.triple[0], item.triple[2], item) for item in list(out.items) if item.triple[1] == ILOKG.servesTarget
    ]
    goal_premises: list[tuple[URIRef, URIRef, URIRef | Derivation]] = [*serves_target, *derived_targets]
    for subject, target, premise in goal_premises:
        for goal, hierarchy in broader[target]:
            out.add((subject, ILOKG.servesGoal, goal), ILOKG.goalThroughTarget, [premise, hierarchy])
    return out.items


def _up_from_indicators(
    by_predicate: dict[URIRef, list[tuple[URIRef, Node, URIRef]]], out: _Derivations
) -> list[Derivation]:
    """Rule upFromIndicator: what a P&B indicator's text names, the output or objective it measures names."""
    measurers: dict[URIRef, list[tuple[URIRef, URIRef]]] = defaultdict(list)  # indicator -> [(measurer, evidence)]
    for measurer, indicator, evidence in by_predicate[ILOKG.measuredBy]:
        assert isinstance(indicator, URIRef)
        measurers[indicator].append((measurer, evidence))
    rolled: list[Derivation] = []
    for predicate in (ILOKG.promotesStandard, ILOKG.reportsOn):
        for indicator, named, stated in by_predicate[predicate]:
            assert isinstance(named, URIRef)
            for measurer, measured in measurers.get(indicator, []):
                before = len(out.items)
                out.add((measurer, predicate, named), ILOKG.upFromIndicator, [stated, measured])
                rolled.extend(out.items[before:])
    return rolled
