"""Render stage, the theme's languages: its texts, dates and numbers in a page's language.

Input: the theme's catalogues (templates/locale/<lang>/LC_MESSAGES/theme.po) and the
language of the page being rendered (its context's `lang`). Output: the gettext callables
of Jinja's i18n extension and the filters that write dates, numbers and labels.

The msgids are the theme's Czech texts, so a Czech page needs no catalogue but for the
plural forms (a msgid has room for two; Czech has three: 1 lokalita, 3 lokality,
5 lokalit): the Czech catalogue holds only those. The catalogues are read from their .po
files when the environment is made: the theme belongs to the site, whose owner may edit
a .po, and a compiled .mo that fell behind it could not then be shown.

The language is the page's, set by `page_language` around its rendering: a macro imported
from _macros.html (without the page's context, as Jinja imports by default) still speaks
the page's language.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from gettext import GNUTranslations, NullTranslations
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from sitegen.base import typography
from sitegen.base.errors import ContentError, Problem
from sitegen.base.i18n import _
from sitegen.base.regions import Region
from sitegen.base.urls import CZECH
from sitegen.content.models import Locality
from sitegen.link.cooperation import STATUSES, describe_cooperation
from sitegen.render.compiled import SignedBytecodeCache
from sitegen.render.labels import STATUS_LABELS
from sitegen.render.sandbox import check_percent_format

LANGUAGES = ("cs", "en")
"""The languages the theme speaks; Czech is the default and the msgids' own."""
DEFAULT = CZECH
DOMAIN = "theme"
CATALOGUE_FOLDER = "locale"
"""Where the catalogues are under templates/: locale/<lang>/LC_MESSAGES/theme.po."""
ENGLISH = Locale.parse("en_GB")
NBSP = "\u00a0"


TEXTS_KEPT = 4096
"""The most texts template_gettext keeps (the theme has about 400, in two languages)."""

_PAGE_LANGUAGE: ContextVar[str] = ContextVar("page_language", default=DEFAULT)


@contextmanager
def page_language(lang: str) -> Iterator[None]:
    """Render in the block in lang: the theme's texts, dates and numbers."""
    token = _PAGE_LANGUAGE.set(lang)
    try:
        yield
    finally:
        _PAGE_LANGUAGE.reset(token)


def current_language() -> str:
    """Return the language of the page being rendered (Czech outside a page)."""
    return _PAGE_LANGUAGE.get()


@dataclass(frozen=True, slots=True)
class ThemeCatalogues:
    """The theme's catalogues by language; gettext and ngettext in the page's language."""

    by_language: Mapping[str, NullTranslations]

    def gettext(self, message: str) -> str:
        """Return message (a Czech msgid) in the page's language.

        Raises:
            ValueTooLarge: for a text whose `%` widths would make it larger than a page
                (Jinja formats it with the template's values, past the sandbox's checks).
        """
        return _bounded("_()", self._catalogue().gettext(message))

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """Return the form of a message that fits count, in the page's language.

        Raises:
            ValueTooLarge: as gettext.
        """
        return _bounded("ngettext()", self._catalogue().ngettext(singular, plural, count))

    def template_gettext(self) -> Callable[..., str]:
        """Return the `_` and `gettext` of the templates: what Jinja's i18n extension
        makes of gettext with newstyle=True (the text in the page's language, as Markup
        when the template escapes, formatted with the call's keywords), in one call.

        The extension's `_` calls its `gettext`, which calls this class's gettext: three
        calls through the sandbox for every text, about 16 texts a page (a fifth of a
        page's rendering). A text without keywords always comes out the same in one
        language, so it is kept once made.
        """
        kept: dict[tuple[str, str, bool], str] = {}

        @pass_context
        def gettext(__context: Context, __string: str, **variables: object) -> str:
            escape = __context.eval_ctx.autoescape
            if variables:
                text = self.gettext(__string)
                return (Markup(text) if escape else text) % variables
            key = (current_language(), __string, escape)
            made = kept.get(key)
            if made is None:
                if len(kept) >= TEXTS_KEPT:
                    kept.clear()
                text = self.gettext(__string)
                made = kept[key] = (Markup(text) if escape else text) % {}
            return made

        return gettext

    def _catalogue(self) -> NullTranslations:
        catalogue = self.by_language.get(current_language())
        return catalogue if catalogue is not None else NullTranslations()


def _bounded(what: str, text: str) -> str:
    if "%" in text:
        check_percent_format(what, text, {})
    return text


def region_name(region: Region) -> str:
    """Return the name of region in the page's language: "Karlovarský kraj" on a Czech
    page, "Karlovy Vary Region" on an English one."""
    return region.name_en if current_language() == "en" else region.name


