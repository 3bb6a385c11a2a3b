"""Publishable file types: which files of bundles and static/ may be published,
each checked by its extension and its content.

Input: a path. Output: None, or a sentence saying why the file is refused and what to
do instead.

Files in bundles and static/ are published on the site's own origin, so a file that a
browser runs (an HTML page, an SVG with a script) could act as the site itself. Only
known types pass, each checked by its extension and its content: an image must decode
completely with Pillow, a PDF must read as one with pypdf (its cross-reference table,
trailer and pages), an office document must be a ZIP archive holding the parts of its
format (or, for the 97-2003 formats, start as an OLE file); an SVG is parsed and must
not script, embed HTML or load anything. A file that passed is remembered in the build
cache by a digest of its bytes and of sitegen's code (CheckedFiles), so a build decodes
only what changed.
"""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sitegen.base.checked import NOT_CHECKED, CheckedFiles
from sitegen.base.i18n import N_, _
from sitegen.base.imagelimits import MAX_FRAMES, PUBLISHED_FORMATS, ImageRefused, opened
from sitegen.base.reading import MB, FileRefused, describe_size, read_regular
from sitegen.base.svg import svg_problem


def _starts(*prefixes: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(prefixes)


def _is_webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _is_avif(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis", b"mif1", b"msf1")


def _any_bytes(head: bytes) -> bool:
    return True


_ZIP = _starts(b"PK\x03\x04")
_OLE = _starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")

_DOCUMENTS: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    ".pdf": (N_("a PDF document"), _starts(b"%PDF-")),
    ".odt": (N_("an OpenDocument text"), _ZIP),
    ".ods": (N_("an OpenDocument spreadsheet"), _ZIP),
    ".odp": (N_("an OpenDocument presentation"), _ZIP),
    ".docx": (N_("a Word document"), _ZIP),
    ".xlsx": (N_("an Excel workbook"), _ZIP),
    ".pptx": (N_("a PowerPoint presentation"), _ZIP),
    ".doc": (N_("a Word 97-2003 document"), _OLE),
    ".xls": (N_("an Excel 97-2003 workbook"), _OLE),
    ".ppt": (N_("a PowerPoint 97-2003 presentation"), _OLE),
    ".csv": (N_("a CSV table"), _any_bytes),
    ".txt": (N_("a text file"), _any_bytes),
}
_IMAGES: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    ".jpg": (N_("a JPEG image"), _starts(b"\xff\xd8\xff")),
    ".jpeg": (N_("a JPEG image"), _starts(b"\xff\xd8\xff")),
    ".png": (N_("a PNG image"), _starts(b"\x89PNG\r\n\x1a\n")),
    ".gif": (N_("a GIF image"), _starts(b"GIF87a", b"GIF89a")),
    ".webp": (N_("a WebP image"), _is_webp),
    ".avif": (N_("an AVIF image"), _is_avif),
}
_THEME: dict[str, tuple[str, Callable[[bytes], bool]]] = {
    ".css": (N_("a style sheet"), _any_bytes),
    ".js": (N_("a script"), _any_bytes),
    ".json": (N_("a JSON file"), _any_bytes),
    ".wasm": (N_("a WebAssembly module"), _starts(b"\x00asm")),
    ".webmanifest": (N_("a web app manifest"), _any_bytes),
    ".ico": (N_("an icon"), _starts(b"\x00\x00\x01\x00")),
    ".woff": (N_("a WOFF font"), _starts(b"wOFF")),
    ".woff2": (N_("a WOFF2 font"), _starts(b"wOF2")),
}
BUNDLE_TYPES = {**_IMAGES, **_DOCUMENTS}
"""Extension → (what it is, check of its first bytes): what a bundle may hold, besides SVG."""
STATIC_TYPES = {**BUNDLE_TYPES, **_THEME}
"""What static/ may hold besides SVG: the bundle types and the theme's own files."""


def file_problem(
    path: Path, *, max_bytes: int = 10 * MB, checked: CheckedFiles = NOT_CHECKED
) -> str | None:
    """Return why the bundle file at path cannot be published (and what to do
    instead), or None when it can."""
    return _type_problem(path, BUNDLE_TYPES, max_bytes, checked)


def static_file_problem(
    path: Path, *, max_bytes: int = 10 * MB, checked: CheckedFiles = NOT_CHECKED
) -> str | None:
    """Return why the file at path cannot be published from static/, or None.

    Besides the bundle types, static/ may hold the theme's style sheets, scripts,
    manifests, icons and fonts.
    """
    return _type_problem(path, STATIC_TYPES, max_bytes, checked)


