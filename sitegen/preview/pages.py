"""What the preview answers for a URL: a file of the preview folder, with an overlay
listing the problems while the last build failed.

Only files inside the preview folder are served. Before any good build, every page is
the overlay.
"""

from __future__ import annotations

import dataclasses
import mimetypes
from collections.abc import Callable, Iterable
from html import escape
from pathlib import Path
from typing import Any

from sitegen.base.i18n import N_, _, current_language
from sitegen.preview.builds import Preview

MAX_PATH_CHARS = 2000
"""Longer request paths are refused: no page of the site has one."""
OVERLAY_ID = "sitegen-chyby"
WARNINGS_ID = "sitegen-varovani"
LAST_GOOD_NOTE = N_(
    "This is the last version that built. Fix these problems and save the file; the page "
    "reloads by itself."
)
NO_SITE_NOTE = N_(
    "The preview cannot be built yet. Fix these problems and save the file; the page "
    "reloads by itself."
)

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclasses.dataclass(frozen=True, slots=True)
class PreviewPages:
    """The files of the preview folder, as a WSGI application."""

    preview: Preview

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Serve a file of the preview folder (with the overlay while a build fails)."""
        url_path = decoded_path(environ.get("PATH_INFO", "/"))
        if url_path is None:
            return _respond(start_response, "400 Bad Request", "text/plain", b"Bad request\n")
        root = self.preview.options.output_path.resolve()
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
        if kind == "text/html" and self.preview.problems:
            data = add_overlay(data, self.preview.problems)
        elif kind == "text/html" and self.preview.warnings:
            data = add_warnings(data, [str(warning) for warning in self.preview.warnings])
        return _respond(start_response, status, kind, data)

    def _respond_without_file(self, start_response: StartResponse, status: str) -> list[bytes]:
        if status.startswith("404") and self.preview.problems:
            page = add_overlay(blank_page(), self.preview.problems, NO_SITE_NOTE)
            return _respond(start_response, "500 Internal Server Error", "text/html", page)
        if status.startswith("404") and not self.preview.builds:
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


def add_warnings(page: bytes, warnings: list[str]) -> bytes:
    """Return page with a box listing warnings at its foot, just after <body>: the page
    stays readable above it."""
    lines = "".join(f"<li><code>{escape(line)}</code></li>" for line in warnings)
    heading = _("Warnings: the site builds, but not yet as it should be published")
    note = _("Each becomes an error once its draft is published. Fix the file and save.")
    box = (
        f'<div id="{WARNINGS_ID}" lang="{current_language()}" role="status" '
        'style="position:fixed;inset:auto 0 0 0;z-index:1000;max-height:40vh;overflow:auto;'
        "background:#fff8e1;color:#000;border-top:6px solid #8a5a00;padding:1rem 1.5rem;"
        'font:1rem/1.5 system-ui,sans-serif">'
        f"<h2>{escape(heading)}</h2><p>{escape(note)}</p>"
        f"<ul>{lines}</ul></div>"
    ).encode()
    return _after_body(page, box)


def _after_body(page: bytes, block: bytes) -> bytes:
    head, found, rest = page.partition(b"<body")
    if not found:
        return block + page
    tag_end = rest.find(b">") + 1
    return head + found + rest[:tag_end] + block + rest[tag_end:]


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
    return _after_body(page, overlay)
