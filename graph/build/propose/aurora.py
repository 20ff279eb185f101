"""The Aurora SDG queries (seeds/reference/aurora): a parser and matcher for the Scopus syntax they use.

Syntax: quoted phrases whose words may end in `*` (any ending), bare words, parentheses, `OR`, `AND`,
`AND NOT`, `W/n` (within n words, either order) and `PRE/n` (the left within n words before the right).
Precedence, tightest first, as Scopus applies it: OR, W/n, PRE/n, AND, AND NOT; terms side by side
are joined by AND. Words are compared in lower case with punctuation ignored (a hyphen separates
words), as Scopus compares a loose phrase, and, as Scopus does, a word also matches its plural or
singular and its British or American spelling (labour, labor; organisation, organization).
A passage matches a target when any of its query lines do.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

AURORA_DIR = Path("reference") / "aurora"
_WORD = re.compile(r"[a-z0-9]+")
_TOKEN = re.compile(
    r'\s*(?:(?P<phrase>"[^"]*")|(?P<open>\()|(?P<close>\))|(?P<andnot>AND\s+NOT\b)|(?P<and>AND\b)'
    r"|(?P<or>OR\b)|(?P<near>W/(?P<wn>\d+))|(?P<pre>PRE/(?P<pn>\d+))|(?P<word>[^\s()\"]+))"
)
_NS = {
    "aqd": "http://aurora-network.global/queries/namespace/",
    "dc": "http://dublincore.org/documents/dcmi-namespace/",
}

Span = tuple[int, int]  # first and last word index of a match


class QueryError(ValueError):
    """A query line that is not valid Scopus syntax as far as this parser knows it."""


_POSSESSIVE = re.compile(r"['’]s\b")


def words(text: str) -> list[str]:
    """The words of a text as the matcher compares them (a possessive `'s` dropped)."""
    return _WORD.findall(_POSSESSIVE.sub("", text.lower()))


@dataclass
class Tokens:
    """The words of a passage, indexed: where each word stands, and the vocabulary sorted for prefixes."""

    words: list[str]
    positions: dict[str, list[int]] = field(init=False)
    vocabulary: list[str] = field(init=False)

    def __post_init__(self) -> None:
        positions: dict[str, list[int]] = defaultdict(list)
        for index, word in enumerate(self.words):
            positions[word].append(index)
        self.positions = dict(positions)
        self.vocabulary = sorted(positions)

    @classmethod
    def of(cls, text: str) -> Tokens:
        return cls(words(text))

    def starting(self, term: str) -> list[int]:
        """Where a term stands: a word (or one of its forms), or with `*` any word that begins so."""
        if not term.endswith("*"):
            return sorted(p for form in forms(term) for p in self.positions.get(form, []))
        prefix = term[:-1]
        found: list[int] = []
        index = bisect_left(self.vocabulary, prefix)
        while index < len(self.vocabulary) and self.vocabulary[index].startswith(prefix):
            found.extend(self.positions[self.vocabulary[index]])
            index += 1
        return found

    def fits(self, position: int, term: str) -> bool:
        word = self.words[position]
        return word.startswith(term[:-1]) if term.endswith("*") else word in forms(term)


@lru_cache(maxsize=8192)
def forms(word: str) -> frozenset[str]:
    """A word, its plural or singular, and its other spelling (our/or, ise/ize, yse/yze)."""
    found = {word}
    if word.endswith("ies") and len(word) > 4:
        found.add(word[:-3] + "y")
    elif word.endswith("es") and len(word) > 4:
        found.update({word[:-2], word[:-1]})
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        found.add(word[:-1])
    elif word.endswith("y") and len(word) > 3 and word[-2] not in "aeiou":
        found.add(word[:-1] + "ies")
    else:
        found.update({word + "s", word + "es"})
    for form in list(found):
        for british, american in (
            ("our", "or"),
            ("ise", "ize"),
            ("isation", "ization"),
            ("yse", "yze"),
            ("tre", "ter"),
        ):
            if british in form:
                found.add(form.replace(british, american))
            if american in form:
                found.add(form.replace(american, british))
    return frozenset(found)


@dataclass(frozen=True)
class Phrase:
    terms: tuple[str, ...]  # each a word, or a word ending in `*`

    def spans(self, tokens: Tokens) -> list[Span]:
        if not self.terms:
            return []
        width = len(self.terms)
        found = []
        for start in sorted(tokens.starting(self.terms[0])):
            if start + width <= len(tokens.words) and all(
                tokens.fits(start + i, term) for i, term in enumerate(self.terms[1:], 1)
            ):
                found.append((start, start + width - 1))
        return found

    def __str__(self) -> str:
        return '"' + " ".join(self.terms) + '"'


@dataclass(frozen=True)
class Either:
    options: tuple[Node, ...]

    def spans(self, tokens: Tokens) -> list[Span]:
        return sorted({span for option in self.options for span in option.spans(tokens)})


@dataclass(frozen=True)
class Both:
    parts: tuple[Node, ...]

    def spans(self, tokens: Tokens) -> list[Span]:
        found: list[Span] = []
        for part in self.parts:
            spans = part.spans(tokens)
            if not spans:
                return []
            found.extend(spans)
        return sorted(set(found))


@dataclass(frozen=True)
class Without:
    kept: Node
    excluded: Node

    def spans(self, tokens: Tokens) -> list[Span]:
        return [] if self.excluded.spans(tokens) else self.kept.spans(tokens)


@dataclass(frozen=True)
class Near:
    left: Node
    right: Node
    distance: int
    ordered: bool  # PRE/n: the left comes first

    def spans(self, tokens: Tokens) -> list[Span]:
        found = set()
        rights = self.right.spans(tokens)
        for left in self.left.spans(tokens):
            for right in rights:
                if left[1] < right[0]:
                    gap = right[0] - left[1] - 1
                elif right[1] < left[0] and not self.ordered:
                    gap = left[0] - right[1] - 1
                else:
                    continue
                if gap <= self.distance:
                    found.add((min(left[0], right[0]), max(left[1], right[1])))
        return sorted(found)


Node = Phrase | Either | Both | Without | Near


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens: list[tuple[str, str]] = []
        position = 0
        text = text.strip()
        while position < len(text):
            match = _TOKEN.match(text, position)
            if match is None or match.end() == position:
                raise QueryError(f"cannot read the query at {text[position : position + 30]!r}")
            position = match.end()
            kind = match.lastgroup or ""
            value = match.group({"near": "wn", "pre": "pn"}.get(kind, kind)) if kind else ""
            if kind:
                self.tokens.append((kind, value))
        self.index = 0

    def peek(self) -> str:
        return self.tokens[self.index][0] if self.index < len(self.tokens) else ""

    def take(self) -> tuple[str, str]:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node:
        node = self.without()
        if self.index != len(self.tokens):
            raise QueryError(f"unexpected {self.tokens[self.index][1] or self.tokens[self.index][0]!r}")
        return node

    def without(self) -> Node:
        node = self.both()
        while self.peek() == "andnot":
            self.take()
            node = Without(node, self.both())
        return node

    def both(self) -> Node:
        parts = [self.preceding()]
        while self.peek() in ("and", "phrase", "word", "open"):
            if self.peek() == "and":
                self.take()
            parts.append(self.preceding())
        return parts[0] if len(parts) == 1 else Both(tuple(parts))

    def preceding(self) -> Node:
        node = self.near()
        while self.peek() == "pre":
            _, distance = self.take()
            node = Near(node, self.near(), int(distance), ordered=True)
        return node

    def near(self) -> Node:
        node = self.either()
        while self.peek() == "near":
            _, distance = self.take()
            node = Near(node, self.either(), int(distance), ordered=False)
        return node

    def either(self) -> Node:
        options = [self.atom()]
        while self.peek() == "or":
            self.take()
            options.append(self.atom())
        return options[0] if len(options) == 1 else Either(tuple(options))

    def atom(self) -> Node:
        if self.index >= len(self.tokens):
            raise QueryError("the query ends where a term was expected")
        kind, value = self.take()
        if kind == "open":
            node = self.without()
            if self.peek() != "close":
                raise QueryError("a parenthesis is not closed")
            self.take()
            return node
        if kind == "phrase":
            return Phrase(tuple(_terms(value[1:-1])))
        if kind == "word":
            return Phrase(tuple(_terms(value)))
        raise QueryError(f"a term was expected, not {value or kind!r}")


def _terms(text: str) -> list[str]:
    """The words of a phrase, each keeping a trailing `*`."""
    return [m.group(0) for m in re.finditer(r"[a-z0-9]+\*?", _POSSESSIVE.sub("", text.lower()))]


def parse(text: str) -> Node:
    """A query line as a tree; QueryError for syntax this parser does not know."""
    return _Parser(text).parse()


@dataclass(frozen=True)
class TargetQuery:
    """The query lines of one SDG target, any of which may match."""

    target: str
    goal: str
    lines: tuple[Node, ...]
    texts: tuple[str, ...]

    def match(self, tokens: Tokens) -> tuple[str, Span] | None:
        """The first query line that matches, with the words it matched; None when none does."""
        for node, text in zip(self.lines, self.texts, strict=True):
            spans = node.spans(tokens)
            if spans:
                return text, spans[0]
        return None


def _code(code: str, goal: str) -> str:
    """The SDG code a query is for: `3c` is target 3.c, and `13.0` (no target) the goal itself."""
    letter = re.fullmatch(r"(\d+)([a-z])", code)
    if letter:
        return f"{letter.group(1)}.{letter.group(2)}"
    return goal if code in (f"{goal}.0", goal) else code


def read_queries(seeds_dir: Path) -> list[TargetQuery]:
    """Every target query of the 17 Aurora files, in goal and target order."""
    queries: list[TargetQuery] = []
    for goal in range(1, 18):
        path = seeds_dir / AURORA_DIR / f"query_SDG{goal}.xml"
        # The files ship with the project (seeds/reference/aurora): trusted input.
        root = ElementTree.parse(path).getroot()  # noqa: S314
        for definition in root.iter(f"{{{_NS['aqd']}}}query-definition"):
            uri = next((e.text or "" for e in definition.findall("dc:identifier", _NS) if e.get("type") == "uri"), "")
            target = _code(uri.rsplit("/", 1)[-1].strip(), str(goal))
            texts = [" ".join((line.text or "").split()) for line in definition.iter(f"{{{_NS['aqd']}}}query-line")]
            texts = [t for t in texts if t]
            if not target or not texts:
                continue
            queries.append(TargetQuery(target, str(goal), tuple(parse(t) for t in texts), tuple(texts)))
    return queries
