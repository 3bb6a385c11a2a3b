"""The engine: a build costs what changed, and a killed build never leaves a mix."""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import os
import pickle
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from sitegen.base.cache import digest
from sitegen.base.errors import ContentError
from sitegen.base.options import CACHE_FOLDER, BuildOptions
from sitegen.content import load as load_module
from sitegen.content.load import Entry
from sitegen.content.sources import SourceFile
from sitegen.engine.commit import recover
from sitegen.engine.lock import build_lock
from sitegen.engine.memory import Memory
from sitegen.engine.pipeline import build
from sitegen.engine.state import STATE_VERSION
from tests.conftest import NOW, REPO, Run, make_site, options_for
from tests.test_golden import tree

ITEMS = 120
"""News items of the corpus sites: about six a year from 2008 on."""
NEWS = "---\ntitle: Zpráva\ndate: 2024-01-01\n---\nText zprávy.\n"
STAGES = ("jinja2", "markdown", "pydantic", "feedgen", "nh3", "babel", "yaml")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "site", ITEMS)


def no_search(options: BuildOptions) -> BuildOptions:
    return dataclasses.replace(options, search=False)


def identities(output: Path) -> dict[str, tuple[int, int]]:
    """Return (inode, mtime_ns) of every file under output."""
    return {
        path.relative_to(output).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in output.rglob("*")
        if path.is_file()
    }


def a_news_file(site: Path, year: str) -> Path:
    return next(path for path in sorted((site / "content/news").glob(f"{year}-*.md")))


