"""The server-rendered pages: valid HTML (the Nu HTML Checker), readable without JavaScript, local assets only,
and a clear 4xx for bad input."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.pages import ALL_PAGES

PROJECT_DIR = Path(__file__).resolve().parent.parent
VNU_JAR = PROJECT_DIR / "web" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

PAGES = ALL_PAGES


@pytest.fixture(scope="module")
def client(live_server: str) -> httpx.Client:
    with httpx.Client(base_url=live_server, headers={"Accept": "text/html"}, timeout=30) as session:
        yield session


@pytest.fixture(scope="module")
def rendered(client: httpx.Client) -> dict[str, httpx.Response]:
    return {name: client.get(url) for name, url in PAGES.items()}


def test_pages_answer_html(rendered: dict[str, httpx.Response]) -> None:
    for name, response in rendered.items():
        expected = 404 if name == "not-found" else 200
        assert response.status_code == expected, f"{PAGES[name]}: {response.status_code}"
        assert response.headers["content-type"].startswith("text/html"), PAGES[name]


def test_pages_are_valid_html(rendered: dict[str, httpx.Response], tmp_path: Path) -> None:
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        pytest.skip("the Nu HTML Checker needs java and web/node_modules/vnu-jar (make installs it)")
    # A broken control file proves the checker really reads the files it is given.
    control = tmp_path / "control.html"
    control.write_text("<!doctype html><html lang=en><title>x</title><p><div></p>", encoding="utf-8")
    files = [str(control)]
    for name, response in rendered.items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    run = subprocess.run(
        [java, "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    messages = json.loads(run.stdout)["messages"]
    assert any(m["type"] == "error" and m.get("url", "").endswith("control.html") for m in messages)
    messages = [m for m in messages if not m.get("url", "").endswith("control.html")]
    problems = [
        f"{Path(m.get('url', '')).stem} line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "warning"
    ]
    assert problems == []


def test_pages_load_scripts_and_styles_only_from_the_service(rendered: dict[str, httpx.Response]) -> None:
    for name, response in rendered.items():
        html = response.text
        for url in re.findall(r'<(?:script|link|img)\b[^>]*?\b(?:src|href)="([^"]+)"', html):
            assert url.startswith("/") and not url.startswith("//"), f"{PAGES[name]} loads {url}"
        assert "<script>" not in html and " on" + "click=" not in html, f"{PAGES[name]} has inline script"


def test_the_answer_reads_without_javascript(rendered: dict[str, httpx.Response]) -> None:
    html = rendered["answer"].text
    stated = html.split("Serve it: stated by a document", 1)[1].split("</tbody>", 1)[0]
    assert "IPEC+" in stated
    assert "<blockquote" in stated
    assert re.search(r'href="/documents/[a-z0-9-]+#L\d+"', stated)


def test_resource_pages_give_every_link_with_evidence(rendered: dict[str, httpx.Response]) -> None:
    html = rendered["flagship"].text
    assert 'id="links-out"' in html and 'id="links-in"' in html
    assert "principal standard" in html
    assert 'href="/id/instrument/C182"' in html
    quotes = re.findall(r'<blockquote cite="/documents/([a-z0-9-]+)#L(\d+)">', html)
    assert len(quotes) > 20
    # A derived link names its rule and its premises.
    target = rendered["sdg-target"].text
    assert "Derived by the rule" in target


def test_document_page_has_an_anchor_per_line_and_its_links(rendered: dict[str, httpx.Response]) -> None:
    html = rendered["document"].text
    lines = re.findall(r'<li id="L(\d+)"', html)
    assert lines[:3] == ["1", "2", "3"]
    assert len(lines) == int(re.search(r"([\d,]+) lines", html).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert 'id="links-L' in html


def test_search_finds_short_ids_and_names(client: httpx.Client) -> None:
    for text, expected in (("8.7", "/resources/sdg:8.7"), ("C182", "/id/instrument/C182"), ("IPEC+", "ipec-plus")):
        html = client.get("/search", params={"q": text}).text
        first = re.search(r'<ol class="results">\s*<li><a href="([^"]+)"', html)
        assert first is not None and expected in first.group(1), text


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/questions/flagships-for-target?target=99.9", 404, "99.9"),
        ("/questions/flagships-for-target?target=banana", 404, "write it like 8.7"),
        ("/path?from=no-such-thing&to=8.7", 404, "no-such-thing"),
        ("/search?q=" + "x" * 300, 400, "longer than"),
        ("/flow?flagship=nope", 404, "nope"),
        ("/documents/nope", 404, "gb325-pol7"),
    ],
)
def test_bad_input_gets_a_clear_4xx_page(client: httpx.Client, url: str, status: int, says: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert says in response.text


def test_flow_data_is_json_with_a_schema(client: httpx.Client) -> None:
    data = client.get("/diagrams/flow", params={"flagship": "ipec-plus"}, headers={"Accept": "application/json"}).json()
    assert {node["column"] for node in data["nodes"]} == {0, 1, 2}
    assert [node["ref"]["id"] for node in data["nodes"] if node["column"] == 0] == ["flagship:ipec-plus"]
    to_8_7 = [link for link in data["links"] if link["target"] == "http://metadata.un.org/sdg/8.7"]
    assert any(link["stated"] and link["evidence"] for link in to_8_7)
    schema = client.get("/openapi.json").json()
    assert "FlowModel" in schema["components"]["schemas"]
