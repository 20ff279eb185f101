"""Every SPARQL query the service writes itself, in one place.

Each query is a function of validated terms (`graph.terms.Iri`, `Literal`, `values()`): no text from a request
reaches a query unless `graph.terms` accepted it, and every query is a fixed shape bound by those terms (a
lookup of given IRIs, or a scan the service runs once per build), so none can run unbounded in the server.
One module per reader of the graph; `PROLOGUE` declares the prefixes they use, the same list the editor and
the command line offer.
"""

from __future__ import annotations

from ontology.namespaces import PREFIXES

PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())
