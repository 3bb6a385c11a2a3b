"""The theme in English: every page of the sample site rendered from its real context with
`lang="en"`, read with an HTML parser; the catalogues checked against the templates.

Czech pages stay byte for byte as they were: the golden tests (test_golden.py) and
test_theme.py check them unchanged.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from sitegen.base.config import load_config
from sitegen.base.errors import ContentError
from sitegen.base.options import BuildOptions
from sitegen.engine.load import load_site
from sitegen.link.site import Site
from sitegen.plan.contexts import NewsItemContext, Route
from sitegen.plan.routes import plan_routes
from sitegen.render.sandbox import ValueTooLarge
from sitegen.render.templates import SiteGlobals, make_environment, render_page, site_globals
from tests.conftest import NOW, REPO, SITE_YAML, make_site, options_for

LOCALE = REPO / "templates" / "locale"
ENGLISH_MENU = [
    "News",
    "Where we work",
    "Local partnerships",
    "Regions",
    "Topics",
    "About the Agency",
    "Contacts",
]
CZECH_INTERFACE = (
    "Přeskočit na obsah",
    "Hlavní menu",
    "Hledat",
    "Odběr a sítě",
    "Odběr aktualit",
    "O webu",
    "Prohlášení o přístupnosti",
    "Vyhledávání",
    "Otevřená data",
    "cookies a",
    "Kontakt",
    "Telefon",
    "agentury",
    "Povinné informace",
    "Adresa stránky",
    "Aktuality",
)
NBSP = "\u00a0"


# Reading a page: its language and the texts of the parts the theme writes -----------


@dataclasses.dataclass
class Interface:
    """What the theme itself writes on a page, by part."""

    lang: str | None = None
    skip_link: str = ""
    menu: list[str] = dataclasses.field(default_factory=list)
    nav_labels: list[str] = dataclasses.field(default_factory=list)
    header: str = ""
    footer: str = ""
    times: list[str] = dataclasses.field(default_factory=list)
    og_locale: str = ""


class _InterfaceParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = Interface()
        self.open: list[tuple[str, str]] = []
        """(tag, part) of every open element; part: the theme's part it starts, or ""."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        classes = values.get("class", "").split()
        if tag == "html":
            self.found.lang = values.get("lang")
        if tag == "meta" and values.get("property") == "og:locale":
            self.found.og_locale = values.get("content", "")
        if "aria-label" in values:
            self.found.nav_labels.append(values["aria-label"])
        part = ""
        if tag == "a" and "skip-link" in classes:
            part = "skip"
        elif tag == "header" and "site-header" in classes:
            part = "header"
        elif tag == "footer":
            part = "footer"
        elif tag == "time":
            part = "time"
            self.found.times.append("")
        elif tag == "a" and self._inside("nav-menu"):
            part = "menu"
            self.found.menu.append("")
        elif tag == "nav" and "main-nav" in classes:
            part = "nav-menu"
        if tag not in ("meta", "link", "input", "img", "br", "wbr", "source"):
            self.open.append((tag, part))

    def handle_endtag(self, tag: str) -> None:
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        found = self.found
        if self._inside("skip"):
            found.skip_link += data
        if self._inside("menu"):
            found.menu[-1] += data
        if self._inside("header"):
            found.header += data
        if self._inside("footer"):
            found.footer += data
        if self._inside("time"):
            found.times[-1] += data

    def _inside(self, part: str) -> bool:
        return any(open_part == part for _, open_part in self.open)


def interface_of(page: bytes) -> Interface:
    """Parse a page; return what the theme wrote on it, spaces made plain."""
    parser = _InterfaceParser()
    parser.feed(page.decode())
    parser.close()
    found = parser.found
    found.skip_link, found.header, found.footer = (
        " ".join(text.replace(NBSP, " ").split())
        for text in (found.skip_link, found.header, found.footer)
    )
    found.menu = [" ".join(label.split()) for label in found.menu]
    return found


# The sample site, loaded and planned once -------------------------------------------


@pytest.fixture(scope="module")
def sample() -> tuple[Site, list[Route]]:
    options = BuildOptions(
        site_path=REPO,
        content_path=REPO / "content",
        output_path=REPO / "public",  # never written: the site is only loaded
        base_url=None,
        include_drafts=False,
        now=NOW,
        search=False,
    )
    site = load_site(options)
    return site, plan_routes(site)


def in_english(route: Route) -> Route:
    """Return route with its context's language English, as an English page has it."""
    return dataclasses.replace(route, context=dataclasses.replace(route.context, lang="en"))


def rendered(site: Site, routes: list[Route]) -> Iterator[tuple[Route, bytes]]:
    env = make_environment(REPO / "templates", site_globals(site))
    for route in routes:
        yield route, render_page(env, route)


