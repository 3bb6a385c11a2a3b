"""`check`: translations whose Czech original changed after them, by the dates git knows.

Input: the site's pairs of originals and translations, and the site's folder. Output:
one warning per translation whose original changed later. A file's date is that of the
last commit touching it, or, when it has uncommitted changes, the time it was last
written; a site outside a git repository (or without git) gets no warning.

Git dates need nothing written by hand: a field naming the original's revision would
have to be copied from git by the press officer at every translation, and a
forgotten or mistyped one would silence the warning for good.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sitegen.base.errors import Problem
from sitegen.base.i18n import _
from sitegen.link.site import Site

GIT_SECONDS = 30
"""A git command that takes longer than this is given up (no warning)."""


@dataclass(frozen=True, slots=True)
class _Dated:
    """When a file last changed, as git and the file system tell."""

    moment: float
    """Seconds since the epoch."""


def stale_translations(site: Site, site_path: Path) -> list[Problem]:
    """Return a warning for each translation whose original changed after it."""
    if not _is_in_git(site_path):
        return []
    warnings = []
    for pair in site.translations:
        original = _dated(site_path, pair.original.source)
        translation = _dated(site_path, pair.english.source)
        if original is None or translation is None or original.moment <= translation.moment:
            continue
        when = datetime.fromtimestamp(original.moment, ZoneInfo("UTC")).astimezone(site.config.tz)
        message = _(
            "the Czech original {original} changed after this translation (on {date}); "
            "bring the translation up to date and commit it"
        ).format(original=pair.original.source, date=f"{when:%Y-%m-%d %H:%M}")
        warnings.append(Problem(pair.english.source, 0, "", message))
    return warnings


def _is_in_git(site_path: Path) -> bool:
    return _git(site_path, "rev-parse", "--is-inside-work-tree") == "true"


def _dated(site_path: Path, rel_path: str) -> _Dated | None:
    """Return when the file at rel_path (from the site's folder) last changed, or None."""
    path = site_path / rel_path
    if not path.is_file():
        return None
    if _git(site_path, "status", "--porcelain", "--", rel_path):
        return _Dated(path.stat().st_mtime)
    committed = _git(site_path, "log", "-1", "--format=%ct", "--", rel_path)
    if not committed or not committed.isdigit():
        return None
    return _Dated(float(committed))


def _git(site_path: Path, *args: str) -> str:
    """Return what git says to args in the site's folder ("" when it cannot say)."""
    try:
        done = subprocess.run(
            ["git", "-C", str(site_path), *args],
            capture_output=True,
            check=True,
            text=True,
            timeout=GIT_SECONDS,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout.strip()
