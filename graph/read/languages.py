"""Names in French and Spanish where the graph has them.

The graph names SDG goals, targets and indicators and countries in English, French and Spanish
(`skos:prefLabel@fr`, `@es`: graph/build/translations.py, graph/build/observations.py); every other thing (the
ILO's programmes, standards and results, the documents) has the English names the documents give, and keeps
them. `localized` hands any plain data of graph/read (a view, an answer, a link) back with the names of one
language put into its refs where the graph has them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from graph import terms
from graph.queries import questions as queries
from graph.read.questions import Ref
from graph.store.base import GraphStore

ENGLISH = "en"
LANGUAGES = (ENGLISH, "fr", "es")
T = TypeVar("T")


def names_in(store: GraphStore, language: str) -> dict[str, str]:
    """The preferred label in `language` (fr, es) of every thing that has one, by IRI; empty for English (the
    names every ref already carries)."""
    if language == ENGLISH:
        return {}
    if language not in LANGUAGES:
        raise ValueError(f"{language!r} is not one of {', '.join(LANGUAGES)}")
    rows = store.select(queries.labels_in(terms.literal(language)))
    return {row["s"]["value"]: row["label"]["value"] for row in rows}


def localized(data: T, names: Mapping[str, str]) -> T:
    """`data` with every Ref in it (however deep in dataclasses, lists, tuples and dicts) carrying its name from
    `names` where there is one; everything else as it was. The data is not changed: the parts that hold a renamed
    ref are copies."""
    if not names:
        return data
    result: T = _walk(data, names)
    return result


def _walk(value: Any, names: Mapping[str, str]) -> Any:
    if isinstance(value, Ref):
        name = names.get(value.iri)
        return value if name is None or name == value.label else dataclasses.replace(value, label=name)
    if isinstance(value, list):
        return [_walk(item, names) for item in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_walk(item, names) for item in value)
    if isinstance(value, dict):
        return {key: _walk(item, names) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _walk(getattr(value, f.name), names) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value
