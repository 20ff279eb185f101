"""Flagship names: every variant and acronym a document uses (IPEC, the programme IPEC+ revised: see programmes).

Learns from: the names, altLabels and acronyms the other documents' curated rows give the flagships.
Finds: those names (en dash and hyphen alike: OSH–GAP = OSH-GAP); names a document introduces itself,
as `<Name> flagship programme`, `flagship programme on building <Name>` or `<Name> (<ACRONYM>)`,
when their words match a known flagship's; `<name> programme` variants (`IPEC+ flagship programme` prints
the acronym IPEC+ too); the flagships as a group.
"""

from __future__ import annotations

import re
from collections import defaultdict

from graph.build.propose.document import Document
from graph.build.propose.knowledge import Knowledge, name_key
from graph.build.propose.mentions import (
    CAPITALIZED_NAME,
    FLAGSHIP,
    PORTFOLIO,
    Found,
    Mention,
    cut_name,
    find_all,
    gazetteer_pattern,
    is_acronym,
)
from graph.build.propose.rows import Proposal, make

RECOGNIZER = "flagships"
PORTFOLIO_ID = "portfolio:flagships"
_STOP = frozenset(
    [
        "the",
        "of",
        "for",
        "on",
        "and",
        "to",
        "in",
        "a",
        "an",
        "all",
        "ilo",
        "programme",
        "programmes",
        "flagship",
        "global",
    ]
)
_AFTER = re.compile(r"^(?: (?:[Ff]lagship [Pp]rogramme|[Pp]rogramme))(?![\w’'])")
_BEFORE = re.compile(r"(?:(?:Global |ILO )?[Ff]lagship [Pp]rogramme (?:on|for) (?:[Bb]uilding )?)$")
_PORTFOLIO = re.compile(r"(?<![\w])(?:(?:ILO |[Tt]he )?[Ff]lagship [Pp]rogrammes|ILO flagships)(?![\w])")
_INTRODUCED_AFTER = re.compile(r"(?<![\w])(?:[Ff]lagship [Pp]rogramme) (?:(?:on|for) (?:[Bb]uilding )?)?")
_INTRODUCED_BEFORE = re.compile(r" (?:[Ff]lagship [Pp]rogramme|Programme)(?![\w])")


def _words(name: str) -> set[str]:
    """The content words of a name, plurals made singular (Floors = Floor)."""
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in _STOP}
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words}


_ACRONYM_PROGRAMME = re.compile(r"^(\S+) (?:[Ff]lagship )?[Pp]rogramme$")
_HEADING_LEAD = re.compile(r"^(?:X |[■•]\s*|\(\d+\) |\d+\. )*(?:(?:the|The|A revised|a revised) )?")


def _heading_names(document: Document) -> list[tuple[str, int]]:
    """Title-case names that stand alone as a heading or as an item of a numbered list."""
    candidates = [document.text[h.start : h.end] for h in document.headings]
    candidates += [
        document.text[s.start : s.end] for s in document.sentences if re.match(r"\(\d+\) ", document.text[s.start :])
    ]
    out = []
    for candidate in candidates:
        name = _HEADING_LEAD.sub("", candidate).rstrip(" ;.,")
        name = re.sub(r" \([^()]*\)$", "", name)
        words = name.split()
        if len(words) < 2 or len(name) > 80 or any(w[:1].islower() and w.lower() not in _STOP for w in words):
            continue
        out.append((name, len(words)))
    return out


_PROGRAMME_LEAD = re.compile(
    r"^(?:ILO'?s? )?(?:(?:ILO |Global )?[Ff]lagship [Pp]rogramme (?:(?:on|for) )?(?:[Bb]uilding )?)?"
)


def _name_before(text: str, position: int) -> str | None:
    """The capitalized name that ends right before `position`, if any (without a `Flagship Programme` lead)."""
    window = text[max(0, position - 120) : position]
    found = [m for m in CAPITALIZED_NAME.finditer(window) if m.end() == len(window)]
    return _PROGRAMME_LEAD.sub("", cut_name(found[-1].group(0))) if found else None


class _Flagships:
    def __init__(self, known: Knowledge) -> None:
        self.names: dict[str, set[str]] = known.names_of("flagship:")
        self.bags: dict[str, set[str]] = defaultdict(set)
        for name, ids in self.names.items():
            for short_id in ids:
                self.bags[short_id] |= _words(name)
        self.acronyms = {name: ids for name, ids in self.names.items() if is_acronym(name)}

    def match(self, name: str) -> str | None:
        """The flagship a name introduced by the document stands for: known, or sharing its words."""
        ids = self.names.get(name_key(name))
        if ids and len(ids) == 1:
            return next(iter(ids))
        words = _words(name)
        best: tuple[float, str] | None = None
        for short_id, bag in self.bags.items():
            shared = words & bag
            if len(shared) < 2 or not words:
                continue
            score = len(shared) / min(len(words), len(bag))
            if score >= 0.6 and (best is None or score > best[0]):
                best = (score, short_id)
        return best[1] if best else None


