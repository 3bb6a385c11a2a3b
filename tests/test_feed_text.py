"""Feeds read like the pages (issue 22, point 8): no-break spaces kept, categories a
reader can show, footnotes that survive a reader, and no build date on an empty feed."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import feedparser

NBSP = "\u00a0"
ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://www.socialni-zaclenovani.cz"


def test_titles_and_summaries_keep_the_no_break_spaces_of_the_pages(sample_site: Path) -> None:
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((sample_site / name).read_bytes())
        titles = {entry.title for entry in feed.entries}
        assert f"Hodonín a{NBSP}agentura připravují spolupráci" in titles, name
        summaries = " ".join(entry.summary for entry in feed.entries)
        assert f"s{NBSP}agenturou" in summaries, name
        assert " s agenturou" not in summaries, name


def test_a_category_names_its_topic_and_links_its_page(sample_site: Path) -> None:
    root = ElementTree.fromstring((sample_site / "atom.xml").read_bytes())
    categories = {
        (c.get("term"), c.get("label"), c.get("scheme")) for c in root.iter(f"{ATOM}category")
    }
    assert (
        f"spolupráce s{NBSP}obcemi",
        f"spolupráce s{NBSP}obcemi",
        BASE + "/temata/spoluprace-s-obcemi/",
    ) in categories
    rss = feedparser.parse((sample_site / "feed.xml").read_bytes())
    terms = {tag.term for entry in rss.entries for tag in entry.tags}
    assert "lokální partnerství" in terms and "lokalni-partnerstvi" not in terms


def test_a_footnote_mark_reads_in_brackets_and_the_back_link_is_gone(sample_site: Path) -> None:
    feed = feedparser.parse((sample_site / "feed.xml").read_bytes())
    (entry,) = [e for e in feed.entries if e.link.endswith("/projekt-systemove-nastroje/")]
    content = entry.content[0].value
    assert ">[1]</a></sup>" in content
    assert "↩" not in content and "footnote-backref" not in content
    assert "Přehled výstupů projektu najdete" in content


def test_an_empty_regional_feed_has_no_build_date(sample_site: Path) -> None:
    empty = ElementTree.fromstring((sample_site / "kraje/praha/feed.xml").read_bytes())
    assert empty.find("channel/item") is None
    assert empty.find("channel/lastBuildDate") is None
    filled = ElementTree.fromstring((sample_site / "kraje/liberecky/feed.xml").read_bytes())
    assert filled.find("channel/lastBuildDate") is not None
    assert not feedparser.parse((sample_site / "kraje/praha/feed.xml").read_bytes()).bozo
