"""The pages in English, French and Spanish: every text a page shows has both translations, the language is chosen
by `?lang=`, the cookie the switch sets or Accept-Language, and French and Spanish pages and JSON answers carry the
names the reference files give (SDG texts from the translations' YAML, country names from the ISO table).

Expected names come from the files in seeds/reference, never from what the build made of them.
"""

from __future__ import annotations

import ast
import csv
import html
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from rdflib import Graph
from rdflib.namespace import RDFS

from api.i18n import accepted, format_number, gettext, ngettext
from api.messages import MESSAGES
from api.pages.questions import STRENGTH_CHOICES, TRANSLATED_COLUMNS
from api.pages.resources import NAME_TITLES
from graph.build.evidence import fold_space
from graph.build.observations import CODE_LABELS
from graph.build.reference import read_sdg_indicator_iris
from graph.ids import IdScheme
from graph.read.catalogue import KIND_HELP
from graph.read.named import GROUP_SECTION, QUESTIONS, SERVES_SECTIONS, named_questions
from graph.read.overview import CLASS_NAMES, KIND_LABELS
from graph.read.questions import STRENGTH_LABELS, Questions
from graph.read.strength import STRENGTH_NOTES, STRENGTH_TITLES
from graph.read.views import ABOUT_KINDS, GROUP_NOTE, INCOMING_TITLES, LISTS, NAME_KINDS, OUTLINE_KINDS
from graph.read.wording import CODE_WORDS, SDG_WORDS
from graph.settings import Settings
from graph.store.embedded import OxigraphStore
from tests.pages import FirstVisitClient

PROJECT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT / "api" / "templates"
SEEDS = PROJECT / "seeds"
TRANSLATIONS = SEEDS / "reference" / "sdg" / "translations"
ISO = SEEDS / "reference" / "iso-3166" / "countries.csv"
STRING = r'"((?:[^"\\]|\\.)*)"|\'((?:[^\'\\]|\\.)*)\''
PAGE = {"Accept": "text/html"}
# Words the filters and routes find in the graph's texts and translate (api/pages/render.py: a strength in words,
# what a search matched, the kind of an indicator's value; api/pages/questions.py: a P&B result in a heading, the
# level of an SDG row; graph/read/strength.py: the words of the links of standard vocabularies).
DYNAMIC = (
    "and",
    "belongs to",
    "is named",
    "goal",
    "per cent",
    "stated as the range {range}, expanded by rule",
    "related through {things}",
    "linked to {name} ({link})",
    "{kind} {code} of {biennium}",
    "SDG indicator",
    "SDG target",
    "output",
    "outcome",
    "code",
    "met",
    "missed",
    "Baseline",
    "Conventions",
    "Protocols",
    "Recommendations",
    "Other",
    # a property no vocabulary labels, in words from its name (rdfs:seeAlso, on a document's page)
    "see also",
    # sections of answers that other arguments than the questions' examples give
    "Countries of the flagships as a group",
    "Indicators that measure it",
)


# ---------------------------------------------------------------- what the pages show


def _literal(match: re.Match[str], first: int) -> str:
    return match.group(first) if match.group(first) is not None else match.group(first + 1)


def template_texts() -> Iterator[tuple[str, str]]:
    """(text, template) for every literal text a template passes to `_` or `n_`, and the words of its tuples of
    names (the menu, the network's legend)."""
    for path in sorted(TEMPLATES.glob("*.html")):
        source = path.read_text(encoding="utf-8")
        for match in re.finditer(r"(?<![\w.])_\(\s*(?:" + STRING + r")\s*[),]", source):
            yield _literal(match, 1), path.name
        for match in re.finditer(r"(?<![\w.])n_\([^,]+,\s*(?:" + STRING + r")\s*,\s*(?:" + STRING + r")", source):
            yield _literal(match, 1), path.name
            yield _literal(match, 3), path.name
        for match in re.finditer(r'(?<!in )\("(?:/[^"]*|\w+)", "([A-Za-z][^"]*)"\)', source):
            yield match.group(1), path.name


