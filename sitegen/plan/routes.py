"""Plan stage: Site → every page, list page, feed and file of the built site.

Input: Site. Output: Routes (URL, template, title, description, context) and FeedSpecs.
Titles and descriptions are decided here, so their uniqueness can be checked in one place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial

from sitegen.base.config import SiteConfig
from sitegen.base.regions import Region
from sitegen.base.typography import date_short, sorted_czech
from sitegen.base.urls import SEARCH_FOLDER, feed_of, paged
from sitegen.content.models import (
    Locality,
    NewsItem,
    Page,
    Partnership,
    Redirect,
    RegionText,
    Topic,
)
from sitegen.link.cooperation import StatusGroup, group_by_status
from sitegen.link.map import LocalityMap, plan_map
from sitegen.link.site import Site
from sitegen.plan.structured import JsonLd, news_article, organization

DESCRIPTION_LIMIT = 160
DERIVED = {"derived": True}
"""Field metadata: made from the route's context and the settings only (see Route)."""
PAGER_REACH = 2
"""Pages linked on each side of the current one."""
SHARD_MIN_PAGES = 60
"""News of consecutive days are indexed together until a shard has this many pages
(or a multiple of it on large sites, see MAX_NEWS_SHARDS).

An edit re-indexes only its shard (Pagefind takes 2 to 4 ms per page here), so shards
are small; a shard ranks words by its own statistics, so they must be large enough to
rank like one index would. A site with fewer than twice this many searchable pages
has one index."""
MAX_NEWS_SHARDS = 60
"""The shard size is the smallest multiple of SHARD_MIN_PAGES that fits the news into
this many shards. A merged shard costs a reader little: Pagefind loads its WebAssembly
once, for the main bundle, and each shard adds its entry and metadata (about 2 KB) at
the first search and one index chunk per searched word. A size that grows in steps
(rather than dividing the news evenly) keeps shard boundaries stable as news are
added: they move once every 3,600 news items."""


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
class NoContext:
    """A page whose template needs nothing but the route and the globals."""


@dataclass(frozen=True, slots=True)
class HomeContext:
    latest: tuple[NewsItem, ...]
    regions_with_localities: tuple[tuple[Region, tuple[Locality, ...]], ...]
    partnerships: tuple[Partnership, ...]


@dataclass(frozen=True, slots=True)
class NewsListContext:
    """A page of a list of news: all news, a year's archive or a topic."""

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
class RegionContext:
    items: tuple[NewsItem, ...]
    pager: Pager
    heading: str
    region: Region
    region_text: RegionText | None
    feed_url: str
    localities: tuple[Locality, ...]


@dataclass(frozen=True, slots=True)
class ArchiveIndexContext:
    years: tuple[tuple[int, int], ...]
    """(year, number of news items), newest first."""


@dataclass(frozen=True, slots=True)
class TopicsContext:
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
class RegionsContext:
    regions: tuple[RegionRow, ...]


@dataclass(frozen=True, slots=True)
class LocalitiesContext:
    groups: tuple[StatusGroup, ...]
    """Localities by status (current cooperation first), each by region."""
    map: LocalityMap


@dataclass(frozen=True, slots=True)
class LocalityContext:
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
class PartnershipsContext:
    partnerships: tuple[PartnershipRow, ...]


@dataclass(frozen=True, slots=True)
class PartnershipContext:
    partnership: Partnership
    localities: tuple[Locality, ...]
    items: tuple[NewsItem, ...]


@dataclass(frozen=True, slots=True)
class NewsItemContext:
    item: NewsItem
    related: tuple[NewsItem, ...]
    localities: tuple[Locality, ...]
    partnerships: tuple[Partnership, ...]


@dataclass(frozen=True, slots=True)
class PageContext:
    page: Page


@dataclass(frozen=True, slots=True)
class RedirectContext:
    """An old address: where it leads now."""

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


@dataclass(frozen=True, slots=True)
class SubscribeContext:
    """Every feed the build writes, by what it holds."""

    all_news: tuple[FeedChoice, ...]
    regions: tuple[FeedChoice, ...]
    topics: tuple[FeedChoice, ...]


@dataclass(frozen=True, slots=True)
class SearchContext:
    bundles: tuple[str, ...]
    """URLs of the search bundles, the main one first."""


