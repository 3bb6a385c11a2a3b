"""Take the screenshots of docs/webovy-editor.md from the real editor (Decap CMS).

Builds the sample site into a temporary folder, serves it, and drives Debian's Chromium
with Playwright through what the guide shows: the sign-in page (GitLab, as site.yaml
configures it), then, with config.yml made for Decap's in-browser test backend (which
saves nowhere), a list of items, a new news item with a locality, a region, a photo and a
PDF, the saved draft, and the board of drafts. Run it after the editor or its form
changes:

    .venv/bin/python tools/editor_screenshots.py
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

from sitegen.base.config import load_config
from sitegen.base.options import BuildOptions, build_time
from sitegen.base.urls import Urls
from sitegen.engine.pipeline import build
from sitegen.plan.admin import TEST_BACKEND, config_yml

REPO = Path(__file__).resolve().parent.parent
IMAGES = REPO / "docs" / "img"
SIZE = {"width": 1200, "height": 760}
SEEDED = ("localities", "partnerships")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """Serve folder on a free port of 127.0.0.1; yield its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def seed_files() -> dict[str, Any]:
    """Return the test backend's repository: the sample site's single-file items."""
    tree: dict[str, Any] = {"content": {}}
    for folder in SEEDED:
        files = {
            path.name: {"content": path.read_text("utf-8"), "path": f"content/{folder}/{path.name}"}
            for path in sorted((REPO / "content" / folder).glob("*.md"))
        }
        tree["content"][folder] = files
        tree[f"content/{folder}"] = files
    return tree


def shoot(page: Page, name: str) -> None:
    """Save a screenshot in 64 colours (a third of the bytes; text stays sharp)."""
    from PIL import Image

    page.wait_for_timeout(600)
    path = IMAGES / f"{name}.png"
    page.screenshot(path=str(path))
    with Image.open(path) as shot:
        small = shot.convert("RGB").quantize(colors=64)
    small.save(path, optimize=True)
    print(path)  # noqa: T201 (a tool run by hand)


def pick(page: Page, label: str, typed: str, option: str) -> None:
    page.get_by_label(label).click()
    page.keyboard.type(typed)
    page.get_by_text(option, exact=True).last.wait_for()
    page.keyboard.press("Enter")


def upload(page: Page, button: str, file: Path) -> None:
    """Choose a file in a file or image field through the editor's media dialog."""
    page.get_by_text(button, exact=True).first.click()
    with page.expect_file_chooser() as chooser:
        page.get_by_text("Nahrát nový", exact=True).click()
    chooser.value.set_files(str(file))
    page.get_by_text(file.name).first.wait_for()
    page.wait_for_timeout(500)  # a new upload is selected already
    page.get_by_text("Vybrat označené", exact=True).click()


def take(output: Path, files: Path) -> None:
    with serving(output) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        context = browser.new_context(locale="cs-CZ", viewport=SIZE)  # type: ignore[arg-type]
        page = context.new_page()
        page.goto(base + "/admin/")
        page.get_by_role("button", name="Přihlásit pomocí GitLab").wait_for()
        shoot(page, "editor-prihlaseni")
        context.close()
        config = load_config(REPO, None)
        (output / "admin" / "config.yml").write_bytes(
            config_yml(config, Urls(config.base_url), TEST_BACKEND)
        )
        context = browser.new_context(locale="cs-CZ", viewport=SIZE)  # type: ignore[arg-type]
        context.add_init_script(f"window.repoFiles = {json.dumps(seed_files())};")
        page = context.new_page()
        page.goto(base + "/admin/")
        page.get_by_role("button", name="Přihlásit").click()
        page.goto(base + "/admin/#/collections/localities")
        page.get_by_text("Kolekce").first.wait_for()
        shoot(page, "editor-lokality")
        page.get_by_text("Přidat", exact=True).first.click()
        page.get_by_text("Aktualita", exact=True).first.click()
        page.get_by_label("Titulek").fill("Žlutice otevřely poradnu pro bydlení")
        page.get_by_label("Datum a čas zveřejnění").fill("2026-12-07T09:00")
        page.get_by_label("Perex").fill(
            "Lidé, kterým hrozí ztráta bydlení, najdou radu každé úterý na radnici."
        )
        pick(page, "Kraje", "Karlov", "Karlovarský kraj")
        pick(page, "Lokality", "Žlut", "Žlutice")
        page.locator("[data-slate-editor]").last.click()
        page.keyboard.type("Město Žlutice otevřelo poradnu pro lidi, kterým hrozí ztráta bydlení.")
        page.get_by_label("Titulek").scroll_into_view_if_needed()
        shoot(page, "editor-nova-zprava")
        upload(page, "Vyberte obrázek", files / "poradna.jpg")
        page.get_by_label("Popis fotografie pro nevidomé").fill(
            "Pracovnice poradny hovoří s návštěvníkem u stolu."
        )
        page.get_by_label("Popis fotografie pro nevidomé").scroll_into_view_if_needed()
        shoot(page, "editor-fotografie")
        page.get_by_role("button", name="Přidat").nth(1).click()  # documents: tags come first
        page.get_by_label("Název dokumentu").fill("Leták poradny")
        upload(page, "Vyberte soubor", files / "letak-poradny.pdf")
        page.get_by_label("Název dokumentu").scroll_into_view_if_needed()
        shoot(page, "editor-dokument")
        for _ in range(2):  # Decap marks a new entry changed after its first save
            page.get_by_role("button", name="Uložit").click()
            page.get_by_text("Položka uložena").first.wait_for()
            page.wait_for_timeout(1000)
            if page.get_by_text("Změny uloženy").count():
                break
        shoot(page, "editor-koncept")
        page.goto(base + "/admin/#/workflow")
        page.get_by_text("Žlutice otevřely poradnu pro bydlení").first.wait_for()
        shoot(page, "editor-schvalovani")
        browser.close()


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        output = folder / "public"
        options = BuildOptions(
            site_path=REPO,
            content_path=REPO / "content",
            output_path=output,
            base_url=None,
            include_drafts=False,
            now=build_time(os.environ),
            search=False,
            use_cache=False,
        )
        build(options)
        from PIL import Image
        from pypdf import PdfWriter

        Image.new("RGB", (800, 533), "steelblue").save(folder / "poradna.jpg", quality=80)
        writer = PdfWriter()
        writer.add_blank_page(595, 842)
        writer.write(folder / "letak-poradny.pdf")
        take(output, folder)


if __name__ == "__main__":
    main()
