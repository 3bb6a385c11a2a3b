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
import stat as kinds
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

STATE_VERSION = 5


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


class InputStat(NamedTuple):
    """One entry of an input folder as the folder lists it, whatever its kind.

    Taken with lstat, so that an entry the build would refuse (a symbolic link that
    loops or leads nowhere, a named pipe, a socket, a device, a file or folder without
    read permission) is recorded like any other, and adding, changing or removing it
    changes the scan: the build then reaches the verdict a cold build reaches.
    """

    mode: int
    """Kind and permissions (st_mode)."""
    size: int
    mtime_ns: int
    ctime_ns: int
    """Changes with any write or change of metadata, even one that restores the size and
    modification time (`cp -p`, `touch -r`): a change the other fields would miss."""
    inode: int
    detail: str = ""
    """For a symbolic link: its target as written, the path it resolves to and the
    stat of what it leads to (or the error that stops it); for a folder that cannot be
    listed or an entry that cannot be looked at: the error. "" otherwise."""


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
    """One search bundle (a part of the base index, or the delta), or the tiers file:
    the fingerprint of what it was made from and its files."""

    fingerprint: str
    files: tuple[str, ...]
    pages: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Output path of each page it indexes → (digest of the page's bytes when indexed,
    its Pagefind id in the bundle)."""


@dataclass(slots=True)
class BuildState:
    """Everything the previous build into one output folder knew."""

    key: str
    """Digest of the code and the options the build ran with (see state_key)."""
    inputs: dict[str, InputStat] = field(default_factory=dict)
    """Every entry of the input folders and the input files, by path relative to the
    site root (POSIX); see scan_inputs."""
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
    """Token of the plan kept for the next partial plan (snapshot.py); "" when none."""
    search_stale: bool = False
    """A build without search (the preview's) left search shards behind their pages."""

    def is_current(
        self, key: str, inputs: dict[str, InputStat], now: datetime, *, search: bool = True
    ) -> bool:
        """Return True when the inputs, the options and the time leave the output as it is."""
        return self.inputs == inputs and still_current(
            self.key, self.valid_until, self.search_stale, key, now, search=search
        )

    def output_intact(self, output_path: Path) -> bool:
        """Return True when every recorded output file is still as the build left it."""
        return files_as_left(
            str(output_path), ((rel, record.stat) for rel, record in self.outputs.items())
        )


def still_current(
    recorded_key: str,
    valid_until: float | None,
    search_stale: bool,
    key: str,
    now: datetime,
    *,
    search: bool,
) -> bool:
    """Return True when what a build recorded (its key, when its output goes out of date,
    whether it left the search behind) leaves its output as it is for a build with key
    now: the one test of the options and the time that a build with nothing to do passes,
    whether it read the state or its verdict (verdict.py)."""
    if recorded_key != key or (search and search_stale):
        return False
    return valid_until is None or now.timestamp() < valid_until


def files_as_left(folder: str, files: Iterable[tuple[str, Sequence[int]]]) -> bool:
    """Return True when each (path, (size, mtime_ns, inode)) of files is in folder as that.

    Each is looked at relative to the folder, opened once: a third faster than joining
    28,000 paths and walking the folder's own path for each."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        for rel, (size, mtime_ns, inode) in files:
            if rel.startswith("/") or not rel:
                return False  # not a path the build recorded
            st = os.stat(rel, dir_fd=descriptor)
            if st.st_size != size or st.st_mtime_ns != mtime_ns or st.st_ino != inode:
                return False
    except OSError:
        return False
    finally:
        os.close(descriptor)
    return True


def is_intact(folder: str, rel: str, record: OutputRecord) -> bool:
    """Return True when the file rel of the output folder is as record says the build left
    it. Strings, not Paths: a build looks at up to 28,000 of them, and a Path costs more
    than the stat."""
    return FileStat.of(f"{folder}/{rel}") == record.stat


def state_key(code: str, *options: str) -> str:
    """Return the digest that a state must carry to be used by a build with these options."""
    return hashlib.sha256("\0".join((str(STATE_VERSION), code, *options)).encode()).hexdigest()


def state_path(cache_path: Path, output_path: Path) -> Path:
    """Return where the state of builds into output_path is kept."""
    name = hashlib.sha256(str(output_path.resolve()).encode()).hexdigest()[:24]
    return cache_path / "state" / f"{name}.json"


def scan_inputs(
    site_path: Path, folders: tuple[Path, ...], files: tuple[Path, ...]
) -> dict[str, InputStat]:
    """Return every entry under folders, plus files, by path relative to site_path.

    Every entry is recorded, whatever its kind (see InputStat), folders included;
    a folder that cannot be listed is recorded under its path with a slash appended.
    Hidden files and folders are left out, like the build leaves them out. A folder
    or file that does not exist has no entry.
    """
    root = str(site_path)
    found: dict[str, InputStat] = {}
    for path in files:
        _add_file(found, str(path), _relative(str(path), root))
    for folder in folders:
        name = str(folder)
        if os.path.isdir(name):  # noqa: PTH112 (followed: the options may name a link)
            _add_folder(found, name, _relative(name, root))
    return found


def _relative(path: str, root: str) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


def _add_file(found: dict[str, InputStat], path: str, rel: str) -> None:
    try:
        found[rel] = _entry_stat(path, os.lstat(path))
    except FileNotFoundError:
        pass
    except OSError as error:  # no permission to look into its folder, say
        found[rel] = InputStat(0, 0, 0, 0, 0, f"stat: {error.errno}")


def _add_folder(found: dict[str, InputStat], folder: str, rel_folder: str) -> None:
    """Add every visible entry under folder; a stack, not recursion: folders may be deep.

    os.scandir rather than os.walk: each entry is looked at once, with the lstat that
    DirEntry.stat(follow_symlinks=False) takes (a no-op build does only this).
    """
    stack = [(folder, rel_folder)]
    while stack:
        top, rel_top = stack.pop()
        try:
            with os.scandir(top) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    rel = f"{rel_top}/{entry.name}"
                    try:
                        record = _entry_stat(entry.path, entry.stat(follow_symlinks=False))
                    except OSError as error:  # removed since the listing, say
                        record = InputStat(0, 0, 0, 0, 0, f"stat: {error.errno}")
                    found[rel] = record
                    if kinds.S_ISDIR(record.mode):
                        stack.append((entry.path, rel))
        except OSError as error:  # no permission to list it, say
            found[f"{rel_top}/"] = InputStat(0, 0, 0, 0, 0, f"list: {error.errno}")


def _entry_stat(path: str, st: os.stat_result) -> InputStat:
    """Return the record of the entry at path, whose lstat is st."""
    mode = st.st_mode
    if kinds.S_ISDIR(mode):
        # A folder's size and time change with any entry, hidden ones (an editor's
        # swap file) too; its visible entries are recorded on their own.
        return InputStat(mode, 0, 0, 0, st.st_ino)
    detail = _link_detail(path) if kinds.S_ISLNK(mode) else ""
    return InputStat(mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, detail)


def _link_detail(path: str) -> str:
    """Return what a symbolic link says, where it leads and what it leads to.

    The build follows a link to a file inside its folder and refuses the others, so
    all three decide what the build makes of it.
    """
    try:
        target = os.readlink(path)  # noqa: PTH115 (strings, as everywhere in the scan)
    except OSError as error:  # replaced since it was listed, say
        return f"error: {error.errno}"
    try:
        final = os.stat(path)  # noqa: PTH116 (as above)
    except OSError as error:  # a loop, nowhere, no permission
        leads_to = f"error: {error.errno}"
    else:
        times = f"{final.st_mtime_ns}:{final.st_ctime_ns}"
        leads_to = f"{final.st_mode}:{final.st_size}:{times}:{final.st_ino}"
    return f"{target}\0{os.path.realpath(path)}\0{leads_to}"


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
        "inputs": {rel: list(stat) for rel, stat in state.inputs.items()},
        "outputs": {
            rel: [record.fingerprint, record.content, *_stat_list(record.stat)]
            for rel, record in state.outputs.items()
        },
        "shards": {
            name: {
                "fingerprint": shard.fingerprint,
                "files": list(shard.files),
                "pages": {path: list(page) for path, page in shard.pages.items()},
            }
            for name, shard in state.shards.items()
        },
    }
    # orjson writes the bytes json.dumps(separators=(",", ":"), sort_keys=True) would,
    # nine times faster: 27,000 records take 12 ms instead of 0.1 s of each build.
    import orjson  # here: the command line must start, and explain, without libraries

    try:
        text = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # names that are not UTF-8 (the build refuses them)
        body["inputs"] = {
            _printable(rel): [*stat[:4], _printable(stat.detail)]
            for rel, stat in state.inputs.items()
        }
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
        inputs={rel: InputStat._make(values) for rel, values in body["inputs"].items()},
        outputs={
            rel: OutputRecord(values[0], stat(values[2:]), values[1])
            for rel, values in body["outputs"].items()
        },
        shards={
            str(name): ShardRecord(
                str(shard["fingerprint"]),
                tuple(map(str, shard["files"])),
                {str(path): (str(page[0]), str(page[1])) for path, page in shard["pages"].items()},
            )
            for name, shard in body["shards"].items()
        },
        pages=int(body["pages"]),
        valid_until=float(valid_until) if valid_until is not None else None,
        snapshot=str(body["snapshot"]),
        search_stale=bool(body["search_stale"]),
    )


def _printable(text: str) -> str:
    """Return text with the bytes that are not UTF-8 escaped, behind a NUL that no file
    name holds: the name read back never equals one listed, so the next build is a
    full one, as it must be."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return "\0" + text.encode(errors="surrogateescape").decode(errors="backslashreplace")
    return text


def _stat_list(stat: FileStat) -> list[int]:
    return [stat.size, stat.mtime_ns, stat.inode]
