"""The commit journal: its form on disk, the checks that it stays inside the output,
and carrying it out.

A committed build lists every move and removal in a journal beside the output before
it changes anything (see commit.py). The journal is read back only after every one of
its paths has been checked: a journal that sitegen did not write never moves or
removes a file.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

from sitegen.base.errors import UsageError
from sitegen.base.i18n import _
from sitegen.engine.lock import trusted_owners

JOURNAL_VERSION = 1


@dataclass(frozen=True, slots=True)
class Journal:
    """The steps of a committed build: files to move from the pending folder into the
    output, and files to remove from the output (POSIX paths relative to both)."""

    moves: tuple[str, ...]
    removals: tuple[str, ...]


def write_journal(path: Path, journal: Journal) -> None:
    """Write journal to the new file path, durably (never through a link planted there)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    document = {
        "version": JOURNAL_VERSION,
        "moves": list(journal.moves),
        "removals": list(journal.removals),
    }
    with os.fdopen(os.open(path, flags, 0o666), "w", encoding="utf-8") as handle:
        json.dump(document, handle)
        handle.flush()
        os.fsync(handle.fileno())


def read_journal(journal_path: Path, pending: Path, output: Path) -> Journal:
    """Return the journal at journal_path once every one of its steps has been checked.

    Raises:
        UsageError: naming the journal and what to do, when sitegen did not write it: it
            is a link or not a file, belongs to another user, cannot be read, is not
            JSON of the journal's form and version, or one of its paths is not a plain
            path inside the output and the pending folder, or passes through a link.
    """
    try:
        journal = _parse_journal(_read_own_file(journal_path, output))
    except _Refused as refused:
        reason: str | None = refused.reason
    else:
        reason = journal_problem(journal, pending, output)
        if reason is None:
            return journal
    raise UsageError(
        _(
            "{journal}: sitegen did not write this journal ({reason}), so nothing was moved "
            "or removed; check that nobody has tampered with the site, then delete the file "
            "and build again"
        ).format(journal=journal_path, reason=reason)
    )


class _Refused(Exception):
    """A journal sitegen did not write; reason says why (in the user's language)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _read_own_file(path: Path, output: Path) -> bytes:
    """Return the bytes of the regular file at path, which the user or the output's
    owner must own (a link is not followed, a FIFO not waited on)."""
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise _Refused(_("it is a link")) from error
        raise _Refused(_("it cannot be read: {error}").format(error=error.strerror)) from error
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise _Refused(_("it is not a regular file"))
        if info.st_uid not in trusted_owners(output):
            raise _Refused(_("it belongs to another user (uid {uid})").format(uid=info.st_uid))
        with os.fdopen(os.dup(descriptor), "rb") as handle:
            return handle.read()
    except OSError as error:
        raise _Refused(_("it cannot be read: {error}").format(error=error.strerror)) from error
    finally:
        os.close(descriptor)


def _parse_journal(data: bytes) -> Journal:
    """Return the journal that data holds, when it is one (paths not checked yet)."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        raise _Refused(_("it is not valid JSON")) from error
    if not isinstance(document, dict) or set(document) != {"version", "moves", "removals"}:
        raise _Refused(_("it does not have the form of sitegen's journal"))
    version = document["version"]
    if type(version) is not int or version != JOURNAL_VERSION:
        raise _Refused(_("its version is unknown"))
    steps = document["moves"], document["removals"]
    for step in steps:
        if not isinstance(step, list) or not all(isinstance(rel, str) for rel in step):
            raise _Refused(_("it does not have the form of sitegen's journal"))
    return Journal(tuple(steps[0]), tuple(steps[1]))


