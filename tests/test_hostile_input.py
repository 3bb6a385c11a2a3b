"""Input made to hurt the build (issue 11) gets one clear line, never a traceback or a hang.

Every case asserts the whole error line, the exit status, and that the output folder
is left exactly as it was.
"""

from __future__ import annotations

import errno
import io
import os
import signal
import socket
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image as PILImage

from sitegen.base import filetypes
from sitegen.base.checked import CheckedFiles
from sitegen.base.config import Limits, build_time, load_config
from sitegen.base.errors import ContentError, UsageError
from sitegen.base.filetypes import file_problem, static_file_problem
from sitegen.base.svg import svg_problem
from sitegen.base.text import printable_name
from sitegen.base.yamldoc import parse_yaml_mapping
from sitegen.commands.cli import main
from sitegen.commands.scaffold import shorten_slug
from sitegen.content import kinds
from sitegen.content.placeholders import SAMPLE_TEXTS
from sitegen.content.sources import read_sources
from sitegen.engine.writer import MARKER
from sitegen.link import images
from sitegen.render import templates
from tests.conftest import REPO, SITE_YAML, Run, make_site, sample_file

NEWS = "content/news/2017-10-20-memorandum.md"
BUNDLE = "content/news/2017-10-20-memorandum"
PNG = sample_file("foto.png")
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
    big = sample_file("a.pdf", padding=10 * 1024 * 1024 - 2000)
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
LOOP = "the symbolic link leads round in a loop; replace it with the file itself"
DANGLING = "the symbolic link points to nothing; replace it with the file itself"


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
    assert build_fails(site, run_cli) == [f"content/news/2018-01-01-smycka.md: {LOOP}"]


def test_dangling_symlink_in_bundle_is_reported(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    def dangling(path: Path) -> None:
        path.symlink_to("nikde.pdf")

    site = special_case(tmp_path, f"{BUNDLE}/odkaz.pdf", dangling)
    assert build_fails(site, run_cli) == [f"{BUNDLE}/odkaz.pdf: {DANGLING}"]


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


def make_socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))  # the file stays after the socket is closed


