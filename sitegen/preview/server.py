"""`sitegen serve`: a live preview through livereload (tornado underneath).

It builds the site with drafts and future items into a preview folder, serves that
folder, watches content/, templates/, static/ and site.yaml, and rebuilds once a burst
of changes has settled (the build cache keeps rebuilds to what changed). Builds run in
a worker thread, never in the event loop's thread: Pagefind's `asyncio.run` needs a
thread without a running loop, and the preview answers (and stops) while it builds.
A failing build leaves the last good site in place and adds an overlay with the
problems to every page, until a build succeeds; before any good build, every page is
that overlay.

Only requests whose Host header names this preview are answered (a page of another
site that rebinds its DNS name to 127.0.0.1 must not read the drafts), the live reload
socket accepts only pages of this preview, and only files inside the preview folder
are served.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import errno
import functools
import ipaddress
import mimetypes
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptContainer
from tornado import httputil, web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.websocket import WebSocketClosedError

from sitegen.base.config import BuildOptions
from sitegen.base.errors import ContentError, SitegenError, UsageError
from sitegen.base.i18n import N_, _, current_language, decimal
from sitegen.engine.memory import Memory
from sitegen.engine.pipeline import BuildReport, build, scan_site

POLL_SECONDS = 0.05
"""How often the watched folders are looked at."""
QUIET_SECONDS = 0.15
"""A rebuild waits until nothing has changed for this long (a `git checkout` is one burst)."""
SEARCH_PAUSE_SECONDS = 2.0
"""After a save, the search index is brought up to date once the author paused this long:
indexing never delays the reload of the page."""
MAX_PATH_CHARS = 2000
"""Longer request paths are refused: no page of the site has one."""
STOP_GRACE_SECONDS = 0.5
"""How long a build that broke waits for the stop that may have broken it."""
PORTS_TO_TRY = 100
"""How many ports above a busy one are tried to suggest a free one."""
OVERLAY_ID = "sitegen-chyby"
LAST_GOOD_NOTE = N_(
    "This is the last version that built. Fix these problems and save the file; the page "
    "reloads by itself."
)
NO_SITE_NOTE = N_(
    "The preview cannot be built yet. Fix these problems and save the file; the page "
    "reloads by itself."
)
LIVE_SCRIPT = (
    b'<script>(function(){var s=document.createElement("script");'
    b'var port=window.location.port||80;s.src="//"+window.location.hostname+":"+port'
    b'+"/livereload.js?port="+port;document.head.appendChild(s);})();</script>'
)
"""livereload's snippet: loads livereload.js, which reloads the page after each build."""

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Notify = Callable[[], None]


