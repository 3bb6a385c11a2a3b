"""Which files and bytes sitegen accepts: safe text, regular files, publishable types.

Shared by the stages that read input (site.yaml, content/, static/). Input: a path
or raw bytes. Output: decoded text, the bytes of a regular file, or a sentence saying
why a file is refused and what to do instead.

Files in bundles and static/ are published on the site's own origin, so a file that a
browser runs (an HTML page, an SVG with a script) could act as the site itself. Only
known types pass, each checked by its extension and, where that is cheap, its first
bytes; an SVG is parsed and must not script, embed HTML or load anything.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from xml.parsers import expat

from sitegen.errors import ContentError, Problem
from sitegen.i18n import N_, _

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


def file_problem(path: Path, *, max_bytes: int = 10 * MB) -> str | None:
    """Return why the bundle file at path cannot be published (and what to do
    instead), or None when it can."""
    return _type_problem(path, BUNDLE_TYPES, max_bytes)


def static_file_problem(path: Path, *, max_bytes: int = 10 * MB) -> str | None:
    """Return why the file at path cannot be published from static/, or None.

    Besides the bundle types, static/ may hold the theme's style sheets, scripts,
    manifests, icons and fonts.
    """
    return _type_problem(path, STATIC_TYPES, max_bytes)


def _type_problem(
    path: Path, types: dict[str, tuple[str, Callable[[bytes], bool]]], max_bytes: int
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
    return None


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
