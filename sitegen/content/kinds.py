"""The table of kinds: the one place a kind of content is named.

Input: nothing (a table). Output: one Kind per folder under content/ (news, localities,
partnerships, pages, regions): its front-matter schema, folder, URL pattern, file-name
rule, what `sitegen new` writes, its model and how the model is made from an entry, the
order the site lists its models in, and the items its front matter names (references).
The stages ask the table and do not compare kind names: sources finds a file's Kind by
its folder, load validates with the Kind's schema and checks its references, link makes
its models, scaffold writes its skeleton. The pages and feeds of a kind are registered
beside, in the plan stage (sitegen/plan/kinds.py), which can register a whole kind at
once (`plan.kinds.registered`, undone on leaving; tests/test_fifth_kind.py does).

Adding a real kind touches four files: content/schema.py (its front matter),
content/models.py (its model), this file (its row and make function) and
sitegen/plan/kinds.py (its page contexts, planner and feeds, and its plan's row), plus
its templates under templates/ (and, if `new` is to write it, its skeleton in
content/skeletons.py and its name in commands/cli.py's NEW_KINDS).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Generic, Protocol

from typing_extensions import TypeVar

from sitegen.base.i18n import N_
from sitegen.base.regions import all_regions
from sitegen.base.typography import sorted_czech
from sitegen.base.urls import ARCHIVE_SEGMENT, PAGE_SEGMENT, RESERVED_ROOT_NAMES, Urls
from sitegen.base.urls import ENGLISH_RESERVED_NAMES as ENGLISH_RESERVED
from sitegen.base.urls import NEWS as NEWS_SECTION
from sitegen.content.models import (
    Locality,
    Making,
    Member,
    Model,
    NewsItem,
    Page,
    Partnership,
    RegionText,
    contact_of,
    locality_status,
    region_of,
)
from sitegen.content.schema import (
    PLACEHOLDER,
    FrontMatterModel,
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

if TYPE_CHECKING:
    from sitegen.content.load import Entry

F = TypeVar("F", bound=FrontMatterModel, covariant=True, default=FrontMatterModel)
"""The front-matter model of a kind; a plain `Kind` is any kind."""
M = TypeVar("M", bound=Model, covariant=True, default=Model)
"""The model of a kind (content/models.py)."""


class _Titled(Protocol):
    @property
    def title(self) -> str: ...


T = TypeVar("T", bound=_Titled)
A = TypeVar("A")

DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
"""The date that starts the file name of a news item (2017-10-20-slug.md)."""


@dataclass(frozen=True, slots=True)
class Reference:
    """An item that front matter names: where, the name of its kind, and its slug."""

    loc: tuple[str | int, ...]
    """The key path of the name in the front matter, e.g. ("localities", 0)."""
    kind: str
    slug: str


def _no_references(meta: FrontMatterModel) -> list[Reference]:
    return []


FileRef = tuple[tuple[str | int, ...], str]
"""A file that front matter names: the key path of the name, and the name as written."""


def _no_files(meta: FrontMatterModel) -> list[FileRef]:
    return []


def _no_changes(meta: FrontMatterModel, now: datetime) -> list[datetime]:
    return []


def _always(model: object) -> bool:
    return True


def _as_read(models: Sequence[A]) -> list[A]:
    return list(models)


@dataclass(frozen=True, slots=True, eq=False)
class Kind(Generic[F, M]):
    """One kind of content. There is one object per kind (compare with `is`); a pickle
    holds only its name, so entries kept by earlier builds get today's table."""

    name: str
    """The word of `sitegen new` and of the code: news, locality, partnership, page, region."""
    folder: str
    """Its folder under content/."""
    schema: type[F]
    """Its front matter (content/schema.py)."""
    url: Callable[[Urls, str], str]
    """Makes an item's URL from its slug (usually a method of Urls)."""
    has_date_prefix: bool
    """File names start with the date (2017-10-20-slug.md), which the slug leaves out."""
    model: type[M]
    """Its model (content/models.py), what templates receive."""
    make: Callable[[Entry[F], Making], M]
    """Makes the model of an entry, with what the link stage gives (Making)."""
    listed: Callable[[Sequence[M]], list[M]] = _as_read
    """Puts the models in the order the site lists them (e.g. by Czech title)."""
    published: Callable[[M], bool] = _always
    """Whether readers see a model that is not a draft (a news item may be scheduled)."""
    references: Callable[[F], list[Reference]] = _no_references
    """The items of other kinds that a front matter names."""
    files: Callable[[F], list[FileRef]] = _no_files
    """The files that a front matter names (in the bundle, or /… in static/)."""
    scheduled_at: Callable[[F], datetime] | None = None
    """When an item comes out (None: as soon as it is not a draft)."""
    changes: Callable[[F, datetime], list[datetime]] = _no_changes
    """The moments after now (the second argument) at which an item changes by itself:
    it comes out, or its cooperation starts or ends."""
    reserved_slugs: frozenset[str] = frozenset()
    """Slugs whose address belongs to a generated page: `new` refuses them, and the
    build refuses a page's (content/load.py)."""
    skeleton: str | None = None
    """What `new` writes (content/skeletons.py), or None when `new` does not write it."""
    english_url: Callable[[Urls, str], str] | None = None
    """Makes the URL of an English translation from its slug; None: not translated."""
    english_reserved_slugs: frozenset[str] = frozenset()
    """Slugs whose English address belongs to a generated page (/en/news/, …)."""
    unknown_reference: str = N_(
        "unknown {kind} '{slug}'{hint}; the slugs are the file names in content/{folder}/"
    )
    """The message (a msgid with {slug} and {hint}; {kind} and {folder} are this kind's
    name and folder) when front matter names an item of this kind that does not exist."""
    draft_reference: str = N_(
        "{kind} '{slug}' is a draft ('draft: true' in {file}), so it is not published; "
        "publish it first, or remove it from here"
    )
    """The message (a msgid with {slug} and {file}, and {kind}) when a published item
    names a draft of this kind."""

    def slug_of(self, name: str) -> str:
        """Return the slug a file (or bundle folder) called name gives, without a date."""
        return DATE_PREFIX.sub("", name) if self.has_date_prefix else name

    def file_name(self, slug: str, day: date) -> str:
        """Return the name (without .md) of a new file with slug, written on day."""
        return f"{day:%Y-%m-%d}-{slug}" if self.has_date_prefix else slug

    def __reduce__(self) -> tuple[Callable[[str], Kind], tuple[str]]:
        return kind_named, (self.name,)


