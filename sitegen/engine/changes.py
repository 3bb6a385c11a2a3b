"""Plan the changes: the jobs of only the outputs that show the changed sources.

When every changed input is the Markdown file of an existing item whose front matter
and first paragraph stay as they were (the commonest edit: a sentence added, a typo
fixed), the structure of the site cannot change: no list, archive, feed or search
shard gains or loses an item, and no title, date, summary or order moves. Then the
plan holds jobs only for the pages and feeds that show the changed items (which the
last full plan recorded: `SourceRecord.shown_in`), made from the routes it kept
(snapshot.py) with the new models swapped in; decide.py keeps every other output.

Anything else, or any doubt (a snapshot missing, a file that does not read cleanly),
gives no plan, and the build plans everything, which also reports every problem with
its file and line.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from sitegen.base.checked import CheckedFiles
from sitegen.base.errors import ContentError
from sitegen.base.fingerprint import Fingerprinter
from sitegen.base.options import BuildOptions
from sitegen.content.load import Entry, read_entries
from sitegen.content.models import Body, Model
from sitegen.content.sources import read_one
from sitegen.engine.decide import JobPlan
from sitegen.engine.jobs import FileJob, PageJob, feed_job, page_fingerprint
from sitegen.engine.snapshot import Snapshot, SnapshotStore, SourceRecord, front_digest
from sitegen.engine.state import BuildState, InputStat
from sitegen.link.bodies import LinkTargets, render_one_body
from sitegen.link.images import VariantStore
from sitegen.plan.routes import FeedSpec, Route


@dataclass(frozen=True, slots=True)
class ChangePlan:
    """The jobs of the outputs that show the changed texts, and their new models."""

    jobs: JobPlan
    models: dict[str, Model]
    """Content file → its new model (kept in the snapshot after the build)."""
    snapshot: Snapshot


def plan_changes(
    options: BuildOptions, previous: BuildState, state: BuildState, store: SnapshotStore
) -> ChangePlan | None:
    """Return the plan of the outputs that show the changed texts; None when the change
    is more than text, or anything is in doubt."""
    changed = _changed_texts(options, previous, state)
    if not changed or not previous.snapshot:
        return None
    snapshot = store.snapshot()
    if snapshot is None or snapshot.token != previous.snapshot:
        return None
    changes = _changed_models(options, snapshot, store, changed)
    if changes is None:
        return None
    models, affected = changes
    jobs = _jobs(snapshot, store, models, affected, VariantStore(options.cache_path))
    if jobs is None:
        return None
    plan = JobPlan(
        complete=False,
        pages=[job for job in jobs if isinstance(job, PageJob)],
        files=[job for job in jobs if isinstance(job, FileJob)],
        copies=[],
        shards=list(snapshot.shards),
        globals=snapshot.globals,
        language=snapshot.language,
        page_shared=snapshot.page_shared,
        page_count=previous.pages,
        valid_until=previous.valid_until,
    )
    return ChangePlan(plan, models, snapshot)


def _changed_texts(options: BuildOptions, previous: BuildState, state: BuildState) -> list[Path]:
    """Return the changed input files, when all of them are existing items' Markdown,
    regular files before and after (a link or a pipe is for the full build to judge)."""
    if previous.key != state.key or set(previous.inputs) != set(state.inputs):
        return []
    if previous.valid_until is not None and options.now.timestamp() >= previous.valid_until:
        return []
    root = os.path.abspath(options.site_path)  # noqa: PTH100 (as scan_inputs names files)
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
    if problems or old is None:
        return None
    return _with_body(old, body)


def _with_body(model: Model, body: Body) -> Model | None:
    """Return model with body in place of its own; None when its first paragraph (its
    summary, shown on other pages) would change, or it has no body."""
    kept = getattr(model, "body", None)
    if not isinstance(kept, Body) or kept.first_paragraph != body.first_paragraph:
        return None
    if not dataclasses.is_dataclass(model) or isinstance(model, type):
        return None
    return cast(Model, dataclasses.replace(model, body=body))


def _jobs(
    snapshot: Snapshot,
    store: SnapshotStore,
    models: dict[str, Model],
    affected: set[str],
    images: VariantStore,
) -> list[PageJob | FileJob] | None:
    """Return the page and feed jobs of the affected outputs, with the new models in."""
    printer = Fingerprinter()
    jobs: list[PageJob | FileJob] = []
    lookup = _ModelLookup(store, dict(models))
    for path in sorted(affected):
        value = store.output(path, lookup)
        if isinstance(value, Route):
            fingerprint = page_fingerprint(snapshot.page_shared, value, printer)
            jobs.append(PageJob(path, value, fingerprint))
        elif isinstance(value, FeedSpec):
            settings, shared = snapshot.feed_settings, snapshot.feed_shared
            jobs.append(feed_job(value, settings, shared, printer, images))
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