def recognize(document: Document, known: Knowledge) -> Found:
    text = document.name_text
    flagships = _Flagships(known)
    names: dict[str, tuple[str, str]] = {
        key: (next(iter(ids)), "a name other documents give it")
        for key, ids in flagships.names.items()
        if len(ids) == 1
    }
    # Names the document introduces: `<Name> flagship programme`, `flagship programme on building <Name>`.
    for match in _INTRODUCED_BEFORE.finditer(text):
        name = _name_before(text, match.start())
        if name and name_key(name) not in names and not is_acronym(name):
            short_id = flagships.match(name)
            if short_id:
                names[name_key(name)] = (short_id, f"introduced as “{name}{match.group(0)}”")
    for match in _INTRODUCED_AFTER.finditer(text):
        found = CAPITALIZED_NAME.match(text, match.end())
        if found:
            name = cut_name(found.group(0))
            short_id = flagships.match(name)
            if short_id and name_key(name) not in names:
                names[name_key(name)] = (short_id, f"introduced as “{match.group(0)}{name}”")
    # A heading or list item whose every word is a known flagship's: `Social Protection Floor`.
    for name, _ in _heading_names(document):
        words = _words(name)
        owners = [i for i, bag in flagships.bags.items() if len(words) >= 2 and words <= bag]
        if len(owners) == 1 and name_key(name) not in names:
            names[name_key(name)] = (owners[0], f"a heading whose words are all those of {owners[0]}'s names")
    # `<Long name> (<ACRONYM>)`: the long name of a known acronym. (`(IPEC)` is not IPEC+'s: see programmes.)
    for match in re.finditer(r"\(([A-Z][A-Za-z+–-]{1,9})\)", text):
        acronym = name_key(match.group(1))
        long_name = _name_before(text, match.start() - 1) if text[match.start() - 1 : match.start()] == " " else None
        if not long_name or len(long_name.split()) < 2:
            continue
        if acronym in flagships.acronyms and len(flagships.acronyms[acronym]) == 1:
            short_id = next(iter(flagships.acronyms[acronym]))
            names.setdefault(name_key(long_name), (short_id, f"spelled out before “({match.group(1)})”"))

    result = Found()
    pattern = gazetteer_pattern(names)
    for match in find_all(pattern, text):
        short_id, why = names[name_key(match.group(0))]
        start, end = match.start(), match.end()
        before = _BEFORE.search(text, max(0, start - 60), start)
        if before and before.end() == start:
            start = before.start()
        after = _AFTER.match(text[end : end + 30])
        if after:
            end += after.end()
        confidence = 0.9 if why.startswith("a name other") else 0.75
        result.mentions.append(
            Mention(
                short_id,
                FLAGSHIP,
                start,
                end,
                document.text[start:end],
                confidence,
                why,
                RECOGNIZER,
                extra={"name": document.text[match.start() : match.end()]},
            )
        )
    for match in _PORTFOLIO.finditer(text):
        result.mentions.append(
            Mention(
                PORTFOLIO_ID,
                PORTFOLIO,
                match.start(),
                match.end(),
                document.text[match.start() : match.end()],
                0.6,
                "the flagship programmes as a group",
                RECOGNIZER,
            )
        )
    return result


def _is_preferred(pref: str | None, text: str, first_bare_name: bool) -> bool:
    """The graph's preferred name stated again, or, for a flagship the graph has no name for, its first bare name."""
    return name_key(pref) == name_key(text) if pref is not None else first_bare_name


def name_rows(document: Document, known: Knowledge, mentions: list[Mention]) -> list[Proposal]:
    rows: list[Proposal] = []
    first_bare: dict[str, str] = {}
    for mention in mentions:
        if mention.kind != FLAGSHIP:
            continue
        printed = mention.text
        core = mention.extra.get("name", printed)
        # An extended mention (`Better Work flagship programme`) gives its own name; its core only when an acronym.
        variants = [core] if core == printed else ([core, printed] if is_acronym(core) else [printed])
        # A known name that is an acronym and `flagship programme` (`IPEC+ flagship programme`) prints the acronym.
        spelled = _ACRONYM_PROGRAMME.match(printed)
        if spelled and is_acronym(spelled.group(1)) and spelled.group(1) not in variants:
            variants.append(spelled.group(1))
        for text in variants:
            bare = text == core
            pref = known.pref_labels.get(mention.id)
            if is_acronym(text):
                link = "acronym"
            elif _is_preferred(
                pref, text, bare and first_bare.setdefault(mention.id, name_key(text)) == name_key(text)
            ):
                link = "prefLabel"
            else:
                link = "altLabel"
            what = "acronym" if link == "acronym" else "name"
            reason = f"{what} of {mention.id}: {mention.reason}" + ("" if bare else f", with “{printed}” around it")
            rows.append(
                make(
                    document, mention.id, link, text, mention.start, mention.end, mention.confidence, RECOGNIZER, reason
                )
            )
    return rows
