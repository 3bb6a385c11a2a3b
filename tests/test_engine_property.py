"""After any sequence of edits, renames and deletions, an incremental build equals a cold one."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.pipeline import build
from tests.conftest import LOCALITY, make_site, options_for
from tests.test_golden import tree

WORDS = ("bydlení", "dotace", "Žlutice", "kraj", "škola", "výzva", "poradna")


def news(title: str, day: int, tags: list[str], body: str) -> str:
    return (
        f"---\ntitle: {title}\ndate: 2024-0{1 + day % 9}-1{day % 10}\n"
        f"tags: [{', '.join(tags)}]\nlocalities: [zlutice]\n---\n{body}\n"
    )


texts = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6).map(" ".join)
tags = st.lists(st.sampled_from(WORDS[:4]), max_size=2, unique=True)
operations = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 5), texts),
    st.tuples(st.just("retitle"), st.integers(0, 5), texts),
    st.tuples(st.just("retag"), st.integers(0, 5), tags),
    st.tuples(st.just("redate"), st.integers(0, 5), st.integers(0, 30)),
    st.tuples(st.just("rename"), st.integers(0, 5), st.sampled_from(("a", "b", "c"))),
    st.tuples(st.just("delete"), st.integers(0, 5), st.none()),
    st.tuples(st.just("add"), st.integers(0, 30), texts),
    st.tuples(st.just("template"), st.sampled_from(("base.html", "news_item.html")), texts),
    st.tuples(st.just("static"), st.integers(0, 1), texts),
)


def apply(site: Path, operation: tuple[str, object, object]) -> None:
    kind, which, value = operation
    files = sorted((site / "content/news").glob("*.md"))
    if kind == "template":
        path = site / "templates" / str(which)
        path.write_text(path.read_text() + f"{{# {value} #}}\n")
    elif kind == "static":
        (site / f"static/poznamka-{which}.txt").write_text(str(value))
    elif kind == "add":
        name = f"2024-02-{1 + int(str(which)) % 28:02d}-nova-{len(files)}.md"
        (site / "content/news" / name).write_text(news("Nová", int(str(which)), [], str(value)))
    elif files:
        _change(files[int(str(which)) % len(files)], kind, value)


def _change(path: Path, kind: str, value: object) -> None:
    text = path.read_text()
    if kind == "edit":
        path.write_text(text + f"\n{value}\n")
    elif kind == "retitle":
        path.write_text(text.replace("title: ", f"title: {value} ", 1))
    elif kind == "retag":
        lines = [line for line in text.splitlines() if not line.startswith("tags:")]
        lines.insert(1, f"tags: [{', '.join(value)}]")  # type: ignore[arg-type]
        path.write_text("\n".join(lines) + "\n")
    elif kind == "redate":
        day = int(str(value))
        lines = text.splitlines()
        lines = [
            f"date: 2023-0{1 + day % 9}-{1 + day % 28:02d}" if x.startswith("date:") else x
            for x in lines
        ]
        path.write_text("\n".join(lines) + "\n")
    elif kind == "rename":
        path.rename(path.with_name(path.stem + f"-{value}.md"))
    elif kind == "delete":
        path.unlink()


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(operations, min_size=1, max_size=4))
def test_incremental_build_equals_a_cold_one_after_random_changes(
    steps: list[tuple[str, object, object]],
) -> None:
    with tempfile.TemporaryDirectory(prefix="sitegen-property-") as folder:
        root = Path(folder)
        files: dict[str, str | bytes] = {
            "content/localities/zlutice.md": LOCALITY,
            "static/poznamka-0.txt": "první",
        }
        for n, word in enumerate(WORDS[:4]):
            files[f"content/news/2024-01-1{n}-zprava-{n}.md"] = news(
                f"Zpráva {word}", n, [word], f"Text o {word}."
            )
        site = make_site(root / "site", files)
        options = dataclasses.replace(options_for(site), search=False, jobs=1)
        build(options)
        for number, step in enumerate(steps):
            apply(site, step)
            build(options)
            cold = dataclasses.replace(
                options, output_path=root / f"cold-{number}", use_cache=False
            )
            build(cold)
            assert tree(site / "public") == tree(root / f"cold-{number}"), (number, step)
