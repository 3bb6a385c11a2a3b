"""Site search: index the built pages with Pagefind, one bundle at a time.

Input: a folder holding one bundle's pages at their output paths. Output: that bundle's
Pagefind bundle (index and interface), as files by path, and the Pagefind id of each
of its pages (read from its fragments). Pages take part through the
attributes the templates set: `data-pagefind-body` on the content, `data-pagefind-filter`
for the "Kraj" and "Typ" filters. Pagefind folds diacritics when it indexes, so
"zlutice" finds "Žlutice". Pagefind has no Czech stemmer, so words are indexed as
written and the search page stems the query instead (static/js/czech-query.js):
"ve Žluticích" becomes "žluti", which Pagefind finds as the beginning of "Žlutice".
The search page merges the bundles in the browser (Pagefind's mergeIndex): the parts of
the base index and the delta of the pages changed since (engine/tiers.py), so an edit
re-indexes the small delta, not the site.

Each bundle is indexed by Pagefind's command line in bulk: its Python API costs about
100 ms per page added one by one. Pagefind writes its filter and metadata files in an
arbitrary order (upstream issue Pagefind/pagefind#638), so the bundles are the one
part of the output that is not byte-identical between two builds of the same input.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import subprocess
import sys
import zlib
from collections.abc import Mapping
from pathlib import Path

from sitegen.base.errors import SitegenError
from sitegen.base.i18n import _


class SearchIndexError(SitegenError):
    """Pagefind failed: the site is not published without its search."""


def index_pages(
    pages_path: Path, bundle_path: Path, language: str, chunk: int | None = None
) -> list[str]:
    """Index the HTML pages under pages_path into a new folder bundle_path, with chunk word
    locations per index chunk (None: Pagefind's default); return the bundle's files, as
    paths relative to it, sorted.

    Raises:
        SearchIndexError: when Pagefind cannot index the pages.
    """
    command = [
        *_WITHOUT_RENDER_LIMIT,
        *pagefind_command(),
        "--site",
        str(pages_path),
        "--output-path",
        str(bundle_path),
        "--force-language",
        language,
        "--silent",
    ]
    environment = dict(os.environ)
    environment.pop(_CHUNK_VARIABLE, None)
    if chunk is not None:
        environment[_CHUNK_VARIABLE] = str(chunk)
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=3600, env=environment)
    except (OSError, subprocess.SubprocessError) as error:
        detail = getattr(error, "stderr", b"") or b""
        message = detail.decode("utf-8", "replace").strip() or str(error)
        raise SearchIndexError(
            _("search index: Pagefind failed: {reason}").format(reason=message)
        ) from error
    found: list[str] = []
    for top, _dirs, names in os.walk(bundle_path):
        rel = os.path.relpath(top, bundle_path)
        found += [name if rel == "." else f"{rel}/{name}".replace(os.sep, "/") for name in names]
    return sorted(found)


_CHUNK_VARIABLE = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE"
"""Pagefind's setting of its word locations per index chunk (pagefind/src/options.rs in
1.5.2, default 20,000); the pinned version is checked by tests/test_search_tiers.py."""

_WITHOUT_RENDER_LIMIT = ["sh", "-c", 'ulimit -S -v "$(ulimit -H -v)" 2>/dev/null; exec "$@"', "-"]
"""Runs the command after it without the address-space limit of the page that the
build's main thread may be rendering when Pagefind starts (templates._memory_limit)."""


def pagefind_command() -> list[str]:
    """Return the command that runs Pagefind: its binary itself, without a Python between."""
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]

        return [str(get_executable())]
    except (ImportError, OSError, RuntimeError, FileNotFoundError):
        return [sys.executable, "-m", "pagefind"]


def gather_pages(target: Path, pages: dict[str, Path]) -> None:
    """Place each page (output path → file holding it) under target, by hard link if possible."""
    made: set[Path] = set()
    for rel, source in pages.items():
        destination = target / rel
        if destination.parent not in made:
            destination.parent.mkdir(parents=True, exist_ok=True)
            made.add(destination.parent)
        try:
            os.link(source, destination)
        except OSError:
            destination.write_bytes(source.read_bytes())


_FRAGMENT = re.compile(r"fragment/([\w-]{1,64})\.pf_fragment")
_FRAGMENT_SIGNATURE = b"pagefind_dcd"


def fragment_of(data: bytes) -> dict[str, object]:
    """Return what a bundle's fragment file says of its page (url, filters, meta, …);
    {} when it is not a fragment Pagefind wrote."""
    try:
        text = gzip.decompress(data)
        if not text.startswith(_FRAGMENT_SIGNATURE):
            return {}
        fragment = json.loads(text[len(_FRAGMENT_SIGNATURE) :])
    except (OSError, EOFError, ValueError, zlib.error):
        return {}
    return fragment if isinstance(fragment, dict) else {}


def page_ids(files: Mapping[str, bytes | Path]) -> dict[str, str]:
    """Return the Pagefind id of each page of a bundle (the id of its search results), by
    the page's URL; files are the bundle's files by path inside it (bytes, or the file)."""
    ids: dict[str, str] = {}
    for name, data in files.items():
        match = _FRAGMENT.fullmatch(name)
        if not match:
            continue
        with contextlib.suppress(OSError):
            url = fragment_of(data if isinstance(data, bytes) else data.read_bytes()).get("url")
            if isinstance(url, str):
                ids[url] = match.group(1)
    return ids
