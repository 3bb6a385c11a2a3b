"""The commit: the files a build changed, staged beside the output and applied at once.

A build that fails at any point removes its pending folder and leaves the previous
output, and everything beside it, as it was. A build killed at any moment leaves,
after the next run, the old site or the new one (see Commit and recover).

A file whose bytes are the same as in the previous output is not written again: it
keeps its inode and modification time, so servers, rsync and browsers' caches see it
unchanged.
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.base.errors import UsageError
from sitegen.base.i18n import _
from sitegen.engine.journal import Journal, carry_out, journal_problem, read_journal, write_journal
from sitegen.engine.writer import MARKER, MARKER_TEXT


@dataclass(frozen=True, slots=True)
class Commit:
    """The changes of one build to its output folder, staged beside it until applied.

    Changed files are written into a pending folder beside the output (from any
    process: each file is written by one). apply() then writes a journal that lists
    every move and removal, renames it into place (the moment the build commits), and
    carries it out. A build killed before that moment leaves the old site (its pending
    folder is removed by the next run); one killed after it is rolled forward by the
    next run (recover), which ends with the new site. Files whose bytes did not change
    are never touched, so they keep their inode and modification time.
    """

    output_path: Path
    pending_path: Path
    journal_path: Path
    folders: set[Path] = field(default_factory=set, compare=False)
    """Folders of the pending folder this process made (each is made once)."""

    def put(self, rel: str, data: bytes) -> bool:
        """Stage data for rel; return False (staging nothing) when the output holds it already."""
        if same_bytes(self.output_path / rel, data):
            return False
        self._target(rel).write_bytes(data)
        return True

    def copy(self, rel: str, source: Path) -> bool:
        """Stage a copy of source for rel; return False when the output holds it already."""
        if same_file(self.output_path / rel, source):
            return False
        shutil.copyfile(source, self._target(rel))
        return True

    def adopt(self, rel: str, path: Path) -> bool:
        """Stage the file at path for rel by moving it (it must be beside the pending
        folder); return False, leaving it where it is, when the output holds it already."""
        if same_file(self.output_path / rel, path):
            return False
        path.replace(self._target(rel))
        return True

    def search_folder(self) -> Path:
        """Return a new empty folder beside the output for indexing one search shard
        (removed by recover() when a killed build left it)."""
        return Path(
            tempfile.mkdtemp(
                prefix=f".{self.output_path.name}.search-", dir=self.pending_path.parent
            )
        )

    def staged(self) -> list[str]:
        """Return the paths staged so far, sorted."""
        return sorted(files_under(self.pending_path))

    def apply(self, removals: list[str]) -> list[str]:
        """Put the staged files into the output and remove removals; return the staged paths."""
        moves = self.staged()
        if not (self.output_path / MARKER).is_file():
            try:
                self._target(MARKER).write_bytes(MARKER_TEXT)
                if self.output_path.is_dir():
                    self.output_path.rmdir()  # empty: check_output_path refuses anything else
                self.pending_path.rename(self.output_path)  # one rename: all or nothing
            except BaseException:
                self.abort()
                raise
            return [*moves, MARKER]
        journal = Journal(tuple(moves), tuple(sorted(removals)))
        temporary = self.journal_path.with_name(self.journal_path.name + ".tmp")
        try:
            link = journal_problem(journal, self.pending_path, self.output_path)
            if link is not None:
                raise UsageError(
                    _(
                        "{output}: {reason}; sitegen does not write through links, so "
                        "nothing was changed. Put a folder or file of its own there (or "
                        "delete the link) and build again"
                    ).format(output=self.output_path, reason=link)
                )
            write_journal(temporary, journal)
        except BaseException:
            temporary.unlink(missing_ok=True)
            self.abort()
            raise
        temporary.replace(self.journal_path)  # the build is committed from here on
        # Whatever stops it now, the next build rolls the journal forward (recover).
        carry_out(journal, self.journal_path, self.pending_path, self.output_path)
        return moves

    def abort(self) -> None:
        """Drop everything staged; the output stays as it was."""
        shutil.rmtree(self.pending_path, ignore_errors=True)

    def _target(self, rel: str) -> Path:
        target = self.pending_path / rel
        if target.parent not in self.folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(target.parent)
        return target


def begin_commit(output_path: Path) -> Commit:
    """Finish or drop what an earlier killed build left, and return a fresh Commit."""
    recover(output_path)
    parent = output_path.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    commit = Commit(
        output_path,
        parent / f".{output_path.name}.pending",
        parent / f".{output_path.name}.journal",
    )
    commit.pending_path.mkdir()
    return commit


def pending_journal(output_path: Path) -> Path:
    """Return where a committed build's journal waits until it has been carried out."""
    return output_path.resolve().parent / f".{output_path.name}.journal"


def recover(output_path: Path) -> bool:
    """Roll forward a committed build that was killed, and remove stale staging folders.

    Returns True when a killed build was rolled forward. Nothing planted beside the
    output is followed: links named like sitegen's folders are removed as links.

    Raises:
        UsageError: when the journal beside the output is not one sitegen wrote (see
            read_journal); then nothing is moved or removed.
    """
    parent = output_path.resolve().parent
    name = output_path.name
    journal_path = parent / f".{name}.journal"
    pending = parent / f".{name}.pending"
    rolled = os.path.lexists(journal_path)
    if rolled:
        journal = read_journal(journal_path, pending, output_path)
        carry_out(journal, journal_path, pending, output_path)
    (parent / f".{name}.journal.tmp").unlink(missing_ok=True)
    _remove_planted(pending)
    # Search folders of a killed build; staging and old trees of earlier versions.
    stale_prefixes = (f".{name}.search-", f".{name}.staging-", f".{name}.old-")
    try:
        with os.scandir(parent) as entries:  # one pass over a folder that may be large (/tmp)
            stale = [entry.path for entry in entries if entry.name.startswith(stale_prefixes)]
    except FileNotFoundError:  # the output's folder is yet to be made
        stale = []
    for path in stale:
        _remove_planted(Path(path))
    return rolled


def _remove_planted(path: Path) -> None:
    """Remove the folder at path, or only the link or file there: never what a link points to."""
    try:
        is_folder = stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:  # nothing there
        return
    if is_folder:
        shutil.rmtree(path, ignore_errors=True)  # never follows links inside (fd-based)
        return
    with contextlib.suppress(OSError):  # another user's, in a shared folder: the build says so
        path.unlink()


def files_under(folder: Path) -> set[str]:
    """Return every file under folder as a POSIX path relative to it."""
    found: set[str] = set()
    for top, _dirs, names in os.walk(folder):
        rel = os.path.relpath(top, folder)
        found.update(name if rel == "." else f"{rel}/{name}".replace(os.sep, "/") for name in names)
    return found


def same_bytes(old: Path, data: bytes) -> bool:
    """Return True when the file old holds exactly data."""
    try:
        return old.stat().st_size == len(data) and old.read_bytes() == data
    except OSError:
        return False


def same_file(old: Path, source: Path) -> bool:
    """Return True when the files old and source hold the same bytes."""
    try:
        return old.stat().st_size == source.stat().st_size and filecmp.cmp(
            old, source, shallow=False
        )
    except OSError:
        return False
