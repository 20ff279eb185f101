"""Words for what the graph holds in codes and digits: amounts with their units, codes in natural order, the
name a code is printed under (Target 8.7, Output 7.1), dates as a reader writes them.

Plain functions of plain values, shared by the pages, search and citations.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from graph.read.questions import Ref

# Units that are currencies: the code goes before the number (US$21,000,000), the rest of the unit after it.
CURRENCIES = ("US$", "EUR", "CHF")
# The spellings of per cent the documents use; pages write the ILO's own.
PER_CENT = {"per cent", "percent", "%"}
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# How each kind of P&B result and SDG item is printed before its code.
CODE_WORDS = {
    "outcome": "Outcome",
    "output": "Output",
    "indicator": "Indicator",
    "strategic-objective": "Strategic objective",
    "operational-objective": "Operational objective",
}
SDG_WORDS = ("Goal", "Target", "Indicator")
_BIENNIUM = re.compile(r"((?:19|20)\d\d)-(\d\d)")


def natural_key(text: str) -> list[tuple[int, str]]:
    """Order 8.2 before 8.10, C029 before C182 and 3a.2 before 3a.10."""
    return [(int(part), "") if part.isdigit() else (0, part.lower()) for part in re.split(r"(\d+)", text)]


def number(amount: str) -> str:
    """`21000000` -> `21,000,000`, `-18` -> `−18`, `4.80` -> `4.8`; text that is not a number is kept."""
    try:
        value = Decimal(amount.strip())
    except InvalidOperation:
        return amount
    sign = "\u2212" if value < 0 else ""
    value = abs(value)
    if value == value.to_integral_value():
        return f"{sign}{int(value):,}"
    return f"{sign}{value.normalize():,f}"


def amount_text(amount: str | None, unit: str | None, qualifier: str | None = None) -> str:
    """A figure as a reader writes it: `more than US$21,000,000`, `26 per cent`, `1,500 factories`."""
    if amount is None:
        return " ".join(part for part in (qualifier, unit) if part)
    digits = number(amount)
    unit_text = (unit or "").strip()
    currency = next((c for c in CURRENCIES if unit_text == c or unit_text.startswith(c + " ")), None)
    if currency is not None:
        rest = unit_text[len(currency) :].strip()
        core = f"{currency}{digits}" if currency == "US$" else f"{currency} {digits}"
        core = f"{core} {rest}" if rest else core
    elif unit_text.lower() in PER_CENT:
        core = f"{digits} per cent"
    else:
        core = f"{digits} {unit_text}" if unit_text else digits
    return f"{qualifier} {core}" if qualifier else core


def biennium_text(biennium: str) -> str:
    """`2020-21` -> `2020–21` (the en dash the documents print)."""
    return _BIENNIUM.sub(lambda m: f"{m.group(1)}\u2013{m.group(2)}", biennium)


def date_text(issued: str | None) -> str | None:
    """`2015-11` -> `November 2015`, `2015-11-09` -> `9 November 2015`, `2020` -> `2020`."""
    if not issued:
        return None
    parts = issued.split("-")
    if len(parts) >= 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        month = MONTHS[int(parts[1]) - 1]
        if len(parts) == 3 and parts[2].isdigit():
            return f"{int(parts[2])} {month} {parts[0]}"
        return f"{month} {parts[0]}"
    return issued


def code_name(ref: Ref) -> str | None:
    """The name a code is printed under: `Target 8.7`, `Output 7.1`, `C182`; None for things without a code."""
    short = ref.id or ""
    prefix, sep, local = short.partition(":")
    if not sep:
        return short or None
    if prefix == "sdg":
        return f"{SDG_WORDS[min(local.count('.'), 2)]} {local}"
    if prefix in CODE_WORDS and "/" in local:
        return f"{CODE_WORDS[prefix]} {local.split('/', 1)[1]}"
    if prefix == "biennium":
        return f"Biennium {biennium_text(local)}"
    return None


def biennium_of(ref: Ref) -> str | None:
    """The biennium a P&B result belongs to (`2020-21`), from its id."""
    prefix, _, local = (ref.id or "").partition(":")
    if prefix in (*CODE_WORDS, "infocus-programme") and "/" in local:
        return local.split("/", 1)[0]
    return None


def short_name(ref: Ref) -> str:
    """A short name for lists and pictures: the acronym a name ends with, a code, or the name itself."""
    code = code_name(ref)
    if code is not None:
        biennium = biennium_of(ref)
        return f"{code} ({biennium_text(biennium)})" if biennium else code
    label = ref.label or ""
    acronym = re.search(r"\(([^()]{2,12})\)$", label)
    if acronym:
        return acronym.group(1)
    return label or ref.id or ref.iri.rsplit("/", 1)[-1]


def title(ref: Ref) -> str:
    """A heading for a thing: its code and name (`Target 8.7: Take immediate…`) or its name."""
    code = code_name(ref)
    if code and ref.label and ref.id and ":" in ref.id:
        return code if biennium_text(ref.label) in code else f"{code}: {ref.label}"
    return ref.label or code or ref.id or ref.iri


def figure_title(
    subject: str | None,
    measure: str | None,
    amount: str | None,
    unit: str | None,
    qualifier: str | None,
    year: str | None,
) -> str:
    """A figure in words: `IPEC+: countries of IPEC+ field presence, 66 countries (2020)`."""
    said = ", ".join(part for part in (measure, amount_text(amount, unit, qualifier) if amount else None) if part)
    text = f"{subject}: {said}" if subject else said
    return f"{text} ({biennium_text(year)})" if year else text


def value_title(short_id: str) -> str | None:
    """An indicator value in words, from its id: `indicator-value:2020-21/7.1.2/result/africa` ->
    `Indicator 7.1.2 (2020–21): result, africa`; None for any other id."""
    prefix, _, local = short_id.partition(":")
    parts = local.split("/")
    if prefix != "indicator-value" or len(parts) < 3:
        return None
    biennium, code, kind, *rest = parts
    detail = ", ".join([kind, *(part.replace("-", " ") for part in rest)])
    return f"Indicator {code} ({biennium_text(biennium)}): {detail}"
