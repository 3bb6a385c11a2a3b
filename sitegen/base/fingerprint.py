"""Fingerprints of values: equal fingerprints mean equal values, field by field.

A page is rendered again only when the fingerprint of what its template receives
(its route, with the models in its context) or of the templates, settings and code has
changed. Models appear on many pages (an item sits on its page, in lists, in related
news), so each object is fingerprinted once per build and remembered by identity.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date, datetime, time, timedelta
from enum import Enum
from pathlib import PurePath
from typing import Any

from pydantic import BaseModel

_SCALARS = (bool, int, float, date, datetime, time, timedelta, PurePath, Enum, type(None))
_NONE: frozenset[str] = frozenset()


class Fingerprinter:
    """Fingerprints values; remembers objects and containers by identity for its lifetime.

    Values must not change while a Fingerprinter is in use (a build's models never do).
    Dataclass fields with metadata {"derived": True} are left out: they are made from
    the other fields' values, which are covered.
    Every encoding is self-delimiting (a tag, then a length or a fixed size), so a
    sequence of encodings can be hashed joined, without ambiguity.

    It also notes which content files a value was made from: every dataclass with a
    `source` field (a model: news item, locality, page, ...) found inside it.
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[object, bytes, frozenset[str]]] = {}
        self._fields: dict[type, tuple[str, ...]] = {}
        self._sources: frozenset[str] = _NONE

    def sources_of(self, value: object) -> frozenset[str]:
        """Return the `source` of every model inside value (fingerprinting it if need be)."""
        self.of(value)
        known = self._memo.get(id(value))
        return known[2] if known is not None else _NONE

    def of(self, value: object) -> bytes:
        """Return a fingerprint of value: a 17-byte digest, or a short encoding of a scalar.

        Raises:
            TypeError: for a kind of value it does not know how to compare.
        """
        if isinstance(value, str):
            data = value.encode("utf-8", "surrogatepass")
            if len(data) > 64:
                return b"h" + hashlib.blake2b(data, digest_size=16).digest()
            return b"s" + len(data).to_bytes(1, "little") + data
        if isinstance(value, _SCALARS):
            text = f"{type(value).__name__}:{value!r}".encode()
            return b"r" + len(text).to_bytes(2, "little") + text
        known = self._memo.get(id(value))
        if known is not None:
            if known[2]:
                self._sources = self._sources | known[2]
            return known[1]
        outer, self._sources = self._sources, _NONE
        try:
            result = b"h" + hashlib.blake2b(self._parts(value), digest_size=16).digest()
            sources = self._sources
        finally:
            self._sources = outer
        if sources:
            self._sources = outer | sources
        self._memo[id(value)] = (value, result, sources)  # holding value keeps its id unique
        return result

    def _parts(self, value: object) -> bytes:
        if isinstance(value, tuple | list):
            return b"(" + b"".join([self.of(item) for item in value])
        if isinstance(value, dict):
            return b"{" + b"".join([self.of(k) + self.of(v) for k, v in value.items()])
        kind = type(value)
        if dataclasses.is_dataclass(value):
            names = self._fields.get(kind)
            if names is None:
                names = self._fields[kind] = tuple(
                    f.name for f in dataclasses.fields(value) if not f.metadata.get("derived")
                )
            if "source" in names:
                self._sources = self._sources | {str(getattr(value, "source"))}  # noqa: B009
            head = self.of(kind.__qualname__)
            return head + b"".join([self.of(getattr(value, name)) for name in names])
        if isinstance(value, BaseModel):
            return self.of(kind.__qualname__) + self.of(value.model_dump_json())
        raise TypeError(f"cannot fingerprint a {kind.__name__}")


def fingerprint_of(value: Any) -> str:
    """Return the fingerprint of one value as hex (a fresh Fingerprinter)."""
    return Fingerprinter().of(value).hex()
