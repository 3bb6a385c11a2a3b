"""Decide and make what changed: every output file with the fingerprint of its inputs.

Input: the Site, its routes, feeds and search shards, and the previous build's state.
Output: the files that changed, committed into the output folder, and the records of
every file for the next build's state.

A page's fingerprint covers its route (with the models in its context), the templates,
the globals templates see and the code; a feed's covers its items and settings; a copy's
the stat of its source; a search shard's the bytes of its pages. A file whose
fingerprint equals the recorded one, and which is still as the previous build left it,
is neither made nor touched.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

import jinja2

from sitegen.base.cache import code_fingerprint, digest, folder_digest
from sitegen.base.checked import CheckedFiles
from sitegen.base.config import SiteConfig
from sitegen.base.errors import ContentError, Problem
from sitegen.base.filetypes import static_file_problem
from sitegen.base.fingerprint import Fingerprinter
from sitegen.base.i18n import N_, _
from sitegen.base.imagelimits import PUBLISHED_FORMATS
from sitegen.base.options import BuildOptions
from sitegen.base.parallel import Progress, map_in_chunks
from sitegen.base.reading import special_file_problem, stat_problem
from sitegen.base.text import name_problem, printable_name
from sitegen.base.urls import Urls
from sitegen.content.models import Asset
from sitegen.engine.commit import Commit, begin_commit, files_under
from sitegen.engine.discard import discard_later
from sitegen.engine.state import BuildState, FileStat, OutputRecord, ShardRecord
from sitegen.engine.writer import MARKER, Output
from sitegen.link.images import VariantStore
from sitegen.link.site import Site
from sitegen.plan.routes import FeedSpec, RedirectContext, Route, SearchShard
from sitegen.render.search import gather_pages, index_pages
from sitegen.render.sitemap import render_nginx_map, render_redirects, render_robots, render_sitemap
from sitegen.render.templates import (
    SignedBytecodeCache,
    SiteGlobals,
    forget_slow_templates,
    make_environment,
    render_page,
    site_globals,
    template_problem,
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


@dataclass(slots=True)
class Decisions:
    """What this build makes, and what it keeps from the previous output as it is."""

    globals: SiteGlobals
    language: str
    environment_key: str
    """Digest of the templates, globals and code: a process keeps one Jinja environment
    per key, so that a preview's rebuild does not compile the templates again."""
    page_paths: list[str]
    pages_todo: list[PageJob]
    files_todo: list[FileJob]
    copies_todo: list[CopyJob]
    shards: list[ShardJob]
    previous_shards: dict[str, ShardRecord]
    search: bool
    fingerprints: dict[str, str]
    """Output path → fingerprint of every file of the new output but the search bundles."""
    kept: dict[str, OutputRecord]
    """Files of the previous output kept as they are (search bundles decided later)."""
    previous_records: dict[str, OutputRecord]


