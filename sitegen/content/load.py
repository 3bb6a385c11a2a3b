"""Stages 2–3 for all files: front matter, schema, slugs, URLs and referenced files.

Input: SourceFiles. Output: Entries (each file's validated front matter with its slug,
URL and files), or one ContentError with the problems of every file at once.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Generic, Protocol, TypeGuard
from zoneinfo import ZoneInfo

from typing_extensions import TypeVar

from sitegen.base.cache import Cache
from sitegen.base.errors import ContentError, Problem, did_you_mean
from sitegen.base.i18n import _
from sitegen.base.regions import regions_by_id
from sitegen.base.typography import ascii_slug
from sitegen.base.urls import Urls, machinery_of
from sitegen.base.validation import field_name
from sitegen.content.frontmatter import FrontMatter, split_front_matter
from sitegen.content.kinds import PAGE, Kind, all_kinds, kind_named
from sitegen.content.models import Asset
from sitegen.content.schema import (
    PLACEHOLDER,
    SLUG_PATTERN,
    CrossFieldError,
    FrontMatterModel,
    ItemFrontMatter,
    validate_front_matter,
)
from sitegen.content.sources import SourceFile

if TYPE_CHECKING:
    from sitegen.content.translations import Translation

M = TypeVar("M", bound=FrontMatterModel, covariant=True, default=FrontMatterModel)
"""The front-matter model of an entry; a plain `Entry` is an entry of any kind."""
K = TypeVar("K", bound=FrontMatterModel)


@dataclass(frozen=True, slots=True)
class Entry(Generic[M]):
    """One content file with validated front matter, its slug, URL and files."""

    source: SourceFile
    front: FrontMatter
    meta: M
    """The validated front matter: a model of its kind's schema (content/schema.py)."""
    slug: str
    url: str
    assets: tuple[Asset, ...]
    """The bundle's files, copied beside the item's page."""

    @property
    def kind(self) -> Kind:
        """Return the kind of the entry (content/kinds.py)."""
        return self.source.kind

    def problem(self, loc: tuple[str | int, ...], message: str) -> Problem:
        """Return a Problem of this entry about the key at loc, on its line."""
        return Problem(self.source.rel_path, self.front.line_of(loc), field_name(loc), message)


@dataclass(frozen=True, slots=True)
class LoadedEntries:
    """The entries that validated, and the problems of all files."""

    entries: tuple[Entry, ...]
    problems: tuple[Problem, ...]
    unloaded_keys: frozenset[str]
    """Content keys of the files that did not validate: links to them are not broken."""
    translations: tuple[Translation, ...] = ()
    """The translations (X.en.md) that validated, each with its original."""

    def translated_entries(self) -> tuple[Entry, ...]:
        """Return the translations as entries of their originals' kinds."""
        return tuple(translation.entry for translation in self.translations)


def is_of(entry: Entry, kind: Kind[K]) -> TypeGuard[Entry[K]]:
    """Return True when entry is of kind: its front matter is then a model of kind's schema."""
    return isinstance(entry.meta, kind.schema)


def entries_of(kind: Kind[K], entries: Iterable[Entry]) -> tuple[Entry[K], ...]:
    """Return the entries of kind, in their order."""
    return tuple(entry for entry in entries if is_of(entry, kind))


@dataclass(frozen=True, slots=True)
class EntriesByKind:
    """Entries grouped by kind; `of(kind)` gives a group typed with its kind's front matter."""

    groups: dict[str, tuple[Entry, ...]]
    """Kind name → its entries, in the order they were given."""

    @classmethod
    def of_entries(cls, entries: Iterable[Entry]) -> EntriesByKind:
        """Return entries grouped by kind, each group in the order of entries."""
        listed = list(entries)
        return cls({kind.name: entries_of(kind, listed) for kind in all_kinds()})

    def of(self, kind: Kind[K]) -> tuple[Entry[K], ...]:
        """Return the entries of kind."""
        return entries_of(kind, self.groups.get(kind.name, ()))

    def every(self) -> tuple[Entry, ...]:
        """Return every entry, kind by kind."""
        return tuple(entry for group in self.groups.values() for entry in group)

    def without_drafts(self) -> EntriesByKind:
        """Return the groups without drafts (a region's text never is one)."""
        return EntriesByKind(
            {
                name: tuple(entry for entry in group if not is_draft(entry))
                for name, group in self.groups.items()
            }
        )


