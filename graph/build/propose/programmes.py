"""ILO programmes that are not flagships: `programme:<slug>`, with the names and acronyms a document gives them.

Learns from: the programme names and acronyms of the other documents' curated rows (a programme named
again is the same id), and the flagships' acronyms (IPEC+ tells that IPEC is the programme it revised).
Finds a programme where the document introduces one as such:
- an acronym spelled out, then called a programme: `the STEP (Strategies and Tools against Exclusion
  and Poverty) programme`, `WIND (Work Improvement in Neighbourhood Development), the programme ...`,
  `the Sustaining Competitive and Responsible Enterprises (SCORE) programme`, `an Employment Intensive
  Infrastructure Programme (EIIP)`: the long name's initials must spell the acronym, and a name that
  begins `United Nations`, `UN` or `World` is an agency (UNDP), not an ILO programme;
- a programme named by its subject: `the ILO Programme on HIV/AIDS and the World of Work`, `the special
  programme on the extension of social protection` (the title-case spelling is the preferred name);
- a programme or initiative known only by an acronym: `a major training initiative (QUA-TRAIN)`;
- the predecessor of a flagship: `IPEC` where a flagship is `IPEC+`, and its name spelled out before
  `(IPEC)`. It is a programme of its own (the flagship is `revisionOf` it), never the flagship.
Then every later mention of a name or acronym found so (`The STEP programme will play a key role`).
"""

from __future__ import annotations

import re
from collections import defaultdict

from graph.build.propose.document import Document
from graph.build.propose.knowledge import Knowledge, name_key
from graph.build.propose.mentions import (
    ACRONYM,
    CAPITALIZED_NAME,
    FLAGSHIP,
    PROGRAMME,
    Found,
    Mention,
    cut_name,
    find_all,
    gazetteer_pattern,
    is_acronym,
    slugify,
)
from graph.build.propose.rows import Proposal, make

RECOGNIZER = "programmes"
_ACRONYM_FIRST = re.compile(
    rf"\b(?P<acr>{ACRONYM}) \((?P<name>[A-Z][^()]{{5,120}}?)\)(?=,? (?:the )?[Pp]rogramme\b| programme\b)"
)
_NAME_FIRST = re.compile(rf"\((?P<acr>{ACRONYM})\)(?= programme\b)|(?<=Programme )\((?P<own>{ACRONYM})\)")
_SUBJECT = re.compile(
    r"\b(?P<name>(?:ILO|special) [Pp]rogramme on (?P<topic>(?:the )?[A-Za-z][\w/-]*"
    r"(?: (?:and|of|the|on|for|in|[A-Za-z][\w/-]*)){0,9}?))(?=[.,;:()]| (?:will|is|has|was|would)\b|$)"
)
_ONLY_ACRONYM = re.compile(rf"\b[a-z]+ (?:programme|initiative) \((?P<acr>{ACRONYM})\)")
_AGENCY = re.compile(r"^(?:United Nations|UN|World)\b")
_SMALL_WORDS = frozenset(["of", "for", "the", "and", "on", "in", "against", "to", "a", "an", "at", "with"])


def spells(acronym: str, name: str) -> bool:
    """Whether the initials of a name's words spell the acronym, in order (small words may be skipped):
    `Strategies and Tools against Exclusion and Poverty` spells STEP, `Sustaining Competitive and Responsible
    Enterprises` SCORE (its letters may take more than one from a word)."""
    letters = re.sub(r"[^A-Za-z]", "", acronym).upper()
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", name)]
    initials = "".join(w[0].upper() for w in words if w.lower() not in _SMALL_WORDS)
    if not letters or not initials or letters[0] != initials[0]:
        return False
    position = 0
    for initial in initials:
        found = letters.find(initial, position)
        if found == -1:
            return False
        position = found + 1
    return len(initials) >= max(2, len(letters) - 2)


def _slug(name: str) -> str:
    return slugify(re.sub(r"^(?:ILO|special) [Pp]rogramme on (?:the )?", "", name))


