"""Opening the store the settings name: embedded Oxigraph (the default) or a SPARQL 1.1 server."""

from __future__ import annotations

from graph.settings import Settings
from graph.store.base import GraphStore
from graph.store.embedded import open_store


def connect(settings: Settings) -> GraphStore:
    """The store of the current build: embedded (in memory, or on disk at ILOKG_STORE) or a SPARQL server."""
    if settings.store_kind == "sparql":
        from graph.store.remote import RemoteSparqlStore  # the HTTP client is imported only when a server is used

        return RemoteSparqlStore.from_settings(settings)
    return open_store(settings.data_dir, settings.store)
