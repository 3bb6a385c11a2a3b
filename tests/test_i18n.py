"""Messages in Czech and English: the catalogs are complete, compiled, and used."""

from __future__ import annotations

import gettext

import pytest
from babel.messages.catalog import Catalog

from sitegen.base.i18n import LOCALE_PATH, language_from, ngettext, set_language
from tests.catalogs import read_catalog, source_messages


@pytest.mark.parametrize("language", ["cs", "en"])
def test_every_message_of_the_source_is_translated(language: str) -> None:
    catalog = read_catalog(language)
    missing = [
        f"{message.location}: {message.key!r}"
        for message in source_messages()
        if not _translated(catalog, message.key)
    ]
    assert not missing, (
        f"{len(missing)} messages lack a translation in sitegen/locale/{language}/"
        "LC_MESSAGES/sitegen.po; run `make messages`, translate the entries with "
        'msgstr "" and run it again:\n' + "\n".join(missing)
    )


def _translated(catalog: Catalog, msgid: str) -> bool:
    message = catalog.get(msgid)
    if message is None or message.fuzzy:
        return False
    string = message.string
    return bool(all(string) if isinstance(string, tuple | list) else string)


@pytest.mark.parametrize("language", ["cs", "en"])
def test_the_shipped_mo_file_holds_what_the_po_file_says(language: str) -> None:
    mo_path = LOCALE_PATH / language / "LC_MESSAGES" / "sitegen.mo"
    with mo_path.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    catalog = read_catalog(language)
    stale = []
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, str):
            if compiled.gettext(message.id) != message.string:
                stale.append(message.id)
        elif (
            compiled.ngettext(message.id[0], message.id[1], 5) != _plural_forms(message.string)[-1]
        ):
            stale.append(message.id[0])
    assert not stale, "sitegen.mo is older than sitegen.po; run `make messages`:\n" + "\n".join(
        stale
    )


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "cs"),
        ({"LANG": "cs_CZ.UTF-8"}, "cs"),
        ({"LANG": "en_GB.UTF-8"}, "en"),
        ({"LANG": "C"}, "cs"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "cs_CZ.UTF-8"}, "en"),
        ({"LANGUAGE": "cs", "LC_ALL": "en_US.UTF-8"}, "cs"),
        ({"LC_MESSAGES": "en_US.UTF-8"}, "en"),
    ],
)
def test_the_locale_chooses_the_language(environ: dict[str, str], language: str) -> None:
    assert language_from(environ) == language


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (1, "Sestavení selhalo: 1 problém; nic nebylo zapsáno."),
        (3, "Sestavení selhalo: 3 problémy; nic nebylo zapsáno."),
        (5, "Sestavení selhalo: 5 problémů; nic nebylo zapsáno."),
    ],
)
def test_czech_counts_take_the_right_plural_form(count: int, text: str) -> None:
    set_language("cs")
    message = ngettext(
        "Build failed: {count} problem; nothing was written.",
        "Build failed: {count} problems; nothing was written.",
        count,
    )
    assert message.format(count=count) == text


def _plural_forms(string: object) -> list[str]:
    return [str(form) for form in string] if isinstance(string, tuple | list) else [str(string)]
