"""Build semantics through the command line: options, exit status, atomicity, determinism."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest

from sitegen.base.options import CACHE_FOLDER
from tests.conftest import LOCALITY, NOW_EPOCH, REPO, STATEMENT, Run, make_site
from tests.htmlpages import parse_page
from tests.test_golden import tree

DRAFT = "---\ntitle: Koncept\ndate: 2020-01-01\ndraft: true\n---\nKoncept.\n"
SCHEDULED = "---\ntitle: Budoucí\ndate: 2027-01-01\n---\nPozději.\n"


def news(day: str, title: str = "Zpráva") -> str:
    """Return a valid news file dated day."""
    return f"---\ntitle: {title} {day}\ndate: {day}\n---\nText zprávy z {day}.\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(
        tmp_path / "site",
        {
            "content/news/2024-01-01-a.md": news("2024-01-01"),
            "content/news/2024-02-01-b.md": news("2024-02-01"),
            "content/news/2024-03-01-c.md": news("2024-03-01"),
            "content/news/2024-04-01-koncept.md": DRAFT,
            "content/news/2027-01-01-budouci.md": SCHEDULED,
            "content/localities/zlutice.md": LOCALITY,
        },
    )


@pytest.mark.search  # the files it counts include the search index's
def test_build_writes_the_site_and_reports_it(site: Path, run_cli: Callable[..., Run]) -> None:
    result = run_cli("build", "--source", site)
    assert result.status == 0, result.err
    assert result.out.startswith("Built 33 pages (76 files: 76 written, 0 unchanged) into ")
    assert (site / "public/aktuality/a/index.html").is_file()


def test_build_is_the_default_command(site: Path, run_cli: Callable[..., Run]) -> None:
    assert run_cli("--source", site).status == 0
    assert (site / "public/index.html").is_file()


def test_drafts_and_future_items_are_left_out(site: Path, run_cli: Callable[..., Run]) -> None:
    run_cli("--source", site)
    assert not (site / "public/aktuality/koncept").exists()
    assert not (site / "public/aktuality/budouci").exists()
    feed = feedparser.parse((site / "public/feed.xml").read_bytes())
    assert [entry.title for entry in feed.entries] == [
        "Zpráva 2024-03-01",
        "Zpráva 2024-02-01",
        "Zpráva 2024-01-01",
    ]
    assert "koncept" not in (site / "public/sitemap.xml").read_text()


def test_drafts_option_shows_drafts_and_future_items(
    site: Path, run_cli: Callable[..., Run]
) -> None:
    run_cli("--source", site, "--drafts")
    draft = parse_page(site / "public/aktuality/koncept/index.html")
    assert "Koncept Tato zpráva není zveřejněná." in draft.text
    assert "Koncept:" not in draft.text  # the flag said it once, the line again
    scheduled = parse_page(site / "public/aktuality/budouci/index.html")
    assert "Naplánováno na 1. ledna 2027" in scheduled.text


def test_source_date_epoch_decides_what_is_published(
    site: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # 2027-01-15
    run_cli("--source", site)
    assert (site / "public/aktuality/budouci/index.html").is_file()


def test_lists_are_paginated(site: Path, run_cli: Callable[..., Run]) -> None:
    run_cli("--source", site)
    first = parse_page(site / "public/aktuality/index.html")
    second = parse_page(site / "public/aktuality/strana/2/index.html")
    assert "/aktuality/strana/2/" in first.hrefs
    assert "/aktuality/" in second.hrefs
    assert second.titles == ["Aktuality – strana 2 | Testovací web"]
    assert not (site / "public/aktuality/strana/3").exists()
    archive = parse_page(site / "public/aktuality/archiv/2024/strana/2/index.html")
    assert "Zpráva 2024-01-01" in archive.text


def test_content_option_reads_another_folder(
    site: Path, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    other = tmp_path / "jiny-obsah"
    (other / "news").mkdir(parents=True)
    (other / "news" / "2024-05-05-jina.md").write_text(news("2024-05-05", "Jiná"))
    (other / "pages").mkdir()
    (other / "pages" / "prohlaseni-o-pristupnosti.md").write_text(STATEMENT)
    result = run_cli("--source", site, "--content", other, "--output", tmp_path / "out")
    assert result.status == 0, result.err
    assert (tmp_path / "out/aktuality/jina/index.html").is_file()
    assert not (tmp_path / "out/aktuality/a").exists()


def test_base_url_changes_links_but_not_feed_ids(
    site: Path, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    run_cli("--source", site, "--output", tmp_path / "a")
    run_cli("--source", site, "--output", tmp_path / "b", "--base-url", "https://jinde.cz/web")
    page = parse_page(tmp_path / "b/aktuality/a/index.html")
    assert page.link("canonical") == ["https://jinde.cz/web/aktuality/a/"]
    assert "/web/aktuality/" in page.hrefs
    assert (tmp_path / "b/web").exists() is False
    ids_a = [e.id for e in feedparser.parse((tmp_path / "a/feed.xml").read_bytes()).entries]
    ids_b = [e.id for e in feedparser.parse((tmp_path / "b/feed.xml").read_bytes()).entries]
    assert (
        ids_a
        == ids_b
        == [
            "tag:example.cz,2024-03-01:aktuality/c",
            "tag:example.cz,2024-02-01:aktuality/b",
            "tag:example.cz,2024-01-01:aktuality/a",
        ]
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--output", "."], "would replace"),
        (["--output", ".."], "would replace"),
        (["--output", "content"], "would replace"),
        (["--output", "content/public"], "is inside"),
        (["--output", "templates/out"], "is inside"),
        (["--output", "static/css/out"], "is inside"),
        (["--output", ".git/public"], "is inside"),
        (["--output", "site.yaml"], "is a file or a link, not a folder"),
        (["--output", "content/pages/prohlaseni-o-pristupnosti.md"], "is a file"),
    ],
)
def test_output_that_would_swallow_sources_is_refused(
    site: Path,
    args: list[str],
    message: str,
    run_cli: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(site)
    before = tree(site)
    result = run_cli("--source", ".", *args)
    assert result.status == 2
    assert message in result.err
    assert tree(site) == before


def test_a_folder_not_made_by_sitegen_is_not_replaced(
    site: Path, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    foreign = tmp_path / "dokumenty"
    foreign.mkdir()
    (foreign / "dulezite.txt").write_text("neztratit")
    result = run_cli("--source", site, "--output", foreign)
    assert result.status == 2
    assert "was not made by sitegen" in result.err
    assert (foreign / "dulezite.txt").read_text() == "neztratit"


@pytest.mark.parametrize(
    "args", [["--frobnicate"], ["build", "--drafts=yes"], ["--source", "/nonexistent"]]
)
def test_bad_usage_exits_2(args: list[str], run_cli: Callable[..., Run]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        if args[0] != "--source":
            run_cli(*args)
        else:
            raise SystemExit(run_cli(*args).status)
    assert exit_info.value.code == 2


def test_bad_source_date_epoch_exits_2(
    site: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "včera")
    result = run_cli("--source", site)
    assert result.status == 2
    assert "SOURCE_DATE_EPOCH='včera': expected whole seconds since 1970" in result.err


@pytest.mark.parametrize("breakage", ["content", "template", "static"])
def test_failing_build_leaves_previous_output_untouched(
    site: Path, breakage: str, run_cli: Callable[..., Run]
) -> None:
    (site / "beside.txt").write_text("soused")
    assert run_cli("--source", site).status == 0
    before = tree(site / "public")
    if breakage == "content":
        (site / "content/news/2024-01-01-a.md").write_text("---\ntitle: [\n---\n")
    elif breakage == "template":
        (site / "templates/news_item.html").write_text("{{ item.nonsense.deeper }}")
    else:
        (site / "static").mkdir()
        (site / "static/feed.xml").write_text("<rss/>")
    result = run_cli("--source", site)
    assert result.status == 1
    assert tree(site / "public") == before
    assert (site / "beside.txt").read_text() == "soused"
    assert not [p.name for p in site.iterdir() if p.name.startswith(".") and p.name != CACHE_FOLDER]


def test_static_file_that_would_overwrite_a_page_is_an_error(
    site: Path, run_cli: Callable[..., Run]
) -> None:
    (site / "static").mkdir()
    (site / "static/robots.txt").write_text("User-agent: *\n")
    result = run_cli("--source", site)
    assert result.problems == [
        "static/robots.txt: would be written to /robots.txt, which "
        "robots already produces; rename one of them"
    ]


def test_static_file_of_a_type_that_could_run_scripts_is_an_error(
    site: Path, run_cli: Callable[..., Run]
) -> None:
    (site / "static").mkdir()
    (site / "static/feed.xml").write_text("<rss/>")
    (site / "static/utok.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="x()"/>')
    result = run_cli("--source", site)
    assert result.status == 1
    assert [line.split(":")[0] for line in result.problems] == [
        "static/feed.xml",
        "static/utok.svg",
    ]


@pytest.mark.search  # the search index is staged beside the output too
def test_nothing_is_written_beside_the_output(
    site: Path, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    out_parent = tmp_path / "vystup"
    out_parent.mkdir()
    run_cli("--source", site, "--output", out_parent / "public")
    run_cli("--source", site, "--output", out_parent / "public")
    assert [p.name for p in out_parent.iterdir()] == ["public"]


def _build_in_subprocess(site: Path, output: Path, hashseed: str, tz: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": hashseed, "TZ": tz, "SOURCE_DATE_EPOCH": str(NOW_EPOCH)}
    subprocess.run(
        [sys.executable, str(REPO / "build.py"), "--source", str(site), "--output", str(output)],
        check=True,
        env=env,
        capture_output=True,
    )


def test_same_input_gives_byte_identical_output(tmp_path: Path) -> None:
    """Hash seed, timezone and the order files were created in change nothing."""
    first = tmp_path / "first"
    shutil.copytree(
        REPO,
        first,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "public",
            "tests",
            "bench",
            "node_modules",
            "*.egg-info",
            "__pycache__",
            ".*cache",
        ),
    )
    second = tmp_path / "second"
    second.mkdir()
    for path in sorted(first.rglob("*"), reverse=True):  # create in the opposite order
        target = second / path.relative_to(first)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    _build_in_subprocess(first, tmp_path / "out1", "1", "UTC")
    _build_in_subprocess(second, tmp_path / "out2", "4242", "America/New_York")
    one, two = tree(tmp_path / "out1"), tree(tmp_path / "out2")
    assert len(one) > 100
    # Pagefind writes its filter files in arbitrary order (Pagefind/pagefind#638):
    # the search index is compared by what it holds, everything else byte for byte.
    assert _search_entry(one) == _search_entry(two)
    assert _without_search(one) == _without_search(two)


_BUNDLES = {"pagefind/": "cs", "en/pagefind/": "en"}
"""The search bundles of the sample site: the Czech one and the English one."""


def _search_entry(files: dict[str, bytes]) -> list[tuple[int, list[str]]]:
    entries = []
    for bundle, language in _BUNDLES.items():
        entry = json.loads(files[f"{bundle}pagefind-entry.json"])
        fragments = sorted(name for name in files if name.startswith(f"{bundle}fragment/"))
        entries.append((entry["languages"][language]["page_count"], fragments))
    return entries


def _without_search(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in files.items() if not name.startswith(tuple(_BUNDLES))}


def _inodes(root: Path) -> dict[str, tuple[int, int]]:
    return {
        path.relative_to(root).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in root.rglob("*")
        if path.is_file() and "pagefind" not in path.parts
    }


def test_unchanged_files_keep_their_inode_and_time(site: Path, run_cli: Callable[..., Run]) -> None:
    run_cli("--source", site)
    first = _inodes(site / "public")
    run_cli("--source", site)
    assert _inodes(site / "public") == first


def test_an_edit_rewrites_the_pages_it_changes_and_no_others(
    site: Path, run_cli: Callable[..., Run]
) -> None:
    run_cli("--source", site)
    first = _inodes(site / "public")
    item = next((site / "content/news").glob("*-a.md"))
    item.write_text(item.read_text().replace("Text zprávy", "Nový text zprávy"))
    run_cli("--source", site)
    second = _inodes(site / "public")
    changed = {rel for rel in first if first[rel] != second[rel]}
    assert {"aktuality/a/index.html", "feed.xml"} <= changed
    assert "kraje/praha/index.html" not in changed
    assert ".sitegen-output" not in changed