def test_build_with_nothing_to_do_loads_no_stage_and_writes_nothing(corpus: Path) -> None:
    script = (
        "import sys\n"
        "from sitegen.commands.cli import main\n"
        f"status = main(['build', '--source', {str(corpus)!r}])\n"
        f"print(status, [m for m in {STAGES!r} if m in sys.modules])\n"
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    before = identities(corpus / "public")
    again = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert again.returncode == 0, again.stderr
    assert "files: 0 written" in again.stdout
    assert again.stdout.splitlines()[-1] == "0 []"
    assert identities(corpus / "public") == before


def test_a_scheduled_item_comes_out_when_its_time_comes(tmp_path: Path) -> None:
    later = NOW + timedelta(hours=2)
    stamp = later.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    site = make_site(
        tmp_path / "site",
        {"content/news/2026-11-18-pozdeji.md": f"---\ntitle: Později\ndate: {stamp}\n---\nText.\n"},
    )
    options = no_search(options_for(site))
    build(options)
    assert not (site / "public/aktuality/pozdeji/index.html").exists()
    assert build(options).written == 0  # still before its time: nothing to do
    build(dataclasses.replace(options, now=later + timedelta(seconds=1)))
    assert (site / "public/aktuality/pozdeji/index.html").is_file()


def test_missing_files_are_restored_and_a_full_build_removes_strays(corpus: Path) -> None:
    options = no_search(options_for(corpus))
    build(options)
    expected = tree(corpus / "public")
    (corpus / "public/cizi.html").write_text("cizí")
    (corpus / "public/kraje/index.html").unlink()
    report = build(options)
    assert report.written == 1
    assert tree(corpus / "public") == {**expected, "cizi.html": "cizí".encode()}
    build(dataclasses.replace(options, use_cache=False))  # no record: a full build
    assert tree(corpus / "public") == expected


class Killed(BaseException):
    """Stands for a SIGKILL at one point of the commit."""


def _interrupting_replace(after: int) -> Callable[[Path, Path], Path]:
    original = Path.replace
    calls = iter(range(10**9))

    def replace(self: Path, target: Path) -> Path:
        if next(calls) == after:
            raise Killed
        return original(self, target)

    return replace


@pytest.mark.parametrize("moves_done", [0, 1, 5, 40])
def test_a_build_killed_between_the_renames_of_its_commit_is_rolled_forward(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moves_done: int
) -> None:
    options = no_search(options_for(corpus))
    build(options)
    for path in sorted((corpus / "content/news").glob("*.md"))[::7]:
        path.write_text(path.read_text().replace("title: ", "title: Nově ", 1))
    build(dataclasses.replace(options, output_path=tmp_path / "new", use_cache=False))
    new = tree(tmp_path / "new")
    # the journal is renamed into place first (one call), then each move is one call
    monkeypatch.setattr(Path, "replace", _interrupting_replace(1 + moves_done))
    with pytest.raises(Killed):
        build(options)
    monkeypatch.undo()
    assert (corpus / ".public.journal").is_file()
    recover(corpus / "public")
    assert tree(corpus / "public") == {**new, ".sitegen-output": new[".sitegen-output"]}
    assert not list(corpus.glob(".public.*"))


def test_a_build_killed_before_its_commit_leaves_the_old_site(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = no_search(options_for(corpus))
    build(options)
    old = tree(corpus / "public")
    base = corpus / "templates/base.html"
    base.write_text(base.read_text().replace("</body>", "<!-- nové -->\n</body>"))
    monkeypatch.setattr(Path, "replace", _interrupting_replace(0))  # the journal's rename
    with pytest.raises(Killed):
        build(options)
    monkeypatch.undo()
    recover(corpus / "public")
    assert tree(corpus / "public") == old
    assert not list(corpus.glob(".public.*"))


KILL_SCRIPT = """
import dataclasses, sys
from pathlib import Path
from sitegen.engine.load import load_site
from sitegen.engine.pipeline import build
from tests.conftest import options_for
options = options_for(Path(sys.argv[1]))
build(dataclasses.replace(options, search=False, jobs=2))
print("done", flush=True)
"""


def test_a_build_killed_at_random_moments_leaves_the_old_site_or_the_new(
    corpus: Path, tmp_path: Path
) -> None:
    rng = random.Random(20261122)
    options = no_search(options_for(corpus))
    build(options)
    news = sorted((corpus / "content/news").glob("*.md"))
    for trial in range(6):
        old = tree(corpus / "public")
        for path in rng.sample(news, 10):
            path.write_text(path.read_text().replace("title: ", f"title: Pokus {trial} ", 1))
        expected = tmp_path / f"new-{trial}"
        build(dataclasses.replace(options, output_path=expected, use_cache=False))
        new = tree(expected)
        started = time.perf_counter()
        with subprocess.Popen(
            [sys.executable, "-c", KILL_SCRIPT, str(corpus)], cwd=REPO, stdout=subprocess.DEVNULL
        ) as process:
            time.sleep(rng.uniform(0.2, 2.5))
            process.send_signal(signal.SIGKILL)
        recover(corpus / "public")
        after = tree(corpus / "public")
        assert after in (old, new), f"a mix after a kill at {time.perf_counter() - started:.2f} s"
        build(options)
        assert tree(corpus / "public") == new


def test_two_builds_at_once_wait_for_each_other(corpus: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}
    command = [sys.executable, str(REPO / "build.py"), "--source", str(corpus)]
    with subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL) as first:
        time.sleep(0.3)
        second = subprocess.run(command, env=env, capture_output=True, text=True)
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    if "waiting for it to end" not in second.stderr:
        pytest.skip("the first build ended before the second began")
    assert "database is locked" not in second.stderr


def test_the_build_lock_admits_one_build_at_a_time_and_leaves_no_file(tmp_path: Path) -> None:
    options = options_for(make_site(tmp_path / "site", {}))
    inside, most, waited = 0, 0, 0
    count = threading.Lock()

    def builds() -> None:
        nonlocal inside, most, waited
        for _ in range(40):
            with build_lock(options, lambda message: None) as notes:
                with count:
                    inside += 1
                    most, waited = max(most, inside), waited + bool(notes)
                time.sleep(0.0005)
                with count:
                    inside -= 1

    threads = [threading.Thread(target=builds) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 1
    assert waited > 0  # builds did wait for each other, so the lock was contended
    assert not (tmp_path / "site/.public.lock").exists()


def cache_folder_is_a_file(site: Path) -> None:
    (site / CACHE_FOLDER).write_text("x")


def cache_database_is_a_folder(site: Path) -> None:
    (site / CACHE_FOLDER / "cache.sqlite").mkdir(parents=True)


def cache_file_cases() -> Iterator[tuple[str, Callable[[Path], None]]]:
    yield "cache folder is a file", cache_folder_is_a_file
    yield "cache.sqlite is a folder", cache_database_is_a_folder


@pytest.mark.parametrize(("case", "damage"), list(cache_file_cases()))
def test_an_unusable_cache_is_a_warning_and_the_build_succeeds(
    tmp_path: Path,
    run_cli: Callable[..., Run],
    case: str,
    damage: Callable[[Path], None],
) -> None:
    site = make_site(tmp_path / "site", {})
    damage(site)
    result = run_cli("--source", site)
    assert result.status == 0, result.err
    assert "Traceback" not in result.err
    warnings = [line for line in result.err.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1, result.err
    assert "building without it" in warnings[0] or "keeps no cache" in warnings[0]
    assert (site / "public/index.html").is_file()


def test_a_damaged_cache_database_is_discarded_with_one_warning(
    corpus: Path, run_cli: Callable[..., Run]
) -> None:
    assert run_cli("--source", corpus).status == 0
    database = corpus / CACHE_FOLDER / "cache.sqlite"
    data = bytearray(database.read_bytes())
    for offset in range(4096, len(data), 4096):  # every page but the header
        data[offset + 100 : offset + 400] = os.urandom(300)
    database.write_bytes(bytes(data))
    (corpus / "content/news").joinpath(a_news_file(corpus, "2012").name).touch()
    result = run_cli("--source", corpus)
    assert result.status == 0, result.err
    assert "Traceback" not in result.err
    assert result.err.count("warning: the build cache") <= 1
    assert run_cli("--source", corpus).status == 0


@pytest.mark.parametrize(
    ("template", "line"),
    [
        ("{% extends 'base.html' %}{% block content %}{{ 1/0 }}{% endblock %}", "division by zero"),
        ("{% extends 'base.html' %}{% block content %}{{ x|nesmysl }}{% endblock %}", "nesmysl"),
        (
            "{% extends 'base.html' %}{% block content %}{% if %}{% endblock %}",
            "templates/404.html:1",
        ),
    ],
)
def test_template_errors_are_one_line_and_leave_the_output(
    tmp_path: Path, run_cli: Callable[..., Run], template: str, line: str
) -> None:
    site = make_site(tmp_path / "site", {})
    assert run_cli("--source", site).status == 0
    before = tree(site / "public")
    (site / "templates/404.html").write_text(template)
    result = run_cli("--source", site)
    assert result.status == 1
    assert "Traceback" not in result.err
    assert line in result.err
    assert result.err.splitlines()[0].startswith("templates/404.html")
    assert tree(site / "public") == before


def test_state_is_one_json_document_with_a_checksum(corpus: Path) -> None:
    build(no_search(options_for(corpus)))
    [state] = (corpus / CACHE_FOLDER / "state").glob("*.json")
    checksum, _, body = state.read_bytes().partition(b"\n")
    document = json.loads(body)
    assert len(checksum) == 64
    assert set(document) == {
        "version",
        "snapshot",
        "search_stale",
        "key",
        "inputs",
        "outputs",
        "shards",
        "pages",
        "valid_until",
    }
    assert "content/news/" + a_news_file(corpus, "2012").name in document["inputs"]
    state.write_bytes(checksum + b"\n" + body.replace(b'"pages":', b'"pages": '))
    report = build(no_search(options_for(corpus)))  # a damaged state is no state
    assert report.pages_rendered == report.pages
    assert report.written == 0


def _failing_write(error: OSError, inside: str) -> Callable[[Path, bytes], int]:
    original = Path.write_bytes

    def write_bytes(self: Path, data: bytes) -> int:
        if inside in str(self):
            raise OSError(error.errno, error.strerror, str(self))
        return original(self, data)

    return write_bytes


@pytest.mark.search  # nothing of the search index's staging is left either
def test_a_full_disk_is_one_line_and_leaves_the_output(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site", {"content/news/2024-01-01-a.md": NEWS})
    assert run_cli("--source", site).status == 0
    before = tree(site / "public")
    (site / "content/news/2024-01-01-a.md").write_text(NEWS + "\nNový odstavec.\n")
    full = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(Path, "write_bytes", _failing_write(full, ".public.pending"))
    result = run_cli("--source", site)
    monkeypatch.undo()
    assert result.status == 1
    [line] = result.err.splitlines()
    assert line.startswith(f"sitegen: {site.resolve()}/.public.pending/")
    assert line.endswith(f": No space left on device; nothing was changed in {site}/public")
    assert tree(site / "public") == before
    assert not list(site.glob(".public.*"))


@pytest.mark.search  # the search index is staged beside the output too
def test_an_output_parent_that_cannot_be_written_is_one_line(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site", {})
    original = Path.mkdir

    def mkdir(self: Path, *args: object, **kwargs: object) -> None:
        if self.name == ".public.pending":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", mkdir)
    result = run_cli("--source", site)
    monkeypatch.undo()
    assert result.status == 1
    assert result.err == (
        f"sitegen: {site.resolve()}/.public.pending: Permission denied; "
        f"nothing was changed in {site}/public\n"
    )
    assert not (site / "public").exists()


def test_a_cache_that_cannot_be_written_is_skipped_with_a_warning(
    tmp_path: Path, run_cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site", {})

    def refuse(path: Path, state: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    def no_database(*args: object, **kwargs: object) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr("sitegen.engine.pipeline.save_state", refuse)
    monkeypatch.setattr("sitegen.base.cache.sqlite3.connect", no_database)
    result = run_cli("--source", site)
    assert result.status == 0, result.err
    warnings = [line for line in result.err.splitlines() if line.startswith("warning:")]
    assert [warning.split(" (")[0] for warning in warnings] == [
        f"warning: the build cache {site}/.sitegen-cache/cache.sqlite cannot be used",
        "warning: the build state could not be kept",
    ]
    assert (site / "public/index.html").is_file()


@pytest.mark.search  # the search index's staging folder among them
def test_staging_folders_of_killed_builds_are_removed(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {})
    for stale in (
        ".public.search-x1y2",
        ".public.staging-4242",
        ".public.old-4243",
        ".public.pending",
    ):
        (site / stale / "aktuality").mkdir(parents=True)
        (site / stale / "aktuality/index.html").write_text("stará")
    (site / ".public.journal.tmp").write_text("{")
    assert run_cli("--source", site).status == 0
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".public")) == []


def test_a_poisoned_cache_can_only_put_sanitised_html_on_the_site(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {"content/news/2024-01-01-a.md": NEWS})
    assert run_cli("--source", site).status == 0
    poison = '<p onclick="x()">Podvrh</p><script>alert(1)</script><a href="javascript:x()">a</a>'
    database = sqlite3.connect(site / CACHE_FOLDER / "cache.sqlite")
    rows = database.execute("select key, value from entries where kind = 'body'").fetchall()
    assert rows
    for key, value in rows:
        body = json.loads(value)
        body["html"] = poison
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        database.execute(
            "update entries set value = ?, checksum = ? where kind = 'body' and key = ?",
            (data, digest(data), key),
        )
    database.commit()
    database.close()
    (site / "templates/base.html").write_text((site / "templates/base.html").read_text() + "\n")
    assert run_cli("--source", site).status == 0
    page = (site / "public/aktuality/a/index.html").read_text()
    assert "Podvrh" in page  # the poisoned body was used, and sanitised where written
    assert "alert(1)" not in page
    assert "onclick" not in page
    assert "javascript:" not in page


def record_parsed_files(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Return a list that gets the path of every file parsed from now on."""
    parsed: list[str] = []
    original = load_module._load_entry

    def counting(source: SourceFile, *args: object) -> Entry:
        parsed.append(source.rel_path)
        return original(source, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(load_module, "_load_entry", counting)
    return parsed


def test_unchanged_files_are_not_parsed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site", {"content/news/2024-01-01-a.md": NEWS})
    options = no_search(options_for(site))
    build(options)
    parsed = record_parsed_files(monkeypatch)
    (site / "content/news/2024-01-01-a.md").write_text(NEWS + "\nDalší odstavec.\n")
    build(options)
    assert parsed == ["content/news/2024-01-01-a.md"]


def test_a_forged_entry_in_the_cache_is_never_unpickled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site", {"content/news/2024-01-01-a.md": NEWS})
    options = no_search(options_for(site))
    build(options)
    database = sqlite3.connect(site / CACHE_FOLDER / "cache.sqlite")
    rows = database.execute("select key, value from entries where kind = 'entry'").fetchall()
    assert rows
    marker = tmp_path / "spusteno"
    for key, value in rows:
        mark = bytes(value).partition(b"\n")[0]
        forged = mark + b"\n" + pickle.dumps(_Planted(str(marker)))
        database.execute(
            "update entries set value = ?, checksum = ? where kind = 'entry' and key = ?",
            (forged, digest(forged), key),
        )
    database.commit()
    database.close()
    (site / "templates/base.html").write_text((site / "templates/base.html").read_text() + "\n")
    build(options)
    assert not marker.exists()
    assert (site / "public/aktuality/a/index.html").is_file()


class _Planted:
    """Unpickling this object would create a file: the mark of code run from the cache."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (Path(self.path), "x"))  # type: ignore[return-value]


def test_without_a_place_for_the_key_files_are_parsed_and_the_build_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "soubor").write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "soubor"))
    site = make_site(tmp_path / "site", {"content/news/2024-01-01-a.md": NEWS})
    build(no_search(options_for(site)))
    (site / "content/news/2024-01-01-a.md").write_text(NEWS + "\nDalší.\n")
    build(no_search(options_for(site)))
    assert "Další." in (site / "public/aktuality/a/index.html").read_text()


def test_a_process_that_keeps_entries_in_memory_parses_only_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site(tmp_path / "site", {"content/news/2024-01-01-a.md": NEWS})
    options = no_search(options_for(site, drafts=True))
    memory = Memory()
    build(options, memory=memory)
    parsed = record_parsed_files(monkeypatch)
    (site / "content/news/2024-01-01-a.md").write_text(NEWS + "\nV paměti.\n")
    build(options, memory=memory)
    assert parsed == ["content/news/2024-01-01-a.md"]
    elsewhere = dataclasses.replace(options, base_url="https://jinde.cz/")
    build(elsewhere, memory=memory)  # other settings: every file parsed again
    assert len(parsed) == 3
    page = (site / "public/aktuality/a/index.html").read_text()
    assert "https://jinde.cz/aktuality/a/" in page
    assert "paměti." in page


@pytest.mark.parametrize(
    "damage",
    [
        lambda body: body.replace(
            b'"version":%d' % STATE_VERSION, b'"version":%d' % (STATE_VERSION - 1)
        ),
        lambda body: body.replace(b'"outputs":{', b'"outputs":{"x":["a"],', 1),
        lambda body: b"[]",
    ],
    ids=["older-version", "short-record", "not-a-state"],
)
def test_a_state_of_another_version_or_shape_means_a_full_build(
    corpus: Path, damage: Callable[[bytes], bytes]
) -> None:
    options = no_search(options_for(corpus))
    build(options)
    [state] = (corpus / CACHE_FOLDER / "state").glob("*.json")
    _checksum, _, body = state.read_bytes().partition(b"\n")
    body = damage(body)
    state.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
    report = build(options)
    assert report.pages_rendered == report.pages
    assert report.written == 0


# Quick builds: a changed text re-renders only the pages that show it -----------------


def _quick_messages(options: BuildOptions) -> list[str]:
    messages: list[str] = []
    build(options, report=messages.append)
    return [message for message in messages if message.startswith("Quick build")]


def test_a_changed_text_is_a_quick_build_equal_to_a_cold_one(corpus: Path, tmp_path: Path) -> None:
    options = no_search(options_for(corpus))
    first = build(options)
    edited = a_news_file(corpus, "2012")
    edited.write_text(edited.read_text() + "\nVěta přidaná při testu.\n")
    messages: list[str] = []
    report = build(options, report=messages.append)
    assert any(m.startswith("Quick build: 1 changed texts") for m in messages)
    assert 0 < report.pages_rendered < 30 < first.pages_rendered
    assert 0 < report.written < 10
    build(dataclasses.replace(options, output_path=tmp_path / "cold", use_cache=False))
    assert tree(corpus / "public") == tree(tmp_path / "cold")
    assert (
        "Věta přidaná při testu."
        in (corpus / "public").joinpath(report_page(corpus, edited)).read_text()
    )


def report_page(site: Path, source: Path) -> str:
    """Return the output path of a news file's page (its slug is the name without the date)."""
    return f"aktuality/{source.stem[11:]}/index.html"


@pytest.mark.parametrize(
    "change",
    [
        lambda text: (
            text.replace("---\n\n", "---\nNový první odstavec.\n\n", 1)
            if "---\n\n" in text
            else text.replace("\n---\n", "\n---\nNový první odstavec.\n\n", 1)
        ),
        lambda text: text.replace("title: ", "title: Nově ", 1),
    ],
    ids=["first paragraph", "front matter"],
)
def test_more_than_a_text_change_is_a_full_build_equal_to_a_cold_one(
    corpus: Path, tmp_path: Path, change: Callable[[str], str]
) -> None:
    options = no_search(options_for(corpus))
    build(options)
    edited = a_news_file(corpus, "2013")
    edited.write_text(change(edited.read_text()))
    assert _quick_messages(options) == []
    build(dataclasses.replace(options, output_path=tmp_path / "cold", use_cache=False))
    assert tree(corpus / "public") == tree(tmp_path / "cold")


def test_a_broken_link_added_to_a_text_fails_with_its_line_and_changes_nothing(
    corpus: Path,
) -> None:
    options = no_search(options_for(corpus))
    build(options)
    before = tree(corpus / "public")
    edited = a_news_file(corpus, "2014")
    lines = edited.read_text().count("\n")
    edited.write_text(edited.read_text() + "\nViz [jinou zprávu](neexistuje.md).\n")
    with pytest.raises(ContentError) as error:
        build(options)
    [problem] = error.value.problems
    assert problem.path == f"content/news/{edited.name}"
    assert problem.line == lines + 2
    assert "neexistuje.md" in problem.message
    assert tree(corpus / "public") == before


def test_a_forged_snapshot_is_never_unpickled(corpus: Path, tmp_path: Path) -> None:
    options = no_search(options_for(corpus))
    build(options)
    [snapshot] = (corpus / CACHE_FOLDER / "state").glob("*.sqlite")
    marker = tmp_path / "spusteno"
    database = sqlite3.connect(snapshot)
    database.execute("update kept_rows set value = ?", (pickle.dumps(_Planted(str(marker))),))
    database.commit()
    database.close()
    edited = a_news_file(corpus, "2015")
    edited.write_text(edited.read_text() + "\nVěta přidaná při testu.\n")
    assert _quick_messages(options) == []  # no snapshot to trust: a full build
    assert not marker.exists()
    build(dataclasses.replace(options, output_path=tmp_path / "cold", use_cache=False))
    assert tree(corpus / "public") == tree(tmp_path / "cold")


def test_the_preview_keeps_its_state_in_memory_and_builds_quickly_from_it(
    corpus: Path, tmp_path: Path
) -> None:
    options = no_search(options_for(corpus))
    memory = Memory()
    build(options, memory=memory)
    [state] = (corpus / CACHE_FOLDER / "state").glob("*.json")
    on_disk = state.read_bytes()
    edited = a_news_file(corpus, "2016")
    edited.write_text(edited.read_text() + "\nVěta přidaná při testu.\n")
    messages: list[str] = []
    build(options, report=messages.append, memory=memory)
    assert any(m.startswith("Quick build: 1 changed texts") for m in messages)
    assert state.read_bytes() == on_disk  # kept in memory only
    build(dataclasses.replace(options, output_path=tmp_path / "cold", use_cache=False))
    assert tree(corpus / "public") == tree(tmp_path / "cold")
    # A new process finds the state on disk older than the output: a full build.
    assert _quick_messages(options) == []
    assert tree(corpus / "public") == tree(tmp_path / "cold")


def test_an_output_that_needs_a_folder_where_another_is_a_file_is_refused_first(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path / "site", {"content/news/2024-01-01-a.md": NEWS})
    options = no_search(options_for(site))
    build(options)
    before = tree(site / "public")
    (site / "static/robots.txt").mkdir(parents=True)
    (site / "static/robots.txt/styl.css").write_text("body {}")
    with pytest.raises(ContentError) as error:
        build(options)
    [problem] = error.value.problems
    assert problem.path == "static/robots.txt/styl.css"
    assert "/robots.txt a file" in problem.message
    assert tree(site / "public") == before
    assert not list(tmp_path.glob("site/.public.*"))  # no journal or pending folder left


def children_of(pid: int) -> set[int]:
    """Return the processes whose parent is pid (Linux /proc)."""
    found = set()
    for stat_path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_path.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.add(int(stat_path.parent.name))
    return found


def is_alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers die with it on Linux")
def test_a_killed_builds_workers_end_with_it_and_leave_the_lock_free(corpus: Path) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(corpus)], cwd=REPO, stdout=subprocess.DEVNULL
    ) as process:
        deadline = time.monotonic() + 60
        while not (workers := children_of(process.pid)) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert workers, "the build forked no worker"
        process.send_signal(signal.SIGKILL)
    deadline = time.monotonic() + 10
    while any(is_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(is_alive(pid) for pid in workers)
    finished = subprocess.run(
        [sys.executable, "-c", KILL_SCRIPT, str(corpus)], cwd=REPO, capture_output=True, timeout=120
    )
    assert finished.stdout == b"done\n"