# How each kind's model is made -------------------------------------------------------


def make_news_item(entry: Entry[NewsFrontMatter], making: Making) -> NewsItem:
    """Return the model of a news item."""
    meta = entry.meta
    body = making.body(entry)
    named = (making.locality_region(slug) for slug in meta.localities)
    region_ids = set(meta.regions) | {region for region in named if region is not None}
    image = None
    if meta.image and meta.image_alt:  # schema.py requires image_alt with an image
        image = making.image(entry, meta.image, meta.image_alt, meta.image_caption)
    topics = {making.topic(tag).slug: making.topic(tag) for tag in meta.tags}
    day = meta.date.astimezone(making.tz).date().isoformat()
    section = NEWS_SECTION if entry.source.language is None else "en/news"  # same slug
    return NewsItem(
        source=entry.source.rel_path,
        slug=entry.slug,
        url=entry.url,
        feed_id=f"tag:{making.feed_authority},{day}:{section}/{entry.slug}",
        title=meta.title,
        date=meta.date.astimezone(making.tz),
        updated=meta.updated.astimezone(making.tz) if meta.updated else None,
        summary=meta.summary or body.first_paragraph,
        has_lead=meta.summary is not None,
        place=meta.place,
        topics=tuple(sorted_czech(topics.values(), lambda topic: topic.name)),
        regions=tuple(r for r in all_regions() if r.id in region_ids),
        locality_slugs=tuple(dict.fromkeys(meta.localities)),
        partnership_slugs=tuple(dict.fromkeys(meta.partnerships)),
        image=image,
        documents=making.documents(entry, meta.documents),
        attribution=meta.source,
        author=meta.author,
        is_draft=meta.draft,
        is_scheduled=meta.date > making.now,
        body=body,
        assets=entry.assets,
        is_national=meta.national,
    )


