"""International labour standards: Conventions, Recommendations and Protocols in every phrasing.

Learns from: the instrument list in seeds/reference/ilo (codes and titles) and the titles other
documents' curated rows give instruments outside it.
Finds: `C.182`, `R.202`, `C182`; `Convention No. 182`, `Conventions Nos 29, 105 and 182`,
`Recommendation (No. 206)`, `Protocol 155`; full titles `the Worst Forms of Child Labour Convention,
1999 (No. 182)` (and titles without the number, looked up); `Protocol of 2014 to the Forced Labour
Convention, 1930` and `the 2014 Protocol to C.29` (a Protocol takes its Convention's number);
`Recommendation No. 205 on Employment and ...`, `C.161 and R.171 on occupational health services`; the code
of a NORMLEX address (`P12100_ILO_CODE:R205`) is a notation, and nothing else is read from an address.
A one-digit `C.1` is output C.1 of an enabling outcome wherever the document has enabling outcomes.
"""

from __future__ import annotations

import re

from graph.build.propose.document import Document
from graph.build.propose.knowledge import Knowledge, fold_chars, name_key
from graph.build.propose.mentions import INSTRUMENT, Found, Mention, in_url
from graph.build.propose.rows import make
from graph.ids import instrument_id

RECOGNIZER = "instruments"
_TW = r"(?:[A-Z][\w'-]*|\([A-Z][^()]{1,60}\))"
_CONN = r"(?:of|and|the|for|on|to|in|from|at|with|against)"
_TITLE = rf"{_TW}(?: (?:{_CONN} )*{_TW})* (?:Convention|Recommendation)"
_FULL = re.compile(rf"(?<![\w-])(?P<title>{_TITLE})(?:, (?P<year>\d{{4}}))?(?: \(No\. ?(?P<num>\d{{1,3}})\))?")
_NUMBERS = re.compile(
    r"\b(?P<type>Convention|Recommendation|Protocol)s?,? \(?(?:Nos?\.? ?)(?P<nums>\d{1,3}"
    r"(?:(?:,| and|, and| or) \d{1,3}(?![\d.]))*)\)?"
)
_PROTOCOL_NUMBER = re.compile(r"\bProtocol (?P<num>\d{1,3})\b(?!\.\d)")
_PROTOCOL_OF = re.compile(rf"\bProtocol of (?P<year>\d{{4}}) to the (?P<title>{_TITLE})(?:, (?P<cyear>\d{{4}}))?")
_PROTOCOL_TO = re.compile(
    rf"\b(?:the )?(?P<year>\d{{4}}) Protocol to (?:the )?(?:(?P<code>C\.\d{{1,3}})|Convention No\. ?(?P<num>\d{{1,3}})"
    rf"|(?P<title>{_TITLE})(?:, \d{{4}})?)"
)
_CODE = re.compile(
    r"(?<![\w./])(?P<letter>[CRP])\.(?P<num>\d{1,3})(?![\d]|\.\d)|(?<![\w/:])(?P<letter3>[CRP])(?P<num3>\d{3})\b"
)
_DESCRIBED = re.compile(
    r"(?P<codes>[CR]\.\d{1,3}(?: and [CR]\.\d{1,3})?) (?:on (?P<on>[\w-]+(?: [\w-]+){0,6}?)(?=[,;.]|$| Protocol)"
    r"|\((?P<paren>[a-z][^()]{2,60})\))"
)
_NUMBER_ON = re.compile(
    r"(?:ILO )?(?P<name>(?P<type>Convention|Recommendation) No\. ?(?P<num>\d{1,3}) on (?:the )?[A-Z][\w-]*"
    r"(?: (?:and|for|of|the|on|in|to|[A-Z][\w-]*))*)(?: \((?P<year>\d{4})\))?"
)
_ENABLING = re.compile(r"\b(?:Outcome C\b|Output C\.\d)")
# A NORMLEX address names its instrument by code (`...:P12100_ILO_CODE:R205`).
_NORMLEX_CODE = re.compile(r"_ILO_CODE:(?P<code>[CRP]\d{3})\b")


def _code(kind_word: str, number: str) -> str:
    return instrument_id({"Convention": "C", "Recommendation": "R", "Protocol": "P"}[kind_word], int(number))


