"""Hostile input at the output end: typesetting time, deep nesting, text hidden by raw
HTML, markup in feeds and characters XML cannot hold (issue 11)."""

from __future__ import annotations

import dataclasses
import signal
from collections.abc import Callable, Iterator
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar
from xml.etree import ElementTree

import feedparser
import pytest

from sitegen.base.typography import typeset_html, typeset_text
from sitegen.content.frontmatter import split_front_matter
from sitegen.content.models import Body, NewsItem
from sitegen.engine.load import load_site
from sitegen.link.markup import Renderer
from sitegen.link.sanitize import ALLOWED_TAGS, sanitize_body_html
from sitegen.plan.routes import FeedSpec
from sitegen.render.feeds import render_feed
from tests.conftest import REPO, Run, make_site, options_for

T = TypeVar("T")
NB = "\u00a0"
MB2 = 2_000_000
NEWS = "content/news/2017-10-20-zprava.md"
ATOM = "{http://www.w3.org/2005/Atom}"
HEAD = "---\ntitle: Zpráva\ndate: 2017-10-20\n---\n"
"""Front matter of four lines: the body starts on line 5."""
HIDDEN = (
    "the raw HTML here hides the rest of the text from readers (an unclosed <script>?); "
    "remove it or write it as text"
)


def identity(target: str) -> str:
    return target


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


# 2. Deep nesting is refused before Markdown ------------------------------------------


def nested_list(levels: int) -> str:
    return "".join("    " * level + "- položka\n" for level in range(levels))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Úvod.\n\n" + nested_list(21),
            f"{NEWS}:27: the text nests lists or quotes 21 levels deep; at most 20 are allowed",
        ),
        (
            "Úvod.\n\n" + ">" * 600 + " citát\n",
            f"{NEWS}:7: the text nests lists or quotes 600 levels deep; at most 20 are allowed",
        ),
        (
            "".join(">" * level + " citát\n\n" for level in range(1, 30)),
            f"{NEWS}:45: the text nests lists or quotes 21 levels deep; at most 20 are allowed",
        ),
        (
            "Úvod.\n\n" + "- " * 40 + "x\n",
            f"{NEWS}:7: the text nests lists or quotes 40 levels deep; at most 20 are allowed",
        ),
        (
            "Úvod.\n\n" + "[" * 30 + "x\n",
            f"{NEWS}:7: the text has more than 20 brackets '[' open at once; close them, "
            "or write a bracket as text with '\\' before it",
        ),
        (
            "Úvod.\n\nText\n" + "[a](" * 30 + "\n",
            f"{NEWS}:8: the text has more than 20 brackets '(' open at once; close them, "
            "or write a bracket as text with '\\' before it",
        ),
        (
            "Úvod.\n\n" + "x <a\n" * 30,
            f"{NEWS}:27: the text has more than 20 '<' that start a tag never closed with '>'; "
            "close them, or write '&lt;' for a '<' meant as text",
        ),
        (
            "Úvod.\n\n" + "<![CDATA[ x\n\n" * 25,
            f"{NEWS}:47: the text has more than 20 '<![CDATA[' never closed with ']]>'; "
            "close them, or write '&lt;' for a '<' meant as text",
        ),
        (
            "Úvod.\n\n" + "<div>\n" * 150 + "x\n",
            f"{NEWS}:107: the raw HTML here nests elements more than 100 levels deep; "
            "close them or nest fewer",
        ),
        (
            "Úvod.\n\n" + "*a " * 1000 + "x" + " b*" * 1000 + "\n",
            f"{NEWS}:5: the text nests lists, quotes or emphasis too deeply to be read; "
            "nest fewer levels",
        ),
        (
            "Úvod.\n\nDruhý.\n" + "*a* " * 125_000 + "\n",
            f"{NEWS}:7: the paragraph starting here is longer than 20 000 characters; "
            "split it into shorter paragraphs with blank lines",
        ),
        (
            "Úvod.\n\n" + ("*a* " * 1000 + "\n\n") * 11,
            f"{NEWS}:27: the text holds more than 20 000 formatting marks (* _ ` [ < &); "
            "an article has a few hundred: check the file, or split the text",
        ),
    ],
    ids=[
        "lists",
        "quote-markers",
        "quote-lines",
        "list-markers",
        "brackets",
        "parens",
        "unclosed-tags",
        "unclosed-cdata",
        "divs",
        "emphasis",
        "long-paragraph",
        "inline-marks",
    ],
)
def test_deep_nesting_is_reported_at_its_line(
    body: str, expected: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {NEWS: HEAD + body})
    result = within(30.0, lambda: run_cli("build", "--source", site))
    assert result.problems == [expected]
    assert result.status == 1
    assert "Traceback" not in result.err


