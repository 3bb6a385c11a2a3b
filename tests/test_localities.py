"""Where the agency works: localities by status, their map, counts, contacts, the
partnership list and the list of regions, read from built pages with an HTML parser."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen.engine.pipeline import build
from tests.conftest import make_site, options_for

NBSP = "\u00a0"
HEADINGS = {"h1", "h2", "h3", "h4"}
SHAPES = {"circle", "polygon", "rect"}


@dataclass
class Section:
    """A heading of the page's main content and what follows it until the next one."""

    level: int
    heading: str
    links: list[str] = field(default_factory=list)
    text: str = ""


@dataclass
class Marker:
    """A link drawn on the map."""

    href: str
    classes: list[str]
    tabindex: str | None
    shape: str = ""


@dataclass
class Card:
    """One partnership of the partnership list: its facts, term → links and text."""

    facts: dict[str, str] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Structure:
    sections: list[Section] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    svg_attrs: dict[str, str] = field(default_factory=dict)
    cards: list[Card] = field(default_factory=list)

    def section(self, heading_start: str) -> Section:
        """Return the one section whose heading starts with heading_start."""
        found = [s for s in self.sections if s.heading.startswith(heading_start)]
        assert len(found) == 1, (heading_start, [s.heading for s in self.sections])
        return found[0]

    def under(self, heading_start: str) -> list[Section]:
        """Return the section with heading_start and the lower sections below it."""
        first = self.sections.index(self.section(heading_start))
        level = self.sections[first].level
        found = [self.sections[first]]
        for section in self.sections[first + 1 :]:
            if section.level <= level:
                break
            found.append(section)
        return found


class _Reader(HTMLParser):
    """Collects the main content's sections, the map's markers and partnership cards."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = Structure()
        self.depth = {"main": 0, "svg": 0, "heading": 0, "dt": 0, "dd": 0}
        self.term = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in self.depth:
            self.depth[tag] += 1
        if not self.depth["main"]:
            return
        if tag == "svg" and "map" in values.get("class", "").split():
            self.found.svg_attrs = values
        if tag in HEADINGS and not self.depth["svg"]:
            self.depth["heading"] += 1
            self.found.sections.append(Section(int(tag[1]), ""))
        if tag == "li" and "partnership-card" in values.get("class", ""):
            self.found.cards.append(Card())
        if tag == "dt":
            self.term = ""
        self._link(tag, values)

    def _link(self, tag: str, values: dict[str, str]) -> None:
        markers = self.found.markers
        if tag == "a" and self.depth["svg"] and "map" in self.found.svg_attrs.get("class", ""):
            markers.append(Marker(values["href"], values["class"].split(), values.get("tabindex")))
        elif tag in SHAPES and markers and not markers[-1].shape:
            markers[-1].shape = tag
        elif tag == "a" and not self.depth["svg"] and self.found.sections:
            self.found.sections[-1].links.append(values["href"])
            if self.depth["dd"] and self.found.cards:
                self.found.cards[-1].links.setdefault(self.term, []).append(values["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag in HEADINGS and self.depth["heading"]:
            self.depth["heading"] -= 1
        elif tag in self.depth:
            self.depth[tag] -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth["main"] or self.depth["svg"] or not self.found.sections:
            return
        section = self.found.sections[-1]
        if self.depth["heading"]:
            section.heading += data
        else:
            section.text += data
        if self.depth["dt"]:
            self.term += data.strip()
        elif self.depth["dd"] and self.found.cards:
            facts = self.found.cards[-1].facts
            facts[self.term] = facts.get(self.term, "") + data


def read(path: Path) -> Structure:
    """Parse one built page into its sections, map markers and partnership cards."""
    reader = _Reader()
    reader.feed(path.read_text("utf-8"))
    reader.close()
    for section in reader.found.sections:
        section.heading = squeeze(section.heading)
        section.text = squeeze(section.text)
    for card in reader.found.cards:
        card.facts = {term: squeeze(text) for term, text in card.facts.items()}
    return reader.found


def squeeze(text: str) -> str:
    """Return text with runs of ASCII white space as one space (non-breaking ones kept)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def locality(title: str, region: str, status: str, *extra: str) -> str:
    """Return a locality file; an empty status leaves status: out."""
    written = [f"status: {status}"] if status else []
    return "\n".join(["---", f"title: {title}", f"region: {region}", *written, *extra])


