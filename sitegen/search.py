"""Site search: index the built pages with Pagefind (an adapter, like feeds.py for feedgen).

Input: the staging folder with the built pages. Output: its `pagefind/` folder: the
index and the search interface that /hledat/ loads. Pages take part through the
attributes the templates set: `data-pagefind-body` on the content, `data-pagefind-filter`
for the "Kraj" and "Typ" filters. Pagefind folds diacritics when it indexes, so
"zlutice" finds "Žlutice".

Pagefind writes its filter and metadata files in an arbitrary order (upstream issue
Pagefind/pagefind#638), so `pagefind/` is the one folder of the output that is not
byte-identical between two builds of the same input. Handing it the pages one by one
in sorted order does not help and is forty times slower, so it reads the folder.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from pagefind.index import IndexConfig, PagefindIndex

from sitegen.errors import SitegenError

SEARCH_FOLDER = "pagefind"


class SearchIndexError(SitegenError):
    """Pagefind failed: the site is not published without its search."""


def index_site(site_path: Path, language: str) -> int:
    """Write the search index of the HTML pages under site_path; return the pages indexed.

    Raises:
        SearchIndexError: when Pagefind cannot index the pages.
    """
    try:
        return asyncio.run(_index(site_path.resolve(), language))
    except (OSError, AssertionError, RuntimeError) as error:
        raise SearchIndexError(f"search index: Pagefind failed: {error}") from error


async def _index(site_path: Path, language: str) -> int:
    config = IndexConfig(force_language=language, output_path=str(site_path / SEARCH_FOLDER))
    async with PagefindIndex(config=config) as index:
        result = await index.add_directory(str(site_path))
        return int(result["page_count"])
