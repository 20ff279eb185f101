"""Links between two things the document names together: in one sentence (or a list it introduces), or
under one heading (a table row, a flagship's section, an output's section).

The link follows from the two kinds (flagship + instrument: principalStandard; output + SDG indicator:
reportsOn; flagship + country: operatesIn; programme under an indicator's strategy: inStrategyOf; ...),
with the subject and object as the curated README orders them. A sentence is stronger evidence than a
section; both are proposals, never facts. A link goes at the level the document states it: a standard or
an SDG indicator in an indicator's text is the indicator's, and what a sentence gives to a result is not
given again to the result whose section holds it (the build derives the link one level up). A sentence
that opens with `Its` goes on about the one programme named just before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.build.propose.document import Document, Span
from graph.build.propose.mentions import (
    COUNTRY,
    FLAGSHIP,
    INDICATOR,
    INFOCUS,
    INSTRUMENT,
    OPERATIONAL_OBJECTIVE,
    ORGANIZATION,
    OUTCOME,
    OUTPUT,
    PART,
    PORTFOLIO,
    PROGRAMME,
    SDG_GOAL,
    SDG_INDICATOR,
    SDG_RANGE,
    SDG_TARGET,
    STRATEGIC_OBJECTIVE,
    Mention,
)
from graph.build.propose.rows import Proposal, make

RECOGNIZER = "linking"
_SERVES = {SDG_GOAL: "servesGoal", SDG_TARGET: "servesTarget", SDG_INDICATOR: "servesIndicator"}
_OBJECTIVES = (OPERATIONAL_OBJECTIVE, STRATEGIC_OBJECTIVE)
RULES: dict[tuple[str, str], str] = {
    (FLAGSHIP, INSTRUMENT): "principalStandard",
    (FLAGSHIP, OUTCOME): "contributesToOutcome",
    (FLAGSHIP, OUTPUT): "contributesToOutput",
    (FLAGSHIP, SDG_RANGE): "servesTargetRange",
    (FLAGSHIP, ORGANIZATION): "partner",
    (FLAGSHIP, COUNTRY): "operatesIn",
    (PORTFOLIO, FLAGSHIP): "member",
    (PORTFOLIO, OUTCOME): "contributesToOutcome",
    (PORTFOLIO, OUTPUT): "contributesToOutput",
    (PORTFOLIO, ORGANIZATION): "partner",
    (OUTPUT, INSTRUMENT): "promotesStandard",
    (OUTCOME, INSTRUMENT): "promotesStandard",
    (OUTPUT, SDG_INDICATOR): "reportsOn",
    (OUTCOME, SDG_INDICATOR): "reportsOn",
    # A standard or SDG indicator named in an indicator's text is the indicator's (the build adds it to the
    # output the indicator measures).
    (INDICATOR, INSTRUMENT): "promotesStandard",
    (INDICATOR, SDG_INDICATOR): "reportsOn",
    (OUTPUT, ORGANIZATION): "partner",
    (INFOCUS, OPERATIONAL_OBJECTIVE): "servesObjective",
    (INFOCUS, INDICATOR): "addressedUnder",
    # A programme named in an indicator's strategy (P&B 2002-03) is in that strategy.
    (PROGRAMME, INDICATOR): "inStrategyOf",
    (PROGRAMME, COUNTRY): "operatesIn",
    (PROGRAMME, ORGANIZATION): "partner",
    **{(FLAGSHIP, kind): link for kind, link in _SERVES.items()},
    **{
        (subject, kind): link
        for subject in (OUTPUT, OUTCOME)
        for kind, link in _SERVES.items()
        if kind != SDG_INDICATOR
    },
    **{(subject, INSTRUMENT): "promotesStandard" for subject in _OBJECTIVES},
    **{(subject, ORGANIZATION): "partner" for subject in _OBJECTIVES},
    **{(subject, kind): link for subject in _OBJECTIVES for kind, link in _SERVES.items() if kind != SDG_INDICATOR},
}
# Words that state a link of this kind in a sentence: the proposal is then more likely right.
_CUES = {
    "partner": re.compile(r"partner|collaborat|cooperat|coordinat|support|together with|jointly|with the|through the"),
    "operatesIn": re.compile(r"\bin\b|countries|works?\b|operat|project"),
    "principalStandard": re.compile(r"Convention|Recommendation|standard|builds on|guided by"),
    "member": re.compile(r"flagship"),
}
_MARKER = re.compile(r"^(?:X |[■•◆♦–-] |\(\d+\) |\d+\. |[IVX]+\. |The |the |ILO )*")
_LIST_ITEM = re.compile(r"^(?:X |[■•◆♦–-] |\(\w{1,3}\) |\d{1,2}\.? )")
_ROMAN = re.compile(r"^[IVX]+\.(?: |$)")
_RESULTS = (OUTCOME, OUTPUT, INDICATOR, OPERATIONAL_OBJECTIVE, STRATEGIC_OBJECTIVE)
_LEVELS = {
    PORTFOLIO: 0,
    STRATEGIC_OBJECTIVE: 0,
    FLAGSHIP: 1,
    OUTCOME: 1,
    OPERATIONAL_OBJECTIVE: 1,
    OUTPUT: 2,
    INDICATOR: 3,
}


def link_for(first: Mention, second: Mention) -> tuple[Mention, str, Mention] | None:
    """(subject, link, object) when the kinds of two mentions make a link, in either order."""
    if first.id == second.id:
        return None
    for subject, obj in ((first, second), (second, first)):
        link = RULES.get((subject.kind, obj.kind))
        if link:
            return subject, link, obj
    return None


def object_value(mention: Mention) -> str:
    """What goes in the object column: an id, or for a range its text `8.2-8.10`."""
    return mention.id.split(":", 1)[1] if mention.kind == SDG_RANGE else mention.id


@dataclass
class Section:
    """A stretch of the document under a heading that names its subject."""

    subject: Mention
    start: int
    end: int
    level: int
    heading: Span


def sections(document: Document, mentions: list[Mention]) -> list[Section]:
    """The sections: definitions and headings that begin with a flagship, the portfolio or a P&B result."""
    candidates: list[tuple[int, int, Mention | None, Span]] = []
    by_start = sorted(mentions, key=lambda m: m.start)
    for mention in by_start:
        if mention.heading_level is not None:
            heading = document.heading_at(mention.start) or document.sentence_at(mention.start)
            # A division of the document (`Part III: ...`) ends every section before it and heads none itself.
            candidates.append(
                (mention.start, mention.heading_level, None if mention.kind == PART else mention, heading)
            )
    titles = list(document.headings)
    for sentence in document.sentences:
        text = document.text[sentence.start : sentence.end]
        line = document.line_span(document.line_at(sentence.start))
        if line is None or line.start != sentence.start or len(text) > 160:
            continue
        # A title ends in a question mark or a colon, at the sentence's end or its first line's.
        first_line = document.text[line.start : line.end].rstrip()
        if text.endswith(("?", ":")) or first_line.endswith(("?", ":")):
            titles.append(sentence)
    for heading in titles:
        text = document.text[heading.start : heading.end]
        if _ROMAN.match(text):
            candidates.append((heading.start, -1, None, heading))
            continue
        lead = heading.start + len(_MARKER.match(text).group(0))  # type: ignore[union-attr]
        inside = [m for m in by_start if heading.start <= m.start < heading.end and m.kind in _LEVELS]
        subject = next((m for m in inside if m.start <= lead and m.kind in (FLAGSHIP, PORTFOLIO)), None)
        if subject is None and text.endswith("?"):
            subject = next((m for m in inside if m.kind == PORTFOLIO), None)
        if subject is not None and subject.heading_level is None:
            candidates.append((heading.start, _LEVELS[subject.kind], subject, heading))
    candidates.sort(key=lambda c: (c[0], c[1]))
    done: list[Section] = []
    stack: list[Section] = []
    for start, level, subject, heading in candidates:
        while stack and stack[-1].level >= level:
            closed = stack.pop()
            closed.end = start
            done.append(closed)
        if subject is not None:
            stack.append(Section(subject, start, len(document.text), level, heading))
    done.extend(stack)
    return sorted(done, key=lambda s: (s.start, s.level))


def _quote_span(document: Document, sentence: Span, start: int, end: int) -> tuple[int, int]:
    """Where the quote of a link starts and ends: its sentence, cut at word ends near the mentions when long."""
    begin = (
        sentence.start if start - sentence.start <= 150 else document.text.rfind(" ", sentence.start, start - 60) + 1
    )
    finish = max(min(sentence.end, end + 120), end)
    if finish < sentence.end:
        space = document.text.find(" ", finish, sentence.end)
        finish = space if space != -1 else sentence.end
    return begin, finish


def _sentence_groups(document: Document) -> list[Span]:
    """Sentences, with a sentence that ends in `:` joined to the list items that follow it."""
    groups: list[Span] = []
    sentences = document.sentences
    index = 0
    while index < len(sentences):
        sentence = sentences[index]
        end = sentence.end
        if document.text[sentence.start : sentence.end].endswith(":"):
            while index + 1 < len(sentences) and _LIST_ITEM.match(document.text[sentences[index + 1].start :]):
                index += 1
                end = sentences[index].end
        groups.append(Span(sentence.start, end))
        index += 1
    return groups


_ITS = re.compile(r"^Its\b")
_OWNERS = (INFOCUS, PROGRAMME, FLAGSHIP)
_LOOK_BACK = 4


def _its_links(
    document: Document, groups: list[Span], index: int, linkable: list[Mention], inside: list[Mention]
) -> list[Proposal]:
    """A sentence that opens with `Its` goes on about the programme the sentences before it name (`The InFocus
    Programme on ... supports research ... Its work is addressed under indicator 3a.3.`): linked as if named
    there, when those sentences name one programme only."""
    group = groups[index]
    if not inside or not _ITS.match(document.text[group.start : group.end]):
        return []
    owners: list[Mention] = []
    for back in range(index - 1, max(index - 1 - _LOOK_BACK, -1), -1):
        before = groups[back]
        owners = [m for m in linkable if before.start <= m.start < before.end and m.kind in _OWNERS]
        if owners:
            break
    if len({m.id for m in owners}) != 1:
        return []
    owner = owners[0]
    proposals: list[Proposal] = []
    for mention in inside:
        found = link_for(owner, mention)
        if found is None or found[0] is not owner:
            continue
        begin, finish = _quote_span(document, group, group.start, mention.end)
        proposals.append(
            make(
                document,
                owner.id,
                found[1],
                object_value(mention),
                begin,
                finish,
                0.7,
                RECOGNIZER,
                f"“Its” is {owner.id}, named just before; “{mention.text}” in the sentence",
            )
        )
    return proposals


def link(document: Document, mentions: list[Mention], found_sections: list[Section]) -> list[Proposal]:
    proposals: list[Proposal] = []
    linkable = [
        m
        for m in mentions
        if m.kind in _LEVELS
        or m.kind in (INSTRUMENT, ORGANIZATION, COUNTRY, INFOCUS, PROGRAMME)
        or m.kind.startswith("sdg")
    ]
    stated: set[int] = set()  # the mentions a sentence already links to a P&B result
    position = 0
    groups = _sentence_groups(document)
    for index, group in enumerate(groups):
        while position < len(linkable) and linkable[position].start < group.start:
            position += 1
        inside = []
        scan = position
        while scan < len(linkable) and linkable[scan].start < group.end:
            inside.append(linkable[scan])
            scan += 1
        proposals.extend(_its_links(document, groups, index, linkable, inside))
        for i, first in enumerate(inside):
            for second in inside[i + 1 :]:
                found = link_for(first, second)
                if found is None:
                    continue
                subject, name, obj = found
                if subject.kind in _RESULTS:
                    stated.add(id(obj))
                early, late = sorted((first, second), key=lambda m: m.start)
                if document.sentence_index(early.start) != document.sentence_index(late.start):
                    # A list under its lead-in: the item says it; quote the item.
                    begin, finish = _quote_span(document, document.sentence_at(late.start), late.start, late.end)
                else:
                    begin, finish = _quote_span(document, group, early.start, late.end)
                cue = _CUES.get(name)
                sentence_text = document.text[group.start : group.end]
                confidence = 0.8 if cue is None or cue.search(sentence_text) else 0.65
                proposals.append(
                    make(
                        document,
                        subject.id,
                        name,
                        object_value(obj),
                        begin,
                        finish,
                        confidence,
                        RECOGNIZER,
                        f"“{subject.text}” and “{obj.text}” in one sentence",
                    )
                )
    for mention in linkable:
        for section in sorted((s for s in found_sections if s.start <= mention.start < s.end), key=lambda s: -s.level):
            if section.subject is mention:
                continue
            if id(mention) in stated and section.subject.kind in _RESULTS:
                break  # its own sentence gives it to a result, at the level the document states it
            found = link_for(section.subject, mention)
            if found is None:
                continue
            subject, name, obj = found
            sentence = document.sentence_at(mention.start)
            if name == "partner" and not _CUES["partner"].search(document.text[sentence.start : sentence.end]):
                break  # a partner only named under a heading, with no word of working together: not proposed
            begin, finish = _quote_span(document, sentence, mention.start, mention.end)
            heading_line = document.line_at(section.heading.start)
            proposals.append(
                make(
                    document,
                    subject.id,
                    name,
                    object_value(obj),
                    begin,
                    finish,
                    0.55,
                    RECOGNIZER,
                    f"“{mention.text}” under the heading of {section.subject.id} (line {heading_line})",
                )
            )
            break
    return proposals
