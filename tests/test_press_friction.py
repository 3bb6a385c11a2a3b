"""What a press officer met on a first day (issue 21, point 6): each friction, as she saw it.

Each test writes the file she wrote, runs the command she ran, and asserts what she
reads: the message says where, what, and what to write instead, and writing that works.
"""

from __future__ import annotations

import argparse
import gettext
import html
import os
import re
import shlex
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitegen.base import i18n
from sitegen.commands import cli, usage
from tests.conftest import LOCALITY, REPO, Run, make_site, sample_file
from tests.test_server import PreviewProcess, get, wait_for

NBSP = "\N{NO-BREAK SPACE}"

NEWS = "content/news/2020-01-01-prvni.md"


def news(*lines: str, body: str = "Zpráva o jednání.\n") -> str:
    """Return a news file: title, date, a region, then lines, then body."""
    front = ["---", "title: První zpráva", "date: 2020-01-01", "regions: [praha]", *lines, "---"]
    return "\n".join([*front, body])


def site_of(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """Return a mini-site of files with Žlutice and the theme's static files."""
    site = make_site(tmp_path / "site", {"content/localities/zlutice.md": LOCALITY, **files})
    shutil.copytree(REPO / "static", site / "static")
    return site


@pytest.mark.parametrize("command", ["build", "check"])
def test_the_suggested_link_is_relative_to_the_file_and_works(
    command: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = site_of(tmp_path, {NEWS: news(body="Viz [Žlutice](../localities/zlutce.md).\n")})
    failed = run_cli(command, "--source", site)
    assert failed.status == 1
    suggested = re.search(r"did you mean '([^']+)'", failed.err)
    assert suggested is not None, failed.err
    assert suggested.group(1) == "../localities/zlutice.md"
    path = site / NEWS
    path.write_text(path.read_text("utf-8").replace("../localities/zlutce.md", suggested[1]))
    fixed = run_cli(command, "--source", site)
    assert fixed.status == 0, fixed.err


def test_a_busy_port_under_make_is_named_as_make_takes_it() -> None:
    """`make preview` passes no --port: the hint is `make preview PORT=…`, and that works."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        recipe = subprocess.run(
            ["make", "--dry-run", "--no-print-directory", "preview", f"PORT={port}"],
            capture_output=True,
            text=True,
            cwd=REPO,
            check=True,
        ).stdout.splitlines()[-1]
        assert recipe.endswith(f"build.py serve --port {port}")
        environment, command = _split_assignments(recipe)
        result = subprocess.run(
            [*command, "--lang", "cs"],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=60,
            env={**os.environ, **environment},
        )
    assert result.returncode == 2
    match = re.search(r"make preview PORT=(\d+)", result.stderr)
    assert match, result.stderr
    assert "--port" not in result.stderr
    assert int(match[1]) > port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", int(match[1])))  # it was free


def _split_assignments(recipe: str) -> tuple[dict[str, str], list[str]]:
    """Return the NAME=value words that start a shell command line, and the command."""
    words = shlex.split(recipe)
    environment = {}
    while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):
        name, _, value = words.pop(0).partition("=")
        environment[name] = value
    return environment, words


SCHEDULED = "content/news/2030-03-04-pozdeji.md"


def test_checks_count_of_warnings_counts_every_warning_line(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    later = news(body="Později.\n").replace("2020-01-01", "2030-03-04T09:00")
    site = site_of(tmp_path, {NEWS: news(), SCHEDULED: later})
    result = run_cli("check", "--source", site, "--lang", "cs")
    assert result.status == 0, result.err
    warnings = [line for line in result.err.splitlines() if line.startswith("varování: ")]
    assert any("Naplánováno, zatím nezveřejněno: " + SCHEDULED in line for line in warnings)
    assert result.out.strip().endswith(f"({len(warnings)} varování).")


def test_a_failed_check_speaks_of_the_check(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    site = site_of(tmp_path, {NEWS: news().replace("2020-01-01", "2020-13-01")})
    result = run_cli("check", "--source", site, "--lang", "cs")
    assert result.status == 1
    assert "Sestavení" not in result.err
    assert result.err.splitlines()[-1] == "Kontrola selhala: 1 problém."


def photo_of(size: int) -> bytes:
    """Return a JPEG photo of exactly size bytes: a small one, then padding after its end
    (as a camera's trailer; every reader stops at the end of the image)."""
    data = sample_file("foto.jpg")
    return data + bytes(size - len(data))


def test_a_photo_just_over_the_limit_shows_a_size_over_the_limit(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    bundle = "content/news/2020-01-01-foto"
    item = news("image: foto.jpg", "image_alt: Lidé u stolu")
    photo = photo_of(1_023_478)
    site = site_of(tmp_path, {f"{bundle}/index.md": item, f"{bundle}/foto.jpg": photo})
    result = run_cli("check", "--source", site, "--lang", "cs")
    assert result.status == 0, result.err
    assert (
        f"varování: {bundle}/index.md: image: 1,02 MB; zmenšete ho pod 1 MB kvůli čtenářům "
        "na mobilu"
    ) in result.err.replace(NBSP, " ").splitlines()


@pytest.mark.parametrize(
    ("written", "iso"), [("6. 12. 2026", "2026-12-06"), ("6.12.2026 9:00", "2026-12-06T09:00")]
)
def test_a_czech_date_is_answered_with_the_date_to_write(
    written: str, iso: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = site_of(tmp_path, {NEWS: news().replace("2020-01-01", written)})
    failed = run_cli("build", "--source", site)
    assert failed.problems == [
        f"{NEWS}:3: date: '{written}' is not a date; write {iso} (year-month-day)"
    ]
    (site / NEWS).write_text(news().replace("2020-01-01", iso), encoding="utf-8")
    assert run_cli("build", "--source", site).status == 0


def test_a_czech_date_in_a_date_only_field_is_answered_without_a_time(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    since = "status: active\ncooperation_since: 1. 3. 2019\n"
    locality = LOCALITY.replace("status: active\n", since)
    site = site_of(tmp_path, {"content/localities/zlutice.md": locality})
    failed = run_cli("build", "--source", site)
    assert failed.problems == [
        "content/localities/zlutice.md:6: cooperation_since: '1. 3. 2019' is not a date; "
        "write 2019-03-01 (year-month-day)"
    ]


@pytest.mark.parametrize("alias", ["/aktuality/", "/lokality/", "/", "/aktuality/strana/2/"])
def test_an_alias_onto_a_section_names_its_file_and_line(
    alias: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = site_of(tmp_path, {NEWS: news(f"aliases: [/stary-web/clanek/, {alias}]")})
    result = run_cli("build", "--source", site)
    assert result.status == 1
    assert len(result.problems) == 1, result.err
    assert result.problems[0].startswith(f"{NEWS}:5: aliases[1]: '{alias}' is an address of ")
    assert result.problems[0].endswith("remove this one")


def test_a_front_matter_left_open_above_a_rule_in_the_text_says_so(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    text = news(body="Úvod zprávy.\n\n## Podrobnosti\n\nText.\n\n---\n\nKontakt: tisk@example.cz\n")
    unclosed = text.replace("regions: [praha]\n---\n", "regions: [praha]\n\n", 1)
    site = site_of(tmp_path, {NEWS: unclosed})
    result = run_cli("build", "--source", site)
    rule = unclosed.split("\n").index("---", 1) + 1
    assert result.problems == [
        f"{NEWS}:6: the front matter is not closed: add a line '---' before this line "
        f"(the '---' on line {rule} is a rule in the text)"
    ]
    (site / NEWS).write_text(text, encoding="utf-8")
    assert run_cli("build", "--source", site).status == 0


def test_each_wrong_locality_of_a_list_is_reported(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    partnership = "---\ntitle: Partnerství\nlocalities: [DOPLNIT, zlutce]\n---\nText.\n"
    item = news("localities: [zlutce, chebb]", "image_caption: Jednání")
    site = site_of(tmp_path, {"content/partnerships/p.md": partnership, NEWS: item})
    result = run_cli("build", "--source", site)
    assert [line.split(": ")[:2] for line in result.problems] == [
        [f"{NEWS}:5", "localities[0]"],
        [f"{NEWS}:5", "localities[1]"],
        [f"{NEWS}:6", "image_caption"],
        ["content/partnerships/p.md:3", "localities[0]"],
        ["content/partnerships/p.md:3", "localities[1]"],
    ], result.err
    assert "unknown locality 'chebb'" in result.problems[1]
    assert "unknown locality 'zlutce'" in result.problems[4]


ARGPARSE_TEXTS = frozenset(
    single or double
    for single, double in re.findall(
        r"""\W_\((?:'([^'\n]*)'|"([^"\n]*)")\)""", Path(argparse.__file__).read_text("utf-8")
    )
)
"""Every text argparse translates with its `_()` (in one literal), read from its source."""
ARGPARSE_RUNS = [
    ["new"],
    ["new", "nic", "Titulek"],
    ["new", "--help"],
    ["serve", "--port"],
    ["check", "--help"],
    ["--help"],
    ["build", "--bogus"],
    ["build", "--quiet", "--verbose"],
    ["build", "--jobs", "x"],
]


@pytest.mark.parametrize("argv", ARGPARSE_RUNS, ids=" ".join)
def test_every_text_argparse_shows_is_a_message_of_sitegens_catalog(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse's own words (usage:, options, its errors) go through sitegen's catalog,
    so that `make messages` offers each to translate and --lang cs shows it in Czech."""
    asked: list[str] = []

    def recording(message: str) -> str:
        asked.append(message)
        return i18n._(message)

    monkeypatch.setattr(usage, "_", recording)
    with pytest.raises(SystemExit):
        cli.main([*argv, "--lang", "cs"])
    shown = capsys.readouterr()
    from_argparse = ARGPARSE_TEXTS.intersection(asked)
    assert from_argparse, asked
    assert from_argparse <= set(usage.ARGPARSE_MSGIDS)
    assert argparse._ is gettext.gettext  # type: ignore[attr-defined]  # as it was
    if argv == ["new"]:  # the arguments are named as the usage line names them
        missing = shown.err.splitlines()[-1]
        assert missing.endswith(": " + ", ".join(i18n._(name) for name in ("KIND", "TITLE")))


@pytest.mark.parametrize("command", ["build", "check", "serve", "new"])
def test_a_command_run_inside_the_site_says_where_to_run_it(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., Run]
) -> None:
    site = site_of(tmp_path, {NEWS: news()})
    monkeypatch.chdir(site / "content/news")
    arguments = ["new", "news", "Titulek"] if command == "new" else [command]
    result = run_cli(*arguments)
    assert result.status == 2
    assert result.err == (
        f"sitegen: {site / 'content/news'} has no site.yaml; it is inside the site folder "
        f"{site}: run the command there (cd ../..)\n"
    )
    assert not list((site / "content/news").glob("*-titulek.md"))


def test_a_scheduled_item_dated_otherwise_than_its_file_name_is_warned_of_now(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    later = news(body="Později.\n").replace("2020-01-01", "2030-03-05T09:00")
    site = site_of(tmp_path, {NEWS: news(), SCHEDULED: later})
    result = run_cli("check", "--source", site)
    assert result.status == 0, result.err
    assert (
        f"warning: {SCHEDULED}: date: 2030-03-05 differs from the date in the file name "
        "(2030-03-04); rename the file or correct the date"
    ) in result.err.splitlines()


@pytest.fixture
def preview_of() -> Iterator[Callable[[Path], PreviewProcess]]:
    """Return a function that starts the preview of a site; all are stopped at the end."""
    started: list[PreviewProcess] = []

    def start(site: Path) -> PreviewProcess:
        started.append(PreviewProcess(site))
        return started[-1]

    yield start
    for preview in started:
        preview.kill()


def test_the_preview_shows_a_drafts_broken_link_as_a_warning_until_it_is_fixed(
    tmp_path: Path, preview_of: Callable[[Path], PreviewProcess]
) -> None:
    draft = "content/news/2020-01-02-koncept.md"
    broken = news("draft: true", body="Viz [Žlutice](../localities/zlutce.md).\n")
    site = site_of(tmp_path, {NEWS: news(), draft: broken})
    preview = preview_of(site)
    # On every page, the draft's or not, as soon as the first build is served:
    wait_for(lambda: 'id="sitegen-varovani"' in get(preview.port, "/aktuality/prvni/")[1])
    page = get(preview.port, "/aktuality/prvni/")[1]
    assert 'id="sitegen-chyby"' not in page  # not an error: the site is served
    assert "Zpráva o jednání." in page
    assert (
        f"{draft}:7: link '../localities/zlutce.md': content/localities/zlutce.md does not "
        "exist (did you mean '../localities/zlutice.md'?) (only a warning while the item is a "
        "draft)"
    ) in html.unescape(page), page[page.index("sitegen-varovani") :][:1500]
    (site / draft).write_text(broken.replace("zlutce.md", "zlutice.md"), encoding="utf-8")
    wait_for(lambda: 'id="sitegen-varovani"' not in get(preview.port, "/aktuality/prvni/")[1])
    preview.stop()


def test_the_sample_text_of_new_is_a_warning_in_a_draft_and_an_error_once_published(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = site_of(tmp_path, {NEWS: news()})
    path = Path(run_cli("new", "news", "Jednání v Žluticích", "--source", site).out.strip())
    rel = path.relative_to(site).as_posix()
    lines = path.read_text("utf-8").split("\n")
    samples = {n: text for n, text in enumerate(lines, 1) if "zprávy" in text and "#" not in text}
    assert list(samples.values()) == [
        "Úvodní odstavec zprávy.",
        "Text zprávy: podrobnosti, citace, kontakt pro novináře.",
    ]
    checked = run_cli("check", "--source", site)
    assert checked.status == 0, checked.err
    for number, text in samples.items():
        assert (
            f"warning: {rel}:{number}: {text!r} is the sample text of `sitegen new`: write the "
            "item's own text here (only a warning while the item is a draft)"
        ) in checked.err.splitlines()
    path.write_text("\n".join(line for line in lines if not line.startswith("draft:")))
    published = run_cli("build", "--source", site)
    assert published.status == 1
    assert published.problems == [
        f"{rel}:{number - 1}: {text!r} is the sample text of `sitegen new`: write the item's "
        "own text here"
        for number, text in samples.items()
    ]
    own = path.read_text("utf-8").replace(samples[min(samples)], "Jednání proběhlo v úterý.")
    path.write_text(own.replace(samples[max(samples)], "Zúčastnili se zástupci obce."))
    assert run_cli("build", "--source", site).status == 0


def test_the_sample_text_of_an_earlier_skeleton_is_found_too(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    earlier = news(body="Úvodní odstavec zprávy.\n\n## Podrobnosti\n\nText zprávy.\n")
    site = site_of(tmp_path, {NEWS: earlier})
    result = run_cli("build", "--source", site)
    assert [line.split(": ")[0] for line in result.problems] == [f"{NEWS}:6", f"{NEWS}:10"]
    (site / NEWS).write_text(news(body="Text zprávy.\n"), encoding="utf-8")  # a real text
    assert run_cli("build", "--source", site).status == 0


README = (REPO / "README.md").read_text("utf-8")


def test_the_readme_says_what_make_test_needs_before_it_is_run() -> None:
    start = README.index("You need Python")
    needs = " ".join(README[start : README.index("Playwright drives", start)].split())
    for what in ("Node.js with npm", "Java", "Chromium", "root"):
        assert what in needs, what
    assert "make preview PORT=8001" in README


def test_the_readme_points_only_at_what_this_repository_has() -> None:
    for target in re.findall(r"\]\(([^)#\s]+)[^)]*\)", README):
        if "://" in target or target.startswith("mailto:"):
            continue
        in_text = target.startswith("../")  # an example of a link in content/news/
        assert in_text or (REPO / target).exists(), target
    for name in ("DESIGN.md", "STYLE.md", "DOMAIN.md", "../shared/"):
        assert name not in README, name
