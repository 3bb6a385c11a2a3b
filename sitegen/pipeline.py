"""The build: the only function that sequences the stages.

read_sources → load_entries → link_site → plan_routes/plan_feeds → render → write

Pages whose inputs did not change since the last build are not rendered again: their
files are kept from the previous output (see write_pages). Bodies and pages are
rendered on every core (sitegen.parallel), and rendered bodies persist in the build
cache (sitegen.cache).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from sitegen.cache import Cache, code_fingerprint, digest, folder_digest
from sitegen.config import BuildOptions, load_config
from sitegen.content.load import load_entries
from sitegen.content.models import Asset
from sitegen.content.sources import read_sources
from sitegen.errors import ContentError, Problem, UsageError
from sitegen.feeds import render_feed
from sitegen.fingerprint import Fingerprinter
from sitegen.parallel import Progress, map_in_order, no_progress
from sitegen.routes import Route, plan_feeds, plan_routes
from sitegen.search import SEARCH_FOLDER, index_site
from sitegen.site import Site, link_site
from sitegen.sitemap import render_robots, render_sitemap
from sitegen.templates import make_environment, render_page, site_globals, template_problem
from sitegen.urls import Urls
from sitegen.writer import (
    MARKER,
    Output,
    Staging,
    check_output_path,
    file_identity,
    fill,
    same_bytes,
    same_file,
    staged,
)

Reporter = Callable[[str], None]
"""Receives progress messages; the CLI prints them, tests collect them."""


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build made."""

    pages: int
    """HTML pages in the site."""
    files: int
    """All files of the site, pages, feeds and copies included."""
    written: int
    """Files written by this build; the others were kept from the previous output."""
    pages_rendered: int
    """Pages whose template ran (the others were unchanged and not rendered)."""
    seconds: float


def build(
    options: BuildOptions,
    report: Reporter = lambda message: None,
    progress: Progress = no_progress,
) -> BuildReport:
    """Build the site of options into its output folder, atomically.

    Raises:
        UsageError: for unusable folders (nothing is written).
        ContentError: for problems in content, site.yaml or templates (nothing is written).
    """
    started = time.perf_counter()
    _check_folders(options)
    cache = Cache(options.cache_path)
    try:
        site = load_site(options, cache, progress)
        report(
            f"Loaded {len(site.news)} news items, {len(site.localities)} localities, "
            f"{len(site.partnerships)} partnerships, {len(site.pages)} pages"
        )
        routes = plan_routes(site)
        extras = render_extras(site, routes, options)
        plan = plan_pages(site, routes, options, cache)
        search_key = _search_key(site, routes, plan)
        written = 0
        if not _unchanged(options, plan, extras, cache, search_key):
            with staged(options.output_path) as staging:
                written = write_pages(staging, site, routes, plan, options, progress)
                written += fill(staging, extras)
                _record_pages(staging, plan, cache, options)
                if options.search:
                    _index_search(staging, site, cache, _output_key(options), search_key)
                else:
                    _keep_search(staging, cache, _output_key(options))
        cache.save()
    finally:
        cache.close()
    files = len(routes) + len(extras.files) + len(extras.copies)
    seconds = time.perf_counter() - started
    return BuildReport(len(routes), files, written, len(plan.todo), seconds)


def load_site(
    options: BuildOptions, cache: Cache | None = None, progress: Progress = no_progress
) -> Site:
    """Read, validate and link the content of options (no output is touched).

    Raises:
        UsageError: for unusable folders.
        ContentError: for problems in content or site.yaml.
    """
    _check_folders(options)
    config = load_config(options.site_path, options.base_url)
    urls = Urls(config.base_url)
    sources = read_sources(options.content_path, options.site_path)
    entries = load_entries(sources, urls, options.static_path, config.tz)
    return link_site(
        entries,
        config,
        urls,
        options.now,
        options.static_path,
        options.include_drafts,
        cache=cache,
        jobs=options.workers,
        progress=progress,
    )


