"""Which files and bytes sitegen accepts: safe text, regular files, publishable types.

Shared by the stages that read input (site.yaml, content/, static/). Input: a path
or raw bytes. Output: decoded text, the bytes of a regular file, or a sentence saying
why a file is refused and what to do instead.

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

import errno
import io
import logging
import os
import re
import stat
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from xml.parsers import expat

from sitegen.base.cache import Cache, code_fingerprint, digest
from sitegen.base.errors import ContentError, Problem
from sitegen.base.i18n import N_, _, decimal

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

MB = 1024 * 1024
KB = 1024

_BAD_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
"""Control characters (Unicode Cc) except tab and line feed, and the two non-characters
that YAML and XML refuse. Carriage returns are turned into line feeds before this check."""

_BAD_NAME = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
"""What a file name must not hold: control characters, or bytes that are not UTF-8
(Python keeps them as lone surrogates)."""


class FileRefused(Exception):
    """A file that cannot be read as content; its message says why and what to do."""


def char_problem(text: str) -> tuple[int, str] | None:
    """Return (1-based line, sentence) for the first forbidden character, or None."""
    match = _BAD_TEXT.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    code = ord(match.group())
    if code > 0xFFFD:
        message = _(
            "the file contains the non-character U+{code:04X}; delete it (it is invisible "
            "in most editors)"
        )
    else:
        message = _(
            "the file contains the control character U+{code:04X}; delete it (it is "
            "invisible in most editors)"
        )
    return line, message.format(code=code)


def decode_text(raw: bytes, rel_path: str) -> str:
    """Decode raw as UTF-8 text with Unix line ends and no control characters.

    Raises:
        ContentError: naming the line of the first byte that is not UTF-8 or the first
            control character.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        byte = raw[error.start]
        message = _(
            "the file is not UTF-8 text (byte 0x{byte:02X}); save it with the UTF-8 encoding"
        ).format(byte=byte)
        raise ContentError([Problem(rel_path, line, "", message)]) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = char_problem(text)
    if found is not None:
        raise ContentError([Problem(rel_path, found[0], "", found[1])])
    return text


def name_problem(name: str) -> str | None:
    """Return why a file name cannot be published, or None when it can."""
    if _BAD_NAME.search(name):
        return _(
            "the file name holds a control character or bytes that are not UTF-8; "
            "rename the file with letters, digits and dashes"
        )
    return None


def printable_name(name: str) -> str:
    """Return name with control characters and non-UTF-8 bytes written as escapes."""
    return _BAD_NAME.sub(lambda match: f"\\x{ord(match.group()) & 0xFF:02x}", name)


_SPECIAL = {
    stat.S_IFIFO: N_(
        "is a named pipe (FIFO), not a regular file; remove it (only files and folders are read)"
    ),
    stat.S_IFSOCK: N_(
        "is a socket, not a regular file; remove it (only files and folders are read)"
    ),
    stat.S_IFCHR: N_(
        "is a character device, not a regular file; remove it (only files and folders are read)"
    ),
    stat.S_IFBLK: N_(
        "is a block device, not a regular file; remove it (only files and folders are read)"
    ),
}
_OTHER_SPECIAL = N_(
    "is a special file, not a regular file; remove it (only files and folders are read)"
)


def special_file_problem(mode: int) -> str | None:
    """Return why a file of this st_mode is refused (it is not a regular file or a
    folder), or None when it is one of those."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return _(_SPECIAL.get(stat.S_IFMT(mode), _OTHER_SPECIAL))


def stat_problem(error: OSError) -> str:
    """Return a sentence for an error of stat() or open() on a path."""
    if error.errno == errno.ELOOP:
        return _("the symbolic link leads round in a loop; replace it with the file itself")
    if error.errno == errno.ENOENT:
        return _("the symbolic link points to nothing; replace it with the file itself")
    if error.errno == errno.EACCES:
        return _("cannot be read (permission denied); make the file readable")
    reason = error.strerror or type(error).__name__
    return _("cannot be read ({reason}); check the file").format(reason=reason)


def read_regular(path: Path, max_bytes: int, too_large: str) -> bytes:
    """Return the bytes of path, opened only when it is a regular file.

    The file is opened without blocking and checked again after opening, so a FIFO
    swapped in at the last moment cannot hang the build.

    Raises:
        FileRefused: when path is not a regular file, cannot be read, or holds more
            than max_bytes (the message is then too_large).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise FileRefused(stat_problem(error)) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise FileRefused(special_file_problem(mode) or "is a folder, not a file")
    with os.fdopen(fd, "rb") as file:
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileRefused(too_large)
    return data


