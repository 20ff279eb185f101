"""Reading one document: every recognizer, then the links, the names of what the links use, the topics."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from graph.build.curated import CuratedError, read_curated
from graph.build.propose import flagships, instruments, linking, parties, parts, programmes, results, sdg, topics
from graph.build.propose.aurora import TargetQuery, read_queries
from graph.build.propose.document import Document, InputError, read_document
from graph.build.propose.knowledge import Knowledge, read_registry
from graph.build.propose.mentions import Mention, resolve_overlaps
from graph.build.propose.rows import NAMES, TOPICS, Proposal, merge

RECOGNIZERS = (
    flagships.recognize,
    programmes.recognize,
    instruments.recognize,
    sdg.recognize,
    results.recognize,
    parties.recognize,
    parts.recognize,
)


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
    proposals.extend(programmes.name_rows(document, known, mentions))
    found_sections = linking.sections(document, mentions)
    links = (
        linking.link(document, mentions, found_sections)
        + parts.rows(document, mentions)
        + programmes.revision_rows(document, mentions)
    )
    proposals.extend(links)
    used = {p.subject for p in links} | {p.object for p in links}
    proposals.extend(parties.name_rows(document, known, mentions, used))
    if queries:
        proposals.extend(topics.suggest(document, found_sections, queries))
    return merge(proposals)


@dataclass
class Reading:
    """A document read for a curator: its proposals, and what the graph already knows."""

    document: Document
    known: Knowledge
    proposals: list[Proposal]
    known_ids: set[str] = field(default_factory=set)

    def new_ids(self) -> dict[str, list[Proposal]]:
        """The ids the proposals use that the graph does not know yet, each with its proposed names."""
        found: dict[str, list[Proposal]] = {}
        for proposal in self.proposals:
            if proposal.kind == TOPICS:
                continue
            for short_id in (proposal.subject, proposal.object):
                if ID.fullmatch(short_id) and short_id not in self.known_ids:
                    found.setdefault(short_id, [])
        for proposal in self.proposals:
            if proposal.subject in found and proposal.kind == NAMES:
                found[proposal.subject].append(proposal)
        return dict(sorted(found.items()))

    def already_curated(self, proposal: Proposal, window: int = 3) -> bool:
        """Whether the document's own curated rows already say this (same link, a line nearby)."""
        return any(
            (row["subject"], row["link"], row["object"]) == proposal.triple
            and any(abs(int(row["line"]) - line) <= window for line in proposal.lines)
            for row in self.known.own_rows
        )


ID = re.compile(r"(?:[a-z-]+:\S+|[CPR]\d{3})")


def read_file(seeds_dir: Path, path: Path, key: str, topics_on: bool = True) -> Reading:
    """Read a document registered under `key` from `path`; InputError for an unknown key or a bad file."""
    registry = read_registry(seeds_dir)
    if key not in registry:
        known_keys = ", ".join(sorted(registry))
        raise InputError(
            f"unknown document key {key!r}: register the document in seeds/documents/documents.csv first "
            f"(key, file, title, ...); known keys: {known_keys}"
        )
    document = read_document(path, key, registry[key].title)
    try:
        known = Knowledge.load(seeds_dir, key)
    except CuratedError as error:  # the seeds themselves are broken: say where, as the build does
        raise InputError(f"cannot read the curated rows: {error}") from error
    queries = read_queries(seeds_dir) if topics_on else None
    known_ids = set(known.known_ids)
    for row in read_curated(seeds_dir / "curated", seeds_dir):
        if row.folder == "links" and row["document"] != key:
            known_ids.add(row["subject"])
            if ID.fullmatch(row["object"]):
                known_ids.add(row["object"])
    known_ids.update(f"document:{k}" for k in registry)
    return Reading(document, known, propose(document, known, queries), known_ids)
