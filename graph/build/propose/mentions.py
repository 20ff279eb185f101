"""Mentions (a thing named at a place in the document) and the matching helpers the recognizers share."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from graph.build.propose.document import Document, fold_chars
from graph.build.propose.rows import Proposal

# Kinds of thing a mention can be; the link between two mentions follows from their kinds.
FLAGSHIP = "flagship"
PORTFOLIO = "portfolio"
PROGRAMME = "programme"  # an ILO programme that is not a flagship (STEP, WISE; IPEC, which IPEC+ revised)
PART = "part"  # a part of the document: a numbered part, a table, a figure, a box
INSTRUMENT = "instrument"
SDG_GOAL = "sdg-goal"
SDG_TARGET = "sdg-target"
SDG_INDICATOR = "sdg-indicator"
SDG_RANGE = "sdg-range"
OUTCOME = "outcome"
OUTPUT = "output"
INDICATOR = "indicator"
STRATEGIC_OBJECTIVE = "strategic-objective"
OPERATIONAL_OBJECTIVE = "operational-objective"
INFOCUS = "infocus-programme"
ORGANIZATION = "organization"
COUNTRY = "country"

# When two mentions overlap, the longer wins; on equal length, the kind earlier here.
PRIORITY = (
    INSTRUMENT,
    ORGANIZATION,
    SDG_RANGE,
    SDG_INDICATOR,
    SDG_TARGET,
    SDG_GOAL,
    FLAGSHIP,
    PROGRAMME,
    PORTFOLIO,
    INDICATOR,
    OUTPUT,
    OUTCOME,
    OPERATIONAL_OBJECTIVE,
    STRATEGIC_OBJECTIVE,
    INFOCUS,
    COUNTRY,
    PART,
)


@dataclass
class Mention:
    """A thing (by short id) named in the clean text [start, end), and why the recognizer thinks so."""

    id: str
    kind: str
    start: int
    end: int
    text: str
    confidence: float
    reason: str
    recognizer: str
    # The section level when this mention heads a section (a heading or a definition), else None.
    heading_level: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


def gazetteer_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One regex finding any of `names` (longest first) as whole words in fold_chars(text)."""
    keys = sorted({fold_chars(n) for n in names if n.strip()}, key=len, reverse=True)
    if not keys:
        return None
    alternation = "|".join(r"\s+".join(re.escape(part) for part in key.split()) for key in keys)
    # `IPEC` must not match inside `IPEC+`, nor `Niger` inside `Nigeria`.
    return re.compile(rf"(?<![\w+])(?:{alternation})(?![\w+])")


def find_all(pattern: re.Pattern[str] | None, text: str) -> Iterator[re.Match[str]]:
    if pattern is None:
        return iter(())
    return pattern.finditer(text)


def slugify(text: str) -> str:
    """A lower-case ASCII slug: `Vision Zero Fund` -> `vision-zero-fund`."""
    ascii_text = unicodedata.normalize("NFKD", fold_chars(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


_CAP_WORD = r"(?!The\b)(?:[A-Z][\w’'.\-/]*[\w’']|[A-Z])"
# Between the words of a name: a space, a comma, or a connector (`of the`, `for`, `and`, `+`); never `and the`
# or `, the`, which join two names in a list.
_JOIN = r"(?: |, | (?:of|for|on|to|in|at)(?: the)? | (?:and|&|\+|de|du|des|la) )"
# A capitalized name: `Safety + Health for All`, `United Nations Educational, Scientific and Cultural Organization`.
CAPITALIZED_NAME = re.compile(rf"{_CAP_WORD}(?:{_JOIN}{_CAP_WORD})*")
ACRONYM = r"[A-Z][A-Za-z0-9]*(?:[/+&–-][A-Za-z0-9]+)*\+?"


def is_acronym(text: str) -> bool:
    """`IPEC+`, `OSH–GAP`, `ILO/CINTERFOR`, `USP2030`: one token, mostly capitals."""
    token = text.strip()
    if " " in token or len(token) > 14 or len(token) < 2:
        return False
    letters = [c for c in token if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= max(2, len(letters) - 1)


def cut_name(name: str) -> str:
    """Trim a captured name of a leading article and trailing punctuation."""
    name = re.sub(r"^(?:the|The|an?|An?)\s+", "", name.strip())
    return name.rstrip(" ,;:.")


def resolve_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep, of mentions that overlap, the longest (then the kind first in PRIORITY); sorted by position."""
    rank = {kind: index for index, kind in enumerate(PRIORITY)}
    ordered = sorted(mentions, key=lambda m: (-(m.end - m.start), rank.get(m.kind, 99), m.start))
    kept: list[Mention] = []
    taken: list[tuple[int, int]] = []
    for mention in ordered:
        if any(mention.start < end and start < mention.end for start, end in taken):
            continue
        kept.append(mention)
        taken.append((mention.start, mention.end))
    return sorted(kept, key=lambda m: (m.start, m.end))


def in_url(document: Document, start: int) -> bool:
    """Whether clean offset `start` lies inside a URL (codes in URLs are not mentions)."""
    left = document.text.rfind(" ", 0, start) + 1
    token = document.text[left : document.text.find(" ", start) if document.text.find(" ", start) != -1 else None]
    return "://" in token or token.startswith("www.")


@dataclass
class Found:
    """What one recognizer found: mentions for linking, and rows it proposes itself (names, codes)."""

    mentions: list[Mention] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
