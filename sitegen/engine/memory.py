"""What one process keeps between its builds: the preview's entries and build states."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sitegen.content.memo import MemoryMemo
from sitegen.engine.state import BuildState


@dataclass(slots=True)
class Memory:
    """What one process keeps between its builds (the preview): entries and states."""

    entries: MemoryMemo = field(default_factory=MemoryMemo)
    """Entries parsed by earlier builds of this process."""
    states: dict[Path, BuildState] = field(default_factory=dict)
    """The state of this process's last build into each output (by state file): the
    preview's own output, which nothing else writes, so it need not be read back."""
