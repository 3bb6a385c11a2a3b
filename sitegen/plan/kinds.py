"""Plan stage, the pages and feeds of each kind: the plan-stage half of the table of kinds.

Input: nothing (a table). Output: one KindPlan per kind of content/kinds.py's table:
which pages its models get (item pages and list pages), which feeds, and which of its
pages the main search bundle indexes. `registered` adds a whole kind (its row in the
table of kinds and its plan) for as long as a block runs; tests/test_fifth_kind.py does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sitegen.content import kinds
from sitegen.content.kinds import LOCALITY, NEWS, PAGE, PARTNERSHIP, REGION, Kind
from sitegen.content.models import Item, Locality, Model, NewsItem, Page, Partnership
from sitegen.content.schema import FrontMatterModel
from sitegen.link.site import Site
from sitegen.plan.contexts import Route
from sitegen.plan.feeds import FeedSpec, news_feeds
from sitegen.plan.pages import (
    localities,
    locality_route,
    news_item_route,
    news_pages,
    page_route,
    pages,
    partnership_route,
    partnerships,
    regions,
    topic_urls,
)

ItemT = TypeVar("ItemT", bound=Item)


def _no_feeds(site: Site) -> list[FeedSpec]:
    return []


def _not_searched(site: Site) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True, slots=True)
class KindPlan:
    """The pages and feeds of one kind."""

    kind: Kind
    pages: Callable[[Site], list[Route]]
    """Its item pages and list pages."""
    feeds: Callable[[Site], list[FeedSpec]] = _no_feeds
    """Its feeds."""
    searched: Callable[[Site], tuple[str, ...]] = _not_searched
    """The URLs of its pages that the main search bundle indexes (news have shards of
    their own: plan/shards.py)."""
    item_page: Callable[[Site, Item], Route] | None = None
    """The page of one of its models: of an English translation too (plan/english.py)."""
    english_name: str = ""
    """What English readers call one of its items ("News", the search's content type)."""


class _Addressed(Model, Protocol):
    @property
    def url(self) -> str: ...


def _urls_of(kind: Kind[FrontMatterModel, _Addressed]) -> Callable[[Site], tuple[str, ...]]:
    """Return what gives the URLs of the pages of kind's models."""

    def urls(site: Site) -> tuple[str, ...]:
        return tuple(item.url for item in site.items(kind))

    return urls


def _page_of(
    model: type[ItemT], route: Callable[[Site, ItemT], Route]
) -> Callable[[Site, Item], Route]:
    """Return route as the item page of a kind whose models are of type model."""

    def page(site: Site, item: Item) -> Route:
        assert isinstance(item, model), item  # a kind's plan gets its kind's models
        return route(site, item)

    return page


_PLANS: dict[str, KindPlan] = {
    plan.kind.name: plan
    for plan in (
        KindPlan(
            NEWS, news_pages, news_feeds, topic_urls, _page_of(NewsItem, news_item_route), "News"
        ),
        KindPlan(
            LOCALITY,
            localities,
            searched=_urls_of(LOCALITY),
            item_page=_page_of(Locality, locality_route),
            english_name="Locality",
        ),
        KindPlan(
            PARTNERSHIP,
            partnerships,
            searched=_urls_of(PARTNERSHIP),
            item_page=_page_of(Partnership, partnership_route),
            english_name="Local partnership",
        ),
        KindPlan(
            PAGE,
            pages,
            searched=_urls_of(PAGE),
            item_page=_page_of(Page, page_route),
            english_name="Page",
        ),
        KindPlan(REGION, regions),
    )
}


def kind_plans() -> tuple[KindPlan, ...]:
    """Return the plan of every kind, in the order of the table of kinds."""
    return tuple(_PLANS[kind.name] for kind in kinds.all_kinds() if kind.name in _PLANS)


@contextmanager
def registered(plan: KindPlan) -> Iterator[KindPlan]:
    """Add a kind (plan.kind) to the table of kinds, with its plan, while the block runs.

    Raises:
        ValueError: when a kind of that name or folder is in the table already.
    """
    with kinds.registered(plan.kind):
        _PLANS[plan.kind.name] = plan
        try:
            yield plan
        finally:
            del _PLANS[plan.kind.name]
