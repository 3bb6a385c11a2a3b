"""Feeds carry the whole story: lead, photo, body, documents and source, every link absolute."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import feedparser
import pytest

from tests.conftest import REPO

BASE = "https://www.socialni-zaclenovani.cz"
MEMORANDUM = "/aktuality/memorandum-stredocesky-kraj/"
BUNDLE = REPO / "content/news/2017-10-20-memorandum-stredocesky-kraj"


@dataclass
class Story:
    """What a feed reader shows of an item's content."""

    elements: list[tuple[str, dict[str, str], list[str]]] = field(default_factory=list)
    """(tag, attributes, open elements around it) of every element, in order."""
    text: str = ""

    def attrs(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs, _ in self.elements if name == tag]

    def inside(self, tag: str, parent: str) -> bool:
        return any(name == tag and parent in around for name, _, around in self.elements)


class _StoryParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.story = Story()
        self.open: list[str] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.story.elements.append((tag, values, list(self.open)))
        if tag not in ("img", "br", "hr"):
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def read_story(content: str) -> Story:
    parser = _StoryParser()
    parser.feed(content)
    parser.close()
    parser.story.text = re.sub(r"[ \t\r\n]+", " ", "".join(parser.chunks)).strip()  # keeps nbsp
    return parser.story


def entry_of(output: Path, feed_name: str, url: str) -> Any:
    feed = feedparser.parse((output / feed_name).read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    return next(entry for entry in feed.entries if entry.link == BASE + url)


@pytest.mark.parametrize("feed_name", ["feed.xml", "atom.xml"])
def test_the_memorandum_item_ends_with_its_document_and_shows_its_photo(
    sample_site: Path, feed_name: str
) -> None:
    entry = entry_of(sample_site, feed_name, MEMORANDUM)
    story = read_story(entry.content[0].value)
    download = "Text memoranda si můžete stáhnout níže."
    document = "Memorandum o\xa0spolupráci se Středočeským krajem (PDF, 105,5\xa0kB)"
    assert f"{download} Připojené dokumenty {document}" in story.text
    assert {"href": BASE + MEMORANDUM + "memorandum-o-spolupraci.pdf"} in story.attrs("a")
    [image] = story.attrs("img")
    assert image["src"] == BASE + MEMORANDUM + "podpis-memoranda-1024w.jpg"
    assert image["alt"].startswith("Ilustrace podpisu memoranda")
    assert (image["width"], image["height"]) == ("1024", "683")
    assert story.inside("img", "figure") and story.inside("figcaption", "figure")
    assert "Memorandum podepsaly krajská radní pro sociální oblast Jaroslava" in story.text
    assert story.text.startswith("Středočeský kraj a\xa0Agentura pro sociální začleňování")


@pytest.mark.parametrize("feed_name", ["feed.xml", "atom.xml"])
def test_the_photo_is_an_enclosure_with_its_length_and_type(
    sample_site: Path, feed_name: str
) -> None:
    entry = entry_of(sample_site, feed_name, MEMORANDUM)
    [enclosure] = entry.enclosures
    photo = BUNDLE / "podpis-memoranda.jpg"
    assert enclosure.href == BASE + MEMORANDUM + "podpis-memoranda.jpg"
    published = sample_site / "aktuality/memorandum-stredocesky-kraj/podpis-memoranda.jpg"
    # The photo as published, cleaned of its metadata (images.py), not as in content/.
    assert enclosure.length == str(published.stat().st_size) != str(photo.stat().st_size)
    assert enclosure.type == "image/jpeg"


@pytest.mark.parametrize("feed_name", ["feed.xml", "atom.xml"])
def test_the_source_line_ends_the_story(sample_site: Path, feed_name: str) -> None:
    entry = entry_of(sample_site, feed_name, "/aktuality/memorandum-liberecky-kraj/")
    assert read_story(entry.content[0].value).text.endswith("Zdroj: Liberecký kraj")


def test_every_link_and_image_in_every_feed_is_absolute(sample_site: Path) -> None:
    relative = []
    for path in sorted(sample_site.rglob("*.xml")):
        if path.name == "sitemap.xml":
            continue
        for entry in feedparser.parse(path.read_bytes()).entries:
            story = read_story(entry.content[0].value)
            targets = [a["href"] for a in story.attrs("a")]
            targets += [img["src"] for img in story.attrs("img")]
            relative += [
                (path.name, t) for t in targets if not t.startswith(("https://", "mailto:"))
            ]
    assert relative == []