# A fixture site whose counts exercise every Czech plural form: 1, 2–4 and 5+.
FIXTURE: dict[str, str | bytes] = {
    **{
        f"content/localities/jih-{n}.md": locality(f"Jih {n}", "jihocesky", "active")
        + "\n---\nText.\n"
        for n in range(5)
    },
    "content/localities/kolin.md": locality(
        "Kolín", "stredocesky", "active", "coordinates: [50.0281, 15.2006]"
    )
    + "\n---\nText.\n",
    "content/localities/slany.md": locality(
        "Slaný", "stredocesky", "planned", "coordinates: [50.2305, 14.0869]"
    )
    + "\n---\nText.\n",
    "content/localities/most.md": locality(
        "Most", "ustecky", "ended", "coordinates: [50.5030, 13.6362]"
    )
    + "\n---\nText.\n",
    # No status: written, so the dates decide: ended.
    "content/localities/chomutov.md": locality(
        "Chomutov", "ustecky", "", "cooperation_since: 2019-01-01", "cooperation_until: 2021-12-31"
    )
    + "\n---\nText.\n",
    "content/localities/zlutice.md": locality(
        "Žlutice",
        "karlovarsky",
        "active",
        "contact:",
        "  name: Lucie Horáková",
        "  role: lokální konzultantka",
        "  phone: +420 296 153 318",
        "  email: lucie.horakova@example.cz",
    )
    + "\n---\nText.\n",
    "content/localities/valec.md": locality("Valeč", "karlovarsky", "ended") + "\n---\nText.\n",
    "content/partnerships/zluticko.md": "---\ntitle: Žluticko a okolí\n"
    "localities: [zlutice, valec]\nmembers:\n  - name: Město Žlutice\n  - name: Obec Valeč\n"
    "  - name: Policie ČR\n---\nText.\n",
    "content/partnerships/mostecko.md": "---\ntitle: Mostecko\nlocalities: [most]\n"
    "members:\n  - name: Statutární město Most\n---\nText.\n",
    "content/news/2020-01-01-most.md": "---\ntitle: Zpráva z Mostu\ndate: 2020-01-01\n"
    "regions: [plzensky]\n---\nText.\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the fixture site once; return its output folder."""
    root = make_site(tmp_path_factory.mktemp("localities"), FIXTURE)
    output = root / "public"
    build(options_for(root, output))
    return output


def test_localities_show_current_cooperation_first_and_ended_apart(site: Path) -> None:
    page = read(site / "lokality" / "index.html")
    headings = [s.heading for s in page.sections if s.level == 2]
    assert headings == [
        f"Probíhající spolupráce (7{NBSP}lokalit)",
        f"Plánovaná spolupráce (1{NBSP}lokalita)",
        f"Ukončená spolupráce (3{NBSP}lokality)",
    ]
    ended = page.under("Ukončená spolupráce")
    assert [s.heading for s in ended[1:]] == [
        f"Karlovarský kraj (1{NBSP}lokalita)",
        f"Ústecký kraj (2{NBSP}lokality)",
    ]
    ended_links = {href for s in ended for href in s.links}
    assert {"/lokality/valec/", "/lokality/most/", "/lokality/chomutov/"} <= ended_links
    active_links = {href for s in page.under("Probíhající spolupráce") for href in s.links}
    assert "/lokality/most/" not in active_links
    assert "/lokality/zlutice/" in active_links


def test_region_counts_use_czech_plurals_and_say_what_they_count(site: Path) -> None:
    active = page_sections(site, "Probíhající spolupráce")
    # Under a status heading a region counts its localities; the status is not repeated.
    assert f"Jihočeský kraj (5{NBSP}lokalit)" in active
    assert f"Středočeský kraj (1{NBSP}lokalita)" in active
    assert not any("spolupr" in heading.lower() for heading in active[1:])
    home = read(site / "index.html").section("Kde působíme").text
    # Counts read as a sentence: the noun once, a verb that agrees with each number.
    assert f"Středočeský kraj 1{NBSP}spolupráce probíhá, 1{NBSP}se připravuje" in home
    assert f"Ústecký kraj 2{NBSP}spolupráce skončily" in home
    assert f"Karlovarský kraj 1{NBSP}spolupráce probíhá, 1{NBSP}skončila" in home


def page_sections(site: Path, heading: str) -> list[str]:
    return [s.heading for s in read(site / "lokality" / "index.html").under(heading)]


def test_map_links_every_located_locality_with_a_shape_per_status(site: Path) -> None:
    page = read(site / "lokality" / "index.html")
    assert page.svg_attrs["aria-hidden"] == "true"
    shapes = {m.href: (m.shape, m.classes, m.tabindex) for m in page.markers}
    assert shapes == {
        "/lokality/kolin/": ("circle", ["marker", "status-active"], "-1"),
        "/lokality/slany/": ("polygon", ["marker", "status-planned"], "-1"),
        "/lokality/most/": ("rect", ["marker", "status-ended"], "-1"),
    }
    caption = read(site / "lokality" / "index.html").section("Kde působíme")
    assert "#seznam-lokalit" in caption.links


def test_locality_page_shows_its_consultant(site: Path) -> None:
    page = read(site / "lokality" / "zlutice" / "index.html")
    contact = page.section("Kontaktní osoba agentury")
    assert contact.text == (
        f"Lucie Horáková lokální konzultantka tel.{NBSP}+420{NBSP}296{NBSP}153{NBSP}318 "
        "e-mail: lucie.horakova@example.cz"
    )
    assert contact.links == ["tel:+420296153318", "mailto:lucie.horakova@example.cz"]
    valec = read(site / "lokality" / "valec" / "index.html")
    assert not [s for s in valec.sections if s.heading.startswith("Kontaktní osoba")]


def test_partnership_list_shows_region_localities_status_and_members(site: Path) -> None:
    cards = read(site / "partnerstvi" / "index.html").cards
    facts = {c.facts["Lokality"]: c for c in cards}
    zluticko, mostecko = facts["Valeč, Žlutice"], facts["Most"]
    assert zluticko.links["Kraj"] == ["/kraje/karlovarsky/"]
    assert zluticko.links["Lokality"] == ["/lokality/valec/", "/lokality/zlutice/"]
    assert zluticko.facts["Stav spolupráce"] == f"1{NBSP}spolupráce probíhá, 1{NBSP}skončila"
    assert zluticko.facts["Členové"] == f"3{NBSP}členské organizace"
    assert mostecko.facts["Stav spolupráce"] == f"1{NBSP}spolupráce skončila"
    assert mostecko.facts["Členové"] == f"1{NBSP}členská organizace"


def test_regions_list_links_only_regions_with_something_to_show(site: Path) -> None:
    page = read(site / "kraje" / "index.html")
    linked = page.section("Kraje, ve kterých působíme")
    assert linked.links == [
        "/kraje/stredocesky/",
        "/kraje/jihocesky/",
        "/kraje/plzensky/",
        "/kraje/karlovarsky/",
        "/kraje/ustecky/",
    ]
    assert f"Plzeňský kraj žádná lokalita; 1{NBSP}aktualita" in linked.text
    others = page.section("Ostatní kraje")
    assert others.links == []
    assert "Hlavní město Praha" in others.text
    assert "Moravskoslezský kraj" in others.text
    assert (site / "kraje" / "praha" / "feed.xml").exists()


def test_sample_site_lists_every_locality_once_in_the_list_and_once_on_the_map(
    sample_site: Path,
) -> None:
    page = read(sample_site / "lokality" / "index.html")
    listed = [
        href
        for s in page.sections
        for href in s.links
        if href.startswith("/lokality/") and href != "/lokality/"
    ]
    assert len(listed) == len(set(listed)) == 17
    assert sorted(m.href for m in page.markers) == sorted(listed)
    ustecky = page.under("Ukončená spolupráce")
    assert f"Ústecký kraj (3{NBSP}lokality)" in [s.heading for s in ustecky]
