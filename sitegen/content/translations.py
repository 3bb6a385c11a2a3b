"""Stage 3 for translations: each translation (X.en.md beside X.md) paired with its original.

Input: the translations' SourceFiles and the originals' Entries. Output: Translations,
each an Entry of its original's kind whose front matter is the original's with the
translation's title, summary and slug put in (so that the two cannot contradict each
other: date, regions, photo, documents and status are the original's), with its own body
and its English address; and the problems of the translations, with file, line and field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sitegen.base.cache import Cache
from sitegen.base.errors import ContentError, Problem
from sitegen.base.i18n import _
from sitegen.base.typography import ascii_slug
from sitegen.base.urls import Urls
from sitegen.content.frontmatter import FrontMatter, split_front_matter
from sitegen.content.load import Entry, is_draft
from sitegen.content.schema import PLACEHOLDER, TranslationFrontMatter, validate_front_matter
from sitegen.content.sources import SourceFile, orphan_message


@dataclass(frozen=True, slots=True)
class Translation:
    """A translation and its original."""

    entry: Entry
    """The translation as an entry of its original's kind: the original's front matter
    with the translated keys, the translation's body, file and English address. Its
    slug is the original's (what the site's indexes know the item by)."""
    original: Entry
    own: TranslationFrontMatter
    """What the translation's front matter says."""

    @property
    def language(self) -> str:
        """Return the language of the translation ("en")."""
        return self.entry.source.language or ""


def pair_translations(
    sources: Iterable[SourceFile],
    originals: Sequence[Entry],
    unloaded_keys: frozenset[str],
    urls: Urls,
    tz: ZoneInfo,
    cache: Cache | None = None,
) -> tuple[tuple[Translation, ...], list[Problem]]:
    """Return the translations of sources paired with their originals, and the problems.

    A translation whose original has problems of its own is left out without a word
    (the original's problems are reported); one without an original is an error that
    names the path the original is expected at.
    """
    by_key = {entry.source.content_key: entry for entry in originals}
    translations: list[Translation] = []
    problems: list[Problem] = []
    for source in sources:
        original = by_key.get(source.original_key)
        if original is None:
            if source.original_key not in unloaded_keys:
                problems.append(Problem(source.rel_path, 0, "", orphan_message(_original(source))))
            continue
        try:
            translations.append(_translation(source, original, urls, tz, cache))
        except ContentError as error:
            problems.extend(error.problems)
    problems += _taken_addresses(translations, originals)
    return tuple(translations), problems


def _original(source: SourceFile) -> str:
    """Return the path the original of a translation is expected at."""
    return source.rel_path.removesuffix(f".{source.language}.md") + ".md"


def _translation(
    source: SourceFile, original: Entry, urls: Urls, tz: ZoneInfo, cache: Cache | None
) -> Translation:
    """Return the translation of original that source holds.

    Raises:
        ContentError: with the problems of its front matter.
    """
    kind = source.kind
    front = split_front_matter(source.text, source.rel_path, cache)
    own = validate_front_matter(TranslationFrontMatter, front, source.rel_path, tz)
    if kind.english_url is None:
        raise ContentError(
            [
                Problem(
                    source.rel_path,
                    0,
                    "",
                    _("the texts of regions have no English version; remove this file"),
                )
            ]
        )
    problems = _own_problems(source, front, own, original)
    slug = own.slug or ascii_slug(own.title)
    if not slug:
        message = _("the title gives no address; add 'slug:' with the English address")
        problems.append(Problem(source.rel_path, front.line_of(("title",)), "title", message))
    elif slug in kind.english_reserved_slugs:
        message = _(
            "'{slug}' is the address of a section of the English site; add 'slug:' with another one"
        ).format(slug=slug)
        key = "slug" if own.slug else "title"
        problems.append(Problem(source.rel_path, front.line_of((key,)), key, message))
    if problems:
        raise ContentError(problems)
    translated: dict[str, object] = {"title": own.title}
    if "summary" in kind.schema.model_fields:
        translated["summary"] = own.summary  # None: no lead, as the translation has none
    meta = original.meta.model_copy(update=translated)
    entry = Entry(source, front, meta, original.slug, kind.english_url(urls, slug), original.assets)
    return Translation(entry, original, own)


def _own_problems(
    source: SourceFile, front: FrontMatter, own: TranslationFrontMatter, original: Entry
) -> list[Problem]:
    """Return the problems of keys that are valid alone but not in this translation."""
    problems = []
    if own.summary is not None and "summary" not in source.kind.schema.model_fields:
        message = _(
            "a {kind} has no summary, in Czech either; remove it: the first paragraph "
            "of the text describes the page"
        ).format(kind=source.kind.name)
        problems.append(Problem(source.rel_path, front.line_of(("summary",)), "summary", message))
    if own.title == PLACEHOLDER and not is_draft(original):
        message = _(
            "'{placeholder}' is to be filled in: write the English title of {original}"
        ).format(placeholder=PLACEHOLDER, original=original.source.rel_path)
        problems.append(Problem(source.rel_path, front.line_of(("title",)), "title", message))
    return problems


def _taken_addresses(translations: list[Translation], originals: Sequence[Entry]) -> list[Problem]:
    """Return a problem for each translation whose address another item has."""
    first_by_url = {entry.url: entry for entry in originals}
    problems = []
    for translation in translations:
        entry = translation.entry
        first = first_by_url.setdefault(entry.url, entry)
        if first is not entry:
            slug = entry.url.rstrip("/").rsplit("/", 1)[-1]
            message = _(
                "'{slug}' gives the address {url}, already used by {other}; set another slug"
            ).format(slug=slug, url=entry.url, other=first.source.rel_path)
            problems.append(
                Problem(entry.source.rel_path, entry.front.line_of(("slug",)), "slug", message)
            )
    return problems
