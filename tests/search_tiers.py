"""Search tiers for the browser tests: `/pagefind-tiers.json` written beside a built site.

The build writes the tiers file itself once it indexes in tiers (a base bundle made at a
compaction, a delta bundle of the pages changed since). Until then, and for the cases
a test needs (an edited page, stale entries made by hand), these helpers write it: the
bundles of a built site, a delta bundle indexed by Pagefind from edited pages, and the
stale entries of the base's pages that the delta replaces.
"""

from __future__ import annotations

import gzip
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.render.search import index_pages

TIERS_FILE = "pagefind-tiers.json"
DELTA = "pagefind-delta"
MARK = b"pagefind_dcd"
"""What Pagefind writes before the JSON of a fragment (then gzips it)."""


@dataclass(frozen=True)
class Fragment:
    """A page as a Pagefind bundle holds it."""

    id: str
    url: str
    filters: dict[str, list[str]]


@dataclass
class Tiers:
    """The tiers file: the bundles to search, and the base's pages not to show."""

    bundles: list[str]
    stale: list[Fragment] = field(default_factory=list)

    def write(self, site: Path) -> None:
        stale = [{"id": page.id, "filters": page.filters} for page in self.stale]
        text = json.dumps({"bundles": self.bundles, "stale": stale}, ensure_ascii=False)
        (site / TIERS_FILE).write_text(text, "utf-8")


def fragments(bundle: Path) -> list[Fragment]:
    """Return the pages of a Pagefind bundle, in the order of their ids."""
    found = []
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = json.loads(gzip.decompress(path.read_bytes())[len(MARK) :])
        found.append(Fragment(path.name.removesuffix(".pf_fragment"), data["url"], data["filters"]))
    return found


def fragment_of(bundle: Path, url: str) -> Fragment:
    """Return the page of bundle at url."""
    return next(page for page in fragments(bundle) if page.url == url)


def base_tiers(site: Path) -> Tiers:
    """Return the tiers of a site built as now: its Pagefind bundles, no delta."""
    entries = site.glob("pagefind*/pagefind-entry.json")
    bundles = sorted(path.parent.name for path in entries if path.parent.name != DELTA)
    return Tiers([f"/{name}/" for name in bundles])


def add_delta(site: Path, edits: dict[str, str], work: Path) -> Tiers:
    """Index the pages at the site paths of edits (their new HTML) into a delta bundle of
    site; return the tiers with that delta last and the base's old pages stale."""
    tiers = base_tiers(site)
    pages = work / "delta-pages"
    for url, html in edits.items():
        path = pages / url.strip("/") / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, "utf-8")
    shutil.rmtree(site / DELTA, ignore_errors=True)
    index_pages(pages, site / DELTA, "cs")
    base = site / tiers.bundles[0].strip("/")
    stale = [fragment_of(base, url) for url in edits]
    return Tiers([*tiers.bundles, f"/{DELTA}/"], stale)
