"""The sample site in content/: every URL of DESIGN.md, valid heads, links that resolve."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest
from lxml import html  # type: ignore[import-untyped]  # feedgen's; it ships no types

from tests.htmlpages import Page, html_pages

BASE = "https://www.socialni-zaclenovani.cz"

CONTRACT_URLS = [
    "/",
    "/aktuality/",
    "/aktuality/strana/1/",
    "/aktuality/archiv/",
    "/aktuality/archiv/2017/",
    "/aktuality/memorandum-stredocesky-kraj/",
    "/temata/",
    "/temata/bydleni/",
    "/kraje/",
    "/kraje/stredocesky/",
    "/kraje/praha/",
    "/lokality/",
    "/lokality/zlutice/",
    "/partnerstvi/",
    "/partnerstvi/zluticko/",
    "/o-agenture/",
    "/kontakty/",
    "/prohlaseni-o-pristupnosti/",
    "/feed.xml",
    "/atom.xml",
    "/kraje/liberecky/feed.xml",
    "/temata/bydleni/feed.xml",
    "/sitemap.xml",
    "/robots.txt",
    "/404.html",
]


@pytest.fixture(scope="module")
def pages(sample_site: Path) -> dict[str, Page]:
    return html_pages(sample_site)


def served(root: Path, url: str) -> Path:
    """Return the file a static server sends for url."""
    path = root / urlsplit(url).path.lstrip("/")
    return path / "index.html" if url.endswith("/") else path


@pytest.mark.parametrize("url", CONTRACT_URLS)
def test_every_url_of_the_contract_exists(sample_site: Path, url: str) -> None:
    if url == "/aktuality/strana/1/":  # page 1 of a list is the list itself
        assert not served(sample_site, url).exists()
        return
    assert served(sample_site, url).is_file()


def test_every_page_has_the_head_of_the_contract(pages: dict[str, Page]) -> None:
    for url, page in pages.items():
        english = url.startswith("/en/")
        assert page.lang == ("en" if english else "cs"), url
        assert len(page.titles) == 1 and page.titles[0].strip(), url
        # The 404 page is shown at any missing address: it claims none of its own.
        own = [] if url == "/404.html" else [BASE + url]
        assert page.link("canonical") == own, url
        assert page.metas.get("description"), url
        for key in ("og:title", "og:description", "og:type", "og:site_name"):
            assert page.metas.get(key), (url, key)
        assert page.metas.get("og:url") == (own[0] if own else None), url
        feeds = "/en/" if english else "/"  # an English page announces the English feeds
        assert page.link("alternate", "application/rss+xml")[0] == f"{feeds}feed.xml", url
        assert page.link("alternate", "application/atom+xml")[0] == f"{feeds}atom.xml", url
        assert page.unclosed == [], url


def test_titles_are_unique(pages: dict[str, Page]) -> None:
    titles = [page.titles[0] for page in pages.values()]
    assert len(titles) == len(set(titles))


def test_one_h1_and_headings_in_order(pages: dict[str, Page]) -> None:
    for url, page in pages.items():
        assert page.headings.count(1) == 1, url
        for previous, current in zip(page.headings, page.headings[1:], strict=False):
            assert current <= previous + 1, (url, page.headings)


def test_every_internal_link_and_image_resolves(sample_site: Path, pages: dict[str, Page]) -> None:
    broken = []
    for url, page in pages.items():
        for target in page.hrefs + page.srcs + [link["href"] for link in page.links]:
            split = urlsplit(target)
            if split.scheme in ("mailto", "tel") or (
                split.netloc and split.netloc != "www.socialni-zaclenovani.cz"
            ):
                continue
            path = split.path if split.path.startswith("/") else url + split.path
            if split.path and not served(sample_site, path).is_file():
                broken.append((url, target))
            if split.fragment:
                anchor_page = pages.get(path if split.path else url)
                if anchor_page is None or split.fragment not in anchor_page.ids:
                    broken.append((url, target))
    assert broken == []


def test_drafts_and_scheduled_items_appear_nowhere(sample_site: Path) -> None:
    for path in sample_site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml"):
            text = path.read_text("utf-8")
            assert "Pracovní verze" not in text, path
            assert "spoluprace-hodonin" not in text, path
            assert "Spolupráce s Hodonínem začíná" not in text, path
    assert not (sample_site / "aktuality" / "koncept").exists()


def test_sitemap_lists_every_page_but_404(sample_site: Path, pages: dict[str, Page]) -> None:
    text = (sample_site / "sitemap.xml").read_text("utf-8")
    listed = {loc.split("</loc>")[0].removeprefix(BASE) for loc in text.split("<loc>")[1:]}
    assert listed == set(pages) - {"/404.html"}


def test_main_feeds_parse_and_carry_the_published_news(sample_site: Path) -> None:
    rss = feedparser.parse((sample_site / "feed.xml").read_bytes())
    atom = feedparser.parse((sample_site / "atom.xml").read_bytes())
    for feed in (rss, atom):
        assert not feed.bozo, feed.get("bozo_exception")
        assert len(feed.entries) == 12
        assert feed.entries[0].title == "Web agentury má novou podobu"
        assert all(entry.id.startswith("tag:socialni-zaclenovani.cz,") for entry in feed.entries)
    assert rss.feed.updated == "Mon, 16 Nov 2026 10:00:00 +0100"
    assert atom.feed.updated == "2026-11-16T10:00:00+01:00"
    assert rss.version == "rss20" and atom.version == "atom10"


def test_region_and_topic_feeds_hold_their_news(sample_site: Path) -> None:
    region = feedparser.parse((sample_site / "kraje/liberecky/feed.xml").read_bytes())
    titles = [entry.title for entry in region.entries]
    assert titles == [
        "Lokální partnerství Frýdlantsko se poprvé sešlo",
        "Liberecký kraj a\u00a0agentura podepsaly memorandum o\u00a0spolupráci",
    ]
    topic = feedparser.parse((sample_site / "temata/memorandum/feed.xml").read_bytes())
    assert len(topic.entries) == 2 and not topic.bozo


def test_news_item_page_shows_everything_it_has(pages: dict[str, Page]) -> None:
    page = pages["/aktuality/memorandum-stredocesky-kraj/"]
    assert "Praha, 20. října 2017" in page.text
    assert "Připojené dokumenty" in page.text
    assert "Memorandum o spolupráci se Středočeským krajem (PDF, 105,5 kB)" in page.text
    assert "/aktuality/memorandum-stredocesky-kraj/podpis-memoranda-1024w.jpg" in page.srcs
    assert page.metas["og:image"] == (
        BASE + "/aktuality/memorandum-stredocesky-kraj/podpis-memoranda.jpg"
    )
    for href in ("/temata/bydleni/", "/kraje/stredocesky/", "/lokality/kolin/"):
        assert href in page.hrefs
    assert "Související zprávy" in page.text
    liberec = pages["/aktuality/memorandum-liberecky-kraj/"]
    assert "Zdroj: Liberecký kraj" in liberec.text


def test_cross_references_are_shown_both_ways(pages: dict[str, Page]) -> None:
    zlutice = pages["/lokality/zlutice/"]
    assert "/partnerstvi/zluticko/" in zlutice.hrefs
    assert "/aktuality/lokalni-partnerstvi-zluticko/" in zlutice.hrefs
    partnership = pages["/partnerstvi/zluticko/"]
    assert {"/lokality/zlutice/", "/lokality/valec/"} <= set(partnership.hrefs)
    region = pages["/kraje/karlovarsky/"]
    assert {
        "/lokality/zlutice/",
        "/lokality/cheb/",
        "/aktuality/integracni-plany-cheb-most/",
    } <= set(region.hrefs)


def test_partnership_lists_every_member_with_roles(pages: dict[str, Page]) -> None:
    rows = pages["/partnerstvi/zluticko/"].rows
    assert rows[0] == ["Organizace", "Zástupci (role)"]
    assert len(rows) == 15
    assert [
        "Policie ČR",
        "koordinátorka prevence kriminality, velitel obvodního oddělení Žlutice, preventista",
    ] in rows
    assert rows[-1] == ["Tranquillite, o.\u00a0s.", ""]


def test_locality_page_shows_its_status(pages: dict[str, Page]) -> None:
    assert "Ukončená spolupráce" in pages["/lokality/cheb/"].text
    assert "Probíhající spolupráce" in pages["/lokality/zlutice/"].text
    assert "Plánovaná spolupráce" in pages["/lokality/hodonin/"].text


ONE_LETTER_AT_LINE_END = re.compile(r"(?<![\w.\-/])[vkszouaiVKSZOUAI] ")
NUMBER_BEFORE_UNIT = re.compile(r"\d (?:%|Kč|mil\.|tis\.)")


def test_no_line_can_end_with_a_one_letter_word(pages: dict[str, Page]) -> None:
    """A Czech rule: English pages (/en/) are typeset the English way."""
    found = [
        f"{url}: {text.strip()[:70]!r}"
        for url, page in pages.items()
        if not url.startswith("/en/")
        for text in page.prose
        if ONE_LETTER_AT_LINE_END.search(text) or NUMBER_BEFORE_UNIT.search(text)
    ]
    assert found == []


def test_quotes_are_czech_and_ranges_use_an_en_dash(pages: dict[str, Page]) -> None:
    straight = [url for url, page in pages.items() for text in page.prose if '"' in text]
    assert straight == []
    memorandum = " ".join(pages["/aktuality/memorandum-stredocesky-kraj/"].prose)
    assert "„Chceme, aby se zkušenosti z\u00a0těchto měst dostaly" in memorandum
    statement = " ".join(pages["/prohlaseni-o-pristupnosti/"].prose)
    assert "z\u00a0let 2009–2015" in statement  # written 2009-2015 in the Markdown


def test_archive_groups_news_under_month_headings_in_the_nominative(
    pages: dict[str, Page],
) -> None:
    text = pages["/aktuality/archiv/2017/"].text
    assert "Říjen 2017" in text or "říjen 2017" in text
    # The heading is nominative; the datelines under it say "20. října 2017".
    assert "října 2017" not in re.split("[Řř]íjen 2017", text)[0]


def test_news_item_has_structured_data_and_the_home_names_the_organisation(
    pages: dict[str, Page],
) -> None:
    (article,) = pages["/aktuality/memorandum-stredocesky-kraj/"].json_ld
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "Středočeský kraj a agentura podepsaly memorandum o spolupráci"
    assert article["datePublished"].startswith("2017-10-20T")
    assert article["image"] == [
        BASE + "/aktuality/memorandum-stredocesky-kraj/podpis-memoranda.jpg"
    ]
    assert article["publisher"]["name"] == "Odbor sociálního začleňování MMR ČR"
    (organisation,) = pages["/"].json_ld
    assert organisation["@type"] == "GovernmentOrganization"
    assert organisation["telephone"] == "+420 777 787 974"
    assert "email" not in organisation
    assert pages["/lokality/zlutice/"].json_ld == []


def test_every_page_links_the_accessibility_statement(pages: dict[str, Page]) -> None:
    missing = [
        url for url, page in pages.items() if "/prohlaseni-o-pristupnosti/" not in page.hrefs
    ]
    assert missing == []


def test_accessibility_statement_has_every_part_of_the_eu_model(pages: dict[str, Page]) -> None:
    text = pages["/prohlaseni-o-pristupnosti/"].text
    for part in (
        "zákona č. 99/2019 Sb.",
        "Web je částečně v souladu s normou EN 301 549",
        "Nepřístupný obsah",
        "Prohlášení bylo vypracováno 21. listopadu 2026 na základě vlastního posouzení",
        "Naposledy jsme ho přezkoumali 21. listopadu 2026",
        "podnět k nápravě podle § 9 zákona",
        "Telefon: +420 777 787 974",
        "do 30 dnů",
        "Digitální a informační agentura",
    ):
        assert part in text, part


def test_news_item_offers_print_and_email(pages: dict[str, Page]) -> None:
    page = pages["/aktuality/memorandum-stredocesky-kraj/"]
    (mailto,) = [href for href in page.hrefs if href.startswith("mailto:?")]
    assert "subject=St%C5%99edo%C4%8Desk%C3%BD%20kraj" in mailto
    assert "body=https%3A//www.socialni-zaclenovani.cz/aktuality/memorandum" in mailto
    assert "Vytisknout zprávu" in page.text


def test_breadcrumbs_lead_from_home_to_the_page(pages: dict[str, Page]) -> None:
    text = pages["/aktuality/archiv/2017/"].text
    assert "Úvodní stránka › " not in text  # the separator is drawn by CSS, not text
    assert "Úvodní stránka Aktuality Archiv aktualit Aktuality z roku 2017" in text


def test_no_page_loads_anything_from_another_site(sample_site: Path) -> None:
    external = re.compile(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="(?:https?:)?//', re.I)
    offenders = [
        str(path.relative_to(sample_site))
        for path in sample_site.rglob("*.html")
        if any(
            "canonical" not in tag and "alternate" not in tag
            for tag in external.findall(path.read_text("utf-8"))
        )
    ]
    assert offenders == []


def test_search_index_holds_the_content_pages_with_their_filters(
    sample_site: Path, pages: dict[str, Page]
) -> None:
    entry = json.loads((sample_site / "pagefind/pagefind-entry.json").read_text())
    # 11 news items, 17 localities, 2 partnerships, 3 pages and the 11 topics with news;
    # the other lists stay out of the index.
    assert entry["languages"]["cs"]["page_count"] == 45
    assert (sample_site / "pagefind/pagefind-ui.js").is_file()
    locality = (sample_site / "lokality/zlutice/index.html").read_text()
    assert 'data-pagefind-filter="Kraj:Karlovarský kraj"' in locality
    assert 'data-pagefind-filter="Typ:Lokalita"' in locality
    topic = (sample_site / "temata/bydleni/index.html").read_text()
    assert 'data-pagefind-filter="Typ:Téma"' in topic
    assert '<h1 data-pagefind-weight="10">' in topic


def test_the_english_menu_leads_to_translations_and_marks_czech_sections(
    sample_site: Path,
) -> None:
    """An English page's menu links the English version of a page that has one; a section
    with none is announced as Czech (hreflang="cs"), and its search box and footer go to
    the English search."""
    tree = html.fromstring((sample_site / "en/index.html").read_bytes())
    menu = {link.text: link for link in tree.xpath("//nav[@class='main-nav']//a")}
    assert menu["About the Agency"].get("href") == "/en/about-the-agency/"
    assert menu["About the Agency"].get("hreflang") is None
    assert menu["News"].get("href") == "/aktuality/"
    assert menu["News"].get("hreflang") == "cs"
    assert tree.xpath("//form[@class='header-search']/@action") == ["/en/search/"]
    footer = tree.xpath("//footer//a/@href")
    assert "/en/search/" in footer and "/hledat/" not in footer
    czech = html.fromstring((sample_site / "index.html").read_bytes())
    assert czech.xpath("//nav[@class='main-nav']//a[@hreflang]") == []
