"""YAML documents with the line of every key: the parser behind site.yaml and front matter."""

from __future__ import annotations

from typing import Any

import yaml

from sitegen.errors import ContentError, Problem

Loc = tuple[str | int, ...]
"""A path into the front matter: ("documents", 0, "file")."""

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(_BaseLoader):  # type: ignore[valid-type, misc]
    """Safe YAML loader (libyaml when available) that leaves dates as text.

    sitegen parses dates itself, so that `2017-13-45` gets our error message and a
    date-time without an offset gets the site's timezone instead of none.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def parse_yaml_mapping(
    text: str, rel_path: str, first_line: int
) -> tuple[dict[str, Any], dict[Loc, int]]:
    """Parse YAML text that starts on first_line of its file into a mapping.

    Raises:
        ContentError: when the YAML is malformed, not a mapping, or repeats a key.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.MarkedYAMLError as error:
        line = first_line + _error_line(error, text)
        problem = error.problem or error.context or "malformed YAML"
        raise ContentError(
            [
                Problem(
                    rel_path,
                    line,
                    "",
                    f"invalid YAML: {problem}; check the "
                    "indentation and put text with ':' or '#' in quotes",
                )
            ]
        ) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict):
        raise ContentError(
            [Problem(rel_path, first_line, "", "the front matter must be 'key: value' lines")]
        )
    key_lines: dict[Loc, int] = {}
    problems: list[Problem] = []
    _record_lines(node, (), first_line, key_lines, problems, rel_path)
    if problems:
        raise ContentError(problems)
    return data, key_lines


def _record_lines(
    node: yaml.Node | None,
    loc: Loc,
    first_line: int,
    out: dict[Loc, int],
    problems: list[Problem],
    rel_path: str,
) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            sub = (*loc, key_node.value)
            line = first_line + key_node.start_mark.line
            if sub in out:
                name = ".".join(str(part) for part in sub)
                problems.append(
                    Problem(
                        rel_path,
                        line,
                        name,
                        f"the key appears twice (first on line {out[sub]}); keep only one",
                    )
                )
                continue
            out[sub] = line
            _record_lines(value_node, sub, first_line, out, problems, rel_path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[(*loc, index)] = first_line + item.start_mark.line
            _record_lines(item, (*loc, index), first_line, out, problems, rel_path)


def _error_line(error: yaml.MarkedYAMLError, text: str) -> int:
    """Return the 0-based line to blame: where the problem is, or where its context
    opened when the problem is only found at the end of the text (an unclosed bracket)."""
    last_line = text.count("\n")
    mark = error.problem_mark
    if mark is None or (mark.line >= last_line and error.context_mark is not None):
        mark = error.context_mark
    return mark.line if mark is not None else 0
