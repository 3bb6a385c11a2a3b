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

from sitegen.base.errors import Problem
from sitegen.base.i18n import _, decimal, ngettext
from sitegen.base.urls import SEARCH_FOLDER, Urls
from sitegen.commands.duties import duty_advice
from sitegen.content.models import Item, Locality, NewsItem
from sitegen.link.site import Site, cooperation_status

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
    is_noindex: bool = False
    """The page asks search engines not to index it (a redirect page): no sitemap entry."""
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
        if tag == "meta" and values.get("name") == "robots":
            self.is_noindex = "noindex" in values.get("content", "")
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def check_output(
    output: Path, urls: Urls, sources: dict[str, str], site_path: Path = Path()
) -> list[Problem]:
    """Return the problems of the built site in output.

    sources maps a page's URL to the content file it comes from (relative to
    site_path), for messages.
    """
    pages = {rel: _parse(output / rel) for rel in _html_files(output)}
    problems: list[Problem] = []
    for rel, page in pages.items():
        url = urls.base_path + ("" if rel == "index.html" else rel.removesuffix("index.html"))
        where = sources.get(url, f"{output.name}/{rel}")
        problems += _page_problems(rel, page, where, output, urls, pages, site_path)
    problems += _feed_problems(output)
    problems += _sitemap_problems(output, urls, pages)
    return problems


def _html_files(output: Path) -> Iterator[str]:
    for path in sorted(output.rglob("*.html")):
        rel = path.relative_to(output).as_posix()
        if not rel.startswith(f"{SEARCH_FOLDER}/"):
            yield rel


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text("utf-8"))
    page.close()
    return page


def _page_problems(
    rel: str,
    page: _Page,
    where: str,
    output: Path,
    urls: Urls,
    pages: dict[str, _Page],
    site_path: Path,
) -> list[Problem]:
    problems = []
    if not page.title.strip():
        problems.append(Problem(where, 0, "", _("/{page} has no <title>").format(page=rel)))
    if not page.description.strip() and rel != "404.html":
        message = _("/{page} has no meta description").format(page=rel)
        problems.append(Problem(where, 0, "", message))
    page_url = urljoin(urls.base_url, rel.removesuffix("index.html"))
    for link, line in page.links:
        reason = _link_problem(urljoin(page_url, link), output, urls, pages)
        if reason:
            problems.append(_broken_link(where, rel, line, link, reason, site_path))
    return problems


def _broken_link(
    where: str, rel: str, line: int, link: str, reason: str, site_path: Path
) -> Problem:
    """Return the problem of a broken link, at its line in the content file when it is
    written there, else at its line in the built page (a template made it)."""
    source_line = _line_in_source(site_path / where, link) if where.endswith(".md") else 0
    if source_line:
        return Problem(
            where, source_line, "", _("link '{link}' {reason}").format(link=link, reason=reason)
        )
    return Problem(
        where,
        0,
        "",
        _("/{page}:{line}: link '{link}' {reason}").format(
            page=rel, line=line, link=link, reason=reason
        ),
    )


def _line_in_source(path: Path, link: str) -> int:
    """Return the first line of the file at path that holds link, or 0."""
    try:
        lines = path.read_text("utf-8").split("\n")
    except OSError:
        return 0
    return next((i for i, text in enumerate(lines, 1) if link in text), 0)


def _link_problem(target: str, output: Path, urls: Urls, pages: dict[str, _Page]) -> str | None:
    """Return what is wrong with an absolute link target, or None when it works."""
    split, base = urlsplit(target), urlsplit(urls.base_url)
    if split.scheme not in ("http", "https") or split.netloc != base.netloc:
        return None  # another site, mailto:, tel:
    if not split.path.startswith(base.path):
        return _("points outside the site's address {address}").format(address=urls.base_url)
    rel = posixpath.normpath(split.path[len(base.path) :] or ".")
    rel = "" if rel == "." else rel
    path = output / rel
    if path.is_dir():
        rel = posixpath.join(rel, "index.html") if rel else "index.html"
        path = output / rel
    if not path.is_file():
        return _("goes to a page or file that does not exist")
    if split.fragment and rel in pages and split.fragment not in pages[rel].ids:
        return _("goes to #{anchor}, which is not on that page").format(anchor=split.fragment)
    return None


def _feed_problems(output: Path) -> list[Problem]:
    problems = []
    feeds = [output / name for name in FEEDS] + sorted(output.glob("*/*/feed.xml"))
    for path in feeds:
        rel = path.relative_to(output).as_posix()
        if not path.is_file():
            problems.append(Problem(f"{output.name}/{rel}", 0, "", _("the feed is missing")))
            continue
        parsed = feedparser.parse(path.read_bytes())
        if parsed.bozo:
            message = _("the feed does not parse: {reason}").format(reason=parsed.bozo_exception)
            problems.append(Problem(f"{output.name}/{rel}", 0, "", message))
    return problems


