"""Convert the Czech Republic's outline from Natural Earth into sitegen/data/czechia.json.

Run once by hand; the build only reads the JSON it writes. The input is
`countries-10m.json` of the npm package world-atlas 2.0.2 (ISC licence; TopoJSON made
from Natural Earth 1:10m Admin 0 countries, which are in the public domain):

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python tools/czech_outline.py package/countries-10m.json

The outline is projected equirectangularly, with longitudes scaled by the cosine of the
middle latitude so the country keeps its shape, and simplified with Douglas-Peucker.
sitegen/link/map.py projects the localities' coordinates with the same numbers.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

CZECHIA = "203"
"""ISO 3166-1 numeric code, the id of Czechia in world-atlas."""
WIDTH = 1000.0
"""Width of the map in SVG units; the height follows from the country's shape."""
MARGIN = 10.0
TOLERANCE = 0.8
"""Largest distance (SVG units) a simplified outline may stray from the original."""
OUTPUT = Path(__file__).resolve().parent.parent / "sitegen" / "data" / "czechia.json"

Point = tuple[float, float]


def decode_arcs(topology: dict[str, object]) -> list[list[Point]]:
    """Return the topology's arcs as absolute longitude/latitude points."""
    transform = topology["transform"]
    assert isinstance(transform, dict)
    (scale_x, scale_y), (shift_x, shift_y) = transform["scale"], transform["translate"]
    arcs: list[list[Point]] = []
    for arc in topology["arcs"]:  # type: ignore[attr-defined]
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def ring_points(ring: list[int], arcs: list[list[Point]]) -> list[Point]:
    """Return a polygon ring from its arc indexes (~i is arc i reversed)."""
    points: list[Point] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points += arc if not points else arc[1:]
    return points


def czech_rings(topology: dict[str, object]) -> list[list[Point]]:
    """Return the rings of Czechia's polygon (outer ring first)."""
    countries = topology["objects"]["countries"]["geometries"]  # type: ignore[index]
    geometry = next(item for item in countries if item.get("id") == CZECHIA)
    assert geometry["type"] == "Polygon", geometry["type"]
    arcs = decode_arcs(topology)
    return [ring_points(ring, arcs) for ring in geometry["arcs"]]


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Return points simplified by Douglas-Peucker (iterative, first and last kept)."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = first, 0.0
        for index in range(first + 1, last):
            found = _distance(points[index], points[first], points[last])
            if found > distance:
                farthest, distance = index, found
        if distance > tolerance:
            keep.add(farthest)
            stack += [(first, farthest), (farthest, last)]
    return [points[index] for index in sorted(keep)]


def _distance(point: Point, start: Point, end: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    length = math.hypot(x2 - x1, y2 - y1)
    if length == 0:
        return math.hypot(x - x1, y - y1)
    return abs((x2 - x1) * (y1 - y) - (x1 - x) * (y2 - y1)) / length


def convert(topology: dict[str, object]) -> dict[str, object]:
    """Return the projection and the SVG path of the outline."""
    rings = czech_rings(topology)
    longitudes = [lon for ring in rings for lon, _ in ring]
    latitudes = [lat for ring in rings for _, lat in ring]
    west, east = min(longitudes), max(longitudes)
    south, north = min(latitudes), max(latitudes)
    x_factor = math.cos(math.radians((south + north) / 2))
    scale = (WIDTH - 2 * MARGIN) / ((east - west) * x_factor)
    height = (north - south) * scale + 2 * MARGIN

    def project(point: Point) -> Point:
        lon, lat = point
        return (MARGIN + (lon - west) * x_factor * scale, MARGIN + (north - lat) * scale)

    path = " ".join(
        _path_of(simplify([project(point) for point in ring], TOLERANCE)) for ring in rings
    )
    return {
        "source": "Natural Earth 1:10m Admin 0 countries (public domain), "
        "via npm world-atlas 2.0.2 (ISC), countries-10m.json; tools/czech_outline.py",
        "width": WIDTH,
        "height": round(height, 1),
        "west": west,
        "north": north,
        "x_factor": x_factor,
        "scale": scale,
        "margin": MARGIN,
        "outline": path,
    }


def _path_of(points: list[Point]) -> str:
    steps = [f"{x:.1f} {y:.1f}" for x, y in points[:-1]]
    return "M" + " L".join(steps) + " Z"


def main() -> None:
    """Read world-atlas' countries-10m.json and write sitegen/data/czechia.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("countries", type=Path, help="countries-10m.json of world-atlas 2.0.2")
    args = parser.parse_args()
    topology = json.loads(args.countries.read_text(encoding="utf-8"))
    OUTPUT.write_text(json.dumps(convert(topology), indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
