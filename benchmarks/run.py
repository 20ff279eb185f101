"""One benchmark run: our service against rdflib-endpoint and in-process pyoxigraph, at several graph sizes.

    python -m benchmarks.run [--sizes seed,1M] [--runs 20] [--budget-s 5400]

For each size the seed build is grown by benchmarks.generate, then the same questions are
timed on:
- ilokg over HTTP (a real `ilokg serve` subprocess on 127.0.0.1), with the store in memory
  and on disk (`--store`);
- pyoxigraph in this process: the floor (no HTTP, no serialization to JSON);
- rdflib-endpoint over HTTP, installed in its own virtualenv by this script.
It also times the full build of the seeds, cold start on an already built store, path
queries, Turtle export and peak memory. Results go to benchmarks/results/: results.json,
table.md and latency.png. Every wait is bounded; a query that passes its deadline is
reported as a timeout, and the run stops starting new work when its time budget is spent.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil
import pyoxigraph as ox

from api.lifecycle import ANSWERS_COMPLETE, answers_directory
from benchmarks.generate import GENERATOR_VERSION, generate, parse_size, size_label
from graph.build.directory import BuildResult, current_build
from graph.build.exports import export_file, write_exports
from graph.build.reference import read_sdg_indicator_iris
from graph.ids import IdScheme
from graph.read.questions import Questions
from graph.settings import PROJECT_DIR, Settings
from graph.store.embedded import OxigraphStore
from graph.store.formats import Binding

RESULTS_DIR = PROJECT_DIR / "benchmarks" / "results"
WORK_DIR = PROJECT_DIR / "var" / "bench"
PEER_VENV = WORK_DIR / "peer-venv"
PEER_PACKAGES = ("rdflib-endpoint==0.6.3", "uvicorn")
PEER_SCRIPT = Path(__file__).resolve().parent / "peer_rdflib_endpoint.py"
TARGET = "8.7"
LONGEST_GET = 8000  # characters of a query sent by GET; longer ones are sent as a POST form (SPARQL 1.1 Protocol)
SPARQL_JSON = "application/sparql-results+json"

OURS_MEMORY = "ilokg HTTP (memory)"
OURS_DISK = "ilokg HTTP (disk)"
FLOOR = "pyoxigraph in-process"
PEER = "rdflib-endpoint"
VIRTUOSO = "Virtuoso"
SYSTEMS = (OURS_MEMORY, OURS_DISK, FLOOR, PEER, VIRTUOSO)

PREFIXES = """PREFIX ilokg: <https://w3id.org/ilokg/ontology#>
PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
JOIN = "join flagship→standard→output→SDG"
# Representative queries: joins across the layers, aggregates, property paths, OPTIONAL/FILTER, text search.
QUERIES: dict[str, str] = {
    "trivial ASK (the fixed cost)": "ASK {}",
    JOIN: PREFIXES
    + """SELECT ?flagship ?standard ?output ?target WHERE {
  ?flagship a ilokg:FlagshipProgramme ; ilokg:principalStandard ?standard .
  ?output ilokg:promotesStandard ?standard ; ilokg:reportsOn ?indicator .
  ?indicator skos:broader ?target .
  ?target skos:broader <http://metadata.un.org/sdg/8> .
} ORDER BY ?flagship ?output LIMIT 1000""",
    "aggregate values by biennium": PREFIXES
    + """SELECT ?biennium ?kind (COUNT(?value) AS ?values) (AVG(?amount) AS ?mean) WHERE {
  ?indicator ilokg:inBiennium ?biennium ; ilokg:indicatorValue ?value .
  ?value ilokg:valueKind ?kind .
  OPTIONAL { ?value ilokg:amount ?amount }
} GROUP BY ?biennium ?kind ORDER BY ?biennium ?kind""",
    "property path output→goal": PREFIXES
    + """SELECT ?goal (COUNT(DISTINCT ?output) AS ?outputs) WHERE {
  ?output ilokg:reportsOn/skos:broader+ ?goal .
  ?goal a sdgo:Goal .
} GROUP BY ?goal ORDER BY DESC(?outputs)""",
    "OPTIONAL + FILTER on results": PREFIXES
    + """SELECT ?output ?partner ?amount WHERE {
  ?output ilokg:measuredBy ?indicator .
  ?indicator ilokg:indicatorValue ?value .
  ?value ilokg:valueKind "result" ; ilokg:amount ?amount .
  OPTIONAL { ?output ilokg:partner ?partner }
  FILTER(?amount >= 395)
} ORDER BY ?output LIMIT 1000""",
    "text FILTER on labels": PREFIXES
    + """SELECT ?thing ?label WHERE {
  ?thing skos:prefLabel ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), "child labour"))
} ORDER BY ?thing LIMIT 1000""",
    "evidence of a flagship": PREFIXES
    + """SELECT ?predicate ?object ?document ?line ?quote WHERE {
  ?evidence rdf:subject <https://w3id.org/ilokg/id/flagship/ipec-plus> ; rdf:predicate ?predicate ;
            rdf:object ?object ; dcterms:source ?document ; ilokg:line ?line ; ilokg:quote ?quote .
} ORDER BY ?document ?line""",
}
REPEATED = "repeated query (result cache): the join"
UNSEEN = "never-seen text: the join, reading included"
NAMED = f"named: flagships for SDG {TARGET}"
NAMED_SPARQL = f"named {TARGET}: its SPARQL only"
PATHS = ("ipec-plus", TARGET)


