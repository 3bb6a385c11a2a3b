"""Render stage for feeds: news → RSS 2.0 and Atom bytes, through feedgen.

feedgen stamps feeds with the clock and prepends entries by default; here every date
comes from the content and entries keep the order given, so a feed is reproducible.
Item ids are tag: URIs made from the date and slug: they do not change with the base
URL or the templates.

An item's content is the whole story as its page tells it (lead, photo, body, documents
with type and size, source), every link absolute, and its photo is an enclosure too.
Feed readers read descriptions, summaries and content as HTML, and many read RSS
titles so too: the content is sanitised again right here (so even a poisoned build
cache cannot reach a reader), and the summary and every RSS title and description
are escaped so that they stay text (Atom marks its titles as text). Characters that
XML 1.0 cannot hold are left out of every text, because lxml refuses them.

Texts are typeset as on the pages (no-break spaces after one-letter words and inside
numbers); footnote marks read "[1]" and their notes lose the back links, which lead
nowhere in a reader; a category's term is the topic's name (RSS readers show terms),
its scheme the topic's page; a feed without items has no build date to give.
"""

from __future__ import annotations

import html
import mimetypes
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from sitegen.base.config import SiteConfig
from sitegen.base.typography import file_size, typeset_text
from sitegen.base.urls import Urls
from sitegen.content.models import Asset, Document, Image, NewsItem
from sitegen.link.sanitize import sanitize_body_html
from sitegen.plan.routes import FeedSpec