@dataclass(frozen=True, slots=True)
class OutputPlan:
    """Every output file of the site with the fingerprint of its inputs."""

    site: Site
    pages: list[PageJob]
    files: list[FileJob]
    copies: list[CopyJob]
    shards: list[ShardJob]
    valid_until: float | None
    page_shared: str
    """The part of every page's fingerprint that is not its route: code, templates, globals."""
    feed_shared: str
    """The part of every feed's fingerprint that is not its FeedSpec."""
    sources: dict[str, frozenset[str]]
    """Output path of each page and feed → the content files of the models it shows."""
    feeds: list[FeedSpec]
    """The feeds, in the order of the first jobs of files."""
    printer: Fingerprinter
    """The fingerprints of this plan's values (each computed once)."""

    @classmethod
    def make(
        cls,
        site: Site,
        routes: list[Route],
        feeds: list[FeedSpec],
        shards: tuple[SearchShard, ...],
        options: BuildOptions,
    ) -> OutputPlan:
        """Fingerprint every output of the site.

        Raises:
            ContentError: for two outputs claiming one path.
        """
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
            claims.add_elsewhere(job.path, _origin(job.route))
        images = VariantStore(options.cache_path)
        settings = feed_settings(site)
        feed_shared = _feed_shared(settings, printer, code)
        feed_jobs = [feed_job(spec, settings, feed_shared, printer, images) for spec in feeds]
        files = feed_jobs + _crawler_jobs(site, routes) + _redirect_jobs(site)
        files += _picture_jobs(site, images, code)
        for file_job in files:
            claims.add_elsewhere(file_job.path, file_job.origin)
        _check_redirect_folders(site, claims)  # its message names the old address
        copies = _copy_jobs(site, options.static_path, claims, CheckedFiles(options.cache_path))
        files += _image_jobs(copies, images, code, claims)
        copies = [job for job in copies if not is_published_image(job.source)]
        shard_jobs = [
            ShardJob(shard, tuple(site.urls.output_path(url) for url in shard.urls))
            for shard in shards
        ]
        until = site.next_change.timestamp() if site.next_change else None
        sources = {job.path: printer.sources_of(job.route) for job in pages}
        sources |= {
            job.path: printer.sources_of(spec) for job, spec in zip(feed_jobs, feeds, strict=True)
        }
        return cls(
            site,
            pages,
            files,
            copies,
            shard_jobs,
            until,
            shared,
            feed_shared,
            sources,
            feeds,
            printer,
        )

    def decide(
        self, previous: BuildState | None, output_path: Path, *, search: bool = True
    ) -> Decisions:
        """Return what must be made: what changed since previous, or what is not intact.

        Without search, the search bundles of the previous output are kept as they are
        (possibly stale: the preview does this to stay fast), and none is made.
        """
        records = previous.outputs if previous else {}
        kept: dict[str, OutputRecord] = {}

        def keep(path: str, fingerprint: str) -> bool:
            record = records.get(path)
            if (
                record
                and record.fingerprint == fingerprint
                and FileStat.of(output_path / path) == record.stat
            ):
                kept[path] = record
                return True
            return False

        pages = [job for job in self.pages if not keep(job.path, job.fingerprint)]
        files = [job for job in self.files if not keep(job.path, job.fingerprint)]
        copies = [job for job in self.copies if not keep(job.path, job.fingerprint)]
        fingerprints = {job.path: job.fingerprint for job in self.pages}
        fingerprints |= {job.path: job.fingerprint for job in self.files}
        fingerprints |= {job.path: job.fingerprint for job in self.copies}
        return Decisions(
            site_globals(self.site),
            self.site.config.language,
            self.page_shared,
            [job.path for job in self.pages],
            pages,
            files,
            copies,
            self.shards,
            dict(previous.shards) if previous else {},
            search,
            fingerprints,
            kept,
            dict(records),
        )


@dataclass(slots=True)
class Made:
    """What a build staged: the commit, the pages' digests and the search bundles."""

    commit: Commit
    decisions: Decisions
    page_digests: dict[str, str] = field(default_factory=dict)
    """Output path → digest of the bytes of every page of the new output."""
    shards: dict[str, ShardRecord] = field(default_factory=dict)
    """Search bundles of the new output, made or kept."""
    search_stale: bool = False
    """Without search, some shards were kept although their pages changed."""


def render_outputs(
    decisions: Decisions,
    options: BuildOptions,
    progress: Progress,
    while_indexing: Callable[[], object] = lambda: None,
) -> Made:
    """Stage every file that must be made into a new Commit.

    Each search shard is indexed as soon as its pages are rendered, while the other
    pages, the feeds and the copies are made (and while_indexing runs, after them).

    Raises:
        ContentError: for template errors, each with the template's file and line.
        SearchIndexError: when Pagefind fails.
    """
    commit = begin_commit(options.output_path)
    made = Made(commit, decisions)
    made.page_digests = {
        path: decisions.kept[path].content
        for path in decisions.page_paths
        if path in decisions.kept
    }
    try:
        with _ShardIndexer(made, options) as indexer:
            _render_pages(made, options, progress, indexer.pages_done)
            for job in decisions.files_todo:
                commit.put(job.path, job.make())
            for copy in decisions.copies_todo:
                commit.copy(copy.path, copy.source)
            while_indexing()
            indexer.finish()
    except BaseException:
        commit.abort()
        raise
    return made


