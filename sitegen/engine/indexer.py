"""Index: keep or make the Pagefind bundle of each search shard once its pages are made.

A shard's fingerprint is the digest of the code, the language and its pages' bytes: a
shard whose pages did not change keeps its bundle as it is in the output, or takes it
from the search cache (shardcache.py) when an earlier build, here or on the machine
whose cache was restored here, indexed the same pages.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.base.cache import code_fingerprint, digest
from sitegen.base.options import BuildOptions
from sitegen.engine.commit import Commit
from sitegen.engine.discard import discard_later
from sitegen.engine.jobs import ShardJob
from sitegen.engine.shardcache import SEARCH_FOLDER, ShardCache
from sitegen.engine.state import FileStat, ShardRecord
from sitegen.render.search import gather_pages, index_pages

if TYPE_CHECKING:
    from sitegen.engine.make import Made


class ShardIndexer:
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
        cached = options.cache_path / SEARCH_FOLDER if options.cache_path else None
        self.cache = ShardCache(cached, made.decisions.plan.language)

    def __enter__(self) -> ShardIndexer:
        digests = self.made.page_digests
        for job in self.made.decisions.plan.shards:
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
        for job in made.decisions.plan.shards:
            if job.shard.folder in self.indexing:
                fingerprint, bundle = self.indexing[job.shard.folder]
                paths = tuple(f"{job.shard.folder}/{rel}" for rel in bundle.result())
                made.shards[job.shard.folder] = ShardRecord(fingerprint, paths)
        self.cache.prune()

    def _complete(self, job: ShardJob) -> None:
        made = self.made
        decisions = made.decisions
        fingerprint = digest(
            code_fingerprint(),
            decisions.plan.language,
            *(made.page_digests[path] for path in job.pages),
        )
        if _keep_shard(made, job, fingerprint, self.options.output_path):
            previous = made.shards[job.shard.folder]
            made.search_stale |= previous.fingerprint != fingerprint
        elif decisions.search:
            bundle = self.pool.submit(
                _cached_or_indexed, made.commit, job, self.options, fingerprint, self.cache
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


def _cached_or_indexed(
    commit: Commit, job: ShardJob, options: BuildOptions, fingerprint: str, cache: ShardCache
) -> list[str]:
    """Stage the bundle of a shard from the search cache, or index it and keep it there;
    return the bundle's files."""
    folder = job.shard.folder
    cached = cache.get(fingerprint)
    if cached is not None:
        for rel, data in cached.items():
            commit.put(f"{folder}/{rel}", data)
        return sorted(cached)
    files = _index_shard(commit, job, options, cache.language)
    cache.put(fingerprint, {rel: _staged(commit, f"{folder}/{rel}") for rel in files})
    return files


def _staged(commit: Commit, rel: str) -> Path:
    """Return the file that holds rel after the commit: staged, or in the output."""
    pending = commit.pending_path / rel
    return pending if pending.is_file() else commit.output_path / rel


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
