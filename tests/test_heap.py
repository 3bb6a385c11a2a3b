"""A build gives the memory it freed back to the system (base/heap.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from sitegen.base.heap import _malloc_trim, release_free_memory


def resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or _malloc_trim() is None, reason="glibc only"
)
def test_freed_texts_leave_the_process_once_released() -> None:
    texts = [bytes(2048) + str(number).encode() for number in range(100_000)]  # 200 MB
    del texts[:90_000]  # the newest stay, so the C library cannot give the rest back alone
    before = resident_mb()
    release_free_memory()
    assert before - resident_mb() > 100
    assert len(texts) == 10_000
