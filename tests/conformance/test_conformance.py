"""A bounded subset of the W3C SPARQL 1.1 tests in `make test`: the first two runnable tests of every
folder, every protocol and service description test, and the tests of the dataset a query reads.

Each runs as in `make conformance` (the real service over HTTP on 127.0.0.1, and pyoxigraph in process)
and must not be a regression: the service passes what the engine passes, and an engine failure is one
that known.py names with its cause.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conformance.known import KNOWN_ENGINE_FAILURES
from tests.conformance.manifest import Case, Kind, read_suite
from tests.conformance.outcome import Status, is_regression
from tests.conformance.runner import Runner
from tests.conformance.service import client, live_service

PER_FOLDER = 2
# The dataset of a query: FROM over a named graph, and the default graph apart from the named ones.
DATASET_TESTS = ("construct/constructwhere04", "exists/exists-graph-variable")
# What today's service fails and why; strict, so that each says when it starts to pass.
# Tests the service fails while the engine passes them, with the reason (none today: each one listed here would
# be expected to fail, strictly, so that it is noticed when it starts to pass).
SERVICE_GAPS: dict[str, str] = {}


def _subset() -> list[Case]:
    chosen: list[Case] = []
    taken: dict[str, int] = {}
    for case in read_suite():
        if case.skip is not None:
            continue
        if case.kind in (Kind.PROTOCOL, Kind.DESCRIPTION) or case.label in DATASET_TESTS:
            chosen.append(case)
        elif taken.get(case.folder, 0) < PER_FOLDER:
            taken[case.folder] = taken.get(case.folder, 0) + 1
            chosen.append(case)
    return chosen


def _param(case: Case) -> object:
    gap = SERVICE_GAPS.get(case.label)
    marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
    return pytest.param(case, id=case.label, marks=marks)


@pytest.fixture(scope="module")
def runner() -> Iterator[Runner]:
    with live_service() as service, client() as http:
        yield Runner(service, http)


@pytest.mark.parametrize("case", [_param(case) for case in _subset()])
def test_the_service_passes_what_the_engine_passes(runner: Runner, case: Case) -> None:
    outcome = runner.run(case)
    engine = outcome.engine
    if engine is not None and engine.status is Status.FAILED:
        assert case.label in KNOWN_ENGINE_FAILURES, f"the engine fails it, for a cause not yet named: {engine.reason}"
    assert not is_regression(outcome), outcome.service.reason