# ---------------------------------------------------------------- timing


@dataclass
class Timing:
    """Samples of one query on one system at one size (seconds), or why there are none."""

    query: str
    system: str
    size: str
    triples: int
    samples: list[float] = field(default_factory=list)
    status: str = "ok"
    note: str = ""

    @property
    def median_ms(self) -> float | None:
        return statistics.median(self.samples) * 1000 if self.samples else None

    @property
    def p95_ms(self) -> float | None:
        if not self.samples:
            return None
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)] * 1000


@dataclass
class Plan:
    runs: int
    warmup: int
    peer_runs: int
    query_timeout_s: float
    per_query_budget_s: float
    deadline: float

    def left(self) -> float:
        return self.deadline - time.monotonic()


def measure(
    query: str, system: str, size: str, triples: int, run: Callable[[], object], plan: Plan, runs: int
) -> Timing:
    """`warmup` untimed runs, then up to `runs` timed ones (fewer when one run is slow; each bounded)."""
    timing = Timing(query, system, size, triples)
    try:
        started = time.perf_counter()
        for _ in range(max(1, plan.warmup)):
            run()
        warm = (time.perf_counter() - started) / max(1, plan.warmup)
        count = max(1, min(runs, int(plan.per_query_budget_s / max(warm, 1e-6))))
        for _ in range(count):
            started = time.perf_counter()
            run()
            timing.samples.append(time.perf_counter() - started)
        if count < runs:
            timing.note = f"{count} runs (slow query: runs capped at {plan.per_query_budget_s:.0f} s)"
    except httpx.TimeoutException:
        timing.status = "timeout"
        timing.note = f"no answer within {plan.query_timeout_s:.0f} s"
    except (httpx.HTTPError, RuntimeError) as error:
        timing.status = "error"
        timing.note = str(error)[:200]
    return timing


# ---------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class MemoryWatch:
    """Peak resident memory of a process and its children, sampled in a thread."""

    def __init__(self, pid: int) -> None:
        self.process = psutil.Process(pid)
        self.peak_main = 0
        self.peak_total = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(0.1):
            try:
                main = self.process.memory_info().rss
                children = sum(c.memory_info().rss for c in self.process.children(recursive=True))
            except psutil.Error:
                continue
            self.peak_main = max(self.peak_main, main)
            self.peak_total = max(self.peak_total, main + children)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    url: str
    ready_s: float
    memory: MemoryWatch
    log: Path


def start_server(
    command: list[str], env: dict[str, str], ready_path: str, port: int, timeout_s: float, cwd: Path = PROJECT_DIR
) -> Server:
    """Start `command` in `cwd` and wait until GET ready_path answers 200 (or fail after `timeout_s`)."""
    log = Path(tempfile.mkstemp(prefix="bench-server-", suffix=".log")[1])
    started = time.perf_counter()
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=cwd)
    memory = MemoryWatch(process.pid)
    url = f"http://127.0.0.1:{port}"
    with httpx.Client(timeout=5.0) as client:
        while time.perf_counter() - started < timeout_s:
            if process.poll() is not None:
                memory.stop()
                raise RuntimeError(f"{command[:4]} exited with {process.returncode}: {log.read_text()[-2000:]}")
            try:
                if client.get(url + ready_path).status_code == 200:
                    return Server(process, url, time.perf_counter() - started, memory, log)
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
    stop_server(Server(process, url, 0.0, memory, log))
    raise RuntimeError(f"{command[:4]} was not ready within {timeout_s:.0f} s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=20)
    server.memory.stop()


@contextmanager
def running(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        stop_server(server)


def ours_command(port: int, store: Path | None) -> list[str]:
    command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return [*command, "--store", str(store)] if store else command


def ours_env(data_dir: Path, plan: Plan) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ILOKG_")}
    env["ILOKG_DATA_DIR"] = str(data_dir)
    env["ILOKG_QUERY_TIMEOUT_S"] = str(plan.query_timeout_s)
    return env


def ensure_peer() -> Path:
    """rdflib-endpoint in its own virtualenv (created once)."""
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
    check = subprocess.run([str(python), "-c", "import rdflib_endpoint, uvicorn"], capture_output=True)
    if check.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PEER_PACKAGES], check=True)
    return python


