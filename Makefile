# The two commands of the README: `make serve` and `make test`. Each sets itself up, and each installs only what
# it needs: serving needs the package and its runtime dependencies; testing adds the test tools.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
BENCH_STAMP := $(VENV)/.installed-bench
# Browser assets come from the npm registry at install time and are served locally (never from a CDN).
VENDOR := api/static/vendor
WEB_STAMP := $(VENDOR)/.installed
# The test tools among the npm packages (axe-core, the Nu HTML Checker): only `make test` installs them.
WEB_TEST_STAMP := web/node_modules/.installed-test
NPM ?= npm
NPM_CI := $(NPM) ci --ignore-scripts --no-audit --no-fund --loglevel=error
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: browser-deps web-assets serve test build lint typecheck unit bench bench-full load fresh-install conformance propose-eval clean

# setuptools says, as a warning, that an editable install finds the packages through an import hook: that is
# information about how the install works, not a problem, so it is not shown.
PIP_INSTALL := PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -e

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(PIP_INSTALL) '.[test]'
	touch $(TEST_STAMP)

$(BENCH_STAMP): $(TEST_STAMP)
	$(PIP_INSTALL) '.[test,bench]'
	touch $(BENCH_STAMP)

# Copy what the pages and the API documentation load out of web/node_modules.
define copy_vendor
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/swagger-ui $(VENDOR)/redoc
	cp web/node_modules/@zazuko/yasgui/build/yasgui.min.js web/node_modules/@zazuko/yasgui/build/yasgui.min.css \
	   web/node_modules/d3/dist/d3.min.js web/node_modules/d3-sankey/dist/d3-sankey.min.js $(VENDOR)/
	cp web/node_modules/swagger-ui-dist/swagger-ui-bundle.js web/node_modules/swagger-ui-dist/swagger-ui.css \
	   $(VENDOR)/swagger-ui/
	cp web/node_modules/redoc/bundles/redoc.standalone.js $(VENDOR)/redoc/
	touch $(WEB_STAMP)
endef

# Serving needs npm only for the editor, the pictures and /docs: without it the pages still read (they are
# rendered on the server) and say what is missing.
$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && $(NPM_CI) --omit=dev
	$(copy_vendor)

ifeq ($(shell command -v $(NPM) 2>/dev/null),)
web-assets:
	@echo "npm is not installed: serving without the SPARQL editor, the pictures and /docs (the pages still read)"
else
web-assets: $(WEB_STAMP)
endif

$(WEB_TEST_STAMP): web/package.json web/package-lock.json
	cd web && $(NPM_CI)
	$(copy_vendor)
	touch $(WEB_TEST_STAMP)

# Debian's chromium for the browser tests; where it cannot be installed those tests skip and say why.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq chromium >/dev/null) || echo "chromium could not be installed: browser tests will skip"

build: $(STAMP)
	$(BIN)/ilokg build

serve: build web-assets
	$(BIN)/ilokg serve --host $(HOST) --port $(PORT)

lint: $(TEST_STAMP)
	$(BIN)/ruff check api graph ontology tests benchmarks examples
	$(BIN)/ruff format --check api graph ontology tests benchmarks examples

typecheck: $(TEST_STAMP)
	$(BIN)/mypy
	$(BIN)/mypy --strict examples

unit: $(TEST_STAMP) $(WEB_TEST_STAMP) browser-deps
	$(BIN)/python -m pytest

test: lint typecheck unit

# `pip install .` into a new virtualenv outside the checkout, then build, answer and serve from there (also part
# of `make test`, as tests/test_packaging.py).
fresh-install: $(TEST_STAMP)
	$(BIN)/python -m pytest tests/test_packaging.py

# 50 concurrent clients for 60 s against a real server (not part of `make test`; see BENCHMARKS.md).
CLIENTS ?= 50
DURATION ?= 60
load: build $(TEST_STAMP)
	$(BIN)/python -m tests.load.load --clients $(CLIENTS) --duration $(DURATION)

# The W3C SPARQL 1.1 tests against /sparql over HTTP, beside in-process pyoxigraph (a subset runs in `make test`).
conformance: $(TEST_STAMP)
	$(BIN)/python -m tests.conformance

# The side-by-side benchmark against rdflib-endpoint and in-process pyoxigraph (not part of `make test`;
# installs the peer in its own virtualenv under var/bench; see BENCHMARKS.md). bench-full adds 5M triples.
bench: build $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.run --sizes seed,1M

bench-full: build $(BENCH_STAMP)
	$(BIN)/python -m benchmarks.run --sizes seed,1M,5M --budget-s 14400

# How well `ilokg propose` does: each document read with its own curated rows hidden, scored against them,
# and the topic suggestions on the SDG Classification Benchmark, installed from PyPI (extra `eval`) into a
# virtualenv of its own under var/ so that it never becomes a dependency of the service (see README).
EVAL_VENV := var/propose-eval/venv
$(EVAL_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(EVAL_VENV)
	$(EVAL_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(EVAL_VENV)/bin/python -m pip install --quiet -e '.[eval]'
	touch $@

propose-eval: $(EVAL_VENV)/.installed
	$(EVAL_VENV)/bin/python -m graph.build.propose.evaluate --details var/propose-eval/details

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
