"""Render stage for feeds: news → RSS 2.0 and Atom bytes, through feedgen.

feedgen stamps feeds with the clock and prepends entries by default; here every date
comes from the content and entries keep the order given, so a feed is reproducible.
Item ids are tag: URIs made from the date and slug: they do not change with the base
URL or the templates.

Feed readers read descriptions, summaries and content as HTML: the content is
sanitised again right here (so even a poisoned build cache cannot reach a reader),
and the summary is escaped so that it stays text. Characters that XML 1.0 cannot hold
are left out of every text, because lxml refuses them.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from sitegen.config import SiteConfig
from sitegen.content.models import NewsItem
from sitegen.markup import sanitize_body_html
from sitegen.routes import FeedSpec
from sitegen.urls import Urls

FEED_ID_DATE = "2008-01-23"
"""Tagging date of the feeds' own ids: the day the agency was set up."""
_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")(/[^"]*)"')
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold, not even as references: C0 controls but tab, LF
and CR; lone surrogates; U+FFFE and U+FFFF."""


def render_feed(
    spec: FeedSpec, config: SiteConfig, urls: Urls, fallback_date: datetime | None
) -> bytes:
    """Return the feed of spec as RSS 2.0 or Atom bytes.

    fallback_date dates a feed without items (the site's newest item, not the clock).
    """
    feed = _channel(spec, config, urls, _last_change(spec.items, fallback_date))
    for item in spec.items:
        _add_entry(feed, item, urls, spec.format)
    if spec.format == "atom":
        return bytes(feed.atom_str(pretty=True))
    return bytes(feed.rss_str(pretty=True))


def _last_change(items: tuple[NewsItem, ...], fallback: datetime | None) -> datetime:
    dates = [item.last_modified for item in items]
    return max(dates, default=fallback or datetime(1970, 1, 1, tzinfo=UTC))


def _channel(spec: FeedSpec, config: SiteConfig, urls: Urls, updated: datetime) -> FeedGenerator:
    feed = FeedGenerator()
    path = spec.url.removeprefix(urls.base_path)
    feed.id(f"tag:{config.feed_id_authority},{FEED_ID_DATE}:{path}")
    feed.title(xml_text(spec.title))
    feed.author({"name": xml_text(config.publisher)})
    # feedgen takes the channel's <link> from the last link set: self first.
    feed.link(href=urls.absolute(spec.url), rel="self")
    feed.link(href=urls.absolute(spec.page_url), rel="alternate")
    feed.description(xml_text(spec.description))
    feed.language(config.language)
    feed.lastBuildDate(updated)
    feed.updated(updated)
    return feed


def _add_entry(feed: FeedGenerator, item: NewsItem, urls: Urls, kind: str) -> None:
    entry = feed.add_entry(order="append")
    entry.id(item.feed_id)
    entry.guid(item.feed_id, permalink=False)
    entry.title(xml_text(item.title))
    entry.link(href=urls.absolute(item.url))
    entry.published(item.date)
    entry.updated(item.last_modified)
    summary = summary_html(item.summary)
    entry.description(summary)
    if kind == "atom":
        entry.summary(summary, type="html")
    entry.content(content_html(item.body.html, urls), type="html" if kind == "atom" else "CDATA")
    for topic in item.topics:
        entry.category(term=xml_text(topic.slug), label=xml_text(topic.name))
    if item.author:
        entry.author({"name": xml_text(item.author)})


def summary_html(summary: str) -> str:
    """Return a plain-text summary as HTML that shows exactly that text."""
    return html.escape(xml_text(summary), quote=False)


def content_html(body_html: str, urls: Urls) -> str:
    """Return a body as feed content: sanitised, with absolute links, XML-safe.

    Sanitised here again, whatever the body went through before: a feed reader is
    the last place markup can run.
    """
    return xml_text(sanitize_body_html(absolute_links(body_html, urls)))


def xml_text(text: str) -> str:
    """Return text without the characters XML 1.0 cannot hold (lxml refuses them)."""
    return _NOT_IN_XML.sub("", text)


def absolute_links(html: str, urls: Urls) -> str:
    """Return html with root-relative href and src made absolute (feed readers need it)."""
    return _ROOT_RELATIVE.sub(lambda m: f'{m.group(1)}{urls.absolute(m.group(2))}"', html)
