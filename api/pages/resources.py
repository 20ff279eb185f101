"""The page of a resource: a view for each kind (flagship dossier, instrument, SDG item, biennium outline, P&B
result, P&B indicator, country, partner), and the general page for every other thing the graph mints."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.negotiation import add_vary
from api.pages.render import document_key, render
from api.routes.dependencies import LoadedGraph
from graph.read.resources import ResourceDescription
from graph.read.views import SHOWN_ELSEWHERE, Views
from ontology.namespaces import ILOKG, SKOS

# Headings of the name groups of the general page (SKOS terms carry no label in the graph).
NAME_TITLES = {
    str(SKOS.prefLabel): "Name",
    str(SKOS.altLabel): "Other names",
    str(ILOKG.acronym): "Acronyms",
    str(SKOS.notation): "Codes as printed",
    str(ILOKG.shortId): "Short id",
}


def render_resource(request: Request, graph: LoadedGraph, description: ResourceDescription) -> HTMLResponse:
    """The page of any resource: its kind's view, or every link in and out grouped by kind."""
    iri = description.resource.iri
    kind = graph.overview.kinds_of({iri}).get(iri)
    views = Views(graph.resources, graph.catalogue, graph.overview.citations)
    view_kind = views.view_kind(description)
    # Things no link reaches (a source document) have no neighbourhood to draw.
    context: dict[str, Any] = {"d": description, "kind": kind, "network": iri in graph.path_index().graph}
    if view_kind is None:
        template = "resource.html"
        context |= _general(graph, description)
    else:
        template = f"{view_kind}.html"
        context["v"] = getattr(views, view_kind)(description)
        context["others"] = context["v"].others
    response = render(request, graph, template, context)
    add_vary(response, "Accept")
    return response


def _general(graph: LoadedGraph, description: ResourceDescription) -> dict[str, Any]:
    names = {str(SKOS.prefLabel), str(SKOS.altLabel), str(ILOKG.acronym), str(SKOS.notation), str(ILOKG.shortId)}
    name_groups = [g for g in description.outgoing if g.predicate.iri in names]
    value_groups = [
        g for g in description.outgoing if g.predicate.iri not in names and all(link.node is None for link in g.links)
    ]
    # Figures have their own list under Facts, with their numbers; types and names are shown at the top.
    out_groups = [
        g
        for g in description.outgoing
        if g not in name_groups and g not in value_groups and (g.predicate.iri, g.direction) not in SHOWN_ELSEWHERE
    ]
    is_document = (description.resource.id or "").startswith("document:")
    return {
        "name_groups": name_groups,
        "name_titles": NAME_TITLES,
        "value_groups": value_groups,
        "out_groups": out_groups,
        "figures": graph.catalogue.figures(description.resource.iri),
        "document_key": document_key(description.resource) if is_document else None,
        "others": [],
    }
