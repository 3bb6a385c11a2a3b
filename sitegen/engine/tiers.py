"""Tiers of the search index: the base, the delta, and the file that names them.

The base index (one bundle, or a few parts on a large site: plan/shards.py) holds every
searchable page as it was at the last compaction; the delta holds the pages added or
changed since. The search page merges both and leaves out the base's results for the
pages the delta replaces or the site no longer has ("stale"), as a log-structured store
reads its levels. An edit re-indexes only the delta; when the delta grows past
DELTA_MAX_PAGES, the build compacts: it indexes the base anew, and the delta is empty.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sitegen.base.urls import (
    ENGLISH,
    ENGLISH_SEARCH_FOLDER,
    SEARCH_DELTA_FOLDER,
    SEARCH_TIERS_FILE,
)
from sitegen.engine.state import ShardRecord
from sitegen.render.search import fragment_of

DELTA_MAX_PAGES = 100
"""Pages the delta may hold (changed, added or removed since the base was made) before
the build compacts. Pagefind indexes the delta anew at every edit, in about 0.1 s plus
3 ms a page, so the delta costs an edit at most about 0.4 s; a compaction costs a run of
Pagefind over a base part (about 3 s of CPU for 1,200 pages), once in about 15 to 100 edits."""


ENGLISH_BUNDLE = f"{ENGLISH}/{ENGLISH_SEARCH_FOLDER}"
"""The English pages' own bundle (indexed as English), apart from the Czech tiers."""


def is_english(name: str) -> bool:
    """Return True for the English bundle's record, or a page under /en/."""
    return name.startswith(f"{ENGLISH}/")


def is_base(folder: str) -> bool:
    """Return True when a search record's name is a part of the base index (the English
    pages' bundle is none: the base holds the Czech pages only)."""
    return folder not in {SEARCH_DELTA_FOLDER, SEARCH_TIERS_FILE} and not is_english(folder)


@dataclass(frozen=True, slots=True)
class Delta:
    """The searchable pages the base does not hold as they are now."""

    pages: tuple[str, ...]
    """Output paths of the pages to index in the delta: added, or changed since the base."""
    stale: tuple[tuple[str, str], ...]
    """(base folder, Pagefind id) of each page of the base to leave out of the results:
    changed since, or no longer on the site."""
    removed: int
    """Pages of the base no longer on the site."""

    @property
    def too_large(self) -> bool:
        """Return True when the base must be made anew (see DELTA_MAX_PAGES)."""
        return len(self.pages) + self.removed > DELTA_MAX_PAGES


def split_delta(base: Mapping[str, ShardRecord], searchable: Mapping[str, str]) -> Delta:
    """Return the delta between the base and the searchable pages (output path → digest
    of the page's bytes), in the order of searchable."""
    indexed: dict[str, tuple[str, str, str]] = {}
    for folder, record in base.items():
        for path, (page_digest, page_id) in record.pages.items():
            indexed[path] = (folder, page_digest, page_id)
    pages = tuple(
        path for path, page_digest in searchable.items() if _digest(indexed, path) != page_digest
    )
    stale = sorted(
        (folder, page_id)
        for path, (folder, page_digest, page_id) in indexed.items()
        if searchable.get(path) != page_digest
    )
    removed = sum(1 for path in indexed if path not in searchable)
    return Delta(pages, tuple(stale), removed)


def _digest(indexed: Mapping[str, tuple[str, str, str]], path: str) -> str:
    found = indexed.get(path)
    return found[1] if found else ""


def tiers_file(bundles: Sequence[str], stale: Sequence[tuple[str, str]], output: Path) -> bytes:
    """Return the tiers file the search page reads: the URLs of the bundles to merge
    (the base's parts, then the delta) and the stale pages of the base, each with its
    filter values (read from its fragment in the output), so that the page can correct
    the filter counts."""
    entries = [
        {
            "id": page_id,
            "filters": _filters(output / folder / "fragment" / f"{page_id}.pf_fragment"),
        }
        for folder, page_id in stale
    ]
    body = {"bundles": list(bundles), "stale": entries}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _filters(fragment: Path) -> dict[str, list[str]]:
    try:
        filters = fragment_of(fragment.read_bytes()).get("filters")
    except OSError:
        return {}
    if not isinstance(filters, dict):
        return {}
    return {
        str(name): [str(value) for value in values]
        for name, values in filters.items()
        if isinstance(values, list)
    }