def _sitemap_problems(output: Path, urls: Urls, pages: dict[str, _Page]) -> list[Problem]:
    where = f"{output.name}/sitemap.xml"
    try:
        root = ElementTree.parse(output / "sitemap.xml").getroot()
    except (OSError, ElementTree.ParseError) as error:
        return [
            Problem(where, 0, "", _("the sitemap does not parse: {reason}").format(reason=error))
        ]
    listed = {loc.text or "" for loc in root.iter(f"{_SITEMAP_NS}loc")}
    problems = []
    for rel, page in pages.items():
        url = urls.absolute(urls.base_path + rel.removesuffix("index.html"))
        if rel != "404.html" and not page.is_noindex and url not in listed:
            message = _("{url} is a page but is not listed").format(url=url)
            problems.append(Problem(where, 0, "", message))
    return problems


def advise(site: Site) -> list[Problem]:
    """Return warnings about content that works but goes against publishing practice."""
    warnings: list[Problem] = []
    titled = [model for model in site.models() if isinstance(model, Item)]
    for item in titled:
        if len(item.title) > TITLE_LIMIT:
            warnings.append(
                Problem(
                    item.source,
                    0,
                    "title",
                    ngettext(
                        "{count} character; search engines cut titles after {limit}, so shorten it",
                        "{count} characters; search engines cut titles after {limit}, "
                        "so shorten it",
                        len(item.title),
                    ).format(count=len(item.title), limit=TITLE_LIMIT),
                )
            )
    for news in site.news:
        warnings += _news_advice(news)
    for scheduled in site.left_out:  # told now, not on the day it comes out
        warnings += _date_advice(scheduled.source, scheduled.date.astimezone(site.config.tz).date())
    for locality in site.localities:
        warnings += _locality_advice(locality, site.now.date())
    warnings += duty_advice(site)
    return warnings + list(site.draft_warnings)


def _locality_advice(locality: Locality, today: date) -> list[Problem]:
    """Warn when the dates tell another status than status: says, or the map misses it."""
    warnings = []
    dated = cooperation_status(locality.cooperation_since, locality.cooperation_until, today)
    if dated and dated != locality.status:
        message = _(
            "{status!r}, but by cooperation_since and cooperation_until the cooperation "
            "is {dated!r} today; write status: {dated}, or correct the dates"
        ).format(status=locality.status, dated=dated)
        warnings.append(Problem(locality.source, 0, "status", message))
    if not locality.status_written and locality.cooperation_since is None:
        message = _(
            "missing, and without cooperation_since the locality is shown as active "
            "cooperation; write status: active, planned or ended"
        )
        warnings.append(Problem(locality.source, 0, "status", message))
    if locality.coordinates is None:
        message = _("missing, so the locality is not on the map; add [latitude, longitude]")
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
                ngettext(
                    "{count} character; keep the lead within {limit} so it shows whole "
                    "in search results and feeds",
                    "{count} characters; keep the lead within {limit} so it shows whole "
                    "in search results and feeds",
                    len(news.summary),
                ).format(count=len(news.summary), limit=SUMMARY_LIMIT),
            )
        )
    if not news.regions and not news.locality_slugs and not news.is_national:
        message = _(
            "no region or locality; add one so readers find the news, or write "
            "'national: true' when it concerns the whole country"
        )
        warnings.append(Problem(source, 0, "regions", message))
    warnings += _date_advice(source, news.date.date())
    if news.image and news.image.asset.size > IMAGE_LIMIT:
        warnings.append(
            Problem(
                source,
                0,
                "image",
                _("{size} MB; make it smaller than 1 MB for phone readers").format(
                    size=megabytes_over_limit(news.image.asset.size)
                ),
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
                    _(
                        "a .{kind} file; public bodies publish PDF, HTML or an open "
                        "document format (ODT, ODS)"
                    ).format(kind=kind or "?"),
                )
            )
    return warnings


def _date_advice(source: str, day: date) -> list[Problem]:
    """Warn when a news item's date is not the date its file name starts with."""
    named = _file_name_date(source)
    if not named or named == day.isoformat():
        return []
    message = _(
        "{date} differs from the date in the file name ({named}); rename the file "
        "or correct the date"
    ).format(date=day.isoformat(), named=named)
    return [Problem(source, 0, "date", message)]


def megabytes_over_limit(size: int) -> str:
    """Return size (bytes, over IMAGE_LIMIT) in MB of 1,000,000 bytes, with as many
    decimals as it takes to read above the limit: 1,02 MB, not 1,0 MB."""
    places = 2
    while round(size / IMAGE_LIMIT, places) <= 1 and places < 6:
        places += 1
    return decimal(size / IMAGE_LIMIT, places)


def _file_name_date(source: str) -> str | None:
    """Return the YYYY-MM-DD that starts a news file's (or bundle's) name, if any."""
    parts = source.split("/")
    name = parts[-2] if parts[-1] == "index.md" and len(parts) > 1 else parts[-1]
    match = _DATE_NAME.match(name)
    return match.group(1) if match else None