def load_entries(
    sources: Iterable[SourceFile],
    urls: Urls,
    static_path: Path,
    tz: ZoneInfo,
    cache: Cache | None = None,
    memo: Memo | None = None,
) -> tuple[Entry, ...]:
    """Parse and validate every source; derive slugs and URLs; check slugs are unique.

    Raises:
        ContentError: with the problems of every file.
    """
    loaded = read_entries(sources, urls, static_path, tz, cache, memo)
    if loaded.problems:
        raise ContentError(loaded.problems)
    return loaded.entries


def read_entries(
    sources: Iterable[SourceFile],
    urls: Urls,
    static_path: Path,
    tz: ZoneInfo,
    cache: Cache | None = None,
    memo: Memo | None = None,
) -> LoadedEntries:
    """Parse and validate every source; return the valid entries and every problem.

    A source that read_sources left unread (unchanged since memo parsed it) is taken
    from memo; every source parsed here is given to memo. The problems are those of
    the front matter, slugs, references and files of every source, so that later
    stages can add theirs and all are reported in one run.
    """
    from sitegen.content.translations import pair_translations  # it reads Entry from here

    entries: list[Entry] = []
    problems: list[Problem] = []
    unloaded: list[SourceFile] = []
    flawed: list[Entry] = []
    every = list(sources)
    for source in (source for source in every if source.language is None):
        try:
            kept = memo.take(source.content_key) if memo and source.is_reused else None
            entry = _kept_or_loaded(source, kept, urls, tz, cache)
        except ContentError as error:
            problems.extend(error.problems)
            unloaded.append(source)
            if isinstance(error, FlawedEntry):
                flawed.append(error.entry)
            continue
        entries.append(entry)
        if memo and not source.is_reused:
            memo.put(entry, source.signature)
    problems.extend(_duplicate_slugs(entries))
    problems.extend(check_references(entries, unloaded, flawed))
    static_names = _static_names(static_path)
    for entry in entries:
        problems.extend(_missing_files(entry, static_path))
        problems.extend(_aliases_in_static(entry, static_names))
    unloaded_keys = frozenset(source.content_key for source in unloaded)
    translated = [source for source in every if source.language is not None]
    translations, translation_problems = pair_translations(
        translated, entries, unloaded_keys, urls, tz, cache
    )
    problems.extend(translation_problems)
    paired = {translation.entry.source.content_key for translation in translations}
    unloaded_keys |= {source.content_key for source in translated} - paired
    return LoadedEntries(tuple(entries), tuple(problems), unloaded_keys, translations)


class Memo(Protocol):
    """Where parsed entries are kept between builds (content/memo.py)."""

    def take(self, key: str) -> Entry | FrontMatter:
        """Return the kept entry of an unread source, or its front matter to validate."""

    def put(self, entry: Entry, signature: str) -> None:
        """Keep a parsed entry."""


def _kept_or_loaded(
    source: SourceFile,
    kept: Entry | FrontMatter | None,
    urls: Urls,
    tz: ZoneInfo,
    cache: Cache | None,
) -> Entry:
    """Return the entry of source: kept whole, made from its kept front matter, or parsed."""
    if isinstance(kept, Entry):
        return kept
    if kept is not None:
        return _entry_of(source, kept, urls, tz)
    return _load_entry(source, urls, tz, cache)


def _load_entry(source: SourceFile, urls: Urls, tz: ZoneInfo, cache: Cache | None) -> Entry:
    return _entry_of(source, split_front_matter(source.text, source.rel_path, cache), urls, tz)


class FlawedEntry(ContentError):
    """A file whose keys together are wrong, with its entry: its references are checked
    too, so that each wrong one is reported in the same run."""

    def __init__(self, problems: Iterable[Problem], entry: Entry) -> None:
        super().__init__(problems)
        self.entry = entry


