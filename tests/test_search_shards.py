"""A search over the parts of the base index merged in the browser finds what one index finds.

Two builds of one corpus: one with the base index in parts of a few years of news, one
with a single index. Pagefind's own JavaScript runs in Chromium against each, merging the
shards the way the search page does; every query must find the same pages with the
same filter counts.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from bench.corpus import write_corpus
from sitegen.engine.pipeline import build
from sitegen.plan import shards
from tests.conftest import options_for
from tests.test_browser import _QuietHandler

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("search_shards")]
"""One xdist worker runs these tests: the corpus is built once, for all of them."""

QUERIES = (
    "dotace",
    "poradna",
    "školka",
    "skolka",
    "kraj",
    "spolupráce",
    "výzva",
    "memorandum",
    "xyzzy",
)
ABSENT_FROM_A_SHARD = "Žlutice"
"""Found in news only. Pagefind's merged search then adds two pages of the shard that
lacks the word (a fallback inside that index, not a merge of scores): never fewer
pages than one index, but not the same ones."""
SEARCH = """
async ([bundle, merged, queries]) => {
  const pagefind = await import(bundle + "pagefind.js");
  await pagefind.options({ bundlePath: bundle });
  for (const other of merged) {
    await pagefind.mergeIndex(other);
  }
  const found = {};
  for (const query of queries) {
    const search = await pagefind.search(query);
    const pages = await Promise.all(search.results.map((result) => result.data()));
    found[query] = {
      urls: pages.map((page) => page.url).sort(),
      filters: search.filters,
      total: search.unfilteredResultCount,
    };
  }
  return found;
}
"""


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build one corpus twice: with search shards, and with one index."""
    root = tmp_path_factory.mktemp("shards")
    site = write_corpus(root / "site", 150)
    built = {}
    for name, size in (("sharded", 25), ("single", 10**6)):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(shards, "BASE_PART_PAGES", size)
            build(options_for(site, root / name, search=True))
        built[name] = root / name
    return built


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def servers(outputs: dict[str, Path]) -> Iterator[dict[str, str]]:
    running = {name: serve(folder) for name, folder in outputs.items()}
    yield {name: address for name, (_server, address) in running.items()}
    for server, _address in running.values():
        server.shutdown()
        server.server_close()


def search_all(browser: Browser, address: str, folder: Path) -> dict[str, Any]:
    bundles = json.loads((folder / "pagefind-tiers.json").read_bytes())["bundles"]
    assert bundles[0] == "/pagefind/"
    merged = bundles[1:]
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{address}/hledat/")
        queries = [*QUERIES, ABSENT_FROM_A_SHARD]
        found: dict[str, Any] = page.evaluate(SEARCH, ["/pagefind/", merged, queries])
    finally:
        context.close()
    return found


def test_merged_shards_find_the_pages_and_counts_of_one_index(
    browser: Browser, outputs: dict[str, Path], servers: dict[str, str]
) -> None:
    assert len(list(outputs["sharded"].glob("pagefind-aktuality-*"))) >= 4
    assert not list(outputs["single"].glob("pagefind-aktuality-*"))
    sharded = search_all(browser, servers["sharded"], outputs["sharded"])
    single = search_all(browser, servers["single"], outputs["single"])
    assert sum(len(result["urls"]) for result in single.values()) > 50
    for query in QUERIES:
        assert sharded[query]["urls"] == single[query]["urls"], query
        assert sharded[query]["filters"] == single[query]["filters"], query
        assert sharded[query]["total"] == single[query]["total"], query
    assert set(single[ABSENT_FROM_A_SHARD]["urls"]) < set(sharded[ABSENT_FROM_A_SHARD]["urls"])
