"""`sitegen serve`: the live preview, started for real on 127.0.0.1 in a subprocess.

Each preview runs in its own session, so Ctrl-C can be sent the way a terminal sends
it (to the whole process group), and it is always stopped, within a time limit.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

from sitegen.preview.hosts import host_policy
from sitegen.preview.sockets import exposure_warning
from tests.conftest import NOW_EPOCH, REPO, make_site

NEWS = "---\ntitle: První zpráva\ndate: 2020-01-01\nregions: [praha]\n---\nText zprávy.\n"
BROKEN_NEWS = NEWS.replace("2020-01-01", "2020-13-45")
DATE_PROBLEM = "2020-01-01-prvni.md:3: date: &#x27;2020-13-45&#x27; is not a date"


def serve_command(site: Path, port: int, *args: str) -> list[str]:
    command = [sys.executable, str(REPO / "build.py"), "serve", "--source", str(site)]
    return [*command, "--port", str(port), *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def request(
    port: int, path: str, host: str | None = "", headers: dict[str, str] | None = None
) -> tuple[int, str]:
    """GET path; host "" sends the usual Host header, None sends none."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.putrequest("GET", path, skip_host=host != "", skip_accept_encoding=True)
        if host:
            connection.putheader("Host", host)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def get(port: int, path: str) -> tuple[int, str]:
    return request(port, path)


def open_socket(port: int, origin: str) -> int:
    """Start the live reload websocket handshake from a page of origin; return the status."""
    upgrade = {
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Sec-WebSocket-Version": "13",
        "Origin": origin,
    }
    return request(port, "/livereload", headers=upgrade)[0]


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError("timed out")


