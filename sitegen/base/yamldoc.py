"""YAML documents with the line of every key: the parser behind site.yaml and front matter."""

from __future__ import annotations

import re
from typing import Any

import yaml

from sitegen.base.errors import ContentError, Problem
from sitegen.base.i18n import N_, _
from sitegen.base.text import char_problem

Loc = tuple[str | int, ...]
"""A path into the front matter: ("documents", 0, "file")."""

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TIMESTAMP = "tag:yaml.org,2002:timestamp"

MAX_DEPTH = 20
"""Deepest nesting of lists and mappings: front matter needs 3, site.yaml 4."""

_BAD_VALUE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters that an escape ("\\x0b", "\\ud800") can put in a value but no page or
feed can hold: control characters except tab and line feed, surrogates, non-characters."""


class _Loader(_BaseLoader):  # type: ignore[valid-type, misc]
    """Safe YAML loader (libyaml when available) that leaves dates as text and reads
    true/false and numbers as YAML 1.2 does.

    sitegen parses dates itself, so that `2017-13-45` gets our error message and a
    date-time without an offset gets the site's timezone instead of none. YAML 1.2 is
    what the web editor writes (/admin/): it writes `title: yes`, `place: on` and
    `source: 1_000` without quotes, which YAML 1.1 would read as true, true and 1000.
    """


_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_CORE_1_2 = (
    (_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
    (_INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), "-+0123456789"),
    (
        _FLOAT,
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
        "-+.0123456789",
    ),
)
_VALUE = "tag:yaml.org,2002:value"
_MERGE = "tag:yaml.org,2002:merge"
"""YAML 1.1's "=" (a mapping's default value) and "<<" (a merge key, useless here:
aliases are refused): in YAML 1.2 both are text, as the web editor writes them
(`title: =`), and PyYAML cannot construct either as a value."""
_REPLACED = {_TIMESTAMP, _BOOL, _INT, _FLOAT, _VALUE, _MERGE}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
for _tag, _regexp, _firsts in _CORE_1_2:
    for _first in _firsts:
        _Loader.yaml_implicit_resolvers.setdefault(_first, []).append((_tag, _regexp))


def reads_as_text(scalar: str, text: str) -> bool:
    """Return True when the YAML scalar, as a value of front matter, reads back as text
    (with this module's rules: `0E0` is a number here, though YAML 1.1 writers leave it
    bare)."""
    try:
        return bool(yaml.load(f"t: {scalar}\n", Loader=_Loader) == {"t": text})
    except yaml.YAMLError:
        return False


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """Read a YAML 1.2 integer: decimal (017 is 17), 0o octal or 0x hexadecimal."""
    text = str(loader.construct_scalar(node))
    if text.startswith(("0o", "0x")):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text, 10)


def _construct_bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    return str(loader.construct_scalar(node)).lower() == "true"


_Loader.add_constructor(_INT, _construct_int)
_Loader.add_constructor(_BOOL, _construct_bool)


def parse_yaml_mapping(
    text: str, rel_path: str, first_line: int
) -> tuple[dict[str, Any], dict[Loc, int]]:
    """Parse YAML text that starts on first_line of its file into a mapping.

    Raises:
        ContentError: when the YAML is malformed, not a mapping, or repeats a key.
    """
    try:
        _check_events(text, rel_path, first_line)
        data, node = _compose(text)
    except yaml.MarkedYAMLError as error:
        index, message = _yaml_problem(error, text.split("\n"), _error_line(error, text))
        raise ContentError([Problem(rel_path, first_line + index, "", message)]) from None
    except yaml.YAMLError:  # a ReaderError: the text holds a character YAML refuses
        raise ContentError([_character_problem(text, rel_path, first_line)]) from None
    if not isinstance(data, dict):
        raise ContentError(
            [Problem(rel_path, first_line, "", _("the front matter must be 'key: value' lines"))]
        )
    key_lines: dict[Loc, int] = {}
    problems: list[Problem] = []
    _record_lines(node, (), first_line, key_lines, problems, rel_path)
    if problems:
        raise ContentError(problems)
    return data, key_lines


def _character_problem(text: str, rel_path: str, first_line: int) -> Problem:
    """Return the problem of a text that YAML's reader refuses (the sources stage refuses
    such files already; this keeps any other caller from seeing a traceback)."""
    found = char_problem(text)
    if found is None:
        return Problem(
            rel_path, first_line, "", _("invalid YAML: a character YAML does not accept")
        )
    return Problem(rel_path, first_line + found[0] - 1, "", found[1])


def _compose(text: str) -> tuple[Any, yaml.Node | None]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else {}), node
    finally:
        loader.dispose()


def _check_events(text: str, rel_path: str, first_line: int) -> None:
    """Refuse anchors, aliases, deep nesting and bad escaped characters before anything
    is built: `yaml.parse` streams events without recursion and without expanding
    aliases, so a few hundred bytes cannot grow into gigabytes or exhaust the stack.

    Raises:
        ContentError: at the first such event.
        yaml.MarkedYAMLError: when the text is malformed.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        message = _event_problem(event)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH and message is None:
                message = _(
                    "the YAML is nested more than {depth} levels deep; "
                    "write the value with less nesting"
                ).format(depth=MAX_DEPTH)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if message is not None:
            line = first_line + (event.start_mark.line if event.start_mark else 0)
            raise ContentError([Problem(rel_path, line, "", message)])


