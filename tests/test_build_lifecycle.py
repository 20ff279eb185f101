"""A build killed at any point, or stopped by a full disk, leaves the last good build current; the next build
removes what dead builds left; a rebuild of the same seeds keeps the build being served, byte for byte.

Each build runs as `ilokg build` in its own process, on a copy of the seeds and of the session's build.
"""

from __future__ import annotations

import csv
import io
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from conftest import SessionBuild

from graph.build.directory import current_build
from graph.settings import Settings

TIMEOUT_S = 180
POLL_S = 0.002


def ilokg_build(settings: Settings, **popen: object) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "ILOKG_SEEDS_DIR": str(settings.seeds_dir),
        "ILOKG_DATA_DIR": str(settings.data_dir),
        "PYTHONHASHSEED": "7",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "build"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,  # type: ignore[call-overload]
    )


def copy_of(session_build: SessionBuild, root: Path) -> Settings:
    """The project seeds and the session's build, copied under `root`, the build current."""
    shutil.copytree(session_build.settings.seeds_dir, root / "seeds")
    data = root / "data"
    (data / "builds").mkdir(parents=True)
    shutil.copytree(session_build.result.directory, data / "builds" / session_build.result.build_id)
    (data / "current").symlink_to(Path("builds") / session_build.result.build_id)
    return Settings(seeds_dir=root / "seeds", data_dir=data)


def change_the_seeds(settings: Settings) -> None:
    """Another note on the first curated link row: seeds that build, to another build id."""
    path = settings.seeds_dir / "curated" / "links" / "pb-2022-23.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[1][-1] = "a note that changes the build"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def staging(settings: Settings) -> list[Path]:
    return sorted((settings.data_dir / "builds").glob(".staging-*"))


def assert_current_is_whole(settings: Settings, allowed: set[str]) -> str:
    """`current` names a whole build (manifest, dataset, exports), one of `allowed`; its id."""
    link = settings.data_dir / "current"
    assert link.is_symlink() and link.resolve().is_dir(), f"current points at nothing: {os.readlink(link)}"
    current = current_build(settings.data_dir)
    assert current is not None, "current names a directory without a whole build"
    assert current.build_id in allowed, current.build_id
    assert (current.directory / "exports" / "dataset.ttl").is_file()
    return current.build_id


# Moments at which a build is killed: while it checks the seeds, and at each step of writing its directory.
KILL_POINTS: dict[str, Callable[[Settings, float], bool]] = {
    "while checking the seeds": lambda settings, elapsed: elapsed > 1.5 and not staging(settings),
    "as its staging directory appears": lambda settings, _: bool(staging(settings)),
    "while it writes the dataset": lambda settings, _: any((s / "dataset.nq").exists() for s in staging(settings)),
    "while it writes the exports": lambda settings, _: any((s / "exports").exists() for s in staging(settings)),
    "as its directory takes its name": lambda settings, _: len(list((settings.data_dir / "builds").glob("[!.]*"))) > 1,
}


@pytest.mark.slow
def test_a_killed_build_never_leaves_current_dangling_and_the_next_build_cleans_up(
    tmp_path: Path, session_build: SessionBuild
) -> None:
    settings = copy_of(session_build, tmp_path)
    first = session_build.result.build_id
    change_the_seeds(settings)
    killed_while_writing = 0
    for point, reached in KILL_POINTS.items():
        process = ilokg_build(settings)
        started = time.monotonic()
        while not reached(settings, time.monotonic() - started):
            assert process.poll() is None, f"the build ended before the point {point!r}: {process.communicate()}"
            assert time.monotonic() - started < TIMEOUT_S
            time.sleep(POLL_S)
        process.kill()
        process.wait(timeout=30)
        killed_while_writing += bool(staging(settings))
        names = {path.name for path in (settings.data_dir / "builds").iterdir() if not path.name.startswith(".")}
        current = assert_current_is_whole(settings, names)
        if point != "as its directory takes its name":
            assert current == first, point
    assert killed_while_writing >= 3, "the kills while writing left no staging directory behind"
    done = ilokg_build(settings)
    stdout, stderr = done.communicate(timeout=TIMEOUT_S)
    assert done.returncode == 0, stderr
    assert staging(settings) == []  # the dead builds' staging directories are gone
    new = assert_current_is_whole(settings, {path.name for path in (settings.data_dir / "builds").iterdir()})
    assert new != first and stdout.startswith(f"build {new}:")


def _limit_file_size() -> None:
    """A file the build writes may not grow past 1 MiB: the dataset (about 9 MB) meets a full disk."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


@pytest.mark.slow
def test_a_full_disk_is_a_message_and_the_last_good_build_stays(tmp_path: Path, session_build: SessionBuild) -> None:
    settings = copy_of(session_build, tmp_path)
    change_the_seeds(settings)
    process = ilokg_build(settings, preexec_fn=_limit_file_size)
    _, stderr = process.communicate(timeout=TIMEOUT_S)
    assert process.returncode == 1, stderr
    assert "Traceback" not in stderr
    builds = settings.data_dir / "builds"
    assert stderr.startswith(
        f"ilokg: the build found 1 problem(s):\n{builds}: the build could not be written (File too large); "
        "nothing changed\n"
    ), stderr
    assert stderr.endswith(f"the last good build is still current ({session_build.result.build_id})\n")
    assert assert_current_is_whole(settings, {session_build.result.build_id})
    assert staging(settings) == []


def test_a_rebuild_of_the_same_seeds_keeps_the_served_build_its_bytes_and_etag(
    session_build: SessionBuild, live_server: str
) -> None:
    """The build being served is not written again: its export keeps its bytes (dcterms:created included)."""
    directory = session_build.result.directory
    written = {path: path.stat().st_mtime_ns for path in directory.rglob("*")}
    with httpx.Client(base_url=live_server, timeout=30) as http:
        before = http.get("/export", params={"format": "turtle"})
        assert before.status_code == 200
        time.sleep(1.1)  # a build written again now would say it was created a second later
        process = ilokg_build(session_build.settings)
        stdout, stderr = process.communicate(timeout=TIMEOUT_S)
        assert process.returncode == 0, stderr
        assert stdout.startswith(f"build {session_build.result.build_id}:")
        after = http.get("/export", params={"format": "turtle"})
    assert after.headers["etag"] == before.headers["etag"]
    assert after.content == before.content
    assert {path: path.stat().st_mtime_ns for path in directory.rglob("*")} == written
    assert current_build(session_build.settings.data_dir) == session_build.result
