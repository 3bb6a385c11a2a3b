"""Hidden text: raw HTML that would hide text of a body from readers once sanitised.

An unclosed <script> or <textarea> swallows the rest of a body; the sanitiser then
drops what readers were meant to see. The readable text before and after sanitising
is compared, and the line where the lost text starts gets a note.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from sitegen.base.i18n import N_, _
from sitegen.link.guards import MARKUP, BodyNote, line_of

HIDDEN_TEXT = N_(
    "the raw HTML here hides the rest of the text from readers (an unclosed <script>?); "
    "remove it or write it as text"
)
_DROPPED_WITH_CONTENT = frozenset({"script", "style"})
_RAW_TEXT = frozenset({"textarea", "title", "xmp", "iframe", "noembed", "noframes"})
"""Elements whose content is text to the closing tag, tags and all."""
_CLOSING_TAG = {
    name: re.compile(rf"</{name}(?=[\s/>]|\Z)", re.IGNORECASE)
    for name in _DROPPED_WITH_CONTENT | _RAW_TEXT
}


def hidden_text_notes(raw_html: str, clean_html: str, source: str) -> tuple[BodyNote, ...]:
    """Return a note when sanitising raw_html into clean_html dropped text readers should see.

    What sanitising rightly drops is left out of the comparison: tags, attributes,
    comments and the content of closed script and style elements. Whitespace and
    order are ignored (the HTML parser may move text out of a table); the note
    names the line of source where the first dropped text starts.
    """
    before_pieces = _readable_text(raw_html)
    before = _without_spaces("".join(before_pieces))
    after = _without_spaces("".join(_readable_text(clean_html)))
    if before == after or not Counter(before) - Counter(after):
        return ()
    where = _first_difference(before, after)
    snippet, occurrence = _snippet_at(before_pieces, where)
    return (BodyNote(line_of(source, snippet, occurrence), _(HIDDEN_TEXT)),)


def _readable_text(fragment_html: str) -> list[str]:
    """Return the unescaped text pieces of an HTML fragment that a reader would see."""
    pieces: list[str] = []
    position = 0
    unclosed: set[str] = set()
    while match := MARKUP.search(fragment_html, position):
        pieces.append(fragment_html[position : match.start()])
        position = match.end()
        comment = match["comment"]
        if comment is not None and not comment.endswith("-->"):
            pieces.append(comment[4:])
        name = (match["name"] or "").lower()
        if match["end"] or name not in _CLOSING_TAG or name in unclosed:
            continue
        closing = _CLOSING_TAG[name].search(fragment_html, position)
        if closing is None:
            unclosed.add(name)  # none after this one either: no rescan
        if name in _RAW_TEXT:
            end = closing.start() if closing else len(fragment_html)
            pieces.append(fragment_html[position:end])
            position = end
        elif closing:
            position = closing.start()
    pieces.append(fragment_html[position:])
    return [html.unescape(piece) for piece in pieces]


def _without_spaces(text: str) -> str:
    return "".join(text.replace("\x00", "").split())


def _first_difference(before: str, after: str) -> int:
    """Return the first index where before and after differ, comparing blocks in C."""
    low, high = 0, min(len(before), len(after))
    while low < high:
        middle = (low + high + 1) // 2
        if before[low:middle] == after[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _snippet_at(pieces: list[str], index: int) -> tuple[str, int]:
    """Return the text from the index-th non-space character to the end of its line,
    and which occurrence of it in the pieces this is (1 for the first)."""
    text = "".join(pieces)
    seen = 0
    for word in re.finditer(r"\S+", text):
        if seen + len(word.group()) > index:
            start = word.start() + index - seen
            snippet = text[start:].split("\n", 1)[0].strip()[:60]
            return snippet, text.count(snippet, 0, start) + 1
        seen += len(word.group())
    return "", 1