def _event_problem(event: yaml.Event) -> str | None:
    if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
        return _("anchors and aliases (&name, *name) are not allowed; write the value out")
    if isinstance(event, yaml.ScalarEvent):
        match = _BAD_VALUE.search(event.value)
        if match is not None:
            return _(
                "the value holds the character U+{code:04X}, which no page or "
                "feed can show (an escape such as \\x00 or \\u0000 in quotes makes it); "
                "delete the escape"
            ).format(code=ord(match.group()))
    return None


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
                        _("the key appears twice (first on line {line}); keep only one").format(
                            line=out[sub]
                        ),
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


_REASONS = frozenset(
    {
        N_("did not find expected node content"),
        N_("did not find expected ',' or ']'"),
        N_("did not find expected ',' or '}'"),
        N_("did not find expected key"),
        N_("did not find expected '-' indicator"),
        N_("could not find expected ':'"),
        N_("found unexpected end of stream"),
        N_("found unexpected ':'"),
        N_("found character that cannot start any token"),
        N_("block sequence entries are not allowed in this context"),
        N_("mapping values are not allowed in this context"),
        N_("found unknown escape character"),
        N_("found unexpected document indicator"),
    }
)
"""What libyaml says of the commonest mistakes, translated; anything else is shown as it is."""

_KEY_VALUE = re.compile(r"(?P<key>\s*(?:-\s+)?[^\s:#'\"][^:#]*):\s+(?P<value>\S.*?)\s*$")


def _yaml_problem(error: yaml.MarkedYAMLError, lines: list[str], index: int) -> tuple[int, str]:
    """Return the 0-based line to blame and what is wrong there, in plain words."""
    reason = error.problem or error.context or "?"
    index = min(index, len(lines) - 1)  # a mark at the very end points past the last line
    tab = _tab_line(lines, index) if "tab" in reason or "\t" in lines[index] else None
    if tab is not None:
        column = lines[tab].index("\t") + 1
        return tab, _(
            "a tab character in column {column}; YAML allows only spaces: replace the tab "
            "with spaces"
        ).format(column=column)
    match = _KEY_VALUE.fullmatch(lines[index])
    if "mapping values are not allowed" in reason and match:
        fixed = f"{match['key']}: {_quoted(match['value'])}".strip()
        return index, _(
            "the value contains ': ', which YAML reads as another key; put the value "
            "in quotes: {line}"
        ).format(line=fixed)
    if reason in _REASONS:
        reason = _(reason)
    return index, _(
        "invalid YAML: {reason}; check the indentation and put text with ':' or '#' in quotes"
    ).format(reason=reason)


def _tab_line(lines: list[str], index: int) -> int | None:
    """Return the first line from the one before index on that holds a tab."""
    start = max(index - 1, 0)
    return next((i for i in range(start, len(lines)) if "\t" in lines[i]), None)


def _quoted(value: str) -> str:
    """Return value as a YAML string in quotes that reads back as value."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"
