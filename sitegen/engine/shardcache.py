"""The search bundles of earlier builds, by the fingerprint of their pages' bytes.

A shard whose pages come out byte for byte as in an earlier build (on this machine or
on the CI runner that saved the cache) needs no Pagefind run: its bundle is taken from
`.sitegen-cache/search/`. Each file is kept once under the SHA-256 of its bytes
(`objects/`), and each bundle as a manifest naming its files (`shards/<fingerprint>.json`).

Only the bundle's data comes from the cache: the index, fragment, filter and metadata
files and `pagefind-entry.json`, each checked against its digest, with a name of its
kind and, for the entry file, this Pagefind's version. Pagefind's code (its scripts,
styles and WebAssembly, the same in every bundle) is never read from the cache: it is
taken from a bundle Pagefind makes of one page on this machine, once per process. A
planted file can therefore give the search page wrong results, never code to run
(the page shows a result's text as text, and only Pagefind's <mark> as markup).

Bundles unused by the builds that pruned the cache are dropped, beyond SPARE of them.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import re
import tempfile
import threading
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from sitegen.render.search import index_pages

SEARCH_FOLDER = "search"
SPARE = 64
"""Bundles kept beyond those the last build used (older ones are pruned)."""
ENTRY_FILE = "pagefind-entry.json"
_DATA_NAME = re.compile(
    r"(?:index/[\w-]+\.pf_index|fragment/[\w-]+\.pf_fragment|filter/[\w-]+\.pf_filter"
    r"|pagefind\.[\w-]+\.pf_meta|pagefind-entry\.json)"
)
"""Names of the files of a bundle that are data: the only ones read from the cache."""
_DIGEST = re.compile(r"[0-9a-f]{64}")
_HASH = re.compile(r"[\w-]{1,64}")


class ShardCache:
    """Search bundles by fingerprint under folder; ShardCache(None, ...) keeps nothing.

    Every failure to read or write reads as "not kept": the shard is indexed again.
    """

    def __init__(self, folder: Path | None, language: str) -> None:
        self._folder = folder
        self.language = language
        self._used: set[str] = set()
        self._folders: set[Path] = set()
        """Folders of objects made (or found) by this process."""
        self._lock = threading.Lock()

    def get(self, fingerprint: str) -> dict[str, bytes] | None:
        """Return the bundle kept for fingerprint, as bytes by path inside the bundle;
        None when there is none, or it is damaged or not what Pagefind makes."""
        if self._folder is None or not _DIGEST.fullmatch(fingerprint):
            return None
        try:
            path = self._folder / "shards" / f"{fingerprint}.json"
            manifest = json.loads(path.read_bytes())
            files = self._data(manifest)
            if files is None:
                return None
            code = pagefind_code(self.language)
            if not _entry_is_pagefinds(files[ENTRY_FILE], code[ENTRY_FILE]):
                return None
            files |= {name: data for name, data in code.items() if name != ENTRY_FILE}
            os.utime(path)  # used: pruned last
        except (OSError, ValueError, KeyError, TypeError):
            return None
        with self._lock:
            self._used.add(fingerprint)
        return files

    def has(self, fingerprint: str) -> bool:
        """Return True when a bundle is kept for fingerprint (get checks it is sound)."""
        if self._folder is None or not _DIGEST.fullmatch(fingerprint):
            return False
        return (self._folder / "shards" / f"{fingerprint}.json").is_file()

    def put(self, fingerprint: str, files: Mapping[str, Path]) -> None:
        """Keep the bundle of fingerprint: each path inside it → the file holding its bytes.

        Only the data files are kept (see the module's docstring).
        """
        if self._folder is None or not _DIGEST.fullmatch(fingerprint):
            return
        try:
            manifest: dict[str, str] = {}
            for name, path in sorted(files.items()):
                if _DATA_NAME.fullmatch(name):
                    manifest[name] = self._keep_object(path)
            if ENTRY_FILE not in manifest:
                return
            data = json.dumps({"files": manifest}, sort_keys=True).encode()
            _write_atomically(self._folder / "shards" / f"{fingerprint}.json", data)
        except OSError:
            return
        with self._lock:
            self._used.add(fingerprint)

    def prune(self) -> None:
        """Drop the bundles this build neither took nor kept, beyond the SPARE newest,
        and every file no bundle left names."""
        if self._folder is None:
            return
        try:
            manifests = sorted(
                (self._folder / "shards").glob("*.json"),
                key=lambda path: path.stat().st_mtime_ns,
                reverse=True,
            )
            unused = [path for path in manifests if path.stem not in self._used]
            for path in unused[SPARE:]:
                path.unlink(missing_ok=True)
            named = set(_named_objects(path for path in manifests if path.exists()))
            for path in (self._folder / "objects").glob("*/*"):
                if path.name not in named:
                    path.unlink(missing_ok=True)
        except OSError:
            return

    def _data(self, manifest: object) -> dict[str, bytes] | None:
        """Return the data files a manifest names, each checked against its digest."""
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
            return None
        files: dict[str, bytes] = {}
        for name, sha in manifest["files"].items():
            if not (isinstance(sha, str) and _DIGEST.fullmatch(sha) and _DATA_NAME.fullmatch(name)):
                return None
            data = self._object(sha).read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                return None
            if name.endswith((".pf_filter", ".pf_meta")) and not _plain_texts(data):
                return None
            files[name] = data
        return files if ENTRY_FILE in files else None

    def _keep_object(self, source: Path) -> str:
        """Keep the bytes of source under their digest, by a hard link where the file
        system allows it (a bundle's thousand files would otherwise be written twice);
        return the digest. A kept file that is changed later no longer matches its
        digest, and get() refuses it."""
        data = source.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        path = self._object(sha)
        if path.is_file():
            with contextlib.suppress(OSError):
                os.utime(path)
            return sha
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._lock:
                self._folders.add(path.parent)
        try:
            os.link(source, path)
        except FileExistsError:
            pass
        except OSError:  # another file system, say
            _write_atomically(path, data)
        return sha

    def _object(self, sha: str) -> Path:
        assert self._folder is not None  # only called with a folder
        return self._folder / "objects" / sha[:2] / sha


def _named_objects(manifests: Iterable[Path]) -> Iterable[str]:
    for path in manifests:
        try:
            files = json.loads(path.read_bytes()).get("files", {})
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(files, dict):
            yield from (str(sha) for sha in files.values())


def _plain_texts(data: bytes) -> bool:
    """Return True when every text in a filter or metadata file (gzipped CBOR after
    Pagefind's mark) is plain: Pagefind's interface shows filter names and values as
    HTML, so a text with "<" in it is refused."""
    try:
        decoded = gzip.decompress(data)
    except (OSError, EOFError, zlib.error):
        return False
    if not decoded.startswith(_PAGEFIND_MARK):
        return False
    texts = _cbor_texts(decoded, len(_PAGEFIND_MARK))
    return texts is not None and not any("<" in text for text in texts)


_PAGEFIND_MARK = b"pagefind_dcd"


def _cbor_texts(data: bytes, position: int) -> list[str] | None:
    """Return every text string of the CBOR items from position to the end of data;
    None when data is not CBOR of the kinds Pagefind writes (no indefinite lengths)."""
    texts: list[str] = []
    while position < len(data):
        major, info = data[position] >> 5, data[position] & 31
        position += 1
        if info >= 28:  # indefinite lengths and reserved values: not Pagefind's
            return None
        length = info
        if info >= 24:
            size = 1 << (info - 24)
            length = int.from_bytes(data[position : position + size], "big")
            position += size
        if major in (2, 3):
            chunk = data[position : position + length]
            if len(chunk) != length:
                return None
            position += length
            if major == 3:
                texts.append(chunk.decode("utf-8", "replace"))
        # Other kinds (numbers, arrays, maps, tags, simple values) hold nothing to show
        # by themselves: their items follow and are read in turn.
    return texts


def _entry_is_pagefinds(cached: bytes, made: bytes) -> bool:
    """Return True when the cached pagefind-entry.json is one this Pagefind could make:
    the same version, and for each language the WebAssembly this Pagefind names."""
    try:
        entry, own = json.loads(cached), json.loads(made)
        if not isinstance(entry, dict) or entry.get("version") != own["version"]:
            return False
        own_wasm = {language["wasm"] for language in own["languages"].values()}
        languages = entry["languages"]
        return isinstance(languages, dict) and all(
            isinstance(language, dict)
            and language.get("wasm") in own_wasm
            and isinstance(language.get("hash"), str)
            and _HASH.fullmatch(language["hash"]) is not None
            for language in languages.values()
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return False


_CODE: dict[str, dict[str, bytes]] = {}
_CODE_LOCK = threading.Lock()


def pagefind_code(language: str) -> dict[str, bytes]:
    """Return the files of a bundle that are Pagefind's own (its scripts, styles and
    WebAssembly) and its pagefind-entry.json, from a bundle it makes of one page here.

    Raises:
        SearchIndexError: when Pagefind cannot index the page.
    """
    with _CODE_LOCK:
        if language not in _CODE:
            _CODE[language] = _made_code(language)
        return _CODE[language]


def _made_code(language: str) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory(prefix="sitegen-pagefind-") as temporary:
        pages, bundle = Path(temporary) / "pages", Path(temporary) / "bundle"
        pages.mkdir()
        (pages / "index.html").write_text(
            f'<html lang="{language}"><body data-pagefind-body><p>sitegen</p></body></html>'
        )
        names = index_pages(pages, bundle, language)
        return {
            name: (bundle / name).read_bytes()
            for name in names
            if name == ENTRY_FILE or not _DATA_NAME.fullmatch(name)
        }


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        temporary.write_bytes(data)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
