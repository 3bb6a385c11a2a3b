"""The snapshot: the plan of every output, kept for the next build's partial plan.

One SQLite file beside the build state (`.sitegen-cache/state/<output key>.sqlite`)
holds every model of the site pickled by its content file, every page's route and
every feed's spec pickled with the models they show *by reference*, and one Snapshot
record: what a partial plan (changes.py) needs to know of the whole site (which pages
show which content file, the link targets, the shared parts of the fingerprints).
Because routes refer to models by their content file, a plan that swaps one model in
needs no route rewritten.

Unpickling runs code, so every value is signed with the user's key (base/stores.py):
a value sitegen did not write is no value, and the build plans everything. The
snapshot is for this machine's next build: it does not travel with the cache.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import pickle
import secrets
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

from sitegen.base.cache import digest
from sitegen.base.fingerprint import Fingerprinter, fingerprint_of
from sitegen.base.options import BuildOptions
from sitegen.base.stores import Signer, user_secret
from sitegen.content.kinds import all_kinds
from sitegen.content.load import Entry
from sitegen.content.models import Model
from sitegen.engine.jobs import FeedSettings, ShardJob, feed_settings
from sitegen.engine.state import BuildState, state_path
from sitegen.link.bodies import link_targets
from sitegen.plan.routes import FeedSpec, Route
from sitegen.render.templates import SiteGlobals

if TYPE_CHECKING:
    from sitegen.engine.planner import SitePlan


def model_types() -> tuple[type, ...]:
    """Return the model class of every kind of the table (content/kinds.py)."""
    return tuple(kind.model for kind in all_kinds())


_SCHEMA = """
drop table if exists kept;
create table if not exists kept_rows (
    kind text not null, key text not null, digest text not null,
    signature text not null, value blob not null,
    primary key (kind, key)
);
"""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a quick build needs to know of the whole site of the previous build."""

    token: str
    """Names this snapshot; the build state that goes with it carries the same."""
    page_shared: str
    feed_shared: str
    globals: SiteGlobals
    feed_settings: FeedSettings
    language: str
    shards: tuple[ShardJob, ...]


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """One content file of the previous build (kept under the path models name it by)."""

    content_key: str
    """Its path inside the content folder."""
    front: str
    """Digest of what its model is made of besides the body."""
    shown_in: tuple[str, ...]
    """Output paths of the pages and feeds that show its model."""


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """Where a link to one content file leads, and whether readers see it."""

    url: str
    visible: bool


class SnapshotStore:
    """The snapshot file of one output folder; every failure reads as "no snapshot"."""

    def __init__(self, path: Path, secret: bytes | None) -> None:
        self._signer = Signer(secret) if secret is not None else None
        self._db: sqlite3.Connection | None = None
        if secret is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level="DEFERRED")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error):
            self._drop(path)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def snapshot(self) -> Snapshot | None:
        """Return the kept Snapshot, or None."""
        value = self._load("meta", "snapshot", None)
        return value if isinstance(value, Snapshot) else None

    def source(self, source: str) -> SourceRecord | None:
        """Return the record of a content file, or None."""
        value = self._load("source", source, None)
        return value if isinstance(value, SourceRecord) else None

    def link(self, content_key: str) -> LinkTarget | None:
        """Return where links to a content file lead, or None when there is no such file."""
        value = self._load("link", content_key, None)
        return value if isinstance(value, LinkTarget) else None

    def key_of_address(self, url: str) -> str | None:
        """Return the content key of the item whose page has this address, or None."""
        value = self._load("address", url, None)
        return value if isinstance(value, str) else None

    def addresses(self) -> list[str]:
        """Return every item's address (for suggestions)."""
        return sorted(self.digests("address"))

    def link_keys(self) -> list[str]:
        """Return every content key links may lead to (for suggestions)."""
        return sorted(self.digests("link"))

    def model(self, source: str) -> Model | None:
        """Return the kept model of a content file, or None."""
        value = self._load("model", source, None)
        return cast(Model, value) if isinstance(value, model_types()) else None

    def output(self, path: str, models: Callable[[str], Model]) -> Route | FeedSpec | None:
        """Return the kept route or feed spec of an output path, with models from models."""
        value = self._load("output", path, models)
        return value if isinstance(value, Route | FeedSpec) else None

    def digests(self, kind: str) -> dict[str, str]:
        """Return key → digest of every value of kind (what a build compares to rewrite)."""
        if self._db is None:
            return {}
        try:
            rows = self._db.execute("select key, digest from kept_rows where kind = ?", (kind,))
            return {str(key): str(value) for key, value in rows}
        except sqlite3.Error:
            return {}

    def write(
        self,
        snapshot: Snapshot,
        rows: Sequence[Row],
        *,
        everything: bool,
        gone: Iterable[tuple[str, str]] = (),
    ) -> bool:
        """Keep snapshot with the rows given, drop the (kind, key) of gone; return False
        when it could not. everything drops what was kept before.

        The rows are pickled one by one as SQLite takes them (all at once would hold
        every body of the site twice in memory), in this process: a worker forked from
        the build for them gains nothing, since it copies the pages it touches (CPython
        writes reference counts) and sends every pickle back through a pipe (measured
        at 1,000 items: 0.42 s of CPU with one worker, 0.40 s without)."""
        if self._db is None:
            return False
        every = [*rows, Row("meta", "snapshot", "", snapshot)]
        try:
            with self._db:
                if everything:
                    self._db.execute("delete from kept_rows")
                self._db.executemany("delete from kept_rows where kind = ? and key = ?", gone)
                self._db.executemany(
                    "insert or replace into kept_rows values (?, ?, ?, ?, ?)",
                    map(self._row, every),
                )
        except (sqlite3.Error, pickle.PicklingError, TypeError, AttributeError):
            return False
        return True

    def _row(self, row: Row) -> tuple[str, str, str, str, bytes]:
        buffer = io.BytesIO()
        persist = row.kind == "output"  # routes and feeds refer to their models
        pickler = _ModelPickler(buffer) if persist else pickle.Pickler(buffer, protocol=5)
        pickler.dump(row.value)
        data = buffer.getvalue()
        return (row.kind, row.key, row.digest, self._sign(row.kind, row.key, data), data)

    def _load(self, kind: str, key: str, models: Callable[[str], Model] | None) -> object:
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "select signature, value from kept_rows where kind = ? and key = ?", (kind, key)
            ).fetchone()
        except sqlite3.Error:
            return None
        signer = self._signer
        if row is None or signer is None or not signer.verify(str(row[0]), row[1], kind, key):
            return None
        try:  # signed by us: see the module's docstring
            if models is None:
                return pickle.loads(row[1])
            return _ModelUnpickler(io.BytesIO(row[1]), models).load()
        except Exception:  # a damaged value, or a model that is gone, is no value
            return None

    def _sign(self, kind: str, key: str, data: bytes) -> str:
        assert self._signer is not None  # no database without a key
        return self._signer.sign(data, kind, key)

    def _drop(self, path: Path) -> None:
        self.close()
        with contextlib.suppress(OSError):
            path.unlink()


