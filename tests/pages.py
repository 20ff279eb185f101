"""The pages the page tests visit: one of every kind a person meets."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

# Every kind of page: home, editor, search, question, documents, flow, map, path, lists, a resource page of each kind,
# and pages in French and Spanish.
ALL_PAGES = {
    "home": "/",
    "browse": "/browse",
    "editor": "/query",
    "sparql-in-a-browser": "/sparql",
    "search": "/search?q=child+labour",
    "search-code": "/search?q=7.1",
    "search-empty": "/search",
    "answer": "/questions/flagships-for-target?target=8.7",
    "questions": "/questions",
    "question-chart": "/questions/indicator-results?of=2020-21/8",
    "question-figures": "/questions/flagship-figures?flagship=Better+Work",
    "question-form": "/questions/output-names",
    "ask": "/ask?q=which+flagships+serve+8.7%3F",
    "ask-unsure": "/ask?q=outputs+of+outcome+7",
    "documents": "/documents",
    "document": "/documents/gb325-pol7",
    "reference-list": "/documents/sdg-targets",
    "flow": "/flow",
    "flow-goals": "/flow?level=goal&flagship=ipec-plus&derived=false",
    "path": "/path?from=ipec-plus&to=sdg:16.2",
    "path-by-names": "/path?from=OSH-GAP&to=Convention+No.+182",
    "path-form": "/path",
    "flagships": "/flagships",
    "flagship": "/id/flagship/ipec-plus",
    "flagship-ranges": "/id/flagship/jobs-for-peace-resilience",
    "instruments": "/instruments",
    "instrument": "/id/instrument/C182",
    "bienniums": "/bienniums",
    "biennium": "/id/biennium/2020-21",
    "biennium-2002-03": "/id/biennium/2002-03",
    "outcome": "/id/outcome/2022-23/7",
    "output": "/id/output/2020-21/7.1",
    "pb-indicator": "/id/indicator/2020-21/7.1.2",
    "operational-objective": "/id/operational-objective/2002-03/3a",
    "sdg-goals": "/sdg/goals",
    "sdg-targets": "/sdg/targets",
    "sdg-goal": "/resources/sdg:8",
    "sdg-target": "/resources/sdg:8.7",
    "sdg-indicator": "/resources/sdg:8.7.1",
    "source-document": "/id/document/gb325-pol7",
    "partners": "/partners",
    "partner": "/id/organization/alliance-8-7",
    "countries": "/countries",
    "country": "/id/country/BGD",
    "country-data": "/id/country/PAK",
    "map": "/map?indicator=8.7.1&series=SL_TLF_CHLDEC&flagship=ipec-plus",
    "map-plain": "/map",
    "map-fr": "/map?indicator=1.3.1&lang=fr",
    "country-es": "/id/country/PAK?lang=es",
    "sdg-target-fr": "/resources/sdg:8.7?lang=fr",
    "answer-countries-es": "/questions/countries-of-flagship?flagship=IPEC%2B&indicator=8.7.1&lang=es",
    "home-fr": "/?lang=fr",
    "region": "/id/region/africa",
    "part": "/id/part/pir-2020-21/table-1",
    "programme": "/id/programme/ipec",
    "pb-indicator-names": "/id/indicator/2020-21/2.1.1",
    "not-found": "/documents/no-such-document",
    "unknown-page": "/no/such/page",
}
# The pages that answer 404 on purpose.
NOT_FOUND_PAGES = {"not-found", "unknown-page"}

DOCUMENTS_DIR = Path(__file__).resolve().parent.parent / "seeds" / "documents"
# An ILO document symbol standing on a line of its own (a running head, with or without its page number).
_SYMBOL_LINE = re.compile(r"^\s*(GB\.\d+/[A-Z]+/\d+)(?:\s+\d+)?\s*$")


def printed_symbols() -> dict[str, str]:
    """The symbol each source document prints as its own (from its text), by document key."""
    found: dict[str, str] = {}
    registry = (DOCUMENTS_DIR / "documents.csv").read_text(encoding="utf-8").splitlines()[1:]
    for row in registry:
        key, file = row.split(",", 2)[:2]
        for line in (DOCUMENTS_DIR / file).read_text(encoding="utf-8").splitlines():
            match = _SYMBOL_LINE.match(line)
            if match:
                found[key] = match.group(1)
                break
    return found


class FirstVisitClient(httpx.Client):
    """An HTTP client that keeps no cookie, so that each request is a first visit: a page asked for with ?lang=
    sets the language cookie, and a browser would send it to every page it opens next."""

    def send(self, request: httpx.Request, **kwargs: object) -> httpx.Response:  # type: ignore[override]
        response = super().send(request, **kwargs)  # type: ignore[arg-type]
        self.cookies.clear()
        return response
