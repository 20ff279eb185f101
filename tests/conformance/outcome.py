"""The verdicts of a test: for the service over HTTP and, where it can take the test, for the engine in process."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tests.conformance.manifest import Case


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Verdict:
    status: Status
    reason: str = ""


PASSED = Verdict(Status.PASSED)


def failed(reason: str) -> Verdict:
    return Verdict(Status.FAILED, reason)


@dataclass(frozen=True)
class Outcome:
    """A test's verdict for the service and, where the engine can take it, for in-process pyoxigraph."""

    case: Case
    service: Verdict
    engine: Verdict | None


def is_regression(outcome: Outcome) -> bool:
    """The service fails a test that the engine passes, or one that is the service's alone (no engine verdict)."""
    if outcome.service.status is not Status.FAILED:
        return False
    return outcome.engine is None or outcome.engine.status is Status.PASSED
