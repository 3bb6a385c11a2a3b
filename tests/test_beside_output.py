"""Files planted beside the output (a journal, a pending folder, a lock) cannot make a
build read, write or remove anything outside the output (issue 19, items 1 and 6)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitegen.base.errors import UsageError
from sitegen.engine.commit import recover
from sitegen.engine.lock import build_lock
from sitegen.engine.writer import MARKER
from tests.conftest import REPO, Run, make_site, options_for
from tests.test_golden import tree

pytestmark = pytest.mark.search  # the search index is staged beside the output too

NEWS = "---\ntitle: Zpráva\ndate: 2024-01-01\n---\nText zprávy.\n"
NOT_OURS_CS = (
    "tento deník sestavení nezapsal sitegen ({reason}), proto se nic nepřesunulo ani "
    "nesmazalo; ověřte, že s webem nikdo nemanipuloval, pak soubor smažte a sestavte znovu"
)
NOT_OURS = (
    "sitegen did not write this journal ({reason}), so nothing was moved or removed; "
    "check that nobody has tampered with the site, then delete the file and build again"
)


def built_site(tmp_path: Path, run_cli: Callable[..., Run]) -> Path:
    site = make_site(tmp_path / "site", {"content/news/2024-01-01-a.md": NEWS})
    assert run_cli("--source", site).status == 0
    return site


def plant_journal(site: Path, document: object) -> Path:
    journal = site / ".public.journal"
    journal.write_text(json.dumps(document))
    return journal


def everything(root: Path) -> dict[str, str | bytes]:
    """Return every entry under root: a file's bytes, a link's target, "/" for a folder."""
    found: dict[str, str | bytes] = {}
    for top, folders, files in os.walk(root):
        for name in folders + files:
            path = Path(top, name)
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = f"-> {path.readlink()}"
            elif path.is_dir():
                found[rel] = "/"
            elif path.is_file():
                found[rel] = path.read_bytes()
            else:
                found[rel] = "a FIFO"
    return found


# -- item 1: the journal -------------------------------------------------------------


def test_a_planted_journal_cannot_remove_a_file_beside_the_output(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = built_site(tmp_path, run_cli)
    (site / "victim.txt").write_text("tajné")
    before = tree(site / "public")
    journal = plant_journal(site, {"version": 1, "moves": [], "removals": ["../victim.txt"]})
    result = run_cli("--source", site, "--lang", "cs")
    assert result.status == 2
    reason = "cesta '../victim.txt' nevede přímo dovnitř výstupu"
    assert result.err == f"sitegen: {journal}: {NOT_OURS_CS.format(reason=reason)}\n"
    assert (site / "victim.txt").read_text() == "tajné"
    assert tree(site / "public") == before
    assert journal.is_file()  # left for the user to look at


def test_a_link_in_the_pending_folder_cannot_overwrite_a_file_beside_the_output(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = built_site(tmp_path, run_cli)
    (site / "t/victimdir").mkdir(parents=True)
    (site / "t/victimdir/authorized_keys").write_text("ssh-ed25519 moje")
    evil = tmp_path / "evil"
    (evil / "a/b").mkdir(parents=True)
    (evil / "t/victimdir").mkdir(parents=True)
    (evil / "t/victimdir/authorized_keys").write_text("ssh-ed25519 útočník")
    (site / ".public.pending").mkdir()
    (site / ".public.pending/s").symlink_to(evil / "a/b")
    move = "s/../../t/victimdir/authorized_keys"
    journal = plant_journal(site, {"version": 1, "moves": [move], "removals": []})
    result = run_cli("--source", site, "--lang", "cs")
    assert result.status == 2
    reason = f"cesta '{move}' nevede přímo dovnitř výstupu"
    assert result.err == f"sitegen: {journal}: {NOT_OURS_CS.format(reason=reason)}\n"
    assert (site / "t/victimdir/authorized_keys").read_text() == "ssh-ed25519 moje"
    assert (evil / "t/victimdir/authorized_keys").read_text() == "ssh-ed25519 útočník"


def test_a_link_in_the_pending_folder_is_refused_even_on_a_plain_path(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {})
    (site / "public").mkdir()
    (site / "public" / MARKER).write_text("")
    secrets = tmp_path / "home/.ssh"
    secrets.mkdir(parents=True)
    (secrets / "id_ed25519").write_text("soukromý klíč")
    (site / ".public.pending").mkdir()
    (site / ".public.pending/keys").symlink_to(secrets)
    plant_journal(site, {"version": 1, "moves": ["keys/id_ed25519"], "removals": []})
    with pytest.raises(UsageError) as error:
        recover(site / "public")
    reason = f"the path 'keys/id_ed25519' passes through the link {site}/.public.pending/keys"
    assert str(error.value) == f"{site}/.public.journal: {NOT_OURS.format(reason=reason)}"
    assert (secrets / "id_ed25519").read_text() == "soukromý klíč"  # not published
    assert not (site / "public/keys").exists()


def test_a_garbage_journal_is_one_line_not_a_traceback(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = built_site(tmp_path, run_cli)
    journal = site / ".public.journal"
    journal.write_text("garbage")
    for _ in range(2):  # every later build says the same, until the file is removed
        result = run_cli("--source", site, "--lang", "cs")
        assert result.status == 2
        reason = "není to platný JSON"
        assert result.err == f"sitegen: {journal}: {NOT_OURS_CS.format(reason=reason)}\n"
    journal.unlink()
    assert run_cli("--source", site).status == 0


BAD_PATHS = [
    pytest.param("/ABSOLUTE/victim.txt", id="absolute"),  # under tmp_path: see below
    pytest.param("..", id="dot-dot"),
    pytest.param("../victim.txt", id="up"),
    pytest.param("a/../../b", id="up-inside"),
    pytest.param("a/..", id="up-at-end"),
    pytest.param("", id="empty"),
    pytest.param(".", id="dot"),
    pytest.param("a/./b", id="dot-inside"),
    pytest.param("a//b", id="empty-part"),
    pytest.param("a/", id="trailing-slash"),
    pytest.param("//server/share", id="double-slash"),
    pytest.param("a\x00b", id="nul"),
    pytest.param("a\ud800b", id="lone-surrogate"),
]


@pytest.mark.parametrize("where", ["moves", "removals"])
@pytest.mark.parametrize("bad", BAD_PATHS)
def test_a_journal_path_that_is_not_plain_is_refused_and_nothing_is_done(
    tmp_path: Path, bad: str, where: str
) -> None:
    site, _pending, output = staged_site(tmp_path)
    # An absolute path names a file of the test's own: were the check ever lost, the
    # test would remove that file, never one of the machine's.
    bad = bad.replace("/ABSOLUTE", str(tmp_path))
    (tmp_path / "victim.txt").write_text("oběť")
    document = {"version": 1, "moves": ["new.html"], "removals": ["old.html"]}
    document[where] = [*document[where], bad]  # type: ignore[misc]
    reason = f"the path {bad!r} is not a plain path inside the output"
    journal = plant_journal(site, document)
    before = everything(site)
    with pytest.raises(UsageError) as error:
        recover(output)
    assert str(error.value) == f"{journal}: {NOT_OURS.format(reason=reason)}"
    assert everything(site) == before  # the good steps were not carried out either


def staged_site(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Return (site, pending, output) of a build killed after its commit, journal aside."""
    site = tmp_path / "site"
    output, pending = site / "public", site / ".public.pending"
    output.mkdir(parents=True)
    (output / MARKER).write_text("")
    (output / "old.html").write_text("stará")
    pending.mkdir()
    (pending / "new.html").write_text("nová")
    return site, pending, output


