"""The search page's own interface in Chromium (issue 24, issue 22 points 1 and 2).

The page loads little before the reader types; on a phone the first result shows on
the first screen; results say their kind and date; the index's tiers are searched as
one index: stale pages of the base are never shown nor counted, and an item edited
since the base was made (so it is in the small delta bundle) still ranks first for its
title. The site is built, then an item is edited and the site built again, so that the
item is in the delta; for stale entries made by hand, a test serves its own tiers file.
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request, Route, ViewportSize

from sitegen.engine.pipeline import build
from tests.conftest import REPO, options_for
from tests.test_search_shards import serve
from tests.tiers_file import TIERS_FILE, Fragment, Tiers, base_tiers, fragment_of_page, fragments

pytestmark = pytest.mark.browser

PAGE_BUDGET = 150_000
"""Bytes the search page may load before the reader types."""
PHONE: ViewportSize = {"width": 375, "height": 667}
EDITED = "/aktuality/memorandum-stredocesky-kraj/"
EDITED_TITLE = "Středočeský kraj a agentura podepsaly memorandum o spolupráci"
ADDED = "Hejtmanka převzala záštitu nad společným plánem obcí regionu."
EDITED_SOURCE = "content/news/2017-10-20-memorandum-stredocesky-kraj/index.md"
REMOVED = "protidrogovou"
"""A word of the edited item that the edit removes."""
STALE_PAGES = ("/lokality/zlutice/", "/lokality/valec/")
"""Pages made stale by hand (as if removed from the site since the base was made)."""
DONE = "#hledani .search-status:text-matches('^Pro „')"
RESULT_LINKS = "#hledani .search-result-link"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample site built, then built again after an edit of EDITED's text (a sentence
    added, a word removed): the edit lands in the delta bundle, the base's old version
    of the item is stale. Return the output folder."""
    source = tmp_path_factory.mktemp("tiers") / "site"
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO / name, source / name)
    shutil.copy(REPO / "site.yaml", source / "site.yaml")
    build(options_for(source, search=True))
    item = source / EDITED_SOURCE
    text = item.read_text("utf-8")
    assert REMOVED in text
    item.write_text(text.replace(REMOVED, "sociální") + f"\n{ADDED}\n", "utf-8")
    build(options_for(source, search=True))
    tiers = json.loads((source / "public" / TIERS_FILE).read_text("utf-8"))
    assert tiers["bundles"][-1] == "/pagefind-delta/", tiers
    assert len(tiers["stale"]) == 1, tiers
    return source / "public"


@pytest.fixture(scope="module")
def address(site: Path) -> Iterator[str]:
    server, address = serve(site)
    yield address
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="cs-CZ")
    yield context.new_page()
    context.close()


def search(page: Page, address: str, query: str) -> list[str]:
    """Open the search page with query; return the paths of the results shown."""
    page.goto(f"{address}/hledat/?q={quote(query)}")
    page.locator(DONE).wait_for(timeout=10_000)
    return shown(page)


def shown(page: Page) -> list[str]:
    hrefs = page.locator(RESULT_LINKS).evaluate_all("links => links.map((a) => a.href)")
    return [urlsplit(href).path for href in hrefs]


def use_tiers(page: Page, tiers: Tiers) -> None:
    """Serve tiers as the site's tiers file to page."""
    body = json.dumps(
        {
            "bundles": tiers.bundles,
            "stale": [{"id": p.id, "filters": p.filters} for p in tiers.stale],
        }
    )

    def fulfil(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=body)

    page.route(f"**/{TIERS_FILE}", fulfil)


def result_count(page: Page) -> int:
    status = page.locator("#hledani .search-status").inner_text()
    if "nic nenašli" in status:
        return 0
    found = re.search(r"jsme našli (\d+) výsled", status)
    assert found, status
    return int(found.group(1))


def filter_counts(page: Page) -> Counter[tuple[str, str]]:
    """Return the counts the filters show, by (filter, value); hidden values count 0."""
    rows = page.locator("#hledani .search-filter").evaluate_all(
        """rows => rows.map((row) => {
          const box = row.querySelector("input");
          const count = row.querySelector(".search-filter-count").textContent;
          return [box.dataset.filter, box.value, row.hidden ? 0 : parseInt(count.slice(1))];
        })"""
    )
    return Counter({(name, value): count for name, value, count in rows})


def counts_of(pages: list[Fragment]) -> Counter[tuple[str, str]]:
    return Counter(
        (name, value) for page in pages for name, values in page.filters.items() for value in values
    )


