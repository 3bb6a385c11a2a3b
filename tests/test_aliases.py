"""Old addresses keep working: `aliases:` gives redirect pages, _redirects and an nginx map."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.base.urls import Urls, normalise_alias
from sitegen.content.models import Redirect
from sitegen.engine.pipeline import build
from sitegen.render.sitemap import render_nginx_map, render_redirects
from tests.conftest import LOCALITY, REPO, Run, make_site, options_for
from tests.htmlpages import parse_page
from tests.test_golden import tree

NEWS = """\
---
title: Memorandum s krajem
date: 2020-01-01
national: true
aliases: [/stary-web/clanek-123, /clanek.php]
---
Text zprávy.
"""
PARTNERSHIP = """\
---
title: Žluticko
localities: [zlutice]
aliases: ["/partnerstvi/zluticko-a-okoli/"]
---
Text.
"""
PAGE = """\
---
title: Kontakty
aliases: [/o-nas/kontakty/, "/%C5%BElutice-kontakt"]
---
Text.
"""
FILES: dict[str, str | bytes] = {
    "content/news/2020-01-01-memorandum.md": NEWS,
    "content/localities/zlutice.md": LOCALITY.replace("kind:", "aliases: [/lokality/zl]\nkind:"),
    "content/partnerships/zluticko.md": PARTNERSHIP,
    "content/pages/kontakty.md": PAGE,
}
REDIRECTS = {
    "/clanek.php": "/aktuality/memorandum/",
    "/lokality/zl/": "/lokality/zlutice/",
    "/o-nas/kontakty/": "/kontakty/",
    "/partnerstvi/zluticko-a-okoli/": "/partnerstvi/zluticko/",
    "/stary-web/clanek-123/": "/aktuality/memorandum/",
    "/žlutice-kontakt/": "/kontakty/",
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = make_site(tmp_path / "site", FILES)
    shutil.copytree(REPO / "static", site / "static")
    return site


def test_every_kind_gets_a_redirect_page_at_each_old_address(site: Path) -> None:
    build(options_for(site))
    output = site / "public"
    for old, new in REDIRECTS.items():
        file = output / old.lstrip("/")
        page = parse_page(file / "index.html" if old.endswith("/") else file)
        assert page.lang == "cs"
        assert page.metas["robots"] == "noindex"
        assert page.link("canonical") == [f"https://example.cz{new}"]
        assert page.hrefs == [new]
        assert "Stránka má novou adresu" in page.text
    refresh = (output / "o-nas/kontakty/index.html").read_text("utf-8")
    assert '<meta http-equiv="refresh" content="0; url=/kontakty/">' in refresh


def test_redirect_files_for_hosts_list_every_old_address(site: Path) -> None:
    build(options_for(site))
    netlify = (site / "public/_redirects").read_text("utf-8").splitlines()
    assert netlify[1:] == [
        f"{old.replace('ž', '%C5%BE')} {new} 301" for old, new in sorted(REDIRECTS.items())
    ]
    nginx = (site / "public/redirects.nginx.conf").read_text("utf-8")
    assert "map $uri $sitegen_redirect {\n" in nginx
    assert '    "/stary-web/clanek-123" "/aktuality/memorandum/";\n' in nginx
    assert '    "/stary-web/clanek-123/" "/aktuality/memorandum/";\n' in nginx
    assert '    "/clanek.php" "/aktuality/memorandum/";\n' in nginx
    assert '    "/žlutice-kontakt/" "/kontakty/";\n' in nginx
    assert nginx.endswith("}\n")


def test_redirect_pages_are_in_neither_sitemap_nor_search(site: Path) -> None:
    build(options_for(site, search=True))
    output = site / "public"
    sitemap = (output / "sitemap.xml").read_text("utf-8")
    assert "https://example.cz/kontakty/" in sitemap
    assert not [old for old in REDIRECTS if f"https://example.cz{old}<" in sitemap]
    indexed = {
        json.loads(gzip.decompress(path.read_bytes()).removeprefix(b"pagefind_dcd"))["url"]
        for path in (output / "pagefind/fragment").iterdir()
    }
    assert "/kontakty/" in indexed
    assert not indexed & set(REDIRECTS)


def test_check_passes_on_a_site_with_old_addresses(site: Path, run_cli: Callable[..., Run]) -> None:
    result = run_cli("check", "--source", site)
    assert result.status == 0, result.err


def test_a_draft_has_no_redirect_until_it_is_published(tmp_path: Path) -> None:
    draft = PAGE.replace("title:", "draft: true\ntitle:")
    site = make_site(tmp_path / "site", {"content/pages/kontakty.md": draft})
    build(options_for(site))
    assert not (site / "public/o-nas/kontakty/index.html").exists()
    assert not (site / "public/_redirects").exists()


def test_adding_and_removing_an_alias_builds_what_a_cold_build_builds(
    site: Path, tmp_path: Path
) -> None:
    page = site / "content/pages/kontakty.md"
    renamed = PAGE.replace("/o-nas/kontakty/", "/o-nas/kontakt-2/")
    build(options_for(site))
    for number, text in enumerate((renamed, PAGE, "---\ntitle: Kontakty\n---\nText.\n")):
        page.write_text(text, "utf-8")
        build(options_for(site))
        cold = tmp_path / f"cold-{number}"
        build(options_for(site, cold))
        assert without_search(site / "public") == without_search(cold)
    assert not (site / "public/o-nas").exists()


def without_search(root: Path) -> dict[str, bytes]:
    """Return the files of an output but its search bundles (not byte-identical, README)."""
    return {path: data for path, data in tree(root).items() if not path.startswith("pagefind")}


def alias_problems(
    tmp_path: Path, run_cli: Callable[..., Run], files: dict[str, str | bytes]
) -> list[str]:
    site = make_site(tmp_path / "site", files)
    result = run_cli("build", "--source", site)
    assert result.status == 1, result.err
    return result.problems


def test_an_alias_taken_by_a_page_or_another_alias_names_both_files(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    problems = alias_problems(
        tmp_path,
        run_cli,
        {
            "content/pages/kontakty.md": PAGE,
            "content/pages/o-nas.md": "---\ntitle: O nás\naliases: [/kontakty/]\n---\n",
            "content/pages/tym.md": "---\ntitle: Tým\naliases: [/o-nas/kontakty]\n---\n",
        },
    )
    assert problems == [
        "content/pages/o-nas.md:3: aliases[0]: '/kontakty/' is the address of "
        "content/pages/kontakty.md; remove it from one of the files",
        "content/pages/tym.md:3: aliases[0]: '/o-nas/kontakty/' is an alias in "
        "content/pages/kontakty.md; remove it from one of the files",
    ]


def test_an_alias_taken_by_a_generated_page_names_the_file(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    problems = alias_problems(
        tmp_path,
        run_cli,
        {"content/pages/kontakty.md": "---\ntitle: Kontakty\naliases: [/aktuality]\n---\n"},
    )
    assert problems == [
        "content/pages/kontakty.md:3: aliases[0]: '/aktuality/' is an address of the site's own "
        "list /aktuality/; an old address there would replace it: remove this one"
    ]


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        (
            "https://www.old.cz/clanek/?id=5",
            "'https://www.old.cz/clanek/?id=5' is a web address; write only its path, '/clanek/'",
        ),
        ("stary-web/a", "'stary-web/a' must start with '/': write the path from the site's root"),
        (
            "/clanek.php?id=5",
            "'/clanek.php?id=5' has a query ('?…'); a static site cannot tell addresses apart "
            "by it: write the path only, '/clanek.php'",
        ),
        ("/a/../b", "'/a/../b' contains '.' or '..'; write the path without them"),
        ("/a//b", "'/a//b' contains '//'; write a single '/' between the parts"),
        (
            "/" + "x" * 201,
            "a part of the path is longer than 200 bytes, which no file system can store; "
            "shorten it",
        ),
        (
            "/a b",
            "'/a b' contains ' ' (U+0020), which an old address cannot hold as written; keep "
            "letters, digits and - _ . ~ / and write any other character percent-encoded, as "
            "the browser shows it (' ' is %20)",
        ),
        ("/a%0A", "'/a%0A' encodes '/', a quote or a control character; remove it"),
    ],
)
def test_a_bad_alias_path_says_what_to_write(
    alias: str, message: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    page = f"---\ntitle: Kontakty\naliases: [{json.dumps(alias)}]\n---\n"
    problems = alias_problems(tmp_path, run_cli, {"content/pages/kontakty.md": page})
    assert problems == [f"content/pages/kontakty.md:3: aliases[0]: {message}"]


@pytest.mark.browser
def test_the_redirect_page_passes_the_nu_html_checker(site: Path) -> None:
    from tests.test_browser import run_vnu

    build(options_for(site))
    messages = run_vnu(site / "public/stary-web/clanek-123/index.html")
    assert [m["message"] for m in messages if m["type"] == "error"] == []


def test_an_alias_needing_a_folder_where_a_file_is_stops_before_writing(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    page = "---\ntitle: Kontakty\naliases: [/kraje/karlovarsky/feed.xml/]\n---\n"
    site = make_site(tmp_path / "site", {"content/pages/kontakty.md": page})
    result = run_cli("build", "--source", site)
    assert result.status == 1
    assert result.problems == [
        "content/pages/kontakty.md: aliases: would be written to "
        "/kraje/karlovarsky/feed.xml/index.html, but /kraje/karlovarsky/feed.xml is a file "
        "of the site; remove the old address"
    ]
    assert not (site / "public").exists()


WILDCARD = (
    "contains '*', which web hosts read as any address; an alias is one old address: "
    "list each in full, e.g. '/clanky/123/'"
)
PLACEHOLDER = (
    "has a part starting with ':', which web hosts read as any word; an alias is one old "
    "address: list each in full, e.g. '/clanky/123/'"
)
OWN = "which the site itself publishes; an old address there would replace it: remove this one"
HIDDEN = "a hidden name that the site keeps for its own files; remove this old address"


def other_character(char: str, escaped: str) -> str:
    """Return the end of the message about a character an old address cannot hold."""
    return (
        f"contains {char!r} (U+{ord(char):04X}), which an old address cannot hold as written; "
        "keep letters, digits and - _ . ~ / and write any other character percent-encoded, "
        f"as the browser shows it ({char!r} is {escaped})"
    )


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("/*", f"'/*' {WILDCARD}"),
        ("/stary-web/*", f"'/stary-web/*' {WILDCARD}"),
        ("/%2A", f"'/%2A' {WILDCARD}"),
        ("/:a/:b", f"'/:a/:b' {PLACEHOLDER}"),
        ("/clanky/%3Aid", f"'/clanky/%3Aid' {PLACEHOLDER}"),
        ("/a!b", f"'/a!b' {other_character('!', '%21')}"),
        ("/a+b", f"'/a+b' {other_character('+', '%2B')}"),
        ("/a;b", f"'/a;b' {other_character(';', '%3B')}"),
        ("/a$b", f"'/a$b' {other_character('$', '%24')}"),
        ("/pagefind/pagefind.js", f"'/pagefind/pagefind.js' falls within '/pagefind…', {OWN}"),
        ("/pagefind", f"'/pagefind' falls within '/pagefind…', {OWN}"),
        (
            "/pagefind-aktuality-2012-01-05-2015-03-02/pagefind-entry.json",
            "'/pagefind-aktuality-2012-01-05-2015-03-02/pagefind-entry.json' falls within "
            f"'/pagefind…', {OWN}",
        ),
        ("/PageFind/x.js", f"'/PageFind/x.js' falls within '/pagefind…', {OWN}"),
        ("/%70agefind/x.js", f"'/%70agefind/x.js' falls within '/pagefind…', {OWN}"),
        (
            "/.sitegen-output",
            f"'/.sitegen-output' has a part starting with '.' ('.sitegen-output'), {HIDDEN}",
        ),
        (
            "/%2Esitegen-output",
            f"'/%2Esitegen-output' has a part starting with '.' ('.sitegen-output'), {HIDDEN}",
        ),
        ("/a/.htaccess", f"'/a/.htaccess' has a part starting with '.' ('.htaccess'), {HIDDEN}"),
        ("/_redirects", f"'/_redirects' falls within '/_redirects', {OWN}"),
        (
            "/redirects.nginx.conf",
            f"'/redirects.nginx.conf' falls within '/redirects.nginx.conf', {OWN}",
        ),
        ("/admin/", f"'/admin/' falls within '/admin', {OWN}"),
        ("/Admin/login.php", f"'/Admin/login.php' falls within '/admin', {OWN}"),
        ("/feed.xml", f"'/feed.xml' falls within '/feed.xml', {OWN}"),
        ("/atom.xml", f"'/atom.xml' falls within '/atom.xml', {OWN}"),
        ("/sitemap.xml", f"'/sitemap.xml' falls within '/sitemap.xml', {OWN}"),
        ("/robots.txt/", f"'/robots.txt/' falls within '/robots.txt', {OWN}"),
        ("/404.html", f"'/404.html' falls within '/404.html', {OWN}"),
        (
            "/css/",
            "'/css/' falls within '/css', which static/css publishes; an old address there "
            "would replace it: remove this one",
        ),
        (
            "/js/stary.js",
            "'/js/stary.js' falls within '/js', which static/js publishes; an old address "
            "there would replace it: remove this one",
        ),
    ],
)
def test_an_alias_that_is_a_pattern_or_the_sites_own_file_is_refused_at_its_line(
    alias: str, message: str, site: Path, run_cli: Callable[..., Run]
) -> None:
    page = f"---\ntitle: Kontakty\naliases: [{json.dumps(alias)}]\n---\n"
    (site / "content/pages/kontakty.md").write_text(page, "utf-8")
    result = run_cli("build", "--source", site)
    assert result.status == 1, result.err
    assert result.problems == [f"content/pages/kontakty.md:3: aliases[0]: {message}"]
    assert not (site / "public").exists()


@pytest.mark.parametrize(
    ("alias", "netlify", "nginx"),
    [
        ("/~jan/clanek", "/~jan/clanek/", ["/~jan/clanek", "/~jan/clanek/"]),
        ("/%C5%BElutice", "/%C5%BElutice/", ["/žlutice", "/žlutice/"]),
        ("/žlutice.html", "/%C5%BElutice.html", ["/žlutice.html"]),
        ("/a%21b%2B", "/a%21b%2B/", ["/a!b+", "/a!b+/"]),
        ("/a%20b%3Bc%7B%7D%24x", "/a%20b%3Bc%7B%7D%24x/", ["/a b;c{}$x", "/a b;c{}$x/"]),
        ("/x%3Ay/%7Ea", "/x%3Ay/~a/", ["/x:y/~a", "/x:y/~a/"]),
        ("/aktuality/123", "/aktuality/123/", ["/aktuality/123", "/aktuality/123/"]),
        ("/pagefin.php", "/pagefin.php", ["/pagefin.php"]),
    ],
)
def test_an_alias_of_a_real_old_address_is_written_literally_for_each_host(
    alias: str, netlify: str, nginx: list[str], site: Path
) -> None:
    page = f"---\ntitle: Kontakty\naliases: [{json.dumps(alias)}]\n---\n"
    (site / "content/pages/kontakty.md").write_text(page, "utf-8")
    build(options_for(site))
    lines = (site / "public/_redirects").read_text("utf-8").splitlines()
    assert f"{netlify} /kontakty/ 301" in lines
    conf = (site / "public/redirects.nginx.conf").read_text("utf-8").splitlines()
    assert [line for line in conf if line.endswith('"/kontakty/";')] == [
        f'    "{old}" "/kontakty/";' for old in nginx
    ]


PIECES = st.one_of(
    st.sampled_from("abcXYZ019-_.~/"),
    st.sampled_from("clanek-2012/"),
    st.sampled_from("žluťoučký kůň ÁÉ"),
    st.sampled_from("*:!+?#%$;{}\"' \\\n\t\u2028\u00a0"),
    st.characters(codec="utf-8").map(lambda char: quote(char, "")),
    st.binary(min_size=1, max_size=1).map(lambda byte: f"%{byte[0]:02X}"),
)
"""Pieces of an old address: its own characters, hostile ones, and percent-escapes."""
NETLIFY_FIELD = re.compile(r"/[A-Za-z0-9/_.~%-]*")
NGINX_ENTRY = re.compile(r'    "(/(?:[^"\\\n]|\\.)*)" "/kontakty/";')


@settings(max_examples=400, deadline=None)
@given(
    pieces=st.lists(PIECES, min_size=1, max_size=12),
    base=st.sampled_from(["https://example.cz/", "https://example.cz/asz/"]),
)
def test_an_accepted_alias_is_one_literal_line_in_each_redirect_file(
    pieces: list[str], base: str
) -> None:
    try:
        path = normalise_alias("/" + "".join(pieces))
    except ValueError:
        return
    urls = Urls(base)
    redirect = Redirect(urls.alias(path), "/kontakty/", "Kontakty", "content/pages/k.md")
    netlify = render_redirects([redirect]).decode().split("\n")
    assert netlify[2:] == [""]
    fields = netlify[1].split(" ")
    assert fields == netlify[1].split() and len(fields) == 3
    assert NETLIFY_FIELD.fullmatch(fields[0])
    assert unquote(fields[0]) == redirect.url
    assert not re.search(r"[*!]|/:", netlify[1])
    entries = render_nginx_map([redirect]).decode().split("\n")[5:-2]
    olds = [redirect.url.rstrip("/"), redirect.url] if path.endswith("/") else [redirect.url]
    assert len(entries) == len(olds)
    for entry, old in zip(entries, olds, strict=True):
        key = NGINX_ENTRY.fullmatch(entry)
        assert key, entry
        assert re.sub(r"\\(.)", r"\1", key.group(1)) == old
