"""The one reading of a user's SPARQL text: what it asks, on which dataset, and whether the service runs it.

`read_query()` reads a text once, before any engine sees it, into a `ReadQuery` that carries what every later
step needs: the query form (content negotiation picks the result format from it), the query's own dataset
clauses (FROM / FROM NAMED, resolved against its BASE and the endpoint's IRI) and the IRIs it names. A text the
service will not run raises `QueryRefused` with a reason a person can act on, when it:

- is longer than `max_query_length` or nests groups deeper than `max_query_depth` (parser stacks);
- is an update (the endpoint is read-only);
- could call another endpoint with SERVICE, in any spelling the engine would read as that keyword.

SERVICE is the one way a query makes Oxigraph open a connection, so that reading is deliberately wider than
the grammar. Oxigraph's parser is a PEG that matches keywords without a word boundary (`SERVICESILENT<x>`
and `SERVICE:x` are the keyword followed by an IRI) and, after a keyword such as `true` or `a`, may read the
rest of a word as the next keyword. So the tokenizer refuses the letters "service" (case folded) wherever
such a split could make them a keyword: anywhere in a bare word, a language tag or the prefix of a prefixed
name, and past the first letter of a variable name, a blank node label or a prefixed name's local part
(`?service`, `_:service` and `sd:Service` pass).
`<` inside parentheses may be the less-than operator rather than the start of an IRI, which shifts where
strings and comments begin; every such `<` is read both ways and a SERVICE found in any reading counts.
SERVICE is looked for in the text as written and with its `\\u` escapes decoded (SPARQL allows them
anywhere; Oxigraph decodes them only in strings and IRIs). Strings, IRIs and comments never count. The
differential tests in tests/security/ run the engine on generated texts that pass this reading, against a
loopback listener, and fail on any connection.

`dataset_of()` gives the RDF dataset a query runs on (SPARQL 1.1, section 13, and the Protocol): the
protocol's default-graph-uri / named-graph-uri when given, else the query's FROM / FROM NAMED, else the
store's default graph (the RDF merge of the build's graphs) with every named graph. A graph the store does not
hold is refused, so a mistyped name gets an answer rather than an empty result.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from urllib.parse import urljoin, urlsplit


class QueryForm(StrEnum):
    """The four SPARQL query forms."""

    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"

    @property
    def returns_graph(self) -> bool:
        return self in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)


class RefusalReason(StrEnum):
    """Why a query was refused; stable words for machines (problem types)."""

    TOO_LONG = "query-too-long"
    TOO_DEEP = "query-too-deep"
    SERVICE = "service-refused"
    UPDATE = "read-only"
    UNKNOWN_GRAPH = "unknown-graph"
    SYNTAX = "query-syntax"


class QueryRefused(ValueError):
    """A query the service will not run; `message` says what to change, `reason` says why in one word."""

    def __init__(self, reason: RefusalReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


UPDATE_KEYWORDS = frozenset(
    ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING")
)
UPDATE_MESSAGE = (
    "this is (or contains) a SPARQL update ({word}); the service is read-only: "
    "send a SELECT, ASK, CONSTRUCT or DESCRIBE query"
)
SERVICE_MESSAGE = (
    "SERVICE asks this endpoint to query another one; it answers only from its own dataset and makes no "
    "outbound calls: remove the SERVICE clause{where}"
)
_SERVICE = "service"

# ------------------------------------------------------------------ the tokenizer

# SPARQL 1.1 terminals (https://www.w3.org/TR/sparql11-query/#terminals), in the order they are tried at each
# position. Escapes in strings and IRIs include \u and \U so that the text as written and decoded both tokenize.
_HEX = r"[0-9A-Fa-f]"
_UCHAR = rf"\\u{_HEX}{{4}}|\\U{_HEX}{{8}}"
_ECHAR = r"\\[tbnrf\\\"']"
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_VARNAME = rf"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*"

_TOKEN = re.compile(
    "|".join(
        (
            r"(?P<space>[ \t\r\n]+)",
            r"(?P<comment>#[^\r\n]*)",
            rf"(?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''"
            rf'|"""(?:(?:"|"")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*"""'
            rf"|'(?:[^'\\\n\r]|{_ECHAR}|{_UCHAR})*'"
            rf'|"(?:[^"\\\n\r]|{_ECHAR}|{_UCHAR})*")',
            rf"(?P<iri><(?:[^<>\"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)",
            rf"(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)",
            rf"(?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)",
            rf"(?P<var>[?$]{_VARNAME})",
            r"(?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)",
            r"(?P<number>[+-]?(?:[0-9]+\.?[0-9]*[eE][+-]?[0-9]+|\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]*\.[0-9]+|[0-9]+))",
            r"(?P<word>[A-Za-z_][A-Za-z0-9_]*)",
            r"(?P<open>[{(\[])",
            r"(?P<close>[})\]])",
            r"(?P<punct>\^\^|\|\||&&|!=|<=|>=|[.,;*/|^+\-!=<>?])",
        )
    )
)
_ESCAPE = re.compile(rf"\\u({_HEX}{{4}})|\\U({_HEX}{{8}})")
_SKIPPED = frozenset(("space", "comment"))


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    offset: int


