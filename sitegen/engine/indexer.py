"""Index: keep or make the search bundles once their pages are made, and the tiers file.

The search index has tiers (tiers.py): the parts of the base index, made at a
compaction, and a delta of the pages changed since. A cold build compacts: each part is
indexed as soon as its pages are made, while the other pages render. Later builds keep
the base and index only the delta, until it outgrows DELTA_MAX_PAGES. A bundle's
fingerprint is the digest of the code, the language and its pages' bytes: a bundle whose
pages did not change is kept as it is in the output, or taken from the search cache
(shardcache.py) when an earlier build, here or on the machine whose cache was restored
here, indexed the same pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.base.cache import code_fingerprint, digest
from sitegen.base.options import BuildOptions
from sitegen.base.urls import ENGLISH, SEARCH_DELTA_FOLDER, SEARCH_TIERS_FILE
from sitegen.engine.commit import Commit
from sitegen.engine.compaction import prepare_in_background
from sitegen.engine.discard import discard_later
from sitegen.engine.jobs import ShardJob
from sitegen.engine.shardcache import SEARCH_FOLDER, ShardCache
from sitegen.engine.state import ShardRecord, is_intact
from sitegen.engine.tiers import ENGLISH_BUNDLE, Delta, is_base, is_english, split_delta, tiers_file
from sitegen.plan.shards import SearchShard, index_chunk
from sitegen.render.search import gather_pages, index_pages, page_ids

if TYPE_CHECKING:
    from sitegen.engine.make import Made

Bundle = Future[dict[str, str]]
"""A bundle being made: its files (path inside it → output path of the file)."""


class ShardIndexer:
    """Keeps or indexes each search bundle once all of its pages are made.

    Pagefind runs in processes of its own, one at a time (it holds a whole index in
    memory): the thread here only waits for them, so the other pages render meanwhile.
    """

    def __init__(self, made: Made, options: BuildOptions) -> None:
        self.made, self.options = made, options
        self._folder = str(options.output_path)
        self._looked_at: dict[str, bool] = {}
        decisions = made.decisions
        self.base = {
            folder: record
            for folder, record in decisions.previous_shards.items()
            if is_base(folder) and record.pages
        }
        self.compacting = decisions.search and not (self.base and self._intact(self.base))
        """A cold build (or a base that is missing or was changed): make the base anew."""
        self.missing: dict[str, int] = {}
        """Part folder → how many of its pages are not made yet."""
        self.shards_of: dict[str, list[ShardJob]] = {}
        """Page not made yet → the parts that index it."""
        self.indexing: dict[str, tuple[str, ShardJob, Bundle]] = {}
        """Bundle folder → (its fingerprint, its job, its files once Pagefind is done)."""
        self.pool = ThreadPoolExecutor(1, "sitegen-search")
        cached = options.cache_path / SEARCH_FOLDER if options.cache_path else None
        self.cache = ShardCache(cached, decisions.plan.language)
        self.english_cache = ShardCache(cached and cached / ENGLISH, ENGLISH)

    def __enter__(self) -> ShardIndexer:
        if not self.compacting:
            return self
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
        """Note that paths were made; keep or start indexing the parts they complete."""
        for path in paths:
            for job in self.shards_of.get(path, ()):
                self.missing[job.shard.folder] -= 1
                if not self.missing[job.shard.folder]:
                    self._complete(job)

    def finish(self) -> None:
        """Keep or index the delta (or compact the base), wait for Pagefind, and record
        every bundle and the tiers file.

        Raises:
            SearchIndexError: when Pagefind failed.
        """
        made = self.made
        if not made.decisions.search:
            self._keep_without_search()
            return
        delta = Delta((), (), 0)
        if not self.compacting:
            searchable = self._searchable()
            delta = split_delta(self.base, searchable)
            if delta.too_large and not self._compact_later():
                self.compacting = True
                delta = Delta((), (), 0)
                for job in made.decisions.plan.shards:
                    self._complete(job)
            else:
                self._keep_base()
                self._delta(delta, len(searchable))
        self._english()
        for folder, (fingerprint, job, bundle) in self.indexing.items():
            made.shards[folder] = self._record(fingerprint, job, bundle.result())
        self._tiers(delta)
        self.cache.prune()
        self.english_cache.prune()

    def _searchable(self) -> dict[str, str]:
        """Return every searchable page's output path → digest of its bytes, in order."""
        digests = self.made.page_digests
        return {
            path: digests[path] for job in self.made.decisions.plan.shards for path in job.pages
        }

    def _compact_later(self) -> bool:
        """In the preview, start indexing the parts of the new base that the search cache
        does not hold in the background; return True when some were missing (the old
        base stays until a later refresh finds them all)."""
        cache_path = self.options.cache_path
        if not (self.options.compact_in_background and cache_path):
            return False
        missing = [
            (fingerprint, job)
            for job in self.made.decisions.plan.shards
            if (fingerprint := self._fingerprint(job))
            and not self._keepable(job.shard.folder, fingerprint)
            and not self.cache.has(fingerprint)
        ]
        if missing:
            commit = self.made.commit
            parts = [
                (fingerprint, {path: _staged(commit, path) for path in job.pages}, job.shard.chunk)
                for fingerprint, job in missing
            ]
            prepare_in_background(parts, cache_path / SEARCH_FOLDER, self.cache.language)
            self.made.search_stale = True
        return bool(missing)

    def _fingerprint(self, job: ShardJob) -> str:
        made = self.made
        return digest(
            code_fingerprint(),
            made.decisions.plan.language,
            str(job.shard.chunk),
            *(made.page_digests[path] for path in job.pages),
        )

    def _keepable(self, folder: str, fingerprint: str) -> bool:
        """Return True when the output holds the bundle of folder made from these pages."""
        previous = self.made.decisions.previous_shards.get(folder)
        return bool(
            previous
            and previous.fingerprint == fingerprint
            and previous.pages
            and self._intact({folder: previous})
        )

    def _complete(self, job: ShardJob) -> None:
        """Keep a part of the base whose pages did not change, or start indexing it."""
        fingerprint = self._fingerprint(job)
        folder = job.shard.folder
        if self._keepable(folder, fingerprint):
            self._keep(folder, self.made.decisions.previous_shards[folder])
            return
        self._submit(fingerprint, job)

    def _submit(self, fingerprint: str, job: ShardJob, cache: ShardCache | None = None) -> None:
        bundle = self.pool.submit(
            _cached_or_indexed,
            self.made.commit,
            job,
            self.options,
            fingerprint,
            cache or self.cache,
        )
        self.indexing[job.shard.folder] = (fingerprint, job, bundle)

    def _keep_base(self) -> None:
        for folder, record in self.base.items():
            self._keep(folder, record)

    def _delta(self, delta: Delta, site_pages: int) -> None:
        """Keep the delta bundle if it holds these pages as they are, or index it (its
        chunks cut to its share of the site_pages searchable pages)."""
        chunk = index_chunk(len(delta.pages), site_pages)
        self._bundle(SearchShard(SEARCH_DELTA_FOLDER, (), chunk), delta.pages, self.cache)

    def _english(self) -> None:
        """Keep the English pages' own bundle (indexed as English, apart from the Czech
        tiers) if it holds them as they are, or index it."""
        pages = tuple(sorted(path for path in self.made.page_digests if is_english(path)))
        self._bundle(SearchShard(ENGLISH_BUNDLE, ()), pages, self.english_cache)

    def _bundle(self, shard: SearchShard, pages: tuple[str, ...], cache: ShardCache) -> None:
        """Keep the bundle of shard if it holds these pages as they are, or index it."""
        if not pages:
            return
        digests = self.made.page_digests
        fingerprint = digest(
            code_fingerprint(),
            cache.language,
            str(shard.chunk),
            *(f"{path}\0{digests[path]}" for path in pages),
        )
        previous = self.made.decisions.previous_shards.get(shard.folder)
        if (
            previous
            and previous.fingerprint == fingerprint
            and self._intact({shard.folder: previous})
        ):
            self._keep(shard.folder, previous)
            return
        self._submit(fingerprint, ShardJob(shard, pages), cache)

    def _tiers(self, delta: Delta) -> None:
        """Keep or write the tiers file: the bundles to merge and the stale pages."""
        made = self.made
        urls = made.decisions.plan.globals.urls
        folders = sorted(folder for folder in made.shards if is_base(folder))  # main first
        if SEARCH_DELTA_FOLDER in made.shards:
            folders.append(SEARCH_DELTA_FOLDER)
        data = tiers_file(
            [urls.file(f"{folder}/") for folder in folders], delta.stale, self.options.output_path
        )
        fingerprint = digest(data.decode())
        previous = made.decisions.previous_shards.get(SEARCH_TIERS_FILE)
        record = ShardRecord(fingerprint, (SEARCH_TIERS_FILE,))
        if previous == record and self._intact({SEARCH_TIERS_FILE: previous}):
            self._keep(SEARCH_TIERS_FILE, previous)
        else:
            made.commit.put(SEARCH_TIERS_FILE, data)
            made.shards[SEARCH_TIERS_FILE] = record

    def _keep_without_search(self) -> None:
        """Keep every search file of the previous output (the preview's quick builds);
        note when its index no longer shows every page as it is."""
        made = self.made
        previous = made.decisions.previous_shards
        kept = {name: record for name, record in previous.items() if self._intact({name: record})}
        for name, record in kept.items():
            self._keep(name, record)
        base = {name: record for name, record in kept.items() if is_base(name) and record.pages}
        if not base or len(kept) != len(previous):
            made.search_stale = True
            return
        searchable = self._searchable()
        wanted = {path: searchable[path] for path in split_delta(base, searchable).pages}
        indexed = previous.get(SEARCH_DELTA_FOLDER, _NO_DELTA).pages
        made.search_stale = wanted != {path: page[0] for path, page in indexed.items()}

    def _keep(self, name: str, record: ShardRecord) -> None:
        records = self.made.decisions.previous_records
        self.made.shards[name] = record
        self.made.decisions.kept |= {path: records[path] for path in record.files}

    def _intact(self, records: Mapping[str, ShardRecord]) -> bool:
        """Return True when the files of these search records are as the build left them."""
        return all(self._file_intact(path) for record in records.values() for path in record.files)

    def _file_intact(self, path: str) -> bool:
        """Return True when the output file at path is as the previous build left it (each
        file is looked at once: the base's parts are asked about twice)."""
        known = self._looked_at.get(path)
        if known is None:
            record = self.made.decisions.previous_records.get(path)
            known = record is not None and is_intact(self._folder, path, record)
            self._looked_at[path] = known
        return known

    def _record(self, fingerprint: str, job: ShardJob, files: dict[str, str]) -> ShardRecord:
        """Return the record of a bundle just made: its files, and its pages with their ids."""
        ids = page_ids({rel: _staged(self.made.commit, path) for rel, path in files.items()})
        digests = self.made.page_digests
        pages = {path: (digests[path], ids.get(_url_of(path), "")) for path in job.pages}
        return ShardRecord(fingerprint, tuple(sorted(files.values())), pages)