def _type_problem(
    path: Path,
    types: dict[str, tuple[str, Callable[[bytes], bool]]],
    max_bytes: int,
    checked: CheckedFiles,
) -> str | None:
    suffix = path.suffix.lower()
    if suffix != ".svg" and suffix not in types:
        return _unknown_type(suffix, types)
    too_large = _(
        "the file is larger than {size}; make it smaller, "
        "or raise limits.attachment_mb in site.yaml"
    ).format(size=describe_size(max_bytes))
    try:
        data = read_regular(path, max_bytes, too_large)
    except FileRefused as refused:
        return str(refused)
    if suffix == ".svg":
        return svg_problem(data)
    what, looks_right = types[suffix]
    if not looks_right(data[:16]):
        return _(
            "the file is not {what} (its first bytes do not match {suffix}); "
            "save it again in that format, or give it the extension of its real type"
        ).format(what=_(what), suffix=suffix)
    check = _CONTENT_CHECKS.get(suffix)
    if check is None:
        return None
    key = checked.key(suffix, data)
    if checked.passed(key):
        return None
    try:
        reason = check(data, suffix)
    except FileRefused as refused:
        return str(refused)
    if reason is None:
        checked.add(key)
        return None
    return _(
        "the file is not {what}: it cannot be read as one ({reason}); save it again in "
        "that format, or give it the extension of its real type"
    ).format(what=_(what), reason=reason)


@contextmanager
def _quiet_libraries() -> Iterator[None]:
    """Keep Pillow's and pypdf's warnings and log lines about a damaged file off the
    terminal: a file that cannot be read is refused with one sentence instead."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)  # its modules' loggers inherit this level
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


_DAMAGED = N_("it is damaged, cut short, or a file of another kind")
"""Why a file that a library cannot read is refused (its own words are English and
technical: "Stream has ended unexpectedly")."""


def image_content_problem(data: bytes, suffix: str) -> str | None:
    """Return why data is not a whole image of its extension's format, or None.

    Raises:
        FileRefused: for an image sitegen does not decode (too many pixels or frames).

    Pillow checks the file's structure (verify) and then decodes every pixel of every
    frame from a fresh start (load): a file that only begins like an image, is cut
    short or holds more pixels than sitegen decodes (see imagelimits.py) is refused.
    """
    image_format = PUBLISHED_FORMATS[suffix]
    try:
        with _quiet_libraries():
            with opened(data, image_format) as image:
                image.verify()
            with opened(data, image_format) as image:
                for frame in range(min(getattr(image, "n_frames", 1), MAX_FRAMES)):
                    image.seek(frame)
                    image.load()
    except ImageRefused as refused:
        raise FileRefused(str(refused)) from None
    except Exception:  # any failure of a decoder: a damaged file
        return _(_DAMAGED)
    return None


def pdf_content_problem(data: bytes, suffix: str) -> str | None:
    """Return why data is not a PDF that pypdf reads (its cross-reference table, its
    trailer and every page's box), or None."""
    from pypdf import PdfReader

    try:
        with _quiet_libraries():
            reader = PdfReader(io.BytesIO(data))
            if not reader.is_encrypted:  # pages of an encrypted one need its password
                for page in reader.pages:
                    page.mediabox  # noqa: B018 (reads the page's dictionary)
    except Exception:  # any failure of the parser: a damaged file
        return _(_DAMAGED)
    return None


_ODF_TYPES = {
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
_OOXML_PARTS = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}


def zip_content_problem(data: bytes, suffix: str) -> str | None:
    """Return why data is not the ZIP archive of an OpenDocument or Office Open XML
    file (its table of contents and the parts its format requires), or None.

    The members are not unpacked: what a program opening the file would do is its
    own business, and unpacking could take long.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if suffix in _ODF_TYPES:
                small = "mimetype" in names and archive.getinfo("mimetype").file_size < 100
                declared = archive.read("mimetype") if small else b""
                if declared.strip() != _ODF_TYPES[suffix].encode() or "content.xml" not in names:
                    return _("the archive lacks the parts of an OpenDocument file")
            elif "[Content_Types].xml" not in names or not any(
                name.startswith(_OOXML_PARTS[suffix]) for name in names
            ):
                return _("the archive lacks the parts of an Office document")
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return _(_DAMAGED)
    return None


_CONTENT_CHECKS: dict[str, Callable[[bytes, str], str | None]] = {
    **dict.fromkeys((".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"), image_content_problem),
    ".pdf": pdf_content_problem,
    **dict.fromkeys((*_ODF_TYPES, *_OOXML_PARTS), zip_content_problem),
}
"""Extension → check of the whole content; the others are checked by their first bytes
(the 97-2003 office formats, the theme's files) or not at all (CSV and text)."""


def _unknown_type(suffix: str, types: dict[str, tuple[str, Callable[[bytes], bool]]]) -> str:
    allowed = ", ".join(sorted({*types, ".svg"}))
    if not suffix:
        return _(
            "files without an extension cannot be published (a browser could run them as "
            "part of the site); allowed are {allowed}; convert documents to PDF"
        ).format(allowed=allowed)
    return _(
        "{suffix} files cannot be published (a browser could run them as part of the "
        "site); allowed are {allowed}; convert documents to PDF"
    ).format(suffix=suffix, allowed=allowed)