class _Programmes:
    def __init__(self, document: Document, known: Knowledge) -> None:
        self.document = document
        self.known = known
        self.text = document.name_text
        self.found = Found()
        # name key -> (id, why): known programmes first, then those the document introduces.
        self.names: dict[str, tuple[str, str]] = {
            key: (next(iter(ids)), "a name other documents give it")
            for key, ids in known.names_of("programme:").items()
            if len(ids) == 1
        }
        self.flagship_names = set(known.names_of("flagship:"))
        self.revised_by: dict[str, str] = {}  # a predecessor's id -> the flagship that revised it

    def id_for(self, *names: str) -> str:
        for name in names:
            known = self.names.get(name_key(name))
            if known:
                return known[0]
        return f"programme:{slugify(names[-1]) if is_acronym(names[-1]) else _slug(names[0])}"

    def introduce(self, short_id: str, names: list[str], why: str) -> None:
        for name in names:
            self.names.setdefault(name_key(name), (short_id, why))

    def run(self) -> Found:
        text = self.text
        for match in _ACRONYM_FIRST.finditer(text):
            acronym, name = match.group("acr"), cut_name(match.group("name"))
            if is_acronym(acronym) and spells(acronym, name) and not _AGENCY.match(name):
                self.introduce(self.id_for(acronym, name), [acronym, name], f"“{acronym} ({name})” called a programme")
        for match in _NAME_FIRST.finditer(text):
            acronym = match.group("acr") or match.group("own")
            window = text[max(0, match.start() - 160) : match.start()].rstrip()
            before = [m for m in CAPITALIZED_NAME.finditer(window) if m.end() == len(window)]
            if not before or not is_acronym(acronym):
                continue
            name = cut_name(before[-1].group(0))
            if (
                spells(acronym, name)
                and not _AGENCY.match(name)
                and name_key(name) not in self.flagship_names
                and not self.known.ids_named(name, "organization:")
            ):
                self.introduce(self.id_for(acronym, name), [name, acronym], f"“{name} ({acronym})”, a programme")
        for match in _SUBJECT.finditer(text):
            name = match.group("name")
            self.introduce(self.id_for(name), [name], "a programme named by its subject")
        for match in _ONLY_ACRONYM.finditer(text):
            acronym = match.group("acr")
            if is_acronym(acronym) and name_key(acronym) not in self.names:
                self.introduce(self.id_for(acronym), [acronym], f"“{match.group(0)}”: known by its acronym only")
        self._predecessors()
        keys = {key: value for key, value in self.names.items() if key not in self.flagship_names}
        # Case matters for acronyms (WISE is not `wise`); a programme named by its subject may be spelt in either case.
        pattern = gazetteer_pattern(keys)
        folded = {key.casefold(): value for key, value in keys.items() if not is_acronym(key)}
        for match in find_all(pattern, text):
            self._mention(match.start(), match.end(), keys[name_key(match.group(0))])
        for match in find_all(gazetteer_pattern(folded), text.casefold()):
            if name_key(text[match.start() : match.end()]) not in keys:
                self._mention(match.start(), match.end(), folded[match.group(0)])
        return self.found

    def _predecessors(self) -> None:
        """`IPEC` where a flagship's acronym is `IPEC+`: the programme that flagship revised."""
        for acronym, ids in self.known.names_of("flagship:").items():
            if not (acronym.endswith("+") and is_acronym(acronym) and len(ids) == 1):
                continue
            stem = acronym[:-1]
            why = f"{stem}, the programme {acronym} revised: a programme of its own, not {acronym}"
            short_id = self.id_for(stem)
            self.revised_by[short_id] = next(iter(ids))
            self.introduce(short_id, [stem], why)
            for match in re.finditer(rf"\({re.escape(stem)}\)", self.text):
                window = self.text[max(0, match.start() - 160) : match.start()].rstrip()
                before = [m for m in CAPITALIZED_NAME.finditer(window) if m.end() == len(window)]
                if before and len(before[-1].group(0).split()) >= 2:
                    self.introduce(short_id, [cut_name(before[-1].group(0))], why)

    def _mention(self, start: int, end: int, found: tuple[str, str]) -> None:
        short_id, why = found
        printed = self.document.text[start:end]
        extra = {"name": printed}
        if short_id in self.revised_by:
            extra["revised_by"] = self.revised_by[short_id]
        self.found.mentions.append(
            Mention(short_id, PROGRAMME, start, end, printed, 0.75, why, RECOGNIZER, extra=extra)
        )


def recognize(document: Document, known: Knowledge) -> Found:
    return _Programmes(document, known).run()


def _title_case(name: str) -> bool:
    words = [w for w in name.split() if w.lower() not in _SMALL_WORDS]
    return bool(words) and all(w[:1].isupper() or not w[:1].isalpha() for w in words)


def name_rows(document: Document, known: Knowledge, mentions: list[Mention]) -> list[Proposal]:
    """The names and acronyms of the programmes found: the graph's name stated again, else the title-case
    spelling (else the first); other spellings are altLabels; an acronym is the preferred name of a
    programme the document names by nothing else (QUA-TRAIN)."""
    spelled: dict[str, list[Mention]] = defaultdict(list)
    for mention in mentions:
        if mention.kind == PROGRAMME:
            spelled[mention.id].append(mention)
    rows: list[Proposal] = []
    for short_id, found in spelled.items():
        pref = known.pref_labels.get(short_id)
        long_names = [m for m in found if not is_acronym(m.extra["name"])]
        if pref is None and long_names:
            titled = [m for m in long_names if _title_case(m.extra["name"])]
            pref = (titled or long_names)[0].extra["name"]
        for mention in found:
            name = mention.extra["name"]
            if is_acronym(name) and (long_names or (pref is not None and name_key(pref) != name_key(name))):
                link = "acronym"
            elif pref is None or name_key(pref) == name_key(name):
                link = "prefLabel"
            else:
                link = "altLabel"
            reason = f"{link} of {short_id}: {mention.reason}"
            rows.append(
                make(document, short_id, link, name, mention.start, mention.end, mention.confidence, RECOGNIZER, reason)
            )
    return rows


_REVISED = re.compile(r"\brevised $")


def revision_rows(document: Document, mentions: list[Mention]) -> list[Proposal]:
    """`A revised <flagship>` where the document also names the programme it revised: revisionOf."""
    predecessors = {m.extra["revised_by"]: m.id for m in mentions if "revised_by" in m.extra}
    rows: list[Proposal] = []
    for mention in mentions:
        if mention.kind != FLAGSHIP or mention.id not in predecessors:
            continue
        if _REVISED.search(document.text[max(0, mention.start - 12) : mention.start]):
            start = mention.start - len("revised ")
            programme = predecessors[mention.id]
            reason = f"“revised {mention.text}”: the flagship revises {programme}, which the document names"
            rows.append(
                make(document, mention.id, "revisionOf", programme, start, mention.end, 0.75, RECOGNIZER, reason)
            )
    return rows
