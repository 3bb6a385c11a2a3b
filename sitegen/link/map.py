"""Map stage: localities → markers on an SVG outline of the Czech Republic.

Input: Localities with coordinates. Output: a LocalityMap (view box, outline path and
one marker per locality) for the template to draw inline: no tiles, no other host.
The outline and its projection come from sitegen/data/czechia.json, which
tools/czech_outline.py made once from Natural Earth.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sitegen.content.models import Locality

MARKER_SIZE = 14.0
"""Half the width of a marker, in the map's units (the map is 1000 units wide)."""


@dataclass(frozen=True, slots=True)
class Projection:
    """Equirectangular, with longitudes scaled by the cosine of the middle latitude."""

    west: float
    north: float
    x_factor: float
    scale: float
    margin: float

    def project(self, latitude: float, longitude: float) -> tuple[float, float]:
        """Return the map's x and y (SVG units, y downwards) of a point."""
        x = self.margin + (longitude - self.west) * self.x_factor * self.scale
        y = self.margin + (self.north - latitude) * self.scale
        return round(x, 1), round(y, 1)


@dataclass(frozen=True, slots=True)
class Outline:
    """The country's outline as an SVG path, and the projection it was drawn with."""

    width: float
    height: float
    path: str
    projection: Projection


@dataclass(frozen=True, slots=True)
class Marker:
    """One locality on the map."""

    locality: Locality
    x: float
    y: float

    @property
    def points(self) -> str:
        """Return the corners of the marker's triangle (status planned), as SVG points."""
        size = MARKER_SIZE
        top = f"{self.x:.1f},{self.y - size * 1.15:.1f}"
        right = f"{self.x + size:.1f},{self.y + size * 0.75:.1f}"
        left = f"{self.x - size:.1f},{self.y + size * 0.75:.1f}"
        return f"{top} {right} {left}"


@dataclass(frozen=True, slots=True)
class LocalityMap:
    """What the template needs to draw the map."""

    width: float
    height: float
    outline: str
    markers: tuple[Marker, ...]
    marker_size: float = MARKER_SIZE


@cache
def czech_outline() -> Outline:
    """Return the outline shipped in sitegen/data/czechia.json."""
    text = resources.files("sitegen").joinpath("data/czechia.json").read_text("utf-8")
    data = json.loads(text)
    projection = Projection(
        data["west"], data["north"], data["x_factor"], data["scale"], data["margin"]
    )
    return Outline(data["width"], data["height"], data["outline"], projection)


def plan_map(localities: Iterable[Locality]) -> LocalityMap:
    """Return the map of the localities that have coordinates.

    Ended cooperation is drawn first, so current markers lie on top where they overlap.
    """
    outline = czech_outline()
    placed = sorted(
        (x for x in localities if x.coordinates),
        key=lambda x: (x.status != "ended", x.status == "active"),
    )
    markers = tuple(
        Marker(locality, *outline.projection.project(*locality.coordinates))
        for locality in placed
        if locality.coordinates
    )
    return LocalityMap(outline.width, outline.height, outline.path, markers)
