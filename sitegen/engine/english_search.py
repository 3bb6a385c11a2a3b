"""Index: the English pages' own search bundle (/en/pagefind/), apart from the Czech tiers.

Input: the pages the build made or kept. Output: the bundle, indexed by Pagefind as
English (`--force-language en`) from every page under /en/ (Pagefind takes those that
mark their text with data-pagefind-body), and its record; the bundle is kept as it is
while its pages stay as they were, and made again whenever one of them changes. The
Czech tiers (tiers.py, indexer.py) leave it out: it is no part of their base.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sitegen.base.cache import code_fingerprint, digest
from sitegen.base.options import BuildOptions
from sitegen.base.urls import ENGLISH, ENGLISH_SEARCH_FOLDER
from sitegen.engine.commit import Commit
from sitegen.engine.discard import discard_later
from sitegen.engine.state import FileStat, ShardRecord
from sitegen.render.search import gather_pages, index_pages

if TYPE_CHECKING:
    from sitegen.engine.make import Made

ENGLISH_BUNDLE = f"{ENGLISH}/{ENGLISH_SEARCH_FOLDER}"
"""The bundle's folder in the output, and the name of its record."""


def is_english(name: str) -> bool:
    """Return True for the English bundle's record (or a page under /en/)."""
    return name.startswith(f"{ENGLISH}/")


def index_english(made: Made, options: BuildOptions) -> None:
    """Keep the English bundle when its pages did not change, or index them anew."""
    if not made.decisions.search:
        return  # the previous bundle was kept with every search file (indexer.py)
    digests = made.page_digests
    pages = tuple(sorted(path for path in digests if is_english(path)))
    if not pages:
        return
    fingerprint = digest(code_fingerprint(), ENGLISH, *(f"{p}\0{digests[p]}" for p in pages))
    previous = made.decisions.previous_shards.get(ENGLISH_BUNDLE)
    if (
        previous is not None
        and previous.fingerprint == fingerprint
        and _intact(made, previous, options)
    ):
        records = made.decisions.previous_records
        made.decisions.kept |= {path: records[path] for path in previous.files}
        made.shards[ENGLISH_BUNDLE] = previous
        return
    files = _indexed(made.commit, pages, options)
    made.shards[ENGLISH_BUNDLE] = ShardRecord(
        fingerprint,
        tuple(sorted(f"{ENGLISH_BUNDLE}/{rel}" for rel in files)),
        {path: (digests[path], "") for path in pages},
    )


def _intact(made: Made, record: ShardRecord, options: BuildOptions) -> bool:
    """Return True when the bundle's files are as the previous build left them."""
    previous = made.decisions.previous_records
    return all(
        path in previous and FileStat.of(options.output_path / path) == previous[path].stat
        for path in record.files
    )


def _indexed(commit: Commit, pages: tuple[str, ...], options: BuildOptions) -> list[str]:
    """Index pages (as they will be after the commit) into the staged bundle; return its files."""
    temporary = commit.search_folder()
    try:
        folder = temporary / "pages"
        staged = {path: commit.pending_path / path for path in pages}
        gather_pages(
            folder,
            {
                path: file if file.is_file() else commit.output_path / path
                for path, file in staged.items()
            },
        )
        bundle = temporary / "bundle"
        files = index_pages(folder, bundle, ENGLISH)
        for rel in files:
            commit.adopt(f"{ENGLISH_BUNDLE}/{rel}", bundle / rel)
        return files
    finally:
        discard_later(temporary)