def test_every_page_renders_in_english_with_an_english_interface(
    sample: tuple[Site, list[Route]],
) -> None:
    site, routes = sample
    pages = list(rendered(site, [in_english(route) for route in routes]))
    assert len(pages) == len(routes) > 50
    for route, page in pages:
        found = interface_of(page)
        assert found.lang == "en", route.url
        if route.template == "redirect.html":
            continue
        assert found.og_locale == "en_GB", route.url
        assert found.skip_link == "Skip to content", route.url
        assert found.menu == ENGLISH_MENU, route.url
        assert "Main menu" in found.nav_labels, route.url
        for words in CZECH_INTERFACE:
            assert words not in found.header, (route.url, words)
            assert words not in found.footer, (route.url, words)
        assert "This website stores no cookies in your browser" in found.footer
        assert "The Agency on Facebook" in found.footer
        assert "Agency for Social Inclusion" in found.header


def test_english_pages_name_the_site_and_its_contacts_in_english(
    sample: tuple[Site, list[Route]],
) -> None:
    site, routes = sample
    home = next(route for route in routes if route.url == site.urls.home())
    (_, page), *_ = rendered(site, [in_english(home)])
    found = interface_of(page)
    assert "Ministry of Regional Development of the Czech Republic" in found.header
    assert "Department for Social Inclusion" in found.footer
    assert "Director of the Department" in found.footer
    assert "Telephone: +420 777 787 974" in found.footer
    assert "<title>Agency for Social Inclusion</title>" in page.decode()
    assert 'href="/feed.xml"' not in page.decode()  # the English feeds: tests/test_english.py


def english_date(day: date) -> str:
    months = "January February March April May June July August September October November December"
    return f"{day.day} {months.split()[day.month - 1]} {day.year}"


def test_an_english_news_item_shows_its_date_in_english(
    sample: tuple[Site, list[Route]],
) -> None:
    site, routes = sample
    route = next(r for r in routes if isinstance(r.context, NewsItemContext))
    assert isinstance(route.context, NewsItemContext)
    day = route.context.item.date
    (_, page), *_ = rendered(site, [in_english(route)])
    found = interface_of(page)
    assert found.times[0] == english_date(day)
    assert not re.match(r"0\d ", found.times[0])  # "2 January 2020", no leading zero
    (_, czech), *_ = rendered(site, [route])
    assert interface_of(czech).times[0].startswith(f"{day.day}.{NBSP}")


def test_czech_pages_keep_czech_and_their_language(sample: tuple[Site, list[Route]]) -> None:
    site, routes = sample
    for route, page in rendered(site, routes[:5]):
        found = interface_of(page)
        assert found.lang == "cs", route.url
        assert found.skip_link == "Přeskočit na obsah"
        assert found.menu[0] == "Aktuality"


def test_counts_take_the_plural_of_each_language(sample: tuple[Site, list[Route]]) -> None:
    site, routes = sample
    regions = next(route for route in routes if route.template == "regions.html")
    (_, english), *_ = rendered(site, [in_english(regions)])
    (_, czech), *_ = rendered(site, [regions])
    assert "1&nbsp;news item<" in english.decode()
    assert "2&nbsp;news items<" in english.decode()
    assert "1&nbsp;aktualita<" in czech.decode()
    assert "2&nbsp;aktuality<" in czech.decode()


# The catalogues ----------------------------------------------------------------------


def catalogue(path: Path) -> Catalog:
    with path.open("rb") as po:
        return read_po(po)


