"""Plan stage, feeds: which feeds the site has, and the page that lists them.

Input: Site. Output: FeedSpecs (the main RSS and Atom feeds, one per region and topic)
and the subscription page's Route.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sitegen.base.urls import feed_of
from sitegen.content.models import NewsItem
from sitegen.link.site import Site
from sitegen.plan.contexts import DERIVED, FeedChoice, Route, SubscribeContext


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
    """Where the subscription page lists it: "all" (the English news too), "region" or "topic"."""
    language: str | None = None
    """The language of its items, when not the site's ("en")."""


def news_feeds(site: Site) -> list[FeedSpec]:
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


def subscribe_page(site: Site, feeds: Sequence[FeedSpec]) -> Route:
    """Return the page that explains feeds and lists every feed of the site (feeds)."""

    def choices(group: str) -> tuple[FeedChoice, ...]:
        return tuple(
            FeedChoice(
                spec.name, spec.url, "Atom" if spec.format == "atom" else "RSS", not spec.items
            )
            for spec in feeds
            if spec.group == group
        )

    return Route(
        site.urls.subscribe(),
        "Odběr aktualit",
        "Jak sledovat aktuality ve čtečce zpráv: adresy kanálů RSS a Atom se všemi "
        "aktualitami a s aktualitami jednotlivých krajů a témat.",
        SubscribeContext(choices("all"), choices("region"), choices("topic")),
    )
