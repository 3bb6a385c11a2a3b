"""Link stage, indexes: the kind-specific cross-indexes of the site, both ways.

Input: the published models of every kind. Output: Site, with news by topic, region,
locality and partnership, localities by region and partnership, partnerships by
locality, and the related news of each item.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TypeVar, cast

from sitegen.base.config import SiteConfig
from sitegen.base.regions import all_regions
from sitegen.base.typography import sorted_czech
from sitegen.base.urls import Urls
from sitegen.content.kinds import LOCALITY, NEWS, PARTNERSHIP, REGION, Kind
from sitegen.content.models import Locality, Model, NewsItem, Partnership
from sitegen.content.schema import FrontMatterModel
from sitegen.link.graph import Site

T = TypeVar("T")
M = TypeVar("M", bound=Model)

RELATED_WINDOW = 12
"""Items nearest in time taken from each shared locality, region or topic."""
RELATED_WEIGHTS = {"locality": 3, "partnership": 3, "topic": 2, "region": 1}


def index(
    config: SiteConfig, urls: Urls, now: datetime, models: dict[str, tuple[Model, ...]]
) -> Site:
    """Return the site of models (kind name → models in the kind's order), indexed."""
    news, localities = _of(models, NEWS), _of(models, LOCALITY)
    partnerships = _of(models, PARTNERSHIP)
    topics = {topic.slug: topic for item in news for topic in item.topics}
    localities_by_partnership, partnerships_by_locality = _membership(localities, partnerships)
    return Site(
        config=config,
        urls=urls,
        now=now,
        models_by_kind=models,
        regions=all_regions(),
        region_texts={text.region_id: text for text in _of(models, REGION)},
        topics=tuple(sorted_czech(topics.values(), lambda topic: topic.name)),
        news_by_topic=_group(news, lambda item: [t.slug for t in item.topics]),
        news_by_region=_group(news, lambda item: [r.id for r in item.regions]),
        news_by_locality=_group(news, lambda item: item.locality_slugs),
        news_by_partnership=_group(news, lambda item: item.partnership_slugs),
        localities_by_region=_group(localities, lambda loc: [loc.region.id]),
        localities_by_partnership=localities_by_partnership,
        partnerships_by_locality=partnerships_by_locality,
        locality_by_slug={loc.slug: loc for loc in localities},
        partnership_by_slug={p.slug: p for p in partnerships},
        related=find_related(news, config.paging.related_news),
    )


def _of(models: dict[str, tuple[Model, ...]], kind: Kind[FrontMatterModel, M]) -> tuple[M, ...]:
    return cast(tuple[M, ...], models.get(kind.name, ()))


def _group(items: Iterable[T], keys: Callable[[T], Iterable[str]]) -> dict[str, tuple[T, ...]]:
    groups: dict[str, list[T]] = defaultdict(list)
    for item in items:
        for key in keys(item):
            groups[key].append(item)
    return {key: tuple(group) for key, group in sorted(groups.items())}


def _membership(
    localities: Sequence[Locality], partnerships: Sequence[Partnership]
) -> tuple[dict[str, tuple[Locality, ...]], dict[str, tuple[Partnership, ...]]]:
    """Join both directions: a partnership's list and a locality's `partnership` key."""
    pairs = {(p.slug, slug) for p in partnerships for slug in p.locality_slugs}
    pairs |= {(loc.partnership_slug, loc.slug) for loc in localities if loc.partnership_slug}
    by_partnership = {
        p.slug: tuple(loc for loc in localities if (p.slug, loc.slug) in pairs)
        for p in partnerships
    }
    by_locality = {
        loc.slug: tuple(p for p in partnerships if (p.slug, loc.slug) in pairs)
        for loc in localities
    }
    return by_partnership, by_locality


def find_related(news: Sequence[NewsItem], limit: int) -> dict[str, tuple[NewsItem, ...]]:
    """Return, per news slug, the items sharing most localities, topics and regions.

    Each shared key contributes its items nearest in time (not all of them), so the
    cost stays linear in the number of items; ties go to the item nearest in time.
    """
    if limit == 0:
        return {}
    groups: dict[tuple[str, str], list[NewsItem]] = defaultdict(list)
    for item in reversed(news):  # oldest first
        for key in _related_keys(item):
            groups[key].append(item)
    position = {
        key: {item.slug: i for i, item in enumerate(group)} for key, group in groups.items()
    }
    stamps = {item.slug: item.date.timestamp() for item in news}
    return {item.slug: _related_to(item, groups, position, stamps, limit) for item in news}


def _related_keys(item: NewsItem) -> list[tuple[str, str]]:
    return (
        [("locality", slug) for slug in item.locality_slugs]
        + [("partnership", slug) for slug in item.partnership_slugs]
        + [("topic", topic.slug) for topic in item.topics]
        + [("region", region.id) for region in item.regions]
    )


def _related_to(
    item: NewsItem,
    groups: dict[tuple[str, str], list[NewsItem]],
    position: dict[tuple[str, str], dict[str, int]],
    stamps: dict[str, float],
    limit: int,
) -> tuple[NewsItem, ...]:
    scores: Counter[str] = Counter()
    by_slug: dict[str, NewsItem] = {}
    for key in _related_keys(item):
        group, at = groups[key], position[key][item.slug]
        weight = RELATED_WEIGHTS[key[0]]
        for other in group[max(0, at - RELATED_WINDOW) : at + RELATED_WINDOW + 1]:
            scores[other.slug] += weight
            by_slug[other.slug] = other
    scores.pop(item.slug, None)
    when = stamps[item.slug]
    ranked = sorted([(-score, abs(stamps[slug] - when), slug) for slug, score in scores.items()])
    return tuple(by_slug[slug] for _score, _distance, slug in ranked[:limit])