Context = (
    NoContext
    | HomeContext
    | NewsListContext
    | RegionContext
    | ArchiveIndexContext
    | TopicsContext
    | RegionsContext
    | LocalitiesContext
    | LocalityContext
    | PartnershipsContext
    | PartnershipContext
    | NewsItemContext
    | PageContext
    | RedirectContext
    | SubscribeContext
    | SearchContext
)
"""What a page's template receives besides the route and the globals: one type per kind."""


@dataclass(frozen=True, slots=True)
class Route:
    """One HTML page to render.

    Fields marked DERIVED are computed from the models in the context and the settings
    alone, so the page's fingerprint (which covers those) leaves them out.
    """

    url: str
    template: str
    title: str
    """The page's own title; the site name is added by the template."""
    description: str = field(metadata=DERIVED)
    context: Context = NoContext()
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
    regions: tuple[str, ...] = ()
    """Names of the regions the page is about."""


@dataclass(frozen=True, slots=True)
class SearchShard:
    """One part of the search index: a Pagefind bundle made from some of the pages."""

    folder: str
    """Output folder of the bundle, e.g. pagefind or pagefind-aktuality-2012-2015."""
    urls: tuple[str, ...]
    """The pages it indexes."""


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed to render."""

    url: str
    title: str
    description: str
    page_url: str
    """The HTML page the feed belongs to."""
    items: tuple[NewsItem, ...]
    format: str = "rss"
    name: str = field(default="Všechny aktuality", metadata=DERIVED)
    """What the feed holds, as the subscription page names it: "Liberecký kraj"."""
    group: str = field(default="all", metadata=DERIVED)
    """Where the subscription page lists it: "all", "region" or "topic"."""


def plan_routes(site: Site) -> list[Route]:
    """Return every HTML page of the site, titles made unique."""
    shards = plan_search_shards(site)
    routes = [
        _home(site),
        *_news_lists(site),
        *_news_items(site),
        *_archives(site),
        *_topics(site),
        *_regions(site),
        *_localities(site),
        *_partnerships(site),
        *(_page(site, page) for page in site.pages),
        _subscribe(site),
        Route(
            site.urls.search(),
            "search.html",
            "Vyhledávání",
            _search_description(site.config),
            SearchContext(tuple(site.urls.file(f"{shard.folder}/") for shard in shards)),
        ),
        Route(
            site.urls.file("404.html"),
            "404.html",
            "Stránka nenalezena",
            "Stránka na této adrese neexistuje.",
            in_sitemap=False,
        ),
        *(_redirect(site, redirect) for redirect in site.redirects),  # last: see outputs.py
    ]
    return _with_crumbs(_unique_titles(routes), site.urls.home())


def _search_description(config: SiteConfig) -> str:
    where = f"webu {config.title_genitive}" if config.title_genitive else "tohoto webu"
    return f"Hledání v aktualitách, lokalitách a stránkách {where}."


def plan_search_shards(site: Site) -> tuple[SearchShard, ...]:
    """Return the parts of the search index, the main bundle first.

    The main bundle indexes localities, partnerships and pages; news go into shards of
    consecutive days, each of at least the shard size (see MAX_NEWS_SHARDS); the newest
    days join the shard before them when they have fewer.
    """
    others = (
        *(locality.url for locality in site.localities),
        *(partnership.url for partnership in site.partnerships),
        *(page.url for page in site.pages),
    )
    if len(others) + len(site.news) < 2 * SHARD_MIN_PAGES:
        return (SearchShard(SEARCH_FOLDER, tuple(item.url for item in site.news) + others),)
    size = SHARD_MIN_PAGES * max(1, -(-len(site.news) // (SHARD_MIN_PAGES * MAX_NEWS_SHARDS)))
    by_day: dict[date, list[NewsItem]] = {}
    for item in reversed(site.news):  # oldest first
        by_day.setdefault(item.date.date(), []).append(item)
    groups: list[list[NewsItem]] = []
    for day in sorted(by_day):
        if not groups or len(groups[-1]) >= size:
            groups.append([])
        groups[-1] += by_day[day]
    if len(groups) > 1 and len(groups[-1]) < size:
        newest = groups.pop()
        groups[-1] += newest
    shards = [
        SearchShard(
            f"{SEARCH_FOLDER}-aktuality-{group[0].date:%Y-%m-%d}-{group[-1].date:%Y-%m-%d}",
            tuple(item.url for item in group),
        )
        for group in groups
    ]
    return (SearchShard(SEARCH_FOLDER, others), *shards)


def plan_feeds(site: Site) -> list[FeedSpec]:
    """Return the main RSS and Atom feeds and one RSS feed per region and topic."""
    urls, limit = site.urls, site.config.paging.feed_items
    latest = site.news[:limit]
    title = f"{site.config.title}: aktuality"
    feeds = [
        FeedSpec(urls.file("feed.xml"), title, site.config.description, urls.news_list(), latest),
        FeedSpec(
            urls.file("atom.xml"), title, site.config.description, urls.news_list(), latest, "atom"
        ),
    ]
    for region in site.regions:
        items = site.news_by_region.get(region.id, ())[:limit]
        feeds.append(
            FeedSpec(
                feed_of(urls.region(region.id)),
                f"{site.config.title}: aktuality {region.name_from}",
                f"Aktuality {region.name_from}",
                urls.region(region.id),
                items,
                name=region.name,
                group="region",
            )
        )
    for topic in site.topics:
        items = site.news_by_topic[topic.slug][:limit]
        feeds.append(
            FeedSpec(
                feed_of(topic.url),
                f"{site.config.title}: téma {topic.name}",
                f"Aktuality na téma {topic.name}",
                topic.url,
                items,
                name=topic.name,
                group="topic",
            )
        )
    return feeds


def _subscribe(site: Site) -> Route:
    """Return the page that explains feeds and lists every feed of plan_feeds."""
    feeds = plan_feeds(site)

    def choices(group: str) -> tuple[FeedChoice, ...]:
        return tuple(
            FeedChoice(spec.name, spec.url, "Atom" if spec.format == "atom" else "RSS")
            for spec in feeds
            if spec.group == group
        )

    return Route(
        site.urls.subscribe(),
        "subscribe.html",
        "Odběr aktualit",
        "Jak sledovat aktuality ve čtečce zpráv: adresy kanálů RSS a Atom se všemi "
        "aktualitami a s aktualitami jednotlivých krajů a témat.",
        SubscribeContext(choices("all"), choices("region"), choices("topic")),
    )


def shorten(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """Return text cut at a word boundary to at most limit characters."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:–- ")
    return cut + "…"


