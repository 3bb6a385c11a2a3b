"""The monthly e-mail digest: `newsletter YYYY-MM` writes a mail that mail clients show.

The HTML is read with a real parser (the rules of mail clients: tables, inlined styles,
absolute https addresses, JPEG/PNG photos with alt, under Gmail's 102 KB) and shown in
Chromium at 600 and 320 px with the photos the site build published; the text part
and the listmonk campaign are read as a reader and listmonk would.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image as PILImage
from playwright.sync_api import Browser, Page, Route

from sitegen.engine.pipeline import build
from tests.conftest import REPO, SITE_YAML, Run, make_site, options_for, sample_file
from tests.test_browser import ARTIFACTS, describe, run_axe, run_vnu

BASE = "https://example.cz"
MONTH = "2026-05"
UNSUBSCRIBE = "{{ UnsubscribeURL }}"
TITLES = {
    "jpeg": "Jednání v Žluticích o sociálním bydlení",
    "png": "Mapa lokalit v kraji",
    "gif": "Pozvánka na seminář",
    "plain": "Středočeský kraj a agentura jednali v Kolíně",
}
"""The titles of the month's published news in the test site."""
OTHER_TITLES = ("Zpráva z června", "Rozpracovaná zpráva")
"""News of the site that the month's digest leaves out: another month's, a draft."""


def image_bytes(width: int, height: int, kind: str) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), "steelblue").save(buffer, kind)
    return buffer.getvalue()


def news(title: str, date: str, extra: str = "") -> str:
    return (
        f"---\ntitle: {title}\ndate: {date}\nplace: Praha\n"
        f"summary: Krátké shrnutí zprávy „{title}“ s odkazem na web.\n{extra}---\nText zprávy.\n"
    )


def photo(name: str) -> str:
    return f"image: {name}\nimage_alt: Lidé u stolu nad listinou\n"


NEWS_FILES: dict[str, str | bytes] = {
    "content/news/2026-05-20-jednani/index.md": news(
        TITLES["jpeg"], "2026-05-20T10:00", photo("foto.jpg")
    ),
    "content/news/2026-05-20-jednani/foto.jpg": image_bytes(1200, 800, "JPEG"),
    "content/news/2026-05-12-mapa/index.md": news(
        TITLES["png"], "2026-05-12T09:00", photo("mapa.png")
    ),
    "content/news/2026-05-12-mapa/mapa.png": image_bytes(800, 600, "PNG"),
    "content/news/2026-05-07-seminar/index.md": news(
        TITLES["gif"], "2026-05-07T09:00", photo("pozvanka.gif")
    ),
    "content/news/2026-05-07-seminar/pozvanka.gif": sample_file("pozvanka.gif"),
    "content/news/2026-05-02-kolin.md": news(
        TITLES["plain"], "2026-05-02T08:00", "regions: [stredocesky]\n"
    ),
    "content/news/2026-06-01-cerven.md": news(OTHER_TITLES[0], "2026-06-01T08:00"),
    "content/news/2026-05-25-koncept.md": news(OTHER_TITLES[1], "2026-05-25", "draft: true\n"),
}


@dataclass
class Mail:
    """What a test needs to know of the digest's HTML."""

    tags: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    """Every start tag with its attributes, in order."""
    text: str = ""

    def of(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]


class _MailParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.mail = Mail()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.mail.tags.append((tag, {name: value or "" for name, value in attrs}))

    def handle_data(self, data: str) -> None:
        self.mail.text += data


def parse_mail(html: str) -> Mail:
    parser = _MailParser()
    parser.feed(html)
    parser.close()
    return parser.mail


@dataclass(frozen=True)
class Digest:
    """The three files of one digest."""

    html: str
    text: str
    campaign: dict[str, object]
    size: int


