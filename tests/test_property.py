"""Any news file, however hostile, ends in a built site or in error lines (issue 11).

Hypothesis writes front matter and bodies full of control characters, escapes of
surrogates, huge and deeply nested values and random keys into one news file of a
mini-site, builds it, and checks the promises: exit status 0 or 1, no traceback, no
exception, an untouched output folder after a failure, and a bounded time.
"""

from __future__ import annotations

import contextlib
import io
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sitegen.commands.cli import main
from tests.conftest import NOW_EPOCH, make_site

NEWS = "content/news/2017-10-20-zprava.md"
SECONDS_PER_BUILD = 20
"""A build of this mini-site takes well under a second; 20 s means something blew up."""

KEYS = ["title", "date", "summary", "place", "tags", "regions", "documents", "image", "slug"]
NASTY = ["\x00", "\x0b", "\x1b", "\x01", "\x7f", "\x85", "\u2028", "\ufeff", "\r", "\t", "\\"]
"""Characters that broke parsers before: controls, C1, line separators, BOM, escapes."""

texts = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(NASTY)), max_size=40
)
clean_texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=40
)
"""Text the reading stage lets through: what Markdown, typography and feeds then get."""
scalars = st.one_of(
    texts,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.booleans(),
    st.none(),
    st.sampled_from(["2017-10-20", "2017-13-45", "9999-12-31T23:59", "0001-01-01"]),
    st.integers(min_value=1, max_value=3_000_000).map(lambda size: "x" * size),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=30,
)
front_matters = st.dictionaries(st.one_of(st.sampled_from(KEYS), texts), values, max_size=8)
plausible_fronts = st.fixed_dictionaries(
    {"title": clean_texts.filter(str.strip), "date": st.just("2017-10-20")},
    optional={
        "summary": clean_texts,
        "place": clean_texts,
        "tags": st.lists(clean_texts, max_size=3),
        "author": clean_texts,
        "source": clean_texts,
    },
)
"""Front matter that passes the schema, so that Markdown, typography and feeds get the text."""


def dump(data: dict[str, Any], deep: int) -> str:
    """Return data as YAML (escapes and all), with a list nested deep levels added."""
    text = yaml.safe_dump(data, allow_unicode=True, width=80)
    return text + ("nested: " + "[" * deep + "]" * deep + "\n" if deep else "")


raw_lines = st.lists(texts, max_size=6).map("\n".join)
"""Front matter that is not even YAML."""
MARKDOWN = ["# H", "> q", "- i", "1. n", "`c`", "*e*", "[l](x)", "<b>", "| t |", "    code"]


def bodies(text: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Return Markdown bodies: lines of text and Markdown syntax."""
    return st.one_of(text, st.lists(st.sampled_from(MARKDOWN) | text, max_size=30).map("\n".join))


files = st.one_of(
    st.builds(
        lambda front, deep, body: f"---\n{dump(front, deep)}---\n{body}",
        front_matters,
        st.sampled_from([0, 0, 5, 25, 5000]),
        bodies(texts),
    ),
    st.builds(lambda front, body: f"---\n{front}\n---\n{body}", raw_lines, bodies(texts)),
    st.builds(
        lambda front, body: f"---\n{dump(front, 0)}---\n{body}",
        plausible_fronts,
        bodies(clean_texts),
    ),
    st.builds(
        lambda front, body: f"---\n{dump(front, 0)}---\n{body}",
        plausible_fronts,
        bodies(clean_texts),
    ),
)


def tree(folder: Path) -> dict[str, bytes]:
    """Return every file under folder with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,  # one site for all examples; each rewrites it
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(text=files)
def test_any_news_file_builds_or_fails_cleanly(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(NOW_EPOCH))
    site = tmp_path / "site"
    if not site.exists():
        make_site(site, {})
    (site / NEWS).parent.mkdir(parents=True, exist_ok=True)
    (site / NEWS).write_bytes(text.encode("utf-8", "surrogatepass"))
    output = site / "public"
    before = tree(output) if output.exists() else None
    err = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        status = main(
            ["build", "--source", str(site), "--output", str(output), "--jobs", "1", "--no-cache"]
        )
    assert time.perf_counter() - started < SECONDS_PER_BUILD
    assert status in (0, 1), err.getvalue()
    assert "Traceback" not in err.getvalue()
    event(f"exit status {status}")
    if status == 1:
        assert (tree(output) if output.exists() else None) == before
