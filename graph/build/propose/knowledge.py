"""What the recognizers know before they read a document: the reference data and the curated names.

Reference data (seeds/reference): the SDG goals, targets and indicators, the ILO instruments of the
core list, the countries of ISO 3166-1. Curated rows (seeds/curated/links) of the *other* documents:
the names, acronyms and ids of flagships, partners, countries, instruments and P&B results. The rows
of the document being read are never used to read it; they are kept apart, only to mark in the report
which proposals a curator already wrote.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from graph.build.curated import Row, read_curated
from graph.build.propose.document import fold_chars
from graph.build.reference import INSTRUMENTS_FILE, SDG_DIR

__all__ = ["Knowledge", "fold_chars", "name_key", "read_registry"]

COUNTRIES_FILE = Path("reference") / "countries" / "countries.csv"
DOCUMENTS_FILE = Path("documents") / "documents.csv"
NAME_LINKS = ("prefLabel", "altLabel", "acronym")


def name_key(text: str) -> str:
    """How a name is compared: folded spacing, plain dashes and apostrophes; case kept (WHO is not who)."""
    return re.sub(r"\s+", " ", fold_chars(text)).strip()


@dataclass(frozen=True)
class RegisteredDocument:
    key: str
    file: str
    title: str


def read_registry(seeds_dir: Path) -> dict[str, RegisteredDocument]:
    """The documents of documents.csv by key."""
    with (seeds_dir / DOCUMENTS_FILE).open(encoding="utf-8", newline="") as handle:
        return {row["key"]: RegisteredDocument(row["key"], row["file"], row["title"]) for row in csv.DictReader(handle)}


@dataclass
class Knowledge:
    """Names, ids and codes the recognizers may use for one document (its own rows left out)."""

    document: str
    sdg_goals: dict[str, str] = field(default_factory=dict)
    sdg_targets: dict[str, str] = field(default_factory=dict)
    sdg_indicators: dict[str, str] = field(default_factory=dict)
    instrument_titles: dict[str, str] = field(default_factory=dict)  # code -> title (reference and curated)
    reference_instruments: set[str] = field(default_factory=set)
    countries: dict[str, list[str]] = field(default_factory=dict)  # alpha-3 -> names, the ISO short name first
    # name key -> ids named so by the curated rows of other documents (flagships, organizations, ...)
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    pref_labels: dict[str, str] = field(default_factory=dict)
    other_names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    known_ids: set[str] = field(default_factory=set)
    own_rows: list[Row] = field(default_factory=list)

    @classmethod
    def load(cls, seeds_dir: Path, document: str) -> Knowledge:
        """Everything in seeds/ except the curated rows of `document`."""
        known = cls(document)
        known._read_reference(seeds_dir)
        for row in read_curated(seeds_dir / "curated", seeds_dir):
            if row.folder != "links":
                continue
            if row["document"] == document:
                known.own_rows.append(row)
            else:
                known.learn(row["subject"], row["link"], row["object"])
        return known

    def _read_reference(self, seeds_dir: Path) -> None:
        def rows(path: Path) -> list[dict[str, str]]:
            with path.open(encoding="utf-8", newline="") as handle:
                return list(csv.DictReader(handle))

        self.sdg_goals = {r["code"]: r["short_title"] for r in rows(seeds_dir / SDG_DIR / "goals.csv")}
        self.sdg_targets = {r["code"]: r["title"] for r in rows(seeds_dir / SDG_DIR / "targets.csv")}
        self.sdg_indicators = {r["code"]: r["title"] for r in rows(seeds_dir / SDG_DIR / "indicators.csv")}
        for r in rows(seeds_dir / INSTRUMENTS_FILE):
            self.instrument_titles[r["code"]] = r["short_title"]
            self.reference_instruments.add(r["code"])
            self.known_ids.add(r["code"])
        for r in rows(seeds_dir / COUNTRIES_FILE):
            names = [r["name"] if "," not in r["name"] else "", r["common_name"], r["official_name"], r["other_names"]]
            self.countries[r["code"]] = [n for n in names if n and "," not in n]
        self.known_ids.update(f"sdg:{code}" for code in (*self.sdg_goals, *self.sdg_targets, *self.sdg_indicators))

    def learn(self, subject: str, link: str, obj: str) -> None:
        """Take in one curated row of another document."""
        if link not in NAME_LINKS:
            return
        self.names[name_key(obj)].add(subject)
        if link == "prefLabel":
            self.pref_labels.setdefault(subject, obj)
            self.known_ids.add(subject)
        else:
            self.other_names[subject].add(name_key(obj))
        if re.fullmatch(r"[CPR]\d{3}", subject) and link == "prefLabel":
            self.instrument_titles.setdefault(subject, obj)

    def ids_named(self, text: str, prefix: str) -> set[str]:
        """The ids of kind `prefix` that other documents call `text`."""
        return {i for i in self.names.get(name_key(text), set()) if i.startswith(prefix)}

    def has_name(self, short_id: str, text: str) -> bool:
        """Whether the graph already names `short_id` so (its prefLabel or another name)."""
        key = name_key(text)
        pref = self.pref_labels.get(short_id)
        return (pref is not None and name_key(pref) == key) or key in self.other_names.get(short_id, set())

    def names_of(self, prefix: str) -> dict[str, set[str]]:
        """Every known name of ids with `prefix`: name -> ids."""
        out: dict[str, set[str]] = defaultdict(set)
        for key, ids in self.names.items():
            for short_id in ids:
                if short_id.startswith(prefix):
                    out[key].add(short_id)
        return out
