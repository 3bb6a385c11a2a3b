"""Hostile input at the output end: typesetting time, deep nesting, text hidden by raw
HTML, markup in feeds and characters XML cannot hold (issue 11)."""

from __future__ import annotations

import signal
from collections.abc import Callable
from types import FrameType
from typing import TypeVar

import pytest

from sitegen.typography import typeset_html, typeset_text

T = TypeVar("T")
NB = "\u00a0"
MB2 = 2_000_000


def within(seconds: float, work: Callable[[], T]) -> T:
    """Return work(), failing the test once it has run for seconds (no waiting for it)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return work()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def repeat(unit: str) -> str:
    """Return unit repeated to about 2 MB."""
    return unit * (MB2 // len(unit))


# 1. Typesetting is one pass ----------------------------------------------------------
# Each shape took seconds at 40 KB before (quadratic or worse); 2 MB now take well under
# a second. 5 s is out of reach of any quadratic rule, so the bound cannot flake.

TEXT_SHAPES = {
    "token without spaces": repeat("a"),
    "at signs": repeat("@"),
    "e-mail-like runs": repeat("a@bc "),
    "quotes": repeat('"'),
    "quoted words": repeat('"a" '),
    "nested quotes": repeat('„"'),
    "one-letter words": repeat("v "),
    "numbers with units": repeat("5 km 1 000 Kč 50 % "),
    "dates": repeat("20. 10. 2017 1. ledna "),
    "ranges": repeat("2013-2015 "),
    "dashes": repeat("-"),
    "spaced dashes": repeat("a - "),
    "dots": repeat("."),
    "abbreviations": repeat("s. r. o. Mgr. § 8 "),
    "digits": repeat("1"),
    "spaces": repeat(" "),
}
HTML_SHAPES = {
    "many tags": repeat("<b>v</b> "),
    "quotes across tags": repeat('<p>"</p><em>(</em>"'),
    "unclosed tags": repeat("<a"),
    "unclosed quoted values": repeat('<a "'),
    "unclosed comments": repeat("<!--"),
    "lone angle brackets": repeat("<"),
    "verbatim elements": repeat("<code>v x</code> "),
}


@pytest.mark.parametrize("shape", sorted(TEXT_SHAPES))
def test_typesetting_2_mb_of_text_takes_one_pass(shape: str) -> None:
    text = TEXT_SHAPES[shape]
    try:
        typeset = within(5.0, lambda: typeset_text(text))
    finally:
        typeset_text.cache_clear()
    assert len(typeset) <= len(text)


@pytest.mark.parametrize("shape", sorted(HTML_SHAPES))
def test_typesetting_2_mb_of_html_takes_one_pass(shape: str) -> None:
    html = HTML_SHAPES[shape]
    typeset = within(5.0, lambda: typeset_html(html))
    assert typeset.replace(NB, " ").replace("„", '"').replace("“", '"') == html


@pytest.mark.parametrize(
    ("written", "typeset"),
    [
        ("e-mail:a@b.cz v Praze", f"e-mail:a@b.cz v{NB}Praze"),
        ("viz:https://a.cz/v-v a 1-2", f"viz:https://a.cz/v-v a{NB}1–2"),
        ("xwww.a.cz/v a v", f"xwww.a.cz/v a{NB}v"),
        ("@a.cz v a", f"@a.cz v{NB}a"),
        ("a@b. v a", f"a@b. v{NB}a"),
        ("1-2-3 a 4 - 5", f"1-2-3 a{NB}4–5"),
        ("Ing. Bc. Jana Nová", f"Ing.{NB}Bc.{NB}Jana Nová"),
        ('("a") ["b"] /"c"/ x"d"', "(„a“) [„b“] /„c“/ x“d“"),
    ],
)
def test_rewritten_rules_keep_what_the_old_ones_did(written: str, typeset: str) -> None:
    """Expected values are the output of the rules before the rewrite."""
    assert typeset_text(written) == typeset


def test_a_quote_at_the_start_of_an_element_looks_before_the_element() -> None:
    assert typeset_html('<p>(<em>"a</em>" x<b></b><i>"</i></p>') == (
        "<p>(<em>„a</em>“ x<b></b><i>“</i></p>"
    )


def test_quotes_are_curled_when_every_stand_in_character_occurs() -> None:
    private_use = [range(0xE000, 0xF900), range(0xF0000, 0xFFFFE), range(0x100000, 0x10FFFE)]
    every_mark = "".join(chr(code) for block in private_use for code in block)
    html = f'<p>(<em>"a</em>"</p><p>{every_mark}</p>'
    assert typeset_html(html) == f"<p>(<em>„a</em>“</p><p>{every_mark}</p>"


def test_a_tag_never_closed_runs_to_the_end_untouched() -> None:
    assert typeset_html('<p>v x</p><a title="v x>v x') == f'<p>v{NB}x</p><a title="v x>v x'
    assert typeset_html("<p>v x</p><!-- v x") == f"<p>v{NB}x</p><!-- v x"


def test_a_nul_in_html_becomes_a_replacement_character() -> None:
    assert typeset_html("<p>v\x00x</p>") == "<p>v\ufffdx</p>"
