"""No text from a request reaches a query of the service's own unless graph.terms accepted it.

Two proofs: every SPARQL text the service writes lives in graph/queries/ (a function of validated terms, a fixed
shape, so none can run unbounded in the server process), checked here over the source; and every route of the
OpenAPI document, fed the injection texts of issue 10 in each parameter, answers below 500 while a loopback
listener records no connection, on a server whose network isolation is off.
"""

from __future__ import annotations

import ast
import re
import urllib.parse
from pathlib import Path

import httpx

from tests.security.conftest import ConnectionRecorder, Server

PROJECT = Path(__file__).resolve().parents[2]
SPARQL_TEXT = re.compile(
    r"\b(SELECT|CONSTRUCT|DESCRIBE)\b[^\n]*?(\bWHERE\b|\{)|\bASK\s*\{|\b(INSERT|DELETE)\s*\{", re.I
)


def _strings_outside_docstrings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            parts = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            found.append((node.lineno, " ".join(parts)))
    return found


def test_every_sparql_text_of_the_service_is_in_graph_queries() -> None:
    outside = [
        f"{path.relative_to(PROJECT)}:{line}: {text[:60]!r}"
        for package in ("api", "graph", "ontology")
        for path in sorted((PROJECT / package).rglob("*.py"))
        if "queries" not in path.relative_to(PROJECT).parts
        for line, text in _strings_outside_docstrings(path)
        if SPARQL_TEXT.search(text)
    ]
    assert outside == []


def test_the_check_finds_a_query_written_outside(tmp_path: Path) -> None:
    """A control: the source check does see a query written in a string or an f-string."""
    source = tmp_path / "module.py"
    source.write_text('X = 1\nQ = f"SELECT ?s WHERE {{ <{X}> ?p ?o }}"\nA = "ASK { ?s ?p ?o }"\n', encoding="utf-8")
    assert sorted({line for line, text in _strings_outside_docstrings(source) if SPARQL_TEXT.search(text)}) == [2, 3]


def injections(url: str) -> list[str]:
    """The texts the outside test of issue 10 sent, and more of their kind."""
    return [
        f"https://x> ?p ?o }} UNION {{ SERVICE SILENT <{url}> {{ ?a ?p ?c }} }} }} #",
        f"https://w3id.org/ilokg/id/flagship/a> $p $o }} SERVICE <{url}> {{ $a $b $c }} }} #",
        f"a> $p $o }} SERVICE <{url}> {{ $a $b $c }} }} #",
        "http://a>b",
        "http://\x00",
        "http://x\udcff",
        '8.7" } UNION { ?s ?p ?o } #',
        "ipec-plus' } ; LOAD <http://127.0.0.1:9/>",
    ]


def _urls(spec: dict[str, object], text: str) -> list[str]:
    """Each GET route of the OpenAPI document with `text` in every string parameter it takes."""
    urls = []
    paths = spec["paths"]
    assert isinstance(paths, dict)
    quoted = urllib.parse.quote(text, safe="", errors="surrogateescape")
    for template, item in paths.items():
        get = item.get("get")
        if get is None or template.startswith("/static"):
            continue
        path, query = template, {}
        for parameter in get.get("parameters", []):
            if parameter["in"] == "path":
                path = path.replace("{" + parameter["name"] + "}", quoted)
            elif parameter["in"] == "query" and _is_text(parameter.get("schema", {})):
                query[parameter["name"]] = quoted
        if path != template or query:
            urls.append(path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""))
    return urls


def _is_text(schema: dict[str, object]) -> bool:
    options = schema.get("anyOf", [schema])
    assert isinstance(options, list)
    return any(isinstance(o, dict) and o.get("type") == "string" and "enum" not in o for o in options)


def test_no_route_lets_request_text_into_a_query_of_ours(
    server: Server, http: httpx.Client, recorder: ConnectionRecorder
) -> None:
    spec = http.get("/openapi.json").json()
    before = len(recorder.connections)
    sent = 0
    for text in injections(recorder.url):
        for url in _urls(spec, text):
            for accept in ("application/json", "text/html", "text/turtle"):
                response = http.get(url, headers={"Accept": accept})
                assert response.status_code < 500, (url, accept, response.status_code, response.text[:200])
                sent += 1
    assert sent > 100
    assert len(recorder.connections) == before
