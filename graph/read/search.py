"""Search that reads ILO writing: names, acronyms, codes and instrument numbers as the documents print them.

What is folded before comparing: case, the dashes (hyphen, en dash, em dash, minus: `OSH-GAP` finds `OSH–GAP`),
quotes and apostrophes (`workers' organizations` finds `workers’ organizations`), and runs of spaces. An
instrument is found by any of its usual phrasings: `C182`, `C.182`, `Convention No. 182`, `Convention 182`,
`No. 182`, `(No. 182)` after its title, or its title.

How hits rank, best first (then by kind: flagships, standards, P&B results, SDGs, partners, countries, figures;
then in the natural order of their codes):

0. an exact id, code, acronym or name, the instrument a phrasing names, or the things a kind and a code name
   (`output 7.1`: the outputs 7.1 of every biennium, before anything whose name only mentions them);
1. a name that starts with the text, or a code one level under the code asked (`7.1` -> `7.1.2`);
2. a name holding the text as a phrase;
3. a name holding every word of the text, each at the start of one of its words;
4. a thing linked (principal standard, outcome, output, indicator, SDG indicator, standard promoted) to one of
   the best five hits above, named as such;
5. a figure whose measure holds every word of the text, titled in words.

A text that reads as a code (`7.1`, `3a.1`, `A.2`, `8`) is matched as a code: only things with that code or
codes under it, and names holding it as a whole token; never `17.1` or `11.7.1` for `7.1`.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass, field

from graph import terms
from graph.ids import IdError, IdScheme
from graph.queries import overview as overview_queries
from graph.queries import questions as question_queries
from graph.queries import search as queries
from graph.read.questions import Questions, Ref
from graph.read.wording import figure_title, natural_key, short_name, title, value_title
from graph.store.base import GraphStore
from graph.store.formats import binding_value
from ontology.namespaces import ILOKG, SKOS

MAX_SEARCH_RESULTS = 50
MAX_SEARCH_TEXT = 200
RELATED_FROM = 5
EXACT, PREFIX, PHRASE, WORDS, RELATED, FIGURE = range(6)

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_QUOTES = dict.fromkeys(map(ord, "'\"`\u00b4\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2032\u2033"))
_CODE = re.compile(r"(?:\d{1,2}[a-z]?|[a-c])(?:\.(?:\d{1,2}|[a-z]))*")
_INSTRUMENT = re.compile(r"(?:(convention|protocol|recommendation|[cpr])\s*\.?\s*)?(no\s*\.?\s*)?(\d{1,3})")
_INSTRUMENT_IN_TITLE = re.compile(r"\(no\s*\.?\s*(\d{1,3})\)")
_INSTRUMENT_LETTERS = {"convention": "C", "protocol": "P", "recommendation": "R", "c": "C", "p": "P", "r": "R"}
# A kind written before a code (`output 7.1`, `SDG target 8.7`), and the id prefixes of the things of that kind.
_KIND_WORDS = {
    "output": ("output",),
    "outcome": ("outcome",),
    "indicator": ("indicator", "sdg"),
    "target": ("sdg",),
    "goal": ("sdg",),
    "sdg": ("sdg",),
    "objective": ("strategic-objective", "operational-objective"),
}
_KIND_CODE = re.compile(rf"(?:sdg )?({'|'.join(_KIND_WORDS)})s? ?({_CODE.pattern})")
# Links along which a search reaches what is related to its best hits.
RELATED_LINKS = (
    ILOKG.principalStandard,
    ILOKG.contributesToOutcome,
    ILOKG.contributesToOutput,
    ILOKG.measuredBy,
    ILOKG.reportsOn,
    ILOKG.promotesStandard,
    ILOKG.outputOf,
)
NAME_PROPERTIES = (SKOS.prefLabel, SKOS.altLabel, ILOKG.acronym, SKOS.notation, ILOKG.shortId)


class SearchTextError(ValueError):
    """A search text that cannot be searched (empty or too long); the message says what to write."""


def fold(text: str) -> str:
    """Lower case, one kind of dash, no quotes, single spaces (also none around a dash)."""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_DASHES).translate(_QUOTES)
    folded = " ".join(folded.split())
    return re.sub(r"\s*-\s*", "-", folded)


def compact(text: str) -> str:
    """Only the letters, digits and `+` of the folded text: `OSH – GAP`, `osh-gap` and `OSH GAP` are one."""
    return re.sub(r"[^\w+]|_", "", fold(text))


@dataclass(frozen=True)
class SearchHit:
    """A thing found by a search: its title in words, its kind, and what matched where the title does not show it
    (another name or an acronym, or the link to a better hit); empty when the title shows it."""

    ref: Ref
    title: str
    kind: str | None
    matched: str
    exact: bool


@dataclass
class _Entry:
    iri: str
    kind_rank: int
    kind: str | None
    code: str | None = None
    prefix: str = ""  # of its short id (output, sdg, ...)
    # (text, what it is: name, acronym, code or id, the text folded, the text compacted)
    names: list[tuple[str, str, str, str]] = field(default_factory=list)
    label: str | None = None


@dataclass
class _Index:
    build_id: str
    entries: dict[str, _Entry]
    figures: dict[str, tuple[str, str]]  # figure IRI -> (title, folded measure)
    links: dict[str, list[tuple[str, str]]]  # IRI -> [(linked IRI, predicate label)]


def _code_of(short_id: str | None) -> str | None:
    """The code a P&B result or SDG item is printed with, from its short id (`output:2020-21/7.1` -> `7.1`)."""
    prefix, sep, local = (short_id or "").partition(":")
    if not sep:
        return None
    if prefix == "sdg":
        return local.lower()
    if prefix in ("outcome", "output", "indicator", "strategic-objective", "operational-objective") and "/" in local:
        return local.split("/", 1)[1].lower()
    return None


def _bounded(phrase: str, text: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(phrase)}(?![\w]|\.\w)", text) is not None


def _word_start(word: str, text: str) -> bool:
    """Whether a word of `text` starts with `word` (`work` in `workers`; never `table` in `preventable`)."""
    return re.search(rf"(?<![\w.]){re.escape(word)}", text) is not None


class Search:
    """The search over one store; its index is read once per build."""

    def __init__(self, questions: Questions, kind_names: dict[str, str]) -> None:
        self.questions: Questions = questions
        self.store: GraphStore = questions.store
        self.ids: IdScheme = questions.ids
        self.kind_names = kind_names
        self._lock = threading.Lock()
        self._index: _Index | None = None

    def _read(self) -> _Index:
        with self._lock:
            if self._index is not None and self._index.build_id == self.store.build_id:
                return self._index
            order = list(self.kind_names)
            entries: dict[str, _Entry] = {}
            for row in self.store.select(queries.classes(terms.iri(c) for c in self.kind_names)):
                iri, rank = row["s"]["value"], order.index(row["t"]["value"])
                entry = entries.get(iri)
                if entry is None or rank < entry.kind_rank:
                    entries[iri] = _Entry(iri, rank, self.kind_names[row["t"]["value"]])
            what = {
                str(SKOS.prefLabel): "name",
                str(SKOS.altLabel): "name",
                str(ILOKG.acronym): "acronym",
                str(SKOS.notation): "code",
                str(ILOKG.shortId): "id",
            }
            for row in self.store.select(overview_queries.names(terms.iri(str(p)) for p in NAME_PROPERTIES)):
                entry = entries.get(row["s"]["value"])
                if entry is None:
                    continue
                text, prop = row["name"]["value"], row["p"]["value"]
                if row["lang"]["value"] not in ("", "en"):
                    continue  # the French and Spanish names of SDG items and countries: the pages are in English
                entry.names.append((text, what[prop], fold(text), compact(text)))
                if prop == str(SKOS.prefLabel):
                    entry.label = entry.label or text
                if prop == str(ILOKG.shortId):
                    entry.code = _code_of(text)
                    entry.prefix = text.partition(":")[0]
            figures = self._figures()
            links = self._links(entries)
            self._index = _Index(self.store.build_id, entries, figures, links)
            return self._index

    def _figures(self) -> dict[str, tuple[str, str]]:
        figures: dict[str, tuple[str, str]] = {}
        for row in self.store.select(queries.FIGURES):
            subject = self.questions.ref(row["subject"]["value"], binding_value(row, "label"))
            measure = binding_value(row, "measure")
            figures[row["figure"]["value"]] = (
                figure_title(
                    short_name(subject),
                    measure,
                    binding_value(row, "amount"),
                    binding_value(row, "unit"),
                    binding_value(row, "qualifier"),
                    binding_value(row, "year"),
                ),
                fold(measure or ""),
            )
        return figures

    def _links(self, entries: dict[str, _Entry]) -> dict[str, list[tuple[str, str]]]:
        predicates = [terms.iri(str(p)) for p in RELATED_LINKS]
        labels: dict[str, str] = {}
        for row in self.store.select(question_queries.rdfs_labels(predicates)):
            labels.setdefault(row["s"]["value"], row["label"]["value"])
        links: dict[str, list[tuple[str, str]]] = {}
        for row in self.store.select(queries.links(predicates)):
            s, p, o = row["s"]["value"], row["p"]["value"], row["o"]["value"]
            if s in entries and o in entries:
                links.setdefault(s, []).append((o, labels.get(p, p)))
                links.setdefault(o, []).append((s, labels.get(p, p)))
        return links

    def titles(self, iris: set[str]) -> dict[str, str]:
        """Words for the things that have no name: figures (their measure and amount) and indicator values."""
        index = self._read()
        found = {iri: index.figures[iri][0] for iri in iris if iri in index.figures}
        for iri in iris - set(found):
            text = value_title(self.ids.short_id(iri) or "")
            if text:
                found[iri] = text
        return found

    # ------------------------------------------------------------ matching

    def _instruments(self, folded: str) -> list[str]:
        """Instrument ids a phrasing names: `convention no. 182`, `no. 182`, `c.182`, a title with `(no. 182)`."""
        match = _INSTRUMENT.fullmatch(folded)
        if match and (match.group(1) or match.group(2)):
            letters = [_INSTRUMENT_LETTERS[match.group(1)]] if match.group(1) else ["C", "P", "R"]
            number = int(match.group(3))
        else:
            inside = _INSTRUMENT_IN_TITLE.search(folded)
            if inside is None:
                return []
            number = int(inside.group(1))
            word = next((w for w in ("protocol", "recommendation") if w in folded), "convention")
            letters = [_INSTRUMENT_LETTERS[word]]
        return [f"{letter}{number:03d}" for letter in letters]

    def _exact_ids(self, text: str, index: _Index) -> list[str]:
        found: list[str] = []
        for short_id in [*self.ids.loose_candidates(text), *self._instruments(fold(text))]:
            try:
                iri = str(self.ids.resolve(short_id).iri)
            except IdError:
                continue
            if iri in index.entries and iri not in found:
                found.append(iri)
        return found

    def search(self, text: str, limit: int = MAX_SEARCH_RESULTS) -> list[SearchHit]:
        """Things whose id, code, name or acronym matches `text`, best first (see the module's ranking)."""
        wanted = fold(text)
        if not wanted:
            raise SearchTextError("write a name, an acronym or a code to search for, such as IPEC+, C182 or 8.7")
        if len(wanted) > MAX_SEARCH_TEXT:
            raise SearchTextError(f"the search text is longer than {MAX_SEARCH_TEXT} characters; write fewer words")
        index = self._read()
        scored: dict[str, tuple[int, str]] = {}

        def score(iri: str, tier: int, why: str) -> None:
            if iri not in scored or tier < scored[iri][0]:
                scored[iri] = (tier, why)

        for iri in self._exact_ids(text, index):
            score(iri, EXACT, "")
        is_code = _CODE.fullmatch(wanted) is not None
        kind_code = _KIND_CODE.fullmatch(wanted)
        squeezed = compact(text)
        words = wanted.split()
        for entry in index.entries.values():
            if entry.code is not None and is_code:
                if entry.code == wanted:
                    score(entry.iri, EXACT, "")
                elif entry.code.startswith(wanted + "."):
                    score(entry.iri, PREFIX, "")
            if entry.code is not None and kind_code and entry.prefix in _KIND_WORDS[kind_code.group(1)]:
                if entry.code == kind_code.group(2):
                    score(entry.iri, EXACT, "")
                elif entry.code.startswith(kind_code.group(2) + "."):
                    score(entry.iri, PREFIX, "")
            for name, what, folded, squeezed_name in entry.names:
                if what == "id":
                    continue  # short ids match only whole, above
                # The page shows the name and code of a hit: say which other name matched, if one did.
                why = "" if name == entry.label or what == "code" else f"{what} \u201c{name}\u201d"
                if squeezed_name == squeezed:
                    score(entry.iri, EXACT, why)
                elif is_code:
                    if _bounded(wanted, folded):
                        score(entry.iri, PHRASE, why)
                elif folded.startswith(wanted):
                    score(entry.iri, PREFIX, why)
                elif _bounded(wanted, folded):
                    score(entry.iri, PHRASE, why)
                elif all(_word_start(word, folded) for word in words):
                    score(entry.iri, WORDS, why)
        best = sorted(scored, key=lambda iri: self._order(index, iri, scored[iri][0]))[:RELATED_FROM]
        if not is_code:
            for found in best:
                for other, link in index.links.get(found, []):
                    name = short_name(self._ref(index, found))
                    score(other, RELATED, f"linked to {name} ({link})")
            for figure, (_, measure) in index.figures.items():
                if all(word in measure for word in words):
                    score(figure, FIGURE, "")
        ranked = sorted(scored, key=lambda iri: self._order(index, iri, scored[iri][0]))
        return [self._hit(index, iri, *scored[iri]) for iri in ranked[:limit]]

    def _order(self, index: _Index, iri: str, tier: int) -> tuple[int, int, list[tuple[int, str]], str]:
        entry = index.entries.get(iri)
        rank = entry.kind_rank if entry else len(self.kind_names)
        ref = self._ref(index, iri)
        return (tier, rank, natural_key(ref.id or ref.iri), (ref.label or "").lower())

    def _ref(self, index: _Index, iri: str) -> Ref:
        entry = index.entries.get(iri)
        label = entry.label if entry else None
        if iri in index.figures:
            label = index.figures[iri][0]
        return self.questions.ref(iri, label)

    def _hit(self, index: _Index, iri: str, tier: int, why: str) -> SearchHit:
        ref = self._ref(index, iri)
        entry = index.entries.get(iri)
        return SearchHit(ref, title(ref), entry.kind if entry else "figure", why, tier == EXACT)
