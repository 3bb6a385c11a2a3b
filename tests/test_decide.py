"""decide: the one place that chooses what a build makes and what it keeps.

These tests run decide on plans made in memory (no site is loaded, nothing rendered):
a plan of every output and a plan of only the outputs that show changed texts meet the
previous build's records and the files of its output.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from sitegen.engine.decide import JobPlan, decide
from sitegen.engine.jobs import CopyJob, FileJob
from sitegen.engine.state import BuildState, FileStat, OutputRecord, ShardRecord
from sitegen.render.templates import SiteGlobals


def file_job(path: str, fingerprint: str) -> FileJob:
    return FileJob(path, fingerprint, lambda: b"new", path)


def plan(*jobs: FileJob | CopyJob, complete: bool = True) -> JobPlan:
    return JobPlan(
        complete=complete,
        pages=[],
        files=[job for job in jobs if isinstance(job, FileJob)],
        copies=[job for job in jobs if isinstance(job, CopyJob)],
        shards=[],
        globals=cast(SiteGlobals, None),  # decide never looks at what pages see
        language="cs",
        page_shared="",
        page_count=0,
        valid_until=None,
    )


def previous_build(output: Path, files: dict[str, str]) -> BuildState:
    """Write files (path → fingerprint) into output and return the state that records them."""
    state = BuildState("key")
    for path, fingerprint in files.items():
        (output / path).parent.mkdir(parents=True, exist_ok=True)
        (output / path).write_bytes(b"old " + path.encode())
        stat = FileStat.of(output / path)
        assert stat is not None
        state.outputs[path] = OutputRecord(fingerprint, stat)
    return state


def test_a_first_build_makes_every_job(tmp_path: Path) -> None:
    decisions = decide(plan(file_job("feed.xml", "a"), file_job("robots.txt", "b")), None, tmp_path)
    assert decisions is not None
    assert [job.path for job in decisions.files_todo] == ["feed.xml", "robots.txt"]
    assert decisions.kept == {}


def test_an_unchanged_intact_file_is_kept_and_a_changed_one_made(tmp_path: Path) -> None:
    previous = previous_build(tmp_path, {"feed.xml": "a", "robots.txt": "b"})
    decisions = decide(
        plan(file_job("feed.xml", "a"), file_job("robots.txt", "B")), previous, tmp_path
    )
    assert decisions is not None
    assert list(decisions.kept) == ["feed.xml"]
    assert [job.path for job in decisions.files_todo] == ["robots.txt"]


def test_a_file_someone_changed_is_made_again_though_its_inputs_did_not_change(
    tmp_path: Path,
) -> None:
    previous = previous_build(tmp_path, {"feed.xml": "a"})
    (tmp_path / "feed.xml").write_bytes(b"edited by hand, and longer than before")
    decisions = decide(plan(file_job("feed.xml", "a")), previous, tmp_path)
    assert decisions is not None
    assert [job.path for job in decisions.files_todo] == ["feed.xml"]


def test_an_output_without_a_job_in_a_complete_plan_is_no_longer_part_of_the_site(
    tmp_path: Path,
) -> None:
    previous = previous_build(tmp_path, {"feed.xml": "a", "old/index.html": "c"})
    decisions = decide(plan(file_job("feed.xml", "a")), previous, tmp_path)
    assert decisions is not None
    assert set(decisions.fingerprints) == {"feed.xml"}  # commit removes the rest
    assert "old/index.html" not in decisions.kept


def test_a_partial_plan_keeps_every_other_output_as_it_is(tmp_path: Path) -> None:
    previous = previous_build(tmp_path, {"feed.xml": "a", "index.html": "c"})
    decisions = decide(plan(file_job("feed.xml", "A"), complete=False), previous, tmp_path)
    assert decisions is not None
    assert list(decisions.kept) == ["index.html"]
    assert decisions.fingerprints == {"feed.xml": "A", "index.html": "c"}


def test_a_partial_plan_is_refused_when_another_output_was_changed_by_hand(
    tmp_path: Path,
) -> None:
    previous = previous_build(tmp_path, {"feed.xml": "a", "index.html": "c"})
    (tmp_path / "index.html").unlink()
    assert decide(plan(file_job("feed.xml", "A"), complete=False), previous, tmp_path) is None


def test_a_partial_plan_trusts_the_outputs_its_own_process_made(tmp_path: Path) -> None:
    previous = previous_build(tmp_path, {"feed.xml": "a", "index.html": "c"})
    (tmp_path / "index.html").unlink()  # the preview's own output: nobody else writes it
    decisions = decide(
        plan(file_job("feed.xml", "A"), complete=False), previous, tmp_path, trusted=True
    )
    assert decisions is not None
    assert list(decisions.kept) == ["index.html"]


def test_search_bundles_are_left_to_the_indexer(tmp_path: Path) -> None:
    previous = previous_build(tmp_path, {"feed.xml": "a", "pagefind/pagefind.js": "s"})
    previous.shards["pagefind"] = ShardRecord("s", ("pagefind/pagefind.js",))
    for complete in (True, False):
        decisions = decide(plan(file_job("feed.xml", "a"), complete=complete), previous, tmp_path)
        assert decisions is not None
        assert "pagefind/pagefind.js" not in decisions.kept
        assert "pagefind/pagefind.js" not in decisions.fingerprints
        assert decisions.previous_shards == previous.shards
