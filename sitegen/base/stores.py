"""Signed stores: values only this user's sitegen wrote, for caches that unpickle.

Some values kept between builds are pickles (compiled templates, the engine's snapshot
of the previous build), and unpickling runs code. Such a value is used only when it
carries a signature (HMAC-SHA256) made with a key that lives outside the site, in the
user's state folder (`$XDG_STATE_HOME/sitegen/secret`, by default
`~/.local/state/sitegen/secret`): a file planted in `.sitegen-cache/`, or restored from
another machine, is ignored. Where the key cannot be kept, nothing is signed.

Values that travel with the cache to another machine (entries, bodies, images, search
shards) are never pickled: they are data, checked when loaded, and need no key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SECRET_BYTES = 32
SIGNATURE_BYTES = 32
"""Length of a raw signature (SHA-256)."""


class Signer:
    """Signs values with this user's key, and checks their signatures.

    The context (for example a store's kind and key) is signed with the value, so a
    signed value cannot be moved to another place of the store.
    """

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def signature(self, value: bytes, *context: str) -> bytes:
        """Return the raw signature of value in context."""
        signing = hmac.new(self._secret, digestmod=hashlib.sha256)
        for part in (*(part.encode() for part in context), value):
            signing.update(len(part).to_bytes(8, "little"))
            signing.update(part)
        return signing.digest()

    def sign(self, value: bytes, *context: str) -> str:
        """Return the signature of value in context, as hexadecimal text."""
        return self.signature(value, *context).hex()

    def verify(self, signature: str, value: bytes, *context: str) -> bool:
        """Return True when signature (hexadecimal) is this user's for value in context."""
        return hmac.compare_digest(signature, self.sign(value, *context))

    def seal(self, value: bytes, *context: str) -> bytes:
        """Return value behind its raw signature: one blob to keep in a file."""
        return self.signature(value, *context) + value

    def unseal(self, sealed: bytes, *context: str) -> bytes | None:
        """Return the value that seal kept in sealed, or None when it is not validly signed."""
        signature, value = sealed[:SIGNATURE_BYTES], sealed[SIGNATURE_BYTES:]
        if not hmac.compare_digest(signature, self.signature(value, *context)):
            return None
        return value


def user_secret() -> bytes | None:
    """Return this user's key for signing, made on first use; None when it cannot be."""
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
