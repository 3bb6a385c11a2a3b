"""The search page's tiers file (`/pagefind-tiers.json`), for browser tests that serve
their own: the bundles a build wrote, and stale entries made by hand."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.base.urls import SEARCH_DELTA_FOLDER, SEARCH_TIERS_FILE
from sitegen.render.search import fragment_of

TIERS_FILE = SEARCH_TIERS_FILE
DELTA = f"/{SEARCH_DELTA_FOLDER}/"


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

    def text(self) -> str:
        stale = [{"id": page.id, "filters": page.filters} for page in self.stale]
        return json.dumps({"bundles": self.bundles, "stale": stale}, ensure_ascii=False)


def base_tiers(site: Path) -> Tiers:
    """Return the base bundles of the tiers file the build wrote into site, nothing stale."""
    bundles = json.loads((site / TIERS_FILE).read_text("utf-8"))["bundles"]
    return Tiers([bundle for bundle in bundles if bundle != DELTA])


def fragments(bundle: Path) -> list[Fragment]:
    """Return the pages of a Pagefind bundle, in the order of their ids."""
    found = []
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = fragment_of(path.read_bytes())
        filters = data.get("filters")
        assert isinstance(filters, dict), path
        found.append(Fragment(path.name.removesuffix(".pf_fragment"), str(data["url"]), filters))
    return found


def fragment_of_page(bundle: Path, url: str) -> Fragment:
    """Return the page of bundle at url."""
    return next(page for page in fragments(bundle) if page.url == url)
