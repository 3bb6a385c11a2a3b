"""The only module that knows the URL patterns of the built site and their output paths.

URLs are strings that start at the site's base path ("/" or "/asz/"); output paths are
POSIX paths inside the output folder.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from sitegen.base.i18n import _

NEWS = "aktuality"
TOPICS = "temata"
REGIONS = "kraje"
LOCALITIES = "lokality"
PARTNERSHIPS = "partnerstvi"
PAGE_SEGMENT = "strana"
ARCHIVE_SEGMENT = "archiv"
SEARCH = "hledat"
SUBSCRIBE = "odber"
OPEN_DATA = "otevrena-data"
"""The page that explains the open data on the localities."""
DATA_FOLDER = "data"
"""The folder of the open-data files (lokality.csv, katalog.jsonld, …)."""
SEARCH_FOLDER = "pagefind"
"""The main search bundle's folder; the folders of the other parts of the search base
index start with it too (pagefind-aktuality-2012-01-05-2015-03-02)."""
SEARCH_DELTA_FOLDER = "pagefind-delta"
"""The search delta index: the pages changed since the base index was made."""
SEARCH_TIERS_FILE = "pagefind-tiers.json"
"""Which search bundles the search page merges, and which pages of the base to leave out."""
CZECH = "cs"
"""The site's own language: the originals' (X.md), at the root of the site."""
ENGLISH = "en"
"""The folder of the English translations (/en/): the language code of their pages."""
ENGLISH_NEWS = "news"
ENGLISH_LOCALITIES = "localities"
ENGLISH_PARTNERSHIPS = "partnerships"
ENGLISH_SEARCH = "search"
ENGLISH_SEARCH_FOLDER = "pagefind"
"""The English pages' own search bundle: /en/pagefind/."""
ENGLISH_RESERVED_NAMES = frozenset(
    {
        ENGLISH_NEWS,
        ENGLISH_LOCALITIES,
        ENGLISH_PARTNERSHIPS,
        ENGLISH_SEARCH,
        ENGLISH_SEARCH_FOLDER,
        "feed.xml",
        "atom.xml",
        "index.html",
    }
)
"""First URL segments under /en/ that belong to generated sections: no English page's
slug may take them."""

