"""Stages 2–3 for all files: front matter, schema, slugs, URLs and referenced files.

Input: SourceFiles. Output: Entries (each file's validated front matter with its slug,
URL and files), or one ContentError with the problems of every file at once.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sitegen.cache import Cache
from sitegen.content.frontmatter import FrontMatter, split_front_matter
from sitegen.content.models import Asset
from sitegen.content.schema import PLACEHOLDER, SLUG_PATTERN, DocumentRef, validate_front_matter
from sitegen.content.sources import SourceFile
from sitegen.errors import ContentError, Problem, did_you_mean
from sitegen.i18n import _
from sitegen.regions import regions_by_id
from sitegen.typography import ascii_slug
from sitegen.urls import RESERVED_ROOT_NAMES, Urls
from sitegen.validation import field_name

_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")


@dataclass(frozen=True, slots=True)
class Entry:
    """One content file with validated front matter, its slug, URL and files."""

    source: SourceFile
    front: FrontMatter
    meta: Any
    """The validated front matter (a model of content/schema.py)."""
    slug: str
    url: str
    assets: tuple[Asset, ...]
    """The bundle's files, copied beside the item's page."""

    @property
    def kind(self) -> str:
        """Return the kind of the entry (news, locality, ...)."""
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
    by_kind: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_kind[entry.kind].append(entry)
    problems.extend(check_references(by_kind, unloaded))
    for entry in entries:
        problems.extend(_missing_files(entry, static_path))
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
    meta = validate_front_matter(source.kind, front, source.rel_path, tz)
    slug = _slug(source, front, meta)
    url = _url(source.kind, slug, urls)
    assets = tuple(_bundle_asset(source, url, name) for name in source.bundle_files)
    return Entry(source, front, meta, slug, url, assets)


def _slug(source: SourceFile, front: FrontMatter, meta: Any) -> str:
    if source.kind == "region":
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
    if meta.slug:
        slug: str = meta.slug
    else:
        slug = _DATE_PREFIX.sub("", source.name) if source.kind == "news" else source.name
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
    if source.kind == "page" and slug in RESERVED_ROOT_NAMES:
        raise ContentError(
            [
                Problem(
                    source.rel_path,
                    front.line_of(("slug",)),
                    "slug",
                    _(
                        "'{slug}' is the address of a section of the site; "
                        "choose another slug for this page"
                    ).format(slug=slug),
                )
            ]
        )
    return slug


def _url(kind: str, slug: str, urls: Urls) -> str:
    pattern = {
        "news": urls.news_item,
        "locality": urls.locality,
        "partnership": urls.partnership,
        "page": urls.page,
        "region": urls.region,
    }[kind]
    return pattern(slug)


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


def _missing_files(entry: Entry, static_path: Path) -> list[Problem]:
    refs: list[tuple[tuple[str | int, ...], str]] = []
    image = getattr(entry.meta, "image", None)
    if image:
        refs.append((("image",), image))
    documents: tuple[DocumentRef, ...] = getattr(entry.meta, "documents", ())
    refs.extend((("documents", i, "file"), doc.file) for i, doc in enumerate(documents))
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
    if entry.kind == "region":
        return True
    if entry.kind != "news":
        return not entry.meta.draft
    return not entry.meta.draft and not is_scheduled(entry.meta.date, now)


def is_scheduled(published: datetime, now: datetime) -> bool:
    """Return True when an item dated published is not out yet at now."""
    return published > now


# References ---------------------------------------------------------------------


def check_references(
    by_kind: dict[str, list[Entry]], unloaded: Iterable[SourceFile] = ()
) -> list[Problem]:
    """Return a Problem for each locality or partnership slug that names nothing.

    The files in unloaded have problems of their own; their file names count as
    slugs, so that a reference to them is not reported as well.
    """
    localities = {entry.slug for entry in by_kind["locality"]}
    partnerships = {entry.slug for entry in by_kind["partnership"]}
    for source in unloaded:
        {"locality": localities, "partnership": partnerships}.get(source.kind, set()).add(
            source.name
        )
    problems = []
    for entry in by_kind["news"] + by_kind["partnership"]:
        for i, slug in enumerate(entry.meta.localities):
            if slug != PLACEHOLDER:  # only a draft keeps it (content/schema.py)
                problems.extend(_unknown(entry, ("localities", i), slug, "locality", localities))
    for entry in by_kind["news"]:
        for i, slug in enumerate(entry.meta.partnerships):
            problems.extend(_unknown(entry, ("partnerships", i), slug, "partnership", partnerships))
    for entry in by_kind["locality"]:
        if entry.meta.partnership:
            problems.extend(
                _unknown(
                    entry, ("partnership",), entry.meta.partnership, "partnership", partnerships
                )
            )
    return problems


def _unknown(
    entry: Entry, loc: tuple[str | int, ...], slug: str, kind: str, known: set[str]
) -> list[Problem]:
    if slug in known:
        return []
    template = {
        "locality": _(
            "unknown locality '{slug}'{hint}; the slugs are the file names in content/localities/"
        ),
        "partnership": _(
            "unknown partnership '{slug}'{hint}; the slugs are the file names in "
            "content/partnerships/"
        ),
    }[kind]
    return [entry.problem(loc, template.format(slug=slug, hint=did_you_mean(slug, known)))]
