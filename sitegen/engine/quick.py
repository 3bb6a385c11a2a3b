"""Quick builds: changed texts re-rendered without loading the whole site.

When every changed input is the Markdown file of an existing item whose front matter
and first paragraph stay as they were (the commonest edit: a sentence added, a typo
fixed), the structure of the site cannot change: no list, archive, feed or search
shard gains or loses an item, and no title, date, summary or order moves. Then only
the pages and feeds that show the changed items are made again, from the routes kept
in the snapshot (snapshot.py) with the new models swapped in, and the search shards
of the changed pages are indexed again; every other output is kept as it is.

Anything else, or any doubt (a snapshot missing, a file that does not read cleanly, an
output file not as it was left), returns None, and the build is a full one, which also
reports every problem with its file and line.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import stat
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from sitegen.base.cache import digest
from sitegen.base.checked import CheckedFiles
from sitegen.base.errors import ContentError
from sitegen.base.fingerprint import Fingerprinter
from sitegen.base.options import BuildOptions
from sitegen.base.parallel import Progress
from sitegen.content.load import Entry, read_entries
from sitegen.content.memo import user_secret
from sitegen.content.sources import read_one
from sitegen.engine.outputs import (
    Decisions,
    FileJob,
    OutputPlan,
    PageJob,
    commit_outputs,
    feed_job,
    feed_settings,
    page_fingerprint,
    render_outputs,
)
from sitegen.engine.snapshot import (
    LinkTarget,
    Model,
    Row,
    Snapshot,
    SnapshotStore,
    SourceRecord,
    snapshot_path,
)
from sitegen.engine.state import BuildState, FileStat, InputStat, OutputRecord, state_path
from sitegen.link.bodies import LinkTargets, link_targets, render_one_body
from sitegen.link.images import VariantStore
from sitegen.link.site import Site
from sitegen.plan.routes import FeedSpec, Route
from sitegen.render.templates import site_globals


@dataclass(frozen=True, slots=True)
class QuickResult:
    """What a quick build made."""

    texts: int
    """Changed content files."""
    outputs: int
    """Pages and feeds that show them (made again when their fingerprint changed)."""
    written: int
    rendered: int


def quick_build(
    options: BuildOptions,
    previous: BuildState,
    state: BuildState,
    progress: Progress,
    *,
    trusted: bool = False,
) -> QuickResult | None:
    """Make the outputs that show the changed texts and commit them; None when it cannot.

    Raises:
        ContentError: for template errors in the pages made again.
        OSError, SearchIndexError: as a full build would.
    """
    changed = _changed_texts(options, previous, state)
    if not changed or not previous.snapshot or options.cache_path is None:
        return None
    store = SnapshotStore(_store_path(options), user_secret())
    try:
        snapshot = store.snapshot()
        if snapshot is None or snapshot.token != previous.snapshot:
            return None
        changes = _changed_models(options, snapshot, store, changed)
        if changes is None:
            return None
        models, affected = changes
        decisions = _decide(options, previous, snapshot, store, models, affected, trusted)
        if decisions is None:
            return None
        made = render_outputs(decisions, options, progress)
        written = commit_outputs(made, options, state)
        state.pages, state.valid_until = previous.pages, previous.valid_until
        state.snapshot = _keep(store, snapshot, models)
        return QuickResult(
            len(models),
            len(decisions.pages_todo) + len(decisions.files_todo),
            written,
            len(decisions.pages_todo),
        )
    finally:
        store.close()


def _store_path(options: BuildOptions) -> Path:
    assert options.cache_path is not None  # checked by the callers
    return snapshot_path(state_path(options.cache_path, options.output_path))


def _changed_texts(options: BuildOptions, previous: BuildState, state: BuildState) -> list[Path]:
    """Return the changed input files, when all of them are existing items' Markdown,
    regular files before and after (a link or a pipe is for the full build to judge)."""
    if previous.key != state.key or set(previous.inputs) != set(state.inputs):
        return []
    if previous.valid_until is not None and options.now.timestamp() >= previous.valid_until:
        return []
    root = os.path.abspath(options.site_path)  # noqa: PTH100 (as snapshot_inputs names files)
    changed = [rel for rel, entry in state.inputs.items() if previous.inputs[rel] != entry]
    if not all(
        rel.endswith(".md") and _is_plain(previous.inputs[rel]) and _is_plain(state.inputs[rel])
        for rel in changed
    ):
        return []
    return [Path(os.path.normpath(os.path.join(root, rel))) for rel in changed]  # noqa: PTH118


def _is_plain(entry: InputStat) -> bool:
    return stat.S_ISREG(entry.mode) and not entry.detail


def _changed_models(
    options: BuildOptions, snapshot: Snapshot, store: SnapshotStore, paths: list[Path]
) -> tuple[dict[str, Model], set[str]] | None:
    """Return the new model of each changed file and the outputs that show them, or None
    when the change is more than text."""
    config = snapshot.globals.config
    content = Path(os.path.abspath(options.content_path))  # noqa: PTH100
    models: dict[str, Model] = {}
    affected: set[str] = set()
    for path in paths:
        try:
            checked = CheckedFiles(options.cache_path)
            source = read_one(
                content, options.site_path, path, limits=config.limits, checked=checked
            )
            if source is None:
                return None
            # Its front matter is checked below to be as the last build found it, with
            # its references then valid: only its own problems matter.
            loaded = read_entries([source], snapshot.globals.urls, options.static_path, config.tz)
        except ContentError:
            return None
        if len(loaded.entries) != 1:
            return None
        entry = loaded.entries[0]
        record = store.source(entry.source.rel_path)
        model = _new_model(entry, record, snapshot, store) if record else None
        if record is None or model is None:
            return None
        models[model.source] = model
        affected.update(record.shown_in)
    return models, affected


def _new_model(
    entry: Entry, record: SourceRecord, snapshot: Snapshot, store: SnapshotStore
) -> Model | None:
    """Return the kept model of entry with its new body; None when more than the body changed."""
    source = entry.source.rel_path
    if record.front != front_digest(entry) or record.content_key != entry.source.content_key:
        return None
    targets = LinkTargets(
        _Stored(_url_of(store), store.link_keys),
        _Stored(store.key_of_address, store.addresses),
        _StoredVisible(store),
        snapshot.globals.urls.base_path,
    )
    body, problems = render_one_body(entry, targets)
    old = store.model(source)
    if problems or old is None or old.body.first_paragraph != body.first_paragraph:
        return None
    return dataclasses.replace(old, body=body)


def front_digest(entry: Entry) -> str:
    """Return the digest of what an entry's model is made of besides its body."""
    return digest(
        entry.kind.name,
        entry.meta.model_dump_json(),
        entry.slug,
        entry.url,
        repr(entry.assets),
        repr(entry.source.bundle_files),
    )


