"""Link stage, the site graph: what the stages after link read of the whole site.

Input: nothing (a type). Output: Site, the published models of every kind (by kind,
in the order the site lists them) with the kind-specific indexes built beside them
(link/indexes.py), what is scheduled and what changes next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from typing_extensions import TypeVar

from sitegen.base.config import SiteConfig
from sitegen.base.errors import Problem
from sitegen.base.i18n import _
from sitegen.base.regions import Region
from sitegen.base.urls import Urls
from sitegen.content.kinds import LOCALITY, NEWS, PAGE, PARTNERSHIP, Kind, all_kinds
from sitegen.content.models import (
    Item,
    Locality,
    Model,
    NewsItem,
    Page,
    Partnership,
    Redirect,
    RegionText,
    Topic,
)
from sitegen.content.schema import FrontMatterModel
from sitegen.link.schedule import Scheduled, moment_text

M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class Translated:
    """A published item and its English translation (made by its kind's make function
    from the original's front matter with the translation's title, summary and body)."""

    kind: str
    """The name of their kind."""
    original: Item
    english: Item


@dataclass(frozen=True, slots=True)
class Site:
    """Everything that is published, sorted and cross-referenced."""

    config: SiteConfig
    urls: Urls
    now: datetime
    models_by_kind: dict[str, tuple[Model, ...]]
    """Kind name → its published models, in the order the site lists them (the kind's)."""
    regions: tuple[Region, ...]
    region_texts: dict[str, RegionText]
    topics: tuple[Topic, ...]
    news_by_topic: dict[str, tuple[NewsItem, ...]]
    news_by_region: dict[str, tuple[NewsItem, ...]]
    news_by_locality: dict[str, tuple[NewsItem, ...]]
    news_by_partnership: dict[str, tuple[NewsItem, ...]]
    localities_by_region: dict[str, tuple[Locality, ...]]
    localities_by_partnership: dict[str, tuple[Locality, ...]]
    partnerships_by_locality: dict[str, tuple[Partnership, ...]]
    locality_by_slug: dict[str, Locality]
    partnership_by_slug: dict[str, Partnership]
    related: dict[str, tuple[NewsItem, ...]]
    redirects: tuple[Redirect, ...] = ()
    """Old addresses of the published items, sorted by URL."""
    next_change: datetime | None = None
    """The next moment the site changes by itself: a scheduled item comes out, a
    cooperation starts or ends. None when nothing is scheduled."""
    left_out: tuple[Scheduled, ...] = ()
    """News items dated in the future that this build leaves out, soonest first."""
    draft_warnings: tuple[Problem, ...] = ()
    """Broken links of drafts, which become errors when the draft is published."""
    translations: tuple[Translated, ...] = ()
    """The published items that have an English translation, kind by kind in the
    table's order, each kind's in the order the site lists the translations."""
    translation_by_url: dict[str, Translated] = field(default_factory=dict)
    """The pairs of translations by the URL of either page."""

    def english(self, kind: Kind) -> tuple[Item, ...]:
        """Return the English translations of kind's published items, in the kind's order."""
        return tuple(pair.english for pair in self.translations if pair.kind == kind.name)

    def english_models(self) -> tuple[Item, ...]:
        """Return every English translation."""
        return tuple(pair.english for pair in self.translations)

    def translation_at(self, url: str) -> Translated | None:
        """Return the pair whose original or translation has the page at url, or None."""
        return self.translation_by_url.get(url)

    def items(self, kind: Kind[FrontMatterModel, M]) -> tuple[M, ...]:
        """Return the published models of kind, in the order the site lists them."""
        return cast(tuple[M, ...], self.models_by_kind.get(kind.name, ()))

    def models(self) -> tuple[Model, ...]:
        """Return every model of the site, kind by kind in the table's order."""
        return tuple(model for kind in all_kinds() for model in self.items(kind))

    @property
    def news(self) -> tuple[NewsItem, ...]:
        """Return the visible news, newest first."""
        return self.items(NEWS)

    @property
    def localities(self) -> tuple[Locality, ...]:
        """Return the localities, in Czech alphabetical order."""
        return self.items(LOCALITY)

    @property
    def partnerships(self) -> tuple[Partnership, ...]:
        """Return the partnerships, in Czech alphabetical order."""
        return self.items(PARTNERSHIP)

    @property
    def pages(self) -> tuple[Page, ...]:
        """Return the plain pages, in Czech alphabetical order."""
        return self.items(PAGE)

    def scheduled_notes(self) -> list[str]:
        """Return one line per scheduled item left out, with its publication time."""
        return [
            _("Scheduled, not published yet: {path} ({moment})").format(
                path=item.source, moment=moment_text(item.date.astimezone(self.config.tz))
            )
            for item in self.left_out
        ]

    def news_years(self) -> list[int]:
        """Return the years that have news, newest first."""
        return sorted({item.date.year for item in self.news}, reverse=True)
