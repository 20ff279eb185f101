"""Load test: many concurrent clients mixing questions, SPARQL and paths against a real uvicorn.

Starts `ilokg serve` on 127.0.0.1 (a free port) over the current build of the data
directory (ILOKG_* settings apply), runs N clients for D seconds, then prints throughput,
latency percentiles per kind, errors, and the server's memory (RSS of the server and its
query workers) before and after. Exits 1 when any request failed.

    python -m tests.load.load --clients 50 --duration 60
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

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
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server was not ready within {seconds:.0f} s")


def tree_rss_mib(pid: int) -> float:
    """Resident memory of the server and all its descendants (query workers, forkserver), in MiB."""
    total = 0
    root = psutil.Process(pid)
    for process in (root, *root.children(recursive=True)):
        try:
            total += process.memory_info().rss
        except psutil.Error:
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


async def client(url: str, until: float, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        while time.monotonic() < until:
            kind, path, params = next_request(rng)
            started = time.perf_counter()
            try:
                response = await http.get(path, params=params, headers={"Accept": "application/json, */*;q=0.5"})
                ok = response.status_code == 200
                problem = f"{response.status_code} {path} {response.text[:160]}"
            except httpx.HTTPError as error:
                ok, problem = False, f"{type(error).__name__} {path}"
            tally.latencies[kind].append(time.perf_counter() - started)
            if not ok:
                tally.errors[kind] += 1
                if len(tally.examples) < 5:
                    tally.examples.append(problem)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def run(url: str, clients: int, duration: float) -> tuple[Tally, float]:
    tally = Tally()
    started = time.monotonic()
    until = started + duration
    await asyncio.gather(*(client(url, until, tally, seed) for seed in range(clients)))
    return tally, time.monotonic() - started


def report(tally: Tally, elapsed: float, clients: int, rss_before: float, rss_after: float, ready_s: float) -> int:
    every = [v for values in tally.latencies.values() for v in values]
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
        f"{'all':<10}{len(every):>10}{errors:>8}{percentile(every, 0.5) * 1000:>10.1f}"
        f"{percentile(every, 0.99) * 1000:>10.1f}"
    )
    print(f"throughput {len(every) / elapsed:.1f} requests/s")
    print(f"server memory (RSS, with workers): {rss_before:.0f} MiB before, {rss_after:.0f} MiB after")
    for example in tally.examples:
        print(f"error: {example}")
    return 1 if errors else 0


def main(argv: list[str] | None = None) -> int:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--clients", type=int, default=50)
    options.add_argument("--duration", type=float, default=60.0, help="seconds")
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
        rss_before = tree_rss_mib(pid) if pid else float("nan")
        tally, elapsed = asyncio.run(run(url, args.clients, args.duration))
        rss_after = tree_rss_mib(pid) if pid else float("nan")
        return report(tally, elapsed, args.clients, rss_before, rss_after, ready_s)
    finally:
        if process is not None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    sys.exit(main())