def test_the_page_loads_at_most_150_kb_before_the_reader_types(
    browser: Browser, address: str
) -> None:
    context = browser.new_context(viewport=PHONE, locale="cs-CZ")
    page = context.new_page()
    loaded: dict[str, int] = {}
    page.on("requestfinished", lambda request: loaded.update({request.url: body_size(request)}))
    page.goto(f"{address}/hledat/", wait_until="networkidle")
    page.locator("#hledani-dotaz").wait_for()
    before = dict(loaded)
    page.locator("#hledani-dotaz").press_sequentially("Ž")
    page.wait_for_function("document.querySelectorAll('.search-filter').length > 0")
    page.wait_for_load_state("networkidle")
    context.close()
    total = sum(before.values())
    print(f"search page before typing: {total} bytes in {len(before)} files")  # noqa: T201
    assert total <= PAGE_BUDGET, before
    assert not [url for url in before if "pagefind" in url or "stem" in url], before
    assert any(url.endswith("/pagefind.js") for url in loaded), "the first keystroke loads it"
    assert any(url.endswith("/czech-stem.js") for url in loaded), "and the stemmer"
    assert not [url for url in loaded if url.endswith(".wasm")], "not the stemmer's WebAssembly"


def body_size(request: Request) -> int:
    response = request.response()
    return len(response.body()) if response else 0


def test_on_a_phone_the_first_result_shows_without_scrolling(
    browser: Browser, address: str
) -> None:
    context = browser.new_context(viewport=PHONE, locale="cs-CZ")
    page = context.new_page()
    page.goto(f"{address}/")
    menu = page.locator("[data-menu-toggle]")
    if menu.is_visible():
        menu.click()
    page.locator("#hledat-dotaz").fill("Kolín")
    page.locator("#hledat-dotaz").press("Enter")
    page.locator(DONE).wait_for(timeout=10_000)
    first = page.locator("#hledani .search-result").first.bounding_box()
    title = page.locator(RESULT_LINKS).first.bounding_box()
    filters_open = page.locator("#hledani .search-filters").evaluate("details => details.open")
    scrolled = page.evaluate("window.scrollY")
    context.close()
    assert first and title
    end = title["y"] + title["height"]
    print(f"first result at {first['y']:.0f} px, its title ends at {end:.0f} px")  # noqa: T201
    assert scrolled == 0
    assert end <= PHONE["height"]
    assert not filters_open


def test_on_a_wide_screen_the_filters_are_open_beside_the_results(page: Page, address: str) -> None:
    search(page, address, "kraj")
    filters = page.locator("#hledani .search-filters")
    assert filters.evaluate("details => details.open")
    results = page.locator("#hledani .search-results").bounding_box()
    box = filters.bounding_box()
    assert box and results
    assert box["x"] + box["width"] <= results["x"]


def test_each_result_says_its_kind_and_date(page: Page, address: str) -> None:
    search(page, address, "Kolín")
    meta = dict(
        zip(
            shown(page),
            page.locator("#hledani .search-result-meta").all_inner_texts(),
            strict=True,
        )
    )
    assert meta["/lokality/kolin/"] == "Lokalita"
    assert normal(meta[EDITED]) == "Aktualita · 20. října 2017"
    search(page, address, "Žluticko")
    kinds = page.locator("#hledani .search-result-meta").all_inner_texts()
    assert "Lokální partnerství" in kinds


@pytest.mark.parametrize("query", ["Kolín", "memorandum", "Žlutice", "bydlení"])
def test_highlights_and_excerpts_are_clean(page: Page, address: str, query: str) -> None:
    search(page, address, query)
    marks = page.locator("#hledani .search-result-excerpt mark").all_inner_texts()
    titles = page.locator(RESULT_LINKS).all_inner_texts()
    excerpts = page.locator("#hledani .search-result-excerpt").all_inner_texts()
    assert marks
    assert [mark for mark in marks if re.search(r"^\W|\W$", mark)] == []
    for title, excerpt in zip(titles, excerpts, strict=True):
        assert not normal(excerpt).startswith(normal(title)), (title, excerpt)


def normal(text: str) -> str:
    """Return text with its spaces (no-break spaces too) single."""
    return " ".join(text.split())


def test_the_filters_have_czech_labels_valid_ids_and_counts(page: Page, address: str) -> None:
    search(page, address, "kraj")
    boxes = page.locator("#hledani .search-filter input").evaluate_all(
        """boxes => boxes.map((box) => ({
          id: box.id,
          label: document.querySelector(`label[for="${box.id}"]`)?.textContent.trim(),
        }))"""
    )
    ids = [box["id"] for box in boxes]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Za-z][\w-]*", box_id) for box_id in ids), ids
    labels = [box["label"] for box in boxes]
    assert all(label and re.fullmatch(r"\S.* \(\d+\)", label) for label in labels), labels
    assert any(label.startswith("Karlovarský kraj (") for label in labels)
    assert any(label.startswith("Aktualita (") for label in labels)
    legends = page.locator("#hledani .search-filters legend").all_inner_texts()
    assert legends == ["Kraj", "Typ"]
    before = result_count(page)
    page.locator("#hledani .search-filter label", has_text="Lokalita").click()
    page.wait_for_function(
        "before => /jsme našli (\\d+)/.exec(document.querySelector('.search-status')"
        ".textContent)?.[1] !== String(before)"
        " && document.querySelector('.search-status').textContent.startsWith('Pro')",
        arg=before,
    )
    assert result_count(page) == filter_counts(page)[("Typ", "Lokalita")]
    assert result_count(page) < before


