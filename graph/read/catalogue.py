"""The framework of named questions: what a question is (its parameters with their kinds, its columns, the
SPARQL it runs, how to draw it), how its arguments are read, and how it is answered and kept to a strength.

The questions themselves are in graph/read/named.py. Every row carries its strength (graph/read/strength.py)
and the stated links behind it. The HTML page, the JSON route, the CSV download, `ilokg ask` and the
plain-words reader (graph/read/asking.py) all come from one registry. Plain data, no HTTP.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from graph import terms
from graph.ids import SDG_GOAL, SDG_INDICATOR, SDG_TARGET, IdError, instrument_id
from graph.queries import catalogue as queries
from graph.queries import questions as question_queries
from graph.read.questions import STATED, EvidenceItem, Questions, Ref, UnknownResource
from graph.read.strength import STRENGTH_FILTERS, LinkReader
from graph.store.formats import binding_value
from ontology.namespaces import ILOKG, SDGO, SKOS

Row = dict[str, Any]


class ArgumentError(ValueError):
    """A question asked without an argument it needs, with one it does not take, or with one that could name
    several things (a code without its biennium); the message says what to give. An argument that names
    nothing the graph holds is UnknownResource."""


# ---------------------------------------------------------------- the shape of a question


@dataclass(frozen=True)
class Param:
    """A parameter of a question: the kind of thing it names and how to write it."""

    name: str
    kind: str
    label: str
    example: str
    description: str


@dataclass(frozen=True)
class Column:
    """A column of the answer's rows. `kind` is ref, refs, text, number, strength, steps or section."""

    key: str
    title: str
    kind: str
    description: str = ""
    brief: bool = False  # a page shows a ref of this column by its id alone (its name on hover)


@dataclass(frozen=True)
class Chart:
    """How a page draws a numeric answer: a group of bars per row (one per `values` column), labelled by the
    `label` columns, in a panel of its own for each value of `facet` (numbers of different units never share
    an axis)."""

    label: tuple[str, ...]
    values: tuple[str, ...]
    facet: str | None = None


@dataclass(frozen=True)
class Thing:
    """An argument as read: what it names, and the argument written the way the question takes it."""

    ref: Ref
    argument: str


Runner = Callable[["Catalogue", Mapping[str, Thing]], "Result"]


@dataclass
class Result:
    """What a question's runner gives: rows, the SPARQL texts it ran, and notes saying the rules it applied."""

    rows: list[Row]
    sparql: list[str]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Question:
    """A named question."""

    name: str
    title: str
    heading: str  # with {parameter} places, filled with the things named
    summary: str
    params: tuple[Param, ...]
    columns: tuple[Column, ...]
    run: Runner
    examples: tuple[tuple[str, ...], ...]
    chart: Chart | None = None

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)


@dataclass
class Answer:
    """A question answered: the things it was asked about, its rows (after the strength filter), the SPARQL it
    ran and the rules it applied."""

    question: Question
    arguments: dict[str, str]
    things: dict[str, Ref]
    heading: str
    rows: list[Row]
    sparql: list[str]
    notes: list[str]
    strength: str
    total: int

    @property
    def columns(self) -> tuple[Column, ...]:
        return self.question.columns


@dataclass(frozen=True)
class IndicatorValue:
    """A target, result or baseline of an indicator, in total or for a region, as the document prints it."""

    value: Ref
    kind: str
    region: Ref | None
    part: str | None
    amount: float | None
    text: str
    evidence: list[EvidenceItem]


COMMON_COLUMNS = (
    Column("strength", "Strength", "strength", "stated, range (stated as a range, expanded by rule) or chain"),
    Column("evidence", "Evidence", "steps", "Each stated link behind the row: document, line and quote"),
)
SECTION = Column("section", "Section", "section", "The group the page shows the row in")


# ---------------------------------------------------------------- reading arguments


