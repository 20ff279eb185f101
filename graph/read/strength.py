"""How strong a link is, wherever a link is shown.

- stated: a document states the link (its quote);
- range: a document states a range of SDG targets, and the rule expands it (the quote of the range);
- chain: the link is reached through a chain of stated links (the rule, and its shortest chain, each
  premise once).
Only the first two say that something serves something; a chain says it is related through the things in
between. Plain data for any presentation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from graph.read.questions import (
    CHAIN,
    RANGE,
    STATED,
    STRENGTHS,
    EvidenceItem,
    Questions,
    Ref,
    chain_rank,
    why_text,
)
from graph.store.formats import Binding, binding_value
from ontology.namespaces import ILOKG, SKOS

# What each strength means, wherever links are grouped by it (pages, diagrams).
STRENGTH_TITLES = {
    STATED: "Stated by a document",
    RANGE: "Stated as a range, expanded by rule",
    CHAIN: "Related through a chain",
}
STRENGTH_NOTES = {
    STATED: "a document states the link: each with its quote",
    RANGE: "a document states a range of targets that holds it, and the rule expands the range: the quote of the range",
    CHAIN: "no document states it: it is reached only through a chain of stated links (or links a rule derives "
    "from them), and is related through the things in between, not served",
}
# What a reader may ask for: one strength, or the two that say "serves", or any.
STRENGTH_FILTERS = {
    "any": set(STRENGTHS),
    "serves": {STATED, RANGE},
    STATED: {STATED},
    RANGE: {RANGE},
    CHAIN: {CHAIN},
}


def strength_of_rule(rule_iri: str) -> str:
    """The strength of a derived link, from the rule that gives it."""
    return RANGE if rule_iri == str(ILOKG.rangeExpansion) else CHAIN


def strongest(strengths: Iterable[str]) -> str | None:
    """The strongest of several ways a link is known."""
    found = set(strengths)
    return next((s for s in STRENGTHS if s in found), None)


def strength_of(stated: bool, rules: Iterable[str]) -> str | None:
    """How strong a link is: stated when a document states it, else the strongest of the rules that derive it."""
    return STATED if stated else strongest(strength_of_rule(rule) for rule in rules)


# Words for the standard vocabularies' links (the ontology labels its own).
_WORDS = {str(SKOS.broader): "belongs to", str(SKOS.prefLabel): "is named"}


@dataclass(frozen=True)
class DerivedLink:
    """A link of a chain that no document states and a rule derives (an output naming a standard because the text
    of an indicator that measures it does): the steps that carry it are its stated premises."""

    subject: Ref
    predicate: Ref
    object: Ref
    rule: Ref


@dataclass(frozen=True)
class Step:
    """One stated link of a chain (or the link itself, when stated), with where a document states it; in a chain,
    the derived link it is a premise of, when the chain goes through one."""

    subject: Ref
    predicate: Ref
    object: Ref | None
    value: str | None
    evidence: EvidenceItem
    derived: DerivedLink | None = None


@dataclass
class LinkRow:
    """A link and how strong it is: its quotes when stated, the range when stated as one, else its chain."""

    subject: Ref
    predicate: str
    object: Ref
    strength: str
    rule: str | None = None
    via: list[Ref] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)

    @property
    def why(self) -> str:
        """The strength in words: stated; stated as a range; related through the things in between."""
        return why_text(self.strength, [s.value for s in self.steps if s.value], self.via)


class LinkReader:
    """Reads links with their strength from one link query (graph/queries/catalogue.py shape)."""

    def __init__(self, questions: Questions) -> None:
        self.questions = questions
        self.store = questions.store

    def read(self, sparql: str) -> list[LinkRow]:
        """The links the query gives, each with its strongest way of being known and that way's steps."""
        rows = self.store.select(sparql)
        names = self.questions.labels(
            {
                row[k]["value"]
                for row in rows
                for k in ("subject", "object", "ps", "po", "ds", "do")
                if k in row and row[k]["type"] == "uri"
            }
        )
        predicate_names = self._predicate_names({row[k]["value"] for row in rows for k in ("pp", "dp") if k in row})
        ways: dict[tuple[str, str, str], dict[tuple[str, str], list[Binding]]] = defaultdict(lambda: defaultdict(list))
        for row in rows:
            key = (row["subject"]["value"], row["predicate"]["value"], row["object"]["value"])
            ways[key][(row["how"]["value"], row["why"]["value"])].append(row)
        links: list[LinkRow] = []
        for (subject, predicate, obj), found in ways.items():
            strength = strongest(how for how, _ in found)
            assert strength is not None
            chosen = [rows for (how, _), rows in found.items() if how == strength]
            if strength == STATED:
                picked = sorted((r for group in chosen for r in group), key=_source_order)
            else:  # the shortest chain; among equals the one whose premises come first in the documents
                picked = min(chosen, key=lambda group: (len(_distinct_sources(group)), _source_key(group)))
            steps = self._steps(picked, names, predicate_names)
            ends = {subject, obj}
            via: list[Ref] = []
            if strength == CHAIN:
                for step in steps:
                    for ref in (step.subject, step.object):
                        if ref is not None and ref.iri not in ends and ref.iri not in {v.iri for v in via}:
                            via.append(ref)
            links.append(
                LinkRow(
                    subject=self.questions.ref(subject, names.get(subject)),
                    predicate=predicate,
                    object=self.questions.ref(obj, names.get(obj)),
                    strength=strength,
                    rule=binding_value(picked[0], "rulename") if strength != STATED else None,
                    via=via,
                    steps=steps,
                )
            )
        return links

    def _steps(self, rows: list[Binding], names: dict[str, str], predicate_names: dict[str, str]) -> list[Step]:
        steps: dict[tuple[str, int], Step] = {}
        for row in rows:
            ps, pp, po = row["ps"]["value"], row["pp"]["value"], row["po"]
            evidence = EvidenceItem(
                iri=row["source"]["value"],
                document=self.questions.ref(row["document"]["value"], row["title"]["value"]),
                line=int(row["line"]["value"]),
                quote=row["quote"]["value"],
            )
            key = (row["document"]["value"] + " " + ps + " " + pp + " " + po["value"], evidence.line)
            if key in steps:
                continue
            steps[key] = Step(
                subject=self.questions.ref(ps, names.get(ps)),
                predicate=Ref(pp, None, predicate_names.get(pp, pp.rsplit("#", 1)[-1])),
                object=self.questions.ref(po["value"], names.get(po["value"])) if po["type"] == "uri" else None,
                value=po["value"] if po["type"] != "uri" else None,
                evidence=evidence,
                derived=self._derived(row, names, predicate_names),
            )
        return sorted(steps.values(), key=_step_key)

    def _derived(self, row: Binding, names: dict[str, str], predicate_names: dict[str, str]) -> DerivedLink | None:
        """The derived link of a chain that the row's stated link is a premise of, if any."""
        if "steprule" not in row:
            return None
        ds, dp, do, rule = (row[k]["value"] for k in ("ds", "dp", "do", "steprule"))
        return DerivedLink(
            subject=self.questions.ref(ds, names.get(ds)),
            predicate=Ref(dp, None, predicate_names.get(dp, dp.rsplit("#", 1)[-1])),
            object=self.questions.ref(do, names.get(do)),
            rule=Ref(rule, None, binding_value(row, "steprulename") or rule.rsplit("#", 1)[-1]),
        )

    def _predicate_names(self, iris: set[str]) -> dict[str, str]:
        found = self.questions.rdfs_labels(iris)
        return {iri: found.get(iri) or _WORDS.get(iri) or iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for iri in iris}


def _step_key(step: Step) -> tuple[int, str, int, str, int]:
    # The premises of a derived link stand together, where the derived link stands in the chain.
    derived = step.derived
    place = (
        chain_rank(derived.predicate.iri, derived.subject.id)
        if derived
        else chain_rank(step.predicate.iri, step.subject.id)
    )
    return (
        place,
        f"{derived.subject.iri} {derived.predicate.iri} {derived.object.iri}" if derived else "",
        chain_rank(step.predicate.iri, step.subject.id),
        step.evidence.document.iri,
        step.evidence.line,
    )


def _source_order(row: Binding) -> tuple[str, int]:
    return (row["document"]["value"], int(row["line"]["value"]))


def _distinct_sources(rows: list[Binding]) -> set[tuple[str, str, str]]:
    return {(r["ps"]["value"], r["pp"]["value"], r["po"]["value"]) for r in rows}


def _source_key(rows: list[Binding]) -> list[tuple[str, int]]:
    return sorted(_source_order(r) for r in rows)


def read_links(questions: Questions, sparql: str) -> list[LinkRow]:
    """The links of a link query (see graph/queries/catalogue.py), each with its strength."""
    return LinkReader(questions).read(sparql)
