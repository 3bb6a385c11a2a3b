"""Czech text rules shared by every stage: slugs, dates, file sizes, alphabetical order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, TypeVar

import czech_sort
from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from slugify import slugify
from text_unidecode import unidecode

T = TypeVar("T")
LOCALE = Locale.parse("cs_CZ")
"""Parsed once: Babel would parse a locale string again on every call."""
NBSP = "\u00a0"


def ascii_slug(text: str, separator: str = "-") -> str:
    """Return an ASCII slug of Czech text: "Žlutice a okolí" → "zlutice-a-okoli".

    Transliteration goes through text-unidecode explicitly, so the result does not
    change when another package brings in a different backend for python-slugify.
    """
    return str(slugify(unidecode(text), separator=separator))


def _as_date(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def date_long(moment: date | datetime) -> str:
    """Return a date for running text: "20. října 2017"."""
    text = format_date(_as_date(moment), "d. MMMM y", locale=LOCALE)
    return text.replace(" ", NBSP, 1)


def date_short(moment: date | datetime) -> str:
    """Return a date for lists: "20. 10. 2017"."""
    return format_date(_as_date(moment), "d. M. y", locale=LOCALE).replace(" ", NBSP)


def month_heading(moment: date | datetime) -> str:
    """Return a month as a heading, in the nominative: "říjen 2017"."""
    return format_date(_as_date(moment), "LLLL y", locale=LOCALE)


def file_size(size: int) -> str:
    """Return a file size as Czech readers write it: "1,2 MB", "340 kB"."""
    units = (("GB", 1000**3), ("MB", 1000**2), ("kB", 1000))
    for unit, factor in units:
        if size >= factor:
            number = format_decimal(size / factor, format="#,##0.#", locale=LOCALE)
            return f"{number}{NBSP}{unit}"
    return f"{size}{NBSP}B"


def number(value: int) -> str:
    """Return a whole number with Czech digit grouping: "12 500"."""
    return format_decimal(value, locale=LOCALE)


def czech_key(text: str) -> Any:
    """Return a sort key for Czech alphabetical order ("ch" after "h", "č" after "c")."""
    return czech_sort.key(text)


def sorted_czech(items: Iterable[T], text: Callable[[T], str]) -> list[T]:
    """Return items in Czech alphabetical order of text(item)."""
    return sorted(items, key=lambda item: (czech_key(text(item)), text(item)))
