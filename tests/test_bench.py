"""The benchmark's synthetic corpus stays a valid site (timings live in bench/, not here)."""

from __future__ import annotations

from pathlib import Path

from bench.corpus import LOCALITIES, PARTNERSHIPS, write_corpus
from sitegen.engine.pipeline import build
from tests.conftest import options_for


def test_benchmark_corpus_builds(tmp_path: Path) -> None:
    site = write_corpus(tmp_path / "site", 40)
    report = build(options_for(site, tmp_path / "public"))
    assert len(list((site / "content/localities").iterdir())) == LOCALITIES
    assert len(list((site / "content/partnerships").iterdir())) == PARTNERSHIPS
    assert (tmp_path / "public/aktuality/zprava-39/index.html").is_file()
    assert report.pages > 40 + LOCALITIES + PARTNERSHIPS
