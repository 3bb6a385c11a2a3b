"""Jobs: one output file each (a page, a feed, a photo, a copy, a search shard), with the
fingerprint of its inputs and how to make it.

A page's fingerprint covers its route (with the models in its context), the templates,
the globals templates see and the code; a feed's its items and settings; a photo's
the stat of its source; a copy's the stat of its source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from sitegen.base.cache import digest
from sitegen.base.config import SiteConfig
from sitegen.base.fingerprint import Fingerprinter
from sitegen.base.imagelimits import PUBLISHED_FORMATS
from sitegen.base.urls import Urls
from sitegen.content.models import Asset, Image
from sitegen.engine.state import FileStat
from sitegen.engine.writer import Output
from sitegen.link.images import VariantStore
from sitegen.link.site import Site
from sitegen.plan.opendata import CATALOG_FILE, CSV_FILE, JSON_FILE, METADATA_FILE, plan_dataset
from sitegen.plan.routes import FeedSpec, RedirectContext, Route, SearchShard
from sitegen.render.opendata import render_catalog, render_csv, render_csv_metadata, render_json
from sitegen.render.sitemap import (
    render_nginx_map,
    render_redirects,
    render_robots,
    render_sitemap,
)


@dataclass(frozen=True, slots=True)
class PageJob:
    """An HTML page to render from its route."""

    path: str
    route: Route
    fingerprint: str


@dataclass(frozen=True, slots=True)
class FileJob:
    """A generated file other than a page (a feed, the sitemap)."""

    path: str
    fingerprint: str
    make: Callable[[], bytes]
    origin: str
    """What produces it, for collision messages."""
    made_first: bool = False
    """Made in the build's own process before the other files: its maker keeps what they
    read (a photo's published size, which the feeds give)."""


@dataclass(frozen=True, slots=True)
class CopyJob:
    """A file copied as it is (static files, bundle files)."""

    path: str
    fingerprint: str
    source: Path


@dataclass(frozen=True, slots=True)
class ShardJob:
    """A search shard to index from its pages."""

    shard: SearchShard
    pages: tuple[str, ...]
    """Output paths of its pages."""


def page_fingerprint(shared: str, route: Route, printer: Fingerprinter) -> str:
    """Return the fingerprint of a page: shared (code, templates, globals) and its route."""
    return digest(shared, printer.of(route).hex())


@dataclass(frozen=True, slots=True)
class FeedSettings:
    """What every feed is rendered with besides its FeedSpec."""

    config: SiteConfig
    urls: Urls
    newest: datetime | None
    """When the newest item last changed: the date of the site's feeds."""


def feed_settings(site: Site) -> FeedSettings:
    """Return the settings the feeds of site are rendered with."""
    return FeedSettings(site.config, site.urls, site.news[0].last_modified if site.news else None)


def feed_shared(settings: FeedSettings, printer: Fingerprinter, code: str) -> str:
    config, urls = printer.of(settings.config).hex(), printer.of(settings.urls).hex()
    return digest(code, config, urls, str(settings.newest))


def feed_job(
    spec: FeedSpec,
    settings: FeedSettings,
    shared: str,
    printer: Fingerprinter,
    images: VariantStore,
) -> FileJob:
    """Return the job that renders the feed of spec, with its fingerprint.

    The fingerprint covers the stat of each item's photo: its enclosure gives the size
    of the photo as published (cleaned by images, see images.py).
    """
    photos = [repr(FileStat.of(item.image.asset.source_path)) for item in spec.items if item.image]
    return FileJob(
        settings.urls.output_path(spec.url),
        digest(shared, printer.of(spec).hex(), *photos),
        lambda: _render_feed(spec, settings, images),
        spec.url,
    )


def _render_feed(spec: FeedSpec, settings: FeedSettings, images: VariantStore) -> bytes:
    from sitegen.render.feeds import render_feed  # feedgen and lxml load only when a feed changed

    def size_of(asset: Asset) -> int:
        if not is_published_image(asset.source_path):
            return asset.size
        return images.published_size(asset.source_path, spec.url)

    return render_feed(spec, settings.config, settings.urls, settings.newest, size_of)


def picture_jobs(site: Site, images: VariantStore, code: str) -> list[FileJob]:
    """Return a job for each resized variant of the models' images (of any kind whose
    models have an `image`: news items today).

    A variant's fingerprint covers its source's stat, so an unchanged image is kept as
    it is in the output; the store (the build cache) saves resizing it for another one.
    """
    jobs: dict[str, FileJob] = {}
    for item in site.models():
        image = getattr(item, "image", None)
        picture = image.picture if isinstance(image, Image) else None
        if picture is None:
            continue
        images.expect(picture)  # its variants are made with the photo itself
        source = str(picture.source_path.resolve()), repr(FileStat.of(picture.source_path))
        for variant in picture.variants:
            path = site.urls.output_path(variant.url)
            make = partial(images.make, picture, variant, item.source)
            fingerprint = digest(code, *source, repr(variant))
            jobs.setdefault(path, FileJob(path, fingerprint, make, variant.url, made_first=True))
    return list(jobs.values())


def is_published_image(path: Path) -> bool:
    """Return True for an image that is published cleaned (see images.py), not copied."""
    return path.suffix.lower() in PUBLISHED_FORMATS


def image_jobs(
    copies: list[CopyJob], images: VariantStore, code: str, claims: Output
) -> list[FileJob]:
    """Return a job for each image among copies: published cleaned of its metadata,
    made from its bytes by images (see images.py), never copied as it is."""
    jobs = []
    for job in copies:
        if is_published_image(job.source):
            origin = claims.origins.get(job.path, job.path)
            make = partial(images.original, job.source, origin)
            fingerprint = digest(code, "cleaned image", job.fingerprint)
            jobs.append(FileJob(job.path, fingerprint, make, origin, made_first=True))
    return jobs


def crawler_jobs(site: Site, routes: list[Route]) -> list[FileJob]:
    sitemap = render_sitemap(routes, site.urls)
    robots = render_robots(site.urls)
    return [
        FileJob("sitemap.xml", digest(sitemap), lambda: sitemap, "sitemap"),
        FileJob("robots.txt", digest(robots), lambda: robots, "robots"),
    ]


def open_data_jobs(site: Site) -> list[FileJob]:
    """Return the open data on the localities (/data/): made from the front matter of
    the published localities and site.yaml, fingerprinted by their bytes like the sitemap."""
    dataset, urls = plan_dataset(site), site.urls
    files = {
        CSV_FILE: render_csv(dataset),
        JSON_FILE: render_json(dataset),
        METADATA_FILE: render_csv_metadata(dataset, urls),
        CATALOG_FILE: render_catalog(dataset, urls),
    }
    return [
        FileJob(urls.output_path(urls.data_file(name)), digest(data), partial(bytes, data), name)
        for name, data in files.items()
    ]


def origin_of(route: Route) -> str:
    """Return what a page comes from, for collision messages: an old address's file, or
    the page's address and template (two pages at one address differ in their template)."""
    context = route.context
    if isinstance(context, RedirectContext):
        return context.redirect.source
    return f"{route.url} (templates/{route.template})"


def redirect_jobs(site: Site) -> list[FileJob]:
    """Return the old addresses in the formats of web hosts (none when there are none)."""
    if not site.redirects:
        return []
    netlify = render_redirects(site.redirects)
    nginx = render_nginx_map(site.redirects)
    return [
        FileJob("_redirects", digest(netlify), lambda: netlify, "aliases (_redirects)"),
        FileJob("redirects.nginx.conf", digest(nginx), lambda: nginx, "aliases (nginx)"),
    ]