@dataclasses.dataclass(slots=True)
class Preview:
    """The preview's state: where it builds, and the problems of the last failed build."""

    options: BuildOptions
    problems: list[str] = dataclasses.field(default_factory=list)
    builds: int = 0
    """Builds finished, good or not."""
    good_builds: int = 0
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)
    memory: Memory = dataclasses.field(default_factory=Memory)
    """Entries parsed by earlier builds: a save re-reads only the files that changed."""
    search_stale: bool = False
    """The last build left the search index behind its pages (refresh_search catches up)."""

    def rebuild(self) -> BuildReport | None:
        """Build again; on failure keep the last good site and remember the problems."""
        try:
            report = build(self.options, memory=self.memory)
        except ContentError as error:
            self._fail([str(problem) for problem in error.problems])
            return None
        except SitegenError as error:
            self._fail([f"sitegen: {error}"])  # already in the user's language
            return None
        self.problems = []
        self.builds += 1
        self.good_builds += 1
        # Later builds leave the search index as it is, so that a save shows at once;
        # refresh_search brings the changed shards up to date when the author pauses.
        self.options = dataclasses.replace(self.options, search=False)
        self.search_stale = report.search_stale
        done = (
            _("Built: {written} files written, {rendered} pages rendered in {seconds} s")
            if self.good_builds == 1
            else _("Rebuilt: {written} files written, {rendered} pages rendered in {seconds} s")
        )
        self.log(
            done.format(
                written=report.written,
                rendered=report.pages_rendered,
                seconds=decimal(report.seconds, 2),
            )
        )
        for note in report.warnings:
            self.log(_("warning: {warning}").format(warning=note))
        return report

    def refresh_search(self) -> None:
        """Index the search shards whose pages changed since they were indexed."""
        self.search_stale = False
        try:
            report = build(dataclasses.replace(self.options, search=True), memory=self.memory)
        except SitegenError:
            return  # the next save builds again, and reports the problem
        self.search_stale = report.search_stale
        self.log(
            _("Search index updated in {seconds} s").format(seconds=decimal(report.seconds, 2))
        )

    def _fail(self, problems: list[str]) -> None:
        self.problems = problems
        self.builds += 1
        for line in problems:
            self.log(line)
        if self.good_builds:
            self.log(_("Build failed; still serving the last good site. Fix the file and save."))
        else:
            self.log(_("Build failed; the preview shows the problems. Fix the file and save."))

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Serve a file of the preview folder (a WSGI application)."""
        url_path = decoded_path(environ.get("PATH_INFO", "/"))
        if url_path is None:
            return _respond(start_response, "400 Bad Request", "text/plain", b"Bad request\n")
        root = self.options.output_path.resolve()
        status, path = _file_for(root, url_path)
        if path is None and status.startswith("404"):
            path = _existing(root / "404.html")
        if path is None:
            return self._respond_without_file(start_response, status)
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        try:
            data = path.read_bytes()
        except OSError:  # the build swapped the folder just now
            return self._respond_without_file(start_response, "404 Not Found")
        if kind == "text/html" and self.problems:
            data = add_overlay(data, self.problems)
        return _respond(start_response, status, kind, data)

    def _respond_without_file(self, start_response: StartResponse, status: str) -> list[bytes]:
        if status.startswith("404") and self.problems:
            page = add_overlay(blank_page(), self.problems, NO_SITE_NOTE)
            return _respond(start_response, "500 Internal Server Error", "text/html", page)
        if status.startswith("404") and not self.builds:
            page = blank_page("<p>Náhled se sestavuje; stránka se obnoví sama.</p>")
            return _respond(start_response, "503 Service Unavailable", "text/html", page)
        return _respond(start_response, status, "text/plain", status[4:].encode() + b"\n")


def decoded_path(path_info: str) -> str | None:
    """Return the URL path of a WSGI PATH_INFO, or None when it cannot name a file.

    PATH_INFO is already percent-decoded (PEP 3333, as bytes in a latin-1 str):
    decoding it again would turn `%252e%252e` into `..`.
    """
    if len(path_info) > MAX_PATH_CHARS or "\x00" in path_info:
        return None
    try:
        return path_info.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return None


def _file_for(root: Path, url_path: str) -> tuple[str, Path | None]:
    """Return the status and the file of root that url_path names (None: no file)."""
    try:
        path = (root / url_path.lstrip("/")).resolve()
        if not path.is_relative_to(root):
            return "403 Forbidden", None
        if path.is_dir():
            path = path / "index.html"
        if path.is_file():
            return "200 OK", path
    except OSError:  # a name too long for the file system, say
        pass
    return "404 Not Found", None


def _existing(path: Path) -> Path | None:
    return path if path.is_file() else None


def _respond(start_response: StartResponse, status: str, kind: str, data: bytes) -> list[bytes]:
    charset = "; charset=utf-8" if kind.startswith("text/") or kind.endswith("xml") else ""
    headers = [
        ("Content-Type", kind + charset),
        ("Content-Length", str(len(data))),
        ("Cache-Control", "no-store"),
    ]
    start_response(status, headers)
    return [data]


def blank_page(body: str = "") -> bytes:
    """Return a page with nothing of the site in it (but the live reload script)."""
    title = _("Site preview")
    return (
        f'<!DOCTYPE html><html lang="{current_language()}"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>{body}</body></html>"
    ).encode()


def add_overlay(page: bytes, problems: list[str], note: str = LAST_GOOD_NOTE) -> bytes:
    """Return page with an overlay listing problems, just after <body>."""
    lines = "".join(f"<li><code>{escape(line)}</code></li>" for line in problems)
    heading = _("The site could not be built")
    overlay = (
        f'<div id="{OVERLAY_ID}" lang="{current_language()}" role="alert" '
        'style="position:fixed;inset:0;z-index:1000;'
        "overflow:auto;background:#fff;color:#000;border:6px solid #b00020;padding:1.5rem;"
        'font:1rem/1.5 system-ui,sans-serif">'
        f"<h2>{escape(heading)}</h2><p>{escape(_(note))}</p>"
        f"<ul>{lines}</ul></div>"
    ).encode()
    head, found, rest = page.partition(b"<body")
    if not found:
        return overlay + page
    tag_end = rest.find(b">") + 1
    return head + found + rest[:tag_end] + overlay + rest[tag_end:]


@dataclasses.dataclass(frozen=True, slots=True)
class HostPolicy:
    """Which Host headers (and websocket origins) name this preview."""

    url: str
    """The preview's address, as printed."""
    names: frozenset[str]
    """Accepted `host:port` values, lower case."""
    port: int
    any_address: bool = False
    """Listening on every interface: any IP address with the port is accepted too."""

    def allows(self, host: str) -> bool:
        """Return whether a request with this Host header is for the preview."""
        value = host.strip().lower()
        if value in self.names:
            return True
        return self.any_address and _is_ip_with_port(value, self.port)

    def allows_origin(self, origin: str) -> bool:
        """Return whether a page of origin may open the live reload socket."""
        return self.allows(urlsplit(origin).netloc)