def make_locality(entry: Entry[LocalityFrontMatter], making: Making) -> Locality:
    """Return the model of a locality."""
    meta = entry.meta
    since, until = meta.cooperation_since, meta.cooperation_until
    return Locality(
        source=entry.source.rel_path,
        slug=entry.slug,
        url=entry.url,
        title=meta.title,
        kind=meta.kind,
        region=region_of(meta.region),
        population=meta.population,
        cooperation_since=since,
        cooperation_until=until,
        status=meta.status or locality_status(since, until, making.now.date()),
        partnership_slug=meta.partnership,
        coordinates=meta.coordinates,
        contact=contact_of(meta.contact),
        body=making.body(entry),
        assets=entry.assets,
        is_draft=meta.draft,
        status_written=meta.status is not None,
    )


def make_partnership(entry: Entry[PartnershipFrontMatter], making: Making) -> Partnership:
    """Return the model of a partnership."""
    meta = entry.meta
    return Partnership(
        source=entry.source.rel_path,
        slug=entry.slug,
        url=entry.url,
        title=meta.title,
        locality_slugs=tuple(
            slug for slug in dict.fromkeys(meta.localities) if slug != PLACEHOLDER
        ),
        founded=meta.founded,
        convener=meta.convener,
        contact=contact_of(meta.contact),
        members=tuple(Member(member.name, member.roles) for member in meta.members),
        documents=making.documents(entry, meta.documents),
        body=making.body(entry),
        assets=entry.assets,
        is_draft=meta.draft,
    )


def make_page(entry: Entry[PageFrontMatter], making: Making) -> Page:
    """Return the model of a plain page."""
    meta = entry.meta
    body = making.body(entry)
    summary = meta.summary or body.first_paragraph
    return Page(
        entry.source.rel_path,
        entry.slug,
        entry.url,
        meta.title,
        meta.menu,
        summary,
        body,
        entry.assets,
        meta.draft,
    )


def make_region_text(entry: Entry[RegionFrontMatter], making: Making) -> RegionText:
    """Return the model of a region's text."""
    body = making.body(entry)
    return RegionText(entry.source.rel_path, entry.slug, entry.meta.summary, body, entry.assets)


def _news_references(meta: NewsFrontMatter) -> list[Reference]:
    return [
        *(Reference(("localities", i), "locality", slug) for i, slug in enumerate(meta.localities)),
        *(
            Reference(("partnerships", i), "partnership", slug)
            for i, slug in enumerate(meta.partnerships)
        ),
    ]


def _partnership_references(meta: PartnershipFrontMatter) -> list[Reference]:
    return [
        Reference(("localities", i), "locality", slug) for i, slug in enumerate(meta.localities)
    ]


def _locality_references(meta: LocalityFrontMatter) -> list[Reference]:
    if meta.partnership is None:
        return []
    return [Reference(("partnership",), "partnership", meta.partnership)]


def _news_files(meta: NewsFrontMatter) -> list[FileRef]:
    image: list[FileRef] = [(("image",), meta.image)] if meta.image else []
    return image + _documents(meta)


def _documents(meta: NewsFrontMatter | PartnershipFrontMatter) -> list[FileRef]:
    return [(("documents", i, "file"), doc.file) for i, doc in enumerate(meta.documents)]


def _news_date(meta: NewsFrontMatter) -> datetime:
    return meta.date


def _news_changes(meta: NewsFrontMatter, now: datetime) -> list[datetime]:
    return [meta.date] if not meta.draft and meta.date > now else []


def _locality_changes(meta: LocalityFrontMatter, now: datetime) -> list[datetime]:
    """Return when a cooperation starts (its first day) or ends (the day after its last)."""
    today = now.date()
    since, until = meta.cooperation_since, meta.cooperation_until
    moments = []
    if since is not None and since > today:
        moments.append(datetime.combine(since, time(), now.tzinfo))
    if until is not None and until >= today:
        moments.append(datetime.combine(until + timedelta(days=1), time(), now.tzinfo))
    return moments


def _newest_first(items: Sequence[NewsItem]) -> list[NewsItem]:
    return sorted(items, key=lambda item: (item.date, item.slug), reverse=True)


def _by_title(items: Sequence[T]) -> list[T]:
    return sorted_czech(items, lambda item: item.title)


def _is_out(item: NewsItem) -> bool:
    return item.is_published


# The table ---------------------------------------------------------------------------