def _entry_of(source: SourceFile, front: FrontMatter, urls: Urls, tz: ZoneInfo) -> Entry:
    """Return the entry of source with front, validated against its kind's schema.

    Raises:
        ContentError: a FlawedEntry (with the entry) when only its cross-field rules fail.
    """
    try:
        meta = validate_front_matter(source.kind.schema, front, source.rel_path, tz)
    except CrossFieldError as error:
        try:
            entry = _made_entry(source, front, error.model, urls)
        except ContentError as more:
            raise ContentError([*error.problems, *more.problems]) from None
        raise FlawedEntry(error.problems, entry) from None
    return _made_entry(source, front, meta, urls)


def _made_entry(
    source: SourceFile, front: FrontMatter, meta: FrontMatterModel, urls: Urls
) -> Entry:
    slug = _slug(source, front, meta)
    url = source.kind.url(urls, slug)
    assets = tuple(_bundle_asset(source, url, name) for name in source.bundle_files)
    return Entry(source, front, meta, slug, url, assets)


def _slug(source: SourceFile, front: FrontMatter, meta: FrontMatterModel) -> str:
    if not isinstance(meta, ItemFrontMatter):  # a region's text: named by its region
        if source.name not in regions_by_id():
            hint = did_you_mean(source.name, regions_by_id())
            raise ContentError(
                [
                    Problem(
                        source.rel_path,
                        0,
                        "",
                        _("'{name}' is not a region id{hint}; name the file <region id>.md").format(
                            name=source.name, hint=hint
                        ),
                    )
                ]
            )
        return source.name
    slug = meta.slug or source.kind.slug_of(source.name)
    if not SLUG_PATTERN.fullmatch(slug):
        better = ascii_slug(slug) or "nazev"
        raise ContentError(
            [
                Problem(
                    source.rel_path,
                    front.first_line,
                    "slug",
                    _(
                        "the file name gives {slug!r}, which is not a slug; rename the file "
                        "to use {better!r} or add 'slug: {better}'"
                    ).format(slug=slug, better=better),
                )
            ]
        )
    if slug in source.kind.reserved_slugs:
        raise ContentError([_reserved_slug(source, front, slug)])
    return slug


def _reserved_slug(source: SourceFile, front: FrontMatter, slug: str) -> Problem:
    """Return the problem of an item whose address is that of a section of the site
    (the news archive, the news pages, a page at the root): it would be lost under it."""
    line = front.line_of(("slug",))
    if source.kind is PAGE:
        message = _(
            "'{slug}' is the address of a section of the site; choose another slug for this page"
        )
    else:
        message = _(
            "'{slug}' is the address of a section of the news; rename the file or add "
            "'slug:' with another slug, e.g. 'slug: {slug}-zprava'"
        )
    return Problem(source.rel_path, line, "slug", message.format(slug=slug))


def _bundle_asset(source: SourceFile, url: str, name: str) -> Asset:
    assert source.bundle_path is not None  # only bundles have files
    path = source.bundle_path / name
    return Asset(path, url + name, path.stat().st_size)


def _duplicate_slugs(entries: list[Entry]) -> list[Problem]:
    problems = []
    first_by_url: dict[str, Entry] = {}
    for entry in entries:
        first = first_by_url.setdefault(entry.url, entry)
        if first is not entry:
            problems.append(
                entry.problem(
                    ("slug",),
                    _(
                        "'{slug}' gives the address {url}, already used by {other}; "
                        "set another slug"
                    ).format(slug=entry.slug, url=entry.url, other=first.source.rel_path),
                )
            )
    return problems


def _static_names(static_path: Path) -> frozenset[str]:
    """Return the names at the top of static/, which is published at the site's root."""
    try:
        names = [path.name for path in static_path.iterdir()]
    except OSError:  # no static/ folder: nothing is published from it
        return frozenset()
    return frozenset(name for name in names if not name.startswith("."))


def _aliases_in_static(entry: Entry, static_names: frozenset[str]) -> list[Problem]:
    """Return a Problem for each old address at or under a file or folder of static/."""
    meta = entry.meta
    aliases = meta.aliases if isinstance(meta, ItemFrontMatter) else ()
    problems = []
    for i, path in enumerate(aliases):
        where = machinery_of(path, static_names)
        if where:
            message = _(
                "{path!r} falls within {where!r}, which static{where} publishes; an old "
                "address there would replace it: remove this one"
            ).format(path=path, where=where)
            problems.append(entry.problem(("aliases", i), message))
    return problems