@dataclass(frozen=True, slots=True)
class Row:
    """A value to keep: kind (model, output, source, link), key, and the digest of value."""

    kind: str
    key: str
    digest: str
    value: object


class _ModelPickler(pickle.Pickler):
    """Pickles routes and feed specs with their models by content file."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=5)
        self._types = model_types()

    def persistent_id(self, obj: object) -> str | None:
        return obj.source if isinstance(obj, self._types) else None  # type: ignore[attr-defined]


class _ModelUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, models: Callable[[str], Model]) -> None:
        super().__init__(file)
        self._models = models

    def persistent_load(self, pid: object) -> Model:
        return self._models(str(pid))


def snapshot_path(state_file: Path) -> Path:
    """Return where the snapshot of the build state kept in state_file lives."""
    return state_file.with_suffix(".sqlite")


def keep_changes(store: SnapshotStore, snapshot: Snapshot, models: dict[str, Model]) -> str:
    """Keep the changed models in the snapshot under a new token; return it ("" on failure)."""
    printer = Fingerprinter()
    token = secrets.token_hex(16)
    rows = [Row("model", s, printer.of(m).hex(), m) for s, m in models.items()]
    renewed = dataclasses.replace(snapshot, token=token)
    return token if store.write(renewed, rows, everything=False) else ""


@contextlib.contextmanager
def snapshot_store(options: BuildOptions) -> Iterator[SnapshotStore | None]:
    """Open the snapshot kept beside the build state of options' output (None without
    a cache)."""
    if options.cache_path is None:
        yield None
        return
    path = snapshot_path(state_path(options.cache_path, options.output_path))
    store = SnapshotStore(path, user_secret())
    try:
        yield store
    finally:
        store.close()


def keep_snapshot(
    store: SnapshotStore,
    previous: BuildState | None,
    plan: SitePlan,
    entries: Sequence[Entry],
    options: BuildOptions,
) -> str:
    """Keep the models and routes of a plan of every output for partial plans; return the
    token ("" when it could not be kept).

    Only what changed since the kept snapshot is written, unless the kept one is not
    the previous build's (then everything is).
    """
    kept = store.snapshot()
    everything = kept is None or previous is None or kept.token != previous.snapshot
    rows = _rows(plan, entries, options.include_drafts)
    gone: list[tuple[str, str]] = []
    if not everything:
        rows, gone = _changed_rows(store, rows)
    site = plan.site
    snapshot = Snapshot(
        token=secrets.token_hex(16),
        page_shared=plan.jobs.page_shared,
        feed_shared=plan.feed_shared,
        globals=plan.jobs.globals,
        feed_settings=feed_settings(site),
        language=plan.jobs.language,
        shards=tuple(plan.jobs.shards),
    )
    kept_well = store.write(snapshot, rows, everything=everything, gone=gone)
    return snapshot.token if kept_well else ""


def _rows(plan: SitePlan, entries: Sequence[Entry], include_drafts: bool) -> list[Row]:
    """Return every value a partial plan may need, with its digest."""
    site, printer = plan.site, plan.printer
    models = (*site.models(), *site.english_models())
    rows = [Row("model", m.source, printer.of(m).hex(), m) for m in models]
    rows += [Row("output", job.path, job.fingerprint, job.route) for job in plan.jobs.pages]
    feed_jobs = plan.jobs.files[: len(plan.feeds)]
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
    targets = link_targets(entries, site.now, include_drafts)
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


def front_digest(entry: Entry) -> str:
    """Return the fingerprint of what an entry's model is made of besides its body."""
    source = entry.source
    return fingerprint_of(
        (entry.kind.name, entry.meta, entry.slug, entry.url, entry.assets, source.bundle_files)
    )
