"""French and Spanish names of the SDG goals, targets and indicators.

The preferred names (`skos:prefLabel@fr`, `@es`) are the current wording, from seeds/reference/sdg/translations
(open-sdg's sdg-translations, MIT: keys `8-title`, `8-7-title`, `8-7-1-title`, `8-short`). The UN SDG KOS
(seeds/reference/sdg/sdg-kos-goals-targets-indicators.ttl, 2019 wording) gives a thing its preferred name where
the translations have none, and is kept as `skos:altLabel` where its wording differs. English stays as the
reference CSVs give it; ILO names stay English.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import yaml
from rdflib import Literal, URIRef

from graph.build.context import BuildContext
from graph.build.evidence import fold_space
from graph.build.reference import SDG_DIR, Triple
from ontology.namespaces import SDG_BASE, SKOS

LANGUAGES = ("fr", "es")
TRANSLATIONS_DIR = SDG_DIR / "translations"
KOS_FILE = SDG_DIR / "sdg-kos-goals-targets-indicators.ttl"
LEVELS = ("goals", "targets", "indicators")


@dataclass
class Translations:
    """The French and Spanish names, ready to become triples; problems say where and what to fix."""

    triples: list[Triple] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _text(text: str) -> str:
    """One line, in Unicode NFC (the two sources compose accents differently)."""
    return unicodedata.normalize("NFC", fold_space(text))


def _same_wording(a: str, b: str) -> bool:
    """Equal but for case, spacing and punctuation (’ and ', a final period)."""
    return re.sub(r"\W+", "", a.casefold()) == re.sub(r"\W+", "", b.casefold())


def _key(code: str) -> str:
    """The translations' key of an SDG code: 8.7.1 -> 8-7-1."""
    return code.replace(".", "-")


def _sdg_things(seeds_dir: Path) -> dict[str, list[tuple[str, URIRef]]]:
    """(code, IRI) of the goals, targets and indicators of the reference CSVs; one code per indicator IRI.

    A repeated indicator (1.5.1 = 11.5.1 = 13.1.1) is one IRI named after its first row, as in English.
    """
    things: dict[str, list[tuple[str, URIRef]]] = {}
    for level in LEVELS:
        seen: set[str] = set()
        things[level] = []
        with (seeds_dir / SDG_DIR / f"{level}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["uri"] not in seen:
                    seen.add(row["uri"])
                    things[level].append((row["code"], URIRef(row["uri"])))
    return things


def _read_yaml(seeds_dir: Path, relative: Path, problems: list[str]) -> dict[str, str]:
    try:
        loaded = yaml.safe_load((seeds_dir / relative).read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 1
        problems.append(f"{relative}:{line}: not valid YAML ({error.problem}); write one key: text per entry")
        return {}
    if not isinstance(loaded, dict) or not all(isinstance(v, str) for v in loaded.values()):
        problems.append(f"{relative}:1: the file must map keys such as 8-7-title to texts")
        return {}
    return {str(key): _text(value) for key, value in loaded.items()}


def _kos_labels(seeds_dir: Path, problems: list[str]) -> dict[tuple[str, str], str]:
    """(IRI, language) -> the KOS prefLabel, for French and Spanish."""
    labels: dict[tuple[str, str], str] = {}
    try:
        triples = list(ox.parse(path=seeds_dir / KOS_FILE, format=ox.RdfFormat.TURTLE))
    except SyntaxError as error:
        problems.append(f"{KOS_FILE}:{error.lineno or 1}: not valid Turtle ({error.msg})")
        return labels
    for triple in triples:
        obj = triple.object
        if (
            triple.predicate.value == str(SKOS.prefLabel)
            and isinstance(obj, ox.Literal)
            and obj.language in LANGUAGES
            and isinstance(triple.subject, ox.NamedNode)
            and triple.subject.value.startswith(SDG_BASE)
        ):
            labels[(triple.subject.value, obj.language)] = _text(obj.value)
    return labels


def read_translations(seeds_dir: Path) -> Translations:
    """The French and Spanish names of every SDG goal, target and indicator of the reference data."""
    result = Translations()
    add = result.triples.append
    kos = _kos_labels(seeds_dir, result.problems)
    things = _sdg_things(seeds_dir)
    for language in LANGUAGES:
        for level in LEVELS:
            texts = _read_yaml(seeds_dir, TRANSLATIONS_DIR / f"{language}-global_{level}.yml", result.problems)
            for code, iri in things[level]:
                current = texts.get(f"{_key(code)}-title")
                older = kos.get((str(iri), language))
                preferred = current or older
                if preferred:
                    add((iri, SKOS.prefLabel, Literal(preferred, lang=language)))
                if current and older and not _same_wording(current, older):
                    add((iri, SKOS.altLabel, Literal(older, lang=language)))
                short = texts.get(f"{_key(code)}-short")
                if short and level == "goals":
                    add((iri, SKOS.altLabel, Literal(short, lang=language)))
    return result


def add_sdg_translations(builder: BuildContext) -> None:
    """Add the French and Spanish SDG names to the reference graph."""
    translations = read_translations(builder.seeds)
    builder.problems.extend(translations.problems)
    graph = builder.graph(builder.names.reference)
    for triple in translations.triples:
        graph.add(triple)
