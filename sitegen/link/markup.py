"""Rendering: Markdown → sanitised HTML and the plain text of the first paragraph.

One Renderer is made per build. Relative links and images go through a resolver given
per document, so `[Žlutice](../localities/zlutice.md)` becomes the locality's URL and a
link to a missing file becomes a problem of that document.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.treeprocessors import Treeprocessor

from sitegen.base.i18n import _
from sitegen.base.typography import ascii_slug, typeset_html
from sitegen.content.models import Body
from sitegen.link.guards import TOO_DEEP, BodyNote, html_depth_note, nesting_note
from sitegen.link.hidden import hidden_text_notes
from sitegen.link.sanitize import sanitize_body_html, vouch

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
class Rendered:
    """A rendered body, its broken links, and what each working link resolved to."""

    body: Body
    broken: tuple[BrokenLink, ...]
    links: tuple[tuple[str, str], ...]
    """(target as written, URL put in the page), sorted: a cached body is still
    good while every target resolves to the same URL."""
    notes: tuple[BodyNote, ...] = ()
    """Why the body cannot be published as it is; a body with notes is never cached."""


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

    def render(self, text: str, resolver: Resolver, language: str | None = None) -> Rendered:
        """Render one Markdown body with its links resolved by resolver (in language:
        "en" for an English translation, whose quotes are English; else Czech).

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
        typeset = typeset_html(clean_html, language or "cs")
        if language == "en":
            typeset = english_quotes(typeset)
        body = Body(typeset, first_paragraph(clean_html))
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


_ENGLISH_QUOTES = str.maketrans({"„": "“", "“": "”", "‚": "‘", "‘": "’"})
"""Czech quotation marks („…“, ‚…‘) → English ones (“…”, ‘…’)."""


def english_quotes(html: str) -> str:
    """Return typeset HTML with the Czech quotation marks made English (an English text
    is typeset as a Czech one otherwise, but for the one-letter words: no-break spaces
    in numbers, dashes)."""
    return html.translate(_ENGLISH_QUOTES)
