"""The one error format of sitegen: every problem knows its file, line and field.

Exception tree:
    SitegenError
    ├── ContentError   the content (or site.yaml, or a template) is wrong: exit 1
    ├── WriteError     the output cannot be written (a full disk, no permission): exit 1
    └── UsageError     the command line or the folders are wrong: exit 2
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from sitegen.base.i18n import _


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with the input, shown as `path:line: field: message`."""

    path: str
    """The file, relative to the site root, in POSIX form."""
    line: int
    """1-based line in the file; 0 when the file as a whole is meant."""
    field: str
    """The front-matter key (dotted for nested keys), or "" when none applies."""
    message: str
    """What is wrong and what to write instead."""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {what}"


class SitegenError(Exception):
    """Base of the errors that sitegen shows to its users without a traceback."""

    exit_code = 1


class ContentError(SitegenError):
    """The input has problems; nothing was written."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(sorted(set(problems)))
        super().__init__("\n".join(str(problem) for problem in self.problems))


class WriteError(SitegenError):
    """The site could not be written; the previous output is kept (or finished later)."""


class UsageError(SitegenError):
    """The command line or the folders it names cannot be used."""

    exit_code = 2


def closest(word: str, choices: Iterable[str]) -> str | None:
    """Return the choice closest to word, or None when none is close."""
    matches = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return " (did you mean 'x'?)" for the closest choice, or "" when none is close."""
    match = closest(word, choices)
    return _(" (did you mean '{match}'?)").format(match=match) if match else ""
