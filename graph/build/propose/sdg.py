"""SDG goals, targets and indicators, and their traps.

Learns from: the SDG framework in seeds/reference/sdg (every code must exist there).
Finds: `Goal 8`, `Goals 8 (...), 11 (...) and 16 (...)`, `SDG 8`; `target 8.7`, `targets 8.2 (...),
and 8.8 (...)`, `SDG targets, in particular 1.3, 3.8 and 10.4`; `SDG indicator 8.8.1`; ranges
`all targets from 8.2 to 8.10`. Traps: `SDG 1.3` is target 1.3 though the word is missing;
`Alliance 8.7` is an organization (see parties), never a target; a code with no SDG word before it
(an output `8.2`, a paragraph number) is not an SDG item.
"""

from __future__ import annotations

import re

from graph.build.propose.document import Document
from graph.build.propose.knowledge import Knowledge, fold_chars
from graph.build.propose.mentions import SDG_GOAL, SDG_INDICATOR, SDG_RANGE, SDG_TARGET, Found, Mention

RECOGNIZER = "sdg"
_GOAL = r"1[0-7]|[1-9]"
_TARGET = rf"(?:{_GOAL})\.(?:\d{{1,2}}|[a-z])"
_INDICATOR = rf"{_TARGET}\.\d{{1,2}}"
_PAREN = r"(?: \([^()]{0,200}\)| on [a-z][\w -]{0,60}?(?=[,;.]| and | or ))?"
_SEP = r"(?:,? and |,? or |, )"
_FILLER = r"(?:,? (?:in particular|notably|including|such as|namely))?"
_RANGE = re.compile(
    rf"\b(?:all )?(?:SDG )?[Tt]argets? from ({_TARGET}) to ({_TARGET})\b|\b[Tt]argets ({_TARGET}) ?[–-] ?({_TARGET})\b"
)
_CUES = (
    (SDG_INDICATOR, re.compile(rf"\bSDG [Ii]ndicators?{_FILLER} (?={_INDICATOR}\b)"), _INDICATOR),
    (
        SDG_TARGET,
        re.compile(rf"(?<!Alliance )\b(?:SDG |Sustainable Development Goal )?[Tt]argets?{_FILLER},? (?={_TARGET}\b)"),
        _TARGET,
    ),
    # The trap: `SDG 1.3` names target 1.3 without the word.
    (SDG_TARGET, re.compile(rf"\bSDGs? (?={_TARGET}\b(?!\.\d))"), _TARGET),
    (SDG_GOAL, re.compile(rf"\b(?:SDGs?|Sustainable Development Goals?|Goals?) (?=(?:{_GOAL})\b(?![.,]\d))"), _GOAL),
)


def _valid(kind: str, code: str, known: Knowledge) -> bool:
    table = {SDG_GOAL: known.sdg_goals, SDG_TARGET: known.sdg_targets, SDG_INDICATOR: known.sdg_indicators}[kind]
    return code in table


def recognize(document: Document, known: Knowledge) -> Found:
    text = fold_chars(document.text)
    found = Found()
    taken: list[tuple[int, int]] = []
    for match in _RANGE.finditer(text):
        first, last = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        goal = first.split(".")[0]
        if goal != last.split(".")[0] or not (_valid(SDG_TARGET, first, known) and _valid(SDG_TARGET, last, known)):
            continue
        found.mentions.append(
            Mention(
                f"range:{first}-{last}",
                SDG_RANGE,
                match.start(),
                match.end(),
                document.text[match.start() : match.end()],
                0.85,
                f"a range of targets of goal {goal}, as stated",
                RECOGNIZER,
            )
        )
        taken.append((match.start(), match.end()))
    for kind, cue, code_pattern in _CUES:
        item = re.compile(rf"({code_pattern})\b(?![.]\d){_PAREN}")
        for match in cue.finditer(text):
            position = match.end()
            first = True
            while True:
                if not first:
                    separator = re.compile(_SEP).match(text, position)
                    if separator is None:
                        break
                    position = separator.end()
                code = item.match(text, position)
                if code is None:
                    break
                start, end = code.start(1), code.end(1)
                position = code.end()
                if any(s <= start < e for s, e in taken):
                    break
                if _valid(kind, code.group(1), known):
                    short_id = f"sdg:{code.group(1)}"
                    why = f"“{match.group(0).strip()} …” names SDG {kind.split('-')[1]} {code.group(1)}"
                    if cue.pattern.startswith(r"\bSDGs? (?="):
                        why = f"“SDG {code.group(1)}” is a target: two-part codes are targets even without the word"
                    found.mentions.append(
                        Mention(short_id, kind, start, end, document.text[start:end], 0.85, why, RECOGNIZER)
                    )
                    taken.append((start, end))
                first = False
    return found
