"""Make: run the decided jobs into a new commit (pages rendered on every core, each search
shard indexed as soon as its pages are made), then apply it and record every output.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from sitegen.base.cache import digest
from sitegen.base.errors import ContentError, Problem
from sitegen.base.i18n import _
from sitegen.base.options import BuildOptions
from sitegen.base.parallel import Progress, map_in_chunks
from sitegen.engine.commit import Commit, begin_commit, files_under
from sitegen.engine.decide import Decisions
from sitegen.engine.indexer import ShardIndexer
from sitegen.engine.jobs import FileJob, PageJob, ShardJob
from sitegen.engine.pagecache import PAGES_FOLDER, PageCache, page_cache_key
from sitegen.engine.state import BuildState, FileStat, OutputRecord, ShardRecord
from sitegen.engine.writer import MARKER
from sitegen.render.compiled import CompiledTemplates, SignedBytecodeCache
from sitegen.render.templates import (
    forget_slow_templates,
    make_environment,
    render_page,
    template_problem,
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
    pages: PageCache = field(default_factory=lambda: PageCache(None, None))
    """Rendered pages of earlier builds (engine/pagecache.py)."""
    taken: list[str] = field(default_factory=list)
    """Output paths of the pages taken from the page cache instead of rendered."""


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
    cache = options.cache_path / PAGES_FOLDER if options.cache_path else None
    made = Made(commit, decisions, pages=PageCache(cache, page_cache_key() if cache else None))
    made.page_digests = {
        path: decisions.kept[path].content
        for path in decisions.page_paths
        if path in decisions.kept
    }
    try:
        with ShardIndexer(made, options) as indexer:
            _render_pages(made, options, progress, indexer.pages_done)
            _make_files(decisions.files_todo, commit, options.workers)
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
    _keep_pages(made, output)
    return len([path for path in written if path != MARKER])


def _keep_pages(made: Made, output: Path) -> None:
    """Keep the pages rendered now in the page cache (from the output, where they are now);
    a build that rendered most of the site writes the cache's manifest anew."""
    decisions = made.decisions
    taken = set(made.taken)
    rendered = {
        decisions.fingerprints[job.path]: (made.page_digests[job.path], output / job.path)
        for job in decisions.pages_todo
        if job.path not in taken and job.path in made.page_digests
    }
    whole = 2 * len(decisions.pages_todo) > len(decisions.page_paths)
    made.pages.save(
        rendered,
        {decisions.fingerprints[path] for path in decisions.page_paths} if whole else None,
    )


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


def _make_files(jobs: list[FileJob], commit: Commit, workers: int) -> None:
    """Stage the files other than pages: the photos first, here (see FileJob.made_first),
    then the feeds and the rest on every core."""
    for job in jobs:
        if job.made_first:
            commit.put(job.path, job.make())

    def make(job: FileJob) -> None:
        commit.put(job.path, job.make())

    later = [job for job in jobs if not job.made_first]
    for _done in map_in_chunks(make, later, workers, FILES_PER_CHUNK, FILES_PER_WORKER):
        pass


def _not_kept(made: Made, output: Path, done: Callable[[list[str]], object]) -> list[PageJob]:
    """Stage the pages missing from the output that the page cache holds; return the jobs
    of the others (a page the output holds is rendered: its state was lost or it changed)."""
    todo: list[PageJob] = []
    whole = output.is_dir()
    for job in made.decisions.pages_todo:
        data = None if whole and (output / job.path).exists() else made.pages.get(job.fingerprint)
        if data is None:
            todo.append(job)
            continue
        made.commit.put(job.path, data)
        made.page_digests[job.path] = digest(data)
        made.taken.append(job.path)
    if made.taken:
        done(made.taken)
    return todo


FILES_PER_CHUNK = 8
"""Feeds are few and large: small chunks share them out evenly."""
FILES_PER_WORKER = 16
"""The fewest files worth a worker (a feed takes about as long as ten pages)."""


def _render_pages(
    made: Made, options: BuildOptions, progress: Progress, done: Callable[[list[str]], object]
) -> None:
    """Render the pages that changed into made's commit, shard by shard (see _in_shard_order),
    and add the digest of each page's bytes to made; done receives each chunk's paths."""
    decisions, commit = made.decisions, made.commit
    forget_slow_templates()
    env = _environment(options, decisions)
    jobs = _in_shard_order(_not_kept(made, options.output_path, done), decisions.plan.shards)
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
    key = (options.templates_path, decisions.plan.page_shared)
    env = _ENVIRONMENTS.get(key)
    if env is None:
        _ENVIRONMENTS.clear()  # one site at a time: the last one is kept
        env = _ENVIRONMENTS[key] = make_environment(
            options.templates_path, decisions.plan.globals, _compiled_templates(options)
        )
    return env


def _compiled_templates(options: BuildOptions) -> CompiledTemplates:
    """Return where compiled templates are kept: in this process, and on disk between
    builds (not without a cache, nor without the user's key)."""
    from sitegen.base.stores import user_secret

    secret = user_secret() if options.cache_path is not None else None
    if options.cache_path is None or secret is None:
        return CompiledTemplates()
    return CompiledTemplates(SignedBytecodeCache(options.cache_path / "templates", secret))
