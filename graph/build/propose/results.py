"""Programme and Budget results: outcomes, outputs, indicators and objectives, with the document's biennium.

Learns from: nothing but the document itself for codes and titles; the other documents' curated rows
only tell which results the graph already names (a result named again with the same title is not
proposed again). The biennium is the one the document gives: its registered title, else the biennium of
"Programme and Budget ... 2022–23", else the biennium it names most.
Finds: definitions (`Outcome 1: <title>`, `Output 1.1: <title>`, `1.1. <title>.` in a results table,
`Operational objective 3a: <title>`, `Indicator 3a.1:`), which give names, notations and the
output-outcome-indicator structure; the unit an indicator's text gives (`Number of ...`: count; `Percentage
...`: percentage; `Number of cases ...`: cases); `Outcome 7 (compliance), namely 7.2 (workplace
compliance)`: a short name of the outcome, and its part 7.2 (an indicator before 2020-21, when outputs
began); and references (`output 2.1`, `outcomes 1 and 2`, `indicator 3a.3`).
`C.1` under an enabling outcome is output C.1, never Convention No. 1 (see instruments).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from graph.build.propose.document import Document, Span
from graph.build.propose.knowledge import Knowledge, name_key
from graph.build.propose.mentions import (
    INDICATOR,
    INFOCUS,
    OPERATIONAL_OBJECTIVE,
    OUTCOME,
    OUTPUT,
    STRATEGIC_OBJECTIVE,
    Found,
    Mention,
    slugify,
)
from graph.build.propose.rows import Proposal, make

RECOGNIZER = "results"
_BIENNIUM = re.compile(r"\b((?:19|20)\d\d)[–-](\d\d)\b")
_PB_BIENNIUM = re.compile(
    r"Programme and Budget (?:proposals )?(?:for )?(?:the biennium )?((?:19|20)\d\d)[–-](\d\d)\b", re.IGNORECASE
)
_CODE = r"(?:\d{1,2}|[A-C])"
_HEADS = (
    (OUTCOME, re.compile(rf"Outcome ({_CODE})[:.]\s+(?=\S)"), 1),
    (OUTPUT, re.compile(rf"Output ({_CODE}\.\d{{1,2}})[:.]\s+(?=\S)"), 2),
    (STRATEGIC_OBJECTIVE, re.compile(r"Strategic objective No\. (\d+):"), 0),
    (OPERATIONAL_OBJECTIVE, re.compile(r"Operational objective (\d+[a-z]):\s+(?=\S)"), 1),
    (INDICATOR, re.compile(r"Indicator (\d+[a-z]\.\d+):"), 2),
)
# Rows of a results table: `1.1. Increased capacity ...`, `8.3: Increased capacity ...`, `1.1.1. Number of ...`,
# `1.3 Increased ...` in a list.
_TABLE_ROW = re.compile(rf"({_CODE}\.\d{{1,2}}(?:\.\d{{1,2}})?)([.:]?)\s+(?=[A-Z][a-z])")
_TABLE_OUTCOME = re.compile(rf"({_CODE})\.\s+(?=[A-Z][a-z])")
_REFERENCES = (
    (
        OUTCOME,
        re.compile(
            rf"\b(?:[Pp]olicy |[Ee]nabling )?[Oo]utcomes? ({_CODE}(?:(?:,| and|, and| or) {_CODE})*)\b(?![.\d])"
        ),
    ),
    (OUTPUT, re.compile(rf"\b[Oo]utputs? ({_CODE}\.\d{{1,2}}(?:(?:,| and|, and| or) {_CODE}\.\d{{1,2}})*)\b(?!\.\d)")),
    (INDICATOR, re.compile(r"(?<!SDG )\b[Ii]ndicators? (\d+[a-z]\.\d+(?:(?:,| and|, and) \d+[a-z]\.\d+)*)\b")),
    (OPERATIONAL_OBJECTIVE, re.compile(r"\b[Oo]perational objective (\d+[a-z])\b")),
)
# `Outcome 7 (compliance), namely 7.2 (workplace compliance)`: an outcome by a short name, and its part 7.2.
_NAMELY = re.compile(
    rf"\b[Oo]utcome (?P<outcome>{_CODE}) \((?P<short>[^()]{{2,60}})\),? namely "
    rf"(?P<part>{_CODE}\.\d{{1,2}}) \((?P<name>[^()]{{2,80}})\)"
)
# The Programme and Budget has had outputs since 2020-21; before, an outcome's numbered parts are its indicators.
_FIRST_BIENNIUM_WITH_OUTPUTS = 2020
_INFOCUS = re.compile(
    r"InFocus Programme on ((?:[A-Z][\w-]*)(?: (?:and|at|the|of|on|[A-Z][\w-]*))*)(?: \(([A-Za-z]+)\))?"
)
_TITLE_END = re.compile(r" (?:Targets?|Baseline|Indicators?):")
# One code of a list: `2.1`, `A.2.1`, or a P&B 2002-03 code with a letter (`3a`, `3a.3`).
_LIST_ITEM = re.compile(rf"\d+[a-z](?:\.\d{{1,2}})?|{_CODE}(?:\.\d{{1,2}}){{0,2}}")


def biennium_of(document: Document) -> tuple[str, str] | None:
    """The biennium the document's results belong to (`2022-23`), and where it was read."""

    def valid(match: re.Match[str]) -> str | None:
        first, second = int(match.group(1)), int(match.group(2))
        return f"{first}-{second:02d}" if (first + 1) % 100 == second else None

    for match in _BIENNIUM.finditer(document.title):
        if valid(match):
            return str(valid(match)), f"the biennium in the document's title “{document.title}”"
    stated = Counter(v for m in _PB_BIENNIUM.finditer(document.text) if (v := valid(m)))
    if stated:
        value = stated.most_common(1)[0][0]
        return value, f"the biennium of “Programme and Budget … {value}” in the document"
    named = Counter(v for m in _BIENNIUM.finditer(document.text) if (v := valid(m)))
    if named:
        value = named.most_common(1)[0][0]
        return value, f"the biennium the document names most ({value}, {named[value]} times)"
    return None


