"""The only module that knows the URL patterns of the built site and their output paths.

URLs are strings that start at the site's base path ("/" or "/asz/"); output paths are
POSIX paths inside the output folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

NEWS = "aktuality"
TOPICS = "temata"
REGIONS = "kraje"
LOCALITIES = "lokality"
PARTNERSHIPS = "partnerstvi"
PAGE_SEGMENT = "strana"
ARCHIVE_SEGMENT = "archiv"
SEARCH = "hledat"
SUBSCRIBE = "odber"

RESERVED_ROOT_NAMES = frozenset(
    {
        NEWS,
        TOPICS,
        REGIONS,
        LOCALITIES,
        PARTNERSHIPS,
        SEARCH,
        SUBSCRIBE,
        "pagefind",
        "static",
        "feed.xml",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "index.html",
    }
)
"""First URL segments that belong to generated sections: no page slug may take them."""


@dataclass(frozen=True, slots=True)
class Urls:
    """URL patterns of one build, under the base path of its base URL."""

    base_url: str
    """Absolute site address ending with "/", e.g. https://www.example.cz/."""

    @property
    def base_path(self) -> str:
        """Return the path of the base URL, e.g. "/" or "/asz/"."""
        return urlsplit(self.base_url).path or "/"

    def absolute(self, url: str) -> str:
        """Return the absolute address of a site URL."""
        split = urlsplit(self.base_url)
        return f"{split.scheme}://{split.netloc}{url}"

    def home(self) -> str:
        """Return the URL of the home page."""
        return self.base_path

    def news_item(self, slug: str) -> str:
        """Return the URL of one news item."""
        return f"{self.base_path}{NEWS}/{slug}/"

    def news_list(self) -> str:
        """Return the URL of the first page of all news."""
        return f"{self.base_path}{NEWS}/"

    def archive_index(self) -> str:
        """Return the URL of the list of archive years."""
        return f"{self.base_path}{NEWS}/{ARCHIVE_SEGMENT}/"

    def archive_year(self, year: int) -> str:
        """Return the URL of one year's news."""
        return f"{self.base_path}{NEWS}/{ARCHIVE_SEGMENT}/{year}/"

    def topic_index(self) -> str:
        """Return the URL of the list of topics."""
        return f"{self.base_path}{TOPICS}/"

    def topic(self, slug: str) -> str:
        """Return the URL of one topic's news."""
        return f"{self.base_path}{TOPICS}/{slug}/"

    def region_index(self) -> str:
        """Return the URL of the list of regions."""
        return f"{self.base_path}{REGIONS}/"

    def region(self, region_id: str) -> str:
        """Return the URL of one region."""
        return f"{self.base_path}{REGIONS}/{region_id}/"

    def locality_index(self) -> str:
        """Return the URL of the localities by region."""
        return f"{self.base_path}{LOCALITIES}/"

    def locality(self, slug: str) -> str:
        """Return the URL of one locality."""
        return f"{self.base_path}{LOCALITIES}/{slug}/"

    def partnership_index(self) -> str:
        """Return the URL of the list of partnerships."""
        return f"{self.base_path}{PARTNERSHIPS}/"

    def partnership(self, slug: str) -> str:
        """Return the URL of one partnership."""
        return f"{self.base_path}{PARTNERSHIPS}/{slug}/"

    def page(self, slug: str) -> str:
        """Return the URL of a plain page."""
        return f"{self.base_path}{slug}/"

    def search(self) -> str:
        """Return the URL of the search page."""
        return f"{self.base_path}{SEARCH}/"

    def alias(self, path: str) -> str:
        """Return the URL of an old address given as a path from the site's root."""
        return f"{self.base_path}{path.removeprefix('/')}"

    def subscribe(self) -> str:
        """Return the URL of the page that lists every feed."""
        return f"{self.base_path}{SUBSCRIBE}/"

    def file(self, name: str) -> str:
        """Return the URL of a file at the site root, e.g. feed.xml."""
        return f"{self.base_path}{name}"

    def output_path(self, url: str) -> str:
        """Return the output path (POSIX, relative) that serves url."""
        path = url.removeprefix(self.base_path)
        return path + "index.html" if path.endswith("/") or not path else path


def paged(first_url: str, number: int) -> str:
    """Return the URL of page number of a list whose first page is first_url."""
    return first_url if number == 1 else f"{first_url}{PAGE_SEGMENT}/{number}/"


def feed_of(list_url: str) -> str:
    """Return the URL of the RSS feed beside a list page (region or topic)."""
    return f"{list_url}feed.xml"
