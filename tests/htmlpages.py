"""Read built HTML pages with a real parser (html.parser) into plain facts to assert on."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
VERBATIM = {"code", "pre", "kbd", "samp", "script", "style", "textarea"}


@dataclass
class Page:
    """What a test needs to know of one HTML page."""

    lang: str | None = None
    titles: list[str] = field(default_factory=list)
    metas: dict[str, str] = field(default_factory=dict)
    links: list[dict[str, str]] = field(default_factory=list)
    """<link> elements of the head."""
    hrefs: list[str] = field(default_factory=list)
    srcs: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    headings: list[int] = field(default_factory=list)
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)
    """Text nodes a reader sees as running text (not in code, pre, script or head)."""
    json_ld: list[Any] = field(default_factory=list)
    """Table rows as lists of cell texts."""
    unclosed: list[str] = field(default_factory=list)

    def link(self, rel: str, media_type: str | None = None) -> list[str]:
        """Return the href of every <link> with rel (and type)."""
        return [
            attrs["href"]
            for attrs in self.links
            if attrs.get("rel") == rel and (media_type is None or attrs.get("type") == media_type)
        ]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[str] = []
        self.in_title = False
        self.chunks: list[str] = []
        self.ld_json = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag not in VOID:
            self.stack.append(tag)
        self.ld_json = tag == "script" and values.get("type") == "application/ld+json"
        self._collect(tag, values)

    def _collect(self, tag: str, values: dict[str, str]) -> None:
        page = self.page
        if tag == "html":
            page.lang = values.get("lang")
        elif tag == "title" and "svg" not in self.stack:  # an SVG title is a tooltip
            self.in_title = True
            page.titles.append("")
        elif tag == "meta":
            page.metas[values.get("name") or values.get("property") or ""] = values.get(
                "content", ""
            )
        elif tag == "link":
            page.links.append(values)
        elif tag == "tr":
            page.rows.append([])
        elif tag in ("td", "th"):
            page.rows[-1].append("")
        elif tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            page.headings.append(int(tag[1]))
        if "href" in values and tag == "a":
            page.hrefs.append(values["href"])
        if "src" in values:
            page.srcs.append(values["src"])
        if "id" in values:
            page.ids.append(values["id"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in VOID:
            return
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.page.unclosed.append(f"</{tag}> closes {self.stack[-1:]}")

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1] == "script" and self.ld_json:
            self.page.json_ld.append(json.loads(data))
        if "body" in self.stack and not VERBATIM.intersection(self.stack):
            self.page.prose.append(data)
        if self.in_title:
            self.page.titles[-1] += data
        if self.stack and self.stack[-1] in ("td", "th") and self.page.rows:
            self.page.rows[-1][-1] += data
        self.chunks.append(data)


def parse_page(path: Path) -> Page:
    """Parse one HTML file."""
    parser = _Parser()
    parser.feed(path.read_text("utf-8"))
    parser.close()
    parser.page.text = " ".join("".join(parser.chunks).split())
    parser.page.unclosed += [f"<{tag}> never closed" for tag in parser.stack]
    return parser.page


def html_pages(root: Path) -> dict[str, Page]:
    """Return {URL path: Page} for every HTML file under root that readers get: the web
    editor's page (/admin/, for press officers) is checked in tests/test_admin*.py."""
    pages = {}
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("admin/"):
            continue
        url = "/" + rel.removesuffix("index.html")
        pages[url] = parse_page(path)
    return pages
