"""A poisoned search shard shows its text as text (issue 20, item 4).

Search bundles may come from a build cache restored on another machine. The search
page (search.js) puts a result's excerpt into the page as HTML (Pagefind 1.5 escapes the
text of a fragment itself), keeping only Pagefind's <mark> elements of it whatever
Pagefind does, and links only to this site: a fragment's address "//elsewhere.example/"
would otherwise lead readers to another site.
"""

from __future__ import annotations

import gzip
import json
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.conftest import CHROMIUM_ARGS
from tests.test_browser import _QuietHandler

pytestmark = pytest.mark.browser

MARK = b"pagefind_dcd"
TITLE = "Podvržený výsledek"


def poison_a_fragment(site: Path) -> None:
    """Make the fragment of a page about Žlutice say markup, and link to another site."""
    for path in sorted(site.glob("pagefind*/fragment/*.pf_fragment")):
        fragment = json.loads(gzip.decompress(path.read_bytes())[len(MARK) :])
        # The locality's own page: the word opens its text, so the marks Pagefind
        # places by word position fall inside the poisoned text too.
        if not fragment["content"].startswith("Žlutice"):
            continue
        fragment["content"] = (
            'Žlutice <img src="x" onerror="window.poisoned = 1">'
            "<script>window.poisoned = 2</script> Žlutice"
        )
        fragment["url"] = "//elsewhere.example/podvrh/"
        fragment["meta"]["title"] = TITLE
        fragment["anchors"] = []
        path.write_bytes(gzip.compress(MARK + json.dumps(fragment).encode()))
        return
    raise AssertionError("no fragment mentions Žlutice")


@pytest.fixture
def poisoned_url(sample_site: Path, tmp_path: Path) -> Iterator[str]:
    site = tmp_path / "public"
    shutil.copytree(sample_site, site)
    poison_a_fragment(site)
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_poisoned_result_shows_its_markup_as_text(browser: Browser, poisoned_url: str) -> None:
    assert CHROMIUM_ARGS  # the browser fixture launches Chromium with these
    context = browser.new_context(locale="cs-CZ")
    page = context.new_page()
    page.goto(poisoned_url + "/hledat/?q=zlutice")
    result = page.locator(".search-result", has_text=TITLE)
    result.first.wait_for(timeout=10_000)
    page.wait_for_timeout(500)  # time for an image's error to fire, were there one
    assert page.evaluate("window.poisoned") is None
    excerpt = result.first.locator(".search-result-excerpt")
    assert excerpt.locator("img, script").count() == 0
    assert "<img" in excerpt.inner_text()  # shown as the text it is
    assert excerpt.locator("mark").count() > 0  # Pagefind's marks stay
    link = result.first.locator(".search-result-link")
    assert link.evaluate("link => link.host") == poisoned_url.removeprefix("http://")
    context.close()
