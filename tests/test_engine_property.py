"""After any sequence of edits, renames and deletions, an incremental build equals a cold one.

Hostile edits too (links that loop, lead nowhere or out of the site, pipes, files and
folders without read permission, bytes that are not UTF-8, control characters, names
that are not UTF-8): after each, the incremental build fails or succeeds as a cold
build of the same input does, with the same problems and the same output, and once
the edit is undone, both build again and are equal.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.base.errors import ContentError
from sitegen.base.options import BuildOptions
from sitegen.engine.pipeline import build
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
    st.tuples(st.just("translate"), st.integers(0, 5), texts),
    st.tuples(st.just("untranslate"), st.integers(0, 5), st.none()),
)

HOSTILE = (
    "dangling link",
    "link loop",
    "link out of the site",
    "unreadable file",
    "unreadable folder",
    "fifo",
    "bytes not UTF-8",
    "control character in front matter",
    "name not UTF-8",
    "fifo in static",
    "link out of static",
)
ADDED = "content/news/2024-03-01-pridana.md"


def spoil(site: Path, kind: str) -> Callable[[], None]:
    """Make one hostile change to site; return the function that undoes it."""
    added = site / ADDED
    first = sorted((site / "content/news").glob("*.md"))[0]
    before = first.read_bytes()
    outside = site.parent / "mimo-web.md"
    if kind in ("dangling link", "link loop", "link out of the site"):
        target = {"dangling link": "nikde.md", "link loop": added.name}.get(kind, outside)
        outside.write_text(news("Mimo web", 3, [], "Cizí text."))
        added.symlink_to(target)
        return added.unlink
    if kind in ("unreadable file", "unreadable folder"):
        path, mode = (first, 0o000) if kind == "unreadable file" else (first.parent, 0o300)
        path.chmod(mode)
        return lambda: path.chmod(0o755 if path.is_dir() else 0o644)
    if kind in ("fifo", "fifo in static"):
        pipe = added if kind == "fifo" else site / "static/roura.txt"
        os.mkfifo(pipe)
        return pipe.unlink
    if kind in ("bytes not UTF-8", "control character in front matter"):
        spoiled = (
            before + b"\xff\xfe\n"
            if kind == "bytes not UTF-8"
            else before.replace(b"title: ", b"title: \x07", 1)
        )
        first.write_bytes(spoiled)

        def restore() -> None:
            first.write_bytes(before)

        return restore
    if kind == "name not UTF-8":
        odd = site / "content/news/2024-03-02-\udcff.md"
        odd.write_text(news("Jméno", 4, [], "Text."))
        return odd.unlink
    assert kind == "link out of static"
    link = site / "static/odkaz.txt"
    outside.write_text("cizí")
    link.symlink_to(outside)
    return link.unlink


@contextlib.contextmanager
def permissions_as_for_a_user() -> Iterator[None]:
    """Refuse to open a file, or list a folder, whose owner may not read it, as the
    kernel refuses every user but root. Tests run as root in CI, and root reads
    whatever the permissions say; as any other user, this changes nothing."""
    real_open, real_scandir = os.open, os.scandir

    def check(path: object) -> None:
        if isinstance(path, str | Path) and not Path(path).stat().st_mode & stat.S_IRUSR:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    def guarded_open(path: str | Path, flags: int, mode: int = 0o777, **kwargs: int) -> int:
        with contextlib.suppress(FileNotFoundError):
            check(path)
        return real_open(path, flags, mode, **kwargs)

    def guarded_scandir(path: str | Path = ".") -> Iterator[os.DirEntry[str]]:
        check(path)
        return real_scandir(path)

    with (
        mock.patch.object(os, "open", guarded_open),
        mock.patch.object(os, "scandir", guarded_scandir),
    ):
        yield


Outcome = tuple[str, ...] | None
"""The problems of a failed build, as the command line prints them; None: it succeeded."""


def outcome(options: BuildOptions) -> Outcome:
    """Build; return the problems it refused the input for, or None."""
    try:
        build(options)
    except ContentError as error:
        return tuple(str(problem) for problem in error.problems)
    return None


def assert_like_cold(options: BuildOptions, cold: BuildOptions, what: object) -> Outcome:
    """Build incrementally and cold; assert that both end alike; return how."""
    kept = tree(options.output_path)
    result = outcome(options)
    assert outcome(cold) == result, what
    if result is None:
        assert tree(options.output_path) == tree(cold.output_path), what
    else:  # nothing written, by either
        assert tree(options.output_path) == kept, what
        assert not cold.output_path.exists(), what
    return result


def translation(title: str, body: str) -> str:
    return f"---\ntitle: {title}\n---\n{body}\n"


def translation_of(path: Path) -> Path:
    """Return where the English translation of the news item at path is."""
    return path.with_name(f"{path.stem}.en.md")


def apply(site: Path, operation: tuple[str, object, object]) -> None:
    kind, which, value = operation
    every = sorted((site / "content/news").glob("*.md"))
    files = [path for path in every if not path.name.endswith(".en.md")]
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
    """Change the news item at path (its translation goes with it when it moves)."""
    english = translation_of(path)
    if kind == "translate":  # write it anew, or add to its title and text
        old = english.read_text() if english.exists() else translation("News", "Text.")
        english.write_text(old.replace("title: ", f"title: {value} ", 1) + f"\n{value}\n")
        return
    if kind == "untranslate":
        english.unlink(missing_ok=True)
        return
    if kind in ("rename", "delete") and english.exists():
        _change(english, kind, value)
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
        stem, english_suffix = path.stem.removesuffix(".en"), path.stem.endswith(".en")
        path.rename(path.with_name(f"{stem}-{value}{'.en' if english_suffix else ''}.md"))
    elif kind == "delete":
        path.unlink()


def small_site(root: Path) -> BuildOptions:
    """Write a site of four news items under root, build it; return its options."""
    files: dict[str, str | bytes] = {
        "content/localities/zlutice.md": LOCALITY,
        "static/poznamka-0.txt": "první",
    }
    for n, word in enumerate(WORDS[:4]):
        files[f"content/news/2024-01-1{n}-zprava-{n}.md"] = news(
            f"Zpráva {word}", n, [word], f"Text o {word}."
        )
    files["content/news/2024-01-10-zprava-0.en.md"] = translation("News", "A text.")
    site = make_site(root / "site", files)
    options = dataclasses.replace(options_for(site), search=False, jobs=1)
    build(options)
    return options


def cold_options(options: BuildOptions, name: str) -> BuildOptions:
    """Return options for a cold build of the same input into a folder of its own.

    The same input, not a copy: copying would read the pipe (and wait for ever) and
    would change where relative links lead.
    """
    output = options.site_path.parent / name
    return dataclasses.replace(options, output_path=output, use_cache=False)


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_change_after_a_build_is_judged_as_a_cold_build_judges_it(
    kind: str, tmp_path: Path
) -> None:
    options = small_site(tmp_path)
    with permissions_as_for_a_user():
        undo = spoil(options.site_path, kind)
        refused = assert_like_cold(options, cold_options(options, "cold-1"), kind)
        assert assert_like_cold(options, cold_options(options, "cold-2"), kind) == refused
        undo()
        assert assert_like_cold(options, cold_options(options, "cold-3"), kind) is None


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(
        st.one_of(operations, st.tuples(st.just("hostile"), st.sampled_from(HOSTILE), st.none())),
        min_size=1,
        max_size=4,
    )
)
def test_incremental_build_equals_a_cold_one_after_random_changes(
    steps: list[tuple[str, object, object]],
) -> None:
    with (
        tempfile.TemporaryDirectory(prefix="sitegen-property-") as folder,
        permissions_as_for_a_user(),
    ):
        options = small_site(Path(folder))
        for number, step in enumerate(steps):
            if step[0] != "hostile":
                apply(options.site_path, step)
                cold = cold_options(options, f"cold-{number}")
                assert assert_like_cold(options, cold, (number, step)) is None
                continue
            undo = spoil(options.site_path, str(step[1]))
            assert_like_cold(options, cold_options(options, f"cold-{number}"), (number, step))
            undo()
            cold = cold_options(options, f"cold-{number}-undone")
            assert assert_like_cold(options, cold, (number, step, "undone")) is None