def make_device(path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("only root can make a device file")
    os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # as /dev/null


def link_to(target: str) -> Callable[[Path], None]:
    return lambda path: path.symlink_to(target)


SOCKET = "is a socket, not a regular file; remove it (only files and folders are read)"
DEVICE = "is a character device, not a regular file; remove it (only files and folders are read)"
OUTSIDE_STATIC = "links to a place outside static/; copy the file in instead"
BAD_NAME = (
    "the file name holds a control character or bytes that are not UTF-8; "
    "rename the file with letters, digits and dashes"
)
FOLDER_LINK = "a link to a folder is not followed in static/; copy the folder in instead"


@pytest.mark.parametrize(
    ("rel", "make", "message"),
    [
        ("static/roura.css", os.mkfifo, FIFO),
        ("static/css/roura", os.mkfifo, FIFO),
        ("static/zasuvka.css", make_socket, SOCKET),
        ("static/zarizeni.css", make_device, DEVICE),
        ("static/null.css", link_to("/dev/null"), OUTSIDE_STATIC),
        ("static/hesla.txt", link_to("/etc/passwd"), OUTSIDE_STATIC),
        ("static/etc", link_to("/etc"), FOLDER_LINK),
        ("static/css/nahoru", link_to(".."), FOLDER_LINK),
        ("static/nikde.css", link_to("chybi.css"), DANGLING),
        ("static/smycka.css", link_to("smycka.css"), LOOP),
        (os.fsdecode(b"static/a\xff.txt"), Path.touch, BAD_NAME),
        ("static/sl\x01ozka", Path.mkdir, BAD_NAME),
    ],
)
def test_a_static_file_that_is_not_a_regular_file_inside_static_is_refused_unopened(
    rel: str,
    make: Callable[[Path], None],
    message: str,
    tmp_path: Path,
    run_cli: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = make_site(tmp_path / "site", {"static/css/web.css": "p { margin: 0 }\n"})
    monkeypatch.chdir(site)  # a socket's path must be short
    make(Path(rel))
    assert build_fails(site, run_cli) == [f"{printable_name(rel)}: {message}"]


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
    "name",
    [
        "a.jpg",
        "a.JPEG",
        "a.png",
        "a.gif",
        "a.webp",
        "a.avif",
        "a.pdf",
        "a.odt",
        "a.ods",
        "a.odp",
        "a.docx",
        "a.xlsx",
        "a.pptx",
        "a.doc",
        "a.csv",
        "a.txt",
    ],
)
def test_allowed_types_pass(name: str, tmp_path: Path) -> None:
    (tmp_path / name).write_bytes(sample_file(name))
    assert file_problem(tmp_path / name) is None


def _not(what: str, reason: str) -> str:
    return (
        f"the file is not {what}: it cannot be read as one ({reason}); save it again in that "
        "format, or give it the extension of its real type"
    )


DAMAGED = "it is damaged, cut short, or a file of another kind"
_HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
_JPEG = sample_file("a.jpg")
_PNG = sample_file("a.png")
_PDF = sample_file("a.pdf")
_ODT_WITHOUT_CONTENT = io.BytesIO()
with zipfile.ZipFile(_ODT_WITHOUT_CONTENT, "w") as _archive:
    _archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    _archive.writestr("index.html", _HTML)
_DOCX_OF_SOMETHING_ELSE = io.BytesIO()
with zipfile.ZipFile(_DOCX_OF_SOMETHING_ELSE, "w") as _archive:
    _archive.writestr("index.html", _HTML)

CONTENT_CASES: dict[str, tuple[str, bytes, str]] = {
    "jpeg_magic_then_html": (
        "foto.jpg",
        b"\xff\xd8\xff\xe0" + _HTML,
        _not("a JPEG image", DAMAGED),
    ),
    "truncated_jpeg": (
        "foto.jpg",
        _JPEG[: len(_JPEG) * 2 // 3],
        _not("a JPEG image", DAMAGED),
    ),
    "png_header_then_garbage": (
        "foto.png",
        _PNG[:16] + bytes(range(256)) * 4,
        _not("a PNG image", DAMAGED),
    ),
    "gif_magic_then_html": (
        "foto.gif",
        b"GIF89a" + _HTML,
        _not("a GIF image", DAMAGED),
    ),
    "pdf_magic_then_html": (
        "zprava.pdf",
        b"%PDF-1.7\n" + _HTML,
        _not("a PDF document", DAMAGED),
    ),
    "truncated_pdf": (
        "zprava.pdf",
        _PDF[: len(_PDF) // 2],
        _not("a PDF document", DAMAGED),
    ),
    "odt_without_its_parts": (
        "zprava.odt",
        _ODT_WITHOUT_CONTENT.getvalue(),
        _not("an OpenDocument text", "the archive lacks the parts of an OpenDocument file"),
    ),
    "docx_holding_a_web_page": (
        "zprava.docx",
        _DOCX_OF_SOMETHING_ELSE.getvalue(),
        _not("a Word document", "the archive lacks the parts of an Office document"),
    ),
    "zip_magic_then_html": (
        "tabulka.xlsx",
        b"PK\x03\x04" + _HTML,
        _not("an Excel workbook", DAMAGED),
    ),
}


@pytest.mark.parametrize("case", CONTENT_CASES, ids=list(CONTENT_CASES))
def test_a_file_that_only_begins_like_its_type_is_refused(case: str, tmp_path: Path) -> None:
    name, data, expected = CONTENT_CASES[case]
    (tmp_path / name).write_bytes(data)
    problem = file_problem(tmp_path / name)
    assert problem is not None
    assert problem == expected


@pytest.mark.parametrize(
    "name", ["foto.jpg", "foto.png", "zprava.pdf", "zprava.odt", "tabulka.xlsx"]
)
def test_a_whole_file_of_its_type_is_published(
    name: str, tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", bundle({name: sample_file(name)}))
    assert run_cli("build", "--source", site).status == 0
    assert (site / "public/aktuality/memorandum" / name).is_file()


def test_a_polyglot_is_refused_at_the_file_and_nothing_is_published(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    files = bundle({"foto.jpg": b"\xff\xd8\xff\xe0" + _HTML, "zprava.pdf": b"%PDF-1.7\n" + _HTML})
    site = make_site(tmp_path / "site", files)
    assert build_fails(site, run_cli) == [
        f"{BUNDLE}/foto.jpg: " + _not("a JPEG image", DAMAGED),
        f"{BUNDLE}/zprava.pdf: " + _not("a PDF document", DAMAGED),
    ]


def test_an_image_with_too_many_pixels_for_its_kind_is_refused_naming_the_limit(
    tmp_path: Path,
) -> None:
    buffer = io.BytesIO()
    PILImage.new("RGBA", (5000, 4001)).save(buffer, "PNG")  # 8 bytes a pixel to resize
    (tmp_path / "velka.png").write_bytes(buffer.getvalue())
    assert file_problem(tmp_path / "velka.png") == (
        "the image has 5000 × 4001 pixels (20.0 million), more than the 20 million pixels "
        "allowed for its kind; make it smaller (3,000 pixels wide is plenty for the web)"
    )
    buffer = io.BytesIO()
    PILImage.new("L", (5000, 4001)).save(buffer, "PNG")  # grey: a byte a pixel
    (tmp_path / "seda.png").write_bytes(buffer.getvalue())
    assert file_problem(tmp_path / "seda.png") is None


def test_a_file_that_passed_is_not_decoded_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "zprava.pdf").write_bytes(_PDF)
    checked = CheckedFiles(tmp_path / "cache")
    assert file_problem(tmp_path / "zprava.pdf", checked=checked) is None
    checked.save()
    read: list[bytes] = []
    monkeypatch.setattr(filetypes, "pdf_content_problem", lambda data, suffix: read.append(data))
    monkeypatch.setitem(filetypes._CONTENT_CHECKS, ".pdf", filetypes.pdf_content_problem)
    again = CheckedFiles(tmp_path / "cache")
    assert file_problem(tmp_path / "zprava.pdf", checked=again) is None
    assert read == []  # passed before: remembered by its bytes
    (tmp_path / "zprava.pdf").write_bytes(_PDF + b"\n")
    assert file_problem(tmp_path / "zprava.pdf", checked=again) is None
    assert len(read) == 1  # other bytes: checked


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
    for sample in SAMPLE_TEXTS:  # the author's own text, or the build stops at the sample
        text = text.replace(sample, "Vlastní text zprávy.")
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


@settings(max_examples=40, deadline=None)
@given(
    name=st.sampled_from(["foto.jpg", "foto.png", "foto.gif", "foto.webp", "zprava.pdf"]),
    cut=st.integers(min_value=0, max_value=2000),
    junk=st.binary(max_size=64),
    at=st.integers(min_value=0, max_value=2000),
)
def test_a_damaged_file_is_refused_or_published_never_a_traceback(
    name: str, cut: int, junk: bytes, at: int
) -> None:
    """Cut short or overwritten anywhere: the check refuses the file, or it is whole
    enough that an image is then made anew without error."""
    whole = sample_file(name)
    at = min(at, len(whole))
    damaged = (whole[:at] + junk + whole[at + len(junk) :])[: max(cut, 1)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(damaged)
        problem = file_problem(path)
    if problem is None and not name.endswith(".pdf"):
        assert images.clean(damaged, Path(name).suffix)
