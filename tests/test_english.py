"""English translations: X.en.md beside X.md is published under /en/, announced both ways
(hreflang, the language switcher), listed on /en/, in its own feeds and in the sitemap;
a wrong translation is an error with its file, line and field."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from lxml import etree  # type: ignore[import-untyped]  # feedgen's; it ships no types

from sitegen.base.regions import all_regions
from sitegen.engine.memory import Memory
from sitegen.engine.pipeline import build
from sitegen.render.search import fragment_of
from tests.conftest import REPO, Run, make_site, options_for
from tests.htmlpages import Page, parse_page
from tests.test_golden import tree

SITE = Path(__file__).parent / "sites" / "english" / "input"
BASE = "https://example.cz"
PAIRS = {
    "/o-nas/": "/en/about-us/",
    "/aktuality/prvni/": "/en/news/the-first-news-item/",
    "/aktuality/bundle/": "/en/news/with-folder/",
    "/lokality/zlutice/": "/en/localities/zlutice/",
    "/partnerstvi/zluticko/": "/en/partnerships/the-zlutice-area/",
}
"""Each translated page of the fixture site and its translation."""
UNTRANSLATED = ("/kontakty/", "/aktuality/jen-cesky/", "/aktuality/", "/lokality/")
SITEMAP_XSD = Path(__file__).parent / "sitemap" / "sitemap.xsd"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the fixture site once; return its output folder."""
    root = tmp_path_factory.mktemp("english")
    site = root / "site"
    shutil.copytree(SITE, site)
    shutil.copytree(REPO / "templates", site / "templates")
    build(options_for(site, root / "public"))
    return root / "public"


def page_at(public: Path, url: str) -> Page:
    return parse_page(public / url.lstrip("/") / "index.html")


