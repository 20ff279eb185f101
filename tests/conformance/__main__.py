"""`make conformance`: the W3C SPARQL 1.1 tests against /sparql over HTTP, beside in-process pyoxigraph.

    python -m tests.conformance [FILTER ...]

FILTER keeps the tests whose folder/name contains it. Prints, per folder, passed / failed / skipped
for the service and for the engine, then every failure with its reason (and whether the engine fails
it too, with the cause when it is a known engine failure), then totals. Exits 1 when the service
fails a test the engine passes (or a test the engine has no part in: protocol, service description,
updates), else 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterable

import pyoxigraph as ox

from tests.conformance.known import KNOWN_ENGINE_FAILURES
from tests.conformance.manifest import NOT_APPLICABLE, Kind, read_suite
from tests.conformance.outcome import Outcome, Status, is_regression
from tests.conformance.runner import Runner
from tests.conformance.service import client, live_service

KIND_NAMES = {
    Kind.EVALUATION: "query evaluation (mf:QueryEvaluationTest)",
    Kind.CSV: "CSV results (mf:CSVResultFormatTest)",
    Kind.SYNTAX: "query syntax (mf:Positive/NegativeSyntaxTest11)",
    Kind.UPDATE: "updates, refused (403)",
    Kind.PROTOCOL: "protocol (mf:ProtocolTest)",
    Kind.DESCRIPTION: "service description (mf:ServiceDescriptionTest)",
}


def run(filters: Iterable[str] = ()) -> list[Outcome]:
    wanted = list(filters)
    cases = [case for case in read_suite() if not wanted or any(f in case.label for f in wanted)]
    with live_service() as service, client() as http:
        runner = Runner(service, http)
        return [runner.run(case) for case in cases]


def _counts(outcomes: list[Outcome], engine: bool) -> str:
    verdicts = [o.engine if engine else o.service for o in outcomes]
    if engine and all(v is None for v in verdicts):
        return f"{'-':>6} {'-':>6} {'-':>7}"
    tally = Counter(v.status for v in verdicts if v is not None)
    return f"{tally[Status.PASSED]:>6} {tally[Status.FAILED]:>6} {tally[Status.SKIPPED]:>7}"


def report(outcomes: list[Outcome], seconds: float) -> str:
    lines = [
        f"W3C SPARQL 1.1 tests: the service's /sparql over HTTP, and pyoxigraph {ox.__version__} in process",
        "",
        f"{'folder':<20} {'tests':>5} | {'service: passed':>15} {'failed':>6} {'skipped':>7} |"
        f" {'engine: passed':>14} {'failed':>6} {'skipped':>7}",
    ]
    folders: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        folders.setdefault(outcome.case.folder, []).append(outcome)
    for folder, members in [*folders.items(), ("total", outcomes)]:
        if folder == "total":
            lines.append("-" * 96)
        lines.append(
            f"{folder:<20} {len(members):>5} | {'':>9}{_counts(members, False)} | {'':>8}{_counts(members, True)}"
        )
    lines += ["", "Not run: " + "; ".join(f"{folder}/ ({why})" for folder, why in NOT_APPLICABLE.items())]
    lines += ["", "Failures of the service (each with the engine's verdict):"]
    failures = [o for o in outcomes if o.service.status is Status.FAILED]
    for outcome in failures:
        lines.append(f"  {outcome.case.label}: {outcome.service.reason}")
        lines.append(f"      {_engine_note(outcome)}")
    if not failures:
        lines.append("  none")
    engine_only = [
        o for o in outcomes if o.engine and o.engine.status is Status.FAILED and o.service.status is not Status.FAILED
    ]
    if engine_only:
        lines += ["", "Failures of the engine that the service passes:"]
        lines += [f"  {o.case.label}: {o.engine.reason if o.engine else ''}" for o in engine_only]
    engine_passes = {o.case.label for o in outcomes if o.engine is not None and o.engine.status is Status.PASSED}
    now_passing = [label for label in KNOWN_ENGINE_FAILURES if label in engine_passes]
    unlisted = [
        o.case.label
        for o in outcomes
        if o.engine and o.engine.status is Status.FAILED and o.case.label not in KNOWN_ENGINE_FAILURES
    ]
    if now_passing:
        lines += ["", "On the list of known engine failures but passed by the engine: " + ", ".join(now_passing)]
    if unlisted:
        lines += ["", "Engine failures not yet on the list (read each and name its cause): " + ", ".join(unlisted)]
    lines += ["", "Totals by kind:"]
    for kind, name in KIND_NAMES.items():
        members = [o for o in outcomes if o.case.kind is kind]
        if not members:
            continue
        runnable = [o for o in members if o.service.status is not Status.SKIPPED]
        service = sum(o.service.status is Status.PASSED for o in runnable)
        text = f"  {name}: {len(runnable)} run, service passed {service}"
        if any(o.engine is not None for o in runnable):
            engine = sum(o.engine is not None and o.engine.status is Status.PASSED for o in runnable)
            text += f", engine passed {engine}"
        skipped = len(members) - len(runnable)
        lines.append(text + (f" ({skipped} skipped)" if skipped else ""))
    regressions = [o.case.label for o in outcomes if is_regression(o)]
    lines += [
        "",
        f"Regressions (the service fails what the engine passes, or what is the service's alone): {len(regressions)}",
    ]
    lines += [f"  {label}" for label in regressions]
    lines.append(f"\n{len(outcomes)} tests in {seconds:.0f} s")
    return "\n".join(lines)


def _engine_note(outcome: Outcome) -> str:
    engine = outcome.engine
    if engine is None:
        return "engine: - (not an engine test)"
    if engine.status is Status.PASSED:
        return "engine: passes (a regression of the service)"
    known = KNOWN_ENGINE_FAILURES.get(outcome.case.label)
    if known:
        return f"engine: fails too, a known engine failure: {known}"
    return f"engine: fails too, not on the list of known engine failures: {engine.reason}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("filters", nargs="*", help="run only tests whose folder/name contains one of these")
    arguments = parser.parse_args(argv)
    started = time.perf_counter()
    outcomes = run(arguments.filters)
    print(report(outcomes, time.perf_counter() - started))
    return 1 if any(is_regression(o) for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
