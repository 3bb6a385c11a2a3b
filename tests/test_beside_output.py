"""Files planted beside the output (a lock) cannot make a build read, write or remove
anything outside the output (issue 19, item 6)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sitegen.lock import build_lock
from sitegen.writer import recover
from tests.conftest import REPO, Run, make_site, options_for

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
from sitegen.lock import build_lock
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