class _Switcher(HTMLParser):
    """Collects the attributes of the language switcher's links."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and "language-switch" in (found.get("class") or "").split():
            self.links.append(found)


def switcher_at(public: Path, url: str) -> list[dict[str, str | None]]:
    parser = _Switcher()
    parser.feed((public / url.lstrip("/") / "index.html").read_text("utf-8"))
    return parser.links


def alternates(page: Page) -> dict[str, str]:
    return {
        attrs["hreflang"]: attrs["href"]
        for attrs in page.links
        if attrs.get("rel") == "alternate" and "hreflang" in attrs
    }


def test_each_kind_has_its_translation_under_en_in_english(built: Path) -> None:
    for czech, english in PAIRS.items():
        page = page_at(built, english)
        assert page.lang == "en", english
        assert page_at(built, czech).lang == "cs", czech
    assert "We help municipalities “every day”." in page_at(built, "/en/about-us/").text
    # English keeps no one-letter word with the next, as Czech does ("v\u00a0Praze").
    body = (built / "en/about-us/index.html").read_text(encoding="utf-8")
    assert "A team of five works in a region 20\u00a0km away, and I answer its phone." in body
    assert page_at(built, "/en/about-us/").titles[0].startswith("About us")


def test_english_pages_name_regions_and_kinds_in_english_and_say_region_pages_are_czech(
    built: Path,
) -> None:
    locality = (built / "en/localities/zlutice/index.html").read_text(encoding="utf-8")
    assert '<a href="/kraje/karlovarsky/" hreflang="cs">Karlovy Vary Region</a>' in locality
    assert 'data-pagefind-filter="Kraj:Karlovy Vary Region"' in locality
    assert "Karlovarský" not in page_at(built, "/en/localities/zlutice/").text
    assert "<dt>Type</dt><dd>town</dd>" in locality  # kind: město
    assert "(Karlovy Vary Region)" in page_at(built, "/en/").text
    czech = (built / "lokality/zlutice/index.html").read_text(encoding="utf-8")
    assert '<a href="/kraje/karlovarsky/">Karlovarský kraj</a>' in czech


def test_every_region_has_an_english_name() -> None:
    names = {region.id: region.name_en for region in all_regions()}
    assert len(set(names.values())) == 14
    assert all(name == "Prague" or name.endswith(" Region") for name in names.values()), names


def test_translated_pages_name_each_other_both_ways_with_x_default_czech(built: Path) -> None:
    for czech, english in PAIRS.items():
        expected = {"cs": BASE + czech, "en": BASE + english, "x-default": BASE + czech}
        assert alternates(page_at(built, czech)) == expected, czech
        assert alternates(page_at(built, english)) == expected, english


def test_untranslated_pages_announce_no_alternate_and_show_no_switcher(built: Path) -> None:
    for url in UNTRANSLATED:
        assert alternates(page_at(built, url)) == {}, url
        assert switcher_at(built, url) == [], url


def test_the_switcher_leads_to_the_other_language_and_says_its_language(built: Path) -> None:
    for czech, english in PAIRS.items():
        assert switcher_at(built, czech) == [
            {"class": "language-switch", "href": english, "lang": "en", "hreflang": "en"}
        ]
        assert switcher_at(built, english) == [
            {"class": "language-switch", "href": czech, "lang": "cs", "hreflang": "cs"}
        ]


def test_english_home_says_most_news_is_czech_and_lists_what_is_translated(built: Path) -> None:
    home = page_at(built, "/en/")
    assert home.lang == "en"
    assert "Most of our news is published in Czech only." in home.text
    assert "/" in home.hrefs  # the Czech home
    listed = [href for href in home.hrefs if href in PAIRS.values()]
    assert listed == [
        "/en/about-us/",
        "/en/news/with-folder/",  # news newest first
        "/en/news/the-first-news-item/",
        "/en/localities/zlutice/",
        "/en/partnerships/the-zlutice-area/",
    ]
    assert alternates(home) == {"cs": BASE + "/", "en": BASE + "/en/", "x-default": BASE + "/"}


def test_a_translation_follows_its_draft_original(built: Path, tmp_path: Path) -> None:
    assert not (built / "en/news/a-draft-news-item").exists()
    assert "A draft news item" not in page_at(built, "/en/").text
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    shutil.copytree(REPO / "templates", site / "templates")
    build(options_for(site, tmp_path / "public", drafts=True))
    assert page_at(tmp_path / "public", "/en/news/a-draft-news-item/").lang == "en"


def test_a_bundles_translation_links_the_bundles_files(built: Path) -> None:
    page = page_at(built, "/en/news/with-folder/")
    assert "/aktuality/bundle/tabulka.csv" in page.hrefs
    assert (built / "aktuality/bundle/tabulka.csv").is_file()


def test_english_feeds_hold_the_english_news_whole_and_newest_first(built: Path) -> None:
    for name in ("feed.xml", "atom.xml"):
        feed = feedparser.parse((built / "en" / name).read_bytes())
        assert not feed.bozo, name
        # Texts are typeset as the Czech ones (a no-break space after "a").
        assert [" ".join(entry.title.split()) for entry in feed.entries] == [
            "A news item with a folder",
            "The first news item",
        ]
        assert feed.entries[1].link == BASE + "/en/news/the-first-news-item/"
        assert "The text of the first news item." in feed.entries[1].content[0].value
        czech = feedparser.parse((built / name).read_bytes())
        assert {e.id for e in feed.entries}.isdisjoint({e.id for e in czech.entries})
    rss = etree.fromstring((built / "en/feed.xml").read_bytes())
    assert rss.findtext("channel/language") == "en"
    for url in PAIRS.values():
        page = page_at(built, url)
        assert "/en/feed.xml" in page.link("alternate", "application/rss+xml"), url
        assert "/en/atom.xml" in page.link("alternate", "application/atom+xml"), url


SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_the_sitemap_lists_english_pages_with_alternates_on_both_entries(built: Path) -> None:
    document = etree.parse(str(built / "sitemap.xml"))
    etree.XMLSchema(etree.parse(str(SITEMAP_XSD))).assertValid(document)
    entries = {
        url.findtext(f"{SITEMAP}loc"): {
            link.get("hreflang"): link.get("href") for link in url.iter(f"{XHTML}link")
        }
        for url in document.getroot()
    }
    for czech, english in PAIRS.items():
        expected = {"cs": BASE + czech, "en": BASE + english, "x-default": BASE + czech}
        assert entries[BASE + czech] == expected
        assert entries[BASE + english] == expected
    assert entries[BASE + "/kontakty/"] == {}


def test_the_sample_site_has_english_pages(sample_site: Path) -> None:
    home = page_at(sample_site, "/en/")
    assert "/en/about-the-agency/" in home.hrefs
    assert "/en/news/central-bohemian-region-memorandum/" in home.hrefs
    page = page_at(sample_site, "/en/about-the-agency/")
    assert page.lang == "en"
    assert alternates(page)["cs"].endswith("/o-agenture/")


# Errors -------------------------------------------------------------------------

ORIGINAL = "---\ntitle: O nás\n---\nText.\n"


def problems_of(
    tmp_path: Path, run_cli: Callable[..., Run], files: dict[str, str | bytes]
) -> list[str]:
    site = make_site(tmp_path / "site", files)
    result = run_cli("build", "--source", site)
    assert result.status == 1, result.err
    return result.problems


def test_an_unknown_key_of_a_translation_is_an_error_with_its_line_and_a_hint(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    files: dict[str, str | bytes] = {
        "content/pages/o-nas.md": ORIGINAL,
        "content/pages/o-nas.en.md": "---\ntitle: About us\nsumary: Who we are.\n---\nText.\n",
    }
    [problem] = problems_of(tmp_path, run_cli, files)
    assert problem.startswith("content/pages/o-nas.en.md:3: sumary: ")
    assert "summary" in problem


def test_a_translation_without_a_title_is_an_error(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    files: dict[str, str | bytes] = {
        "content/pages/o-nas.md": ORIGINAL,
        "content/pages/o-nas.en.md": "---\nsummary: Who we are.\n---\nText.\n",
    }
    assert problems_of(tmp_path, run_cli, files) == [
        "content/pages/o-nas.en.md:1: title: is required"
    ]


def test_a_translation_without_its_original_names_both_paths(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    files: dict[str, str | bytes] = {
        "content/pages/o-nas.en.md": "---\ntitle: About us\n---\nText.\n",
        "content/news/2020-01-01-x/index.en.md": "---\ntitle: X\n---\nText.\n",
    }
    assert sorted(problems_of(tmp_path, run_cli, files)) == [
        "content/news/2020-01-01-x/index.en.md: a translation without its original: "
        "content/news/2020-01-01-x/index.md does not exist; write the Czech original "
        "there first, or remove this translation",
        "content/pages/o-nas.en.md: a translation without its original: "
        "content/pages/o-nas.md does not exist; write the Czech original there first, "
        "or remove this translation",
    ]


def test_a_name_that_cannot_be_a_translations_says_what_to_name_it(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    files: dict[str, str | bytes] = {
        "content/pages/o-nas.md": ORIGINAL,
        "content/pages/o-nas.en.md": "---\ntitle: About us\n---\nText.\n",
        "content/pages/o-nas.en.en.md": "---\ntitle: About us\n---\nText.\n",
        "content/pages/o-nas.de.md": "---\ntitle: Über uns\n---\nText.\n",
        "content/pages/o-nas.en.en.en.md": "---\ntitle: About us\n---\nText.\n",
        "content/pages/o-nas.cs.md": ORIGINAL,
    }
    assert sorted(problems_of(tmp_path, run_cli, files)) == [
        "content/pages/o-nas.cs.md: a Czech text is the original, named without a "
        "language: name the file o-nas.md",
        "content/pages/o-nas.de.md: a translation into 'de': pages are translated into "
        "English only; name an English translation o-nas.en.md, and put another "
        "language's text elsewhere",
        "content/pages/o-nas.en.en.en.md: a translation of a translation: only a Czech "
        "original has translations; name the file o-nas.en.md",
        "content/pages/o-nas.en.en.md: a translation of a translation: only a Czech "
        "original has translations; name the file o-nas.en.md",
    ]


def test_two_translations_at_one_address_are_an_error(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    files: dict[str, str | bytes] = {
        "content/pages/o-nas.md": ORIGINAL,
        "content/pages/o-nas.en.md": "---\ntitle: About us\n---\nText.\n",
        "content/pages/kdo-jsme.md": "---\ntitle: Kdo jsme\n---\nText.\n",
        "content/pages/kdo-jsme.en.md": "---\ntitle: Who we are\nslug: about-us\n---\nText.\n",
    }
    assert problems_of(tmp_path, run_cli, files) == [
        "content/pages/o-nas.en.md:1: slug: 'about-us' gives the address /en/about-us/, "
        "already used by content/pages/kdo-jsme.en.md; set another slug"
    ]


def test_a_translation_cannot_take_an_english_section_and_a_page_cannot_take_en(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    files: dict[str, str | bytes] = {
        "content/pages/o-nas.md": ORIGINAL,
        "content/pages/o-nas.en.md": "---\ntitle: News\n---\nText.\n",
        "content/pages/anglicky.md": "---\ntitle: Anglicky\nslug: en\n---\nText.\n",
    }
    assert sorted(problems_of(tmp_path, run_cli, files)) == [
        "content/pages/anglicky.md:3: slug: 'en' is the address of a section of the site; "
        "choose another slug for this page",
        "content/pages/o-nas.en.md:2: title: 'news' is the address of a section of the "
        "English site; add 'slug:' with another one",
    ]


def test_a_summary_is_refused_where_the_original_takes_none(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    files: dict[str, str | bytes] = {
        "content/localities/zlutice.md": "---\ntitle: Žlutice\nregion: karlovarsky\n---\nText.\n",
        "content/localities/zlutice.en.md": "---\ntitle: Žlutice\nsummary: A town.\n---\nA town.\n",
    }
    assert problems_of(tmp_path, run_cli, files) == [
        "content/localities/zlutice.en.md:3: summary: a locality has no summary, in Czech "
        "either; remove it: the first paragraph of the text describes the page"
    ]


def test_the_text_of_a_region_is_not_translated(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    files: dict[str, str | bytes] = {
        "content/regions/karlovarsky.md": "---\nsummary: Kraj lázní.\n---\nText.\n",
        "content/regions/karlovarsky.en.md": "---\ntitle: The Karlovy Vary Region\n---\nText.\n",
    }
    assert problems_of(tmp_path, run_cli, files) == [
        "content/regions/karlovarsky.en.md: the texts of regions have no English version; "
        "remove this file"
    ]


# new --translation en, check --------------------------------------------------------


def test_new_writes_a_translation_that_stops_the_build_until_its_title_is_written(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {"content/pages/o-nas.md": ORIGINAL})
    written = run_cli("new", "page", "o-nas", "--translation", "en", "--source", site)
    assert written.status == 0, written.err
    path = site / "content/pages/o-nas.en.md"
    assert Path(written.out.strip()) == path
    assert run_cli("build", "--source", site).problems == [
        "content/pages/o-nas.en.md:5: title: 'DOPLNIT' is to be filled in: write the "
        "English title of content/pages/o-nas.md"
    ]
    path.write_text(path.read_text("utf-8").replace("title: DOPLNIT", "title: About us"))
    assert run_cli("build", "--source", site).status == 0
    assert (site / "public/en/about-us/index.html").is_file()
    again = run_cli("new", "page", "o-nas", "--translation", "en", "--source", site)
    assert (again.status, again.err.strip()) == (
        2,
        "sitegen: content/pages/o-nas.en.md exists already: edit it, or remove it to start again",
    )


def test_new_translation_of_an_item_that_does_not_exist_is_refused(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {"content/pages/o-nas.md": ORIGINAL})
    result = run_cli("new", "news", "nic", "--translation", "en", "--source", site)
    assert result.status == 2
    assert result.err.startswith("sitegen: no news called 'nic' in content/news/")


def git(site: Path, *args: str, date: str = "") -> None:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.cz",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.cz",
        "HOME": str(site),
        "PATH": "/usr/bin:/bin",
    }
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "-C", str(site), *args], check=True, env=env, capture_output=True)


@pytest.mark.search
def test_check_warns_when_the_original_changed_after_its_translation(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    files: dict[str, str | bytes] = {
        "content/pages/o-nas.md": ORIGINAL,
        "content/pages/o-nas.en.md": "---\ntitle: About us\n---\nText.\n",
    }
    site = make_site(tmp_path / "site", files)
    shutil.copytree(REPO / "static", site / "static")
    git(site, "init", "-q")
    git(site, "add", ".")
    git(site, "commit", "-qm", "both", date="2026-01-01T10:00:00+01:00")
    warning = "content/pages/o-nas.en.md: the Czech original content/pages/o-nas.md changed"
    assert warning not in run_cli("check", "--source", site).err
    original = site / "content/pages/o-nas.md"
    original.write_text(ORIGINAL + "More.\n", encoding="utf-8")
    git(site, "commit", "-qam", "original", date="2026-02-01T10:00:00+01:00")
    checked = run_cli("check", "--source", site)
    assert checked.status == 0, checked.err
    assert (
        f"warning: {warning} after this translation (on 2026-02-01 10:00); bring the "
        "translation up to date and commit it"
    ) in checked.err.splitlines()
    translation = site / "content/pages/o-nas.en.md"
    translation.write_text("---\ntitle: About us\n---\nText. More.\n", encoding="utf-8")
    assert warning not in run_cli("check", "--source", site).err  # written after: newer


# Incremental builds -----------------------------------------------------------------


def test_an_edit_of_a_translation_or_its_original_rewrites_the_pages_that_show_it(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    shutil.copytree(REPO / "templates", site / "templates")
    options = options_for(site, tmp_path / "public")
    build(options)
    edits = {
        "content/localities/zlutice.en.md": ("A small town.", "A small town in the west."),
        "content/localities/zlutice.md": ("Malé město.", "Malé město.\n\nDalší odstavec."),
        "content/partnerships/zluticko.en.md": ("The Žlutice area", "Around Žlutice"),
    }
    shown = {
        "content/localities/zlutice.en.md": {"en/localities/zlutice/index.html"},
        "content/localities/zlutice.md": {"lokality/zlutice/index.html"},
        "content/partnerships/zluticko.en.md": {  # its title gives its new address
            "en/index.html",
            "en/partnerships/around-zlutice/index.html",
            "en/localities/zlutice/index.html",
            "partnerstvi/zluticko/index.html",  # its alternates
            "sitemap.xml",
        },
    }
    for rel, (old, new) in edits.items():
        before = tree(tmp_path / "public")
        path = site / rel
        path.write_text(path.read_text("utf-8").replace(old, new), encoding="utf-8")
        build(options)
        after = tree(tmp_path / "public")
        changed = {name for name in after if before.get(name) != after[name]}
        assert changed == shown[rel], rel
        cold = tmp_path / f"cold-{len(rel)}"
        build(dataclasses.replace(options, output_path=cold, use_cache=False))
        assert tree(cold) == after, rel
    assert not (tmp_path / "public/en/partnerships/the-zlutice-area").exists()


# Search ---------------------------------------------------------------------------


def bundle_urls(bundle: Path) -> list[str]:
    """Return the address of every page a Pagefind bundle indexes."""
    fragments = (fragment_of(path.read_bytes()) for path in (bundle / "fragment").iterdir())
    return sorted(str(fragment.get("url")) for fragment in fragments)


@pytest.mark.search
def test_english_pages_have_their_own_english_search_bundle(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    shutil.copytree(REPO / "templates", site / "templates")
    public = tmp_path / "public"
    build(options_for(site, public, search=True))
    assert bundle_urls(public / "en/pagefind") == sorted(PAIRS.values())
    entry = json.loads((public / "en/pagefind/pagefind-entry.json").read_text("utf-8"))
    assert list(entry["languages"]) == ["en"]
    czech = bundle_urls(public / "pagefind")
    assert czech and not [url for url in czech if url.startswith("/en/")]
    tiers = json.loads((public / "pagefind-tiers.json").read_text("utf-8"))
    assert tiers["bundles"] == ["/pagefind/"]
    search = (public / "en/search/index.html").read_text("utf-8")
    assert 'data-bundles="/en/pagefind/"' in search
    assert parse_page(public / "en/search/index.html").lang == "en"
    path = site / "content/pages/o-nas.en.md"
    path.write_text(path.read_text("utf-8").replace("We help", "We gladly help"), "utf-8")
    build(options_for(site, public, search=True))
    assert bundle_urls(public / "en/pagefind") == sorted(PAIRS.values())
    assert json.loads((public / "pagefind-tiers.json").read_text("utf-8")) == tiers


def test_the_preview_shows_a_translation_as_it_is_written_and_removed(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"content/pages/o-nas.md": ORIGINAL})
    options = options_for(site, drafts=True)  # as the preview builds: drafts, no search
    memory = Memory()
    build(options, memory=memory)
    english = site / "content/pages/o-nas.en.md"
    for text in ("We help.", "We help towns."):
        english.write_text(f"---\ntitle: About us\n---\n{text}\n", encoding="utf-8")
        build(options, memory=memory)
        assert text in page_at(site / "public", "/en/about-us/").text
        assert "en" in alternates(page_at(site / "public", "/o-nas/"))
    english.unlink()
    build(options, memory=memory)
    assert not (site / "public/en/about-us").exists()
    assert alternates(page_at(site / "public", "/o-nas/")) == {}