@dataclass
class _Definition:
    kind: str
    code: str
    start: int  # where the definition starts (`Output 1.1:` or `1.1.`)
    code_start: int
    title: Span
    level: int


def _id(kind: str, biennium: str, code: str) -> str:
    return f"{kind}:{biennium}/{code}"


_FULL_STOP = re.compile(r"(?<!\bNo)(?<!\bNos)[.;](?= |$)")


def _title_span(document: Document, start: int, to_full_stop: bool = False) -> Span:
    """The title that starts at clean offset `start`: up to its full stop (a row of a results table, whose
    narrow cells break lines anywhere), else the heading it stands in, else its sentence. A semicolon after
    a colon separates the items of a list the title introduces (`one of the following groups: a; b; or c.`)
    and does not end it."""
    if to_full_stop:
        stop = _FULL_STOP.search(document.text, start, start + 600)
        while stop is not None and stop.group(0) == ";" and ":" in document.text[start : stop.start()]:
            stop = _FULL_STOP.search(document.text, stop.end(), start + 600)
        if stop is not None:
            return Span(start, stop.start())
    heading = document.heading_at(start)
    if heading is not None and heading.end > start:
        return Span(start, heading.end)
    sentence = document.sentence_at(start)
    end = sentence.end
    if sentence.start > start:  # the code ended one sentence; the title is the next one
        end = document.sentence_at(sentence.end + 1).end if sentence.end + 1 < len(document.text) else end
    return Span(start, end)


def _clean_title(text: str) -> str:
    text = re.sub(r"\*\*", "", text).strip()
    return text.rstrip(" .;,:")


def _line_start(document: Document, offset: int) -> bool:
    """Whether `offset` is the first non-space character of its line."""
    line = document.line_span(document.line_at(offset))
    return line is not None and document.text[line.start : offset].strip() == ""


