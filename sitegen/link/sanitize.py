"""Sanitising: the HTML a body may hold, and the one function that makes it so.

Every body passes here before a page or a feed shows it: a body rendered by this
build (vouched for) as it is, a body from the cache sanitised again, so a poisoned
cache entry never reaches a reader.
"""

from __future__ import annotations

import nh3

from sitegen.base.typography import NBSP, unused_character

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    }
)
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
}
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto", "tel"})


def sanitize(raw_html: str) -> str:
    """Remove everything from HTML that could run code or restyle the page."""
    return nh3.clean(
        raw_html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=None,
        strip_comments=True,
    )


_RENDERED_HERE: set[str] = set()
"""Bodies this process (or a worker it forked) rendered and sanitised: see vouch()."""


def vouch(body_html: str) -> None:
    """Note that body_html was made by the renderer in this build, so sanitising it
    again gives the same bytes and can be skipped (a body from the cache never is)."""
    _RENDERED_HERE.add(body_html)


def forget_vouched() -> None:
    """Forget the bodies vouched for so far (a new build of a long-lived process)."""
    _RENDERED_HERE.clear()


def sanitize_body_html(body_html: str) -> str:
    """Return body_html sanitised, keeping each non-breaking space as it was written.

    The HTML serialiser would write the typesetter's U+00A0 characters as "&nbsp;";
    a stand-in character carries them through. So this is idempotent on its own
    output and on that output typeset (typesetting adds only characters to text),
    and a page writer can pass every stored body through it: a poisoned cache then
    yields sanitised HTML, and a clean one the same bytes. A body rendered by this
    build (vouch) is returned as it is: sanitising it again would cost a tenth of the
    pages' time and give the same bytes.
    """
    if body_html in _RENDERED_HERE:
        return body_html
    mark = unused_character(body_html)
    if mark is None:  # the text holds every stand-in: safe, if not byte for byte
        return sanitize(body_html)
    return sanitize(body_html.replace(NBSP, mark)).replace(mark, NBSP)
