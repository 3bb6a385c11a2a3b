"""The verdict: the part of the last build's state that a build with nothing to do reads.

A build that finds nothing to do compares three things with the last build: the options
and code (the state key), the inputs as scanned, and every output file as it left them.
The whole state (state.py) also holds each output's fingerprints and the search
shards' pages, which only a build that makes something needs: at 10,000 news items,
reading it costs a third of a build with nothing to do. The verdict holds only what the
comparison needs, in a file beside the state: the key, a digest of the inputs, and
the output paths with their stats.

A verdict is written after the state it sums up, and names that state by its
checksum and its file's stat: it holds only while that very state file is the one kept.
A state replaced, damaged or of another version sends the build to the whole state,
which decides as before; so does a damaged verdict, or any input or file not as it says.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sitegen.engine.state import BuildState, InputStat, files_as_left, still_current

VERDICT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the last build that wrote a verdict made: enough to report a build with
    nothing to do."""

    pages: int
    files: int
    search_stale: bool


def verdict_path(state_file: Path) -> Path:
    """Return where the verdict of the state kept at state_file is kept."""
    return state_file.with_suffix(".verdict")


def save_verdict(path: Path, state: BuildState, state_file: Path, output_path: Path) -> None:
    """Keep the verdict of state, just kept at state_file, whose outputs are in output_path
    now; a state whose inputs cannot be written as JSON gets none (any earlier one is
    removed).

    Raises:
        OSError: when the file cannot be written.
    """
    import orjson  # here, like state.py: the command line starts without libraries

    inputs = inputs_digest(state.inputs)
    if inputs is None:
        path.unlink(missing_ok=True)
        return
    paths = sorted(state.outputs)
    stats = [value for rel in paths for value in state.outputs[rel].stat]
    body = {
        "version": VERDICT_VERSION,
        "state": _checksum(state_file),
        "key": state.key,
        "inputs": inputs,
        "output": str(output_path.resolve()),
        "valid_until": state.valid_until,
        "pages": state.pages,
        "search_stale": state.search_stale,
        "paths": paths,
        "stats": stats,
    }
    temporary = path.with_suffix(f".tmp-{os.getpid()}")
    temporary.write_bytes(orjson.dumps(body))
    temporary.replace(path)


def nothing_to_do(
    path: Path,
    state_file: Path,
    key: str,
    inputs: dict[str, InputStat],
    output_path: Path,
    now: datetime,
    *,
    search: bool,
) -> Verdict | None:
    """Return the verdict kept at path when it shows that nothing is to be done: the state
    at state_file is the one it sums up, same key and inputs, not yet out of date, and
    every output file as the build left it; None otherwise (then the state decides)."""
    import orjson

    try:
        body = orjson.loads(path.read_bytes())
        if not (
            body["version"] == VERDICT_VERSION
            and body["state"] == _checksum(state_file)
            and body["output"] == str(output_path.resolve())
            and still_current(
                body["key"], body["valid_until"], body["search_stale"], key, now, search=search
            )
            and body["inputs"] == inputs_digest(inputs)
            and _files_as_left(str(output_path), body["paths"], body["stats"])
        ):
            return None
        return Verdict(int(body["pages"]), len(body["paths"]), bool(body["search_stale"]))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _checksum(state_file: Path) -> str:
    """Return what names the state kept at state_file: the checksum on its first line
    (state.to_json) and the file's size, time and inode, so that a state written or
    damaged since (even under its old checksum) is another state.

    Raises:
        OSError: when it cannot be read.
    """
    with state_file.open("rb") as file:
        first = file.read(65).decode("ascii", "replace")
        st = os.fstat(file.fileno())
    return f"{first.strip()}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}"


def inputs_digest(inputs: dict[str, InputStat]) -> str | None:
    """Return a digest of a scan of the inputs; None when a name is not UTF-8."""
    import orjson

    try:
        text = orjson.dumps(
            {rel: list(stat) for rel, stat in inputs.items()}, option=orjson.OPT_SORT_KEYS
        )
    except orjson.JSONEncodeError:
        return None
    return hashlib.sha256(text).hexdigest()


def _files_as_left(folder: str, paths: list[str], stats: list[int]) -> bool:
    """Return True when each file of paths is in folder with its (size, mtime_ns, inode)
    of stats (three numbers a file, in the order of paths)."""
    if len(stats) != 3 * len(paths):
        return False
    numbers = iter(stats)
    triples = zip(numbers, numbers, numbers, strict=True)
    return files_as_left(folder, zip(paths, triples, strict=True))
