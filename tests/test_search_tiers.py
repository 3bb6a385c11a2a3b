"""The search index in tiers: a base made at a compaction, a delta of what changed since.

Each test builds a small corpus with base parts of 40 pages and reads what a reader's
browser would: the tiers file, and the URLs and filters in the bundles' fragments.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from sitegen.engine import indexer, tiers
from sitegen.engine.compaction import wait_for_background
from sitegen.engine.pipeline import build
from sitegen.plan import shards
from sitegen.render.search import fragment_of
from tests.conftest import options_for

ITEMS = 120


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(shards, "BASE_PART_PAGES", 40)
    site = write_corpus(tmp_path / "site", ITEMS)
    build(options_for(site, search=True))
    yield site


def tiers_of(site: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((site / "public/pagefind-tiers.json").read_bytes())
    return data


def fragments(bundle: Path) -> dict[str, dict[str, object]]:
    """Return the fragments of a bundle by page id."""
    return {path.stem: fragment_of(path.read_bytes()) for path in (bundle / "fragment").glob("*")}


def urls_in(bundle: Path) -> list[str]:
    return sorted(str(fragment["url"]) for fragment in fragments(bundle).values())


def base_parts(site: Path) -> list[Path]:
    return sorted(
        path
        for path in (site / "public").glob("pagefind*")
        if path.name != "pagefind-delta" and path.is_dir()
    )


def files_of(folders: list[Path]) -> dict[str, bytes]:
    return {
        path.as_posix(): path.read_bytes()
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file()
    }


def searchable_urls(site: Path) -> list[str]:
    """Return the URL of every page that asks to be searched (data-pagefind-body)."""
    public = site / "public"
    return sorted(
        "/" + page.relative_to(public).as_posix().removesuffix("index.html")
        for page in public.rglob("*.html")
        if "data-pagefind-body" in page.read_text()
    )


def edit(site: Path, name: str, text: str) -> Path:
    path = sorted((site / "content/news").glob(name))[0]
    path.write_text(path.read_text() + f"\n{text}\n")
    return path


def url_of_news(path: Path) -> str:
    front = path.read_text().split("---")[1]
    slug = next(
        (line.split(":", 1)[1].strip() for line in front.splitlines() if line.startswith("slug:")),
        None,
    )
    return f"/aktuality/{slug or path.stem[11:]}/"


def test_a_cold_build_makes_the_base_in_parts_and_no_delta(corpus: Path) -> None:
    parts = base_parts(corpus)
    assert len(parts) >= 3
    assert not (corpus / "public/pagefind-delta").exists()
    assert tiers_of(corpus) == {
        "bundles": [f"/{part.name}/" for part in parts],
        "stale": [],
    }
    indexed = [url for part in parts for url in urls_in(part)]
    assert sorted(indexed) == searchable_urls(corpus)  # every page once


def test_an_edit_reindexes_only_the_delta_and_leaves_its_old_version_out(corpus: Path) -> None:
    parts = base_parts(corpus)
    base_before = files_of(parts)
    edited = edit(corpus, "2012-*.md", "Věta přidaná při zkoušce vrstev.")
    url = url_of_news(edited)
    old = {
        (part.name, page_id): fragment
        for part in parts
        for page_id, fragment in fragments(part).items()
        if fragment["url"] == url
    }
    report = build(options_for(corpus, search=True))
    assert report.pages_rendered < 30
    assert files_of(parts) == base_before  # the base is untouched
    delta = corpus / "public/pagefind-delta"
    assert url in urls_in(delta)
    assert len(urls_in(delta)) < 10
    listed = tiers_of(corpus)
    assert listed["bundles"] == [*(f"/{part.name}/" for part in parts), "/pagefind-delta/"]
    ((_part, page_id), fragment) = next(iter(old.items()))
    assert {"id": page_id, "filters": fragment["filters"]} in listed["stale"]  # type: ignore[operator]
    stale_ids = {entry["id"] for entry in listed["stale"]}  # type: ignore[attr-defined]
    delta_urls = set(urls_in(delta))
    for part in parts:  # a stale page is exactly a base page the delta holds anew
        for base_id, base_fragment in fragments(part).items():
            assert (base_id in stale_ids) == (base_fragment["url"] in delta_urls)


def test_a_second_edit_keeps_the_first_in_the_delta(corpus: Path) -> None:
    first = url_of_news(edit(corpus, "2012-*.md", "První změna."))
    build(options_for(corpus, search=True))
    second = url_of_news(edit(corpus, "2015-*.md", "Druhá změna."))
    build(options_for(corpus, search=True))
    assert {first, second} <= set(urls_in(corpus / "public/pagefind-delta"))


def test_a_removed_item_is_left_out_of_the_base(corpus: Path) -> None:
    removed = sorted((corpus / "content/news").glob("2013-*.md"))[0]
    url = url_of_news(removed)
    ids = {
        page_id
        for part in base_parts(corpus)
        for page_id, fragment in fragments(part).items()
        if fragment["url"] == url
    }
    removed.unlink()
    build(options_for(corpus, search=True))
    stale = {entry["id"] for entry in tiers_of(corpus)["stale"]}  # type: ignore[attr-defined]
    assert ids and ids <= stale
    delta = corpus / "public/pagefind-delta"
    assert url not in (urls_in(delta) if delta.exists() else [])


def test_a_delta_past_its_limit_compacts_the_base(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tiers, "DELTA_MAX_PAGES", 3)
    edited = [edit(corpus, f"{year}-*.md", f"Změna roku {year}.") for year in (2010, 2014)]
    build(options_for(corpus, search=True))
    assert (corpus / "public/pagefind-delta").exists()
    edited += [edit(corpus, f"{year}-*.md", f"Změna roku {year}.") for year in (2016, 2018, 2020)]
    build(options_for(corpus, search=True))
    assert not (corpus / "public/pagefind-delta").exists()
    parts = base_parts(corpus)
    assert tiers_of(corpus) == {"bundles": [f"/{part.name}/" for part in parts], "stale": []}
    contents = " ".join(
        str(fragment["content"]) for part in parts for fragment in fragments(part).values()
    )
    for year in (2010, 2014, 2016, 2018, 2020):
        assert f"Změna roku {year}." in contents
    indexed = [url for part in parts for url in urls_in(part)]
    assert sorted(indexed) == searchable_urls(corpus)


def test_builds_without_search_keep_the_index_and_say_it_is_behind(corpus: Path) -> None:
    options = options_for(corpus)  # search=False, as the preview's quick builds
    tiers_before = tiers_of(corpus)
    edit(corpus, "2012-*.md", "Změna bez hledání.")
    report = build(options)
    assert report.search_stale
    assert tiers_of(corpus) == tiers_before
    again = build(options_for(corpus, search=True))
    assert not again.search_stale
    assert tiers_of(corpus)["bundles"][-1] == "/pagefind-delta/"  # type: ignore[index]


def test_the_preview_compacts_in_the_background_and_swaps_the_base_in_later(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tiers, "DELTA_MAX_PAGES", 3)
    options = dataclasses.replace(options_for(corpus, search=True), compact_in_background=True)
    for year in (2010, 2012, 2014, 2016, 2018):
        edit(corpus, f"{year}-*.md", f"Změna roku {year}.")
    report = build(options)
    assert report.search_stale  # the old base still serves, with a delta past its limit
    assert len(urls_in(corpus / "public/pagefind-delta")) >= 5
    wait_for_background()

    def no_pagefind(*args: object) -> list[str]:
        raise AssertionError("the new base must come from the search cache")

    monkeypatch.setattr(indexer, "index_pages", no_pagefind)
    again = build(options)
    assert not again.search_stale
    assert not (corpus / "public/pagefind-delta").exists()
    parts = base_parts(corpus)
    assert tiers_of(corpus) == {"bundles": [f"/{part.name}/" for part in parts], "stale": []}
    contents = " ".join(
        str(fragment["content"]) for part in parts for fragment in fragments(part).values()
    )
    assert "Změna roku 2018." in contents
