"""`sitegen check`: the checks of a built site, and publishing advice on its content.

check_output reads a built output folder: every internal link and #anchor, every image
and script, the feeds (with feedparser), the sitemap, and each page's title and
description. Its findings are errors. advise reads the site's content for the rules of
public-sector publishing practice; its findings are warnings and never fail a check.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser

from sitegen.content.models import Locality, NewsItem, Page, Partnership
from sitegen.errors import Problem
from sitegen.site import Site, cooperation_status
from sitegen.urls import Urls

TITLE_LIMIT = 65
SUMMARY_LIMIT = 160
IMAGE_LIMIT = 1_000_000
"""Bytes: larger images are slow on a phone's connection."""
OPEN_FORMATS = frozenset({"pdf", "html", "htm", "odt", "ods", "odp", "odg"})
FEEDS = ("feed.xml", "atom.xml")
_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@dataclass(slots=True)
class _Page(HTMLParser):
    """What one HTML page links to, and the anchors it offers."""

    links: list[tuple[str, int]] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    title: str = ""
    description: str = ""
    _in_title: bool = False

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        line = self.getpos()[0]
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        for name in ("href", "src"):
            if name in values and tag in ("a", "img", "script", "link", "source", "iframe"):
                self.links.append((values[name], line))
        if tag == "meta" and values.get("name") == "description":
            self.description = values.get("content", "")
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def check_output(output: Path, urls: Urls, sources: dict[str, str]) -> list[Problem]:
    """Return the problems of the built site in output.

    sources maps a page's URL to the content file it comes from, for messages.
    """
    pages = {rel: _parse(output / rel) for rel in _html_files(output)}
    problems: list[Problem] = []
    for rel, page in pages.items():
        url = urls.base_path + ("" if rel == "index.html" else rel.removesuffix("index.html"))
        where = sources.get(url, f"{output.name}/{rel}")
        problems += _page_problems(rel, page, where, output, urls, pages)
    problems += _feed_problems(output)
    problems += _sitemap_problems(output, urls, pages)
    return problems


def _html_files(output: Path) -> Iterator[str]:
    for path in sorted(output.rglob("*.html")):
        rel = path.relative_to(output).as_posix()
        if not rel.startswith("pagefind/"):
            yield rel


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text("utf-8"))
    page.close()
    return page


def _page_problems(
    rel: str, page: _Page, where: str, output: Path, urls: Urls, pages: dict[str, _Page]
) -> list[Problem]:
    problems = []
    if not page.title.strip():
        problems.append(Problem(where, 0, "", f"/{rel} has no <title>"))
    if not page.description.strip() and rel != "404.html":
        problems.append(Problem(where, 0, "", f"/{rel} has no meta description"))
    page_url = urljoin(urls.base_url, rel.removesuffix("index.html"))
    for link, line in page.links:
        message = _link_problem(urljoin(page_url, link), output, urls, pages)
        if message:
            problems.append(Problem(where, 0, "", f"/{rel}:{line}: link '{link}' {message}"))
    return problems


def _link_problem(target: str, output: Path, urls: Urls, pages: dict[str, _Page]) -> str | None:
    """Return what is wrong with an absolute link target, or None when it works."""
    split, base = urlsplit(target), urlsplit(urls.base_url)
    if split.scheme not in ("http", "https") or split.netloc != base.netloc:
        return None  # another site, mailto:, tel:
    if not split.path.startswith(base.path):
        return f"points outside the site's address {urls.base_url}"
    rel = posixpath.normpath(split.path[len(base.path) :] or ".")
    rel = "" if rel == "." else rel
    path = output / rel
    if path.is_dir():
        rel = posixpath.join(rel, "index.html") if rel else "index.html"
        path = output / rel
    if not path.is_file():
        return "goes to a page or file that does not exist"
    if split.fragment and rel in pages and split.fragment not in pages[rel].ids:
        return f"goes to #{split.fragment}, which is not on that page"
    return None


def _feed_problems(output: Path) -> list[Problem]:
    problems = []
    feeds = [output / name for name in FEEDS] + sorted(output.glob("*/*/feed.xml"))
    for path in feeds:
        rel = path.relative_to(output).as_posix()
        if not path.is_file():
            problems.append(Problem(f"{output.name}/{rel}", 0, "", "the feed is missing"))
            continue
        parsed = feedparser.parse(path.read_bytes())
        if parsed.bozo:
            message = f"the feed does not parse: {parsed.bozo_exception}"
            problems.append(Problem(f"{output.name}/{rel}", 0, "", message))
    return problems