FEED_ID_DATE = "2008-01-23"
"""Tagging date of the feeds' own ids: the day the agency was set up."""
_LINK = re.compile(r'(\s(?:href|src)=")([^"]*)"')
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold, not even as references: C0 controls but tab, LF
and CR; lone surrogates; U+FFFE and U+FFFF."""


SizeOf = Callable[[Asset], int]
"""The size in bytes of what is published for an asset (an image is published cleaned,
see images.py)."""


def render_feed(
    spec: FeedSpec,
    config: SiteConfig,
    urls: Urls,
    fallback_date: datetime | None,
    size_of: SizeOf = lambda asset: asset.size,
) -> bytes:
    """Return the feed of spec as RSS 2.0 or Atom bytes.

    fallback_date dates a feed without items (the site's newest item, not the clock);
    size_of gives the length of each photo's enclosure.
    """
    feed = _channel(spec, config, urls, _last_change(spec.items, fallback_date), spec.format)
    if not spec.items:
        # An empty feed changed never: no <lastBuildDate> (Atom's <updated> is required
        # and keeps the fallback). feedgen offers no way to unset it but its own field.
        feed._FeedGenerator__rss_lastBuildDate = None
    for item in spec.items:
        _add_entry(feed, item, urls, spec.format, size_of)
    if spec.format == "atom":
        return bytes(feed.atom_str(pretty=True))
    return bytes(feed.rss_str(pretty=True))


def _last_change(items: tuple[NewsItem, ...], fallback: datetime | None) -> datetime:
    dates = [item.last_modified for item in items]
    return max(dates, default=fallback or datetime(1970, 1, 1, tzinfo=UTC))


def _channel(
    spec: FeedSpec, config: SiteConfig, urls: Urls, updated: datetime, kind: str
) -> FeedGenerator:
    feed = FeedGenerator()
    feed.register_extension("atom_enclosure", BaseExtension, _AtomEnclosure, atom=True, rss=False)
    path = spec.url.removeprefix(urls.base_path)
    feed.id(f"tag:{config.feed_id_authority},{FEED_ID_DATE}:{path}")
    feed.title(feed_text(spec.title, kind))
    feed.author({"name": xml_text(config.publisher)})
    # feedgen takes the channel's <link> from the last link set: self first.
    feed.link(href=urls.absolute(spec.url), rel="self")
    feed.link(href=urls.absolute(spec.page_url), rel="alternate")
    feed.description(feed_text(spec.description, kind))
    feed.language(spec.language or config.language)
    feed.lastBuildDate(updated)
    feed.updated(updated)
    return feed


def _add_entry(feed: FeedGenerator, item: NewsItem, urls: Urls, kind: str, size_of: SizeOf) -> None:
    entry = feed.add_entry(order="append")
    entry.id(item.feed_id)
    entry.guid(item.feed_id, permalink=False)
    entry.title(feed_text(item.title, kind))
    entry.link(href=urls.absolute(item.url))
    entry.published(item.date)
    entry.updated(item.last_modified)
    summary = summary_html(item.summary)
    entry.description(summary)
    if kind == "atom":
        entry.summary(summary, type="html")
    story = _story(item, urls.absolute(item.url))
    entry.content(story, type="html" if kind == "atom" else "CDATA")
    if item.image:
        _add_enclosure(entry, item.image.asset, size_of(item.image.asset), urls, kind)
    for topic in item.topics:
        name = xml_text(typeset_text(topic.name))
        entry.category(term=name, label=name, scheme=urls.absolute(topic.url))
    if item.author:
        entry.author({"name": xml_text(item.author)})


def _add_enclosure(entry: Any, asset: Asset, size: int, urls: Urls, kind: str) -> None:
    """Attach the photo as a media object: an RSS enclosure, an Atom enclosure link."""
    link = {
        "href": urls.absolute(asset.url),
        "rel": "enclosure",
        "type": media_type(asset.source_path),
        "length": str(size),
    }
    if kind == "atom":
        entry.atom_enclosure.link = link
    else:
        entry.enclosure(link["href"], link["length"], link["type"])


class _AtomEnclosure(BaseEntryExtension):  # type: ignore[misc]  # feedgen is untyped
    """Writes an entry's enclosure link into Atom.

    feedgen 1.0.0 writes an Atom entry's links with their href alone (a loop variable
    shadows the link's data), which would turn an enclosure into a second alternate link.
    """

    def __init__(self) -> None:
        self.link: dict[str, str] | None = None

    def extend_atom(self, entry: Any) -> Any:
        if self.link:
            xml_elem("link", entry, **self.link)
        return entry


def feed_text(text: str, kind: str) -> str:
    """Return a title or description for a feed of kind, shown as text by every reader.

    Atom's titles and subtitle are text (no type attribute); RSS readers often read
    them as HTML, so there the text is HTML-escaped.
    """
    return xml_text(typeset_text(text)) if kind == "atom" else summary_html(text)


def summary_html(summary: str) -> str:
    """Return a plain-text summary as HTML that shows exactly that text, typeset."""
    return html.escape(xml_text(typeset_text(summary)), quote=False)


def story_html(item: NewsItem) -> str:
    """Return the whole story of item as the page tells it: lead, photo, body, documents, source.

    Links are as on the site (root-relative); content_html makes them absolute.
    """
    parts = [
        _lead_html(item.summary) if item.has_lead else "",
        _figure_html(item.image) if item.image else "",
        item.body.html,
        _documents_html(item.documents),
        f"<p>Zdroj: {_text(item.attribution)}</p>" if item.attribution else "",
    ]
    return "\n".join(part for part in parts if part)


def _story(item: NewsItem, page_url: str) -> str:
    """Return the feed content of item, made once per process for all the feeds that
    show it (sanitising the whole story took a third of a cold build's CPU)."""
    key = (id(item), page_url)
    kept = _STORIES.get(key)
    if kept is not None and kept[0] is item:
        return kept[1]
    if len(_STORIES) >= STORIES_KEPT:
        _STORIES.clear()
    story = content_html(story_html(item), page_url)
    _STORIES[key] = (item, story)  # holding the item keeps its id unique
    return story


_STORIES: dict[tuple[int, str], tuple[NewsItem, str]] = {}
STORIES_KEPT = 4096
"""The most stories a process keeps (a preview that rebuilds for days forgets them)."""


def _lead_html(summary: str) -> str:
    return f"<p><strong>{_text(summary)}</strong></p>"


def _figure_html(image: Image) -> str:
    shown = image.picture.largest if image.picture else None
    size = f' width="{shown.width}" height="{shown.height}"' if shown else ""
    src = shown.url if shown else image.asset.url
    caption = f"<figcaption>{_text(image.caption)}</figcaption>" if image.caption else ""
    alt = html.escape(xml_text(image.alt))
    return f'<figure><img src="{html.escape(src)}" alt="{alt}"{size}>{caption}</figure>'


def _documents_html(documents: tuple[Document, ...]) -> str:
    if not documents:
        return ""
    rows = "".join(
        f'<li><a href="{html.escape(doc.asset.url)}">{_text(doc.title)}</a> '
        f"({doc.asset.file_type}, {file_size(doc.asset.size)})</li>\n"
        for doc in documents
    )
    return f"<h2>Připojené dokumenty</h2>\n<ul>\n{rows}</ul>"


def _text(text: str) -> str:
    """Return text for a text node: Czech typesetting, escaped."""
    return html.escape(typeset_text(text), quote=False)


def media_type(path: Path) -> str:
    """Return the MIME type of a file by its name, e.g. "image/jpeg"."""
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def content_html(body_html: str, page_url: str) -> str:
    """Return HTML as feed content: sanitised, with absolute links, XML-safe.

    Sanitised here again, whatever the body went through before: a feed reader is
    the last place markup can run. Links are made absolute after sanitising, when every
    attribute is quoted; page_url is the address relative links are relative to.
    """
    clean = sanitize_body_html(xml_text(body_html))  # nh3 refuses lone surrogates
    return xml_text(absolute_links(footnotes_for_readers(clean), page_url))


_FOOTNOTE_REF = re.compile(r'(<a class="footnote-ref"[^>]*>)(\d+)(</a>)')
_FOOTNOTE_BACKREF = re.compile(r'(?:&nbsp;|\u00a0|\s)*<a class="footnote-backref"[^>]*>[^<]*</a>')


def footnotes_for_readers(html: str) -> str:
    """Return html with footnote marks as "[1]" and without the notes' back links ("↩"):
    a reader strips the superscript, so a bare "1" would run into the text."""
    return _FOOTNOTE_BACKREF.sub("", _FOOTNOTE_REF.sub(r"\1[\2]\3", html))


def xml_text(text: str) -> str:
    """Return text without the characters XML 1.0 cannot hold (lxml refuses them)."""
    return _NOT_IN_XML.sub("", text)


def absolute_links(html: str, page_url: str) -> str:
    """Return html with every href and src absolute, resolved against page_url (feed
    readers have no page to resolve a relative address against)."""
    return _LINK.sub(lambda m: f'{m.group(1)}{urljoin(page_url, m.group(2))}"', html)
