"""Guards: bodies whose Markdown or raw HTML would take too long to read are refused.

Python-Markdown and the HTML parser take time that grows with nesting depth, open
brackets, unclosed tags and paragraph length. A body past a limit of its Markdown is
refused before Markdown reads it (nesting_note), one past the depth of its raw HTML
before the sanitiser parses it (html_depth_note); the note names the line to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sitegen.base.i18n import N_, _


@dataclass(frozen=True, slots=True)
class BodyNote:
    """Something in a body that readers would not get as written: the build refuses it."""

    line: int
    """1-based line in the body (not in the file)."""
    message: str


MAX_NESTING = 20
"""Lists and quotes inside one another, at most (Python-Markdown recurses once a level)."""
MAX_OPEN_BRACKETS = 20
"""'[' or '(' open at once in a paragraph, at most (Markdown rescans from each one)."""
MAX_HTML_DEPTH = 100
"""Elements inside one another in a body's HTML, at most (the parser's time is depth × tags)."""
MAX_PARAGRAPH = 20_000
"""Characters of one paragraph (or other block) outside fenced code."""
MAX_INLINE_MARKS = 20_000
"""Formatting marks (see _INLINE_MARKS) in one body, at most."""
_INLINE_MARKS = ("*", "_", "`", "[", "<", "&")
TOO_DEEP = N_("the text nests lists, quotes or emphasis too deeply to be read; nest fewer levels")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_RULE_LINE = re.compile(r" {0,3}([-*_])(?: *\1){2,} *$")
_MARKERS = re.compile(r"(?:(?:>|(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)) *)*")
"""The quote and list markers that start a line, e.g. "> - > 1. "."""
_LIST_MARKER = re.compile(r"[-*+]|\d{1,9}[.)]")
_BRACKET = re.compile(r"\\.|[\[\]()]")
MAX_UNCLOSED_MARKUP = 20
"""Tags or CDATA sections never closed, at most (Markdown's HTML reader rescans from each)."""
_UNCLOSED_MARKUP = (
    (re.compile(r"<[a-zA-Z]"), ">", N_("'<' that start a tag never closed with '>'")),
    (re.compile(r"<!\[CDATA\["), "]]>", N_("'<![CDATA[' never closed with ']]>'")),
)


def nesting_note(text: str) -> BodyNote | None:
    """Return a note on the first line of Markdown text nested too deeply, or None.

    One pass over the lines, fenced code left out: a line's depth is its indentation
    in steps of four spaces plus its quote and list markers; brackets count while
    open within a paragraph, and tags or CDATA sections while never closed. Each
    check runs only when a count over the whole text (made in C) says it could fail,
    so a real article costs a few scans, not five passes in Python.
    """
    checks = (
        (_DEEP_LINE.search(text) is not None, _depth_note),
        (
            text.count("[") > MAX_OPEN_BRACKETS or text.count("(") > MAX_OPEN_BRACKETS,
            _brackets_note,
        ),
        (text.count("<") > MAX_UNCLOSED_MARKUP, _unclosed_markup_note),
        (len(text) + 3 * text.count("\t") > MAX_PARAGRAPH, _long_paragraph_note),
        (sum(text.count(mark) for mark in _INLINE_MARKS) > MAX_INLINE_MARKS, _inline_marks_note),
    )
    lines: list[tuple[int, str]] | None = None
    for may_fail, check in checks:
        if may_fail:
            lines = lines if lines is not None else list(_lines_outside_fences(text))
            note = check(iter(lines))
            if note:
                return note
    return None


_DEEP_LINE = re.compile(rf"^[ \t>*+\-\d.)]{{{MAX_NESTING + 1},}}", re.M)
"""A line that may nest more than MAX_NESTING levels: each level takes at least one of
these characters at the start of its line (four spaces or a tab, a marker)."""


def _depth_note(lines: Iterator[tuple[int, str]]) -> BodyNote | None:
    for number, line in lines:
        depth = _line_depth(line)
        if depth > MAX_NESTING:
            return BodyNote(
                number,
                _(
                    "the text nests lists or quotes {depth} levels deep; at most {most} are allowed"
                ).format(depth=depth, most=MAX_NESTING),
            )
    return None


def _inline_marks_note(lines: Iterator[tuple[int, str]]) -> BodyNote | None:
    """Return a note on the line where the text passes MAX_INLINE_MARKS formatting marks.

    Python-Markdown spends about 0.1 ms on each inline element, so 2 MB of `*a* `
    would take a minute; an article has a few hundred marks.
    """
    count = 0
    for number, line in lines:
        count += sum(line.count(mark) for mark in _INLINE_MARKS)
        if count > MAX_INLINE_MARKS:
            return BodyNote(
                number,
                _(
                    "the text holds more than {most} formatting marks (* _ ` [ < &); an "
                    "article has a few hundred: check the file, or split the text"
                ).format(most=f"{MAX_INLINE_MARKS:,}".replace(",", " ")),
            )
    return None


def _long_paragraph_note(lines: Iterator[tuple[int, str]]) -> BodyNote | None:
    """Return a note on the first line of a paragraph longer than MAX_PARAGRAPH.

    Python-Markdown's inline patterns take time that grows with the square of a
    paragraph's length (500 KB of `*a* ` took over a minute), so a paragraph is kept
    to a length no real text reaches.
    """
    start, length = 0, 0
    for number, line in lines:
        if not line.strip():
            start, length = 0, 0
            continue
        start = start or number
        length += len(line) + 1
        if length > MAX_PARAGRAPH:
            return BodyNote(
                start,
                _(
                    "the paragraph starting here is longer than {most} characters; split it "
                    "into shorter paragraphs with blank lines"
                ).format(most=f"{MAX_PARAGRAPH:,}".replace(",", " ")),
            )
    return None


def _lines_outside_fences(text: str) -> Iterator[tuple[int, str]]:
    """Yield (1-based number, line with tabs expanded) of each line outside fenced code."""
    fence = ""
    for number, line in enumerate(text.split("\n"), start=1):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1).startswith(fence):
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
            continue
        yield number, line.expandtabs(4)


