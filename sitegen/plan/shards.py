"""Plan stage, search shards: which pages each part of the search index holds.

Input: Site. Output: SearchShards, the main bundle first, then the news by days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sitegen.base.urls import SEARCH_FOLDER
from sitegen.content.models import NewsItem
from sitegen.link.site import Site
from sitegen.plan.kinds import kind_plans

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
class SearchShard:
    """One part of the search index: a Pagefind bundle made from some of the pages."""

    folder: str
    """Output folder of the bundle, e.g. pagefind or pagefind-aktuality-2012-2015."""
    urls: tuple[str, ...]
    """The pages it indexes."""


def plan_search_shards(site: Site) -> tuple[SearchShard, ...]:
    """Return the parts of the search index, the main bundle first.

    The main bundle indexes the pages each kind's plan says (localities, partnerships
    and pages); news go into shards of consecutive days, each of at least the shard
    size (see MAX_NEWS_SHARDS); the newest days join the shard before them when they
    have fewer.
    """
    others = tuple(url for plan in kind_plans() for url in plan.searched(site))
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