def package_version(python: Path, name: str) -> str:
    done = subprocess.run(
        [str(python), "-c", f"import importlib.metadata as m; print(m.version({name!r}))"],
        capture_output=True,
        text=True,
    )
    return done.stdout.strip() or "?"


# ---------------------------------------------------------------- what each system runs


def sparql_over_http(
    client: httpx.Client, url: str, query: str, timeout_s: float, fresh: bool = False
) -> Callable[[], object]:
    """One query per run; `fresh` asks for it to be computed again (Cache-Control: no-cache: our result cache)."""
    headers = {"Accept": SPARQL_JSON, **({"Cache-Control": "no-cache"} if fresh else {})}

    def run() -> object:
        if len(query) > LONGEST_GET:  # the named question's VALUES lists at 5M: too long for a URL
            response = client.post(url, data={"query": query}, headers=headers, timeout=timeout_s)
        else:
            response = client.get(url, params={"query": query}, headers=headers, timeout=timeout_s)
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
        return response.content

    return run


def sequence_over_http(client: httpx.Client, url: str, queries: list[str], timeout_s: float) -> Callable[[], object]:
    runs = [sparql_over_http(client, url, q, timeout_s) for q in queries]

    def run() -> object:
        return [r() for r in runs]

    return run


def get_over_http(client: httpx.Client, url: str, timeout_s: float) -> Callable[[], object]:
    def run() -> object:
        response = client.get(url, timeout=timeout_s)
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")
        return response.content

    return run


def unseen_texts(query: str) -> Callable[[], str]:
    """The same query under a text never sent before at each call (a numbered comment): read anew, not cached."""
    counter = iter(range(1 << 62))
    return lambda: f"{query}\n# never seen before: {next(counter)} {time.time_ns()}"


def unseen_over_http(client: httpx.Client, url: str, query: str, timeout_s: float) -> Callable[[], object]:
    texts = unseen_texts(query)

    def run() -> object:
        return sparql_over_http(client, url, texts(), timeout_s)()

    return run


def unseen_oxigraph(store: ox.Store, query: str) -> Callable[[], object]:
    texts = unseen_texts(query)

    def run() -> object:
        return raw_oxigraph(store, texts())()

    return run


def raw_oxigraph(store: ox.Store, query: str) -> Callable[[], object]:
    def run() -> object:
        result = store.query(query)  # the store's default graph: the merge, as the service queries it
        return list(result) if isinstance(result, ox.QuerySolutions) else result

    return run


class RecordingStore(OxigraphStore):
    """An OxigraphStore that keeps the SELECT queries the named questions send it."""

    recorded: list[str]

    def select(self, sparql: str) -> list[Binding]:
        self.recorded.append(sparql)
        return super().select(sparql)


# ---------------------------------------------------------------- one size


@dataclass
class SizeResult:
    size: str
    triples: int
    timings: list[Timing] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)


