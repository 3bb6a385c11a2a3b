"""Markdown → sanitised HTML and the plain text of the first paragraph.

One Renderer is made per build. Relative links and images go through a resolver given
per document, so `[Žlutice](../localities/zlutice.md)` becomes the locality's URL and a
link to a missing file becomes a problem of that document.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.treeprocessors import Treeprocessor

from sitegen.base.i18n import N_, _
from sitegen.base.typography import NBSP, ascii_slug, typeset_html, unused_character
from sitegen.content.models import Body

Resolver = Callable[[str], str]
"""Maps a link target as written to the URL to put in the page; raises LinkError."""


class LinkError(Exception):
    """A link or image in a body that points nowhere."""


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """A link target that could not be resolved, and why."""

    target: str
    message: str


@dataclass(frozen=True, slots=True)
class BodyNote:
    """Something in a body that readers would not get as written: the build refuses it."""

    line: int
    """1-based line in the body (not in the file)."""
    message: str


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered body, its broken links, and what each working link resolved to."""

    body: Body
    broken: tuple[BrokenLink, ...]
    links: tuple[tuple[str, str], ...]
    """(target as written, URL put in the page), sorted: a cached body is still
    good while every target resolves to the same URL."""
    notes: tuple[BodyNote, ...] = ()
    """Why the body cannot be published as it is; a body with notes is never cached."""


ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_FOOTNOTE_REF = re.compile(r"<sup[^>]*>.*?</sup>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


EXTENSIONS: dict[str, Callable[[str], bool]] = {
    "tables": lambda text: "|" in text,
    "footnotes": lambda text: "[^" in text,
    "toc": lambda text: "#" in text or "\n==" in text or "\n--" in text or "TOC" in text,
    "attr_list": lambda text: "{" in text,
    "fenced_code": lambda text: "```" in text or "~~~" in text,
}
"""Python-Markdown's extensions, each with a test for text that may use its syntax."""
_REFERENCE_DEFINITION = re.compile(r"\[[^\[\]]*\]:")
"""A reference definition may stand anywhere: in a quote or a list item too. Its label
holds no bracket, so a scan stops at the next one: linear in any text."""
INLINE_PATTERNS: dict[str, Callable[[str], bool]] = {
    "backtick": lambda text: "`" in text,
    "escape": lambda text: "\\" in text,
    "reference": lambda text: _REFERENCE_DEFINITION.search(text) is not None,
    "image_link": lambda text: "![" in text,
    "autolink": lambda text: "<" in text,
    "automail": lambda text: "<" in text,
    "html": lambda text: "<" in text,
    "linebreak": lambda text: "  \n" in text or "\t" in text or "\r" in text,
    "entity": lambda text: "&" in text,
    "em_strong": lambda text: "*" in text or "_" in text,
}
"""Python-Markdown's inline patterns that text without their mark can never match,
each with a test for text that may; each pattern costs a search of every paragraph.
A reference ([text][id], [id]) changes nothing unless the text defines one."""
_REFERENCE_PATTERNS = ("reference", "image_reference", "short_reference", "short_image_ref")
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "toc": {"slugify": ascii_slug},
    "footnotes": {"BACKLINK_TITLE": "Zpět k místu poznámky %d"},
}


class _LinkRewriter(Treeprocessor):
    """Rewrites relative href/src through the current document's resolver; demotes h1."""

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self.resolver: Resolver = lambda target: target
        self.broken: list[BrokenLink] = []
        self.resolved: dict[str, str] = {}

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.tag == "h1":  # the page title is the only h1
                element.tag = "h2"
            attribute = {"a": "href", "img": "src"}.get(element.tag)
            target = element.get(attribute) if attribute else None
            if attribute and target is not None:
                element.set(attribute, self._resolve(target))

    def _resolve(self, target: str) -> str:
        try:
            url = self.resolver(target)
        except LinkError as error:
            self.broken.append(BrokenLink(target, str(error)))
            return target
        self.resolved[target] = url
        return url


class _HeadingIdsProcessor(TocTreeprocessor):
    """The toc extension's heading ids, without making a table of contents nobody uses."""

    def build_toc_div(self, toc_list: list[Any]) -> etree.Element:
        return etree.Element("div")


class _HeadingIds(TocExtension):
    """toc for a text without a [TOC] marker: ids only (a third of toc's time is the table)."""

    TreeProcessorClass = _HeadingIdsProcessor


