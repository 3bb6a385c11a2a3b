"""Plan stage, page planners: the pages of each kind of content and of the site's lists.

Input: Site. Output: Routes (URL, title, description, context) of the home page, the
news lists, archives and topics, the regions, the item pages of each kind and their
list pages, and the redirects of old addresses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from functools import partial

from sitegen.base.regions import Region
from sitegen.base.typography import date_short, sorted_czech
from sitegen.base.urls import feed_of, paged
from sitegen.content.models import Locality, NewsItem, Page, Partnership, Redirect, Topic
from sitegen.link.cooperation import group_by_status
from sitegen.link.map import plan_map
from sitegen.link.site import Site
from sitegen.plan.contexts import (
    ArchiveIndexContext,
    Context,
    FeedLink,
    HomeContext,
    LocalitiesContext,
    LocalityContext,
    NewsItemContext,
    NewsListContext,
    NotFoundContext,
    PageContext,
    Pager,
    PartnershipContext,
    PartnershipRow,
    PartnershipsContext,
    RedirectContext,
    RegionContext,
    RegionRow,
    RegionsContext,
    Route,
    SearchEntry,
    StatementContext,
    TopicsContext,
)
from sitegen.plan.structured import news_article, organization
from sitegen.plan.titles import shorten


def home(site: Site) -> Route:
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
    context_of: Callable[[tuple[NewsItem, ...], Pager, str], Context],
    feeds: tuple[FeedLink, ...] = (),
    search: SearchEntry | None = None,
) -> list[Route]:
    """Return the pages of a list of news; search, if given, indexes the first page."""
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
                title + suffix,
                description + (f" Strana {number}." if number > 1 else ""),
                context,
                feeds=feeds,
                search=search if number == 1 else None,
            )
        )
    return routes


def news_pages(site: Site) -> list[Route]:
    """Return the pages of the news: the lists, the items, the archives and the topics."""
    return [*news_lists(site), *news_items(site), *archives(site), *topics(site)]


def news_lists(site: Site) -> list[Route]:
    return _paginate(
        site,
        site.urls.news_list(),
        site.news,
        "Aktuality",
        f"Zprávy a tiskové zprávy: {site.config.publisher}.",
        lambda items, pager, heading: NewsListContext(
            items, pager, heading, tuple(site.news_years())
        ),
    )


def archives(site: Site) -> list[Route]:
    years = site.news_years()
    counts = Counter(item.date.year for item in site.news)
    routes = [
        Route(
            site.urls.archive_index(),
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
            lambda items, pager, heading, year=year: NewsListContext(  # type: ignore[misc]
                items, pager, heading, tuple(years), year
            ),
        )
    return routes


def topics(site: Site) -> list[Route]:
    counted = [(topic, len(site.news_by_topic[topic.slug])) for topic in site.topics]
    routes = [
        Route(
            site.urls.topic_index(),
            "Témata",
            "Aktuality podle témat.",
            TopicsContext(tuple(counted)),
        )
    ]
    for topic in site.topics:
        routes += _topic_pages(site, topic)
    return routes


def pages(site: Site) -> list[Route]:
    """Return the page of each plain page (the accessibility statement has its own template)."""
    return [page_route(site, page) for page in site.pages]


def page_route(site: Site, page: Page) -> Route:
    """Return the page of a plain page."""
    is_statement = page.slug == site.config.accessibility.page
    context = StatementContext(page) if is_statement else PageContext(page)
    return Route(page.url, page.title, page.summary, context, search=SearchEntry("Stránka"))


def redirect(site: Site, redirect: Redirect) -> Route:
    """Return the page at an old address: it sends the reader on, and search engines too."""
    return Route(
        redirect.url,
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
        lambda items, pager, heading: NewsListContext(
            items, pager, heading, topic=topic, feed_url=feed.url
        ),
        (feed,),
        SearchEntry("Téma"),
    )


def topic_urls(site: Site) -> tuple[str, ...]:
    """Return the addresses of the topic pages the search indexes: those with news."""
    return tuple(topic.url for topic in site.topics if site.news_by_topic[topic.slug])


def regions(site: Site) -> list[Route]:
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
        context_of,
        (feed,),
    )


def localities(site: Site) -> list[Route]:
    context = LocalitiesContext(group_by_status(site.localities), plan_map(site.localities))
    routes = [
        Route(
            site.urls.locality_index(),
            "Kde působíme",
            "Obce, města a mikroregiony, se kterými agentura spolupracuje nebo spolupracovala:"
            " na mapě a podle krajů.",
            context,
        )
    ]
    routes += [locality_route(site, locality) for locality in site.localities]
    return routes


def locality_route(site: Site, locality: Locality) -> Route:
    """Return the page of a locality."""
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
        locality.title,
        shorten(description),
        context,
        title_detail="lokalita",
        search=SearchEntry("Lokalita", (locality.region,)),
    )


def partnerships(site: Site) -> list[Route]:
    routes = [
        Route(
            site.urls.partnership_index(),
            "Lokální partnerství",
            "Lokální partnerství, která agentura vede s obcemi a místními aktéry.",
            PartnershipsContext(tuple(map(partial(_partnership_row, site), site.partnerships))),
        )
    ]
    routes += [partnership_route(site, partnership) for partnership in site.partnerships]
    return routes


def _partnership_row(site: Site, partnership: Partnership) -> PartnershipRow:
    localities = site.localities_by_partnership.get(partnership.slug, ())
    regions = {locality.region.id: locality.region for locality in localities}
    ordered = tuple(region for region in site.regions if region.id in regions)
    return PartnershipRow(partnership, localities, ordered)


def partnership_route(site: Site, partnership: Partnership) -> Route:
    """Return the page of a partnership."""
    localities = site.localities_by_partnership.get(partnership.slug, ())
    context = PartnershipContext(
        partnership, localities, site.news_by_partnership.get(partnership.slug, ())
    )
    regions = sorted_czech({locality.region for locality in localities}, lambda region: region.name)
    description = partnership.body.first_paragraph or f"Lokální partnerství {partnership.title}."
    return Route(
        partnership.url,
        partnership.title,
        shorten(description),
        context,
        title_detail="lokální partnerství",
        search=SearchEntry("Lokální partnerství", tuple(regions)),
    )


def news_items(site: Site) -> list[Route]:
    return [news_item_route(site, item) for item in site.news]


def news_item_route(site: Site, item: NewsItem) -> Route:
    """Return the page of a news item."""
    context = NewsItemContext(
        item,
        site.related.get(item.slug, ()),
        tuple(site.locality_by_slug[slug] for slug in item.locality_slugs),
        tuple(site.partnership_by_slug[slug] for slug in item.partnership_slugs),
    )
    image_url = site.urls.absolute(item.image.asset.url) if item.image else None
    return Route(
        item.url,
        item.title,
        shorten(item.summary),
        context,
        og_type="article",
        image_url=image_url,
        lastmod=item.last_modified,
        title_detail=date_short(item.date),
        search=SearchEntry("Aktualita", tuple(item.regions)),
        structured_data=news_article(item, site.config, site.urls),
    )


def not_found(site: Site) -> Route:
    """Return the page shown at an address that has nothing."""
    return Route(
        site.urls.file("404.html"),
        "Stránka nenalezena",
        "Stránka na této adrese neexistuje.",
        NotFoundContext(),
        in_sitemap=False,
    )
