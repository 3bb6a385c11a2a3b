"""Load: the site of a build, read, validated and linked (the stages before planning),
with the entries and bodies earlier builds kept where they are still good.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from sitegen.base.errors import UsageError
from sitegen.base.i18n import _
from sitegen.base.options import BuildOptions
from sitegen.base.parallel import Progress, no_progress
from sitegen.engine.writer import check_output_path

if TYPE_CHECKING:
    from sitegen.base.cache import Cache
    from sitegen.base.config import SiteConfig
    from sitegen.content.load import Entry
    from sitegen.content.memo import EntryMemo, MemoryMemo
    from sitegen.engine.memory import Memory
    from sitegen.link.site import Site


def check_folders(options: BuildOptions) -> None:
    """Refuse folders that do not exist or an output that would harm the sources.

    Raises:
        UsageError: naming the folder and what to do.
    """
    for name, path in (("--source", options.site_path), ("--content", options.content_path)):
        if not path.is_dir():
            raise UsageError(_("{option} {path}: no such folder").format(option=name, path=path))
    if not options.templates_path.is_dir():
        raise UsageError(
            _("{path}: no such folder; the site needs its Jinja templates in templates/").format(
                path=options.templates_path
            )
        )
    check_output_path(
        options.output_path,
        options.site_path,
        options.content_path,
        (options.templates_path, options.static_path),
    )


def _entry_memo(
    options: BuildOptions, config: SiteConfig, cache: Cache | None, memory: Memory | None
) -> EntryMemo | MemoryMemo | None:
    """Return the entries kept by earlier builds of this site (in memory, or in the cache)."""
    from sitegen.content.memo import EntryMemo

    if cache is None and memory is None:
        return None
    settings = "\0".join(
        (
            str(options.site_path.resolve()),
            str(options.content_path.resolve()),
            config.model_dump_json(),
        )
    )
    if memory is not None:
        return memory.entries.bind(settings)
    assert cache is not None  # checked above
    return EntryMemo(cache, settings)


def load_site(
    options: BuildOptions,
    cache: Cache | None = None,
    progress: Progress = no_progress,
    memory: Memory | None = None,
) -> Site:
    """Read, validate and link the content of options (no output is touched).

    Raises:
        UsageError: for unusable folders.
        ContentError: for problems in content or site.yaml.
    """
    return load_with_entries(options, cache, progress, memory)[0]


def load_with_entries(
    options: BuildOptions,
    cache: Cache | None,
    progress: Progress,
    memory: Memory | None,
) -> tuple[Site, tuple[Entry, ...]]:
    """Return the site of options, and the entries it was made from."""
    from sitegen.base.checked import CheckedFiles
    from sitegen.base.config import load_config
    from sitegen.base.urls import Urls
    from sitegen.content.load import read_entries
    from sitegen.content.sources import read_sources
    from sitegen.link.bodies import render_bodies
    from sitegen.link.site import link_site

    check_folders(options)
    config = load_config(options.site_path, options.base_url)
    urls = Urls(config.base_url)
    memo = _entry_memo(options, config, cache, memory)
    sources = read_sources(
        options.content_path,
        options.site_path,
        limits=config.limits,
        reuse=memo.reuse if memo else None,
        checked=CheckedFiles(options.cache_path),
    )
    loaded = read_entries(sources, urls, options.static_path, config.tz, cache, memo)
    entries = loaded.entries
    bodies = render_bodies(
        (*entries, *loaded.translated_entries()),
        options.now,
        options.include_drafts,
        cache,
        options.workers,
        progress,
        loaded.unloaded_keys,
    )
    site = link_site(
        entries,
        bodies,
        config,
        urls,
        options.now,
        options.static_path,
        options.include_drafts,
        loaded.problems,
        loaded.translations,
    )
    return site, entries


def without_texts(entries: tuple[Entry, ...]) -> tuple[Entry, ...]:
    """Return entries without their files' texts and bodies, once the models are made.

    The snapshot for the next partial plan needs only the front matter's values; the
    texts are about as large as the site (190 MB at 10,000 news items), which a build
    that does not keep its entries for the next one (the preview does) need not hold
    while it renders.
    """
    return tuple(
        dataclasses.replace(
            entry,
            source=dataclasses.replace(entry.source, text=""),
            front=dataclasses.replace(entry.front, body=""),
        )
        for entry in entries
    )
