"""Reading one document: every recognizer, then the links, the names of what the links use, the topics."""

from __future__ import annotations

from graph.propose import flagships, instruments, linking, parties, results, sdg, topics
from graph.propose.aurora import TargetQuery
from graph.propose.document import Document
from graph.propose.knowledge import Knowledge
from graph.propose.mentions import Mention, resolve_overlaps
from graph.propose.rows import Proposal, merge

RECOGNIZERS = (flagships.recognize, instruments.recognize, sdg.recognize, results.recognize, parties.recognize)


def read_mentions(document: Document, known: Knowledge) -> tuple[list[Mention], list[Proposal]]:
    """The mentions that survive overlaps (the longest wins), and the rows the recognizers propose."""
    mentions: list[Mention] = []
    proposals: list[Proposal] = []
    for recognize in RECOGNIZERS:
        found = recognize(document, known)
        mentions.extend(found.mentions)
        proposals.extend(found.proposals)
    return resolve_overlaps(mentions), proposals


def propose(document: Document, known: Knowledge, queries: list[TargetQuery] | None = None) -> list[Proposal]:
    """Every proposal for `document`, one per (subject, link, object), most confident evidence first."""
    mentions, proposals = read_mentions(document, known)
    proposals.extend(flagships.name_rows(document, known, mentions))
    found_sections = linking.sections(document, mentions)
    links = linking.link(document, mentions, found_sections)
    proposals.extend(links)
    used = {p.subject for p in links} | {p.object for p in links}
    proposals.extend(parties.name_rows(document, known, mentions, used))
    if queries:
        proposals.extend(topics.suggest(document, found_sections, queries))
    return merge(proposals)
