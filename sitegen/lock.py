"""One build at a time per output folder: a second build waits for the first.

The lock is an advisory lock (flock) on a file in the system's temporary folder named
after the output folder, so it also guards builds without a cache, and it is released
by the operating system when a build is killed. The file is removed when the build
ends, so builds into many folders (tests, previews) leave nothing behind; a build that
waited on a file removed meanwhile takes the lock again, on the file now there.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sitegen.i18n import _
from sitegen.options import BuildOptions

Notes = list[str]
"""Warnings gathered during a build, one line each."""


@contextmanager
def build_lock(options: BuildOptions, report: Callable[[str], None]) -> Iterator[Notes]:
    """Hold the lock of options' output folder for the block; yield the build's warnings list.

    When another build holds it, say so through report and wait for it to finish.
    """
    name = hashlib.sha256(str(options.output_path.resolve()).encode()).hexdigest()[:24]
    path = Path(tempfile.gettempdir()) / f"sitegen-{name}.lock"
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

    descriptor = _acquire(path, waiting)
    try:
        yield notes
    finally:
        path.unlink(missing_ok=True)  # while still held: a waiter then sees it is gone
        os.close(descriptor)


def _acquire(path: Path, waiting: Callable[[], None]) -> int:
    """Lock the file at path, made if need be; call waiting() before waiting for it.

    Return the descriptor that holds the lock, of the file that is at path.
    """
    while True:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
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


def _is_at(descriptor: int, path: Path) -> bool:
    """Return True when descriptor's file is the one at path (not removed meanwhile)."""
    try:
        held, there = os.fstat(descriptor), path.stat()
        return (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino)
    except FileNotFoundError:
        return False
