"""The entries of earlier builds, so that an unchanged file is neither read nor parsed.

Input: the build cache and a secret key. Output: the Entry parsed from a file whose stat
(and its bundle's) is the same as when it was parsed, under the same code and settings.

Entries are kept pickled in the build cache, each signed with an HMAC whose key lives
outside the site, in the user's state folder (`$XDG_STATE_HOME/sitegen/secret`, by
default `~/.local/state/sitegen/secret`). Unpickling runs code, so an entry is
unpickled only when its signature proves that sitegen wrote it: a file planted in
`.sitegen-cache/` is ignored. Where the key cannot be kept, nothing is remembered.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
from pathlib import Path

from sitegen.base.cache import Cache, code_fingerprint, digest
from sitegen.content.load import Entry

KIND = "entry"
SECRET_BYTES = 32


class EntryMemo:
    """Entries parsed by earlier builds, by content key, with the signature of their files."""

    def __init__(self, cache: Cache, settings: str, secret: bytes | None) -> None:
        self._cache = cache
        self._secret = secret
        self._settings = digest(code_fingerprint(), settings)
        self._reused: dict[str, Entry] = {}

    def reuse(self, key: str, signature: str) -> bool:
        """Return True (and keep the entry for take) when the entry of key was parsed from
        files with this signature and is validly kept."""
        if self._secret is None:
            return False
        stored = self._cache.blob(KIND, key)
        if stored is None or not stored[1].startswith(self._mark(signature) + b"\n"):
            return False
        entry = self._load(key, *stored)
        if entry is not None:
            self._reused[key] = entry
        return entry is not None

    def take(self, key: str) -> Entry:
        """Return the entry that reuse(key, ...) found good.

        Raises:
            KeyError: when reuse did not say yes for key.
        """
        return self._reused.pop(key)

    def _load(self, key: str, checksum: str, value: bytes) -> Entry | None:
        """Return the entry kept as value, or None when it is not validly signed."""
        if not hmac.compare_digest(checksum, self._sign(value)):
            return None
        self._cache.mark_used(KIND, key)
        try:
            entry = pickle.loads(value.partition(b"\n")[2])  # signed by us: see the docstring
        except Exception:  # a damaged value is no value
            return None
        return entry if isinstance(entry, Entry) else None

    def put(self, entry: Entry, signature: str) -> None:
        """Remember entry as parsed from files with this signature."""
        if self._secret is None or not signature:
            return
        data = pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL)
        value = self._mark(signature) + b"\n" + data
        self._cache.put_blob(KIND, entry.source.content_key, self._sign(value), value)

    def _mark(self, signature: str) -> bytes:
        return digest(self._settings, signature).encode()

    def _sign(self, value: bytes) -> str:
        assert self._secret is not None  # only called with a key
        return hmac.new(self._secret, value, hashlib.sha256).hexdigest()


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


def user_secret() -> bytes | None:
    """Return this user's key for signing entries, made on first use; None when it cannot be."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    path = Path(state) / "sitegen" / "secret"
    try:
        if not path.is_file() or path.stat().st_size != SECRET_BYTES:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            temporary = path.with_name(f"secret.{os.getpid()}")
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(secrets.token_bytes(SECRET_BYTES))
            temporary.replace(path)
        data = path.read_bytes()
    except (OSError, RuntimeError):  # no home folder, or it cannot be written
        return None
    return data if len(data) == SECRET_BYTES else None