NEWS: Kind[NewsFrontMatter, NewsItem] = Kind(
    "news",
    "news",
    NewsFrontMatter,
    Urls.news_item,
    has_date_prefix=True,
    model=NewsItem,
    make=make_news_item,
    listed=_newest_first,
    published=_is_out,
    references=_news_references,
    files=_news_files,
    scheduled_at=_news_date,
    changes=_news_changes,
    reserved_slugs=frozenset({PAGE_SEGMENT, ARCHIVE_SEGMENT}),
    skeleton=NEWS_SKELETON,
    english_url=Urls.english_news_item,
)
LOCALITY: Kind[LocalityFrontMatter, Locality] = Kind(
    "locality",
    "localities",
    LocalityFrontMatter,
    Urls.locality,
    has_date_prefix=False,
    model=Locality,
    make=make_locality,
    listed=_by_title,
    references=_locality_references,
    changes=_locality_changes,
    skeleton=LOCALITY_SKELETON,
    english_url=Urls.english_locality,
    unknown_reference=N_(
        "unknown locality '{slug}'{hint}; the slugs are the file names in content/localities/"
    ),
    draft_reference=N_(
        "locality '{slug}' is a draft ('draft: true' in {file}), so it is not published; "
        "publish it first, or remove it from here"
    ),
)
PARTNERSHIP: Kind[PartnershipFrontMatter, Partnership] = Kind(
    "partnership",
    "partnerships",
    PartnershipFrontMatter,
    Urls.partnership,
    has_date_prefix=False,
    model=Partnership,
    make=make_partnership,
    listed=_by_title,
    references=_partnership_references,
    files=_documents,
    skeleton=PARTNERSHIP_SKELETON,
    english_url=Urls.english_partnership,
    unknown_reference=N_(
        "unknown partnership '{slug}'{hint}; the slugs are the file names in content/partnerships/"
    ),
    draft_reference=N_(
        "partnership '{slug}' is a draft ('draft: true' in {file}), so it is not published; "
        "publish it first, or remove it from here"
    ),
)
PAGE: Kind[PageFrontMatter, Page] = Kind(
    "page",
    "pages",
    PageFrontMatter,
    Urls.page,
    has_date_prefix=False,
    model=Page,
    make=make_page,
    listed=_by_title,
    reserved_slugs=RESERVED_ROOT_NAMES,
    skeleton=PAGE_SKELETON,
    english_url=Urls.english_page,
    english_reserved_slugs=ENGLISH_RESERVED,
)
REGION: Kind[RegionFrontMatter, RegionText] = Kind(
    "region",
    "regions",
    RegionFrontMatter,
    Urls.region,
    has_date_prefix=False,
    model=RegionText,
    make=make_region_text,
)
"""A region's editorial text (content/regions/<region id>.md): its slug is the file's name."""

KINDS: tuple[Kind, ...] = (NEWS, LOCALITY, PARTNERSHIP, PAGE, REGION)
"""sitegen's own kinds, in the order content/'s folders are listed."""
NEW_KINDS: tuple[Kind, ...] = tuple(kind for kind in KINDS if kind.skeleton is not None)
"""sitegen's own kinds that `sitegen new` writes."""

_BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
"""Every kind, registered ones after sitegen's own."""


def all_kinds() -> tuple[Kind, ...]:
    """Return every kind, sitegen's own first, then the registered ones in their order."""
    return tuple(_BY_NAME.values())


def new_kinds() -> tuple[Kind, ...]:
    """Return the kinds `sitegen new` writes."""
    return tuple(kind for kind in _BY_NAME.values() if kind.skeleton is not None)


def kind_named(name: str) -> Kind:
    """Return the kind called name.

    Raises:
        KeyError: when no kind has that name.
    """
    return _BY_NAME[name]


def kind_in_folder(folder: str) -> Kind | None:
    """Return the kind whose folder under content/ is called folder, or None."""
    return next((kind for kind in _BY_NAME.values() if kind.folder == folder), None)


def folder_names() -> tuple[str, ...]:
    """Return the names of the folders under content/, in the table's order."""
    return tuple(kind.folder for kind in _BY_NAME.values())


@contextmanager
def registered(kind: Kind) -> Iterator[Kind]:
    """Add kind to the table while the block runs (a test's, or a plugin's, kind).

    Raises:
        ValueError: when a kind of that name or folder is in the table already.
    """
    if kind.name in _BY_NAME or kind_in_folder(kind.folder) is not None:
        raise ValueError(f"a kind named {kind.name!r} or read from {kind.folder!r} exists")
    _BY_NAME[kind.name] = kind
    try:
        yield kind
    finally:
        del _BY_NAME[kind.name]