def _sitemap_problems(output: Path, urls: Urls, pages: dict[str, _Page]) -> list[Problem]:
    where = f"{output.name}/sitemap.xml"
    try:
        root = ElementTree.parse(output / "sitemap.xml").getroot()
    except (OSError, ElementTree.ParseError) as error:
        return [Problem(where, 0, "", f"the sitemap does not parse: {error}")]
    listed = {loc.text or "" for loc in root.iter(f"{_SITEMAP_NS}loc")}
    problems = []
    for rel in pages:
        url = urls.absolute(urls.base_path + rel.removesuffix("index.html"))
        if rel != "404.html" and url not in listed:
            problems.append(Problem(where, 0, "", f"{url} is a page but is not listed"))
    return problems


def advise(site: Site) -> list[Problem]:
    """Return warnings about content that works but goes against publishing practice."""
    warnings: list[Problem] = []
    titled: list[NewsItem | Locality | Partnership | Page] = [
        *site.news,
        *site.localities,
        *site.partnerships,
        *site.pages,
    ]
    for item in titled:
        if len(item.title) > TITLE_LIMIT:
            warnings.append(
                Problem(
                    item.source,
                    0,
                    "title",
                    f"{len(item.title)} characters; search engines cut titles after "
                    f"{TITLE_LIMIT}, so shorten it",
                )
            )
    for news in site.news:
        warnings += _news_advice(news)
    for locality in site.localities:
        warnings += _locality_advice(locality, site.now.date())
    return warnings


def _locality_advice(locality: Locality, today: date) -> list[Problem]:
    """Warn when the dates tell another status than status: says, or the map misses it."""
    warnings = []
    dated = cooperation_status(locality.cooperation_since, locality.cooperation_until, today)
    if dated and dated != locality.status:
        message = (
            f"{locality.status!r}, but by cooperation_since and cooperation_until the "
            f"cooperation is {dated!r} today; write status: {dated}, or correct the dates"
        )
        warnings.append(Problem(locality.source, 0, "status", message))
    if locality.coordinates is None:
        message = "missing, so the locality is not on the map; add [latitude, longitude]"
        warnings.append(Problem(locality.source, 0, "coordinates", message))
    return warnings


_DATE_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})-")


def _news_advice(news: NewsItem) -> list[Problem]:
    source = news.source
    warnings = []
    if news.has_lead and len(news.summary) > SUMMARY_LIMIT:
        warnings.append(
            Problem(
                source,
                0,
                "summary",
                f"{len(news.summary)} characters; keep the lead within {SUMMARY_LIMIT} "
                "so it shows whole in search results and feeds",
            )
        )
    if not news.regions and not news.locality_slugs and not news.is_national:
        message = (
            "no region or locality; add one so readers find the news, or write "
            "'national: true' when it concerns the whole country"
        )
        warnings.append(Problem(source, 0, "regions", message))
    named = _file_name_date(source)
    if named and named != news.date.date().isoformat():
        message = (
            f"{news.date.date().isoformat()} differs from the date in the file name "
            f"({named}); rename the file or correct the date"
        )
        warnings.append(Problem(source, 0, "date", message))
    if news.image and news.image.asset.size > IMAGE_LIMIT:
        size = news.image.asset.size / 1_000_000
        warnings.append(
            Problem(
                source, 0, "image", f"{size:.1f} MB; make it smaller than 1 MB for phone readers"
            )
        )
    for i, document in enumerate(news.documents):
        kind = document.asset.source_path.suffix.lstrip(".").lower()
        if kind not in OPEN_FORMATS:
            warnings.append(
                Problem(
                    source,
                    0,
                    f"documents.{i}.file",
                    f"a .{kind or '?'} file; public bodies publish PDF, HTML or an open "
                    "document format (ODT, ODS)",
                )
            )
    return warnings


def _file_name_date(source: str) -> str | None:
    """Return the YYYY-MM-DD that starts a news file's (or bundle's) name, if any."""
    parts = source.split("/")
    name = parts[-2] if parts[-1] == "index.md" and len(parts) > 1 else parts[-1]
    match = _DATE_NAME.match(name)
    return match.group(1) if match else None
