"""The graph the service answers from, kept on app.state, and the FastAPI providers that hand it to routes.

`GraphHolder.current` is replaced as a whole when another build is loaded, so a request
keeps one consistent graph (store, ids, questions, paths) from start to end.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from fastapi import Request

from api.problems import Problem
from graph.ids import IdScheme
from graph.paths import PathIndex, PathIndexCache
from graph.questions import Questions
from graph.resources import Catalogue, Resources
from graph.settings import Settings
from graph.store import GraphStore


@dataclass
class LoadedGraph:
    """One build, opened: the store and everything built over it."""

    store: GraphStore
    ids: IdScheme
    questions: Questions
    resources: Resources
    catalogue: Catalogue
    _paths: PathIndexCache = field(default_factory=PathIndexCache)

    @classmethod
    def open(cls, store: GraphStore, ids: IdScheme) -> LoadedGraph:
        questions = Questions(store, ids)
        resources = Resources(questions)
        return cls(store, ids, questions, resources, Catalogue(resources))

    @property
    def build_id(self) -> str:
        return self.store.build_id

    def path_index(self) -> PathIndex:
        """The path graph of this build (built on first use, then kept)."""
        return self._paths.get(self.store, self.ids)


class GraphHolder:
    """The current graph of the service, or why there is none."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: LoadedGraph | None = None
        self.problem: str | None = "the graph is still loading"

    @property
    def current(self) -> LoadedGraph | None:
        return self._current

    def replace(self, graph: LoadedGraph | None, problem: str | None = None) -> None:
        """Swap in another graph (one reference assignment: requests in flight keep theirs)."""
        with self._lock:
            self._current = graph
            self.problem = problem


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_holder(request: Request) -> GraphHolder:
    holder: GraphHolder = request.app.state.graph
    return holder


def get_graph(request: Request) -> LoadedGraph:
    """The loaded graph; 503 problem when there is none yet."""
    holder = get_holder(request)
    graph = holder.current
    if graph is None:
        raise Problem(
            503,
            "graph-not-loaded",
            f"{holder.problem or 'the graph is not loaded'}; try again once /health says ready",
            headers={"Retry-After": "5"},
        )
    return graph
