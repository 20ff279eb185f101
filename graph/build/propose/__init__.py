"""Proposing curated rows from a new ILO document: names, codes and links, each with its line and quote.

The recognizers read a plain-text document (`document`), find mentions of flagships, other ILO
programmes, instruments, SDG items, Programme and Budget results, countries and partners, and the
document's own parts (tables, figures, boxes; one module each), link mentions that share a sentence,
a list or a section (`linking`), suggest SDG topics from the Aurora queries
(`topics`), and write rows in the curated columns for a curator to check (`rows`, `report`).
`evaluate` measures them against the curated rows, one document held out at a time.
"""

from graph.build.propose.document import Document, InputError, read_document
from graph.build.propose.knowledge import Knowledge
from graph.build.propose.pipeline import propose
from graph.build.propose.rows import Proposal

__all__ = ["Document", "InputError", "Knowledge", "Proposal", "propose", "read_document"]
