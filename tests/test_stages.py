"""Unit tests of the stages on inline strings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from sitegen.base.errors import ContentError, Problem
from sitegen.base.typography import (
    ascii_slug,
    date_long,
    date_short,
    file_size,
    month_heading,
    sorted_czech,
)
from sitegen.base.urls import Urls, paged
from sitegen.content.frontmatter import split_front_matter
from sitegen.content.schema import NewsFrontMatter, validate_front_matter
from sitegen.link.markup import LinkError, Renderer
from sitegen.link.site import cooperation_status

PRAGUE = ZoneInfo("Europe/Prague")


def identity(target: str) -> str:
    return target


# Front matter ------------------------------------------------------------------------


def test_front_matter_keeps_the_line_of_every_key_and_item() -> None:
    front = split_front_matter("---\ntitle: A\ntags:\n  - x\n  - y\n---\nTělo\n", "a.md")
    assert front.data == {"title": "A", "tags": ["x", "y"]}
    assert front.lines[("tags", 1)] == 5
    assert front.line_of(("tags", 7, "nothing")) == 3
    assert front.body == "Tělo\n"
    assert front.body_line == 7


def test_dates_stay_text_until_sitegen_parses_them() -> None:
    front = split_front_matter("---\ndate: 2017-10-20\n---\n", "a.md")
    assert front.data["date"] == "2017-10-20"


# Schema ------------------------------------------------------------------------------


def validate_news(yaml: str) -> object:
    front = split_front_matter(f"---\n{yaml}---\n", "a.md")
    return validate_front_matter(NewsFrontMatter, front, "a.md", PRAGUE)


def test_a_date_without_offset_is_in_the_site_timezone() -> None:
    meta = validate_news("title: A\ndate: 2017-10-20T14:30\n")
    assert meta.date == datetime(2017, 10, 20, 12, 30, tzinfo=UTC)  # type: ignore[attr-defined]


def test_a_date_with_offset_keeps_it() -> None:
    meta = validate_news("title: A\ndate: 2017-10-20T14:30+00:00\n")
    assert meta.date == datetime(2017, 10, 20, 14, 30, tzinfo=UTC)  # type: ignore[attr-defined]


def test_updated_before_date_is_an_error() -> None:
    with pytest.raises(ContentError) as error:
        validate_news("title: A\ndate: 2017-10-20\nupdated: 2017-10-19\n")
    assert error.value.problems == (
        Problem("a.md", 4, "updated", "is before date; updated is the date of a later change"),
    )


def test_unknown_key_without_a_close_match_lists_the_allowed_keys() -> None:
    with pytest.raises(ContentError) as error:
        validate_news("title: A\ndate: 2017-10-20\nxyz: 1\n")
    assert str(error.value.problems[0]).startswith(
        "a.md:4: xyz: unknown key; the keys allowed here are aliases, author, date, documents, "
        "draft"
    )


# Markdown ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "dangerous",
    [
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        '<img src="x.png" onerror="alert(1)">',
        '<iframe src="https://example.com"></iframe>',
        '<form action="/x"><input name="a"></form>',
        '<p style="color: red">x</p>',
        'Odstavec\n{: onclick="alert(1)" }',
    ],
)
def test_nothing_that_runs_or_restyles_survives(dangerous: str) -> None:
    body = Renderer().render(dangerous, identity).body
    for bad in (
        "<script",
        "javascript:",
        "onerror",
        "onclick",
        "<iframe",
        "<form",
        "<input",
        "style=",
    ):
        assert bad not in body.html


def test_markdown_extensions_are_on() -> None:
    text = (
        "# Nadpis Žlutice\n\n| a |\n|---|\n| 1 |\n\nPoznámka[^1]\n\n[^1]: Text.\n\n"
        "```python\nx = 1\n```\n\nOdstavec\n{: .lead }\n"
    )
    html = Renderer().render(text, identity).body.html
    assert '<h2 id="nadpis-zlutice">' in html  # h1 is the page title's
    assert "<table>" in html and 'class="footnote"' in html
    assert '<code class="language-python">' in html and '<p class="lead">' in html


def test_relative_links_go_through_the_resolver_with_fragment() -> None:
    seen = []

    def resolve(target: str) -> str:
        seen.append(target)
        if "chybi" in target:
            raise LinkError("does not exist")
        return "/lokality/zlutice/#historie"

    rendered = Renderer().render("[a](../localities/zlutice.md#historie) [b](chybi.md)", resolve)
    assert seen == ["../localities/zlutice.md#historie", "chybi.md"]
    assert 'href="/lokality/zlutice/#historie"' in rendered.body.html
    assert [(b.target, b.message) for b in rendered.broken] == [("chybi.md", "does not exist")]
    assert rendered.links == (("../localities/zlutice.md#historie", "/lokality/zlutice/#historie"),)


def test_first_paragraph_is_plain_text() -> None:
    body = (
        Renderer().render("## Nadpis\n\nPrvní *odstavec* &amp; text[^1].\n\n[^1]: x", identity).body
    )
    assert body.first_paragraph == "První odstavec & text."


# Czech text --------------------------------------------------------------------------


def test_dates_read_as_czech_readers_expect() -> None:
    day = date(2017, 10, 20)
    assert date_long(day) == "20.\u00a0října 2017"
    assert date_short(day) == "20.\u00a010.\u00a02017"
    assert month_heading(day) == "říjen 2017"


def test_czech_alphabetical_order() -> None:
    names = [
        "Hodonín",
        "Chomutov",
        "Česká Lípa",
        "Cvikov",
        "Žlutice",
        "Zlín",
        "Řevnice",
        "Rokycany",
    ]
    assert sorted_czech(names, str) == [
        "Cvikov",
        "Česká Lípa",
        "Hodonín",
        "Chomutov",
        "Rokycany",
        "Řevnice",
        "Zlín",
        "Žlutice",
    ]


def test_slugs_are_ascii() -> None:
    assert ascii_slug("Sociální bydlení") == "socialni-bydleni"
    assert ascii_slug("Žluticko a okolí") == "zluticko-a-okoli"


def test_file_sizes() -> None:
    assert file_size(1_234_567) == "1,2\u00a0MB"
    assert file_size(105_451) == "105,5\u00a0kB"
    assert file_size(512) == "512\u00a0B"


# URLs and derived facts --------------------------------------------------------------


def test_urls_keep_the_base_path() -> None:
    urls = Urls("https://example.cz/asz/")
    assert urls.news_item("x") == "/asz/aktuality/x/"
    assert paged(urls.news_list(), 3) == "/asz/aktuality/strana/3/"
    assert urls.output_path("/asz/aktuality/x/") == "aktuality/x/index.html"
    assert urls.output_path("/asz/feed.xml") == "feed.xml"
    assert urls.absolute("/asz/feed.xml") == "https://example.cz/asz/feed.xml"


@pytest.mark.parametrize(
    ("since", "until", "status"),
    [
        (None, None, None),
        (date(2030, 1, 1), None, "planned"),
        (date(2020, 1, 1), None, "active"),
        (date(2020, 1, 1), date(2026, 11, 21), "active"),
        (date(2020, 1, 1), date(2022, 1, 1), "ended"),
    ],
)
def test_cooperation_status(since: date | None, until: date | None, status: str | None) -> None:
    assert cooperation_status(since, until, date(2026, 11, 21)) == status
