"""Rendered pages of earlier builds, by their fingerprint, signed, for the publish run.

A publish run on a fresh runner (no output folder, `.sitegen-cache` restored) would
render every page again although the cache saw each of them made. Each page's bytes are
kept once under their digest (`pages/objects/`), and `pages/manifest.txt` maps each
page's fingerprint (its route, templates, globals and code: engine/jobs.py) to that
digest. A page is the site's HTML as it is published, which no sanitiser can check
afterwards, so the manifest is signed (HMAC-SHA256) with a key that is not in the cache:
`SITEGEN_CACHE_KEY` from the environment (the publishing workflow passes a secret of the
repository, which pull requests from forks do not get), or else this user's key
(base/stores.py). A manifest signed with another key, or a file whose bytes are not
their digest, is not used: the page is rendered.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Collection, Mapping
from pathlib import Path

from sitegen.base.cache import digest
from sitegen.base.errors import UsageError
from sitegen.base.i18n import _
from sitegen.base.stores import Signer, user_secret

PAGES_FOLDER = "pages"
KEY_VARIABLE = "SITEGEN_CACHE_KEY"
MIN_KEY_LENGTH = 32
MANIFEST = "manifest.txt"
_CONTEXT = "rendered pages"
_DIGEST = re.compile(r"[0-9a-f]{64}")


def page_cache_key() -> bytes | None:
    """Return the key that signs the page cache: SITEGEN_CACHE_KEY, or this user's key.

    Raises:
        UsageError: when SITEGEN_CACHE_KEY is set but too short to be a secret.
    """
    return key_from_environment() or user_secret()


def key_from_environment() -> bytes | None:
    """Return SITEGEN_CACHE_KEY; None when it is not set.

    Raises:
        UsageError: when it is too short to be a secret.
    """
    value = os.environ.get(KEY_VARIABLE, "")
    if value and len(value) < MIN_KEY_LENGTH:
        raise UsageError(
            _(
                "{variable} has {length} characters; a key of at least {least} is needed "
                '(make one with: python -c "import secrets; print(secrets.token_hex(32))")'
            ).format(variable=KEY_VARIABLE, length=len(value), least=MIN_KEY_LENGTH)
        )
    return value.encode() if value else None


class PageCache:
    """Pages by fingerprint under folder; PageCache(None, ...) keeps nothing.

    The manifest is a list of lines, "fingerprint digest signature", each signed on its
    own: a build appends the pages it rendered, and one that rendered most of the site
    writes it anew with the pages of its output only. It is read only when a page is
    missing from the output. Every failure to read or write reads as "not kept": the
    page is rendered.
    """

    def __init__(self, folder: Path | None, key: bytes | None) -> None:
        self._folder = folder if key else None
        self._signer = Signer(key) if key else None
        self._pages: dict[str, str] | None = None
        """Fingerprint → digest of the pages the manifest names, once read."""

    def get(self, fingerprint: str) -> bytes | None:
        """Return the bytes of the page of fingerprint; None when not kept, or damaged."""
        sha = self._manifest().get(fingerprint)
        if sha is None:
            return None
        try:
            data = self._object(sha).read_bytes()
        except OSError:
            return None
        return data if digest(data) == sha else None

    def save(self, made: Mapping[str, tuple[str, Path]], output: Collection[str] | None) -> None:
        """Keep the pages rendered now: fingerprint → (digest of its bytes, the file holding
        them). output: the fingerprints of every page of the new output, to write the
        manifest anew with those only and drop the files no page names; None to add."""
        if self._folder is None or self._signer is None:
            return
        try:
            for sha, path in made.values():
                self._keep(sha, path)
            if output is None:
                lines = [self._line(fingerprint, sha) for fingerprint, (sha, _) in made.items()]
                with (self._folder / MANIFEST).open("a", encoding="ascii") as manifest:
                    manifest.write("".join(lines))
                return
            pages = {
                fingerprint: sha
                for fingerprint, sha in self._manifest().items()
                if fingerprint in output
            } | {fingerprint: sha for fingerprint, (sha, _) in made.items()}
            lines = [self._line(fingerprint, sha) for fingerprint, sha in sorted(pages.items())]
            _write_atomically(self._folder / MANIFEST, "".join(lines).encode("ascii"))
            self._prune(set(pages.values()))
        except OSError:
            return

    def _line(self, fingerprint: str, sha: str) -> str:
        assert self._signer is not None
        return (
            f"{fingerprint} {sha} {self._signer.sign(f'{fingerprint} {sha}'.encode(), _CONTEXT)}\n"
        )

    def _manifest(self) -> dict[str, str]:
        """Return the pages the manifest names with a signature made with the key."""
        if self._pages is not None:
            return self._pages
        self._pages = {}
        if self._folder is None or self._signer is None:
            return self._pages
        try:
            text = (self._folder / MANIFEST).read_text(encoding="ascii")
        except (OSError, ValueError):
            return self._pages
        for line in text.splitlines():
            fingerprint, _, rest = line.partition(" ")
            sha, _, signature = rest.partition(" ")
            if (
                _DIGEST.fullmatch(fingerprint)
                and _DIGEST.fullmatch(sha)
                and self._signer.verify(signature, f"{fingerprint} {sha}".encode(), _CONTEXT)
            ):
                self._pages[fingerprint] = sha
        return self._pages

    def _keep(self, sha: str, path: Path) -> None:
        kept = self._object(sha)
        if kept.is_file():
            return
        kept.parent.mkdir(parents=True, exist_ok=True)
        temporary = kept.with_name(f"{sha}.{os.getpid()}")
        try:
            os.link(path, temporary)
        except OSError:
            temporary.write_bytes(path.read_bytes())
        temporary.replace(kept)

    def _prune(self, named: set[str]) -> None:
        assert self._folder is not None
        for path in (self._folder / "objects").glob("*/*"):
            if path.name not in named:
                with contextlib.suppress(OSError):
                    path.unlink()

    def _object(self, sha: str) -> Path:
        assert self._folder is not None  # only called with a folder
        return self._folder / "objects" / sha[:2] / sha


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}")
    temporary.write_bytes(data)
    temporary.replace(path)
