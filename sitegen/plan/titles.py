"""Plan stage, titles: descriptions cut to length, unique titles and breadcrumb trails.

Input: Routes. Output: the same Routes, titled uniquely and given their trails.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from sitegen.plan.contexts import Crumb, Route

DESCRIPTION_LIMIT = 160


def shorten(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """Return text cut at a word boundary to at most limit characters."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",.;:–- ")
    return cut + "…"


def unique_titles(routes: list[Route], taken: Iterable[str] = ()) -> list[Route]:
    """Return routes with the detail added to each title that another route has (or
    that is among taken: the titles of the pages in the other language)."""
    counts = Counter(route.title for route in routes)
    counts.update(set(taken) & set(counts))
    return [
        replace(route, title=f"{route.title} ({route.title_detail})")
        if counts[route.title] > 1 and route.title_detail
        else route
        for route in routes
    ]


def with_crumbs(
    routes: list[Route], home_url: str, home_title: str = "Úvodní stránka"
) -> list[Route]:
    """Give each page the trail of the pages whose URLs contain its own.

    Pages with the same parents share one trail object, so that fingerprinting a page
    (outputs.py) meets a trail it has seen and does not walk it again.
    """
    titles = {route.url: route.title for route in routes}
    titles[home_url] = home_title
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
