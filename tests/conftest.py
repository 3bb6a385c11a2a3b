"""Shared fixtures: mini-sites written from a dict, and the sample site built once."""

from __future__ import annotations

import io
import os
import resource
import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

from sitegen.base.config import BuildOptions
from sitegen.base.i18n import set_language
from sitegen.commands.cli import main
from sitegen.engine.pipeline import build

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
"""The same examples on every run: CI passes or fails on the code, never on the dice."""
settings.register_profile(
    "explore",
    derandomize=False,  # said outright: under CI, Hypothesis' own defaults derandomise
    database=DirectoryBasedExampleDatabase(Path(__file__).parent.parent / ".hypothesis/examples"),
)
"""New random examples each run; failures are kept in .hypothesis/ and replayed first
until they pass."""
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "explore")
)

REPO = Path(__file__).resolve().parent.parent
NOW_EPOCH = 1795000000
"""2026-11-18 09:46:40 UTC: the "now" of every test build."""
NOW = datetime.fromtimestamp(NOW_EPOCH, UTC)

SITE_YAML = """\
title: Testovací web
publisher: Testovací odbor
description: Web pro testy.
base_url: https://example.cz/
feed_id_authority: example.cz
paging:
  news_per_page: 2
accessibility:
  status: partial
  prepared: 2026-01-15
  reviewed: 2026-06-30
  contact_email: pristupnost@example.cz
"""

STATEMENT_PATH = "content/pages/prohlaseni-o-pristupnosti.md"
STATEMENT = """\
---
title: Prohlášení o přístupnosti
---
## Nepřístupný obsah

Starší dokumenty PDF nemají textovou vrstvu.
"""

LOCALITY = """\
---
title: Žlutice
kind: město
region: karlovarsky
status: active
---
Malé město.
"""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/sites/*/expected from the current build",
    )


@pytest.fixture(autouse=True)
def english_messages(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Show messages in English (an English locale), as the tests that quote them expect.

    A test of the Czech messages passes --lang cs or calls set_language("cs").
    """
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    set_language(None)
    yield
    set_language(None)


TEST_MEMORY = 3 * 2**30
"""How much more address space than it has a test under memory_limit may take (3 GiB)."""


@pytest.fixture
def memory_limit() -> Iterator[None]:
    """Run the test with at most TEST_MEMORY more address space than the process has, so
    that a hostile input the build fails to stop fails the test, not the machine."""
    with open("/proc/self/statm", "rb") as statm:  # noqa: PTH123 (as sitegen.render.templates)
        used = int(statm.read().split()[0]) * resource.getpagesize()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (used + TEST_MEMORY, hard))
    yield
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def make_site(root: Path, files: dict[str, str | bytes], *, templates: bool = True) -> Path:
    """Write a site under root from {relative path: text or bytes}; return root.

    site.yaml, the accessibility statement and the default theme's templates are
    added; files may replace them.
    """
    files = {"site.yaml": SITE_YAML, STATEMENT_PATH: STATEMENT, **files}
    if templates:
        shutil.copytree(REPO / "templates", root / "templates")
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    return root


_PIL_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}
_OFFICE_PARTS = {
    "odt": {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"},
    "ods": {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"},
    "odp": {"mimetype": "application/vnd.oasis.opendocument.presentation", "content.xml": "<x/>"},
    "docx": {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"},
    "xlsx": {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"},
    "pptx": {"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p:presentation/>"},
}


def sample_file(name: str, padding: int = 0) -> bytes:
    """Return a small whole file of the type of name's extension: an image made with
    Pillow, a PDF with pypdf (padding: that many more bytes in an attachment), an office
    document's ZIP with the parts of its format, a CSV table."""
    suffix = name.rsplit(".", 1)[-1].lower()
    buffer = io.BytesIO()
    if suffix in _PIL_FORMATS or suffix == "avif":
        from PIL import Image

        image = Image.new("RGB", (4, 3), "steelblue")
        image.save(buffer, _PIL_FORMATS.get(suffix, "AVIF"))
    elif suffix == "pdf":
        from pypdf import PdfWriter

        writer = PdfWriter()
        writer.add_blank_page(200, 100)
        if padding:
            writer.add_attachment("vypln.bin", bytes(padding))
        writer.write(buffer)
    elif suffix in _OFFICE_PARTS:
        with zipfile.ZipFile(buffer, "w") as archive:
            for member, text in _OFFICE_PARTS[suffix].items():
                archive.writestr(member, text)
    elif suffix in ("doc", "xls", "ppt"):
        return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    else:
        return "obec;počet\nŽlutice;2500\n".encode()
    return buffer.getvalue()


def options_for(site: Path, output: Path | None = None, *, drafts: bool = False) -> BuildOptions:
    """Return build options for site with the tests' fixed "now"."""
    return BuildOptions(
        site_path=site,
        content_path=site / "content",
        output_path=output or site / "public",
        base_url=None,
        include_drafts=drafts,
        now=NOW,
    )


@dataclass(frozen=True)
class Run:
    """The result of one command line run."""

    status: int
    out: str
    err: str

    @property
    def problems(self) -> list[str]:
        """Return the problem lines of stderr (without the summary line)."""
        return [
            line
            for line in self.err.splitlines()
            if line and not line.startswith(("Build failed", "Loaded"))
        ]


@pytest.fixture
def run_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Run]:
    """Return a function that runs the command line in-process and captures its output."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(NOW_EPOCH))

    def run(*args: str | Path) -> Run:
        status = main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return Run(status, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Build the repository's sample site once; return its output folder."""
    output = tmp_path_factory.mktemp("sample") / "public"
    build(options_for(REPO, output))
    yield output
