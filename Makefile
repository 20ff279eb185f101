# The two commands of the README: `make serve` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Browser assets come from the npm registry at install time and are served locally (never from a CDN).
VENDOR := api/static/vendor
WEB_STAMP := $(VENDOR)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: browser-deps serve test build lint typecheck unit bench bench-full load clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)
	cp web/node_modules/@zazuko/yasgui/build/yasgui.min.js web/node_modules/@zazuko/yasgui/build/yasgui.min.css \
	   web/node_modules/d3/dist/d3.min.js web/node_modules/d3-sankey/dist/d3-sankey.min.js $(VENDOR)/
	touch $(WEB_STAMP)

# Debian's chromium for the browser tests; where it cannot be installed those tests skip and say why.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq chromium >/dev/null) || echo "chromium could not be installed: browser tests will skip"

build: $(STAMP)
	$(BIN)/ilokg build

serve: build $(WEB_STAMP)
	$(BIN)/ilokg serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check api graph ontology tests benchmarks
	$(BIN)/ruff format --check api graph ontology tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP) $(WEB_STAMP) browser-deps
	$(BIN)/python -m pytest

test: lint typecheck unit

# 50 concurrent clients for 60 s against a real server (not part of `make test`; see BENCHMARKS.md).
CLIENTS ?= 50
DURATION ?= 60
load: build
	$(BIN)/python -m tests.load.load --clients $(CLIENTS) --duration $(DURATION)

# The side-by-side benchmark against rdflib-endpoint and in-process pyoxigraph (not part of `make test`;
# installs the peer in its own virtualenv under var/bench; see BENCHMARKS.md). bench-full adds 5M triples.
bench: build
	$(BIN)/python -m benchmarks.run --sizes seed,1M

bench-full: build
	$(BIN)/python -m benchmarks.run --sizes seed,1M,5M --budget-s 14400

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
