"""One build at a time per output folder: a second build waits for the first.

The lock is an advisory lock (flock) on `.<output>.lock` beside the output folder (in
its parent, which a build must be able to write anyway, and which no other user can
write when the site is the user's own), so it also guards builds without a cache, and
it is released by the operating system when a build is killed: a file a killed build
left is simply locked again. The file is removed when the build ends, so builds into
many folders (tests, previews) leave nothing behind; a build that waited on a file
removed meanwhile takes the lock again, on the file now there.

A link or anything else than the user's own file at that name was put there by someone
else: it is never followed, and the build stops and says so.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sitegen.base.errors import UsageError
from sitegen.base.i18n import _
from sitegen.base.options import BuildOptions

Notes = list[str]
"""Warnings gathered during a build, one line each."""


def lock_path(output_path: Path) -> Path:
    """Return the lock file of the output folder output_path: `.<output>.lock` beside it."""
    return output_path.resolve().parent / f".{output_path.name}.lock"


def trusted_owners(output_path: Path) -> set[int]:
    """Return the users whose files beside the output sitegen trusts: the user running
    it and the output folder's owner."""
    owners = {os.geteuid()}
    with contextlib.suppress(OSError):  # no output yet
        owners.add(os.lstat(output_path).st_uid)
    return owners


@contextmanager
def build_lock(options: BuildOptions, report: Callable[[str], None]) -> Iterator[Notes]:
    """Hold the lock of options' output folder for the block; yield the build's warnings list.

    When another build holds it, say so through report and wait for it to finish.

    Raises:
        UsageError: when a link, or a file that is not the user's, is where the lock
            file goes.
    """
    path = lock_path(options.output_path)
    notes: Notes = []

    def waiting() -> None:
        if not notes:
            report(
                _("Another build into {output} is running; waiting for it to end").format(
                    output=options.output_path
                )
            )
            notes.append(
                _("waited for another build into {output} to end").format(
                    output=options.output_path
                )
            )

    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = _acquire(path, trusted_owners(options.output_path), waiting)
    try:
        yield notes
    finally:
        path.unlink(missing_ok=True)  # while still held: a waiter then sees it is gone
        os.close(descriptor)


def _acquire(path: Path, owners: set[int], waiting: Callable[[], None]) -> int:
    """Lock the file at path, made if need be; call waiting() before waiting for it.

    Return the descriptor that holds the lock, of the file that is at path.
    """
    while True:
        descriptor = _open_own(path, owners)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                waiting()
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            if _is_at(descriptor, path):
                return descriptor
        except BaseException:
            os.close(descriptor)
            raise
        os.close(descriptor)  # the build before removed it: lock the one there now


def _open_own(path: Path, owners: set[int]) -> int:
    """Open (or make) the lock file at path; never follow a link there.

    Raises:
        UsageError: when path is a link, not a regular file, or the file of a user not
            in owners (who could hold it locked for ever).
    """
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK
    try:
        descriptor = os.open(path, flags, 0o600)
    except OSError as error:
        if error.errno != errno.ELOOP:
            raise
        reason = _("it is a link")
    else:
        info = os.fstat(descriptor)
        if stat.S_ISREG(info.st_mode) and info.st_uid in owners:
            return descriptor
        os.close(descriptor)
        reason = (
            _("it belongs to another user (uid {uid})").format(uid=info.st_uid)
            if stat.S_ISREG(info.st_mode)
            else _("it is not a regular file")
        )
    raise UsageError(
        _(
            "{path}: this is not sitegen's lock file ({reason}), so the build did not "
            "start; check who put it there, delete it and build again"
        ).format(path=path, reason=reason)
    )


def _is_at(descriptor: int, path: Path) -> bool:
    """Return True when descriptor's file is the one at path (not removed meanwhile)."""
    try:
        held, there = os.fstat(descriptor), os.lstat(path)
        return (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino)
    except FileNotFoundError:
        return False