def bench_size(label: str, target: int | None, settings: Settings, plan: Plan, peer_python: Path | None) -> SizeResult:
    if target is None:
        build = current_build(settings.data_dir)
        assert build is not None
        data_dir = settings.data_dir
    else:
        data_dir = WORK_DIR / label
        existing = current_build(data_dir)
        seed = current_build(settings.data_dir)
        assert seed is not None
        if (
            existing is None
            or existing.manifest.get("target_triples") != target
            or existing.manifest.get("seed_build_id") != seed.build_id
            or existing.manifest.get("generator_version") != GENERATOR_VERSION
        ):
            started = time.perf_counter()
            generated = generate(target, data_dir, settings=settings)
            print(f"  generated {generated.triples} triples in {time.perf_counter() - started:.1f} s", flush=True)
        build = current_build(data_dir)
        assert build is not None
    triples = int(str(build.manifest["triples"]))
    result = SizeResult(label, triples)
    figures = result.figures
    figures["dataset_bytes"] = build.dataset_file.stat().st_size
    if not export_file(build.directory, ox.RdfFormat.TURTLE).is_file():  # a build from before builds wrote them
        write_exports(build.dataset_file, build.directory)

    def add(timing: Timing) -> None:
        result.timings.append(timing)
        median = f"{timing.median_ms:.2f} ms" if timing.median_ms is not None else timing.status
        print(f"  {timing.system:24s} {timing.query:38s} {median}", flush=True)

    # -- the floor: pyoxigraph in this process (in a function, so its store is freed before the servers start)
    def floor_part() -> list[str]:
        started = time.perf_counter()
        floor = OxigraphStore.in_memory(build)
        figures["floor_load_s"] = time.perf_counter() - started
        ids = IdScheme(settings.base_iri, read_sdg_indicator_iris(settings.seeds_dir))
        recorder = RecordingStore(floor.oxigraph, floor.build_id)
        recorder.recorded = []
        answer = Questions(recorder, ids).flagships_for_target(TARGET)
        named_queries = list(recorder.recorded)
        figures["named_answer"] = {
            "stated": len(answer.stated),
            "derived_only": len(answer.derived_only),
            "derivations": sum(len(a.derivations) for a in answer.stated + answer.derived_only),
            "queries": len(named_queries),
        }
        questions = Questions(floor, ids)
        add(measure(NAMED, FLOOR, label, triples, lambda: questions.flagships_for_target(TARGET), plan, plan.runs))
        add(
            measure(
                NAMED_SPARQL,
                FLOOR,
                label,
                triples,
                lambda: [raw_oxigraph(floor.oxigraph, q)() for q in named_queries],
                plan,
                plan.runs,
            )
        )
        for name, query in QUERIES.items():
            add(measure(name, FLOOR, label, triples, raw_oxigraph(floor.oxigraph, query), plan, plan.runs))
        add(measure(REPEATED, FLOOR, label, triples, raw_oxigraph(floor.oxigraph, QUERIES[JOIN]), plan, plan.runs))
        add(measure(UNSEEN, FLOOR, label, triples, unseen_oxigraph(floor.oxigraph, QUERIES[JOIN]), plan, plan.runs))
        # What the build spends writing its Turtle, N-Triples and TriG exports (load included).
        with tempfile.TemporaryDirectory(prefix="bench-exports-") as scratch:
            started = time.perf_counter()
            write_exports(build.dataset_file, Path(scratch))
            figures["write_exports_s"] = time.perf_counter() - started

        return named_queries

    named_queries = floor_part()
    gc.collect()

    # -- our service, in memory then on disk
    store_dir = data_dir / "bench-store"
    shutil.rmtree(store_dir, ignore_errors=True)
    for system, store in ((OURS_MEMORY, None), (OURS_DISK, store_dir)):
        if plan.left() <= 0:
            add(Timing(NAMED, system, label, triples, status="skipped", note="time budget spent"))
            continue
        port = free_port()
        env = ours_env(data_dir, plan)
        if store is not None:
            env["ILOKG_QUERY_STORE"] = "disk"  # everything on disk: the configuration for graphs beyond memory
        try:
            server = start_server(ours_command(port, store), env, "/health", port, timeout_s=1800)
        except RuntimeError as error:
            add(Timing(NAMED, system, label, triples, status="error", note=str(error)[:300]))
            continue
        key = "memory" if store is None else "disk"
        figures[f"start_{key}_first_s"] = server.ready_s
        if store is not None:
            # Cold start on an already built store: stop, start again, time until /health answers.
            stop_server(server)
            port = free_port()
            server = start_server(ours_command(port, store), env, "/health", port, timeout_s=600)
            figures["cold_start_disk_s"] = server.ready_s
        with running(server), httpx.Client(timeout=plan.query_timeout_s + 5) as client:
            base = server.url
            named_url = f"{base}/sdg/targets/{TARGET}/flagships"
            # The first answer of the build, once the query workers are up so they do not share the CPU with it.
            figures[f"workers_ready_{key}_s"] = server.ready_s + wait_for_workers(client, base, key, 1800)
            # The named answers of every SDG target are computed in the background at a first start: timed, and
            # waited for, so that they do not share the CPU with what is measured next.
            figures[f"answers_computed_{key}_s"] = wait_for_file(
                answers_directory(Settings(data_dir=data_dir), build.build_id) / ANSWERS_COMPLETE, 3600
            )
            started = time.perf_counter()
            get_over_http(client, named_url, plan.query_timeout_s)()
            figures[f"named_first_{key}_ms"] = (time.perf_counter() - started) * 1000
            add(
                measure(
                    NAMED,
                    system,
                    label,
                    triples,
                    get_over_http(client, named_url, plan.query_timeout_s),
                    plan,
                    plan.runs,
                )
            )
            sparql = f"{base}/sparql"
            add(
                measure(
                    NAMED_SPARQL,
                    system,
                    label,
                    triples,
                    sequence_over_http(client, sparql, named_queries, plan.query_timeout_s),
                    plan,
                    plan.runs,
                )
            )
            for name, query in QUERIES.items():
                add(
                    measure(
                        name,
                        system,
                        label,
                        triples,
                        sparql_over_http(client, sparql, query, plan.query_timeout_s, fresh=True),
                        plan,
                        plan.runs,
                    )
                )
            repeated = sparql_over_http(client, sparql, QUERIES[JOIN], plan.query_timeout_s)
            add(measure(REPEATED, system, label, triples, repeated, plan, plan.runs))
            unseen = unseen_over_http(client, sparql, QUERIES[JOIN], plan.query_timeout_s)
            add(measure(UNSEEN, system, label, triples, unseen, plan, plan.runs))
            paths_url = f"{base}/paths?from={PATHS[0]}&to={PATHS[1]}&max_length=3&limit=20"
            add(
                measure(
                    "paths ipec-plus→8.7",
                    system,
                    label,
                    triples,
                    get_over_http(client, paths_url, 120),
                    plan,
                    plan.runs,
                )
            )
            for attempt in ("first", "second"):
                started = time.perf_counter()
                size = 0
                with client.stream("GET", f"{base}/export?format=turtle", timeout=600) as response:
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                figures[f"export_turtle_http_{key}_{attempt}"] = {
                    "seconds": time.perf_counter() - started,
                    "bytes": size,
                }
            figures[f"pss_{key}_after_mb"] = tree_pss_mb(server.process.pid)
        figures[f"rss_{key}_main_mb"] = server.memory.peak_main / 2**20
        figures[f"rss_{key}_with_workers_mb"] = server.memory.peak_total / 2**20
        if store is None and plan.left() > 0:
            # Start again on the built graph (its on-disk store and named answers written by the first start):
            # until /health answers, the named question's first answer, until the workers read memory.
            port = free_port()
            server = start_server(ours_command(port, None), env, "/health", port, timeout_s=600)
            with running(server), httpx.Client(timeout=plan.query_timeout_s + 5) as client:
                figures["cold_start_memory_s"] = server.ready_s
                started = time.perf_counter()
                get_over_http(client, f"{server.url}/sdg/targets/{TARGET}/flagships", plan.query_timeout_s)()
                figures["named_first_after_start_ms"] = (time.perf_counter() - started) * 1000
                figures["cold_memory_workers_s"] = server.ready_s + wait_for_workers(client, server.url, key, 1800)

    peer_part(label, triples, build, plan, peer_python, named_queries, add, figures)
    virtuoso_part(label, triples, build, data_dir, plan, named_queries, add, figures)
    return result


