"""Input made to hurt the build (issue 11) gets one clear line, never a traceback or a hang.

Every case asserts the whole error line, the exit status, and that the output folder
is left exactly as it was.
"""

from __future__ import annotations

import errno
import os
import signal
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest
import yaml

from sitegen import templates
from sitegen.cli import main
from sitegen.config import Limits, build_time, load_config
from sitegen.content import kinds
from sitegen.content.sources import read_sources
from sitegen.errors import ContentError, UsageError
from sitegen.filetypes import file_problem, static_file_problem, svg_problem
from sitegen.scaffold import shorten_slug
from sitegen.writer import MARKER
from sitegen.yamldoc import parse_yaml_mapping
from tests.conftest import REPO, SITE_YAML, Run, make_site

NEWS = "content/news/2017-10-20-memorandum.md"
BUNDLE = "content/news/2017-10-20-memorandum"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'


def news(*lines: str, body: str = "Text zprávy.\n") -> str:
    """Return a news file whose front matter is title, date and lines."""
    return "\n".join(["---", "title: Memorandum", "date: 2017-10-20", *lines, "---", body])


def bundle(files: dict[str, str | bytes]) -> dict[str, str | bytes]:
    """Return a news bundle with index.md and files beside it."""
    return {f"{BUNDLE}/index.md": news(), **{f"{BUNDLE}/{k}": v for k, v in files.items()}}


def tree(folder: Path) -> dict[str, bytes]:
    """Return every file under folder with its bytes."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(autouse=True)
def no_hang() -> Iterator[None]:
    """Fail a test that runs past 60 s (a build stuck on a FIFO) instead of hanging."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError("the build hung")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def build_fails(site: Path, run_cli: Callable[..., Run], *args: str) -> list[str]:
    """Build site over an existing output folder; check that it fails with status 1 and
    leaves the folder as it was; return the problem lines."""
    output = site / "public"
    output.mkdir(exist_ok=True)
    (output / MARKER).write_text("", encoding="utf-8")
    (output / "index.html").write_text("the previous site\n", encoding="utf-8")
    before = tree(output)
    result = run_cli("build", "--source", site, "--jobs", "1", *args)
    assert result.status == 1, result.err
    assert "Traceback" not in result.err
    assert tree(output) == before
    return result.problems


ALIAS = "anchors and aliases (&name, *name) are not allowed; write the value out"
DEEP = "the YAML is nested more than 20 levels deep; write the value with less nesting"
LAUGHS = ["l0: &l0 lol"] + [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]" for n in range(1, 10)]
"""600 bytes that a YAML loader expands into 10⁹ strings."""

TEXT = (
    "would make a text of {size} characters; a template may make 10000000 at most "
    "(use a smaller count or width)"
)