def host_policy(host: str, port: int) -> HostPolicy:
    """Return the policy of a preview listening on host:port."""
    listened = f"[{host}]" if ":" in host else host
    hosts = {listened.lower(), "localhost", "127.0.0.1", "[::1]"}
    names = {f"{name}:{port}" for name in hosts}
    if port == 80:  # browsers leave out the default port
        names |= hosts
    url = f"http://{listened}:{port}/"
    return HostPolicy(url, frozenset(names), port, any_address=host in ("", "0.0.0.0", "::"))


def _is_ip_with_port(value: str, port: int) -> bool:
    # A DNS rebinding attack needs its own host name in the Host header; an IP
    # address cannot carry it.
    try:
        parts = urlsplit(f"//{value}")
        ipaddress.ip_address(parts.hostname or "")
        return parts.port == port
    except ValueError:
        return False


class _RefusedHostHandler(web.RequestHandler):
    """Answers requests whose Host header names another site."""

    def initialize(self, url: str) -> None:
        self.url = url

    def prepare(self) -> None:
        self.set_status(400)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(_("Bad request: the preview answers only at {url}").format(url=self.url) + "\n")


class _GuardedApplication(web.Application):
    """A tornado application that answers only requests for the preview's own address."""

    def __init__(self, handlers: list[Any], policy: HostPolicy) -> None:
        super().__init__(handlers, log_function=lambda handler: None)
        self.policy = policy

    def find_handler(
        self, request: httputil.HTTPServerRequest, **kwargs: Any
    ) -> web._HandlerDelegate:
        """Return the handler of request, or the refusal when its Host is not ours."""
        if not self.policy.allows(request.headers.get("Host", "")):
            return self.get_handler_delegate(request, _RefusedHostHandler, {"url": self.policy.url})
        return super().find_handler(request, **kwargs)


class _LiveReloadSocket(LiveReloadHandler):  # type: ignore[misc]
    """livereload's socket, open only to pages of the preview (livereload accepts all).

    tornado also lets in an origin equal to the Host header, which has been checked.
    """

    def initialize(self, policy: HostPolicy) -> None:
        self.policy = policy

    def check_origin(self, origin: str) -> bool:
        return self.policy.allows_origin(origin)


class _QuietContainer(LiveScriptContainer):  # type: ignore[misc]
    """livereload's WSGI container, which adds its script to pages, without an access log.

    The terminal is for build results: a 404 of a favicon is no news to the user.
    """

    def _log(self, status_code: int, request: httputil.HTTPServerRequest) -> None:
        pass


def make_app(preview: Preview, policy: HostPolicy) -> web.Application:
    """Return the tornado application: live reload, then the preview's files."""
    files = _QuietContainer(preview, LIVE_SCRIPT)
    return _GuardedApplication(
        [
            (r"/livereload", _LiveReloadSocket, {"policy": policy}),
            (r"/livereload\.js", LiveReloadJSHandler),
            (r".*", web.FallbackHandler, {"fallback": files}),
        ],
        policy,
    )


def reload_browsers() -> None:
    """Tell every open preview page to reload (in the event loop's thread)."""
    message = {"command": "reload", "path": "*", "liveCSS": False, "liveImg": False}
    for page in list(LiveReloadHandler.waiters):
        try:
            page.write_message(message)
        except WebSocketClosedError:
            LiveReloadHandler.waiters.discard(page)


def run_builds(preview: Preview, stop: threading.Event, notify: Notify) -> None:
    """Build, then rebuild once after each burst of changes, until stop is set.

    Changes are looked for as a build looks for them (scan_site), so every change
    that would make a build do something, a link or a pipe added, say, rebuilds the preview.
    """
    seen = scan_site(preview.options)
    preview.log(_("Building the preview..."))
    _build_and_notify(preview, stop, notify)
    last_change: float | None = None
    last_build = time.monotonic()
    pause = POLL_SECONDS
    while not stop.wait(pause):
        started = time.monotonic()
        current = scan_site(preview.options)
        now = time.monotonic()
        # A big site takes a while to look at: keep that under a tenth of a core.
        pause = max(POLL_SECONDS, 9 * (now - started))
        if current != seen:
            seen, last_change = current, now
        elif last_change is not None and now - last_change >= QUIET_SECONDS:
            last_change, last_build = None, time.monotonic()
            _build_and_notify(preview, stop, notify)
        elif preview.search_stale and now - last_build >= SEARCH_PAUSE_SECONDS:
            preview.refresh_search()