def catalogue_path(templates_path: Path, lang: str) -> Path:
    """Return where the theme's .po of lang is."""
    return templates_path / CATALOGUE_FOLDER / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_catalogues(
    templates_path: Path, kept: SignedBytecodeCache | None = None
) -> ThemeCatalogues:
    """Return the theme's catalogues read from their .po files (a language without one
    shows the msgids); kept holds them compiled between processes.

    Raises:
        ContentError: for a .po that cannot be read, at its file and line.
    """
    found: dict[str, NullTranslations] = {}
    for lang in LANGUAGES:
        path = catalogue_path(templates_path, lang)
        if path.is_file():
            found[lang] = GNUTranslations(io.BytesIO(_compiled(path, lang, templates_path, kept)))
    return ThemeCatalogues(found)


_COMPILED: dict[str, bytes] = {}
"""Compiled catalogues of this process, by language and the digest of their .po."""


def _compiled(
    path: Path, lang: str, templates_path: Path, kept: SignedBytecodeCache | None
) -> bytes:
    """Return the .mo of a .po as `pybabel compile` would make it: compiled by this
    process or an earlier one (kept, signed), or now."""
    shown = f"templates/{path.relative_to(templates_path).as_posix()}"
    try:
        source = path.read_bytes()
    except OSError as error:
        message = _("cannot be read ({reason})").format(reason=error)
        raise ContentError([Problem(shown, 0, "", message)]) from None
    key = f"theme catalogue:{lang}:{hashlib.sha256(source).hexdigest()}"
    mo = _COMPILED.get(key) or (kept.load_data(key) if kept else None)
    if mo is None:
        mo = _compile(source, lang, shown)
        if kept:
            kept.dump_data(key, mo)
    _COMPILED[key] = mo
    return mo


def _compile(source: bytes, lang: str, shown: str) -> bytes:
    """Return the .mo of the .po source (shown: its path in messages).

    Raises:
        ContentError: for a .po that cannot be read, at its file and line.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import PoFileError, read_po

    try:
        catalog = read_po(io.BytesIO(source), locale=lang, domain=DOMAIN, abort_invalid=True)
    except PoFileError as error:
        line = error.lineno + 1  # Babel counts lines from 0
        raise ContentError([Problem(shown, line, "", str(error))]) from None
    except (UnicodeDecodeError, ValueError) as error:
        message = _("cannot be read ({reason})").format(reason=error)
        raise ContentError([Problem(shown, 0, "", message)]) from None
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    return compiled.getvalue()


# Filters: dates, numbers and labels in the page's language ---------------------------


def _as_date(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _english() -> bool:
    return current_language() == "en"


def date_long(moment: date | datetime) -> str:
    """Return a date for running text: "20. října 2017", in English "20 October 2017"."""
    if _english():
        return format_date(_as_date(moment), "d MMMM y", locale=ENGLISH)
    return typography.date_long(moment)


def date_short(moment: date | datetime) -> str:
    """Return a date for lists: "20. 10. 2017", in English "20 Oct 2017" (read alike
    in Britain and America, unlike 20/10/2017)."""
    if _english():
        return format_date(_as_date(moment), "d MMM y", locale=ENGLISH)
    return typography.date_short(moment)


def month_heading(moment: date | datetime) -> str:
    """Return a month as a heading: "říjen 2017", in English "October 2017"."""
    if _english():
        return format_date(_as_date(moment), "LLLL y", locale=ENGLISH)
    return typography.month_heading(moment)


def number(value: int) -> str:
    """Return a whole number with digit grouping: "12 500", in English "12,500"."""
    if _english():
        return format_decimal(value, locale=ENGLISH)
    return typography.number(value)


def file_size(size: int) -> str:
    """Return a file size: "1,2 MB", in English "1.2 MB"."""
    text = typography.file_size(size)
    return text.replace(",", ".") if _english() else text


def status_label(catalogues: ThemeCatalogues, status: str) -> str:
    """Return a locality's status as a label: "Probíhající spolupráce" / "Ongoing cooperation".

    Raises:
        KeyError: for a status that is none of STATUSES (a template's mistake).
    """
    return catalogues.gettext(STATUS_LABELS[status])


_ENGLISH_COUNTS = {"active": "ongoing", "planned": "planned", "ended": "completed"}


def cooperation(localities: Iterable[Locality]) -> str:
    """Return what a set of localities amounts to: "2 spolupráce probíhají, 1 se
    připravuje", in English "2 ongoing, 1 planned" (the noun would repeat the heading)."""
    listed = tuple(localities)
    if not _english():
        return describe_cooperation(listed)
    statuses = [locality.status for locality in listed]
    if not statuses:
        return "no localities"
    counts = (f"{statuses.count(s)}{NBSP}{_ENGLISH_COUNTS[s]}" for s in STATUSES if s in statuses)
    return ", ".join(counts)