def service_texts() -> Iterator[tuple[str, str]]:
    """(text, where) for the fixed words the graph's readers hand the pages: lists, strengths, the questions'
    titles, parameters and columns, the kinds of P&B results, the labels of units, natures and sexes."""
    for title in LISTS.values():
        yield title, "LISTS"
    for table, name in ((STRENGTH_LABELS, "labels"), (STRENGTH_TITLES, "titles"), (STRENGTH_NOTES, "notes")):
        for text in table.values():
            yield text, f"strength {name}"
    for text in STRENGTH_CHOICES.values():
        yield text, "STRENGTH_CHOICES"
    for kind in OUTLINE_KINDS.values():
        yield kind, "OUTLINE_KINDS"
        yield "{n} " + kind, "OUTLINE_KINDS"
        yield "{n} " + kind + "s", "OUTLINE_KINDS"
    for word in (*CODE_WORDS.values(), *SDG_WORDS, "Biennium"):
        yield word, "code words"
    for (key, _), label in CODE_LABELS.items():
        if key in ("units", "nature", "sex"):
            yield label, "CODE_LABELS"
    for question in QUESTIONS:
        yield question.title, question.name
        yield question.summary, question.name
        yield question.heading, question.name
        for param in question.params:
            yield param.label, question.name
            yield param.description, question.name
        for column in question.columns:
            yield column.title, question.name
            if column.description:
                yield column.description, question.name
    for kind in KIND_HELP.values():
        yield kind, "KIND_HELP"
    yield GROUP_SECTION, "GROUP_SECTION"
    for section in SERVES_SECTIONS.values():
        yield section, "SERVES_SECTIONS"
    yield GROUP_NOTE, "GROUP_NOTE"
    for table, name in ((KIND_LABELS, "KIND_LABELS"), (CLASS_NAMES, "CLASS_NAMES"), (NAME_TITLES, "NAME_TITLES")):
        for text in table.values():
            yield text, name
    for text in NAME_KINDS.values():
        yield text, "NAME_KINDS"
    for text in (*ABOUT_KINDS.values(), "Other things"):
        yield text, "ABOUT_KINDS"
    for text in INCOMING_TITLES.values():
        yield text, "INCOMING_TITLES"
    for text in DYNAMIC:
        yield text, "DYNAMIC"


def ontology_labels() -> Iterator[tuple[str, str]]:
    """The English labels of the ontology's classes, properties and rules (kinds, links and rules on the pages)."""
    graph = Graph().parse(PROJECT / "ontology" / "ilokg.ttl")
    for subject, label in graph.subject_objects(RDFS.label):
        if getattr(label, "language", None) == "en" and str(subject).startswith("https://w3id.org/ilokg/ontology#"):
            yield str(label), "ontology"


# The places of the f-strings of the SDG lists (browse.py), and what they are filled with.
_SDG_LIST_PLACES = {"singular": ("target", "indicator"), "kind": ("targets", "indicators")}