def recognize(document: Document, known: Knowledge) -> Found:
    found = Found()
    dated = biennium_of(document)
    if dated is None:
        return found
    biennium, dated_reason = dated
    text = document.text
    definitions: list[_Definition] = []
    for kind, pattern, level in _HEADS:
        for match in pattern.finditer(text):
            if not _line_start(document, match.start()):
                continue
            title_start = match.end()
            if kind in (STRATEGIC_OBJECTIVE, INDICATOR):
                # `Indicator 3a.1:` with its text in the next paragraph, up to its target.
                sentence = document.sentence_at(match.end())
                end = sentence.end if sentence.end > match.end() + 1 else document.sentence_at(sentence.end + 1).end
                cut = _TITLE_END.search(text, match.end(), end)
                title = Span(match.end(), cut.start() if cut else end)
            else:
                title = _title_span(document, title_start)
            definitions.append(_Definition(kind, match.group(1), match.start(), match.start(1), title, level))
    has_results = any(d.kind == OUTCOME for d in definitions)
    outcome_titles = {
        d.code: name_key(_clean_title(text[d.title.start : d.title.end])) for d in definitions if d.kind == OUTCOME
    }
    outcome_codes = {d.code for d in definitions if d.kind == OUTCOME}
    for match in _TABLE_ROW.finditer(text):
        if not _line_start(document, match.start()):
            continue
        code = match.group(1)
        # In a results document a row is `1.1. Title.` under one of its outcomes; elsewhere `1.3 Title` in a
        # list of outputs. Figures such as `46.9 Proportion of ...` are neither.
        if has_results:
            if not match.group(2) or code.split(".")[0] not in outcome_codes:
                continue
        elif not _in_output_list(document, match.start()):
            continue
        kind = INDICATOR if code.count(".") == 2 else OUTPUT
        title = _title_span(document, match.end(), to_full_stop=bool(match.group(2)))
        definitions.append(_Definition(kind, code, match.start(), match.start(1), title, 2 if kind == OUTPUT else 3))
    for match in _TABLE_OUTCOME.finditer(text):
        code = match.group(1)
        if code not in outcome_titles or not _line_start(document, match.start()):
            continue
        sentence = document.sentence_at(match.end())
        printed = name_key(_clean_title(text[match.end() : sentence.end]))
        if printed.split()[:3] == outcome_titles[code].split()[:3]:
            definitions.append(
                _Definition(OUTCOME, code, match.start(), match.start(1), Span(match.end(), sentence.end), 1)
            )

    seen_titles: dict[str, str] = {}
    for definition in sorted(definitions, key=lambda d: d.start):
        short_id = _id(definition.kind, biennium, definition.code)
        code_end = definition.code_start + len(definition.code)
        # Only a definition that stands as a heading opens a section (a table cell `Outcome 1: ...;` does not);
        # so does a label alone on its line, its text below it (`Indicator 3a.1:`, then its text, target, strategy).
        line = document.line_span(document.line_at(definition.start))
        alone = line is not None and text[line.start : line.end].strip() == text[definition.start : code_end + 1]
        opens = definition.level if alone or document.heading_at(definition.start) is not None else None
        found.mentions.append(
            Mention(
                short_id,
                definition.kind,
                definition.start,
                code_end,
                text[definition.start : code_end],
                0.9,
                f"defined here ({dated_reason})",
                RECOGNIZER,
                heading_level=opens,
            )
        )
        label = _clean_title(text[definition.title.start : definition.title.end])
        if len(label.split()) < 2:
            continue
        if definition.kind == INDICATOR and short_id not in seen_titles:
            found.proposals.extend(_unit_rows(document, definition, short_id, label))
        found.proposals.extend(_definition_rows(document, known, definition, short_id, label, biennium, seen_titles))
    for match in _INFOCUS.finditer(text):
        name = match.group(1)
        slug = match.group(2).lower() if match.group(2) else slugify(name)
        short_id = _id(INFOCUS, biennium, slug)
        found.mentions.append(
            Mention(
                short_id,
                INFOCUS,
                match.start(),
                match.end(),
                match.group(0),
                0.8,
                "an InFocus programme of the biennium",
                RECOGNIZER,
            )
        )
        label = f"InFocus Programme on {name}"
        if not known.has_name(short_id, label):
            found.proposals.append(
                make(
                    document,
                    short_id,
                    "prefLabel",
                    label,
                    match.start(),
                    match.end(),
                    0.8,
                    RECOGNIZER,
                    "the programme's name as printed",
                )
            )
        if match.group(2):
            found.proposals.append(
                make(
                    document,
                    short_id,
                    "acronym",
                    match.group(2),
                    match.start(),
                    match.end(),
                    0.8,
                    RECOGNIZER,
                    "the acronym printed after the name",
                )
            )
    found.proposals.extend(_namely_rows(document, known, biennium, found))
    for kind, pattern in _REFERENCES:
        for match in pattern.finditer(text):
            for item in _LIST_ITEM.finditer(match.group(1)):
                start = match.start(1) + item.start()
                short_id = _id(kind, biennium, item.group(0))
                found.mentions.append(
                    Mention(
                        short_id,
                        kind,
                        start,
                        start + len(item.group(0)),
                        item.group(0),
                        0.8,
                        f"“{match.group(0)}” ({dated_reason})",
                        RECOGNIZER,
                    )
                )
    return found


