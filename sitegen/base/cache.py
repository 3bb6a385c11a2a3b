"""The persistent build cache: `.sitegen-cache/cache.sqlite` in the site root.

It keeps what is expensive to make and depends only on what its key covers: rendered
Markdown bodies (keyed by the code, the item and its text) and the fingerprints of
the pages of the last build. Every key starts with the fingerprint of sitegen's own
code and of the libraries that shape the output, so another version never reuses a
value. Every value carries a checksum: a damaged entry is a miss, never served, and a
file that is not a cache at all is replaced.

Entries that no build has used for a while are dropped when the cache is saved.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import sys
from functools import cache
from pathlib import Path
from typing import Any

from sitegen.base.i18n import _

CACHE_FILE = "cache.sqlite"
KEEP_GENERATIONS = 10
"""Entries unused by this many builds in a row are dropped."""
REFRESH_AFTER = 4
"""A used entry's generation is renewed only when it is this old: renewing rewrites the
row, which for 10,000 entries of kilobytes each would cost most of a small build."""
_SCHEMA = """
create table if not exists entries (
    kind text not null, key text not null, checksum text not null,
    value blob not null, generation integer not null,
    primary key (kind, key)
);
create table if not exists meta (name text primary key, value integer not null);
"""


def digest(*parts: str | bytes) -> str:
    """Return the SHA-256 of parts, each length-prefixed so that no two splits collide."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def folder_digest(folder: Path) -> str:
    """Return a digest of every file under folder: their paths and their bytes."""
    parts: list[str | bytes] = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


_VENDORED = "vendor"
MEMO_FILE = "code-fingerprint"
"""The last code fingerprint, kept in the user's state folder under the files' stats."""


@cache
def code_fingerprint() -> str:
    """Return a digest of sitegen's source files and the versions of its libraries.

    The vendored files (sitegen/vendor/) are left out: each is pinned by its digest in
    the code (plan/admin.py's DECAP_SHA256), which is in, and a build refuses one that
    differs from its pin. Hashing the 5 MB editor script took half of this, which every
    build pays, one with nothing to do too.

    The digest is kept in the user's state folder (beside the signing key: not in
    `.sitegen-cache`, which travels) under a digest of the files' names, sizes, times
    and inodes: a build reads the 120 files again only when one of them changed
    (their change time moves with any write), 7 ms of every build otherwise.
    """
    return fingerprint_of_code(str(Path(__file__).resolve().parent.parent), _memo_path())


def fingerprint_of_code(package: str, memo: Path | None) -> str:
    """Return the digest of the source files under package with the libraries' versions,
    taken from memo while the files are as it says (see code_fingerprint)."""
    files = _code_files(package)
    distributions = installed_distributions()
    stats = digest(*(f"{rel}\0{stat}" for rel, stat in files), *distributions)
    kept = _kept_fingerprint(memo, stats)
    if kept is not None:
        return kept
    parts: list[str | bytes] = []
    for rel, _stat in files:
        parts += [rel, Path(package, rel).read_bytes()]
    fingerprint = digest(*parts, *distributions)
    _keep_fingerprint(memo, stats, fingerprint)
    return fingerprint


