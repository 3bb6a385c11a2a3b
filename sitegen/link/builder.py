"""Link stage, the model builder: what a kind's make function is given (Making).

Input: the rendered bodies, the topics of the news, the published localities and the
site's settings. Output: ModelBuilder, which each kind's make function (content/kinds.py)
asks for an entry's body, documents, lead photo, topics and localities' regions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen.base.typography import ascii_slug, czech_key
from sitegen.base.urls import Urls
from sitegen.content.load import Entry, asset_for
from sitegen.content.models import Body, Document, Image, Topic
from sitegen.content.schema import DocumentRef, LocalityFrontMatter, NewsFrontMatter
from sitegen.link.images import plan_picture


@dataclass(frozen=True, slots=True)
class ModelBuilder:
    """What the make functions of the kinds are given (content/models.py's Making)."""

    urls: Urls
    now: datetime
    static_path: Path
    bodies: dict[str, Body]
    """Content key → the rendered body."""
    topics: dict[str, Topic]
    """Tag as written → its topic."""
    feed_authority: str
    tz: ZoneInfo
    locality_regions: dict[str, str]
    """Slug of each published locality → its region id."""

    def body(self, entry: Entry) -> Body:
        """Return the rendered body of entry."""
        return self.bodies[entry.source.content_key]

    def documents(self, entry: Entry, refs: Sequence[DocumentRef]) -> tuple[Document, ...]:
        """Return the documents refs name."""
        return tuple(
            Document(ref.title, asset_for(entry, ref.file, self.static_path, self.urls))
            for ref in refs
        )

    def image(self, entry: Entry, ref: str, alt: str, caption: str | None) -> Image:
        """Return the lead photo ref names, with its resized variants."""
        asset = asset_for(entry, ref, self.static_path, self.urls)
        return Image(asset, alt, caption, plan_picture(asset))

    def topic(self, tag: str) -> Topic:
        """Return the topic of a tag as written."""
        return self.topics[tag]

    def locality_region(self, slug: str) -> str | None:
        """Return the region id of the published locality slug, or None."""
        return self.locality_regions.get(slug)


def topics_of(news: Sequence[Entry[NewsFrontMatter]], urls: Urls) -> dict[str, Topic]:
    """Return tag as written → Topic; spellings of one slug share the commonest name."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in news:
        for tag in entry.meta.tags:
            spellings[ascii_slug(tag)][tag] += 1
    topics = {}
    for slug, counts in spellings.items():
        name = min(counts, key=lambda tag: (-counts[tag], czech_key(tag), tag))
        for tag in counts:
            topics[tag] = Topic(slug, name, urls.topic(slug))
    return topics


def regions_of(localities: Iterable[Entry[LocalityFrontMatter]]) -> dict[str, str]:
    """Return the region id of each locality, by slug."""
    return {entry.slug: entry.meta.region for entry in localities}
