"""The content model: what the author wrote plus what sitegen derives from it.

Front matter lives in content/schema.py; these frozen values add slugs, URLs, rendered
HTML, resolved files and cross-references, and are what templates receive. Each kind's
make function (content/kinds.py) makes its model from an entry with what the link stage
gives it (Making).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import date as datetime_date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from sitegen.base.regions import Region, regions_by_id
from sitegen.content.schema import PLACEHOLDER, ConsultantRef, ContactRef, DocumentRef

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sitegen.content.load import Entry


@dataclass(frozen=True, slots=True)
class Asset:
    """A file copied into the output: a bundle file, an image or a document."""

    source_path: Path
    url: str
    size: int
    """Size in bytes."""

    @property
    def file_type(self) -> str:
        """Return the file type as readers know it, e.g. "PDF"."""
        suffix = self.source_path.suffix.lstrip(".")
        return suffix.upper() if suffix else "soubor"


@dataclass(frozen=True, slots=True)
class Document:
    """An attached document."""

    title: str
    asset: Asset


@dataclass(frozen=True, slots=True)
class Variant:
    """One resized copy of an image, made at build time (see images.py)."""

    url: str
    width: int
    height: int
    media_type: str
    """The MIME type of its format, e.g. "image/webp"."""


@dataclass(frozen=True, slots=True)
class Picture:
    """The responsive form of an image: resized variants in a modern and a fallback format."""

    source_path: Path
    """The image they are made from."""
    modern: tuple[Variant, ...]
    """WebP variants, narrowest first."""
    fallback: tuple[Variant, ...]
    """Variants in the source's own format (JPEG or PNG), narrowest first, as wide as modern."""

    @property
    def largest(self) -> Variant:
        """Return the widest fallback variant: the <img> source and its declared size."""
        return self.fallback[-1]

    @property
    def modern_srcset(self) -> str:
        """Return the srcset of the modern variants."""
        return _srcset(self.modern)

    @property
    def fallback_srcset(self) -> str:
        """Return the srcset of the fallback variants."""
        return _srcset(self.fallback)

    @property
    def variants(self) -> tuple[Variant, ...]:
        """Return every variant, modern first."""
        return self.modern + self.fallback


def _srcset(variants: tuple[Variant, ...]) -> str:
    return ", ".join(f"{variant.url} {variant.width}w" for variant in variants)


@dataclass(frozen=True, slots=True)
class Image:
    """A lead photo."""

    asset: Asset
    alt: str
    caption: str | None
    picture: Picture | None = None
    """Resized variants; None for images sitegen does not resize (GIF, SVG, WebP, AVIF)."""


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic (tag) of news items."""

    slug: str
    name: str
    url: str


@dataclass(frozen=True, slots=True)
class Body:
    """A rendered Markdown body."""

    html: str
    """Sanitised HTML."""
    first_paragraph: str
    """Plain text of the first paragraph ("" when none)."""


@dataclass(frozen=True, slots=True)
class Contact:
    """A contact person."""

    name: str
    email: str | None
    phone: str | None
    role: str | None = None
    """What the person does ("lokální konzultantka"); partnerships' contacts have none."""

    @property
    def phone_url(self) -> str | None:
        """Return the phone number as a tel: URL (RFC 3966), without spaces."""
        return "tel:" + self.phone.replace(" ", "") if self.phone else None


@dataclass(frozen=True, slots=True)
class Member:
    """A member organisation of a partnership."""

    name: str
    roles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NewsItem:
    """A news item."""

    source: str
    """Source file relative to the site root."""
    slug: str
    url: str
    feed_id: str
    """Stable id for feeds: a tag: URI from the date and slug, not from the base URL."""
    title: str
    date: datetime
    updated: datetime | None
    summary: str
    has_lead: bool
    """True when the author wrote a summary (shown as the lead paragraph)."""
    place: str | None
    topics: tuple[Topic, ...]
    regions: tuple[Region, ...]
    locality_slugs: tuple[str, ...]
    partnership_slugs: tuple[str, ...]
    image: Image | None
    documents: tuple[Document, ...]
    attribution: str | None
    """The "Zdroj: …" line (front matter key `source`)."""
    author: str | None
    is_draft: bool
    is_scheduled: bool
    """True when the date is after the build's "now"."""
    body: Body
    assets: tuple[Asset, ...]
    is_national: bool = False
    """The item concerns the whole country (front matter `national: true`)."""

    @property
    def last_modified(self) -> datetime:
        """Return the date of the last substantive change."""
        return self.updated or self.date

    @property
    def is_published(self) -> bool:
        """Return True when readers may see the item."""
        return not (self.is_draft or self.is_scheduled)

    @property
    def month_start(self) -> datetime_date:
        """Return the first day of the item's month (archives group by it)."""
        return self.date.date().replace(day=1)


