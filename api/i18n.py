"""The language of a page or an answer, and the pages' own words in English, French and Spanish.

A page is in the language `?lang=` names; else the one a person last picked with the switch every page carries
(kept in the `lang` cookie); else the best of the browser's `Accept-Language` (RFC 9110, 12.5.4); else English.
A JSON answer is in English unless `?lang=` names another. What changes with the language: the pages' own words
(api/messages.py, looked up by their English text) and the names the graph has in that language (SDG goals,
targets and indicators, countries: graph/read/languages.py). ILO names the documents give only in English, the
quotes and the UN database's series titles stay English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import Query, Request

from api.messages import MESSAGES
from graph.read.languages import ENGLISH, LANGUAGES

# Each language in its own words, as the switch offers it.
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español"}
assert tuple(LANGUAGE_NAMES) == LANGUAGES
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
Language = Literal["en", "fr", "es"]
LangQuery = Annotated[
    Language | None,
    Query(
        description="The language of the names and words: en, fr or es (SDG items and countries have French and "
        "Spanish names; ILO names stay English). English when not given."
    ),
]
_QUALITY = re.compile(r"^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$")
_FRENCH_SINGULAR = (0, 1)  # French says "0 ligne", "1 ligne", "2 lignes"
# How each language writes the thousands and the decimals of a number (narrow no-break space in French, and in
# Spanish as the RAE and ISO 80000 write it).
_SEPARATORS = {"en": (",", "."), "fr": ("\u202f", ","), "es": ("\u202f", ",")}


@dataclass(frozen=True)
class Choice:
    """The language of a page, where it came from (query, cookie, header or default), and a `?lang=` the service
    does not speak (the page then says so)."""

    language: str
    source: str
    refused: str | None = None


def language_query(lang: LangQuery = None) -> str | None:
    """The `lang` query parameter as a route dependency: checked against the languages (422 otherwise) and shown
    in the OpenAPI document of the routes that take it."""
    return lang


def accepted(header: str | None) -> str | None:
    """The best language of an Accept-Language header that the service speaks (by quality, then order); None
    when it names none of them. `*` means any language, so English."""
    best: tuple[float, int, str] | None = None
    for index, item in enumerate((header or "").split(",")):
        tag, _, parameters = item.strip().partition(";")
        quality = 1.0
        if parameters:
            match = _QUALITY.match(parameters)
            if match is None:
                continue
            quality = float(match.group(1))
        primary = tag.strip().lower().split("-", 1)[0]
        language = ENGLISH if primary == "*" else primary
        if quality <= 0 or language not in LANGUAGES:
            continue
        if best is None or (quality, -index) > (best[0], -best[1]):
            best = (quality, index, language)
    return best[2] if best else None


def page_language(request: Request) -> Choice:
    """The language of a page: `?lang=`, then the cookie, then Accept-Language, then English."""
    asked = request.query_params.get("lang", "").strip().lower()
    if asked in LANGUAGES:
        return Choice(asked, "query")
    refused = asked or None
    kept = request.cookies.get(COOKIE, "")
    if kept in LANGUAGES:
        return Choice(kept, "cookie", refused)
    header = accepted(request.headers.get("accept-language"))
    if header is not None:
        return Choice(header, "header", refused)
    return Choice(ENGLISH, "default", refused)


def data_language(request: Request) -> str:
    """The language of a JSON answer: `?lang=` (checked by `language_query`), else English."""
    asked = request.query_params.get("lang", "").strip().lower()
    return asked if asked in LANGUAGES else ENGLISH


def _french_spaces(text: str) -> str:
    """French typography: a no-break space before : ; ? ! and » and after «."""
    return _FRENCH_SPACE.sub(lambda m: "\u00a0" + m.group(1) if m.group(1) else m.group(2) + "\u00a0", text)


_FRENCH_SPACE = re.compile(r" ([:;?!»])|(«) ")
_TRANSLATIONS = {english: (_french_spaces(french), spanish) for english, (french, spanish) in MESSAGES.items()}


def gettext(language: str, text: str) -> str:
    """`text` (the English words) in `language`; the English where the catalogue has no translation."""
    if language == ENGLISH or not text:
        return text
    translations = _TRANSLATIONS.get(text)
    if translations is None:
        return text
    return translations[LANGUAGES.index(language) - 1] or text


def ngettext(language: str, count: int, singular: str, plural: str, **values: Any) -> str:
    """The singular or plural words for `count`, in `language`, with `{n}` (and `values`) filled in."""
    one = count in _FRENCH_SINGULAR if language == "fr" else count == 1
    return gettext(language, singular if one else plural).format(n=format_number(str(count), language), **values)


def format_number(text: str, language: str) -> str:
    """A number written as `language` writes it: 21,000,000 and 12.8 in English, 21 000 000 and 12,8 in French
    and Spanish. Text that is not a number is returned as it is."""
    thousands, decimals = _SEPARATORS.get(language, _SEPARATORS[ENGLISH])
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return text
    if not value.is_finite():
        return text
    sign = "\u2212" if value < 0 else ""
    value = abs(value)
    whole = int(value)
    rest = format(value.normalize(), "f").partition(".")[2] if value != value.to_integral_value() else ""
    grouped = f"{whole:,}".replace(",", thousands)
    return f"{sign}{grouped}{decimals + rest if rest else ''}"


def switch_links(request: Request) -> dict[str, str]:
    """The address of the page in each language: the same path and query, with `lang` set."""
    others = [(key, value) for key, value in request.query_params.multi_items() if key != "lang"]
    links = {}
    for language in LANGUAGES:
        query = "&".join(f"{_quote(key)}={_quote(value)}" for key, value in [*others, ("lang", language)])
        links[language] = f"{request.url.path}?{query}"
    return links


def _quote(text: str) -> str:
    return quote(text, safe="")
