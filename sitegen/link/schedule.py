"""Link stage, schedule: what comes out later, and when the site next changes by itself.

Input: Entries and the build's "now". Output: the scheduled items left out, and the
next moment an item comes out or a cooperation starts or ends (each kind says which
moments its items have: content/kinds.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sitegen.base.i18n import _
from sitegen.content.load import Entry, is_draft, is_scheduled


@dataclass(frozen=True, slots=True)
class Scheduled:
    """An item (a news item) that comes out later."""

    source: str
    """Its file, relative to the site root."""
    date: datetime


def scheduled_items(entries: Sequence[Entry], now: datetime) -> tuple[Scheduled, ...]:
    """Return the items that are not drafts and come out after now, soonest first."""
    found = []
    for entry in entries:
        scheduled_at = entry.kind.scheduled_at
        if scheduled_at is None or is_draft(entry):
            continue
        moment = scheduled_at(entry.meta)
        if is_scheduled(moment, now):
            found.append(Scheduled(entry.source.rel_path, moment))
    return tuple(sorted(found, key=lambda item: (item.date, item.source)))


def moment_text(moment: datetime) -> str:
    """Return a date and time as the current language writes it: 1. 12. 2026 9:00."""
    return _("{day}. {month}. {year} {hour}:{minute:02d}").format(
        day=moment.day, month=moment.month, year=moment.year, hour=moment.hour, minute=moment.minute
    )


def next_change(entries: Sequence[Entry], now: datetime) -> datetime | None:
    """Return the first moment after now at which the published site changes by itself."""
    moments = [moment for entry in entries for moment in entry.kind.changes(entry.meta, now)]
    return min(moments, default=None)
