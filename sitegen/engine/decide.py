"""Decide: the one place that chooses which jobs to run and which outputs to keep.

Input: a JobPlan (jobs for every output of the site, or only for the outputs that show
the changed sources) and the previous build's state. Output: Decisions, what this build
makes and what it keeps as it is; or None when a partial plan meets an output file that
is not as the previous build left it (then the build plans everything).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sitegen.engine.jobs import CopyJob, FileJob, PageJob, ShardJob
from sitegen.engine.state import BuildState, OutputRecord, ShardRecord, is_intact
from sitegen.render.templates import SiteGlobals

Job = PageJob | FileJob | CopyJob


@dataclass(frozen=True, slots=True)
class JobPlan:
    """The jobs of one build, and what every page is rendered with."""

    complete: bool
    """True: a job for every output of the site (an output without one is removed).
    False: jobs only for the outputs that show changed sources; the others are kept."""
    pages: list[PageJob]
    files: list[FileJob]
    copies: list[CopyJob]
    shards: list[ShardJob]
    globals: SiteGlobals
    language: str
    page_shared: str
    """The part of every page's fingerprint that is not its route: code, templates, globals."""
    page_count: int
    """Pages of the site (all of them, also in a partial plan)."""
    valid_until: float | None
    """When the site changes by itself (a scheduled item), as a timestamp."""

    def jobs(self) -> dict[str, Job]:
        """Return every job by its output path."""
        jobs: dict[str, Job] = {job.path: job for job in self.pages}
        jobs |= {job.path: job for job in self.files}
        jobs |= {job.path: job for job in self.copies}
        return jobs


@dataclass(slots=True)
class Decisions:
    """What this build makes, and what it keeps from the previous output as it is."""

    plan: JobPlan
    page_paths: list[str]
    """Output paths of every page of the new output."""
    pages_todo: list[PageJob]
    files_todo: list[FileJob]
    copies_todo: list[CopyJob]
    previous_shards: dict[str, ShardRecord]
    search: bool
    fingerprints: dict[str, str]
    """Output path → fingerprint of every file of the new output but the search bundles."""
    kept: dict[str, OutputRecord]
    """Files of the previous output kept as they are (search bundles decided later)."""
    previous_records: dict[str, OutputRecord]


def decide(
    plan: JobPlan,
    previous: BuildState | None,
    output_path: Path,
    *,
    trusted: bool = False,
    search: bool = True,
) -> Decisions | None:
    """Return what must be made: the jobs whose fingerprint changed or whose file is not
    as the previous build left it; None when a partial plan cannot be trusted.

    trusted: this process made the output, so the files it has no job for are as it left
    them and need not be looked at. Without search, the search bundles of the previous
    output are kept as they are (possibly stale: the preview does this to stay fast).
    """
    records = previous.outputs if previous else {}
    jobs = plan.jobs()
    search_files = set()
    if previous:
        search_files = {path for shard in previous.shards.values() for path in shard.files}
    kept: dict[str, OutputRecord] = {}
    fingerprints = {path: job.fingerprint for path, job in jobs.items()}
    pages = {job.path for job in plan.pages}
    folder = str(output_path)
    for path, record in records.items():
        if path in search_files:
            continue
        job = jobs.get(path)
        if job is None and plan.complete:
            continue  # no longer an output: removed
        if job is None:
            fingerprints[path] = record.fingerprint
            if record.content:
                pages.add(path)
            if not (trusted or is_intact(folder, path, record)):
                return None  # changed by someone else: planning everything puts it right
            kept[path] = record
        elif job.fingerprint == record.fingerprint and is_intact(folder, path, record):
            kept[path] = record
    return Decisions(
        plan,
        sorted(pages),
        [job for job in plan.pages if job.path not in kept],
        [job for job in plan.files if job.path not in kept],
        [job for job in plan.copies if job.path not in kept],
        dict(previous.shards) if previous else {},
        search,
        fingerprints,
        kept,
        dict(records),
    )
