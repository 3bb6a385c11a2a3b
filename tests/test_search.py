"""The search page in Chromium: Czech queries in any inflected form find their pages.

The sample site is built with its news split into several search shards, which the
search page merges in the browser; queries are typed the way readers type them, with
and without diacritics, and the results are read from the page as a reader sees them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from sitegen.engine.pipeline import build
from sitegen.plan import shards
from tests.conftest import REPO, REPOSITORY, options_for
from tests.test_browser import browser as browser  # the fixture
from tests.test_browser import describe, run_axe, run_vnu
from tests.test_search_shards import serve

pytestmark = [pytest.mark.browser, REPOSITORY]

QUERIES = (
    # (what the reader types, the page it must find, among the first this many results)
    ("Chebu", "/lokality/cheb/", 1),
    ("chebu", "/lokality/cheb/", 1),
    ("ve Žluticích", "/lokality/zlutice/", 1),
    ("ve zluticich", "/lokality/zlutice/", 1),
    ("na Žluticku", "/partnerstvi/zluticko/", 3),
    ("na zluticku", "/partnerstvi/zluticko/", 3),
    ("ve Smržovce", "/lokality/smrzovka/", 1),
    ("ve smrzovce", "/lokality/smrzovka/", 1),
    ("v Mostě", "/lokality/most/", 1),
    ("v moste", "/lokality/most/", 1),
    ("na Šluknovsku", "/lokality/sluknovsko/", 1),
    ("na sluknovsku", "/lokality/sluknovsko/", 1),
    ("s Hodonínem", "/lokality/hodonin/", 1),
    ("ve Velkých Hamrech", "/lokality/velke-hamry/", 1),
    ("ve velkych hamrech", "/lokality/velke-hamry/", 1),
    ("v Liberecku", "/aktuality/memorandum-liberecky-kraj/", 1),
    ("ministerstvem", "/aktuality/agentura-na-mmr/", 2),
    ("plánech začleňování", "/aktuality/integracni-plany-cheb-most/", 3),
    ("planech zaclenovani", "/aktuality/integracni-plany-cheb-most/", 3),
    ("lokalitách", "/aktuality/projekt-systemove-nastroje/", 10),
    ("lokalitach", "/aktuality/projekt-systemove-nastroje/", 10),
    ("memoranda", "/aktuality/memorandum-liberecky-kraj/", 5),
)
MEMORANDUM_PAGES = {
    "/aktuality/memorandum-stredocesky-kraj/",
    "/aktuality/memorandum-liberecky-kraj/",
    "/aktuality/lokalni-partnerstvi-zluticko/",
    "/partnerstvi/zluticko/",
    "/temata/memorandum/",
}
"""Every page of the sample site whose text speaks of a memorandum, and the topic page of
the tag (topic pages are indexed by their title: issue 22, point 2)."""
PREPARED = {
    "Chebu": "cheb",
    "memoranda": "memorand",
    "ve Žluticích": "žluti",
    "ve zluticich": "zluti",
    "ve Smržovce": "smržov",
    "v Mostě": "most",
    "lokalitach": "lokalit",
    "Velkých Hamrech": "velk hamr",
    "„Žluticích“?": "žluti",
    "Člověk v tísni, o.p.s.": "člověk tísn o.p.s.",
    "v 2017": "2017",
    "ve": "ve",
}
"""What the search page hands to Pagefind for what the reader typed."""
PREPARE = """
async (queries) => {
  const { prepareQuery } = await import("/js/czech-query.js");
  const stemmer = await import("/js/vendor/multilingual-stemmer/index.js");
  await stemmer.default();
  const czech = new stemmer.Stemmer(stemmer.Languages.Czech);
  return queries.map((query) => prepareQuery(query, (word) => czech.stem(word)));
}
"""
WIDTHS = (320, 375, 1280)
RESULT_LINKS = "#hledani .pagefind-ui__result-title .pagefind-ui__result-link"


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the sample site with its news in shards of a few items each."""
    output = tmp_path_factory.mktemp("search") / "public"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shards, "SHARD_MIN_PAGES", 2)
        build(options_for(REPO, output, search=True))
    return output


@pytest.fixture(scope="module")
def address(sharded_site: Path) -> Iterator[str]:
    server, address = serve(sharded_site)
    yield address
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="cs-CZ")
    yield context.new_page()
    context.close()


def search(page: Page, address: str, query: str, count: int = 5) -> list[str]:
    """Open the search page with query; return the paths of the first count results shown
    (pressing "more results" as a reader would), in order."""
    page.goto(f"{address}/hledat/?q={quote(query)}")
    page.locator("#hledani .pagefind-ui__message", has_text="„").wait_for(timeout=10_000)
    found = shown_results(page)
    more = page.locator("#hledani .pagefind-ui__button")
    while len(found) < count and more.is_visible():
        more.click()
        page.wait_for_function(
            f"document.querySelectorAll('{RESULT_LINKS}').length > {len(found)}", timeout=10_000
        )
        found = shown_results(page)
    return found


