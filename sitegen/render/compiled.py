"""Compiled templates: kept in the process by name and source, and on disk between
processes, signed with the user's key (Jinja's own cache would run what a file holds).
"""

from __future__ import annotations

import hashlib
import os
import types
from pathlib import Path

import jinja2

from sitegen.base.stores import Signer
from sitegen.render.sandbox import SANDBOX_VERSION


class SignedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept between builds, each file signed with the user's key.

    Compiling the templates costs a one-edit build a fifth of a second. Jinja's own
    FileSystemBytecodeCache would run whatever code a file in the cache holds, so a
    file here is used only when its signature is this user's (base/stores.py).
    """

    def __init__(self, folder: Path, secret: bytes) -> None:
        self.folder = folder
        self.signer = Signer(secret)

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> jinja2.bccache.Bucket:
        """Return the cache bucket of a template as environment compiles it: a sandbox
        compiles calls and operators to checked ones, and an extension (i18n's `trans`)
        compiles tags of its own, so their code is kept apart."""
        extensions = ",".join(sorted(environment.extensions))
        kind = f"{type(environment).__qualname__}:{SANDBOX_VERSION}:{extensions}"
        return super().get_bucket(environment, f"{kind}:{name}", filename, source)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            data = (self.folder / self._name(bucket)).read_bytes()
        except OSError:
            return
        code = self.signer.unseal(data, bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = bucket.bytecode_to_string()
        path = self.folder / self._name(bucket)
        temporary = path.with_name(f"{path.name}.{os.getpid()}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(self.signer.seal(code, bucket.key))
            temporary.replace(path)
        except OSError:  # a cache that cannot be written is no cache, never an error
            temporary.unlink(missing_ok=True)

    def _name(self, bucket: jinja2.bccache.Bucket) -> str:
        return hashlib.sha256(bucket.key.encode()).hexdigest()

    def load_data(self, key: str) -> bytes | None:
        """Return the bytes kept under key (dump_data), or None when none are, validly signed."""
        try:
            data = (self.folder / hashlib.sha256(key.encode()).hexdigest()).read_bytes()
        except OSError:
            return None
        return self.signer.unseal(data, key)

    def dump_data(self, key: str, data: bytes) -> None:
        """Keep data under key, signed (the theme's compiled catalogues, say)."""
        path = self.folder / hashlib.sha256(key.encode()).hexdigest()
        temporary = path.with_name(f"{path.name}.{os.getpid()}")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(self.signer.seal(data, key))
            temporary.replace(path)
        except OSError:  # a cache that cannot be written is no cache, never an error
            temporary.unlink(missing_ok=True)


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates: in this process by their name and source, so that every site
    it builds with the same templates (a test run, a preview) compiles each only once;
    and, when given, on disk between processes (SignedBytecodeCache).

    Code kept for one site's template serves another's with the same name and source,
    its file name changed to the other's (Jinja takes a template's file name, which
    error messages show, from its code).
    """

    def __init__(self, disk: SignedBytecodeCache | None = None) -> None:
        self.disk = disk

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> jinja2.bccache.Bucket:
        kind = _compiler_of(environment)
        checksum = self.get_source_checksum(source)
        bucket = _Bucket(environment, "", checksum, (kind, name, checksum))
        code = _COMPILED.get(bucket.memory_key)
        if code is not None:
            bucket.code = _with_filename(code, filename or name)
        if self.disk is not None:
            kept = self.disk.get_bucket(environment, name, filename, source)
            bucket.key = kept.key
            if kept.code is None and bucket.code is not None:
                kept.code = bucket.code  # compiled for another site: kept for this one too
                self.disk.set_bucket(kept)
            bucket.code = bucket.code or kept.code
        return bucket

    def set_bucket(self, bucket: jinja2.bccache.Bucket) -> None:
        if isinstance(bucket, _Bucket) and bucket.code is not None:
            if len(_COMPILED) >= COMPILED_KEPT:
                _COMPILED.clear()
            _COMPILED[bucket.memory_key] = bucket.code
        if self.disk is not None and bucket.key:
            self.disk.set_bucket(bucket)


class _Bucket(jinja2.bccache.Bucket):
    def __init__(
        self,
        environment: jinja2.Environment,
        key: str,
        checksum: str,
        memory_key: tuple[str, str, str],
    ) -> None:
        super().__init__(environment, key, checksum)
        self.memory_key = memory_key


_COMPILED: dict[tuple[str, str, str], types.CodeType] = {}
"""Compiled code by (environment kind, template name, source checksum)."""


COMPILED_KEPT = 256
"""The most compiled templates a process keeps."""


def _compiler_of(environment: jinja2.Environment) -> str:
    """Return what a template's code depends on besides its source: the environment's
    class (a sandbox compiles calls to checked ones) and its settings of the syntax."""
    settings = (
        type(environment).__qualname__,
        SANDBOX_VERSION,
        environment.block_start_string,
        environment.variable_start_string,
        environment.comment_start_string,
        environment.line_statement_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.keep_trailing_newline,
        environment.newline_sequence,
        environment.optimized,
        bool(environment.autoescape),
        sorted(environment.extensions),
        sorted(environment.filters),
        sorted(environment.tests),
    )
    return hashlib.sha256(repr(settings).encode()).hexdigest()


def _with_filename(code: types.CodeType, filename: str) -> types.CodeType:
    """Return code (and the code of its functions) as if compiled from filename."""
    consts = tuple(
        _with_filename(const, filename) if isinstance(const, types.CodeType) else const
        for const in code.co_consts
    )
    return code.replace(co_filename=filename, co_consts=consts)
