"""One settings object, read from ILOKG_* environment variables."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent
# The seeds travel with the package as graph/seeds (in a checkout, a link to seeds/), so an installed service
# builds wherever it runs.
SEEDS_DIR = (Path(__file__).resolve().parent / "seeds").resolve()


def default_data_dir() -> Path:
    """var/ of the checkout; for an installed package, the user's data directory (XDG), never site-packages."""
    if (PROJECT_DIR / "pyproject.toml").is_file():
        return PROJECT_DIR / "var"
    xdg = os.environ.get("XDG_DATA_HOME", "")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "ilokg"


class Settings(BaseSettings):
    """Every setting of the service; each can be set as ILOKG_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="ILOKG_", frozen=True)

    base_iri: str = Field(
        "https://w3id.org/ilokg/id/",
        description="Base of every IRI the graph mints; the service answers for it under /id/.",
    )
    seeds_dir: Path = Field(SEEDS_DIR, description="Where documents/, curated/ and reference/ are.")
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where builds are written; 'current' names the last good one (var/ of a checkout, else "
        "$XDG_DATA_HOME/ilokg).",
    )
    sdg_series: str = Field(
        "all",
        description="The series of seeds/reference/sdg-country-data the build imports: all, or codes separated by "
        "commas (SL_TLF_CHLDEC,SL_TLF_CHLDEA).",
    )
    store: Path | None = Field(None, description="On-disk Oxigraph store directory; in memory when unset.")
    host: str = Field("127.0.0.1", description="Address the HTTP service listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port the HTTP service listens on.")
    query_timeout_s: float = Field(10.0, gt=0, description="Deadline of one SPARQL query, in seconds.")
    max_query_length: int = Field(20_000, gt=0, description="Longest SPARQL query accepted, in characters.")
    max_query_depth: int = Field(
        32, gt=0, description="Deepest nesting of groups, brackets and parentheses a SPARQL query may have."
    )
    max_body_bytes: int = Field(1_000_000, gt=0, description="Largest request body accepted, in bytes.")
    header_timeout_s: float = Field(
        10.0, gt=0, description="Longest time a client may take to send a request's line and headers, in seconds."
    )
    http_parser: Literal["auto", "httptools", "h11"] = Field(
        "auto",
        description="uvicorn's HTTP/1.1 parser: httptools (in C), h11 (pure Python), or auto (httptools when "
        "installed).",
    )
    event_loop: Literal["auto", "uvloop", "asyncio"] = Field(
        "auto", description="The server's event loop: uvloop, asyncio's own, or auto (uvloop when installed)."
    )
    max_result_rows: int = Field(10_000, gt=0, description="Most rows (or triples) a query result returns.")
    max_concurrent_queries: int = Field(
        32, gt=0, description="SPARQL queries admitted at once (running, or waiting for a worker); more get 503."
    )
    query_queue_s: float = Field(
        5.0, gt=0, description="Longest wait of an admitted query for a free worker before it gets 503, in seconds."
    )
    query_workers: int = Field(2, gt=0, description="Worker processes that run SPARQL queries (killable on timeout).")
    sandbox_queries: bool = Field(
        True, description="Run users' SPARQL in killable worker processes (off only to debug the engine in process)."
    )
    isolate_network: bool = Field(
        True,
        description="Move `ilokg serve` into an empty network namespace once it listens (off: to debug only).",
    )
    query_memory_mb: int = Field(
        2048,
        ge=1024,
        description="Address space one query may add to its worker (beyond the store it maps), in MiB; "
        "a query needing more fails alone.",
    )
    query_store: Literal["memory", "disk"] = Field(
        "memory",
        description="Where the query workers read: memory (forked from one process that holds the build in "
        "memory, shared copy-on-write) or disk (each opens the build's on-disk store; for graphs too large "
        "for memory).",
    )
    short_query_workers: int = Field(
        2, ge=0, description="Workers kept for short queries, so that light queries are served while heavy ones run."
    )
    short_query_s: float = Field(
        0.5,
        gt=0,
        description="A query that used this much CPU time on a short-query worker is stopped there and run "
        "again on a general worker (with what is left of its deadline), and its text goes there directly next "
        "time, in seconds.",
    )
    workers_private_mb: int = Field(
        512,
        gt=0,
        description="Private memory of the query workers together (pages of the shared store they wrote to, and "
        "their own), in MiB; past it, the worker holding the most is retired and a fresh one forked.",
    )
    worker_max_queries: int = Field(10_000, gt=0, description="A worker is retired after this many queries.")
    result_cache_entries: int = Field(
        1024, ge=0, description="SPARQL results kept per build (0 turns the result cache off)."
    )
    result_cache_mb: int = Field(64, ge=0, description="Largest total size of the kept SPARQL results, in MiB.")
    max_path_length: int = Field(6, gt=0, description="Longest path /paths searches, in hops.")
    max_paths: int = Field(50, gt=0, description="Most simple paths /paths returns.")
    answer_cache_entries: int = Field(
        256, ge=0, description="JSON answers kept per build (questions, resources, paths); 0 turns the cache off."
    )
    answer_cache_mb: int = Field(64, ge=0, description="Largest total size of the kept JSON answers, in MiB.")
    max_neighbourhood_depth: int = Field(
        3, gt=0, description="Deepest neighbourhood /resources/{id}/neighbourhood draws."
    )
    store_kind: Literal["oxigraph", "sparql"] = Field(
        "oxigraph",
        description="Which store answers: embedded Oxigraph, or a SPARQL 1.1 server (ILOKG_SPARQL_QUERY_URL).",
    )
    sparql_query_url: str | None = Field(None, description="SPARQL 1.1 query endpoint of the server store.")
    sparql_graph_store_url: str | None = Field(
        None, description="SPARQL 1.1 Graph Store Protocol endpoint that `ilokg load` writes the build to."
    )
    sparql_user: str | None = Field(None, description="User name for the SPARQL server, if it asks for one.")
    sparql_password: SecretStr | None = Field(None, description="Password for the SPARQL server (never logged).")
    sparql_auth: Literal["basic", "digest"] = Field(
        "basic", description="HTTP authentication the SPARQL server uses (Virtuoso's *-auth endpoints: digest)."
    )
    remote_timeout_s: float = Field(
        60.0, gt=0, description="Deadline of one request to the SPARQL server while loading or exporting, in seconds."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings of this process (read once from the environment)."""
    return Settings()
