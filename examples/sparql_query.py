"""Which flagship programmes serve SDG target 8.7, and where does each document say so? Asked over SPARQL with
SPARQLWrapper; the rows are written as CSV.

    python examples/sparql_query.py > flagships.csv

The service must be running (`make serve`); ILOKG_URL points at another one (default http://127.0.0.1:8000).
"""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

from SPARQLWrapper import JSON, SPARQLWrapper

SERVICE = os.environ.get("ILOKG_URL", "http://127.0.0.1:8000")
QUERY = (Path(__file__).parent / "flagships-for-target.rq").read_text(encoding="utf-8")

endpoint = SPARQLWrapper(f"{SERVICE}/sparql")
endpoint.setQuery(QUERY)
endpoint.setReturnFormat(JSON)
results = endpoint.queryAndConvert()
assert isinstance(results, dict)  # SPARQL JSON results, as a dict

columns = results["head"]["vars"]  # flagship, name, document, line, quote
writer = csv.writer(sys.stdout, lineterminator="\n")
writer.writerow(columns)
for row in results["results"]["bindings"]:
    writer.writerow([row[column]["value"] if column in row else "" for column in columns])
