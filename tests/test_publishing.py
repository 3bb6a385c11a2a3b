"""Publishing: the example CI files deploy often enough, and installs are locked with hashes."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import REPO

BUILD_COMMANDS = ["sitegen check", "sitegen build"]
"""What the README's publishing paragraph says a deploy runs, in this order."""


def load_yaml(name: str) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load((REPO / "examples" / name).read_text("utf-8"))
    return data


def cron_gap(expression: str) -> int:
    """Return the longest wait in minutes between two runs of an hourly-or-more cron."""
    minute, hour, *rest = expression.split()
    assert hour == "*" and rest == ["*", "*", "*"], expression
    step = re.fullmatch(r"\*/(\d+)", minute)
    if step:
        return int(step.group(1))
    minutes = sorted(int(m) for m in minute.split(","))
    return max(b - a for a, b in zip(minutes, [*minutes[1:], minutes[0] + 60], strict=True))


def test_cron_gap_reads_steps_and_lists() -> None:
    assert cron_gap("*/15 * * * *") == 15
    assert cron_gap("0,20,40 * * * *") == 20
    with pytest.raises(AssertionError):
        cron_gap("15 4 * * *")  # once a day


def test_readme_names_the_commands_the_examples_run() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    assert all(f"`{command}`" in readme for command in BUILD_COMMANDS)


def test_github_workflow_deploys_to_pages_every_15_minutes() -> None:
    workflow = load_yaml("publish.yml")
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in triggers
    assert [cron_gap(entry["cron"]) <= 15 for entry in triggers["schedule"]] == [True]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    uses = [step.get("uses", "").split("@")[0] for step in build["steps"]]
    assert uses[-2:] == ["actions/configure-pages", "actions/upload-pages-artifact"]
    assert build["steps"][-1]["with"]["path"] == "public"
    runs = [step["run"] for step in build["steps"] if "run" in step]
    assert "--require-hashes" in runs[0]
    assert runs[1:] == BUILD_COMMANDS
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]


def test_gitlab_pipeline_publishes_public_and_documents_a_15_minute_schedule() -> None:
    pipeline = load_yaml("gitlab-ci.yml")
    job = pipeline["pages"]
    assert job["artifacts"]["paths"] == ["public"]
    assert "--require-hashes" in job["script"][0]
    assert job["script"][-2:] == BUILD_COMMANDS
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in job["rules"]
    comment = (REPO / "examples/gitlab-ci.yml").read_text("utf-8")
    schedule = re.search(r"interval pattern to (\S+ \S+ \S+ \S+ \S+)", comment)
    assert schedule is not None
    assert cron_gap(schedule.group(1)) <= 15


def read_lock(name: str) -> dict[str, tuple[Version, int]]:
    """Return canonical name → (pinned version, number of hashes) of a pip-compile lock."""
    text = (REPO / name).read_text("utf-8").replace("\\\n", " ")
    pins: dict[str, tuple[Version, int]] = {}
    for line in text.splitlines():
        match = re.match(r"([A-Za-z0-9._-]+)==(\S+)", line)
        if match:
            hashes = len(re.findall(r"--hash=sha256:[0-9a-f]{64}", line))
            pins[canonicalize_name(match.group(1))] = (Version(match.group(2)), hashes)
    return pins


def declared(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    names = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(text) for text in names]


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("requirements.lock", declared()),
        ("requirements-dev.lock", declared() + declared("dev")),
    ],
    ids=["runtime", "dev"],
)
def test_every_dependency_is_locked_with_a_hash_within_its_bounds(
    lock: str, requirements: list[Requirement]
) -> None:
    pins = read_lock(lock)
    wrong = []
    for requirement in requirements:
        version, hashes = pins.get(canonicalize_name(requirement.name), (None, 0))
        if version is None or hashes == 0 or version not in requirement.specifier:
            wrong.append(f"{requirement}: locked {version} with {hashes} hashes")
    assert wrong == []
    assert all(hashes > 0 for _, hashes in pins.values())


def test_dev_tools_are_pinned_exactly() -> None:
    tools = {"pytest", "hypothesis", "ruff", "mypy", "playwright"}
    pinned = {
        requirement.name
        for requirement in declared("dev")
        if str(requirement.specifier).startswith("==")
    }
    assert tools <= pinned


def test_make_installs_from_the_lock_and_can_renew_it() -> None:
    makefile = (REPO / "Makefile").read_text("utf-8")
    assert "pip install --quiet --require-hashes -r requirements-dev.lock" in makefile
    assert "pip install --quiet --no-deps --no-build-isolation -e ." in makefile
    assert re.search(r"^lock:", makefile, re.MULTILINE)
    assert "--generate-hashes" in makefile
