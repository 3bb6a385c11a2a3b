"""The language of sitegen's messages: gettext catalogs in sitegen/locale/.

Messages are written in English in the code (the msgids) and shown in Czech by
default, or in English under `--lang en` or an English locale. `_()` translates a
message, `ngettext()` one with a number (Czech has three plural forms: 1 problém,
2 problémy, 5 problémů). A message built at import time is marked with `N_()`, which
only marks it for extraction; `_()` translates it where it is shown.

The catalogs are made by `make messages` (Babel extracts, updates and compiles them);
the compiled .mo files ship in the package.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping
from pathlib import Path

DOMAIN = "sitegen"
LOCALE_PATH = Path(__file__).parent.parent / "locale"
LANGUAGES = ("cs", "en")
DEFAULT_LANGUAGE = "cs"
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""Read in gettext's order: the first one that is set decides."""

_catalogs: dict[str, gettext.NullTranslations] = {}
_active: list[str] = []
"""The language chosen by set_language; empty: the environment's."""


def language_from(environ: Mapping[str, str]) -> str:
    """Return "en" when the first locale variable set in environ is English, else "cs"."""
    for name in _LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def set_language(language: str | None) -> str:
    """Show messages in language (cs or en; None: as the environment says); return it."""
    _active[:] = [language] if language else []
    return current_language()


def current_language() -> str:
    """Return the language messages are shown in."""
    return _active[0] if _active else language_from(os.environ)


def _catalog() -> gettext.NullTranslations:
    language = current_language()
    if language not in _catalogs:
        _catalogs[language] = gettext.translation(
            DOMAIN, LOCALE_PATH, languages=[language], fallback=True
        )
    return _catalogs[language]


def _(message: str) -> str:
    """Return message in the current language."""
    return _catalog().gettext(message)


def ngettext(singular: str, plural: str, number: int) -> str:
    """Return the form of the message that fits number, in the current language."""
    return _catalog().ngettext(singular, plural, number)


def N_(message: str) -> str:
    """Mark message for translation where it is shown (by `_()`); return it unchanged."""
    return message


def decimal(value: float, digits: int) -> str:
    """Return value with digits decimals as the current language writes it (0,45 or 0.45).

    Not with Babel: a build with nothing to do prints this, and must load nothing more.
    """
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if current_language() == "cs" else text