def _namely_rows(document: Document, known: Knowledge, biennium: str, found: Found) -> list[Proposal]:
    """`Outcome 7 (compliance), namely 7.2 (workplace compliance)`: the short name is another name of the outcome,
    and 7.2 the outcome's part the text names: its indicator (its output from 2020-21 on), with that name."""
    rows: list[Proposal] = []
    for match in _NAMELY.finditer(document.text):
        outcome, part = match.group("outcome"), match.group("part")
        if part.split(".")[0] != outcome:
            continue
        outcome_id = _id(OUTCOME, biennium, outcome)
        kind = OUTPUT if int(biennium[:4]) >= _FIRST_BIENNIUM_WITH_OUTPUTS else INDICATOR
        part_id = _id(kind, biennium, part)
        short, name = match.group("short"), match.group("name")
        reason = f"“{match.group(0)}”"
        found.mentions.append(
            Mention(part_id, kind, match.start("part"), match.end("part"), part, 0.7, reason, RECOGNIZER)
        )
        if not known.has_name(outcome_id, short):
            rows.append(
                make(
                    document,
                    outcome_id,
                    "altLabel",
                    short,
                    match.start(),
                    match.end("short") + 1,
                    0.7,
                    RECOGNIZER,
                    f"{reason}: a short name of outcome {outcome}",
                )
            )
        start = match.start("part") - len("namely ")
        if part_id not in known.pref_labels:
            rows.append(make(document, part_id, "prefLabel", name, start, match.end(), 0.7, RECOGNIZER, reason))
            rows.append(make(document, part_id, "notation", part, start, match.end(), 0.7, RECOGNIZER, reason))
        link = "outputOf" if kind == OUTPUT else "measuredBy"
        subject, obj = (part_id, outcome_id) if kind == OUTPUT else (outcome_id, part_id)
        rows.append(
            make(
                document,
                subject,
                link,
                obj,
                match.start(),
                match.end(),
                0.7,
                RECOGNIZER,
                f"{reason}: {part} is a part of outcome {outcome}",
            )
        )
    return rows


def _in_output_list(document: Document, offset: int) -> bool:
    """A numbered line under a heading about the outputs of a Programme and Budget (within a few lines)."""
    line = document.line_at(offset)
    for back in range(1, 8):
        span = document.line_span(line - back)
        if span is not None and re.search(r"\boutputs\b", document.text[span.start : span.end]):
            return True
    # Further down a list: the previous numbered line was itself such an item.
    for back in range(1, 5):
        span = document.line_span(line - back)
        if span is not None and _TABLE_ROW.match(document.text, span.start):
            return _in_output_list(document, span.start)
    return False


