"""Golden trees: each tests/sites/<name>/input builds to exactly tests/sites/<name>/expected.

Regenerate after an intended change with `make golden` (pytest --update-golden) and
review the diff like any other change.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitegen.engine.pipeline import build
from tests.conftest import REPO, options_for

SITES = Path(__file__).parent / "sites"


def tree(root: Path) -> dict[str, bytes]:
    """Return {relative path: bytes} of every file under root."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("name", sorted(p.name for p in SITES.iterdir() if p.is_dir()))
def test_site_builds_to_its_golden_tree(
    name: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITES / name / "input", site)
    shutil.copytree(REPO / "templates", site / "templates")
    # The search index is Pagefind's output, not ours, and not byte-stable (see search.py):
    # the build makes none.
    build(options_for(site, tmp_path / "public"))
    built = tree(tmp_path / "public")
    expected_path = SITES / name / "expected"
    if request.config.getoption("--update-golden"):
        shutil.rmtree(expected_path, ignore_errors=True)
        shutil.copytree(tmp_path / "public", expected_path)
    expected = tree(expected_path)
    assert sorted(built) == sorted(expected)
    for rel, data in expected.items():
        assert built[rel].decode(errors="replace") == data.decode(errors="replace"), rel
