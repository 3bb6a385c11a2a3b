"""The package tree shows the pipeline: a stage imports only the stages before it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"

STAGES = ["base", "content", "link", "plan", "render", "engine", "preview", "commands"]
"""The stage packages of sitegen, in pipeline order."""

LONGEST = 500
"""Lines a module may have: more means it holds more than one concern."""


def modules() -> list[Path]:
    return sorted(path for path in PACKAGE.rglob("*.py") if "__pycache__" not in path.parts)


def stage_of(module: str) -> str:
    return module.removeprefix("sitegen.").split(".")[0]


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sitegen."):
            found.add(node.module)
        if isinstance(node, ast.ImportFrom) and node.module == "sitegen":
            found |= {f"sitegen.{alias.name}" for alias in node.names if alias.name in STAGES}
    return found


def test_every_module_lives_in_a_stage_package() -> None:
    top = {path.name for path in PACKAGE.glob("*.py")}
    assert top == {"__init__.py", "__main__.py"}
    assert {path.parent.name for path in PACKAGE.glob("*/*.py")} <= set(STAGES)


def test_a_stage_imports_only_itself_and_earlier_stages() -> None:
    for path in modules():
        if path.parent == PACKAGE:
            continue
        stage = path.relative_to(PACKAGE).parts[0]
        allowed = set(STAGES[: STAGES.index(stage) + 1])
        for module in imports_of(path):
            if module == "sitegen":
                continue
            assert stage_of(module) in allowed, f"{path.relative_to(PACKAGE)} imports {module}"


def test_every_module_says_its_one_concern_and_is_short() -> None:
    for path in modules():
        tree = ast.parse(path.read_text())
        assert ast.get_docstring(tree), f"{path.relative_to(PACKAGE)} has no docstring"
        lines = len(path.read_text().splitlines())
        assert lines <= LONGEST, f"{path.relative_to(PACKAGE)} has {lines} lines"
