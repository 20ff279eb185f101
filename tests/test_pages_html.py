"""The server-rendered pages: valid HTML (the Nu HTML Checker), readable without JavaScript, local assets only,
and a clear 4xx for bad input."""

from __future__ import annotations

import csv
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.documents import between, find, line_of
from tests.pages import ALL_PAGES, NOT_FOUND_PAGES, FirstVisitClient, printed_symbols

PROJECT_DIR = Path(__file__).resolve().parent.parent
VNU_JAR = PROJECT_DIR / "web" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

PAGES = ALL_PAGES


@pytest.fixture(scope="module")
def client(live_server: str) -> httpx.Client:
    with FirstVisitClient(base_url=live_server, headers={"Accept": "text/html"}, timeout=30) as session:
        yield session


@pytest.fixture(scope="module")
def rendered(client: httpx.Client) -> dict[str, httpx.Response]:
    return {name: client.get(url) for name, url in PAGES.items()}


def test_pages_answer_html(rendered: dict[str, httpx.Response]) -> None:
    for name, response in rendered.items():
        expected = 404 if name in NOT_FOUND_PAGES else 200
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
    for section in ("names", "standards", "sdgs", "results", "figures", "partners", "countries"):
        assert f'<h2 id="{section}">' in html, section
    assert 'class="strength-group strength-stated"' in html
    assert "Principal labour standards" in html
    general = rendered["region"].text  # things without a view of their own: every link in and out
    assert 'id="links-in"' in general
    assert 'href="/id/instrument/C182"' in html
    quotes = re.findall(r'<blockquote cite="/documents/([a-z0-9-]+)#L(\d+)">', html)
    assert len(quotes) > 20
    # A derived link names its rule and its premises.
    target = rendered["sdg-target"].text
    assert "Derived by the rule" in target