def commit_outputs(made: Made, options: BuildOptions, state: BuildState) -> int:
    """Apply made to the output folder; record every output file in state; return files written."""
    decisions, output = made.decisions, options.output_path
    fingerprints = dict(decisions.fingerprints)
    for record in made.shards.values():
        fingerprints |= dict.fromkeys(record.files, record.fingerprint)
    removals = sorted(_present(decisions, output) - set(fingerprints) - {MARKER})
    written = made.commit.apply(removals)
    state.outputs = {
        path: _record(made, path, fp, output) for path, fp in sorted(fingerprints.items())
    }
    state.shards = made.shards
    state.search_stale = made.search_stale
    return len([path for path in written if path != MARKER])


def _present(decisions: Decisions, output: Path) -> set[str]:
    """Return the files of the output to compare with the new one.

    After a recorded build they are the recorded ones (walking 27,000 files would cost
    a second); without a record, every file there, so that strays are removed too.
    """
    if decisions.previous_records:
        return set(decisions.previous_records)
    return files_under(output) if output.is_dir() else set()


def _record(made: Made, path: str, fingerprint: str, output: Path) -> OutputRecord:
    kept = made.decisions.kept.get(path)
    content = made.page_digests.get(path, "")
    if kept and kept.content == content:
        return kept
    return OutputRecord(fingerprint, _stat(output / path), content)


def _stat(path: Path) -> FileStat:
    stat = FileStat.of(path)
    if stat is None:
        raise OSError(
            _("{path}: missing right after the build wrote it; build again").format(path=path)
        )
    return stat


def _render_pages(
    made: Made, options: BuildOptions, progress: Progress, done: Callable[[list[str]], object]
) -> None:
    """Render the pages that changed into made's commit, shard by shard (see _in_shard_order),
    and add the digest of each page's bytes to made; done receives each chunk's paths."""
    decisions, commit = made.decisions, made.commit
    forget_slow_templates()
    env = _environment(options, decisions)
    jobs = _in_shard_order(decisions.pages_todo, decisions.shards)
    try:
        for name in sorted({job.route.template for job in jobs}):
            env.get_template(name)  # compile once, before the workers are forked
    except jinja2.TemplateError as error:
        raise ContentError([template_problem(error, options.templates_path)]) from None

    def render(job: PageJob) -> Problem | str:
        try:
            data = render_page(env, job.route)
        except Exception as error:  # any error of a template is the template's problem
            return template_problem(error, options.templates_path)
        commit.put(job.path, data)
        return digest(data)

    advance = progress("Rendering pages", len(jobs))
    problems: set[Problem] = set()
    start = 0
    for part in map_in_chunks(render, jobs, options.workers, PAGES_PER_CHUNK):
        paths = [job.path for job in jobs[start : start + len(part)]]
        start += len(part)
        problems.update(result for result in part if isinstance(result, Problem))
        made.page_digests |= {
            path: result
            for path, result in zip(paths, part, strict=True)
            if isinstance(result, str)
        }
        advance(len(part))
        if not problems:
            done(paths)
    if problems:
        raise ContentError(problems)


PAGES_PER_CHUNK = 64
"""Pages rendered between two looks at which search shards are complete."""


def _in_shard_order(jobs: list[PageJob], shards: list[ShardJob]) -> list[PageJob]:
    """Return jobs with the pages of the largest search shard first, then of the next,
    and the pages no shard indexes last: each shard is indexed as soon as it can be."""
    rank: dict[str, int] = {}
    for number, shard in enumerate(sorted(shards, key=lambda shard: -len(shard.pages))):
        rank |= dict.fromkeys(shard.pages, number)
    return sorted(jobs, key=lambda job: rank.get(job.path, len(shards)))


_ENVIRONMENTS: dict[tuple[Path, str], jinja2.Environment] = {}


