"""What the importers of reference data (the SDG country data, the SDG translations) use of a build in progress
(graph/build/seeds.py), so that they need not import the builder that calls them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from rdflib import Graph, URIRef

from graph.ids import IdScheme, Resolved


@dataclass
class GraphNames:
    """The IRIs of the named graphs of a build."""

    base: str

    def document(self, key: str) -> URIRef:
        return URIRef(f"{self.base}graph/document/{key}")

    @property
    def reference(self) -> URIRef:
        return URIRef(f"{self.base}graph/reference")

    @property
    def identity(self) -> URIRef:
        return URIRef(f"{self.base}graph/identity")

    @property
    def derived(self) -> URIRef:
        return URIRef(f"{self.base}graph/derived")

    @property
    def ontology(self) -> URIRef:
        return URIRef(f"{self.base}graph/ontology")

    @property
    def meta(self) -> URIRef:
        return URIRef(f"{self.base}graph/meta")

    @property
    def sdg_country_data(self) -> URIRef:
        return URIRef(f"{self.base}graph/sdg-country-data")


class BuildContext(Protocol):
    """The builder as an importer sees it: where the seeds are, the graphs, the ids and the problems found."""

    seeds: Path
    names: GraphNames
    ids: IdScheme
    problems: list[str]
    used: dict[str, tuple[Resolved, str]]  # short id -> (resolved, where first used)
    labelled: dict[URIRef, str]  # entity -> where its prefLabel is
    pref_texts: dict[URIRef, str]  # entity -> its curated prefLabel text

    def graph(self, iri: URIRef) -> Graph: ...

    def use(self, short_id: str, where: str) -> Resolved | None: ...
