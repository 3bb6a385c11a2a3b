"""Render stage, site.yaml's texts in each language: what a page shows of the site itself.

Input: the validated site.yaml and the Czech main menu. Output: per language the site's
name, description, publisher, contacts' names and menu, as a page in that language shows
them (a template gets its page's as `texts`). English values come from site.yaml's
`translations: en:` block; a name it leaves out stays Czech (it is a proper name), and a
menu item it gives no English label is left out of the English menu (all of them, when
site.yaml has no English block).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

from sitegen.base.config import SiteConfig, SiteTranslation


@dataclass(frozen=True, slots=True)
class MenuEntry:
    """An entry of the main menu."""

    title: str
    url: str
    position: int
    hreflang: str = ""
    """The language of the page it leads to, when it is not the menu's own ("cs" on an
    English page for a section that has no English version)."""


@dataclass(frozen=True, slots=True)
class SiteTexts:
    """site.yaml's texts that readers see, in one language."""

    lang: str
    title: str
    """The site's name: in every <title>, the header and the home page."""
    title_genitive: str
    """The site's name in running text ("pocházejí od Agentury pro …")."""
    publisher: str
    description: str
    parent_name: str | None
    """The name of the body the publisher belongs to (the state bar, the footer)."""
    department: str | None
    section: str | None
    head: str | None
    menu: tuple[MenuEntry, ...]


def site_texts(
    config: SiteConfig,
    menu: tuple[MenuEntry, ...],
    base_path: str,
    english_url: Callable[[str], str | None] = lambda url: None,
) -> tuple[SiteTexts, ...]:
    """Return site.yaml's texts in Czech, then in English: what the English block gives,
    the Czech names where it gives none, and only the menu items it labels (none
    without a block), each leading to its page's English translation (english_url) or
    marked as leading to a Czech page."""
    contact = config.contact
    czech = SiteTexts(
        lang="cs",
        title=config.title,
        title_genitive=config.title_genitive or config.title,
        publisher=config.publisher,
        description=config.description,
        parent_name=config.parent.name if config.parent else None,
        department=contact.department if contact else None,
        section=contact.section if contact else None,
        head=contact.head if contact else None,
        menu=menu,
    )
    english = config.translations.en
    if english is None:
        return (czech, dataclasses.replace(czech, lang="en", menu=()))
    return (czech, _translated(czech, "en", english, base_path, english_url))


def _translated(
    czech: SiteTexts,
    lang: str,
    given: SiteTranslation,
    base_path: str,
    english_url: Callable[[str], str | None],
) -> SiteTexts:
    """Return the Czech texts with what site.yaml gives in lang instead."""
    contact = given.contact
    return SiteTexts(
        lang=lang,
        title=given.title,
        title_genitive=given.title,
        publisher=given.publisher or czech.publisher,
        description=given.description,
        parent_name=given.parent or czech.parent_name,
        department=(contact.department or czech.department) if czech.department else None,
        section=(contact.section or czech.section) if czech.section else None,
        head=(contact.head or czech.head) if czech.head else None,
        menu=_translated_menu(czech.menu, given.menu, base_path, english_url),
    )


def _translated_menu(
    menu: tuple[MenuEntry, ...],
    labels: dict[str, str],
    base_path: str,
    english_url: Callable[[str], str | None],
) -> tuple[MenuEntry, ...]:
    """Return the menu's entries that have a label in labels (by their address from the
    site's root, as site.yaml's menu writes it), with that label, in the same order."""
    entries = []
    for entry in menu:
        address = "/" + entry.url.removeprefix(base_path).lstrip("/")
        label = labels.get(address)
        if label is not None:
            translated = english_url(entry.url)
            entries.append(
                MenuEntry(
                    label, translated or entry.url, entry.position, "" if translated else "cs"
                )
            )
    return tuple(entries)
