"""The map's markers are spread as trying every pair of them would spread them.

sitegen.link.map tries only the markers in the cells around each one; this checks its
places against the plain version that tries every pair, on crowded groups, markers at
one point and markers by the map's edge.
"""

from __future__ import annotations

import random

from sitegen.link import map as locality_map
from sitegen.link.map import MAX_ROUNDS, TARGET_RADIUS, Point, czech_outline, spread


def every_pair(points: list[Point], width: float, height: float) -> list[Point]:
    """Spread the markers by trying every pair in every round (the plain version)."""
    shown = [(float(x), float(y)) for x, y in points]
    gap = 2 * TARGET_RADIUS * 1.01
    for _ in range(MAX_ROUNDS):
        moved = False
        for i in range(len(shown)):
            for j in range(i + 1, len(shown)):
                push = locality_map._push(shown[i], shown[j], gap, i + j)
                if push:
                    moved = True
                    shown[i] = locality_map._inside(
                        shown[i][0] - push[0], shown[i][1] - push[1], width, height
                    )
                    shown[j] = locality_map._inside(
                        shown[j][0] + push[0], shown[j][1] + push[1], width, height
                    )
        if not moved:
            break
    return shown


def groups(rng: random.Random) -> list[Point]:
    """Return a few groups of markers, some at one point, some by an edge."""
    outline = czech_outline()
    points: list[Point] = []
    for _ in range(rng.randrange(1, 4)):
        reach = rng.choice([10.0, 60.0, 250.0, 1000.0])
        x, y = rng.choice(
            [(rng.uniform(0, outline.width), rng.uniform(0, outline.height)), (5.0, 5.0)]
        )
        group = [
            (round(x + rng.uniform(-reach, reach), 1), round(y + rng.uniform(-reach, reach), 1))
            for _ in range(rng.randrange(1, 12))
        ]
        points += group + group[: rng.randrange(0, 3)]
    return points


def test_markers_are_spread_as_trying_every_pair_would_spread_them() -> None:
    outline = czech_outline()
    rng = random.Random(20261207)
    crowded = 0
    for _ in range(60):
        points = groups(rng)
        expected = every_pair(points, outline.width, outline.height)
        assert spread(points, outline.width, outline.height) == expected, points
        crowded += expected != points
    assert crowded > 30  # most cases had markers to push apart


def test_the_same_markers_spread_again_come_out_the_same() -> None:
    outline = czech_outline()
    points = [(500.0, 300.0)] * 5 + [(510.0, 305.0)] * 3
    first = spread(points, outline.width, outline.height)
    first.append((0.0, 0.0))  # the caller's list is its own
    assert spread(points, outline.width, outline.height) == first[:-1]
    assert spread(points, outline.width, outline.height) == every_pair(
        points, outline.width, outline.height
    )