class PreviewProcess:
    """A `sitegen serve` subprocess, its port and what it printed so far."""

    def __init__(self, site: Path, *args: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            serve_command(site, self.port, *args),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            # English messages, which the tests quote (test_messages.py checks Czech).
            env={**os.environ, "SOURCE_DATE_EPOCH": str(NOW_EPOCH), "LANGUAGE": "en"},
            start_new_session=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout:
            for line in self.process.stdout:
                self.lines.append(line.decode())

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def count(self, prefix: str) -> int:
        return sum(line.startswith(prefix) for line in self.lines)

    def interrupt(self) -> None:
        """Press Ctrl-C in its terminal: SIGINT to its whole process group."""
        os.killpg(self.process.pid, signal.SIGINT)

    def wait(self, seconds: float = 15) -> int:
        try:
            status = self.process.wait(timeout=seconds)
        finally:
            self.kill()
        self._reader.join(timeout=5)
        return status

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def stop(self) -> None:
        """Stop with Ctrl-C; check that it said so, with status 0 and no traceback."""
        self.interrupt()
        status = self.wait()
        assert status == 0, self.output
        assert self.output.endswith("Preview stopped.\n"), self.output
        assert "Traceback" not in self.output


@pytest.fixture
def start_preview() -> Iterator[Callable[..., PreviewProcess]]:
    """Return a function that starts previews; all are stopped at the end."""
    started: list[PreviewProcess] = []

    def start(site: Path, *args: str) -> PreviewProcess:
        preview = PreviewProcess(site, *args)
        started.append(preview)
        return preview

    yield start
    for preview in started:
        preview.kill()


def two_news_site(root: Path) -> Path:
    return make_site(
        root,
        {
            "content/news/2020-01-01-prvni.md": NEWS,
            "content/news/2030-01-01-budouci.md": NEWS.replace("2020", "2030"),
            "static/příloha.txt": "Příloha.\n",
        },
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """Serve a small site for the tests that only read from it; yield its port."""
    preview = PreviewProcess(two_news_site(tmp_path_factory.mktemp("served") / "site"))
    try:
        wait_for(lambda: get(preview.port, "/")[0] == 200)
        yield preview.port
        preview.stop()
    finally:
        preview.kill()


def test_serve_shows_future_items_marked_and_refuses_paths_outside(served: int) -> None:
    status, page = get(served, "/aktuality/budouci/")
    assert status == 200
    assert "Naplánováno na" in page
    assert "livereload.js" in page
    assert get(served, "/../site.yaml")[0] == 403
    assert get(served, "/%2e%2e/site.yaml")[0] == 403
    assert get(served, "/neni-tu/")[0] == 404
    assert get(served, "/p%C5%99%C3%ADloha.txt") == (200, "Příloha.\n")


def test_requests_for_other_hosts_are_refused(served: int) -> None:
    for host in ("evil.example", f"evil.example:{served}", "127.0.0.1:1", "localhost"):
        status, text = request(served, "/aktuality/budouci/", host=host)
        assert (status, text) == (
            400,
            f"Bad request: the preview answers only at http://127.0.0.1:{served}/\n",
        ), host
    assert request(served, "/livereload.js", host=f"evil.example:{served}")[0] == 400
    assert request(served, "/", host=None)[0] == 400


def test_the_preview_answers_to_its_own_addresses(served: int) -> None:
    for host in (f"127.0.0.1:{served}", f"localhost:{served}", f"[::1]:{served}"):
        assert request(served, "/aktuality/budouci/", host=host)[0] == 200, host
        assert request(served, "/livereload.js", host=host.upper())[0] == 200, host


def test_live_reload_socket_opens_only_to_pages_of_the_preview(served: int) -> None:
    assert open_socket(served, f"http://127.0.0.1:{served}") == 101
    assert open_socket(served, f"http://localhost:{served}") == 101
    assert open_socket(served, f"http://evil.example:{served}") == 403
    assert open_socket(served, "http://evil.example") == 403
    assert open_socket(served, "null") == 403


def test_paths_are_decoded_once_and_odd_paths_refused(served: int) -> None:
    # Decoded twice, this would be /aktuality/../index.html: the home page.
    assert get(served, "/aktuality/%252e%252e/index.html")[0] == 404
    assert get(served, "/%252e%252e/site.yaml")[0] == 404
    assert get(served, "/aktuality/prvni/%00")[0] == 400
    assert get(served, "/%ff/")[0] == 400  # not UTF-8
    assert get(served, "/%zz/")[0] == 404  # not an escape: a name with a % sign
    assert get(served, "/" + "a" * 2001)[0] == 400
    assert get(served, "/" + "a" * 1000 + "/")[0] == 404  # too long for a file name
    assert get(served, "/aktuality/prvni/")[0] == 200


def test_serve_rebuilds_shows_errors_and_recovers(
    tmp_path: Path, start_preview: Callable[..., PreviewProcess]
) -> None:
    site = two_news_site(tmp_path / "site")
    preview = start_preview(site)
    port = preview.port
    wait_for(lambda: get(port, "/")[0] == 200)
    path = site / "content/news/2020-01-01-prvni.md"
    path.write_text(NEWS.replace("Text zprávy.", "Nový text."), encoding="utf-8")
    wait_for(lambda: "Nový text." in get(port, "/aktuality/prvni/")[1])

    path.write_text(BROKEN_NEWS, encoding="utf-8")
    wait_for(lambda: "sitegen-chyby" in get(port, "/aktuality/prvni/")[1])
    page = get(port, "/aktuality/prvni/")[1]
    assert DATE_PROBLEM in page
    assert "This is the last version that built." in page
    assert "Nový text." in page  # the last good page stays served
    assert "sitegen-chyby" in get(port, "/")[1]  # on every page

    path.write_text(NEWS.replace("Text zprávy.", "Opraveno."), encoding="utf-8")
    wait_for(lambda: "Opraveno." in get(port, "/aktuality/prvni/")[1])
    wait_for(lambda: "sitegen-chyby" not in get(port, "/aktuality/prvni/")[1], seconds=2)
    preview.stop()
    assert "Build failed; still serving the last good site. Fix the file and save." in (
        preview.output
    )


def test_broken_first_build_shows_problems_until_fixed_then_builds_search(
    tmp_path: Path, start_preview: Callable[..., PreviewProcess]
) -> None:
    site = make_site(tmp_path / "site", {"content/news/2020-01-01-prvni.md": BROKEN_NEWS})
    preview = start_preview(site)
    port = preview.port
    wait_for(lambda: "Build failed" in preview.output)
    for url in ("/", "/aktuality/prvni/"):
        status, page = get(port, url)
        assert status == 500
        assert DATE_PROBLEM in page
        assert "The preview cannot be built yet." in page
        assert "livereload.js" in page  # it reloads by itself once fixed

    (site / "content/news/2020-01-01-prvni.md").write_text(NEWS, encoding="utf-8")
    wait_for(lambda: get(port, "/aktuality/prvni/")[0] == 200)
    assert "sitegen-chyby" not in get(port, "/aktuality/prvni/")[1]
    assert get(port, "/pagefind/pagefind.js")[0] == 200  # the search index
    wait_for(lambda: preview.count("Built: ") == 1)  # said just after the site is in place
    preview.stop()
    assert "Build failed; the preview shows the problems. Fix the file and save." in (
        preview.output
    )
    assert "asyncio" not in preview.output
    assert preview.count("Built: ") == 1


def test_a_burst_of_changes_rebuilds_once(
    tmp_path: Path, start_preview: Callable[..., PreviewProcess]
) -> None:
    site = two_news_site(tmp_path / "site")
    preview = start_preview(site)
    wait_for(lambda: preview.count("Built: ") == 1)
    templates = sorted(path for path in (site / "templates").iterdir() if path.is_file())
    assert len(templates) >= 17  # the burst lasts at least a second
    # Like `git checkout`, but slower: a second in all, never quiet for 150 ms, yet
    # with pauses longer than the watcher's polls.
    for template in templates:
        with template.open("a", encoding="utf-8") as file:
            file.write("{# changed #}\n")
        time.sleep(0.06)
    wait_for(lambda: preview.count("Rebuilt: ") >= 1)
    time.sleep(1)
    assert preview.count("Rebuilt: ") == 1, preview.output
    preview.stop()


def test_a_save_reloads_first_and_the_search_index_catches_up_after(
    tmp_path: Path, start_preview: Callable[..., PreviewProcess]
) -> None:
    site = two_news_site(tmp_path / "site")
    preview = start_preview(site)
    port = preview.port
    wait_for(lambda: preview.count("Built: ") == 1)
    assert json.loads(get(port, "/pagefind-tiers.json")[1])["bundles"] == ["/pagefind/"]
    path = site / "content/news/2020-01-01-prvni.md"
    path.write_text(NEWS.replace("Text zprávy.", "Text zprávy.\n\nDoplněný odstavec."))
    wait_for(lambda: "Doplněný odstavec." in get(port, "/aktuality/prvni/")[1])
    wait_for(lambda: "Search index updated" in preview.output, seconds=20)
    tiers = json.loads(get(port, "/pagefind-tiers.json")[1])
    assert tiers["bundles"] == ["/pagefind/", "/pagefind-delta/"]
    assert len(tiers["stale"]) == 1  # the page as it was, left out of the base's results
    assert get(port, "/pagefind-delta/pagefind-entry.json")[0] == 200
    output = preview.output
    assert output.index("Rebuilt: ") < output.index("Search index updated")
    preview.stop()


async def next_message_after_edit(port: int, path: Path) -> dict[str, object]:
    """Open the live reload socket as livereload.js does, edit path, return what comes."""
    origin = f"http://127.0.0.1:{port}"
    request = HTTPRequest(f"ws://127.0.0.1:{port}/livereload", headers={"Origin": origin})
    connection = await websocket_connect(request)

    async def receive() -> dict[str, object]:
        message = await connection.read_message()
        assert isinstance(message, str)
        received: dict[str, object] = json.loads(message)
        return received

    try:
        await connection.write_message(json.dumps({"command": "hello", "protocols": []}))
        assert (await asyncio.wait_for(receive(), 10))["command"] == "hello"
        await connection.write_message(json.dumps({"command": "info", "url": origin + "/"}))
        path.write_text(NEWS.replace("Text zprávy.", "Znovu."), encoding="utf-8")
        return await asyncio.wait_for(receive(), 20)
    finally:
        connection.close()


def test_open_pages_reload_after_a_rebuild(
    tmp_path: Path, start_preview: Callable[..., PreviewProcess]
) -> None:
    site = two_news_site(tmp_path / "site")
    preview = start_preview(site)
    wait_for(lambda: get(preview.port, "/")[0] == 200)
    path = site / "content/news/2020-01-01-prvni.md"
    message = asyncio.run(next_message_after_edit(preview.port, path))
    assert message["command"] == "reload"
    assert "Znovu." in get(preview.port, "/aktuality/prvni/")[1]
    preview.stop()


def test_busy_port_is_named_with_a_free_one_to_try(tmp_path: Path) -> None:
    site = two_news_site(tmp_path / "site")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            serve_command(site, port),
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 2
    match = re.fullmatch(
        rf"sitegen: port {port} on 127\.0\.0\.1 is already in use; try --port (\d+)\n",
        result.stderr,
    )
    assert match, result.stderr
    suggested = int(match[1])
    assert suggested > port
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", suggested))  # it was free


def test_ctrl_c_during_the_first_build_stops_at_once(
    tmp_path: Path, start_preview: Callable[..., PreviewProcess]
) -> None:
    news: dict[str, str | bytes] = {
        f"content/news/2020-01-{i % 28 + 1:02d}-zprava-{i}.md": NEWS.replace(
            "První zpráva", f"Zpráva {i}"
        ).replace("2020-01-01", f"2020-01-{i % 28 + 1:02d}")
        for i in range(2000)
    }
    preview = start_preview(make_site(tmp_path / "site", news))
    wait_for(lambda: "Building the preview..." in preview.output)
    status, page = get(preview.port, "/")
    assert status == 503
    assert "Náhled se sestavuje" in page
    started = time.monotonic()
    preview.interrupt()
    assert preview.wait() == 0
    assert time.monotonic() - started < 3
    assert preview.output.endswith("Building the preview...\nPreview stopped.\n"), preview.output


@pytest.mark.parametrize(
    ("host", "addresses"),
    [
        ("0.0.0.0", ["0.0.0.0"]),
        ("::", ["::"]),
        ("192.168.1.5", ["192.168.1.5"]),
        ("pocitac.local", ["10.0.0.7", "fe80::1%eth0"]),
    ],
)
def test_listening_beyond_this_computer_warns(host: str, addresses: list[str]) -> None:
    assert exposure_warning(host, addresses) == (
        f"warning: --host {host} makes the preview reachable from other computers: "
        "drafts and unpublished items become visible to everyone on the network."
    )


@pytest.mark.parametrize(
    ("host", "addresses"),
    [("127.0.0.1", ["127.0.0.1"]), ("localhost", ["::1", "127.0.0.1"])],
)
def test_listening_on_loopback_does_not_warn(host: str, addresses: list[str]) -> None:
    assert exposure_warning(host, addresses) is None


def test_on_every_interface_ip_addresses_are_served_but_not_names() -> None:
    policy = host_policy("0.0.0.0", 8000)
    assert policy.allows("192.168.1.5:8000")
    assert policy.allows("[fe80::1]:8000")
    assert policy.allows("localhost:8000")
    assert not policy.allows("192.168.1.5:8001")
    assert not policy.allows("rebind.evil.example:8000")
    assert not host_policy("127.0.0.1", 8000).allows("192.168.1.5:8000")


def test_after_preview_stopped_a_finishing_build_says_nothing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from sitegen.preview.serve import _Terminal

    terminal = _Terminal()
    terminal.line("Built: 68 files written")
    terminal.close("Preview stopped.")
    terminal.line("Rebuilt: 1 files written")  # a build that ended while it stopped
    assert capsys.readouterr().err == "Built: 68 files written\nPreview stopped.\n"