def test_links_are_headed_by_words_not_by_the_names_of_properties(rendered: dict[str, httpx.Response]) -> None:
    """A group of links is headed by its property's label, never its local name (`hasIndicator`, `broader`)."""
    read = 0
    for name, response in rendered.items():
        headings = [re.sub(r"<[^>]+>", "", h) for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", response.text, re.S)]
        assert [h for h in headings if re.search(r"\b[a-z]+[A-Z][A-Za-z]*\b", h)] == [], name
        assert [h for h in headings if re.match(r"\s*from\s+about\b", h)] == [], name  # "parts ... about it"
        read += len(headings)
    assert read > 100


def test_an_sdg_indicator_names_its_custodian_agencies(rendered: dict[str, httpx.Response]) -> None:
    """As the SDG framework's indicator list gives them (`ILO;UNICEF`), each once, in the indicator's lead."""
    code = re.search(r"<h1[^>]*>\s*Indicator ([\d.a-z]+)", rendered["sdg-indicator"].text)
    assert code is not None
    with (PROJECT_DIR / "seeds" / "reference" / "sdg" / "indicators.csv").open(encoding="utf-8", newline="") as f:
        row = next(r for r in csv.DictReader(f) if r["code"] == code.group(1))
    agencies = row["custodian_agency_2019"].split(";")
    lead = re.search(r'<p class="custodian">(.*?)</p>', rendered["sdg-indicator"].text, re.S)
    assert lead is not None and len(agencies) >= 1
    words = "Custodian agency" if len(agencies) == 1 else "Custodian agencies"
    assert html.unescape(lead.group(1)) == f"{words}: " + " · ".join(agencies)


EVIDENCE_BLOCK = re.compile(r'<figure class="evidence">(.*?)</figure>', re.S)


def test_every_evidence_block_shows_its_documents_symbol(rendered: dict[str, httpx.Response]) -> None:
    symbols = printed_symbols()
    assert set(symbols) == {"gb325-pol7", "pb-2022-23"}  # the two texts that print their symbol
    checked = 0
    for name, response in rendered.items():
        for block in EVIDENCE_BLOCK.findall(response.text):
            document = re.search(r'<blockquote cite="/documents/([a-z0-9-]+)#L\d+"', block)
            assert document is not None, f"{PAGES[name]}: a quote without its line: {block[:200]}"
            if document.group(1) in symbols:
                assert f'<span class="symbol">{symbols[document.group(1)]}</span>' in block, f"{PAGES[name]}: {block}"
                checked += 1
    assert checked > 100


def test_a_quote_is_placed_where_its_text_places_it(rendered: dict[str, httpx.Response]) -> None:
    # GB.325/POL/7 numbers its paragraphs; the table of the flagships' standards sits in paragraph 14.
    lines = (Path(__file__).parent.parent / "seeds/documents/gb325-pol7-flagship-programmes-2015.txt").read_text(
        encoding="utf-8"
    )
    numbered = [
        (n, int(m.group(1))) for n, text in enumerate(lines.splitlines(), 1) if (m := re.match(r"(\d+)\. ", text))
    ]
    quoted = next(n for n, text in enumerate(lines.splitlines(), 1) if text.startswith("Conventions Nos 138,"))
    paragraph = max((line, number) for line, number in numbered if line < quoted)[1]
    html = rendered["flagship"].text
    block = next(b for b in EVIDENCE_BLOCK.findall(html) if f"#L{quoted}" in b)
    assert f'<span class="place">para. {paragraph}</span>' in block
    assert '<time datetime="2015-11">November 2015</time>' in block


def test_a_quote_can_be_cited_as_text_and_ris(client: httpx.Client, rendered: dict[str, httpx.Response]) -> None:
    html = rendered["flagship"].text
    ris_path = re.search(r'<a href="(/cite/gb325-pol7/[0-9a-f]+)\.ris" download>', html)
    assert ris_path is not None
    ris = client.get(ris_path.group(1) + ".ris")
    assert ris.status_code == 200 and ris.headers["content-type"].startswith("application/x-research-info-systems")
    fields = dict(line.split("  - ", 1) for line in ris.text.split("\r\n") if "  - " in line)
    assert fields["TY"] == "RPRT" and fields["SN"] == printed_symbols()["gb325-pol7"] and fields["PY"] == "2015"
    assert fields["UR"].startswith("https://www.ilo.org/")
    assert re.search(r"line \d+ \(http://127\.0\.0\.1:\d+/documents/gb325-pol7#L\d+\)", fields["N1"])
    text = client.get(ris_path.group(1) + ".txt").text
    assert printed_symbols()["gb325-pol7"] in text and "November 2015" in text and "para. 14" in text.lower()
    assert client.get("/cite/gb325-pol7/0000000000000000.ris").status_code == 404


@pytest.mark.parametrize(
    ("url", "lands_on", "heading"),
    [
        ("/bienniums/2020-21", "/id/biennium/2020-21", "Programme and Budget 2020–21"),
        ("/flagships/ipec-plus", "/id/flagship/ipec-plus", "IPEC+"),
        ("/instruments/c182", "/id/instrument/C182", "Worst Forms of Child Labour Convention"),
        ("/sdg/targets/8.7", "/resources/sdg:8.7", "Target 8.7"),
        ("/bienniums/2022-23/outputs/7.1", "/id/output/2022-23/7.1", "Output 7.1"),
        ("/flagships", "/flagships", "Flagship programmes"),
        ("/sparql", "/sparql", "SPARQL editor"),
    ],
)
def test_a_browser_at_a_json_route_gets_a_page(client: httpx.Client, url: str, lands_on: str, heading: str) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    page = client.get(url, headers=browser, follow_redirects=True)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.url.path == lands_on
    assert heading in re.search(r"<h1>(.*?)</h1>", page.text, re.S).group(1)  # type: ignore[union-attr]
    program = client.get(url, headers={"Accept": "application/json, application/rdf+xml;q=0.5"})
    assert program.status_code == 200 and not program.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("GET", "/no/such/page", 404),
        ("GET", "/id/flagship/no-such-flagship", 404),
        ("GET", "/bienniums/1999-00", 404),
        ("GET", "/bienniums/2020-21/nonsense", 422),
        ("GET", "/resources/http%3A%2F%2Fexample.org%2F%3Cbad%3E", 400),
        ("DELETE", "/flagships", 405),
        ("GET", "/cite/gb325-pol7/0000000000000000.ris", 404),
    ],
)
def test_every_error_a_browser_meets_is_a_page(client: httpx.Client, method: str, url: str, status: int) -> None:
    response = client.request(method, url, headers={"Accept": "text/html"})
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert '<p class="error" role="alert">' in response.text


def test_document_page_has_an_anchor_per_line_and_its_links(rendered: dict[str, httpx.Response]) -> None:
    html = rendered["document"].text
    lines = re.findall(r'<li id="L(\d+)"', html)
    assert lines[:3] == ["1", "2", "3"]
    assert len(lines) == int(re.search(r"([\d,]+) lines", html).group(1).replace(",", ""))  # type: ignore[union-attr]
    assert 'id="links-L' in html


def test_search_finds_short_ids_and_names(client: httpx.Client) -> None:
    for text, expected in (
        ("8.7", "/resources/sdg:8.7"),
        ("C182", "/id/instrument/C182"),
        ("IPEC+", "ipec-plus"),
        ("Convention No. 182", "/id/instrument/C182"),
        ("OSH-GAP", "/id/flagship/safety-health-for-all"),
    ):
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


GROUP = re.compile(r'<section class="strength-group strength-(\w+)"(.*?)</section>', re.S)
JSON = {"Accept": "application/json"}


def _groups(html: str, section: str) -> dict[str, list[str]]:
    """The strength groups of one section of a page: strength -> the ids (or names) of the things listed."""
    part = html.split(f'<h2 id="{section}">', 1)[1].split("<h2 ", 1)[0]
    found: dict[str, list[str]] = {}
    for strength, body in GROUP.findall(part):
        heads = re.findall(r'<div class="link-head">(.*?)</div>', body, re.S)
        hrefs = [href for head in heads for href in re.findall(r'<a href="([^"]+)"', head)]
        found[strength] = [re.split(r"[/:]|%3A", href)[-1] for href in hrefs]
    return found


