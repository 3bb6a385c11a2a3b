"""The monthly e-mail digest's content: a month's published news, as a mail shows it.

Input: the linked Site, a month and optionally a region. Output: Digest, what the
templates newsletter.html and newsletter.txt read: each news item with its absolute
address and, for a photo, the JPEG or PNG variant the build publishes (mail clients
handle WebP, <picture> and SVG badly), and the addresses of the month on the web.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sitegen.base.errors import SitegenError, UsageError
from sitegen.base.i18n import _
from sitegen.base.regions import Region, regions_by_id
from sitegen.base.typography import month_heading
from sitegen.content.models import NewsItem, Picture, Variant
from sitegen.link.site import Site

IMAGE_WIDTH = 560
"""Width of a photo in the digest in pixels: the 600 px column less its padding."""


class EmptyMonth(SitegenError):
    """The month has no published news: there is nothing to send."""


@dataclass(frozen=True, slots=True)
class DigestImage:
    """A news item's photo in the digest: a published JPEG or PNG variant."""

    url: str
    """Absolute https address of the variant."""
    width: int
    """Width shown, in pixels (at most IMAGE_WIDTH)."""
    height: int
    """Height shown, in pixels, in the variant's proportions."""
    alt: str


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One news item of the digest."""

    title: str
    date: datetime
    place: str | None
    summary: str
    url: str
    """Absolute address of the item on the web."""
    image: DigestImage | None


@dataclass(frozen=True, slots=True)
class Digest:
    """One month's digest, of the whole site or of one region."""

    month: date
    """The first day of the month."""
    region: Region | None
    items: tuple[DigestItem, ...]
    """The month's published news, newest first."""
    web_url: str
    """Where the month's news are on the web ("Zobrazit na webu")."""
    home_url: str
    subscribe_url: str
    """The page with every way to follow the news (/odber/)."""
    unsubscribe: str
    """The unsubscribe link: the sending system's placeholder."""
    site_name: str
    site_name_genitive: str
    """The site's name in running text: "Zpravodaj Agentury pro …"."""
    publisher: str

    @property
    def heading(self) -> str:
        """Return the month as a heading, e.g. "říjen 2017"."""
        return month_heading(self.month)

    @property
    def subject(self) -> str:
        """Return the subject of the mail, e.g. "Zpravodaj Agentury pro …: říjen 2017"."""
        where = f"{self.region.name}, " if self.region else ""
        return f"Zpravodaj {self.site_name_genitive}: {where}{self.heading}"

    @property
    def name(self) -> str:
        """Return the campaign's name in the sending system, e.g. "Zpravodaj 2017-10"."""
        region = f" ({self.region.name})" if self.region else ""
        return f"Zpravodaj {self.month:%Y-%m}{region}"


def parse_month(text: str) -> date:
    """Return the first day of the month text names (YYYY-MM).

    Raises:
        ValueError: with what to write, when text is not such a month.
    """
    parts = text.split("-")
    good = len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2
    if good and all(part.isascii() and part.isdigit() for part in parts):
        year, month = int(parts[0]), int(parts[1])
        if year >= 1 and 1 <= month <= 12:
            return date(year, month, 1)
    raise ValueError(
        _("{text!r} is not a month; write it as YYYY-MM, e.g. 2017-10").format(text=text)
    )


def region_named(region_id: str) -> Region:
    """Return the region with region_id.

    Raises:
        UsageError: naming the valid ids, when there is none.
    """
    regions = regions_by_id()
    if region_id not in regions:
        raise UsageError(
            _("--region {region}: no such region; write one of: {ids}").format(
                region=region_id, ids=", ".join(regions)
            )
        )
    return regions[region_id]


def make_digest(site: Site, month: date, region: Region | None) -> Digest:
    """Return the digest of month's published news of site (of region's only, when given).

    Raises:
        UsageError: when the site's address is not https (mail links must be).
        EmptyMonth: when the month has no published news.
    """
    if not site.urls.base_url.startswith("https://"):
        raise UsageError(
            _(
                "the digest links the site at {address}, but e-mail links must be https://; "
                "set base_url in site.yaml or give --base-url https://…"
            ).format(address=site.urls.base_url)
        )
    news = site.news_by_region.get(region.id, ()) if region else site.news
    items = tuple(
        _digest_item(site, item)
        for item in news
        if (item.date.year, item.date.month) == (month.year, month.month)
    )
    if not items:
        raise EmptyMonth(_empty_month_message(month, region))
    config = site.config
    return Digest(
        month=month,
        region=region,
        items=items,
        web_url=_web_url(site, month, region),
        home_url=site.urls.absolute(site.urls.home()),
        subscribe_url=site.urls.absolute(site.urls.subscribe()),
        unsubscribe=config.newsletter.unsubscribe,
        site_name=config.title,
        site_name_genitive=config.title_genitive or config.title,
        publisher=config.publisher,
    )


def _empty_month_message(month: date, region: Region | None) -> str:
    if region is None:
        return _("{month}: no news was published that month; there is nothing to send").format(
            month=f"{month:%Y-%m}"
        )
    return _(
        "{month}: no news of the region {region} was published that month; there is nothing to send"
    ).format(month=f"{month:%Y-%m}", region=region.id)


def _web_url(site: Site, month: date, region: Region | None) -> str:
    """Return where the month's news are on the web: the region's page, or the month
    in the year's archive."""
    if region is not None:
        return site.urls.absolute(site.urls.region(region.id))
    return site.urls.absolute(site.urls.archive_year(month.year)) + f"#mesic-{month.month}"


def _digest_item(site: Site, item: NewsItem) -> DigestItem:
    image = item.image
    picture = image.picture if image is not None else None
    shown = None
    if image is not None and picture is not None:
        variant = mail_variant(picture)
        width = min(variant.width, IMAGE_WIDTH)
        height = max(1, round(variant.height * width / variant.width))
        shown = DigestImage(site.urls.absolute(variant.url), width, height, image.alt)
    return DigestItem(
        title=item.title,
        date=item.date,
        place=item.place,
        summary=item.summary,
        url=site.urls.absolute(item.url),
        image=shown,
    )


def mail_variant(picture: Picture) -> Variant:
    """Return the JPEG or PNG variant a mail shows: the narrowest one at least
    IMAGE_WIDTH wide (sharp enough, not larger than it needs), or the widest."""
    wide_enough = [v for v in picture.fallback if v.width >= IMAGE_WIDTH]
    return wide_enough[0] if wide_enough else picture.largest
