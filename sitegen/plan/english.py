"""Plan stage, the English pages: each translation's page, /en/, the English feeds, and
the alternates (hreflang) of every page that has a translation.

Input: Site. Output: Routes and FeedSpecs. A translation's page is made by its kind's
item-page planner (plan/kinds.py), as the original's is, then given `lang="en"`, the
translations of the items it links to in place of the originals, and its content type
as English readers name it. The Czech pages stay where they are.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from typing import ClassVar, TypeVar

from sitegen.base.urls import ENGLISH, ENGLISH_SEARCH_FOLDER
from sitegen.content.kinds import LOCALITY, NEWS, PAGE, PARTNERSHIP
from sitegen.content.models import Item, Locality, NewsItem, Page, Partnership
from sitegen.link.site import Site, Translated
from sitegen.plan.contexts import (
    Alternate,
    Context,
    FeedLink,
    Route,
    SearchContext,
    SearchEntry,
)
from sitegen.plan.feeds import FeedSpec
from sitegen.plan.kinds import KindPlan, kind_plans

T = TypeVar("T")

LANGUAGE_NAMES = {"cs": "Česky", ENGLISH: "English"}
"""Each language's name in itself: what the language switcher says."""
X_DEFAULT = "x-default"
"""The hreflang of the page for readers of any other language: the Czech one."""
ENGLISH_FEEDS = (
    FeedLink("News in English (RSS)", "feed.xml"),
    FeedLink("News in English (Atom)", "atom.xml", "application/atom+xml"),
)
"""The English feeds, by their names under /en/."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EnglishHomeContext(Context):
    """The English home page (/en/): what is translated, and where the rest is."""

    template: ClassVar[str] = "home_en.html"

    czech_home: str
    """The Czech home page, where most of the news is."""
    pages: tuple[Page, ...]
    news: tuple[NewsItem, ...]
    """Newest first."""
    localities: tuple[Locality, ...]
    partnerships: tuple[Partnership, ...]


def english_routes(site: Site) -> list[Route]:
    """Return the English pages: one per translation and the English home page (none
    when nothing is translated)."""
    if not site.translations:
        return []
    routes = [english_home(site), english_search(site)]
    for plan in kind_plans():
        routes += [_english_page(site, plan, item) for item in site.english(plan.kind)]
    return routes


def english_home(site: Site) -> Route:
    """Return the English home page."""
    context = EnglishHomeContext(
        lang=ENGLISH,
        czech_home=site.urls.home(),
        pages=_of(Page, site.english(PAGE)),
        news=_of(NewsItem, site.english(NEWS)),
        localities=_of(Locality, site.english(LOCALITY)),
        partnerships=_of(Partnership, site.english(PARTNERSHIP)),
    )
    return Route(
        site.urls.english_home(),
        "In English",
        "The Agency for Social Inclusion in English: what is translated of its website; "
        "most of its news is in Czech.",
        context,
        feeds=english_feed_links(site),
    )


def english_search(site: Site) -> Route:
    """Return the English search page: it searches the English pages' own bundle
    (engine/indexer.py), without the Czech stemmer."""
    bundle = site.urls.english_file(f"{ENGLISH_SEARCH_FOLDER}/")
    return Route(
        site.urls.english_search(),
        "Search",
        "Search the pages of the Agency for Social Inclusion that are in English.",
        SearchContext(lang=ENGLISH, bundles=(bundle,), tiers=""),
        feeds=english_feed_links(site),
    )


def english_feed_links(site: Site) -> tuple[FeedLink, ...]:
    """Return the English feeds as the English pages announce them (none without news)."""
    if not site.english(NEWS):
        return ()
    return tuple(replace(feed, url=site.urls.english_file(feed.url)) for feed in ENGLISH_FEEDS)


def _of(model: type[T], items: tuple[Item, ...]) -> tuple[T, ...]:
    return tuple(item for item in items if isinstance(item, model))


def _english_page(site: Site, plan: KindPlan, item: Item) -> Route:
    """Return the page of a translation: its kind's page, in English."""
    assert plan.item_page is not None  # a translated kind has item pages
    route = plan.item_page(site, item)
    context = _in_english(site, route.context)
    search = SearchEntry(plan.english_name, route.search.regions) if route.search else None
    data = route.structured_data
    if data is not None and "inLanguage" in data:
        data = {**data, "inLanguage": ENGLISH}
    return replace(
        route,
        context=context,
        title_detail=plan.english_name.lower(),
        search=search,
        structured_data=data,
        feeds=english_feed_links(site),
    )


def _in_english(site: Site, context: Context) -> Context:
    """Return context in English: lang "en", and each item it shows that has a
    translation replaced by the translation (the others stay: they are in Czech)."""
    changes: dict[str, object] = {}
    for field in dataclasses.fields(context):
        value = getattr(context, field.name)
        if isinstance(value, tuple):
            changes[field.name] = tuple(_translated(site, part) for part in value)
        else:
            changes[field.name] = _translated(site, value)
    changes["lang"] = ENGLISH
    return replace(context, **changes)  # type: ignore[arg-type]  # each field's own value


def _translated(site: Site, value: object) -> object:
    """Return the translation of value when it is an item that has one, else value."""
    if not isinstance(value, Item):
        return value
    pair = site.translation_at(value.url)
    return pair.english if pair is not None else value


def with_alternates(routes: list[Route], site: Site) -> list[Route]:
    """Return routes with the alternates of each page that has a translation: both
    pages of each pair, and the home pages once anything is translated."""
    if not site.translations:
        return routes
    homes = Translated("", _Home(site.urls.home()), _Home(site.urls.english_home()))
    changed = []
    for route in routes:
        pair = site.translation_at(route.url)
        if route.url in (site.urls.home(), site.urls.english_home()):
            pair = homes
        changed.append(route if pair is None else replace(route, alternates=_alternates(pair)))
    return changed


def _alternates(pair: Translated) -> tuple[Alternate, ...]:
    czech, english = pair.original.url, pair.english.url
    return (
        Alternate("cs", czech, LANGUAGE_NAMES["cs"]),
        Alternate(ENGLISH, english, LANGUAGE_NAMES[ENGLISH]),
        Alternate(X_DEFAULT, czech, LANGUAGE_NAMES["cs"]),
    )


@dataclass(frozen=True, slots=True)
class _Home:
    """A home page as one side of a pair of alternates."""

    url: str
    title: str = ""
    source: str = ""
    assets: tuple[()] = ()


def english_feeds(site: Site) -> list[FeedSpec]:
    """Return the English RSS and Atom feeds of the translated news (none when no news
    item is translated)."""
    news = _of(NewsItem, site.english(NEWS))[: site.config.paging.feed_items]
    if not news:
        return []
    urls = site.urls
    title = "Agency for Social Inclusion: news in English"
    description = "News of the Agency for Social Inclusion translated into English."
    home = urls.english_home()
    return [
        FeedSpec(
            urls.english_file(feed.url),
            title,
            description,
            home,
            news,
            "atom" if "atom" in feed.media_type else "rss",
            name="Aktuality v angličtině",  # as the (Czech) subscription page lists it
            language=ENGLISH,
        )
        for feed in ENGLISH_FEEDS
    ]