def fold(text: str) -> str:
    """Lower case, every dash and hyphen as '-', spaces folded: how names and codes are compared."""
    text = re.sub(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]", "-", text)
    text = text.replace("\u00a0", " ").replace("’", "'").replace("&", " and ")
    return " ".join(text.lower().split())


def biennium_of(text: str) -> str | None:
    """A biennium written 2022-23, 2022–23, 2022-2023 or 2022/23, as 2022-23."""
    match = re.search(r"\b((?:19|20)\d\d)\s*[-/]\s*((?:19|20)?\d\d)\b", fold(text))
    if match is None:
        return None
    first, second = match.group(1), match.group(2)
    if int(second[-2:]) != (int(first) + 1) % 100:
        return None
    return f"{first}-{second[-2:]}"


_INSTRUMENT_WORDS = {"convention": "C", "recommendation": "R", "protocol": "P"}


def instrument_code(text: str) -> str | None:
    """C182 from C182, C.182, c 182, Convention No. 182, Recommendation No. 202, R.202, P29."""
    folded = fold(text)
    match = re.fullmatch(r"([cpr])\s*\.?\s*(?:no\.?\s*)?0*(\d{1,3})", folded)
    if match:
        return instrument_id(match.group(1).upper(), int(match.group(2)))
    match = re.fullmatch(r"(convention|recommendation|protocol)\s*(?:no\.?|n°|number|nr\.?)?\s*0*(\d{1,3})", folded)
    if match:
        return instrument_id(_INSTRUMENT_WORDS[match.group(1)], int(match.group(2)))
    return None


def natural_key(text: str) -> list[tuple[int, str]]:
    """Codes in natural order: 8.2 before 8.10."""
    return [(int(part), "") if part.isdigit() else (0, part) for part in re.split(r"(\d+)", text)]


PB_KINDS = {
    "outcome": (ILOKG.Outcome, "outcome"),
    "output": (ILOKG.Output, "output"),
    "pb-indicator": (ILOKG.Indicator, "indicator"),
}
SDG_KINDS = {
    "sdg-goal": (SDGO.Goal, SDG_GOAL, "goal", "8 or 16"),
    "sdg-target": (SDGO.Target, SDG_TARGET, "target", "8.7 or 1.a"),
    "sdg-indicator": (SDGO.Indicator, SDG_INDICATOR, "indicator", "8.7.1"),
}
KIND_HELP = {
    "flagship": "a flagship programme: its name, acronym or id (IPEC+, Better Work, SPF, jobs-for-peace-resilience)",
    "instrument": "an ILO standard: C182, C.182, Convention No. 182, R202",
    "sdg-goal": "an SDG goal number: 8",
    "sdg-target": "an SDG target code: 8.7",
    "sdg-indicator": "an SDG indicator code: 8.7.1",
    "outcome": "a P&B outcome as biennium/code: 2022-23/7",
    "output": "a P&B output as biennium/code: 2022-23/7.1",
    "pb-result": "a P&B indicator, output, outcome or objective as biennium/code: 2020-21/8.1.1, 2020-21/8, 2002-03/3a",
    "code": "an outcome or output code as printed: 7, 7.1, A",
}