def extracted_ids() -> set[str | tuple[str, ...]]:
    """Return the msgids the templates (and the render's labels) hold now, extracted as
    `make theme-messages` extracts them."""
    with (REPO / "babel-theme.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "T_": None}
    found = extract_from_dir(REPO, method_map, options_map, keywords=keywords)
    return {message for _, _, message, _, _ in found}


def test_the_catalogues_hold_every_text_of_the_templates_and_no_other() -> None:
    in_templates = extracted_ids()
    assert len(in_templates) > 100
    for path in (
        LOCALE / "theme.pot",
        LOCALE / "en" / "LC_MESSAGES" / "theme.po",
        LOCALE / "cs" / "LC_MESSAGES" / "theme.po",
    ):
        held = {message.id for message in catalogue(path) if message.id}
        assert held == in_templates, (path, in_templates ^ held)


def test_every_text_has_an_english_translation() -> None:
    english = catalogue(LOCALE / "en" / "LC_MESSAGES" / "theme.po")
    for message in english:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(forms), message.id
        assert not message.fuzzy, message.id
        assert len(forms) == (2 if message.pluralizable else 1), message.id


def test_czech_plurals_have_their_three_forms() -> None:
    czech = catalogue(LOCALE / "cs" / "LC_MESSAGES" / "theme.po")
    plurals = [message for message in czech if message.id and message.pluralizable]
    assert plurals
    for message in plurals:
        assert isinstance(message.string, tuple)
        one, few, many = message.string
        assert one == message.id[0], message.id
        assert few == message.id[1], message.id
        assert many, message.id


def test_a_broken_catalogue_is_named_with_its_line(tmp_path: Path) -> None:
    po = tmp_path / "locale" / "en" / "LC_MESSAGES" / "theme.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n\nmsgid "Aktuality"\nNews\n', encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        make_environment(tmp_path, SiteGlobals(None, None, ()))  # type: ignore[arg-type]
    (problem,) = raised.value.problems
    assert problem.path == "templates/locale/en/LC_MESSAGES/theme.po"
    assert problem.line == 5


# site.yaml's English block -----------------------------------------------------------

CZECH_MENU = """\
menu:
  - {title: Aktuality, url: /aktuality/, position: 1}
  - {title: Kraje, url: /kraje/, position: 2}
"""
ENGLISH_BLOCK = (
    CZECH_MENU
    + """\
translations:
  en:
    title: Test site
    description: A site for tests.
    menu:
      /aktuality/: News
"""
)


def test_a_menu_item_without_an_english_label_is_left_out(tmp_path: Path) -> None:
    site_path = make_site(tmp_path / "site", {"site.yaml": SITE_YAML + ENGLISH_BLOCK})
    site = load_site(options_for(site_path))
    home = next(route for route in plan_routes(site) if route.url == site.urls.home())
    (_, english), *_ = rendered_with(site_path, site, [in_english(home)])
    (_, czech), *_ = rendered_with(site_path, site, [home])
    assert interface_of(english).menu == ["News"]
    assert interface_of(czech).menu == ["Aktuality", "Kraje"]
    assert "<title>Test site</title>" in english.decode()


def rendered_with(site_path: Path, site: Site, routes: list[Route]) -> list[tuple[Route, bytes]]:
    env = make_environment(site_path / "templates", site_globals(site))
    return [(route, render_page(env, route)) for route in routes]


def test_without_an_english_block_english_pages_have_no_menu(tmp_path: Path) -> None:
    site_path = make_site(tmp_path / "site", {"site.yaml": SITE_YAML + CZECH_MENU})
    site = load_site(options_for(site_path))
    home = next(route for route in plan_routes(site) if route.url == site.urls.home())
    (_, english), *_ = rendered_with(site_path, site, [in_english(home)])
    assert interface_of(english).menu == []
    assert "<title>Testovací web</title>" in english.decode()


@pytest.mark.parametrize(
    ("block", "line", "field"),
    [
        ("translations:\n  en:\n    title: X\n", 14, "translations.en.description"),
        (
            "translations:\n  en:\n    title: X\n    description: Y\n    menu:\n"
            "      aktuality: News\n",
            18,
            "translations.en.menu.aktuality.[key]",
        ),
        ("translations:\n  de:\n    title: X\n", 14, "translations.de"),
    ],
)
def test_a_wrong_english_block_is_named_by_file_line_and_field(
    tmp_path: Path, block: str, line: int, field: str
) -> None:
    site_path = make_site(tmp_path / "site", {"site.yaml": SITE_YAML + block})
    with pytest.raises(ContentError) as raised:
        load_config(site_path, None)
    (problem,) = raised.value.problems
    assert (problem.path, problem.line, problem.field) == ("site.yaml", line, field)


def test_a_text_whose_widths_would_make_it_huge_is_refused(tmp_path: Path) -> None:
    (tmp_path / "huge.html").write_text("{{ _('%(a)0999999999d', a=1) }}", encoding="utf-8")
    env = make_environment(tmp_path, SiteGlobals(None, None, ()))  # type: ignore[arg-type]
    with pytest.raises(ValueTooLarge):
        env.get_template("huge.html").render()


def test_english_pages_are_valid_html(sample: tuple[Site, list[Route]], tmp_path: Path) -> None:
    from tests.test_browser import run_vnu

    site, routes = sample
    for number, (_, page) in enumerate(rendered(site, [in_english(r) for r in routes])):
        (tmp_path / f"{number}.html").write_bytes(page)
    messages = run_vnu(tmp_path)
    errors = [m for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    assert [f"{m['url']}:{m.get('lastLine')}: {m['message']}" for m in errors] == []


def test_texts_are_formatted_and_escaped_as_jinjas_newstyle_gettext(tmp_path: Path) -> None:
    """_() and gettext give what Jinja's i18n extension gives with newstyle gettext: the
    text is a format string even without keywords, and the keywords are escaped."""
    (tmp_path / "texts.html").write_text(
        "{{ _('Sleva 50 %%') }}|{{ _('Dobrý den, %(name)s', name='<b>Jana</b>') }}"
        "|{{ gettext('Sleva 50 %%') }}|{% trans n='<i>' %}Text {{ n }}{% endtrans %}"
        "|{{ _('Sleva 50 %%') }}",
        encoding="utf-8",
    )
    env = make_environment(tmp_path, SiteGlobals(None, None, ()))  # type: ignore[arg-type]
    assert env.get_template("texts.html").render() == (
        "Sleva 50 %|Dobrý den, &lt;b&gt;Jana&lt;/b&gt;|Sleva 50 %|Text &lt;i&gt;|Sleva 50 %"
    )
    (tmp_path / "bare.html").write_text("{{ _('100 %') }}", encoding="utf-8")
    with pytest.raises(ValueError, match="incomplete format"):
        env.get_template("bare.html").render()