def render_extras(site: Site, routes: list[Route], options: BuildOptions) -> Output:
    """Render feeds and crawler files, list the files to copy, and claim the pages' paths.

    Raises:
        ContentError: for output paths claimed twice.
    """
    output = Output()
    for route in routes:
        output.add_elsewhere(site.urls.output_path(route.url), route.url)
    newest = site.news[0].last_modified if site.news else None
    for spec in plan_feeds(site):
        output.add_file(
            site.urls.output_path(spec.url),
            render_feed(spec, site.config, site.urls, newest),
            spec.url,
        )
    output.add_file("sitemap.xml", render_sitemap(routes, site.urls), "sitemap")
    output.add_file("robots.txt", render_robots(site.urls), "robots")
    _add_assets(output, site)
    _add_static(output, options.static_path)
    return output


@dataclass(frozen=True, slots=True)
class PagePlan:
    """Which pages must be rendered, and the fingerprint of each page's inputs."""

    paths: list[str]
    """Output path of each route."""
    fingerprints: dict[str, str]
    """Output path → fingerprint of everything its template received."""
    kept: dict[str, tuple[int, int, int]]
    """Output path → (size, mtime_ns, inode) of the previous file kept as it is."""
    todo: list[int]
    """Indexes of the routes to render."""


def plan_pages(site: Site, routes: list[Route], options: BuildOptions, cache: Cache) -> PagePlan:
    """Find the pages whose previous file can be kept.

    A page is kept when the fingerprint of its route (with its context), the templates,
    the settings and the code equals the one recorded for the file the previous build
    left in the output, and that file is still as it was left.
    """
    paths = [site.urls.output_path(route.url) for route in routes]
    fingerprints = _page_fingerprints(site, routes, paths, options)
    previous = cache.get("pages", _output_key(options)) or {}
    output = options.output_path
    kept: dict[str, tuple[int, int, int]] = {}
    todo = []
    for i, path in enumerate(paths):
        record = previous.get(path)
        if record and record[0] == fingerprints[path] and len(record) == 4:
            identity = (record[1], record[2], record[3])
            if file_identity(output / path) == identity:
                kept[path] = identity
                continue
        todo.append(i)
    return PagePlan(paths, fingerprints, kept, todo)


def write_pages(
    staging: Staging,
    site: Site,
    routes: list[Route],
    plan: PagePlan,
    options: BuildOptions,
    progress: Progress = no_progress,
) -> int:
    """Keep the planned pages' files and render the others into staging.

    Returns the number of files written.

    Raises:
        ContentError: for template errors, each with the template's file and line.
    """
    for path, identity in plan.kept.items():
        if not staging.keep(path, identity):
            raise OSError(f"{path}: changed while sitegen was building; build again")
    env = make_environment(options.templates_path, site)
    for name in sorted({routes[i].template for i in plan.todo}):
        env.get_template(name)  # compile once, before the workers are forked

    def render(i: int) -> bool | Problem:
        try:
            html = render_page(env, routes[i])
        except jinja2.TemplateError as error:
            return template_problem(error, options.templates_path)
        return staging.put(plan.paths[i], html.encode())

    advance = progress("Rendering pages", len(plan.todo))
    results = map_in_order(render, plan.todo, options.workers, advance)
    problems = {result for result in results if isinstance(result, Problem)}
    if problems:
        raise ContentError(problems)
    return sum(result is True for result in results)


def _record_pages(staging: Staging, plan: PagePlan, cache: Cache, options: BuildOptions) -> None:
    manifest = {
        path: [plan.fingerprints[path], *(staging.identity(path) or ())] for path in plan.paths
    }
    cache.put("pages", _output_key(options), manifest)


def _output_key(options: BuildOptions) -> str:
    """Return the key of the cache's records about the output folder of options."""
    return str(options.output_path.resolve())


def _page_fingerprints(
    site: Site, routes: list[Route], paths: list[str], options: BuildOptions
) -> dict[str, str]:
    printer = Fingerprinter()
    shared = digest(
        code_fingerprint(),
        folder_digest(options.templates_path),
        printer.of(site_globals(site)).hex(),
    )
    return {
        path: digest(shared, printer.of(route).hex())
        for path, route in zip(paths, routes, strict=True)
    }


def _kept(staging: Staging, path: str, fingerprint: str, record: list[Any] | None) -> bool:
    if not record or record[0] != fingerprint or len(record) != 4:
        return False
    return staging.keep(path, (record[1], record[2], record[3]))