_NO_DELTA = ShardRecord("", ())


def _url_of(path: str) -> str:
    """Return the URL Pagefind gives the page at an output path (inside its bundle)."""
    return "/" + path.removesuffix("index.html")


def _cached_or_indexed(
    commit: Commit, job: ShardJob, options: BuildOptions, fingerprint: str, cache: ShardCache
) -> dict[str, str]:
    """Stage a bundle from the search cache, or index it and keep it there; return the
    bundle's files (path inside it → output path)."""
    folder = job.shard.folder
    cached = cache.get(fingerprint)
    if cached is not None:
        for rel, data in cached.items():
            commit.put(f"{folder}/{rel}", data)
        return {rel: f"{folder}/{rel}" for rel in sorted(cached)}
    files = _index_shard(commit, job, options, cache.language)
    cache.put(fingerprint, {rel: _staged(commit, f"{folder}/{rel}") for rel in files})
    return {rel: f"{folder}/{rel}" for rel in files}


def _staged(commit: Commit, rel: str) -> Path:
    """Return the file that holds rel after the commit: staged, or in the output."""
    pending = commit.pending_path / rel
    return pending if pending.is_file() else commit.output_path / rel


def _index_shard(commit: Commit, job: ShardJob, options: BuildOptions, language: str) -> list[str]:
    """Index one bundle from its pages as they will be after the commit; stage it (the
    files the output does not hold already) and return the bundle's files.

    When the output has no bundle in its folder yet (a cold build), Pagefind writes it
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
            return index_pages(pages, commit.pending_path / folder, language, job.shard.chunk)
        bundle = temporary / "bundle"
        files = index_pages(pages, bundle, language, job.shard.chunk)
        for rel in files:
            commit.adopt(f"{folder}/{rel}", bundle / rel)
        return files
    finally:
        discard_later(temporary)  # while the build commits: it is not needed any more
