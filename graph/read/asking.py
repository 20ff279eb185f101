"""Asking in plain words: a question as a person writes it, read as one of the catalogue's named questions.

Rule-based and local (nothing calls out). The reader finds, in the folded text (lower case, every dash and
hyphen the same):
- names: every name, variant and acronym the documents give a flagship (IPEC+, OSH–GAP, Safety + Health for
  All, SPF, ...), as the graph holds them;
- codes: ILO standards (C182, C.182, Convention No. 182, R202), SDG goals (SDG 8, goal 8), targets (8.7) and
  indicators (8.7.1), P&B outcomes, outputs and indicators (outcome 7, output 7.1, indicator 8.1.1) and
  bienniums (2020-21, 2020–2021);
- question words: which words point to which question ("standards", "partners", "results", "met", ...).
Each named question whose parameters the text fills gets a score from its words; the best is the reading,
and when two come close, or a parameter is missing or could be several things, the reader says it is unsure
and offers the closest readings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.ids import SDG_INDICATOR, SDG_TARGET
from graph.read.catalogue import Catalogue, Question, biennium_of, fold, instrument_code
from graph.read.questions import UnknownResource

MAX_QUESTION_LENGTH = 300
MAX_READINGS = 3


class QuestionTextError(ValueError):
    """A plain-words question that cannot be read (empty or too long); the message says what to write."""


@dataclass(frozen=True)
class Found:
    """Something the reader recognised in the text: the kind of thing, the argument it gives, the words."""

    kind: str
    argument: str
    words: str
    label: str
    span: int = 0  # things found in the same words (one text, several readings) share a span


@dataclass
class Reading:
    """One way to read the text: a named question with its arguments, and why."""

    question: Question
    arguments: dict[str, str]
    strength: str
    score: float
    used: list[Found] = field(default_factory=list)
    cues: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing

    def sentence(self) -> str:
        """The question as the catalogue asks it, with the things found."""
        filled: dict[str, str] = {}
        for param in self.question.params:
            item = next((f for f in self.used if _fits(param.kind, f.kind)), None)
            if item is None:
                filled[param.name] = f"[{param.label.lower()}]"
            elif param.kind.startswith("sdg-") or param.kind in ("code", "instrument"):
                filled[param.name] = self.arguments.get(param.name, item.argument)
            else:
                filled[param.name] = item.label
        return self.question.heading.format(**filled)

    def explanation(self) -> str:
        """How the text was read, in words."""
        parts = [f"{f.label} (from \u201c{f.words}\u201d)" for f in self.used]
        if self.cues:
            parts.append("the words " + ", ".join(f"\u201c{c}\u201d" for c in self.cues))
        if self.strength != "any":
            parts.append(f"only links of strength {self.strength}")
        return "; ".join(parts) if parts else "no names or codes, only the question's general words"


@dataclass
class Understanding:
    """What the reader made of a text: its readings, best first, and whether it is sure of the first."""

    text: str
    found: list[Found]
    readings: list[Reading]
    sure: bool

    @property
    def best(self) -> Reading | None:
        return self.readings[0] if self.readings else None


# ---------------------------------------------------------------- question words

# For each question: the words (regular expressions over the folded text) that point to it, with weights.
CUES: dict[str, tuple[tuple[str, float], ...]] = {
    "flagships-for-target": (
        (r"\bflagships?\b|\bprogrammes?\b|\bprograms?\b", 1.0),
        (r"\bserv\w*|\bcontribut\w*|\bwork(s|ing)? (on|towards?)|\baddress\w*|\bsupport\w*|\baligned?", 1.0),
        (r"\btarget\b", 0.5),
    ),
    "flagships-for-goal": (
        (r"\bflagships?\b|\bprogrammes?\b|\bprograms?\b", 1.0),
        (r"\bserv\w*|\bcontribut\w*|\bwork(s|ing)? (on|towards?)|\baddress\w*|\bsupport\w*|\baligned?", 1.0),
        (r"\bgoal\b|\bsdg\b", 0.5),
    ),
    "flagships-for-indicator": (
        (r"\bflagships?\b|\bprogrammes?\b|\bprograms?\b", 1.0),
        (r"\bserv\w*|\bcontribut\w*|\breport\w*|\baddress\w*|\bsupport\w*|\bin line with", 1.0),
        (r"\bindicator\b", 0.5),
    ),
    "sdg-of-flagship": (
        (r"\bsdgs?\b|\bgoals?\b|\btargets?\b|\bsustainable development\b|\bagenda 2030\b", 1.5),
        (r"\bserv\w*|\bcontribut\w*|\baligned?|\blinked\b|\bwhich\b", 0.5),
    ),
    "standards-of-flagship": (
        (r"\bstandards?\b|\bconventions?\b|\brecommendations?\b|\binstruments?\b|\bils\b", 1.5),
        (r"\brests? on\b|\bbased on\b|\bprincipal\b|\bunderpin\w*|\bwhich\b|\bwhat\b", 0.5),
    ),
    "flagships-of-standard": (
        (r"\bflagships?\b|\bprogrammes?\b|\bprograms?\b", 1.0),
        (r"\brests? on\b|\bbased on\b|\bprincipal\b|\bshar\w*|\buses?\b|\bpromot\w*|\bwhich\b", 0.5),
    ),
    "shared-standards": (
        (r"\bstandards?\b|\bconventions?\b|\binstruments?\b", 1.0),
        (r"\bshar\w*|\bcommon\b|\bseveral\b|\bmore than one\b|\bboth\b|\boverlap\w*|\bin common\b", 1.5),
    ),
    "flagships-for-outcome": ((r"\bflagships?\b|\bprogrammes?\b", 1.0), (r"\bcontribut\w*|\bserv\w*|\bwork", 0.5)),
    "flagships-for-output": ((r"\bflagships?\b|\bprogrammes?\b", 1.0), (r"\bcontribut\w*|\bserv\w*|\bwork", 0.5)),
    "outputs-of-outcome": ((r"\boutputs\b", 1.5), (r"\bunder\b|\bof\b|\bhas\b|\bhave\b|\blist\b", 0.3)),
    "output-names": (
        (r"\bnames?\b|\bmentions?\b|\bsays?\b|\babout\b|\bcontains?\b|\blinks?\b|\bwhat\b", 1.0),
        (r"\bstandards?\b|\bpartners?\b|\bsdgs?\b|\bindicators?\b", 0.5),
    ),
    "indicator-results": (
        (r"\bresults?\b|\bachiev\w*|\bperform\w*|\bprogress\b|\bdeliver\w*|\breached\b", 1.5),
        (r"\btargets?\b|\bmet\b|\bmiss\w*|\bmeet\b|\bregions?\b|\bregional\b|\bby region\b|\btotals?\b", 1.0),
    ),
    "flagship-figures": (
        (r"\bfigures?\b|\bnumbers?\b|\bhow many\b|\bhow much\b|\bstatistics\b|\bdata\b|\bamounts?\b", 1.5),
        (r"\bbudget\b|\bfunding\b|\bworkers\b|\bfactories\b|\bover the years\b|\bby year\b|\bdisagree\w*", 0.5),
    ),
    "countries-and-partners": (
        (r"\bcountr(y|ies)\b|\bwhere\b|\bpartners?\b|\bdonors?\b|\bfund(s|ed|ers?)\b|\bwith whom\b", 1.5),
        (r"\bworks?\b|\boperat\w*|\bactive\b|\bwho\b", 0.5),
    ),
    "countries-of-flagship": (
        (r"\bcountr(y|ies)\b|\bwhere\b", 1.0),
        (r"\blatest\b|\bvalues?\b|\bdata\b|\brates?\b|\bprevalence\b|\blevels?\b|\bhow (common|high|many)\b", 1.0),
    ),
    "code-across-bienniums": (
        (r"\bacross\b|\bover\b|\beach\b|\bevery\b|\ball\b|\bchanged?\b|\bcompare\w*|\bdiffer\w*", 1.0),
        (r"\bbienni(a|ums?)\b|\btitles?\b|\byears\b|\bnamed\b|\bcalled\b", 1.0),
    ),
    "strategic-resources-2002-03": (
        (r"\bstrategic resources\b|\bresources\b|\btable 6\b|\bbudget\b", 1.5),
        (r"\b2002\b", 1.0),
        (r"\bextra-budgetary\b|\bsocial protection\b|\bspend\w*|\bmoney\b|\bregular\b", 0.5),
    ),
}
FLAGSHIP_WORDS = re.compile(r"\bflagships?\b|\bprogrammes?\b|\bprograms?\b")
STATED_WORDS = re.compile(r"\b(stated|explicitly|directly|documents? (say|state)s?)\b")
CHAIN_WORDS = re.compile(r"\b(related|indirectly|through a chain|chains?)\b")


def _fits(param_kind: str, found_kind: str) -> bool:
    if param_kind == "pb-result":
        return found_kind in ("pb-indicator", "output", "outcome", "objective")
    if param_kind == "code":
        return found_kind in ("code", "outcome", "output", "pb-indicator")
    return param_kind == found_kind


class Asker:
    """Reads plain-words questions over one catalogue."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    # ------------------------------------------------------------ finding things

    def find(self, text: str) -> list[Found]:
        """Every name and code the text holds, in the order of the text; words that can be read as several
        things (8.1.1: an SDG indicator, or a P&B indicator) give one Found for each, with the same span."""
        folded = fold(text).rstrip("?!. ")
        found: list[tuple[int, Found]] = []
        taken: list[tuple[int, int]] = []

        def free(start: int, end: int) -> bool:
            return all(end <= a or start >= b for a, b in taken)

        def add(start: int, end: int, *items: Found) -> None:
            taken.append((start, end))
            for item in items:
                found.append((start, Found(item.kind, item.argument, item.words, item.label, len(taken))))

        bienniums = [(m.start(), m.end(), biennium_of(m.group(0))) for m in _BIENNIUM.finditer(folded)]
        for start, end, biennium in bienniums:
            if biennium:
                add(start, end, Found("biennium", biennium, folded[start:end], biennium.replace("-", "\u2013")))
        biennium = next((b for _, _, b in bienniums if b), None)
        of = f" of {biennium.replace('-', chr(0x2013))}" if biennium else ""

        def pb(kind: str, word: str, code: str, words: str) -> Found:
            return Found(kind, f"{biennium}/{code}" if biennium else code, words, f"{word} {code}{of}")

        # flagship names, longest first, so "ipec+ programme" wins over "ipec"
        names = self.catalogue.flagship_names()
        for name in sorted(names, key=len, reverse=True):
            if "flagships" in name or name.startswith(("portfolio:", "the flagship")) or len(name) < 3:
                continue
            for match in re.finditer(r"(?<![\w+])" + re.escape(name) + r"(?![\w+])", folded):
                if free(match.start(), match.end()):
                    iri = names[name]
                    slug = (self.catalogue.ids.short_id(iri) or "").partition(":")[2]
                    label = self.catalogue.questions.labels({iri}).get(iri, slug)
                    add(match.start(), match.end(), Found("flagship", slug, match.group(0), label))
        for match in _INSTRUMENT.finditer(folded):
            code = instrument_code(match.group(0))
            if code and free(match.start(), match.end()):
                add(match.start(), match.end(), Found("instrument", code, match.group(0), code))
        for match in _PB_CODE.finditer(folded):
            if not free(match.start(), match.end()):
                continue
            word, code = match.group(1), match.group(2).strip(".")
            code = code.upper() if code[:1].isalpha() else code
            kind = {"outcome": "outcome", "output": "output", "indicator": "pb-indicator"}[word]
            items = [pb(kind, word, code, match.group(0))]
            if kind == "pb-indicator" and SDG_INDICATOR.fullmatch(code.lower()):
                items.append(Found("sdg-indicator", code, match.group(0), f"SDG indicator {code}"))
            add(match.start(), match.end(), *items)
        for match in _OBJECTIVE.finditer(folded):
            if free(match.start(), match.end()):
                code = match.group(1)
                argument = f"{biennium or '2002-03'}/{code}"
                add(match.start(), match.end(), Found("objective", argument, match.group(0), f"objective {code}"))
        for match in _BARE_CODE.finditer(folded):
            if free(match.start(), match.end()):
                code = match.group(1)
                add(match.start(), match.end(), Found("code", code.upper() if code.isalpha() else code, code, code))
        for match in _SDG_CODE.finditer(folded):
            if not free(match.start(), match.end()):
                continue
            code = match.group(2)
            if SDG_INDICATOR.fullmatch(code):
                sdg = Found("sdg-indicator", code, match.group(0), f"SDG indicator {code}")
                add(match.start(), match.end(), sdg, pb("pb-indicator", "indicator", code, match.group(0)))
            elif SDG_TARGET.fullmatch(code):
                items = [Found("sdg-target", code, match.group(0), f"SDG target {code}")]
                if biennium and not match.group(1):
                    items.append(pb("output", "output", code, match.group(0)))
                add(match.start(), match.end(), *items)
        for match in _SDG_GOAL.finditer(folded):
            if free(match.start(), match.end()) and 1 <= int(match.group(2)) <= 17:
                add(
                    match.start(),
                    match.end(),
                    Found("sdg-goal", match.group(2), match.group(0), f"SDG {match.group(2)}"),
                )
        return [item for _, item in sorted(found, key=lambda pair: pair[0])]

    # ------------------------------------------------------------ reading

    def understand(self, text: str) -> Understanding:
        """The readings of `text`, best first; `sure` when the first is complete and clearly ahead."""
        if not text.strip():
            raise QuestionTextError("write a question, such as \u201cwhich flagships serve 8.7?\u201d")
        if len(text) > MAX_QUESTION_LENGTH:
            raise QuestionTextError(f"the question is longer than {MAX_QUESTION_LENGTH} characters; write fewer words")
        folded = fold(text)
        found = self.find(text)
        strength = "stated" if STATED_WORDS.search(folded) else "chain" if CHAIN_WORDS.search(folded) else "any"
        readings: list[Reading] = []
        for question in self.catalogue:
            readings.extend(self._readings(question, folded, found, strength))
        for reading in readings:
            if reading.complete and not self.check(reading):
                reading.score -= 4.0  # a thing the graph does not hold (output 8.7, SDG target 7.9)
        readings.sort(key=lambda r: (not r.complete, -r.score, r.question.name))
        unique: list[Reading] = []
        for reading in readings:
            key = (reading.question.name, tuple(sorted(reading.arguments.items())))
            if key not in {(r.question.name, tuple(sorted(r.arguments.items()))) for r in unique}:
                unique.append(reading)
        unique = [r for r in unique if r.score > 0]
        best = unique[0] if unique else None
        sure = (
            best is not None
            and best.complete
            and best.score >= 2.0
            and (len(unique) == 1 or not unique[1].complete or best.score - unique[1].score >= 1.0)
        )
        return Understanding(text, found, unique[:MAX_READINGS], sure)

    def _readings(self, question: Question, folded: str, found: list[Found], strength: str) -> list[Reading]:
        cues: list[str] = []
        score = 0.0
        for pattern, weight in CUES[question.name]:
            match = re.search(pattern, folded)
            if match:
                score += weight
                cues.append(match.group(0))
        options: list[list[Found | None]] = []
        for param in question.params:
            fitting = [f for f in found if _fits(param.kind, f.kind)]
            options.append(list(fitting) if fitting else [None])
        # Things the text names that this question has no place for count against it.
        kinds = {p.kind for p in question.params}
        spans = {f.span for f in found if f.kind != "biennium"}
        fitting_spans = {f.span for f in found if any(_fits(k, f.kind) for k in kinds)}
        score -= 1.5 * len(spans - fitting_spans)
        if question.name == "sdg-of-flagship" and any(f.kind.startswith("sdg-") for f in found):
            score -= 2.0
        readings: list[Reading] = []
        for choice in _combinations(options):
            used = [f for f in choice if f is not None]
            missing = [p.name for p, f in zip(question.params, choice, strict=True) if f is None]
            if len({f.span for f in used}) < len(used):
                continue  # one piece of text read as two things at once
            arguments: dict[str, str] = {}
            for param, item in zip(question.params, choice, strict=True):
                if item is not None:
                    arguments[param.name] = item.argument.rpartition("/")[2] if param.kind == "code" else item.argument
            value = score + 2.0 * len(used) - 2.0 * len(missing)
            reading = Reading(question, arguments, strength, value, used, cues, missing)
            readings.extend(self._settle(reading))
        return readings

    def _settle(self, reading: Reading) -> list[Reading]:
        """A reading whose P&B code lacks a biennium becomes one reading per biennium that holds the code."""
        for name, argument in list(reading.arguments.items()):
            param = reading.question.param(name)
            if param.kind not in ("outcome", "output", "pb-result") or "/" in argument:
                continue
            prefixes = {"outcome": ["outcome"], "output": ["output"]}.get(
                param.kind, ["indicator", "output", "outcome", "operational-objective"]
            )
            held = [
                b
                for b in self.catalogue.bienniums()
                if any(self.catalogue._pb_exists(p, b, argument) for p in prefixes)
            ]
            settled: list[Reading] = []
            for biennium in reversed(held):
                arguments = {**reading.arguments, name: f"{biennium}/{argument}"}
                used = [
                    Found(
                        f.kind, f"{biennium}/{argument}", f.words, f"{f.label} of {biennium.replace('-', chr(0x2013))}"
                    )
                    if f.argument == argument
                    else f
                    for f in reading.used
                ]
                penalty = 0.0 if len(held) == 1 else 1.5
                settled.append(
                    Reading(reading.question, arguments, reading.strength, reading.score - penalty, used, reading.cues)
                )
            if not settled:
                return [Reading(reading.question, {}, reading.strength, reading.score - 3.0, [], reading.cues, [name])]
            return settled
        return [reading]

    def check(self, reading: Reading) -> bool:
        """Whether the catalogue can read every argument of `reading` (the things exist)."""
        try:
            for name, argument in reading.arguments.items():
                self.catalogue.read(reading.question.param(name), argument)
        except (UnknownResource, ValueError):
            return False
        return True


