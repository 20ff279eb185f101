"""Load test: many concurrent clients mixing questions, SPARQL and paths against a real uvicorn.

Starts `ilokg serve` on 127.0.0.1 (a free port) over the current build of the data
directory (ILOKG_* settings apply), runs N clients for D seconds, then prints throughput,
latency percentiles per kind, errors, and the server's memory (RSS and PSS of the server and
its query workers) before and after. Exits 1 when any light request failed.

With `--heavy H`, H more clients send queries that run until the deadline, one after the other,
and the light clients' SPARQL asks for a fresh answer (Cache-Control: no-cache), so that it needs a
worker: the heavy queries' own outcome (503 at the deadline, or busy) is reported apart and is not
an error; the light queries must all be served.

    python -m tests.load.load --clients 50 --duration 60
    python -m tests.load.load --clients 20 --heavy 3 --duration 60
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from tests.live import stop_server

PROJECT_DIR = Path(__file__).resolve().parents[2]

QUESTIONS = [
    "/sdg/targets/8.7/flagships",
    "/sdg/targets/8.5/flagships",
    "/sdg/targets/1.3/flagships",
    "/flagships",
    "/flagships/ipec-plus",
    "/instruments/C182",
    "/bienniums/2022-23/outputs/7.1",
    "/resources/ipec-plus/neighbourhood",
]
PREFIXES = "PREFIX ilokg: <https://w3id.org/ilokg/ontology#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
SPARQL = [
    PREFIXES + "SELECT ?f ?name WHERE { ?f a ilokg:FlagshipProgramme ; skos:prefLabel ?name } ORDER BY ?name",
    PREFIXES + "SELECT ?s ?standard WHERE { ?s ilokg:principalStandard ?standard } LIMIT 50",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }",
    "ASK { ?s ?p ?o }",
    PREFIXES + "SELECT ?t ?label WHERE { ?f ilokg:servesTarget ?t . ?t skos:prefLabel ?label } LIMIT 100",
]
# A cartesian product over an unbounded property path: runs until the deadline whatever the graph.
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a (<urn:p>|!<urn:p>)* ?b . ?c ?d ?e }"
PATHS = [
    ("ipec-plus", "8.7"),
    ("better-work", "C182"),
    ("C182", "8.7"),
    ("social-protection-floors", "1.3"),
]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    examples: list[str] = field(default_factory=list)
    heavy_outcomes: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=PROJECT_DIR,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float = 180) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if process.poll() is not None:
            raise SystemExit("the server exited before it was ready")
        try:
            health = httpx.get(f"{url}/health", timeout=2)
            if health.status_code == 200 and health.json().get("query_workers") in ("memory", "disk", "off"):
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server was not ready within {seconds:.0f} s")


def tree_rss_mib(pid: int) -> float:
    """Resident memory of the server and all its descendants (query workers, zygote), in MiB."""
    total = 0
    root = psutil.Process(pid)
    for process in (root, *root.children(recursive=True)):
        try:
            total += process.memory_info().rss
        except psutil.Error:
            continue
    return total / 2**20


def tree_pss_mib(pid: int) -> float:
    """Proportional memory of the server and its descendants, in MiB: pages the workers share with the zygote
    count once in all, where RSS counts them in every process."""
    total = 0
    root = psutil.Process(pid)
    for process in (root, *root.children(recursive=True)):
        try:
            total += process.memory_full_info().pss
        except (psutil.Error, AttributeError):
            continue
    return total / 2**20


def next_request(rng: random.Random) -> tuple[str, str, dict[str, str]]:
    """(kind, path, params): 40 % questions, 30 % SPARQL, 30 % paths."""
    roll = rng.random()
    if roll < 0.4:
        return "question", rng.choice(QUESTIONS), {}
    if roll < 0.7:
        return "sparql", "/sparql", {"query": rng.choice(SPARQL)}
    start, end = rng.choice(PATHS)
    return "paths", "/paths", {"from": start, "to": end, "max_length": "3", "limit": "10"}


async def client(url: str, until: float, tally: Tally, seed: int, fresh: bool) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        while time.monotonic() < until:
            kind, path, params = next_request(rng)
            headers = {"Accept": "application/json, */*;q=0.5"}
            if fresh and kind == "sparql":
                headers["Cache-Control"] = "no-cache"  # computed by a worker, not sent from the result cache
            started = time.perf_counter()
            try:
                response = await http.get(path, params=params, headers=headers)
                ok = response.status_code == 200
                problem = f"{response.status_code} {path} {response.text[:160]}"
            except httpx.HTTPError as error:
                ok, problem = False, f"{type(error).__name__} {path}"
            tally.latencies[kind].append(time.perf_counter() - started)
            if not ok:
                tally.errors[kind] += 1
                if len(tally.examples) < 5:
                    tally.examples.append(problem)


async def heavy_client(url: str, until: float, tally: Tally) -> None:
    """Heavy queries one after the other; their outcome (200, or 503 at the deadline or busy) is counted apart."""
    async with httpx.AsyncClient(base_url=url, timeout=120) as http:
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                response = await http.get("/sparql", params={"query": HEAVY})
                outcome = str(response.status_code)
            except httpx.HTTPError as error:
                outcome = type(error).__name__
            tally.latencies["heavy"].append(time.perf_counter() - started)
            tally.heavy_outcomes[outcome] += 1
            if outcome == "503":
                await asyncio.sleep(float(response.headers.get("retry-after", "1")))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def run(url: str, clients: int, heavy: int, duration: float) -> tuple[Tally, float]:
    tally = Tally()
    started = time.monotonic()
    until = started + duration
    await asyncio.gather(
        *(client(url, until, tally, seed, heavy > 0) for seed in range(clients)),
        *(heavy_client(url, until, tally) for _ in range(heavy)),
    )
    return tally, time.monotonic() - started


def report(tally: Tally, elapsed: float, clients: int, memory: dict[str, float], ready_s: float) -> int:
    light = {kind: values for kind, values in tally.latencies.items() if kind != "heavy"}
    every = [v for values in light.values() for v in values]
    errors = sum(tally.errors.values())
    print(f"clients {clients}, {elapsed:.1f} s, server ready in {ready_s:.1f} s")
    print(f"{'kind':<10}{'requests':>10}{'errors':>8}{'p50 ms':>10}{'p99 ms':>10}")
    for kind in sorted(tally.latencies):
        values = tally.latencies[kind]
        print(
            f"{kind:<10}{len(values):>10}{tally.errors[kind]:>8}"
            f"{percentile(values, 0.5) * 1000:>10.1f}{percentile(values, 0.99) * 1000:>10.1f}"
        )
    print(
        f"{'light':<10}{len(every):>10}{errors:>8}{percentile(every, 0.5) * 1000:>10.1f}"
        f"{percentile(every, 0.99) * 1000:>10.1f}"
    )
    if tally.heavy_outcomes:
        outcomes = ", ".join(f"{count} × {status}" for status, count in sorted(tally.heavy_outcomes.items()))
        print(f"heavy queries (apart, not errors): {outcomes}")
    print(f"throughput {len(every) / elapsed:.1f} light requests/s")
    print(
        f"server memory (RSS, with workers): {memory['rss_before']:.0f} MiB before, {memory['rss_after']:.0f} MiB "
        f"after; PSS {memory['pss_before']:.0f} MiB before, {memory['pss_after']:.0f} MiB after"
    )
    for example in tally.examples:
        print(f"error: {example}")
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--clients", type=int, default=50)
    options.add_argument("--duration", type=float, default=60.0, help="seconds")
    options.add_argument("--heavy", type=int, default=0, help="clients sending queries that run to the deadline")
    options.add_argument("--url", help="load an already running server instead of starting one")
    args = options.parse_args(argv)
    process = None
    if args.url:
        url, pid, ready_s = args.url.rstrip("/"), None, 0.0
    else:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        process = start_server(port)
        pid = process.pid
    try:
        if process is not None:
            ready_s = wait_ready(url, process)
        for path in (*QUESTIONS, "/health"):  # warm the caches up (path index, parsers)
            httpx.get(f"{url}{path}", timeout=60)
        memory = {"rss_before": tree_rss_mib(pid) if pid else float("nan")}
        memory["pss_before"] = tree_pss_mib(pid) if pid else float("nan")
        tally, elapsed = asyncio.run(run(url, args.clients, args.heavy, args.duration))
        memory["rss_after"] = tree_rss_mib(pid) if pid else float("nan")
        memory["pss_after"] = tree_pss_mib(pid) if pid else float("nan")
        return report(tally, elapsed, args.clients, memory, ready_s)
    finally:
        if process is not None:
            stop_server(process, 20)


if __name__ == "__main__":
    sys.exit(main())
