"""What the default theme shows, read from built pages and feeds with real parsers.

Contacts appear only when filled, regions are named in the right Czech case, the home
page leads with the latest news item and its picture, and a page names its own
address for print.
"""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from sitegen.base.regions import Region, all_regions
from sitegen.engine.pipeline import build
from tests.conftest import LOCALITY, SITE_YAML, make_site, options_for, sample_file
from tests.htmlpages import Page, html_pages

FULL_CONTACT = """\
contact:
  department: Odbor sociálního začleňování
  section: Sekce bydlení a sociálního začleňování
  head: Mgr. Jana Nováková, ředitelka odboru
  address: Ulice 1, 110 00 Praha 1
  phone: +420 777 787 974
  email: odbor@example.cz
  ico: 12345679
  data_box: abc2def
"""
EMPTY_CONTACT = """\
contact:
  department: Odbor sociálního začleňování
  address:
  phone:
  email:
  ico:
  data_box:
"""
PHOTO_NEWS = """\
---
title: Nová zpráva s fotografií
date: 2024-05-01
image: foto.jpg
image_alt: Starostka podepisuje memorandum
---
Text nejnovější zprávy.
"""
OLDER_NEWS = "---\ntitle: Starší zpráva\ndate: 2024-01-01\nregions: [karlovarsky]\n---\nText.\n"


def built_pages(tmp_path: Path, files: dict[str, str | bytes]) -> dict[str, Page]:
    """Build a mini-site from files; return its pages by URL."""
    site = make_site(tmp_path / "site", files)
    build(options_for(site))
    return html_pages(site / "public")


@pytest.fixture
def pages(tmp_path: Path) -> dict[str, Page]:
    return built_pages(
        tmp_path,
        {
            "site.yaml": SITE_YAML + FULL_CONTACT,
            "content/news/2024-05-01-foto/index.md": PHOTO_NEWS,
            "content/news/2024-05-01-foto/foto.jpg": sample_file("foto.jpg"),
            "content/news/2024-01-01-starsi.md": OLDER_NEWS,
            "content/localities/zlutice.md": LOCALITY,
        },
    )


def test_filled_contacts_are_in_every_footer(pages: dict[str, Page]) -> None:
    for page in (pages["/"], pages["/aktuality/starsi/"]):
        for line in (
            "Odbor sociálního začleňování",
            "Sekce bydlení a sociálního začleňování",
            "Mgr. Jana Nováková, ředitelka odboru",
            "Ulice 1, 110 00 Praha 1",
            "Telefon: +420 777 787 974",
            "E-mail: odbor@example.cz",
            "IČO: 12345679",
            "Datová schránka: abc2def",
        ):
            assert line in page.text
        assert "tel:+420777787974" in page.hrefs
        assert "mailto:odbor@example.cz" in page.hrefs


def test_empty_contacts_leave_no_label_behind(tmp_path: Path) -> None:
    home = built_pages(tmp_path, {"site.yaml": SITE_YAML + EMPTY_CONTACT})["/"]
    assert "Odbor sociálního začleňování" in home.text
    for label in ("Telefon", "E-mail", "IČO", "Datová schránka"):
        assert label not in home.text
    assert not [href for href in home.hrefs if href.startswith(("tel:", "mailto:"))]


def test_phone_numbers_never_wrap(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"site.yaml": SITE_YAML + FULL_CONTACT})
    build(options_for(site))
    html = (site / "public/index.html").read_text("utf-8")
    assert 'Telefon:&nbsp;<a href="tel:+420777787974">+420\u00a0777\u00a0787\u00a0974</a>' in html


def test_home_leads_with_the_latest_item_and_its_picture(pages: dict[str, Page]) -> None:
    home = pages["/"]
    assert home.srcs[0] == "/aktuality/foto/foto.jpg"
    text = home.text
    assert text.index("Nová zpráva s fotografií") < text.index("Starší zpráva")
    assert home.headings[:2] == [1, 2]
    # the brand and the page's heading (for screen readers), not a banner repeating it
    assert " ".join(home.prose).count("Testovací web") == 2


def test_region_pages_decline_the_region_name(pages: dict[str, Page]) -> None:
    region = pages["/kraje/karlovarsky/"]
    assert "Aktuality z Karlovarského kraje" in region.text
    assert "Odebírat aktuality z Karlovarského kraje (RSS)" in region.text
    assert region.metas["description"] == "Lokality a aktuality agentury v Karlovarském kraji."
    empty = pages["/kraje/praha/"]
    assert "Agentura zatím v hlavním městě Praze s žádnou obcí nespolupracuje." in empty.text
    assert "Zatím nejsou zveřejněné žádné aktuality z hlavního města Prahy." in empty.text


def test_region_feed_is_titled_in_czech(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"content/news/2024-01-01-starsi.md": OLDER_NEWS})
    build(options_for(site))
    feed = feedparser.parse((site / "public/kraje/karlovarsky/feed.xml").read_bytes())
    # Typeset as on the pages: a no-break space after the one-letter preposition.
    assert feed.feed.title == "Testovací web: aktuality z\u00a0Karlovarského kraje"
    assert feed.feed.description == "Aktuality z\u00a0Karlovarského kraje"


@pytest.mark.parametrize("region", all_regions(), ids=lambda region: region.id)
def test_every_region_has_its_cases_with_a_preposition(region: Region) -> None:
    assert region.name_in.split()[0] in ("v", "ve")
    assert region.name_from.split()[0] in ("z", "ze")


def test_every_page_names_its_own_address_for_print(pages: dict[str, Page]) -> None:
    for url, page in pages.items():
        if url != "/404.html":
            assert f"Adresa stránky: https://example.cz{url}" in page.text
