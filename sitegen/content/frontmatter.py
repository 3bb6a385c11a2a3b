"""Stage 2: split the `---` block from the body and parse it as YAML, keeping line numbers.

Input: a file's text. Output: FrontMatter (the data, the line of every key and list
item, the Markdown body and the line where it starts).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sitegen.base.cache import Cache, code_fingerprint, digest
from sitegen.base.errors import ContentError, Problem
from sitegen.base.i18n import _
from sitegen.base.yamldoc import Loc, parse_yaml_mapping


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The parsed front matter of one file."""

    data: dict[str, Any]
    lines: dict[Loc, int]
    """1-based file line of every key and list item."""
    body: str
    body_line: int
    """File line on which the body starts."""
    first_line: int = 1

    def line_of(self, loc: Loc) -> int:
        """Return the line of loc, or of its closest ancestor that has one."""
        for end in range(len(loc), 0, -1):
            line = self.lines.get(loc[:end])
            if line:
                return line
        return self.first_line


def split_front_matter(text: str, rel_path: str, cache: Cache | None = None) -> FrontMatter:
    """Split text into front matter and body and parse the front matter.

    A front matter parsed before (the same YAML text) comes from cache: parsing YAML
    with the line of every key is the costliest part of reading a site.

    Raises:
        ContentError: when the block is missing, unclosed or not valid YAML.
    """
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise ContentError(
            [
                Problem(
                    rel_path,
                    1,
                    "",
                    _(
                        "missing front matter: start the file "
                        "with a line '---', then the keys, then another '---'"
                    ),
                )
            ]
        )
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise ContentError(
            [
                Problem(
                    rel_path,
                    1,
                    "",
                    _("the front matter is never closed: add a line '---' after its last key"),
                )
            ]
        )
    yaml_text = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    try:
        parsed = _parse(yaml_text, rel_path, cache or Cache(None))
    except ContentError:
        unclosed = _unclosed(lines, end, rel_path)
        if unclosed is not None:
            raise ContentError([unclosed]) from None
        raise
    return FrontMatter(parsed[0], parsed[1], body, body_line=end + 2)


_YAML_LINE = re.compile(r"[A-Za-z_][\w-]*\s*:(\s|$)|\s|-(\s|$)|#|$")
"""How a line of front matter starts: a key, an indented line, a list item, a comment,
or nothing."""


def _unclosed(lines: list[str], end: int, rel_path: str) -> Problem | None:
    """Return the problem of a front matter left open whose `---` at end is a rule in the
    body: its keys parse, then a line of text follows, and the YAML breaks after it.
    None when the front matter does not look so."""
    text_line = next((i for i in range(1, end) if not _YAML_LINE.match(lines[i])), None)
    if text_line is None:
        return None
    try:
        parse_yaml_mapping("\n".join(lines[1:text_line]), rel_path, first_line=2)
    except ContentError:
        return None
    message = _(
        "the front matter is not closed: add a line '---' before this line (the '---' on "
        "line {rule} is a rule in the text)"
    ).format(rule=end + 1)
    return Problem(rel_path, text_line + 1, "", message)


def _parse(yaml_text: str, rel_path: str, cache: Cache) -> tuple[dict[str, Any], dict[Loc, int]]:
    key = digest(code_fingerprint(), yaml_text)
    value = cache.get("front", key)
    try:
        if value is not None:
            data, lines = value["data"], {tuple(loc): int(line) for loc, line in value["lines"]}
            if isinstance(data, dict):
                return data, lines
    except (TypeError, KeyError, ValueError):
        pass  # damaged: parse again
    data, lines = parse_yaml_mapping(yaml_text, rel_path, first_line=2)
    if _survives_json(data):  # not a set, bytes or a number as a key: those are not kept
        cache.put(
            "front", key, {"data": data, "lines": [[list(loc), n] for loc, n in lines.items()]}
        )
    return data, lines


def _survives_json(data: dict[str, Any]) -> bool:
    try:
        return bool(json.loads(json.dumps(data)) == data)
    except (TypeError, ValueError, RecursionError):
        return False
