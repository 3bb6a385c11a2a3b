"""Safe text: UTF-8 without control characters, and file names that can be published.

Shared by the stages that read text (site.yaml, content/): a file's bytes become text
with Unix line ends, or a sentence naming the line to fix.
"""

from __future__ import annotations

import re

from sitegen.base.errors import ContentError, Problem
from sitegen.base.i18n import _

_BAD_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
"""Control characters (Unicode Cc) except tab and line feed, and the two non-characters
that YAML and XML refuse. Carriage returns are turned into line feeds before this check."""

_BAD_NAME = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
"""What a file name must not hold: control characters, or bytes that are not UTF-8
(Python keeps them as lone surrogates)."""


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