def read_digest(folder: Path, stem: str) -> Digest:
    html_path = folder / f"{stem}.html"
    return Digest(
        html_path.read_text(encoding="utf-8"),
        (folder / f"{stem}.txt").read_text(encoding="utf-8"),
        json.loads((folder / f"{stem}.listmonk.json").read_text(encoding="utf-8")),
        html_path.stat().st_size,
    )


@pytest.fixture(scope="module")
def news_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site with four published news items in May 2026, built (its photos published)."""
    site = make_site(tmp_path_factory.mktemp("newsletter") / "site", NEWS_FILES)
    build(dataclasses.replace(options_for(site), jobs=1))
    return site


@pytest.fixture
def may(news_site: Path, run_cli: Callable[..., Run], tmp_path: Path) -> Digest:
    result = run_cli("newsletter", MONTH, "--source", news_site, "--output", tmp_path)
    assert result.status == 0, result.err
    return read_digest(tmp_path, f"zpravodaj-{MONTH}")


def assert_mail_safe(digest: Digest) -> Mail:
    """Assert the rules mail clients need of the digest's HTML; return it parsed."""
    assert digest.size < 102_000
    mail = parse_mail(digest.html)
    names = {name for name, _ in mail.tags}
    assert not names & {"picture", "source", "svg", "style", "link", "script", "iframe"}
    assert mail.of("table"), "the layout is made of tables"
    for table in mail.of("table"):
        assert int(table["width"].rstrip("%") or 0) <= 600 or table["width"] == "100%"
        assert "max-width: 600px" in table["style"] or table["width"] == "100%"
    for img in mail.of("img"):
        assert img["alt"].strip()
        assert img["src"].startswith("https://")
        assert urlsplit(img["src"]).path.endswith((".jpg", ".png"))
        assert int(img["width"]) <= 600
    for link in mail.of("a"):
        assert link["href"].startswith("https://") or link["href"] == UNSUBSCRIBE
    styled = [attrs for _, attrs in mail.tags if attrs.get("class")]
    assert styled and all(attrs.get("style") for attrs in styled)  # the CSS is inlined
    return mail


def test_the_digest_is_mail_safe_html(may: Digest) -> None:
    mail = assert_mail_safe(may)
    assert parse_mail(may.html).of("html")[0]["lang"] == "cs"
    assert "Testovací web" in mail.text
    assert "Zobrazit na webu" in mail.text
    [web] = [a for a in mail.of("a") if a["href"].endswith("#mesic-5")]
    assert web["href"] == f"{BASE}/aktuality/archiv/2026/#mesic-5"
    assert [a for a in mail.of("a") if a["href"] == UNSUBSCRIBE]


def test_the_digest_holds_the_months_published_news_newest_first(may: Digest) -> None:
    mail = parse_mail(may.html)
    headings = [title for title in TITLES.values() if title in mail.text.replace("\xa0", " ")]
    assert headings == list(TITLES.values())
    positions = [mail.text.replace("\xa0", " ").index(title) for title in TITLES.values()]
    assert positions == sorted(positions)
    for title in OTHER_TITLES:
        assert title not in mail.text.replace("\xa0", " ")
    assert "20.\xa0května 2026, Praha" in mail.text
    assert "Jednání v\xa0Žluticích" in mail.text  # Czech typography: no lone v at a line end


def test_photos_are_the_published_jpeg_and_png_variants(may: Digest, news_site: Path) -> None:
    images = parse_mail(may.html).of("img")
    assert [img["src"] for img in images] == [
        f"{BASE}/aktuality/jednani/foto-640w.jpg",
        f"{BASE}/aktuality/mapa/mapa-640w.png",
    ]  # the GIF, which sitegen does not resize, is left out
    for img in images:
        published = news_site / "public" / urlsplit(img["src"]).path.lstrip("/")
        with PILImage.open(published) as variant:
            assert variant.format in ("JPEG", "PNG")
            ratio = variant.height / variant.width
        assert abs(int(img["height"]) / int(img["width"]) - ratio) < 0.01
        assert img["alt"] == "Lidé u stolu nad listinou"


