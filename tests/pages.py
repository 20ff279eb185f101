"""The pages the page tests visit: one of every kind a person meets."""

from __future__ import annotations

# Every kind of page: home, editor, search, question, documents, flow, path, and a resource page of each kind.
ALL_PAGES = {
    "home": "/",
    "editor": "/query",
    "search": "/search?q=child+labour",
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
    "path-form": "/path",
    "flagship": "/id/flagship/ipec-plus",
    "instrument": "/id/instrument/C182",
    "outcome": "/id/outcome/2022-23/7",
    "output": "/id/output/2022-23/7.1",
    "pb-indicator": "/id/indicator/2020-21/7.1.2",
    "sdg-goal": "/resources/sdg:8",
    "sdg-target": "/resources/sdg:8.7",
    "sdg-indicator": "/resources/sdg:8.7.1",
    "source-document": "/id/document/gb325-pol7",
    "partner": "/id/organization/alliance-8-7",
    "not-found": "/documents/no-such-document",
}
