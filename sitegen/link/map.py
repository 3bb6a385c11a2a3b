"""Map stage: localities → markers on an SVG outline of the Czech Republic.

Input: Localities with coordinates. Output: a LocalityMap (view box, outline path and
one marker per locality) for the template to draw inline: no tiles, no other host.
No marker covers another: markers closer than a tap target are spread on a ring around
the middle of their group, each with a leader line to where the locality lies.
The outline and its projection come from sitegen/data/czechia.json, which
tools/czech_outline.py made once from Natural Earth.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from sitegen.content.models import Locality

MARKER_SIZE = 14.0
"""Half the width of a marker, in the map's units (the map is 1000 units wide)."""
TARGET_RADIUS = 40.0
"""Half the tap target of a marker, in the map's units: 27 px where the map is 343 px
wide (a 375 px phone), 23 px at 320 px. Markers are spread until their targets do not
overlap."""
EDGE = MARKER_SIZE + 6
"""How close to the map's edge a spread marker may come."""

Point = tuple[float, float]


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
    anchor: Point | None = None
    """Where the locality lies, when the marker was moved off it (None: it was not)."""
    label_end: bool = False
    """The name is drawn left of the marker (it would leave the map on the right)."""

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
    target_radius: float = TARGET_RADIUS


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
    true = [
        outline.projection.project(*locality.coordinates)
        for locality in placed
        if locality.coordinates
    ]
    shown = spread(true, outline.width, outline.height)
    markers = tuple(
        Marker(
            locality,
            round(x, 1),
            round(y, 1),
            anchor=at if math.dist((x, y), at) > 1 else None,
            label_end=x > outline.width * 0.75,
        )
        for locality, at, (x, y) in zip(placed, true, shown, strict=True)
    )
    return LocalityMap(outline.width, outline.height, outline.path, markers)


def spread(points: Sequence[Point], width: float, height: float) -> list[Point]:
    """Return where to draw markers at points so that no two tap targets overlap.

    Markers that overlap push each other apart along the line between them, each by
    half the overlap (markers at one point, in directions set by their order), kept
    inside the map, until none overlaps: each moves no further than its neighbours
    make it. The same points give the same places (a rebuild in one process does not
    spread them again).
    """
    return list(_spread(tuple((float(x), float(y)) for x, y in points), width, height))


@lru_cache(maxsize=4)
def _spread(points: tuple[Point, ...], width: float, height: float) -> tuple[Point, ...]:
    """Push the markers apart pair by pair, i before j, as if every pair were tried.

    Markers whose cells (a little over a gap wide) do not touch are a gap apart
    already, so only the markers in the cells around i are tried, in order: the same
    places as trying every pair, with a tenth of the tries for 300 markers.
    """
    shown = list(points)
    gap = 2 * TARGET_RADIUS * 1.01
    grid = _Grid(shown, gap * 1.01)  # wider than the gap, whatever the rounding
    for _ in range(MAX_ROUNDS):
        moved = False
        for i in range(len(shown)):
            near = grid.near(i, i)
            while near:
                j = near.pop()
                push = _push(shown[i], shown[j], gap, i + j)
                if push:
                    moved = True
                    grid.move(
                        j, _inside(shown[j][0] + push[0], shown[j][1] + push[1], width, height)
                    )
                    if grid.move(
                        i, _inside(shown[i][0] - push[0], shown[i][1] - push[1], width, height)
                    ):
                        near = grid.near(i, j)
        if not moved:
            break
    return tuple(shown)


class _Grid:
    """The markers' places, and which markers lie in each square cell."""

    def __init__(self, shown: list[Point], size: float) -> None:
        self.shown, self.size = shown, size
        self.cell = [(math.floor(x / size), math.floor(y / size)) for x, y in shown]
        self.cells: dict[tuple[int, int], set[int]] = {}
        for index, cell in enumerate(self.cell):
            self.cells.setdefault(cell, set()).add(index)

    def move(self, index: int, point: Point) -> bool:
        """Put the marker index at point; return whether it moved to another cell."""
        self.shown[index] = point
        cell = (math.floor(point[0] / self.size), math.floor(point[1] / self.size))
        old = self.cell[index]
        if cell == old:
            return False
        self.cell[index] = cell
        self.cells[old].discard(index)
        self.cells.setdefault(cell, set()).add(index)
        return True

    def near(self, index: int, after: int) -> list[int]:
        """Return the markers after `after` in the cells around index's, last first."""
        cx, cy = self.cell[index]
        cells = self.cells
        found = [
            other
            for x in (cx - 1, cx, cx + 1)
            for y in (cy - 1, cy, cy + 1)
            for other in cells.get((x, y), ())
            if other > after
        ]
        found.sort(reverse=True)
        return found


MAX_ROUNDS = 500
"""Rounds of pushing apart; the sample's densest group needs about 40."""


def _push(a: Point, b: Point, gap: float, seed: int) -> Point | None:
    """Return how far b moves away from a (a moves back as far), or None when they are
    gap apart already."""
    distance = math.dist(a, b)
    if distance >= gap:
        return None
    if distance < 1e-6:
        angle = seed * 2.399963  # the golden angle: markers at one point fan out
        direction = (math.cos(angle), math.sin(angle))
    else:
        direction = ((b[0] - a[0]) / distance, (b[1] - a[1]) / distance)
    half = (gap - distance) / 2 + 0.01
    return direction[0] * half, direction[1] * half


def _inside(x: float, y: float, width: float, height: float) -> Point:
    return min(max(x, EDGE), width - EDGE), min(max(y, EDGE), height - EDGE)
