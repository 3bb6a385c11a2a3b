"""Plan every output: the loaded Site → a job for each page, feed, photo, copy and
search shard of the built site, with the fingerprints of their inputs.

The jobs of only the outputs that show changed sources are planned in changes.py, from
what this plan keeps (snapshot.py); decide.py takes either.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.base.cache import code_fingerprint, digest, folder_digest
from sitegen.base.checked import CheckedFiles
from sitegen.base.fingerprint import Fingerprinter
from sitegen.base.options import BuildOptions
from sitegen.engine.copies import check_redirect_folders, copy_jobs
from sitegen.engine.decide import JobPlan
from sitegen.engine.editor import editor_jobs
from sitegen.engine.jobs import (
    PageJob,
    ShardJob,
    crawler_jobs,
    feed_job,
    feed_settings,
    feed_shared,
    image_jobs,
    is_published_image,
    open_data_jobs,
    origin_of,
    page_fingerprint,
    picture_jobs,
    redirect_jobs,
)
from sitegen.engine.writer import Output
from sitegen.link.images import VariantStore
from sitegen.link.site import Site
from sitegen.plan.routes import FeedSpec, plan_feeds, plan_routes, plan_search_shards
from sitegen.render.templates import site_globals


@dataclass(frozen=True, slots=True)
class SitePlan:
    """The jobs of every output of a site, and what a later partial plan needs of them."""

    site: Site
    jobs: JobPlan
    feeds: list[FeedSpec]
    """The feeds, in the order of the first jobs of files."""
    feed_shared: str
    """The part of every feed's fingerprint that is not its FeedSpec."""
    sources: dict[str, frozenset[str]]
    """Output path of each page and feed → the content files of the models it shows."""
    printer: Fingerprinter
    """The fingerprints of this plan's values (each computed once)."""


def plan_site(site: Site, options: BuildOptions) -> SitePlan:
    """Plan and fingerprint every output of site.

    Raises:
        ContentError: for two outputs claiming one path, and for static files that
            cannot be published.
    """
    routes = plan_routes(site)
    feeds = plan_feeds(site)
    printer = Fingerprinter()
    code = code_fingerprint()
    shared = digest(
        code, folder_digest(options.templates_path), printer.of(site_globals(site)).hex()
    )
    pages = [
        PageJob(site.urls.output_path(r.url), r, page_fingerprint(shared, r, printer))
        for r in routes
    ]
    claims = Output()
    for job in pages:
        claims.add_elsewhere(job.path, origin_of(job.route))
    images = VariantStore(options.cache_path)
    settings = feed_settings(site)
    feeds_shared = feed_shared(settings, printer, code)
    feed_jobs = [feed_job(spec, settings, feeds_shared, printer, images) for spec in feeds]
    files = feed_jobs + crawler_jobs(site, routes) + open_data_jobs(site) + redirect_jobs(site)
    files += picture_jobs(site, images, code) + editor_jobs(site)
    for file_job in files:
        claims.add_elsewhere(file_job.path, file_job.origin)
    check_redirect_folders(site, claims)  # its message names the old address
    copies = copy_jobs(site, options.static_path, claims, CheckedFiles(options.cache_path))
    files += image_jobs(copies, images, code, claims)
    copies = [job for job in copies if not is_published_image(job.source)]
    shards = [
        ShardJob(shard, tuple(site.urls.output_path(url) for url in shard.urls))
        for shard in plan_search_shards(site)
    ]
    until = site.next_change.timestamp() if site.next_change else None
    sources = {job.path: printer.sources_of(job.route) for job in pages}
    sources |= {
        job.path: printer.sources_of(spec) for job, spec in zip(feed_jobs, feeds, strict=True)
    }
    jobs = JobPlan(
        complete=True,
        pages=pages,
        files=files,
        copies=copies,
        shards=shards,
        globals=site_globals(site),
        language=site.config.language,
        page_shared=shared,
        page_count=len(pages),
        valid_until=until,
    )
    return SitePlan(site, jobs, feeds, feeds_shared, sources, printer)
