"""The build: the only function that sequences the stages.

    scan the inputs → (nothing changed: stop) → plan the outputs of the changed texts
    (changes.py), or load the site and plan every output (planner.py) → decide what to
    make (decide.py) → make it, indexing each search shard as its pages are done
    (make.py, indexer.py), and keep the plan for the next build (snapshot.py) → commit
    (writer) → keep the state (state.py)

A build that finds its inputs, its options and its output as the previous build left
them stops after the scan, before loading the stages. Otherwise only the pages, feeds,
copies and search shards whose inputs changed are made again.
"""

from __future__ import annotations

import dataclasses
import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sitegen.base.cache import code_fingerprint
from sitegen.base.errors import WriteError
from sitegen.base.heap import release_free_memory
from sitegen.base.i18n import _, decimal
from sitegen.base.options import BuildOptions
from sitegen.base.parallel import Progress, no_progress
from sitegen.engine import load
from sitegen.engine.commit import pending_journal, recover
from sitegen.engine.discard import finish_discarding
from sitegen.engine.load import check_folders
from sitegen.engine.lock import Notes, build_lock
from sitegen.engine.pagecache import key_from_environment
from sitegen.engine.state import (
    BuildState,
    InputStat,
    load_state,
    save_state,
    scan_inputs,
    state_key,
    state_path,
)
from sitegen.engine.verdict import Verdict, nothing_to_do, save_verdict, verdict_path
from sitegen.engine.writer import MARKER

if TYPE_CHECKING:
    from sitegen.engine.decide import Decisions, JobPlan
    from sitegen.engine.memory import Memory
    from sitegen.link.site import Site

Reporter = Callable[[str], None]
"""Receives progress messages; the CLI prints them, tests collect them."""


@dataclass(frozen=True, slots=True)
class BuildReport:
    """What a build made."""

    pages: int
    """HTML pages in the site."""
    files: int
    """All files of the site, pages, feeds, copies and search index included."""
    written: int
    """Files written by this build; the others were kept from the previous output."""
    pages_rendered: int
    """Pages whose template ran (the others were unchanged and not rendered)."""
    seconds: float
    warnings: tuple[str, ...] = ()
    """Things the build worked around (a damaged cache, say), one line each."""
    search_stale: bool = False
    """Built without search (the preview), the search index lags behind some pages."""
    site: Site | None = None
    """The site this build loaded; None when it loaded none (nothing or only texts changed)."""
    texts: tuple[str, ...] = ()
    """The content files whose texts a quick build rendered again (with no problem), when
    it loaded no site: what it found of them replaces what the last site said."""
    pages_taken: int = 0
    """Pages missing from the output that were taken from the page cache (engine/pagecache.py)
    instead of rendered."""


def build(
    options: BuildOptions,
    report: Reporter = lambda message: None,
    progress: Progress = no_progress,
    notice: Reporter = lambda message: None,
    memory: Memory | None = None,
) -> BuildReport:
    """Build the site of options into its output folder, atomically.

    Raises:
        UsageError: for unusable folders (nothing is written).
        ContentError: for problems in content, site.yaml or templates (nothing is written).
        WriteError: when files cannot be read or written (a full disk, no permission).

    report receives what each stage did; notice what the user must know at once (that
    the build waits for another one). memory keeps parsed entries between builds of one
    process (the preview), so they need not be read from the cache.
    """
    started = time.perf_counter()
    check_folders(options)
    key_from_environment()  # a key too short is an error, even when nothing is to be built
    try:
        with paused_garbage_collector():
            return _build(options, report, progress, notice, started, memory)
    except OSError as error:
        raise WriteError(_write_problem(error, options)) from error
    finally:
        finish_discarding()


