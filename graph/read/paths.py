"""Paths between resources over the links of the graph (networkx), built once per build.

The path graph holds the links between things: not rdf:type, not literals, not the
evidence and derivation bookkeeping nodes, not the ontology or the build description.
A path may follow a link either way; each hop says which way and why (evidence or
derivation ids). Every search is bounded, so a too-wide request is refused, never left
running.

Hubs (an SDG goal, a biennium, the flagship portfolio, an ILO region) link to so much that a
path through one says little ("Better Work -> Goal 8 <- IPEC+"): a search may leave them out
as steps of a path (never as its ends). Paths may be ranked by strength: fewer hops derived
by a rule first, then fewer hops, then steps through more specific things.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graph import terms
from graph.ids import IdError, IdScheme
from graph.queries import paths as queries
from graph.read.questions import Ref, UnknownResource
from graph.store.base import GraphStore
from ontology.namespaces import ILOKG, SDGO

if TYPE_CHECKING:  # networkx is imported when the first path index is built, not at service start
    import networkx as nx

FORWARD = "forward"
BACKWARD = "backward"
# A path search gives up after this many partial paths, whatever the other bounds.
MAX_EXPANSIONS = 200_000
MAX_NEIGHBOURHOOD_NODES = 300
# Classes whose members are hubs: a path through one of them links almost anything to anything.
HUB_CLASSES = (SDGO.Goal, ILOKG.Biennium, ILOKG.FlagshipPortfolio, ILOKG.Region)
# Ranked by strength, a search gathers this many times the paths it lists before it ranks them.
STRENGTH_POOL = 5
# The SDG country data is read through graph/read/countries.py: half a million observation links are no paths.
_EXCLUDED_GRAPHS = ("graph/ontology", "graph/meta", "graph/sdg-country-data")


class PathBoundExceeded(ValueError):
    """A request over the bounds (or a search that grew past them); the message names the bound."""

    def __init__(self, message: str, bound: str, limit: int) -> None:
        super().__init__(message)
        self.bound = bound
        self.limit = limit


@dataclass(frozen=True)
class EdgeInfo:
    """One link between two resources, as stored: subject -> object."""

    predicate: str
    predicate_label: str
    evidence: tuple[str, ...]
    derivations: tuple[str, ...]

    @property
    def stated(self) -> bool:
        return bool(self.evidence)


@dataclass(frozen=True)
class Hop:
    """One step of a path: from `source` to `target` over `link`, following it forward or backward."""

    source: Ref
    target: Ref
    link: Ref
    direction: str
    stated: bool
    evidence: list[str]
    derivations: list[str]


@dataclass
class Path:
    """A path as its hops."""

    length: int
    hops: list[Hop]


@dataclass
class PathAnswer:
    """The shortest path and the simple paths up to `max_length` between two resources."""

    source: Ref
    target: Ref
    max_length: int
    limit: int
    shortest: Path | None
    paths: list[Path]
    truncated: bool  # more paths exist than `limit`
    hubs_avoided: list[Ref] = field(default_factory=list)  # hubs left out as steps of a path
    by_strength: bool = False  # ranked by strength (fewer derived hops first), else shortest first


@dataclass
class NeighbourNode:
    """A resource in a neighbourhood and its distance from the centre."""

    node: Ref
    depth: int


@dataclass
class NeighbourEdge:
    """A link in a neighbourhood."""

    source: str
    target: str
    link: Ref
    stated: bool
    derived: bool


@dataclass
class Neighbourhood:
    """The resources within `depth` links of `centre`, and the links between them."""

    centre: Ref
    depth: int
    nodes: list[NeighbourNode]
    edges: list[NeighbourEdge]
    truncated: bool  # the node cap was reached
    max_nodes: int = field(default=MAX_NEIGHBOURHOOD_NODES)


class PathIndex:
    """The link graph of one build, for paths and neighbourhoods."""

    def __init__(
        self,
        build_id: str,
        graph: nx.MultiDiGraph,
        labels: dict[str, str],
        ids: IdScheme,
        hubs: frozenset[str] = frozenset(),
    ) -> None:
        self.build_id = build_id
        self.graph = graph
        self.undirected = graph.to_undirected(as_view=True)
        self.labels = labels
        self.ids = ids
        self.hubs = hubs

    @classmethod
    def build(cls, store: GraphStore, ids: IdScheme) -> PathIndex:
        excluded = {f"{ids.base_iri}{name}" for name in _EXCLUDED_GRAPHS}
        # One query per graph: over the whole dataset (GRAPH ?g filtered) Virtuoso takes minutes once the SDG
        # country data is in; graph by graph it takes two seconds. A link stated in two graphs is one edge (the
        # edge's key is its predicate).
        links = [
            row
            for name in store.graph_names()
            if name not in excluded and terms.is_iri(name)
            for row in store.select(queries.links_in(terms.iri(name)))
        ]
        why = store.select(queries.REASONS)
        evidence: dict[tuple[str, str, str], list[str]] = {}
        derivations: dict[tuple[str, str, str], list[str]] = {}
        for row in why:
            key = (row["s"]["value"], row["p"]["value"], row["o"]["value"])
            target = evidence if row["kind"]["value"].endswith("#Evidence") else derivations
            target.setdefault(key, []).append(row["node"]["value"])
        labels = {row["s"]["value"]: row["l"]["value"] for row in store.select(queries.PREFERRED_LABELS)}
        predicate_labels = {row["p"]["value"]: row["l"]["value"] for row in store.select(queries.PROPERTY_LABELS)}
        hub_rows = store.select(queries.hubs(terms.iri(str(c)) for c in HUB_CLASSES))
        hubs = frozenset(row["s"]["value"] for row in hub_rows)
        import networkx as nx

        graph = nx.MultiDiGraph()
        for row in links:
            s, p, o = row["s"]["value"], row["p"]["value"], row["o"]["value"]
            if s == o:
                continue
            label = predicate_labels.get(p, p.rsplit("#", 1)[-1].rsplit("/", 1)[-1])
            info = EdgeInfo(
                p, label, tuple(sorted(evidence.get((s, p, o), ()))), tuple(sorted(derivations.get((s, p, o), ())))
            )
            graph.add_edge(s, o, key=p, info=info)
        return cls(store.build_id, graph, labels, ids, hubs)

    # ------------------------------------------------------------ resolving ids

    def ref(self, iri: str) -> Ref:
        return Ref(iri, self.ids.short_id(iri), self.labels.get(iri))

    def resolve(self, text: str, lookup: Callable[[str], list[str]] | None = None) -> str:
        """The node a loose id (C182, 8.7, ipec-plus, prefix:local, an IRI) stands for, or else the first of the
        IRIs `lookup` finds for the text (a search by name); UnknownResource if none."""
        value = text.strip()
        if value.startswith(("http://", "https://")) and value in self.graph:
            return value
        candidates: list[str] = []
        for short_id in self.ids.loose_candidates(value):
            try:
                candidates.append(str(self.ids.resolve(short_id).iri))
            except IdError:
                continue
        for iri in candidates:
            if iri in self.graph:
                return iri
        for iri in lookup(value) if lookup is not None and value else []:
            if iri in self.graph:
                return iri
        raise UnknownResource(
            f"{text!r} names no linked resource of the graph; give an id such as C182, 8.7, ipec-plus, "
            "flagship:better-work or a full IRI"
        )

    # ------------------------------------------------------------ paths

    def _hop(self, source: str, target: str) -> Hop:
        """The best link between two adjacent nodes: stated before derived, then by predicate."""
        choices: list[tuple[EdgeInfo, str]] = []
        for data in (self.graph.get_edge_data(source, target) or {}).values():
            choices.append((data["info"], FORWARD))
        for data in (self.graph.get_edge_data(target, source) or {}).values():
            choices.append((data["info"], BACKWARD))
        info, direction = min(choices, key=lambda c: (not c[0].stated, c[0].predicate, c[1]))
        return Hop(
            source=self.ref(source),
            target=self.ref(target),
            link=Ref(info.predicate, None, info.predicate_label),
            direction=direction,
            stated=info.stated,
            evidence=list(info.evidence),
            derivations=list(info.derivations),
        )

    def _path(self, nodes: list[str]) -> Path:
        return Path(len(nodes) - 1, [self._hop(a, b) for a, b in itertools.pairwise(nodes)])

    def _distances_to(self, graph: nx.Graph, target: str, cutoff: int) -> dict[str, int]:
        import networkx as nx

        lengths: dict[str, int] = nx.single_source_shortest_path_length(graph, target, cutoff=cutoff)
        return lengths

    def _simple_paths(
        self, graph: nx.Graph, source: str, target: str, length: int, to_target: dict[str, int]
    ) -> Iterator[list[str]]:
        """Simple paths of exactly `length` hops, pruned by the distance to the target; bounded by MAX_EXPANSIONS."""
        expansions = 0
        stack: list[tuple[str, list[str]]] = [(source, [source])]
        while stack:
            node, path = stack.pop()
            depth = len(path) - 1
            if node == target:
                if depth == length:
                    yield path
                continue
            for neighbour in sorted(graph.adj[node], reverse=True):
                if neighbour in path or depth + 1 + to_target.get(neighbour, length + 1) > length:
                    continue
                expansions += 1
                if expansions > MAX_EXPANSIONS:
                    raise PathBoundExceeded(
                        f"the search between these resources grew past {MAX_EXPANSIONS} partial paths; "
                        f"ask for a smaller max_length (it was {length} at that point)",
                        "max_expansions",
                        MAX_EXPANSIONS,
                    )
                stack.append((neighbour, [*path, neighbour]))

    def paths(
        self,
        source_id: str,
        target_id: str,
        max_length: int,
        limit: int,
        *,
        avoid_hubs: bool = False,
        by_strength: bool = False,
        lookup: Callable[[str], list[str]] | None = None,
    ) -> PathAnswer:
        """Shortest path and simple paths of up to `max_length` hops (at most `limit`): shortest first, or ranked
        by strength; through hubs or not. `lookup` finds a thing by name where the text is no id."""
        import networkx as nx

        source, target = self.resolve(source_id, lookup), self.resolve(target_id, lookup)
        blocked = sorted(self.hubs - {source, target}) if avoid_hubs else []
        graph = nx.restricted_view(self.undirected, blocked, []) if blocked else self.undirected
        to_target = self._distances_to(graph, target, max_length)
        shortest: Path | None = None
        if source in to_target or nx.has_path(graph, source, target):
            shortest = self._path(nx.shortest_path(graph, source, target))
        wanted = limit * STRENGTH_POOL if by_strength else limit
        found: list[Path] = []
        truncated = False
        if source != target and source in to_target:
            for length in range(to_target[source], max_length + 1):
                for nodes in self._simple_paths(graph, source, target, length, to_target):
                    if len(found) >= wanted:
                        truncated = True
                        break
                    found.append(self._path(nodes))
                if truncated:
                    break
        if by_strength:
            found.sort(key=self._strength)
            truncated = truncated or len(found) > limit
            found = found[:limit]
        hubs_avoided = [self.ref(hub) for hub in blocked if hub in self.graph]
        return PathAnswer(
            self.ref(source),
            self.ref(target),
            max_length,
            limit,
            shortest,
            found,
            truncated,
            hubs_avoided,
            by_strength,
        )

    def _strength(self, path: Path) -> tuple[int, int, int]:
        """Stronger first: fewer hops a rule derives (the others a document states), then fewer hops, then steps
        through more specific things (fewer links of their own) before steps through widely linked ones."""
        derived = sum(1 for hop in path.hops if not hop.stated)
        spread = sum(int(self.undirected.degree(hop.target.iri)) for hop in path.hops[:-1])
        return (derived, path.length, spread)

    # ------------------------------------------------------------ neighbourhoods

    def neighbourhood(self, centre_id: str, depth: int, max_nodes: int = MAX_NEIGHBOURHOOD_NODES) -> Neighbourhood:
        """Resources within `depth` links of the centre (breadth first, at most `max_nodes`)."""
        centre = self.resolve(centre_id)
        seen: dict[str, int] = {centre: 0}
        queue = deque([centre])
        truncated = False
        while queue and not truncated:
            node = queue.popleft()
            if seen[node] >= depth:
                continue
            for neighbour in sorted(self.undirected.adj[node]):
                if neighbour in seen:
                    continue
                if len(seen) >= max_nodes:
                    truncated = True
                    break
                seen[neighbour] = seen[node] + 1
                queue.append(neighbour)
        edges = [
            NeighbourEdge(
                s,
                o,
                Ref(data["info"].predicate, None, data["info"].predicate_label),
                data["info"].stated,
                bool(data["info"].derivations),
            )
            for s, o, data in self.graph.subgraph(seen).edges(data=True)
        ]
        nodes = [
            NeighbourNode(self.ref(iri), d) for iri, d in sorted(seen.items(), key=lambda item: (item[1], item[0]))
        ]
        return Neighbourhood(self.ref(centre), depth, nodes, edges, truncated, max_nodes)


class PathIndexCache:
    """One PathIndex per build id, built on first use (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: PathIndex | None = None

    def get(self, store: GraphStore, ids: IdScheme) -> PathIndex:
        with self._lock:
            if self._index is None or self._index.build_id != store.build_id:
                self._index = PathIndex.build(store, ids)
            return self._index