def test_the_text_part_holds_every_title_and_link(may: Digest) -> None:
    text = may.text.replace("\xa0", " ")
    for title in TITLES.values():
        assert title in text
    for slug in ("jednani", "mapa", "seminar", "kolin"):
        assert f"{BASE}/aktuality/{slug}/" in text
    assert "<" not in text.replace(UNSUBSCRIBE, "")  # plain text, no markup
    assert f"Zobrazit na webu: {BASE}/aktuality/archiv/2026/#mesic-5" in text
    assert UNSUBSCRIBE in text


def test_the_listmonk_campaign_is_ready_to_post(may: Digest) -> None:
    campaign = may.campaign
    assert set(campaign) == {"name", "subject", "content_type", "body", "altbody"}
    assert campaign["content_type"] == "html"
    assert campaign["body"] == may.html
    assert campaign["altbody"] == may.text
    assert campaign["subject"] == "Zpravodaj Testovací web: květen 2026"
    assert campaign["name"] == "Zpravodaj 2026-05"


def test_site_yaml_sets_the_unsubscribe_placeholder_and_the_lists(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    settings = "newsletter:\n  unsubscribe: '[[ UNSUB ]]'\n  lists: [3, 7]\n"
    site = make_site(tmp_path / "site", {"site.yaml": SITE_YAML + settings, **NEWS_FILES})
    result = run_cli("newsletter", MONTH, "--source", site, "--output", tmp_path / "out")
    assert result.status == 0, result.err
    digest = read_digest(tmp_path / "out", f"zpravodaj-{MONTH}")
    assert digest.campaign["lists"] == [3, 7]
    unsubscribe = [a for a in parse_mail(digest.html).of("a") if "UNSUB" in a["href"]]
    assert [a["href"] for a in unsubscribe] == ["[[ UNSUB ]]"]
    assert UNSUBSCRIBE not in digest.html


def test_a_region_digest_holds_only_the_regions_news(
    news_site: Path, run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    result = run_cli(
        "newsletter", MONTH, "--region", "stredocesky", "--source", news_site, "--output", tmp_path
    )
    assert result.status == 0, result.err
    digest = read_digest(tmp_path, f"zpravodaj-{MONTH}-stredocesky")
    mail = assert_mail_safe(digest)
    text = mail.text.replace("\xa0", " ")
    assert TITLES["plain"] in text
    assert [title for title in TITLES.values() if title in text] == [TITLES["plain"]]
    assert "Středočeský kraj, květen 2026" in text
    assert [a for a in mail.of("a") if a["href"] == f"{BASE}/kraje/stredocesky/"]
    assert digest.campaign["subject"] == "Zpravodaj Testovací web: Středočeský kraj, květen 2026"


def test_an_unknown_region_is_an_error_listing_the_valid_ones(
    news_site: Path, run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    result = run_cli(
        "newsletter", MONTH, "--region", "stredni", "--source", news_site, "--output", tmp_path
    )
    assert result.status == 2
    [line] = result.err.splitlines()
    assert "stredni" in line
    assert "praha, stredocesky, jihocesky" in line and "moravskoslezsky" in line
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("region", [None, "praha"])
def test_a_month_without_news_is_an_error_saying_so(
    news_site: Path, run_cli: Callable[..., Run], tmp_path: Path, region: str | None
) -> None:
    month = "2026-04" if region is None else MONTH
    where = ("--region", region) if region else ()
    output = tmp_path / "out"
    result = run_cli("newsletter", month, *where, "--source", news_site, "--output", output)
    assert result.status == 1
    [line] = result.err.splitlines()
    assert f"{month}: no news" in line
    assert "nothing to send" in line
    assert not output.exists()


def test_files_planted_in_the_output_are_replaced_not_written_through(
    news_site: Path, run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    outside = tmp_path / "outside.html"
    outside.write_text("mine")
    output = tmp_path / "out"
    output.mkdir()
    (output / f"zpravodaj-{MONTH}.html").symlink_to(outside)
    (output / "zpravodaj-2026-04.txt").write_text("an earlier digest")
    result = run_cli("newsletter", MONTH, "--source", news_site, "--output", output)
    assert result.status == 0, result.err
    assert outside.read_text() == "mine"
    assert not (output / f"zpravodaj-{MONTH}.html").is_symlink()
    assert (output / "zpravodaj-2026-04.txt").read_text() == "an earlier digest"
    assert sorted(path.name for path in output.iterdir()) == [
        "zpravodaj-2026-04.txt",
        f"zpravodaj-{MONTH}.html",
        f"zpravodaj-{MONTH}.listmonk.json",
        f"zpravodaj-{MONTH}.txt",
    ]


def test_a_month_is_written_as_yyyy_mm(
    news_site: Path, run_cli: Callable[..., Run], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        run_cli("newsletter", "2026-13", "--source", news_site)
    assert exited.value.code == 2
    assert "'2026-13' is not a month; write it as YYYY-MM" in capsys.readouterr().err


def test_an_http_address_is_refused(
    news_site: Path, run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    result = run_cli(
        "newsletter",
        MONTH,
        "--source",
        news_site,
        "--base-url",
        "http://example.cz/",
        "--output",
        tmp_path,
    )
    assert result.status == 2
    assert "https://" in result.err
    assert not any(tmp_path.iterdir())


def test_a_digest_gmail_would_clip_is_refused(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    long = "Dlouhé shrnutí zprávy o sociálním začleňování v obcích a městech. " * 12
    many: dict[str, str | bytes] = {
        f"content/news/2026-05-{day:02d}-zprava-{n}.md": (
            f"---\ntitle: Zpráva číslo {n}\ndate: 2026-05-{day:02d}\nsummary: {long}\n---\nText.\n"
        )
        for n in range(120)
        for day in [n % 28 + 1]
    }
    site = make_site(tmp_path / "site", many)
    result = run_cli("newsletter", MONTH, "--source", site, "--output", tmp_path / "out")
    assert result.status == 1
    assert "Gmail clips a mail over 102 KB" in result.err
    assert not (tmp_path / "out").exists()


def test_the_sample_sites_digest_of_october_2017(
    run_cli: Callable[..., Run], tmp_path: Path
) -> None:
    result = run_cli("newsletter", "2017-10", "--source", REPO, "--output", tmp_path)
    assert result.status == 0, result.err
    digest = read_digest(tmp_path, "zpravodaj-2017-10")
    mail = assert_mail_safe(digest)
    title = "Středočeský kraj a agentura podepsaly memorandum o spolupráci"
    assert title in mail.text.replace("\xa0", " ")
    assert title in digest.text
    assert "Agentura pro sociální začleňování" in mail.text
    [img] = mail.of("img")
    assert img["src"] == (
        "https://www.socialni-zaclenovani.cz/aktuality/memorandum-stredocesky-kraj/"
        "podpis-memoranda-640w.jpg"
    )
    assert digest.campaign["subject"] == ("Zpravodaj Agentury pro sociální začleňování: říjen 2017")


@pytest.mark.browser
def test_the_nu_html_checker_finds_no_error_once_the_placeholder_is_filled(
    may: Digest, tmp_path: Path
) -> None:
    # The sending system puts each reader's address where the placeholder is; the
    # tables' width and cellpadding, obsolete on the web, are what Outlook needs.
    mail = tmp_path / "zpravodaj.html"
    mail.write_text(may.html.replace(UNSUBSCRIBE, f"{BASE}/odhlasit?id=1"), encoding="utf-8")
    messages = run_vnu(mail)
    errors = [m for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    assert [f"{m.get('lastLine')}: {m['message']}" for m in errors] == []


def _serve_from(public: Path, base: str) -> Callable[[Route], None]:
    """Answer the page's requests to base from the built site; refuse any other."""

    def handle(route: Route) -> None:
        url = route.request.url
        path = public / urlsplit(url).path.lstrip("/")
        if url.startswith(base) and path.is_file():
            route.fulfill(path=str(path))
        else:
            route.abort()

    return handle


@pytest.fixture
def mail_page(browser: Browser) -> Iterator[Callable[[str, int, Path, str], Page]]:
    """Return a function that shows a mail in Chromium at a width, its images (and
    nothing else) loaded from a built site."""
    contexts = []

    def show(html: str, width: int, public: Path, base: str) -> Page:
        context = browser.new_context(viewport={"width": width, "height": 800})
        contexts.append(context)
        page = context.new_page()
        page.route("**/*", _serve_from(public, base))
        page.set_content(html, wait_until="load")
        return page

    yield show
    for context in contexts:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [600, 320])
def test_chromium_shows_the_digest_without_sideways_scrolling(
    may: Digest, news_site: Path, mail_page: Callable[..., Page], width: int
) -> None:
    page = mail_page(may.html, width, news_site / "public", BASE)
    sizes = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " [...document.images].map(i => [i.naturalWidth, i.getBoundingClientRect().right])]"
    )
    scroll_width, inner_width, images = sizes
    assert scroll_width <= inner_width
    assert len(images) == 2
    for natural_width, right in images:
        assert natural_width == 640  # the published variant loaded
        assert right <= inner_width


@pytest.mark.browser
def test_axe_finds_no_serious_violation_in_the_digest(
    may: Digest, news_site: Path, mail_page: Callable[..., Page]
) -> None:
    page = mail_page(may.html, 600, news_site / "public", BASE)
    serious = [v for v in run_axe(page) if v["impact"] in ("critical", "serious")]
    assert describe(serious) == []


@pytest.mark.browser
def test_screenshot_of_the_sample_digest_at_600_px(
    run_cli: Callable[..., Run], tmp_path: Path, sample_site: Path, mail_page: Callable[..., Page]
) -> None:
    assert run_cli("newsletter", "2017-10", "--source", REPO, "--output", tmp_path).status == 0
    html = (tmp_path / "zpravodaj-2017-10.html").read_text(encoding="utf-8")
    page = mail_page(html, 600, sample_site, "https://www.socialni-zaclenovani.cz/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 600
    assert page.evaluate("document.images[0].naturalWidth") == 640
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "zpravodaj-2017-10-600.png"), full_page=True)


@pytest.mark.parametrize("signup", [None, "https://zpravodaj.example.cz/prihlaseni"])
def test_the_subscribe_page_offers_the_digest_only_with_a_signup_form(
    tmp_path: Path, signup: str | None
) -> None:
    settings = f"newsletter:\n  signup_url: {signup}\n" if signup else ""
    site = make_site(tmp_path / "site", {"site.yaml": SITE_YAML + settings})
    build(dataclasses.replace(options_for(site), jobs=1))
    page = (site / "public" / "odber" / "index.html").read_text(encoding="utf-8")
    mail = parse_mail(page)
    offered = [a for a in mail.of("a") if a["href"] == signup]
    if signup is None:
        assert "Zpravodaj e-mailem" not in mail.text
        assert not [a for a in mail.of("a") if "zpravodaj" in a["href"]]
    else:
        assert "Zpravodaj e-mailem" in mail.text
        assert len(offered) == 1


def test_a_signup_address_must_be_a_web_address(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    settings = "newsletter:\n  signup_url: zpravodaj@example.cz\n"
    site = make_site(tmp_path / "site", {"site.yaml": SITE_YAML + settings})
    result = run_cli("build", "--source", site)
    assert result.status == 1
    assert "site.yaml" in result.err and "newsletter.signup_url" in result.err
