"""Plan stage: Site → every page, list page, feed and file of the built site.

Input: Site. Output: Routes (URL, title, description, context, and the template the
context names) and FeedSpecs. Titles are made unique here, in one place. The planners
live beside: contexts.py (what a template receives), pages.py (the pages), shards.py
(the search index's parts), feeds.py (the feeds), titles.py (titles and trails); their
public names are importable from here too.
"""

from __future__ import annotations

from sitegen.link.site import Site
from sitegen.plan.contexts import (
    Context,
    Crumb,
    FeedLink,
    Pager,
    RedirectContext,
    Route,
    SearchEntry,
)
from sitegen.plan.feeds import FeedSpec, plan_feeds, subscribe_page
from sitegen.plan.pages import (
    archives,
    home,
    localities,
    news_items,
    news_lists,
    not_found,
    pages,
    partnerships,
    redirect,
    regions,
    search_page,
    topics,
)
from sitegen.plan.shards import MAX_NEWS_SHARDS, SHARD_MIN_PAGES, SearchShard, plan_search_shards
from sitegen.plan.titles import shorten, unique_titles, with_crumbs

__all__ = [
    "MAX_NEWS_SHARDS",
    "SHARD_MIN_PAGES",
    "Context",
    "Crumb",
    "FeedLink",
    "FeedSpec",
    "Pager",
    "RedirectContext",
    "Route",
    "SearchEntry",
    "SearchShard",
    "plan_feeds",
    "plan_routes",
    "plan_search_shards",
    "shorten",
]


def plan_routes(site: Site) -> list[Route]:
    """Return every HTML page of the site, titles made unique."""
    shards = plan_search_shards(site)
    routes = [
        home(site),
        *news_lists(site),
        *news_items(site),
        *archives(site),
        *topics(site),
        *regions(site),
        *localities(site),
        *partnerships(site),
        *pages(site),
        subscribe_page(site),
        search_page(site, shards),
        not_found(site),
        *(redirect(site, old) for old in site.redirects),  # last: see engine/outputs.py
    ]
    return with_crumbs(unique_titles(routes), site.urls.home())