def _search_key(site: Site, routes: list[Route], plan: PagePlan) -> str:
    """Return a digest of everything the search index is made from."""
    searchable = [site.urls.output_path(route.url) for route in routes if route.search]
    return digest(code_fingerprint(), *(f"{p}={plan.fingerprints[p]}" for p in searchable))


def _index_search(staging: Staging, site: Site, cache: Cache, output_key: str, key: str) -> None:
    """Index the searchable pages, or keep the previous index when none of them changed."""
    recorded = cache.get("search", output_key)
    if not (recorded and recorded["key"] == key and _keep_all(staging, recorded["files"])):
        shutil.rmtree(staging.path / SEARCH_FOLDER, ignore_errors=True)
        index_site(staging.path, site.config.language)
    files = sorted(
        path.relative_to(staging.path).as_posix()
        for path in (staging.path / SEARCH_FOLDER).rglob("*")
        if path.is_file()
    )
    identities = [[f, *(staging.identity(f) or ())] for f in files]
    cache.put("search", output_key, {"key": key, "files": identities})


def _unchanged(
    options: BuildOptions, plan: PagePlan, extras: Output, cache: Cache, search_key: str
) -> bool:
    """Return True when the output already holds exactly what this build would write."""
    output = options.output_path
    if plan.todo or not (output / MARKER).is_file():
        return False
    expected = {MARKER, *plan.paths, *extras.files, *extras.copies}
    recorded = cache.get("search", _output_key(options))
    if options.search and (not recorded or recorded["key"] != search_key):
        return False
    for f in recorded["files"] if recorded else ():
        if file_identity(output / f[0]) != tuple(f[1:]):
            return False
        expected.add(f[0])
    return (
        all(same_bytes(output / rel, data) for rel, data in extras.files.items())
        and all(same_file(output / rel, source) for rel, source in extras.copies.items())
        and _files_under(output) == expected
    )


def _files_under(folder: Path) -> set[str]:
    found: set[str] = set()
    for root, _dirs, names in os.walk(folder):
        rel = os.path.relpath(root, folder)
        found.update(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/") for name in names)
    return found


def _keep_search(staging: Staging, cache: Cache, output_key: str) -> None:
    """Keep the previous search index as it is (a build without indexing)."""
    recorded = cache.get("search", output_key)
    if recorded and _keep_all(staging, recorded["files"]):
        cache.put("search", output_key, recorded)
    else:
        shutil.rmtree(staging.path / SEARCH_FOLDER, ignore_errors=True)


def _keep_all(staging: Staging, files: list[list[Any]]) -> bool:
    """Keep every recorded file of the previous output; False when any is missing or changed."""
    return all(len(f) == 4 and staging.keep(f[0], (f[1], f[2], f[3])) for f in files)


def _check_folders(options: BuildOptions) -> None:
    for name, path in (("--source", options.site_path), ("--content", options.content_path)):
        if not path.is_dir():
            raise UsageError(f"{name} {path}: no such folder")
    if not options.templates_path.is_dir():
        raise UsageError(
            f"{options.templates_path}: no such folder; the site needs its "
            "Jinja templates in templates/"
        )
    check_output_path(
        options.output_path,
        options.site_path,
        options.content_path,
        (options.templates_path, options.static_path),
    )


def _add_assets(output: Output, site: Site) -> None:
    holders: list[tuple[str, tuple[Asset, ...]]] = []
    holders += [(item.source, item.assets) for item in site.news]
    holders += [(item.source, item.assets) for item in site.localities]
    holders += [(item.source, item.assets) for item in site.partnerships]
    holders += [(item.source, item.assets) for item in site.pages]
    holders += [(item.source, item.assets) for item in site.region_texts.values()]
    for source, assets in holders:
        for asset in assets:
            output.add_copy(site.urls.output_path(asset.url), asset.source_path, source)


def _add_static(output: Output, static_path: Path) -> None:
    if not static_path.is_dir():
        return
    root = static_path.resolve()
    problems = []
    for path in sorted(static_path.rglob("*")):
        rel = path.relative_to(static_path)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        if not path.resolve().is_relative_to(root):
            problems.append(
                Problem(
                    f"static/{rel.as_posix()}",
                    0,
                    "",
                    "links to a place outside static/; copy the file in instead",
                )
            )
            continue
        output.add_copy(rel.as_posix(), path, f"static/{rel.as_posix()}")
    if problems:
        raise ContentError(problems)
