"""Copies: the bundle files and static/ files of the site, each refused with its reason
when it cannot be published, and the outputs that would claim one path twice.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sitegen.base.cache import digest
from sitegen.base.checked import CheckedFiles
from sitegen.base.errors import ContentError, Problem
from sitegen.base.filetypes import static_file_problem
from sitegen.base.i18n import N_, _
from sitegen.base.reading import special_file_problem, stat_problem
from sitegen.base.text import name_problem, printable_name
from sitegen.engine.jobs import CopyJob
from sitegen.engine.state import FileStat
from sitegen.engine.writer import Output
from sitegen.link.site import Site


def check_redirect_folders(site: Site, claims: Output) -> None:
    """Refuse an old address that needs a folder where another output is a file, or back.

    Raises:
        ContentError: naming the file that lists the old address.
    """
    if not site.redirects:
        return
    folders = {
        path.rsplit("/", n)[0] for path in claims.origins for n in range(1, path.count("/") + 1)
    }
    problems = []
    for redirect in site.redirects:
        path = site.urls.output_path(redirect.url)
        parts = path.split("/")
        clash = [
            "/".join(parts[:n])
            for n in range(1, len(parts))
            if "/".join(parts[:n]) in claims.origins
        ]
        if clash or path in folders:
            where = clash[0] if clash else path
            message = _(_FILE_IN_THE_WAY if clash else _FOLDER_IN_THE_WAY).format(
                path=path, where=where
            )
            problems.append(Problem(redirect.source, 0, "aliases", message))
    if problems:
        raise ContentError(problems)


_FILE_IN_THE_WAY = N_(
    "would be written to /{path}, but /{where} is a file of the site; remove the old address"
)


_FOLDER_IN_THE_WAY = N_(
    "would be written to /{path}, but /{where} is a folder of the site; remove the old address"
)
"""What is in the way of an old address: one whole sentence for each case, to translate."""


def copy_jobs(
    site: Site, static_path: Path, claims: Output, checked: CheckedFiles
) -> list[CopyJob]:
    """Return the bundle files and static files to copy.

    Raises:
        ContentError: for files claiming a path another output has, or links out of static/.
    """
    for model in site.models():
        for asset in model.assets:
            claims.add_copy(site.urls.output_path(asset.url), asset.source_path, model.source)
    _add_static(claims, static_path, site.config.limits.attachment_bytes, checked)
    checked.save()
    claims.raise_collisions()
    return [
        CopyJob(path, digest(str(copied.resolve()), repr(FileStat.of(copied))), copied)
        for path, copied in sorted(claims.copies.items())
    ]


def _add_static(output: Output, static_path: Path, max_bytes: int, checked: CheckedFiles) -> None:
    """Add every file of static/ to copy; refuse what cannot be published from it.

    Raises:
        ContentError: with a problem for each entry that cannot be published (see
            _static_problem): none is left out silently.
    """
    if not static_path.is_dir():
        return
    root = static_path.resolve()
    entries, problems = _static_entries(static_path)
    for path in entries:
        where = f"static/{path.relative_to(static_path).as_posix()}"
        message = _static_problem(path, root, max_bytes, checked)
        if message:
            problems.append(Problem(where, 0, "", message))
            continue
        output.add_copy(path.relative_to(static_path).as_posix(), path, where)
    if problems:
        raise ContentError(problems)


def _static_entries(static_path: Path) -> tuple[list[Path], list[Problem]]:
    """Return every entry of static/ but its folders and hidden names, sorted, and a
    problem for each folder that cannot be listed.

    The walk enters real folders only (a link to a folder is an entry), with a stack,
    so that no link can make it leave static/ or run without end.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    stack = [static_path]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as scan:
                entries = [entry for entry in scan if not entry.name.startswith(".")]
        except OSError as error:
            where = f"static/{folder.relative_to(static_path).as_posix()}"
            problems.append(Problem(where, 0, "", stat_problem(error)))
            continue
        for entry in entries:
            path = Path(entry.path)
            message = name_problem(entry.name)
            if message:  # a name that is not UTF-8 cannot be published, nor hashed
                where = printable_name(f"static/{path.relative_to(static_path).as_posix()}")
                problems.append(Problem(where, 0, "", message))
                continue
            is_folder = entry.is_dir(follow_symlinks=False)
            (stack if is_folder else found).append(path)
    return sorted(found), problems


def _static_problem(path: Path, root: Path, max_bytes: int, checked: CheckedFiles) -> str | None:
    """Return why an entry of static/ cannot be published, or None.

    A named pipe, socket or device is refused from its mode, never opened (opening a
    pipe would wait for a writer for ever); so are links that lead nowhere, round in
    a loop, out of static/ or to a folder.
    """
    try:
        mode = path.stat().st_mode
    except OSError as error:
        return stat_problem(error)
    if stat.S_ISDIR(mode):
        return _("a link to a folder is not followed in static/; copy the folder in instead")
    if not path.resolve().is_relative_to(root):
        return _("links to a place outside static/; copy the file in instead")
    return special_file_problem(mode) or static_file_problem(
        path, max_bytes=max_bytes, checked=checked
    )