def describe_size(size: int) -> str:
    """Return a size limit as people say it: 10 MB, 2048 KB."""
    return f"{size // MB} MB" if size % MB == 0 else f"{size // KB} KB"


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


class CheckedFiles:
    """Files whose content passed the checks, remembered in the build cache by a
    digest of sitegen's code, the file's extension and its bytes; CheckedFiles(None)
    remembers nothing (every file is checked again).

    The cache (`.sitegen-cache/filetypes/`) is opened at the first file to look up;
    what was added is kept by save().
    """

    KIND = "passed"

    def __init__(self, cache_path: Path | None) -> None:
        self._folder = cache_path / "filetypes" if cache_path is not None else None
        self._cache: Cache | None = None

    def key(self, suffix: str, data: bytes) -> str:
        """Return the key of a file named *suffix holding data."""
        return digest(code_fingerprint(), suffix, data)

    def passed(self, key: str) -> bool:
        """Return True when a file of this key passed before."""
        if self._folder is None:
            return False
        return self._open().get(self.KIND, key) is not None

    def add(self, key: str) -> None:
        """Remember that a file of this key passed."""
        if self._folder is not None:
            self._open().put(self.KIND, key, True)

    def save(self) -> None:
        """Keep what was added and used (nothing when the cache was not opened)."""
        if self._cache is not None:
            self._cache.save()

    def _open(self) -> Cache:
        if self._cache is None:
            self._cache = Cache(self._folder)
        return self._cache


NOT_CHECKED = CheckedFiles(None)


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


# --- images: which ones sitegen decodes -------------------------------------------

MAX_PIXELS = 40_000_000
"""The most pixels of an image in any mode."""
MAX_DECODED_BYTES = 160_000_000
"""The most memory one image may take while sitegen makes what it publishes of it
(see bytes_per_pixel): a colour photo may have 40 million pixels, one with
transparency 20 million, a palette image 32 million."""
MAX_FRAMES = 1000
"""The most frames of an animated GIF or WebP."""
PUBLISHED_FORMATS = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".png": "PNG",
    ".gif": "GIF",
    ".webp": "WEBP",
    ".avif": "AVIF",
}
"""Extension → Pillow's format: the images sitegen publishes, each made anew in its format."""


class ImageRefused(ValueError):
    """An image sitegen will not decode; its message says why and what to do."""


def bytes_per_pixel(mode: str) -> int:
    """Return the bytes of memory one pixel of mode takes while its variants are made.

    That is the pixel as Pillow keeps it (1 byte for bilevel, grey and palette images,
    2 for 16-bit grey, 4 for the others), and 4 more where it is copied in colour: with
    premultiplied transparency to be resized (RGBA, LA, PA), or converted to colour
    because Pillow cannot reduce it as it is (bilevel, palette, 16-bit grey).
    """
    stored = 1 if mode in ("1", "L", "P") else 2 if mode.startswith("I;16") else 4
    copied = mode in ("RGBA", "LA", "PA", "1", "P") or mode.startswith("I;16")
    return stored + (4 if copied else 0)