@contextmanager
def paused_garbage_collector() -> Iterator[None]:
    """Run the build without Python's cyclic garbage collector.

    A build makes millions of objects that live until it ends; the collector would
    walk all of them again and again as they accumulate (measured: 4 % of the loading
    and planning of 10,000 items). What a build leaves in cycles is little, and is
    collected once the collector runs again after it (the preview's next builds).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build(
    options: BuildOptions,
    report: Reporter,
    progress: Progress,
    notice: Reporter,
    started: float,
    memory: Memory | None,
) -> BuildReport:
    with build_lock(options, notice) as notes:
        options = _usable_cache(options, notes)
        rolled_forward = recover(options.output_path)
        key = _state_key(options)
        inputs = scan_site(options)
        # After a killed build, the record describes the site before it: start afresh.
        kept = _kept_state(options, memory) if not rolled_forward else None
        verdict = _verdict(options, key, inputs) if not (kept or rolled_forward) else None
        if verdict:
            report(_("Nothing changed since the last build"))
            seconds = time.perf_counter() - started
            return BuildReport(
                verdict.pages, verdict.files, 0, 0, seconds, tuple(notes), verdict.search_stale
            )
        previous = kept or (None if rolled_forward else _previous_state(options))
        if previous and _is_current(previous, key, inputs, options, trusted=kept is not None):
            if not kept:
                _renew_verdict(options, previous)
            report(_("Nothing changed since the last build"))
            seconds = time.perf_counter() - started
            return BuildReport(
                previous.pages,
                len(previous.outputs),
                0,
                0,
                seconds,
                tuple(notes),
                previous.search_stale,
            )
        state = BuildState(key, inputs)
        trusted = kept is not None
        written, (rendered, taken), site, complete, texts = _make(
            options, previous, state, report, progress, notes, memory, trusted=trusted
        )
        _keep_state(options, state, notes, memory, to_disk=complete or memory is None)
    seconds = time.perf_counter() - started
    return BuildReport(
        state.pages,
        len(state.outputs),
        written,
        rendered,
        seconds,
        tuple(notes),
        state.search_stale,
        site,
        texts,
        taken,
    )


def _write_problem(error: OSError, options: BuildOptions) -> str:
    """Return what went wrong with the files, and what became of the output."""
    where = f"{error.filename}: " if error.filename else ""
    what = error.strerror or str(error)
    if pending_journal(options.output_path).exists():
        return _(
            "{where}{what}; the build stopped while updating {output}: "
            "fix the cause and build again to finish it"
        ).format(where=where, what=what, output=options.output_path)
    return _("{where}{what}; nothing was changed in {output}").format(
        where=where, what=what, output=options.output_path
    )


def _make(
    options: BuildOptions,
    previous: BuildState | None,
    state: BuildState,
    report: Reporter,
    progress: Progress,
    notes: Notes,
    memory: Memory | None,
    *,
    trusted: bool,
) -> tuple[int, tuple[int, int], Site | None, bool, tuple[str, ...]]:
    """Plan, decide, make and commit what changed since previous; fill state.

    Return the files written, the pages rendered, the site loaded (None when only the
    outputs of changed texts were planned), whether the plan covered every output, and
    the changed texts of a quick build.
    trusted: this process made the output, so the files it did not touch are as it
    left them and need not be looked at.

    The stages are imported here, so that a build with nothing to do never loads them.
    """
    from sitegen.engine.make import commit_outputs, render_outputs

    clock = _Clock(report)
    site: Site | None = None
    planned = _plan_changes(options, previous, state, trusted=trusted)
    if planned is None:
        site, planned = _plan_everything(options, previous, clock, progress, notes, memory)
    plan, decisions, keep, texts = planned
    clock.lap(_planned(plan, decisions, texts))
    kept: list[str] = []  # the snapshot's token, kept while Pagefind indexes
    made = render_outputs(decisions, options, progress, while_indexing=lambda: kept.append(keep()))
    rendered = len(decisions.pages_todo) - len(made.taken)
    clock.lap(
        _(
            "Rendered {pages} pages, indexed the changed search shards, kept the models "
            "and routes for the next plans"
        ).format(pages=rendered)
    )
    written = commit_outputs(made, options, state)
    clock.lap(_("Committed {files} files").format(files=written))
    state.valid_until = plan.valid_until
    state.pages = plan.page_count
    state.snapshot = kept[0] if kept else ""
    return written, (rendered, len(made.taken)), site, plan.complete, texts


Planned = tuple["JobPlan", "Decisions", Callable[[], str], tuple[str, ...]]
"""A plan, what to make of it, how to keep its snapshot (returning its token), and the
changed texts it was planned for (none: it covers every output)."""


def _planned(plan: JobPlan, decisions: Decisions, texts: tuple[str, ...]) -> str:
    """Return what was planned, for --verbose (and the tests)."""
    if plan.complete:
        return _("Planned {pages} pages, {todo} to render").format(
            pages=plan.page_count, todo=len(decisions.pages_todo)
        )
    return _("Quick build: {texts} changed texts shown on {outputs} pages and feeds").format(
        texts=len(texts), outputs=len(decisions.pages_todo) + len(decisions.files_todo)
    )


def _plan_changes(
    options: BuildOptions, previous: BuildState | None, state: BuildState, *, trusted: bool
) -> Planned | None:
    """Return the plan of only the outputs that show changed texts, when it can be made
    and trusted (see engine/changes.py); else None."""
    if previous is None:
        return None
    from sitegen.engine.changes import plan_changes
    from sitegen.engine.decide import decide
    from sitegen.engine.snapshot import keep_changes, snapshot_store

    with snapshot_store(options) as store:
        change = plan_changes(options, previous, state, store) if store else None
        if change is None:
            return None
        decisions = decide(
            change.jobs, previous, options.output_path, trusted=trusted, search=options.search
        )
    if decisions is None:
        return None

    def keep() -> str:
        with snapshot_store(options) as store:
            return keep_changes(store, change.snapshot, change.models) if store else ""

    return change.jobs, decisions, keep, tuple(sorted(change.models))


def _loaded(site: Site) -> str:
    """Return how many models of each kind the build loaded, by their folders."""
    from sitegen.content.kinds import all_kinds

    counts = [f"{kind.folder} {len(site.items(kind))}" for kind in all_kinds()]
    return _("Loaded {count} content files: {folders}").format(
        count=len(site.models()), folders=", ".join(counts)
    )


def _plan_everything(
    options: BuildOptions,
    previous: BuildState | None,
    clock: _Clock,
    progress: Progress,
    notes: Notes,
    memory: Memory | None,
) -> tuple[Site, Planned]:
    """Load the whole site and plan every output of it."""
    from sitegen.base.cache import Cache
    from sitegen.engine.decide import decide
    from sitegen.engine.planner import plan_site
    from sitegen.engine.snapshot import keep_snapshot, snapshot_store

    cache = Cache(options.cache_path, notes)
    try:
        site, entries = load.load_with_entries(options, cache, progress, memory)
        notes.extend(site.scheduled_notes())
        clock.lap(_loaded(site))
        cache.save()
    finally:
        cache.close()
    if memory is None:
        entries = load.without_texts(entries)  # planning and rendering reuse their memory
        release_free_memory()
    plan = plan_site(site, options)
    decisions = decide(plan.jobs, previous, options.output_path, search=options.search)
    assert decisions is not None  # a plan of every output is always decided
    release_free_memory()  # the planner's scratch, before the render workers are forked

    def keep() -> str:
        with snapshot_store(options) as store:
            if store is None:
                return ""
            return keep_snapshot(store, previous, plan, entries, options)

    return site, (plan.jobs, decisions, keep, ())


@dataclass(slots=True)
class _Clock:
    """Reports each stage with the seconds it took (`--verbose`)."""

    report: Reporter
    started: float = field(default_factory=time.perf_counter)

    def lap(self, message: str) -> None:
        now = time.perf_counter()
        self.report(f"{message} ({decimal(now - self.started, 2)} s)")
        self.started = now


def _usable_cache(options: BuildOptions, notes: Notes) -> BuildOptions:
    """Return options without the cache when its folder is something else than a folder."""
    cache = options.cache_path
    if cache is None or cache.is_dir() or not (cache.exists() or cache.is_symlink()):
        return options
    notes.append(
        _("{cache} is not a folder, so the build keeps no cache; delete it").format(cache=cache)
    )
    return dataclasses.replace(options, use_cache=False)


def _state_key(options: BuildOptions) -> str:
    return state_key(
        code_fingerprint(),
        str(options.content_path.resolve()),
        options.base_url or "",
        str(options.include_drafts),
    )


def scan_site(options: BuildOptions) -> dict[str, InputStat]:
    """Return every entry of the site's inputs: content, templates, static and site.yaml
    (what a build compares with the previous one's, and the preview watches)."""
    folders = (options.content_path, options.templates_path, options.static_path)
    return scan_inputs(options.site_path, folders, (options.site_path / "site.yaml",))


def _kept_state(options: BuildOptions, memory: Memory | None) -> BuildState | None:
    """Return the state this process kept of its last build into the output, if any."""
    if memory is None or options.cache_path is None:
        return None
    return memory.states.get(state_path(options.cache_path, options.output_path))


def _verdict(options: BuildOptions, key: str, inputs: dict[str, InputStat]) -> Verdict | None:
    """Return the last build's verdict when it shows that nothing is to be done (verdict.py)."""
    if options.cache_path is None or not (options.output_path / MARKER).is_file():
        return None
    state_file = state_path(options.cache_path, options.output_path)
    return nothing_to_do(
        verdict_path(state_file),
        state_file,
        key,
        inputs,
        options.output_path,
        options.now,
        search=options.search,
    )


def _renew_verdict(options: BuildOptions, state: BuildState) -> None:
    """Write the verdict of a state found current, whose verdict was missing or damaged."""
    if options.cache_path is None:
        return
    with suppress(OSError):  # the next build with nothing to do reads the state again
        state_file = state_path(options.cache_path, options.output_path)
        save_verdict(verdict_path(state_file), state, state_file, options.output_path)


def _previous_state(options: BuildOptions) -> BuildState | None:
    if options.cache_path is None:
        return None
    return load_state(state_path(options.cache_path, options.output_path))


def _is_current(
    previous: BuildState,
    key: str,
    inputs: dict[str, InputStat],
    options: BuildOptions,
    *,
    trusted: bool,
) -> bool:
    """Return True when nothing is to be done; trusted: this process made the output."""
    return (
        previous.is_current(key, inputs, options.now, search=options.search)
        and (options.output_path / MARKER).is_file()
        and (trusted or previous.output_intact(options.output_path))
    )


def _keep_state(
    options: BuildOptions,
    state: BuildState,
    notes: Notes,
    memory: Memory | None,
    *,
    to_disk: bool,
) -> None:
    """Keep state for the next build: in memory (the preview), and on disk.

    The preview's quick builds keep it in memory only (writing 27,000 records would
    cost it a third of its time); the state on disk is then older than the output,
    so a new process finds the output changed and makes a full build, as it should.
    """
    if options.cache_path is None:
        return
    path = state_path(options.cache_path, options.output_path)
    if memory is not None:
        memory.states[path] = state
    if not to_disk:
        return
    try:
        save_state(path, state)
        save_verdict(verdict_path(path), state, path, options.output_path)
    except OSError as error:
        notes.append(
            _("the build state could not be kept ({reason}); the next build is a full one").format(
                reason=error
            )
        )