RESERVED_ROOT_NAMES = frozenset(
    {
        NEWS,
        TOPICS,
        REGIONS,
        LOCALITIES,
        PARTNERSHIPS,
        SEARCH,
        SUBSCRIBE,
        OPEN_DATA,
        DATA_FOLDER,
        SEARCH_FOLDER,
        SEARCH_DELTA_FOLDER,
        SEARCH_TIERS_FILE,
        ENGLISH,
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

    def english_home(self) -> str:
        """Return the URL of the English home page (/en/)."""
        return f"{self.base_path}{ENGLISH}/"

    def english_page(self, slug: str) -> str:
        """Return the URL of a plain page's English translation."""
        return f"{self.english_home()}{slug}/"

    def english_news_item(self, slug: str) -> str:
        """Return the URL of a news item's English translation."""
        return f"{self.english_home()}{ENGLISH_NEWS}/{slug}/"

    def english_locality(self, slug: str) -> str:
        """Return the URL of a locality's English translation."""
        return f"{self.english_home()}{ENGLISH_LOCALITIES}/{slug}/"

    def english_partnership(self, slug: str) -> str:
        """Return the URL of a partnership's English translation."""
        return f"{self.english_home()}{ENGLISH_PARTNERSHIPS}/{slug}/"

    def english_search(self) -> str:
        """Return the URL of the English search page."""
        return f"{self.english_home()}{ENGLISH_SEARCH}/"

    def english_file(self, name: str) -> str:
        """Return the URL of a file under /en/, e.g. feed.xml."""
        return f"{self.english_home()}{name}"

    def alias(self, path: str) -> str:
        """Return the URL of an old address given as a path from the site's root."""
        return f"{self.base_path}{path.removeprefix('/')}"

    def subscribe(self) -> str:
        """Return the URL of the page that lists every feed."""
        return f"{self.base_path}{SUBSCRIBE}/"

    def open_data(self) -> str:
        """Return the URL of the page that explains the open data."""
        return f"{self.base_path}{OPEN_DATA}/"

    def data_file(self, name: str) -> str:
        """Return the URL of an open-data file, e.g. lokality.csv."""
        return f"{self.base_path}{DATA_FOLDER}/{name}"

    def file(self, name: str) -> str:
        """Return the URL of a file at the site root, e.g. feed.xml."""
        return f"{self.base_path}{name}"

    def section_indexes(self) -> tuple[str, ...]:
        """Return the URLs of the site's own list pages but home: each section's index."""
        return (
            self.news_list(),
            self.archive_index(),
            self.topic_index(),
            self.region_index(),
            self.locality_index(),
            self.partnership_index(),
            self.search(),
            self.subscribe(),
        )

    def section_of(self, url: str, region_ids: Collection[str] = ()) -> str | None:
        """Return the list page of the site that url is one page of (home, a section's
        index or one of its numbered pages, a year of the archive, one of region_ids'
        regions) as its first page's URL, or None for any other URL."""
        if url == self.home():
            return url
        for index in self.section_indexes():
            rest = url.removeprefix(index) if url.startswith(index) else None
            if rest is not None and (rest == "" or _NUMBERED_PAGE.fullmatch(rest)):
                return index
        year = url.removeprefix(self.archive_index())
        if url.startswith(self.archive_index()) and _ARCHIVE_PAGE.fullmatch(year):
            return self.archive_index()
        region = url.removeprefix(self.region_index()).partition("/")[0]
        if url.startswith(self.region_index()) and region in region_ids:
            rest = url.removeprefix(self.region(region))
            if url.startswith(self.region(region)) and (not rest or _NUMBERED_PAGE.fullmatch(rest)):
                return self.region(region)
        return None

    def output_path(self, url: str) -> str:
        """Return the output path (POSIX, relative) that serves url."""
        path = url.removeprefix(self.base_path)
        return path + "index.html" if path.endswith("/") or not path else path


_NUMBERED_PAGE = re.compile(rf"{PAGE_SEGMENT}/\d+/")
"""What follows a list's first page in the address of its other pages: strana/2/."""
_ARCHIVE_PAGE = re.compile(rf"\d{{4}}/(?:{PAGE_SEGMENT}/\d+/)?")
"""What follows the archive's index in the address of a year's pages: 2019/, 2019/strana/2/."""


def paged(first_url: str, number: int) -> str:
    """Return the URL of page number of a list whose first page is first_url."""
    return first_url if number == 1 else f"{first_url}{PAGE_SEGMENT}/{number}/"


def feed_of(list_url: str) -> str:
    """Return the URL of the RSS feed beside a list page (region or topic)."""
    return f"{list_url}feed.xml"


# Old addresses (front matter `aliases:`) -------------------------------------------

MAX_ALIAS_PART = 200
"""Longest part of an old address, in bytes: file systems refuse names over 255."""
MACHINERY_NAMES = frozenset(
    {
        "_redirects",
        "redirects.nginx.conf",
        "admin",
        "feed.xml",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
    }
)
"""Names at the output's root that the site's own files take, besides the search
folders (SEARCH_FOLDER…) and hidden names (.sitegen-output): no old address may be at
or under them. admin/ is kept for the web editor."""
ALIAS_SAFE = "/-._~"
"""What an old address is written out with besides ASCII letters and digits, in
`_redirects`: anything else is percent-encoded there, so no host reads a pattern."""

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_ALIAS_CHARS = re.compile(r"[\w.~/%-]*")
"""What an old address may hold as written: letters and digits (Czech ones too, as
browsers show them), _ - . ~ / and percent-escapes of anything else."""
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_UNSAFE_DECODED = re.compile('[\x00-\x1f\x7f-\x9f"\\\\]')
"""Decoded characters that no file name or server configuration should get."""


def normalise_alias(value: str) -> str:
    """Return an old address's path, checked, percent-decoded, a folder ending with "/".

    A path whose last segment has no dot is a folder ("/stary-web/clanek-123/"); one
    with a dot names a file ("/clanek.php") and is kept as it is. The path holds no
    pattern of any web host (`*`, `:name`), no hidden name and nothing under the
    site's own files (search, feeds, redirects, admin/).

    Raises:
        ValueError: saying, in the reader's language, what is wrong and what to write.
    """
    _check_alias_form(value)
    path = _decoded_alias(value)
    _check_alias_parts(value, path.split("/")[1:])
    where = machinery_of(path)
    if where:
        raise ValueError(
            _(
                "{value!r} falls within {where!r}, which the site itself publishes; an old "
                "address there would replace it: remove this one"
            ).format(value=value, where=where)
        )
    last = path.rsplit("/", 1)[-1]
    return path + "/" if last and "." not in last else path


def machinery_of(path: str, static_names: Collection[str] = ()) -> str | None:
    """Return the site's own folder or file that path (decoded, from the site's root)
    is at or under, as "/pagefind…", "/_redirects" or "/css"; None when it is free.

    Names compare without case: some hosts (Netlify) match addresses so. static_names
    are the names at the top of static/, which is published at the root.
    """
    first = path.removeprefix("/").split("/", 1)[0].casefold()
    if first.startswith(SEARCH_FOLDER):
        return f"/{SEARCH_FOLDER}…"
    if first in MACHINERY_NAMES:
        return f"/{first}"
    folded = {name.casefold(): name for name in static_names}
    return f"/{folded[first]}" if first in folded else None


def quote_alias(url: str) -> str:
    """Return an old address percent-encoded but for letters, digits and ALIAS_SAFE."""
    return quote(url, ALIAS_SAFE)


def _check_alias_form(value: str) -> None:
    """Refuse a whole web address, a relative path, a query, an anchor and patterns."""
    if _SCHEME.match(value) or value.startswith("//"):
        path = urlsplit(value if _SCHEME.match(value) else "http:" + value).path or "/"
        raise ValueError(
            _("{value!r} is a web address; write only its path, {path!r}").format(
                value=value, path=path
            )
        )
    if not value.startswith("/"):
        raise ValueError(
            _("{value!r} must start with '/': write the path from the site's root").format(
                value=value
            )
        )
    if "?" in value:
        raise ValueError(
            _(
                "{value!r} has a query ('?…'); a static site cannot tell addresses "
                "apart by it: write the path only, {path!r}"
            ).format(value=value, path=value.split("?")[0])
        )
    if "#" in value:
        raise ValueError(
            _(
                "{value!r} has an anchor ('#…'); a static site cannot tell addresses "
                "apart by it: write the path only, {path!r}"
            ).format(value=value, path=value.split("#")[0])
        )
    _check_patterns(value, unquote(value).split("/")[1:])


def _check_patterns(value: str, parts: list[str]) -> None:
    """Refuse the wildcard and placeholders of `_redirects` (Netlify, Cloudflare Pages)."""
    if any("*" in part for part in parts):
        raise ValueError(
            _(
                "{value!r} contains '*', which web hosts read as any address; an alias is "
                "one old address: list each in full, e.g. '/clanky/123/'"
            ).format(value=value)
        )
    if any(part.startswith(":") for part in parts):
        raise ValueError(
            _(
                "{value!r} has a part starting with ':', which web hosts read as any word; "
                "an alias is one old address: list each in full, e.g. '/clanky/123/'"
            ).format(value=value)
        )


def _decoded_alias(value: str) -> str:
    """Return value percent-decoded; refuse other characters and unsafe escapes."""
    wrong = _ALIAS_CHARS.sub("", value)
    if wrong:
        raise ValueError(
            _(
                "{value!r} contains {char!r} (U+{code:04X}), which an old address cannot "
                "hold as written; keep letters, digits and - _ . ~ / and write any other "
                "character percent-encoded, as the browser shows it ({char!r} is {escaped})"
            ).format(value=value, char=wrong[0], code=ord(wrong[0]), escaped=quote(wrong[0], ""))
        )
    try:
        if _BAD_ESCAPE.search(value):
            raise ValueError
        path = unquote(value, errors="strict")
    except ValueError:
        raise ValueError(
            _(
                "{value!r} has a '%' that is not a percent-encoded character; copy the "
                "address from the browser"
            ).format(value=value)
        ) from None
    if "%2f" in value.lower() or _UNSAFE_DECODED.search(path):
        raise ValueError(
            _("{value!r} encodes '/', a quote or a control character; remove it").format(
                value=value
            )
        )
    return path


def _check_alias_parts(value: str, parts: list[str]) -> None:
    """Refuse '.', '..', hidden names, empty and over-long parts of a decoded path."""
    if any(part in (".", "..") for part in parts):
        raise ValueError(
            _("{value!r} contains '.' or '..'; write the path without them").format(value=value)
        )
    hidden = [part for part in parts if part.startswith(".")]
    if hidden:
        raise ValueError(
            _(
                "{value!r} has a part starting with '.' ({part!r}), a hidden name that the "
                "site keeps for its own files; remove this old address"
            ).format(value=value, part=hidden[0])
        )
    if "" in parts[:-1]:
        raise ValueError(
            _("{value!r} contains '//'; write a single '/' between the parts").format(value=value)
        )
    if any(len(part.encode()) > MAX_ALIAS_PART for part in parts):
        raise ValueError(
            _(
                "a part of the path is longer than {limit} bytes, which no file system can "
                "store; shorten it"
            ).format(limit=MAX_ALIAS_PART)
        )
