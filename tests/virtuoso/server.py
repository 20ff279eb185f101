"""A throwaway Virtuoso server on 127.0.0.1, for the integration tests and the benchmarks.

Installs Debian's Virtuoso Open Source server binary when it is missing, creates a database
in a directory of the caller's, starts `virtuoso-t` on two free loopback ports, and creates a
user that may write graphs over the Graph Store Protocol (`/sparql-graph-crud-auth`, digest auth).

Debian's `virtuoso-opensource` package also installs and starts a system service on the
default ports on every interface; only its server binary package is installed here, so
nothing listens beyond loopback and nothing outlives the test.

As a script: `python tests/virtuoso/server.py DIR` starts a server in DIR, prints the
ILOKG_* settings that point the service at it, and stops it on Ctrl-C.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

SERVER_PACKAGE = "virtuoso-opensource-7-bin"  # from Debian's virtuoso-opensource source package
INSTALL_TIMEOUT_S = 150
START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 30
USER = "ilokg"


class VirtuosoUnavailable(RuntimeError):
    """Virtuoso could not be installed or started here; the message says why."""


@dataclass
class VirtuosoServer:
    """A running Virtuoso: its endpoints, the loading user, and the process to stop."""

    directory: Path
    http_port: int
    sql_port: int
    user: str
    password: str
    process: subprocess.Popen[bytes]

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def graph_store_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/sparql-graph-crud-auth"

    def environment(self) -> dict[str, str]:
        """The ILOKG_* settings that make the service use this server."""
        return {
            "ILOKG_STORE_KIND": "sparql",
            "ILOKG_SPARQL_QUERY_URL": self.query_url,
            "ILOKG_SPARQL_GRAPH_STORE_URL": self.graph_store_url,
            "ILOKG_SPARQL_USER": self.user,
            "ILOKG_SPARQL_PASSWORD": self.password,
            "ILOKG_SPARQL_AUTH": "digest",
        }

    def log_tail(self, lines: int = 20) -> str:
        log = self.directory / "virtuoso.log"
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT_S)


def install() -> str:
    """The path of `virtuoso-t`, installing Debian's package first when it is missing."""
    found = shutil.which("virtuoso-t")
    if found and shutil.which("isql-vt"):
        return found
    if not shutil.which("apt-get"):
        raise VirtuosoUnavailable("virtuoso-t is not installed and there is no apt-get to install it")
    if os.geteuid() != 0:
        raise VirtuosoUnavailable(f"virtuoso-t is not installed; run `apt-get install {SERVER_PACKAGE}` as root")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", SERVER_PACKAGE]
    try:
        done = subprocess.run(command, env=environment, capture_output=True, timeout=INSTALL_TIMEOUT_S)
        if done.returncode != 0:
            # A fresh machine may not have the package lists yet.
            subprocess.run(["apt-get", "update", "-q"], env=environment, capture_output=True, timeout=INSTALL_TIMEOUT_S)
            done = subprocess.run(command, env=environment, capture_output=True, timeout=INSTALL_TIMEOUT_S)
    except subprocess.TimeoutExpired as error:
        raise VirtuosoUnavailable(f"apt-get did not finish within {INSTALL_TIMEOUT_S} s") from error
    found = shutil.which("virtuoso-t")
    if done.returncode != 0 or not found or not shutil.which("isql-vt"):
        tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
        raise VirtuosoUnavailable(f"apt-get install {SERVER_PACKAGE} failed: {' / '.join(tail)}")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ini(directory: Path, sql_port: int, http_port: int, buffers: int, max_query_s: int, max_rows: int) -> str:
    return f"""[Database]
DatabaseFile = {directory}/virtuoso.db
ErrorLogFile = {directory}/virtuoso.log
LockFile = {directory}/virtuoso.lck
TransactionFile = {directory}/virtuoso.trx
xa_persistent_file = {directory}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {directory}/virtuoso-temp.db
TransactionFile = {directory}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 10
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = {directory}
AllowOSCalls = 0
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {buffers * 3 // 4}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {directory}/vsp
MaxClientConnections = 10
ServerThreads = 10
Charset = UTF-8

[SPARQL]
; No MaxQueryCostEstimationTime: Virtuoso's estimates of the named questions' queries run to years.
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {max_query_s}
"""


def start(
    directory: Path, *, buffers: int = 50_000, max_query_s: int = 10, max_rows: int = 2_000_000
) -> VirtuosoServer:
    """Start a fresh Virtuoso with its database in `directory`; VirtuosoUnavailable if it does not come up."""
    binary = install()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "vsp").mkdir(exist_ok=True)
    sql_port, http_port = _free_port(), _free_port()
    config = directory / "virtuoso.ini"
    config.write_text(_ini(directory, sql_port, http_port, buffers, max_query_s, max_rows))
    process = subprocess.Popen(
        [binary, "+foreground", "+configfile", str(config)],
        cwd=directory,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = VirtuosoServer(directory, http_port, sql_port, USER, secrets.token_urlsafe(16), process)
    try:
        _wait_ready(server)
        _create_loading_user(server)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_ready(server: VirtuosoServer) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise VirtuosoUnavailable(f"virtuoso-t exited with {server.process.returncode}: {server.log_tail(5)}")
        try:
            answer = httpx.get(server.query_url, params={"query": "ASK {}"}, timeout=2, trust_env=False)
            if answer.status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise VirtuosoUnavailable(f"Virtuoso did not answer within {START_TIMEOUT_S} s: {server.log_tail(5)}")


def _create_loading_user(server: VirtuosoServer) -> None:
    # The anonymous SPARQL user stays read-only; loading needs this user's password (digest auth).
    statements = (
        f"DB.DBA.USER_CREATE('{server.user}', '{server.password}'); "
        f'GRANT SPARQL_SELECT TO "{server.user}"; '
        f'GRANT SPARQL_UPDATE TO "{server.user}";'
    )
    done = subprocess.run(
        ["isql-vt", f"127.0.0.1:{server.sql_port}", "dba", "dba", f"exec={statements}"],
        capture_output=True,
        timeout=60,
    )
    output = (done.stdout + done.stderr).decode(errors="replace")
    if done.returncode != 0 or "Error" in output:
        raise VirtuosoUnavailable(f"could not create the loading user: {output.strip()[-300:]}")


def serve_build(directory: Path, build: Any, *, buffers: int = 200_000, max_query_s: int = 600) -> tuple[Any, Any]:
    """A Virtuoso in `directory` holding `build` (a graph.build.BuildResult): (server, RemoteSparqlStore).

    For the benchmarks: the store answers the same questions as the embedded one, so the same
    timing code runs on both. The caller stops the server (`server.stop()`).
    """
    from graph.store.remote import Endpoints, RemoteSparqlStore, load_build

    server = start(directory, buffers=buffers, max_query_s=max_query_s)
    try:
        endpoints = Endpoints(
            server.query_url, server.graph_store_url, server.user, server.password, "digest", timeout_s=max_query_s
        )
        load_build(build, endpoints)
        return server, RemoteSparqlStore(endpoints, query_timeout_s=max_query_s)
    except BaseException:
        server.stop()
        raise


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/virtuoso/server.py DIR", file=sys.stderr)
        return 2
    server = start(Path(argv[0]).resolve())
    for name, value in server.environment().items():
        print(f"export {name}={value}")
    print("# Ctrl-C stops the server", file=sys.stderr)
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
