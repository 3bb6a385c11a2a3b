"""One build at a time per output folder: a second build waits for the first.

The lock is an advisory lock (flock) on a file in the system's temporary folder named
after the output folder, so it also guards builds without a cache, and it is released
by the operating system when a build is killed.
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
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
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
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield notes
    finally:
        os.close(descriptor)
