"""Where the service shows a resource: the one place that turns an IRI into a link of this service."""

from __future__ import annotations

from urllib.parse import quote

from graph.ids import IdScheme


def local_href(ids: IdScheme, iri: str) -> str:
    """Its /id/ path when the graph mints `iri`, else /resources/{short id or IRI}."""
    base = ids.base_iri
    if iri.startswith(base):
        return "/id/" + quote(iri[len(base) :], safe="/:+")
    return "/resources/" + quote(ids.short_id(iri) or iri, safe="/:+")