def counts_in(page: Page, numbers: list[int]) -> list[str]:
    """Return how the search page open in page says each of numbers results."""
    forms: list[str] = page.evaluate(
        """async (numbers) => {
          const { resultCount } = await import("/js/search.js");
          const texts = document.querySelector("#hledani").dataset;
          return numbers.map((number) => resultCount(number, texts));
        }""",
        numbers,
    )
    return forms


def test_the_count_is_announced_in_three_plural_forms(page: Page, address: str) -> None:
    page.goto(f"{address}/hledat/")
    forms = counts_in(page, [0, 1, 2, 4, 5, 21, 22])
    assert forms == [
        "0 výsledků",
        "1 výsledek",
        "2 výsledky",
        "4 výsledky",
        "5 výsledků",
        "21 výsledků",
        "22 výsledků",
    ]
    search(page, address, "Kolín")
    status = page.locator("#hledani [role=status]")
    assert "Pro „Kolín“ jsme našli 2 výsledky." in status.inner_text()


def test_the_english_search_page_speaks_english(page: Page, address: str) -> None:
    """Its messages, counts and filter names come from the page, in the page's language."""
    page.goto(f"{address}/en/search/")
    assert counts_in(page, [0, 1, 2, 5, 21]) == [
        "0 results",
        "1 result",
        "2 results",
        "5 results",
        "21 results",
    ]
    page.goto(f"{address}/en/search/?q=agency")
    status = page.locator("#hledani .search-status")
    status.filter(has_text=re.compile("^(We found|Nothing)")).wait_for(timeout=10_000)
    assert re.fullmatch(r"We found \d+ results? for “agency”\.", status.inner_text())
    legends = page.locator("#hledani .search-filters legend").all_inner_texts()
    assert legends and set(legends) <= {"Region", "Type"}, legends
    page.goto(f"{address}/en/search/?q=qqqxyzzy")
    status.filter(has_text="Nothing").wait_for(timeout=10_000)
    assert status.inner_text() == "Nothing was found for “qqqxyzzy”."


def test_more_results_by_keyboard(page: Page, address: str) -> None:
    first = search(page, address, "kraj")
    assert len(first) == 10 < result_count(page)
    more = page.get_by_role("button", name="Další výsledky")
    more.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(f"document.querySelectorAll('{RESULT_LINKS}').length > 10")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    everything = shown(page)
    assert len(everything) == result_count(page)
    assert len(set(everything)) == len(everything)
    assert urlsplit(focused).path == everything[10]
    assert not more.is_visible()


def test_an_edited_item_is_found_once_by_its_new_text_only(page: Page, address: str) -> None:
    assert search(page, address, ADDED) == [EDITED]
    assert EDITED not in search(page, address, REMOVED)
    found = search(page, address, "memorandum")
    assert found.count(EDITED) == 1


@pytest.mark.parametrize(
    "query", [EDITED_TITLE, EDITED_TITLE.lower(), "agentura podepsala memorandum", "memoranda"]
)
def test_an_edited_item_still_ranks_first_for_its_title(
    page: Page, address: str, query: str
) -> None:
    """The edited item is the only page of the small delta bundle; before the edit it
    was first for these queries, in the base."""
    found = search(page, address, query)
    assert found[0] == EDITED, found
    assert found.count(EDITED) == 1


def test_stale_pages_are_neither_shown_nor_counted(page: Page, address: str, site: Path) -> None:
    tiers = base_tiers(site)
    base = site / tiers.bundles[0].strip("/")
    stale = [fragment_of_page(base, url) for url in STALE_PAGES]
    query = "Žlutice"

    use_tiers(page, tiers)
    fresh = search(page, address, query)
    fresh_counts = filter_counts(page)
    assert set(STALE_PAGES) <= set(fresh)
    page.unroute(f"**/{TIERS_FILE}")
    use_tiers(page, Tiers(tiers.bundles, stale))
    found = search(page, address, query)
    assert found == [url for url in fresh if url not in STALE_PAGES]
    assert result_count(page) == len(found)
    assert filter_counts(page) == fresh_counts - counts_of(stale)

    page.goto(f"{address}/hledat/")
    page.locator("#hledani-dotaz").fill(" ")  # no query: the counts of the whole site
    page.wait_for_function("document.querySelectorAll('.search-filter').length > 0")
    live = [page for page in fragments(base) if page.url not in STALE_PAGES]
    assert filter_counts(page) == counts_of(live)


def test_a_search_index_that_does_not_load_is_reported(page: Page, address: str) -> None:
    page.route("**/pagefind.js", lambda route: route.abort())
    page.goto(f"{address}/hledat/?q=Kolín")
    status = page.locator("#hledani .search-status")
    status.filter(has_text="nepodařilo").wait_for(timeout=10_000)
    assert status.inner_text() == "Vyhledávání se nepodařilo načíst. Zkuste to prosím znovu."
    page.unroute("**/pagefind.js")
    page.locator("#hledani-dotaz").fill("Kolín")
    page.locator(DONE).wait_for(timeout=10_000)
    assert shown(page)[0] == "/lokality/kolin/"
