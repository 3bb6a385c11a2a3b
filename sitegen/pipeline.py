"""The build: the only function that sequences the stages.

read_sources → load_entries → link_site → plan_routes/plan_feeds → render → write_site
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sitegen.config import BuildOptions, load_config
from sitegen.content.load import load_entries
from sitegen.content.models import Asset
from sitegen.content.sources import read_sources
from sitegen.errors import ContentError, Problem, UsageError
from sitegen.feeds import render_feed
from sitegen.routes import Route, plan_feeds, plan_routes
from sitegen.search import index_site
from sitegen.site import Site, link_site
from sitegen.sitemap import render_robots, render_sitemap
from sitegen.templates import make_environment, render_pages
from sitegen.urls import Urls
from sitegen.writer import Output, check_output_path, write_site

Reporter = Callable[[str], None]
"""Receives progress messages; the CLI prints them, tests collect them."""


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build wrote."""

    pages: int
    """HTML pages rendered."""
    files: int
    """All files written, pages, feeds and copies included."""
    seconds: float


def build(options: BuildOptions, report: Reporter = lambda message: None) -> BuildReport:
    """Build the site of options into its output folder, atomically.

    Raises:
        UsageError: for unusable folders (nothing is written).
        ContentError: for problems in content, site.yaml or templates (nothing is written).
    """
    started = time.perf_counter()
    site = load_site(options)
    report(
        f"Loaded {len(site.news)} news items, {len(site.localities)} localities, "
        f"{len(site.partnerships)} partnerships, {len(site.pages)} pages"
    )
    routes = plan_routes(site)
    output = render_site(site, routes, options)

    def index_search(staging: Path) -> None:
        index_site(staging, site.config.language)

    write_site(output, options.output_path, index_search)
    files = len(output.files) + len(output.copies)
    return BuildReport(len(routes), files, time.perf_counter() - started)


def load_site(options: BuildOptions) -> Site:
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
        entries, config, urls, options.now, options.static_path, options.include_drafts
    )


def render_site(site: Site, routes: list[Route], options: BuildOptions) -> Output:
    """Render pages, feeds and crawler files, and list the files to copy.

    Raises:
        ContentError: for template errors and output paths claimed twice.
    """
    output = Output()
    env = make_environment(options.templates_path, site)
    for url, html in render_pages(env, routes, options.templates_path).items():
        output.add_file(site.urls.output_path(url), html.encode(), url)
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
