"""Which flagship programmes serve SDG target 8.7? Asked of the JSON API with httpx: the flagships the documents
state, each with the document, line and quote; those that serve it through a range of targets a document states;
those only related to it through a chain of stated links; and what is stated of the flagships as a group.

    python examples/json_api.py [TARGET]

The service must be running (`make serve`); ILOKG_URL points at another one (default http://127.0.0.1:8000).
"""

from __future__ import annotations

import os
import sys

import httpx

SERVICE = os.environ.get("ILOKG_URL", "http://127.0.0.1:8000")
target = sys.argv[1] if len(sys.argv) > 1 else "8.7"

response = httpx.get(f"{SERVICE}/sdg/targets/{target}/flagships", timeout=30)
if response.status_code != 200:  # errors are RFC 9457 problems: `detail` says what to change
    sys.exit(f"{response.status_code}: {response.json()['detail']}")
answer = response.json()

print(f"SDG target {answer['target']['id']}: {answer['target']['label']}")
# The strength of each link: stated, stated as a range (expanded by rule), or related through a chain.
for key, heading in (
    ("stated", "stated"),
    ("stated_as_range", "stated as a range"),
    ("related", "related"),
    ("group", "of the flagships as a group"),
):
    for item in answer[key]:
        how = "" if item["strength"] == "stated" else f": {item['why']}"
        print(f"{heading}: {item['flagship']['label']} [{item['flagship']['id']}]{how}")
        for evidence in item["evidence"]:
            print(f"  {evidence['document']['id']} line {evidence['line']}: \u201c{evidence['quote']}\u201d")
        for derivation in item["derivations"]:
            print(f"  by rule: {derivation['rule']['label']}")
