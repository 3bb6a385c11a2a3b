"""Body stage: every entry's Markdown → sanitised, typeset HTML, with links resolved.

Input: Entries. Output: RenderedBodies (each body by content key, and the problems of
bodies: broken links, refused text). Bodies still valid in the build cache are taken
from it; the others are rendered on every core and stored in it. The link stage after
this one is then a pure function of the entries and their bodies.
"""

from __future__ import annotations

import difflib
import functools
import posixpath
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sitegen.base.cache import Cache, code_fingerprint, digest
from sitegen.base.errors import Problem, closest
from sitegen.base.i18n import _
from sitegen.base.parallel import Progress, map_in_order, no_progress
from sitegen.base.urls import (
    ARCHIVE_SEGMENT,
    PAGE_SEGMENT,
    RESERVED_ROOT_NAMES,
    Urls,
)
from sitegen.content.kinds import Kind, all_kinds
from sitegen.content.load import Entry, is_draft, is_published
from sitegen.content.models import Body
from sitegen.content.placeholders import placeholder_problems
from sitegen.link.markup import LinkError, Rendered, Renderer
from sitegen.link.sanitize import forget_vouched, vouch


@dataclass(frozen=True, slots=True)
class LinkTargets:
    """Where links between items lead: the URL of every item, and which ones readers see."""

    url_by_key: Mapping[str, str]
    """content_key → URL of every item."""
    key_by_url: Mapping[str, str]
    """URL → content_key of every item (links written as addresses)."""
    visible: Container[str]
    """content_key of every item readers will see."""
    base_path: str
    """The site's base path ("/" or "/asz/"): where addresses written as /… start."""


def link_targets(
    entries: Sequence[Entry],
    now: datetime,
    include_drafts: bool,
    unloaded_keys: frozenset[str] = frozenset(),
) -> LinkTargets:
    """Return the link targets of entries at now.

    unloaded_keys name content files that exist but have problems of their own: links
    to them count as good (the file's own problems are reported).
    """
    # The URL of a file with problems is unknown; the build fails, so none is shown.
    url_by_key = dict.fromkeys(unloaded_keys, "")
    url_by_key |= {entry.source.content_key: entry.url for entry in entries}
    visible = {
        entry.source.content_key for entry in entries if include_drafts or is_published(entry, now)
    }
    return LinkTargets(
        url_by_key,
        {url: key for key, url in url_by_key.items() if url},
        frozenset(visible | unloaded_keys),
        _base_path(entries),
    )


@dataclass(frozen=True, slots=True)
class RenderedBodies:
    """The bodies of a build, and what is wrong with them."""

    bodies: dict[str, Body]
    """Content key → the rendered body."""
    problems: tuple[Problem, ...] = ()
    draft_warnings: tuple[Problem, ...] = ()
    """Broken links of drafts, and the sample text of `new` left in them: warnings
    until the draft is published."""


def render_bodies(
    entries: Sequence[Entry],
    now: datetime,
    include_drafts: bool,
    cache: Cache | None = None,
    jobs: int = 1,
    progress: Progress = no_progress,
    unloaded_keys: frozenset[str] = frozenset(),
) -> RenderedBodies:
    """Render every body, taking still-valid ones from cache and the rest on jobs cores.

    unloaded_keys name content files that exist but have problems of their own (and
    are reported for those): a link to one is not reported as broken as well.
    """
    forget_vouched()
    targets = link_targets(entries, now, include_drafts, unloaded_keys)
    bodies, problems, broken = _render_bodies(
        entries, targets, cache or Cache(None), jobs, progress
    )
    for entry in entries:  # a draft may keep the sample text of `new`, as a broken link
        broken += placeholder_problems(entry.front, entry.source.rel_path)
    drafts = {entry.source.rel_path for entry in entries if is_draft(entry)}
    problems += [link for link in broken if link.path not in drafts]
    warnings = tuple(_as_draft(link) for link in broken if link.path in drafts)
    return RenderedBodies(bodies, tuple(problems), warnings)


def _as_draft(problem: Problem) -> Problem:
    message = _("{problem} (only a warning while the item is a draft)").format(
        problem=problem.message
    )
    return Problem(problem.path, problem.line, problem.field, message)


def render_one_body(entry: Entry, targets: LinkTargets) -> tuple[Body, list[Problem]]:
    """Render the body of one entry (a quick build's changed file), with its problems."""
    rendered = Renderer().render(entry.front.body, _LinkResolver(entry, targets))
    problems, broken = _problems_of(entry, rendered)
    return rendered.body, problems + broken + placeholder_problems(
        entry.front, entry.source.rel_path
    )


