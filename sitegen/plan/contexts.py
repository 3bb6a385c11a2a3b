"""Plan stage, page contexts: what each kind of page gives its template, and the Route.

Each context class names its template (`template`), and a Route takes its template from
its context, so a context cannot meet the wrong template.
"""

from __future__ import annotations

from dataclasses import Field, dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from sitegen.base.regions import Region
from sitegen.content.models import (
    Locality,
    NewsItem,
    Page,
    Partnership,
    Redirect,
    RegionText,
    Topic,
)
from sitegen.link.cooperation import StatusGroup
from sitegen.link.map import LocalityMap
from sitegen.plan.structured import JsonLd

DERIVED = {"derived": True}
"""Field metadata: made from the route's context and the settings only (see Route)."""
PAGER_REACH = 2
"""Pages linked on each side of the current one."""


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed to announce in a page's head."""

    title: str
    url: str
    media_type: str = "application/rss+xml"


@dataclass(frozen=True, slots=True)
class Pager:
    """Where one page of a paginated list stands."""

    number: int
    urls: tuple[str, ...]
    """The URL of every page of the list, first page first."""

    @property
    def count(self) -> int:
        """Return the number of pages."""
        return len(self.urls)

    @property
    def prev_url(self) -> str | None:
        """Return the URL of the previous page, or None on the first."""
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        """Return the URL of the next page, or None on the last."""
        return self.urls[self.number] if self.number < self.count else None

    @property
    def window(self) -> tuple[tuple[int, str] | None, ...]:
        """Return the pages to link: first, last and two around the current one.

        None marks a gap ("…"), so a list of 1,000 pages shows 7 links, not 1,000.
        """
        reach = range(self.number - PAGER_REACH, self.number + PAGER_REACH + 1)
        shown = {1, self.count, *reach}
        shown |= {n + 1 for n in shown if n + 2 in shown}  # a gap of one page: show it
        numbers = sorted(n for n in shown if 1 <= n <= self.count)
        links: list[tuple[int, str] | None] = []
        for previous, number in zip([0, *numbers], numbers, strict=False):
            if number - previous > 1:
                links.append(None)
            links.append((number, self.urls[number - 1]))
        return tuple(links)


# Page contexts: what each kind of page gives its template ----------------------------


@dataclass(frozen=True, slots=True)
class Context:
    """What a page's template receives besides the route and the globals: one subclass
    (a frozen dataclass) per kind of page, which names the template it is rendered with."""

    __dataclass_fields__: ClassVar[dict[str, Field[Any]]]
    """Every subclass is a dataclass: the template receives its fields by name."""
    template: ClassVar[str]
    """The file under templates/ that renders a page of this context."""
    lang: str = field(default="cs", kw_only=True)
    """The page's language ("cs" or "en"): its <html lang>, the theme's texts and dates;
    "en" for the English translations under /en/."""


@dataclass(frozen=True, slots=True)
class NotFoundContext(Context):
    """The page of an address that has nothing: its template needs only the route."""

    template: ClassVar[str] = "404.html"


@dataclass(frozen=True, slots=True)
class HomeContext(Context):
    template: ClassVar[str] = "home.html"

    latest: tuple[NewsItem, ...]
    regions_with_localities: tuple[tuple[Region, tuple[Locality, ...]], ...]
    partnerships: tuple[Partnership, ...]


@dataclass(frozen=True, slots=True)
class NewsListContext(Context):
    """A page of a list of news: all news, a year's archive or a topic."""

    template: ClassVar[str] = "news_list.html"

    items: tuple[NewsItem, ...]
    pager: Pager
    heading: str
    years: tuple[int, ...] = ()
    """Years to link to the archive of (none on topic pages)."""
    year: int | None = None
    """The archive's year."""
    topic: Topic | None = None
    feed_url: str | None = None


@dataclass(frozen=True, slots=True)
class RegionContext(Context):
    template: ClassVar[str] = "region.html"

    items: tuple[NewsItem, ...]
    pager: Pager
    heading: str
    region: Region
    region_text: RegionText | None
    feed_url: str
    localities: tuple[Locality, ...]


@dataclass(frozen=True, slots=True)
class ArchiveIndexContext(Context):
    template: ClassVar[str] = "archive_index.html"

    years: tuple[tuple[int, int], ...]
    """(year, number of news items), newest first."""


@dataclass(frozen=True, slots=True)
class TopicsContext(Context):
    template: ClassVar[str] = "topics.html"

    topics: tuple[tuple[Topic, int], ...]


@dataclass(frozen=True, slots=True)
class RegionRow:
    """A region in the list of regions: its localities and how much news it has."""

    region: Region
    localities: tuple[Locality, ...]
    news_count: int

    @property
    def has_content(self) -> bool:
        """Return True when the region's page shows a locality or a news item."""
        return bool(self.localities or self.news_count)


@dataclass(frozen=True, slots=True)
class RegionsContext(Context):
    template: ClassVar[str] = "regions.html"

    regions: tuple[RegionRow, ...]