def _environment(options: BuildOptions, decisions: Decisions) -> jinja2.Environment:
    """Return the Jinja environment of decisions, made once per process and key."""
    key = (options.templates_path, decisions.environment_key)
    env = _ENVIRONMENTS.get(key)
    if env is None:
        _ENVIRONMENTS.clear()  # one site at a time: the last one is kept
        env = _ENVIRONMENTS[key] = make_environment(
            options.templates_path, decisions.globals, _compiled_templates(options)
        )
    return env


def _compiled_templates(options: BuildOptions) -> SignedBytecodeCache | None:
    """Return where compiled templates are kept between builds (None: without a cache)."""
    from sitegen.content.memo import user_secret

    if options.cache_path is None:
        return None
    secret = user_secret()
    return SignedBytecodeCache(options.cache_path / "templates", secret) if secret else None


class _ShardIndexer:
    """Keeps or indexes each search shard once all of its pages are made, on every core.

    Pagefind runs in processes of its own: the threads here only wait for them, so the
    pages of the next shards are rendered meanwhile.
    """

    def __init__(self, made: Made, options: BuildOptions) -> None:
        self.made, self.options = made, options
        self.missing: dict[str, int] = {}
        """Shard folder → how many of its pages are not made yet."""
        self.shards_of: dict[str, list[ShardJob]] = {}
        """Page not made yet → the shards that index it."""
        self.indexing: dict[str, tuple[str, Future[list[str]]]] = {}
        """Shard folder → (its fingerprint, its bundle's files once Pagefind is done)."""
        self.pool = ThreadPoolExecutor(max(1, options.workers), "sitegen-search")

    def __enter__(self) -> _ShardIndexer:
        digests = self.made.page_digests
        for job in self.made.decisions.shards:
            missing = [path for path in job.pages if path not in digests]
            self.missing[job.shard.folder] = len(missing)
            for path in missing:
                self.shards_of.setdefault(path, []).append(job)
            if not missing:
                self._complete(job)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    def pages_done(self, paths: list[str]) -> None:
        """Note that paths were made; keep or start indexing the shards they complete."""
        for path in paths:
            for job in self.shards_of.get(path, ()):
                self.missing[job.shard.folder] -= 1
                if not self.missing[job.shard.folder]:
                    self._complete(job)

    def finish(self) -> None:
        """Wait for Pagefind; record every indexed shard's bundle, in the order of the shards.

        Raises:
            SearchIndexError: when Pagefind failed.
        """
        made = self.made
        for job in made.decisions.shards:
            if job.shard.folder in self.indexing:
                fingerprint, bundle = self.indexing[job.shard.folder]
                paths = tuple(f"{job.shard.folder}/{rel}" for rel in bundle.result())
                made.shards[job.shard.folder] = ShardRecord(fingerprint, paths)

    def _complete(self, job: ShardJob) -> None:
        made = self.made
        decisions = made.decisions
        fingerprint = digest(
            code_fingerprint(), decisions.language, *(made.page_digests[path] for path in job.pages)
        )
        if _keep_shard(made, job, fingerprint, self.options.output_path):
            previous = made.shards[job.shard.folder]
            made.search_stale |= previous.fingerprint != fingerprint
        elif decisions.search:
            bundle = self.pool.submit(
                _index_shard, made.commit, job, self.options, decisions.language
            )
            self.indexing[job.shard.folder] = (fingerprint, bundle)
        else:
            made.search_stale = True


def _keep_shard(made: Made, job: ShardJob, fingerprint: str, output_path: Path) -> bool:
    """Keep the previous bundle of a shard whose pages did not change (or without search)."""
    decisions = made.decisions
    previous = decisions.previous_shards.get(job.shard.folder)
    if not previous or not (previous.fingerprint == fingerprint or not decisions.search):
        return False
    records = decisions.previous_records
    if not all(
        path in records and FileStat.of(output_path / path) == records[path].stat
        for path in previous.files
    ):
        return False
    made.shards[job.shard.folder] = previous
    decisions.kept |= {path: records[path] for path in previous.files}
    return True