def _combinations(options: list[list[Found | None]]) -> list[list[Found | None]]:
    result: list[list[Found | None]] = [[]]
    for choices in options:
        result = [[*prefix, c] for prefix in result for c in choices]
    return result[:12]


_BIENNIUM = re.compile(r"\b(?:19|20)\d\d\s*[-/]\s*(?:19|20)?\d\d\b")
_INSTRUMENT = re.compile(
    r"\b(?:[cpr]\s?\.?\s?(?:no\.?\s?)?0*\d{1,3}|(?:convention|recommendation|protocol)\s*(?:no\.?|n°|number)?\s*\d{1,3})\b"
)
_PB_CODE = re.compile(r"\b(outcome|output|indicator)\s+((?:\d{1,2}[a-z]?|[a-c])(?:\.\d{1,2}){0,2})\b")
_OBJECTIVE = re.compile(r"\b(?:operational )?objective\s+(\d[a-z])\b")
_SDG_CODE = re.compile(r"\b(sdg\s*|target\s+|indicator\s+)?((?:1[0-7]|[1-9])\.(?:\d{1,2}|[a-z])(?:\.\d{1,2})?)\b")
_SDG_GOAL = re.compile(r"\b(sdg|goal)\s*(\d{1,2})\b(?!\.\d)")
_BARE_CODE = re.compile(r"\bcode\s+(\d{1,2}(?:\.\d{1,2})?|[a-c])\b")