@dataclass(frozen=True, slots=True)
class LocalitiesContext(Context):
    template: ClassVar[str] = "localities.html"

    groups: tuple[StatusGroup, ...]
    """Localities by status (current cooperation first), each by region."""
    map: LocalityMap


@dataclass(frozen=True, slots=True)
class LocalityContext(Context):
    template: ClassVar[str] = "locality.html"

    locality: Locality
    partnerships: tuple[Partnership, ...]
    items: tuple[NewsItem, ...]


@dataclass(frozen=True, slots=True)
class PartnershipRow:
    """A partnership in the list of partnerships, with its localities and regions."""

    partnership: Partnership
    localities: tuple[Locality, ...]
    regions: tuple[Region, ...]


@dataclass(frozen=True, slots=True)
class PartnershipsContext(Context):
    template: ClassVar[str] = "partnerships.html"

    partnerships: tuple[PartnershipRow, ...]


@dataclass(frozen=True, slots=True)
class PartnershipContext(Context):
    template: ClassVar[str] = "partnership.html"

    partnership: Partnership
    localities: tuple[Locality, ...]
    items: tuple[NewsItem, ...]


@dataclass(frozen=True, slots=True)
class NewsItemContext(Context):
    template: ClassVar[str] = "news_item.html"

    item: NewsItem
    related: tuple[NewsItem, ...]
    localities: tuple[Locality, ...]
    partnerships: tuple[Partnership, ...]


@dataclass(frozen=True, slots=True)
class PageContext(Context):
    template: ClassVar[str] = "page.html"

    page: Page


@dataclass(frozen=True, slots=True)
class StatementContext(PageContext):
    """The accessibility statement: a page with a template of its own."""

    template: ClassVar[str] = "accessibility.html"


@dataclass(frozen=True, slots=True)
class RedirectContext(Context):
    """An old address: where it leads now."""

    template: ClassVar[str] = "redirect.html"

    redirect: Redirect
    target_absolute_url: str
    """The canonical address of the item, with the site's host."""


@dataclass(frozen=True, slots=True)
class FeedChoice:
    """A feed as the subscription page offers it."""

    name: str
    url: str
    format: str
    """"RSS" or "Atom"."""
    is_empty: bool = False
    """The feed holds no news yet: the page says so."""


@dataclass(frozen=True, slots=True)
class SubscribeContext(Context):
    """Every feed the build writes, by what it holds."""

    template: ClassVar[str] = "subscribe.html"

    all_news: tuple[FeedChoice, ...]
    regions: tuple[FeedChoice, ...]
    topics: tuple[FeedChoice, ...]


@dataclass(frozen=True, slots=True)
class SearchContext(Context):
    template: ClassVar[str] = "search.html"

    bundles: tuple[str, ...]
    """URLs of the bundles to search when the tiers file cannot be read: the main one."""
    tiers: str
    """URL of the tiers file: every bundle to merge (the delta too) and the pages of the
    base to leave out (engine/tiers.py); "" for the English search, which has one bundle."""


@dataclass(frozen=True, slots=True)
class Route:
    """One HTML page to render.

    Fields marked DERIVED are computed from the models in the context and the settings
    alone, so the page's fingerprint (which covers those) leaves them out.
    """

    url: str
    title: str
    """The page's own title; the site name is added by the template."""
    description: str = field(metadata=DERIVED)
    context: Context
    og_type: str = field(default="website", metadata=DERIVED)
    image_url: str | None = field(default=None, metadata=DERIVED)
    feeds: tuple[FeedLink, ...] = ()
    """Feeds of this page besides the site's main feeds."""
    lastmod: datetime | None = field(default=None, metadata=DERIVED)
    in_sitemap: bool = True
    title_detail: str = ""
    """Added to the title when another page has the same title."""
    crumbs: tuple[Crumb, ...] = ()
    """The pages above this one, home first (filled in by plan_routes)."""
    search: SearchEntry | None = field(default=None, metadata=DERIVED)
    """How the page enters the site search; None keeps it out of the index."""
    structured_data: JsonLd | None = field(default=None, metadata=DERIVED)
    """schema.org JSON-LD for the page's head."""
    alternates: tuple[Alternate, ...] = ()
    """The page in each language, where it has a translation (none otherwise)."""

    @property
    def template(self) -> str:
        """Return the template of the page: the one its context names."""
        return self.context.template


@dataclass(frozen=True, slots=True)
class Alternate:
    """The page in one language: what `<link rel="alternate" hreflang>` and the language
    switcher name."""

    lang: str
    """The language code: "cs", "en", or "x-default" (the Czech page)."""
    url: str
    label: str
    """The language's name in that language: "Česky", "English"."""


@dataclass(frozen=True, slots=True)
class Crumb:
    """One step of the breadcrumb trail."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """The search filters of a page: its content type and its regions."""

    kind: str
    """Content type as readers name it: "Aktualita", "Lokalita", ..."""
    regions: tuple[Region, ...] = ()
    """The regions the page is about (the filter names each in the page's language)."""
