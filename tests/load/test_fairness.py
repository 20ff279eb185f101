"""Fairness (issue 10, F4): light queries keep being served while heavy ones fill the general lane.

A bounded loopback run of the load script: three clients send queries that run until the deadline, six
light clients mix questions, paths and SPARQL that needs a worker; not one light request may be refused.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from graph.settings import Settings
from tests.load import load


def test_light_queries_are_not_refused_while_three_heavy_clients_run(
    built_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ILOKG_DATA_DIR", str(built_settings.data_dir))
    monkeypatch.setenv("ILOKG_SEEDS_DIR", str(built_settings.seeds_dir))
    monkeypatch.setenv("ILOKG_QUERY_TIMEOUT_S", "2")
    monkeypatch.setenv("ILOKG_QUERY_QUEUE_S", "1")
    with ThreadPoolExecutor(max_workers=1) as pool:
        status = pool.submit(load.main, ["--clients", "6", "--heavy", "3", "--duration", "8"]).result(timeout=180)
    printed = capsys.readouterr().out
    assert status == 0, printed  # no light request failed or was refused
    heavy = re.search(r"heavy queries \(apart, not errors\): (.*)", printed)
    assert heavy and "503" in heavy.group(1), printed  # the heavy ones did run into their deadline
    light = re.search(r"^light\s+(\d+)\s+(\d+)", printed, re.MULTILINE)
    assert light and int(light.group(1)) > 20 and int(light.group(2)) == 0, printed