def _build_and_notify(preview: Preview, stop: threading.Event, notify: Notify) -> None:
    try:
        preview.rebuild()
    except Exception as error:
        # Stopping kills the build's workers, which breaks the build: not worth a word.
        # Ctrl-C in a terminal reaches the workers a moment before the preview itself.
        if stop.wait(STOP_GRACE_SECONDS):
            return
        traceback.print_exception(error)
        preview.problems = [
            _("sitegen: unexpected error, please report it: {error!r}").format(error=error)
        ]
    if not stop.is_set():
        notify()


def listen(host: str, port: int) -> list[socket.socket]:
    """Return sockets listening on host:port.

    Raises:
        UsageError: when the port is taken or the address cannot be listened on.
    """
    if not 0 <= port <= 65535:
        raise UsageError(
            _("--port {port}: write a number from 1 to 65535 (0: any free port)").format(port=port)
        )
    try:
        return bind_sockets(port, address=host)
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise UsageError(
                _("cannot listen on {host}:{port}: {reason}").format(
                    host=host, port=port, reason=error.strerror
                )
            ) from None
    free = next_free_port(host, port)
    if free:
        raise UsageError(
            _("port {port} on {host} is already in use; try --port {free}").format(
                port=port, host=host, free=free
            )
        )
    raise UsageError(
        _("port {port} on {host} is already in use; try another --port").format(
            port=port, host=host
        )
    )


def next_free_port(host: str, port: int) -> int | None:
    """Return the first port above port that host:port can listen on, or None."""
    for candidate in range(port + 1, min(port + PORTS_TO_TRY, 65535) + 1):
        try:
            sockets = bind_sockets(candidate, address=host)
        except OSError:
            continue
        for sock in sockets:
            sock.close()
        return candidate
    return None


def exposure_warning(host: str, addresses: Iterable[str]) -> str | None:
    """Return a warning when the preview listens on more than this computer's loopback."""
    if all(ipaddress.ip_address(address.split("%")[0]).is_loopback for address in addresses):
        return None
    return _(
        "warning: --host {host} makes the preview reachable from other computers: "
        "drafts and unpublished items become visible to everyone on the network."
    ).format(host=host)


def serve(options: BuildOptions, host: str, port: int) -> int:
    """Serve the preview and rebuild on changes until Ctrl-C; return the exit status.

    Raises:
        UsageError: when host:port cannot be listened on.
    """
    sockets = listen(host, port)
    port = sockets[0].getsockname()[1]
    warning = exposure_warning(host, [sock.getsockname()[0] for sock in sockets])
    if warning:
        print(warning, file=sys.stderr)
    policy = host_policy(host, port)
    print(_("Preview: {url} (drafts shown; Ctrl-C stops)").format(url=policy.url), file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C before the loop took the signal
        asyncio.run(_serve(Preview(options), sockets, policy))
    # A second Ctrl-C, while a build in progress winds down, ends the process at once.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    print(_("Preview stopped."), file=sys.stderr)
    return 0


async def _serve(preview: Preview, sockets: list[socket.socket], policy: HostPolicy) -> None:
    server = HTTPServer(make_app(preview, policy))
    server.add_sockets(sockets)
    loop = asyncio.get_running_loop()
    stopped = asyncio.Event()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):  # both end the preview the same way
        loop.add_signal_handler(stop_signal, stopped.set)
    _reset_signals_in_forked_workers()
    stop = threading.Event()
    notify = _notifier(loop, stop)
    worker = threading.Thread(
        target=run_builds,
        args=(preview, stop, notify),
        name="sitegen-preview-builds",
        daemon=True,  # a build in progress must not hold up Ctrl-C
    )
    worker.start()
    try:
        await stopped.wait()
    finally:
        stop.set()
        _stop_build_workers()
        server.stop()
        await server.close_all_connections()


@functools.cache
def _reset_signals_in_forked_workers() -> None:
    """Give the build's forked workers default signal handling, once per process.

    They would inherit the preview's asyncio handlers: ignore Ctrl-C and SIGTERM, and
    write to the preview's wakeup pipe.
    """
    os.register_at_fork(after_in_child=_default_signals)


def _default_signals() -> None:
    signal.set_wakeup_fd(-1)
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, signal.SIG_DFL)


def _stop_build_workers() -> None:
    """End a build in progress: its worker processes would finish their work first."""
    for child in multiprocessing.active_children():
        child.terminate()


def _notifier(loop: asyncio.AbstractEventLoop, stop: threading.Event) -> Notify:
    def notify() -> None:
        if stop.is_set():
            return
        with contextlib.suppress(RuntimeError):  # the loop closed: the preview is stopping
            loop.call_soon_threadsafe(reload_browsers)

    return notify