def shown_results(page: Page) -> list[str]:
    """Wait for the results to load; return the paths of the pages (not their sections)."""
    page.wait_for_function(
        "document.querySelectorAll('#hledani .pagefind-ui__result').length > 0"
        " && !document.querySelector('#hledani .pagefind-ui__loading')",
        timeout=10_000,
    )
    hrefs = page.locator(RESULT_LINKS).evaluate_all(
        "links => links.filter((a) => !a.closest('.pagefind-ui__result-nested')).map((a) => a.href)"
    )
    return [urlsplit(href).path for href in hrefs]


def test_the_sample_site_is_searched_in_merged_shards(sharded_site: Path) -> None:
    search_page = (sharded_site / "hledat/index.html").read_text("utf-8")
    merged = re.search(r'data-merge="([^"]*)"', search_page)
    assert merged
    assert len(merged.group(1).split()) >= 2
    assert len(list(sharded_site.glob("pagefind-aktuality-*/pagefind-entry.json"))) >= 2


@pytest.mark.parametrize(("query", "expected", "within"), QUERIES)
def test_inflected_query_finds_its_page(
    page: Page, address: str, query: str, expected: str, within: int
) -> None:
    found = search(page, address, query, within)
    assert expected in found[:within], found


def test_queries_become_the_beginnings_of_their_words(page: Page, address: str) -> None:
    page.goto(f"{address}/hledat/")
    prepared = page.evaluate(PREPARE, list(PREPARED))
    assert dict(zip(PREPARED, prepared, strict=True)) == PREPARED


def test_search_works_without_the_stemmer(page: Page, address: str) -> None:
    warnings: list[str] = []
    page.on("console", lambda message: warnings.append(message.text))
    page.route("**/multilingual-stemmer/index_bg.wasm", lambda route: route.abort())
    assert search(page, address, "Žlutice")[0] == "/lokality/zlutice/"
    assert any(text.startswith("Hledání bez českého stemmeru") for text in warnings)


def test_every_memorandum_page_is_found_in_any_form(page: Page, address: str) -> None:
    for query in ("memorandum", "memoranda", "memorand", "memorandem"):
        assert set(search(page, address, query, 10)) == MEMORANDUM_PAGES, query


@pytest.mark.parametrize("width", WIDTHS)
def test_results_read_like_the_rest_of_the_site(browser: Browser, address: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="cs-CZ")
    page = context.new_page()
    search(page, address, "memoranda")
    styles = page.evaluate(
        """() => {
        const style = (element) => getComputedStyle(element);
        const all = (selector) => [...document.querySelectorAll(selector)];
        const size = (element) => parseFloat(style(element).fontSize);
        const textLink = document.querySelector("main > p a, .breadcrumbs a");
        return {
          body: size(document.body),
          linkColor: style(textLink).color,
          excerpts: all("#hledani .pagefind-ui__result-excerpt").map(size),
          controls: all("#hledani button, #hledani summary, #hledani label").map(size),
          titles: all("#hledani .pagefind-ui__result-link").map((link) => ({
            color: style(link).color,
            line: style(link).textDecorationLine,
          })),
          filterValues: all("#hledani .pagefind-ui__filter-label").map((label) =>
            label.textContent.trim()),
        };
    }"""
    )
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert styles["excerpts"]
    assert min(styles["excerpts"]) >= styles["body"]
    assert styles["controls"]
    assert min(styles["controls"]) >= styles["body"]
    assert styles["titles"]
    assert {title["line"] for title in styles["titles"]} == {"underline"}
    assert {title["color"] for title in styles["titles"]} == {styles["linkColor"]}
    assert styles["filterValues"]
    assert [value for value in styles["filterValues"] if value.endswith("(0)")] == []
    assert overflow <= 0


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_violation_among_results(browser: Browser, address: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="cs-CZ")
    page = context.new_page()
    search(page, address, "ve Žluticích")
    page.locator("#hledani .pagefind-ui__filter-name").first.click()
    violations = run_axe(page)
    context.close()
    assert describe(violations) == []


def test_nu_html_checker_accepts_the_page_with_results(
    page: Page, address: str, tmp_path: Path
) -> None:
    search(page, address, "memoranda")
    rendered = tmp_path / "index.html"
    rendered.write_text(page.content(), "utf-8")
    messages = run_vnu(rendered)
    errors = [m for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    assert [f"{m.get('lastLine')}: {m['message']}" for m in errors] == []
