"""Plan stage, search parts: which pages each part of the search base index holds.

Input: Site. Output: SearchShards, the base index's parts: the pages of every kind's plan
first, then the news from the oldest day on. The base is made whole at a compaction (a
cold build, or when the pages changed since outgrow the delta, engine/tiers.py); between
compactions the changed pages go into a small delta index instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sitegen.base.urls import SEARCH_FOLDER
from sitegen.content.models import NewsItem
from sitegen.link.site import Site
from sitegen.plan.kinds import kind_plans

BASE_PART_PAGES = 1200
"""Pages of one part of the base index (the newest part holds from half to one and a half
times as many); a site with fewer than twice as many searchable pages has one index.

One index ranks best and costs a reader least: every part adds its WebAssembly, filters
and an index chunk per searched word to a search. But Pagefind holds a whole index in
memory while it writes it, about 0.26 MB a page on the benchmark corpus (2.8 GB for
10,000 pages), so a part of at most 1,800 pages keeps Pagefind under 500 MB, and the
build's processes within 1 GB."""


@dataclass(frozen=True, slots=True)
class SearchShard:
    """One part of the search base index: a Pagefind bundle made from some of the pages."""

    folder: str
    """Output folder of the bundle, e.g. pagefind or pagefind-aktuality-2012-01-05-2015-03-02."""
    urls: tuple[str, ...]
    """The pages it indexes."""


def plan_search_shards(site: Site) -> tuple[SearchShard, ...]:
    """Return the parts of the search base index, the main bundle first.

    The main bundle indexes the pages each kind's plan says (localities, partnerships and
    pages) and the oldest news; the news after them go into parts of consecutive days of
    at least BASE_PART_PAGES pages each, the newest days joining the part before them when
    they are fewer than half of it. A part's folder names its days, so it stays while
    older news stay.
    """
    others = tuple(url for plan in kind_plans() for url in plan.searched(site))
    news = tuple(item.url for item in reversed(site.news))  # oldest first
    if len(others) + len(news) < 2 * BASE_PART_PAGES:
        return (SearchShard(SEARCH_FOLDER, news + others),)
    by_day: dict[date, list[NewsItem]] = {}
    for item in reversed(site.news):
        by_day.setdefault(item.date.date(), []).append(item)
    groups: list[list[NewsItem]] = [[]]
    size = len(others)  # of the part being filled
    for day in sorted(by_day):
        if size >= BASE_PART_PAGES:
            groups.append([])
            size = 0
        groups[-1] += by_day[day]
        size += len(by_day[day])
    if len(groups) > 1 and 2 * len(groups[-1]) < BASE_PART_PAGES:
        newest = groups.pop()
        groups[-1] += newest
    main = SearchShard(SEARCH_FOLDER, tuple(item.url for item in groups[0]) + others)
    parts = [
        SearchShard(
            f"{SEARCH_FOLDER}-aktuality-{group[0].date:%Y-%m-%d}-{group[-1].date:%Y-%m-%d}",
            tuple(item.url for item in group),
        )
        for group in groups[1:]
    ]
    return (main, *parts)
