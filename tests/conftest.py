"""Shared fixtures: mini-sites written from a dict, and the sample site built once."""

from __future__ import annotations

import argparse
import dataclasses
import fcntl
import io
import os
import resource
import shutil
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from _pytest.nodeid import coerce_node_id
from hypothesis import settings
from hypothesis.database import DirectoryBasedExampleDatabase

from sitegen.base.config import BuildOptions
from sitegen.base.i18n import set_language
from sitegen.commands import cli
from sitegen.engine.pipeline import build

if TYPE_CHECKING:
    from playwright.sync_api import Browser

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
REPOSITORY = pytest.mark.xdist_group("repository")
"""The tests that build the sample site with its cache (REPO/.sitegen-cache): pytest-xdist
runs them in one worker, one after another."""
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


WHOLE_MODULES = frozenset(
    {
        "test_admin_browser",
        "test_browser_reader",
        "test_czech_stemmer",
        "test_localities",
        "test_newsletter",
        "test_open_data",
        "test_search_shards",
        "test_search_ui",
        "test_subscribe",
    }
)
"""Modules whose tests share a site the module builds, or a Chromium, and are few: each
runs in one xdist worker (an xdist_group of its own), so that its site is built and
its browser started once, not once in each worker."""


@pytest.hookimpl(trylast=True)  # after pytest orders the tests by their fixtures
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Put the tests of WHOLE_MODULES in groups; name each test's group in its node id.

    pytest-xdist's loadgroup scheduling reads the group from the end of the node id
    (`…::test_x@group`), which its own hook puts there by setting `item._nodeid`; since
    pytest 9 a node id is made from `item._id`, so that hook no longer does anything
    and every group would be spread over the workers. This does it instead."""
    for item in items:
        module = item.module.__name__ if isinstance(item, pytest.Function) else ""
        module = module.rsplit(".", 1)[-1]
        if module in WHOLE_MODULES and item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(module))
        if config.getoption("loadgroup", False):
            _name_group(item)
    items.sort(key=_longest_first)


FIRST = (
    "tests/test_engine.py::test_a_build_killed_at_random_moments",
    "tests/test_engine.py",
    "tests/test_search_tiers.py",
    "tests/test_incremental.py",
)
"""The tests that take longest (end-to-end builds of the 120-item corpus), run first, so
that the xdist workers end together on the many short ones."""


def _longest_first(item: pytest.Item) -> int:
    return next((n for n, start in enumerate(FIRST) if item.nodeid.startswith(start)), len(FIRST))


def _name_group(item: pytest.Item) -> None:
    groups = sorted(
        str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        for mark in item.iter_markers("xdist_group")
    )
    if groups and "@" not in item.nodeid.rpartition("]")[2]:
        item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(groups)}")


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


def options_for(
    site: Path, output: Path | None = None, *, drafts: bool = False, search: bool = False
) -> BuildOptions:
    """Return build options for site with the tests' fixed "now".

    The search index (Pagefind: about 0.3 s of a 0.7 s build of a small site) is made
    only when search is True: a test about search asks for it.
    """
    return BuildOptions(
        site_path=site,
        content_path=site / "content",
        output_path=output or site / "public",
        base_url=None,
        include_drafts=drafts,
        now=NOW,
        search=search,
    )


OptionsFrom = Callable[..., BuildOptions]
"""sitegen.commands.cli.options_from: build options from parsed arguments."""


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


def without_search(options_from: OptionsFrom) -> OptionsFrom:
    """Return options_from with the search index turned off, but for `check`, which
    checks the links of the search page into it."""

    def options(args: argparse.Namespace, **changes: object) -> BuildOptions:
        options = options_from(args, **changes)
        return options if args.command == "check" else dataclasses.replace(options, search=False)

    return options


@pytest.fixture
def run_cli(
    request: pytest.FixtureRequest,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., Run]:
    """Return a function that runs the command line in-process and captures its output.

    Its builds make no search index unless the test is marked search (as options_for);
    `check` always makes one.
    """
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(NOW_EPOCH))
    if request.node.get_closest_marker("search") is None:
        monkeypatch.setattr(cli, "options_from", without_search(cli.options_from))

    def run(*args: str | Path) -> Run:
        status = cli.main([str(arg) for arg in args])
        captured = capsys.readouterr()
        return Run(status, captured.out, captured.err)

    return run


def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the temporary folder of the whole test run, which pytest-xdist's workers
    (each with a folder of its own in it) share."""
    own = tmp_path_factory.getbasetemp()
    return own.parent if os.environ.get("PYTEST_XDIST_WORKER") else own


@contextmanager
def run_lock(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """Hold the lock called name, which this run's xdist workers share, for the block;
    yield the run's shared folder."""
    shared = run_folder(tmp_path_factory)
    with (shared / f"{name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield shared
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the repository's sample site, search index included, once per run (the
    xdist workers share it; nothing writes into it); return its output folder.

    The build keeps no cache in the repository: the tests that build the sample site
    with its cache there are in the xdist group REPOSITORY, one at a time."""
    with run_lock(tmp_path_factory, "sample") as shared:
        output = shared / "sample" / "public"
        built = shared / "sample" / "built"
        if not built.exists():
            build(dataclasses.replace(options_for(REPO, output, search=True), use_cache=False))
            built.touch()
    return output


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright, launched once per test module (in each
    xdist worker that runs some of its tests).

    Not once per session: while Playwright's synchronous API is open, its event loop
    counts as running in the thread, and the preview's tests could not run theirs."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is missing: run `make test`, which installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