def test_a_backslash_is_an_ordinary_character_of_a_name(tmp_path: Path) -> None:
    site, pending, output = staged_site(tmp_path)
    (pending / "a\\..\\b.html").write_text("nová")
    plant_journal(site, {"version": 1, "moves": ["new.html", "a\\..\\b.html"], "removals": []})
    assert recover(output)
    assert (output / "a\\..\\b.html").read_text() == "nová"
    assert sorted(path.name for path in site.iterdir()) == ["public"]


BAD_DOCUMENTS: list[object] = [
    pytest.param(b"garbage", "it is not valid JSON", id="garbage"),
    pytest.param(b"", "it is not valid JSON", id="empty"),
    pytest.param(b"\xff\xfe{}", "it is not valid JSON", id="not-utf8"),
    pytest.param(b"[" * 100_000, "it is not valid JSON", id="deeply-nested"),
    pytest.param([], "it does not have the form of sitegen's journal", id="a-list"),
    pytest.param({"version": 1, "moves": []}, "it does not have the form", id="no-removals"),
    pytest.param(
        {"version": 1, "moves": [], "removals": [], "run": "x"}, "it does not have", id="extra"
    ),
    pytest.param({"version": 1, "moves": "a", "removals": []}, "it does not", id="str-moves"),
    pytest.param({"version": 1, "moves": [1], "removals": []}, "it does not", id="int-path"),
    pytest.param({"version": 1, "moves": [None], "removals": []}, "it does not", id="null"),
    pytest.param({"version": 1, "moves": [], "removals": [["a"]]}, "it does", id="list-path"),
    pytest.param({"version": 2, "moves": [], "removals": []}, "its version", id="version-2"),
    pytest.param({"version": "1", "moves": [], "removals": []}, "its version", id="version-str"),
    pytest.param({"version": True, "moves": [], "removals": []}, "its version", id="version-true"),
    pytest.param({"version": 1.0, "moves": [], "removals": []}, "its version", id="float"),
]