def _line_depth(line: str) -> int:
    if _RULE_LINE.match(line):
        return 0
    stripped = line.lstrip(" ")
    markers = _MARKERS.match(stripped)
    marked = markers.group() if markers else ""
    return (len(line) - len(stripped)) // 4 + marked.count(">") + len(_LIST_MARKER.findall(marked))


def _brackets_note(lines: Iterator[tuple[int, str]]) -> BodyNote | None:
    """Return a note on the line where too many '[' or '(' are open in one paragraph."""
    open_count = {"[": 0, "(": 0}
    for number, line in lines:
        if not line.strip():
            open_count = {"[": 0, "(": 0}
        for match in _BRACKET.finditer(line):
            mark = match.group()
            if mark in open_count:
                open_count[mark] += 1
                if open_count[mark] > MAX_OPEN_BRACKETS:
                    return BodyNote(
                        number,
                        _(
                            "the text has more than {most} brackets '{mark}' open at once; "
                            "close them, or write a bracket as text with '\\' before it"
                        ).format(most=MAX_OPEN_BRACKETS, mark=mark),
                    )
            elif mark in "])":
                opener = "[" if mark == "]" else "("
                open_count[opener] = max(open_count[opener] - 1, 0)
    return None


def _unclosed_markup_note(lines: Iterator[tuple[int, str]]) -> BodyNote | None:
    """Return a note on the line where too many tag or CDATA openers have no closer after."""
    numbered = list(lines)
    for opener, closer, what in _UNCLOSED_MARKUP:
        pending: list[tuple[int, int]] = []  # (line, openers) after the last closer
        for number, line in numbered:
            after = line.rfind(closer)
            if after >= 0:
                pending = []
            count = len(opener.findall(line, max(after, 0)))
            if count:
                pending.append((number, count))
        seen = 0
        for number, count in pending:
            seen += count
            if seen > MAX_UNCLOSED_MARKUP:
                return BodyNote(
                    number,
                    _(
                        "the text has more than {most} {what}; close them, or write '&lt;' "
                        "for a '<' meant as text"
                    ).format(most=MAX_UNCLOSED_MARKUP, what=_(what)),
                )
    return None


MARKUP = re.compile(
    r"(?P<comment><!--.*?(?:-->|\Z))"
    r"|<(?P<end>/?)(?P<name>[a-zA-Z][a-zA-Z0-9-]*)"
    r"(?:[^\"'>]++|\"[^\"]*+(?:\"|\Z)|'[^']*+(?:'|\Z))*+(?:>|\Z)"
    r"|<![a-zA-Z][^>]*+(?:>|\Z)",
    re.S,
)
"""A comment, tag or doctype; one never closed runs to the end, so each is read once."""


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


_VOID = _names("area base br col embed hr img image input link meta param source track wbr")
_CLOSED_BY_SIBLING = _names(
    "p li dt dd option optgroup tr td th thead tbody tfoot colgroup caption rb rt rp rtc"
)
"""Elements that the next of their kind closes: they never pile up in the parser."""


def html_depth_note(raw_html: str, source: str) -> BodyNote | None:
    """Return a note on the first element of raw_html nested too deeply, or None.

    Counts elements left open, in one pass; source (the Markdown) places the note.
    """
    depth = 0
    for match in MARKUP.finditer(raw_html):
        name = (match["name"] or "").lower()
        if not name or name in _VOID or name in _CLOSED_BY_SIBLING:
            continue
        depth = max(depth - 1, 0) if match["end"] else depth + 1
        if depth > MAX_HTML_DEPTH:
            line = line_of(source, match.group(), raw_html.count(match.group(), 0, match.end()))
            return BodyNote(
                line,
                _(
                    "the raw HTML here nests elements more than {most} levels deep; close "
                    "them or nest fewer"
                ).format(most=MAX_HTML_DEPTH),
            )
    return None


def line_of(source: str, snippet: str, occurrence: int) -> int:
    """Return the 1-based line of source where the occurrence-th snippet starts (or the last)."""
    found = -1
    position = 0
    for _occurrence in range(occurrence if snippet else 0):
        at = source.find(snippet, position)
        if at < 0:
            break
        found, position = at, at + 1
    return source.count("\n", 0, found) + 1 if found >= 0 else 1
