"""Discarding: old folders removed in the background while the build goes on."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

_DISCARDING: list[threading.Thread] = []
"""Folders being removed in the background; finish_discarding() waits for them."""


def discard_later(folder: Path) -> None:
    """Remove folder in the background, while the build goes on (see finish_discarding)."""
    thread = threading.Thread(target=shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True})
    thread.start()
    _DISCARDING.append(thread)


def finish_discarding() -> None:
    """Wait until every folder handed to discard_later is removed (at the end of a build)."""
    while _DISCARDING:
        _DISCARDING.pop().join()
