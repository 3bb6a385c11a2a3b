"""Plan stage: Site → every page, list page, feed and file of the built site.

Input: Site. Output: Routes (URL, title, description, context, and the template the
context names) and FeedSpecs: the pages and feeds of every kind (plan/kinds.py) and the
site's own pages (home, subscription, search, 404, redirects). Titles are made unique
here, in one place. The planners live beside: contexts.py (what a template receives),
pages.py (the pages), shards.py (the search index's parts), feeds.py (the feeds),
titles.py (titles and trails); their public names are importable from here too.
"""

from __future__ import annotations

from sitegen.base.config import SiteConfig
from sitegen.base.urls import SEARCH_FOLDER, SEARCH_TIERS_FILE
from sitegen.link.site import Site
from sitegen.plan.contexts import (
    Context,
    Crumb,
    FeedLink,
    Pager,
    RedirectContext,
    Route,
    SearchContext,
    SearchEntry,
)
from sitegen.plan.english import english_feeds, english_routes, with_alternates
from sitegen.plan.feeds import FeedSpec, subscribe_page
from sitegen.plan.kinds import kind_plans
from sitegen.plan.opendata import open_data_page, plan_dataset
from sitegen.plan.pages import home, not_found, redirect
from sitegen.plan.shards import BASE_PART_PAGES, SearchShard, plan_search_shards
from sitegen.plan.titles import shorten, unique_titles, with_crumbs

__all__ = [
    "BASE_PART_PAGES",
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
    routes = [
        home(site),
        *(route for plan in kind_plans() for route in plan.pages(site)),
        subscribe_page(site, plan_feeds(site)),
        search_page(site),
        open_data_page(site, plan_dataset(site)),
        not_found(site),
    ]
    redirects = [redirect(site, old) for old in site.redirects]  # last: see engine/outputs.py
    czech = with_crumbs(unique_titles(routes + redirects), site.urls.home())
    titled = unique_titles(english_routes(site), (route.title for route in czech))
    english = with_crumbs(titled, site.urls.english_home(), "Home")
    ordered = czech[: len(routes)] + english + czech[len(routes) :]
    return with_alternates(ordered, site)


def plan_feeds(site: Site) -> list[FeedSpec]:
    """Return the feeds of every kind (the main RSS and Atom feeds, one RSS feed per
    region and topic) and the English RSS and Atom feeds."""
    return [feed for plan in kind_plans() for feed in plan.feeds(site)] + english_feeds(site)


def _search_description(config: SiteConfig) -> str:
    where = f"webu {config.title_genitive}" if config.title_genitive else "tohoto webu"
    return f"Hledání v aktualitách, lokalitách a stránkách {where}."


def search_page(site: Site) -> Route:
    """Return the search page; it finds the bundles to merge in the tiers file, so that it
    stays as it is while the index changes (the main bundle is its fallback)."""
    return Route(
        site.urls.search(),
        "Vyhledávání",
        _search_description(site.config),
        SearchContext((site.urls.file(f"{SEARCH_FOLDER}/"),), site.urls.file(SEARCH_TIERS_FILE)),
    )