class Catalogue:
    """The named questions over one store: read their arguments and answer them."""

    def __init__(self, questions: Questions, registry: Iterable[Question]) -> None:
        self.questions = questions
        self.store = questions.store
        self.ids = questions.ids
        self.links = LinkReader(questions)
        self._flagship_names: tuple[str, dict[str, str]] | None = None
        self._spans: tuple[str, dict[str, str]] | None = None
        self.registry: dict[str, Question] = {q.name: q for q in registry}

    def __iter__(self) -> Iterator[Question]:
        return iter(self.registry.values())

    def get(self, name: str) -> Question:
        question = self.registry.get(name)
        if question is None:
            raise UnknownResource(f"there is no question {name!r}; the questions are {', '.join(self.registry)}")
        return question

    # ------------------------------------------------------------ things

    def _exists(self, iri: str, class_iri: str) -> bool:
        return bool(self.store.select(question_queries.is_of_class(terms.iri(iri), terms.iri(class_iri))))

    def _thing(self, iri: str, argument: str) -> Thing:
        return Thing(self.questions.ref(iri, self.questions.labels({iri}).get(iri)), argument)

    def flagship_names(self) -> dict[str, str]:
        """Every name, acronym and slug of every flagship (and of the flagships as a group), folded -> IRI."""
        if self._flagship_names is None or self._flagship_names[0] != self.store.build_id:
            rows = self.store.select(
                queries.names_of(
                    [terms.iri(str(ILOKG.FlagshipProgramme)), terms.iri(str(ILOKG.FlagshipPortfolio))],
                    [terms.iri(str(p)) for p in (SKOS.prefLabel, SKOS.altLabel, ILOKG.acronym, ILOKG.shortId)],
                )
            )
            names: dict[str, str] = {}
            for row in rows:
                iri, name = row["s"]["value"], row["name"]["value"]
                names.setdefault(fold(name), iri)
                local = (self.ids.short_id(iri) or "").partition(":")[2]
                names.setdefault(local, iri)
                names.setdefault(local.replace("-", " "), iri)
            self._flagship_names = (self.store.build_id, names)
        return self._flagship_names[1]

    def read(self, param: Param, text: str) -> Thing:
        """What an argument names; ArgumentError says how to write it, UnknownResource that it is not there."""
        value = text.strip()
        if not value:
            raise ArgumentError(f"{param.name} is missing: give {KIND_HELP[param.kind]}")
        if len(value) > 200:
            raise ArgumentError(f"{param.name} is longer than 200 characters: give {KIND_HELP[param.kind]}")
        reader = getattr(self, "_read_" + param.kind.replace("-", "_"))
        thing: Thing = reader(value, param)
        return thing

    def _read_flagship(self, text: str, param: Param) -> Thing:
        folded = fold(text).removeprefix("flagship:").removeprefix("portfolio:").strip()
        iri = self.flagship_names().get(folded)
        if iri is None or not self._exists(iri, str(ILOKG.FlagshipProgramme)):
            raise UnknownResource(f"{text!r} names no flagship programme; give {KIND_HELP['flagship']}")
        return self._thing(iri, (self.ids.short_id(iri) or iri).partition(":")[2])

    def _read_instrument(self, text: str, param: Param) -> Thing:
        code = instrument_code(text)
        if code is None:
            raise UnknownResource(f"{text!r} names no ILO standard; give {KIND_HELP['instrument']}")
        iri = str(self.ids.resolve(code).iri)
        if not self._exists(iri, str(ILOKG.Instrument)):
            raise UnknownResource(f"the graph holds no standard {code}; write one such as C182 or R202")
        return self._thing(iri, code)

    def _read_sdg(self, text: str, kind: str) -> Thing:
        class_iri, pattern, word, example = SDG_KINDS[kind]
        code = re.sub(r"^(sdg:?|sdg\s+|goal\s+|target\s+|indicator\s+)+", "", fold(text)).strip()
        # A code of the right shape (99.9) is well written: the framework simply does not hold it.
        absent = UnknownResource(f"there is no SDG {word} {code}; the SDG framework has {self._span(kind)}")
        if not pattern.fullmatch(code):
            if re.fullmatch(r"\d+" + r"\.(?:\d+|[a-z])" * (word != "goal") + r"\.\d+" * (word == "indicator"), code):
                raise absent
            raise UnknownResource(f"{text!r} is not an SDG {word} code; write it like {example}")
        try:
            iri = str(self.ids.resolve("sdg:" + code).iri)
        except IdError as error:
            raise absent from error
        if not self._exists(iri, str(class_iri)):
            raise absent
        return self._thing(iri, code)

    def _span(self, kind: str) -> str:
        """The first and last code of the framework's goals, targets or indicators, in words (targets 1.1 to 17.19),
        read from the graph once per build."""
        if self._spans is None or self._spans[0] != self.store.build_id:
            spans: dict[str, str] = {}
            for name, (class_iri, _, word, _) in SDG_KINDS.items():
                rows = self.store.select(queries.notations(terms.iri(str(class_iri))))
                codes = sorted((row["code"]["value"] for row in rows), key=natural_key)
                spans[name] = f"{word}s {codes[0]} to {codes[-1]}" if codes else f"no {word}s"
            self._spans = (self.store.build_id, spans)
        return self._spans[1][kind]

    def _read_sdg_goal(self, text: str, param: Param) -> Thing:
        return self._read_sdg(text, "sdg-goal")

    def _read_sdg_target(self, text: str, param: Param) -> Thing:
        return self._read_sdg(text, "sdg-target")

    def _read_sdg_indicator(self, text: str, param: Param) -> Thing:
        return self._read_sdg(text, "sdg-indicator")

    def _pb_parts(self, text: str, kind: str) -> tuple[str, str]:
        folded = fold(text)
        folded = re.sub(r"^(outcome|output|indicator|operational-objective|strategic-objective):", "", folded)
        biennium = biennium_of(folded)
        rest = re.sub(r"\b(?:19|20)\d\d\s*[-/]\s*(?:19|20)?\d\d\b", " ", folded)
        rest = re.sub(r"\b(of|in|for|the|biennium|outcome|output|indicator|p&b|p and b)\b", " ", rest)
        code = rest.strip(" /.,")
        code = re.sub(r"\s+", "", code).rstrip(".")
        if not re.fullmatch(r"(?:\d+[a-z]?|[a-z])(?:\.\d+){0,2}", code):
            raise UnknownResource(f"{text!r} names no P&B result; give {KIND_HELP[kind]}")
        code = code.upper() if code[:1].isalpha() else code
        if biennium is None:
            raise ArgumentError(f"{text!r} names no biennium; give {KIND_HELP[kind]}{self._held_in(code, kind)}")
        return biennium, code

    def _held_in(self, code: str, kind: str) -> str:
        prefixes = [PB_KINDS[kind][1]] if kind in PB_KINDS else ["outcome", "output", "indicator"]
        held = [b for b in self.bienniums() for p in prefixes if self._pb_exists(p, b, code)]
        return f" ({code} is in {', '.join(sorted(set(held)))})" if held else ""

    def bienniums(self) -> list[str]:
        rows = self.store.select(question_queries.members_of(terms.iri(str(ILOKG.Biennium))))
        found = [(self.ids.short_id(row["s"]["value"]) or "").partition(":")[2] for row in rows]
        return sorted(b for b in found if b)

    def _pb_exists(self, prefix: str, biennium: str, code: str) -> str | None:
        try:
            resolved = self.ids.resolve(f"{prefix}:{biennium}/{code}")
        except IdError:
            return None
        iri = str(resolved.iri)
        return iri if self._exists(iri, str(resolved.rdf_class)) else None

    def _read_pb(self, text: str, kind: str) -> Thing:
        biennium, code = self._pb_parts(text, kind)
        prefix = PB_KINDS[kind][1]
        iri = self._pb_exists(prefix, biennium, code)
        if iri is None:
            raise UnknownResource(
                f"there is no {prefix} {code} in {biennium}{self._held_in(code, kind)}; give {KIND_HELP[kind]}"
            )
        return self._thing(iri, f"{biennium}/{code}")

    def _read_outcome(self, text: str, param: Param) -> Thing:
        return self._read_pb(text, "outcome")

    def _read_output(self, text: str, param: Param) -> Thing:
        return self._read_pb(text, "output")

    def _read_pb_result(self, text: str, param: Param) -> Thing:
        biennium, code = self._pb_parts(text, "pb-result")
        for prefix in ("indicator", "output", "outcome", "operational-objective", "strategic-objective"):
            iri = self._pb_exists(prefix, biennium, code)
            if iri is not None:
                return self._thing(iri, f"{biennium}/{code}")
        raise UnknownResource(
            f"there is no P&B indicator, output or outcome {code} in {biennium}{self._held_in(code, 'pb-result')}"
        )

    def _read_code(self, text: str, param: Param) -> Thing:
        code = re.sub(r"\b(outcome|output|indicator|code)\b", " ", fold(text)).strip(" .")
        if not re.fullmatch(r"(?:\d+|[a-z])(?:\.\d+){0,2}", code):
            raise UnknownResource(f"{text!r} is not an outcome or output code; give {KIND_HELP['code']}")
        code = code.upper() if code[:1].isalpha() else code
        return Thing(Ref("", None, code), code)

    def indicator_values(self, indicator: str) -> list[IndicatorValue]:
        """Every target, result and baseline of one indicator, with its region by name and its quote."""
        rows = self.store.select(queries.indicator_values(terms.iri(indicator)))
        found: list[IndicatorValue] = []
        for row in rows:
            found.append(
                IndicatorValue(
                    value=self.questions.ref(row["value"]["value"]),
                    kind=row["kind"]["value"],
                    region=self.questions.ref(row["region"]["value"], binding_value(row, "regionname"))
                    if "region" in row
                    else None,
                    part=binding_value(row, "part"),
                    amount=number_of(binding_value(row, "amount")),
                    text=row["text"]["value"],
                    evidence=[
                        EvidenceItem(
                            iri=row["evidence"]["value"],
                            document=self.questions.ref(row["document"]["value"], row["title"]["value"]),
                            line=int(row["line"]["value"]),
                            quote=row["quote"]["value"],
                        )
                    ],
                )
            )
        order = ["target", "result", "baseline"]
        return sorted(
            found,
            key=lambda v: (
                v.part or "",
                order.index(v.kind) if v.kind in order else 9,
                v.region is not None,
                v.region.label if v.region else "",
            ),
        )

    # ------------------------------------------------------------ answering

    def answer(self, name: str, arguments: Mapping[str, str], strength: str = "any") -> Answer:
        """The answer to question `name` about `arguments`, its rows kept to `strength` (any, serves, stated,
        range, chain)."""
        question = self.get(name)
        if strength not in STRENGTH_FILTERS:
            raise ArgumentError(f"strength {strength!r} is not one of {', '.join(STRENGTH_FILTERS)}")
        unknown = set(arguments) - {p.name for p in question.params}
        if unknown:
            raise ArgumentError(
                f"{name} takes {', '.join(p.name for p in question.params) or 'no arguments'}, "
                f"not {', '.join(sorted(unknown))}"
            )
        things = {p.name: self.read(p, arguments.get(p.name, "")) for p in question.params}
        result = question.run(self, things)
        allowed = STRENGTH_FILTERS[strength]
        rows = [row for row in result.rows if row.get("strength", STATED) in allowed]
        heading = question.heading.format(**{k: _named(t) for k, t in things.items()})
        return Answer(
            question=question,
            arguments={k: t.argument for k, t in things.items()},
            things={k: t.ref for k, t in things.items() if t.ref.iri},
            heading=heading,
            rows=rows,
            sparql=result.sparql,
            notes=result.notes,
            strength=strength,
            total=len(result.rows),
        )


def _named(thing: Thing) -> str:
    ref = thing.ref
    ident = ref.id or ""
    if ident.startswith("sdg:"):
        return ident[4:]
    if ident.startswith("flagship:"):
        return ref.label or ident
    if ident and ":" in ident:
        kind, _, local = ident.partition(":")
        biennium, _, code = local.partition("/")
        return f"{kind.replace('-', ' ')} {code} of {biennium.replace('-', '–')}" if code else local
    return ident or thing.argument


def number_of(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(Decimal(text))
    except InvalidOperation:
        return None
