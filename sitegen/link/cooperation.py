"""Where the agency's cooperation stands: localities grouped and counted by status.

Input: Localities. Output: groups by status and region, and Czech counts that say
what they count ("2 spolupráce probíhají, 1 se připravuje", "3 spolupráce skončily").
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

COOPERATION_FORMS: Forms = ("spolupráce", "spolupráce", "spoluprací")
_VERBS: dict[str, Forms] = {
    "active": ("probíhá", "probíhají", "probíhá"),
    "planned": ("se připravuje", "se připravují", "se připravuje"),
    "ended": ("skončila", "skončily", "skončilo"),
}
"""What a number of cooperations does, agreeing with the number: "2 probíhají"."""
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
    """Return what a set of localities amounts to, as a sentence a person would say:
    "2 spolupráce probíhají, 1 se připravuje, 3 skončily".

    Counts of each status are joined by commas, current ones first; the noun comes
    once, with the first count.
    """
    statuses = [locality.status for locality in localities]
    if not statuses:
        return "žádná lokalita"
    parts: list[str] = []
    for status in (status for status in STATUSES if status in statuses):
        count = statuses.count(status)
        verb = form_for(count, _VERBS[status])
        noun = "" if parts else form_for(count, COOPERATION_FORMS) + " "
        parts.append(f"{count}{NBSP}{noun}{verb}")
    return ", ".join(parts)


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
