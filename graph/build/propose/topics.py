"""Topic suggestions: passages the Aurora SDG queries match, as low-confidence `aboutTarget` rows.

A match says a passage is about a target, not that the document states a link: the row's link,
`aboutTarget`, is not one the curated files accept, so it cannot enter the graph by mistake. A curator
who reads the passage and finds the link stated writes that row (servesTarget, ...) instead.
"""

from __future__ import annotations

from graph.build.propose.aurora import TargetQuery, Tokens
from graph.build.propose.document import Document
from graph.build.propose.linking import Section
from graph.build.propose.mentions import FLAGSHIP, OPERATIONAL_OBJECTIVE, OUTCOME, OUTPUT, PORTFOLIO
from graph.build.propose.rows import TOPIC_LINK, Proposal, make

RECOGNIZER = "topics"
CONFIDENCE = 0.2
_SUBJECTS = (FLAGSHIP, PORTFOLIO, OUTCOME, OUTPUT, OPERATIONAL_OBJECTIVE)
PASSAGE_SENTENCES = 3


def suggest(document: Document, found_sections: list[Section], queries: list[TargetQuery]) -> list[Proposal]:
    """One row per passage of a few sentences and target whose query matches it."""
    proposals: list[Proposal] = []
    sentences = [s for s in document.sentences if "://" not in document.text[s.start : s.end]]
    for first in range(0, len(sentences), PASSAGE_SENTENCES):
        window = sentences[first : first + PASSAGE_SENTENCES]
        start, end = window[0].start, window[-1].end
        tokens = Tokens.of(document.text[start:end])
        if len(tokens.words) < 8:
            continue
        subject = _subject(document, found_sections, start)
        for query in queries:
            matched = query.match(tokens)
            if matched is None:
                continue
            line_text, (first_word, last_word) = matched
            said = " ".join(tokens.words[first_word : last_word + 1])
            reason = (
                f"the Aurora query of SDG target {query.target} matches “{said}” ({_short(line_text)}); "
                "a topic, not a stated link"
            )
            proposals.append(
                make(
                    document,
                    subject,
                    TOPIC_LINK,
                    f"sdg:{query.target}",
                    start,
                    window[0].end,
                    CONFIDENCE,
                    RECOGNIZER,
                    reason,
                )
            )
    return proposals


def _subject(document: Document, found_sections: list[Section], offset: int) -> str:
    enclosing = [s for s in found_sections if s.start <= offset < s.end and s.subject.kind in _SUBJECTS]
    if enclosing:
        return max(enclosing, key=lambda s: s.level).subject.id
    return f"document:{document.key}"


def _short(text: str) -> str:
    return text if len(text) <= 90 else text[:87] + "…"


def goals_of(text: str, queries: list[TargetQuery]) -> set[int]:
    """The SDG goals whose target queries match a text (for the benchmark)."""
    tokens = Tokens.of(text)
    return {int(q.goal) for q in queries if q.match(tokens) is not None}
