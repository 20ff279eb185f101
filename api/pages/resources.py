"""The page of a resource: names, every link in and out grouped by kind, with evidence and derivations."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.pages.render import document_key, render
from api.routes.dependencies import LoadedGraph
from graph.read.resources import ResourceDescription
from ontology.namespaces import ILOKG, SKOS

NEIGHBOURHOOD_DEPTH = 1
# Headings of the name groups of a resource page (SKOS terms carry no label in the graph).
NAME_TITLES = {
    str(SKOS.prefLabel): "Name",
    str(SKOS.altLabel): "Other names",
    str(ILOKG.acronym): "Acronyms",
    str(SKOS.notation): "Codes as printed",
    str(ILOKG.shortId): "Short id",
}


def render_resource(request: Request, graph: LoadedGraph, description: ResourceDescription) -> HTMLResponse:
    """The page of any resource: names, every link in and out grouped by kind, with evidence and derivations."""
    iri = description.resource.iri
    kinds = graph.overview.kinds_of({iri})
    figures = graph.catalogue.figures(iri)
    is_document = description.resource.id is not None and description.resource.id.startswith("document:")
    names = {str(SKOS.prefLabel), str(SKOS.altLabel), str(ILOKG.acronym), str(SKOS.notation), str(ILOKG.shortId)}
    name_groups = [g for g in description.outgoing if g.predicate.iri in names]
    value_groups = [
        g for g in description.outgoing if g.predicate.iri not in names and all(link.node is None for link in g.links)
    ]
    # Figures have their own list under Facts, with their numbers.
    out_groups = [
        g
        for g in description.outgoing
        if g not in name_groups and g not in value_groups and g.predicate.iri != str(ILOKG.figure)
    ]
    response = render(
        request,
        graph,
        "resource.html",
        {
            "d": description,
            "name_groups": name_groups,
            "name_titles": NAME_TITLES,
            "value_groups": value_groups,
            "out_groups": out_groups,
            "kind": kinds.get(iri),
            "figures": figures,
            "document_key": document_key(description.resource) if is_document else None,
            "neighbourhood_id": description.resource.id or iri,
            "neighbourhood_depth": NEIGHBOURHOOD_DEPTH,
        },
    )
    response.headers["Vary"] = "Accept"
    return response
