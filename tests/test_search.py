"""The search page in Chromium: Czech queries in any inflected form find their pages.

The sample site is built with its search index and tiers file (one base bundle; the
search page merging a delta is tested in test_search_ui.py); queries are typed the way
readers type them, with and without diacritics, and the results are read from the page
as a reader sees them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, Page

from sitegen.engine.pipeline import build
from tests.conftest import REPO, REPOSITORY, options_for
from tests.test_browser import describe, run_axe, run_vnu
from tests.test_search_shards import serve
from tests.tiers_file import TIERS_FILE

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
    ("s Hodonínem", "/lokality/hodonin/", 2),  # after the news item titled with Hodonín
    ("ve Velkých Hamrech", "/lokality/velke-hamry/", 1),
    ("ve velkych hamrech", "/lokality/velke-hamry/", 1),
    ("v Liberecku", "/aktuality/memorandum-liberecky-kraj/", 1),
    ("ministerstvem", "/aktuality/agentura-na-mmr/", 2),
    ("plánech začleňování", "/aktuality/integracni-plany-cheb-most/", 3),
    ("planech zaclenovani", "/aktuality/integracni-plany-cheb-most/", 3),
    ("lokalitách", "/aktuality/projekt-systemove-nastroje/", 10),
    ("lokalitach", "/aktuality/projekt-systemove-nastroje/", 10),
    ("memoranda", "/aktuality/memorandum-liberecky-kraj/", 5),
    # whole titles find their item first
    (
        "Středočeský kraj a agentura podepsaly memorandum o spolupráci",
        "/aktuality/memorandum-stredocesky-kraj/",
        1,
    ),
    (
        "Cheb a Most dokončují plány sociálního začleňování",
        "/aktuality/integracni-plany-cheb-most/",
        1,
    ),
    (
        "Agentura hledá deset dalších obcí, měst a mikroregionů",
        "/aktuality/vyzva-deset-novych-obci/",
        1,
    ),
    ("Web agentury má novou podobu", "/aktuality/novy-web/", 1),
    ("Lokální partnerství Frýdlantsko se poprvé sešlo", "/aktuality/frydlantsko-prvni-jednani/", 1),
)
TAGGED = ("bydlení", "/aktuality/memorandum-stredocesky-kraj/", "/kontakty/")
"""A tag, the one item tagged with it, and a page that only mentions the word in a
shared block ("Sekce bydlení"): the item comes in the first 3, and before that page."""
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
    "ve": "",
    "je to v Mostě": "most",
    "obcí v regionu.": "obcí region",
}
"""What the search page hands to Pagefind for what the reader typed."""
PREPARE = """
async (queries) => {
  const { prepareQuery } = await import("/js/czech-query.js");
  const { stem } = await import("/js/czech-stem.js");
  return queries.map((query) => prepareQuery(query, stem));
}
"""
WIDTHS = (320, 375, 1280)
RESULT_LINKS = "#hledani .search-result-link"
DONE = "#hledani .search-status:text-matches('^Pro „')"
"""The status line once a search has finished: "Pro „…“ jsme našli …" or "… nic nenašli"."""


@pytest.fixture(scope="module")
def tiered_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the sample site with its search index and tiers file (one base bundle, as
    every site of fewer than 2 × BASE_PART_PAGES pages has)."""
    output = tmp_path_factory.mktemp("search") / "public"
    build(options_for(REPO, output, search=True))
    return output


@pytest.fixture(scope="module")
def address(tiered_site: Path) -> Iterator[str]:
    server, address = serve(tiered_site)
    yield address
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def open_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="cs-CZ")
    yield context.new_page()
    context.close()


@pytest.fixture
def page(open_page: Page) -> Page:
    """Return the module's open page: each test loads its page into it anew (a new page
    costs Chromium a renderer process, measured 0.5 s of CPU; a load into an open one
    0.2 s). A test that changes the page itself (routes, listeners) opens its own."""
    return open_page


