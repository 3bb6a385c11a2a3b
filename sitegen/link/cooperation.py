"""Where the agency's cooperation stands: localities grouped and counted by status.

Input: Localities. Output: groups by status and region, and Czech counts that say
what they count ("2 probíhající spolupráce", "3 lokality, spolupráce ukončena").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sitegen.base.regions import Region, all_regions
from sitegen.content.models import Locality

STATUSES = ("active", "planned", "ended")
"""The statuses in the order the site shows them: current cooperation first."""
NBSP = "\u00a0"

Forms = tuple[str, str, str]
"""Czech forms for 1, for 2 to 4 and for 5 or more (and 0)."""

_COOPERATION: dict[str, Forms] = {
    "active": ("probíhající spolupráce", "probíhající spolupráce", "probíhajících spoluprací"),
    "planned": ("plánovaná spolupráce", "plánované spolupráce", "plánovaných spoluprací"),
    "ended": ("ukončená spolupráce", "ukončené spolupráce", "ukončených spoluprací"),
}
LOCALITY_FORMS: Forms = ("lokalita", "lokality", "lokalit")
HEADINGS = {
    "active": "Probíhající spolupráce",
    "planned": "Plánovaná spolupráce",
    "ended": "Ukončená spolupráce",
}


@dataclass(frozen=True, slots=True)
class RegionGroup:
    """The localities of one region that share a status."""

    region: Region
    localities: tuple[Locality, ...]


@dataclass(frozen=True, slots=True)
class StatusGroup:
    """The localities of one status, by region in the official order of regions."""

    status: str
    heading: str
    regions: tuple[RegionGroup, ...]

    @property
    def count(self) -> int:
        """Return the number of localities in the group."""
        return sum(len(group.localities) for group in self.regions)


def form_for(count: int, forms: Forms) -> str:
    """Return the Czech form for count: 1 lokalita, 3 lokality, 5 lokalit."""
    if count == 1:
        return forms[0]
    return forms[1] if 2 <= count <= 4 else forms[2]


def counted(count: int, forms: Forms) -> str:
    """Return count and its noun, joined by a non-breaking space: "3 lokality"."""
    return f"{count}{NBSP}{form_for(count, forms)}"


def describe_cooperation(localities: Iterable[Locality]) -> str:
    """Return what a set of localities amounts to, e.g. "2 probíhající spolupráce".

    Counts of each status are joined by commas, current ones first; when every
    cooperation has ended it says so once: "3 lokality, spolupráce ukončena".
    """
    statuses = [locality.status for locality in localities]
    if not statuses:
        return "žádná lokalita"
    if set(statuses) == {"ended"}:
        return counted(len(statuses), LOCALITY_FORMS) + ", spolupráce ukončena"
    return ", ".join(
        counted(statuses.count(status), _COOPERATION[status])
        for status in STATUSES
        if status in statuses
    )


def group_by_status(localities: Iterable[Locality]) -> tuple[StatusGroup, ...]:
    """Return the localities in one group per status that has any, each by region."""
    listed = tuple(localities)
    groups = []
    for status in STATUSES:
        regions = _by_region(locality for locality in listed if locality.status == status)
        if regions:
            groups.append(StatusGroup(status, HEADINGS[status], regions))
    return tuple(groups)


def _by_region(localities: Iterable[Locality]) -> tuple[RegionGroup, ...]:
    listed = tuple(localities)
    return tuple(
        RegionGroup(region, members)
        for region in all_regions()
        if (members := tuple(x for x in listed if x.region.id == region.id))
    )