@pytest.mark.parametrize(("document", "reason"), BAD_DOCUMENTS)
def test_a_journal_of_another_form_is_refused_and_nothing_is_done(
    tmp_path: Path, document: object, reason: str
) -> None:
    site, _pending, output = staged_site(tmp_path)
    journal = site / ".public.journal"
    journal.write_bytes(document if isinstance(document, bytes) else json.dumps(document).encode())
    before = everything(site)
    with pytest.raises(UsageError) as error:
        recover(output)
    assert str(error.value).startswith(f"{journal}: sitegen did not write this journal ({reason}")
    assert everything(site) == before


def journal_is_a_link(site: Path) -> str:
    real = site.parent / "journal.json"
    real.write_text(json.dumps({"version": 1, "moves": ["new.html"], "removals": []}))
    (site / ".public.journal").symlink_to(real)
    return "it is a link"


def journal_is_a_folder(site: Path) -> str:
    (site / ".public.journal").mkdir()
    return "it is not a regular file"


def journal_is_a_fifo(site: Path) -> str:
    os.mkfifo(site / ".public.journal")
    return "it is not a regular file"


def pending_is_a_link(site: Path) -> str:
    elsewhere = site.parent / "elsewhere"
    (site / ".public.pending").rename(elsewhere)
    (site / ".public.pending").symlink_to(elsewhere)
    plant_journal(site, {"version": 1, "moves": ["new.html"], "removals": []})
    return f"{site}/.public.pending is a link or a file, not a folder"


def output_holds_a_link(site: Path) -> str:
    outside = site.parent / "outside"
    outside.mkdir()
    (outside / "index.html").write_text("cizí")
    (site / "public/sub").symlink_to(outside)
    plant_journal(site, {"version": 1, "moves": [], "removals": ["sub/index.html"]})
    return f"the path 'sub/index.html' passes through the link {site}/public/sub"


def output_file_is_a_link(site: Path) -> str:
    (site / "public/new.html").symlink_to(site.parent / "outside.html")
    plant_journal(site, {"version": 1, "moves": ["new.html"], "removals": []})
    return f"the path 'new.html' passes through the link {site}/public/new.html"


@pytest.mark.parametrize(
    "plant",
    [
        journal_is_a_link,
        journal_is_a_folder,
        journal_is_a_fifo,
        pending_is_a_link,
        output_holds_a_link,
        output_file_is_a_link,
    ],
)
def test_a_journal_that_would_follow_a_link_is_refused(
    tmp_path: Path, plant: Callable[[Path], str]
) -> None:
    site, _pending, output = staged_site(tmp_path)
    reason = plant(site)
    before = everything(tmp_path)
    with pytest.raises(UsageError) as error:
        recover(output)
    assert str(error.value) == f"{site}/.public.journal: {NOT_OURS.format(reason=reason)}"
    assert everything(tmp_path) == before


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_journal_of_another_user_is_refused(tmp_path: Path) -> None:
    site, _pending, output = staged_site(tmp_path)
    journal = plant_journal(site, {"version": 1, "moves": ["new.html"], "removals": []})
    os.chown(journal, 4242, 4242)
    before = everything(site)
    with pytest.raises(UsageError) as error:
        recover(output)
    reason = "it belongs to another user (uid 4242)"
    assert str(error.value) == f"{journal}: {NOT_OURS.format(reason=reason)}"
    assert everything(site) == before


def test_a_journal_sitegen_wrote_is_still_rolled_forward(tmp_path: Path) -> None:
    site, pending, output = staged_site(tmp_path)
    (pending / "aktuality/a").mkdir(parents=True)
    (pending / "aktuality/a/index.html").write_text("nová")
    (output / "aktuality/b").mkdir(parents=True)
    (output / "aktuality/b/index.html").write_text("pryč")
    moves = ["aktuality/a/index.html", "new.html"]
    plant_journal(site, {"version": 1, "moves": moves, "removals": ["aktuality/b/index.html"]})
    assert recover(output)
    assert tree(output) == {
        MARKER: b"",
        "aktuality/a/index.html": "nová".encode(),
        "new.html": "nová".encode(),
        "old.html": "stará".encode(),
    }
    assert sorted(path.name for path in site.iterdir()) == ["public"]


