"""/odber/ explains feeds and lists every feed the build writes, with a copy button."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from playwright.sync_api import Browser

from tests.htmlpages import Page, html_pages
from tests.test_browser import base_url  # noqa: F401  (a fixture)

BASE = "https://www.socialni-zaclenovani.cz"


class _Addresses(HTMLParser):
    """Collects the text of every <code class="feed-address">."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.addresses: list[str] = []
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "code" and ("class", "feed-address") in attrs:
            self.inside = True
            self.addresses.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "code":
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.addresses[-1] += data


def listed_addresses(output: Path) -> list[str]:
    parser = _Addresses()
    parser.feed((output / "odber/index.html").read_text("utf-8"))
    return parser.addresses


def written_feeds(output: Path) -> set[str]:
    """Return the output paths of every feed file the build wrote."""
    return {
        path.relative_to(output).as_posix()
        for path in output.rglob("*.xml")
        if feedparser.parse(path.read_bytes()).version in ("rss20", "atom10")
    }


@pytest.fixture(scope="module")
def pages(sample_site: Path) -> dict[str, Page]:
    return html_pages(sample_site)


def test_the_page_lists_exactly_the_feeds_the_build_writes(sample_site: Path) -> None:
    addresses = listed_addresses(sample_site)
    assert len(addresses) == len(set(addresses))
    assert all(address.startswith(BASE + "/") for address in addresses)
    paths = {urlsplit(address).path.lstrip("/") for address in addresses}
    assert paths == written_feeds(sample_site)
    assert {"feed.xml", "atom.xml", "kraje/liberecky/feed.xml", "temata/bydleni/feed.xml"} <= paths
    topics = len(list((sample_site / "temata").glob("*/feed.xml")))
    assert len(paths) == 2 + 2 + 14 + topics  # all news, in Czech and in English
    assert {"en/feed.xml", "en/atom.xml"} <= paths


def test_the_page_explains_feeds_in_czech(pages: dict[str, Page]) -> None:
    page = pages["/odber/"]
    assert page.titles == ["Odběr aktualit | Agentura pro sociální začleňování"]
    for words in ("Co jsou kanály RSS a Atom", "Jak kanál odebírat", "čtečce zpráv"):
        assert words in page.text
    assert "Aktuality podle krajů" in page.text and "Aktuality podle témat" in page.text


def test_the_footer_and_the_news_list_lead_to_the_page(pages: dict[str, Page]) -> None:
    assert all("/odber/" in page.hrefs for url, page in pages.items()), "footer"
    assert "/feed.xml" not in pages["/"].hrefs  # the footer no longer opens raw XML
    assert pages["/aktuality/"].hrefs.count("/odber/") == 2  # above the list and in the footer


@pytest.mark.browser
def test_copy_button_copies_the_address(browser: Browser, base_url: str) -> None:  # noqa: F811
    context = browser.new_context(locale="cs-CZ")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    page.goto(base_url + "/odber/")
    page.get_by_text("Aktuality podle krajů").click()  # the regions' feeds are folded
    button = page.get_by_role("button", name="Liberecký kraj (RSS)")
    assert button.text_content() == "Kopírovat adresu: Liberecký kraj (RSS)"
    done = button.locator("xpath=following-sibling::*[@class='copy-done']")
    assert not done.is_visible()
    button.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == BASE + "/kraje/liberecky/feed.xml"
    assert page.locator("#stav-kopirovani").text_content() == f"Adresa zkopírována: {copied}"
    assert done.is_visible() and done.inner_text() == "Zkopírováno"
    look = "el => [getComputedStyle(el).borderStyle, getComputedStyle(el).color]"
    assert button.evaluate(look)[0] == "solid"
    context.close()


@pytest.mark.browser
def test_without_javascript_the_addresses_stay_and_no_button_shows(
    browser: Browser,
    base_url: str,  # noqa: F811
) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/odber/")
    assert page.get_by_role("button").count() == page.locator("header button:visible").count()
    assert page.locator("code.feed-address").first.is_visible()
    context.close()
