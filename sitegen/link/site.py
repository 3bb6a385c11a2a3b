"""Link stage: resolve references and index the site both ways; a pure function.

Input: Entries (validated front matter) and their rendered bodies. Output: Site, the
graph that routes and templates read: published items of every kind, each made by its
kind's make function and listed in its kind's order, with every cross-reference
resolved. The parts live beside: graph.py (Site), checks.py, schedule.py, builder.py,
indexes.py; their public names are importable from here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.base.config import SiteConfig
from sitegen.base.errors import ContentError, Problem
from sitegen.base.urls import Urls
from sitegen.content.kinds import LOCALITY, NEWS, Kind, all_kinds
from sitegen.content.load import EntriesByKind, Entry
from sitegen.content.models import Model, cooperation_status, locality_status
from sitegen.link.bodies import RenderedBodies
from sitegen.link.builder import ModelBuilder, regions_of, topics_of
from sitegen.link.checks import (
    check_aliases,
    check_draft_references,
    check_statement,
    redirects_of,
)
from sitegen.link.graph import Site, Translated
from sitegen.link.indexes import find_related, index
from sitegen.link.schedule import Scheduled, moment_text, next_change, scheduled_items

if TYPE_CHECKING:
    from sitegen.content.translations import Translation

__all__ = [
    "Scheduled",
    "Site",
    "Translated",
    "cooperation_status",
    "find_related",
    "link_site",
    "locality_status",
    "moment_text",
    "next_change",
    "scheduled_items",
]


def link_site(
    entries: Sequence[Entry],
    bodies: RenderedBodies,
    config: SiteConfig,
    urls: Urls,
    now: datetime,
    static_path: Path,
    include_drafts: bool,
    earlier_problems: Sequence[Problem] = (),
    translations: Sequence[Translation] = (),
) -> Site:
    """Resolve references and index the site; keep what is published (or all, with drafts).

    A pure function of its arguments: bodies were rendered by the stage before.

    Raises:
        ContentError: with earlier_problems (those of the front matter, references
            included) and the problems of the bodies.
    """
    problems = list(earlier_problems)  # the entries' own, references included
    problems += check_aliases(entries, urls)
    if not include_drafts:
        problems += check_draft_references(entries)
    problems += check_statement(config, entries)
    problems += bodies.problems
    if problems:
        raise ContentError(problems)
    every = EntriesByKind.of_entries(entries)
    shown = every if include_drafts else every.without_drafts()
    builder = ModelBuilder(
        urls,
        now,
        static_path,
        bodies.bodies,
        topics_of(every.of(NEWS), urls),  # drafts' tags count too
        config.feed_id_authority,
        config.tz,
        regions_of(shown.of(LOCALITY)),
    )
    models = {
        kind.name: _models(kind, shown.of(kind), builder, include_drafts) for kind in all_kinds()
    }
    site = index(config, urls, now, models)
    left_out = () if include_drafts else scheduled_items(entries, now)
    pairs = _translated(models, translations, builder)
    return replace(
        site,
        translations=pairs,
        translation_by_url={url: p for p in pairs for url in (p.original.url, p.english.url)},
        redirects=redirects_of(site.models(), shown.every(), urls),
        next_change=next_change(entries, now),
        left_out=left_out,
        draft_warnings=bodies.draft_warnings,
    )


def _models(
    kind: Kind, entries: Sequence[Entry], builder: ModelBuilder, include_drafts: bool
) -> tuple[Model, ...]:
    """Return the models of kind's entries that readers see, in the kind's order."""
    made = [kind.make(entry, builder) for entry in entries]
    return tuple(kind.listed([model for model in made if include_drafts or kind.published(model)]))


def _translated(
    models: dict[str, tuple[Model, ...]],
    translations: Sequence[Translation],
    builder: ModelBuilder,
) -> tuple[Translated, ...]:
    """Return the translations of the items readers see, made by their kinds' make
    functions (a translation follows its original: a draft's or a scheduled item's is
    not published either), kind by kind in the order each kind lists its items."""
    pairs: list[Translated] = []
    for kind in all_kinds():
        shown = {model.source: model for model in models.get(kind.name, ())}
        made = {
            translation.entry.source.rel_path: (original, kind.make(translation.entry, builder))
            for translation in translations
            if translation.entry.kind is kind
            and (original := shown.get(translation.original.source.rel_path)) is not None
        }
        english = kind.listed([model for _original, model in made.values()])
        pairs += [
            Translated(kind.name, made[model.source][0], model)  # type: ignore[arg-type]
            for model in english
        ]
    return tuple(pairs)