def pixel_limit(mode: str) -> int:
    """Return the most pixels an image of mode may have (its memory, see MAX_DECODED_BYTES)."""
    return min(MAX_PIXELS, MAX_DECODED_BYTES // bytes_per_pixel(mode))


def size_problem(width: int, height: int, mode: str) -> str | None:
    """Return why an image of this size and mode is not decoded, or None when it may be."""
    limit = pixel_limit(mode)
    if width * height <= limit:
        return None
    return _(
        "the image has {width} × {height} pixels ({megapixels} million), more than the "
        "{limit} million pixels allowed for its kind; make it smaller (3,000 pixels wide "
        "is plenty for the web)"
    ).format(
        width=width,
        height=height,
        megapixels=decimal(width * height / 1_000_000, 1),
        limit=decimal(limit / 1_000_000, 0),
    )


@contextmanager
def opened(data: bytes, image_format: str | None = None) -> Iterator[PILImage]:
    """Open the image in data (of image_format when given), refusing one too large.

    Raises:
        ImageRefused: when the image has more pixels than pixel_limit allows.
        OSError, ValueError: when Pillow cannot read it.
    """
    from PIL import Image

    formats = (image_format,) if image_format else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # checked below
        try:
            image = Image.open(io.BytesIO(data), formats=formats)
        except Image.DecompressionBombError:  # billions of pixels, said in a few bytes
            message = _(
                "the image has more pixels than sitegen decodes ({limit} million at most); "
                "make it smaller (3,000 pixels wide is plenty for the web)"
            )
            raise ImageRefused(message.format(limit=MAX_PIXELS // 1_000_000)) from None
    with image:
        problem = size_problem(image.width, image.height, image.mode)
        if problem is not None:
            raise ImageRefused(problem)
        yield image


_DAMAGED = N_("it is damaged, cut short, or a file of another kind")
"""Why a file that a library cannot read is refused (its own words are English and
technical: "Stream has ended unexpectedly")."""


def image_content_problem(data: bytes, suffix: str) -> str | None:
    """Return why data is not a whole image of its extension's format, or None.

    Raises:
        FileRefused: for an image sitegen does not decode (too many pixels or frames).

    Pillow checks the file's structure (verify) and then decodes every pixel of every
    frame from a fresh start (load): a file that only begins like an image, is cut
    short or holds more pixels than sitegen decodes (see images.py) is refused.
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


_BANNED_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
_LINK_ATTRIBUTES = {"href", "src"}
_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
_SVG_FIX = N_("remove it, or convert the image to PNG")


class _SvgRefused(Exception):
    pass


def svg_problem(data: bytes) -> str | None:
    """Return why the SVG in data could script, embed or load something, or None.

    The parser refuses a DOCTYPE and entity declarations, so no entity can expand.
    """
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    checker = _SvgChecker()
    parser.StartDoctypeDeclHandler = checker.doctype
    parser.EntityDeclHandler = checker.entity
    parser.ProcessingInstructionHandler = checker.instruction
    parser.StartElementHandler = checker.start
    parser.EndElementHandler = checker.end
    parser.CharacterDataHandler = checker.text
    try:
        parser.Parse(data, True)
    except _SvgRefused as refused:
        return str(refused)
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code)
        return _("the SVG is not well-formed XML (line {line}: {reason}); export it again").format(
            line=error.lineno, reason=reason
        )
    if not checker.saw_root:
        return _("the file is not an SVG image (its root element is not <svg>); export it again")
    return None


class _SvgChecker:
    """expat callbacks that raise _SvgRefused at the first unsafe construct."""

    def __init__(self) -> None:
        self.open: list[str] = []
        self.saw_root = False

    def doctype(self, *args: object) -> None:
        raise _SvgRefused(
            _("the SVG has a DOCTYPE declaration, which is not allowed; remove it (SVG needs none)")
        )

    def entity(self, *args: object) -> None:
        raise _SvgRefused(_("the SVG declares entities, which are not allowed; remove them"))

    def instruction(self, target: str, data: str) -> None:
        raise _SvgRefused(
            _(
                "the SVG has a processing instruction <?{target}?>, which could load "
                "something; {fix}"
            ).format(target=target, fix=_(_SVG_FIX))
        )

    def start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1].lower()
        if not self.open and local != "svg":
            raise _SvgRefused(
                _("the file is not an SVG image (its root element is not <svg>); export it again")
            )
        self.saw_root = True
        if local in _BANNED_ELEMENTS:
            raise _SvgRefused(
                _(
                    "the SVG contains a <{element}> element, which could run a script on "
                    "the site; {fix}"
                ).format(element=name.rsplit(" ", 1)[-1], fix=_(_SVG_FIX))
            )
        for attribute, value in attributes.items():
            _check_attribute(local, attribute.rsplit(" ", 1)[-1].lower(), value, attributes)
        self.open.append(local)

    def end(self, name: str) -> None:
        self.open.pop()

    def text(self, data: str) -> None:
        if self.open and self.open[-1] == "style":
            _check_css(data)


def _check_attribute(element: str, attribute: str, value: str, all_of: dict[str, str]) -> None:
    if attribute.startswith("on"):
        raise _SvgRefused(
            _(
                "the SVG has an event attribute '{attribute}', which runs a script on the "
                "site; {fix}"
            ).format(attribute=attribute, fix=_(_SVG_FIX))
        )
    if attribute in _LINK_ATTRIBUTES and not value.strip().startswith("#"):
        raise _SvgRefused(_external(value))
    target = value.rsplit(":", 1)[-1].strip().lower()
    if (
        element in ("animate", "set")
        and attribute == "attributename"
        and target in _LINK_ATTRIBUTES
    ):
        raise _SvgRefused(
            _("the SVG animates a link target, which could run a script; {fix}").format(
                fix=_(_SVG_FIX)
            )
        )
    _check_css(value)


def _check_css(text: str) -> None:
    if "@import" in text.lower():
        raise _SvgRefused(
            _("the SVG imports a style sheet with @import; {fix}").format(fix=_(_SVG_FIX))
        )
    for match in _URL.finditer(text):
        if not match.group(1).startswith("#"):
            raise _SvgRefused(_external(match.group(1)))


def _external(reference: str) -> str:
    return _(
        "the SVG refers to '{reference}' outside itself; only references inside the file "
        "('#name') are allowed; embed what it shows, or convert the image to PNG"
    ).format(reference=reference)