class _LinkExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rewriter: _LinkRewriter | None = None

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        self.rewriter = _LinkRewriter(md)
        # After inline patterns (20) have made <a> and <img>, before toc (5) sets ids.
        md.treeprocessors.register(self.rewriter, "sitegen-links", 6)


@dataclass(slots=True)
class Renderer:
    """Python-Markdown configured for sitegen; reuse it for every body of a build."""

    _instances: dict[
        tuple[frozenset[str], frozenset[str]], tuple[markdown.Markdown, _LinkExtension]
    ] = field(default_factory=dict)
    """One configured Markdown per set of extensions a body needs and patterns it does not."""

    def _markdown(self, text: str) -> tuple[markdown.Markdown, _LinkRewriter]:
        """Return Markdown with only the extensions and inline patterns text can use,
        and its link rewriter.

        An extension or pattern whose syntax the text lacks would change nothing but
        still cost its search on every paragraph.
        """
        features = features_of(text)
        found = self._instances.get(features)
        if found is None:
            found = self._instances[features] = _configured(*features)
        md, links = found
        assert links.rewriter is not None  # set by Markdown when the extension was registered
        return md, links.rewriter

    def render(self, text: str, resolver: Resolver) -> Rendered:
        """Render one Markdown body with its links resolved by resolver.

        A body nested too deeply is refused before it reaches Markdown or the HTML
        parser, whose time grows with depth × length: it comes back empty, with a note.
        """
        md, rewriter = self._markdown(text)
        rewriter.resolver = resolver
        rewriter.broken = []
        rewriter.resolved = {}
        note = nesting_note(text)
        if note:
            return _refused(note)
        try:
            raw_html = md.reset().convert(text)
            note = html_depth_note(raw_html, text)
            if note and "<" not in text:  # deep without raw HTML: Markdown's own nesting
                note = BodyNote(1, _(TOO_DEEP))
            clean_html = "" if note else sanitize_body_html(raw_html)
        except RecursionError:  # a depth the checks above let through
            note = BodyNote(1, _(TOO_DEEP))
        if note:
            return _refused(note)
        body = Body(typeset_html(clean_html), first_paragraph(clean_html))
        vouch(body.html)
        # Only raw HTML can hide text from the sanitiser; Markdown's own never does.
        notes = hidden_text_notes(raw_html, clean_html, text) if "<" in text else ()
        links = tuple(sorted(rewriter.resolved.items()))
        return Rendered(body, tuple(rewriter.broken), links, notes)


