"""Asking in plain words: the box on every page reads each phrasing as a named question and says how it read it.

Each phrasing below is written the way a planner would type it, with the names and codes the documents use
(acronyms, variants, en dashes and hyphens, C.182, Convention No. 29, 2020–2021); the expected reading is the
question and arguments it must become.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.documents import find

# (phrasing, question, arguments, strength)
PHRASINGS: list[tuple[str, str, dict[str, str], str]] = [
    ("which flagships serve 8.7?", "flagships-for-target", {"target": "8.7"}, "any"),
    ("Which flagship programmes contribute to SDG target 8.7", "flagships-for-target", {"target": "8.7"}, "any"),
    ("who works on target 8.8", "flagships-for-target", {"target": "8.8"}, "any"),
    ("which programmes are stated to serve 8.8?", "flagships-for-target", {"target": "8.8"}, "stated"),
    ("which flagships are related to 8.b", "flagships-for-target", {"target": "8.b"}, "chain"),
    ("which flagships serve SDG 8?", "flagships-for-goal", {"goal": "8"}, "any"),
    ("flagships for goal 16", "flagships-for-goal", {"goal": "16"}, "any"),
    ("which flagships serve indicator 8.8.1", "flagships-for-indicator", {"indicator": "8.8.1"}, "any"),
    ("Which flagships report on 8.7.1?", "flagships-for-indicator", {"indicator": "8.7.1"}, "any"),
    ("what standards does IPEC+ rest on?", "standards-of-flagship", {"flagship": "ipec-plus"}, "any"),
    ("what are the principal standards of Better Work", "standards-of-flagship", {"flagship": "better-work"}, "any"),
    (
        "Which conventions underpin the Social Protection Floors for All programme?",
        "standards-of-flagship",
        {"flagship": "social-protection-floors"},
        "any",
    ),
    ("OSH\u2013GAP standards", "standards-of-flagship", {"flagship": "safety-health-for-all"}, "any"),
    ("OSH-GAP standards", "standards-of-flagship", {"flagship": "safety-health-for-all"}, "any"),
    (
        "International Programme for the Elimination of Child Labour and Forced Labour standards",
        "standards-of-flagship",
        {"flagship": "ipec-plus"},
        "any",
    ),
    ("which flagships are based on C.182?", "flagships-of-standard", {"standard": "C182"}, "any"),
    ("which programmes share Convention No. 29", "flagships-of-standard", {"standard": "C029"}, "any"),
    ("which flagships rest on R.202", "flagships-of-standard", {"standard": "R202"}, "any"),
    ("standards shared by several flagships", "shared-standards", {}, "any"),
    ("which SDG targets does JPR serve?", "sdg-of-flagship", {"flagship": "jobs-for-peace-resilience"}, "any"),
    ("SDGs of Better Work", "sdg-of-flagship", {"flagship": "better-work"}, "any"),
    (
        "SDG targets of the Safety and Health + All Programme",
        "sdg-of-flagship",
        {"flagship": "safety-health-for-all"},
        "any",
    ),
    ("which flagships contribute to outcome 7 of 2022-23?", "flagships-for-outcome", {"outcome": "2022-23/7"}, "any"),
    (
        "which flagships contribute to output 7.1 in 2022\u201323",
        "flagships-for-output",
        {"output": "2022-23/7.1"},
        "any",
    ),
    ("what are the outputs of outcome 7 in 2022-23?", "outputs-of-outcome", {"outcome": "2022-23/7"}, "any"),
    ("outputs of outcome 8 2020-2021", "outputs-of-outcome", {"outcome": "2020-21/8"}, "any"),
    ("what does output 7.1 of 2022-23 name?", "output-names", {"output": "2022-23/7.1"}, "any"),
    ("results of indicator 8.1.1 in 2020-21", "indicator-results", {"of": "2020-21/8.1.1"}, "any"),
    ("targets and results of indicator 8.1.1", "indicator-results", {"of": "2020-21/8.1.1"}, "any"),
    ("did outcome 8 meet its targets in 2020\u201321?", "indicator-results", {"of": "2020-21/8"}, "any"),
    ("what figures do the documents give for Better Work?", "flagship-figures", {"flagship": "better-work"}, "any"),
    ("how many workers does Better Work reach over the years", "flagship-figures", {"flagship": "better-work"}, "any"),
    ("Safety + Health for All figures", "flagship-figures", {"flagship": "safety-health-for-all"}, "any"),
    ("in which countries does IPEC+ work?", "countries-and-partners", {"flagship": "ipec-plus"}, "any"),
    ("where is IPEC+ active", "countries-and-partners", {"flagship": "ipec-plus"}, "any"),
    (
        "who are the partners of Jobs for Peace and Resilience",
        "countries-and-partners",
        {"flagship": "jobs-for-peace-resilience"},
        "any",
    ),
    (
        "where does the Social Protection Floor operate?",
        "countries-and-partners",
        {"flagship": "social-protection-floors"},
        "any",
    ),
    (
        "where does IPEC+ work, and what is the latest value of 8.7.1 there?",
        "countries-of-flagship",
        {"flagship": "ipec-plus", "indicator": "8.7.1"},
        "any",
    ),
    (
        "SDG indicator 1.3.1 data in the countries of Social Protection Floors for All",
        "countries-of-flagship",
        {"flagship": "social-protection-floors", "indicator": "1.3.1"},
        "any",
    ),
    ("how has outcome 7 changed across bienniums?", "code-across-bienniums", {"code": "7"}, "any"),
    ("what is code 7.2 in each biennium", "code-across-bienniums", {"code": "7.2"}, "any"),
    ("strategic resources of P&B 2002-03", "strategic-resources-2002-03", {}, "any"),
    ("budget for social protection in 2002\u201303", "strategic-resources-2002-03", {}, "any"),
]


def reading_of(client: httpx.Client, text: str) -> dict[str, Any]:
    response = client.get("/ask", params={"q": text}, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text[:300]
    body: dict[str, Any] = response.json()
    return body


def test_there_are_at_least_25_phrasings_covering_every_question() -> None:
    from graph.read.named import QUESTIONS

    assert len(PHRASINGS) >= 25
    assert {question for _, question, _, _ in PHRASINGS} == {q.name for q in QUESTIONS}


@pytest.mark.parametrize(("text", "question", "arguments", "strength"), PHRASINGS, ids=[p[0] for p in PHRASINGS])
def test_each_phrasing_is_read_as_its_question_and_answered(
    client: httpx.Client, text: str, question: str, arguments: dict[str, str], strength: str
) -> None:
    body = reading_of(client, text)
    assert body["sure"], f"{text!r}: unsure, readings {[r['sentence'] for r in body['readings']]}"
    reading = body["reading"]
    assert (reading["question"], reading["arguments"], reading["strength"]) == (question, arguments, strength)
    assert reading["explanation"] and reading["sentence"].endswith("?")
    assert body["answer"]["question"] == question and body["answer"]["arguments"] == arguments
    # the page says how it read the question, and answers it
    page = client.get("/ask", params={"q": text}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.text
    assert "I read this as" in html
    assert f'href="{reading["url"].replace("&", "&amp;")}"' in html
    assert '<tr class="answer-row"' in html or "Nothing in the graph answers this" in html


def test_names_are_read_with_every_variant_the_documents_use(client: httpx.Client) -> None:
    # GB.325 calls Safety + Health for All "OSH–GAP" (an en dash); a person types a hyphen
    find("gb325-pol7", r"\(OSH\u2013GAP\)")
    en_dash = reading_of(client, "OSH\u2013GAP standards")["reading"]
    hyphen = reading_of(client, "OSH-GAP standards")["reading"]
    assert en_dash["arguments"] == hyphen["arguments"] == {"flagship": "safety-health-for-all"}
    # the brochure's spelling "Safety and Health + All Programme" is read too
    find("brochure-2020", r"The Safety and Health \+\s+All Programme")
    assert reading_of(client, "SDG targets of the Safety and Health + All Programme")["sure"]


def test_when_unsure_it_offers_the_closest_readings_and_the_search_results(client: httpx.Client) -> None:
    # outcome 7 exists in three bienniums: the reader asks which one, by offering each
    body = reading_of(client, "outputs of outcome 7")
    assert not body["sure"] and body["answer"] is None
    offered = [(r["question"], r["arguments"]) for r in body["readings"]]
    assert ("outputs-of-outcome", {"outcome": "2022-23/7"}) in offered
    assert ("outputs-of-outcome", {"outcome": "2020-21/7"}) in offered
    assert 2 <= len(offered) <= 3
    # two targets: two readings, equally close
    two = reading_of(client, "which flagships serve 8.7 and 16.2")
    assert not two["sure"]
    assert {r["arguments"]["target"] for r in two["readings"][:2]} == {"8.7", "16.2"}
    # no question in the words: what a search of the names finds
    words = reading_of(client, "child labour")
    assert not words["sure"] and words["search"]
    assert "flagship:ipec-plus" in {hit["ref"]["id"] for hit in words["search"]}
    page = client.get("/ask", params={"q": "outputs of outcome 7"}, headers={"Accept": "text/html"})
    assert "I am not sure how to read this" in page.text
    assert re.search(r'href="/questions/outputs-of-outcome\?outcome=2020-21%2F7"', page.text)


def test_every_page_has_the_box(client: httpx.Client) -> None:
    for url in ("/", "/questions", "/questions/shared-standards", "/documents"):
        html = client.get(url, headers={"Accept": "text/html"}).text
        assert re.search(r'<form class="ask-form"[^>]*action="/ask"', html), url


def test_an_empty_or_overlong_question_says_what_to_write(client: httpx.Client) -> None:
    empty = client.get("/ask", params={"q": " "}, headers={"Accept": "application/json"})
    assert empty.status_code == 400 and "which flagships serve 8.7" in empty.json()["detail"]
    long = client.get("/ask", params={"q": "x " * 200}, headers={"Accept": "application/json"})
    assert long.status_code == 400 and "longer than" in long.json()["detail"]