CASES: dict[str, tuple[dict[str, str | bytes], list[str]]] = {
    "alias_in_front_matter": (
        {NEWS: news("tags: &t [bydlení]", "regions: *t")},
        [f"{NEWS}:4: {ALIAS}"],
    ),
    "billion_laughs_in_front_matter": (
        {NEWS: news(*LAUGHS)},
        [f"{NEWS}:4: {ALIAS}"],
    ),
    "billion_laughs_in_site_yaml": (
        {"site.yaml": SITE_YAML + "\n".join(LAUGHS) + "\n"},
        [f"site.yaml:13: {ALIAS}"],
    ),
    "deep_flow_list": (
        {NEWS: news("tags: " + "[" * 20_000 + "]" * 20_000)},
        [f"{NEWS}:4: {DEEP}"],
    ),
    "deep_block_list": (
        {NEWS: news("tags:", *("  " * level + "- " for level in range(30)))},
        [f"{NEWS}:24: {DEEP}"],
    ),
    "deep_site_yaml": (
        {"site.yaml": SITE_YAML + "social: " + "{a: " * 5000 + "b" + "}" * 5000 + "\n"},
        [f"site.yaml:13: {DEEP}"],
    ),
    "vertical_tab_in_body": (
        {NEWS: news(body="První řádek.\nDruhý\v řádek.\n")},
        [
            f"{NEWS}:6: the file contains the control character U+000B; "
            "delete it (it is invisible in most editors)"
        ],
    ),
    "nul_in_front_matter": (
        {NEWS: news("place: Pra\x00ha")},
        [
            f"{NEWS}:4: the file contains the control character U+0000; "
            "delete it (it is invisible in most editors)"
        ],
    ),
    "escape_character_in_front_matter": (
        {NEWS: news("summary: \x1b[31mčervená")},
        [
            f"{NEWS}:4: the file contains the control character U+001B; "
            "delete it (it is invisible in most editors)"
        ],
    ),
    "c1_control_in_body": (
        {NEWS: news(body="Text\x85zprávy.\n")},
        [
            f"{NEWS}:5: the file contains the control character U+0085; "
            "delete it (it is invisible in most editors)"
        ],
    ),
    "non_character_in_body": (
        {NEWS: news(body="Text\uffffzprávy.\n")},
        [
            f"{NEWS}:5: the file contains the non-character U+FFFF; "
            "delete it (it is invisible in most editors)"
        ],
    ),
    "control_character_in_site_yaml": (
        {"site.yaml": SITE_YAML.replace("Web pro", "Web\x01 pro")},
        [
            "site.yaml:3: the file contains the control character U+0001; "
            "delete it (it is invisible in most editors)"
        ],
    ),
    "escaped_nul_in_front_matter": (
        {NEWS: news('place: "Pra\\0ha"')},
        [
            f"{NEWS}:4: the value holds the character U+0000, which no page or feed can show "
            "(an escape such as \\x00 or \\u0000 in quotes makes it); delete the escape"
        ],
    ),
    "escaped_surrogate_in_front_matter": (
        {NEWS: news('place: "Pra\\ud800ha"')},
        [
            f"{NEWS}:4: invalid YAML: found invalid Unicode character escape code; check the "
            "indentation and put text with ':' or '#' in quotes"
        ],
    ),
    "site_yaml_not_utf8": (
        {"site.yaml": SITE_YAML.replace("Testovací", "Plzeň").encode("cp1250")},
        ["site.yaml:1: the file is not UTF-8 text (byte 0xF2); save it with the UTF-8 encoding"],
    ),
    "site_yaml_bad_base_url": (
        {"site.yaml": SITE_YAML.replace("https://example.cz/", "https://x:99999999/")},
        [
            "site.yaml:4: base_url: 'https://x:99999999/' is not a web address (Port out of "
            "range 0-65535); write e.g. https://www.example.cz/"
        ],
    ),
    "markdown_too_large": (
        {NEWS: news(body="Slovo " * 400_000)},
        [
            f"{NEWS}: the file is larger than 2048 KB; split the text into several items, "
            "or raise limits.markdown_kb in site.yaml"
        ],
    ),
    "attachment_too_large": (
        bundle({"velka.pdf": b"%PDF-1.4\n" + bytes(10 * 1024 * 1024)}),
        [
            f"{BUNDLE}/velka.pdf: the file is larger than 10 MB; make it smaller, "
            "or raise limits.attachment_mb in site.yaml"
        ],
    ),
    "limit_not_a_number": (
        {"site.yaml": SITE_YAML + "limits:\n  attachment_mb: 0\n"},
        [
            "site.yaml:14: limits.attachment_mb: 0 is out of range; write a whole number "
            "from 1 to 100000"
        ],
    ),
    "html_in_bundle": (
        bundle({"utok.html": "<script>alert(document.cookie)</script>"}),
        [
            f"{BUNDLE}/utok.html: .html files cannot be published (a browser could run them as "
            "part of the site); allowed are .avif, .csv, .doc, .docx, .gif, .jpeg, .jpg, .odp, "
            ".ods, .odt, .pdf, .png, .ppt, .pptx, .svg, .txt, .webp, .xls, .xlsx; convert "
            "documents to PDF"
        ],
    ),
    "svg_with_script_in_bundle": (
        bundle({"utok.svg": SVG_OPEN + "<script>alert(1)</script></svg>"}),
        [
            f"{BUNDLE}/utok.svg: the SVG contains a <script> element, which could run a script "
            "on the site; remove it, or convert the image to PNG"
        ],
    ),
    "template_counting_to_a_billion": (
        {
            "templates/page.html": "{% extends 'base.html' %}\n{% block content %}\n"
            "{% for i in range(10**9) %}{{ i }}{% endfor %}\n{% endblock %}\n",
            "content/pages/o-nas.md": "---\ntitle: O nás\n---\nText\n",
        },
        [
            "templates/page.html:3: range() of 1000000000 numbers; a template may count to "
            "100000 at most"
        ],
    ),
    **{
        f"template_{name}": (
            {
                "templates/page.html": "{% extends 'base.html' %}\n{% block content %}\n"
                f"{line}\n{{% endblock %}}\n",
                "content/pages/o-nas.md": "---\ntitle: O nás\n---\nText\n",
            },
            [f"templates/page.html:3: {message}"],
        )
        for name, (line, message) in {
            "repetition": ("{{ 'x' * 10**10 }}", f"* {TEXT.format(size=10**10)}"),
            "percent_width": (
                "{{ '%0999999999d'|format(1) }}",
                f"|format {TEXT.format(size=1000000011)}",
            ),
            "center": ("{{ 'a'|center(10**10) }}", f"|center {TEXT.format(size=10**10)}"),
            "ljust": ("{{ 'x'.ljust(10**10) }}", f".ljust() {TEXT.format(size=10**10)}"),
            "list_repetition": (
                "{{ (range(100000)|list)*100000 }}",
                "* would make a list of 10000000000 items; a template may make 10000000 at "
                "most (use a smaller count)",
            ),
            "star_width": (
                "{{ '%*d'|format(10**10, 1) }}",
                f"|format {TEXT.format(size=10**10 + 3)}",
            ),
            "str_format": (
                "{{ '{:>999999999}'.format(1) }}",
                f".format() {TEXT.format(size=999999999)}",
            ),
        }.items()
    },
    "disguised_pdf_in_bundle": (
        bundle({"zprava.pdf": "<html><script>alert(1)</script></html>"}),
        [
            f"{BUNDLE}/zprava.pdf: the file is not a PDF document (its first bytes do not match "
            ".pdf); save it again in that format, or give it the extension of its real type"
        ],
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
@pytest.mark.usefixtures("memory_limit")
def test_hostile_input_is_reported_on_one_line(
    case: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    files, expected = CASES[case]
    site = make_site(tmp_path / "site", files)
    assert build_fails(site, run_cli) == expected


def test_limits_come_from_site_yaml(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {"site.yaml": SITE_YAML + LIMITS})
    assert load_config(site, None).limits == Limits(markdown_kb=1, attachment_mb=11)


LIMITS = "limits:\n  markdown_kb: 1\n  attachment_mb: 11\n"


def test_read_sources_applies_the_limits_it_is_given(tmp_path: Path) -> None:
    big = b"%PDF-1.4\n" + bytes(10 * 1024 * 1024)
    files = {
        "content/news/2018-01-01-dlouha.md": news(body="Slovo " * 200),
        **bundle({"a.pdf": big}),
    }
    site = make_site(tmp_path / "site", files)
    limits = Limits(markdown_kb=1, attachment_mb=11)
    with pytest.raises(ContentError) as error:
        read_sources(site / "content", site, limits=limits)
    assert [str(problem) for problem in error.value.problems] == [
        "content/news/2018-01-01-dlouha.md: the file is larger than 1 KB; split the text "
        "into several items, or raise limits.markdown_kb in site.yaml"
    ]
    (site / "content/news/2018-01-01-dlouha.md").unlink()
    sources = read_sources(site / "content", site, limits=limits)
    assert [source.bundle_files for source in sources if source.kind is kinds.NEWS] == [("a.pdf",)]


# --- special files: never opened ---------------------------------------------------


def special_case(tmp_path: Path, rel: str, make: Callable[[Path], None]) -> Path:
    site = make_site(tmp_path / "site", bundle({"foto.png": PNG}))
    path = site / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    make(path)
    return site


def test_a_template_that_never_ends_is_stopped_at_its_line(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(templates, "PAGE_SECONDS", 0.5)
    alarms: list[int] = []
    stop = templates._too_slow

    def counted(signum: int, frame: object) -> None:
        alarms.append(signum)
        stop(signum, frame)

    monkeypatch.setattr(templates, "_too_slow", counted)
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    pages = {f"content/pages/strana-{n}.md": f"---\ntitle: Strana {n}\n---\nText\n" for n in "abc"}
    site = make_site(
        tmp_path / "site",
        {
            "templates/page.html": "{% extends 'base.html' %}\n{% block content %}\n"
            f"{loop}\n{{% endblock %}}\n",
            **pages,
        },
    )
    problems = build_fails(site, run_cli)
    assert len(alarms) == 1  # the template's other pages failed at once, not after 0.5 s each
    assert problems == [
        "templates/page.html:3: rendering this page took longer than 0.5 s; "
        "look for a loop that does not end"
    ]


FIFO = "is a named pipe (FIFO), not a regular file; remove it (only files and folders are read)"


@pytest.mark.parametrize(
    "rel", ["content/news/2018-01-01-roura.md", f"{BUNDLE}/roura.pdf", "content/roura"]
)
def test_fifo_in_content_is_refused_not_read(
    rel: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = special_case(tmp_path, rel, os.mkfifo)
    assert build_fails(site, run_cli) == [f"{rel}: {FIFO}"]


def test_fifo_as_bundle_index_is_refused(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    site = make_site(tmp_path / "site", {})
    (site / BUNDLE).mkdir(parents=True)
    os.mkfifo(site / BUNDLE / "index.md")
    assert build_fails(site, run_cli) == [f"{BUNDLE}/index.md: {FIFO}"]


def test_socket_in_content_is_refused(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site", {})
    (site / "content/news").mkdir()
    monkeypatch.chdir(site)  # a socket's path must be short
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("content/news/x.md")
        problems = build_fails(site, run_cli)
    assert problems == [
        "content/news/x.md: is a socket, not a regular file; remove it "
        "(only files and folders are read)"
    ]


def test_symlink_loop_in_content_is_reported(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    def loop(path: Path) -> None:
        path.symlink_to(path.name)

    site = special_case(tmp_path, "content/news/2018-01-01-smycka.md", loop)
    assert build_fails(site, run_cli) == [
        "content/news/2018-01-01-smycka.md: the symbolic link leads round in a loop; "
        "replace it with the file itself"
    ]


def test_dangling_symlink_in_bundle_is_reported(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    def dangling(path: Path) -> None:
        path.symlink_to("nikde.pdf")

    site = special_case(tmp_path, f"{BUNDLE}/odkaz.pdf", dangling)
    assert build_fails(site, run_cli) == [
        f"{BUNDLE}/odkaz.pdf: the symbolic link points to nothing; replace it with the file itself"
    ]


def test_linked_folder_in_bundle_is_not_followed(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    def up(path: Path) -> None:
        path.symlink_to("..", target_is_directory=True)

    site = special_case(tmp_path, f"{BUNDLE}/nahoru", up)
    assert build_fails(site, run_cli) == [
        f"{BUNDLE}/nahoru: a link to a folder is not followed inside a bundle; "
        "copy the folder in instead"
    ]


def test_yaml_reader_errors_become_problems() -> None:
    with pytest.raises(ContentError) as error:
        parse_yaml_mapping("title: A\nplace: Pra\x00ha\n", "content/news/a.md", first_line=2)
    assert [str(problem) for problem in error.value.problems] == [
        "content/news/a.md:3: the file contains the control character U+0000; "
        "delete it (it is invisible in most editors)"
    ]


def test_site_yaml_folder_is_reported(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    site = make_site(tmp_path / "site", {})
    (site / "site.yaml").unlink()
    (site / "site.yaml").mkdir()
    assert build_fails(site, run_cli) == [
        "site.yaml: is a folder; site.yaml must be a file with the site's settings"
    ]


def test_site_yaml_fifo_is_refused(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    site = make_site(tmp_path / "site", {})
    (site / "site.yaml").unlink()
    os.mkfifo(site / "site.yaml")
    assert build_fails(site, run_cli) == [f"site.yaml: {FIFO}"]


def test_unreadable_site_yaml_is_reported(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site", {})
    real_open = os.open

    def deny_site_yaml(path: str | Path, flags: int, mode: int = 0o777) -> int:
        if str(path).endswith("site.yaml"):  # chmod 0 does not stop root, who runs CI
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr(os, "open", deny_site_yaml)
    assert build_fails(site, run_cli) == [
        "site.yaml: cannot be read (permission denied); make the file readable"
    ]


def test_file_name_that_is_not_utf8_is_reported(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", bundle({}))
    (site / BUNDLE / "foto\udcff.png").write_bytes(PNG)
    assert build_fails(site, run_cli) == [
        f"{BUNDLE}/foto\\xff.png: the file name holds a control character or bytes that are not "
        "UTF-8; rename the file with letters, digits and dashes"
    ]


# --- file types -------------------------------------------------------------------

SVG_PROBLEMS = {
    "script": (
        SVG_OPEN + "<script>alert(1)</script></svg>",
        "the SVG contains a <script> element, which could run a script on the site; "
        "remove it, or convert the image to PNG",
    ),
    "onload": (
        SVG_OPEN.replace("<svg ", '<svg onload="alert(1)" ') + "</svg>",
        "the SVG has an event attribute 'onload', which runs a script on the site; "
        "remove it, or convert the image to PNG",
    ),
    "foreign_object": (
        SVG_OPEN + "<foreignObject><p>HTML</p></foreignObject></svg>",
        "the SVG contains a <foreignObject> element, which could run a script on the site; "
        "remove it, or convert the image to PNG",
    ),
    "external_href": (
        SVG_OPEN + '<a href="javascript:alert(1)"><rect/></a></svg>',
        "the SVG refers to 'javascript:alert(1)' outside itself; only references inside the "
        "file ('#name') are allowed; embed what it shows, or convert the image to PNG",
    ),
    "external_xlink_href": (
        SVG_OPEN + '<image xlink:href="https://evil.example/x.png"/></svg>',
        "the SVG refers to 'https://evil.example/x.png' outside itself; only references "
        "inside the file ('#name') are allowed; embed what it shows, or convert the image "
        "to PNG",
    ),
    "external_url_in_style": (
        SVG_OPEN + "<style>rect { fill: url( 'https://evil.example/a' ) }</style></svg>",
        "the SVG refers to 'https://evil.example/a' outside itself; only references inside "
        "the file ('#name') are allowed; embed what it shows, or convert the image to PNG",
    ),
    "css_import": (
        SVG_OPEN + "<style>@import 'x.css';</style></svg>",
        "the SVG imports a style sheet with @import; remove it, or convert the image to PNG",
    ),
    "animated_href": (
        SVG_OPEN + '<a><set attributeName="xlink:href" to="javascript:alert(1)"/></a></svg>',
        "the SVG animates a link target, which could run a script; remove it, or convert "
        "the image to PNG",
    ),
    "billion_laughs": (
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>',
        "the SVG has a DOCTYPE declaration, which is not allowed; remove it (SVG needs none)",
    ),
    "stylesheet_instruction": (
        '<?xml-stylesheet href="https://evil.example/a.css"?>' + SVG_OPEN + "</svg>",
        "the SVG has a processing instruction <?xml-stylesheet?>, which could load something; "
        "remove it, or convert the image to PNG",
    ),
    "not_svg": (
        '<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>',
        "the file is not an SVG image (its root element is not <svg>); export it again",
    ),
    "malformed": (
        SVG_OPEN + "<rect>",
        "the SVG is not well-formed XML (line 1: no element found); export it again",
    ),
}


@pytest.mark.parametrize("case", SVG_PROBLEMS, ids=list(SVG_PROBLEMS))
def test_unsafe_svg_is_refused_with_the_reason(case: str) -> None:
    text, expected = SVG_PROBLEMS[case]
    assert svg_problem(text.encode()) == expected


def test_safe_svg_with_internal_references_passes() -> None:
    svg = (
        SVG_OPEN + '<defs><linearGradient id="g"/></defs><rect fill="url(#g)"/>'
        '<use xlink:href="#g"/><style>rect { fill: url(#g) }</style></svg>'
    )
    assert svg_problem(svg.encode()) is None
    assert static_file_problem(REPO / "static/img/logo.svg") is None


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.jpg", b"\xff\xd8\xff\xe0"),
        ("a.JPEG", b"\xff\xd8\xff\xdb"),
        ("a.png", PNG),
        ("a.gif", b"GIF89a"),
        ("a.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 "),
        ("a.avif", b"\x00\x00\x00\x1cftypavif"),
        ("a.pdf", b"%PDF-1.7"),
        ("a.odt", b"PK\x03\x04"),
        ("a.xlsx", b"PK\x03\x04"),
        ("a.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
        ("a.csv", "obec;počet\n".encode()),
        ("a.txt", b"text"),
    ],
)
def test_allowed_types_pass(name: str, data: bytes, tmp_path: Path) -> None:
    (tmp_path / name).write_bytes(data)
    assert file_problem(tmp_path / name) is None


def test_theme_types_pass_only_in_static(tmp_path: Path) -> None:
    (tmp_path / "site.css").write_text("body { color: black }")
    assert static_file_problem(tmp_path / "site.css") is None
    assert file_problem(tmp_path / "site.css") == (
        ".css files cannot be published (a browser could run them as part of the site); "
        "allowed are .avif, .csv, .doc, .docx, .gif, .jpeg, .jpg, .odp, .ods, .odt, .pdf, "
        ".png, .ppt, .pptx, .svg, .txt, .webp, .xls, .xlsx; convert documents to PDF"
    )


def test_every_file_of_the_repositorys_static_folder_passes() -> None:
    for path in sorted((REPO / "static").rglob("*")):
        if path.is_file():
            assert static_file_problem(path) is None, path


def test_disguised_png_is_refused(tmp_path: Path) -> None:
    (tmp_path / "foto.png").write_bytes(b"\xff\xd8\xff\xe0 a JPEG")
    assert file_problem(tmp_path / "foto.png") == (
        "the file is not a PNG image (its first bytes do not match .png); save it again in "
        "that format, or give it the extension of its real type"
    )


def test_file_without_extension_is_refused(tmp_path: Path) -> None:
    (tmp_path / "README").write_bytes(b"text")
    assert file_problem(tmp_path / "README", max_bytes=10) == (
        "files without an extension cannot be published (a browser could run them as part of "
        "the site); allowed are .avif, .csv, .doc, .docx, .gif, .jpeg, .jpg, .odp, .ods, .odt, "
        ".pdf, .png, .ppt, .pptx, .svg, .txt, .webp, .xls, .xlsx; convert documents to PDF"
    )


# --- command line -----------------------------------------------------------------


def usage_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run the command line, expect exit status 2; return the last line of stderr."""
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert "Traceback" not in err
    return err.splitlines()[-1]


BASE_URL = "sitegen build: error: argument --base-url: "
EXAMPLE = "write e.g. https://www.example.cz/"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["build", "--base-url", "https://[::1/"],
            f"{BASE_URL}'https://[::1/' is not a web address (Invalid IPv6 URL); {EXAMPLE}",
        ),
        (
            ["build", "--base-url", "https://x:99999999/"],
            f"{BASE_URL}'https://x:99999999/' is not a web address (Port out of range "
            f"0-65535); {EXAMPLE}",
        ),
        (["build", "--base-url", "foo"], f"{BASE_URL}'foo' is not a web address; {EXAMPLE}"),
        (
            ["check", "--base-url", "https://x.cz:0/"],
            "sitegen check: error: argument --base-url: 'https://x.cz:0/' is not a web address "
            f"(port 0 cannot be reached); {EXAMPLE}",
        ),
        (
            ["build", "--base-url", "https://user@x.cz/"],
            f"{BASE_URL}'https://user@x.cz/' is not a web address (a site address holds no user "
            f"name); {EXAMPLE}",
        ),
        (
            ["build", "--jobs", "-5"],
            "sitegen build: error: argument --jobs: '-5' is out of range; "
            "write 0 (one per core) up to 256",
        ),
        (
            ["build", "--jobs", "١٢٣"],
            "sitegen build: error: argument --jobs: '١٢٣' is not a whole number; "
            "write 0 (one per core) up to 256",
        ),
        (
            ["serve", "--port", "70000"],
            "sitegen serve: error: argument --port: '70000' is out of range; "
            "write a port from 1 to 65535, e.g. 8000, or 0 for any free port",
        ),
    ],
)
def test_bad_arguments_are_usage_errors(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert usage_error(capsys, *args) == expected


@pytest.mark.parametrize(
    ("epoch", "expected"),
    [
        (
            "99999999999999999999",
            "SOURCE_DATE_EPOCH='99999999999999999999': out of range; expected whole seconds "
            "since 1970 before the year 10000",
        ),
        ("١٢٣", "SOURCE_DATE_EPOCH='١٢٣': expected whole seconds since 1970"),
        ("-1", "SOURCE_DATE_EPOCH='-1': expected whole seconds since 1970"),
    ],
)
def test_bad_source_date_epoch_is_a_usage_error(
    epoch: str,
    expected: str,
    tmp_path: Path,
    run_cli: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = make_site(tmp_path / "site", {})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = run_cli("build", "--source", site)
    assert (result.status, result.err) == (2, f"sitegen: {expected}\n")
    assert not (site / "public").exists()
    with pytest.raises(UsageError):
        build_time({"SOURCE_DATE_EPOCH": epoch})


# --- scaffold ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "Obec: „nový\" plán # 1, [2] {3} & *4 '5' @6 `7` | > %",
        "--- Nadpis ---",
        " mezera na začátku",
        "2017-10-20",
        "yes",
        "Příliš " * 40 + "konec",
    ],
)
def test_new_writes_a_title_that_builds(
    title: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {"content/localities/zlutice.md": LOCALITY_TEXT})
    result = run_cli("new", "news", "--source", site, "--", title)
    assert result.status == 0, result.err
    path = Path(result.out.strip())
    assert len(path.name) <= len("2026-11-18-") + 60 + len(".md")
    text = path.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["title"] == title
    path.write_text(text.replace("draft: true", ""), encoding="utf-8")
    built = run_cli("build", "--source", site, "--jobs", "1", "--no-cache")
    assert built.status == 0, built.err


LOCALITY_TEXT = "---\ntitle: Žlutice\nregion: karlovarsky\nstatus: active\n---\nText.\n"


@pytest.mark.parametrize(
    ("title", "code"),
    [("Titulek\n---\nbody: x", "U+000A"), ("Titulek\x1b[31m", "U+001B"), ("A\u2028B", "U+2028")],
)
def test_new_refuses_a_title_with_line_breaks_or_controls(
    title: str, code: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {})
    result = run_cli("new", "news", "--source", site, "--", title)
    assert (result.status, result.err) == (
        2,
        f"sitegen: {title!r}: the title must be one line of text without control characters "
        f"(found {code}); write it on one line\n",
    )
    assert not (site / "content/news").exists()


def test_slug_is_cut_at_a_word_boundary() -> None:
    assert shorten_slug("prilis-zlutoucky-kun", 12) == "prilis"
    assert shorten_slug("prilis-zlutoucky-kun", 16) == "prilis-zlutoucky"
    assert shorten_slug("a" * 70, 60) == "a" * 60
    assert shorten_slug("kratky", 60) == "kratky"
