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

What each rule fires on, and what it never claims:
- the two chains through a P&B result fire on outputs only: an outcome names standards and SDG
  indicators for all its outputs together, so a standard and an indicator named in one outcome's text
  say nothing about each other (an output is what the ontology says: the subject of outputOf, or what
  something contributes to as an output);
- a link a document states (or states as a range) is not derived again: a target stated for a subject
  gets no rule, a target stated as a range gets no chain, a goal stated for a subject gets no rule;
- a link reached in several ways keeps one derivation, the shortest chain (fewest stated premises,
  counted down to the documents), so each premise is cited once; ties go to the rule listed first
  above, then to the premise stated first in the curated files;
- statements about the flagships as a group (portfolio:flagships) stay on the group: no rule reads
  skos:member, so nothing stated of the group becomes a link of one programme.
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

# The order in which rules are preferred when two give the same link with chains of the same length.
RULE_ORDER = (
    ILOKG.upFromIndicator,
    ILOKG.rangeExpansion,
    ILOKG.targetThroughIndicator,
    ILOKG.targetThroughOutput,
    ILOKG.targetThroughStandard,
    ILOKG.goalThroughTarget,
)


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

    @property
    def stated_premises(self) -> int:
        """How many stated links the chain rests on, counted down to the documents."""
        return sum(p.stated_premises if isinstance(p, Derivation) else 1 for p in self.premises)


class _Candidates:
    """Every way the rules reach each link; `best()` keeps the shortest for each."""

    def __init__(self, where: dict[URIRef, str]) -> None:
        self.where = where
        self.by_triple: dict[tuple[URIRef, URIRef, URIRef], list[Derivation]] = defaultdict(list)

    def add(self, triple: tuple[URIRef, URIRef, URIRef], rule: URIRef, premises: Sequence[URIRef | Derivation]) -> None:
        self.by_triple[triple].append(Derivation(triple, rule, list(premises)))

    def _key(self, item: Derivation) -> tuple[int, int, list[str], str]:
        cited = sorted(self._cited(item))
        return (item.stated_premises, RULE_ORDER.index(item.rule), cited, item.digest)

    def _cited(self, item: Derivation) -> list[str]:
        found: list[str] = []
        for premise in item.premises:
            if isinstance(premise, Derivation):
                found.extend(self._cited(premise))
            else:
                found.append(self.where.get(premise, str(premise)))
        return found

    def best(self) -> dict[tuple[URIRef, URIRef, URIRef], Derivation]:
        return {triple: min(items, key=self._key) for triple, items in self.by_triple.items()}


def _targets_in_range(text: str) -> list[str]:
    first, _, last = text.partition("-")
    goal, _, start = first.partition(".")
    end = last.partition(".")[2]
    return [f"{goal}.{number}" for number in range(int(start), int(end) + 1)]


