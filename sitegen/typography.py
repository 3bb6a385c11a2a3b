"""Czech text rules shared by every stage: slugs, dates, file sizes, alphabetical order."""

from __future__ import annotations

import functools
import re
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


# Czech typesetting of running text. Each rule inserts non-breaking spaces or
# proper punctuation; none of them changes the words.
_MONTHS = "ledna|února|března|dubna|května|června|července|srpna|září|října|listopadu|prosince"
_UNITS = r"%|‰|Kč|€|EUR|mil\.|mld\.|tis\.|km|m²|m|ha|kg|t|h|min|°C"
_NBSP_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # "v Praze", "a obcí", "K obcím": a one-letter word never ends a line.
    (re.compile(r"(?<![\w.\-/])([vkszouaiVKSZOUAI]) +"), r"\1" + NBSP),
    # "20 000 lidí", "35 mil. Kč", "50 %": a number stays with its unit.
    (re.compile(r"(\d) (?=\d{3}(?!\d))"), r"\1" + NBSP),
    (re.compile(rf"(\d) +(?=(?:{_UNITS})(?![\w]))"), r"\1" + NBSP),
    (re.compile(r"\b(mil\.|mld\.|tis\.) +(?=Kč|EUR|korun)"), r"\1" + NBSP),
    # "20. 10. 2017", "20. října 2017", "1. ledna".
    (re.compile(r"\b(\d{1,2}\.) +(?=\d{1,2}\. *\d{4}|\d{4}\b)"), r"\1" + NBSP),
    (re.compile(rf"\b(\d{{1,2}}\.) +(?=(?:{_MONTHS})\b)"), r"\1" + NBSP),
    # "s. r. o.", "o. p. s.", "Mgr. Radek", "§ 8", "č. 85".
    (re.compile(r"(?<![\w.])([a-zA-Z]\.) +(?=[a-zA-Z]\.)"), r"\1" + NBSP),
    (re.compile(r"\b(Mgr|Bc|Ing|PhDr|JUDr|MUDr|RNDr|PaedDr|doc|prof|Dr)\. +(?=\w)"), r"\1." + NBSP),
    (re.compile(r"(§|\bč\.|\bodst\.|\bpísm\.) +(?=\d|[a-z]\))"), r"\1" + NBSP),
    # "2013-2015" is a range: en dash; "slovo - slovo" is a dash that never starts a line.
    (re.compile(r"(?<![\d\-./])(\d+) ?- ?(\d+)(?![\d\-./])"), "\\1\u2013\\2"),
    (re.compile(r"(\S) +[-\u2013] +"), "\\1" + NBSP + "\u2013 "),
)
_URLISH = re.compile(r"(https?://[^\s\x00]+|www\.[^\s\x00]+|[^\s\x00]+@[^\s\x00]+\.[^\s\x00]+)")
_QUOTE = re.compile(r'"|&quot;|&#34;')
_OPENS_QUOTE = frozenset(" \t\n\r(\u00a0[/\u2013„")


_JOIN = "\x00"
"""Joins the text nodes of a page so that the rules run once per page, not per node.
No rule matches across it, and it never occurs in HTML text."""


@functools.lru_cache(maxsize=65536)
def typeset_text(text: str) -> str:
    """Return text with Czech typesetting: non-breaking spaces, „quotes“, en dashes.

    URLs and e-mail addresses in the text are left exactly as written. Cached: the
    templates typeset the same titles on many pages.
    """
    return _typeset(text)


def _typeset(text: str) -> str:
    parts = _URLISH.split(text)
    for index in range(0, len(parts), 2):
        parts[index] = _typeset_words(parts[index])
    return _curl_quotes("".join(parts))


def _typeset_words(text: str) -> str:
    for pattern, replacement in _NBSP_RULES:
        text = pattern.sub(replacement, text)
    return text


def _curl_quotes(text: str) -> str:
    pieces: list[str] = []
    position = 0
    for match in _QUOTE.finditer(text):
        pieces.append(text[position : match.start()])
        previous = text[: match.start()].rstrip(_JOIN)[-1:] or " "
        pieces.append("„" if previous in _OPENS_QUOTE else "“")
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)


_TAG = re.compile(
    r"(<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?:[^\"'>]|\"[^\"]*\"|'[^']*')*>|<!--.*?-->)", re.S
)
"""A tag or a comment; split() yields it with its "/" and its name after each text."""
_VERBATIM = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea", "title"})


def typeset_html(html: str) -> str:
    """Return HTML with Czech typesetting applied to its text nodes only.

    Tags, attributes, comments and the content of code, pre, kbd, samp, script,
    style and textarea stay exactly as they were.
    """
    pieces = _TAG.split(html)  # text, tag, "/", name, text, tag, "/", name, ..., text
    chosen = _typeset_positions(pieces)
    done = _typeset(_JOIN.join(pieces[index] for index in chosen)).split(_JOIN)
    for index, text in zip(chosen, done, strict=True):
        pieces[index] = text
    return "".join(piece for index, piece in enumerate(pieces) if index % 4 in (0, 1))


def _typeset_positions(pieces: list[str]) -> list[int]:
    """Return the indexes in pieces of the text nodes outside verbatim elements."""
    positions = [0]
    depth = 0
    for index in range(4, len(pieces), 4):
        closing, name = pieces[index - 2], pieces[index - 1]
        if name and name.lower() in _VERBATIM:
            depth = max(depth + (-1 if closing else 1), 0)
        if not depth:
            positions.append(index)
    return positions