def wait_for_workers(client: httpx.Client, base: str, source: str, timeout_s: float) -> float:
    """Seconds until /health says the query workers read `source` (they start in the background) and the service
    is ready (not degraded: its on-disk store written)."""
    started = time.perf_counter()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        health = client.get(f"{base}/health").json()
        if health.get("query_workers") == source and health.get("status") == "ready":
            break
        time.sleep(0.05)
    return time.perf_counter() - started


def wait_for_file(path: Path, timeout_s: float) -> float:
    """Seconds until `path` exists (at most `timeout_s`)."""
    started = time.perf_counter()
    while not path.exists() and time.perf_counter() - started < timeout_s:
        time.sleep(0.1)
    return time.perf_counter() - started


def tree_pss_mb(pid: int) -> float:
    """Proportional memory (PSS) of a process and its descendants: shared pages count once in all."""
    root = psutil.Process(pid)
    total = 0
    for process in (root, *root.children(recursive=True)):
        try:
            total += process.memory_full_info().pss
        except (psutil.Error, AttributeError):
            continue
    return total / 2**20


def peer_part(
    label: str,
    triples: int,
    build: BuildResult,
    plan: Plan,
    peer_python: Path | None,
    named_queries: list[str],
    add: Callable[[Timing], None],
    figures: dict[str, Any],
) -> None:
    """rdflib-endpoint: the question's SPARQL queries in sequence, then the SPARQL queries."""
    if peer_python is None or plan.left() <= 0:
        note = "not run (--no-peer)" if peer_python is None else "time budget spent"
        add(Timing(NAMED, PEER, label, triples, status="skipped", note=note))
        return
    port = free_port()
    try:
        server = start_server(
            [str(peer_python), str(PEER_SCRIPT), str(build.dataset_file), str(port)],
            {"PATH": os.environ.get("PATH", "")},
            "/sparql?query=ASK%7B%7D",
            port,
            timeout_s=min(3600, max(60, plan.left())),
        )
    except RuntimeError as error:
        add(Timing(NAMED, PEER, label, triples, status="error", note=str(error)[:300]))
        return
    figures["peer_start_s"] = server.ready_s
    with running(server), httpx.Client(timeout=plan.query_timeout_s + 5) as client:
        sparql = f"{server.url}/sparql"
        timing = measure(
            NAMED,
            PEER,
            label,
            triples,
            sequence_over_http(client, sparql, named_queries, plan.query_timeout_s),
            plan,
            plan.peer_runs,
        )
        timing.note = (timing.note + "; " if timing.note else "") + "the question's SPARQL queries in sequence"
        add(timing)
        for name, query in QUERIES.items():
            if plan.left() <= 0:
                add(Timing(name, PEER, label, triples, status="skipped", note="time budget spent"))
                continue
            timing = measure(
                name,
                PEER,
                label,
                triples,
                sparql_over_http(client, sparql, query, plan.query_timeout_s),
                plan,
                plan.peer_runs,
            )
            add(timing)
            if timing.status == "timeout":
                break  # the peer is still busy with the query; what follows would measure the queue
    figures["rss_peer_mb"] = server.memory.peak_main / 2**20


