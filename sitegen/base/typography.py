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


@functools.lru_cache(maxsize=65536)
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


def phone_text(number: str) -> str:
    """Return a phone number that never wraps: "+420 777 787 974" with no-break spaces."""
    return NBSP.join(number.split())


def phone_uri(number: str) -> str:
    """Return the tel: address of a phone number: "tel:+420777787974"."""
    return "tel:" + re.sub(r"[^\d+]", "", number)


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


@functools.lru_cache(maxsize=65536)
def czech_key(text: str) -> Any:
    """Return a sort key for Czech alphabetical order ("ch" after "h", "č" after "c").

    Remembered: the same names (topics, regions) are sorted on thousands of pages.
    """
    return czech_sort.key(text)


def sorted_czech(items: Iterable[T], text: Callable[[T], str]) -> list[T]:
    """Return items in Czech alphabetical order of text(item)."""
    return sorted(items, key=lambda item: (czech_key(text(item)), text(item)))


# Czech typesetting of running text. Each rule inserts non-breaking spaces or
# proper punctuation; none of them changes the words.
_MONTHS = "ledna|února|března|dubna|května|června|července|srpna|září|října|listopadu|prosince"
_UNITS = r"%|‰|Kč|€|EUR|mil\.|mld\.|tis\.|km|m²|m|ha|kg|t|h|min|°C"
_TITLES = ("Mgr", "Bc", "Ing", "PhDr", "JUDr", "MUDr", "RNDr", "PaedDr", "doc", "prof", "Dr")
_DAY = r"(?:(?<=\b\d\. )|(?<=\b\d\d\. ))"
"""Right after "1. " or "20. " (a day or a month); a look-behind takes one width only."""
_TITLE = "(?:" + "|".join(rf"(?<=\b{title}\. )" for title in _TITLES) + ")"
# Every rule but the range rule matches only the spaces it replaces, from their first
# space (found by a fast scan), and checks what comes before in a look-behind: each rule
# is one left-to-right pass with bounded look-arounds, and a constant replacement costs
# no Python call per match.
_Rules = tuple[tuple[tuple[str, ...], re.Pattern[str], str | Callable[[re.Match[str]], str]], ...]
_NBSP_RULES: _Rules = (
    # Each rule comes with the strings one of which any text it changes holds: a rule
    # whose strings are all absent is skipped, which costs a scan in C, not a pass.
    # "v Praze", "a obcí", "K obcím": a one-letter word never ends a line.
    ((" ",), re.compile(r" (?<=[vkszouaiVKSZOUAI] )(?<![\w.\-/][vkszouaiVKSZOUAI] ) *"), NBSP),
    # "20 000 lidí", "35 mil. Kč", "50 %": a number stays with its unit.
    ((" ",), re.compile(r" (?<=\d )(?=\d{3}(?!\d))"), NBSP),
    ((" ",), re.compile(rf" (?<=\d ) *(?=(?:{_UNITS})(?!\w))"), NBSP),
    (
        ("mil. ", "mld. ", "tis. "),
        re.compile(r" (?<=\bmil\. |\bmld\. |\btis\. ) *(?=Kč|EUR|korun)"),
        NBSP,
    ),
    # "20. 10. 2017", "20. října 2017", "1. ledna".
    ((". ",), re.compile(rf" {_DAY} *(?=\d{{1,2}}\. *\d{{4}}|\d{{4}}\b)"), NBSP),
    ((". ",), re.compile(rf" {_DAY} *(?=(?:{_MONTHS})\b)"), NBSP),
    # "s. r. o.", "o. p. s.", "Mgr. Radek", "§ 8", "č. 85".
    ((". ",), re.compile(r" (?<=[a-zA-Z]\. )(?<![\w.][a-zA-Z]\. ) *(?=[a-zA-Z]\.)"), NBSP),
    ((". ",), re.compile(rf" (?<=\. ){_TITLE} *(?=\w)"), NBSP),
    (
        ("§ ", "č. ", "odst. ", "písm. "),
        re.compile(r" (?:(?<=§ )|(?<=\bč\. )|(?<=\bodst\. )|(?<=\bpísm\. )) *(?=\d|[a-z]\))"),
        NBSP,
    ),
    # "2013-2015" is a range: en dash; "slovo - slovo" is a dash that never starts a line.
    (
        ("-",),
        re.compile(r"(?<![\d\-./])(\d+) ?- ?(\d+)(?![\d\-./])"),
        lambda m: f"{m[1]}\u2013{m[2]}",
    ),
    (("-", "\u2013"), re.compile(r" (?<=\S ) *[-\u2013] +"), NBSP + "\u2013 "),
)
_ENGLISH_NBSP_RULES = _NBSP_RULES[1:]
"""The rules that hold for English text too: all but the first, the Czech one-letter
words (English keeps no "a" or "I" with the next word)."""
_URLISH_RUN = re.compile(
    r"(?<![^\s\x00])(?=[^\s\x00]*?(?:https?://[^\s\x00]|www\.[^\s\x00]|[^\s\x00]@[^\s\x00]{2}))"
    r"[^\s\x00]+"
)
"""A run of non-space characters that may hold a URL or an e-mail address.

Tried only where a run starts and scanned once: one pass over the text."""
_URLISH_SIGNS = ("http://", "https://", "www.", "@")
"""Text without any of these holds no URL or address: _URLISH_RUN need not scan it."""
_URL_START = re.compile(r"https?://(?=.)|www\.(?=.)", re.S)
_QUOTE = re.compile(r'"|&quot;|&#34;')
_OPENS_QUOTE = frozenset(" \t\n\r(\u00a0[/\u2013„")
_AFTER_OPENER = r"(?:^|(?<=[ \t\n\r(\u00a0\[/\u2013„]))"
_OPENING_QUOTE = re.compile(_AFTER_OPENER + r'(?:"|&quot;|&#34;)')
"""A quote at the start or right after a space, bracket, slash, dash or „: it opens."""
_OPENING_QUOTE_AFTER_JOIN = re.compile(_AFTER_OPENER + r'(\x00+)(?:"|&quot;|&#34;)')
"""An opening quote at the start of a text node: what counts is what comes before the node."""
_MARKS = (range(0xE000, 0xF900), range(0xF0000, 0xFFFFE), range(0x100000, 0x10FFFE))
"""Private-use characters: one marks opening quotes while the rest are curled."""


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