def _strings(node: ast.AST) -> list[str]:
    """The text of a string constant, or each text of an f-string of the SDG lists (`The {n} {kind} of ...`);
    nothing for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        places = [getattr(part.value, "id", "") for part in node.values if isinstance(part, ast.FormattedValue)]
        if not places or any(place not in _SDG_LIST_PLACES for place in places):
            return []
        return [
            "".join(
                str(part.value) if isinstance(part, ast.Constant) else _SDG_LIST_PLACES[part.value.id][which]  # type: ignore[attr-defined]
                for part in node.values
            )
            for which in (0, 1)
        ]
    return []


def python_texts() -> Iterator[tuple[str, str]]:
    """The words the views and the list pages put on a page: the words of counts (`Count(n, "{n} target", ...)`),
    the titles of groups of links (`("Outputs", pick.take(...))`), leads, and the lists of the browse page."""
    for path in (PROJECT / "graph" / "read" / "views.py", PROJECT / "api" / "pages" / "browse.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            found: list[ast.AST] = []
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("Count", "ListView"):
                found = list(node.args[1:3])
            elif isinstance(node, ast.Tuple) and len(node.elts) == 2 and not _strings(node.elts[1]):
                found = [node.elts[0]]
            elif isinstance(node, ast.Tuple) and len(node.elts) == 4:  # the browse page's lists
                found = [node.elts[3]]
            elif isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "lead":
                found = [node.value]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and re.match(r"\{n\} \w", node.value):
                found = [node]  # the words of a count, wherever the view keeps them
            for item in found:
                if isinstance(item, ast.JoinedStr) and path.name != "browse.py":
                    continue  # views.py's f-strings name kinds of instruments, each in DYNAMIC
                for text in _strings(item):
                    if text and not text.startswith("/"):
                        yield text, path.name


def all_texts() -> dict[str, str]:
    found: dict[str, str] = {}
    for source in (template_texts(), service_texts(), ontology_labels(), python_texts()):
        for text, where in source:
            if text.strip():
                found.setdefault(text, where)
    return found


def test_every_text_a_page_shows_has_a_french_and_a_spanish_translation() -> None:
    texts = all_texts()
    assert len(texts) > 400
    missing = [f"{where}: {text!r}" for text, where in sorted(texts.items()) if not all(MESSAGES.get(text, ("", "")))]
    assert missing == [], "\n".join(missing)


def test_translations_keep_the_places_of_their_english() -> None:
    for english, translations in MESSAGES.items():
        places = sorted(re.findall(r"\{\w*\}", english))
        for translated in translations:
            assert sorted(re.findall(r"\{\w*\}", translated)) == places, f"{english!r} -> {translated!r}"
            assert translated.strip() == translated and translated, english


def test_every_entry_of_the_catalogue_is_shown_somewhere(answers_words: dict[str, str]) -> None:
    # An entry no page shows any more is dead weight that drifts from the English.
    assert sorted(set(MESSAGES) - set(all_texts()) - set(answers_words)) == []


# ---------------------------------------------------------------- choosing the language


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "fr"),
        ("de-DE, es;q=0.3, en;q=0.2", "es"),
        ("en-GB,en;q=0.9", "en"),
        ("de, it", None),
        ("es;q=0, fr;q=0.1", "fr"),
        ("*", "en"),
        ("", None),
        ("fr;q=bad, es", "es"),
    ],
)
def test_accept_language_is_read_by_quality(header: str, language: str | None) -> None:
    assert accepted(header) == language


def test_numbers_and_counts_in_each_language() -> None:
    assert format_number("21000000", "en") == "21,000,000"
    assert format_number("21000000", "fr") == "21\u202f000\u202f000"
    assert format_number("12.8", "fr") == format_number("12.8", "es") == "12,8"
    assert format_number("-0.25", "en") == "\u22120.25"
    assert ngettext("fr", 0, "{n} row", "{n} rows") == gettext("fr", "{n} row").format(n="0")
    assert ngettext("es", 0, "{n} row", "{n} rows") == gettext("es", "{n} rows").format(n="0")
    assert ngettext("en", 1, "{n} row", "{n} rows") == "1 row"


# ---------------------------------------------------------------- pages and answers in French and Spanish


@pytest.fixture(scope="module")
def client(live_server: str) -> Iterator[httpx.Client]:
    with FirstVisitClient(base_url=live_server, timeout=60) as session:
        yield session


def _yaml(language: str, level: str) -> dict[str, str]:
    loaded = yaml.safe_load((TRANSLATIONS / f"{language}-global_{level}.yml").read_text(encoding="utf-8"))
    return {key: unicodedata.normalize("NFC", fold_space(text)) for key, text in loaded.items()}


def _iso(alpha_3: str) -> dict[str, str]:
    with ISO.open(encoding="utf-8", newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["alpha_3"] == alpha_3)


def _h1(html: str) -> str:
    found = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert found is not None
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


@pytest.mark.parametrize("language", ["fr", "es"])
def test_a_page_in_french_or_spanish_has_its_words_and_the_sdg_names_of_the_translations(
    client: httpx.Client, language: str
) -> None:
    page = client.get("/resources/sdg:8.7", params={"lang": language}, headers=PAGE)
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.text
    assert page.headers["content-language"] == language
    assert {"accept-language", "cookie"} <= {v.strip().lower() for v in page.headers["vary"].split(",")}
    assert _yaml(language, "targets")["8-7-title"] in page.text
    assert _h1(page.text) == f"{gettext(language, 'Target')} 8.7"
    assert gettext(language, "Flagship programmes serving it") in page.text
    # the names the documents give only in English stay English, and the page says so once
    assert "IPEC+" in page.text and page.text.count('class="language-note"') == 1
    english = client.get("/resources/sdg:8.7", headers=PAGE)
    assert english.headers["content-language"] == "en" and 'class="language-note"' not in english.text


def test_the_language_comes_from_the_query_then_the_cookie_then_accept_language(client: httpx.Client) -> None:
    spanish = {"Accept": "text/html", "Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
    assert client.get("/countries", headers=spanish).headers["content-language"] == "es"
    picked = client.get("/countries", params={"lang": "fr"}, headers=spanish)
    assert picked.headers["content-language"] == "fr"
    cookie = picked.headers["set-cookie"]
    assert cookie.startswith("lang=fr;") and "samesite=lax" in cookie.lower()
    kept = client.get("/browse", headers={**spanish, "Cookie": "lang=fr"})
    assert kept.headers["content-language"] == "fr" and 'lang="fr"' in kept.text
    assert "set-cookie" not in kept.headers
    # a language the pages do not speak is refused with what to write
    refused = client.get("/countries", params={"lang": "de"}, headers=PAGE)
    assert refused.status_code == 422 and "'en', 'fr' or 'es'" in html.unescape(refused.text)


def test_the_switch_keeps_the_address_in_every_language(client: httpx.Client) -> None:
    page = client.get("/map", params={"indicator": "8.7.1", "flagship": "ipec-plus"}, headers=PAGE).text
    switch = re.search(r'<nav class="languages"[^>]*>(.*?)</nav>', page, re.S)
    assert switch is not None
    links = dict(re.findall(r'<a href="([^"]+)" hreflang="(\w+)"', switch.group(1)))
    assert sorted(links.values()) == ["en", "es", "fr"]
    for href, language in links.items():
        address = httpx.URL(href.replace("&amp;", "&"))
        assert address.path == "/map"
        assert dict(address.params) == {"indicator": "8.7.1", "flagship": "ipec-plus", "lang": language}


def test_country_names_come_from_the_iso_table_in_french_and_spanish(client: httpx.Client) -> None:
    bangladesh = _iso("BGD")
    for language, column in (("fr", "name_fr"), ("es", "name_es")):
        page = client.get("/id/country/BGD", params={"lang": language}, headers=PAGE).text
        assert _h1(page) == bangladesh[column]
    assert _h1(client.get("/id/country/BGD", headers=PAGE).text) == "Bangladesh"


def test_json_answers_take_lang(client: httpx.Client) -> None:
    path = "/questions/countries-of-flagship"
    arguments = {"flagship": "IPEC+", "indicator": "8.7.1"}
    english = client.get(path, params=arguments, headers={"Accept": "application/json"})
    spanish = client.get(path, params={**arguments, "lang": "es"}, headers={"Accept": "application/json"})
    assert english.headers["content-language"] == "en" and spanish.headers["content-language"] == "es"
    names = {row["country"]["id"]: row["country"]["label"] for row in spanish.json()["rows"]}
    assert names["country:PAK"] == _iso("PAK")["name_es"]
    assert {row["country"]["id"] for row in english.json()["rows"]} == set(names)
    # the ILO's own names stay English
    assert spanish.json()["things"]["flagship"]["label"] == english.json()["things"]["flagship"]["label"]
    indicator = client.get("/sdg/indicators/8.7.1", params={"lang": "fr"}, headers={"Accept": "application/json"})
    assert indicator.json()["sdg"]["label"] == _yaml("fr", "indicators")["8-7-1-title"]
    refused = client.get(path, params={**arguments, "lang": "xx"}, headers={"Accept": "application/json"})
    assert refused.status_code == 422 and "lang" in refused.json()["detail"]


def test_every_kind_of_page_in_french_is_french(client: httpx.Client) -> None:
    # The headings of the pages of each kind are the catalogue's French, not the English.
    for url, english in (
        ("/browse", "Browse the graph"),
        ("/countries", "Countries and territories"),
        ("/map", "Where the flagships work, and the SDG indicator data by country"),
        ("/questions", "Questions the graph answers"),
        ("/documents", "Source documents"),
        ("/path", "Paths between two things"),
        ("/query", "SPARQL editor"),
    ):
        page = client.get(url, params={"lang": "fr"}, headers=PAGE)
        assert page.status_code == 200, url
        assert _h1(page.text) == gettext("fr", english) != english, url


def answer_texts(store: OxigraphStore, settings: Settings) -> dict[str, str]:
    """The sections of the questions' answers and the words of their nature, level, kind and breakdown columns (and
    the unit of the SDG data), as the examples of every question give them; a section naming a document keeps the
    document's English title, and the units of the documents' figures are the documents' words."""
    ids = IdScheme(settings.base_iri, read_sdg_indicator_iris(settings.seeds_dir))
    catalogue = named_questions(Questions(store, ids))
    with (SEEDS / "documents" / "documents.csv").open(encoding="utf-8", newline="") as handle:
        keys = [row["key"] for row in csv.DictReader(handle)]
    labels = set(CODE_LABELS.values())
    seen: dict[str, str] = {}
    for question in QUESTIONS:
        for example in question.examples:
            answer = catalogue.answer(question.name, dict(zip((p.name for p in question.params), example, strict=True)))
            for row in answer.rows:
                section = row.get("section")
                if section and not any(section.endswith(f"({key})") for key in keys):
                    seen.setdefault(section, question.name)
                for column in TRANSLATED_COLUMNS & set(row):
                    if column == "unit" and question.name != "countries-of-flagship":
                        continue
                    for part in str(row[column] or "").split(", "):
                        if part and (column != "breakdown" or part in labels):
                            seen.setdefault(part, f"{question.name} {column}")
    return seen


@pytest.fixture(scope="module")
def answers_words(built_store: OxigraphStore, built_settings: Settings) -> dict[str, str]:
    return answer_texts(built_store, built_settings)


def test_the_words_of_every_answer_have_translations(answers_words: dict[str, str]) -> None:
    assert len(answers_words) > 10
    missing = [
        f"{where}: {text!r}" for text, where in sorted(answers_words.items()) if not all(MESSAGES.get(text, ("", "")))
    ]
    assert missing == [], "\n".join(missing)
