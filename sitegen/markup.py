"""Markdown → sanitised HTML and the plain text of the first paragraph.

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
import nh3
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from sitegen.content.models import Body
from sitegen.typography import ascii_slug, typeset_html

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

    _links: _LinkExtension = field(default_factory=_LinkExtension)
    _md: markdown.Markdown = field(init=False)

    def __post_init__(self) -> None:
        self._md = markdown.Markdown(
            extensions=["tables", "footnotes", "toc", "attr_list", "fenced_code", self._links],
            extension_configs={
                "toc": {"slugify": ascii_slug},
                "footnotes": {"BACKLINK_TITLE": "Zpět k místu poznámky %d"},
            },
            output_format="html",
        )

    def render(self, text: str, resolver: Resolver) -> Rendered:
        """Render one Markdown body with its links resolved by resolver."""
        rewriter = self._links.rewriter
        assert rewriter is not None  # set by Markdown when the extension was registered
        rewriter.resolver = resolver
        rewriter.broken = []
        rewriter.resolved = {}
        raw_html = self._md.reset().convert(text)
        clean_html = sanitize(raw_html)
        body = Body(typeset_html(clean_html), first_paragraph(clean_html))
        return Rendered(body, tuple(rewriter.broken), tuple(sorted(rewriter.resolved.items())))


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


def first_paragraph(body_html: str) -> str:
    """Return the plain text of the first paragraph of body_html, footnote marks left out."""
    match = _PARAGRAPH.search(body_html)
    if not match:
        return ""
    text = _TAG.sub("", _FOOTNOTE_REF.sub("", match.group(1)))
    return " ".join(html.unescape(text).split())
