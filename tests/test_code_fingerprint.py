"""The code fingerprint (base/cache.py): any change of a source file changes it, even
one that keeps the file's size and modification time; the vendored files and compiled
bytecode are not part of it; the kept digest spares reading the files, never a change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sitegen.base.cache import fingerprint_of_code


@pytest.fixture
def package(tmp_path: Path) -> Path:
    root = tmp_path / "sitegen"
    (root / "engine").mkdir(parents=True)
    (root / "engine/make.py").write_text("A = 1\n")
    (root / "data.json").write_text("{}\n")
    (root / "vendor/decap-cms").mkdir(parents=True)
    (root / "vendor/decap-cms/decap-cms.js").write_text("x")
    (root / "__pycache__").mkdir()
    (root / "__pycache__/make.cpython-311.pyc").write_bytes(b"\0")
    return root


def test_a_change_that_keeps_size_and_time_changes_the_fingerprint(
    package: Path, tmp_path: Path
) -> None:
    memo = tmp_path / "state/code-fingerprint"
    before = fingerprint_of_code(str(package), memo)
    source = package / "engine/make.py"
    stat = source.stat()
    source.write_text("A = 2\n")  # same size
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same modification time
    assert fingerprint_of_code(str(package), memo) != before
    assert fingerprint_of_code(str(package), None) == fingerprint_of_code(str(package), memo)


def test_vendored_files_and_bytecode_are_left_out(package: Path) -> None:
    before = fingerprint_of_code(str(package), None)
    (package / "vendor/decap-cms/decap-cms.js").write_text("y")
    (package / "__pycache__/make.cpython-311.pyc").write_bytes(b"\1")
    assert fingerprint_of_code(str(package), None) == before
    (package / "data.json").write_text("[]\n")
    assert fingerprint_of_code(str(package), None) != before


def test_the_kept_digest_spares_reading_the_files(
    package: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memo = tmp_path / "state/code-fingerprint"
    first = fingerprint_of_code(str(package), memo)
    assert memo.is_file()

    def unread(self: Path) -> bytes:
        raise AssertionError(f"{self} was read")

    with monkeypatch.context() as patch:
        patch.setattr(Path, "read_bytes", unread)
        assert fingerprint_of_code(str(package), memo) == first
    for damage in ("", "zzz", f"{'0' * 64} {'1' * 64}\n"):
        memo.write_text(damage)
        assert fingerprint_of_code(str(package), memo) == first
