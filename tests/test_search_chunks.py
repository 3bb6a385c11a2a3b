"""The search base's parts are cut so that a reader loads about what one index costs.

A search loads, for each word, one index chunk from every bundle merged. Each part's
chunks are cut to its share of the site (plan.shards.index_chunk), so the chunks a word
loads from all parts add up to about one chunk of one index, and no part is larger than
BASE_PART_PAGES pages (Pagefind holds a whole part in memory while it writes it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.corpus import write_corpus
from sitegen.engine.load import load_site
from sitegen.plan import shards
from sitegen.plan.shards import MIN_CHUNK, PAGEFIND_CHUNK, index_chunk
from sitegen.render.search import index_pages
from tests.conftest import options_for


@pytest.mark.parametrize("site_pages", [3, 1_000, 2_047, 2_048, 2_049, 10_386, 20_000])
def test_the_parts_chunks_add_up_to_one_chunk_of_one_index(site_pages: int) -> None:
    parts = [800] * (site_pages // 800) + [site_pages % 800]
    chunks = [index_chunk(pages, site_pages) for pages in parts if pages]
    assert all(MIN_CHUNK <= chunk <= PAGEFIND_CHUNK for chunk in chunks)
    if site_pages >= 2_000:
        assert PAGEFIND_CHUNK // 2 - len(parts) * MIN_CHUNK <= sum(chunks) <= PAGEFIND_CHUNK


def test_one_index_keeps_pagefinds_chunks_and_a_part_keeps_its_own_until_the_site_doubles() -> None:
    assert index_chunk(1_500, 1_500) == PAGEFIND_CHUNK * 1_500 // 2_048
    assert index_chunk(800, 9_000) == index_chunk(800, 16_384) == PAGEFIND_CHUNK * 800 // 16_384
    assert index_chunk(1_600, 16_385) == PAGEFIND_CHUNK * 1_600 // 32_768
    assert index_chunk(5, 10_000) == MIN_CHUNK


def write_pages(folder: Path, count: int) -> None:
    words = ["obec", "kraj", "dotace", "poradna", "školka", "bydlení", "zaměstnanost", "spolupráce"]
    for number in range(count):
        text = " ".join(f"{words[(number + k) % len(words)]}{k % 97}" for k in range(400))
        page = folder / f"stranka-{number}/index.html"
        page.parent.mkdir(parents=True)
        page.write_text(
            f'<!doctype html><html lang="cs"><head><title>Stránka {number}</title></head>'
            f"<body><main data-pagefind-body><h1>Stránka {number}</h1><p>{text}</p>"
            "</main></body></html>",
            encoding="utf-8",
        )


def test_pagefind_cuts_a_bundle_into_the_chunks_it_is_given(tmp_path: Path) -> None:
    """The setting is Pagefind's unstable one: a new Pagefind that dropped it fails here."""
    write_pages(tmp_path / "pages", 40)
    default = index_pages(tmp_path / "pages", tmp_path / "default", "cs")
    small = index_pages(tmp_path / "pages", tmp_path / "small", "cs", MIN_CHUNK)
    chunks_by_default = [name for name in default if name.startswith("index/")]
    small_chunks = [name for name in small if name.startswith("index/")]
    assert len(chunks_by_default) <= 2
    assert len(small_chunks) >= 8


def test_no_part_holds_more_than_its_pages_and_each_is_cut_to_its_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(shards, "BASE_PART_PAGES", 30)
    site = write_corpus(tmp_path / "site", 120)
    planned = shards.plan_search_shards(load_site(options_for(site)))
    assert len(planned) >= 4
    whole = sum(len(part.urls) for part in planned)
    for part in planned[1:]:
        assert len(part.urls) <= 30
        assert part.chunk == index_chunk(len(part.urls), whole)
