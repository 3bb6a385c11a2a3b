"""The models, routes and feeds of the previous build, kept for quick builds (quick.py).

One SQLite file beside the build state (`.sitegen-cache/state/<output key>.sqlite`)
holds every model (news item, locality, partnership, page, region text) pickled by
its content file, every page's route and every feed's spec pickled with the models
they show *by reference*, and one Snapshot record: what a quick build needs to know of
the whole site (which pages show which content file, the link targets, the shared
parts of the fingerprints). Because routes refer to models by their content file, a
quick build that swaps one model in needs no route rewritten.

Unpickling runs code, so every value is signed with the user's key (content/memo.py):
a value sitegen did not write is no value, and the build is a full one.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import pickle
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sitegen.bodies import LinkTargets
from sitegen.content.models import Locality, NewsItem, Page, Partnership, RegionText
from sitegen.outputs import FeedSettings, ShardJob
from sitegen.routes import FeedSpec, Route
from sitegen.templates import SiteGlobals

Model = NewsItem | Locality | Partnership | Page | RegionText
MODEL_TYPES = (NewsItem, Locality, Partnership, Page, RegionText)

_SCHEMA = """
create table if not exists kept (
    kind text not null, key text not null, signature text not null, value blob not null,
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
    page_paths: tuple[str, ...]
    shown_in: dict[str, tuple[str, ...]]
    """Content file (as models name it) → output paths of the pages and feeds showing it."""
    fronts: dict[str, str]
    """Content file → digest of what its model is made of besides the body."""
    content_keys: dict[str, str]
    """Content file → its content key (path inside the content folder)."""
    link_targets: LinkTargets
    model_digests: dict[str, str]
    """Content file → fingerprint of the kept model (a full build rewrites changed ones)."""
    output_digests: dict[str, str]
    """Output path → fingerprint of the kept route or feed spec."""


class SnapshotStore:
    """The snapshot file of one output folder; every failure reads as "no snapshot"."""

    def __init__(self, path: Path, secret: bytes | None) -> None:
        self._secret = secret
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

    def model(self, source: str) -> Model | None:
        """Return the kept model of a content file, or None."""
        value = self._load("model", source, None)
        return value if isinstance(value, MODEL_TYPES) else None

    def output(self, path: str, models: Callable[[str], Model]) -> Route | FeedSpec | None:
        """Return the kept route or feed spec of an output path, with models from models."""
        value = self._load("output", path, models)
        return value if isinstance(value, Route | FeedSpec) else None

    def write(
        self,
        snapshot: Snapshot,
        models: Iterable[Model],
        outputs: Iterable[tuple[str, Route | FeedSpec]],
        *,
        everything: bool,
    ) -> bool:
        """Keep snapshot with the models and outputs given; return False when it could not.

        everything drops what was kept before (models and outputs not given are gone).
        """
        if self._db is None:
            return False
        try:
            with self._db:
                if everything:
                    self._db.execute("delete from kept")
                rows = [self._row("model", model.source, model, persist=False) for model in models]
                rows += [self._row("output", path, value, persist=True) for path, value in outputs]
                rows.append(self._row("meta", "snapshot", snapshot, persist=False))
                self._db.executemany("insert or replace into kept values (?, ?, ?, ?)", rows)
        except (sqlite3.Error, pickle.PicklingError, TypeError, AttributeError):
            return False
        return True

    def forget(self) -> None:
        """Drop the snapshot record, so that no quick build relies on a half-written file."""
        if self._db is None:
            return
        with contextlib.suppress(sqlite3.Error), self._db:
            self._db.execute("delete from kept where kind = 'meta'")

    def _row(self, kind: str, key: str, value: object, *, persist: bool) -> tuple[str, ...]:
        buffer = io.BytesIO()
        pickler = _ModelPickler(buffer) if persist else pickle.Pickler(buffer, protocol=5)
        pickler.dump(value)
        data = buffer.getvalue()
        return (kind, key, self._sign(kind, key, data), data)  # type: ignore[return-value]

    def _load(self, kind: str, key: str, models: Callable[[str], Model] | None) -> object:
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "select signature, value from kept where kind = ? and key = ?", (kind, key)
            ).fetchone()
        except sqlite3.Error:
            return None
        if row is None or not hmac.compare_digest(str(row[0]), self._sign(kind, key, row[1])):
            return None
        try:  # signed by us: see the module's docstring
            if models is None:
                return pickle.loads(row[1])
            return _ModelUnpickler(io.BytesIO(row[1]), models).load()
        except Exception:  # a damaged value, or a model that is gone, is no value
            return None

    def _sign(self, kind: str, key: str, data: bytes) -> str:
        assert self._secret is not None  # no database without a key
        message = f"{kind}\0{key}\0".encode() + bytes(data)
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def _drop(self, path: Path) -> None:
        self.close()
        with contextlib.suppress(OSError):
            path.unlink()


class _ModelPickler(pickle.Pickler):
    """Pickles routes and feed specs with their models by content file."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=5)

    def persistent_id(self, obj: object) -> str | None:
        return obj.source if isinstance(obj, MODEL_TYPES) else None


class _ModelUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, models: Callable[[str], Model]) -> None:
        super().__init__(file)
        self._models = models

    def persistent_load(self, pid: object) -> Model:
        return self._models(str(pid))


def snapshot_path(state_file: Path) -> Path:
    """Return where the snapshot of the build state kept in state_file lives."""
    return state_file.with_suffix(".sqlite")
