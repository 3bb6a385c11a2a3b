"""Czech typesetting of rendered text: what a reader sees at the end of a line."""

from __future__ import annotations

import pytest

from sitegen.base.typography import typeset_html, typeset_text
from sitegen.plan.routes import Pager

NB = "\u00a0"


@pytest.mark.parametrize(
    ("written", "typeset"),
    [
        ("Agentura v Praze", f"Agentura v{NB}Praze"),
        ("s obcemi i s kraji", f"s{NB}obcemi i{NB}s{NB}kraji"),
        ("K obcím a V Kolíně", f"K{NB}obcím a{NB}V{NB}Kolíně"),
        ("přes 35 mil. Kč", f"přes 35{NB}mil.{NB}Kč"),
        ("pro 50 % lidí", f"pro 50{NB}% lidí"),
        ("20 000 lidí", f"20{NB}000 lidí"),
        ("dne 20. 10. 2017", f"dne 20.{NB}10.{NB}2017"),
        ("20. října 2017", f"20.{NB}října 2017"),
        ("Lesy Žlutice, s. r. o.", f"Lesy Žlutice, s.{NB}r.{NB}o."),
        ("Člověk v tísni, o. p. s.", f"Člověk v{NB}tísni, o.{NB}p.{NB}s."),
        ("Mgr. Radek Jiránek", f"Mgr.{NB}Radek Jiránek"),
        ("podle § 9 zákona č. 99/2019 Sb.", f"podle §{NB}9 zákona č.{NB}99/2019 Sb."),
        ('Řekl: "Je to dobré."', "Řekl: „Je to dobré.“"),
        ("v letech 2013-2015", f"v{NB}letech 2013–2015"),
        ("Praha - Agentura", f"Praha{NB}– Agentura"),
        ("datum 2017-10-20 zůstává", "datum 2017-10-20 zůstává"),
        ("viz https://a.cz/v a-b/2013-2015", "viz https://a.cz/v a-b/2013-2015"),
        ("napište na a@b.cz", "napište na a@b.cz"),
    ],
)
def test_text_is_typeset_the_czech_way(written: str, typeset: str) -> None:
    assert typeset_text(written) == typeset


def test_html_is_typeset_in_text_nodes_only() -> None:
    html = (
        '<p>Text v <a href="/v a" title="a &quot;b&quot;">Praze</a> a <code>v x "y"</code> '
        '<em>"</em>ok<em>"</em></p><pre><code>k z\n"q"</code></pre> s x <!-- a b -->'
    )
    assert typeset_html(html) == (
        f'<p>Text v{NB}<a href="/v a" title="a &quot;b&quot;">Praze</a> a{NB}'
        '<code>v x "y"</code> <em>„</em>ok<em>“</em></p>'
        f'<pre><code>k z\n"q"</code></pre> s{NB}x <!-- a b -->'
    )


def test_attribute_with_a_greater_than_sign_is_not_mistaken_for_text() -> None:
    assert typeset_html('<img alt="a > v b"><p>v x</p>') == f'<img alt="a > v b"><p>v{NB}x</p>'


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (1, [1, 2, 3, None, 50]),
        (4, [1, 2, 3, 4, 5, 6, None, 50]),
        (25, [1, None, 23, 24, 25, 26, 27, None, 50]),
        (50, [1, None, 48, 49, 50]),
    ],
)
def test_a_long_list_links_the_ends_and_the_pages_around_the_current_one(
    number: int, shown: list[int | None]
) -> None:
    pager = Pager(number, tuple(f"/aktuality/strana/{n}/" for n in range(1, 51)))
    assert [link[0] if link else None for link in pager.window] == shown


def test_english_text_keeps_no_one_letter_word_with_the_next_but_numbers_with_units() -> None:
    html = "<p>A team in a town 20 km away, and I call v Praze.</p>"
    assert typeset_html(html, "en") == (
        "<p>A team in a town 20\u00a0km away, and I call v Praze.</p>"
    )
    assert typeset_html(html) == (
        "<p>A\u00a0team in a\u00a0town 20\u00a0km away, and I\u00a0call v\u00a0Praze.</p>"
    )