def derive(statements: Sequence[Statement]) -> list[Derivation]:
    """Apply every rule to the stated links (documents and reference data); derivations in a stable order."""

    by_predicate: dict[URIRef, list[tuple[URIRef, Node, URIRef]]] = defaultdict(list)
    broader: dict[URIRef, list[tuple[URIRef, URIRef]]] = defaultdict(list)  # child -> [(parent, evidence)]
    stated: set[tuple[URIRef, URIRef, Node]] = set()
    where: dict[URIRef, str] = {}
    for statement in statements:
        subject, predicate, obj = statement.triple
        stated.add(statement.triple)
        where.setdefault(statement.evidence, f"{statement.where or statement.document} {statement.evidence}")
        if predicate == SKOS.broader and isinstance(obj, URIRef):
            broader[subject].append((obj, statement.evidence))
        else:
            by_predicate[predicate].append((subject, obj, statement.evidence))
    outputs = {s for s, _, _ in by_predicate[ILOKG.outputOf]} | {
        o for _, o, _ in by_predicate[ILOKG.contributesToOutput] if isinstance(o, URIRef)
    }

    # ---------------------------------------------------------------- SDG targets
    ranges = _Candidates(where)
    for subject, text, evidence in by_predicate[ILOKG.servesTargetRange]:
        assert isinstance(text, Literal)
        for code in _targets_in_range(str(text)):
            target = URIRef(SDG_BASE + code)
            if target in broader and (subject, ILOKG.servesTarget, target) not in stated:
                ranges.add((subject, ILOKG.servesTarget, target), ILOKG.rangeExpansion, [evidence])
    expanded = ranges.best()

    chains = _Candidates(where)

    def chain(triple: tuple[URIRef, URIRef, URIRef], rule: URIRef, premises: list[URIRef | Derivation]) -> None:
        if triple not in stated and triple not in expanded:
            chains.add(triple, rule, premises)

    for subject, indicator, evidence in by_predicate[ILOKG.servesIndicator]:
        assert isinstance(indicator, URIRef)
        for target, hierarchy in broader[indicator]:
            chain((subject, ILOKG.servesTarget, target), ILOKG.targetThroughIndicator, [evidence, hierarchy])

    # What a P&B indicator's text names, rolled up to the output it measures (stated at the indicator's level).
    rolled = _up_from_indicators(by_predicate, stated, where)
    reports_on: dict[URIRef, list[tuple[URIRef, URIRef | Derivation]]] = defaultdict(list)  # output -> [(ind., why)]
    for output, indicator, why in _output_links(ILOKG.reportsOn, by_predicate, rolled, outputs):
        reports_on[output].append((indicator, why))

    for subject, contributed, contributes in by_predicate[ILOKG.contributesToOutput]:
        assert isinstance(contributed, URIRef)
        for indicator, reports in reports_on[contributed]:
            for target, hierarchy in broader[indicator]:
                chain(
                    (subject, ILOKG.servesTarget, target), ILOKG.targetThroughOutput, [contributes, reports, hierarchy]
                )

    promoted_by: dict[URIRef, list[tuple[URIRef, URIRef | Derivation]]] = defaultdict(list)  # standard -> [(out., why)]
    for output, promoted, why in _output_links(ILOKG.promotesStandard, by_predicate, rolled, outputs):
        promoted_by[promoted].append((output, why))
    for flagship, standard, principal in by_predicate[ILOKG.principalStandard]:
        assert isinstance(standard, URIRef)
        for output, promotes in promoted_by[standard]:
            for indicator, reports in reports_on[output]:
                for target, hierarchy in broader[indicator]:
                    chain(
                        (flagship, ILOKG.servesTarget, target),
                        ILOKG.targetThroughStandard,
                        [principal, promotes, reports, hierarchy],
                    )
    targets = {**expanded, **chains.best()}

    # ---------------------------------------------------------------- SDG goals
    goals = _Candidates(where)
    target_premises: list[tuple[URIRef, URIRef, URIRef | Derivation]] = [
        (s, o, ev) for s, o, ev in by_predicate[ILOKG.servesTarget] if isinstance(o, URIRef)
    ]
    target_premises += [(item.triple[0], item.triple[2], item) for item in targets.values()]
    for subject, target, premise in target_premises:
        for goal, hierarchy in broader[target]:
            if (subject, ILOKG.servesGoal, goal) not in stated:
                goals.add((subject, ILOKG.servesGoal, goal), ILOKG.goalThroughTarget, [premise, hierarchy])

    found = [*rolled.values(), *targets.values(), *goals.best().values()]
    return sorted(found, key=lambda item: (RULE_ORDER.index(item.rule), [str(t) for t in item.triple]))


def _output_links(
    predicate: URIRef,
    by_predicate: dict[URIRef, list[tuple[URIRef, Node, URIRef]]],
    rolled: dict[tuple[URIRef, URIRef, URIRef], Derivation],
    outputs: set[URIRef],
) -> list[tuple[URIRef, URIRef, URIRef | Derivation]]:
    """(output, object, why) for each link of `predicate` from a P&B output: stated (why: its evidence), or rolled
    up from an indicator that measures it (why: that derivation)."""
    found: list[tuple[URIRef, URIRef, URIRef | Derivation]] = []
    for result, named, evidence in by_predicate[predicate]:
        assert isinstance(named, URIRef)
        if result in outputs:
            found.append((result, named, evidence))
    for item in rolled.values():
        measurer, rolled_predicate, rolled_named = item.triple
        if rolled_predicate == predicate and measurer in outputs:
            found.append((measurer, rolled_named, item))
    return found


def _up_from_indicators(
    by_predicate: dict[URIRef, list[tuple[URIRef, Node, URIRef]]],
    stated: set[tuple[URIRef, URIRef, Node]],
    where: dict[URIRef, str],
) -> dict[tuple[URIRef, URIRef, URIRef], Derivation]:
    """Rule upFromIndicator: what a P&B indicator's text names, the output or objective it measures names.

    A link the documents also state at the higher level is not derived again."""
    measurers: dict[URIRef, list[tuple[URIRef, URIRef]]] = defaultdict(list)  # indicator -> [(measurer, evidence)]
    for measurer, indicator, evidence in by_predicate[ILOKG.measuredBy]:
        assert isinstance(indicator, URIRef)
        measurers[indicator].append((measurer, evidence))
    rolled = _Candidates(where)
    for predicate in (ILOKG.promotesStandard, ILOKG.reportsOn):
        for indicator, named, named_by in by_predicate[predicate]:
            assert isinstance(named, URIRef)
            for measurer, measured in measurers.get(indicator, []):
                if (measurer, predicate, named) not in stated:
                    rolled.add((measurer, predicate, named), ILOKG.upFromIndicator, [named_by, measured])
    return rolled.best()
