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

import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

import jinja2

from sitegen.cache import code_fingerprint, digest, folder_digest
from sitegen.content.models import Asset
from sitegen.errors import ContentError, Problem
from sitegen.filetypes import static_file_problem
from sitegen.fingerprint import Fingerprinter
from sitegen.options import BuildOptions
from sitegen.parallel import Progress, map_in_order
from sitegen.routes import FeedSpec, Route, SearchShard
from sitegen.search import gather_pages, index_pages
from sitegen.site import Site
from sitegen.sitemap import render_robots, render_sitemap
from sitegen.state import BuildState, FileStat, OutputRecord, ShardRecord
from sitegen.templates import make_environment, render_page, site_globals, template_problem
from sitegen.writer import MARKER, Commit, Output, begin_commit, files_under


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

    site: Site
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
            PageJob(site.urls.output_path(r.url), r, digest(shared, printer.of(r).hex()))
            for r in routes
        ]
        claims = Output()
        for job in pages:
            claims.add_elsewhere(job.path, job.route.url)
        files = _feed_jobs(site, feeds, printer, code) + _crawler_jobs(site, routes)
        files += _picture_jobs(site, options, code)
        for file_job in files:
            claims.add_elsewhere(file_job.path, file_job.origin)
        copies = _copy_jobs(site, options.static_path, claims)
        shard_jobs = [
            ShardJob(shard, tuple(site.urls.output_path(url) for url in shard.urls))
            for shard in shards
        ]
        until = site.next_change.timestamp() if site.next_change else None
        return cls(site, pages, files, copies, shard_jobs, until)

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
            self.site,
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


def render_outputs(decisions: Decisions, options: BuildOptions, progress: Progress) -> Made:
    """Stage every file that must be made into a new Commit.

    Raises:
        ContentError: for template errors, each with the template's file and line.
        SearchIndexError: when Pagefind fails.
    """
    commit = begin_commit(options.output_path)
    made = Made(commit, decisions)
    try:
        rendered = _render_pages(commit, decisions, options, progress)
        made.page_digests = {
            path: decisions.kept[path].content
            for path in decisions.page_paths
            if path in decisions.kept
        } | rendered
        for job in decisions.files_todo:
            commit.put(job.path, job.make())
        for copy in decisions.copies_todo:
            commit.copy(copy.path, copy.source)
        _update_shards(made, options)
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
        raise OSError(f"{path}: missing right after the build wrote it; build again")
    return stat


def _render_pages(
    commit: Commit, decisions: Decisions, options: BuildOptions, progress: Progress
) -> dict[str, str]:
    """Render the pages that changed into commit; return the digest of each page's bytes."""
    env = make_environment(options.templates_path, decisions.site)
    jobs = decisions.pages_todo
    try:
        for name in sorted({job.route.template for job in jobs}):
            env.get_template(name)  # compile once, before the workers are forked
    except jinja2.TemplateError as error:
        raise ContentError([template_problem(error, options.templates_path)]) from None

    def render(job: PageJob) -> Problem | str:
        try:
            data = render_page(env, job.route).encode()
        except Exception as error:  # any error of a template is the template's problem
            return template_problem(error, options.templates_path)
        commit.put(job.path, data)
        return digest(data)

    advance = progress("Rendering pages", len(jobs))
    results = map_in_order(render, jobs, options.workers, advance)
    problems = {result for result in results if isinstance(result, Problem)}
    if problems:
        raise ContentError(problems)
    return {job.path: str(result) for job, result in zip(jobs, results, strict=True)}


def _update_shards(made: Made, options: BuildOptions) -> None:
    """Keep the search shards whose pages did not change; index the others, on every core."""
    decisions = made.decisions
    language = decisions.site.config.language
    todo: list[tuple[ShardJob, str]] = []
    for job in decisions.shards:
        fingerprint = digest(
            code_fingerprint(), language, *(made.page_digests[path] for path in job.pages)
        )
        if _keep_shard(made, job, fingerprint, options.output_path):
            continue
        if decisions.search:
            todo.append((job, fingerprint))
    if not todo:
        return
    with ThreadPoolExecutor(max(1, min(options.workers, len(todo)))) as pool:
        bundles = list(
            pool.map(lambda item: _index_shard(made.commit, item[0], options, language), todo)
        )
    for (job, fingerprint), files in zip(todo, bundles, strict=True):
        paths = []
        for rel, data in files.items():
            path = f"{job.shard.folder}/{rel}"
            made.commit.put(path, data)
            paths.append(path)
        made.shards[job.shard.folder] = ShardRecord(fingerprint, tuple(sorted(paths)))


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


