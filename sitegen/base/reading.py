"""Reading regular files only: a FIFO, socket or device is refused, never waited on.

Input: a path and a size limit. Output: the file's bytes, or a sentence saying why the
file is refused and what to do instead (FileRefused).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from sitegen.base.i18n import N_, _

MB = 1024 * 1024
KB = 1024


class FileRefused(Exception):
    """A file that cannot be read as content; its message says why and what to do."""


_SPECIAL = {
    stat.S_IFIFO: N_(
        "is a named pipe (FIFO), not a regular file; remove it (only files and folders are read)"
    ),
    stat.S_IFSOCK: N_(
        "is a socket, not a regular file; remove it (only files and folders are read)"
    ),
    stat.S_IFCHR: N_(
        "is a character device, not a regular file; remove it (only files and folders are read)"
    ),
    stat.S_IFBLK: N_(
        "is a block device, not a regular file; remove it (only files and folders are read)"
    ),
}
_OTHER_SPECIAL = N_(
    "is a special file, not a regular file; remove it (only files and folders are read)"
)


def special_file_problem(mode: int) -> str | None:
    """Return why a file of this st_mode is refused (it is not a regular file or a
    folder), or None when it is one of those."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return _(_SPECIAL.get(stat.S_IFMT(mode), _OTHER_SPECIAL))


def stat_problem(error: OSError) -> str:
    """Return a sentence for an error of stat() or open() on a path."""
    if error.errno == errno.ELOOP:
        return _("the symbolic link leads round in a loop; replace it with the file itself")
    if error.errno == errno.ENOENT:
        return _("the symbolic link points to nothing; replace it with the file itself")
    if error.errno == errno.EACCES:
        return _("cannot be read (permission denied); make the file readable")
    reason = error.strerror or type(error).__name__
    return _("cannot be read ({reason}); check the file").format(reason=reason)


def read_regular(path: Path, max_bytes: int, too_large: str) -> bytes:
    """Return the bytes of path, opened only when it is a regular file.

    The file is opened without blocking and checked again after opening, so a FIFO
    swapped in at the last moment cannot hang the build.

    Raises:
        FileRefused: when path is not a regular file, cannot be read, or holds more
            than max_bytes (the message is then too_large).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise FileRefused(stat_problem(error)) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise FileRefused(special_file_problem(mode) or "is a folder, not a file")
    with os.fdopen(fd, "rb") as file:
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileRefused(too_large)
    return data


def describe_size(size: int) -> str:
    """Return a size limit as people say it: 10 MB, 2048 KB."""
    return f"{size // MB} MB" if size % MB == 0 else f"{size // KB} KB"