class _Instruments:
    def __init__(self, document: Document, known: Knowledge) -> None:
        self.document = document
        self.known = known
        self.text = fold_chars(document.text)
        self.by_title = {name_key(title): code for code, title in known.instrument_titles.items()}
        self.found = Found()
        self.named: set[str] = set()

    def mention(self, code: str, start: int, end: int, confidence: float, reason: str) -> None:
        self.found.mentions.append(
            Mention(code, INSTRUMENT, start, end, self.document.text[start:end], confidence, reason, RECOGNIZER)
        )

    def row(self, subject: str, link: str, obj: str, start: int, end: int, confidence: float, reason: str) -> None:
        self.found.proposals.append(make(self.document, subject, link, obj, start, end, confidence, RECOGNIZER, reason))

    def name(self, code: str, label: str, start: int, end: int, why: str) -> None:
        """A name row for an instrument outside the reference list: its title as printed, the graph's preferred
        name stated again (more evidence, as the curated rows record it), else another name; nothing for a
        name the graph already has as another name."""
        self.named.add(code)
        pref = self.known.pref_labels.get(code)
        if code in self.known.reference_instruments:
            return
        if pref is not None and name_key(pref) == name_key(label):
            self.row(code, "prefLabel", label, start, end, 0.85, f"{why}, the graph's name for it stated again")
        elif not self.known.has_name(code, label):
            self.row(code, "prefLabel" if pref is None else "altLabel", label, start, end, 0.85, why)

    def title_code(self, title: str, year: str | None) -> str | None:
        for key in (f"{title}, {year}" if year else title, title):
            code = self.by_title.get(name_key(key))
            if code:
                return code
        return None

    def run(self) -> Found:
        text = self.text
        for match in _FULL.finditer(text):
            title, year, num = match.group("title"), match.group("year"), match.group("num")
            title = re.sub(r"^(?:ILO|The|Protocol of \d{4} to the) ", "", title)
            if not (year or num) or title in ("Convention", "Recommendation"):
                continue
            kind_word = title.rsplit(" ", 1)[1]
            code = _code(kind_word, num) if num else self.title_code(title, year)
            if code is None:
                continue
            start = match.start("title") + len(match.group("title")) - len(title)
            self.mention(
                code,
                start,
                match.end(),
                0.95 if num else 0.85,
                "full title with its number" if num else "full title, matched to the instrument list",
            )
            if num and year:
                self.by_title[name_key(f"{title}, {year}")] = code
            if year:
                self.name(code, f"{title}, {year}", start, match.end(), "the instrument's title as printed")
                if code not in self.known.reference_instruments:
                    self.row(code, "adoptionYear", year, start, match.end(), 0.85, "the year in the title")
        for match in _PROTOCOL_OF.finditer(text):
            convention = self.title_code(match.group("title"), match.group("cyear"))
            if convention is None or not convention.startswith("C"):
                continue
            self._protocol(convention, match.group("year"), match.start(), match.end())
        for match in _PROTOCOL_TO.finditer(text):
            if match.group("code"):
                convention = instrument_id("C", int(match.group("code")[2:]))
            elif match.group("num"):
                convention = instrument_id("C", int(match.group("num")))
            else:
                found = self.title_code(match.group("title"), None)
                if found is None:
                    continue
                convention = found
            self._protocol(convention, match.group("year"), match.start(), match.end())
        for match in _NUMBERS.finditer(text):
            kind_word = match.group("type")
            for number in re.finditer(r"\d{1,3}", match.group("nums")):
                start = match.start("nums") + number.start()
                self.mention(
                    _code(kind_word, number.group(0)),
                    start,
                    start + len(number.group(0)),
                    0.9,
                    f"“{kind_word} No. …” with the number",
                )
        for match in _PROTOCOL_NUMBER.finditer(text):
            code = _code("Protocol", match.group("num"))
            self.mention(code, match.start(), match.end(), 0.85, "“Protocol” with the number of its Convention")
            self._protocol_link(code, match.start(), match.end())
        for match in _NUMBER_ON.finditer(text):
            code = _code(match.group("type"), match.group("num"))
            self.name(code, match.group("name"), match.start("name"), match.end(), "named by number and subject")
            if match.group("year") and code not in self.known.reference_instruments:
                self.row(
                    code,
                    "adoptionYear",
                    match.group("year"),
                    match.start("name"),
                    match.end(),
                    0.8,
                    "the year printed after the name",
                )
        self._codes()
        return self.found

    def _protocol(self, convention: str, year: str, start: int, end: int) -> None:
        protocol = "P" + convention[1:]
        self.mention(protocol, start, end, 0.9, f"the {year} Protocol to {convention}")
        self._protocol_link(protocol, start, end)
        if protocol not in self.known.reference_instruments:
            self.row(protocol, "adoptionYear", year, start, end, 0.8, "the year of the Protocol as printed")

    def _protocol_link(self, protocol: str, start: int, end: int) -> None:
        self.row(
            protocol,
            "protocolTo",
            "C" + protocol[1:],
            start,
            end,
            0.85,
            "a Protocol has the number of the Convention it amends",
        )

    def _codes(self) -> None:
        text = self.text
        for match in _NORMLEX_CODE.finditer(text):
            code = match.group("code")
            if code not in self.known.reference_instruments:
                start = match.start("code")
                self.row(code, "notation", code, start, match.end(), 0.7, "the code in a NORMLEX address")
        enabling = bool(_ENABLING.search(text))
        described: dict[int, tuple[int, int, str]] = {}
        for match in _DESCRIBED.finditer(text):
            for code_match in re.finditer(r"[CR]\.\d{1,3}", match.group("codes")):
                start = match.start("codes") + code_match.start()
                if match.group("on"):
                    label = f"{code_match.group(0)} on {match.group('on')}"
                else:
                    label = f"{code_match.group(0)} ({match.group('paren')})"
                described[start] = (match.start(), match.end(), label)
        for match in _CODE.finditer(text):
            letter = match.group("letter") or match.group("letter3")
            number = match.group("num") or match.group("num3")
            if in_url(self.document, match.start()):
                continue
            before = text[max(0, match.start() - 8) : match.start()]
            if match.group("letter") == "C" and len(number) == 1 and (enabling or re.search(r"[Oo]utputs? $", before)):
                continue  # output C.1 of an enabling outcome, not Convention No. 1
            code = instrument_id(letter, int(number))
            self.mention(code, match.start(), match.end(), 0.85 if len(number) > 1 else 0.5, "an instrument code")
            if code in self.known.reference_instruments or code in self.named or not match.group("letter"):
                continue
            if match.start() in described:
                start, end, label = described[match.start()]
                self.name(code, label, start, end, "the code with the subject the document gives it")
            else:
                self.row(
                    code, "notation", match.group(0), match.start(), match.end(), 0.7, "printed only as a code here"
                )
                self.named.add(code)


def recognize(document: Document, known: Knowledge) -> Found:
    return _Instruments(document, known).run()
