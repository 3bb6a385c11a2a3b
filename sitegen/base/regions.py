"""The 14 regions (kraje) of the Czech Republic: reference data shipped with the package."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Region:
    """One region (kraj) with its NUTS 3 code."""

    id: str
    """Identifier used in front matter and URLs, e.g. "stredocesky"."""
    name: str
    """Czech name as a heading, e.g. "Středočeský kraj"."""
    name_en: str
    """English name, e.g. "Central Bohemian Region" (the English pages show it)."""
    name_in: str
    """Where, with its preposition (locative), e.g. "ve Středočeském kraji"."""
    name_from: str
    """From where, with its preposition (genitive), e.g. "ze Středočeského kraje"."""
    nuts: str
    """NUTS 3 code, e.g. "CZ020"."""


@cache
def all_regions() -> tuple[Region, ...]:
    """Return the 14 regions in the official order (by NUTS code)."""
    text = resources.files("sitegen").joinpath("data/regions.json").read_text("utf-8")
    return tuple(Region(**row) for row in json.loads(text))


@cache
def regions_by_id() -> dict[str, Region]:
    """Return the regions keyed by id."""
    return {region.id: region for region in all_regions()}
