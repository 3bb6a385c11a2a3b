"""Compaction in the background: the preview indexes the new base into the search cache
while it serves, and swaps it in at a later refresh.

A compaction runs Pagefind over whole parts of the base index (seconds at 1,000 pages).
The command line does it at once; the preview must answer the next save first, so when
the delta outgrows its limit there, the build keeps the old base with a larger delta,
and a thread indexes the new parts into the search cache (shardcache.py) from links to
the pages as this build left them. A later refresh then finds every part in the cache
and compacts in the time it takes to copy them.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from sitegen.engine.shardcache import ShardCache
from sitegen.render.search import SearchIndexError, gather_pages, index_pages

_preparing: set[str] = set()
"""Fingerprints of the parts being indexed in the background."""
_lock = threading.Lock()
_threads: list[threading.Thread] = []


def prepare_in_background(
    parts: Sequence[tuple[str, Mapping[str, Path], int]], cache_folder: Path, language: str
) -> None:
    """Index each part (its fingerprint, its pages: output path → the file holding the
    page now, and its index chunk) into the search cache in a thread, unless a thread is
    at it already.

    The pages are linked (or copied) here, before the build commits, so the thread
    indexes them as they are now whatever later builds write.
    """
    with _lock:
        todo = [part for part in parts if part[0] not in _preparing]
        _preparing.update(fingerprint for fingerprint, _pages, _chunk in todo)
    if not todo:
        return
    cache_folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="compacting-", dir=cache_folder))
    gathered: list[tuple[str, Path, int]] = []
    for number, (fingerprint, pages, chunk) in enumerate(todo):
        folder = work / str(number)
        gather_pages(folder / "pages", dict(pages))
        gathered.append((fingerprint, folder, chunk))
    thread = threading.Thread(
        target=_index_parts,
        args=(gathered, work, ShardCache(cache_folder, language)),
        name="sitegen-compaction",
        daemon=True,
    )
    with _lock:
        _threads.append(thread)
    thread.start()


def _index_parts(gathered: list[tuple[str, Path, int]], work: Path, cache: ShardCache) -> None:
    try:
        for fingerprint, folder, chunk in gathered:
            bundle = folder / "bundle"
            try:
                files = index_pages(folder / "pages", bundle, cache.language, chunk)
            except SearchIndexError:
                continue  # the compaction at the next refresh runs Pagefind and reports it
            cache.put(fingerprint, {rel: bundle / rel for rel in files})
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with _lock:
            _preparing.difference_update(fingerprint for fingerprint, _folder, _chunk in gathered)


def wait_for_background() -> None:
    """Wait until every part being indexed in the background is in the cache."""
    with _lock:
        threads = list(_threads)
        _threads.clear()
    for thread in threads:
        thread.join()