def _decide(
    options: BuildOptions,
    previous: BuildState,
    snapshot: Snapshot,
    store: SnapshotStore,
    models: dict[str, Model],
    affected: set[str],
    trusted: bool,
) -> Decisions | None:
    """Return what to make: the outputs showing the changed models; None on any doubt.

    Unless trusted (this process made the output), every other output file must be as
    the previous build left it."""
    jobs = _jobs(snapshot, store, models, affected, VariantStore(options.cache_path))
    if jobs is None:
        return None
    records = previous.outputs
    folder = str(options.output_path)
    search_files = {path for shard in previous.shards.values() for path in shard.files}
    kept: dict[str, OutputRecord] = {}
    fingerprints: dict[str, str] = {}
    for path, record in records.items():
        if path in search_files:
            continue
        job = jobs.get(path)
        fingerprints[path] = job.fingerprint if job else record.fingerprint
        if trusted and job is None:
            kept[path] = record
            continue
        intact = FileStat.of(os.path.join(folder, path)) == record.stat  # noqa: PTH118
        if intact and (job is None or job.fingerprint == record.fingerprint):
            kept[path] = record
        elif job is None:
            return None  # changed by someone else: a full build puts it right
    todo = [job for path, job in jobs.items() if path not in kept]
    return Decisions(
        snapshot.globals,
        snapshot.language,
        snapshot.page_shared,
        [path for path, record in records.items() if record.content],
        [job for job in todo if isinstance(job, PageJob)],
        [job for job in todo if isinstance(job, FileJob)],
        [],
        list(snapshot.shards),
        dict(previous.shards),
        options.search,
        fingerprints,
        kept,
        dict(records),
    )


def _jobs(
    snapshot: Snapshot,
    store: SnapshotStore,
    models: dict[str, Model],
    affected: set[str],
    images: VariantStore,
) -> dict[str, PageJob | FileJob] | None:
    """Return the page and feed jobs of the affected outputs, with the new models in."""
    printer = Fingerprinter()
    jobs: dict[str, PageJob | FileJob] = {}
    lookup = _ModelLookup(store, dict(models))
    for path in sorted(affected):
        value = store.output(path, lookup)
        if isinstance(value, Route):
            jobs[path] = PageJob(
                path, value, page_fingerprint(snapshot.page_shared, value, printer)
            )
        elif isinstance(value, FeedSpec):
            settings, shared = snapshot.feed_settings, snapshot.feed_shared
            jobs[path] = feed_job(value, settings, shared, printer, images)
        else:
            return None
    return jobs


@dataclass(frozen=True, slots=True)
class _ModelLookup:
    """Models for unpickled routes: the changed ones, else the kept ones (each loaded once)."""

    store: SnapshotStore
    models: dict[str, Model]

    def __call__(self, source: str) -> Model:
        model = self.models.get(source)
        if model is None:
            model = self.store.model(source)
            if model is None:
                raise KeyError(source)
            self.models[source] = model
        return model