def test_twenty_levels_fenced_code_and_rules_are_fine() -> None:
    text = (
        nested_list(20)
        + "\n```\n"
        + " " * 200
        + "[[[[[[[[[[[[[[[[[[[[[[[[ <a <a <a <a <a <a <a <a <a <a <a\n```\n\n"
        + "a <b " * 20
        + "\n\n"
        + "<a " * 30
        + "<br>\n\n"
        + "* " * 30
    )
    rendered = Renderer().render(text, identity)
    assert rendered.notes == ()
    assert rendered.body.html.count("<ul>") == 20
    assert rendered.body.html.count("&lt;b") == 20
    assert rendered.body.html.endswith("<hr>")


@pytest.mark.parametrize(
    "text",
    [
        nested_list(3000),
        repeat(">") + " x\n",
        "".join(">" * level + " x\n\n" for level in range(1, 3000)),
        repeat("- ") + "x",
        repeat("["),
        repeat("x <a "),
        repeat("<![CDATA[ x\n\n"),
        "a\n\n" + "<div>" * 100_000,
        "*a* " * 500_000,
        ("*a* " * 4_000 + "\n\n") * 130,
        ("`a` " * 4_000 + "\n\n") * 130,
        ("[a](b) " * 2_500 + "\n\n") * 110,
    ],
    ids=[
        "lists",
        "quote-markers",
        "quote-lines",
        "list-markers",
        "brackets",
        "unclosed-tags",
        "unclosed-cdata",
        "divs",
        "one-long-paragraph",
        "dense-emphasis",
        "dense-code",
        "dense-links",
    ],
)
def test_deep_nesting_is_refused_in_linear_time(text: str) -> None:
    """3,000 nested lists took Markdown 282 s and 3.7 GB; 80 KB of '<a ' 41 s; 20 KB of
    '<![CDATA[ ' 8 s; 100,000 nested divs take the HTML sanitiser 25 s; 2 MB of
    emphasis in paragraphs of 16 KB took Markdown 30 s, and in one paragraph minutes."""
    rendered = within(5.0, lambda: Renderer().render(text, identity))
    assert rendered.body == Body("", "")
    assert len(rendered.notes) == 1


def test_a_recursion_error_in_markdown_becomes_a_note() -> None:
    rendered = Renderer().render("*" * 5000 + "x" + "*" * 5000 + "\n", identity)
    assert [(note.line, note.message) for note in rendered.notes] == [
        (1, "the text nests lists, quotes or emphasis too deeply to be read; nest fewer levels")
    ]


# 3. Text hidden by raw HTML ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("Úvod.\n\n<script>alert(1)\n\nZbytek článku.\n", 7),
        (
            "Úvod.\n\nText <math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"
            " Zbytek článku.\n\nDalší odstavec.\n",
            7,
        ),
        ("Úvod.\n\nDruhý odstavec.\n\n<style>\n\nZbytek článku.\n", 11),
        ("Úvod.\n\n<template>Skrytý text</template>\n", 7),
        ("Úvod.\n\nText <![CDATA[ skrytý ]]> konec.\n", 7),
    ],
    ids=["unclosed-script", "mathml-style", "unclosed-style", "template", "cdata"],
)
def test_raw_html_that_hides_text_is_reported_where_the_text_starts(
    body: str, line: int, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {NEWS: HEAD + body})
    for _ in range(2):  # the second build must not take the body from the cache
        result = run_cli("build", "--source", site)
        assert result.problems == [f"{NEWS}:{line}: {HIDDEN}"]
        assert result.status == 1