def _index_shard(commit: Commit, job: ShardJob, options: BuildOptions, language: str) -> list[str]:
    """Index one shard from its pages as they will be after the commit; stage its bundle
    (the files the output does not hold already) and return the bundle's files.

    When the output has no bundle of the shard yet (a cold build), Pagefind writes it
    straight into the commit.
    """
    folder = job.shard.folder
    temporary = commit.search_folder()
    try:
        pages = temporary / "pages"
        gather_pages(
            pages,
            {
                path: commit.pending_path / path
                if (commit.pending_path / path).is_file()
                else commit.output_path / path
                for path in job.pages
            },
        )
        if not (options.output_path / folder).exists():
            return index_pages(pages, commit.pending_path / folder, language)
        bundle = temporary / "bundle"
        files = index_pages(pages, bundle, language)
        for rel in files:
            commit.adopt(f"{folder}/{rel}", bundle / rel)
        return files
    finally:
        discard_later(temporary)  # while the build commits: it is not needed any more


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


def _feed_shared(settings: FeedSettings, printer: Fingerprinter, code: str) -> str:
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


def _picture_jobs(site: Site, images: VariantStore, code: str) -> list[FileJob]:
    """Return a job for each resized variant of the news items' images.

    A variant's fingerprint covers its source's stat, so an unchanged image is kept as
    it is in the output; the store (the build cache) saves resizing it for another one.
    """
    jobs: dict[str, FileJob] = {}
    for item in site.news:
        picture = item.image.picture if item.image else None
        if picture is None:
            continue
        images.expect(picture)  # its variants are made with the photo itself
        source = str(picture.source_path.resolve()), repr(FileStat.of(picture.source_path))
        for variant in picture.variants:
            path = site.urls.output_path(variant.url)
            make = partial(images.make, picture, variant, item.source)
            fingerprint = digest(code, *source, repr(variant))
            jobs.setdefault(path, FileJob(path, fingerprint, make, variant.url))
    return list(jobs.values())


def is_published_image(path: Path) -> bool:
    """Return True for an image that is published cleaned (see images.py), not copied."""
    return path.suffix.lower() in PUBLISHED_FORMATS


