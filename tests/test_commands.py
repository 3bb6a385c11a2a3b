"""The press officer's commands: serve (in a subprocess), new, check."""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitegen.scaffold import KINDS
from tests.conftest import LOCALITY, NOW_EPOCH, REPO, Run, make_site

NEWS = "---\ntitle: První zpráva\ndate: 2020-01-01\nregions: [praha]\n---\nText zprávy.\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def get(port: int, path: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def wait_for(condition: Callable[[], bool], seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    site = make_site(
        tmp_path / "site",
        {
            "content/news/2020-01-01-prvni.md": NEWS,
            "content/news/2030-01-01-budouci.md": NEWS.replace("2020", "2030"),
        },
    )
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "build.py"),
            "serve",
            "--source",
            str(site),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(NOW_EPOCH)},
    )
    try:
        wait_for(lambda: get(port, "/")[0] == 200)
        yield site, port
    finally:
        server.send_signal(signal.SIGINT)
        out, _ = server.communicate(timeout=15)
        assert server.returncode == 0, out.decode()
        assert "Preview stopped." in out.decode()


def test_serve_shows_future_items_marked_and_refuses_paths_outside(
    served: tuple[Path, int],
) -> None:
    _site, port = served
    status, page = get(port, "/aktuality/budouci/")
    assert status == 200
    assert "Naplánováno na" in page
    assert "livereload.js" in page
    assert get(port, "/../site.yaml")[0] == 403
    assert get(port, "/%2e%2e/site.yaml")[0] == 403
    assert get(port, "/neni-tu/")[0] == 404


def test_serve_rebuilds_shows_errors_and_recovers(served: tuple[Path, int]) -> None:
    site, port = served
    path = site / "content/news/2020-01-01-prvni.md"
    path.write_text(NEWS.replace("Text zprávy.", "Nový text."), encoding="utf-8")
    wait_for(lambda: "Nový text." in get(port, "/aktuality/prvni/")[1])

    path.write_text(NEWS.replace("2020-01-01", "2020-13-45"), encoding="utf-8")
    wait_for(lambda: "sitegen-chyby" in get(port, "/aktuality/prvni/")[1])
    page = get(port, "/aktuality/prvni/")[1]
    assert "2020-01-01-prvni.md:3: date: &#x27;2020-13-45&#x27; is not a date" in page
    assert "Nový text." in page  # the last good page stays served
    assert "sitegen-chyby" in get(port, "/")[1]  # on every page

    path.write_text(NEWS.replace("Text zprávy.", "Opraveno."), encoding="utf-8")
    wait_for(lambda: "Opraveno." in get(port, "/aktuality/prvni/")[1])
    assert "sitegen-chyby" not in get(port, "/aktuality/prvni/")[1]


@pytest.mark.parametrize("kind", KINDS)
def test_new_file_builds_as_it_is(kind: str, tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    site = make_site(tmp_path / "site", {"content/localities/zlutice.md": LOCALITY})
    result = run_cli("new", kind, "Nová věc: pokus", "--source", site)
    assert result.status == 0, result.err
    path = Path(result.out.strip())
    assert path.is_file()
    text = path.read_text("utf-8")
    assert 'title: "Nová věc: pokus"' in text
    if kind == "news":
        assert path.name == "2026-11-18-nova-vec-pokus.md"
        assert "draft: true" in text
        assert "# image_alt:" in text
    built = run_cli("build", "--source", site, "--drafts")
    assert built.status == 0, built.err
    again = run_cli("new", kind, "Nová věc: pokus", "--source", site)
    assert again.status == 2
    assert "already exists" in again.err


def test_check_passes_on_the_sample_site(run_cli: Callable[..., Run]) -> None:
    result = run_cli("check", "--source", REPO)
    assert result.status == 0, result.err
    assert result.out.startswith("Check passed: 74 pages")
    assert "warning: content/news/" in result.err


def test_check_finds_a_broken_link_and_a_missing_anchor(
    tmp_path: Path, run_cli: Callable[..., Run]
) -> None:
    news = NEWS.replace(
        "Text zprávy.",
        "[Nikam](/nikde/) a [kotva](/lokality/zlutice/#neexistuje) a [dobrá](#obsah).",
    )
    site = make_site(
        tmp_path / "site",
        {"content/news/2020-01-01-prvni.md": news, "content/localities/zlutice.md": LOCALITY},
    )
    shutil.copytree(REPO / "static", site / "static")
    result = run_cli("check", "--source", site)
    assert result.status == 1
    lines = [line for line in result.err.splitlines() if "link" in line]
    assert any(
        line.startswith("content/news/2020-01-01-prvni.md: /aktuality/prvni/index.html:")
        and "'/nikde/' goes to a page or file that does not exist" in line
        for line in lines
    ), result.err
    assert any("#neexistuje, which is not on that page" in line for line in lines)
    assert not any("#obsah" in line for line in lines)
    assert result.err.rstrip().endswith("Check failed: 2 problems.")