def virtuoso_part(
    label: str,
    triples: int,
    build: BuildResult,
    data_dir: Path,
    plan: Plan,
    named_queries: list[str],
    add: Callable[[Timing], None],
    figures: dict[str, Any],
) -> None:
    """Virtuoso (Debian's package, on loopback): the named question through our service with the store
    kind `sparql` on top of it, and the SPARQL queries sent to its own endpoint."""
    if plan.left() <= 0:
        add(Timing(NAMED, VIRTUOSO, label, triples, status="skipped", note="time budget spent"))
        return
    from tests.virtuoso.server import VirtuosoUnavailable, serve_build

    directory = data_dir / "virtuoso"
    shutil.rmtree(directory, ignore_errors=True)
    started = time.perf_counter()
    try:
        server, _ = serve_build(directory, build, max_query_s=int(plan.query_timeout_s))
    except (VirtuosoUnavailable, OSError, RuntimeError) as error:
        figures["virtuoso_unavailable"] = str(error)[:300]
        add(Timing(NAMED, VIRTUOSO, label, triples, status="not available", note=str(error)[:300]))
        return
    figures["virtuoso_load_s"] = time.perf_counter() - started
    memory = MemoryWatch(server.process.pid)
    try:
        port = free_port()
        env = {**ours_env(data_dir, plan), **server.environment()}
        try:
            ours = start_server(ours_command(port, None), env, "/health", port, timeout_s=600)
        except RuntimeError as error:
            add(Timing(NAMED, VIRTUOSO, label, triples, status="error", note=str(error)[:300]))
            return
        with running(ours), httpx.Client(timeout=plan.query_timeout_s + 5) as client:
            named_url = f"{ours.url}/sdg/targets/{TARGET}/flagships"
            started = time.perf_counter()
            try:
                get_over_http(client, named_url, plan.query_timeout_s)()
                figures["named_first_virtuoso_ms"] = (time.perf_counter() - started) * 1000
            except (httpx.HTTPError, RuntimeError) as error:  # measured below as an error, with its message
                figures["named_first_virtuoso_error"] = str(error)[:300]
            timing = measure(
                NAMED, VIRTUOSO, label, triples, get_over_http(client, named_url, plan.query_timeout_s), plan, plan.runs
            )
            timing.note = (timing.note + "; " if timing.note else "") + "through ilokg (ILOKG_STORE_KIND=sparql)"
            add(timing)
            direct = server.query_url
            add(
                measure(
                    NAMED_SPARQL,
                    VIRTUOSO,
                    label,
                    triples,
                    sequence_over_http(client, direct, named_queries, plan.query_timeout_s),
                    plan,
                    plan.runs,
                )
            )
            for name, query in QUERIES.items():
                if plan.left() <= 0:
                    add(Timing(name, VIRTUOSO, label, triples, status="skipped", note="time budget spent"))
                    continue
                add(
                    measure(
                        name,
                        VIRTUOSO,
                        label,
                        triples,
                        sparql_over_http(client, direct, query, plan.query_timeout_s),
                        plan,
                        plan.runs,
                    )
                )
    finally:
        memory.stop()
        figures["rss_virtuoso_mb"] = memory.peak_main / 2**20
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


# ---------------------------------------------------------------- report


def machine(peer_python: Path | None) -> dict[str, Any]:
    cpu = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import rdflib

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "pyoxigraph": ox.__version__,
        "rdflib": rdflib.__version__,
        "rdflib-endpoint": package_version(peer_python, "rdflib-endpoint") if peer_python else "not run",
    }


def build_time(settings: Settings) -> float:
    """Wall time of `ilokg build` from the seeds (validation and evidence checks included), fresh data dir."""
    with tempfile.TemporaryDirectory(prefix="bench-build-") as data_dir:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ILOKG_")}
        env["ILOKG_DATA_DIR"] = data_dir
        env["ILOKG_SEEDS_DIR"] = str(settings.seeds_dir)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "api.cli", "build"], env=env, check=True, capture_output=True)
        return time.perf_counter() - started


def cell(timing: Timing | None) -> str:
    if timing is None:
        return "–"
    if timing.median_ms is None or timing.p95_ms is None:
        return timing.status
    return f"{timing.median_ms:.2f} / {timing.p95_ms:.2f}"