def _home(site: Site) -> Route:
    context = HomeContext(
        latest=site.news[: site.config.paging.home_news],
        regions_with_localities=tuple(
            (region, site.localities_by_region[region.id])
            for region in site.regions
            if region.id in site.localities_by_region
        ),
        partnerships=site.partnerships,
    )
    return Route(
        site.urls.home(),
        "home.html",
        site.config.title,
        site.config.description,
        context,
        structured_data=organization(site.config, site.urls),
    )


def _paginate(
    site: Site,
    first_url: str,
    items: Sequence[NewsItem],
    title: str,
    description: str,
    template: str,
    context_of: Callable[[tuple[NewsItem, ...], Pager, str], Context],
    feeds: tuple[FeedLink, ...] = (),
) -> list[Route]:
    size = site.config.paging.news_per_page
    chunks = [items[i : i + size] for i in range(0, len(items), size)] or [()]
    urls = tuple(paged(first_url, n) for n in range(1, len(chunks) + 1))
    routes = []
    for number, chunk in enumerate(chunks, start=1):
        suffix = f" – strana {number}" if number > 1 else ""
        context = context_of(tuple(chunk), Pager(number, urls), title)
        routes.append(
            Route(
                urls[number - 1],
                template,
                title + suffix,
                description + (f" Strana {number}." if number > 1 else ""),
                context,
                feeds=feeds,
            )
        )
    return routes


def _news_lists(site: Site) -> list[Route]:
    return _paginate(
        site,
        site.urls.news_list(),
        site.news,
        "Aktuality",
        f"Zprávy a tiskové zprávy: {site.config.publisher}.",
        "news_list.html",
        lambda items, pager, heading: NewsListContext(
            items, pager, heading, tuple(site.news_years())
        ),
    )


