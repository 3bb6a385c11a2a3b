"""Body stage: every entry's Markdown → sanitised, typeset HTML, with links resolved.

Input: Entries. Output: RenderedBodies (each body by content key, and the problems of
bodies: broken links, refused text). Bodies still valid in the build cache are taken
from it; the others are rendered on every core and stored in it. The link stage after
this one is then a pure function of the entries and their bodies.
"""

from __future__ import annotations

import posixpath
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sitegen.cache import Cache, code_fingerprint, digest
from sitegen.content.load import Entry, is_published
from sitegen.content.models import Body
from sitegen.errors import Problem, did_you_mean
from sitegen.markup import LinkError, Rendered, Renderer
from sitegen.parallel import Progress, map_in_order, no_progress


@dataclass(frozen=True, slots=True)
class LinkTargets:
    """Where links between items lead: the URL of every item, and which ones readers see."""

    url_by_key: Mapping[str, str]
    """content_key → URL of every item."""
    visible: Container[str]
    """content_key of every item readers will see."""


def link_targets(entries: Sequence[Entry], now: datetime, include_drafts: bool) -> LinkTargets:
    """Return the link targets of entries at now."""
    return LinkTargets(
        {entry.source.content_key: entry.url for entry in entries},
        frozenset(
            entry.source.content_key
            for entry in entries
            if include_drafts or is_published(entry, now)
        ),
    )


@dataclass(frozen=True, slots=True)
class RenderedBodies:
    """The bodies of a build, and what is wrong with them."""

    bodies: dict[str, Body]
    """Content key → the rendered body."""
    problems: tuple[Problem, ...] = ()


def render_bodies(
    entries: Sequence[Entry],
    now: datetime,
    include_drafts: bool,
    cache: Cache | None = None,
    jobs: int = 1,
    progress: Progress = no_progress,
) -> RenderedBodies:
    """Render every body, taking still-valid ones from cache and the rest on jobs cores."""
    targets = link_targets(entries, now, include_drafts)
    bodies, problems = _render_bodies(entries, targets, cache or Cache(None), jobs, progress)
    return RenderedBodies(bodies, tuple(problems))


def render_one_body(entry: Entry, targets: LinkTargets) -> tuple[Body, list[Problem]]:
    """Render the body of one entry (a quick build's changed file), with its problems."""
    rendered = Renderer().render(entry.front.body, _LinkResolver(entry, targets))
    return rendered.body, _problems_of(entry, rendered)


def _render_bodies(
    entries: Sequence[Entry], targets: LinkTargets, cache: Cache, jobs: int, progress: Progress
) -> tuple[dict[str, Body], list[Problem]]:
    """Render every body, taking still-valid ones from cache and the rest on jobs cores."""
    resolvers = [_LinkResolver(entry, targets) for entry in entries]
    keys = [_body_key(entry) for entry in entries]
    results = [
        _cached_body(cache, key, resolver) for key, resolver in zip(keys, resolvers, strict=True)
    ]
    missing = [i for i, result in enumerate(results) if result is None]
    renderer = Renderer()
    fresh = map_in_order(
        lambda i: renderer.render(entries[i].front.body, resolvers[i]),
        missing,
        jobs,
        progress("Rendering Markdown", len(missing)),
    )
    for i, rendered in zip(missing, fresh, strict=True):
        results[i] = rendered
        if not rendered.broken and not rendered.notes:
            cache.put("body", keys[i], _body_value(rendered))
    bodies: dict[str, Body] = {}
    problems: list[Problem] = []
    for entry, result in zip(entries, results, strict=True):
        assert result is not None  # every miss was rendered above
        bodies[entry.source.content_key] = result.body
        problems += _problems_of(entry, result)
    return bodies, problems


def _problems_of(entry: Entry, result: Rendered) -> list[Problem]:
    problems = []
    for note in result.notes:
        line = entry.front.body_line + note.line - 1
        problems.append(Problem(entry.source.rel_path, line, "", note.message))
    for link in result.broken:
        line = _line_of_text(entry, link.target)
        problems.append(
            Problem(entry.source.rel_path, line, "", f"link '{link.target}': {link.message}")
        )
    return problems


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
        if split.scheme or split.netloc or not split.path or target.startswith("/"):
            return target
        folder = posixpath.dirname(self.entry.source.content_key)
        key = posixpath.normpath(posixpath.join(folder, split.path))
        fragment = f"#{split.fragment}" if split.fragment else ""
        if key.startswith("../") or key == "..":
            raise LinkError(
                "points outside the content folder; link to another item's .md "
                "file, or to a file in static/ with '/…'"
            )
        if key.endswith(".md"):
            return self._item_url(key) + fragment
        return self._bundle_url(key) + fragment

    def _item_url(self, key: str) -> str:
        url_by_key, visible = self.targets.url_by_key, self.targets.visible
        if key not in url_by_key:
            raise _missing(key, set(url_by_key))
        if key not in visible and self.entry.source.content_key in visible:
            raise LinkError(
                "that item is a draft or dated in the future, so the link would "
                "be broken; link to it once it is published"
            )
        return url_by_key[key]

    def _bundle_url(self, key: str) -> str:
        folder = posixpath.dirname(self.entry.source.content_key)
        names = {
            f"{folder}/{name}": asset.url
            for name, asset in zip(self.entry.source.bundle_files, self.entry.assets, strict=True)
        }
        if key not in names:
            raise _missing(key, set(names))
        return names[key]


def _missing(key: str, choices: set[str]) -> LinkError:
    return LinkError(f"content/{key} does not exist{did_you_mean(key, choices)}")
