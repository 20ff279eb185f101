"""HTTP content negotiation: the Accept header with q-values against what a route can send."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from graph.store.formats import (
    CSV,
    JSON_LD,
    N_QUADS,
    N_TRIPLES,
    RDF_XML,
    SPARQL_JSON,
    SPARQL_XML,
    TRIG,
    TSV,
    TURTLE,
)

HTML = "text/html"
JSON = "application/json"


@dataclass(frozen=True)
class Offer:
    """A media type a route can send, and other names clients use for it."""

    media_type: str
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.media_type, *self.aliases)


# What clients send in the wild (SPARQLWrapper, rdflib, browsers) for the same formats.
SOLUTION_OFFERS = (
    Offer(SPARQL_JSON, ("application/json", "text/javascript", "application/javascript")),
    Offer(SPARQL_XML, ("application/xml", "text/xml")),
    Offer(CSV),
    Offer(TSV),
)
GRAPH_OFFERS = (
    Offer(TURTLE, ("application/turtle", "application/x-turtle")),
    Offer(N_TRIPLES, ("text/plain",)),
    Offer(JSON_LD, ("application/x-json+ld", "application/json")),
    Offer(RDF_XML, ("application/xml", "text/xml")),
)
DATASET_OFFERS = (
    Offer(TRIG, ("application/x-trig",)),
    Offer(N_QUADS, ("text/x-nquads",)),
    Offer(JSON_LD, ("application/x-json+ld", "application/json")),
    Offer(TURTLE, ("application/turtle", "application/x-turtle")),
    Offer(N_TRIPLES, ("text/plain",)),
)
# Short names for ?format= (export and resource pages).
FORMAT_NAMES = {
    "turtle": TURTLE,
    "ttl": TURTLE,
    "trig": TRIG,
    "ntriples": N_TRIPLES,
    "nt": N_TRIPLES,
    "nquads": N_QUADS,
    "nq": N_QUADS,
    "jsonld": JSON_LD,
    "json-ld": JSON_LD,
    "rdfxml": RDF_XML,
    "xml": RDF_XML,
    "html": HTML,
}


class NotAcceptable(ValueError):
    """Nothing the route can send fits the Accept header."""

    def __init__(self, accept: str, offers: Sequence[Offer]) -> None:
        available = ", ".join(offer.media_type for offer in offers)
        super().__init__(
            f"cannot send any of the types in Accept: {accept!r}; this resource is available as {available}"
        )
        self.available = [offer.media_type for offer in offers]


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header."""

    type: str
    subtype: str
    q: float
    position: int

    @property
    def specificity(self) -> int:
        return 0 if self.type == "*" else 1 if self.subtype == "*" else 2

    def matches(self, media_type: str) -> bool:
        wanted_type, _, wanted_subtype = media_type.partition("/")
        if self.type == "*":
            return True
        if self.type != wanted_type:
            return False
        return self.subtype in ("*", wanted_subtype)


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header; malformed elements are skipped, a bad q counts as 1."""
    ranges: list[MediaRange] = []
    for position, element in enumerate(header.split(",")):
        parts = [part.strip() for part in element.split(";")]
        media, _, sub = parts[0].lower().partition("/")
        if not media or not sub:
            continue
        q = 1.0
        for parameter in parts[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value.strip())))
                except ValueError:
                    q = 1.0
        ranges.append(MediaRange(media, sub, q, position))
    return ranges


def _q_of(offer: Offer, ranges: list[MediaRange]) -> tuple[float, int, int] | None:
    """How much the client wants `offer`: (q, specificity, -position) of the range that decides, or None.

    A range naming the type exactly decides (its canonical name or an alias clients use for it; the canonical
    name first); otherwise the most specific wildcard that matches the canonical name decides, so `text/*`
    never reaches a format through an alias such as text/javascript (RFC 9110, section 12.5.1).
    """
    for names in ((offer.media_type,), offer.aliases):
        exact = [r for r in ranges if r.specificity == 2 and any(r.matches(name) for name in names)]
        if exact:
            decisive = max(exact, key=lambda r: (r.q, -r.position))
            return (decisive.q, 2, -decisive.position)
    wildcards = [r for r in ranges if r.specificity < 2 and r.matches(offer.media_type)]
    if not wildcards:
        return None
    decisive = max(wildcards, key=lambda r: (r.specificity, -r.position))
    return (decisive.q, decisive.specificity, -decisive.position)


def negotiate(accept: str | None, offers: Sequence[Offer]) -> str:
    """The media type to send: the offer the client prefers most (by q, then specificity, then its order).

    No Accept header (or an empty one) means anything: the first offer. A type with q=0 is never sent.
    NotAcceptable when nothing fits.
    """
    if not accept or not accept.strip():
        return offers[0].media_type
    ranges = parse_accept(accept)
    if not ranges:
        return offers[0].media_type
    best: tuple[float, int, int, int] | None = None
    chosen: str | None = None
    for offer_rank, offer in enumerate(offers):
        wanted = _q_of(offer, ranges)
        if wanted is None or wanted[0] <= 0:
            continue
        score = (*wanted, -offer_rank)
        if best is None or score > best:
            best, chosen = score, offer.media_type
    if chosen is None:
        raise NotAcceptable(accept, offers)
    return chosen


def wants_html(accept: str | None) -> bool:
    """Whether a browser asks for a page: it names text/html and wants it at least as much as any RDF type.

    `*/*` alone (curl, HTTP libraries) is not a browser: it gets data, not a page."""
    if not accept:
        return False
    named = [r for r in parse_accept(accept) if (r.type, r.subtype) in (("text", "html"), ("application", "xhtml+xml"))]
    if not any(r.q > 0 for r in named):
        return False
    offers = (Offer(HTML, ("application/xhtml+xml",)), *GRAPH_OFFERS)
    try:
        return negotiate(accept, offers) == HTML
    except NotAcceptable:
        return False


# JSON bodies are described as JSON for OpenAPI (clients and schema checkers parse them); every
# other format is text.
_JSON_BODY_SCHEMAS: dict[str, dict[str, Any]] = {
    "application/sparql-results+json": {"type": "object"},
    "application/ld+json": {"type": ["object", "array"]},
    "application/json": {"type": "object"},
}


def body_content(media_types: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The OpenAPI `content` of a response that may come in any of `media_types`."""
    return {m: {"schema": _JSON_BODY_SCHEMAS.get(m, {"type": "string"})} for m in media_types}


def add_vary(response: Any, *names: str) -> None:
    """Add request headers to a response's Vary (a page varies by Accept and by its language), each once."""
    present = [part.strip() for part in response.headers.get("Vary", "").split(",") if part.strip()]
    for name in names:
        if name.lower() not in (part.lower() for part in present):
            present.append(name)
    response.headers["Vary"] = ", ".join(present)
