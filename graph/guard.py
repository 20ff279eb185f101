"""The gate every user's SPARQL text passes before an engine sees it.

The service is a read-only endpoint that never opens an outbound connection, while
both engines it builds on would: Oxigraph and rdflib call a remote endpoint for
`SERVICE <url>`, rdflib fetches unknown `FROM` graphs, and updates (`LOAD <url>`
among them) change or fetch data. So a query is refused, with a reason a person can
act on, when it:

- is longer than `max_query_length` or nests groups deeper than `max_query_depth`
  (deep nesting exhausts parser stacks);
- contains SERVICE in any spelling, or any update operation;
- names, in FROM / FROM NAMED or in the protocol's default-graph-uri /
  named-graph-uri, a graph the store does not hold.

Two independent readings decide, and either one refusing is enough (fail closed):

1. `check_query` (in the serving process, linear time, well under a millisecond for
   ordinary queries): a tokenizer for the SPARQL 1.1 terminals (strings, IRIs,
   prefixed names with their escapes, comments...) so that words inside strings,
   IRIs and comments never count and words outside them always do. It reads the
   text twice: as written, and with the `\\uXXXX` / `\\UXXXXXXXX` escapes decoded,
   which SPARQL allows anywhere in the text; a keyword found in either reading counts.
2. `check_parsed` (in the query worker, under the query deadline, since a full
   parse of a long query costs tenths of a second): rdflib's SPARQL grammar parses
   the text; the parse tree is searched for SERVICE patterns and dataset clauses,
   and a text rdflib cannot parse as a query is refused. The engine (Oxigraph)
   parses it a third time and refuses what it cannot parse.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urljoin, urlsplit

import pyoxigraph

from graph.settings import Settings
from graph.store import DatasetScope


class RefusalReason(StrEnum):
    """Why a query was refused; stable words for machines (problem types, metrics)."""

    TOO_LONG = "query-too-long"
    TOO_DEEP = "query-too-deep"
    SERVICE = "service-not-allowed"
    UPDATE = "update-not-allowed"
    UNKNOWN_GRAPH = "unknown-graph"
    SYNTAX = "syntax-error"


class QueryRefused(ValueError):
    """A query the service will not run; `message` says what to change, `reason` says why in one word."""

    def __init__(self, reason: RefusalReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


UPDATE_KEYWORDS = frozenset(
    ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH", "USING")
)
_UPDATE_MESSAGE = (
    "this is (or contains) a SPARQL update ({word}); the service is read-only: "
    "send a SELECT, ASK, CONSTRUCT or DESCRIBE query"
)
_SERVICE_MESSAGE = (
    "SERVICE asks this endpoint to query another one; it answers only from its own dataset "
    "and makes no outbound calls: remove the SERVICE clause"
)

# ------------------------------------------------------------------ the tokenizer

# SPARQL 1.1 terminals (https://www.w3.org/TR/sparql11-query/#terminals), in the order
# they are tried at each position. Escapes in strings and IRIs include \u and \U so that
# the text as written and the decoded text both tokenize.
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


def tokens(text: str) -> Iterator[Token]:
    """The tokens of a SPARQL text, spaces and comments left out; QueryRefused where nothing fits."""
    position = 0
    end = len(text)
    while position < end:
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            line = text.count("\n", 0, position) + 1
            column = position - (text.rfind("\n", 0, position) + 1) + 1
            raise QueryRefused(
                RefusalReason.SYNTAX,
                f"unexpected {text[position]!r} at line {line}, column {column}: "
                "check for an unclosed string or IRI, or a stray character",
            )
        kind = match.lastgroup or ""
        if kind not in ("space", "comment"):
            yield Token(kind, match.group(0), position)
        position = match.end()


_IRI_BODY = re.compile(r"[^<>\"{}|^`\\\x00-\x20]+")


def is_iri(text: str) -> bool:
    """Whether `text` can stand between < and > in SPARQL as it is (so it can be put in a query we write)."""
    if _IRI_BODY.fullmatch(text) is None:
        return False
    try:
        pyoxigraph.NamedNode(text)  # the engine's own IRI grammar (RFC 3987)
    except ValueError:
        return False
    return True


# ------------------------------------------------------------------ check_query


def check_query(
    sparql: str,
    *,
    known_graphs: Collection[str],
    settings: Settings,
    scope: DatasetScope | None = None,
) -> None:
    """Refuse (QueryRefused) a query that could reach outside this dataset, change it, or overwhelm a parser."""
    if len(sparql) > settings.max_query_length:
        raise QueryRefused(
            RefusalReason.TOO_LONG,
            f"the query is {len(sparql)} characters long; the limit is {settings.max_query_length} "
            "(ILOKG_MAX_QUERY_LENGTH): shorten it, for example with fewer VALUES or a FILTER",
        )
    check_scope(scope, known_graphs)
    # Read with code point escapes decoded and as written: a keyword seen in either counts.
    for text in (decode_escapes(sparql), sparql):
        _check_tokens(list(tokens(text)), known_graphs, settings.max_query_depth)


def check_scope(scope: DatasetScope | None, known_graphs: Collection[str]) -> None:
    """Refuse protocol dataset parameters (default-graph-uri, named-graph-uri) naming unknown graphs."""
    if scope is None:
        return
    for graph in (*scope.default_graphs, *scope.named_graphs):
        _check_graph(graph, known_graphs, "default-graph-uri / named-graph-uri")


def _check_graph(iri: str, known_graphs: Collection[str], where: str) -> None:
    if iri not in known_graphs:
        shown = ", ".join(sorted(known_graphs)[:12])
        raise QueryRefused(
            RefusalReason.UNKNOWN_GRAPH,
            f"{where} names <{iri}>, a graph this dataset does not hold (the service never fetches remote "
            f"graphs): use one of its graphs ({shown}) or leave the dataset clause out to query them all",
        )


def _check_tokens(found: list[Token], known_graphs: Collection[str], max_depth: int) -> None:
    prefixes: dict[str, str] = {}
    base: str | None = None
    depth = 0
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
        elif token.kind == "word":
            word = token.text.upper()
            if word == "SERVICE":
                raise QueryRefused(RefusalReason.SERVICE, _SERVICE_MESSAGE)
            if word in UPDATE_KEYWORDS:
                raise QueryRefused(RefusalReason.UPDATE, _UPDATE_MESSAGE.format(word=word))
            following = found[index + 1 : index + 3]
            if word == "PREFIX" and len(following) == 2 and following[0].kind == "pname":
                if following[1].kind == "iri":
                    prefixes[following[0].text[:-1]] = _resolve(_iri_text(following[1].text), base)
            elif word == "BASE" and following and following[0].kind == "iri":
                base = _resolve(_iri_text(following[0].text), base)
            elif word == "FROM":
                named = bool(following) and following[0].kind == "word" and following[0].text.upper() == "NAMED"
                target = following[1] if named and len(following) > 1 else (following[0] if following else None)
                clause = "FROM NAMED" if named else "FROM"
                if target is None or target.kind not in ("iri", "pname"):
                    raise QueryRefused(RefusalReason.SYNTAX, f"{clause} must be followed by a graph IRI")
                _check_graph(_graph_iri(target, prefixes, base), known_graphs, clause)


def _iri_text(token_text: str) -> str:
    return token_text[1:-1]


def _resolve(iri: str, base: str | None) -> str:
    if base is None or urlsplit(iri).scheme:
        return iri
    return urljoin(base, iri)


def _graph_iri(token: Token, prefixes: dict[str, str], base: str | None) -> str:
    if token.kind == "iri":
        return _resolve(_iri_text(token.text), base)
    prefix, _, local = token.text.partition(":")
    if prefix not in prefixes:
        raise QueryRefused(RefusalReason.SYNTAX, f"the prefix {prefix}: of {token.text} is not declared")
    return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)


# ------------------------------------------------------------------ check_parsed


def check_parsed(sparql: str, *, known_graphs: Collection[str]) -> None:
    """Second, independent reading with rdflib's SPARQL grammar (slow: run it where a deadline applies).

    Refuses what rdflib's parse tree shows as SERVICE or a dataset clause naming an
    unknown graph, an update, and any text that does not parse as a query.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translatePrologue
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        parsed = parseQuery(sparql)
    except ParseException as error:
        try:
            parseUpdate(sparql)
        except (ParseException, ValueError, RecursionError):
            raise QueryRefused(RefusalReason.SYNTAX, f"the query does not parse: {error}") from error
        raise QueryRefused(RefusalReason.UPDATE, _UPDATE_MESSAGE.format(word="update")) from error
    except RecursionError as error:
        raise QueryRefused(
            RefusalReason.TOO_DEEP, "the query is too deeply nested or too long to check: simplify it"
        ) from error
    except ValueError as error:  # a malformed \u escape
        raise QueryRefused(RefusalReason.SYNTAX, f"the query does not parse: {error}") from error
    prologue = None
    for node in _parse_nodes(parsed):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            raise QueryRefused(RefusalReason.SERVICE, _SERVICE_MESSAGE)
        if name == "DatasetClause":
            if prologue is None:
                prologue = translatePrologue(parsed[0], None)
            named = "named" in node
            iri = prologue.absolutize(node["named"] if named else node["default"])
            _check_graph(str(iri), known_graphs, "FROM NAMED" if named else "FROM")


def _parse_nodes(value: Any) -> Iterator[Any]:
    """Every CompValue of an rdflib parse result, depth first."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, ParseResults | list | tuple):
            stack.extend(item)