def _missing_files(entry: Entry, static_path: Path) -> list[Problem]:
    problems = []
    for loc, ref in entry.kind.files(entry.meta):
        message = file_problem(entry.source, ref, static_path)
        if message:
            problems.append(entry.problem(loc, message))
    return problems


def file_problem(source: SourceFile, ref: str, static_path: Path) -> str | None:
    """Return why ref (as written in front matter) names no file, or None when it does."""
    if "://" in ref:
        return _(
            "'{ref}' is a web address; put the file into the item's bundle folder "
            "and write its name"
        ).format(ref=ref)
    if ref.startswith("/"):
        path = (static_path / ref.lstrip("/")).resolve()
        if path.is_relative_to(static_path.resolve()) and path.is_file():
            return None
        return _("'{ref}' not found: a path starting with '/' means a file in static/").format(
            ref=ref
        )
    normal = posixpath.normpath(ref)
    if normal.startswith("../") or normal == "..":
        return _("'{ref}' points outside the item's folder; keep the file in the bundle").format(
            ref=ref
        )
    if source.bundle_path is None:
        return _(
            "'{ref}' not found: a single-file item has no folder for files; make it a "
            "bundle (a folder with index.md and the file beside it) or put the file in "
            "static/ and write '/…'"
        ).format(ref=ref)
    if normal in source.bundle_files:
        return None
    hint = did_you_mean(normal, source.bundle_files)
    return _("'{ref}' not found in the bundle folder{hint}").format(ref=ref, hint=hint)


def asset_for(entry: Entry, ref: str, static_path: Path, urls: Urls) -> Asset:
    """Return the Asset that ref (already checked by file_problem) names."""
    if ref.startswith("/"):
        path = static_path / ref.lstrip("/")
        return Asset(path, urls.file(ref.lstrip("/")), path.stat().st_size)
    assert entry.source.bundle_path is not None  # file_problem found it in the bundle
    path = entry.source.bundle_path / posixpath.normpath(ref)
    return next(asset for asset in entry.assets if asset.source_path == path)


def is_published(entry: Entry, now: datetime) -> bool:
    """Return True when readers see the entry at now: not a draft, not scheduled later."""
    scheduled_at = entry.kind.scheduled_at
    if scheduled_at is not None and is_scheduled(scheduled_at(entry.meta), now):
        return False
    return not is_draft(entry)


def is_draft(entry: Entry) -> bool:
    """Return True when the entry is a draft (a region's text never is)."""
    meta = entry.meta
    return isinstance(meta, ItemFrontMatter) and meta.draft


def is_scheduled(published: datetime, now: datetime) -> bool:
    """Return True when an item dated published is not out yet at now."""
    return published > now


# References ---------------------------------------------------------------------


def check_references(
    entries: Iterable[Entry], unloaded: Iterable[SourceFile] = (), flawed: Iterable[Entry] = ()
) -> list[Problem]:
    """Return a Problem for each reference (content/kinds.py) that names no item.

    The files in unloaded have problems of their own; their file names count as
    slugs, so that a reference to them is not reported as well. The references of
    flawed (entries of unloaded files whose keys are each valid) are checked too.
    """
    listed = list(entries)
    known: dict[str, set[str]] = {kind.name: set() for kind in all_kinds()}
    for entry in listed:
        known[entry.kind.name].add(entry.slug)
    for source in unloaded:
        known[source.kind.name].add(source.name)
    problems = []
    for entry in [*listed, *flawed]:
        for ref in entry.kind.references(entry.meta):
            if ref.slug != PLACEHOLDER and ref.slug not in known[ref.kind]:
                problems.append(_unknown(entry, ref.loc, ref.slug, ref.kind, known[ref.kind]))
    return problems


def _unknown(
    entry: Entry, loc: tuple[str | int, ...], slug: str, kind: str, known: set[str]
) -> Problem:
    named = kind_named(kind)
    message = _(named.unknown_reference).format(
        slug=slug, hint=did_you_mean(slug, known), kind=named.name, folder=named.folder
    )
    return entry.problem(loc, message)
