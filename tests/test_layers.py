"""Imports point backwards along the pipeline: no stage imports a later one."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "sitegen"

BASE = {
    "errors",
    "i18n",
    "validation",
    "yamldoc",
    "options",
    "filetypes",
    "cache",
    "parallel",
    "state",
    "lock",
    "fingerprint",
    "config",
    "regions",
    "urls",
    "typography",
}
PIPELINE = [
    "content.frontmatter",
    "content.schema",
    "content.skeletons",
    "content.kinds",
    "content.sources",
    "content.models",
    "content.load",
    "content.memo",
    "images",
    "markup",
    "bodies",
    "site",
    "cooperation",
    "map",
    "structured",
    "routes",
    "sandbox",
    "templates",
    "feeds",
    "sitemap",
    "search",
    "writer",
    "outputs",
    "snapshot",
    "quick",
]
TOP = {"pipeline", "check", "scaffold", "server", "cli", "__main__"}


def imports_of(module: str) -> set[str]:
    path = PACKAGE / (module.replace(".", "/") + ".py")
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sitegen."):
            found.add(node.module.removeprefix("sitegen."))
    return found


def test_stages_import_only_earlier_stages_and_the_base() -> None:
    for index, module in enumerate(PIPELINE):
        allowed = BASE | set(PIPELINE[:index])
        assert imports_of(module) <= allowed, module


def test_the_base_imports_no_stage() -> None:
    for module in BASE:
        assert imports_of(module) <= BASE, module


def test_every_module_has_a_place() -> None:
    modules = {
        path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")
        for path in PACKAGE.rglob("*.py")
        if path.stem != "__init__"
    }
    assert modules == BASE | set(PIPELINE) | TOP
