"""Countries and partners: where a flagship or result works, and whom it works with.

Learns from: the countries of ISO 3166-1 (seeds/reference/countries, with common short forms) and the
names, acronyms and ids the other documents' curated rows give organizations.
Finds: country names (`Lao PDR`, `the Philippines`, letter-spaced `G e r m a n y`); a country named as a
donor or partner (`donors (... Germany ...)`, `partnered with the Netherlands`, `the US Government`,
`Germany has provided`) is that country's government, an organization; organizations by known name,
by the initials of a known name (`UNDP`; `UNCTs` for `UN Country Teams`), as `<Name> (<ACRONYM>)`, or as
a capitalized name headed by an organization word (Fund, Network, Alliance, ...); `Alliance 8.7` is an
organization, not SDG target 8.7.
A country or organization gets name rows only when a proposed link uses it (see pipeline).
"""

from __future__ import annotations

import re
from collections import defaultdict

from graph.build.propose.document import Document
from graph.build.propose.knowledge import Knowledge, name_key
from graph.build.propose.mentions import (
    ACRONYM,
    CAPITALIZED_NAME,
    COUNTRY,
    ORGANIZATION,
    Found,
    Mention,
    cut_name,
    find_all,
    gazetteer_pattern,
    is_acronym,
    slugify,
)
from graph.build.propose.rows import Proposal, make

RECOGNIZER = "parties"
_ORG_WORDS = (
    "Organization|Organisation|Fund|Bank|Office|Centre|Center|Network|Alliance|Coalition|Initiative|Partnership|"
    "Union|Commission|Corporation|Agency|Board|Confederation|Association|Committee|Task Force|Conference|"
    "Institute|Compact|Department|Ministry|Council|Federation|Secretariat|Forum|Foundation|Women|Facility"
)
_ORG_HEAD = re.compile(rf"\b(?:{_ORG_WORDS})\b")
# The ILO's own organs and units are not partners.
_NOT_PARTNER = re.compile(
    r"\b(?:International Labour (?:Office|Conference|Organization)|Governing Body|Committee of Experts|"
    r"Conference Committee|Committee on|Centenary|Declaration|Convention|Recommendation|Protocol|Member States?|"
    r"Department of Statistics|ILO (?:Department|Office|Regional|Country|Decent Work Team)|Regular Budget|"
    r"Programme and Budget|Office’s|Office's)\b"
)
_ACRONYM_DEF = re.compile(rf"\((?P<acr>{ACRONYM})\)")
_GOVERNMENT = re.compile(r"\b(?:the )?(?P<who>US|UK|USA|[A-Z][a-z]+) Government\b")
_DONOR_LIST = re.compile(r"donors?[^()]{0,40}\((?P<list>[^()]{3,400})\)")
_PARTNER_BEFORE = re.compile(
    r"(?:partnered with|partnership with|funded by|funding from|support of|donor[s]?)(?: the)? $"
)
_DONOR_AFTER = re.compile(
    r"^(?: \w+)?,? (?:has|have|had|were|was|recently)\b(?: [\w’']+){0,6}? "
    r"(?:provided|supported|funded|contributed|contributors?|renewed|partnered|committed|donated)\b"
)
_ALLIANCE = re.compile(r"\bAlliance (?P<code>\d+\.\d+)\b")


def _article(name: str) -> str:
    """`the` before names that take it in English (the Netherlands, the United States)."""
    if re.search(r"\b(?:United|Republic|Kingdom|States|Islands|Federation|Emirates)\b", name) or name in (
        "Netherlands",
        "Philippines",
        "Gambia",
        "Bahamas",
        "Comoros",
        "Maldives",
    ):
        return "the "
    return ""