def decode_escapes(text: str) -> str:
    """`text` with its \\uXXXX and \\UXXXXXXXX code point escapes replaced (SPARQL 1.1, section 19.2)."""

    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryRefused(
                RefusalReason.SYNTAX,
                f"the escape {match.group(0)} at character {match.start() + 1} is not a Unicode code point",
            )
        return chr(code)

    return _ESCAPE.sub(decode, text)


def _where(text: str, position: int) -> str:
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return f"line {line}, column {column}"


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a SPARQL text (longest match at each position), spaces and comments left out."""
    position = 0
    end = len(text)
    while position < end:
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise QueryRefused(
                RefusalReason.SYNTAX,
                f"unexpected {text[position]!r} at {_where(text, position)}: "
                "check for an unclosed string or IRI, or a stray character",
            )
        kind = match.lastgroup or ""
        if kind not in _SKIPPED:
            yield Token(kind, match.group(0), position)
        position = match.end()


def _service_in(kind: str, text: str) -> bool:
    """Whether a token holds letters the engine might read as the SERVICE keyword (see the module's notes)."""
    folded = text.casefold()
    if kind in ("word", "langtag"):
        return _SERVICE in folded
    if kind == "var":
        return _SERVICE in folded[2:]
    if kind == "bnode":
        return _SERVICE in folded[3:]
    if kind == "pname":
        prefix, _, local = folded.partition(":")
        return _SERVICE in prefix or _SERVICE in local[1:]
    return False


def _hidden_service(text: str) -> int | None:
    """The offset of a SERVICE some reading of `text` finds, reading each `<` inside parentheses both ways."""
    # States are (position, parenthesis depth): the tokens from a position are the same whatever came before,
    # so each state is read once, and the readings together cost at most a few times one reading.
    seen: set[tuple[int, int]] = set()
    pending = [(0, 0)]
    end = len(text)
    while pending:
        state = pending.pop()
        if state in seen:
            continue
        seen.add(state)
        position, depth = state
        if position >= end:
            continue
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            continue  # this reading does not tokenize: the engine cannot read it this way either
        kind = match.lastgroup or ""
        if _service_in(kind, match.group(0)):
            return position
        if kind == "open" and match.group(0) == "(":
            depth += 1
        elif kind == "close" and match.group(0) == ")":
            depth = max(0, depth - 1)
        pending.append((match.end(), depth))
        if kind == "iri" and depth > 0:
            pending.append((position + 1, depth))  # the less-than operator, then what the IRI held read as code
    return None


# ------------------------------------------------------------------ the reading


@dataclass(frozen=True)
class DatasetScope:
    """Graphs named for a query's dataset: by the SPARQL Protocol (default-graph-uri / named-graph-uri) or by
    the query itself (FROM / FROM NAMED)."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.default_graphs and not self.named_graphs


@dataclass(frozen=True)
class ReadQuery:
    """A query as the service read it once: the text, its form, its own dataset and the IRI it is read against."""

    text: str
    form: QueryForm | None  # None: no query form keyword; the engine's parser says what is wrong
    base_iri: str | None  # relative IRIs resolve against it (the endpoint's IRI) where the query has no BASE
    dataset: DatasetScope  # the query's own FROM / FROM NAMED, resolved; empty when it has none
    iris: tuple[str, ...]  # every IRI the text writes between < and >, resolved
    # Where the text writes its FROM / FROM NAMED clauses (offsets), so that a store that is told the dataset
    # by the protocol can send the text without them (a server may otherwise read both).
    dataset_clauses: tuple[tuple[int, int], ...] = ()
    # Prefixes the text may use without declaring them (the command line offers the project's), and the names
    # it declares itself (which win).
    default_prefixes: tuple[tuple[str, str], ...] = ()
    declared_prefixes: tuple[str, ...] = ()

    def undeclared_prefixes(self) -> str:
        """PREFIX lines for the default prefixes the text does not declare (for a store told no default ones)."""
        return "".join(
            f"PREFIX {name}: <{iri}>\n" for name, iri in self.default_prefixes if name not in self.declared_prefixes
        )

    def without_dataset_clauses(self) -> str:
        """The text with its FROM / FROM NAMED clauses blanked out (the same length, the same lines)."""
        text = self.text
        for start, end in self.dataset_clauses:
            text = text[:start] + " " * (end - start) + text[end:]
        return text


@dataclass(frozen=True)
class QueryDataset:
    """The RDF dataset a query runs on. None stands for the store's own: its default graph (for a build, the RDF
    merge of all its graphs: a set, so a triple stated by two documents is there once) and every named graph."""

    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None


STORE_DATASET = QueryDataset(None, None)


@dataclass(frozen=True)
class Limits:
    """The bounds a text is read under."""

    max_length: int
    max_depth: int


def read_query(
    text: str, limits: Limits, base_iri: str | None = None, default_prefixes: Mapping[str, str] | None = None
) -> ReadQuery:
    """Read a SPARQL text once; QueryRefused when the service will not run it (see the module's notes).

    `default_prefixes` may be used by the text without a PREFIX declaration (its own declarations win)."""
    if len(text) > limits.max_length:
        raise QueryRefused(
            RefusalReason.TOO_LONG,
            f"the query is {len(text)} characters long; the limit is {limits.max_length} "
            "(ILOKG_MAX_QUERY_LENGTH): shorten it, for example with fewer VALUES or a FILTER",
        )
    prefixes = tuple(sorted((default_prefixes or {}).items()))
    if len(text) <= _CACHED_TEXT_LENGTH:
        return _read_cached(text, limits, base_iri, prefixes)
    return _read(text, limits, base_iri, prefixes)


_CACHED_TEXT_LENGTH = 4096  # texts up to this long are remembered: 4096 of them hold at most some 32 MiB


@lru_cache(maxsize=4096)
def _read_cached(text: str, limits: Limits, base_iri: str | None, prefixes: tuple[tuple[str, str], ...]) -> ReadQuery:
    # A reading depends on the text alone, and clients send the same texts again and again.
    return _read(text, limits, base_iri, prefixes)


def _read(text: str, limits: Limits, base_iri: str | None, prefixes: tuple[tuple[str, str], ...]) -> ReadQuery:
    decoded = decode_escapes(text)
    for reading in (decoded, text):
        found = _hidden_service(reading)
        if found is not None:
            snippet = reading[found : found + 30].split("\n")[0]
            where = f" (at {_where(reading, found)}: {snippet!r}; words holding the letters SERVICE are refused too)"
            raise QueryRefused(RefusalReason.SERVICE, SERVICE_MESSAGE.format(where=where))
    # Its structure as SPARQL 1.1 reads it, escapes decoded first (Oxigraph leaves escapes outside strings and
    # IRIs undecoded and then fails to parse such a text, so it never runs a structure this reading misses).
    read = _read_tokens(list(tokens(decoded)), limits.max_depth, base_iri, dict(prefixes))
    # The clauses' offsets are the decoded text's: they hold for the text as written when it has no escapes.
    clauses = read.dataset_clauses if decoded == text else ()
    return ReadQuery(text, read.form, base_iri, read.dataset, read.iris, clauses, prefixes, read.declared_prefixes)


def _read_tokens(
    found: list[Token], max_depth: int, endpoint: str | None, default_prefixes: dict[str, str]
) -> ReadQuery:
    prefixes = dict(default_prefixes)
    declared: list[str] = []
    base = endpoint
    depth = 0
    form: QueryForm | None = None
    defaults: list[str] = []
    named: list[str] = []
    iris: list[str] = []
    clauses: list[tuple[int, int]] = []
    in_prologue = True
    for index, token in enumerate(found):
        if token.kind == "open":
            depth += 1
            if depth > max_depth:
                raise QueryRefused(
                    RefusalReason.TOO_DEEP,
                    f"the query nests groups, brackets or parentheses more than {max_depth} deep "
                    "(ILOKG_MAX_QUERY_DEPTH): flatten it",
                )
        elif token.kind == "close":
            depth -= 1
        elif token.kind == "iri":
            iris.append(_resolve(token.text[1:-1], base))
        elif token.kind == "word":
            word = token.text.upper()
            if word in UPDATE_KEYWORDS or (in_prologue and word.startswith(tuple(UPDATE_KEYWORDS))):
                raise QueryRefused(RefusalReason.UPDATE, UPDATE_MESSAGE.format(word=token.text))
            following = found[index + 1 : index + 3]
            if word == "PREFIX" and len(following) == 2 and following[0].kind == "pname":
                if following[1].kind == "iri":
                    prefixes[following[0].text[:-1]] = _resolve(following[1].text[1:-1], base)
                    declared.append(following[0].text[:-1])
            elif word == "BASE" and following and following[0].kind == "iri":
                base = _resolve(following[0].text[1:-1], base)
            elif in_prologue:
                in_prologue = False
                form = next((f for f in QueryForm if word.startswith(f.value)), None)
            if word == "FROM":
                is_named = bool(following) and following[0].kind == "word" and following[0].text.upper() == "NAMED"
                target = following[1] if is_named and len(following) > 1 else (following[0] if following else None)
                clause = "FROM NAMED" if is_named else "FROM"
                if target is None or target.kind not in ("iri", "pname"):
                    raise QueryRefused(RefusalReason.SYNTAX, f"{clause} must be followed by a graph IRI")
                (named if is_named else defaults).append(_graph_iri(target, prefixes, base))
                clauses.append((token.offset, target.offset + len(target.text)))
    if _only_prologue(found):  # not a query; as SPARQL, an empty update
        raise QueryRefused(
            RefusalReason.UPDATE,
            "the text holds no query, only a prologue (as SPARQL, an empty update); the service is read-only: "
            "send a SELECT, ASK, CONSTRUCT or DESCRIBE query",
        )
    dataset = DatasetScope(tuple(defaults), tuple(named))
    return ReadQuery("", form, endpoint, dataset, tuple(iris), tuple(clauses), (), tuple(declared))


def _only_prologue(found: list[Token]) -> bool:
    """Whether the tokens are PREFIX and BASE declarations and nothing else."""
    index = 0
    while index < len(found):
        word = found[index].text.upper() if found[index].kind == "word" else ""
        if word == "BASE" and found[index + 1 : index + 2] and found[index + 1].kind == "iri":
            index += 2
        elif word == "PREFIX" and [t.kind for t in found[index + 1 : index + 3]] == ["pname", "iri"]:
            index += 3
        else:
            return False
    return True


def _resolve(iri: str, base: str | None) -> str:
    if base is None or urlsplit(iri).scheme:
        return iri
    return urljoin(base, iri)


def _graph_iri(token: Token, prefixes: dict[str, str], base: str | None) -> str:
    if token.kind == "iri":
        return _resolve(token.text[1:-1], base)
    prefix, _, local = token.text.partition(":")
    if prefix not in prefixes:
        raise QueryRefused(RefusalReason.SYNTAX, f"the prefix {prefix}: of {token.text} is not declared")
    return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)


# ------------------------------------------------------------------ the dataset


def dataset_of(read: ReadQuery, protocol: DatasetScope | None, known_graphs: Collection[str]) -> QueryDataset:
    """The dataset `read` runs on: the protocol's, else the query's own, else the store's; unknown graphs refused."""
    if protocol is not None and not protocol.empty:
        chosen, where = protocol, "default-graph-uri / named-graph-uri"
    elif not read.dataset.empty:
        chosen, where = read.dataset, "FROM / FROM NAMED"
    else:
        return STORE_DATASET
    for graph in (*chosen.default_graphs, *chosen.named_graphs):
        if graph not in known_graphs:
            shown = ", ".join(sorted(known_graphs)[:12])
            raise QueryRefused(
                RefusalReason.UNKNOWN_GRAPH,
                f"{where} names <{graph}>, a graph this dataset does not hold (the service never fetches remote "
                f"graphs): use one of its graphs ({shown}) or leave the dataset clause out to query them all",
            )
    return QueryDataset(tuple(dict.fromkeys(chosen.default_graphs)), tuple(dict.fromkeys(chosen.named_graphs)))