def test_a_pending_folder_planted_as_a_link_is_removed_not_followed(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = built_site(tmp_path, run_cli)
    outside = tmp_path / "outside"
    (outside / "search").mkdir(parents=True)
    (outside / "search/keep.txt").write_text("moje")
    (outside / "keep.txt").write_text("moje")
    (site / ".public.pending").symlink_to(outside)
    (site / ".public.search-x1y2").symlink_to(outside / "search")
    (site / ".public.old-4243").symlink_to(outside / "keep.txt")
    before = everything(outside)
    assert run_cli("--source", site).status == 0
    assert everything(outside) == before
    assert [path.name for path in site.iterdir() if path.name.startswith(".public")] == []


def test_a_build_does_not_write_through_a_link_in_the_output(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = built_site(tmp_path, run_cli)
    outside = tmp_path / "outside"
    (site / "public/aktuality").rename(outside)
    (site / "public/aktuality").symlink_to(outside)
    before = everything(outside)
    news = site / "content/news/2024-01-01-a.md"
    news.write_text(NEWS.replace("Text zprávy.", "Nový text."))
    result = run_cli("--source", site, "--lang", "cs")
    assert result.status == 2
    link = f"{site}/public/aktuality"
    assert result.err == (
        f"sitegen: {site}/public: cesta 'aktuality/a/index.html' vede přes symbolický odkaz "
        f"{link}; sitegen přes symbolické odkazy nezapisuje, proto se nic nezměnilo. Dejte na "
        "to místo skutečnou složku nebo soubor (nebo odkaz smažte) a sestavte znovu\n"
    )
    assert everything(outside) == before
    assert [path.name for path in site.iterdir() if path.name.startswith(".public")] == []


NAMES = ["a", "b", "s", "o", "t", "new.html", "victim.txt", "\\", "~"]
"""Names of the hostile tree: plain paths made of them test the check for links."""
PARTS = st.sampled_from([*NAMES, "..", ".", "", "\x00"])
PLAIN_PATHS = st.lists(st.sampled_from(NAMES), min_size=1, max_size=4).map("/".join)
JOURNAL_PATHS = st.one_of(
    PLAIN_PATHS,
    st.lists(PARTS, min_size=1, max_size=6).map("/".join),
    st.lists(PARTS, min_size=1, max_size=4).map(lambda parts: "/" + "/".join(parts)),
    st.text(max_size=12),
)


def hostile_tree(root: Path) -> tuple[Path, Path]:
    """Make under root an output and a pending folder full of links that lead out, and
    files beside and outside them; return (output, pending)."""
    outside, site = root / "outside", root / "site"
    for folder in (outside / "t", site / "t", site / "public/a/b", site / ".public.pending/a/b"):
        folder.mkdir(parents=True)
    for folder in (outside, outside / "t", site, site / "t"):
        (folder / "victim.txt").write_text("cizí")
    output, pending = site / "public", site / ".public.pending"
    (output / MARKER).write_text("")
    for folder in (output, pending):
        for rel in ("new.html", "victim.txt", "a/new.html", "a/b/victim.txt", "t"):
            (folder / rel).write_text("náš")
    (output / "o").symlink_to(outside)
    (output / "a/o").symlink_to("../../../outside/t")
    (pending / "s").symlink_to(outside / "t")
    (pending / "a/s").symlink_to("../../../outside")
    (pending / "o").symlink_to(outside / "victim.txt")
    return output, pending


def outside_of(root: Path) -> dict[str, str | bytes]:
    found = everything(root)
    ours = ("site/public", "site/.public.pending", "site/.public.journal")
    return {rel: data for rel, data in found.items() if not rel.startswith(ours)}


@settings(max_examples=100, deadline=None)
@given(
    moves=st.lists(PLAIN_PATHS, max_size=3) | st.lists(JOURNAL_PATHS, max_size=3),
    removals=st.lists(PLAIN_PATHS, max_size=3) | st.lists(JOURNAL_PATHS, max_size=3),
)
@example(moves=["s/victim.txt"], removals=[])
@example(moves=["o"], removals=["o/victim.txt"])
@example(moves=["a/s/victim.txt"], removals=["a/o/victim.txt", "../victim.txt"])
@example(moves=["s/../../t/victim.txt"], removals=["/" + "x"])
def test_a_journal_path_is_refused_or_touches_nothing_outside(
    moves: list[str], removals: list[str]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        output, _pending = hostile_tree(root)
        (root / "site/.public.journal").write_text(
            json.dumps({"version": 1, "moves": moves, "removals": removals})
        )
        before = outside_of(root)
        inside = everything(root / "site")
        try:
            recover(output)
        except UsageError:
            assert everything(root / "site") == inside  # refused: nothing done at all
        except OSError:
            pass  # a step that cannot be done (a file where a folder goes): still inside
        assert outside_of(root) == before


# -- item 6: the lock ----------------------------------------------------------------


def test_the_lock_is_beside_the_output_not_in_the_shared_temporary_folder(
    tmp_path: Path,
) -> None:
    site = make_site(tmp_path / "site", {})
    name = hashlib.sha256(str((site / "public").resolve()).encode()).hexdigest()[:24]
    with build_lock(options_for(site), lambda message: None):
        assert (site / ".public.lock").is_file()
        assert (site / ".public.lock").stat().st_mode & 0o777 == 0o600
        assert not (Path(tempfile.gettempdir()) / f"sitegen-{name}.lock").exists()  # as before
        recover(site / "public")  # the lock is not a staging folder to clean up
        assert (site / ".public.lock").is_file()
    assert not (site / ".public.lock").exists()


def test_a_link_where_the_lock_goes_is_refused_and_not_followed(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {})
    (site / ".public.lock").symlink_to(tmp_path / "made-by-the-build")
    result = run_cli("--source", site, "--lang", "cs")
    assert result.status == 2
    assert result.err == (
        f"sitegen: {site}/.public.lock: toto není soubor zámku sitegen (je to symbolický "
        "odkaz), proto sestavení nezačalo; zjistěte, kdo ho tam dal, smažte ho a sestavte "
        "znovu\n"
    )
    assert not (tmp_path / "made-by-the-build").exists()
    assert not (site / "public").exists()
    (site / ".public.lock").unlink()
    assert run_cli("--source", site).status == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_lock_file_of_another_user_is_refused(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {})
    (site / ".public.lock").write_text("")
    os.chown(site / ".public.lock", 4242, 4242)
    result = run_cli("--source", site)
    assert result.status == 2
    assert result.err == (
        f"sitegen: {site}/.public.lock: this is not sitegen's lock file (it belongs to "
        "another user (uid 4242)), so the build did not start; check who put it there, "
        "delete it and build again\n"
    )


def test_a_lock_file_a_killed_build_left_does_not_block(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    site = make_site(tmp_path / "site", {})
    (site / ".public.lock").write_text("")
    result = run_cli("--source", site)
    assert result.status == 0
    assert "waiting" not in result.err
    assert not (site / ".public.lock").exists()


HOLD_LOCK = """
import sys, time
from pathlib import Path
from sitegen.engine.lock import build_lock
from tests.conftest import options_for
with build_lock(options_for(Path(sys.argv[1])), print):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_lock_held_by_a_killed_build_is_taken_over(tmp_path: Path) -> None:
    site = make_site(tmp_path / "site", {})
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(site)], cwd=REPO, stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        notes: list[str] = []
        waiter = threading.Thread(target=take_lock, args=(site, notes))
        waiter.start()
        time.sleep(0.3)
        assert notes == ["waiting"]  # it waits while the build is alive
        holder.send_signal(signal.SIGKILL)
        waiter.join(timeout=10)
        assert not waiter.is_alive()
    assert notes == ["waiting", "held"]
    assert not (site / ".public.lock").exists()


def take_lock(site: Path, notes: list[str]) -> None:
    with build_lock(options_for(site), lambda message: notes.append("waiting")):
        notes.append("held")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"static/foo.txt": "soubor"}, {"static/foo.txt/bar.txt": "ve složce"}),
        ({"static/foo.txt/bar.txt": "ve složce"}, {"static/foo.txt": "soubor"}),
    ],
    ids=["file-becomes-folder", "folder-becomes-file"],
)
def test_a_file_that_becomes_a_folder_or_back_is_committed(
    tmp_path: Path, run_cli: Callable[..., Run], before: dict[str, str], after: dict[str, str]
) -> None:
    site = make_site(tmp_path / "site", {**before})
    assert run_cli("--source", site).status == 0
    old = site / "static/foo.txt"
    if old.is_dir():
        shutil.rmtree(old)
    else:
        old.unlink()
    for rel, text in after.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text)
    result = run_cli("--source", site)
    assert result.status == 0, result.err
    for rel, text in after.items():
        assert (site / "public" / rel.removeprefix("static/")).read_text() == text
    assert not (site / ".public.journal").exists()
    assert not (site / ".public.pending").exists()