class _Parties:
    def __init__(self, document: Document, known: Knowledge) -> None:
        self.document = document
        self.known = known
        self.text = document.name_text
        self.found = Found()
        self.country_names: dict[str, str] = {}
        for code, names in known.countries.items():
            for name in names:
                self.country_names.setdefault(name_key(name), code)
        for key, ids in known.names_of("country:").items():
            for short_id in ids:
                self.country_names.setdefault(key, short_id.split(":", 1)[1])
        self.org_names = {k: v for k, v in known.names_of("organization:").items() if len(v) == 1}
        # The initials of a known long name stand for it too (United Nations Development Programme: UNDP); a word
        # that is itself an acronym gives all its letters, and a plural name a plural acronym (UN Country Teams:
        # UNCTs).
        for key, ids in list(self.org_names.items()):
            words = [w for w in key.split() if w not in ("of", "for", "the", "and", "on")]
            initials = "".join(w if is_acronym(w) else w[0] for w in words)
            if words and words[-1].endswith("s") and not words[-1].endswith("ss"):
                initials += "s"
            every_word_capitalized = all(w[:1].isupper() for w in words)
            if (
                len(words) >= 3
                and every_word_capitalized
                and not (initials in self.org_names or known.names.get(initials))
            ):
                self.org_names[initials] = ids

    def add(self, short_id: str, kind: str, start: int, end: int, confidence: float, reason: str, name: str) -> None:
        self.found.mentions.append(
            Mention(
                short_id,
                kind,
                start,
                end,
                self.document.text[start:end],
                confidence,
                reason,
                RECOGNIZER,
                extra={"name": name},
            )
        )

    def government(self, code: str) -> tuple[str, str]:
        short = self.known.countries.get(code, [code])[0]
        for key, ids in self.org_names.items():
            del key
            for short_id in ids:
                if short_id == f"organization:government-of-{slugify(short)}":
                    return short_id, self.known.pref_labels.get(short_id, f"Government of {_article(short)}{short}")
        return f"organization:government-of-{slugify(short)}", f"Government of {_article(short)}{short}"

    def run(self) -> Found:
        text = self.text
        donors: list[tuple[int, int]] = [(m.start("list"), m.end("list")) for m in _DONOR_LIST.finditer(text)]
        for match in find_all(gazetteer_pattern(self.country_names), text):
            code = self.country_names[name_key(match.group(0))]
            start, end = match.start(), match.end()
            before = text[max(0, start - 40) : start]
            after = text[end : end + 60]
            donor = (
                any(s <= start < e for s, e in donors)
                or _PARTNER_BEFORE.search(before) is not None
                or _DONOR_AFTER.match(after) is not None
                or after.startswith(" Government")
            )
            if donor:
                short_id, label = self.government(code)
                if after.startswith(" Government"):
                    end += len(" Government")
                printed = self.document.text[start:end]
                short_name = self.known.countries.get(code, [printed])[0]
                self.add(
                    short_id,
                    ORGANIZATION,
                    start,
                    end,
                    0.7,
                    "a country named as donor or partner: its government",
                    label if name_key(printed) == name_key(short_name) else printed,
                )
            else:
                self.add(
                    f"country:{code}",
                    COUNTRY,
                    start,
                    end,
                    0.85,
                    "a country name (ISO 3166-1)",
                    self.document.text[start:end],
                )
        for match in _GOVERNMENT.finditer(text):
            who = match.group("who")
            country = self.country_names.get(name_key(who)) or {"US": "USA", "UK": "GBR"}.get(who)
            if country:
                short_id, _ = self.government(country)
                start = match.start("who")
                self.add(
                    short_id,
                    ORGANIZATION,
                    start,
                    match.end(),
                    0.75,
                    "a government named as such",
                    self.document.text[start : match.end()],
                )
        for match in _ALLIANCE.finditer(text):
            self.add(
                f"organization:alliance-{slugify(match.group('code'))}",
                ORGANIZATION,
                match.start(),
                match.end(),
                0.9,
                f"“{match.group(0)}” is a partnership named after an SDG target, not the target itself",
                match.group(0),
            )
        self._organizations()
        return self.found

    def _organizations(self) -> None:
        text = self.text
        for match in find_all(gazetteer_pattern(self.org_names), text):
            short_id = next(iter(self.org_names[name_key(match.group(0))]))
            self.add(
                short_id,
                ORGANIZATION,
                match.start(),
                match.end(),
                0.85,
                "a name other documents give it",
                self.document.text[match.start() : match.end()],
            )
        defined: dict[str, str] = {}
        for match in _ACRONYM_DEF.finditer(text):
            acronym = match.group("acr")
            if not is_acronym(acronym):
                continue
            window = text[max(0, match.start() - 160) : match.start()].rstrip()
            names = [m for m in CAPITALIZED_NAME.finditer(window) if m.end() == len(window)]
            if not names:
                continue
            name = self._parts(cut_name(names[-1].group(0)))[-1][0]
            if not _ORG_HEAD.search(name) or _NOT_PARTNER.search(name) or len(name.split()) < 2:
                continue
            start = text.rfind(name, max(0, match.start() - 170), match.start())
            short_id = self._org_id(name, acronym)
            defined[name_key(acronym)] = short_id
            defined[name_key(name)] = short_id
            self.add(short_id, ORGANIZATION, start, match.end(), 0.8, f"spelled out before “({acronym})”", name)
            self.found.mentions[-1].extra["acronym"] = acronym
        for match in CAPITALIZED_NAME.finditer(text):
            whole = cut_name(match.group(0))
            offset = text.find(whole, match.start(), match.end())
            for name, at in self._parts(whole):
                head = _ORG_HEAD.search(name)
                start = offset + at
                if name_key(name) in defined:  # spelled out with its acronym elsewhere in the document
                    self.add(
                        defined[name_key(name)],
                        ORGANIZATION,
                        start,
                        start + len(name),
                        0.8,
                        "a name the document gives with its acronym",
                        name,
                    )
                    continue
                if head is None or _NOT_PARTNER.search(name) or len(name.split()) < 2:
                    continue
                if re.search(r"[’']s\b", name):  # a possessive (`the Turin Centre’s activities`) is not a name
                    continue
                if _ALLIANCE.match(text, offset + at + len(name) - len("Alliance")):
                    continue  # `Secretariat of Alliance 8.7`: the partner is Alliance 8.7
                self.add(
                    self._org_id(name, None),
                    ORGANIZATION,
                    start,
                    start + len(name),
                    0.6,
                    f"a capitalized name headed by “{head.group(0)}”",
                    name,
                )
        acronyms = gazetteer_pattern(k for k in defined if is_acronym(k))
        for match in find_all(acronyms, text):
            self.add(
                defined[name_key(match.group(0))],
                ORGANIZATION,
                match.start(),
                match.end(),
                0.8,
                "an acronym the document spells out",
                match.group(0),
            )

    def _parts(self, name: str) -> list[tuple[str, int]]:
        """A name split where a comma or `and` joins two parties (`World Bank Group, Better Work`)."""
        parts: list[tuple[str, int]] = []
        for piece in re.finditer(r"[^,&]+", name):
            text = piece.group(0)
            lead = len(text) - len(text.lstrip())
            text = text.strip()
            for sub in re.finditer(r"(?:^|(?<= and ))(.+?)(?= and |$)", text):
                parts.append((sub.group(1), piece.start() + lead + sub.start(1)))

        def is_party(text: str) -> bool:
            key = name_key(text)
            return (
                bool(_ORG_HEAD.search(text))
                or is_acronym(text)
                or key in self.org_names
                or key in self.country_names
                or bool(self.known.ids_named(text, "flagship:"))
            )

        if len(parts) > 1 and sum(is_party(text) for text, _ in parts) >= 2:
            return parts
        return [(name, 0)]

    def _org_id(self, name: str, acronym: str | None) -> str:
        for candidate in (name, acronym):
            if candidate:
                ids = self.org_names.get(name_key(candidate))
                if ids:
                    return next(iter(ids))
        # A known name with a place or a qualifier after it: `International Training Centre of the ILO, Turin`.
        key = name_key(name)
        prefixes = [
            k for k in self.org_names if len(k.split()) >= 2 and (key.startswith(k + ",") or k.startswith(key + ","))
        ]
        if prefixes:
            return next(iter(self.org_names[max(prefixes, key=len)]))
        return f"organization:{slugify(acronym) if acronym else slugify(name)}"