def _typeset(text: str, rules: _Rules = _NBSP_RULES) -> str:
    parts = _split_urls(text)
    for index in range(0, len(parts), 2):
        parts[index] = _typeset_words(parts[index], rules)
    return _curl_quotes("".join(parts))


def _split_urls(text: str) -> list[str]:
    """Return [text, URL, text, ..., text]: the URLs and e-mail addresses in text between the rest.

    A URL runs from "http(s)://" or "www." to the next space; an address (x@y.z) is the
    whole run of non-space characters around its "@".
    """
    if not any(sign in text for sign in _URLISH_SIGNS):
        return [text]
    parts: list[str] = []
    position = 0
    for run in _URLISH_RUN.finditer(text):
        start = _url_start(run.group())
        if start >= 0:
            parts += [text[position : run.start() + start], text[run.start() + start : run.end()]]
            position = run.end()
    parts.append(text[position:])
    return parts


def _url_start(run: str) -> int:
    """Return where the URL or e-mail address in a run of non-space characters starts, or -1."""
    last_dot = run.rfind(".", 0, len(run) - 1)
    if last_dot >= 3 and run.find("@", 1, last_dot - 1) >= 0:
        return 0
    match = _URL_START.search(run)
    return match.start() if match else -1


def _typeset_words(text: str, rules: _Rules = _NBSP_RULES) -> str:
    for needs, pattern, replacement in rules:
        if any(needed in text for needed in needs):
            text = pattern.sub(replacement, text)
    return text


def _curl_quotes(text: str) -> str:
    """Return text with each straight quote made „opening“ or “closing“ by what precedes it.

    Three whole-text passes, each deciding on the text as it was: openings after a
    _JOIN run get a mark (a character not in text), the other openings „, the rest “.
    """
    if '"' not in text and "&quot;" not in text and "&#34;" not in text:
        return text
    if not _OPENING_QUOTE_AFTER_JOIN.search(text):
        return _QUOTE.sub("“", _OPENING_QUOTE.sub("„", text))
    mark = unused_character(text)
    if mark is None:
        return _curl_quotes_one_by_one(text)
    text = _OPENING_QUOTE_AFTER_JOIN.sub(lambda match: match[1] + mark, text)
    return _QUOTE.sub("“", _OPENING_QUOTE.sub("„", text)).replace(mark, "„")


def unused_character(text: str) -> str | None:
    """Return a private-use character that text does not contain (None if it has them all).

    Such a character can stand in for another while a library works on the text.
    """
    first = chr(_MARKS[0][0])
    if first not in text:
        return first
    used = set(text)
    for block in _MARKS:
        for code in block:
            if chr(code) not in used:
                return chr(code)
    return None


def _curl_quotes_one_by_one(text: str) -> str:
    pieces: list[str] = []
    position = 0
    for match in _QUOTE.finditer(text):
        pieces.append(text[position : match.start()])
        previous = _char_before(text, match.start())
        pieces.append("„" if previous in _OPENS_QUOTE else "“")
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces)


def _char_before(text: str, index: int) -> str:
    """Return the character before index that is not a _JOIN, or " " at the start.

    Walks back over the _JOIN run only, so the quotes of a text cost one pass over it."""
    while index and text[index - 1] == _JOIN:
        index -= 1
    return text[index - 1] if index else " "


_TAG = re.compile(
    r"(<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?:[^\"'>]++|\"[^\"]*+(?:\"|\Z)|'[^']*+(?:'|\Z))*+(?:>|\Z)"
    r"|<!--.*?(?:-->|\Z))",
    re.S,
)
"""A tag or a comment; split() yields it with its "/" and its name after each text.

A tag, quoted value or comment that is never closed runs to the end of the HTML, as
browsers read it: matching from a "<" never fails once it has begun, so no "<" is
scanned for twice and the split is one pass over the HTML."""
_VERBATIM = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea", "title"})


def typeset_html(html: str, language: str = "cs") -> str:
    """Return HTML with Czech typesetting applied to its text nodes only (for an English
    text, language "en": without the Czech one-letter words' no-break spaces).

    Tags, attributes, comments and the content of code, pre, kbd, samp, script,
    style and textarea stay exactly as they were. A NUL character, which no HTML
    text can hold, becomes U+FFFD as in an HTML parser.
    """
    pieces = _TAG.split(
        html.replace(_JOIN, "\ufffd")
    )  # text, tag, "/", name, text, tag, "/", name, ..., text
    chosen = _typeset_positions(pieces)
    rules = _ENGLISH_NBSP_RULES if language == "en" else _NBSP_RULES
    done = _typeset(_JOIN.join(pieces[index] for index in chosen), rules).split(_JOIN)
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
