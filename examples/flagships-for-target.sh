#!/bin/sh
# The query of flagships-for-target.rq with curl, as CSV (the service must be running: `make serve`).
curl -sS --fail -H 'Accept: text/csv' --data-urlencode "query@$(dirname "$0")/flagships-for-target.rq" \
  "${ILOKG_URL:-http://127.0.0.1:8000}/sparql"
