"""Link stage, checks across files: references to drafts, aliases, the required pages;
and the redirects that the aliases of the published items make.

Input: Entries (and the site's settings). Output: Problems, or Redirects.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sitegen.base.config import SiteConfig
from sitegen.base.errors import Problem
from sitegen.base.i18n import N_, _
from sitegen.base.regions import regions_by_id
from sitegen.base.urls import Urls
from sitegen.content.kinds import PAGE, kind_named
from sitegen.content.load import Entry, entries_of, is_draft
from sitegen.content.models import Model, Redirect
from sitegen.content.schema import ItemFrontMatter


def check_draft_references(entries: Sequence[Entry]) -> list[Problem]:
    """Return a Problem for each published item that names a draft (a locality, a
    partnership, ...): the draft is not published, so the reference would be a broken link.
    """
    drafts: dict[tuple[str, str], str] = {
        (entry.kind.name, entry.slug): entry.source.rel_path for entry in entries if is_draft(entry)
    }
    problems = []
    for entry in entries:
        if is_draft(entry):
            continue
        for ref in entry.kind.references(entry.meta):
            draft = drafts.get((ref.kind, ref.slug))
            if draft is not None:
                message = _(kind_named(ref.kind).draft_reference)
                text = message.format(slug=ref.slug, file=draft, kind=ref.kind)
                problems.append(entry.problem(ref.loc, text))
    return problems


def check_aliases(entries: Sequence[Entry], urls: Urls) -> list[Problem]:
    """Return a Problem for each alias that is an item's address, another alias or
    a page of one of the site's lists (home, a section, a region)."""
    holders = {entry.url: (entry.source.rel_path, _TAKEN_BY_ITEM) for entry in entries}
    region_ids = regions_by_id()
    problems = []
    for entry in entries:
        for i, path in enumerate(aliases_of(entry)):
            url = urls.alias(path)
            section = urls.section_of(url, region_ids)
            if section is not None:
                message = _(
                    "{path!r} is an address of the site's own list {section}; an old address "
                    "there would replace it: remove this one"
                ).format(path=path, section=section)
                problems.append(entry.problem(("aliases", i), message))
                continue
            holder = holders.setdefault(url, (entry.source.rel_path, _TAKEN_BY_ALIAS))
            if holder[0] == entry.source.rel_path and holder[1] == _TAKEN_BY_ALIAS:
                continue
            message = _(holder[1]).format(path=path, file=holder[0])
            problems.append(entry.problem(("aliases", i), message))
    return problems


def aliases_of(entry: Entry) -> tuple[str, ...]:
    """Return the old paths of an item (a region's text has none)."""
    meta = entry.meta
    return meta.aliases if isinstance(meta, ItemFrontMatter) else ()


_TAKEN_BY_ITEM = N_("'{path}' is the address of {file}; remove it from one of the files")
_TAKEN_BY_ALIAS = N_("'{path}' is an alias in {file}; remove it from one of the files")
"""Who has an alias's address already: one whole sentence for each case, to translate."""


def redirects_of(
    shown: Iterable[Model], entries: Iterable[Entry], urls: Urls
) -> tuple[Redirect, ...]:
    """Return a Redirect for each alias of each item shown (a model of one of entries)."""
    sources = {model.source for model in shown}
    redirects = {
        urls.alias(path): Redirect(urls.alias(path), entry.url, meta.title, entry.source.rel_path)
        for entry in entries
        if entry.source.rel_path in sources and isinstance(meta := entry.meta, ItemFrontMatter)
        for path in meta.aliases
    }
    return tuple(redirects[url] for url in sorted(redirects))


def check_statement(config: SiteConfig, entries: Sequence[Entry]) -> list[Problem]:
    """Return a Problem when the accessibility statement page is missing.

    The law requires the statement to be reachable from every page, so a site
    without it is not built.
    """
    slug = config.accessibility.page
    if any(entry.slug == slug for entry in entries_of(PAGE, entries)):
        return []
    message = _(
        "no page {slug!r}; write the accessibility statement into content/pages/{slug}.md "
        "or name its page here"
    ).format(slug=slug)
    return [Problem("site.yaml", 0, "accessibility.page", message)]
