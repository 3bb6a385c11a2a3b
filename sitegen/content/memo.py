"""The entries of earlier builds, so that an unchanged file is neither read nor parsed.

Input: the build cache. Output: the parsed front matter of a file whose stat (and its
bundle's) is the same as when it was parsed, under the same code and settings; the
loader validates it against its kind's schema again, as it does a file just read.

Entries are kept as data (JSON), never pickled: loading one runs no code, and a value
planted in `.sitegen-cache/` can say no more than the file's own front matter could.
A cache restored on another machine (a CI runner) has other stats: there the files are
read again, and their front matter comes from the parse cache, keyed by its text
(content/frontmatter.py).
"""

from __future__ import annotations

from typing import Any

from sitegen.base.cache import Cache, code_fingerprint, digest
from sitegen.base.yamldoc import Loc
from sitegen.content.frontmatter import FrontMatter
from sitegen.content.load import Entry

KIND = "entry"


class EntryMemo:
    """Front matter parsed by earlier builds, by content key, with the stat of its files."""

    def __init__(self, cache: Cache, settings: str) -> None:
        self._cache = cache
        self._settings = digest(code_fingerprint(), settings)
        self._reused: dict[str, FrontMatter] = {}

    def reuse(self, key: str, signature: str) -> bool:
        """Return True (and keep the front matter for take) when the entry of key was
        parsed from files with this signature and is validly kept."""
        value = self._cache.get(KIND, key)
        if not isinstance(value, dict) or value.get("mark") != self._mark(signature):
            return False
        front = front_from_data(value.get("front"))
        if front is not None:
            self._reused[key] = front
        return front is not None

    def take(self, key: str) -> FrontMatter:
        """Return the front matter that reuse(key, ...) found good.

        Raises:
            KeyError: when reuse did not say yes for key.
        """
        return self._reused.pop(key)

    def put(self, entry: Entry, signature: str) -> None:
        """Remember entry as parsed from files with this signature."""
        if not signature:
            return
        value = {"mark": self._mark(signature), "front": front_data(entry.front)}
        self._cache.put(KIND, entry.source.content_key, value)

    def _mark(self, signature: str) -> str:
        return digest(self._settings, signature)


def front_data(front: FrontMatter) -> dict[str, Any]:
    """Return front as data JSON can hold."""
    return {
        "data": front.data,
        "lines": [[list(loc), line] for loc, line in front.lines.items()],
        "body": front.body,
        "body_line": front.body_line,
        "first_line": front.first_line,
    }


def front_from_data(value: object) -> FrontMatter | None:
    """Return the FrontMatter that front_data gave value; None when value is not one."""
    if not isinstance(value, dict):
        return None
    data, body = value.get("data"), value.get("body")
    body_line, first_line = value.get("body_line"), value.get("first_line")
    lines = _lines(value.get("lines"))
    if not isinstance(data, dict) or not isinstance(body, str) or lines is None:
        return None
    if type(body_line) is not int or type(first_line) is not int:
        return None
    return FrontMatter(data, lines, body, body_line, first_line)


def _lines(value: object) -> dict[Loc, int] | None:
    if not isinstance(value, list):
        return None
    lines: dict[Loc, int] = {}
    for item in value:
        if not (isinstance(item, list) and len(item) == 2 and type(item[1]) is int):
            return None
        loc, line = item
        if not isinstance(loc, list) or not all(type(part) in (str, int) for part in loc):
            return None
        lines[tuple(loc)] = line
    return lines


class MemoryMemo:
    """Entries parsed by earlier builds of this process: the preview keeps one for its life.

    Nothing is pickled or signed: the entries never leave memory.
    """

    def __init__(self) -> None:
        self._kept: dict[str, tuple[str, Entry]] = {}
        self._settings = ""

    def bind(self, settings: str) -> MemoryMemo:
        """Use the memo for builds with these settings; forget entries made under others."""
        settings = digest(code_fingerprint(), settings)
        if settings != self._settings:
            self._kept.clear()
            self._settings = settings
        return self

    def reuse(self, key: str, signature: str) -> bool:
        """Return True when the entry of key was parsed from files with this signature."""
        kept = self._kept.get(key)
        return kept is not None and kept[0] == signature

    def take(self, key: str) -> Entry:
        """Return the entry that reuse(key, ...) found good."""
        return self._kept[key][1]

    def put(self, entry: Entry, signature: str) -> None:
        """Remember entry as parsed from files with this signature."""
        if signature:
            self._kept[entry.source.content_key] = (signature, entry)