def _render_bodies(
    entries: Sequence[Entry],
    targets: LinkTargets,
    cache: Cache,
    jobs: int,
    progress: Progress,
) -> tuple[dict[str, Body], list[Problem], list[Problem]]:
    """Render every body, taking still-valid ones from cache and the rest on jobs cores.

    Return the bodies, the problems of their text and their broken links.
    """
    resolvers = [_LinkResolver(entry, targets) for entry in entries]
    keys = [_body_key(entry) for entry in entries]
    results = [
        _cached_body(cache, key, resolver) for key, resolver in zip(keys, resolvers, strict=True)
    ]
    missing = [i for i, result in enumerate(results) if result is None]
    renderer = Renderer()
    fresh = map_in_order(
        lambda i: renderer.render(entries[i].front.body, resolvers[i], entries[i].source.language),
        missing,
        jobs,
        progress("Rendering Markdown", len(missing)),
    )
    for i, rendered in zip(missing, fresh, strict=True):
        results[i] = rendered
        vouch(rendered.body.html)  # made by this build's workers, not read from the cache
        if not rendered.broken and not rendered.notes:
            cache.put("body", keys[i], _body_value(rendered))
    bodies: dict[str, Body] = {}
    problems: list[Problem] = []
    broken: list[Problem] = []
    for entry, result in zip(entries, results, strict=True):
        assert result is not None  # every miss was rendered above
        bodies[entry.source.content_key] = result.body
        text_problems, broken_links = _problems_of(entry, result)
        problems += text_problems
        broken += broken_links
    return bodies, problems, broken


def _problems_of(entry: Entry, result: Rendered) -> tuple[list[Problem], list[Problem]]:
    """Return the problems of a body's text, and its broken links."""
    problems = []
    for note in result.notes:
        line = entry.front.body_line + note.line - 1
        problems.append(Problem(entry.source.rel_path, line, "", note.message))
    broken = []
    for link in result.broken:
        line = _line_of_text(entry, link.target)
        message = _("link '{target}': {reason}").format(target=link.target, reason=link.message)
        broken.append(Problem(entry.source.rel_path, line, "", message))
    return problems, broken


def _body_key(entry: Entry) -> str:
    return digest(code_fingerprint(), entry.source.content_key, entry.front.body)


def _body_value(rendered: Rendered) -> dict[str, object]:
    return {
        "html": rendered.body.html,
        "first": rendered.body.first_paragraph,
        "links": rendered.links,
    }


def _cached_body(cache: Cache, key: str, resolver: _LinkResolver) -> Rendered | None:
    """Return the cached rendering of a body while its links still resolve the same."""
    value = cache.get("body", key)
    if value is None:
        return None
    try:
        links = tuple((str(target), str(url)) for target, url in value["links"])
        body = Body(str(value["html"]), str(value["first"]))
        if all(resolver(target) == url for target, url in links):
            return Rendered(body, (), links)
    except (LinkError, TypeError, KeyError, ValueError):
        pass
    return None


def _line_of_text(entry: Entry, target: str) -> int:
    offset = entry.front.body.find(target)
    return entry.front.body_line + (entry.front.body.count("\n", 0, offset) if offset >= 0 else 0)


