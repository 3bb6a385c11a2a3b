"""SVG checks: an SVG image may not script, embed HTML or load anything.

The SVG is parsed with expat; the first unsafe construct refuses it with a sentence
saying what to do instead.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from sitegen.base.i18n import N_, _

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
