"""The CheckedFiles cache: files whose content passed the type checks, by their bytes.

A build then decodes only the files that changed (see filetypes.py).
"""

from __future__ import annotations

from pathlib import Path

from sitegen.base.cache import Cache, code_fingerprint, digest


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