def _keep(store: SnapshotStore, snapshot: Snapshot, models: dict[str, Model]) -> str:
    """Keep the changed models in the snapshot under a new token; return it ("" on failure)."""
    printer = Fingerprinter()
    token = secrets.token_hex(16)
    rows = [Row("model", s, printer.of(m).hex(), m) for s, m in models.items()]
    renewed = dataclasses.replace(snapshot, token=token)
    return token if store.write(renewed, rows, everything=False) else ""


def keep_snapshot(
    options: BuildOptions,
    previous: BuildState | None,
    site: Site,
    entries: tuple[Entry, ...],
    plan: OutputPlan,
) -> str:
    """Keep the models and routes of a full build for quick builds; return the token.

    Only what changed since the kept snapshot is written, unless the kept one is not
    the previous build's (then everything is).
    """
    if options.cache_path is None:
        return ""
    store = SnapshotStore(_store_path(options), user_secret())
    try:
        kept = store.snapshot()
        everything = kept is None or previous is None or kept.token != previous.snapshot
        rows = _rows(options, site, entries, plan)
        gone: list[tuple[str, str]] = []
        if not everything:
            rows, gone = _changed_rows(store, rows)
        snapshot = Snapshot(
            token=secrets.token_hex(16),
            page_shared=plan.page_shared,
            feed_shared=plan.feed_shared,
            globals=site_globals(site),
            feed_settings=feed_settings(site),
            language=site.config.language,
            shards=tuple(plan.shards),
        )
        kept_well = store.write(snapshot, rows, everything=everything, gone=gone)
        return snapshot.token if kept_well else ""
    finally:
        store.close()


def _rows(
    options: BuildOptions, site: Site, entries: tuple[Entry, ...], plan: OutputPlan
) -> list[Row]:
    """Return every value a quick build may need, with its digest."""
    printer = plan.printer
    rows = [Row("model", m.source, printer.of(m).hex(), m) for m in _models_of(site)]
    rows += [Row("output", job.path, job.fingerprint, job.route) for job in plan.pages]
    feed_jobs = plan.files[: len(plan.feeds)]
    rows += [
        Row("output", job.path, job.fingerprint, spec)
        for job, spec in zip(feed_jobs, plan.feeds, strict=True)
    ]
    shown_in: dict[str, list[str]] = {}
    for path, sources in plan.sources.items():
        for source in sources:
            shown_in.setdefault(source, []).append(path)
    for entry in entries:
        source = entry.source.rel_path
        record = SourceRecord(
            entry.source.content_key, front_digest(entry), tuple(shown_in.get(source, ()))
        )
        rows.append(Row("source", source, digest(repr(record)), record))
    targets = link_targets(entries, options.now, options.include_drafts)
    for key, url in targets.url_by_key.items():
        target = LinkTarget(url, key in targets.visible)
        rows.append(Row("link", key, digest(repr(target)), target))
    rows += [Row("address", url, key, key) for url, key in targets.key_by_url.items()]
    return rows


def _changed_rows(store: SnapshotStore, rows: list[Row]) -> tuple[list[Row], list[tuple[str, str]]]:
    """Return the rows whose digest differs from the kept one, and the kept rows now gone."""
    kinds = ("model", "output", "source", "link", "address")
    kept = {kind: store.digests(kind) for kind in kinds}
    present = {(row.kind, row.key) for row in rows}
    gone = [
        (kind, key) for kind, keys in kept.items() for key in keys if (kind, key) not in present
    ]
    return [row for row in rows if kept[row.kind].get(row.key) != row.digest], gone


def _models_of(site: Site) -> list[Model]:
    return [
        *site.news,
        *site.localities,
        *site.partnerships,
        *site.pages,
        *site.region_texts.values(),
    ]


@dataclass(frozen=True, slots=True)
class _Stored(Mapping[str, str]):
    """A mapping kept in the snapshot, read as links ask for its values."""

    lookup: Callable[[str], str | None]
    keys_of: Callable[[], list[str]]

    def __getitem__(self, key: str) -> str:
        value = self.lookup(key)
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys_of())

    def __len__(self) -> int:
        return len(self.keys_of())


def _url_of(store: SnapshotStore) -> Callable[[str], str | None]:
    def url(key: str) -> str | None:
        target = store.link(key)
        return target.url if target else None

    return url


@dataclass(frozen=True, slots=True)
class _StoredVisible(Container[str]):
    """The content files readers see, read from the snapshot as links ask for them."""

    store: SnapshotStore

    def __contains__(self, key: object) -> bool:
        target = self.store.link(str(key))
        return target is not None and target.visible