@dataclass(frozen=True, slots=True)
class _LinkResolver:
    """Turns relative links of one body into site URLs."""

    entry: Entry
    targets: LinkTargets

    def __call__(self, target: str) -> str:
        split = urlsplit(target)
        if split.scheme or split.netloc or not split.path:
            return target
        if target.startswith("/"):
            self._check_address(split.path)
            return target
        folder = posixpath.dirname(self.entry.source.content_key)
        key = posixpath.normpath(posixpath.join(folder, split.path))
        fragment = f"#{split.fragment}" if split.fragment else ""
        if key.startswith("../") or key == "..":
            raise LinkError(
                _(
                    "points outside the content folder; link to another item's .md "
                    "file, or to a file in static/ with '/…'"
                )
            )
        if key.endswith(".md"):
            return self._item_url(key) + fragment
        return self._bundle_url(key) + fragment

    def _item_url(self, key: str) -> str:
        url_by_key, visible = self.targets.url_by_key, self.targets.visible
        if key not in url_by_key:
            raise _missing(key, set(url_by_key), self.entry.source.content_key)
        if key not in visible and self.entry.source.content_key in visible:
            raise LinkError(
                _(
                    "that item is a draft or dated in the future, so the link would "
                    "be broken; link to it once it is published"
                )
            )
        return url_by_key[key]

    def _check_address(self, path: str) -> None:
        """Refuse an address of an item's page (/aktuality/x/) that no item has.

        Addresses of lists, feeds and files in static/ are left to `check`, which
        sees the built site.
        """
        if not _is_item_address(path, self.targets.base_path):
            return
        wanted = path if path.endswith("/") else path + "/"
        key = self.targets.key_by_url.get(wanted)
        if key is not None:
            self._item_url(key)
            return
        raise LinkError(self._no_such_address(wanted))

    def _no_such_address(self, wanted: str) -> str:
        by_url = dict(self.targets.key_by_url)
        close = _close_address(wanted, by_url)
        if not close:
            return _(
                "no page has the address {address}; link to the item's .md file instead"
            ).format(address=wanted)
        folder = posixpath.dirname(self.entry.source.content_key) or "."
        relative = posixpath.relpath(by_url[close], folder)
        return _(
            "no page has the address {address}; did you mean {other}? Link to its "
            "file instead: {file}"
        ).format(address=wanted, other=close, file=relative)

    def _bundle_url(self, key: str) -> str:
        folder = posixpath.dirname(self.entry.source.content_key)
        names = {
            f"{folder}/{name}": asset.url
            for name, asset in zip(self.entry.source.bundle_files, self.entry.assets, strict=True)
        }
        if key not in names:
            raise _missing(key, set(names), self.entry.source.content_key)
        return names[key]


def _missing(key: str, choices: set[str], linking_key: str) -> LinkError:
    """Return the error of a link to content/key, which does not exist; the closest of
    choices is suggested as the link to write in the file linking_key (relative to it)."""
    match = closest(key, choices)
    link = posixpath.relpath(match, posixpath.dirname(linking_key) or ".") if match else ""
    hint = _(" (did you mean '{match}'?)").format(match=link) if link else ""
    return LinkError(_("content/{key} does not exist{hint}").format(key=key, hint=hint))


def _close_address(wanted: str, addresses: Iterable[str]) -> str | None:
    """Return the address in the same section whose last part is closest to wanted's."""
    parent, name = wanted.rstrip("/").rsplit("/", 1)
    by_name = {
        url.rstrip("/").rsplit("/", 1)[1]: url
        for url in addresses
        if url.rstrip("/").rsplit("/", 1)[0] == parent
    }
    close = difflib.get_close_matches(name, sorted(by_name), n=1, cutoff=0.6)
    return by_name[close[0]] if close else None


def _item_sections() -> frozenset[str]:
    """Return the sections whose addresses are items' (/aktuality/slug/), from the table
    of kinds (worked out once for each table: every link of every body asks)."""
    return _sections_of(all_kinds())


@functools.lru_cache(maxsize=4)
def _sections_of(kinds: tuple[Kind, ...]) -> frozenset[str]:
    """Return the first segment of the address of each of kinds whose models have a page
    of their own (a region's text is shown on a page no content file makes)."""
    sections = set()
    for kind in kinds:
        if "url" not in getattr(kind.model, "__dataclass_fields__", {}):
            continue
        parts = [part for part in kind.url(_AT_ROOT, "x").split("/") if part]
        if len(parts) == 2:
            sections.add(parts[0])
    return frozenset(sections)


_LIST_SEGMENTS = frozenset({PAGE_SEGMENT, ARCHIVE_SEGMENT})


def _is_item_address(path: str, base_path: str) -> bool:
    """Return True when path has the form of a news item's, locality's, partnership's or
    page's address (/aktuality/slug/, /kontakty/) under base_path."""
    if not path.startswith(base_path):
        return False
    parts = [part for part in path[len(base_path) :].split("/") if part]
    if len(parts) == 2 and parts[0] in _item_sections():
        return parts[1] not in _LIST_SEGMENTS and "." not in parts[1]
    return len(parts) == 1 and parts[0] not in RESERVED_ROOT_NAMES and "." not in parts[0]


_AT_ROOT = Urls("/")
"""The URL patterns under the base path "/"."""


def _base_path(entries: Sequence[Entry]) -> str:
    """Return the site's base path, read off the address of an item: what its URL has
    in front of the URL its kind gives it under the base path "/"."""
    entry = next(iter(entries), None)
    if entry is None:
        return "/"
    return entry.url.removesuffix(entry.kind.url(_AT_ROOT, entry.slug).removeprefix("/"))
