# The two commands of the README: `make serve` and `make test`. Each sets itself up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: serve test build lint typecheck unit bench bench-full load clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/ilokg build

serve: build
	$(BIN)/ilokg serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check api graph ontology tests benchmarks
	$(BIN)/ruff format --check api graph ontology tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/python -m pytest

test: lint typecheck unit

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
