"""Stages 2–3 for all files: front matter, schema, slugs, URLs and referenced files.

Input: SourceFiles. Output: Entries (each file's validated front matter with its slug,
URL and files), or one ContentError with the problems of every file at once.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Generic, Protocol, TypeGuard
from zoneinfo import ZoneInfo

from typing_extensions import TypeVar

from sitegen.base.cache import Cache
from sitegen.base.errors import ContentError, Problem, did_you_mean
from sitegen.base.i18n import N_, _
from sitegen.base.regions import regions_by_id
from sitegen.base.typography import ascii_slug
from sitegen.base.urls import Urls, machinery_of
from sitegen.base.validation import field_name
from sitegen.content.frontmatter import FrontMatter, split_front_matter
from sitegen.content.kinds import LOCALITY, NEWS, PAGE, PARTNERSHIP, REGION, Kind
from sitegen.content.models import Asset
from sitegen.content.schema import (
    PLACEHOLDER,
    SLUG_PATTERN,
    AnyFrontMatter,
    LocalityFrontMatter,
    NewsFrontMatter,
    PageFrontMatter,
    PartnershipFrontMatter,
    RegionFrontMatter,
    validate_front_matter,
)
from sitegen.content.sources import SourceFile

M = TypeVar("M", bound=AnyFrontMatter, covariant=True, default=AnyFrontMatter)
"""The front-matter model of an entry; a plain `Entry` is an entry of any kind."""
K = TypeVar("K", bound=AnyFrontMatter)


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


def is_of(entry: Entry, kind: Kind[K]) -> TypeGuard[Entry[K]]:
    """Return True when entry is of kind: its front matter is then a model of kind's schema."""
    return isinstance(entry.meta, kind.schema)


def entries_of(kind: Kind[K], entries: Iterable[Entry]) -> tuple[Entry[K], ...]:
    """Return the entries of kind, in their order."""
    return tuple(entry for entry in entries if is_of(entry, kind))