def _archives(site: Site) -> list[Route]:
    years = site.news_years()
    counts = Counter(item.date.year for item in site.news)
    routes = [
        Route(
            site.urls.archive_index(),
            "archive_index.html",
            "Archiv aktualit",
            "Aktuality podle roku vydání.",
            ArchiveIndexContext(tuple((year, counts[year]) for year in years)),
        )
    ]
    for year in years:
        items = [item for item in site.news if item.date.year == year]
        routes += _paginate(
            site,
            site.urls.archive_year(year),
            items,
            f"Aktuality z roku {year}",
            f"Aktuality vydané v roce {year}.",
            "news_list.html",
            lambda items, pager, heading, year=year: NewsListContext(  # type: ignore[misc]
                items, pager, heading, tuple(years), year
            ),
        )
    return routes


def _topics(site: Site) -> list[Route]:
    counted = [(topic, len(site.news_by_topic[topic.slug])) for topic in site.topics]
    routes = [
        Route(
            site.urls.topic_index(),
            "topics.html",
            "Témata",
            "Aktuality podle témat.",
            TopicsContext(tuple(counted)),
        )
    ]
    for topic in site.topics:
        routes += _topic_pages(site, topic)
    return routes


def _page(site: Site, page: Page) -> Route:
    is_statement = page.slug == site.config.accessibility.page
    template = "accessibility.html" if is_statement else "page.html"
    search = SearchEntry("Stránka")
    return Route(page.url, template, page.title, page.summary, PageContext(page), search=search)


def _redirect(site: Site, redirect: Redirect) -> Route:
    """Return the page at an old address: it sends the reader on, and search engines too."""
    return Route(
        redirect.url,
        "redirect.html",
        f"Přesměrování: {redirect.target_title}",
        f"Stránka „{redirect.target_title}“ se přestěhovala na novou adresu.",
        RedirectContext(redirect, site.urls.absolute(redirect.target_url)),
        in_sitemap=False,
    )


def _topic_pages(site: Site, topic: Topic) -> list[Route]:
    feed = FeedLink(f"Téma {topic.name} (RSS)", feed_of(topic.url))
    return _paginate(
        site,
        topic.url,
        site.news_by_topic[topic.slug],
        f"Téma: {topic.name}",
        f"Aktuality na téma {topic.name}.",
        "news_list.html",
        lambda items, pager, heading: NewsListContext(
            items, pager, heading, topic=topic, feed_url=feed.url
        ),
        (feed,),
    )


def _regions(site: Site) -> list[Route]:
    listing = [
        RegionRow(
            region,
            site.localities_by_region.get(region.id, ()),
            len(site.news_by_region.get(region.id, ())),
        )
        for region in site.regions
    ]
    routes = [
        Route(
            site.urls.region_index(),
            "regions.html",
            "Kraje",
            "Kraje, ve kterých agentura spolupracuje s obcemi a městy.",
            RegionsContext(tuple(listing)),
        )
    ]
    for region in site.regions:
        routes += _region_pages(site, region)
    return routes


def _region_pages(site: Site, region: Region) -> list[Route]:
    url = site.urls.region(region.id)
    text = site.region_texts.get(region.id)
    feed = FeedLink(f"Aktuality {region.name_from} (RSS)", feed_of(url))
    description = (
        text.summary
        if text and text.summary
        else f"Lokality a aktuality agentury {region.name_in}."
    )
    localities = site.localities_by_region.get(region.id, ())

    def context_of(items: tuple[NewsItem, ...], pager: Pager, heading: str) -> Context:
        return RegionContext(items, pager, heading, region, text, feed.url, localities)

    return _paginate(
        site,
        url,
        site.news_by_region.get(region.id, ()),
        region.name,
        description,
        "region.html",
        context_of,
        (feed,),
    )


def _localities(site: Site) -> list[Route]:
    context = LocalitiesContext(group_by_status(site.localities), plan_map(site.localities))
    routes = [
        Route(
            site.urls.locality_index(),
            "localities.html",
            "Kde působíme",
            "Obce, města a mikroregiony, se kterými agentura spolupracuje nebo spolupracovala:"
            " na mapě a podle krajů.",
            context,
        )
    ]
    routes += [_locality(site, locality) for locality in site.localities]
    return routes