def test_sdg_links_are_grouped_by_the_strength_the_questions_give(client: httpx.Client) -> None:
    """The SDG page and the flagship dossier list their SDG links by strength, with the rows, groups and words of the
    named questions (flagships-for-target, sdg-of-flagship), and the flow diagram draws each link's strength."""
    # GB.325/POL/7 states 8.7 for IPEC+ and the range 8.2-8.10 for JPR; P&B 2022-23 names Better Work in output
    # 7.1, which reports on SDG indicator 8.7.1: related, not serving.
    assert find("gb325-pol7", r"target 8\.7\s+\(child labour and forced labour\)")
    stated_range = find("gb325-pol7", r"all targets from\s+8\.(\d+) to 8\.(\d+)")
    assert int(stated_range.group(1)) <= 7 <= int(stated_range.group(2))
    assert "Better Work flagship programme" in between("pb-2022-23", r"Output 7\.1:", r"Output 7\.2:")
    page = client.get("/resources/sdg:8.7").text
    groups = _groups(page, "flagships")
    assert "ipec-plus" in groups["stated"]
    assert "jobs-for-peace-resilience" in groups["range"] and "better-work" in groups["chain"]
    assert "stated as the range 8.2-8.10, expanded by rule" in page
    assert "related through output 2022-23/7.1 and SDG indicator 8.7.1" in page
    answer = client.get("/questions/flagships-for-target", params={"target": "8.7"}, headers=JSON).json()
    for strength in ("stated", "range", "chain"):
        from_question = [
            row["flagship"]["id"].partition(":")[2]
            for row in answer["rows"]
            if row["strength"] == strength and not row["flagship"]["id"].startswith("portfolio:")
        ]
        assert sorted(groups.get(strength, [])) == sorted(from_question), strength
    # JPR's dossier: 8.7 among the targets it serves as a stated range, as the question sdg-of-flagship says
    dossier = _groups(client.get("/id/flagship/jobs-for-peace-resilience").text, "sdgs")
    rows = client.get("/questions/sdg-of-flagship", params={"flagship": "JPR"}, headers=JSON).json()["rows"]
    for strength in ("stated", "range", "chain"):
        ids = [row["sdg"]["id"].removeprefix("sdg:") for row in rows if row["strength"] == strength]
        assert sorted(dossier.get(strength, [])) == sorted(ids), strength
    assert "8.7" in dossier["range"]
    # the flow diagram: the same strengths for the same links
    flow = client.get("/diagrams/flow", params={"flagship": "jobs-for-peace-resilience"}, headers=JSON).json()
    strengths = {
        (link["source"].rsplit("/", 1)[-1], link["target"].rsplit("/", 1)[-1]): link["strength"]
        for link in flow["links"]
    }
    assert strengths[("jobs-for-peace-resilience", "8.7")] == "range"
    assert "chain" in strengths.values() and "stated" in strengths.values()


def test_parts_programmes_and_indicator_units_have_views_of_their_own(client: httpx.Client) -> None:
    """Curation's new kinds read as what they are, from the documents' text, not as a list of every link."""
    heading = line_of("pir-2020-21", r"Table 1\. Key trends in decent work indicators")
    part = client.get("/id/part/pir-2020-21/table-1").text
    assert 'id="links-in"' not in part and "<h1>Table 1. Key trends in decent work indicators" in part
    assert f'href="/documents/pir-2020-21#L{heading}">line {heading}</a>' in part
    rows = between("pir-2020-21", r"Table 1\. Key trends", r"\n\s*Figure|\n\s*Table 2\.")
    reported = set(re.findall(r"SDG indicator (\d+\.\d+\.\d+)", rows))
    assert reported and all(
        f'href="/resources/sdg%3A{code}"' in part or f"Indicator {code}" in part for code in reported
    )
    # IPEC: named in GB.325/POL/7 para. 9, revised as IPEC+ (para. 4)
    assert find("gb325-pol7", r"Elimination of Child Labour \(IPEC\)")
    programme = client.get("/id/programme/ipec").text
    assert 'id="links-in"' not in programme and '<h2 id="revised">Revised as</h2>' in programme
    assert '<th scope="row">IPEC</th><td>acronym</td>' in programme
    # indicator 2.1.1 counts ratifications; its text names C182 ("the universal ratification of the Worst Forms ...")
    indicator = client.get("/id/indicator/2020-21/2.1.1").text
    assert re.search(r"<dt>Unit</dt><dd>count of ratifications", indicator)
    names = indicator.split('<h2 id="names">', 1)[1]
    assert 'href="/id/instrument/C182"' in names
    assert (
        f'href="/documents/pir-2020-21#L{line_of("pir-2020-21", r"the universal ratification of the Worst")}"' in names
    )
