"""The property tests' profiles: CI replays the same examples, a developer explores."""

from __future__ import annotations

from hypothesis import settings

from tests.conftest import REPO


def test_ci_runs_the_derandomised_profile() -> None:
    ci = settings.get_profile("ci")
    assert ci.derandomize is True
    assert ci.database is None
    assert "export HYPOTHESIS_PROFILE=ci" in (REPO / ".ci/run").read_text("utf-8")


def test_a_developer_explores_and_keeps_failures_out_of_git() -> None:
    explore = settings.get_profile("explore")
    assert explore.derandomize is False
    assert explore.database is not None
    assert ".hypothesis/" in (REPO / ".gitignore").read_text("utf-8").splitlines()
