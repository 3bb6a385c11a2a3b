"""The message catalogs against the source: what `make messages` and test_i18n share.

Run as `python -m tests.catalogs` (by `make messages`, after `pybabel update`), it
fills the English catalog: its translations are the msgids themselves, so only
the Czech one needs a translator.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
LOCALE_PATH = REPO / "sitegen" / "locale"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


@dataclass(frozen=True, slots=True)
class SourceMessage:
    """A message of the source and where it is written."""

    msgid: str | tuple[str, str]
    """The English text (a pair of singular and plural for ngettext)."""
    location: str
    """path:line of its first use."""

    @property
    def key(self) -> str:
        """Return the msgid as catalogs key it (the singular for a plural message)."""
        return self.msgid if isinstance(self.msgid, str) else self.msgid[0]


def source_messages() -> list[SourceMessage]:
    """Return every message that sitegen's source marks for translation, once each."""
    found: dict[str, SourceMessage] = {}
    package = REPO / "sitegen"
    for path, line, msgid, _comments, _context in extract_from_dir(
        package, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        text = msgid if isinstance(msgid, str) else (msgid[0], msgid[1])
        message = SourceMessage(text, f"sitegen/{path}:{line}")
        found.setdefault(message.key, message)
    return list(found.values())


def po_path(language: str) -> Path:
    """Return the catalog file of language."""
    return LOCALE_PATH / language / "LC_MESSAGES" / "sitegen.po"


def read_catalog(language: str) -> Catalog:
    """Return the catalog of language as its .po file holds it."""
    with po_path(language).open("rb") as file:
        return read_po(file, locale=language)


def fill_english() -> int:
    """Give every untranslated English message its msgid; return how many were filled."""
    catalog = read_catalog("en")
    filled = 0
    for message in catalog:
        if not message.id or not _is_empty(message.string):
            continue
        message.string = message.id
        message.flags.discard("fuzzy")
        filled += 1
    with po_path("en").open("wb") as file:
        write_po(file, catalog, width=0)
    return filled


def _is_empty(string: object) -> bool:
    if isinstance(string, tuple | list):
        return not all(string)
    return not string


def drop_creation_dates() -> None:
    """Remove the POT-Creation-Date header, which pybabel sets to the time of each run,
    so that running `make messages` again changes no file."""
    for path in (LOCALE_PATH / "sitegen.pot", po_path("cs"), po_path("en")):
        lines = path.read_text("utf-8").splitlines(keepends=True)
        kept = [line for line in lines if not line.startswith('"POT-Creation-Date: ')]
        path.write_text("".join(kept), "utf-8")


if __name__ == "__main__":
    count = fill_english()
    drop_creation_dates()
    sys.stdout.write(f"English catalog: {count} messages filled from their msgids\n")