def recognize(document: Document, known: Knowledge) -> Found:
    return _Parties(document, known).run()


def name_rows(document: Document, known: Knowledge, mentions: list[Mention], used: set[str]) -> list[Proposal]:
    """Name rows for the countries and organizations that proposed links use: the names the document gives
    them, new or not (a name stated again is more evidence for it)."""
    rows: list[Proposal] = []
    firsts: dict[str, str] = {}
    long_names: dict[str, set[str]] = defaultdict(set)
    for mention in mentions:
        if mention.kind in (COUNTRY, ORGANIZATION) and mention.id in used and not is_acronym(mention.extra["name"]):
            long_names[mention.id].add(name_key(mention.extra["name"]))
    for mention in mentions:
        if mention.kind not in (COUNTRY, ORGANIZATION) or mention.id not in used:
            continue
        label = mention.extra["name"]
        acronym = mention.extra.get("acronym")
        if acronym:
            at = document.text.find(f"({acronym})", mention.start, mention.end + 2)
            rows.append(
                make(
                    document,
                    mention.id,
                    "acronym",
                    acronym,
                    at + 1 if at >= 0 else mention.start,
                    at + 1 + len(acronym) if at >= 0 else mention.end,
                    mention.confidence,
                    RECOGNIZER,
                    "the acronym printed after the name",
                )
            )
        pref = known.pref_labels.get(mention.id)
        if pref is not None and name_key(pref) == name_key(label):
            link = "prefLabel"  # the graph's own name, stated again: more evidence
        elif is_acronym(label) and (pref is not None or long_names[mention.id]):
            link = "acronym"
        elif pref is None and firsts.setdefault(mention.id, name_key(label)) == name_key(label):
            link = "prefLabel"
        else:
            link = "altLabel"
        rows.append(
            make(
                document,
                mention.id,
                link,
                label,
                mention.start,
                mention.end,
                mention.confidence,
                RECOGNIZER,
                f"{link} of {mention.id}, which a proposed link uses: {mention.reason}",
            )
        )
    return rows
