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

PAGEFIND_CHUNK = 20_000
"""Pagefind's own word locations per index chunk (its `index_chunk_size`)."""
MIN_CHUNK = 500
"""No chunk smaller: a small bundle (the delta) would otherwise be a file per word."""

BASE_PART_PAGES = 800
"""Most pages of one part of the base index (a day's news are not split, so a day of more
news makes a larger part); a site with fewer than twice as many searchable pages has one
index.

Pagefind holds a whole index in memory while it writes it, about 0.27 MB a page on the
benchmark corpus (2.8 GB for 10,000 pages), so a part of 800 pages keeps Pagefind near
220 MB, and the build's processes within 1 GB at 10,000 items. A part costs a reader
little: its chunks are cut to its share of the site (index_chunk), so what it adds to a
search is its metadata and filters."""


@dataclass(frozen=True, slots=True)
class SearchShard:
    """One part of the search base index: a Pagefind bundle made from some of the pages."""

    folder: str
    """Output folder of the bundle, e.g. pagefind or pagefind-aktuality-2012-01-05-2015-03-02."""
    urls: tuple[str, ...]
    """The pages it indexes."""
    chunk: int = PAGEFIND_CHUNK
    """Word locations per chunk of its index (index_chunk)."""


def index_chunk(pages: int, site_pages: int) -> int:
    """Return the word locations per index chunk of a bundle of pages out of site_pages.

    A search loads, for each word, one chunk from every bundle merged. Pagefind cuts one
    index into chunks of PAGEFIND_CHUNK locations, so a bundle holding a share of the site
    gets chunks of that share of it, and the chunks a word loads from all bundles add up
    to about one chunk of one index (measured at 10,000 items: 1.04 times the bytes of one
    index, against 2.07 with every bundle at Pagefind's default). The share is of the site
    rounded up to a power of two, so it changes only when the site doubles: then every
    part is indexed anew once."""
    whole = 1 << max(0, site_pages - 1).bit_length()
    return max(MIN_CHUNK, min(PAGEFIND_CHUNK, PAGEFIND_CHUNK * pages // whole))


def plan_search_shards(site: Site) -> tuple[SearchShard, ...]:
    """Return the parts of the search base index, the main bundle first.

    The main bundle indexes the pages each kind's plan says (localities, partnerships and
    pages) and the oldest news; the news after them go into parts of consecutive days of
    at most BASE_PART_PAGES pages each, the newest part holding what is left. A part's
    folder names its days, so it stays while older news stay.
    """
    others = tuple(url for plan in kind_plans() for url in plan.searched(site))
    news = tuple(item.url for item in reversed(site.news))  # oldest first
    site_pages = len(others) + len(news)
    if site_pages < 2 * BASE_PART_PAGES:
        return (SearchShard(SEARCH_FOLDER, news + others, index_chunk(site_pages, site_pages)),)
    by_day: dict[date, list[NewsItem]] = {}
    for item in reversed(site.news):
        by_day.setdefault(item.date.date(), []).append(item)
    groups: list[list[NewsItem]] = [[]]
    size = len(others)  # of the part being filled
    for day in sorted(by_day):
        if size and size + len(by_day[day]) > BASE_PART_PAGES:
            groups.append([])
            size = 0
        groups[-1] += by_day[day]
        size += len(by_day[day])
    main_urls = tuple(item.url for item in groups[0]) + others
    main = SearchShard(SEARCH_FOLDER, main_urls, index_chunk(len(main_urls), site_pages))
    parts = [
        SearchShard(
            f"{SEARCH_FOLDER}-aktuality-{group[0].date:%Y-%m-%d}-{group[-1].date:%Y-%m-%d}",
            tuple(item.url for item in group),
            index_chunk(len(group), site_pages),
        )
        for group in groups[1:]
    ]
    return (main, *parts)