def _definition_rows(
    document: Document,
    known: Knowledge,
    definition: _Definition,
    short_id: str,
    title: str,
    biennium: str,
    seen_titles: dict[str, str],
) -> list[Proposal]:
    rows: list[Proposal] = []
    start, title_span = definition.start, definition.title
    reason = f"{definition.kind} {definition.code} of {biennium} as the document defines it"
    code_quote_end = min(title_span.start + 20, title_span.end)
    if short_id in seen_titles:
        link = "prefLabel" if seen_titles[short_id] == name_key(title) else "altLabel"
        rows.append(
            make(
                document,
                short_id,
                link,
                title,
                start,
                title_span.end,
                0.8,
                RECOGNIZER,
                f"{reason}, again{' with another title' if link == 'altLabel' else ''}",
            )
        )
        if short_id not in known.pref_labels:
            rows.append(
                make(
                    document,
                    short_id,
                    "notation",
                    definition.code,
                    start,
                    code_quote_end,
                    0.8,
                    RECOGNIZER,
                    "the code as printed, again",
                )
            )
        return rows
    seen_titles[short_id] = name_key(title)
    pref = known.pref_labels.get(short_id)
    if pref is not None:
        if not known.has_name(short_id, title):
            rows.append(
                make(
                    document,
                    short_id,
                    "altLabel",
                    title,
                    start,
                    title_span.end,
                    0.7,
                    RECOGNIZER,
                    f"{reason}; the graph calls it “{pref}”",
                )
            )
        return rows
    rows.append(make(document, short_id, "prefLabel", title, start, title_span.end, 0.9, RECOGNIZER, reason))
    rows.append(
        make(
            document,
            short_id,
            "notation",
            definition.code,
            start,
            code_quote_end,
            0.9,
            RECOGNIZER,
            "the code as printed",
        )
    )
    parent = _parent(definition, biennium)
    if parent is not None:
        subject, link, obj = parent
        rows.append(
            make(
                document,
                subject,
                link,
                obj,
                start,
                code_quote_end,
                0.85,
                RECOGNIZER,
                f"{definition.code} is numbered under {obj.split('/', 1)[1]}",
            )
        )
    return rows


# What an indicator counts, from the words its text opens with (the curated `unit` values): cases counted,
# a share, or things counted as results (Member States, countries, ratifications, ...).
_UNITS = (
    ("cases", re.compile(r"Number of cases\b")),
    ("count", re.compile(r"Number of\b")),
    ("percentage", re.compile(r"(?:Percentage|Proportion)\b|Share of\b.*?\bas a percentage\b")),
)


def _unit_rows(document: Document, definition: _Definition, short_id: str, title: str) -> list[Proposal]:
    """The unit an indicator's own text gives it (`Number of ...`: count); none where the text says none."""
    for unit, pattern in _UNITS:
        said = pattern.match(title)
        if said is None:
            continue
        # The quote runs from the code to the words that give the unit (the title is the clean text from its start).
        end = definition.title.start + said.end()
        reason = f"the indicator's text says “{said.group(0)}”"
        return [make(document, short_id, "unit", unit, definition.start, end, 0.85, RECOGNIZER, reason)]
    return []


def _parent(definition: _Definition, biennium: str) -> tuple[str, str, str] | None:
    """The structural row a code implies: output 1.1 of outcome 1, indicator 1.1.1 of output 1.1, ..."""
    code = definition.code
    if definition.kind == OUTPUT:
        return _id(OUTPUT, biennium, code), "outputOf", _id(OUTCOME, biennium, code.split(".")[0])
    if definition.kind == INDICATOR and code.count(".") == 2:
        parent = code.rsplit(".", 1)[0]
        return _id(OUTPUT, biennium, parent), "measuredBy", _id(INDICATOR, biennium, code)
    if definition.kind == INDICATOR:
        parent = code.split(".")[0]
        return _id(OPERATIONAL_OBJECTIVE, biennium, parent), "measuredBy", _id(INDICATOR, biennium, code)
    if definition.kind == OPERATIONAL_OBJECTIVE:
        return (
            _id(OPERATIONAL_OBJECTIVE, biennium, code),
            "objectiveOf",
            _id(STRATEGIC_OBJECTIVE, biennium, re.sub(r"[a-z]+$", "", code)),
        )
    return None