def features_of(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """Return the extensions text needs ("toc-marker": a [TOC] to fill) and the inline
    patterns it cannot use."""
    needed = frozenset(name for name, used in EXTENSIONS.items() if used(text))
    if "toc" in needed and "[TOC]" in text:
        needed |= {"toc-marker"}
    unused = frozenset(name for name, used in INLINE_PATTERNS.items() if not used(text))
    return needed, unused


def _configured(
    needed: frozenset[str], unused: frozenset[str]
) -> tuple[markdown.Markdown, _LinkExtension]:
    """Return Markdown with the needed extensions, without the unused inline patterns."""
    links = _LinkExtension()
    names = [name for name in EXTENSIONS if name in needed]
    extensions: list[str | Extension] = [*names, links]
    if "toc" in needed and "toc-marker" not in needed:
        extensions[names.index("toc")] = _HeadingIds(**EXTENSION_CONFIGS["toc"], marker="")
    md = markdown.Markdown(
        extensions=extensions,
        extension_configs={name: EXTENSION_CONFIGS.get(name, {}) for name in names},
        output_format="html",
    )
    dropped = unused | (set(_REFERENCE_PATTERNS) if "reference" in unused else set())
    for name in dropped:
        if name in md.inlinePatterns:
            md.inlinePatterns.deregister(name)
    return md, links


def _refused(note: BodyNote) -> Rendered:
    return Rendered(Body("", ""), (), (), (note,))


def sanitize(raw_html: str) -> str:
    """Remove everything from HTML that could run code or restyle the page."""
    return nh3.clean(
        raw_html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


_RENDERED_HERE: set[str] = set()
"""Bodies this process (or a worker it forked) rendered and sanitised: see vouch()."""


def vouch(body_html: str) -> None:
    """Note that body_html was made by the renderer in this build, so sanitising it
    again gives the same bytes and can be skipped (a body from the cache never is)."""
    _RENDERED_HERE.add(body_html)


def forget_vouched() -> None:
    """Forget the bodies vouched for so far (a new build of a long-lived process)."""
    _RENDERED_HERE.clear()


def sanitize_body_html(body_html: str) -> str:
    """Return body_html sanitised, keeping each non-breaking space as it was written.

    The HTML serialiser would write the typesetter's U+00A0 characters as "&nbsp;";
    a stand-in character carries them through. So this is idempotent on its own
    output and on that output typeset (typesetting adds only characters to text),
    and a page writer can pass every stored body through it: a poisoned cache then
    yields sanitised HTML, and a clean one the same bytes. A body rendered by this
    build (vouch) is returned as it is: sanitising it again would cost a tenth of the
    pages' time and give the same bytes.
    """
    if body_html in _RENDERED_HERE:
        return body_html
    mark = unused_character(body_html)
    if mark is None:  # the text holds every stand-in: safe, if not byte for byte
        return sanitize(body_html)
    return sanitize(body_html.replace(NBSP, mark)).replace(mark, NBSP)


def first_paragraph(body_html: str) -> str:
    """Return the plain text of the first paragraph of body_html, footnote marks left out.

    body_html is sanitised: every element is closed and no "<" is left in text or
    values, so each pattern here is scanned once.
    """
    match = _PARAGRAPH.search(body_html)
    if not match:
        return ""
    text = _TAG.sub("", _FOOTNOTE_REF.sub("", match.group(1)))
    return " ".join(html.unescape(text).split())


# Bodies readers would not get as written ---------------------------------------------

MAX_NESTING = 20
"""Lists and quotes inside one another, at most (Python-Markdown recurses once a level)."""
MAX_OPEN_BRACKETS = 20
"""'[' or '(' open at once in a paragraph, at most (Markdown rescans from each one)."""
MAX_HTML_DEPTH = 100
MAX_PARAGRAPH = 20_000
"""Characters of one paragraph (or other block) outside fenced code."""
MAX_INLINE_MARKS = 20_000
_INLINE_MARKS = ("*", "_", "`", "[", "<", "&")
"""Elements inside one another in a body's HTML, at most (the parser's time is depth × tags)."""
TOO_DEEP = N_("the text nests lists, quotes or emphasis too deeply to be read; nest fewer levels")
HIDDEN_TEXT = N_(
    "the raw HTML here hides the rest of the text from readers (an unclosed <script>?); "
    "remove it or write it as text"
)
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


_MARKUP = re.compile(
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
_DROPPED_WITH_CONTENT = frozenset({"script", "style"})
_RAW_TEXT = frozenset({"textarea", "title", "xmp", "iframe", "noembed", "noframes"})
"""Elements whose content is text to the closing tag, tags and all."""
_CLOSING_TAG = {
    name: re.compile(rf"</{name}(?=[\s/>]|\Z)", re.IGNORECASE)
    for name in _DROPPED_WITH_CONTENT | _RAW_TEXT
}


def html_depth_note(raw_html: str, source: str) -> BodyNote | None:
    """Return a note on the first element of raw_html nested too deeply, or None.

    Counts elements left open, in one pass; source (the Markdown) places the note.
    """
    depth = 0
    for match in _MARKUP.finditer(raw_html):
        name = (match["name"] or "").lower()
        if not name or name in _VOID or name in _CLOSED_BY_SIBLING:
            continue
        depth = max(depth - 1, 0) if match["end"] else depth + 1
        if depth > MAX_HTML_DEPTH:
            line = _line_of(source, match.group(), raw_html.count(match.group(), 0, match.end()))
            return BodyNote(
                line,
                _(
                    "the raw HTML here nests elements more than {most} levels deep; close "
                    "them or nest fewer"
                ).format(most=MAX_HTML_DEPTH),
            )
    return None


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
    return (BodyNote(_line_of(source, snippet, occurrence), _(HIDDEN_TEXT)),)


def _readable_text(fragment_html: str) -> list[str]:
    """Return the unescaped text pieces of an HTML fragment that a reader would see."""
    pieces: list[str] = []
    position = 0
    unclosed: set[str] = set()
    while match := _MARKUP.search(fragment_html, position):
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


def _line_of(source: str, snippet: str, occurrence: int) -> int:
    """Return the 1-based line of source where the occurrence-th snippet starts (or the last)."""
    found = -1
    position = 0
    for _occurrence in range(occurrence if snippet else 0):
        at = source.find(snippet, position)
        if at < 0:
            break
        found, position = at, at + 1
    return source.count("\n", 0, found) + 1 if found >= 0 else 1
