"""The press officer's commands: new and check (serve is in test_server.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from sitegen.base.options import BuildOptions
from sitegen.commands.cli import new_kinds
from sitegen.engine import load
from sitegen.render.templates import STATUS_LABELS
from tests.conftest import LOCALITY, REPO, REPOSITORY, Run, make_site

NEWS = "---\ntitle: První zpráva\ndate: 2020-01-01\nregions: [praha]\n---\nText zprávy.\n"


@pytest.mark.parametrize("kind", new_kinds())
def test_new_file_builds_as_it_is(kind: str, tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    site = make_site(tmp_path / "site", {"content/localities/zlutice.md": LOCALITY})
    result = run_cli("new", kind, "Nová věc: pokus", "--source", site)
    assert result.status == 0, result.err
    path = Path(result.out.strip())
    assert path.is_file()
    text = path.read_text("utf-8")
    assert 'title: "Nová věc: pokus"' in text
    if kind == "news":
        assert path.name == "2026-11-18-nova-vec-pokus.md"
        assert "# image_alt:" in text
    assert "draft: true" in text
    built = run_cli("build", "--source", site, "--drafts")
    assert built.status == 0, built.err
    again = run_cli("new", kind, "Nová věc: pokus", "--source", site)
    assert again.status == 2
    assert f"{path}: already has the slug 'nova-vec-pokus'" in again.err


@REPOSITORY
def test_check_passes_on_the_sample_site(run_cli: Callable[..., Run]) -> None:
    result = run_cli("check", "--source", REPO)
    assert result.status == 0, result.err
    assert result.out.startswith("Check passed: 85 pages")
    assert "warning: content/news/" in result.err


def test_check_finds_a_broken_link_and_a_missing_anchor(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    news = NEWS.replace(
        "Text zprávy.",
        "[Nikam](/dokumenty/nic.pdf) a [kotva](/lokality/zlutice/#neexistuje) a [dobrá](#obsah).",
    )
    site = make_site(
        tmp_path / "site",
        {"content/news/2020-01-01-prvni.md": news, "content/localities/zlutice.md": LOCALITY},
    )
    shutil.copytree(REPO / "static", site / "static")
    result = run_cli("check", "--source", site)
    assert result.status == 1
    lines = [line for line in result.err.splitlines() if "link" in line]
    assert any(
        line.startswith("content/news/2020-01-01-prvni.md:")
        and "'/dokumenty/nic.pdf' goes to a page or file that does not exist" in line
        for line in lines
    ), result.err
    assert any("#neexistuje, which is not on that page" in line for line in lines)
    assert not any("#obsah" in line for line in lines)
    assert result.err.rstrip().endswith("Check failed: 2 problems.")


def test_check_quiet_prints_only_errors_and_counts_in_the_singular(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    news = NEWS.replace("regions: [praha]\n", "").replace("Text zprávy.", "[Nikam](/nic.pdf).")
    site = make_site(tmp_path / "site", {"content/news/2020-01-01-prvni.md": news})
    shutil.copytree(REPO / "static", site / "static")
    loud = run_cli("check", "--source", site)
    assert "warning: content/news/2020-01-01-prvni.md" in loud.err  # no region: a warning
    quiet = run_cli("check", "--source", site, "--quiet")
    assert quiet.status == 1
    assert "warning" not in quiet.err
    assert quiet.err.rstrip().endswith("Check failed: 1 problem.")
    assert quiet.out == ""


def test_build_py_without_the_libraries_says_how_to_install_them() -> None:
    result = subprocess.run(
        [sys.executable, "-S", str(REPO / "build.py"), "--source", str(REPO), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("sitegen: this Python lacks the library ")
    assert "Run `make preview` (or `make site`) once" in result.stderr
    assert "Traceback" not in result.stderr


def site_with_theme(tmp_path: Path, files: dict[str, str]) -> Path:
    """Return a mini-site of files with the theme's static files, as check needs them."""
    site = make_site(tmp_path / "site", dict(files))
    shutil.copytree(REPO / "static", site / "static")
    return site


