"""The kinds of content, as one table: what each kind is, asked by every stage.

Input: nothing (a table). Output: KINDS, one Kind per folder under content/ (news,
localities, partnerships, pages, regions) with its front-matter schema, URL pattern,
file-name rule and what `sitegen new` writes for it; lookups by name and by folder.
The stages do not compare kind names: sources finds a file's Kind by its folder, load
validates with the Kind's schema and makes its URL, scaffold writes its skeleton.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Generic

from typing_extensions import TypeVar

from sitegen.base.urls import ARCHIVE_SEGMENT, PAGE_SEGMENT, RESERVED_ROOT_NAMES, Urls
from sitegen.content.schema import (
    AnyFrontMatter,
    LocalityFrontMatter,
    NewsFrontMatter,
    PageFrontMatter,
    PartnershipFrontMatter,
    RegionFrontMatter,
)
from sitegen.content.skeletons import (
    LOCALITY_SKELETON,
    NEWS_SKELETON,
    PAGE_SKELETON,
    PARTNERSHIP_SKELETON,
)

F = TypeVar("F", bound=AnyFrontMatter, covariant=True, default=AnyFrontMatter)
"""The front-matter model of a kind; a plain `Kind` is any kind."""

DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
"""The date that starts the file name of a news item (2017-10-20-slug.md)."""


@dataclass(frozen=True, slots=True, eq=False)
class Kind(Generic[F]):
    """One kind of content. There is one object per kind (compare with `is`); a pickle
    holds only its name, so entries kept by earlier builds get today's table."""

    name: str
    """The word of `sitegen new` and of the code: news, locality, partnership, page, region."""
    folder: str
    """Its folder under content/."""
    schema: type[F]
    """Its front matter (content/schema.py)."""
    url: Callable[[Urls, str], str]
    """The method of Urls that makes an item's URL from its slug."""
    has_date_prefix: bool
    """File names start with the date (2017-10-20-slug.md), which the slug leaves out."""
    reserved_slugs: frozenset[str] = frozenset()
    """Slugs whose address belongs to a generated page: `new` refuses them, and the
    build refuses a page's (content/load.py)."""
    skeleton: str | None = None
    """What `new` writes (content/skeletons.py), or None when `new` does not write it."""

    def slug_of(self, name: str) -> str:
        """Return the slug a file (or bundle folder) called name gives, without a date."""
        return DATE_PREFIX.sub("", name) if self.has_date_prefix else name

    def file_name(self, slug: str, day: date) -> str:
        """Return the name (without .md) of a new file with slug, written on day."""
        return f"{day:%Y-%m-%d}-{slug}" if self.has_date_prefix else slug

    def __reduce__(self) -> tuple[Callable[[str], Kind], tuple[str]]:
        return kind_named, (self.name,)


NEWS: Kind[NewsFrontMatter] = Kind(
    "news",
    "news",
    NewsFrontMatter,
    Urls.news_item,
    has_date_prefix=True,
    reserved_slugs=frozenset({PAGE_SEGMENT, ARCHIVE_SEGMENT}),
    skeleton=NEWS_SKELETON,
)
LOCALITY: Kind[LocalityFrontMatter] = Kind(
    "locality",
    "localities",
    LocalityFrontMatter,
    Urls.locality,
    has_date_prefix=False,
    skeleton=LOCALITY_SKELETON,
)
PARTNERSHIP: Kind[PartnershipFrontMatter] = Kind(
    "partnership",
    "partnerships",
    PartnershipFrontMatter,
    Urls.partnership,
    has_date_prefix=False,
    skeleton=PARTNERSHIP_SKELETON,
)
PAGE: Kind[PageFrontMatter] = Kind(
    "page",
    "pages",
    PageFrontMatter,
    Urls.page,
    has_date_prefix=False,
    reserved_slugs=RESERVED_ROOT_NAMES,
    skeleton=PAGE_SKELETON,
)
REGION: Kind[RegionFrontMatter] = Kind(
    "region", "regions", RegionFrontMatter, Urls.region, has_date_prefix=False
)
"""A region's editorial text (content/regions/<region id>.md): its slug is the file's name."""

KINDS: tuple[Kind, ...] = (NEWS, LOCALITY, PARTNERSHIP, PAGE, REGION)
"""Every kind, in the order content/'s folders are listed."""
NEW_KINDS: tuple[Kind, ...] = tuple(kind for kind in KINDS if kind.skeleton is not None)
"""The kinds `sitegen new` writes."""

_BY_NAME = {kind.name: kind for kind in KINDS}
_BY_FOLDER = {kind.folder: kind for kind in KINDS}


def kind_named(name: str) -> Kind:
    """Return the kind called name.

    Raises:
        KeyError: when no kind has that name.
    """
    return _BY_NAME[name]


def kind_in_folder(folder: str) -> Kind | None:
    """Return the kind whose folder under content/ is called folder, or None."""
    return _BY_FOLDER.get(folder)


def folder_names() -> tuple[str, ...]:
    """Return the names of the folders under content/, in the table's order."""
    return tuple(_BY_FOLDER)
