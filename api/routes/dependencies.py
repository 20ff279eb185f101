"""The graph the service answers from, kept on app.state, and the FastAPI providers that hand it to routes.

`GraphHolder.current` is replaced as a whole when another build is loaded, so a request
keeps one consistent graph (store, ids, questions, paths) from start to end.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from pydantic import TypeAdapter
from starlette.concurrency import run_in_threadpool
from starlette.routing import BaseRoute, Match

from api.i18n import data_language
from api.problems import Problem
from graph.ids import IdScheme
from graph.read.languages import names_in
from graph.read.overview import Overview
from graph.read.paths import PathIndex, PathIndexCache
from graph.read.questions import Questions
from graph.read.resources import Catalogue, Resources
from graph.settings import Settings
from graph.store.base import GraphStore


class AnswerCache:
    """Serialized JSON answers of one build, least recently used dropped first.

    A build never changes, so an answer that depends only on the build and the request is
    computed once; the cache lives on the LoadedGraph, so a reload drops it with the old build.
    Bounded by entries and by bytes (answers at a million triples run to about a megabyte).
    """

    def __init__(self, entries: int, max_bytes: int) -> None:
        self._entries = entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._answers: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._answers.get(key)
            if body is not None:
                self._answers.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if self._entries <= 0 or len(body) > self._max_bytes:
            return
        with self._lock:
            previous = self._answers.pop(key, None)
            if previous is not None:
                self._bytes -= len(previous)
            self._answers[key] = body
            self._bytes += len(body)
            while len(self._answers) > self._entries or self._bytes > self._max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._answers)


@dataclass
class LoadedGraph:
    """One build, opened: the store and everything built over it."""

    store: GraphStore
    ids: IdScheme
    questions: Questions
    resources: Resources
    catalogue: Catalogue
    overview: Overview
    answers: AnswerCache = field(default_factory=lambda: AnswerCache(0, 0))
    _paths: PathIndexCache = field(default_factory=PathIndexCache)
    _names: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def open(cls, store: GraphStore, ids: IdScheme, settings: Settings | None = None) -> LoadedGraph:
        settings = settings or Settings()
        questions = Questions(store, ids)
        resources = Resources(questions)
        answers = AnswerCache(settings.answer_cache_entries, settings.answer_cache_mb * 2**20)
        graph = cls(store, ids, questions, resources, Catalogue(resources), Overview(questions, settings.seeds_dir))
        graph.answers = answers
        return graph

    @property
    def build_id(self) -> str:
        return self.store.build_id

    def names(self, language: str) -> dict[str, str]:
        """The names the graph has in `language` (fr, es) by IRI, read once per build and language (empty for
        English: every ref carries its English name)."""
        found = self._names.get(language)
        if found is None:
            found = self._names.setdefault(language, names_in(self.store, language))
        return found

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


# Dependencies run on the event loop (async, and trivial): a sync one would cost a thread hop per request.
async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_holder(request: Request) -> GraphHolder:
    holder: GraphHolder = request.app.state.graph
    return holder


async def get_graph(request: Request) -> LoadedGraph:
    """The loaded graph; 503 problem when there is none yet."""
    holder: GraphHolder = request.app.state.graph
    graph = holder.current
    if graph is None:
        raise Problem(
            503,
            "graph-not-loaded",
            f"{holder.problem or 'the graph is not loaded'}; try again once /health says ready",
            headers={"Retry-After": "5"},
        )
    return graph


NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the If-None-Match ETag is this answer's, in the current build"}
}
_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(shape: Any) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(shape)
    if adapter is None:
        adapter = _ADAPTERS[shape] = TypeAdapter(shape)
    return adapter


def answer_etag(build_id: str, key: str) -> str:
    """A strong ETag: the build and the request it answers (the same pair always gives the same bytes)."""
    return f'"{build_id}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"'


def if_none_match(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names `etag` (or *)."""
    if not header:
        return False
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or etag in tags


async def cached_answer(request: Request, graph: LoadedGraph, shape: Any, produce: Callable[[], Any]) -> Response:
    """The JSON answer of `produce()` (validated as `shape`), computed once per build and request, with the names
    of the language `?lang=` asks for (`Content-Language`).

    304 when If-None-Match names this answer's ETag; errors raised by `produce` are not cached.
    """
    key = request.url.path + ("?" + request.url.query if request.url.query else "")
    etag = answer_etag(graph.build_id, key)
    language = data_language(request)
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Content-Language": language}
    if has_page(request):  # a browser at this address gets a page: caches must keep the two apart
        headers["Vary"] = "Accept"
    if if_none_match(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    body = graph.answers.get(key)
    if body is None:  # computed in a thread: the questions block on the store
        body = await run_in_threadpool(serialize_answer, shape, produce, graph, language)
        graph.answers.put(key, body)
    return Response(body, media_type="application/json", headers=headers)


# The routes that give a browser a page at an address whose JSON answer programs get (api/pages/render.py
# BrowserRoute registers each as it is made).
PAGE_ROUTES: list[BaseRoute] = []


def has_page(request: Request) -> bool:
    """Whether a browser asking for HTML at this request's address gets a page instead."""
    return _path_has_page(request.scope["path"])


@lru_cache(maxsize=4096)
def _path_has_page(path: str) -> bool:
    # Matched once per path (the routes are fixed once the app is made), not on every cached answer.
    as_browser = {
        "type": "http",
        "path": path,
        "root_path": "",
        "method": "GET",
        "headers": [(b"accept", b"text/html")],
    }
    return any(route.matches(as_browser)[0] == Match.FULL for route in PAGE_ROUTES)


def serialize_answer(shape: Any, produce: Callable[[], Any], graph: LoadedGraph, language: str) -> bytes:
    adapter = _adapter(shape)
    validated = adapter.validate_python(produce(), from_attributes=True)
    names = graph.names(language)
    if not names:
        body: bytes = adapter.dump_json(validated, by_alias=True)
        return body
    data = _named(adapter.dump_python(validated, mode="json", by_alias=True), names)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _named(data: Any, names: dict[str, str]) -> Any:
    """JSON data with the label of every thing (an object with an iri and a label) in the names given."""
    if isinstance(data, list):
        return [_named(item, names) for item in data]
    if isinstance(data, dict):
        found = {key: _named(value, names) for key, value in data.items()}
        iri = found.get("iri")
        if "label" in found and isinstance(iri, str) and iri in names:
            found["label"] = names[iri]
        return found
    return data
