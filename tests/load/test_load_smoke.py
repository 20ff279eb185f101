"""A short run of the load script (the full 60 s run is `make load`): it serves every kind of request without error."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from graph.settings import Settings
from tests.load import load


def test_a_short_load_run_has_no_errors(
    built_settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ILOKG_DATA_DIR", str(built_settings.data_dir))
    monkeypatch.setenv("ILOKG_SEEDS_DIR", str(built_settings.seeds_dir))
    # The script runs its own event loop; a thread of its own keeps it clear of any loop the suite left running.
    with ThreadPoolExecutor(max_workers=1) as pool:
        status = pool.submit(load.main, ["--clients", "8", "--duration", "3"]).result(timeout=120)
    assert status == 0, capsys.readouterr().out
    printed = capsys.readouterr().out
    for kind in ("question", "sparql", "paths"):
        assert kind in printed
    assert "throughput" in printed and "MiB before" in printed