@dataclass(frozen=True, slots=True)
class Locality:
    """A town, municipality, microregion or city district the agency works with."""

    source: str
    slug: str
    url: str
    title: str
    kind: str
    region: Region
    population: int | None
    cooperation_since: date | None
    cooperation_until: date | None
    status: str
    """active, planned or ended: as the front matter says, or as its dates say today."""
    partnership_slug: str | None
    coordinates: tuple[float, float] | None
    contact: Contact | None
    """The agency's consultant for the locality."""
    body: Body
    assets: tuple[Asset, ...]
    is_draft: bool = False
    """Not published ('draft: true'): shown only by the preview."""
    status_written: bool = True
    """The front matter writes status:; otherwise it was taken from the dates."""


@dataclass(frozen=True, slots=True)
class Partnership:
    """A local partnership."""

    source: str
    slug: str
    url: str
    title: str
    locality_slugs: tuple[str, ...]
    founded: date | None
    convener: str | None
    contact: Contact | None
    members: tuple[Member, ...]
    documents: tuple[Document, ...]
    body: Body
    assets: tuple[Asset, ...]
    is_draft: bool = False
    """Not published ('draft: true'): shown only by the preview."""


@dataclass(frozen=True, slots=True)
class Page:
    """A plain page."""

    source: str
    slug: str
    url: str
    title: str
    menu: int | None
    summary: str
    body: Body
    assets: tuple[Asset, ...]
    is_draft: bool = False
    """Not published ('draft: true'): shown only by the preview."""


@dataclass(frozen=True, slots=True)
class RegionText:
    """The editorial text of a region's page."""

    source: str
    region_id: str
    summary: str | None
    body: Body
    assets: tuple[Asset, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Redirect:
    """An old address (front matter `aliases:`) that sends readers to an item."""

    url: str
    """The old address under the site's base path, percent-decoded."""
    target_url: str
    target_title: str
    source: str
    """The content file that lists the alias."""


class Model(Protocol):
    """A model of any kind: made from one content file, with the files it brings."""

    @property
    def source(self) -> str:
        """Return its content file, relative to the site root."""

    @property
    def assets(self) -> tuple[Asset, ...]:
        """Return the bundle's files, copied beside the item's page."""


@runtime_checkable
class Item(Model, Protocol):
    """A model with a page of its own: an address and a title (a region's text has
    neither: it is shown on its region's page)."""

    @property
    def url(self) -> str:
        """Return the address of its page."""

    @property
    def title(self) -> str:
        """Return its title."""


class Making(Protocol):
    """What the link stage gives a kind's make function (sitegen/link/builder.py)."""

    @property
    def now(self) -> datetime:
        """Return the build's "now"."""

    @property
    def tz(self) -> ZoneInfo:
        """Return the site's time zone."""

    @property
    def feed_authority(self) -> str:
        """Return the authority of feed ids (tag: URIs)."""

    def body(self, entry: Entry) -> Body:
        """Return the rendered body of entry."""

    def documents(self, entry: Entry, refs: Sequence[DocumentRef]) -> tuple[Document, ...]:
        """Return the documents refs name (checked by the load stage)."""

    def image(self, entry: Entry, ref: str, alt: str, caption: str | None) -> Image:
        """Return the lead photo ref names, with its resized variants."""

    def topic(self, tag: str) -> Topic:
        """Return the topic of a tag as written."""

    def locality_region(self, slug: str) -> str | None:
        """Return the region id of the published locality slug, or None."""


def locality_status(since: date | None, until: date | None, today: date) -> str:
    """Return the status of a locality that does not write one: what its dates say on
    today, or active when it has no start date (it is listed where the agency works)."""
    return cooperation_status(since, until, today) or "active"


def cooperation_status(since: date | None, until: date | None, today: date) -> str | None:
    """Return planned, active or ended on today; None when the cooperation has no start."""
    if since is None:
        return None
    if today < since:
        return "planned"
    if until is not None and until < today:
        return "ended"
    return "active"


UNKNOWN_REGION = Region(
    PLACEHOLDER,
    "kraj nevyplněn",
    "region not filled in",
    "v nevyplněném kraji",
    "z nevyplněného kraje",
    "",
)
"""The region of a draft locality whose region is still PLACEHOLDER (preview only)."""


def region_of(region_id: str) -> Region:
    """Return the region of an id (a draft locality's may still be PLACEHOLDER)."""
    return regions_by_id().get(region_id, UNKNOWN_REGION)


def contact_of(ref: ContactRef | ConsultantRef | None) -> Contact | None:
    """Return the contact of a front matter's contact (a consultant has a role)."""
    if ref is None:
        return None
    role = ref.role if isinstance(ref, ConsultantRef) else None
    return Contact(ref.name, ref.email, ref.phone, role)