def _image_jobs(
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
            jobs.append(FileJob(job.path, fingerprint, make, origin))
    return jobs


def _crawler_jobs(site: Site, routes: list[Route]) -> list[FileJob]:
    sitemap = render_sitemap(routes, site.urls)
    robots = render_robots(site.urls)
    return [
        FileJob("sitemap.xml", digest(sitemap), lambda: sitemap, "sitemap"),
        FileJob("robots.txt", digest(robots), lambda: robots, "robots"),
    ]


def _origin(route: Route) -> str:
    """Return what a page comes from, for collision messages: an old address's file, or
    the page's address and template (two pages at one address differ in their template)."""
    context = route.context
    if isinstance(context, RedirectContext):
        return context.redirect.source
    return f"{route.url} (templates/{route.template})"


def _check_redirect_folders(site: Site, claims: Output) -> None:
    """Refuse an old address that needs a folder where another output is a file, or back.

    Raises:
        ContentError: naming the file that lists the old address.
    """
    if not site.redirects:
        return
    folders = {
        path.rsplit("/", n)[0] for path in claims.origins for n in range(1, path.count("/") + 1)
    }
    problems = []
    for redirect in site.redirects:
        path = site.urls.output_path(redirect.url)
        parts = path.split("/")
        clash = [
            "/".join(parts[:n])
            for n in range(1, len(parts))
            if "/".join(parts[:n]) in claims.origins
        ]
        if clash or path in folders:
            where = clash[0] if clash else path
            message = _(_FILE_IN_THE_WAY if clash else _FOLDER_IN_THE_WAY).format(
                path=path, where=where
            )
            problems.append(Problem(redirect.source, 0, "aliases", message))
    if problems:
        raise ContentError(problems)


_FILE_IN_THE_WAY = N_(
    "would be written to /{path}, but /{where} is a file of the site; remove the old address"
)
_FOLDER_IN_THE_WAY = N_(
    "would be written to /{path}, but /{where} is a folder of the site; remove the old address"
)
"""What is in the way of an old address: one whole sentence for each case, to translate."""


def _redirect_jobs(site: Site) -> list[FileJob]:
    """Return the old addresses in the formats of web hosts (none when there are none)."""
    if not site.redirects:
        return []
    netlify = render_redirects(site.redirects)
    nginx = render_nginx_map(site.redirects)
    return [
        FileJob("_redirects", digest(netlify), lambda: netlify, "aliases (_redirects)"),
        FileJob("redirects.nginx.conf", digest(nginx), lambda: nginx, "aliases (nginx)"),
    ]


def _copy_jobs(
    site: Site, static_path: Path, claims: Output, checked: CheckedFiles
) -> list[CopyJob]:
    """Return the bundle files and static files to copy.

    Raises:
        ContentError: for files claiming a path another output has, or links out of static/.
    """
    holders: list[tuple[str, tuple[Asset, ...]]] = []
    holders += [(item.source, item.assets) for item in site.news]
    holders += [(item.source, item.assets) for item in site.localities]
    holders += [(item.source, item.assets) for item in site.partnerships]
    holders += [(item.source, item.assets) for item in site.pages]
    holders += [(item.source, item.assets) for item in site.region_texts.values()]
    for source, assets in holders:
        for asset in assets:
            claims.add_copy(site.urls.output_path(asset.url), asset.source_path, source)
    _add_static(claims, static_path, site.config.limits.attachment_bytes, checked)
    checked.save()
    claims.raise_collisions()
    return [
        CopyJob(path, digest(str(copied.resolve()), repr(FileStat.of(copied))), copied)
        for path, copied in sorted(claims.copies.items())
    ]


def _add_static(output: Output, static_path: Path, max_bytes: int, checked: CheckedFiles) -> None:
    """Add every file of static/ to copy; refuse what cannot be published from it.

    Raises:
        ContentError: with a problem for each entry that cannot be published (see
            _static_problem): none is left out silently.
    """
    if not static_path.is_dir():
        return
    root = static_path.resolve()
    entries, problems = _static_entries(static_path)
    for path in entries:
        where = f"static/{path.relative_to(static_path).as_posix()}"
        message = _static_problem(path, root, max_bytes, checked)
        if message:
            problems.append(Problem(where, 0, "", message))
            continue
        output.add_copy(path.relative_to(static_path).as_posix(), path, where)
    if problems:
        raise ContentError(problems)


def _static_entries(static_path: Path) -> tuple[list[Path], list[Problem]]:
    """Return every entry of static/ but its folders and hidden names, sorted, and a
    problem for each folder that cannot be listed.

    The walk enters real folders only (a link to a folder is an entry), with a stack,
    so that no link can make it leave static/ or run without end.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    stack = [static_path]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = [entry for entry in scan if not entry.name.startswith(".")]
        except OSError as error:
            where = f"static/{folder.relative_to(static_path).as_posix()}"
            problems.append(Problem(where, 0, "", stat_problem(error)))
            continue
        for entry in entries:
            path = Path(entry.path)
            message = name_problem(entry.name)
            if message:  # a name that is not UTF-8 cannot be published, nor hashed
                where = printable_name(f"static/{path.relative_to(static_path).as_posix()}")
                problems.append(Problem(where, 0, "", message))
                continue
            is_folder = entry.is_dir(follow_symlinks=False)
            (stack if is_folder else found).append(path)
    return sorted(found), problems


def _static_problem(path: Path, root: Path, max_bytes: int, checked: CheckedFiles) -> str | None:
    """Return why an entry of static/ cannot be published, or None.

    A named pipe, socket or device is refused from its mode, never opened (opening a
    pipe would wait for a writer for ever); so are links that lead nowhere, round in
    a loop, out of static/ or to a folder.
    """
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return stat_problem(error)
    if stat.S_ISDIR(mode):
        return _("a link to a folder is not followed in static/; copy the folder in instead")
    if not path.resolve().is_relative_to(root):
        return _("links to a place outside static/; copy the file in instead")
    return special_file_problem(mode) or static_file_problem(
        path, max_bytes=max_bytes, checked=checked
    )
