"""`sitegen serve`: a live preview through livereload.

It builds the site with drafts and future items into a preview folder, serves that
folder on 127.0.0.1, watches content/, templates/, static/ and site.yaml, and rebuilds
on every change (the build cache keeps rebuilds to what changed). A failing rebuild
leaves the last good site in place and adds an overlay with the problems to every
page, until a rebuild succeeds. Only files inside the preview folder are ever served.
"""

from __future__ import annotations

import dataclasses
import mimetypes
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado import ioloop

from sitegen.config import BuildOptions
from sitegen.errors import ContentError, SitegenError
from sitegen.pipeline import BuildReport, build

POLL_SECONDS = 0.1
"""How often the watched folders are looked at."""
OVERLAY_ID = "sitegen-chyby"

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclasses.dataclass(slots=True)
class Preview:
    """The preview's state: where it builds, and the problems of the last failed build."""

    options: BuildOptions
    problems: list[str] = dataclasses.field(default_factory=list)
    log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)
    _lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def rebuild(self) -> BuildReport | None:
        """Build again; on failure keep the last good site and remember the problems."""
        with self._lock:
            try:
                report = build(self.options)
            except ContentError as error:
                self.problems = [str(problem) for problem in error.problems]
            except SitegenError as error:
                self.problems = [f"sitegen: {error}"]
            else:
                self.problems = []
                # Later rebuilds keep the search index of the first build: indexing
                # the whole site again on every keystroke would slow the preview.
                self.options = dataclasses.replace(self.options, search=False)
                self.log(
                    f"Rebuilt: {report.written} files written, {report.pages_rendered} pages "
                    f"rendered in {report.seconds:.2f} s"
                )
                return report
            for line in self.problems:
                self.log(line)
            self.log("Build failed; still serving the last good site. Fix the file and save.")
            return None

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Serve a file of the preview folder (a WSGI application)."""
        root = self.options.output_path.resolve()
        path = _file_for(root, unquote(environ.get("PATH_INFO", "/")))
        if path is None:
            return _respond(start_response, "403 Forbidden", "text/plain", b"Forbidden\n")
        status = "200 OK"
        if not path.is_file():
            status, path = "404 Not Found", root / "404.html"
            if not path.is_file():
                return _respond(start_response, status, "text/plain", b"Not found\n")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        data = path.read_bytes()
        if kind == "text/html" and self.problems:
            data = add_overlay(data, self.problems)
        return _respond(start_response, status, kind, data)


def _file_for(root: Path, url_path: str) -> Path | None:
    """Return the file of root that url_path names, or None when it lies outside root."""
    path = (root / url_path.lstrip("/")).resolve()
    if not path.is_relative_to(root):
        return None
    return path / "index.html" if path.is_dir() else path


def _respond(start_response: StartResponse, status: str, kind: str, data: bytes) -> list[bytes]:
    charset = "; charset=utf-8" if kind.startswith("text/") or kind.endswith("xml") else ""
    headers = [
        ("Content-Type", kind + charset),
        ("Content-Length", str(len(data))),
        ("Cache-Control", "no-store"),
    ]
    start_response(status, headers)
    return [data]


def add_overlay(page: bytes, problems: list[str]) -> bytes:
    """Return page with an overlay listing problems, just after <body>."""
    lines = "".join(f"<li><code>{escape(line)}</code></li>" for line in problems)
    overlay = (
        f'<div id="{OVERLAY_ID}" role="alert" style="position:fixed;inset:0;z-index:1000;'
        "overflow:auto;background:#fff;color:#000;border:6px solid #b00020;padding:1.5rem;"
        'font:1rem/1.5 system-ui,sans-serif">'
        "<h2>Web se nepodařilo sestavit</h2>"
        "<p>Zobrazuje se poslední funkční verze. Opravte tyto chyby a soubor uložte; "
        "stránka se obnoví sama.</p>"
        f"<ul>{lines}</ul></div>"
    ).encode()
    head, found, rest = page.partition(b"<body")
    if not found:
        return overlay + page
    tag_end = rest.find(b">") + 1
    return head + found + rest[:tag_end] + overlay + rest[tag_end:]


class _FastWatcher(Watcher):  # type: ignore[misc]
    """livereload's watcher, looked at every POLL_SECONDS instead of every 0.8 s."""

    def start(self, callback: Callable[[], None]) -> bool:
        ioloop.PeriodicCallback(callback, POLL_SECONDS * 1000).start()
        return True


def serve(options: BuildOptions, host: str, port: int) -> int:
    """Build, then serve and rebuild on changes until Ctrl-C; return the exit status.

    Raises:
        UsageError: for unusable folders.
    """
    preview = Preview(options)
    preview.rebuild()
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0  # reload after every rebuild, however quick
    server = Server(app=preview, watcher=_FastWatcher())
    for path in watched(options):
        server.watch(str(path), preview.rebuild)
    print(f"Preview: http://{host}:{port}/ (drafts shown; Ctrl-C stops)", file=sys.stderr)
    for stop in (signal.SIGINT, signal.SIGTERM):  # both end the preview the same way
        signal.signal(stop, signal.default_int_handler)
    server.serve(host=host, port=port, debug=False, restart_delay=0)
    print("Preview stopped.", file=sys.stderr)
    return 0


def watched(options: BuildOptions) -> list[Path]:
    """Return the folders and files a change in which rebuilds the preview."""
    candidates = [
        options.content_path,
        options.templates_path,
        options.static_path,
        options.site_path / "site.yaml",
    ]
    return [path for path in candidates if path.exists()]
