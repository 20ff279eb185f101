"""RDF terms written into the service's own SPARQL: validated once, so no text from a request can change a query.

Every IRI, literal or VALUES block that `graph/queries.py` puts into a query comes from here. `iri()` accepts
only what can stand between `<` and `>` as it is (the SPARQL IRIREF characters, checked again by the engine's
own RFC 3987 parser) and `literal()` escapes what a string may not hold; the queries take `Iri` and `Literal`
values, not strings, so mypy refuses a query built from unchecked text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph

# SPARQL 1.1 IRIREF: no space, control character, <>"{}|^`\ (RFC 3987 is checked by pyoxigraph below).
_IRI_BODY = re.compile(r"[^<>\"{}|^`\\\x00-\x20\x7f-\x9f]+")
_LANGUAGE = re.compile(r"[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
MAX_IRI_LENGTH = 4096


class InvalidTerm(ValueError):
    """A text that cannot be written as the RDF term asked for; the message says why."""


@dataclass(frozen=True)
class Iri:
    """An absolute IRI that can be written into SPARQL as `<value>`. Make one with `iri()`."""

    value: str

    def __str__(self) -> str:
        return f"<{self.value}>"


@dataclass(frozen=True)
class Literal:
    """A literal, written into SPARQL with its escapes. Make one with `literal()`."""

    sparql: str

    def __str__(self) -> str:
        return self.sparql


def is_iri(text: str) -> bool:
    """Whether `text` is an absolute IRI that `iri()` accepts."""
    try:
        iri(text)
    except InvalidTerm:
        return False
    return True


def iri(text: str) -> Iri:
    """`text` as an IRI for a query; InvalidTerm unless it is an absolute IRI with nothing that could end it."""
    if not text or len(text) > MAX_IRI_LENGTH or _IRI_BODY.fullmatch(text) is None:
        raise InvalidTerm(f"{text[:200]!r} is not an IRI: it is empty, too long, or holds a character no IRI may hold")
    try:
        pyoxigraph.NamedNode(text)  # the engine's own IRI grammar (RFC 3987): absolute, well formed
    except ValueError as error:
        raise InvalidTerm(f"{text[:200]!r} is not an absolute IRI: {error}") from error
    if ":" not in text:
        raise InvalidTerm(f"{text[:200]!r} is not an absolute IRI")
    return Iri(text)


def literal(text: str, *, language: str | None = None, datatype: Iri | None = None) -> Literal:
    """A string literal (optionally with a language tag or a datatype), escaped for SPARQL."""
    body = '"' + text.translate(_STRING_ESCAPES) + '"'
    if language is not None:
        if _LANGUAGE.fullmatch(language) is None:
            raise InvalidTerm(f"{language!r} is not a language tag")
        return Literal(f"{body}@{language}")
    if datatype is not None:
        return Literal(f"{body}^^{datatype}")
    return Literal(body)


def integer(value: int) -> Literal:
    """An xsd:integer literal."""
    return Literal(str(int(value)))


def values(variable: str, terms: Iterable[Iri | Literal]) -> str:
    """`VALUES ?variable { ... }` over validated terms, each once, in a stable order."""
    if _VARIABLE.fullmatch(variable) is None:
        raise InvalidTerm(f"{variable!r} is not a variable name")
    written = sorted({str(term) for term in terms})
    return f"VALUES ?{variable} {{ {' '.join(written)} }}"


def iri_list(terms: Iterable[Iri]) -> str:
    """Validated IRIs separated by commas, for `IN (...)`."""
    return ", ".join(sorted({str(term) for term in terms}))
