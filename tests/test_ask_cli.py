"""`ilokg ask`: every named question by NAME ARGS, or one in plain words, as text, JSON or CSV (real subprocesses)."""

from __future__ import annotations

import csv
import io
import json

from graph.settings import Settings
from tests.documents import find
from tests.test_cli import ilokg


def test_ask_lists_the_questions(built_settings: Settings) -> None:
    done = ilokg(built_settings, "ask")
    assert done.returncode == 0, done.stderr
    assert "indicator-results OF" in done.stdout and "flagships-for-target TARGET" in done.stdout


def test_ask_in_plain_words_says_how_it_read_the_question(built_settings: Settings) -> None:
    done = ilokg(built_settings, "ask", "which flagships serve 8.7?")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("I read this as: Which flagships serve SDG target 8.7?")
    assert "(flagship:ipec-plus): stated" in done.stdout


def test_ask_unsure_offers_the_readings_as_commands(built_settings: Settings) -> None:
    done = ilokg(built_settings, "ask", "outputs", "of", "outcome", "7")
    assert done.returncode == 1
    assert "I am not sure how to read this" in done.stdout
    assert "ilokg ask outputs-of-outcome outcome=2022-23/7" in done.stdout


def test_ask_named_question_as_csv_and_json_with_a_strength(built_settings: Settings) -> None:
    # The 2015 table gives JPR "all targets from 8.2 to 8.10": kept to strength range, 8.7 has JPR alone.
    find("gb325-pol7", r"all targets from\s+8\.2 to 8\.10")
    done = ilokg(built_settings, "ask", "flagships-for-target", "target=8.7", "--strength", "range", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(row["Flagship id"], row["Strength"]) for row in rows] == [("flagship:jobs-for-peace-resilience", "range")]
    assert "gb325-pol7 line" in rows[0]["Evidence"]
    done = ilokg(built_settings, "ask", "indicator-results", "2020-21/8.1.1", "--format", "json", "--sparql")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["rows"][0]["indicator"]["id"] == "indicator:2020-21/8.1.1"
    assert body["sparql"] and body["links"]["csv"].endswith("format=csv")


def test_ask_with_a_bad_argument_exits_2_saying_what_to_give(built_settings: Settings) -> None:
    done = ilokg(built_settings, "ask", "outputs-of-outcome", "7")
    assert done.returncode == 2
    assert done.stderr.startswith("ilokg: ") and "2022-23" in done.stderr
