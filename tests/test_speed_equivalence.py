"""What makes builds cheaper changes nothing readers get.

Bodies are rendered by a Python-Markdown configured per text without the inline
patterns whose marks the text lacks and, without a [TOC] marker, without making a
table of contents; the Czech typesetting rules are skipped when a scan shows they
cannot apply. For any text, the HTML must be what the full configuration makes.
Compiled templates kept in the cache are used only with the user's signature.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import jinja2
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2.bccache import Bucket, bc_magic

from sitegen.base.typography import _NBSP_RULES, NBSP, _typeset_words
from sitegen.link.markup import _configured, features_of
from tests.conftest import make_site, options_for

PIECES = [
    "slovo",
    " ",
    "\n",
    "\n\n",
    "  \n",
    "\t",
    "\r\n",
    "*",
    "**",
    "_",
    "__",
    "`",
    "\\",
    "[",
    "]",
    "(",
    ")",
    "[a]",
    "[a][x]",
    "[x]: /adresa",
    "\n[x]: http://e.cz\n",
    "![obr](a.png)",
    "<b>",
    "</b>",
    "<http://e.cz>",
    "<a@b.cz>",
    "&amp;",
    "&",
    "# ",
    "## Nadpis",
    "[TOC]",
    "> ",
    "- ",
    "1. ",
    "| a | b |\n|---|---|\n| c | d |",
    "[^1]",
    "\n[^1]: poznámka\n",
    "{: .trida }",
    "```\nkód\n```",
]
markdown_texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def full_markdown(text: str) -> str:
    """Return text rendered with every inline pattern and a full table of contents."""
    needed, _unused = features_of(text)
    md, _links = _configured(needed | {"toc-marker"}, frozenset())
    return md.convert(text)


def chosen_markdown(text: str) -> str:
    """Return text rendered as sitegen renders it: only what the text can use."""
    md, _links = _configured(*features_of(text))
    return md.convert(text)


@settings(max_examples=1500, deadline=None)
@given(markdown_texts)
def test_a_body_renders_as_with_every_pattern(text: str) -> None:
    assert chosen_markdown(text) == full_markdown(text)


TYPESET_PIECES = [
    "slovo",
    " ",
    "v ",
    "20. ",
    "10. ",
    "2017",
    "října",
    "1 000",
    " Kč",
    "35 mil. ",
    "§ 8",
    "č. 85",
    "s. r. o.",
    "Mgr. ",
    "2013-2015",
    " - ",
    '"',
    "&quot;",
    "http://e.cz/a-b",
    "a@b.cz",
    "<b>",
    "</b>",
    "<code>",
    "</code>",
    NBSP,
]


def every_rule(text: str) -> str:
    """Return text with every typesetting rule applied, none skipped."""
    for _needs, pattern, replacement in _NBSP_RULES:
        text = pattern.sub(replacement, text)
    return text


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(TYPESET_PIECES), max_size=30).map("".join))
def test_a_skipped_typesetting_rule_is_one_that_cannot_apply(text: str) -> None:
    assert _typeset_words(text) == every_rule(text)


def test_a_forged_compiled_template_is_never_used(tmp_path: Path) -> None:
    from sitegen.engine import make
    from sitegen.engine.pipeline import build
    from sitegen.render import compiled as compiled_code

    compiled_code._COMPILED.clear()  # as a new process: compiled templates go to the cache
    site = make_site(
        tmp_path / "site",
        {"content/news/2020-01-01-zprava.md": "---\ntitle: Zpráva\ndate: 2020-01-01\n---\nText.\n"},
    )
    options = options_for(site, tmp_path / "first")
    build(options)
    compiled = sorted((site / ".sitegen-cache/templates").iterdir())
    assert len(compiled) > 1, "the first build keeps its compiled templates"
    # Each file keeps its signature and its template's source checksum (which Jinja
    # checks itself) but holds another template's code: were the signatures not
    # checked, pages would come out of the wrong templates.
    buckets = []
    for path in compiled:
        stored = path.read_bytes()[32:]
        checksum = pickle.loads(stored[len(bc_magic) :])  # the bytes after it are ignored
        bucket = Bucket(jinja2.Environment(), path.name, checksum)
        bucket.bytecode_from_string(stored)
        buckets.append(bucket)
    for path, bucket, other in zip(compiled, buckets, buckets[1:] + buckets[:1], strict=True):
        bucket.code = other.code
        path.write_bytes(path.read_bytes()[:32] + bucket.bytecode_to_string())
    make._ENVIRONMENTS.clear()  # as a new process: templates come from the cache
    compiled_code._COMPILED.clear()
    second = options_for(site, tmp_path / "second")
    build(second)
    for page in (tmp_path / "first").rglob("*.html"):
        relative = page.relative_to(tmp_path / "first")
        assert (tmp_path / "second" / relative).read_bytes() == page.read_bytes(), relative
