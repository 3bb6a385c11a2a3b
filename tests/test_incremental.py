"""Parallel and cached builds give the same bytes as a cold one; bad cache entries are ignored."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
from pathlib import Path

from bench.corpus import write_corpus
from sitegen.base.cache import CACHE_FILE
from sitegen.base.options import CACHE_FOLDER
from sitegen.base.parallel import MIN_ITEMS_PER_WORKER
from sitegen.engine.pagecache import PAGES_FOLDER
from sitegen.engine.pipeline import build
from tests.conftest import LOCALITY, make_site, options_for
from tests.test_golden import tree

ITEMS = 3 * MIN_ITEMS_PER_WORKER
"""Enough news items for two workers to render bodies and pages."""


def contents(output: Path) -> dict[str, bytes]:
    return {rel: data for rel, data in tree(output).items() if not rel.startswith("pagefind/")}


def test_cached_parallel_build_is_byte_identical_to_a_cold_single_process_one(
    tmp_path: Path,
) -> None:
    site = write_corpus(tmp_path / "site", ITEMS)
    cold = options_for(site, tmp_path / "cold")
    cold = dataclasses.replace(cold, jobs=1, use_cache=False, search=False)
    report = build(cold)
    assert report.pages_rendered == report.pages
    assert not (site / CACHE_FOLDER).exists()

    parallel = dataclasses.replace(cold, output_path=tmp_path / "warm", jobs=2, use_cache=True)
    build(parallel)  # fills the cache
    (site / "content/news/2008-01-23-zprava-0.md").touch()
    shutil.rmtree(site / CACHE_FOLDER / PAGES_FOLDER)  # the rendered pages, not their parts
    rebuilt = build(dataclasses.replace(parallel, output_path=tmp_path / "again"))
    assert rebuilt.pages_rendered == rebuilt.pages  # a new output folder: every page rendered
    assert contents(tmp_path / "again") == contents(tmp_path / "cold")
    assert contents(tmp_path / "warm") == contents(tmp_path / "cold")


def test_unchanged_site_renders_and_writes_nothing(tmp_path: Path) -> None:
    site = write_corpus(tmp_path / "site", ITEMS)
    options = dataclasses.replace(options_for(site), jobs=2, search=False)
    build(options)
    before = {p: p.stat().st_mtime_ns for p in (site / "public").rglob("*")}
    report = build(options)
    assert (report.pages_rendered, report.written) == (0, 0)
    assert {p: p.stat().st_mtime_ns for p in (site / "public").rglob("*")} == before


def test_deleted_output_file_is_restored(tmp_path: Path) -> None:
    site = write_corpus(tmp_path / "site", 20)
    options = dataclasses.replace(options_for(site), search=False)
    build(options)
    page = site / "public/aktuality/zprava-3/index.html"
    original = page.read_bytes()
    page.unlink()
    report = build(options)
    assert (report.pages_rendered, report.pages_taken) == (0, 1)  # from the page cache
    assert page.read_bytes() == original
    page.unlink()
    shutil.rmtree(site / CACHE_FOLDER / PAGES_FOLDER)
    report = build(options)
    assert (report.pages_rendered, report.pages_taken) == (1, 0)
    assert page.read_bytes() == original


def test_damaged_cache_entries_are_ignored(tmp_path: Path) -> None:
    site = write_corpus(tmp_path / "site", 20)
    options = dataclasses.replace(options_for(site), search=False)
    build(dataclasses.replace(options, output_path=tmp_path / "first"))
    with sqlite3.connect(site / CACHE_FOLDER / CACHE_FILE) as db:
        db.execute("update entries set value = replace(value, 'Zpráva', 'Podvrh')")
    build(dataclasses.replace(options, output_path=tmp_path / "second"))
    page = (tmp_path / "second/aktuality/zprava-3/index.html").read_text()
    assert "Podvrh" not in page
    assert contents(tmp_path / "second") == contents(tmp_path / "first")


def test_a_file_that_is_not_a_cache_is_replaced(tmp_path: Path) -> None:
    site = write_corpus(tmp_path / "site", 5)
    (site / CACHE_FOLDER).mkdir()
    (site / CACHE_FOLDER / CACHE_FILE).write_text("toto není databáze")
    report = build(dataclasses.replace(options_for(site), search=False))
    assert report.pages_rendered == report.pages


def test_stale_body_with_moved_link_target_is_rendered_again(tmp_path: Path) -> None:
    news = "---\ntitle: Zpráva\ndate: 2020-01-01\n---\nViz [Žlutice](../localities/zlutice.md).\n"
    site = make_site(
        tmp_path / "site",
        {"content/news/2020-01-01-zprava.md": news, "content/localities/zlutice.md": LOCALITY},
    )
    options = dataclasses.replace(options_for(site), search=False)
    build(options)
    assert 'href="/lokality/zlutice/"' in (site / "public/aktuality/zprava/index.html").read_text()
    (site / "content/localities/zlutice.md").write_text(
        LOCALITY.replace("kind:", "slug: mesto-zlutice\nkind:"), encoding="utf-8"
    )
    build(options)
    page = (site / "public/aktuality/zprava/index.html").read_text()
    assert 'href="/lokality/mesto-zlutice/"' in page


def test_template_change_renders_every_page_again(tmp_path: Path) -> None:
    site = write_corpus(tmp_path / "site", 5)
    options = dataclasses.replace(options_for(site), search=False)
    first = build(options)
    footer = site / "templates/base.html"
    footer.write_text(footer.read_text().replace("</footer>", "<p>Nová patička</p></footer>"))
    report = build(options)
    assert report.pages_rendered == first.pages
    assert "Nová patička" in (site / "public/index.html").read_text()


def test_an_edit_that_keeps_size_and_time_is_still_seen(tmp_path: Path) -> None:
    """`cp -p` or `touch -r` can restore a file's size and modification time; the
    change time still moves, so the build sees the edit as a cold build would."""
    site = write_corpus(tmp_path / "site", 20)
    options = dataclasses.replace(options_for(site), search=False)
    build(options)
    source = site / "content/news/2008-01-23-zprava-0.md"
    before = source.stat()
    text = source.read_text("utf-8")
    old_title = text.split("title: ", 1)[1].split("\n", 1)[0]
    new_title = "X" * len(old_title.encode())  # the same number of bytes
    source.write_text(text.replace(old_title, new_title, 1), "utf-8")
    os.utime(source, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (source.stat().st_size, source.stat().st_mtime_ns) == (
        before.st_size,
        before.st_mtime_ns,
    )
    build(options)
    cold = dataclasses.replace(options, output_path=tmp_path / "cold", use_cache=False)
    build(cold)
    assert new_title in (site / "public/aktuality/zprava-0/index.html").read_text("utf-8")
    assert contents(site / "public") == contents(tmp_path / "cold")
