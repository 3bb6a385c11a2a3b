"""The command line's own words in the language of sitegen's messages: argparse's
texts (usage:, options, its errors) through sitegen's catalog, and the --lang that
argv asks for before argparse reads it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import NoReturn

from sitegen.base.i18n import LANGUAGES, N_, _, ngettext


class Parser(argparse.ArgumentParser):
    """argparse, with its error line in the language of sitegen's messages."""

    def error(self, message: str) -> NoReturn:
        """Print the usage and the error, and exit with status 2."""
        self.print_usage(sys.stderr)
        line = _("{prog}: error: {message}").format(prog=self.prog, message=usage_message(message))
        self.exit(2, line + "\n")


ARGPARSE_MSGIDS = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("show program's version number and exit"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("unknown parser %(parser_name)r (choices: %(choices)s)"),
)
"""The texts argparse shows (Python 3.11), as it passes them to its gettext `_()`: they
are msgids of sitegen's catalog, so that `make messages` offers them to translate.
(Its one text with a number, "expected %s arguments", is for an option that takes
several values, which sitegen has none of.)"""


@contextmanager
def argparse_in_our_language() -> Iterator[None]:
    """Within the block, argparse's own texts (usage:, options, its errors) come from
    sitegen's catalog in the language of sitegen's messages.

    argparse translates them with the gettext functions it imported (`argparse._`
    and `argparse.ngettext`, of gettext's default domain); they are sitegen's
    while the block runs, and gettext's again after it.
    """
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    setattr(argparse, "_", _)  # noqa: B010 (the module's name, not an attribute of ours)
    setattr(argparse, "ngettext", ngettext)  # noqa: B010
    try:
        yield
    finally:
        setattr(argparse, "_", saved[0])  # noqa: B010
        setattr(argparse, "ngettext", saved[1])  # noqa: B010


_ARGPARSE_ERRORS = (
    (re.compile(r"unrecognized arguments: (?P<args>.*)"), N_("unrecognized arguments: {args}")),
    (
        re.compile(r"the following arguments are required: (?P<args>.*)"),
        N_("the following arguments are required: {args}"),
    ),
    (
        re.compile(
            r"argument (?P<name>\S+): invalid choice: (?P<value>.*) \(choose from (?P<choices>.*)\)"
        ),
        N_("argument {name}: invalid choice: {value} (choose from {choices})"),
    ),
    (
        re.compile(r"argument (?P<name>\S+): expected one argument"),
        N_("argument {name}: expected one argument"),
    ),
    (
        re.compile(r"argument (?P<name>\S+): not allowed with argument (?P<other>\S+)"),
        N_("argument {name}: not allowed with argument {other}"),
    ),
    (re.compile(r"argument (?P<name>\S+): (?P<message>.*)"), N_("argument {name}: {message}")),
)
"""argparse's error messages, which it gives in English only, as msgids."""


def usage_message(message: str) -> str:
    """Return argparse's error message in the language of sitegen's messages."""
    for pattern, ours in _ARGPARSE_ERRORS:
        match = pattern.fullmatch(message)
        if match:
            return _(ours).format(**match.groupdict())
    return message


def language_in(argv: Sequence[str]) -> str | None:
    """Return the --lang that argv asks for, before argparse reads it (for its errors)."""
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            return _known_language(arg.partition("=")[2])
        if arg == "--lang" and i + 1 < len(argv):
            return _known_language(argv[i + 1])
    return None


def _known_language(value: str) -> str | None:
    return value if value in LANGUAGES else None