@dataclass(frozen=True, slots=True)
class EntriesByKind:
    """Entries grouped by kind, each group typed with its kind's front matter."""

    news: tuple[Entry[NewsFrontMatter], ...]
    localities: tuple[Entry[LocalityFrontMatter], ...]
    partnerships: tuple[Entry[PartnershipFrontMatter], ...]
    pages: tuple[Entry[PageFrontMatter], ...]
    regions: tuple[Entry[RegionFrontMatter], ...]

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> EntriesByKind:
        """Return entries grouped by kind, each group in the order of entries."""
        listed = list(entries)
        return cls(
            entries_of(NEWS, listed),
            entries_of(LOCALITY, listed),
            entries_of(PARTNERSHIP, listed),
            entries_of(PAGE, listed),
            entries_of(REGION, listed),
        )

    def without_drafts(self) -> EntriesByKind:
        """Return the groups without draft localities, partnerships and pages.

        News drafts stay: they are dropped with the scheduled items after their
        models are made (site.py).
        """
        return replace(
            self,
            localities=tuple(entry for entry in self.localities if not entry.meta.draft),
            partnerships=tuple(entry for entry in self.partnerships if not entry.meta.draft),
            pages=tuple(entry for entry in self.pages if not entry.meta.draft),
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
    entries: list[Entry] = []
    problems: list[Problem] = []
    unloaded: list[SourceFile] = []
    for source in sources:
        try:
            entry = memo.take(source.content_key) if memo and source.is_reused else None
            entry = entry or _load_entry(source, urls, tz, cache)
        except ContentError as error:
            problems.extend(error.problems)
            unloaded.append(source)
            continue
        entries.append(entry)
        if memo and not source.is_reused:
            memo.put(entry, source.signature)
    problems.extend(_duplicate_slugs(entries))
    problems.extend(check_references(EntriesByKind.of(entries), unloaded))
    static_names = _static_names(static_path)
    for entry in entries:
        problems.extend(_missing_files(entry, static_path))
        problems.extend(_aliases_in_static(entry, static_names))
    unloaded_keys = frozenset(source.content_key for source in unloaded)
    return LoadedEntries(tuple(entries), tuple(problems), unloaded_keys)


class Memo(Protocol):
    """Where parsed entries are kept between builds (content/memo.py)."""

    def take(self, key: str) -> Entry:
        """Return the kept entry of an unread source."""

    def put(self, entry: Entry, signature: str) -> None:
        """Keep a parsed entry."""


def _load_entry(source: SourceFile, urls: Urls, tz: ZoneInfo, cache: Cache | None) -> Entry:
    front = split_front_matter(source.text, source.rel_path, cache)
    meta = validate_front_matter(source.kind.schema, front, source.rel_path, tz)
    slug = _slug(source, front, meta)
    url = source.kind.url(urls, slug)
    assets = tuple(_bundle_asset(source, url, name) for name in source.bundle_files)
    return Entry(source, front, meta, slug, url, assets)


def _slug(source: SourceFile, front: FrontMatter, meta: AnyFrontMatter) -> str:
    if isinstance(meta, RegionFrontMatter):
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
    aliases = () if isinstance(meta, RegionFrontMatter) else meta.aliases
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
    refs: list[tuple[tuple[str | int, ...], str]] = []
    meta = entry.meta
    if isinstance(meta, NewsFrontMatter) and meta.image:
        refs.append((("image",), meta.image))
    if isinstance(meta, NewsFrontMatter | PartnershipFrontMatter):
        refs.extend((("documents", i, "file"), doc.file) for i, doc in enumerate(meta.documents))
    problems = []
    for loc, ref in refs:
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
    normal = posixpath.normpath(ref)
    return next(asset for asset in entry.assets if asset.url == entry.url + normal)


def is_published(entry: Entry, now: datetime) -> bool:
    """Return True when readers see the entry at now: not a draft, not scheduled later."""
    meta = entry.meta
    if isinstance(meta, NewsFrontMatter):
        return not meta.draft and not is_scheduled(meta.date, now)
    return not is_draft(entry)


def is_draft(entry: Entry) -> bool:
    """Return True when the entry is a draft (a region's text never is)."""
    meta = entry.meta
    return not isinstance(meta, RegionFrontMatter) and meta.draft


def is_scheduled(published: datetime, now: datetime) -> bool:
    """Return True when an item dated published is not out yet at now."""
    return published > now


# References ---------------------------------------------------------------------


def check_references(by_kind: EntriesByKind, unloaded: Iterable[SourceFile] = ()) -> list[Problem]:
    """Return a Problem for each locality or partnership slug that names nothing.

    The files in unloaded have problems of their own; their file names count as
    slugs, so that a reference to them is not reported as well.
    """
    known: dict[Kind, set[str]] = {
        LOCALITY: {entry.slug for entry in by_kind.localities},
        PARTNERSHIP: {entry.slug for entry in by_kind.partnerships},
    }
    for source in unloaded:
        known.get(source.kind, set()).add(source.name)
    problems = []
    naming_localities: list[Entry[NewsFrontMatter | PartnershipFrontMatter]] = [
        *by_kind.news,
        *by_kind.partnerships,
    ]
    for entry in naming_localities:
        for i, slug in enumerate(entry.meta.localities):
            if slug != PLACEHOLDER:  # only a draft keeps it (content/schema.py)
                problems.extend(_unknown(entry, ("localities", i), slug, LOCALITY, known))
    for news in by_kind.news:
        for i, slug in enumerate(news.meta.partnerships):
            problems.extend(_unknown(news, ("partnerships", i), slug, PARTNERSHIP, known))
    for locality in by_kind.localities:
        if locality.meta.partnership:
            slug = locality.meta.partnership
            problems.extend(_unknown(locality, ("partnership",), slug, PARTNERSHIP, known))
    return problems


_UNKNOWN_REFERENCE = {
    LOCALITY: N_(
        "unknown locality '{slug}'{hint}; the slugs are the file names in content/localities/"
    ),
    PARTNERSHIP: N_(
        "unknown partnership '{slug}'{hint}; the slugs are the file names in content/partnerships/"
    ),
}
"""The message of a reference to no item, by the kind it should name."""


def _unknown(
    entry: Entry, loc: tuple[str | int, ...], slug: str, kind: Kind, known: dict[Kind, set[str]]
) -> list[Problem]:
    if slug in known[kind]:
        return []
    message = _(_UNKNOWN_REFERENCE[kind]).format(slug=slug, hint=did_you_mean(slug, known[kind]))
    return [entry.problem(loc, message)]