def _code_files(package: str) -> list[tuple[str, str]]:
    """Return (path inside package, its size, times and inode) of each source file, sorted."""
    found: list[tuple[str, str]] = []
    for top, folders, names in os.walk(package):
        rel_top = os.path.relpath(top, package)
        folders[:] = [
            name
            for name in folders
            if name != "__pycache__" and not (rel_top == "." and name == _VENDORED)
        ]
        for name in names:
            st = os.stat(os.path.join(top, name))  # noqa: PTH116, PTH118 (120 of them)
            rel = name if rel_top == "." else f"{rel_top}/{name}".replace(os.sep, "/")
            found.append((rel, f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"))
    return sorted(found)


def _memo_path() -> Path | None:
    try:
        state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    except RuntimeError:  # no home folder
        return None
    return Path(state) / "sitegen" / MEMO_FILE


def _kept_fingerprint(memo: Path | None, stats: str) -> str | None:
    try:
        kept_stats, fingerprint = memo.read_text("ascii").split() if memo else ("", "")
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return fingerprint if kept_stats == stats and len(fingerprint) == 64 else None


def _keep_fingerprint(memo: Path | None, stats: str, fingerprint: str) -> None:
    if memo is None:
        return
    with contextlib.suppress(OSError):
        memo.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = memo.with_name(f"{MEMO_FILE}.{os.getpid()}")
        temporary.write_text(f"{stats} {fingerprint}\n", "ascii")
        temporary.replace(memo)


def installed_distributions() -> list[str]:
    """Return the name and version of every library this Python can import (the names of
    their .dist-info folders), sorted: any upgrade may change what a build makes.

    (importlib.metadata would read the same folders, after loading the email package:
    30 ms of every build.)
    """
    found: list[str] = []
    for folder in sys.path:
        try:
            with os.scandir(folder or ".") as entries:
                found += [entry.name for entry in entries if entry.name.endswith(".dist-info")]
        except OSError:  # a zip file, or a folder that is not there
            continue
    return sorted(found)


class Cache:
    """Values by (kind, key) in one SQLite file; Cache(None) remembers nothing.

    A cache that cannot be opened, read or written is never an error: the build goes
    on without it (or with a fresh one) and one warning says so.
    """

    def __init__(self, folder: Path | None, notes: list[str] | None = None) -> None:
        self._db: sqlite3.Connection | None = None
        self._used: dict[tuple[str, str], None] = {}
        self._generation = 0
        self._notes = notes if notes is not None else []
        self._path = folder / CACHE_FILE if folder is not None else None
        if self._path is None:
            return
        try:
            self._db = _open(self._path)
            row = self._db.execute("select value from meta where name = 'generation'").fetchone()
            self._generation = (row[0] if row else 0) + 1
        except (OSError, sqlite3.Error) as error:
            self._give_up(error)

    def get(self, kind: str, key: str) -> Any | None:
        """Return the value stored under (kind, key), or None when absent or damaged."""
        row = self.blob(kind, key)
        if row is None or digest(row[1]) != row[0]:
            return None
        try:
            value = json.loads(row[1])
        except ValueError:
            return None
        self._used[(kind, key)] = None
        return value

    def put(self, kind: str, key: str, value: Any) -> None:
        """Store value (anything JSON can hold) under (kind, key)."""
        data = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
        self.put_blob(kind, key, digest(data), data)

    def blob(self, kind: str, key: str) -> tuple[str, bytes] | None:
        """Return the (checksum, value) stored under (kind, key): a value the caller checks
        itself (the cache cannot tell a signed value from a forged one)."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "select checksum, value from entries where kind = ? and key = ?", (kind, key)
            ).fetchone()
        except sqlite3.Error as error:
            self._give_up(error)
            return None
        if row is None:
            return None
        value = row[1]  # a value someone wrote as text is read as its bytes (then a miss)
        return str(row[0]), value.encode() if isinstance(value, str) else bytes(value)

    def put_blob(self, kind: str, key: str, checksum: str, value: bytes) -> None:
        """Store bytes with the caller's own checksum under (kind, key)."""
        if self._db is None:
            return
        try:
            self._db.execute(
                "insert or replace into entries values (?, ?, ?, ?, ?)",
                (kind, key, checksum, value, self._generation),
            )
        except sqlite3.Error as error:
            self._give_up(error)
            return
        self._used.pop((kind, key), None)

    def mark_used(self, kind: str, key: str) -> None:
        """Keep (kind, key) from being dropped as unused."""
        self._used[(kind, key)] = None

    def save(self) -> None:
        """Commit what this build stored and used; drop entries long unused."""
        if self._db is None:
            return
        try:
            # One statement over a temporary table: an update per key took 0.6 s at
            # 20,000 keys, which a build that changed one file cannot afford.
            self._db.execute("create temp table if not exists used (kind text, key text)")
            self._db.execute("delete from used")
            self._db.executemany("insert into used values (?, ?)", self._used)
            self._db.execute(
                "update entries set generation = ? where generation <= ? and "
                "(kind, key) in (select kind, key from used)",
                (self._generation, self._generation - REFRESH_AFTER),
            )
            self._db.execute(
                "delete from entries where generation <= ?",
                (self._generation - KEEP_GENERATIONS,),
            )
            self._db.execute(
                "insert or replace into meta values ('generation', ?)", (self._generation,)
            )
            self._db.commit()
        except sqlite3.Error as error:
            self._give_up(error)

    def close(self) -> None:
        """Forget what was not saved and close the file."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def _give_up(self, error: Exception) -> None:
        """Go on without the cache; a damaged file is removed, so the next build starts afresh."""
        self.close()
        self._notes.append(
            _("the build cache {path} cannot be used ({reason}); building without it").format(
                path=self._path, reason=error
            )
        )
        if isinstance(error, sqlite3.DatabaseError) and self._path and self._path.is_file():
            with contextlib.suppress(OSError):
                self._path.unlink()


def _open(path: Path) -> sqlite3.Connection:
    """Open the cache file; start afresh when it is damaged or not a cache."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _ignore_in_git(path.parent)
    try:
        return _connect(path)
    except sqlite3.DatabaseError:
        path.unlink(missing_ok=True)
        return _connect(path)


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level="DEFERRED")
    db.executescript(_SCHEMA)
    db.execute("select count(*) from entries").fetchone()
    return db


def _ignore_in_git(folder: Path) -> None:
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# sitegen's build cache: safe to delete, never commit\n*\n")
