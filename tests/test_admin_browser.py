"""The web editor (/admin/) of the built sample site in Debian's Chromium, in Czech.

The page loads Decap CMS from the site itself and asks nothing of any other host; it
takes the generated config.yml without "Config Errors" and offers the Czech sign-in
for GitLab. With Decap's in-browser test backend (config.yml made for `test-repo`), a
press officer's news item is filled in and saved as a draft; the file the editor wrote
passes sitegen's validation and builds with the sample site.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page

from sitegen.base.config import load_config
from sitegen.base.urls import Urls
from sitegen.content.frontmatter import split_front_matter
from sitegen.content.schema import NewsFrontMatter, validate_front_matter
from sitegen.engine.pipeline import build
from sitegen.plan.admin import TEST_BACKEND, config_yml
from tests.conftest import REPO, options_for

pytestmark = pytest.mark.browser

SEEDED = ("localities", "partnerships")
"""The folders of the sample content the test backend starts with: the relation
fields offer their items."""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Serve folder on a free port of 127.0.0.1; yield its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def seed_files() -> dict[str, Any]:
    """Return the test backend's starting repository (window.repoFiles): the sample
    site's localities and partnerships. Decap lists a folder by its whole path as one
    key, and reads a file through nested keys, so both are given."""
    tree: dict[str, Any] = {"content": {}}
    for folder in SEEDED:
        files = {
            path.name: {"content": path.read_text("utf-8"), "path": f"content/{folder}/{path.name}"}
            for path in sorted((REPO / "content" / folder).glob("*.md"))
        }
        tree["content"][folder] = files
        tree[f"content/{folder}"] = files
    return tree


@pytest.fixture(scope="module")
def test_backend_site(sample_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a copy of the built sample site's /admin/ with config.yml made for the
    in-browser test backend."""
    root = tmp_path_factory.mktemp("editor")
    shutil.copytree(sample_site / "admin", root / "admin")
    shutil.copytree(sample_site / "css", root / "css")
    config = load_config(REPO, None)
    (root / "admin" / "config.yml").write_bytes(
        config_yml(config, Urls(config.base_url), TEST_BACKEND)
    )
    return root


@dataclasses.dataclass
class Watched:
    """What a page did: the hosts it asked, its errors and its console errors."""

    hosts: set[str] = dataclasses.field(default_factory=set)
    errors: list[str] = dataclasses.field(default_factory=list)
    console: list[str] = dataclasses.field(default_factory=list)


def watch(page: Page) -> Watched:
    watched = Watched()
    page.on("request", lambda request: watched.hosts.add(urlsplit(request.url).netloc))
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    page.on(
        "console",
        lambda message: watched.console.append(message.text) if message.type == "error" else None,
    )
    return watched


def test_admin_signs_in_in_czech_and_asks_no_other_host(
    browser: Browser, sample_site: Path
) -> None:
    context = browser.new_context(locale="cs-CZ", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watched = watch(page)
    with serving(sample_site) as base:
        page.goto(base + "/admin/")
        sign_in = page.get_by_role("button", name="Přihlásit pomocí GitLab")
        sign_in.wait_for()
        page.wait_for_timeout(2000)  # what the page asks after it shows itself counts too
        text = page.inner_text("body")
    context.close()
    assert watched.hosts == {urlsplit(base).netloc}
    assert watched.errors == []
    assert "Config Errors" not in text
    assert [line for line in watched.console if "Config Errors" in line] == []


def signed_in(browser: Browser, base: str) -> tuple[Page, Watched]:
    context = browser.new_context(locale="cs-CZ", viewport={"width": 1280, "height": 900})
    context.add_init_script(f"window.repoFiles = {json.dumps(seed_files())};")
    page = context.new_page()
    watched = watch(page)
    page.goto(base + "/admin/")
    page.get_by_role("button", name="Přihlásit").click()
    page.get_by_text("Kolekce").first.wait_for()
    return page, watched


def pick(page: Page, label: str, typed: str, option: str) -> None:
    """Choose option in a select or relation field by typing part of it."""
    page.get_by_label(label).click()
    page.keyboard.type(typed)
    page.get_by_text(option, exact=True).last.wait_for()
    page.keyboard.press("Enter")


def save(page: Page) -> None:
    """Save the entry as a draft until nothing is left to save, so that it can go out.

    Decap 3 marks a new entry with a select or relation field as changed again right
    after its first save (the fields take their loaded value); the second save settles
    it, and docs/webovy-editor.md tells press officers so.
    """
    for _ in range(2):
        page.get_by_role("button", name="Uložit").click()
        page.get_by_text("Položka uložena").first.wait_for()
        page.wait_for_timeout(1000)
        if page.get_by_text("Změny uloženy").count():
            break
    page.get_by_text("Změny uloženy").wait_for()
    page.get_by_role("button", name="Publikovat").wait_for()


def saved_files(page: Page) -> dict[str, str]:
    """Return path → text of every file of the drafts the editor saved."""
    drafts: dict[str, Any] = page.evaluate("Object.assign({}, window.repoFilesUnpublished)")
    return {
        diff["path"]: diff["content"]
        for draft in drafts.values()
        for diff in draft["diffs"]
        if isinstance(diff.get("content"), str)
    }


def test_a_news_item_written_in_the_editor_builds(
    browser: Browser, test_backend_site: Path, tmp_path: Path
) -> None:
    with serving(test_backend_site) as base:
        page, watched = signed_in(browser, base)
        page.goto(base + "/admin/#/collections/news/new")
        page.get_by_label("Titulek").fill("Žlutice otevřely poradnu pro bydlení")
        page.get_by_label("Datum a čas zveřejnění").fill("2026-11-16T10:30")
        pick(page, "Lokality", "Žlut", "Žlutice")
        pick(page, "Kraje", "Karlov", "Karlovarský kraj")
        page.get_by_label("Místo").fill("on")  # YAML 1.1 would read it as true
        page.get_by_label("Perex").fill("Smazaný perex")
        page.get_by_label("Perex").fill("")  # an optional field emptied is left out
        page.locator("[data-slate-editor]").last.click()
        page.keyboard.type("Město otevřelo poradnu pro lidi, kterým hrozí ztráta bydlení.")
        save(page)
        files = saved_files(page)
        page.context.close()
    assert watched.errors == []
    path = "content/news/2026-11-16-zlutice-otevrely-poradnu-pro-bydleni/index.md"
    assert list(files) == [path]
    text = files[path]
    assert "summary" not in text and "place: on" in text
    front = split_front_matter(text, path)
    meta = validate_front_matter(NewsFrontMatter, front, path, ZoneInfo("Europe/Prague"))
    assert (meta.localities, meta.regions, meta.place) == (("zlutice",), ("karlovarsky",), "on")
    site = tmp_path / "site"
    for name in ("content", "templates", "static"):
        shutil.copytree(REPO / name, site / name)
    shutil.copy(REPO / "site.yaml", site / "site.yaml")
    (site / path).parent.mkdir(parents=True)
    (site / path).write_text(text, "utf-8")
    build(dataclasses.replace(options_for(site), use_cache=False))
    item = (site / "public/aktuality/zlutice-otevrely-poradnu-pro-bydleni/index.html").read_text()
    assert "Žlutice otevřely poradnu pro bydlení" in item
    assert "/lokality/zlutice/" in item