def test_what_sanitising_rightly_drops_is_no_problem(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    body = (
        "Úvod.\n\n<script>alert(1)</script>\n\n<style>p { color: red }</style>\n\n"
        "Text <!-- poznámka --> dál <span onclick='x()'>ano</span>.\n\n"
        "<table><tr><td>buňka</td></tr>volný text</table>\n\n<textarea>t <b>x</b></textarea>\n"
    )
    site = make_site(tmp_path / "site", {NEWS: HEAD + body})
    assert run_cli("build", "--source", site).status == 0
    page = (site / "public/aktuality/zprava/index.html").read_text(encoding="utf-8")
    assert "alert" not in page
    assert "color: red" not in page
    assert "dál <span>ano</span>" in page
    assert "volný text" in page


# 5. sanitize_body_html is cheap and idempotent -----------------------------------------


def sample_bodies() -> Iterator[tuple[str, str]]:
    for path in sorted((REPO / "content").rglob("*.md")):
        rel_path = path.relative_to(REPO).as_posix()
        yield rel_path, split_front_matter(path.read_text(encoding="utf-8"), rel_path).body


def test_sanitising_a_rendered_body_again_changes_no_byte() -> None:
    renderer = Renderer()
    bodies = list(sample_bodies())
    assert len(bodies) > 10
    for rel_path, text in bodies:
        rendered = renderer.render(text, identity)
        assert rendered.notes == (), rel_path
        assert sanitize_body_html(rendered.body.html) == rendered.body.html, rel_path


def test_sanitising_keeps_non_breaking_spaces_as_written() -> None:
    html = f"<p>a{NB}b&nbsp;c</p><p onclick='x'>d</p>"
    assert sanitize_body_html(html) == f"<p>a{NB}b&nbsp;c</p><p>d</p>"


# 4 and 6. Feeds ----------------------------------------------------------------------

ATTACKS = (
    "Úvod.\n\n<img src=x onerror=alert(1)> <a href='javascript:alert(1)'>odkaz</a>\n\n"
    "<svg onload=alert(1)><circle/></svg> <iframe src='https://zlo.cz'></iframe>\n\n"
    '<a href="jav&#x09;ascript:alert(1)">druhý</a> <object data=x>objekt</object>\n\n'
    "<form action=x><input value=y></form> <details open ontoggle=alert(1)>d</details>\n"
)
POISONED_SUMMARY = "<img src=x onerror=alert(1)> & <script>alert(2)</script>"


class _Elements(HTMLParser):
    """Collects the elements and attributes of an HTML fragment, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(name, value or "") for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text += data


def elements(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def entry_html(entry: Any) -> list[str]:
    """Return every HTML text of a feed entry that a reader would render."""
    return [entry.get("summary", "")] + [content.value for content in entry.get("content", [])]


def assert_harmless(feed_bytes: bytes) -> None:
    feed = feedparser.parse(feed_bytes, sanitize_html=False)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.entries
    for entry in feed.entries:
        for html in entry_html(entry):
            found = elements(html)
            assert found.tags <= ALLOWED_TAGS, found.tags - ALLOWED_TAGS
            assert not [name for name, _ in found.attributes if name.startswith("on")]
            values = ["".join(value.split()).lower() for _, value in found.attributes]
            assert not [value for value in values if "javascript:" in value]


@pytest.fixture
def hostile_site(tmp_path: Path, run_cli: Callable[..., Run]) -> Path:
    summary = POISONED_SUMMARY.replace("'", "''")
    news = f"---\ntitle: Zpráva\ndate: 2017-10-20\nsummary: '{summary}'\n---\n{ATTACKS}"
    site = make_site(tmp_path / "site", {NEWS: news})
    result = run_cli("build", "--source", site)
    assert result.status == 0, result.err
    return site


@pytest.mark.parametrize("feed_name", ["feed.xml", "atom.xml"])
def test_feeds_carry_no_markup_that_could_run(hostile_site: Path, feed_name: str) -> None:
    data = (hostile_site / "public" / feed_name).read_bytes()
    assert_harmless(data)
    entry = feedparser.parse(data, sanitize_html=False).entries[0]
    assert elements(entry.summary).text == POISONED_SUMMARY
    assert "odkaz" in entry.content[0].value


def loaded_item(site: Path) -> tuple[Any, NewsItem]:
    loaded = load_site(options_for(site))
    return loaded, loaded.news[0]


def feed_of(site: Any, item: NewsItem, kind: str) -> bytes:
    spec = FeedSpec("/feed.xml", "Zprávy", "Všechny zprávy", "/aktuality/", (item,), kind)
    return render_feed(spec, site.config, site.urls, None)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_a_poisoned_body_is_sanitised_where_the_feed_is_written(
    hostile_site: Path, kind: str
) -> None:
    site, item = loaded_item(hostile_site)
    poisoned = Body(
        '<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:x()">a</a>'
        "<style>p{}</style>]]><p>text</p>",
        "",
    )
    data = feed_of(site, dataclasses.replace(item, body=poisoned), kind)
    assert_harmless(data)
    content = feedparser.parse(data, sanitize_html=False).entries[0].content[0].value
    assert content == (
        "<p><strong>&lt;img src=x onerror=alert(1)&gt; &amp; "
        "&lt;script&gt;alert(2)&lt;/script&gt;</strong></p>\n"
        '<img src="https://example.cz/aktuality/zprava/x" /><a>a</a>]]&gt;<p>text</p>'
    )


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_characters_xml_cannot_hold_are_left_out_of_feeds(hostile_site: Path, kind: str) -> None:
    site, item = loaded_item(hostile_site)
    item = dataclasses.replace(
        item,
        title="Zprá\x00va\x01\ufffe",
        summary="Shr\x0bnutí\x1f\ud800",
        author="Au\x02tor",
        body=Body("<p>Te\x00xt\x08 a\x1b\uffff</p>", ""),
    )
    entry = feedparser.parse(feed_of(site, item, kind)).entries[0]
    assert entry.title == "Zpráva"
    assert entry.summary == "Shrnutí"
    assert entry.get("author", "Autor") == "Autor"  # RSS names an author only with an e-mail
    assert "Text a" in entry.content[0].value


MARKUP_TITLE = "<b>Pozor</b> & <script>x</script>"
MARKUP_TAG = "<i>Doprava</i> & <u>cesty</u>"


def shown_text(detail: Any) -> str:
    """Return what a reader shows of a feed text: HTML is rendered, with no element in it."""
    if detail.type != "text/html":
        return str(detail.value)
    found = elements(detail.value)
    assert found.tags == set(), found.tags
    return found.text


@pytest.mark.parametrize(
    ("feed_name", "channel"),
    [
        ("feed.xml", "Testovací web: aktuality"),
        ("atom.xml", "Testovací web: aktuality"),
        ("kraje/karlovarsky/feed.xml", "Testovací web: aktuality z Karlovarského kraje"),
        ("temata/i-doprava-i-u-cesty-u/feed.xml", f"Testovací web: téma {MARKUP_TAG}"),
    ],
)
def test_a_title_with_markup_stays_text_in_every_feed(
    tmp_path: Path, run_cli: Callable[..., Run], feed_name: str, channel: str
) -> None:
    tag = MARKUP_TAG.replace("'", "''")
    news = (
        f"---\ntitle: '{MARKUP_TITLE}'\ndate: 2017-10-20\nregions: [karlovarsky]\n"
        f"tags: ['{tag}']\n---\nText.\n"
    )
    site = make_site(tmp_path / "site", {NEWS: news})
    result = run_cli("build", "--source", site)
    assert result.status == 0, result.err
    data = (site / "public" / feed_name).read_bytes()
    root = ElementTree.fromstring(data)
    is_rss = root.tag == "rss"
    titles = (
        [root.find("channel/title"), root.find("channel/item/title")]
        if is_rss
        else [root.find(f"{ATOM}title"), root.find(f"{ATOM}entry/{ATOM}title")]
    )
    # RSS readers read titles as HTML: the text is the HTML-escaped title. Atom's is
    # text (no type attribute). Both are typeset as the pages are ("z\u00a0Karlovarského").
    channel = typeset_text(channel)
    expected = [channel, typeset_text(MARKUP_TITLE)]
    for element, text in zip(titles, expected, strict=True):
        assert element is not None and len(element) == 0
        assert element.text == (escape(text, quote=False) if is_rss else text)
        assert element.get("type", "text") == "text"
    feed = feedparser.parse(data, sanitize_html=False)
    assert not feed.bozo, feed.get("bozo_exception")
    assert shown_text(feed.feed.title_detail) == channel
    assert shown_text(feed.entries[0].title_detail) == typeset_text(MARKUP_TITLE)
