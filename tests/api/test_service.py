"""Health, problem responses and the OpenAPI document, through a real HTTP server."""

from __future__ import annotations

import time

import httpx

from graph.settings import Settings
from graph.store.embedded import OxigraphStore

PROBLEM_KEYS = {"type", "title", "status", "detail"}


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert body.keys() >= PROBLEM_KEYS
    assert body["status"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def test_health_is_ready_with_the_build(client: httpx.Client, built_store: OxigraphStore) -> None:
    deadline = time.monotonic() + 120  # at a first start the on-disk store is written and the workers load
    while (body := client.get("/health").json())["query_workers"] != "memory" or body["status"] != "ready":
        assert body["status"] in ("ready", "degraded") and time.monotonic() < deadline, body
        time.sleep(0.1)
    counts = built_store.counts()
    assert body == {
        "status": "ready",
        "reason": None,
        "query_workers": "memory",
        "triples": counts.triples,
        "quads": counts.quads,
        "build_id": built_store.build_id,
        "network": "off",  # the test server runs in the test process, which keeps its network
    }


def test_health_is_503_problem_when_no_graph_can_be_loaded(tmp_path: object) -> None:
    from pathlib import Path

    from fastapi.testclient import TestClient

    from api.app import create_app

    assert isinstance(tmp_path, Path)
    broken = Settings(data_dir=tmp_path / "data", seeds_dir=tmp_path / "no-seeds")
    with TestClient(create_app(broken)) as http:
        body = assert_problem(http.get("/health"), 503)
        assert "could not be loaded" in str(body["detail"])
        assert_problem(http.get("/flagships"), 503)


def test_unknown_route_is_a_problem(client: httpx.Client) -> None:
    body = assert_problem(client.get("/no/such/route"), 404)
    assert "/openapi.json" in str(body["detail"])


def test_invalid_parameter_is_a_422_problem_naming_it(client: httpx.Client) -> None:
    body = assert_problem(client.get("/paths", params={"from": "C182", "to": "8.7", "max_length": "two"}), 422)
    assert "max_length" in str(body["detail"])


def test_openapi_lists_every_route_with_a_response_schema(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    paths = document["paths"]
    expected = {
        "/health",
        "/sparql",
        "/sdg/targets/{code}/flagships",
        "/flagships",
        "/flagships/{id}",
        "/instruments",
        "/instruments/{id}",
        "/bienniums",
        "/bienniums/{biennium}",
        "/bienniums/{biennium}/{kind}",
        "/bienniums/{biennium}/{kind}/{code}",
        "/sdg/{kind}",
        "/sdg/{kind}/{code}",
        "/paths",
        "/resources/{id}/neighbourhood",
        "/resources/{id}",
        "/id/{kind}/{local}",
        "/export",
    }
    assert expected <= set(paths)
    for path, operations in paths.items():
        for method, operation in operations.items():
            ok = operation["responses"].get("200")
            assert ok is not None, f"{method.upper()} {path} documents no 200 response"
            assert ok.get("content"), f"{method.upper()} {path} has no response schema"
            for content in ok["content"].values():
                assert "schema" in content, f"{method.upper()} {path} has no response schema"
    schemas = document["components"]["schemas"]
    for model in ("FlagshipModel", "FlagshipsForTargetModel", "PathAnswerModel", "ProblemDetail", "SdgModel"):
        assert model in schemas


def test_openapi_describes_json_bodies_as_json_and_they_are(client: httpx.Client) -> None:
    # A JSON-LD export, a JSON-LD resource and SPARQL JSON results: each declared with a JSON schema
    # that the body actually satisfies (a client or schema checker parses them as JSON).
    document = client.get("/openapi.json").json()
    cases = [
        ("/export", "get", "application/ld+json", client.get("/export", params={"format": "jsonld"})),
        (
            "/id/{kind}/{local}",
            "get",
            "application/ld+json",
            client.get("/id/flagship/ipec-plus", params={"format": "jsonld"}),
        ),
        (
            "/sparql",
            "get",
            "application/sparql-results+json",
            client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}),
        ),
    ]
    json_types = {"object": dict, "array": list}
    for path, method, media_type, response in cases:
        assert response.status_code == 200, (path, response.text[:200])
        declared = document["paths"][path][method]["responses"]["200"]["content"][media_type]["schema"]
        allowed = declared["type"] if isinstance(declared["type"], list) else [declared["type"]]
        assert "string" not in allowed, path
        assert isinstance(response.json(), tuple(json_types[t] for t in allowed)), path