def ratio(numerator: Timing | None, denominator: Timing | None) -> str:
    if not numerator or not denominator or numerator.median_ms is None or denominator.median_ms is None:
        if numerator and numerator.status == "timeout":
            return "> timeout"
        return "–"
    return f"{numerator.median_ms / denominator.median_ms:.1f}×"


def overhead(ours: Timing | None, floor: Timing | None) -> str:
    if not ours or not floor or ours.median_ms is None or floor.median_ms is None:
        return "–"
    return f"{ours.median_ms - floor.median_ms:+.2f} ms"


def table(sizes: list[SizeResult]) -> str:
    lines: list[str] = []
    for size in sizes:
        lines.append(f"### {size.size} ({size.triples:,} triples)\n")
        lines.append(
            "| query | " + " | ".join(f"{s} p50 / p95 ms" for s in SYSTEMS) + " | rdflib-endpoint ÷ ours (memory) "
            "| ours (memory) − floor |"
        )
        lines.append("|---" * (len(SYSTEMS) + 3) + "|")
        by_key = {(t.query, t.system): t for t in size.timings}
        names = list(dict.fromkeys(t.query for t in size.timings))
        for name in names:
            cells = [cell(by_key.get((name, s))) for s in SYSTEMS]
            ours = by_key.get((name, OURS_MEMORY))
            lines.append(
                f"| {name} | "
                + " | ".join(cells)
                + f" | {ratio(by_key.get((name, PEER)), ours)} | {overhead(ours, by_key.get((name, FLOOR)))} |"
            )
        notes = [f"{t.system}, {t.query}: {' '.join(t.note.split())}" for t in size.timings if t.note]
        if notes:
            lines.append("")
            lines.extend(f"- {note}" for note in notes)
        lines.append("")
    lines.append("### Other figures\n")
    keys = [
        ("named answer (stated / derived-only flagships, derivations, queries)", "named_answer"),
        ("start on the built graph, memory (default): until /health answers (s)", "cold_start_memory_s"),
        ("  then until the workers read memory (s)", "cold_memory_workers_s"),
        ("  named question, first answer right after that start (ms)", "named_first_after_start_ms"),
        ("first start: until the workers read memory and the on-disk store is written (s)", "workers_ready_memory_s"),
        ("first start: then the named answers of every SDG target computed (s)", "answers_computed_memory_s"),
        ("cold start, already built on-disk store, all on disk (s)", "cold_start_disk_s"),
        ("first start, on disk: loads the store (s)", "start_disk_first_s"),
        ("first start, memory (default): until /health answers (s)", "start_memory_first_s"),
        ("in-process load into pyoxigraph (s)", "floor_load_s"),
        ("peer start: rdflib parses the file (s)", "peer_start_s"),
        ("named question, first answer once the workers are ready, first start (ms): memory", "named_first_memory_ms"),
        ("named question, first answer once the workers are ready, first start (ms): disk", "named_first_disk_ms"),
        ("named question, first answer of a build (ms): on Virtuoso", "named_first_virtuoso_ms"),
        ("writing the Turtle, N-Triples and TriG exports at build time (s)", "write_exports_s"),
        ("Turtle export /export, memory, first (triples/s)", "export_turtle_http_memory_first"),
        ("Turtle export /export, memory, second (triples/s)", "export_turtle_http_memory_second"),
        ("Turtle export /export, disk, first (triples/s)", "export_turtle_http_disk_first"),
        ("Turtle export /export, disk, second (triples/s)", "export_turtle_http_disk_second"),
        ("Virtuoso: start and load the build over the Graph Store Protocol (s)", "virtuoso_load_s"),
        ("peak RSS, Virtuoso (MB)", "rss_virtuoso_mb"),
        ("PSS of service and workers after the benchmark, memory (MiB)", "pss_memory_after_mb"),
        ("PSS of service and workers after the benchmark, disk (MiB)", "pss_disk_after_mb"),
        ("peak RSS, service in memory (MB; + query workers)", "rss_memory"),
        ("peak RSS, service on disk (MB; + query workers)", "rss_disk"),
        ("peak RSS, rdflib-endpoint (MB)", "rss_peer_mb"),
    ]
    lines.append("| figure | " + " | ".join(f"{s.size}" for s in sizes) + " |")
    lines.append("|---" * (len(sizes) + 1) + "|")
    for title, key in keys:
        row = [figure(size, key) for size in sizes]
        lines.append(f"| {title} | " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def figure(size: SizeResult, key: str) -> str:
    figures = size.figures
    if key == "named_answer" and key in figures:
        a = figures[key]
        return f"{a['stated']} / {a['derived_only']}, {a['derivations']}, {a['queries']}"
    if key in ("rss_memory", "rss_disk"):
        main, total = figures.get(f"{key}_main_mb"), figures.get(f"{key}_with_workers_mb")
        return f"{main:,.0f} ({total:,.0f})" if main is not None and total is not None else "–"
    value = figures.get(key)
    if value is None:
        return "–"
    if isinstance(value, dict):
        return f"{size.triples / value['seconds']:,.0f}" if value["seconds"] > 0 else "–"
    if isinstance(value, float):
        return f"{value:,.1f}" if value >= 10 else f"{value:.2f}"
    return str(value)


def plot(sizes: list[SizeResult], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure_, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for axis, title, pick in (
        (axes[0], f"named question: flagships for SDG {TARGET}", lambda t: t.query == NAMED),
        (axes[1], "SPARQL queries (geometric mean of medians)", lambda t: t.query in QUERIES),
    ):
        for system in SYSTEMS:
            xs, ys = [], []
            for size in sizes:
                medians = [t.median_ms for t in size.timings if t.system == system and pick(t) and t.median_ms]
                wanted = 1 if axis is axes[0] else len(QUERIES)
                if medians and len(medians) == wanted:
                    xs.append(size.triples)
                    ys.append(math.exp(sum(math.log(m) for m in medians) / len(medians)))
            if xs:
                axis.plot(xs, ys, marker="o", label=system)
        axis.set_xscale("log")
        axis.set_yscale("log")
        axis.set_xlabel("triples")
        axis.set_ylabel("median latency (ms)")
        axis.set_title(title)
        axis.grid(True, which="both", alpha=0.3)
        axis.legend()
    figure_.tight_layout()
    figure_.savefig(path, dpi=110)
    plt.close(figure_)


def main(argv: list[str] | None = None) -> int:
    top = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    top.add_argument("--sizes", default="seed,1M", help="comma-separated: seed (the build itself), 1M, 5M")
    top.add_argument("--runs", type=int, default=20, help="timed runs per query (default 20)")
    top.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    top.add_argument("--peer-runs", type=int, default=5, help="timed runs per query on rdflib-endpoint (default 5)")
    top.add_argument("--query-timeout-s", type=float, default=60.0, help="deadline of one request (default 60)")
    top.add_argument("--per-query-budget-s", type=float, default=30.0, help="cap on the timed runs of one query")
    top.add_argument("--budget-s", type=float, default=5400.0, help="no new work after this many seconds")
    top.add_argument("--no-peer", action="store_true", help="skip rdflib-endpoint")
    top.add_argument("--out", type=Path, default=RESULTS_DIR)
    args = top.parse_args(argv)
    plan = Plan(
        args.runs,
        args.warmup,
        args.peer_runs,
        args.query_timeout_s,
        args.per_query_budget_s,
        time.monotonic() + args.budget_s,
    )
    args.out.mkdir(parents=True, exist_ok=True)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    peer_python = None if args.no_peer else ensure_peer()
    settings = Settings(data_dir=WORK_DIR / "seed")
    print("building the seed graph (timed)...", flush=True)
    seconds = build_time(settings)
    subprocess.run(
        [sys.executable, "-m", "api.cli", "build"],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("ILOKG_")},
            "ILOKG_DATA_DIR": str(settings.data_dir),
        },
        check=True,
        capture_output=True,
    )
    report: dict[str, Any] = {"machine": machine(peer_python), "build_seed_s": seconds, "sizes": []}
    print(f"  full build of the seeds: {seconds:.2f} s", flush=True)
    results: list[SizeResult] = []
    for text in args.sizes.split(","):
        label = text.strip()
        target = None if label == "seed" else parse_size(label)
        label = "seed" if target is None else size_label(target)
        if plan.left() <= 0:
            print(f"{label}: skipped, time budget spent", flush=True)
            continue
        print(f"{label}:", flush=True)
        results.append(bench_size(label, target, settings, plan, peer_python))
        report["sizes"] = [
            {
                "size": r.size,
                "triples": r.triples,
                "figures": r.figures,
                "timings": [{**asdict(t), "median_ms": t.median_ms, "p95_ms": t.p95_ms} for t in r.timings],
            }
            for r in results
        ]
        (args.out / "results.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    text = table(results)
    header = (
        f"Machine: {report['machine']['cpu']}, {report['machine']['cores']} cores, {report['machine']['ram_gb']} GB; "
        f"Python {report['machine']['python']}, pyoxigraph {report['machine']['pyoxigraph']}, "
        f"rdflib {report['machine']['rdflib']}, rdflib-endpoint {report['machine']['rdflib-endpoint']}.\n"
        f"Full build of the seeds (validation and evidence checks): {seconds:.2f} s.\n\n"
    )
    (args.out / "table.md").write_text(header + text)
    if results:
        plot(results, args.out / "latency.png")
    print()
    print(header + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
