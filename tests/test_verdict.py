"""The verdict (engine/verdict.py): a build with nothing to do reads only it, and any
doubt about it sends the build to the whole state, never to a wrong "nothing changed"."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from sitegen.base.options import CACHE_FOLDER, BuildOptions
from sitegen.engine import pipeline
from sitegen.engine.pipeline import BuildReport, build
from tests.conftest import LOCALITY, make_site, options_for
from tests.test_golden import tree

NEWS = "---\ntitle: Zpráva {n}\ndate: 2024-01-0{n}\n---\nText zprávy.\n"
PAGE = "public/aktuality/a/index.html"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(
        tmp_path / "site",
        {
            "content/news/2024-01-01-a.md": NEWS.format(n=1),
            "content/news/2024-01-02-b.md": NEWS.format(n=2),
            "content/localities/zlutice.md": LOCALITY,
        },
    )


def _options(site: Path) -> BuildOptions:
    return dataclasses.replace(options_for(site), search=False)


def _verdict(site: Path) -> Path:
    [verdict] = (site / CACHE_FOLDER / "state").glob("*.verdict")
    return verdict


def _nothing_done(report: BuildReport) -> bool:
    return report.written == 0 and report.pages_rendered == 0


def test_a_build_with_nothing_to_do_reads_the_verdict_not_the_state(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = build(_options(site))
    monkeypatch.setattr(pipeline, "load_state", lambda path: pytest.fail("the state was read"))
    report = build(_options(site))
    assert _nothing_done(report)
    assert (report.pages, report.files) == (first.pages, first.files)


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not json",
        b'{"version": 1}',
        b"[1, 2, 3]",
    ],
)
def test_a_damaged_verdict_leaves_the_decision_to_the_state(site: Path, damage: bytes) -> None:
    build(_options(site))
    _verdict(site).write_bytes(damage)
    report = build(_options(site))
    assert _nothing_done(report)  # the state found nothing to do
    build(_options(site))  # which wrote a sound verdict again
    assert json.loads(_verdict(site).read_bytes())["version"] == 1


def test_a_verdict_that_claims_no_files_is_not_believed(site: Path) -> None:
    """A verdict listing fewer stats than paths (or forged) never skips a missing file."""
    build(_options(site))
    body = json.loads(_verdict(site).read_bytes())
    body["stats"] = body["stats"][:-3]
    _verdict(site).write_text(json.dumps(body))
    (site / PAGE).unlink()
    report = build(_options(site))
    assert report.written == 1
    assert (site / PAGE).is_file()


def test_an_output_file_changed_after_the_verdict_is_made_again(site: Path) -> None:
    build(_options(site))
    expected = tree(site / "public")
    page = site / PAGE
    page.write_text("přepsáno")
    report = build(_options(site))
    assert report.written == 1
    assert tree(site / "public") == expected


def test_an_input_touched_after_the_verdict_is_looked_at(site: Path) -> None:
    build(_options(site))
    news = site / "content/news/2024-01-01-a.md"
    stat = news.stat()
    os.utime(news, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    report = build(_options(site))
    assert report.written == 0  # same bytes: nothing written, but the inputs were read
    assert json.loads(_verdict(site).read_bytes())["inputs"]  # and the verdict renewed


def test_the_verdict_of_an_earlier_state_is_not_used(site: Path) -> None:
    """A build whose verdict was not written (killed after keeping its state) leaves the
    older verdict beside a newer state: the state decides."""
    build(_options(site))
    old = _verdict(site).read_bytes()
    news = site / "content/news/2024-01-01-a.md"
    original = news.read_text(encoding="utf-8")
    news.write_text(original + "\nVěta navíc.\n", encoding="utf-8")
    before = tree(site / "public")
    build(_options(site))
    assert tree(site / "public") != before
    _verdict(site).write_bytes(old)
    news.write_text(original, encoding="utf-8")  # the inputs of the old verdict's build
    report = build(_options(site))
    assert report.written > 0  # the output is put back as the old inputs make it
    assert tree(site / "public") == before