def search(page: Page, address: str, query: str, count: int = 5) -> list[str]:
    """Open the search page with query; return the paths of the first count results shown
    (pressing "more results" as a reader would), in order."""
    page.goto(f"{address}/hledat/?q={quote(query)}")
    page.locator(DONE).wait_for(timeout=10_000)
    found = shown_results(page)
    more = page.locator("#hledani .search-more")
    while len(found) < count and more.is_visible():
        more.click()
        page.wait_for_function(
            f"document.querySelectorAll('{RESULT_LINKS}').length > {len(found)}", timeout=10_000
        )
        found = shown_results(page)
    return found


def shown_results(page: Page) -> list[str]:
    """Return the paths of the results shown, in order."""
    hrefs = page.locator(RESULT_LINKS).evaluate_all("links => links.map((a) => a.href)")
    return [urlsplit(href).path for href in hrefs]


def test_the_search_page_finds_its_bundles_in_the_tiers_file(tiered_site: Path) -> None:
    search_page = (tiered_site / "hledat/index.html").read_text("utf-8")
    assert f'data-tiers="/{TIERS_FILE}"' in search_page
    assert "pagefind-ui" not in search_page  # Pagefind's own interface is not loaded
    tiers = json.loads((tiered_site / TIERS_FILE).read_text("utf-8"))
    assert tiers["bundles"]
    for bundle in tiers["bundles"]:
        assert (tiered_site / bundle.strip("/") / "pagefind-entry.json").is_file()


@pytest.mark.parametrize(("query", "expected", "within"), QUERIES)
def test_inflected_query_finds_its_page(
    page: Page, address: str, query: str, expected: str, within: int
) -> None:
    found = search(page, address, query, within)
    assert expected in found[:within], found


def test_the_tagged_item_comes_before_a_page_that_only_mentions_the_tag(
    page: Page, address: str
) -> None:
    tag, item, mention = TAGGED
    found = search(page, address, tag, 10)
    assert item in found[:3], found
    assert mention not in found[: found.index(item)], found


@pytest.mark.parametrize("query", ["housing", "xyzzy", "ve", "a i v"])
def test_a_query_of_no_indexed_word_finds_nothing(page: Page, address: str, query: str) -> None:
    """Pagefind alone finds the first letters of a word it lacks ("ho" of "housing")."""
    assert search(page, address, query) == []
    status = page.locator("#hledani .search-status").inner_text()
    assert status == f"Pro „{query}“ jsme nic nenašli."


@pytest.mark.parametrize(
    ("query", "suggestion"), [("memorandun", "memorandum"), ("zlutcie", "žlutice")]
)
def test_a_misspelling_offers_the_nearest_word(
    page: Page, address: str, query: str, suggestion: str
) -> None:
    assert search(page, address, query) == []
    offer = page.locator("#hledani .search-suggestion")
    assert offer.inner_text() == f"Myslíte {suggestion}?"
    offer.get_by_role("link").click()
    page.locator(DONE).wait_for(timeout=10_000)
    assert shown_results(page), "the suggestion finds pages"


def test_queries_become_the_beginnings_of_their_words(page: Page, address: str) -> None:
    page.goto(f"{address}/hledat/")
    prepared = page.evaluate(PREPARE, list(PREPARED))
    assert dict(zip(PREPARED, prepared, strict=True)) == PREPARED


def test_search_works_without_the_stemmer(browser: Browser, address: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="cs-CZ")
    page = context.new_page()
    warnings: list[str] = []
    page.on("console", lambda message: warnings.append(message.text))
    page.route("**/js/czech-stem.js", lambda route: route.abort())
    assert search(page, address, "Žlutice")[0] == "/lokality/zlutice/"
    context.close()
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
          excerpts: all("#hledani .search-result-excerpt").map(size),
          controls: all("#hledani button, #hledani summary, #hledani label").map(size),
          titles: all("#hledani .search-result-link").map((link) => ({
            color: style(link).color,
            line: style(link).textDecorationLine,
          })),
          filterValues: all("#hledani .search-filter:not([hidden]) label").map((label) =>
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
    page.locator("#hledani .search-filters").evaluate("details => { details.open = true; }")
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
