"""Stage 2: split the `---` block from the body and parse it as YAML, keeping line numbers.

Input: a file's text. Output: FrontMatter (the data, the line of every key and list
item, the Markdown body and the line where it starts).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sitegen.errors import ContentError, Problem
from sitegen.yamldoc import Loc, parse_yaml_mapping


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


def split_front_matter(text: str, rel_path: str) -> FrontMatter:
    """Split text into front matter and body and parse the front matter.

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
                    "missing front matter: start the file "
                    "with a line '---', then the keys, then another '---'",
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
                    "the front matter is never closed: add a line '---' after its last key",
                )
            ]
        )
    yaml_text = "\n".join(lines[1:end])
    body = "\n".join(lines[end + 1 :])
    data, key_lines = parse_yaml_mapping(yaml_text, rel_path, first_line=2)
    return FrontMatter(data, key_lines, body, body_line=end + 2)
