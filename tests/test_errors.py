"""Every kind of bad input gets its own error line, asserted word for word."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import LOCALITY, SITE_YAML, Run, make_site, sample_file

NEWS = "content/news/2017-10-20-memorandum.md"


def news(*lines: str, body: str = "Text zprávy.\n") -> str:
    """Return a news file whose front matter is title, date and lines."""
    return "\n".join(["---", "title: Memorandum", "date: 2017-10-20", *lines, "---", body])


CASES: dict[str, tuple[dict[str, str | bytes], list[str]]] = {
    "malformed_yaml": (
        {NEWS: "---\ntitle: Memorandum\ndate: 2017-10-20\ntags: [bydlení\n---\nText\n"},
        [
            f"{NEWS}:4: invalid YAML: did not find expected ',' or ']'; check the "
            "indentation and put text with ':' or '#' in quotes"
        ],
    ),
    "missing_front_matter": (
        {NEWS: "Memorandum bez hlavičky.\n"},
        [
            f"{NEWS}:1: missing front matter: start the file with a line '---', then the keys, "
            "then another '---'"
        ],
    ),
    "unclosed_front_matter": (
        {NEWS: "---\ntitle: Memorandum\ndate: 2017-10-20\nText\n"},
        [f"{NEWS}:1: the front matter is never closed: add a line '---' after its last key"],
    ),
    "not_utf8": (
        {
            NEWS: b"---\ntitle: Memorandum\n"
            + "date: 2017-10-20\nplace: Plzeň\n---\n".encode("cp1250")
        },
        [f"{NEWS}:4: the file is not UTF-8 text (byte 0xF2); save it with the UTF-8 encoding"],
    ),
    "missing_title": (
        {NEWS: "---\ndate: 2017-10-20\n---\nText\n"},
        [f"{NEWS}:1: title: is required"],
    ),
    "empty_title": (
        {NEWS: "---\ntitle: ''\ndate: 2017-10-20\n---\nText\n"},
        [f"{NEWS}:2: title: must not be empty"],
    ),
    "invalid_date": (
        {NEWS: "---\ntitle: Memorandum\ndate: 2017-13-45\n---\nText\n"},
        [f"{NEWS}:3: date: '2017-13-45' is not a date (write YYYY-MM-DD, e.g. 2017-10-20)"],
    ),
    "invalid_date_time": (
        {NEWS: "---\ntitle: Memorandum\ndate: 20/10/2017 12:00\n---\nText\n"},
        [
            f"{NEWS}:3: date: '20/10/2017 12:00' is not a date (write YYYY-MM-DD, e.g. "
            "2017-10-20, or YYYY-MM-DDTHH:MM, e.g. 2017-10-20T14:30)"
        ],
    ),
    "invalid_day": (
        {
            "content/localities/zlutice.md": LOCALITY.replace(
                "kind: město", "cooperation_since: 20/10/2017"
            )
        },
        [
            "content/localities/zlutice.md:3: cooperation_since: '20/10/2017' is not a date "
            "(write YYYY-MM-DD, e.g. 2017-10-20)"
        ],
    ),
    "image_without_alt": (
        {
            "content/news/2017-10-20-memorandum/index.md": news("image: foto.jpg"),
            "content/news/2017-10-20-memorandum/foto.jpg": sample_file("foto.jpg"),
        },
        [
            "content/news/2017-10-20-memorandum/index.md:4: image: image_alt is required when "
            "image is set: describe what the photo shows for readers who cannot see it"
        ],
    ),
    "missing_image": (
        {
            "content/news/2017-10-20-memorandum/index.md": news(
                "image: foto.jpg", "image_alt: Podpis"
            ),
            "content/news/2017-10-20-memorandum/fotka.jpg": sample_file("fotka.jpg"),
        },
        [
            "content/news/2017-10-20-memorandum/index.md:4: image: 'foto.jpg' not found in the "
            "bundle folder (did you mean 'fotka.jpg'?)"
        ],
    ),
    "missing_document": (
        {NEWS: news("documents:", "  - title: Memorandum", "    file: memorandum.pdf")},
        [
            f"{NEWS}:6: documents[0].file: 'memorandum.pdf' not found: a single-file item has no "
            "folder for files; make it a bundle (a folder with index.md and the file beside it) "
            "or put the file in static/ and write '/…'"
        ],
    ),
    "missing_bundle_file_link": (
        {
            "content/news/2017-10-20-memorandum/index.md": news(body="Viz [text](memorandum.pdf)."),
            "content/news/2017-10-20-memorandum/memorandum-2017.pdf": sample_file("a.pdf"),
        },
        [
            "content/news/2017-10-20-memorandum/index.md:5: link 'memorandum.pdf': "
            "content/news/2017-10-20-memorandum/memorandum.pdf does not exist (did you mean "
            "'memorandum-2017.pdf'?)"
        ],
    ),
    "missing_content_link": (
        {
            NEWS: news(body="Úvod.\n\nViz [Žlutice](../localities/zlutce.md).\n"),
            "content/localities/zlutice.md": LOCALITY,
        },
        [
            f"{NEWS}:7: link '../localities/zlutce.md': content/localities/zlutce.md does not "
            "exist (did you mean '../localities/zlutice.md'?)"
        ],
    ),
    "duplicate_slug": (
        {NEWS: news(), "content/news/2018-01-05-memorandum.md": news()},
        [
            "content/news/2018-01-05-memorandum.md:1: slug: 'memorandum' gives the address "
            "/aktuality/memorandum/, already used by content/news/2017-10-20-memorandum.md; "
            "set another slug"
        ],
    ),
    "page_slug_of_a_section": (
        {"content/pages/aktuality.md": "---\ntitle: Aktuality\n---\nText\n"},
        [
            "content/pages/aktuality.md:1: slug: 'aktuality' is the address of a section of the "
            "site; choose another slug for this page"
        ],
    ),
    "slug_with_dots": (
        {NEWS: news("slug: ../../etc")},
        [
            f"{NEWS}:4: slug: '../../etc' is not a slug: write 'etc' (lowercase letters "
            "without diacritics, digits and single hyphens)"
        ],
    ),
    "file_name_not_a_slug": (
        {"content/localities/Žlutice.md": LOCALITY},
        [
            "content/localities/Žlutice.md:1: slug: the file name gives 'Žlutice', which is not "
            "a slug; rename the file to use 'zlutice' or add 'slug: zlutice'"
        ],
    ),
    "coordinates_outside": (
        {
            "content/localities/zlutice.md": LOCALITY.replace(
                "kind: město", "coordinates: [13.16, 50.09]"
            )
        },
        [
            "content/localities/zlutice.md:3: coordinates: [13.16, 50.09] is outside the Czech "
            "Republic; write [latitude, longitude], e.g. [50.0843, 13.0101] (latitude first)"
        ],
    ),
    "unknown_region": (
        {NEWS: news("regions: [stredocesky, karlovarskj]")},
        [f"{NEWS}:4: regions[1]: unknown region 'karlovarskj' (did you mean 'karlovarsky'?)"],
    ),
    "unknown_locality": (
        {NEWS: news("localities:", "  - zlutce"), "content/localities/zlutice.md": LOCALITY},
        [
            f"{NEWS}:5: localities[0]: unknown locality 'zlutce' (did you mean 'zlutice'?); "
            "the slugs are the file names in content/localities/"
        ],
    ),
    "unknown_partnership": (
        {"content/localities/zlutice.md": LOCALITY.replace("kind: město", "partnership: zluticko")},
        [
            "content/localities/zlutice.md:3: partnership: unknown partnership 'zluticko'; "
            "the slugs are the file names in content/partnerships/"
        ],
    ),
    "tag_without_letters": (
        {NEWS: news("tags: [bydlení, '!!!']")},
        [f"{NEWS}:4: tags[1]: '!!!' gives the topic no address; use words with letters or digits"],
    ),
    "unknown_key": (
        {NEWS: news("sumary: Krátce.")},
        [f"{NEWS}:4: sumary: unknown key (did you mean 'summary'?)"],
    ),
    "unknown_nested_key": (
        {
            NEWS: news("documents:", "  - titel: Memorandum", "    file: /m.pdf"),
            "static/m.pdf": sample_file("m.pdf"),
        },
        [
            f"{NEWS}:5: documents[0].titel: unknown key (did you mean 'title'?)",
            f"{NEWS}:5: documents[0].title: is required",
        ],
    ),
    "enum_value": (
        {"content/localities/zlutice.md": LOCALITY.replace("kind: město", "kind: mesto")},
        [
            "content/localities/zlutice.md:3: kind: 'mesto' is not allowed; write one of: "
            "'město', 'obec', 'mikroregion' or 'městská část'"
        ],
    ),
    "contact_phone_and_email": (
        {
            "content/localities/zlutice.md": LOCALITY.replace(
                "kind: město",
                "contact:\n  name: Lucie Horáková\n  phone: 296 15 33\n  email: lucie.horakova",
            )
        },
        [
            "content/localities/zlutice.md:5: contact.phone: '296 15 33' is not a Czech phone "
            "number; write nine digits in groups of three, with the country code if you like, "
            "e.g. +420 296 153 318",
            "content/localities/zlutice.md:6: contact.email: 'lucie.horakova' is not an e-mail "
            "address; write e.g. jana.novakova@mmr.gov.cz",
        ],
    ),
    "duplicate_key": (
        {NEWS: news("title: Jiný titulek")},
        [f"{NEWS}:4: title: the key appears twice (first on line 2); keep only one"],
    ),
    "unknown_folder": (
        {"content/novinky/x.md": news()},
        [
            "content/novinky: unknown content folder; use one of news/, localities/, "
            "partnerships/, pages/, regions/"
        ],
    ),
    "link_to_draft": (
        {
            NEWS: news(body="Viz [koncept](2018-01-01-koncept.md)."),
            "content/news/2018-01-01-koncept.md": "---\ntitle: K\ndate: 2018-01-01\ndraft: true\n"
            "---\nText\n",
        },
        [
            f"{NEWS}:5: link '2018-01-01-koncept.md': that item is a draft or dated in the future, "
            "so the link would be broken; link to it once it is published"
        ],
    ),
    "bad_site_yaml": (
        {
            "site.yaml": "title: Web\npublisher: Odbor\ndescription: Popis\n"
            "base_url: example.cz\nfeed_id_authority: example.cz\n"
            "accessibility: {status: full, prepared: 2026-01-01, reviewed: 2026-01-01, "
            "contact_email: a@example.cz}\n"
        },
        [
            "site.yaml:4: base_url: 'example.cz' is not a web address; write e.g. "
            "https://www.example.cz/"
        ],
    ),
    "no_accessibility_statement": (
        {"site.yaml": SITE_YAML.replace("accessibility:", "accessibility:\n  page: pristupnost")},
        [
            "site.yaml: accessibility.page: no page 'pristupnost'; write the accessibility "
            "statement into content/pages/pristupnost.md or name its page here"
        ],
    ),
    "accessibility_status": (
        {"site.yaml": SITE_YAML.replace("status: partial", "status: castecne")},
        [
            "site.yaml:9: accessibility.status: 'castecne' is not allowed; "
            "write one of: 'full', 'partial' or 'none'"
        ],
    ),
    "bad_ico": (
        {"site.yaml": SITE_YAML + "contact:\n  phone: +420 777 787 974\n  ico: 12345678\n"},
        [
            "site.yaml:15: contact.ico: '12345678' is not an IČO: "
            "its last digit does not match; check it"
        ],
    ),
    "bad_data_box": (
        {"site.yaml": SITE_YAML + "contact:\n  data_box: ABC-123\n"},
        [
            "site.yaml:14: contact.data_box: 'ABC-123' is not a data box id; "
            "write its 7 lower-case letters and digits"
        ],
    ),
    "statement_without_contact": (
        {"site.yaml": SITE_YAML.replace("  contact_email: pristupnost@example.cz\n", "")},
        [
            "site.yaml:8: accessibility: needs contact_email or contact_phone: "
            "where readers report a barrier"
        ],
    ),
    "news_slug_of_the_archive": (
        {"content/news/2017-10-20-archiv.md": news()},
        [
            "content/news/2017-10-20-archiv.md:1: slug: 'archiv' is the address of a section "
            "of the news; rename the file or add 'slug:' with another slug, "
            "e.g. 'slug: archiv-zprava'"
        ],
    ),
    "news_slug_of_the_pager": (
        {NEWS: news("slug: strana")},
        [
            f"{NEWS}:4: slug: 'strana' is the address of a section of the news; rename the "
            "file or add 'slug:' with another slug, e.g. 'slug: strana-zprava'"
        ],
    ),
    "template_error": (
        {
            "templates/page.html": "{% extends 'base.html' %}\n{% block content %}\n"
            "{{ page.titel }}\n{% endblock %}\n",
            "content/pages/o-nas.md": "---\ntitle: O nás\n---\nText\n",
        },
        ["templates/page.html:3: 'sitegen.content.models.Page object' has no attribute 'titel'"],
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_is_reported_on_one_line(
    case: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    files, expected = CASES[case]
    site = make_site(tmp_path / "site", files)
    result = run_cli("build", "--source", site)
    assert result.problems == expected
    assert result.status == 1
    assert not (site / "public").exists()


def test_all_errors_are_reported_at_once(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    site = make_site(
        tmp_path / "site",
        {
            NEWS: news("sumary: x"),
            "content/news/2018-01-01-b.md": "---\ntitle: B\ndate: 2018-02-30\n---\n",
            "content/localities/zlutice.md": LOCALITY.replace("kind: město", "kind: vesnice"),
        },
    )
    result = run_cli("build", "--source", site)
    assert [line.split(":")[0] for line in result.problems] == [
        "content/localities/zlutice.md",
        "content/news/2017-10-20-memorandum.md",
        "content/news/2018-01-01-b.md",
    ]
    assert result.err.endswith("Build failed: 3 problems; nothing was written.\n")


def test_debug_shows_a_traceback(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    site = make_site(tmp_path / "site", {NEWS: news("sumary: x")})
    assert "Traceback" not in run_cli("build", "--source", site).err
    assert "Traceback" in run_cli("build", "--source", site, "--debug").err