def test_a_national_news_item_needs_no_region(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    regional = NEWS.replace("regions: [praha]\n", "")
    national = regional.replace("date: 2020-01-01\n", "date: 2020-01-01\nnational: true\n")
    files = {
        "content/news/2020-01-01-prvni.md": regional,
        "content/news/2020-01-02-celostatni.md": national,
    }
    result = run_cli("check", "--source", site_with_theme(tmp_path, files))
    assert result.status == 0, result.err
    no_region = [line for line in result.err.splitlines() if "no region" in line]
    assert no_region == [
        "warning: content/news/2020-01-01-prvni.md: regions: no region or locality; add one "
        "so readers find the news, or write 'national: true' when it concerns the whole country"
    ]


def test_a_date_that_differs_from_the_file_name_is_a_warning(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    files = {
        "content/news/2020-01-01-prvni.md": NEWS.replace("2020-01-01", "2020-01-03T09:00"),
        "content/news/2020-01-02-druha.md": NEWS.replace("2020-01-01", "2020-01-02"),
    }
    result = run_cli("check", "--source", site_with_theme(tmp_path, files))
    assert result.status == 0, result.err
    dated = [line for line in result.err.splitlines() if "differs from the date" in line]
    assert dated == [
        "warning: content/news/2020-01-01-prvni.md: date: 2020-01-03 differs from the date in "
        "the file name (2020-01-01); rename the file or correct the date"
    ]


def test_check_loads_the_content_once(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    loads: list[Path] = []
    original = load.load_with_entries

    def counting_load_site(options: BuildOptions, *args: Any, **kwargs: Any) -> Any:
        loads.append(options.content_path)
        return original(options, *args, **kwargs)

    monkeypatch.setattr(load, "load_with_entries", counting_load_site)
    site = site_with_theme(tmp_path, {"content/news/2020-01-01-prvni.md": NEWS})
    result = run_cli("check", "--source", site)
    assert result.status == 0, result.err
    assert loads == [site / "content"]


def test_a_locality_without_status_takes_it_from_its_dates_on_the_day_of_the_build(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "content/news/2020-01-01-prvni.md": NEWS,
        "content/localities/hodonin.md": "---\ntitle: Hodonín\nregion: jihomoravsky\n"
        "cooperation_since: 2030-03-01\ncoordinates: [48.85, 17.13]\n---\nText.\n",
        "content/localities/tanvald.md": "---\ntitle: Tanvald\nregion: liberecky\n"
        "coordinates: [50.73, 15.3]\n---\nText.\n",
    }
    site = site_with_theme(tmp_path, files)
    for day, expected in (("2029-12-31", "planned"), ("2030-03-01", "active")):
        moment = datetime.fromisoformat(day + "T12:00:00+00:00")
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))
        result = run_cli("build", "--source", site)
        assert result.status == 0, result.err
        page = (site / "public/lokality/hodonin/index.html").read_text()
        assert STATUS_LABELS[expected] in page, day
    result = run_cli("check", "--source", site)
    assert [line for line in result.err.splitlines() if "content/localities" in line] == [
        "warning: content/localities/tanvald.md: status: missing, and without cooperation_since "
        "the locality is shown as active cooperation; write status: active, planned or ended",
    ]


def test_a_status_the_dates_contradict_and_a_locality_off_the_map_are_warnings(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    ended = (
        "---\ntitle: Most\nregion: ustecky\nstatus: active\ncooperation_since: 2008-09-01\n"
        "cooperation_until: 2012-06-30\ncoordinates: [50.503, 13.6362]\n---\nText.\n"
    )
    files = {
        "content/news/2020-01-01-prvni.md": NEWS,
        "content/localities/most.md": ended,
        "content/localities/kolin.md": ended.replace("cooperation_until: 2012-06-30\n", ""),
        "content/localities/tanvald.md": "---\ntitle: Tanvald\nregion: liberecky\n"
        "status: planned\n---\nText.\n",
    }
    result = run_cli("check", "--source", site_with_theme(tmp_path, files))
    assert result.status == 0, result.err
    assert [line for line in result.err.splitlines() if "content/localities" in line] == [
        "warning: content/localities/most.md: status: 'active', but by cooperation_since and "
        "cooperation_until the cooperation is 'ended' today; write status: ended, or correct "
        "the dates",
        "warning: content/localities/tanvald.md: coordinates: missing, so the locality is not "
        "on the map; add [latitude, longitude]",
    ]
