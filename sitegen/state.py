"""What the previous build knew: the one record that outlives a build.

Per input file (content, templates, static, site.yaml) its stat; per output file the
fingerprint of the inputs it was made from and the stat of the file as it was left;
per search shard the fingerprint of its pages. A build compares the current inputs
and output with this record to decide what to do: nothing (a no-op build stats the
files and stops), or only the pages, feeds, copies and search shards whose inputs
changed.

The state lives in `.sitegen-cache/state/<output key>.json`, serialised only here
(`to_json`/`from_json`), with a checksum: a damaged or foreign file is no state at
all, and the next build is a full one. This module imports only the standard
library, so that a no-op build starts and ends without loading the rest of sitegen.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

STATE_VERSION = 3


class FileStat(NamedTuple):
    """What a file looked like: enough to notice any change made through the file system.

    A named tuple, not a dataclass: a state holds one per file (27,000 at 10,000 news
    items), and tuples are made and compared several times faster.
    """

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path | str) -> FileStat | None:
        """Return the stat of path, or None when it is missing or not a regular file."""
        try:
            st = os.stat(path)  # noqa: PTH116 (strings, not Paths: a no-op build stats every file)
        except OSError:
            return None
        return cls(st.st_size, st.st_mtime_ns, st.st_ino)


class OutputRecord(NamedTuple):
    """One file of the output: what it was made from, and the file as it was left.

    A named tuple like FileStat: a build reads and writes one per output file.
    """

    fingerprint: str
    """Digest of everything the file was made from (for a copy: its source's stat)."""
    stat: FileStat
    content: str = ""
    """Digest of a page's bytes (what its search shard is made from); "" for other files."""


@dataclass(frozen=True, slots=True)
class ShardRecord:
    """One search index shard: the fingerprint of its pages and its files."""

    fingerprint: str
    files: tuple[str, ...]


@dataclass(slots=True)
class BuildState:
    """Everything the previous build into one output folder knew."""

    key: str
    """Digest of the code and the options the build ran with (see state_key)."""
    inputs: dict[str, FileStat] = field(default_factory=dict)
    """Every input file, by path relative to the site root (POSIX)."""
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    """Every output file, by path relative to the output folder (POSIX)."""
    shards: dict[str, ShardRecord] = field(default_factory=dict)
    """Search shards by name."""
    pages: int = 0
    """HTML pages of the site (for the report of a build with nothing to do)."""
    valid_until: float | None = None
    """POSIX time at which the output changes by itself (an item comes out, a
    cooperation starts or ends); None when nothing is scheduled."""
    snapshot: str = ""
    """Token of the models and routes kept for a quick build (see quick.py); "" when none."""
    search_stale: bool = False
    """A build without search (the preview's) left search shards behind their pages."""

    def is_current(
        self, key: str, inputs: dict[str, FileStat], now: datetime, *, search: bool = True
    ) -> bool:
        """Return True when the inputs, the options and the time leave the output as it is."""
        if self.key != key or self.inputs != inputs or (search and self.search_stale):
            return False
        return self.valid_until is None or now.timestamp() < self.valid_until

    def output_intact(self, output_path: Path) -> bool:
        """Return True when every recorded output file is still as the build left it."""
        folder = str(output_path)
        return all(
            FileStat.of(os.path.join(folder, rel)) == record.stat  # noqa: PTH118 (as above)
            for rel, record in self.outputs.items()
        )


def state_key(code: str, *options: str) -> str:
    """Return the digest that a state must carry to be used by a build with these options."""
    return hashlib.sha256("\0".join((str(STATE_VERSION), code, *options)).encode()).hexdigest()


def state_path(cache_path: Path, output_path: Path) -> Path:
    """Return where the state of builds into output_path is kept."""
    name = hashlib.sha256(str(output_path.resolve()).encode()).hexdigest()[:24]
    return cache_path / "state" / f"{name}.json"


def snapshot_inputs(
    site_path: Path, folders: tuple[Path, ...], files: tuple[Path, ...]
) -> dict[str, FileStat]:
    """Return the stat of every file under folders, plus files, by path relative to site_path.

    Hidden files and folders are left out, like the build leaves them out.
    """
    root = str(site_path)
    found: dict[str, FileStat] = {}
    for path in files:
        _add(found, str(path), os.path.relpath(path, root).replace(os.sep, "/"))
    for folder in folders:
        base, skip = os.path.relpath(folder, root).replace(os.sep, "/"), len(str(folder))
        for top, dirs, names in os.walk(folder):
            dirs[:] = sorted(name for name in dirs if not name.startswith("."))
            rel_top = base + top[skip:].replace(os.sep, "/")
            for name in names:
                if not name.startswith("."):
                    _add(found, os.path.join(top, name), f"{rel_top}/{name}")  # noqa: PTH118
    return found


def _add(found: dict[str, FileStat], path: str, rel: str) -> None:
    stat = FileStat.of(path)
    if stat is not None:
        found[rel] = stat


def load_state(path: Path) -> BuildState | None:
    """Return the state kept at path, or None when there is none or it is damaged."""
    try:
        return from_json(path.read_bytes())
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None  # damaged, foreign or of another version: no state, a full build


def save_state(path: Path, state: BuildState) -> None:
    """Keep state at path, replacing the previous one atomically.

    Raises:
        OSError: when the file cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".tmp-{os.getpid()}")
    temporary.write_bytes(to_json(state))
    temporary.replace(path)


def to_json(state: BuildState) -> bytes:
    """Serialise state: the SHA-256 of its JSON on the first line, then the JSON."""
    body = {
        "version": STATE_VERSION,
        "key": state.key,
        "valid_until": state.valid_until,
        "pages": state.pages,
        "snapshot": state.snapshot,
        "search_stale": state.search_stale,
        "inputs": {rel: _stat_list(stat) for rel, stat in state.inputs.items()},
        "outputs": {
            rel: [record.fingerprint, record.content, *_stat_list(record.stat)]
            for rel, record in state.outputs.items()
        },
        "shards": {
            name: {"fingerprint": shard.fingerprint, "files": list(shard.files)}
            for name, shard in state.shards.items()
        },
    }
    # orjson writes the bytes json.dumps(separators=(",", ":"), sort_keys=True) would,
    # nine times faster: 27,000 records take 12 ms instead of 0.1 s of each build.
    import orjson  # here: the command line must start, and explain, without libraries

    text = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(text).hexdigest().encode() + b"\n" + text


def from_json(data: bytes) -> BuildState:
    """Read a state serialised by to_json.

    Raises:
        ValueError: when the data is damaged (its checksum does not match) or malformed.
    """
    checksum, _, text = data.partition(b"\n")
    if hashlib.sha256(text).hexdigest().encode() != checksum:
        raise ValueError("damaged build state")
    import orjson

    body = orjson.loads(text)
    if body.get("version") != STATE_VERSION:
        raise ValueError("a build state of another version of sitegen")
    valid_until = body["valid_until"]
    # The records are taken as written: the checksum shows this is what to_json wrote
    # (checking the types of 27,000 records would double the time this takes).
    stat = FileStat._make
    return BuildState(
        key=str(body["key"]),
        inputs={rel: stat(values) for rel, values in body["inputs"].items()},
        outputs={
            rel: OutputRecord(values[0], stat(values[2:]), values[1])
            for rel, values in body["outputs"].items()
        },
        shards={
            str(name): ShardRecord(str(shard["fingerprint"]), tuple(map(str, shard["files"])))
            for name, shard in body["shards"].items()
        },
        pages=int(body["pages"]),
        valid_until=float(valid_until) if valid_until is not None else None,
        snapshot=str(body["snapshot"]),
        search_stale=bool(body["search_stale"]),
    )


def _stat_list(stat: FileStat) -> list[int]:
    return [stat.size, stat.mtime_ns, stat.inode]