def journal_problem(journal: Journal, pending: Path, output: Path) -> str | None:
    """Return why journal cannot be carried out safely, or None when it can.

    Every path must be relative and plain (no empty, `.` or `..` part, no NUL), and
    neither the pending folder nor the output may hold a link anywhere along it: then
    carrying the journal out stays inside the two folders. Links are looked for with
    lstat, part by part, so none is followed.
    """
    for rel in (*journal.moves, *journal.removals):
        if not is_plain_path(rel):
            return _("the path {path} is not a plain path inside the output").format(
                path=_shown(rel)
            )
    for folder in (pending, output):
        if _is_link_or_file(folder):
            return _("{folder} is a link or a file, not a folder").format(folder=folder)
    in_pending, in_output = _LinkFinder(pending), _LinkFinder(output)
    for rel, finder in (
        *((rel, in_pending) for rel in journal.moves),
        *((rel, in_output) for rel in (*journal.moves, *journal.removals)),
    ):
        try:
            link = finder.first_link(rel)
        except OSError as error:
            return _("{path} cannot be looked at: {error}").format(
                path=error.filename, error=error.strerror
            )
        if link is not None:
            return _("the path {path} passes through the link {link}").format(
                path=_shown(rel), link=link
            )
    return None


PLAIN_PARTS_REFUSED = frozenset(("", ".", ".."))


def is_plain_path(rel: str) -> bool:
    """Return True when rel is a relative POSIX path that stays below its folder:
    no absolute start, no empty, `.` or `..` part, no NUL, and a name the file system
    can hold. (A backslash is an ordinary character of a name on POSIX.)"""
    if "\0" in rel or rel.startswith("/"):
        return False
    try:
        os.fsencode(rel)
    except UnicodeError:  # a lone surrogate that no file name decodes to
        return False
    return not PLAIN_PARTS_REFUSED.intersection(rel.split("/"))


def _shown(rel: str) -> str:
    """Return rel quoted for a message on one line (control characters escaped)."""
    shown = repr(rel)
    return shown if len(shown) <= 200 else shown[:199] + "…"


def _is_link_or_file(folder: Path) -> bool:
    try:
        return not stat.S_ISDIR(os.lstat(folder).st_mode)
    except FileNotFoundError:
        return False


class _LinkFinder:
    """Finds links along paths below one folder, looking at each folder once."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self.folders: dict[str, bool | str] = {"": True}
        """Folder path → True when it is a folder, False when nothing is there (or a
        file), or the link on the way to it."""

    def first_link(self, rel: str) -> str | None:
        """Return the first part of rel (root/part) that is a link, or None if none is.

        Raises:
            OSError: when a part cannot be looked at (no permission, say).
        """
        state = self._folder(rel.rpartition("/")[0])
        if state is True:
            state = self._look(rel)
        return state if isinstance(state, str) else None

    def _folder(self, rel: str) -> bool | str:
        """Return the state of the folder rel (see folders), looking at each part once."""
        unknown = []
        while rel not in self.folders:
            unknown.append(rel)
            rel = rel.rpartition("/")[0]
        state = self.folders[rel]
        for folder in reversed(unknown):
            if state is True:
                state = self._look(folder)
            self.folders[folder] = state
        return state

    def _look(self, rel: str) -> bool | str:
        """Return True for a folder at rel, its path for a link, False for anything else."""
        path = f"{self.root}/{rel}"
        try:
            mode = os.lstat(path).st_mode
        except (FileNotFoundError, NotADirectoryError):
            return False
        if stat.S_ISLNK(mode):
            return path
        return stat.S_ISDIR(mode)


def carry_out(journal: Journal, journal_path: Path, pending: Path, output: Path) -> None:
    """Do what the (checked) journal says; each step may already be done (a rolled-forward
    build).

    Removals come first: a file that became a folder (a/b.txt → a/b.txt/c.txt), or a
    folder that became a file, then has its place free when its move comes.
    """
    for rel in journal.removals:
        (output / rel).unlink(missing_ok=True)
        _remove_empty_parents(output / rel, output)
    for rel in journal.moves:
        source = pending / rel
        if os.path.lexists(source):
            target = output / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            source.replace(target)
    journal_path.unlink()
    shutil.rmtree(pending, ignore_errors=True)


def _remove_empty_parents(path: Path, root: Path) -> None:
    folder = path.parent
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