def _index_shard(
    commit: Commit, job: ShardJob, options: BuildOptions, language: str
) -> dict[str, bytes]:
    """Index one shard from its pages as they will be after the commit; return its bundle."""
    sources = {
        path: commit.pending_path / path
        if (commit.pending_path / path).is_file()
        else options.output_path / path
        for path in job.pages
    }
    with tempfile.TemporaryDirectory(
        prefix=".sitegen-search-", dir=commit.pending_path.parent
    ) as folder:
        gather_pages(Path(folder), sources)
        return index_pages(Path(folder), language)


def _feed_jobs(
    site: Site, feeds: list[FeedSpec], printer: Fingerprinter, code: str
) -> list[FileJob]:
    newest: datetime | None = site.news[0].last_modified if site.news else None
    shared = digest(code, printer.of(site.config).hex(), printer.of(site.urls).hex(), str(newest))
    return [
        FileJob(
            site.urls.output_path(spec.url),
            digest(shared, printer.of(spec).hex()),
            lambda spec=spec: _render_feed(spec, site, newest),  # type: ignore[misc]
            spec.url,
        )
        for spec in feeds
    ]


def _render_feed(spec: FeedSpec, site: Site, newest: datetime | None) -> bytes:
    from sitegen.feeds import render_feed  # feedgen and lxml load only when a feed changed

    return render_feed(spec, site.config, site.urls, newest)


def _picture_jobs(site: Site, options: BuildOptions, code: str) -> list[FileJob]:
    """Return a job for each resized variant of the news items' images.

    A variant's fingerprint covers its source's stat, so an unchanged image is kept as
    it is in the output; the store (the build cache) saves resizing it for another one.
    """
    from sitegen.images import VariantStore

    store = VariantStore(options.cache_path)
    jobs: dict[str, FileJob] = {}
    for item in site.news:
        picture = item.image.picture if item.image else None
        if picture is None:
            continue
        source = str(picture.source_path.resolve()), repr(FileStat.of(picture.source_path))
        for variant in picture.variants:
            path = site.urls.output_path(variant.url)
            make = partial(store.make, picture.source_path, variant, item.source)
            fingerprint = digest(code, *source, repr(variant))
            jobs.setdefault(path, FileJob(path, fingerprint, make, variant.url))
    return list(jobs.values())


def _crawler_jobs(site: Site, routes: list[Route]) -> list[FileJob]:
    sitemap = render_sitemap(routes, site.urls)
    robots = render_robots(site.urls)
    return [
        FileJob("sitemap.xml", digest(sitemap), lambda: sitemap, "sitemap"),
        FileJob("robots.txt", digest(robots), lambda: robots, "robots"),
    ]


def _copy_jobs(site: Site, static_path: Path, claims: Output) -> list[CopyJob]:
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
    _add_static(claims, static_path, site.config.limits.attachment_bytes)
    return [
        CopyJob(path, digest(str(copied.resolve()), repr(FileStat.of(copied))), copied)
        for path, copied in sorted(claims.copies.items())
    ]


def _add_static(output: Output, static_path: Path, max_bytes: int) -> None:
    """Add every file of static/ to copy; refuse links out of it and unsafe or huge files.

    Raises:
        ContentError: with a problem for each file that cannot be published.
    """
    if not static_path.is_dir():
        return
    root = static_path.resolve()
    problems = []
    for path in sorted(static_path.rglob("*")):
        rel = path.relative_to(static_path)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        where = f"static/{rel.as_posix()}"
        if not path.resolve().is_relative_to(root):
            message: str | None = "links to a place outside static/; copy the file in instead"
        else:
            message = static_file_problem(path, max_bytes=max_bytes)
        if message:
            problems.append(Problem(where, 0, "", message))
            continue
        output.add_copy(rel.as_posix(), path, where)
    if problems:
        raise ContentError(problems)