def _locality(site: Site, locality: Locality) -> Route:
    context = LocalityContext(
        locality,
        site.partnerships_by_locality.get(locality.slug, ()),
        site.news_by_locality.get(locality.slug, ()),
    )
    description = locality.body.first_paragraph or (
        f"{locality.title}: {locality.kind}, {locality.region.name}."
    )
    return Route(
        locality.url,
        "locality.html",
        locality.title,
        shorten(description),
        context,
        title_detail="lokalita",
        search=SearchEntry("Lokalita", (locality.region.name,)),
    )


def _partnerships(site: Site) -> list[Route]:
    routes = [
        Route(
            site.urls.partnership_index(),
            "partnerships.html",
            "Lokální partnerství",
            "Lokální partnerství, která agentura vede s obcemi a místními aktéry.",
            PartnershipsContext(tuple(map(partial(_partnership_row, site), site.partnerships))),
        )
    ]
    routes += [_partnership(site, partnership) for partnership in site.partnerships]
    return routes


def _partnership_row(site: Site, partnership: Partnership) -> PartnershipRow:
    localities = site.localities_by_partnership.get(partnership.slug, ())
    regions = {locality.region.id: locality.region for locality in localities}
    ordered = tuple(region for region in site.regions if region.id in regions)
    return PartnershipRow(partnership, localities, ordered)


def _partnership(site: Site, partnership: Partnership) -> Route:
    localities = site.localities_by_partnership.get(partnership.slug, ())
    context = PartnershipContext(
        partnership, localities, site.news_by_partnership.get(partnership.slug, ())
    )
    regions = sorted_czech({locality.region.name for locality in localities}, str)
    description = partnership.body.first_paragraph or f"Lokální partnerství {partnership.title}."
    return Route(
        partnership.url,
        "partnership.html",
        partnership.title,
        shorten(description),
        context,
        title_detail="lokální partnerství",
        search=SearchEntry("Lokální partnerství", tuple(regions)),
    )


def _news_items(site: Site) -> list[Route]:
    return [_news_item(site, item) for item in site.news]


def _news_item(site: Site, item: NewsItem) -> Route:
    context = NewsItemContext(
        item,
        site.related.get(item.slug, ()),
        tuple(site.locality_by_slug[slug] for slug in item.locality_slugs),
        tuple(site.partnership_by_slug[slug] for slug in item.partnership_slugs),
    )
    image_url = site.urls.absolute(item.image.asset.url) if item.image else None
    return Route(
        item.url,
        "news_item.html",
        item.title,
        shorten(item.summary),
        context,
        og_type="article",
        image_url=image_url,
        lastmod=item.last_modified,
        title_detail=date_short(item.date),
        search=SearchEntry("Aktualita", tuple(region.name for region in item.regions)),
        structured_data=news_article(item, site.config, site.urls),
    )


def _unique_titles(routes: list[Route]) -> list[Route]:
    counts = Counter(route.title for route in routes)
    return [
        replace(route, title=f"{route.title} ({route.title_detail})")
        if counts[route.title] > 1 and route.title_detail
        else route
        for route in routes
    ]


def _with_crumbs(routes: list[Route], home_url: str) -> list[Route]:
    """Give each page the trail of the pages whose URLs contain its own.

    Pages with the same parents share one trail object, so that fingerprinting a page
    (outputs.py) meets a trail it has seen and does not walk it again.
    """
    titles = {route.url: route.title for route in routes}
    titles[home_url] = "Úvodní stránka"
    trails: dict[tuple[str, ...], tuple[Crumb, ...]] = {}
    return [replace(route, crumbs=_crumbs(route.url, home_url, titles, trails)) for route in routes]


def _crumbs(
    url: str,
    home_url: str,
    titles: dict[str, str],
    trails: dict[tuple[str, ...], tuple[Crumb, ...]],
) -> tuple[Crumb, ...]:
    if url == home_url:
        return ()
    segments = url[len(home_url) :].strip("/").split("/")
    parents = tuple(
        parent
        for parent in (
            home_url + "".join(f"{part}/" for part in segments[:n]) for n in range(len(segments))
        )
        if parent in titles
    )
    trail = trails.get(parents)
    if trail is None:
        trail = trails[parents] = tuple(Crumb(titles[parent], parent) for parent in parents)
    return trail
